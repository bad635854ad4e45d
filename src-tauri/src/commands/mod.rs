//! The only door between the window and the core: each command is one call into the
//! [`Core`], its error mapped to a [`UiError`]. The TypeScript bindings in
//! `ui/src/lib/bindings.ts` are generated from these signatures; a test fails when they are
//! stale (`make bindings` regenerates them).

use crate::error::UiError;
use crate::gather::GatheredText;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::sync::Arc;
use switchboard_core::assistant::{self, send::SendEvent};
use switchboard_core::fallback::Plan;
use switchboard_core::overview::Overview;
use switchboard_core::store::QueuedMessage;
use switchboard_core::store::{Conversation, Message};
use switchboard_core::vocabulary::{Consent, ConsentScope, Reason};
use switchboard_core::vocabulary::{ModelAvailability, ModelRef};
use switchboard_core::{Choice, Core, FallbackEvent, KeyCheck, ProviderKey};
use switchboard_core::{Preferences, PreferencesView, WorkspaceView};
use switchboard_core::{ProviderSetup, ServerCheck};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;

/// Models' availability changed: one or more, a burst (a policy turning a thousand models
/// off, the first status reading) in one event, the latest state of each model once.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct AvailabilityChanged(pub Vec<ModelAvailability>);

/// The catalog changed: a provider's model list was read (new models, retired ones, fresher
/// details). The window reads the overview again.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct CatalogChanged;

/// The preferred model is back, or a queued message was sent.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct FallbackChanged(pub FallbackEvent);

/// The preferences changed (in Settings, or from the tray): the window applies the theme.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct PreferencesChanged(pub Preferences);

/// Show this view ("assistant", "models", "settings"): the tray asked for it.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct ShowView(pub String);

/// The preferred model changed (from this window, the tray or another window).
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct PreferredModelChanged(pub ModelRef);

#[tauri::command]
#[specta::specta]
pub async fn get_overview(core: State<'_, Arc<Core>>) -> Result<Overview, UiError> {
    let asked = crate::since_start().as_millis();
    let overview = core.overview().await?;
    tracing::info!(
        asked,
        ms = crate::since_start().as_millis(),
        "overview read"
    );
    Ok(overview)
}

/// Asks every provider which models it serves now; the window hears [`CatalogChanged`].
#[tauri::command]
#[specta::specta]
pub async fn refresh_model_lists(core: State<'_, Arc<Core>>) -> Result<(), UiError> {
    core.refresh_model_lists().await;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn set_preferred_model(
    app: AppHandle,
    core: State<'_, Arc<Core>>,
    model: ModelRef,
) -> Result<ModelRef, UiError> {
    let chosen = core.set_preferred_model(model).await?;
    if let Some(desktop) = app.try_state::<Arc<crate::desktop::Desktop>>() {
        desktop.preferred_changed(&app, &core, chosen.clone());
    }
    if let Err(error) = PreferredModelChanged(chosen.clone()).emit(&app) {
        tracing::warn!(%error, "could not announce the preferred model");
    }
    Ok(chosen)
}

#[tauri::command]
#[specta::specta]
pub async fn list_conversations(core: State<'_, Arc<Core>>) -> Result<Vec<Conversation>, UiError> {
    Ok(core.conversations().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn open_conversation(
    core: State<'_, Arc<Core>>,
    id: String,
) -> Result<assistant::ConversationView, UiError> {
    Ok(core.open_conversation(&id).await?)
}

/// The unsent text of a conversation (`None`: one not started yet).
#[tauri::command]
#[specta::specta]
pub async fn load_draft(
    core: State<'_, Arc<Core>>,
    conversation_id: Option<String>,
) -> Result<String, UiError> {
    Ok(core.draft(conversation_id.as_deref()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_draft(
    core: State<'_, Arc<Core>>,
    conversation_id: Option<String>,
    text: String,
) -> Result<(), UiError> {
    Ok(core.save_draft(conversation_id.as_deref(), &text).await?)
}

/// What pressing Send does now for `model`: ask it, let a consented stand-in answer, or ask
/// the person first (with the ranked alternatives). `failed`: the reason a send just failed.
#[tauri::command]
#[specta::specta]
pub async fn plan_send(
    core: State<'_, Arc<Core>>,
    conversation_id: Option<String>,
    text: String,
    model: ModelRef,
    failed: Option<Reason>,
) -> Result<Plan, UiError> {
    Ok(core
        .plan_send(
            conversation_id.as_deref(),
            &text,
            &model,
            assistant::send::DEFAULT_MAX_TOKENS,
            failed,
        )
        .await?)
}

/// How long an answer's streamed text is gathered before the page hears it. Each message on
/// the channel is a script the WebView compiles and runs: a short answer's 24 chunks were 24
/// of them, and 200 answers left the WebView's heap 22 MB larger (measured) even with the text
/// drawn nowhere. Two frames at most: the text still moves as it streams.
const TEXT_GATHERED: std::time::Duration = std::time::Duration::from_millis(32);

/// Sends `text` for `model` as the person chose; progress arrives on `events`, the streamed
/// text gathered for up to 32 ms. `send_id` names this send for [`stop_sending`].
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn send_message(
    core: State<'_, Arc<Core>>,
    send_id: String,
    conversation_id: Option<String>,
    text: String,
    model: ModelRef,
    choice: Choice,
    events: Channel<SendEvent>,
) -> Result<Message, UiError> {
    let gathered = GatheredText::new(TEXT_GATHERED, move |event: SendEvent| {
        if let Err(error) = events.send(event) {
            tracing::warn!(%error, "the window stopped listening to a send");
        }
    });
    let mut forward = |event: SendEvent| gathered.forward(event);
    let sent = core
        .send(
            &send_id,
            conversation_id.as_deref(),
            &text,
            &model,
            assistant::send::DEFAULT_MAX_TOKENS,
            choice,
            &mut forward,
        )
        .await;
    // Every ending sends an event that delivers the gathered text first; this is for an
    // error that ends the send without one, so no text streamed before it is held back.
    gathered.flush();
    Ok(sent?.answer)
}

/// Keeps `text` until `model` is back ("Wait"); it is sent then, once.
#[tauri::command]
#[specta::specta]
pub async fn queue_message(
    core: State<'_, Arc<Core>>,
    conversation_id: Option<String>,
    text: String,
    model: ModelRef,
) -> Result<QueuedMessage, UiError> {
    Ok(core
        .queue_message(conversation_id.as_deref(), &text, &model)
        .await?)
}

/// Every message waiting for its model.
#[tauri::command]
#[specta::specta]
pub async fn queued_messages(core: State<'_, Arc<Core>>) -> Result<Vec<QueuedMessage>, UiError> {
    Ok(core.queued().await?)
}

/// Takes a message out of the queue and hands it back (its text goes back in the box).
#[tauri::command]
#[specta::specta]
pub async fn cancel_queued(
    core: State<'_, Arc<Core>>,
    id: String,
) -> Result<Option<QueuedMessage>, UiError> {
    Ok(core.cancel_queued(&id).await?)
}

/// The person's own order of models to offer when one is out.
#[tauri::command]
#[specta::specta]
pub async fn fallback_order(core: State<'_, Arc<Core>>) -> Result<Vec<ModelRef>, UiError> {
    Ok(core.fallback_order().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_fallback_order(
    core: State<'_, Arc<Core>>,
    order: Vec<ModelRef>,
) -> Result<(), UiError> {
    Ok(core.set_fallback_order(order).await?)
}

/// The kept consents, for Settings.
#[tauri::command]
#[specta::specta]
pub async fn list_consents(core: State<'_, Arc<Core>>) -> Result<Vec<Consent>, UiError> {
    Ok(core.consents().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn withdraw_consent(
    core: State<'_, Arc<Core>>,
    preferred: ModelRef,
    scope: ConsentScope,
) -> Result<bool, UiError> {
    Ok(core.withdraw_consent(&preferred, scope).await?)
}

/// Every provider that takes a key: where its key comes from and its last check, never the key.
#[tauri::command]
#[specta::specta]
pub async fn provider_keys(core: State<'_, Arc<Core>>) -> Result<Vec<ProviderKey>, UiError> {
    Ok(core.provider_keys().await)
}

/// A key entered in Settings: checked with the provider's model-list request, then kept.
#[tauri::command]
#[specta::specta]
pub async fn save_key(
    core: State<'_, Arc<Core>>,
    provider: String,
    key: String,
) -> Result<KeyCheck, UiError> {
    Ok(core.save_key(&provider, &key).await?)
}

/// Checks the key in use again.
#[tauri::command]
#[specta::specta]
pub async fn check_key(core: State<'_, Arc<Core>>, provider: String) -> Result<KeyCheck, UiError> {
    Ok(core.check_key(&provider).await?)
}

/// Forgets the stored key (one in the environment stays).
#[tauri::command]
#[specta::specta]
pub async fn remove_key(core: State<'_, Arc<Core>>, provider: String) -> Result<(), UiError> {
    core.remove_key(&provider)
        .await
        .map_err(|e| UiError::from(switchboard_core::KeyEntryError::Keyring(e)))
}

/// The person's preferences, and which of them `config.toml` fixes.
#[tauri::command]
#[specta::specta]
pub fn get_preferences(core: State<'_, Arc<Core>>) -> PreferencesView {
    core.preferences_view()
}

/// Saves the preferences and applies them at once (probes, theme, tray, notifications, login).
#[tauri::command]
#[specta::specta]
pub async fn set_preferences(
    core: State<'_, Arc<Core>>,
    preferences: Preferences,
) -> Result<PreferencesView, UiError> {
    core.set_preferences(preferences).await?;
    Ok(core.preferences_view())
}

/// The workspace policy: its source, last reading, what it turns off, what is wrong with it.
#[tauri::command]
#[specta::specta]
pub fn workspace(core: State<'_, Arc<Core>>) -> WorkspaceView {
    core.workspace_view()
}

/// Sets or removes the policy source, where the config file names none; read at once.
#[tauri::command]
#[specta::specta]
pub async fn set_policy_source(
    core: State<'_, Arc<Core>>,
    source: Option<String>,
) -> Result<WorkspaceView, UiError> {
    Ok(core.set_policy_source(source.as_deref()).await?)
}

/// Every provider: where it is reached, and what the config file fixes.
#[tauri::command]
#[specta::specta]
pub fn provider_setups(core: State<'_, Arc<Core>>) -> Vec<ProviderSetup> {
    core.provider_setups()
}

/// A provider's base URL and status page (`null`: as shipped); applied at once.
#[tauri::command]
#[specta::specta]
pub async fn set_provider_address(
    core: State<'_, Arc<Core>>,
    provider: String,
    base_url: Option<String>,
    status_url: Option<String>,
) -> Result<ServerCheck, UiError> {
    Ok(core
        .set_provider_address(&provider, base_url.as_deref(), status_url.as_deref())
        .await?)
}

/// An OpenAI-compatible server added by URL; its models are listed at once.
#[tauri::command]
#[specta::specta]
pub async fn add_server(
    core: State<'_, Arc<Core>>,
    name: String,
    base_url: String,
    needs_key: bool,
) -> Result<ServerCheck, UiError> {
    Ok(core.add_server(&name, &base_url, needs_key).await?)
}

/// Removes a server added in Settings.
#[tauri::command]
#[specta::specta]
pub async fn remove_server(core: State<'_, Arc<Core>>, provider: String) -> Result<(), UiError> {
    Ok(core.remove_server(&provider).await?)
}

/// The board: what is wrong now, grouped by provider and reason, then every provider.
#[tauri::command]
#[specta::specta]
pub fn board(core: State<'_, Arc<Core>>) -> switchboard_core::board::Board {
    core.board()
}

/// Reads the status pages and probes the models that are out (of `provider`) now.
#[tauri::command]
#[specta::specta]
pub async fn check_now(
    core: State<'_, Arc<Core>>,
    provider: Option<String>,
) -> Result<(), UiError> {
    core.check_now(provider.as_deref()).await;
    Ok(())
}

/// The outage history: every episode of the last `days` days (of `model`, when given).
#[tauri::command]
#[specta::specta]
pub async fn history(
    core: State<'_, Arc<Core>>,
    days: u32,
    model: Option<ModelRef>,
) -> Result<Vec<switchboard_core::history::Episode>, UiError> {
    let since = core.now() - chrono::Duration::days(i64::from(days.clamp(1, 365)));
    Ok(core.history(since, model.as_ref()).await?)
}

/// One episode's timeline: this app's observations beside the provider's posts and the
/// workspace's changes, the lead time in words, and the model's identity before and after.
#[tauri::command]
#[specta::specta]
pub async fn episode_timeline(
    core: State<'_, Arc<Core>>,
    episode: String,
) -> Result<switchboard_core::timeline::Timeline, UiError> {
    Ok(core.episode_timeline(&episode).await?)
}

/// A model's requests, failures by side and time to first text over the last hour, day and
/// 30 days, with the 30 days as a strip.
#[tauri::command]
#[specta::specta]
pub async fn model_stats(
    core: State<'_, Arc<Core>>,
    model: ModelRef,
) -> Result<switchboard_core::stats::ModelStats, UiError> {
    Ok(core.model_stats(&model).await?)
}

/// The first statement for what is wrong now, or for an episode (the "resolved" one after).
#[tauri::command]
#[specta::specta]
pub async fn draft_statement(
    core: State<'_, Arc<Core>>,
    episode: Option<String>,
    format: switchboard_core::statement::Format,
) -> Result<switchboard_core::statement::Draft, UiError> {
    core.draft_statement(episode.as_deref(), format)
        .await
        .map_err(statement_error)
}

/// The statement template written in Settings (`null`: Switchboard's own words).
#[tauri::command]
#[specta::specta]
pub async fn statement_template(core: State<'_, Arc<Core>>) -> Result<Option<String>, UiError> {
    core.statement_template().await.map_err(statement_error)
}

/// Saves the template; one that drops a part of the statement is refused, naming it.
#[tauri::command]
#[specta::specta]
pub async fn set_statement_template(
    core: State<'_, Arc<Core>>,
    template: Option<String>,
) -> Result<(), UiError> {
    core.set_statement_template(template.as_deref())
        .await
        .map_err(statement_error)
}

fn statement_error(e: switchboard_core::StatementError) -> UiError {
    UiError {
        kind: match e {
            switchboard_core::StatementError::Store(_)
            | switchboard_core::StatementError::History(switchboard_core::HistoryError::Store(_)) => {
                crate::error::ErrorKind::Storage
            }
            switchboard_core::StatementError::Template(_) => crate::error::ErrorKind::InvalidInput,
            _ => crate::error::ErrorKind::NotFound,
        },
        message: format!("{e}."),
        reason: None,
    }
}

/// Puts `text` on the clipboard (a drafted statement, an export).
#[tauri::command]
#[specta::specta]
pub fn copy_text(app: AppHandle, text: String) -> Result<(), UiError> {
    use tauri_plugin_clipboard_manager::ClipboardExt;
    app.clipboard().write_text(text).map_err(|e| UiError {
        kind: crate::error::ErrorKind::InvalidInput,
        message: format!("The clipboard could not be written: {e}."),
        reason: None,
    })
}

/// The window's first frame with every model's last known state is on screen: logged with the
/// time since the process began, and said on stdout when `SWITCHBOARD_REPORT_PAINT` is set
/// (the line `make bench` waits for, as it does for the bare window's).
/// The page's own marks of its start-up, in milliseconds from its navigation's start: where
/// the time went before the first frame.
#[derive(Debug, Clone, serde::Deserialize, specta::Type)]
pub struct PaintMarks {
    /// `index.html` read.
    pub html_ms: Option<f64>,
    /// The window's script running.
    pub script_ms: Option<f64>,
    pub overview_asked_ms: Option<f64>,
    pub overview_ms: Option<f64>,
    /// The overview drawn into the page (not yet on screen).
    pub drawn_ms: Option<f64>,
    pub painted_ms: Option<f64>,
}

#[tauri::command]
#[specta::specta]
pub fn first_paint(marks: PaintMarks) {
    let ms = crate::since_start().as_millis();
    let mark = |m: Option<f64>| m.map_or(-1, |m| m.round() as i64);
    tracing::info!(
        ms,
        page_html = mark(marks.html_ms),
        page_script = mark(marks.script_ms),
        page_overview_asked = mark(marks.overview_asked_ms),
        page_overview = mark(marks.overview_ms),
        page_drawn = mark(marks.drawn_ms),
        page_painted = mark(marks.painted_ms),
        "first paint"
    );
    if std::env::var_os("SWITCHBOARD_REPORT_PAINT").is_some() {
        println!("painted");
    }
}

/// Stops a send: what has arrived is kept.
#[tauri::command]
#[specta::specta]
pub fn stop_sending(core: State<'_, Arc<Core>>, send_id: String) {
    core.stop_sending(&send_id);
}

/// Commands and events as the UI sees them.
pub fn bindings() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            get_overview,
            first_paint,
            set_preferred_model,
            list_conversations,
            open_conversation,
            load_draft,
            save_draft,
            send_message,
            stop_sending,
            refresh_model_lists,
            plan_send,
            queue_message,
            queued_messages,
            cancel_queued,
            list_consents,
            withdraw_consent,
            fallback_order,
            set_fallback_order,
            provider_keys,
            save_key,
            check_key,
            remove_key,
            get_preferences,
            set_preferences,
            workspace,
            set_policy_source,
            provider_setups,
            set_provider_address,
            add_server,
            remove_server,
            board,
            check_now,
            history,
            episode_timeline,
            model_stats,
            draft_statement,
            copy_text,
            statement_template,
            set_statement_template
        ])
        .events(tauri_specta::collect_events![
            AvailabilityChanged,
            PreferredModelChanged,
            CatalogChanged,
            FallbackChanged,
            PreferencesChanged,
            ShowView
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
