//! The second door: the same core, from a terminal, without a window.

use crate::catalog::{Catalog, ModelRef};
use crate::health::{AvailabilityState, ModelAvailability, ReasonKind};
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use serde::Serialize;

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
    /// 4 the answer broke off part-way (what arrived is on stdout); 1 anything else.
    Ask {
        /// The model: `provider/model` (e.g. `anthropic/claude-opus-4-7`) or a model id
        /// that only one provider has.
        #[arg(long)]
        model: String,
        /// What to ask.
        prompt: String,
    },
    /// Manage API keys in the OS keyring.
    #[command(subcommand)]
    Key(KeyCommand),
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

/// `switchboard ask` exit codes, distinct so scripts can tell the cases apart.
pub mod exit {
    pub const ANSWERED: u8 = 0;
    pub const FAILED: u8 = 1;
    pub const UNAVAILABLE: u8 = 3;
    pub const INCOMPLETE: u8 = 4;
}

/// Finds a model by `provider/model` or by an id only one provider has.
pub fn resolve_model(catalog: &Catalog, name: &str) -> Result<ModelRef, String> {
    if let Some((provider, model)) = name.split_once('/')
        && catalog.model(provider, model).is_some()
    {
        return Ok(ModelRef::new(provider, model));
    }
    let matches: Vec<&crate::catalog::Model> =
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
                serde_json::to_value(l.state)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                l.headline.clone(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let mut out = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i == cells.len() - 1 {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<width$}  "));
            }
        }
        out.trim_end().to_string()
    };
    let mut out = vec![line(header)];
    out.extend(
        rows.iter()
            .map(|r| line([&r[0], &r[1], &r[2], &r[3], &r[4]])),
    );
    out.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::engine::{HealthEngine, HealthSettings};

    /// Availability with no key anywhere: every keyed model needs one.
    fn assess_configuration(
        catalog: &Catalog,
        has_key: fn(&crate::catalog::Provider) -> bool,
        now: DateTime<Utc>,
    ) -> Vec<crate::health::ModelAvailability> {
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
