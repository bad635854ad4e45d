//! `switchboard ask`: one question to one model, the answer streamed to stdout, anything
//! wrong on stderr with a distinct exit code ([`super::exit`]).

use super::{SharedCore, exit, plain, resolve_model, say};
use std::io::Write;
use std::process::ExitCode;
use switchboard_core::Choice;
use switchboard_core::assistant::AssistantError;
use switchboard_core::assistant::send::SendEvent;
use switchboard_core::fallback::{Alternative, Plan, Ranking};
use switchboard_core::notice::NoticeKind;
use switchboard_core::vocabulary::Ending;
use switchboard_core::vocabulary::{ConsentScope, ModelRef, Reason};

/// Names this process's one send, for Ctrl-C.
const SEND_ID: &str = "ask";

/// What `--fallback` says to do when the model is out.
enum Fallback {
    /// Ask on the terminal.
    Ask,
    /// Only this model.
    Never,
    /// This model answers in its place, for this message.
    With(ModelRef),
}

/// What the person answered on the terminal.
enum Answer {
    /// The alternative numbered so (from 1).
    Use(usize),
    Wait,
    KeepTrying,
    Cancel,
}

pub async fn run(
    core: &SharedCore,
    model: &str,
    prompt: &str,
    max_tokens: u32,
    fallback: &str,
) -> ExitCode {
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
    let fallback = match fallback {
        "ask"
            if std::io::IsTerminal::is_terminal(&std::io::stdin())
                && std::io::IsTerminal::is_terminal(&std::io::stderr()) =>
        {
            Fallback::Ask
        }
        // Without a terminal there is no one to ask: only the model named.
        "ask" | "never" => Fallback::Never,
        other => match resolve_model(&core.catalog(), other) {
            Ok(alternative) => Fallback::With(alternative),
            Err(e) => {
                eprintln!("switchboard: --fallback: {e}");
                return ExitCode::from(exit::FAILED);
            }
        },
    };
    // The workspace policy as it stands now: nothing goes to what it turns off. If it cannot
    // be read, the last one read stays in force, and that is said.
    if core.read_policy().await {
        core.source_notices().iter().for_each(say);
    }
    // Known to be out: decided before any request is made.
    let mut choice = match &fallback {
        Fallback::Never => Choice::Preferred,
        Fallback::Ask | Fallback::With(_) => {
            match core.plan_send(None, prompt, &model, max_tokens, None).await {
                Ok(Plan::Preferred) => Choice::Preferred,
                Ok(Plan::StandIn { .. }) => Choice::Auto,
                Ok(Plan::Ask { reason, ranking }) => {
                    match decide(core, &fallback, prompt, None, &model, &reason, &ranking).await {
                        Ok(Some(choice)) => choice,
                        Ok(None) => {
                            eprintln!("switchboard: nothing was sent");
                            return ExitCode::from(exit::UNAVAILABLE);
                        }
                        Err(code) => return code,
                    }
                }
                Err(e) => {
                    eprintln!("switchboard: {e}");
                    return ExitCode::from(exit::FAILED);
                }
            }
        }
    };
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
    let mut result = core
        .send(
            SEND_ID,
            None,
            prompt,
            &model,
            max_tokens,
            choice.clone(),
            &mut print,
        )
        .await;
    // It failed with its retries on the provider's side: the same question, once.
    if let Ok(outcome) = &result
        && outcome.answer.text.is_empty()
        && let Some(reason) = outcome.reason.clone()
        && !matches!(fallback, Fallback::Never)
        && !matches!(choice, Choice::StandIn { .. })
        && let Ok(Plan::Ask { reason, ranking }) = core
            .plan_send(None, prompt, &model, max_tokens, Some(reason))
            .await
        // A reason only the person can fix is said below as it is: no question.
        && !ranking.for_you_to_fix
    {
        // Kept, it waits in the conversation of the failed try.
        let conversation = outcome.answer.conversation_id.clone();
        match decide(
            core,
            &fallback,
            prompt,
            Some(&conversation),
            &model,
            &reason,
            &ranking,
        )
        .await
        {
            // Another model for this message, or one more try of this one.
            Ok(Some(again)) => {
                choice = again;
                result = core
                    .send(
                        SEND_ID,
                        None,
                        prompt,
                        &model,
                        max_tokens,
                        choice.clone(),
                        &mut print,
                    )
                    .await;
            }
            // Cancelled: the failure is said as it is, with its exit code.
            Ok(None) => {}
            Err(code) => return code,
        }
    }
    ctrl_c.abort();
    let name_of = |m: &ModelRef| {
        core.catalog()
            .model(&m.provider, &m.model)
            .map_or(m.model.clone(), |m| m.display_name.clone())
    };
    match result {
        Ok(outcome) => {
            if !outcome.answer.text.is_empty() {
                println!();
            }
            // Who wrote it, and for whom it stood in.
            let display = match (&outcome.answer.model, &outcome.answer.stood_in_for) {
                (Some(by), Some(preferred)) => format!(
                    "{}, standing in for {}{}",
                    name_of(by),
                    name_of(preferred),
                    outcome
                        .answer
                        .stand_in_why
                        .as_deref()
                        .map(|why| format!(" ({})", plain(why)))
                        .unwrap_or_default()
                ),
                (Some(by), None) => name_of(by),
                _ => name_of(&model),
            };
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
        Err(
            AssistantError::NotConfigured(reason)
            | AssistantError::TurnedOff(reason)
            | AssistantError::NeedsConsent(reason),
        ) => {
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

/// `--fallback MODEL` stands in for this message; `ask` asks on the terminal. Nothing is sent
/// before the answer.
#[allow(clippy::too_many_arguments)]
async fn decide(
    core: &SharedCore,
    fallback: &Fallback,
    prompt: &str,
    conversation: Option<&str>,
    preferred: &ModelRef,
    reason: &Reason,
    ranking: &Ranking,
) -> Result<Option<Choice>, ExitCode> {
    let stand_in = |alternative: ModelRef| Choice::StandIn {
        alternative,
        scope: ConsentScope::ThisMessage,
    };
    match fallback {
        // Not for a reason only the person can fix: said as it is.
        Fallback::With(_) if ranking.for_you_to_fix => Ok(None),
        Fallback::With(alternative) => Ok(Some(stand_in(alternative.clone()))),
        Fallback::Never => Ok(Some(Choice::Preferred)),
        Fallback::Ask => {
            let preferred_name = core
                .catalog()
                .model(&preferred.provider, &preferred.model)
                .map_or(preferred.model.clone(), |m| m.display_name.clone());
            let offered: Vec<&Alternative> = ranking.alternatives.iter().take(5).collect();
            let mut question = format!(
                "switchboard: {}\n{}\nNothing has been sent. Answer with:\n",
                plain(&reason.headline),
                plain(&reason.message)
            );
            for (i, a) in offered.iter().enumerate() {
                question.push_str(&format!(
                    "  {}  Use {} for this message ({}{})\n",
                    i + 1,
                    a.display_name,
                    a.provider_name,
                    a.differences
                        .iter()
                        .map(|d| format!("; {}", plain(d)))
                        .collect::<String>()
                ));
            }
            if offered.is_empty() {
                question.push_str("  (no other model can take this message now)\n");
            }
            question.push_str(&format!(
                "  w  Wait — keep it, and send it when {preferred_name} is back\n  k  Keep trying {preferred_name}\n  Enter  Cancel\n> "
            ));
            let count = offered.len();
            let answer = tokio::task::spawn_blocking(move || {
                use std::io::Write;
                let mut err = std::io::stderr();
                let _ = err.write_all(question.as_bytes());
                let _ = err.flush();
                let mut line = String::new();
                let _ = std::io::stdin().read_line(&mut line);
                let line = line.trim().to_ascii_lowercase();
                match line.as_str() {
                    "w" => Answer::Wait,
                    "k" => Answer::KeepTrying,
                    n => match n.parse::<usize>() {
                        Ok(i) if (1..=count).contains(&i) => Answer::Use(i),
                        _ => Answer::Cancel,
                    },
                }
            })
            .await
            .unwrap_or(Answer::Cancel);
            match answer {
                Answer::Use(number) => Ok(Some(stand_in(offered[number - 1].model.clone()))),
                Answer::KeepTrying => Ok(Some(Choice::Preferred)),
                Answer::Wait => {
                    Err(wait(core, prompt, conversation, preferred, &preferred_name).await)
                }
                Answer::Cancel => Ok(None),
            }
        }
    }
}

/// Keeps the message for when the model is back.
async fn wait(
    core: &SharedCore,
    prompt: &str,
    conversation: Option<&str>,
    preferred: &ModelRef,
    name: &str,
) -> ExitCode {
    match core.queue_message(conversation, prompt, preferred).await {
        Ok(queued) => {
            eprintln!(
                "switchboard: kept ({}); the Switchboard window sends it when {name} is back. \
                 `switchboard queue list` shows it.",
                queued.id
            );
            ExitCode::from(exit::UNAVAILABLE)
        }
        Err(e) => {
            eprintln!("switchboard: {e}");
            ExitCode::from(exit::FAILED)
        }
    }
}
