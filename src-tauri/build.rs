// The window may call exactly these app commands (see capabilities/main.json); a command not
// listed here is refused by Tauri's ACL even if the UI tries it.
const COMMANDS: &[&str] = &[
    "get_overview",
    "first_paint",
    "set_preferred_model",
    "list_conversations",
    "open_conversation",
    "load_draft",
    "save_draft",
    "send_message",
    "stop_sending",
    "refresh_model_lists",
    "plan_send",
    "queue_message",
    "queued_messages",
    "cancel_queued",
    "list_consents",
    "withdraw_consent",
    "fallback_order",
    "set_fallback_order",
    "provider_keys",
    "save_key",
    "check_key",
    "remove_key",
    "get_preferences",
    "set_preferences",
    "workspace",
    "set_policy_source",
    "provider_setups",
    "set_provider_address",
    "add_server",
    "remove_server",
    "board",
    "check_now",
    "history",
    "episode_timeline",
    "model_stats",
    "draft_statement",
    "copy_text",
    "statement_template",
    "set_statement_template",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
