//! Providers and models: what Switchboard knows about each before it has asked anyone.
//!
//! The shipped catalog is a TOML file embedded at build time; the person's `config.toml` can
//! change a provider's endpoints and add providers and models on top of it:
//!
//! ```
//! use switchboard_lib::catalog::Catalog;
//! let catalog = Catalog::shipped().expect("the shipped catalog is valid");
//! let opus = catalog.model("anthropic", "claude-opus-4-7").unwrap();
//! assert_eq!(opus.display_name, "Claude Opus 4.7");
//! assert!(opus.aliases.iter().any(|a| a == "Opus 4.7"));
//! ```
//!
//! A malformed shipped entry fails `cargo test` (see the tests below), never a user's start-up;
//! a malformed entry in the person's config is dropped with a notice naming it.

mod endpoint;

pub use endpoint::{EndpointError, check_endpoint};

use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashSet;

/// The shipped catalog, embedded so the binary needs no data files beside it.
const SHIPPED: &str = include_str!("catalog.toml");

/// The wire format a provider's client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum WireFormat {
    Anthropic,
    Openai,
    Gemini,
    OpenaiCompatible,
}

/// How a provider publishes its status, so the right reader is chosen per provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, Default)]
#[serde(rename_all = "snake_case")]
pub enum StatusFormat {
    /// Atlassian Statuspage v2 JSON (`/api/v2/summary.json`).
    Statuspage,
    /// incident.io pages, which serve the same Statuspage-style JSON.
    IncidentIo,
    /// An Atom feed of incidents.
    Atom,
    /// No machine-readable feed: availability comes from own traffic only.
    #[default]
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    Text,
    Image,
    Audio,
    Video,
    Pdf,
}

/// Rough capability class, used to find the nearest alternative when a model is out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Frontier,
    Balanced,
    Fast,
    Local,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Stable key: `anthropic`, `openai`, `gemini`, `ollama`, or one the person adds.
    pub id: String,
    /// Company or server name as a person says it: "Anthropic".
    pub name: String,
    /// What people call its models: "Claude" ("Add an Anthropic API key to use Claude").
    pub family: String,
    pub wire: WireFormat,
    pub base_url: String,
    #[serde(default)]
    pub status_url: Option<String>,
    #[serde(default)]
    pub status_format: StatusFormat,
    /// Environment variable holding the key; empty for servers that need none.
    #[serde(default)]
    pub api_key_env: String,
    /// Where the person gets a key.
    #[serde(default)]
    pub console_url: Option<String>,
}

impl Provider {
    pub fn needs_key(&self) -> bool {
        !self.api_key_env.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub provider: String,
    pub id: String,
    pub display_name: String,
    /// Tokens of input the model accepts.
    pub context_window: u32,
    pub input: Vec<Modality>,
    pub tool_use: bool,
    /// US dollars per million input tokens.
    pub price_in: f64,
    /// US dollars per million output tokens.
    pub price_out: f64,
    pub tier: Tier,
    /// Names a status page or incident title uses for this model, matched as whole phrases.
    pub aliases: Vec<String>,
}

/// One model, named the way the store and the UI name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
pub struct ModelRef {
    pub provider: String,
    pub model: String,
}

impl ModelRef {
    pub fn new(provider: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            model: model.into(),
        }
    }
}

impl std::fmt::Display for ModelRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.provider, self.model)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the catalog file is not valid TOML: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("the catalog has problems: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub providers: Vec<Provider>,
    pub models: Vec<Model>,
}

impl Catalog {
    /// The catalog shipped inside the binary, validated.
    pub fn shipped() -> Result<Self, CatalogError> {
        let catalog: Catalog = toml::from_str(SHIPPED)?;
        let problems = catalog.problems();
        if problems.is_empty() {
            Ok(catalog)
        } else {
            Err(CatalogError::Invalid(problems))
        }
    }

    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id == id)
    }

    pub fn model(&self, provider: &str, id: &str) -> Option<&Model> {
        self.models
            .iter()
            .find(|m| m.provider == provider && m.id == id)
    }

    pub fn contains(&self, model: &ModelRef) -> bool {
        self.model(&model.provider, &model.model).is_some()
    }

    /// Every problem with the catalog as a whole, in words; empty when it is sound.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut provider_ids = HashSet::new();
        for provider in &self.providers {
            if !provider_ids.insert(provider.id.as_str()) {
                problems.push(format!("provider `{}` is listed twice", provider.id));
            }
            problems.extend(provider_problems(provider));
        }
        let mut model_keys = HashSet::new();
        for model in &self.models {
            if !model_keys.insert((model.provider.as_str(), model.id.as_str())) {
                problems.push(format!(
                    "model `{}/{}` is listed twice",
                    model.provider, model.id
                ));
            }
            if !provider_ids.contains(model.provider.as_str()) {
                problems.push(format!(
                    "model `{}` names provider `{}`, which the catalog does not have",
                    model.id, model.provider
                ));
            }
            problems.extend(model_problems(model));
        }
        problems
    }
}

/// What is wrong with one provider entry on its own.
pub fn provider_problems(provider: &Provider) -> Vec<String> {
    let mut problems = Vec::new();
    let id = &provider.id;
    if !is_valid_key(id) {
        problems.push(format!(
            "provider id `{id}` must be lowercase letters, digits, `-` or `_`"
        ));
    }
    if provider.name.trim().is_empty() {
        problems.push(format!("provider `{id}` has no name"));
    }
    if let Err(e) = check_endpoint(&provider.base_url) {
        problems.push(format!("provider `{id}` base_url: {e}"));
    }
    if let Some(status_url) = &provider.status_url
        && let Err(e) = check_endpoint(status_url)
    {
        problems.push(format!("provider `{id}` status_url: {e}"));
    }
    if provider.status_format != StatusFormat::None && provider.status_url.is_none() {
        problems.push(format!(
            "provider `{id}` has a status format but no status_url"
        ));
    }
    problems
}

/// What is wrong with one model entry on its own.
pub fn model_problems(model: &Model) -> Vec<String> {
    let mut problems = Vec::new();
    let name = format!("{}/{}", model.provider, model.id);
    if model.id.trim().is_empty() {
        problems.push(format!("a model of `{}` has an empty id", model.provider));
    }
    if model.display_name.trim().is_empty() {
        problems.push(format!("model `{name}` has no display_name"));
    }
    if model.context_window == 0 {
        problems.push(format!("model `{name}` has a context_window of 0"));
    }
    if !model.input.contains(&Modality::Text) {
        problems.push(format!("model `{name}` does not take text input"));
    }
    for (what, price) in [("price_in", model.price_in), ("price_out", model.price_out)] {
        if !price.is_finite() || price < 0.0 {
            problems.push(format!("model `{name}` has a negative or invalid {what}"));
        }
    }
    if model.aliases.is_empty() {
        problems.push(format!(
            "model `{name}` has no aliases (status pages name models by them)"
        ));
    }
    for alias in &model.aliases {
        // A one-word alias such as "Opus" would claim every Opus model in an incident title.
        if alias.trim().len() < 4 || !alias.chars().any(|c| c.is_ascii_digit()) {
            problems.push(format!(
                "model `{name}` alias `{alias}` is too vague: an alias must name the version"
            ));
        }
    }
    problems
}

fn is_valid_key(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_catalog_is_valid() {
        let catalog = Catalog::shipped().unwrap_or_else(|e| panic!("{e}"));
        assert!(catalog.problems().is_empty());
    }

    #[test]
    fn shipped_catalog_has_the_models_people_expect() {
        let catalog = Catalog::shipped().unwrap();
        for (provider, id) in [
            ("anthropic", "claude-opus-4-8"),
            ("anthropic", "claude-opus-4-7"),
            ("anthropic", "claude-sonnet-4-6"),
            ("anthropic", "claude-haiku-4-5"),
            ("openai", "gpt-5"),
            ("gemini", "gemini-2.5-pro"),
            ("gemini", "gemini-2.5-flash"),
        ] {
            assert!(
                catalog.model(provider, id).is_some(),
                "the shipped catalog should list {provider}/{id}"
            );
        }
        let ollama = catalog.provider("ollama").expect("a local Ollama provider");
        assert_eq!(ollama.base_url, "http://127.0.0.1:11434");
        assert!(!ollama.needs_key(), "a local server needs no key");
        for provider in &catalog.providers {
            assert!(
                catalog.models.iter().any(|m| m.provider == provider.id),
                "provider {} should have at least one model",
                provider.id
            );
        }
    }

    fn sample_model() -> Model {
        Catalog::shipped().unwrap().models[0].clone()
    }

    #[test]
    fn duplicate_and_orphan_entries_are_problems() {
        let mut catalog = Catalog::shipped().unwrap();
        let first = catalog.models[0].clone();
        catalog.models.push(first);
        let mut orphan = sample_model();
        orphan.provider = "nobody".into();
        orphan.id = "orphan-1".into();
        catalog.models.push(orphan);
        let problems = catalog.problems();
        assert!(
            problems.iter().any(|p| p.contains("listed twice")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("provider `nobody`")),
            "{problems:?}"
        );
    }

    #[test]
    fn malformed_model_fields_are_problems() {
        let mut model = sample_model();
        model.context_window = 0;
        model.price_out = -1.0;
        model.aliases = vec!["Opus".into()];
        model.input = vec![Modality::Image];
        let problems = model_problems(&model);
        assert_eq!(problems.len(), 4, "{problems:?}");
    }

    #[test]
    fn a_malformed_toml_entry_is_a_parse_error_naming_the_field() {
        let text = SHIPPED.replacen("context_window = 200000", "context_window = \"big\"", 1);
        let err = toml::from_str::<Catalog>(&text).unwrap_err();
        assert!(err.to_string().contains("context_window"), "{err}");
        let text = SHIPPED.replacen("tool_use = true", "tool_use = true\ncolour = 1", 1);
        let err = toml::from_str::<Catalog>(&text).unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
    }

    #[test]
    fn remote_endpoints_must_be_https() {
        let mut provider = Catalog::shipped().unwrap().providers[0].clone();
        provider.base_url = "http://api.example.com".into();
        let problems = provider_problems(&provider);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("https"), "{problems:?}");
    }
}
