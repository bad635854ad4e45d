//! Providers and models: what Switchboard knows about each before it has asked anyone.
//!
//! The shipped catalog is a TOML file embedded at build time; the person's `config.toml` can
//! change a provider's endpoints and add providers and models on top of it:
//!
//! ```
//! use switchboard_core::catalog::Catalog;
//! let catalog = Catalog::shipped().expect("the shipped catalog is valid");
//! let opus = catalog.model("anthropic", "claude-opus-4-7").unwrap();
//! assert_eq!(opus.display_name, "Claude Opus 4.7");
//! assert!(opus.aliases.iter().any(|a| a == "Opus 4.7"));
//! ```
//!
//! A malformed shipped entry fails `cargo test` (see the tests below), never a user's start-up;
//! a malformed entry in the person's config is dropped with a notice naming it.

mod endpoint;
pub mod live;
pub mod naming;

pub use endpoint::{EndpointError, check_endpoint};

use crate::vocabulary::ModelRef;
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
    /// Why Switchboard will not use this provider as configured: the person's settings for
    /// it could not be read or were refused. Then no request of any kind goes to it — never to
    /// the shipped endpoint instead of the one the person set.
    #[serde(default)]
    pub unusable: Option<String>,
}

impl Provider {
    pub fn needs_key(&self) -> bool {
        !self.api_key_env.is_empty()
    }
}

/// A model. The shipped file gives every detail; a model the person adds in their config, or
/// one a provider lists that the shipped file does not know, may leave details out — `None`
/// (or an empty `input`) is "not known", never a guess.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub provider: String,
    pub id: String,
    pub display_name: String,
    /// Tokens of input the model accepts.
    #[serde(default)]
    pub context_window: Option<u32>,
    /// Tokens the model may write in one answer.
    #[serde(default)]
    pub output_limit: Option<u32>,
    /// What it takes in; empty when not known.
    #[serde(default)]
    pub input: Vec<Modality>,
    #[serde(default)]
    pub tool_use: Option<bool>,
    /// US dollars per million input tokens.
    #[serde(default)]
    pub price_in: Option<f64>,
    /// US dollars per million output tokens.
    #[serde(default)]
    pub price_out: Option<f64>,
    #[serde(default)]
    pub tier: Option<Tier>,
    /// Names a status page or incident title uses for this model, matched as whole phrases.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// When the provider released it, where its model list says.
    #[serde(default)]
    pub released: Option<chrono::DateTime<chrono::Utc>>,
    /// When the provider's own model list last included it; `None` when it has not been asked
    /// (no key, never reached) or does not list it. Only a list read sets it: a file cannot.
    #[serde(default)]
    pub listed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The day the provider has announced it stops serving the model (OpenAI's
    /// `shutdown_date`), where it has.
    #[serde(default)]
    pub retires_on: Option<chrono::NaiveDate>,
    /// Where each detail came from; set when the catalog is assembled (a file's is replaced).
    #[serde(default)]
    pub sources: DetailSources,
}

/// Where one detail of a model came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, Default)]
#[serde(rename_all = "snake_case")]
pub enum DetailSource {
    /// The catalog shipped with Switchboard.
    Shipped,
    /// The person's `config.toml`.
    Config,
    /// The provider's own model list.
    Provider,
    /// Worked out from other details (aliases from the name, a tier from a sibling model).
    Derived,
    /// Nobody said.
    #[default]
    Unknown,
}

impl DetailSource {
    /// As `switchboard models` prints it.
    pub fn label(self) -> &'static str {
        match self {
            DetailSource::Shipped => "shipped catalog",
            DetailSource::Config => "your config",
            DetailSource::Provider => "provider's list",
            DetailSource::Derived => "derived",
            DetailSource::Unknown => "unknown",
        }
    }
}

/// Where each of a model's details came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, Default)]
pub struct DetailSources {
    pub display_name: DetailSource,
    pub context_window: DetailSource,
    pub output_limit: DetailSource,
    pub input: DetailSource,
    pub tool_use: DetailSource,
    pub price: DetailSource,
    pub tier: DetailSource,
    pub aliases: DetailSource,
}

impl Model {
    pub fn model_ref(&self) -> ModelRef {
        ModelRef::new(&self.provider, &self.id)
    }

    /// Marks each detail this entry gives as coming from `origin`, and the rest as unknown.
    /// Whatever the entry claimed about sources or a listing is dropped: only a list read
    /// (see `live::merge`) says a provider lists it.
    pub fn attribute_to(&mut self, origin: DetailSource) {
        self.listed_at = None;
        let from = |known: bool| {
            if known { origin } else { DetailSource::Unknown }
        };
        self.sources = DetailSources {
            display_name: origin,
            context_window: from(self.context_window.is_some()),
            output_limit: from(self.output_limit.is_some()),
            input: from(!self.input.is_empty()),
            tool_use: from(self.tool_use.is_some()),
            price: from(self.price_in.is_some() && self.price_out.is_some()),
            tier: from(self.tier.is_some()),
            aliases: from(!self.aliases.is_empty()),
        };
    }

    /// The details a person would want before picking it, that nobody has given.
    pub fn unknown_details(&self) -> Vec<&'static str> {
        let mut unknown = Vec::new();
        if self.context_window.is_none() {
            unknown.push("context window");
        }
        if self.input.is_empty() {
            unknown.push("input types");
        }
        if self.tool_use.is_none() {
            unknown.push("tool use");
        }
        if self.price_in.is_none() || self.price_out.is_none() {
            unknown.push("price");
        }
        unknown
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
        let mut catalog: Catalog = toml::from_str(SHIPPED)?;
        for model in &mut catalog.models {
            model.attribute_to(DetailSource::Shipped);
        }
        let mut problems = catalog.problems();
        problems.extend(catalog.models.iter().flat_map(shipped_detail_problems));
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

    pub fn models_of<'a>(&'a self, provider: &'a str) -> impl Iterator<Item = &'a Model> + 'a {
        self.models.iter().filter(move |m| m.provider == provider)
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

/// What is wrong with one model entry on its own. Details may be left out (they are then
/// "not known"); what is given must hold up.
pub fn model_problems(model: &Model) -> Vec<String> {
    let mut problems = Vec::new();
    let name = format!("{}/{}", model.provider, model.id);
    if model.id.trim().is_empty() {
        problems.push(format!("a model of `{}` has an empty id", model.provider));
    }
    if model.display_name.trim().is_empty() {
        problems.push(format!("model `{name}` has no display_name"));
    }
    if model.context_window == Some(0) {
        problems.push(format!("model `{name}` has a context_window of 0"));
    }
    if !model.input.is_empty() && !model.input.contains(&Modality::Text) {
        problems.push(format!("model `{name}` does not take text input"));
    }
    for (what, price) in [("price_in", model.price_in), ("price_out", model.price_out)] {
        if price.is_some_and(|p| !p.is_finite() || p < 0.0) {
            problems.push(format!("model `{name}` has a negative or invalid {what}"));
        }
    }
    for alias in &model.aliases {
        if !naming::specific_enough(alias) {
            problems.push(format!(
                "model `{name}` alias `{alias}` is too vague: an alias must name the version"
            ));
        }
    }
    problems
}

/// What the shipped file must say of every model on top of [`model_problems`]: all of it.
fn shipped_detail_problems(model: &Model) -> Vec<String> {
    let name = format!("{}/{}", model.provider, model.id);
    let mut missing = model.unknown_details();
    if model.tier.is_none() {
        missing.push("tier");
    }
    if model.aliases.is_empty() {
        missing.push("aliases (status pages name models by them)");
    }
    missing
        .into_iter()
        .map(|what| format!("shipped model `{name}` does not give its {what}"))
        .collect()
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
        model.context_window = Some(0);
        model.price_out = Some(-1.0);
        model.aliases = vec!["Opus".into()];
        model.input = vec![Modality::Image];
        let problems = model_problems(&model);
        assert_eq!(problems.len(), 4, "{problems:?}");
    }

    #[test]
    fn shipped_models_give_every_detail_and_say_so() {
        let catalog = Catalog::shipped().unwrap();
        for model in &catalog.models {
            assert!(shipped_detail_problems(model).is_empty(), "{}", model.id);
            assert_eq!(model.sources.context_window, DetailSource::Shipped);
            assert_eq!(model.sources.price, DetailSource::Shipped);
        }
        let mut thin = sample_model();
        thin.context_window = None;
        thin.price_in = None;
        thin.aliases.clear();
        let problems = shipped_detail_problems(&thin);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            model_problems(&thin).is_empty(),
            "a config entry may leave details out"
        );
    }

    #[test]
    fn unknown_details_are_named_and_attributed() {
        let text = r#"
provider = "ollama"
id = "mistral-small3.2"
display_name = "Mistral Small 3.2"
context_window = 131072
"#;
        let mut model: Model = toml::from_str(text).unwrap();
        model.attribute_to(DetailSource::Config);
        assert_eq!(
            model.unknown_details(),
            ["input types", "tool use", "price"]
        );
        assert_eq!(model.sources.context_window, DetailSource::Config);
        assert_eq!(model.sources.price, DetailSource::Unknown);
        assert_eq!(model.sources.display_name, DetailSource::Config);
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
