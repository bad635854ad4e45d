//! Ranking the models that could answer in place of the preferred one.

use super::FallbackOrders;
use crate::catalog::{Catalog, Modality, Model, Tier};
use crate::vocabulary::{AvailabilityState, ModelAvailability, ModelRef, ReasonKind};
use serde::{Deserialize, Serialize};
use specta::Type;

/// What this conversation asks of a model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Needs {
    /// Its estimated size, with room for the answer, in tokens.
    pub tokens: u32,
    pub images: bool,
    pub tools: bool,
}

impl Needs {
    /// A text conversation of `chars` characters so far (the new message included), with
    /// `answer_tokens` of room for the answer: about four characters a token, rounded up.
    pub fn of_text(chars: usize, answer_tokens: u32) -> Self {
        let tokens = u32::try_from(chars.div_ceil(4)).unwrap_or(u32::MAX);
        Self {
            tokens: tokens.saturating_add(answer_tokens),
            images: false,
            tools: false,
        }
    }
}

/// One model that could answer, with what differs from the preferred model, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Alternative {
    pub model: ModelRef,
    pub display_name: String,
    pub provider_name: String,
    /// `available`, or `unknown` (not checked yet, ranked after every available one).
    pub state: AvailabilityState,
    pub comparison: Comparison,
    /// "Context window 400K tokens (Claude Opus 4.7: 1M)", "OpenAI, not Anthropic".
    pub differences: Vec<String>,
}

/// The figures the dialog compares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Comparison {
    pub context_window: Option<u32>,
    pub price_in: Option<f64>,
    pub price_out: Option<f64>,
    pub images: bool,
    pub tools: Option<bool>,
    pub same_provider: bool,
}

/// Why a model is not offered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Exclusion {
    NoKey,
    Retired,
    TurnedOff,
    /// Itself not available now, with its reason's kind.
    Unavailable {
        reason: ReasonKind,
    },
    /// Its context window is smaller than the conversation.
    TooSmall {
        needs: u32,
        has: u32,
    },
    NoImages,
    NoTools,
    /// Its provider's settings were refused.
    Unusable,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Excluded {
    pub model: ModelRef,
    pub display_name: String,
    pub why: Exclusion,
    /// The same, in words: "no key for OpenAI", "its context window (128K) is smaller than
    /// this conversation (about 150K tokens)".
    pub words: String,
}

/// The alternatives, best first, and the models left out with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Ranking {
    pub preferred: ModelRef,
    pub needs: Needs,
    /// The reason reaches the preferred model's whole provider (an incident on many of its
    /// models, a policy on the provider, overload): other providers come first.
    pub provider_wide: bool,
    pub alternatives: Vec<Alternative>,
    pub excluded: Vec<Excluded>,
    /// The reason is one only the person can fix (a key, a plan, an account): no other model
    /// is offered for it, and the dialog says so.
    #[serde(default)]
    pub for_you_to_fix: bool,
}

/// Ranks every model but `preferred`: the workspace's order first, then the person's, then
/// the rest; within each, another provider first when the reason is provider-wide, then the
/// nearest tier, then available before not checked yet, then catalog order. Only models that
/// can take this conversation now are offered; the others are listed with why.
pub fn rank(
    preferred: &ModelAvailability,
    needs: &Needs,
    catalog: &Catalog,
    availability: &[ModelAvailability],
    orders: &FallbackOrders,
) -> Ranking {
    let provider_wide = provider_wide(preferred);
    let preferred_model = catalog.model(&preferred.model.provider, &preferred.model.model);
    let preferred_name =
        preferred_model.map_or(preferred.model.model.as_str(), |m| m.display_name.as_str());
    let mut alternatives = Vec::new();
    let mut excluded = Vec::new();
    for (index, model) in catalog.models.iter().enumerate() {
        let model_ref = model.model_ref();
        if model_ref == preferred.model {
            continue;
        }
        let Some(provider) = catalog.provider(&model.provider) else {
            continue;
        };
        let state = availability.iter().find(|a| a.model == model_ref);
        let exclusion = exclusion_of(model, provider.unusable.is_some(), state, needs);
        match exclusion {
            Some(why) => excluded.push(Excluded {
                words: why.words(&provider.name),
                model: model_ref,
                display_name: model.display_name.clone(),
                why,
            }),
            None => {
                let same_provider = model.provider == preferred.model.provider;
                let comparison = Comparison {
                    context_window: model.context_window,
                    price_in: model.price_in,
                    price_out: model.price_out,
                    images: model.input.contains(&Modality::Image),
                    tools: model.tool_use,
                    same_provider,
                };
                let differences = differences(
                    model,
                    &provider.name,
                    preferred_model,
                    preferred_name,
                    catalog,
                );
                let state = state.map_or(AvailabilityState::Unknown, |a| a.state);
                let key = (
                    position(&orders.workspace, &model_ref),
                    position(&orders.person, &model_ref),
                    provider_wide && same_provider,
                    tier_distance(preferred_model.and_then(|m| m.tier), model.tier),
                    state != AvailabilityState::Available,
                    index,
                );
                alternatives.push((
                    key,
                    Alternative {
                        model: model_ref,
                        display_name: model.display_name.clone(),
                        provider_name: provider.name.clone(),
                        state,
                        comparison,
                        differences,
                    },
                ));
            }
        }
    }
    alternatives.sort_by_key(|a| a.0);
    Ranking {
        preferred: preferred.model.clone(),
        needs: *needs,
        provider_wide,
        alternatives: alternatives.into_iter().map(|(_, a)| a).collect(),
        excluded,
        for_you_to_fix: false,
    }
}

/// Whether the reason the preferred model is out reaches its whole provider.
fn provider_wide(preferred: &ModelAvailability) -> bool {
    let evidence = &preferred.evidence;
    match preferred.reason.kind {
        ReasonKind::Overloaded => true,
        ReasonKind::ProviderIncident | ReasonKind::Maintenance => {
            evidence.incident.as_ref().is_some_and(|incident| {
                incident.all_models || incident.api_wide || incident.models.len() > 1
            })
        }
        ReasonKind::AdminDisabled => evidence.policy.as_ref().is_some_and(|p| p.model.is_none()),
        _ => false,
    }
}

/// Why a model cannot stand in until something changes on the person's side or the
/// provider's list — no key, retired, turned off — as opposed to being out for now.
pub fn lasting_exclusion(availability: &ModelAvailability) -> Option<Exclusion> {
    match availability.reason.kind {
        ReasonKind::NotConfigured => Some(Exclusion::NoKey),
        ReasonKind::ModelRetired => Some(Exclusion::Retired),
        ReasonKind::AdminDisabled => Some(Exclusion::TurnedOff),
        _ => None,
    }
}

fn exclusion_of(
    model: &Model,
    unusable: bool,
    state: Option<&ModelAvailability>,
    needs: &Needs,
) -> Option<Exclusion> {
    if unusable {
        return Some(Exclusion::Unusable);
    }
    if let Some(a) = state {
        if let Some(lasting) = lasting_exclusion(a) {
            return Some(lasting);
        }
        match a.state {
            AvailabilityState::Available | AvailabilityState::Unknown => {}
            _ => {
                return Some(Exclusion::Unavailable {
                    reason: a.reason.kind,
                });
            }
        }
    }
    match model.context_window {
        Some(has) if has < needs.tokens => {
            return Some(Exclusion::TooSmall {
                needs: needs.tokens,
                has,
            });
        }
        _ => {}
    }
    if needs.images && !model.input.contains(&Modality::Image) {
        return Some(Exclusion::NoImages);
    }
    if needs.tools && model.tool_use != Some(true) {
        return Some(Exclusion::NoTools);
    }
    None
}

impl Exclusion {
    /// In words, to follow "GPT-5 mini: " or "… names GPT-5, but ".
    pub fn words(&self, provider: &str) -> String {
        match self {
            Exclusion::NoKey => "there is no key for its provider".into(),
            Exclusion::Retired => format!("{provider} no longer offers it"),
            Exclusion::TurnedOff => "your workspace has turned it off".into(),
            Exclusion::Unavailable { .. } => "it cannot answer right now either".into(),
            Exclusion::TooSmall { needs, has } => format!(
                "its context window ({}) is smaller than this conversation (about {} tokens)",
                tokens(*has),
                tokens(*needs)
            ),
            Exclusion::NoImages => "it does not take images, and this conversation has some".into(),
            Exclusion::NoTools => "it cannot use tools, and this conversation does".into(),
            Exclusion::Unusable => format!("your settings for {provider} could not be used"),
        }
    }
}

/// What differs from the preferred model, as the dialog says it.
fn differences(
    model: &Model,
    provider: &str,
    preferred: Option<&Model>,
    preferred_name: &str,
    catalog: &Catalog,
) -> Vec<String> {
    let mut said = Vec::new();
    let Some(preferred) = preferred else {
        return said;
    };
    if model.provider != preferred.provider {
        let theirs = catalog
            .provider(&preferred.provider)
            .map_or(preferred.provider.as_str(), |p| p.name.as_str());
        said.push(format!("{provider}, not {theirs}"));
    }
    if model.context_window != preferred.context_window {
        said.push(format!(
            "context window {} ({preferred_name}: {})",
            known(model.context_window.map(tokens)),
            known(preferred.context_window.map(tokens))
        ));
    }
    if (model.price_in, model.price_out) != (preferred.price_in, preferred.price_out) {
        said.push(format!(
            "{} per million tokens in / out ({preferred_name}: {})",
            price(model),
            price(preferred)
        ));
    }
    let images = |m: &Model| m.input.contains(&Modality::Image);
    if images(model) != images(preferred) {
        said.push(if images(model) {
            format!("takes images ({preferred_name} does not)")
        } else {
            format!("no images ({preferred_name} takes them)")
        });
    }
    if model.tool_use != preferred.tool_use {
        said.push(match model.tool_use {
            Some(true) => "can use tools".into(),
            Some(false) => "cannot use tools".into(),
            None => "whether it can use tools is not known".into(),
        });
    }
    said
}

fn known(value: Option<String>) -> String {
    value.unwrap_or_else(|| "unknown".into())
}

/// "1M", "400K", "8K".
fn tokens(n: u32) -> String {
    if n >= 1_000_000 && n.is_multiple_of(1_000_000) {
        format!("{}M", n / 1_000_000)
    } else if n >= 1000 {
        format!("{}K", n / 1000)
    } else {
        n.to_string()
    }
}

fn price(model: &Model) -> String {
    match (model.price_in, model.price_out) {
        (Some(i), Some(o)) => format!("${i} / ${o}"),
        _ => "unknown".into(),
    }
}

fn position(order: &[ModelRef], model: &ModelRef) -> usize {
    order.iter().position(|m| m == model).unwrap_or(usize::MAX)
}

/// How far apart two tiers are; an unknown tier counts as two steps.
fn tier_distance(a: Option<Tier>, b: Option<Tier>) -> u8 {
    let step = |t: Tier| match t {
        Tier::Frontier => 0i8,
        Tier::Balanced => 1,
        Tier::Fast => 2,
        Tier::Local => 3,
    };
    match (a, b) {
        (Some(a), Some(b)) => (step(a) - step(b)).unsigned_abs(),
        _ => 2,
    }
}
