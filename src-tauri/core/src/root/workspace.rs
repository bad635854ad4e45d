//! The workspace policy as Settings shows it: where it is read from, when it was last read,
//! what it turns off, and what is wrong with it. A source in the config file is the
//! workspace's and cannot be changed here; where the file names none, one can be set here
//! (an admin setting up someone's desktop) — and removed here.

use super::Core;
use crate::health::policy::PolicySource;
use crate::health::poller::{POLICY, POLICY_SETTING, read_and_apply_policy};
use crate::store::StoreError;
use crate::vocabulary::PolicyRule;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// The settings key of a policy source set in Settings.
const POLICY_SOURCE_SETTING: &str = "workspace_policy_source";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct WorkspaceView {
    /// Where the policy is read from (a path or an https URL); `None`: no policy.
    pub source: Option<String>,
    /// The config file names it: only the file can change it.
    pub set_in_config: bool,
    /// The config file, as a person finds it.
    pub config_file: String,
    /// When it was last read this run.
    pub read_at: Option<DateTime<Utc>>,
    /// What it turns off now.
    pub rules: Vec<PolicyRule>,
    /// Why it could not be read last time, in words; the last good one stays in force.
    pub problem: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error(
        "Your workspace policy is set in {0}, and only that file can change it: Switchboard does not let a setting here switch your workspace's policy off"
    )]
    SetInConfig(String),
    #[error("That policy source cannot be used: {0}. Nothing was changed")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn words(source: &PolicySource) -> String {
    match source {
        PolicySource::File(path) => path.display().to_string(),
        PolicySource::Url(url) => url.clone(),
    }
}

impl Core {
    pub fn workspace_view(&self) -> WorkspaceView {
        let (rules, read_at) = self.health.policy();
        WorkspaceView {
            source: self
                .policy_source
                .lock()
                .expect("policy lock")
                .as_ref()
                .map(words),
            set_in_config: self.policy_in_config,
            config_file: self.paths.config_file.display().to_string(),
            read_at,
            rules,
            problem: self.health.source_problem(POLICY),
        }
    }

    /// Sets (or, with `None` or an empty text, removes) the policy source — only where the
    /// config file names none. It is read at once.
    pub async fn set_policy_source(
        &self,
        source: Option<&str>,
    ) -> Result<WorkspaceView, WorkspaceError> {
        if self.policy_in_config {
            return Err(WorkspaceError::SetInConfig(
                self.paths.config_file.display().to_string(),
            ));
        }
        let source = source.map(str::trim).filter(|s| !s.is_empty());
        let parsed = source
            .map(PolicySource::parse)
            .transpose()
            .map_err(WorkspaceError::Invalid)?;
        let now = self.clock.now();
        self.store
            .set_setting(POLICY_SOURCE_SETTING, &source, now)
            .await?;
        *self.policy_source.lock().expect("policy lock") = parsed.clone();
        if parsed.is_none() {
            // The person's own policy, lifted by them: nothing it turned off stays off.
            self.store
                .set_setting(POLICY_SETTING, &Vec::<PolicyRule>::new(), now)
                .await?;
            self.health.record_policy(Vec::new());
            self.health.record_fallback_order(Vec::new());
            self.health.set_source_problem(POLICY, None);
        } else if let Some(source) = parsed {
            // Read at once, not at the next round.
            let http = crate::providers::client::feed_client(&self.timeouts);
            read_and_apply_policy(&self.health, &http, &source, Some(&self.store), now).await;
        }
        Ok(self.workspace_view())
    }

    pub(super) async fn saved_policy_source(store: &crate::store::Store) -> Option<PolicySource> {
        match store.setting::<Option<String>>(POLICY_SOURCE_SETTING).await {
            Ok(Some(Some(text))) => PolicySource::parse(&text)
                .inspect_err(
                    |problem| tracing::warn!(%problem, "the saved policy source is unusable"),
                )
                .ok(),
            Ok(_) => None,
            Err(error) => {
                tracing::warn!(%error, "the saved policy source could not be read");
                None
            }
        }
    }
}
