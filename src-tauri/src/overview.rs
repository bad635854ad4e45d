//! What the window shows at start, gathered in one call so the picker paints in one round trip.

use crate::assistant::{self, AssistantError};
use crate::catalog::live::nearest_current;
use crate::catalog::{Catalog, Model, ModelRef, Provider};
use crate::health::{ModelAvailability, ReasonKind};
use crate::model_lists::ModelListSummary;
use crate::notice::Notice;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use specta::Type;

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
    let retired = |model: &ModelRef| {
        availability
            .iter()
            .any(|a| &a.model == model && a.reason.kind == ReasonKind::ModelRetired)
    };
    if !retired(preferred) {
        return None;
    }
    nearest_current(catalog, preferred, retired).map(Model::model_ref)
}
