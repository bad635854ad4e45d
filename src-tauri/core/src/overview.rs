//! What the window shows at start, gathered in one call so the picker paints in one round trip.

use crate::assistant::{self, AssistantError};
use crate::catalog::live::nearest_current;
use crate::catalog::{Catalog, Model, Provider};
use crate::model_lists::ModelListSummary;
use crate::notice::Notice;
use crate::store::Store;
use crate::vocabulary::ModelRef;
use crate::vocabulary::{ModelAvailability, ReasonKind};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashSet;

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct Overview {
    pub providers: Vec<Provider>,
    pub models: Vec<Model>,
    pub availability: Vec<ModelAvailability>,
    pub preferred: Option<ModelRef>,
    /// When the preferred model is retired: the nearest current model, offered to the person
    /// (never switched to without them).
    pub preferred_replacement: Option<ModelRef>,
    /// Each provider's own model list: when it was read, and any problem since.
    pub model_lists: Vec<ModelListSummary>,
    pub notices: Vec<Notice>,
    /// The scenario name when the providers are simulated (`make demo`).
    pub demo: Option<String>,
}

pub async fn overview(
    catalog: &Catalog,
    store: &Store,
    notices: &[Notice],
    demo: Option<&str>,
    availability: Vec<ModelAvailability>,
    model_lists: Vec<ModelListSummary>,
) -> Result<Overview, AssistantError> {
    let preferred = assistant::preferred_model(store, catalog).await?;
    let preferred_replacement = preferred
        .as_ref()
        .and_then(|p| replacement_for(catalog, &availability, p));
    Ok(Overview {
        providers: catalog.providers.clone(),
        models: catalog.models.clone(),
        preferred_replacement,
        model_lists,
        availability,
        preferred,
        notices: notices.to_vec(),
        demo: demo.map(str::to_string),
    })
}

/// The model to offer in place of `preferred` when it is retired.
pub fn replacement_for(
    catalog: &Catalog,
    availability: &[ModelAvailability],
    preferred: &ModelRef,
) -> Option<ModelRef> {
    let retired: HashSet<&ModelRef> = availability
        .iter()
        .filter(|a| a.reason.kind == ReasonKind::ModelRetired)
        .map(|a| &a.model)
        .collect();
    if !retired.contains(preferred) {
        return None;
    }
    nearest_current(catalog, preferred, |m| retired.contains(m)).map(Model::model_ref)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::engine::{HealthEngine, HealthSettings};

    #[test]
    fn a_replacement_is_offered_only_for_a_retired_preferred_model() {
        let catalog = Catalog::shipped().unwrap();
        let now = chrono::Utc::now();
        let mut engine = HealthEngine::new(
            catalog.clone(),
            HealthSettings::default(),
            |_| true,
            vec![],
            now,
        );
        let listing = crate::catalog::live::ProviderListing {
            provider: "anthropic".into(),
            listed_at: now,
            // Anthropic lists only Opus 4.7 and 4.8 now.
            models: ["claude-opus-4-8", "claude-opus-4-7"]
                .into_iter()
                .map(|id| crate::catalog::live::ListedModel {
                    id: id.into(),
                    display_name: None,
                    context_window: None,
                    output_limit: None,
                    created: None,
                    input: Vec::new(),
                    can_chat: true,
                    retires_on: None,
                })
                .collect(),
        };
        engine.record_listing(listing, None, now);
        let availability = engine.availability();
        let gone = ModelRef::new("anthropic", "claude-opus-4-6");
        // The newest Opus still listed, not a retired newer one (Opus 5.5 is unlisted too).
        assert_eq!(
            replacement_for(&catalog, &availability, &gone),
            Some(ModelRef::new("anthropic", "claude-opus-4-8"))
        );
        let still_here = ModelRef::new("anthropic", "claude-opus-4-7");
        assert_eq!(replacement_for(&catalog, &availability, &still_here), None);
    }
}
