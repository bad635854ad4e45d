//! The second door: the same core, from a terminal, without a window. Each subcommand is a
//! program of its own ([`ask`], [`key`], [`models`], [`status`]) that starts the core as the
//! window does ([`start`]), asks it, prints, and shuts it down.

mod ask;
mod conversations;
mod history;
mod key;
mod models;
mod queue;
mod statement;
mod status;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use serde::Serialize;
use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use switchboard_core::catalog::live::ListedIds;
use switchboard_core::catalog::{Catalog, DetailSource, Model};
use switchboard_core::clock::LocalTimes;
use switchboard_core::config::Paths;
use switchboard_core::model_lists::ModelListSummary;
use switchboard_core::notice::Notice;
use switchboard_core::store::ModelListState;
use switchboard_core::vocabulary::{AvailabilityState, ModelAvailability, ReasonKind};
use switchboard_core::vocabulary::{ModelRef, wire_word};
use switchboard_core::{Core, CoreOptions};

#[derive(Debug, Parser)]
#[command(
    name = "switchboard",
    version,
    about = "Pick the AI model you prefer and always know, per model, whether it can be used right now — and why.",
    long_about = "Pick the AI model you prefer and always know, per model, whether it can be used right now — and why.\n\n\
                  Without a command, opens the Switchboard window.\n\n\
                  Environment: SWITCHBOARD_CONFIG names the config file; SWITCHBOARD_DATA_DIR moves the data directory; \
                  ANTHROPIC_API_KEY, OPENAI_API_KEY and GEMINI_API_KEY are used as keys; RUST_LOG sets the log level."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print every model's availability and its reason, then exit (no window).
    Status {
        /// One JSON array of objects instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Ask a model something; the answer streams to stdout, any problem goes to stderr.
    ///
    /// Exit codes: 0 answered; 3 the model could not answer (the reason is on stderr);
    /// 4 the answer broke off part-way (what arrived is on stdout); 5 you appear to be
    /// offline; 6 the answer stopped at the length limit; 7 the provider's safety filter
    /// stopped it or the model declined; 8 the provider blocked the prompt; 1 anything else.
    Ask {
        /// The model: `provider/model` (e.g. `anthropic/claude-opus-4-7`) or a model id
        /// that only one provider has.
        #[arg(long)]
        model: String,
        /// What to ask.
        prompt: String,
        /// The longest answer to ask for, in tokens; a longer one stops there (exit code 6).
        #[arg(long, default_value_t = switchboard_core::assistant::send::DEFAULT_MAX_TOKENS,
              value_parser = clap::value_parser!(u32).range(1..))]
        max_tokens: u32,
        /// When the model is out: `ask` (a question on the terminal; without one, `never`),
        /// `never` (only this model is asked), or a model to answer in its place for this
        /// message (`openai/gpt-5`). Nothing else ever answers without it.
        #[arg(long, default_value = "ask")]
        fallback: String,
    },
    /// The messages waiting for their model ("Wait — send it when it is back").
    #[command(subcommand)]
    Queue(QueueCommand),
    /// List the conversations: id, when, title.
    Conversations,
    /// Print a conversation as Markdown (or `--json`), each answer labelled with the model
    /// that wrote it and, for a stand-in, whom it stood in for.
    Export {
        /// The conversation's id, from `switchboard conversations`.
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Print the model catalog: the shipped one merged with each provider's own model list,
    /// with where each detail came from.
    Models {
        /// One JSON object (`models`, `lists`) instead of a table.
        #[arg(long)]
        json: bool,
        /// Ask the providers for their lists first (otherwise the lists cached last time).
        #[arg(long)]
        refresh: bool,
    },
    /// Manage API keys in the OS keyring.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Draft the first statement a workspace admin posts when models are out — from the
    /// evidence only: exactly the models it names, whose side, that the models have not
    /// changed, what the workspace did, what to use meanwhile, the source, the next update.
    /// For an episode that has ended, the "resolved" follow-up.
    Statement {
        /// An episode's id from `switchboard history --json`; without it, what is wrong now.
        #[arg(long)]
        episode: Option<String>,
        /// `text` or `markdown`.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// The outage history: every episode since a time — start, end, how long, why, whose
    /// side, and the incident's link.
    History {
        /// One JSON array (times in UTC RFC 3339) instead of a table.
        #[arg(long)]
        json: bool,
        /// Only this model: `provider/model`, or an id only one provider has.
        #[arg(long)]
        model: Option<String>,
        /// How far back: 7d, 24h, 30m, 90s.
        #[arg(long, default_value = "7d")]
        since: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Print every waiting message: its id, the model it waits for, since when, its text.
    List,
    /// Take a message out of the queue; its text is printed, so nothing is lost.
    Cancel { id: String },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Store a provider's API key in the OS keyring; the key is read from stdin, never from
    /// the command line (where it would land in the shell's history).
    Set {
        /// The provider: anthropic, openai, gemini, or one from your config.
        provider: String,
    },
    /// Remove a provider's API key from the OS keyring.
    Delete { provider: String },
    /// Say where each provider's key comes from (never the key itself).
    List,
}

/// Runs one subcommand to its end.
pub fn run(command: Command, paths: Paths) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("switchboard: could not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        // A one-off command probes nothing: it asks, prints and ends.
        let core = match Core::start(CoreOptions::system(paths, false)).await {
            Ok(core) => core,
            Err(e) => {
                eprintln!("switchboard: {e}");
                return ExitCode::FAILURE;
            }
        };
        let code = match command {
            Command::Status { json } => status::run(&core, json).await,
            Command::Ask {
                model,
                prompt,
                max_tokens,
                fallback,
            } => ask::run(&core, &model, &prompt, max_tokens, &fallback).await,
            Command::Queue(command) => queue::run(&core, command).await,
            Command::Conversations => conversations::list(&core).await,
            Command::Export { id, json } => conversations::export(&core, &id, json).await,
            Command::Models { json, refresh } => models::run(&core, json, refresh).await,
            Command::Key(command) => key::run(&core, command).await,
            Command::Statement { episode, format } => {
                statement::run(&core, episode.as_deref(), &format).await
            }
            Command::History { json, model, since } => {
                history::run(&core, json, model, since).await
            }
        };
        core.shutdown().await;
        code
    })
}

/// A notice on stderr, as plain text.
fn say(notice: &Notice) {
    eprintln!(
        "switchboard: {} — {}",
        plain(&notice.title),
        plain(&notice.message)
    );
}

/// The core, shared with what a program spawns (the Ctrl-C handler).
type SharedCore = Arc<Core>;

/// `switchboard ask` exit codes, distinct so scripts can tell the cases apart.
pub mod exit {
    /// The answer is complete.
    pub const ANSWERED: u8 = 0;
    /// Switchboard itself could not do what was asked (a bad argument, a broken database).
    pub const FAILED: u8 = 1;
    /// The model could not answer: the provider's side, your key, plan or workspace.
    pub const UNAVAILABLE: u8 = 3;
    /// The answer broke off part-way (what arrived is printed).
    pub const INCOMPLETE: u8 = 4;
    /// No answer, and the connectivity check got none either: you appear to be offline.
    pub const OFFLINE: u8 = 5;
    /// The answer stopped at the length limit (what arrived is printed; ask it to continue).
    pub const LENGTH_LIMIT: u8 = 6;
    /// The provider's safety filter stopped the answer, or the model declined to answer.
    pub const FILTERED: u8 = 7;
    /// The provider blocked the prompt before answering.
    pub const BLOCKED: u8 = 8;

    /// The exit code for how a send ended.
    pub fn of(outcome: &switchboard_core::assistant::send::SendOutcome) -> u8 {
        use switchboard_core::vocabulary::Ending;
        use switchboard_core::vocabulary::ReasonKind;
        match &outcome.answer.ending {
            Some(Ending::Complete) => ANSWERED,
            Some(Ending::LengthLimit) => LENGTH_LIMIT,
            Some(Ending::Filtered { .. } | Ending::Refused) => FILTERED,
            Some(Ending::PromptBlocked { .. }) => BLOCKED,
            Some(Ending::Other { .. }) => INCOMPLETE,
            None if !outcome.answer.text.is_empty() => INCOMPLETE,
            None if outcome
                .reason
                .as_ref()
                .is_some_and(|r| r.kind == ReasonKind::Offline) =>
            {
                OFFLINE
            }
            None => UNAVAILABLE,
        }
    }
}

/// Finds a model by `provider/model` or by an id only one provider has.
pub fn resolve_model(catalog: &Catalog, name: &str) -> Result<ModelRef, String> {
    if let Some((provider, model)) = name.split_once('/')
        && catalog.model(provider, model).is_some()
    {
        return Ok(ModelRef::new(provider, model));
    }
    let matches: Vec<&switchboard_core::catalog::Model> =
        catalog.models.iter().filter(|m| m.id == name).collect();
    match matches.as_slice() {
        [one] => Ok(ModelRef::new(&one.provider, &one.id)),
        [] => Err(format!(
            "no model is called `{name}`; `switchboard status` lists them"
        )),
        many => Err(format!(
            "`{name}` is offered by {}; say which, e.g. `{}/{name}`",
            many.iter()
                .map(|m| m.provider.as_str())
                .collect::<Vec<_>>()
                .join(" and "),
            many[0].provider
        )),
    }
}

/// One model in `switchboard status --json`.
#[derive(Debug, Serialize, PartialEq)]
pub struct StatusLine {
    pub provider: String,
    pub model_id: String,
    pub display_name: String,
    pub state: AvailabilityState,
    pub reason_kind: ReasonKind,
    /// The one-line reason, as the picker shows it.
    pub headline: String,
    /// The full message, as the banner shows it.
    pub message: String,
    pub since: Option<DateTime<Utc>>,
    pub preferred: bool,
}

pub fn status_lines(
    catalog: &Catalog,
    availability: &[ModelAvailability],
    preferred: Option<&ModelRef>,
) -> Vec<StatusLine> {
    availability
        .iter()
        .filter_map(|a| {
            let model = catalog.model(&a.model.provider, &a.model.model)?;
            Some(StatusLine {
                provider: a.model.provider.clone(),
                model_id: a.model.model.clone(),
                display_name: model.display_name.clone(),
                state: a.state,
                reason_kind: a.reason.kind,
                headline: a.reason.headline.clone(),
                message: a.reason.message.clone(),
                since: a.since,
                preferred: preferred == Some(&a.model),
            })
        })
        .collect()
}

pub fn render_json(lines: &[StatusLine]) -> String {
    serde_json::to_string_pretty(lines).expect("status lines are plain data")
}

/// A table a person can read in a terminal: the preferred model is starred.
pub fn render_table(lines: &[StatusLine]) -> String {
    let header = ["", "PROVIDER", "MODEL", "STATE", "REASON"];
    let rows: Vec<[String; 5]> = lines
        .iter()
        .map(|l| {
            [
                if l.preferred { "*".into() } else { " ".into() },
                l.provider.clone(),
                l.display_name.clone(),
                wire_word(&l.state),
                l.headline.clone(),
            ]
        })
        .collect();
    table(&header, &rows, false)
}

/// The longest a cell is shown in a table: a name of 70,000 characters (from a config or a
/// provider's list) is cut, never allowed to break the table.
const MAX_CELL: usize = 80;

/// Columns padded to the widest cell, two spaces apart; `pad_last` pads the last column too.
/// Every cell is made plain (see [`plain`]) and cut to [`MAX_CELL`].
fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]], pad_last: bool) -> String {
    let cell = |text: &str| {
        let text = plain(text).replace(['\n', '\t'], " ");
        if text.chars().count() > MAX_CELL {
            let cut: String = text.chars().take(MAX_CELL - 1).collect();
            format!("{cut}…")
        } else {
            text
        }
    };
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| cell(c)).collect())
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, (c, width)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == N && !pad_last {
                out.push_str(c);
            } else {
                // Padded by hand: `{:<width$}` panics on widths past 65,535.
                out.push_str(c);
                out.push_str(&" ".repeat(width.saturating_sub(c.chars().count())));
                if i + 1 < N {
                    out.push_str("  ");
                }
            }
        }
        out.trim_end().to_string()
    };
    let mut out = vec![line(header.to_vec())];
    out.extend(
        rows.iter()
            .map(|r| line(r.iter().map(String::as_str).collect())),
    );
    out.join("\n") + "\n"
}

/// Text from outside (a status page's title, a provider's error words) made safe for a
/// terminal: escape sequences and control characters are removed, line breaks and tabs kept.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // ESC, then a CSI/OSC sequence or one character: dropped whole.
            '\u{1b}' => match chars.next() {
                Some('[') => {
                    for n in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&n) {
                            break;
                        }
                    }
                }
                Some(']') => {
                    while let Some(n) = chars.next() {
                        if n == '\u{7}' || (n == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether a provider's own list includes a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Listing {
    /// In the provider's last list.
    Listed,
    /// A cloud provider's last list left it out: retired.
    Retired,
    /// Not in a local server's list: not downloaded there.
    NotOnServer,
    /// The provider's list has not been read.
    NotAsked,
}

/// One model in `switchboard models --json`: every detail, where each came from, and whether
/// the provider lists it.
#[derive(Debug, Serialize)]
pub struct ModelEntry<'a> {
    #[serde(flatten)]
    pub model: &'a Model,
    pub listing: Listing,
}

#[derive(Debug, Serialize)]
pub struct ModelsReport<'a> {
    pub models: Vec<ModelEntry<'a>>,
    pub lists: Vec<ModelListSummary>,
}

pub fn models_report<'a>(catalog: &'a Catalog, lists: &[ModelListState]) -> ModelsReport<'a> {
    // Each list's ids once, not once per model: a list may hold thousands.
    let listed: HashMap<&str, ListedIds> = lists
        .iter()
        .filter_map(|s| Some((s.provider.as_str(), ListedIds::of(s.listing.as_ref()?))))
        .collect();
    let listing = |model: &Model| match listed.get(model.provider.as_str()) {
        None => Listing::NotAsked,
        Some(ids) if ids.includes(&model.id) => Listing::Listed,
        Some(_)
            if catalog
                .provider(&model.provider)
                .is_some_and(|p| p.needs_key()) =>
        {
            Listing::Retired
        }
        Some(_) => Listing::NotOnServer,
    };
    ModelsReport {
        models: catalog
            .models
            .iter()
            .map(|model| ModelEntry {
                model,
                listing: listing(model),
            })
            .collect(),
        lists: lists.iter().map(ModelListSummary::from).collect(),
    }
}

pub fn render_models_json(report: &ModelsReport<'_>) -> String {
    serde_json::to_string_pretty(report).expect("the catalog is plain data")
}

fn source_mark(source: DetailSource) -> &'static str {
    match source {
        DetailSource::Shipped => " (S)",
        DetailSource::Config => " (C)",
        DetailSource::Provider => " (P)",
        DetailSource::Derived => " (D)",
        DetailSource::Unknown => "",
    }
}

/// The catalog as a table: each detail marked with where it came from, then each list's state.
pub fn render_models_table(report: &ModelsReport<'_>, times: &LocalTimes) -> String {
    let header = [
        "PROVIDER",
        "MODEL",
        "NAME",
        "CONTEXT",
        "OUTPUT",
        "PRICE IN/OUT",
        "TIER",
        "LISTED",
    ];
    let rows: Vec<[String; 8]> = report
        .models
        .iter()
        .map(|ModelEntry { model: m, listing }| {
            let s = &m.sources;
            let tokens = |n: Option<u32>, source| match n {
                Some(n) => format!("{}{}", thousands(n), source_mark(source)),
                None => "unknown".into(),
            };
            let price = match (m.price_in, m.price_out) {
                (Some(i), Some(o)) => {
                    format!("{} / {}{}", dollars(i), dollars(o), source_mark(s.price))
                }
                _ => "unknown".into(),
            };
            let tier = match m.tier {
                Some(t) => format!("{}{}", wire_word(&t), source_mark(s.tier)),
                None => "unknown".into(),
            };
            let listed = match listing {
                Listing::Listed => m
                    .listed_at
                    .map(|at| times.full(at))
                    .unwrap_or_else(|| "yes".into()),
                Listing::Retired => "no — retired".into(),
                Listing::NotOnServer => "no — not on the server".into(),
                Listing::NotAsked => "not asked".into(),
            };
            [
                m.provider.clone(),
                m.id.clone(),
                format!("{}{}", m.display_name, source_mark(s.display_name)),
                tokens(m.context_window, s.context_window),
                tokens(m.output_limit, s.output_limit),
                price,
                tier,
                listed,
            ]
        })
        .collect();
    let mut out = vec![table(&header, &rows, true).trim_end().to_string()];
    out.push(String::new());
    out.push(
        "(S) shipped catalog · (C) your config · (P) the provider's own list · (D) derived from the name or a sibling model"
            .into(),
    );
    for list in &report.lists {
        let read = match list.listed_at {
            Some(at) => format!("{} models read {}", list.chat_models, times.full(at)),
            None => "never read".into(),
        };
        let problem = match &list.problem {
            Some(problem) => format!(
                "; the last try ({}) failed: {problem}",
                times.time(list.checked_at)
            ),
            None => String::new(),
        };
        out.push(format!("{} list: {read}{problem}", list.provider));
    }
    out.join("\n") + "\n"
}

/// "$10", "$0.10", "$1.25", "$0.075": cents as cents, finer prices in full.
fn dollars(n: f64) -> String {
    let cents = n * 100.0;
    if n.fract() == 0.0 {
        format!("${n}")
    } else if (cents - cents.round()).abs() < 1e-9 {
        format!("${n:.2}")
    } else {
        format!("${n}")
    }
}

fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    /// A name of any length, or full of escape sequences, prints as a table — cut, plain —
    /// and never panics (a 70,000-character name once broke every later `status`).
    #[test]
    fn a_hostile_name_makes_a_plain_table() {
        let long = "Claude ".repeat(12_000);
        let line = |display_name: String, headline: &str| StatusLine {
            provider: "anthropic".into(),
            model_id: "x".into(),
            display_name,
            state: switchboard_core::vocabulary::AvailabilityState::Unknown,
            reason_kind: switchboard_core::vocabulary::ReasonKind::Unknown,
            headline: headline.into(),
            message: String::new(),
            since: None,
            preferred: false,
        };
        let table = render_table(&[
            line(long.clone(), "Not checked yet"),
            line(
                "Opus".into(),
                "\u{1b}]0;pwned\u{7}Anthropic reports: \u{1b}[31mred\u{1b}[0m\u{8}",
            ),
        ]);
        assert!(
            table.lines().all(|l| l.chars().count() < 300),
            "cut: {}",
            table.len()
        );
        assert!(table.contains('…'));
        assert!(!table.contains('\u{1b}') && !table.contains('\u{7}') && !table.contains('\u{8}'));
        assert!(table.contains("Anthropic reports: red"), "{table}");
        assert_eq!(plain("a\u{1b}[2Jb\nc\td\u{0}"), "ab\nc\td");
    }

    use switchboard_core::assistant::send::SendOutcome;
    use switchboard_core::store::{Message, MessageStatus};
    use switchboard_core::vocabulary::Ending;

    fn outcome(
        ending: Option<Ending>,
        text: &str,
        reason: Option<switchboard_core::vocabulary::ReasonKind>,
    ) -> SendOutcome {
        let now = chrono::Utc::now();
        SendOutcome {
            answer: Message {
                id: "a".into(),
                conversation_id: "c".into(),
                role: switchboard_core::vocabulary::Role::Assistant,
                text: text.into(),
                status: MessageStatus::Complete,
                model: None,
                stood_in_for: None,
                stand_in_why: None,
                answered_as: None,
                failure: None,
                ending,
                created_at: now,
                updated_at: now,
            },
            reason: reason.map(|kind| switchboard_core::vocabulary::Reason {
                kind,
                side: kind.side(),
                source: switchboard_core::vocabulary::EvidenceSource::OwnRequests,
                headline: String::new(),
                message: String::new(),
            }),
        }
    }

    /// Each way an answer can end has its own exit code, so a script can tell them apart.
    #[test]
    fn each_ending_has_its_own_exit_code() {
        use switchboard_core::vocabulary::ReasonKind;
        let cases = [
            (outcome(Some(Ending::Complete), "ok", None), exit::ANSWERED),
            (
                outcome(Some(Ending::LengthLimit), "Day 1", None),
                exit::LENGTH_LIMIT,
            ),
            (
                outcome(
                    Some(Ending::Filtered {
                        category: "SAFETY".into(),
                    }),
                    "No",
                    Some(ReasonKind::ContentFiltered),
                ),
                exit::FILTERED,
            ),
            (
                outcome(
                    Some(Ending::Refused),
                    "I can't",
                    Some(ReasonKind::ContentFiltered),
                ),
                exit::FILTERED,
            ),
            (
                outcome(
                    Some(Ending::PromptBlocked {
                        category: "SAFETY".into(),
                    }),
                    "",
                    Some(ReasonKind::PromptBlocked),
                ),
                exit::BLOCKED,
            ),
            (
                outcome(None, "Day 1: ", Some(ReasonKind::ElevatedErrors)),
                exit::INCOMPLETE,
            ),
            (outcome(None, "", Some(ReasonKind::Offline)), exit::OFFLINE),
            (
                outcome(None, "", Some(ReasonKind::Overloaded)),
                exit::UNAVAILABLE,
            ),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for (outcome, code) in &cases {
            assert_eq!(
                exit::of(outcome),
                *code,
                "{:?} {:?}",
                outcome.answer.ending,
                outcome.reason
            );
            seen.insert(*code);
        }
        assert_eq!(
            seen.len(),
            7,
            "each case its own code (1 is for Switchboard itself failing)"
        );
    }

    use super::*;
    use switchboard_core::clock::Zone;
    use switchboard_core::health::engine::{HealthEngine, HealthSettings};

    /// Availability with no key anywhere: every keyed model needs one.
    fn assess_configuration(
        catalog: &Catalog,
        has_key: fn(&switchboard_core::catalog::Provider) -> bool,
        now: DateTime<Utc>,
    ) -> Vec<switchboard_core::vocabulary::ModelAvailability> {
        HealthEngine::new(
            catalog.clone(),
            HealthSettings::default(),
            has_key,
            Vec::new(),
            now,
        )
        .availability()
    }

    #[test]
    fn json_has_one_object_per_model_with_the_documented_fields() {
        let catalog = Catalog::shipped().unwrap();
        let now = Utc::now();
        let availability = assess_configuration(&catalog, |_| false, now);
        let preferred = ModelRef::new("openai", "gpt-5");
        let lines = status_lines(&catalog, &availability, Some(&preferred));
        let json: serde_json::Value = serde_json::from_str(&render_json(&lines)).unwrap();
        let array = json.as_array().unwrap();
        assert_eq!(array.len(), catalog.models.len());
        let gpt5 = array.iter().find(|o| o["model_id"] == "gpt-5").unwrap();
        assert_eq!(gpt5["provider"], "openai");
        assert_eq!(gpt5["display_name"], "GPT-5");
        assert_eq!(gpt5["state"], "disabled");
        assert_eq!(gpt5["reason_kind"], "not_configured");
        assert_eq!(gpt5["headline"], "Add an OpenAI API key to use GPT");
        assert_eq!(gpt5["preferred"], true);
        assert!(gpt5["since"].is_string());
    }

    #[test]
    fn models_are_found_by_full_name_or_unique_id() {
        let mut catalog = Catalog::shipped().unwrap();
        assert_eq!(
            resolve_model(&catalog, "anthropic/claude-opus-4-7").unwrap(),
            ModelRef::new("anthropic", "claude-opus-4-7")
        );
        assert_eq!(
            resolve_model(&catalog, "gpt-5").unwrap(),
            ModelRef::new("openai", "gpt-5")
        );
        assert!(
            resolve_model(&catalog, "gpt-9")
                .unwrap_err()
                .contains("no model")
        );
        let mut twin = catalog.model("openai", "gpt-5").unwrap().clone();
        twin.provider = "ollama".into();
        catalog.models.push(twin);
        let err = resolve_model(&catalog, "gpt-5").unwrap_err();
        assert!(err.contains("openai and ollama"), "{err}");
    }

    fn opus6_listing() -> Vec<ModelListState> {
        use switchboard_core::catalog::live::ListedModel;
        use switchboard_core::catalog::live::ProviderListing;
        let at: DateTime<Utc> = "2026-11-24T09:00:00Z".parse().unwrap();
        let listed = |id: &str, name: &str| ListedModel {
            id: id.into(),
            display_name: Some(name.into()),
            context_window: None,
            output_limit: None,
            created: None,
            input: Vec::new(),
            can_chat: true,
            retires_on: None,
        };
        vec![ModelListState {
            provider: "anthropic".into(),
            listing: Some(ProviderListing {
                provider: "anthropic".into(),
                listed_at: at,
                models: vec![
                    listed("claude-opus-6", "Claude Opus 6"),
                    listed("claude-opus-4-7", "Claude Opus 4.7"),
                ],
            }),
            checked_at: at + chrono::Duration::hours(4),
            problem: Some("no answer from Anthropic: no answer came in time".into()),
        }]
    }

    #[test]
    fn models_json_says_where_each_detail_came_from_and_what_is_listed() {
        let lists = opus6_listing();
        let catalog =
            switchboard_core::model_lists::merged_with_cache(&Catalog::shipped().unwrap(), &lists);
        let json: serde_json::Value =
            serde_json::from_str(&render_models_json(&models_report(&catalog, &lists))).unwrap();
        let models = json["models"].as_array().unwrap();
        let find = |id: &str| models.iter().find(|m| m["id"] == id).unwrap();
        let opus6 = find("claude-opus-6");
        assert_eq!(opus6["listing"], "listed");
        assert_eq!(opus6["sources"]["display_name"], "provider");
        assert_eq!(opus6["sources"]["price"], "unknown");
        assert_eq!(opus6["price_in"], serde_json::Value::Null);
        assert_eq!(opus6["tier"], "frontier");
        assert_eq!(opus6["sources"]["tier"], "derived");
        let opus47 = find("claude-opus-4-7");
        assert_eq!(opus47["listing"], "listed");
        assert_eq!(opus47["sources"]["price"], "shipped");
        assert_eq!(find("claude-opus-4-8")["listing"], "retired");
        assert_eq!(find("gpt-5")["listing"], "not_asked");
        let list = &json["lists"][0];
        assert_eq!(list["provider"], "anthropic");
        assert_eq!(list["chat_models"], 2);
        assert!(list["problem"].as_str().unwrap().contains("no answer"));
    }

    #[test]
    fn models_table_marks_sources_and_unknowns() {
        let lists = opus6_listing();
        let catalog =
            switchboard_core::model_lists::merged_with_cache(&Catalog::shipped().unwrap(), &lists);
        // Read in UTC+1: the list was read at 09:00 UTC, tried again at 13:00 UTC, on the 24th.
        let times = LocalTimes::new(
            Zone::Fixed(chrono::FixedOffset::east_opt(3600).unwrap()),
            "2026-11-24T13:30:00Z".parse().unwrap(),
        );
        let table = render_models_table(&models_report(&catalog, &lists), &times);
        let opus6 = table.lines().find(|l| l.contains("claude-opus-6")).unwrap();
        assert!(opus6.contains("Claude Opus 6 (P)"), "{opus6}");
        assert!(opus6.contains("unknown"), "{opus6}");
        assert!(opus6.contains("frontier (D)"), "{opus6}");
        assert!(opus6.contains("2026-11-24 10:00 +01:00"), "{opus6}");
        let opus47 = table
            .lines()
            .find(|l| l.contains("claude-opus-4-7"))
            .unwrap();
        assert!(opus47.contains("(S)"), "{opus47}");
        let opus48 = table
            .lines()
            .find(|l| l.contains("claude-opus-4-8"))
            .unwrap();
        assert!(opus48.contains("retired"), "{opus48}");
        assert!(
            table.contains(
                "anthropic list: 2 models read 2026-11-24 10:00 +01:00; the last try (14:00) failed"
            ),
            "{table}"
        );
        assert_eq!(thousands(1_048_576), "1,048,576");
        assert_eq!(thousands(999), "999");
        assert_eq!(
            [dollars(10.0), dollars(0.1), dollars(1.25), dollars(0.075)],
            ["$10", "$0.10", "$1.25", "$0.075"]
        );
    }

    #[test]
    fn table_lines_up_and_stars_the_preferred_model() {
        let catalog = Catalog::shipped().unwrap();
        let availability = assess_configuration(&catalog, |_| false, Utc::now());
        let preferred = ModelRef::new("anthropic", "claude-opus-4-7");
        let table = render_table(&status_lines(&catalog, &availability, Some(&preferred)));
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), catalog.models.len() + 1);
        assert!(lines[0].contains("PROVIDER") && lines[0].contains("REASON"));
        let starred: Vec<_> = lines.iter().filter(|l| l.starts_with('*')).collect();
        assert_eq!(starred.len(), 1);
        assert!(starred[0].contains("Claude Opus 4.7"));
        let reason_column = lines[0].find("REASON").unwrap();
        for line in &lines[1..] {
            assert_eq!(
                line.find("Add ").or(line.find("Not checked")),
                Some(reason_column),
                "reason column aligned: {line}"
            );
        }
    }
}
