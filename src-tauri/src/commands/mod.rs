//! The only door between the window and the core: each command takes its state, calls one
//! core function and maps the error to a [`UiError`]. The TypeScript bindings in
//! `ui/src/lib/bindings.ts` are generated from these signatures; a test fails when they are
//! stale (`make bindings` regenerates them).

use crate::assistant;
use crate::catalog::{Catalog, ModelRef};
use crate::error::UiError;
use crate::health::ModelAvailability;
use crate::notice::Notice;
use crate::overview::{self, Overview};
use crate::store::Store;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, State};
use tauri_specta::Event;

/// What the person was told at start-up (config and database notices).
pub struct StartupNotices(pub Vec<Notice>);

/// A model's availability changed.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct AvailabilityChanged(pub ModelAvailability);

/// The preferred model changed (from this window, the tray or another window).
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct PreferredModelChanged(pub ModelRef);

#[tauri::command]
#[specta::specta]
pub async fn get_overview(
    catalog: State<'_, Catalog>,
    store: State<'_, Store>,
    notices: State<'_, StartupNotices>,
) -> Result<Overview, UiError> {
    Ok(overview::overview(&catalog, &store, &notices.0, Utc::now()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_preferred_model(
    app: AppHandle,
    catalog: State<'_, Catalog>,
    store: State<'_, Store>,
    model: ModelRef,
) -> Result<ModelRef, UiError> {
    let chosen = assistant::set_preferred_model(&store, &catalog, model, Utc::now()).await?;
    if let Err(error) = PreferredModelChanged(chosen.clone()).emit(&app) {
        tracing::warn!(%error, "could not announce the preferred model");
    }
    Ok(chosen)
}

/// Commands and events as the UI sees them.
pub fn bindings() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            get_overview,
            set_preferred_model
        ])
        .events(tauri_specta::collect_events![
            AvailabilityChanged,
            PreferredModelChanged
        ])
        .error_handling(tauri_specta::ErrorHandlingMode::Throw)
        // One TypeScript name per type: the UI reads what Rust writes.
        .disable_serde_phases()
        // Prices are validated finite, so `number` rather than `number | null`.
        .semantic_types(
            specta_typescript::semantic::Configuration::empty().enable_lossless_floats(),
        )
}

pub const BINDINGS_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/bindings.ts");

pub fn typescript() -> specta_typescript::Typescript {
    specta_typescript::Typescript::default()
        .header("// Generated from the Rust types by `make bindings`; a test fails when stale.")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Set `UPDATE_BINDINGS=1` (as `make bindings` does) to rewrite the committed file.
    #[test]
    fn typescript_bindings_are_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let fresh_path = dir.path().join("bindings.ts");
        bindings().export(typescript(), &fresh_path).unwrap();
        let fresh = std::fs::read_to_string(&fresh_path).unwrap();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(BINDINGS_PATH, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(BINDINGS_PATH).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/lib/bindings.ts is stale: run `make bindings` and commit the result"
        );
    }
}
