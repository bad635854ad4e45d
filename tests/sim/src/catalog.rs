//! The models each simulated provider serves: its list endpoints answer these, and a request
//! naming any other model gets that provider's real "not found" answer.
//!
//! The base lists ([`ANTHROPIC`], [`OPENAI`], [`GEMINI`], [`OLLAMA`]) follow Switchboard's
//! shipped catalog (`src-tauri/src/catalog/catalog.toml`), plus a few older models so the list
//! endpoints have something to page through. A scenario's `listing` steps change them over
//! time; [`Served`] is what is served at one moment:
//!
//! ```
//! use switchboard_sim::catalog::{Model, Served};
//!
//! let mut served = Served::base();
//! let opus_5 = Model {
//!     id: "claude-opus-6".into(),
//!     display_name: "Claude Opus 6".into(),
//!     created: "2026-11-20T00:00:00Z".parse().unwrap(),
//!     input_tokens: 1_000_000,
//!     output_tokens: 128_000,
//! };
//! served.apply("anthropic", &[opus_5], &["claude-opus-4-6".into()]).unwrap();
//! assert_eq!(served.models("anthropic")[0].id, "claude-opus-6"); // added models come first
//! assert!(served.resolve("anthropic", "claude-opus-4-6").is_none()); // retired: not found
//! ```

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;

/// One model as the simulator knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimModel {
    pub id: &'static str,
    pub display_name: &'static str,
    /// Release date (Anthropic `created_at`, OpenAI `created`).
    pub created: &'static str,
    pub input_tokens: u64,
    pub output_tokens: u64,
}

const fn m(
    id: &'static str,
    display_name: &'static str,
    created: &'static str,
    input_tokens: u64,
    output_tokens: u64,
) -> SimModel {
    SimModel {
        id,
        display_name,
        created,
        input_tokens,
        output_tokens,
    }
}

/// Newest first, as Anthropic lists them.
pub const ANTHROPIC: &[SimModel] = &[
    m(
        "claude-fable-5-2",
        "Claude Fable 5.2",
        "2026-11-09T00:00:00Z",
        1_000_000,
        128_000,
    ),
    m(
        "claude-haiku-5-5",
        "Claude Haiku 5.5",
        "2026-10-07T00:00:00Z",
        1_000_000,
        128_000,
    ),
    m(
        "claude-sonnet-5-5",
        "Claude Sonnet 5.5",
        "2026-09-28T00:00:00Z",
        1_000_000,
        128_000,
    ),
    m(
        "claude-opus-5-5",
        "Claude Opus 5.5",
        "2026-09-22T00:00:00Z",
        1_000_000,
        128_000,
    ),
    m(
        "claude-fable-5-1",
        "Claude Fable 5.1",
        "2026-09-01T00:00:00Z",
        1_000_000,
        128_000,
    ),
    m(
        "claude-opus-5",
        "Claude Opus 5",
        "2026-07-24T00:00:00Z",
        1_000_000,
        128_000,
    ),
    m(
        "claude-sonnet-5",
        "Claude Sonnet 5",
        "2026-06-30T00:00:00Z",
        1_000_000,
        128_000,
    ),
    m(
        "claude-opus-4-8",
        "Claude Opus 4.8",
        "2026-05-12T00:00:00Z",
        200_000,
        64_000,
    ),
    m(
        "claude-opus-4-7",
        "Claude Opus 4.7",
        "2026-03-18T00:00:00Z",
        200_000,
        64_000,
    ),
    m(
        "claude-sonnet-4-6",
        "Claude Sonnet 4.6",
        "2026-02-17T00:00:00Z",
        1_000_000,
        64_000,
    ),
    m(
        "claude-opus-4-6",
        "Claude Opus 4.6",
        "2026-02-05T00:00:00Z",
        200_000,
        64_000,
    ),
    m(
        "claude-haiku-4-5",
        "Claude Haiku 4.5",
        "2025-10-15T00:00:00Z",
        200_000,
        64_000,
    ),
    m(
        "claude-sonnet-4-5",
        "Claude Sonnet 4.5",
        "2025-09-29T00:00:00Z",
        200_000,
        64_000,
    ),
    m(
        "claude-opus-4-1",
        "Claude Opus 4.1",
        "2025-08-05T00:00:00Z",
        200_000,
        32_000,
    ),
];

pub const OPENAI: &[SimModel] = &[
    m(
        "gpt-6.2-astra",
        "GPT-6.2 Astra",
        "2026-11-17T00:00:00Z",
        1_050_000,
        128_000,
    ),
    m(
        "gpt-6.2-sol",
        "GPT-6.2 Sol",
        "2026-11-17T00:00:00Z",
        1_050_000,
        128_000,
    ),
    m(
        "gpt-6-luna",
        "GPT-6 Luna",
        "2026-09-22T00:00:00Z",
        1_050_000,
        128_000,
    ),
    m(
        "gpt-5.6-sol",
        "GPT-5.6 Sol",
        "2026-07-09T00:00:00Z",
        1_050_000,
        128_000,
    ),
    m(
        "gpt-5.6-luna",
        "GPT-5.6 Luna",
        "2026-07-09T00:00:00Z",
        1_050_000,
        128_000,
    ),
    m(
        "gpt-5.1",
        "GPT-5.1",
        "2025-11-13T00:00:00Z",
        400_000,
        128_000,
    ),
    m("gpt-5", "GPT-5", "2025-08-07T00:00:00Z", 400_000, 128_000),
    m(
        "gpt-5-mini",
        "GPT-5 mini",
        "2025-08-07T00:00:00Z",
        400_000,
        128_000,
    ),
    m(
        "gpt-5-nano",
        "GPT-5 nano",
        "2025-08-07T00:00:00Z",
        400_000,
        128_000,
    ),
    m(
        "gpt-4.1",
        "GPT-4.1",
        "2025-04-14T00:00:00Z",
        1_047_576,
        32_768,
    ),
    m("gpt-4o", "GPT-4o", "2024-05-13T00:00:00Z", 128_000, 16_384),
    m(
        "gpt-4o-mini",
        "GPT-4o mini",
        "2024-07-18T00:00:00Z",
        128_000,
        16_384,
    ),
];

pub const GEMINI: &[SimModel] = &[
    m(
        "gemini-4-carbon",
        "Gemini 4 Carbon",
        "2026-11-10T00:00:00Z",
        1_048_576,
        65_536,
    ),
    m(
        "gemini-3.8-flash",
        "Gemini 3.8 Flash",
        "2026-09-02T00:00:00Z",
        1_048_576,
        65_536,
    ),
    m(
        "gemini-3.5-flash-lite",
        "Gemini 3.5 Flash-Lite",
        "2026-07-21T00:00:00Z",
        1_048_576,
        65_536,
    ),
    m(
        "gemini-3.1-pro-preview",
        "Gemini 3.1 Pro Preview",
        "2026-02-19T00:00:00Z",
        1_048_576,
        65_536,
    ),
    m(
        "gemini-3-pro-preview",
        "Gemini 3 Pro Preview",
        "2025-11-18T00:00:00Z",
        1_048_576,
        65_536,
    ),
    m(
        "gemini-2.5-pro",
        "Gemini 2.5 Pro",
        "2025-06-17T00:00:00Z",
        1_048_576,
        65_536,
    ),
    m(
        "gemini-2.5-flash",
        "Gemini 2.5 Flash",
        "2025-06-17T00:00:00Z",
        1_048_576,
        65_536,
    ),
    m(
        "gemini-2.5-flash-lite",
        "Gemini 2.5 Flash-Lite",
        "2025-07-22T00:00:00Z",
        1_048_576,
        65_536,
    ),
    m(
        "gemini-2.0-flash",
        "Gemini 2.0 Flash",
        "2025-02-05T00:00:00Z",
        1_048_576,
        8_192,
    ),
];

/// Ollama names carry a tag; a request without one means `:latest`.
pub const OLLAMA: &[SimModel] = &[
    m(
        "gemma4:e4b",
        "Gemma 4 E4B",
        "2026-04-02T00:00:00Z",
        131_072,
        131_072,
    ),
    m(
        "llama3.2:latest",
        "Llama 3.2 3B",
        "2026-05-30T09:12:44Z",
        131_072,
        131_072,
    ),
    m(
        "qwen3:8b",
        "Qwen3 8B",
        "2026-05-28T17:40:02Z",
        40_960,
        40_960,
    ),
];

/// The providers the simulator speaks for.
pub const PROVIDERS: [&str; 4] = ["anthropic", "openai", "gemini", "ollama"];

/// The base models `provider` serves (empty for an unknown provider).
pub fn models(provider: &str) -> &'static [SimModel] {
    match provider {
        "anthropic" => ANTHROPIC,
        "openai" => OPENAI,
        "gemini" => GEMINI,
        "ollama" => OLLAMA,
        _ => &[],
    }
}

/// The id a request for `requested` means: Ollama adds `:latest` to an untagged name, as
/// Ollama does; other providers take the name as it is.
pub fn canonical_id(provider: &str, requested: &str) -> String {
    if provider == "ollama" && !requested.contains(':') {
        format!("{requested}:latest")
    } else {
        requested.to_string()
    }
}

/// One model as served at one moment: a base model, or one a scenario step added (a
/// `listing.<provider>.add` entry deserialises into this).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub id: String,
    pub display_name: String,
    /// Release date (Anthropic `created_at`, OpenAI `created`, Ollama `modified_at`).
    pub created: DateTime<Utc>,
    pub input_tokens: u64,
    pub output_tokens: u64,
}

impl Model {
    /// `created` as the providers write it: `2026-05-12T00:00:00Z`.
    pub fn created_rfc3339(&self) -> String {
        self.created.to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

impl From<&SimModel> for Model {
    fn from(model: &SimModel) -> Model {
        Model {
            id: model.id.to_string(),
            display_name: model.display_name.to_string(),
            created: model
                .created
                .parse()
                .expect("the base catalog's dates are RFC 3339"),
            input_tokens: model.input_tokens,
            output_tokens: model.output_tokens,
        }
    }
}

/// What every provider serves at one moment: the base lists with a scenario's `listing`
/// changes applied in order.
///
/// Order: models a step added (or re-added) come first, newest `created` first (equal dates in
/// the order added); the base models that remain follow in their base order. Anthropic's list
/// thus stays newest first whenever a release is newer than the base models.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    providers: BTreeMap<&'static str, Listing>,
}

#[derive(Debug, Clone, PartialEq)]
struct Listing {
    models: Vec<Model>,
    /// How many of `models`, from the front, a scenario added.
    added: usize,
}

impl Default for Served {
    fn default() -> Served {
        Served::base()
    }
}

impl Served {
    /// The base lists, unchanged.
    pub fn base() -> Served {
        let providers = PROVIDERS
            .iter()
            .map(|provider| {
                let listing = Listing {
                    models: models(provider).iter().map(Model::from).collect(),
                    added: 0,
                };
                (*provider, listing)
            })
            .collect();
        Served { providers }
    }

    /// The models `provider` serves, in list order (empty for an unknown provider).
    pub fn models(&self, provider: &str) -> &[Model] {
        self.providers
            .get(provider)
            .map_or(&[], |listing| listing.models.as_slice())
    }

    /// The served model a request for `requested` means (see [`canonical_id`]), if any.
    pub fn resolve(&self, provider: &str, requested: &str) -> Option<&Model> {
        let id = canonical_id(provider, requested);
        self.models(provider).iter().find(|model| model.id == id)
    }

    /// The served ids per provider, in list order.
    pub fn ids(&self) -> BTreeMap<String, Vec<String>> {
        self.providers
            .iter()
            .map(|(provider, listing)| {
                let ids = listing.models.iter().map(|m| m.id.clone()).collect();
                (provider.to_string(), ids)
            })
            .collect()
    }

    /// Removes `remove` from `provider`'s list, then adds `add` (so one step may replace a
    /// model). All or nothing: on a problem, nothing changes and the problem is returned.
    pub fn apply(
        &mut self,
        provider: &str,
        add: &[Model],
        remove: &[String],
    ) -> Result<(), String> {
        let Some(listing) = self.providers.get_mut(provider) else {
            return Err(format!(
                "unknown provider {provider:?} ({})",
                PROVIDERS.join(", ")
            ));
        };
        let mut next = listing.clone();
        for requested in remove {
            let id = canonical_id(provider, requested);
            let Some(index) = next.models.iter().position(|m| m.id == id) else {
                return Err(format!(
                    "cannot remove {requested:?}: {provider} does not serve it at this point (it serves {})",
                    next.ids().join(", ")
                ));
            };
            next.models.remove(index);
            if index < next.added {
                next.added -= 1;
            }
        }
        for model in add {
            if model.id.trim().is_empty() {
                return Err("an added model needs a non-empty `id`".into());
            }
            let model = Model {
                id: canonical_id(provider, &model.id),
                ..model.clone()
            };
            if next.models.iter().any(|m| m.id == model.id) {
                return Err(format!(
                    "cannot add {:?}: {provider} already serves it at this point",
                    model.id
                ));
            }
            let index = next.models[..next.added]
                .iter()
                .position(|m| m.created < model.created)
                .unwrap_or(next.added);
            next.models.insert(index, model);
            next.added += 1;
        }
        *listing = next;
        Ok(())
    }
}

impl Listing {
    fn ids(&self) -> Vec<&str> {
        self.models.iter().map(|m| m.id.as_str()).collect()
    }
}
