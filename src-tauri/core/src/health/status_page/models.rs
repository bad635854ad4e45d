//! Which catalog models an incident or maintenance covers.

use crate::catalog::Model;
use crate::catalog::naming::{
    AliasTable, collapse, find_all, lower, normalise, starts_with, word_end, word_start,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeSet;

/// Which of a provider's models an incident or maintenance covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case", tag = "scope", content = "models")]
pub enum Affected {
    /// Every model of the provider, by the text's own words: "all models", "many Claude
    /// models", "every model".
    AllModels,
    /// Exactly these model ids, in catalog order: the models the text names, less those a
    /// later update says have recovered. May be empty when every named model has recovered.
    Models(Vec<String>),
    /// The model API as a whole — a component that carries model requests, or the words "the
    /// API" — with no model named. Not evidence against any one model by itself: how bad it
    /// is, the component's status says (see [`crate::health::poller::status_evidence`]).
    ApiWide,
    /// None of the provider's API models: only its apps (claude.ai, ChatGPT, Sora, …) or API
    /// endpoints Switchboard does not send to.
    NoModels,
    /// Neither a model, a component nor a product is named ("Elevated errors"). The caller
    /// weighs it against its own traffic; it is not evidence against any one model.
    Unclear,
}

/// What a status-page component serves, read from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    /// Carries the model requests Switchboard sends: a name with the word "API"/"APIs"
    /// ("Claude API", "Gemini API", OpenAI's "APIs" group), "Completions" ("Chat
    /// Completions"), "Responses", "Messages" or "Inference".
    ModelApi,
    /// An API endpoint that carries none of Switchboard's requests: "Embeddings", "Batch",
    /// "Realtime", "Files", "Fine-tuning", "Images", "Moderations", "Audio", "Assistants",
    /// "Vector stores", "Uploads", "Evals" — checked first, so "Batch API" is here. Switchboard
    /// streams chat (`/v1/messages`, `/v1/chat/completions`, `streamGenerateContent`), which
    /// an outage of these leaves working.
    OtherApi,
    /// Anything else: the provider's apps and sites ("claude.ai", "Claude Console", "Claude
    /// Code", "ChatGPT", "Sora", "Codex", "Google AI Studio", "Login").
    Product,
}

const OTHER_API_WORDS: &[&str] = &[
    "embeddings",
    "embedding",
    "batch",
    "batches",
    "realtime",
    "files",
    "file",
    "fine",
    "tuning",
    "finetuning",
    "images",
    "image",
    "moderation",
    "moderations",
    "audio",
    "speech",
    "transcription",
    "transcriptions",
    "assistants",
    "vector",
    "uploads",
    "evals",
];

const MODEL_API_WORDS: &[&str] = &[
    "api",
    "apis",
    "completions",
    "responses",
    "messages",
    "inference",
];

/// Words that name a product rather than the API, when an incident names no component.
const PRODUCT_PHRASES: &[&str] = &[
    "claude.ai",
    "claude code",
    "console",
    "chatgpt",
    "sora",
    "codex",
    "ai studio",
    "login",
    "mobile app",
    "desktop app",
];

/// See [`ComponentKind`].
pub fn component_kind(name: &str) -> ComponentKind {
    let words = words(&name.to_lowercase());
    if words.iter().any(|w| OTHER_API_WORDS.contains(&w.as_str())) {
        ComponentKind::OtherApi
    } else if words.iter().any(|w| MODEL_API_WORDS.contains(&w.as_str())) {
        ComponentKind::ModelApi
    } else {
        ComponentKind::Product
    }
}

/// The text of an incident or maintenance, as the mapping reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IncidentText<'a> {
    pub title: &'a str,
    /// Update bodies, in any order.
    pub bodies: Vec<&'a str>,
    pub components: Vec<&'a str>,
}

/// Which of `models` (one provider's catalog models) the incident covers, by these rules.
///
/// # The order of evidence
///
/// 1. A phrase that says *every model* — a quantifier (`all`, `every`, `many`, `most`,
///    `numerous`) then `model(s)` with at most two words between, e.g. "Elevated errors on many
///    Claude models", "all of our models" — gives [`Affected::AllModels`]. "all *other* models"
///    does not count, and neither do the vague quantifiers (`multiple`, `several`, `some`,
///    `certain`, `various`, `a few`): "Elevated errors on several models" names no model — the
///    updates say which (this is the June 2026 mistake: a vague title read as every model).
/// 2. Model names — in the title, the update bodies and the component names — give
///    [`Affected::Models`] with exactly those models, less the ones the latest updates say
///    have recovered (see [`reported_recovered`]).
/// 3. Otherwise the components decide: one that carries model requests
///    ([`ComponentKind::ModelApi`]) gives [`Affected::ApiWide`]; components that all carry none
///    give [`Affected::NoModels`].
/// 4. With no components at all, the words decide: "API", "APIs" or "Completions" gives
///    `ApiWide` — unless the same sentence names an endpoint Switchboard does not use ("the
///    Batch API"), which, like a product ("claude.ai", "Claude Code", "ChatGPT", "Console",
///    "Sora", "Codex", "AI Studio", "login"), gives `NoModels`; with nothing to go on,
///    [`Affected::Unclear`].
///
/// Sentences of the updates that say something is fine ("Other models are not affected",
/// "Opus 4.8 has returned to normal", "Sonnet 4.6 is operating normally") name no affected
/// model and no "many models"; the title always counts.
///
/// # Matching model names
///
/// Each alias of each model (`Claude Opus 4.7`, `Opus 4.7`, `claude-opus-4-7`) is looked for
/// as a whole phrase, case-insensitive, with runs of white space read as one space:
///
/// - before it: the start of the text, or a character that is neither a letter, a digit nor
///   `_` (and not a `.`/`-` glued to a word: "ChatGPT-5" is not "GPT-5");
/// - after it: the end, or a character that is neither a letter, a digit nor `_`; a `.`, `-`
///   or `:` only when no letter or digit follows it ("Opus 4.7." ends a sentence, "Opus 4.70",
///   "GPT-5.1" and "gpt-5-mini" are other models; a dated snapshot `claude-opus-4-7-20260601`
///   is the same model);
/// - not followed by a variant word (`mini`, `nano`, `pro`, `lite`, `flash`, `turbo`, `max`,
///   `codex`, `preview`, `instant`, `thinking`, `omni`): "GPT-5 mini" is never GPT-5, even
///   when the catalog has no GPT-5 mini;
/// - where two matches overlap, the longest wins: with "GPT-5.6" and "GPT-5.6 Sol" both in the
///   catalog, "GPT-5.6 Sol" is only GPT-5.6 Sol.
///
/// Shorthand after a family word counts too: in "Claude Opus 4.7 and 4.8", "Opus 4.7 / 4.8",
/// "Opus 4.6, 4.7 and 4.8" each bare version after a separator (`,` `/` `&` `+` `and` `or`)
/// is read with the matched alias's words before its version ("Claude Opus " + "4.8") and must
/// then be an alias itself. A version without a dot after one with a dot is not shorthand
/// ("Opus 4.7 and 5 other models" names no Opus 5).
pub fn affected_models<'m>(
    text: &IncidentText<'_>,
    models: impl IntoIterator<Item = &'m Model>,
) -> Affected {
    let models: Vec<&Model> = models.into_iter().collect();
    let table = AliasTable::new(&models);
    let title = normalise(text.title);
    let sentences: Vec<Vec<char>> = text
        .bodies
        .iter()
        .flat_map(|body| sentences(body))
        .filter(|s| !says_fine(s))
        .collect();
    let affected_texts = || std::iter::once(&title).chain(sentences.iter());
    if affected_texts().any(|t| says_many_models(t)) {
        return Affected::AllModels;
    }
    let mut found = BTreeSet::new();
    for t in affected_texts() {
        found.extend(table.mentions(t));
    }
    for component in &text.components {
        found.extend(table.mentions(&normalise(component)));
    }
    if !found.is_empty() {
        // The covered set follows the latest updates: a model said to be back is not covered.
        let recovered = recovered_indices(text, &table);
        return Affected::Models(
            found
                .difference(&recovered)
                .map(|&i| models[i].id.clone())
                .collect(),
        );
    }
    if !text.components.is_empty() {
        return if text
            .components
            .iter()
            .any(|c| component_kind(c) == ComponentKind::ModelApi)
        {
            Affected::ApiWide
        } else {
            Affected::NoModels
        };
    }
    // No components: the words decide. "API" or "Completions" names the API, unless the same
    // sentence names an endpoint Switchboard does not use ("the Batch API"); a product
    // ("claude.ai", "ChatGPT") names somewhere else.
    let mut api = false;
    let mut elsewhere = false;
    for t in affected_texts() {
        let t: String = t.iter().collect();
        let words = words(&t);
        let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
        let names_api = has(&["api", "apis", "completions"]);
        if names_api && !has(OTHER_API_WORDS) {
            api = true;
        } else if names_api {
            elsewhere = true;
        }
        if PRODUCT_PHRASES.iter().any(|p| contains_phrase(&t, p)) {
            elsewhere = true;
        }
    }
    if api {
        Affected::ApiWide
    } else if elsewhere {
        Affected::NoModels
    } else {
        Affected::Unclear
    }
}

/// Models an open incident's updates say are working again, read update by update, oldest
/// first: a model named in a sentence that says it is fine ("Error rates for Claude Opus 4.8
/// have returned to normal") is recovered until a later sentence names it as affected again.
/// In catalog order.
pub fn reported_recovered<'m>(
    text: &IncidentText<'_>,
    models: impl IntoIterator<Item = &'m Model>,
) -> Vec<String> {
    let models: Vec<&Model> = models.into_iter().collect();
    let table = AliasTable::new(&models);
    recovered_indices(text, &table)
        .into_iter()
        .map(|i| models[i].id.clone())
        .collect()
}

fn recovered_indices(text: &IncidentText<'_>, table: &AliasTable) -> BTreeSet<usize> {
    let mut recovered = BTreeSet::new();
    let mut named_so_far = table.mentions(&normalise(text.title));
    // Bodies come newest first, as Statuspage sends them.
    for body in text.bodies.iter().rev() {
        for sentence in sentences(body) {
            let named = table.mentions(&sentence);
            if says_fine(&sentence) {
                // Only what was named as affected can recover ("Opus 4.8 is not affected"
                // is no recovery).
                recovered.extend(named.intersection(&named_so_far).copied());
            } else {
                if says_only(&sentence) && !named.is_empty() {
                    // "The only affected models right now are Opus 4.8 and Opus 5": the rest
                    // named before are back.
                    recovered.extend(named_so_far.difference(&named).copied());
                }
                for model in &named {
                    recovered.remove(model);
                }
                named_so_far.extend(named);
            }
        }
    }
    recovered
}

/// "The only affected models are …", "now only affects …": the sentence gives the whole set.
/// "only" must stand right before (or one word before) the verb, with no negation before it,
/// and not about part of the traffic ("affecting only a subset of requests").
fn says_only(sentence: &[char]) -> bool {
    let words = words(&sentence.iter().collect::<String>());
    let verb = |w: &str| {
        matches!(
            w,
            "affected" | "affects" | "affecting" | "impacted" | "impacts" | "impacting"
        )
    };
    let partial = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "subset" | "requests" | "some" | "portion" | "percentage" | "users" | "customers"
        )
    });
    !partial
        && words.iter().enumerate().any(|(i, w)| {
            w == "only"
                && !words[..i]
                    .iter()
                    .rev()
                    .take(3)
                    .any(|w| matches!(w.as_str(), "not" | "isn" | "aren" | "t" | "never"))
                && words[i + 1..].iter().take(2).any(|w| verb(w))
        })
}

/// A name as a status page writes one: every word capitalised or a version ("Claude Mythos
/// 5.1", "GPT-7 mini" keeps its variant), and the number a version — not an HTTP code or a
/// time ("Claude returned 500", "Gemini 503", "between 10.05 and 10.40").
fn looks_like_a_name(cased: &[char]) -> bool {
    let text: String = cased.iter().collect();
    let words: Vec<&str> = text.split(' ').collect();
    let Some(version) = words.iter().find(|w| w.chars().any(|c| c.is_ascii_digit())) else {
        return false;
    };
    let number: String = version
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .collect();
    let parts: Vec<&str> = number.split('.').collect();
    let plausible = match parts.as_slice() {
        [whole] => whole.len() <= 2,
        [major, minor] => major.len() <= 2 && minor.len() <= 1,
        _ => false,
    };
    // Words before the version are capitalised ("Mythos"); after it, variants may not be.
    let before_version = words
        .iter()
        .take_while(|w| !w.chars().any(|c| c.is_ascii_digit()));
    plausible
        && before_version
            .filter(|w| !w.is_empty())
            .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()) || w.contains('-'))
}

/// Whether an update says the models it does not name are fine: "Other models are not
/// affected", "All other Claude models are operating normally". Then a component in trouble
/// does not reach them.
pub fn others_unaffected(text: &IncidentText<'_>) -> bool {
    text.bodies.iter().flat_map(|b| sentences(b)).any(|s| {
        // "Other models are not affected", "The rest of the models have recovered": the
        // others are the subject — they open the sentence, before anything is said of them.
        let words = words(&s.iter().collect::<String>());
        let subject = words
            .iter()
            .take(3)
            .any(|w| matches!(w.as_str(), "other" | "others" | "remaining" | "rest"));
        subject && says_fine(&s) && !words.iter().any(|w| w == "investigating" || w == "still")
    })
}

/// Model names in the text that no model of `models` answers to — "Claude Mythos 5.1" when
/// the catalog does not list it — as the text writes them, in order of appearance. They are
/// kept with the incident and shown on it, never mapped to a near name.
///
/// A name is a family prefix the catalog's own aliases use before a version ("Claude Opus ",
/// "GPT-", "Gemini "), or a brand word they share ("Claude") and one more word, then a
/// version and any variant words after it ("GPT-7 mini", "Gemini 4 Flash").
pub fn unlisted_names<'m>(
    text: &IncidentText<'_>,
    models: impl IntoIterator<Item = &'m Model>,
) -> Vec<String> {
    let models: Vec<&Model> = models.into_iter().collect();
    let table = AliasTable::new(&models);
    // Title first, then the updates oldest first: the order the page said them in.
    let sentences: Vec<(Vec<char>, Vec<char>)> = std::iter::once(text.title)
        .chain(text.bodies.iter().rev().copied())
        .flat_map(sentences_with_case)
        .filter(|(lower, _)| !says_fine(lower))
        .collect();
    let mut names: Vec<String> = Vec::new();
    for (lower, cased) in &sentences {
        for (start, end) in table.name_like_spans(lower) {
            if table.mentions(&lower[start..end]).is_empty()
                && looks_like_a_name(&cased[start..end])
            {
                let name: String = cased[start..end].iter().collect();
                if !names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                    names.push(name);
                }
            }
        }
    }
    names
}

/// The sentences of a body, normalised. Splits at `.` `!` `?` `;` followed by a space (so
/// "4.7" stays whole), at line breaks, and before "but", "while", "whereas", "however".
fn sentences(body: &str) -> Vec<Vec<char>> {
    sentences_with_case(body)
        .into_iter()
        .map(|(lower, _)| lower)
        .collect()
}

/// [`sentences`], each also as written (same length, same positions).
fn sentences_with_case(body: &str) -> Vec<(Vec<char>, Vec<char>)> {
    let mut out = Vec::new();
    for line in body.lines() {
        let cased = collapse(line);
        let line = lower(&cased);
        let mut start = 0;
        let mut i = 0;
        while i < line.len() {
            let c = line[i];
            let at_break =
                matches!(c, '.' | '!' | '?' | ';') && line.get(i + 1).is_none_or(|n| *n == ' ');
            let before_contrast = c == ' '
                && ["but ", "while ", "whereas ", "however"]
                    .iter()
                    .any(|w| starts_with(&line[i + 1..], w));
            if at_break {
                push_sentence(&mut out, &line[start..=i], &cased[start..=i]);
                start = i + 1;
            } else if before_contrast {
                push_sentence(&mut out, &line[start..i], &cased[start..i]);
                start = i + 1;
            }
            i += 1;
        }
        push_sentence(&mut out, &line[start..], &cased[start..]);
    }
    out
}

fn push_sentence(out: &mut Vec<(Vec<char>, Vec<char>)>, lower: &[char], cased: &[char]) {
    let skip = lower.iter().take_while(|c| **c == ' ').count();
    if lower.iter().any(|c| c.is_alphanumeric()) {
        out.push((lower[skip..].to_vec(), cased[skip..].to_vec()));
    }
}

/// Phrases that say something is fine or working again.
const FINE_PHRASES: &[&str] = &[
    "not affected",
    "unaffected",
    "not impacted",
    "unimpacted",
    "no impact",
    "not experiencing",
    "not be affected",
    "not be impacted",
    "operating normally",
    "working normally",
    "functioning normally",
    "working as expected",
    "remain available",
    "remains available",
    "remain operational",
    "remains operational",
    "returned to normal",
    "back to normal",
    "recovered",
    "no longer",
    "resolved",
    "fully operational",
    "restored",
];

fn says_fine(sentence: &[char]) -> bool {
    let phrase: Vec<Vec<char>> = FINE_PHRASES.iter().map(|p| p.chars().collect()).collect();
    phrase.iter().any(|p| {
        find_all(sentence, p).any(|i| {
            word_start(sentence, i)
                && word_end(sentence, i + p.len())
                && !hedged(&sentence[..i])
                && !negated(&sentence[..i])
                && (p.iter().collect::<String>() != "no longer"
                    || no_longer_means_fine(&sentence[i + p.len()..]))
        })
    })
}

/// "has not yet fully recovered", "is not resolved", "hasn't recovered": the phrase is denied.
fn negated(before: &[char]) -> bool {
    let before: String = before.iter().collect();
    words(&before)
        .iter()
        .rev()
        .take(3)
        .any(|w| matches!(w.as_str(), "not" | "yet" | "t" | "never" | "nor"))
}

/// "no longer seeing errors" is fine; "no longer responding" is not.
fn no_longer_means_fine(after: &[char]) -> bool {
    let after: String = after.iter().collect();
    words(&after).first().is_some_and(|w| {
        matches!(
            w.as_str(),
            "seeing"
                | "experiencing"
                | "affected"
                | "impacted"
                | "failing"
                | "returning"
                | "elevated"
                | "degraded"
                | "observing"
        )
    })
}

/// Words that make what follows a hope, not a report: "monitoring to ensure it has resolved
/// the issue", "until error rates have returned to normal".
const HEDGES: &[&str] = &[
    "ensure", "verify", "whether", "until", "once", "if", "expect", "expected",
];

/// Whether one of the last few words before a phrase hedges it.
fn hedged(before: &[char]) -> bool {
    let before: String = before.iter().collect();
    let words = words(&before);
    words
        .iter()
        .rev()
        .take(4)
        .any(|w| HEDGES.contains(&w.as_str()))
}

/// `phrase` in `text` as whole words.
fn contains_phrase(text: &str, phrase: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let phrase: Vec<char> = phrase.chars().collect();
    find_all(&chars, &phrase).any(|i| word_start(&chars, i) && word_end(&chars, i + phrase.len()))
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Quantifiers that mean every model. "multiple", "several", "some", "certain", "various"
/// and "a few" are left out on purpose: they say only that more than one model is affected,
/// and the updates say which.
const QUANTIFIERS: &[&str] = &["all", "every", "many", "most", "numerous"];
/// Words that turn "all … models" into "some of the models" or "the others".
const NOT_ALL: &[&str] = &[
    "other",
    "others",
    "except",
    "but",
    "non",
    "no",
    "not",
    "some",
    // "all affected models", "all impacted models", "all of the above models": the ones named.
    "affected",
    "impacted",
    "named",
    "listed",
    "above",
    "these",
    "those",
    "mentioned",
    "such",
];

/// "many Claude models", "all models", "all of our models", "every model".
fn says_many_models(sentence: &[char]) -> bool {
    let text: String = sentence.iter().collect();
    let words = words(&text);
    words.iter().enumerate().any(|(i, w)| {
        QUANTIFIERS.contains(&w.as_str())
            && words[i + 1..]
                .iter()
                .take(3)
                .take_while(|w| !NOT_ALL.contains(&w.as_str()))
                .any(|w| w == "models" || w == "model")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, Modality, Tier};

    fn model(provider: &str, id: &str, aliases: &[&str]) -> Model {
        Model {
            provider: provider.into(),
            id: id.into(),
            display_name: aliases[0].into(),
            context_window: Some(200_000),
            output_limit: None,
            input: vec![Modality::Text],
            tool_use: Some(true),
            price_in: Some(1.0),
            price_out: Some(1.0),
            tier: Some(Tier::Frontier),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            released: None,
            listed_at: None,
            retires_on: None,
            sources: Default::default(),
        }
    }

    /// The shipped catalog plus models that do not exist yet, to test near misses.
    fn catalog() -> Vec<Model> {
        // Opus 5 and GPT-5.6 Sol are shipped; GPT-5.6 (no line name) never existed.
        let mut models = Catalog::shipped().unwrap().models;
        models.push(model("openai", "gpt-5.6", &["GPT-5.6", "gpt-5.6"]));
        models
    }

    fn of(provider: &str) -> Vec<Model> {
        catalog()
            .into_iter()
            .filter(|m| m.provider == provider)
            .collect()
    }

    fn title(provider: &str, title: &str) -> Affected {
        affected_models(
            &IncidentText {
                title,
                ..Default::default()
            },
            &of(provider),
        )
    }

    fn ids(ids: &[&str]) -> Affected {
        Affected::Models(ids.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn model_names_in_titles() {
        use Affected::*;
        let table: &[(&str, &str, Affected)] = &[
            (
                "anthropic",
                "Elevated errors on Claude Opus 4.7 and Opus 4.8",
                ids(&["claude-opus-4-8", "claude-opus-4-7"]),
            ),
            (
                "anthropic",
                "Elevated errors on Claude Opus 4.7 and 4.8",
                ids(&["claude-opus-4-8", "claude-opus-4-7"]),
            ),
            (
                "anthropic",
                "Elevated errors on Opus 4.7 / 4.8",
                ids(&["claude-opus-4-8", "claude-opus-4-7"]),
            ),
            (
                "anthropic",
                "Elevated errors on Opus 4.7/4.8",
                ids(&["claude-opus-4-8", "claude-opus-4-7"]),
            ),
            (
                "anthropic",
                "Elevated errors on Opus 4.7, 4.8",
                ids(&["claude-opus-4-8", "claude-opus-4-7"]),
            ),
            (
                "anthropic",
                "Errors on Claude Opus 4.6, 4.7, and 4.8",
                ids(&["claude-opus-4-8", "claude-opus-4-7", "claude-opus-4-6"]),
            ),
            (
                "anthropic",
                "Errors on Opus 4.7 & 4.8 and Sonnet 4.6",
                ids(&["claude-opus-4-8", "claude-opus-4-7", "claude-sonnet-4-6"]),
            ),
            (
                "anthropic",
                "ELEVATED ERRORS ON CLAUDE  OPUS\u{a0}4.7",
                ids(&["claude-opus-4-7"]),
            ),
            (
                "anthropic",
                "Errors for claude-opus-4-7-20260601 requests",
                ids(&["claude-opus-4-7"]),
            ),
            (
                "anthropic",
                "Errors on Opus 4.7.",
                ids(&["claude-opus-4-7"]),
            ),
            ("anthropic", "(Opus 4.7) errors", ids(&["claude-opus-4-7"])),
            (
                "anthropic",
                "Claude Haiku 4.5's latency",
                ids(&["claude-haiku-4-5"]),
            ),
            // Near misses.
            ("anthropic", "Elevated errors on Opus 4.70", Unclear),
            ("anthropic", "Elevated errors on Opus 4", Unclear),
            ("anthropic", "Elevated errors on Opus 4.7.1", Unclear),
            ("anthropic", "Elevated errors on Opus 47", Unclear),
            (
                "anthropic",
                "Elevated errors on Opus 5",
                ids(&["claude-opus-5"]),
            ),
            ("anthropic", "Elevated errors on Opus 5.1", Unclear),
            (
                "anthropic",
                "Elevated errors on Opus 4.7 and 5 other models",
                ids(&["claude-opus-4-7"]),
            ),
            (
                "anthropic",
                "Elevated errors on Opus 4.7 and 4.80",
                ids(&["claude-opus-4-7"]),
            ),
            ("openai", "Errors on GPT-5", ids(&["gpt-5"])),
            ("openai", "Errors on GPT-5.1", ids(&["gpt-5.1"])),
            ("openai", "Errors on GPT-5 mini", ids(&["gpt-5-mini"])),
            ("openai", "Errors on gpt-5-mini", ids(&["gpt-5-mini"])),
            ("openai", "Errors on GPT-5 Pro", Unclear),
            ("openai", "Errors on ChatGPT-5", NoModels),
            (
                "openai",
                "Errors on GPT-5 and GPT-5 mini",
                ids(&["gpt-5", "gpt-5-mini"]),
            ),
            (
                "openai",
                "Errors on GPT-5 and 5.1",
                ids(&["gpt-5.1", "gpt-5"]),
            ),
            ("openai", "Errors on GPT-5.6 Sol", ids(&["gpt-5.6-sol"])),
            ("openai", "Errors on GPT-5.6", ids(&["gpt-5.6"])),
            (
                "openai",
                "Errors on GPT-5.6 and GPT-5.6 Sol",
                ids(&["gpt-5.6-sol", "gpt-5.6"]),
            ),
            ("openai", "Errors on GPT-6.2 Sol", ids(&["gpt-6.2-sol"])),
            ("openai", "Errors on GPT-6.2", Unclear),
            (
                "openai",
                "Errors on GPT-6.2 Sol and GPT-6.2 Astra",
                ids(&["gpt-6.2-astra", "gpt-6.2-sol"]),
            ),
            ("anthropic", "Errors on Opus 5.5", ids(&["claude-opus-5-5"])),
            (
                "anthropic",
                "Errors on Claude Opus 5 and 5.5",
                ids(&["claude-opus-5-5", "claude-opus-5"]),
            ),
            ("anthropic", "Errors on Opus 5", ids(&["claude-opus-5"])),
            (
                "gemini",
                "Errors on Gemini 2.5 Flash-Lite",
                ids(&["gemini-2.5-flash-lite"]),
            ),
            (
                "gemini",
                "Errors on Gemini 2.5 Flash Lite",
                ids(&["gemini-2.5-flash-lite"]),
            ),
            (
                "gemini",
                "Errors on Gemini 2.5 Flash",
                ids(&["gemini-2.5-flash"]),
            ),
            (
                "gemini",
                "Errors on Gemini 2.5 Pro and Flash",
                ids(&["gemini-2.5-pro"]),
            ),
            // Many models.
            (
                "anthropic",
                "Elevated errors on many Claude models",
                AllModels,
            ),
            ("anthropic", "Elevated errors across all models", AllModels),
            // Vague quantifiers name no model: the updates say which.
            ("anthropic", "Errors on multiple models", Unclear),
            (
                "anthropic",
                "Elevated errors on several Claude models",
                Unclear,
            ),
            ("anthropic", "Elevated errors on some models", Unclear),
            ("anthropic", "Errors affecting certain models", Unclear),
            ("anthropic", "Errors on various models", Unclear),
            (
                "anthropic",
                "Elevated errors on all Claude models",
                AllModels,
            ),
            ("anthropic", "Errors on every model", AllModels),
            ("anthropic", "Errors on all of our models", AllModels),
            (
                "anthropic",
                "Errors on many models including Opus 4.7",
                AllModels,
            ),
            (
                "anthropic",
                "Opus 4.7 errors; all other models fine",
                ids(&["claude-opus-4-7"]),
            ),
            // Products and the API, with no component list.
            ("anthropic", "Elevated errors on claude.ai", NoModels),
            ("anthropic", "Claude Code login issues", NoModels),
            ("anthropic", "Elevated errors on the API", ApiWide),
            ("openai", "Elevated errors on the Batch API", NoModels),
            (
                "openai",
                "We are seeing slow responses and errors with image inputs",
                Unclear,
            ),
            ("anthropic", "Elevated errors", Unclear),
        ];
        for (provider, text, expected) in table {
            assert_eq!(
                &title(provider, text),
                expected,
                "{provider}: {text:?} should map to {expected:?}"
            );
        }
    }

    /// A name the catalog does not know is not attributed to a shorter one it does: the
    /// word after the version names a variant, learned from the catalog's own aliases.
    #[test]
    fn an_unknown_variant_is_not_its_base_model() {
        let openai: Vec<Model> = of("openai")
            .into_iter()
            .filter(|m| m.id != "gpt-5.6-sol")
            .collect();
        let text = |title, models: &[Model]| {
            affected_models(
                &IncidentText {
                    title,
                    ..Default::default()
                },
                models,
            )
        };
        assert_eq!(text("Errors on GPT-5.6 Sol", &openai), Affected::Unclear);
        assert_eq!(text("Errors on GPT-5.6 Astra", &openai), Affected::Unclear);
        assert_eq!(text("Errors on GPT-5.6", &openai), ids(&["gpt-5.6"]));
        // Learned, not listed: with no "Luna" model at all, "luna" is not a variant word.
        let no_luna: Vec<Model> = openai
            .into_iter()
            .filter(|m| !m.aliases.iter().any(|a| a.contains("Luna")))
            .collect();
        assert_eq!(text("Errors on GPT-5.6 Luna", &no_luna), ids(&["gpt-5.6"]));
    }

    #[test]
    fn components_decide_when_no_model_is_named() {
        let claude = of("anthropic");
        let openai = of("openai");
        let with = |models: &[Model], title: &str, components: &[&str]| {
            affected_models(
                &IncidentText {
                    title,
                    bodies: vec![],
                    components: components.to_vec(),
                },
                models,
            )
        };
        assert_eq!(
            with(&claude, "Elevated errors", &["Claude API"]),
            Affected::ApiWide,
            "a component names no model: its status decides how bad it is"
        );
        assert_eq!(
            with(
                &claude,
                "Elevated errors on several models",
                &["Claude API"]
            ),
            Affected::ApiWide
        );
        assert_eq!(
            with(&claude, "Elevated errors", &["claude.ai", "Claude Console"]),
            Affected::NoModels,
            "consumer components only cover no API model"
        );
        assert_eq!(
            with(&claude, "Elevated errors on Opus 4.7", &["claude.ai"]),
            ids(&["claude-opus-4-7"]),
            "a named model counts whatever the components"
        );
        assert_eq!(
            with(&openai, "Degraded", &["ChatGPT", "Sora", "Codex"]),
            Affected::NoModels
        );
        assert_eq!(
            with(&openai, "Degraded", &["Chat Completions"]),
            Affected::ApiWide
        );
        assert_eq!(
            with(&openai, "Degraded", &["Responses", "Login"]),
            Affected::ApiWide
        );
        assert_eq!(
            with(&openai, "Degraded", &["Embeddings", "Batch", "Files"]),
            Affected::NoModels,
            "endpoints Switchboard does not send to"
        );
        assert_eq!(
            with(&of("gemini"), "Errors", &["Gemini API"]),
            Affected::ApiWide
        );
        assert_eq!(
            with(&openai, "Degraded", &["GPT-5 mini"]),
            ids(&["gpt-5-mini"]),
            "a component per model names that model"
        );
    }

    #[test]
    fn component_kinds_by_name() {
        use ComponentKind::*;
        for (name, kind) in [
            ("Claude API", ModelApi),
            ("Gemini API", ModelApi),
            ("APIs", ModelApi),
            ("Chat Completions", ModelApi),
            ("Responses", ModelApi),
            ("Batch API", OtherApi),
            ("Realtime API", OtherApi),
            ("Embeddings", OtherApi),
            ("Fine-tuning", OtherApi),
            ("claude.ai", Product),
            ("Claude Console", Product),
            ("Claude Code", Product),
            ("ChatGPT", Product),
            ("Google AI Studio", Product),
        ] {
            assert_eq!(component_kind(name), kind, "{name:?} should be {kind:?}");
        }
    }

    #[test]
    fn update_bodies_count_but_not_where_they_say_things_are_fine() {
        let claude = of("anthropic");
        let text = IncidentText {
            title: "Elevated errors",
            bodies: vec![
                "We are investigating errors on Claude Opus 4.7. Other models are not affected.",
                "Claude Sonnet 4.6 is operating normally, but Opus 4.8 is also seeing errors.",
                "Requests to all models are working as expected apart from the above.",
            ],
            components: vec!["Claude API"],
        };
        assert_eq!(
            affected_models(&text, &claude),
            ids(&["claude-opus-4-8", "claude-opus-4-7"]),
            "Sonnet 4.6 is said to be fine and 'all models … working' is no outage"
        );
    }

    #[test]
    fn recovery_is_read_update_by_update() {
        let claude = of("anthropic");
        // Newest first, as the page sends them.
        let mut bodies = vec![
            "We are currently investigating elevated error rates on requests to Claude Opus 4.7 and Claude Opus 4.8.",
        ];
        let text = |bodies: &[&'static str]| IncidentText {
            title: "Elevated errors on Claude Opus 4.7 and Opus 4.8",
            bodies: bodies.to_vec(),
            components: vec!["Claude API"],
        };
        assert!(reported_recovered(&text(&bodies), &claude).is_empty());
        bodies.insert(
            0,
            "Error rates for Claude Opus 4.8 have returned to normal. We are continuing to work on a fix for Claude Opus 4.7.",
        );
        assert_eq!(
            reported_recovered(&text(&bodies), &claude),
            vec!["claude-opus-4-8"]
        );
        bodies.insert(
            0,
            "A fix has been implemented and we are monitoring the results.",
        );
        assert_eq!(
            reported_recovered(&text(&bodies), &claude),
            vec!["claude-opus-4-8"],
            "an update naming no model changes nothing"
        );
        bodies.insert(0, "Claude Opus 4.8 is seeing errors again.");
        assert!(
            reported_recovered(&text(&bodies), &claude).is_empty(),
            "named as affected again"
        );
        assert_eq!(
            affected_models(&text(&bodies), &claude),
            ids(&["claude-opus-4-8", "claude-opus-4-7"]),
            "named again, covered again"
        );
    }

    /// The covered set follows the latest updates: a model said to be back leaves it, one
    /// "now also" named joins it.
    /// Ordinary status-page wording that once widened, shrank or invented what an incident
    /// covers (found in review).
    #[test]
    fn common_wording_is_read_as_it_means() {
        let claude = of("anthropic");
        let covered = |title: &str, bodies: &[&str]| {
            affected_models(
                &IncidentText {
                    title,
                    bodies: bodies.to_vec(),
                    components: vec!["Claude API"],
                },
                &claude,
            )
        };
        let pair = ids(&["claude-opus-4-7", "claude-sonnet-4-6"]);
        let title = "Elevated errors on Claude Opus 4.7 and Claude Sonnet 4.6";
        for body in [
            "We are deploying a fix to all affected models.",
            "We continue to monitor all impacted models.",
            "We are seeing errors affecting only a subset of requests to Claude Opus 4.7.",
            "Claude Opus 4.7 is not the only model affected.",
            "Claude Sonnet 4.6 has not yet fully recovered.",
            "The issue is not yet resolved for Claude Sonnet 4.6.",
            "Claude Sonnet 4.6 is no longer responding to some requests.",
        ] {
            assert_eq!(covered(title, &[body]), pair, "{body:?}");
        }
        assert_eq!(
            covered(
                title,
                &["We are no longer seeing errors on Claude Sonnet 4.6."]
            ),
            ids(&["claude-opus-4-7"]),
            "'no longer seeing errors' is a recovery"
        );
        assert_eq!(
            covered(title, &["We can confirm Claude Sonnet 4.6 has recovered."]),
            ids(&["claude-opus-4-7"]),
            "a confirmed recovery is one"
        );
        let text = |bodies: &[&'static str]| IncidentText {
            title,
            bodies: bodies.to_vec(),
            components: vec![],
        };
        assert!(!others_unaffected(&text(&[
            "Opus 4.7 has recovered and we are still investigating errors on other models."
        ])));
        assert!(others_unaffected(&text(&[
            "Other models are not affected."
        ])));
        assert!(
            reported_recovered(&text(&["Claude Haiku 4.5 is not affected."]), &claude).is_empty(),
            "never named as affected, so never 'recovered'"
        );
        let names = |title: &str| {
            unlisted_names(
                &IncidentText {
                    title,
                    ..Default::default()
                },
                &claude,
            )
        };
        for plain in [
            "Some requests to Claude returned 500 errors",
            "Errors for Claude between 10.05 and 10.40 UTC",
            "Claude 503 errors",
        ] {
            assert!(names(plain).is_empty(), "{plain:?}: {:?}", names(plain));
        }
        assert_eq!(
            names("Errors on Claude Mythos 5.1"),
            vec!["Claude Mythos 5.1"]
        );
    }

    #[test]
    fn a_hope_is_not_a_recovery() {
        let claude = of("anthropic");
        let text = IncidentText {
            title: "Elevated errors on Claude Fable 5.1",
            bodies: vec![
                "A fix has been deployed for Claude Fable 5.1 and we are monitoring to ensure it has resolved the issue.",
            ],
            components: vec![],
        };
        assert_eq!(affected_models(&text, &claude), ids(&["claude-fable-5-1"]));
        let done = IncidentText {
            bodies: vec!["The issue affecting Claude Fable 5.1 has been resolved."],
            ..text
        };
        assert_eq!(
            affected_models(&done, &claude),
            Affected::Models(vec![]),
            "said plainly, it is back"
        );
    }

    #[test]
    fn the_covered_set_follows_the_updates() {
        let claude = of("anthropic");
        let covered = |bodies: &[&str]| {
            affected_models(
                &IncidentText {
                    title: "Elevated errors on Claude Opus 4.7 and Opus 4.8",
                    bodies: bodies.to_vec(),
                    components: vec!["Claude API"],
                },
                &claude,
            )
        };
        assert_eq!(
            covered(&["We are investigating."]),
            ids(&["claude-opus-4-8", "claude-opus-4-7"])
        );
        assert_eq!(
            covered(&[
                "Opus 4.8 has recovered; we continue to work on Opus 4.7.",
                "We are investigating.",
            ]),
            ids(&["claude-opus-4-7"]),
            "Opus 4.8 is back"
        );
        assert_eq!(
            covered(&[
                "The issue is now also affecting Claude Sonnet 4.6.",
                "Opus 4.8 has recovered.",
                "We are investigating.",
            ]),
            ids(&["claude-opus-4-7", "claude-sonnet-4-6"]),
            "Sonnet 4.6 joins, Opus 4.8 stays out"
        );
        assert_eq!(
            covered(&["Opus 4.7 and Opus 4.8 have recovered. We are monitoring."]),
            Affected::Models(vec![]),
            "every named model back while the incident stays open"
        );
    }

    #[test]
    fn names_the_catalog_does_not_list_are_kept_as_written() {
        let claude = of("anthropic");
        let openai = of("openai");
        let names = |models: &[Model], title: &str, bodies: &[&str]| {
            unlisted_names(
                &IncidentText {
                    title,
                    bodies: bodies.to_vec(),
                    components: vec![],
                },
                models,
            )
        };
        assert_eq!(
            names(
                &claude,
                "Elevated errors on several models",
                &["We are seeing errors on Claude Opus 5, Claude Fable 5.1 and Claude Mythos 5.1."]
            ),
            vec!["Claude Mythos 5.1"]
        );
        assert_eq!(
            names(&claude, "Errors on Opus 4.9 and Opus 4.7", &[]),
            vec!["Opus 4.9"],
            "a version the catalog lacks is not its neighbour"
        );
        assert!(others_unaffected(&IncidentText {
            title: "Elevated errors on Opus 4.7",
            bodies: vec!["A fix is being implemented. Other models are not affected."],
            components: vec![],
        }));
        assert!(!others_unaffected(&IncidentText {
            title: "Elevated errors on Opus 4.7",
            bodies: vec!["Opus 4.8 is not affected."],
            components: vec![],
        }));
        assert_eq!(
            names(&claude, "Errors on Claude 3.5 Sonnet", &[]),
            vec!["Claude 3.5 Sonnet"]
        );
        assert!(
            names(&claude, "Claude Code 2.1 login errors", &[]).is_empty(),
            "an app is not a model"
        );
        assert!(
            names(
                &claude,
                "Errors on Opus 4.7",
                &["Claude Mythos 5.1 is not affected."]
            )
            .is_empty(),
            "a name said to be fine is not named as affected"
        );
        assert_eq!(
            names(&openai, "Errors on GPT-5 Pro and GPT-7 mini", &[]),
            vec!["GPT-5 Pro", "GPT-7 mini"]
        );
        assert!(names(&openai, "Errors on GPT-5 mini and GPT-5.1", &[]).is_empty());
    }

    #[test]
    fn helpers_split_sentences() {
        let s: Vec<String> = sentences("Opus 4.7 is down. Sonnet 4.6 is fine!\nNext; last")
            .into_iter()
            .map(|s| s.into_iter().collect())
            .collect();
        assert_eq!(
            s,
            vec!["opus 4.7 is down.", "sonnet 4.6 is fine!", "next;", "last"]
        );
        let with_case: Vec<String> = sentences_with_case("Opus 4.7 is down, but Sonnet is FINE")
            .into_iter()
            .map(|(_, cased)| cased.into_iter().collect())
            .collect();
        assert_eq!(with_case, vec!["Opus 4.7 is down,", "but Sonnet is FINE"]);
    }
}
