//! What the window shows at start, gathered in one call so the picker paints in one round trip.

use crate::assistant::{self, AssistantError};
use crate::catalog::{Catalog, Model, ModelRef, Provider};
use crate::health::ModelAvailability;
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
) -> Result<Overview, AssistantError> {
    Ok(Overview {
        providers: catalog.providers.clone(),
        models: catalog.models.clone(),
        availability,
        preferred: assistant::preferred_model(store, catalog).await?,
        notices: notices.to_vec(),
        demo: demo.map(str::to_string),
    })
}
