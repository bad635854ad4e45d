//! `switchboard queue`: the messages waiting for their model, and taking one out.

use super::{QueueCommand, SharedCore, plain, table};
use std::process::ExitCode;

pub async fn run(core: &SharedCore, command: QueueCommand) -> ExitCode {
    match command {
        QueueCommand::List => match core.queued().await {
            Ok(waiting) if waiting.is_empty() => {
                println!("No message is waiting.");
                ExitCode::SUCCESS
            }
            Ok(waiting) => {
                let catalog = core.catalog();
                let times = core.local_times();
                let rows: Vec<[String; 4]> = waiting
                    .iter()
                    .map(|q| {
                        let model = catalog
                            .model(&q.model.provider, &q.model.model)
                            .map_or(q.model.to_string(), |m| m.display_name.clone());
                        [q.id.clone(), model, times.full(q.queued_at), plain(&q.text)]
                    })
                    .collect();
                print!(
                    "{}",
                    table(&["ID", "WAITS FOR", "SINCE", "MESSAGE"], &rows, false)
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("switchboard: {e}");
                ExitCode::FAILURE
            }
        },
        QueueCommand::Cancel { id } => match core.cancel_queued(&id).await {
            Ok(Some(taken)) => {
                eprintln!("switchboard: taken out of the queue; its text was:");
                println!("{}", taken.text);
                ExitCode::SUCCESS
            }
            Ok(None) => {
                eprintln!(
                    "switchboard: no message `{id}` is waiting; `switchboard queue list` shows them"
                );
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("switchboard: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
