//! The only door between the window and the core: each command takes its state, calls one
//! core function and maps the error to a [`UiError`]. The TypeScript bindings in
//! `ui/src/lib/bindings.ts` are generated from these signatures; a test fails when they are
//! stale (`make bindings` regenerates them).

use crate::error::UiError;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use switchboard_core::assistant::{self, send::SendEvent};
use switchboard_core::clock::SystemClock;
use switchboard_core::health::service::HealthService;
use switchboard_core::model_lists::ModelListRefresher;
use switchboard_core::notice::Notice;
use switchboard_core::overview::{self, Overview};
use switchboard_core::providers::Timeouts;
use switchboard_core::providers::keys::Keys;
use switchboard_core::providers::retry::RetryPolicy;
use switchboard_core::store::Store;
use switchboard_core::store::{Conversation, Message};
use switchboard_core::vocabulary::ModelAvailability;
use switchboard_core::vocabulary::ModelRef;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_specta::Event;
use tokio_util::sync::CancellationToken;

/// What the person was told at start-up (config and database notices).
pub struct StartupNotices(pub Vec<Notice>);

/// The simulator scenario when this run is a demo.
pub struct Demo(pub Option<String>);

/// Sends in flight, by the id the window gave each, so "stop" can reach them.
#[derive(Default)]
pub struct Sending(Mutex<HashMap<String, CancellationToken>>);

/// The one HTTP client every provider request goes through, and its timeouts.
pub struct Http(pub reqwest::Client, pub Timeouts);

/// A model's availability changed.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct AvailabilityChanged(pub ModelAvailability);

/// The catalog changed: a provider's model list was read (new models, retired ones, fresher
/// details). The window reads the overview again.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct CatalogChanged;

/// The preferred model changed (from this window, the tray or another window).
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct PreferredModelChanged(pub ModelRef);

#[tauri::command]
#[specta::specta]
pub async fn get_overview(
    store: State<'_, Store>,
    notices: State<'_, StartupNotices>,
    demo: State<'_, Demo>,
    health: State<'_, Arc<HealthService>>,
    model_lists: State<'_, Arc<ModelListRefresher>>,
) -> Result<Overview, UiError> {
    let mut notices = notices.0.clone();
    notices.extend(health.source_notices());
    notices.extend(model_lists.notices());
    Ok(overview::overview(
        &health.catalog(),
        &store,
        &notices,
        demo.0.as_deref(),
        health.availability(),
        model_lists.summaries(),
    )
    .await?)
}

/// Asks every provider which models it serves now; the window hears [`CatalogChanged`].
#[tauri::command]
#[specta::specta]
pub async fn refresh_model_lists(
    model_lists: State<'_, Arc<ModelListRefresher>>,
) -> Result<(), UiError> {
    model_lists.refresh().await;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn set_preferred_model(
    app: AppHandle,
    health: State<'_, Arc<HealthService>>,
    store: State<'_, Store>,
    model: ModelRef,
) -> Result<ModelRef, UiError> {
    // The catalog in force, lists merged in: a model a provider just added can be chosen.
    let chosen =
        assistant::set_preferred_model(&store, &health.catalog(), model, Utc::now()).await?;
    if let Err(error) = PreferredModelChanged(chosen.clone()).emit(&app) {
        tracing::warn!(%error, "could not announce the preferred model");
    }
    Ok(chosen)
}

#[tauri::command]
#[specta::specta]
pub async fn list_conversations(store: State<'_, Store>) -> Result<Vec<Conversation>, UiError> {
    Ok(store.conversations().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn open_conversation(
    store: State<'_, Store>,
    id: String,
) -> Result<assistant::ConversationView, UiError> {
    Ok(assistant::open_conversation(&store, &id).await?)
}

/// The unsent text of a conversation (`None`: one not started yet).
#[tauri::command]
#[specta::specta]
pub async fn load_draft(
    store: State<'_, Store>,
    conversation_id: Option<String>,
) -> Result<String, UiError> {
    Ok(store
        .draft(conversation_id.as_deref().unwrap_or(""))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_draft(
    store: State<'_, Store>,
    conversation_id: Option<String>,
    text: String,
) -> Result<(), UiError> {
    Ok(store
        .set_draft(conversation_id.as_deref().unwrap_or(""), &text, Utc::now())
        .await?)
}

/// Sends `text` to `model`; progress arrives on `events`. `send_id` names this send for
/// [`stop_sending`].
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn send_message(
    store: State<'_, Store>,
    http: State<'_, Http>,
    health: State<'_, Arc<HealthService>>,
    sending: State<'_, Sending>,
    send_id: String,
    conversation_id: Option<String>,
    text: String,
    model: ModelRef,
    events: Channel<SendEvent>,
) -> Result<Message, UiError> {
    let catalog = health.catalog();
    let cancel = CancellationToken::new();
    sending
        .0
        .lock()
        .expect("sending lock")
        .insert(send_id.clone(), cancel.clone());
    // The keyring talks D-Bus and blocks: look the one key up off the async threads.
    let key = match catalog.provider(&model.provider).cloned() {
        Some(provider) => tauri::async_runtime::spawn_blocking(move || {
            Keys::system().find(&provider).map(|(secret, _)| secret)
        })
        .await
        .ok()
        .flatten(),
        None => None,
    };
    let key_for = move |_: &switchboard_core::catalog::Provider| key.clone();
    let ctx = assistant::send::SendContext {
        store: &store,
        catalog: &catalog,
        http: &http.0,
        key_for: &key_for,
        observer: &*health,
        network: health.as_ref(),
        policy: health.as_ref(),
        clock: Arc::new(SystemClock),
        timeouts: http.1,
        retry: RetryPolicy::default(),
        max_tokens: assistant::send::DEFAULT_MAX_TOKENS,
    };
    let mut forward = |event: SendEvent| {
        if let Err(error) = events.send(event) {
            tracing::warn!(%error, "the window stopped listening to a send");
        }
    };
    let result = assistant::send::send(
        &ctx,
        conversation_id.as_deref(),
        &text,
        &model,
        cancel,
        &mut forward,
    )
    .await;
    sending.0.lock().expect("sending lock").remove(&send_id);
    Ok(result?.answer)
}

/// Stops a send: what has arrived is kept.
#[tauri::command]
#[specta::specta]
pub fn stop_sending(sending: State<'_, Sending>, send_id: String) {
    if let Some(cancel) = sending.0.lock().expect("sending lock").get(&send_id) {
        cancel.cancel();
    }
}

/// Commands and events as the UI sees them.
pub fn bindings() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            get_overview,
            set_preferred_model,
            list_conversations,
            open_conversation,
            load_draft,
            save_draft,
            send_message,
            stop_sending,
            refresh_model_lists
        ])
        .events(tauri_specta::collect_events![
            AvailabilityChanged,
            PreferredModelChanged,
            CatalogChanged
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
