//! The catalog as it stands today: the shipped file (with the person's config on top) merged
//! with what each provider's own model list says.
//!
//! - A model both know keeps the shipped details (curated: display name, modalities, tool use,
//!   price, tier, aliases); a detail the shipped entry leaves out is taken from the list.
//! - A model only the list knows still appears, with what the provider said, aliases derived
//!   from its name, a tier borrowed from a sibling of the same line ("Claude Opus 6" from
//!   "Claude Opus 5.5"), and the rest unknown.
//! - A model only the shipped file knows stays: whether it is retired is the availability
//!   engine's call, from the same lists (see `HealthEngine::record_listing`).
//!
//! Dated snapshots (`claude-opus-4-5-20251101`, `gpt-5-2025-08-07`) and Ollama's `:latest` tag
//! are the same model as the undated name, so they fold into it rather than doubling the picker.
//!
//! Pure: no I/O. The refresher (`crate::model_lists`) reads the lists and calls [`merge`]; the
//! availability engine holds the result, the one catalog in force.

use super::naming::{self, plain_name};
use super::{Catalog, DetailSource, Modality, Model, Tier};

use crate::vocabulary::ModelRef;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::{HashMap, HashSet};

/// One provider's model list as last read in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ProviderListing {
    pub provider: String,
    pub listed_at: DateTime<Utc>,
    pub models: Vec<ListedModel>,
}

/// One model as the provider's list endpoint describes it. What the endpoint does not say is
/// `None`; the shipped catalog fills it in when the two are merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ListedModel {
    /// The provider's own id, as sent in a chat request (`claude-opus-4-7`, `gemini-2.5-pro`).
    pub id: String,
    pub display_name: Option<String>,
    /// Tokens of input the model accepts.
    pub context_window: Option<u32>,
    /// Tokens the model may write in one answer.
    pub output_limit: Option<u32>,
    /// When the provider released it, where it says.
    pub created: Option<DateTime<Utc>>,
    /// What it takes in, where the list says (Anthropic's `capabilities`, OpenRouter's
    /// `architecture.input_modalities`); empty when it does not.
    #[serde(default)]
    pub input: Vec<Modality>,
    /// Whether Switchboard's text chat can use it (see the module documentation).
    pub can_chat: bool,
    /// The day the provider stops serving it, where the list announces one (OpenAI's
    /// `shutdown_date`, `"2026-10-23"`).
    #[serde(default)]
    pub retires_on: Option<chrono::NaiveDate>,
}

/// The ids a list names, each dated snapshot and `:latest` tag also under its plain name, so
/// "is this model listed?" is one lookup, not a walk of the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListedIds(HashSet<String>);

impl ListedIds {
    pub fn of(listing: &ProviderListing) -> Self {
        let mut ids = HashSet::new();
        for listed in &listing.models {
            ids.insert(listed.id.clone());
            if let Some(plain) = plain_name(&listed.id) {
                ids.insert(plain.to_string());
            }
        }
        Self(ids)
    }

    /// Same answers as [`naming::same_model`] against every listed id.
    pub fn includes(&self, id: &str) -> bool {
        self.0.contains(id)
            || id
                .strip_suffix(":latest")
                .is_some_and(|b| self.0.contains(b))
    }
}

/// `base` (shipped + config) with each provider's list merged in, as described above.
pub fn merge(base: &Catalog, listings: &[ProviderListing]) -> Catalog {
    let mut catalog = base.clone();
    for listing in listings {
        let Some(provider) = base.provider(&listing.provider) else {
            continue;
        };
        let family = provider.family.clone();
        // Positions of the provider's models by id, and its lines' tiers: one pass each, so
        // a list of thousands (OpenRouter) merges in linear time.
        let positions: HashMap<String, usize> = catalog
            .models
            .iter()
            .enumerate()
            .filter(|(_, m)| m.provider == listing.provider)
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        let tiers = line_tiers(&catalog, &family, &listing.provider);
        let listed_ids: HashSet<&str> = listing.models.iter().map(|m| m.id.as_str()).collect();
        for listed in listing.models.iter().filter(|m| m.can_chat) {
            let id = listed.id.as_str();
            let plain = plain_name(id);
            let tagged = format!("{id}:latest");
            let known = [Some(id), plain, Some(tagged.as_str())]
                .into_iter()
                .flatten()
                .find_map(|candidate| positions.get(candidate).copied());
            match known {
                Some(i) => fill_from_list(&mut catalog.models[i], listed, listing.listed_at),
                // A dated snapshot or tag of a model the list also names plainly folds into it.
                None if plain.is_some_and(|p| listed_ids.contains(p)) => {}
                None => {
                    let model = learned_model(
                        &tiers,
                        &family,
                        &listing.provider,
                        listed,
                        listing.listed_at,
                    );
                    catalog.models.push(model);
                }
            }
        }
    }
    newest_first_per_provider(&mut catalog);
    catalog
}

/// Each provider's models newest first where the lists said when they came out, as the
/// providers list them; models with no date (never listed, or retired) keep their order after
/// those. Providers stay in catalog order.
fn newest_first_per_provider(catalog: &mut Catalog) {
    let position = |provider: &str| {
        catalog
            .providers
            .iter()
            .position(|p| p.id == provider)
            .unwrap_or(usize::MAX)
    };
    let mut models: Vec<Model> = catalog.models.drain(..).collect();
    // A stable sort: `Reverse(None)` comes after every `Reverse(Some(_))`, so undated last.
    models.sort_by_cached_key(|m| (position(&m.provider), std::cmp::Reverse(m.released)));
    catalog.models = models;
}

fn fill_from_list(model: &mut Model, listed: &ListedModel, at: DateTime<Utc>) {
    model.listed_at = Some(at);
    model.released = listed.created.or(model.released);
    // The provider's announcement is the latest word on when it goes.
    model.retires_on = listed.retires_on.or(model.retires_on);
    if model.context_window.is_none() && listed.context_window.is_some() {
        model.context_window = listed.context_window;
        model.sources.context_window = DetailSource::Provider;
    }
    if model.output_limit.is_none() && listed.output_limit.is_some() {
        model.output_limit = listed.output_limit;
        model.sources.output_limit = DetailSource::Provider;
    }
    if model.input.is_empty() && !listed.input.is_empty() {
        model.input = listed.input.clone();
        model.sources.input = DetailSource::Provider;
    }
}

fn learned_model(
    tiers: &HashMap<Vec<String>, Option<Tier>>,
    family: &str,
    provider: &str,
    listed: &ListedModel,
    at: DateTime<Utc>,
) -> Model {
    let display_name = listed
        .display_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| listed.id.clone());
    let mut model = Model {
        provider: provider.to_string(),
        id: listed.id.clone(),
        aliases: naming::derive(family, &display_name, &listed.id),
        display_name,
        context_window: listed.context_window.filter(|&n| n > 0),
        output_limit: listed.output_limit.filter(|&n| n > 0),
        input: listed.input.clone(),
        tool_use: None,
        price_in: None,
        price_out: None,
        tier: None,
        released: listed.created,
        listed_at: None,
        retires_on: listed.retires_on,
        sources: Default::default(),
    };
    model.attribute_to(DetailSource::Provider);
    model.listed_at = Some(at);
    if !model.aliases.is_empty() {
        model.sources.aliases = DetailSource::Derived;
    }
    if let Some(&Some(tier)) = tiers.get(&line_of(family, &model)) {
        model.tier = Some(tier);
        model.sources.tier = DetailSource::Derived;
    }
    model
}

/// Each line of the provider's models that give a tier ("opus" → frontier), for a model of
/// the same line to borrow; `None` where the line's tiers disagree.
fn line_tiers(
    catalog: &Catalog,
    family: &str,
    provider: &str,
) -> HashMap<Vec<String>, Option<Tier>> {
    let mut tiers: HashMap<Vec<String>, Option<Tier>> = HashMap::new();
    for model in catalog.models_of(provider) {
        let Some(tier) = model.tier else { continue };
        tiers
            .entry(line_of(family, model))
            .and_modify(|t| {
                if *t != Some(tier) {
                    *t = None;
                }
            })
            .or_insert(Some(tier));
    }
    tiers
}

/// Words that say which release of a line, not which line.
const RELEASE_WORDS: &[&str] = &["preview", "latest", "exp", "experimental", "snapshot"];

/// A model's line: its name's words without the family, versions and release words.
/// "Claude Opus 4.8" → ["opus"]; "GPT-5 mini" → ["mini"]; "GPT-5.1" → [].
fn line_of(family: &str, model: &Model) -> Vec<String> {
    let family = family.to_lowercase();
    model
        .display_name
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-' || c == ':')
        .filter(|w| !w.is_empty() && *w != family)
        .filter(|w| !w.starts_with(|c: char| c.is_ascii_digit()))
        .filter(|w| !RELEASE_WORDS.contains(w))
        .map(str::to_string)
        .collect()
}

/// The version in a model's name: "Claude Opus 4.8" → [4, 8]; "GPT-5.6 Sol" → [5, 6].
fn version_of(model: &Model) -> Vec<u32> {
    model
        .display_name
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .map(|w| w.split('.').filter_map(|p| p.parse().ok()).collect())
        .unwrap_or_default()
}

/// The current model nearest to `gone` (retired, or otherwise out): of the same provider,
/// not `out`, preferring the same line, then the same tier, then the newest version.
pub fn nearest_current<'a>(
    catalog: &'a Catalog,
    gone: &'a ModelRef,
    out: impl Fn(&ModelRef) -> bool,
) -> Option<&'a Model> {
    let gone_model = catalog.model(&gone.provider, &gone.model)?;
    let family = catalog
        .provider(&gone.provider)
        .map_or("", |p| p.family.as_str());
    let line = line_of(family, gone_model);
    catalog
        .models_of(&gone.provider)
        .filter(|m| m.id != gone.model && !out(&m.model_ref()))
        .max_by_key(|m| {
            (
                line_of(family, m) == line,
                m.tier.is_some() && m.tier == gone_model.tier,
                version_of(m),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(id: &str, name: Option<&str>, context: Option<u32>) -> ListedModel {
        ListedModel {
            id: id.into(),
            display_name: name.map(str::to_string),
            context_window: context,
            output_limit: None,
            created: None,
            input: Vec::new(),
            can_chat: true,
            retires_on: None,
        }
    }

    fn at() -> DateTime<Utc> {
        "2026-11-24T09:00:00Z".parse().unwrap()
    }

    fn listing(provider: &str, models: Vec<ListedModel>) -> ProviderListing {
        ProviderListing {
            provider: provider.into(),
            listed_at: at(),
            models,
        }
    }

    #[test]
    fn shipped_and_listed_keeps_the_shipped_details_and_notes_the_listing() {
        let base = Catalog::shipped().unwrap();
        let merged = merge(
            &base,
            &[listing(
                "anthropic",
                vec![listed("claude-opus-4-7", Some("Opus (renamed)"), Some(1))],
            )],
        );
        let opus = merged.model("anthropic", "claude-opus-4-7").unwrap();
        assert_eq!(
            opus.display_name, "Claude Opus 4.7",
            "the shipped name stays"
        );
        assert_eq!(
            opus.context_window,
            base.model("anthropic", "claude-opus-4-7")
                .unwrap()
                .context_window
        );
        assert_eq!(opus.sources.context_window, DetailSource::Shipped);
        assert_eq!(opus.listed_at, Some(at()));
        assert_eq!(merged.models.len(), base.models.len(), "nothing added");
        let unlisted = merged.model("anthropic", "claude-opus-4-8").unwrap();
        assert_eq!(unlisted.listed_at, None, "shipped-only stays, unlisted");
    }

    #[test]
    fn a_listed_only_model_appears_with_what_the_provider_said() {
        let base = Catalog::shipped().unwrap();
        let merged = merge(
            &base,
            &[listing(
                "anthropic",
                vec![listed("claude-opus-6", Some("Claude Opus 6"), None)],
            )],
        );
        let opus6 = merged.model("anthropic", "claude-opus-6").expect("learned");
        assert_eq!(opus6.display_name, "Claude Opus 6");
        assert_eq!(opus6.sources.display_name, DetailSource::Provider);
        assert_eq!(opus6.context_window, None);
        assert_eq!(opus6.sources.context_window, DetailSource::Unknown);
        assert_eq!(opus6.price_in, None);
        assert_eq!(
            opus6.unknown_details(),
            ["context window", "input types", "tool use", "price"]
        );
        assert_eq!(opus6.aliases, ["Claude Opus 6", "claude-opus-6", "Opus 6"]);
        assert_eq!(opus6.sources.aliases, DetailSource::Derived);
        assert_eq!(
            opus6.tier,
            Some(Tier::Frontier),
            "borrowed from the Opus line"
        );
        assert_eq!(opus6.sources.tier, DetailSource::Derived);
    }

    #[test]
    fn a_listed_detail_fills_what_the_entry_leaves_out() {
        let mut base = Catalog::shipped().unwrap();
        let mut custom = base.model("ollama", "qwen3:8b").unwrap().clone();
        custom.id = "mistral-small3.2".into();
        custom.context_window = None;
        custom.attribute_to(DetailSource::Config);
        base.models.push(custom);
        let merged = merge(
            &base,
            &[listing(
                "ollama",
                vec![listed("mistral-small3.2:latest", None, Some(131_072))],
            )],
        );
        let model = merged.model("ollama", "mistral-small3.2").unwrap();
        assert_eq!(model.context_window, Some(131_072));
        assert_eq!(model.sources.context_window, DetailSource::Provider);
        assert_eq!(model.sources.price, DetailSource::Config);
        assert!(
            merged.model("ollama", "mistral-small3.2:latest").is_none(),
            "one entry, not two"
        );
    }

    #[test]
    fn snapshots_and_tags_fold_into_their_model() {
        assert!(naming::same_model(
            "claude-opus-4-5",
            "claude-opus-4-5-20251101"
        ));
        assert!(naming::same_model("gpt-5", "gpt-5-2025-08-07"));
        assert!(naming::same_model("llama3.2", "llama3.2:latest"));
        assert!(naming::same_model("llama3.2:latest", "llama3.2"));
        let list = listing(
            "ollama",
            vec![
                listed("claude-opus-4-5-20251101", None, None),
                listed("gpt-5-2025-08-07", None, None),
                listed("llama3.2:latest", None, None),
                listed("qwen3", None, None),
            ],
        );
        let ids = ListedIds::of(&list);
        for (id, included) in [
            ("claude-opus-4-5", true),
            ("claude-opus-4-5-20251101", true),
            ("gpt-5", true),
            ("llama3.2", true),
            ("llama3.2:latest", true),
            ("qwen3:latest", true),
            ("gpt-5-mini", false),
            ("claude-opus-4", false),
        ] {
            assert_eq!(ids.includes(id), included, "{id}");
            assert_eq!(
                list.models.iter().any(|m| naming::same_model(id, &m.id)),
                included,
                "{id}: the set agrees with same_model"
            );
        }
        assert!(!naming::same_model("gpt-5", "gpt-5-mini"));
        assert!(!naming::same_model("gpt-5", "gpt-5-mini-2025-08-07"));
        assert!(!naming::same_model("claude-opus-4", "claude-opus-4-5"));
        let base = Catalog::shipped().unwrap();
        let merged = merge(
            &base,
            &[listing(
                "openai",
                vec![
                    listed("gpt-7", None, None),
                    listed("gpt-7-2026-11-01", None, None),
                    listed("gpt-5-2025-08-07", None, None),
                ],
            )],
        );
        assert!(merged.model("openai", "gpt-7").is_some());
        assert!(merged.model("openai", "gpt-7-2026-11-01").is_none());
        assert!(merged.model("openai", "gpt-5-2025-08-07").is_none());
        assert!(merged.model("openai", "gpt-5").unwrap().listed_at.is_some());
    }

    #[test]
    fn each_providers_models_come_newest_first_with_undated_ones_after() {
        let base = Catalog::shipped().unwrap();
        let dated = |id: &str, date: &str| ListedModel {
            created: Some(format!("{date}T00:00:00Z").parse().unwrap()),
            ..listed(id, None, None)
        };
        let merged = merge(
            &base,
            &[listing(
                "anthropic",
                vec![
                    dated("claude-opus-4-7", "2026-03-18"),
                    dated("claude-opus-6", "2026-11-20"),
                    dated("claude-opus-4-8", "2026-05-12"),
                ],
            )],
        );
        let anthropic: Vec<&str> = merged
            .models_of("anthropic")
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(
            anthropic[..3],
            ["claude-opus-6", "claude-opus-4-8", "claude-opus-4-7"]
        );
        let undated: Vec<&str> = base
            .models_of("anthropic")
            .map(|m| m.id.as_str())
            .filter(|id| !["claude-opus-4-8", "claude-opus-4-7"].contains(id))
            .collect();
        assert_eq!(anthropic[3..], undated[..], "undated keep their order");
        let providers: Vec<&str> = merged.models.iter().map(|m| m.provider.as_str()).collect();
        let mut grouped = providers.clone();
        grouped.dedup();
        assert_eq!(grouped, ["anthropic", "openai", "gemini", "ollama"]);
    }

    #[test]
    fn models_that_cannot_chat_and_unknown_providers_are_left_out() {
        let base = Catalog::shipped().unwrap();
        let mut embedding = listed("text-embedding-4", None, None);
        embedding.can_chat = false;
        let merged = merge(
            &base,
            &[
                listing("openai", vec![embedding]),
                listing("nobody", vec![listed("x-1", None, None)]),
            ],
        );
        assert_eq!(merged.models.len(), base.models.len());
    }

    #[test]
    fn the_nearest_current_model_is_the_same_line_newest() {
        let base = Catalog::shipped().unwrap();
        let merged = merge(
            &base,
            &[listing(
                "anthropic",
                vec![listed("claude-opus-6", Some("Claude Opus 6"), None)],
            )],
        );
        let gone = ModelRef::new("anthropic", "claude-opus-4-6");
        let nearest = nearest_current(&merged, &gone, |_| false).unwrap();
        assert_eq!(nearest.id, "claude-opus-6");
        let nearest = nearest_current(&merged, &gone, |m| m.model == "claude-opus-6").unwrap();
        assert_eq!(
            nearest.id, "claude-opus-5-5",
            "the newest of the line still offered"
        );
        let mini = ModelRef::new("openai", "gpt-5-mini");
        assert_eq!(
            nearest_current(&merged, &mini, |_| false).unwrap().tier,
            Some(Tier::Balanced)
        );
        assert!(nearest_current(&merged, &ModelRef::new("nobody", "x"), |_| false).is_none());
    }
}
