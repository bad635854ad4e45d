//! The first statement, from what Switchboard knows now: the models its evidence names (the
//! incident's text, this app's own failed requests) — never the models a policy turned off on
//! top — with the policy in force and what can be used meanwhile.

use super::Core;
use crate::statement::{
    Draft, Evidence, Format, Snapshot, check_template, draft, draft_from_template,
};
use crate::timeline::IdentityVerdict;
use crate::vocabulary::{
    AvailabilityState, EvidenceSource, ModelAvailability, Reason, ReasonKind, Side,
};

#[derive(Debug, thiserror::Error)]
pub enum StatementError {
    #[error(
        "Nothing is known to be wrong right now, so there is nothing to state; `switchboard history` lists past episodes for --episode"
    )]
    NothingWrong,
    /// An unknown episode, or the history could not be read.
    #[error(transparent)]
    History(#[from] crate::HistoryError),
    #[error("{0}. The template was not saved")]
    Template(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// The settings key of the admin's own statement template.
const TEMPLATE_SETTING: &str = "statement_template";

impl Core {
    /// The draft for what is wrong now, or for the episode `episode` (`--episode`): the
    /// first statement while it lasts, the "resolved" one after.
    pub async fn draft_statement(
        &self,
        episode: Option<&str>,
        format: Format,
    ) -> Result<Draft, StatementError> {
        let now = self.clock.now();
        let catalog = self.catalog();
        let availability = self.availability();
        let ended = match episode {
            None => None,
            Some(id) => {
                let found = self.episode(id).await?;
                found.ended.map(|end| (found, end))
            }
        };
        let name = |a: &ModelAvailability| {
            catalog
                .model(&a.model.provider, &a.model.model)
                .map_or(a.model.model.clone(), |m| m.display_name.clone())
        };
        // Which provider: the episode's, or the first with evidence against a model now.
        let provider = match &ended {
            Some((episode, _)) => episode.model.provider.clone(),
            None => availability
                .iter()
                .find(|a| a.named_by_evidence())
                .map(|a| a.model.provider.clone())
                .ok_or(StatementError::NothingWrong)?,
        };
        let affected: Vec<&ModelAvailability> = match &ended {
            Some((episode, _)) => availability
                .iter()
                .filter(|a| a.model == episode.model)
                .collect(),
            None => availability
                .iter()
                .filter(|a| a.model.provider == provider && a.named_by_evidence())
                .collect(),
        };
        // In the order the provider's own post names them.
        let mut affected = affected;
        if let Some(incident) = affected.first().and_then(|a| a.evidence.incident.clone()) {
            let title = incident.title.to_lowercase();
            affected.sort_by_key(|a| {
                catalog
                    .model(&a.model.provider, &a.model.model)
                    .into_iter()
                    .flat_map(|m| std::iter::once(&m.display_name).chain(m.aliases.iter()))
                    .filter_map(|n| title.find(&n.to_lowercase()))
                    .min()
                    .unwrap_or(usize::MAX)
            });
        }
        let first = affected.first().copied();
        let incident = first.and_then(|a| a.evidence.incident.clone());
        let provider_name = catalog
            .provider(&provider)
            .map_or(provider.clone(), |p| p.name.clone());
        // The reason the evidence gives — not the policy's, which is what the workspace did.
        let reason = match (&ended, first, &incident) {
            (Some((episode, _)), _, _) => Reason {
                kind: episode.reason_kind,
                side: episode.side,
                source: EvidenceSource::OwnRequests,
                headline: episode.headline.clone(),
                message: String::new(),
            },
            (None, Some(a), _) if a.reason.kind != ReasonKind::AdminDisabled => a.reason.clone(),
            (None, _, Some(incident)) => Reason {
                kind: ReasonKind::ProviderIncident,
                side: Side::Provider,
                source: EvidenceSource::StatusPage,
                headline: format!("{provider_name} reports: {}", incident.title),
                message: String::new(),
            },
            (None, _, None) => Reason {
                kind: ReasonKind::ElevatedErrors,
                side: Side::Provider,
                source: EvidenceSource::OwnRequests,
                headline: format!("{provider_name}'s servers are failing our requests"),
                message: String::new(),
            },
        };
        let since = match &ended {
            Some((episode, _)) => episode.started,
            None => affected
                .iter()
                .filter_map(|a| a.since)
                .chain(incident.as_ref().map(|i| i.since))
                .min()
                .unwrap_or(now),
        };
        let turned_off: Vec<&ModelAvailability> = availability
            .iter()
            .filter(|a| a.reason.kind == ReasonKind::AdminDisabled)
            .collect();
        // What can be used: answering now, or another provider's with nothing known against
        // it (a key accepted, a clear page); another provider's first, answering ones first.
        let mut alternatives: Vec<&ModelAvailability> = availability
            .iter()
            .filter(|a| {
                a.state == AvailabilityState::Available
                    || (a.state == AvailabilityState::Unknown
                        && a.model.provider != provider
                        && a.reason.source != EvidenceSource::Nothing)
            })
            .collect();
        alternatives.sort_by_key(|a| {
            (
                a.model.provider == provider,
                a.state != AvailabilityState::Available,
            )
        });
        // After the end, the answers before and after say whether the model changed.
        let snapshot = match &ended {
            Some((episode, _)) => match self.timeline_of(episode.clone()).await {
                Ok(timeline) => match timeline.identity.verdict {
                    IdentityVerdict::Same => Some(Snapshot {
                        same: true,
                        said: timeline.identity.said,
                    }),
                    IdentityVerdict::Changed => Some(Snapshot {
                        same: false,
                        said: timeline.identity.said,
                    }),
                    IdentityVerdict::NotKnown => None,
                },
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        let evidence = Evidence {
            provider: &provider_name,
            affected: affected.iter().map(|a| name(a)).collect(),
            reason: &reason,
            since,
            ended: ended.as_ref().map(|(_, end)| *end),
            incident: incident
                .as_ref()
                .map(|i| (i.title.as_str(), i.link.as_deref())),
            turned_off: turned_off.iter().map(|a| name(a)).collect(),
            turned_off_short: whole_providers(&catalog, &turned_off),
            policy_words: turned_off
                .first()
                .and_then(|a| a.evidence.policy.as_ref())
                .map(|rule| rule.message.as_str()),
            alternatives: alternatives.iter().take(3).map(|a| name(a)).collect(),
            times: self.local_times(),
            snapshot,
        };
        // The admin's own words for a first statement, where they wrote some in advance.
        if ended.is_none()
            && let Some(template) = self.statement_template().await?
            && let Ok(drafted) = draft_from_template(&evidence, &template)
        {
            return Ok(drafted);
        }
        Ok(draft(&evidence, format))
    }

    /// The statement template written in Settings, if any.
    pub async fn statement_template(&self) -> Result<Option<String>, StatementError> {
        Ok(self
            .store
            .setting::<Option<String>>(TEMPLATE_SETTING)
            .await?
            .flatten())
    }

    /// Saves a template (`None`: Switchboard's own words again); one that drops a part is
    /// refused, naming the part.
    pub async fn set_statement_template(
        &self,
        template: Option<&str>,
    ) -> Result<(), StatementError> {
        let template = template.map(str::trim).filter(|t| !t.is_empty());
        if let Some(t) = template {
            check_template(t).map_err(StatementError::Template)?;
        }
        self.store
            .set_setting(TEMPLATE_SETTING, &template, self.clock.now())
            .await?;
        Ok(())
    }
}

/// "every Anthropic model" when the policy turns off all of one provider's models (and
/// nothing else); `None` otherwise, and the names are said.
fn whole_providers(
    catalog: &crate::catalog::Catalog,
    off: &[&ModelAvailability],
) -> Option<String> {
    let provider = &off.first()?.model.provider;
    let all_one = off.iter().all(|a| a.model.provider == *provider)
        && catalog.models_of(provider).count() == off.len();
    all_one.then(|| {
        let name = catalog
            .provider(provider)
            .map_or(provider.clone(), |p| p.name.clone());
        format!("every {name} model")
    })
}
