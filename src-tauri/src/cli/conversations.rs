//! `switchboard conversations` and `switchboard export`: what was said, and who said it.

use super::{SharedCore, plain, table};
use std::process::ExitCode;
use switchboard_core::assistant::as_markdown;

pub async fn list(core: &SharedCore) -> ExitCode {
    match core.conversations().await {
        Ok(conversations) if conversations.is_empty() => {
            println!("No conversations yet.");
            ExitCode::SUCCESS
        }
        Ok(conversations) => {
            let times = core.local_times();
            let rows: Vec<[String; 3]> = conversations
                .iter()
                .map(|c| [c.id.clone(), times.full(c.updated_at), plain(&c.title)])
                .collect();
            print!("{}", table(&["ID", "LAST", "TITLE"], &rows, false));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("switchboard: {e}");
            ExitCode::FAILURE
        }
    }
}

pub async fn export(core: &SharedCore, id: &str, json: bool) -> ExitCode {
    match core.open_conversation(id).await {
        Ok(view) if json => match serde_json::to_string_pretty(&view) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("switchboard: {e}");
                ExitCode::FAILURE
            }
        },
        Ok(view) => {
            print!(
                "{}",
                as_markdown(&view, &core.catalog(), &core.local_times())
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("switchboard: {e}");
            ExitCode::FAILURE
        }
    }
}
