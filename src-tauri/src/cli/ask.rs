//! `switchboard ask`: one question to one model, the answer streamed to stdout, anything
//! wrong on stderr with a distinct exit code ([`super::exit`]).

use super::{SharedCore, exit, plain, resolve_model, say};
use std::io::Write;
use std::process::ExitCode;
use switchboard_core::Choice;
use switchboard_core::assistant::AssistantError;
use switchboard_core::assistant::send::SendEvent;
use switchboard_core::notice::NoticeKind;
use switchboard_core::vocabulary::Ending;

/// Names this process's one send, for Ctrl-C.
const SEND_ID: &str = "ask";

pub async fn run(core: &SharedCore, model: &str, prompt: &str, max_tokens: u32) -> ExitCode {
    // What is wrong with the config (or the data) is said before anything is sent.
    for notice in core
        .startup_notices()
        .iter()
        .filter(|n| n.kind != NoticeKind::SourceUnreadable)
    {
        say(notice);
    }
    let model = match resolve_model(&core.catalog(), model) {
        Ok(model) => model,
        Err(e) => {
            eprintln!("switchboard: {e}");
            return ExitCode::from(exit::FAILED);
        }
    };
    // The workspace policy as it stands now: nothing goes to what it turns off. If it cannot
    // be read, the last one read stays in force, and that is said.
    if core.read_policy().await {
        core.source_notices().iter().for_each(say);
    }
    let on_ctrl_c = core.clone();
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.stop_sending(SEND_ID);
        }
    });
    let mut print = |event: SendEvent| match event {
        SendEvent::Text { chunk, .. } => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(chunk.as_bytes());
            let _ = out.flush();
        }
        SendEvent::Retrying {
            after_seconds,
            reason,
            ..
        } => {
            eprintln!(
                "switchboard: {} — trying again in {after_seconds:.1} s",
                plain(&reason.headline)
            );
        }
        _ => {}
    };
    let result = core
        // No stand-in from the terminal yet: the model named is the model asked.
        .send(
            SEND_ID,
            None,
            prompt,
            &model,
            max_tokens,
            Choice::Preferred,
            &mut print,
        )
        .await;
    ctrl_c.abort();
    let display = core
        .catalog()
        .model(&model.provider, &model.model)
        .map_or(model.model.clone(), |m| m.display_name.clone());
    match result {
        Ok(outcome) => {
            if !outcome.answer.text.is_empty() {
                println!();
            }
            match (&outcome.answer.ending, &outcome.reason) {
                (Some(Ending::Complete), None) => eprintln!("— answered by {display}"),
                (Some(Ending::LengthLimit), _) => eprintln!(
                    "— answered by {display}, stopped at the length limit; ask it to continue"
                ),
                (Some(Ending::Other { reason }), _) => {
                    eprintln!("— {display} stopped early ({})", plain(reason))
                }
                (_, Some(reason)) => eprintln!(
                    "switchboard: {}\n{}",
                    plain(&reason.headline),
                    plain(&reason.message)
                ),
                (_, None) => eprintln!("switchboard: stopped"),
            }
            ExitCode::from(exit::of(&outcome))
        }
        Err(AssistantError::NotConfigured(reason) | AssistantError::TurnedOff(reason)) => {
            eprintln!(
                "switchboard: {}\n{}",
                plain(&reason.headline),
                plain(&reason.message)
            );
            ExitCode::from(exit::UNAVAILABLE)
        }
        Err(AssistantError::Store(e)) if e.is_damaged() => {
            eprintln!(
                "switchboard: {e}\nThe database is damaged; run Switchboard again and it keeps \
                 the damaged file aside and copies what can still be read into a fresh one."
            );
            ExitCode::from(exit::FAILED)
        }
        Err(e @ AssistantError::StoreRepaired(_)) => {
            eprintln!("switchboard: {}", plain(&e.to_string()));
            ExitCode::from(exit::FAILED)
        }
        Err(e) => {
            eprintln!("switchboard: {e}");
            ExitCode::from(exit::FAILED)
        }
    }
}
