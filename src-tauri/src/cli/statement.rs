//! `switchboard statement`: the first statement drafted from the evidence, on stdout; any
//! warning about it (a policy that turns off more than the evidence names) on stderr.

use super::SharedCore;
use std::process::ExitCode;
use switchboard_core::statement::Format;

pub async fn run(core: &SharedCore, episode: Option<&str>, format: &str) -> ExitCode {
    let format = match format {
        "text" => Format::Text,
        "markdown" | "md" => Format::Markdown,
        other => {
            eprintln!("switchboard: `--format {other}`: write text or markdown");
            return ExitCode::from(2);
        }
    };
    // What is wrong now is read fresh: the status pages and the policy, once.
    core.poll_once().await;
    match core.draft_statement(episode, format).await {
        Ok(draft) => {
            for warning in &draft.warnings {
                eprintln!("switchboard: warning: {warning}");
            }
            print!("{}", draft.text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("switchboard: {e}");
            ExitCode::FAILURE
        }
    }
}
