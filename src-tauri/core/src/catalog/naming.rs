//! How models are named, in one place: the aliases a status page or an incident uses for a
//! model, the dated snapshots and `:latest` tags a provider's list adds to an id, the variant
//! words that make a name another model, and finding the models a text names. The status-page
//! mapping (`health::status_page::models`) and the merge of the providers' lists
//! ([`super::live`]) both name models through it.
//!
//! Shipped models list their aliases by hand. A model learned from a provider's list (or added
//! in the config without aliases) gets them from its display name and id:
//!
//! ```
//! use switchboard_core::catalog::naming::derive;
//! assert_eq!(
//!     derive("Claude", "Claude Opus 5", "claude-opus-5"),
//!     ["Claude Opus 5", "claude-opus-5", "Opus 5"]
//! );
//! assert_eq!(derive("GPT", "GPT-5.6 Sol", "gpt-5.6-sol"), ["GPT-5.6 Sol", "gpt-5.6-sol"]);
//! // No version, no alias: "Mistral" would claim every Mistral model in a title.
//! assert!(derive("local models", "mistral", "mistral:latest").is_empty());
//! ```
//!
//! Matching is whole phrases, so "Opus 5" never matches "Opus 4.7", and "GPT-5.6" does not
//! match "GPT-5.6 Sol" unless the text names GPT-5.6 alone.

use super::Model;
use std::collections::BTreeSet;

/// Whether `alias` is specific enough to name one model: it names a version (a digit) and is
/// longer than a bare number. A one-word alias such as "Opus" would claim every Opus model.
pub fn specific_enough(alias: &str) -> bool {
    let alias = alias.trim();
    alias.len() >= 4 && alias.chars().any(|c| c.is_ascii_digit())
}

/// Aliases for a model known only by its `display_name` and `id`: both as given, and the
/// display name without the family's name in front ("Claude Opus 5" → "Opus 5") when what is
/// left still starts with a word. Only [`specific_enough`] ones; no case-insensitive repeats.
pub fn derive(family: &str, display_name: &str, id: &str) -> Vec<String> {
    let display_name = display_name.trim();
    let short = family_prefix_removed(family, display_name);
    let mut aliases: Vec<String> = Vec::new();
    for candidate in [Some(display_name), Some(id.trim()), short]
        .into_iter()
        .flatten()
    {
        if specific_enough(candidate) && !aliases.iter().any(|a| a.eq_ignore_ascii_case(candidate))
        {
            aliases.push(candidate.to_string());
        }
    }
    aliases
}

fn family_prefix_removed<'a>(family: &str, display_name: &'a str) -> Option<&'a str> {
    let family = family.trim();
    if family.is_empty() || display_name.len() <= family.len() {
        return None;
    }
    let (head, rest) = display_name.split_at(family.len());
    let rest = rest.strip_prefix(' ')?;
    (head.eq_ignore_ascii_case(family) && rest.starts_with(|c: char| c.is_alphabetic()))
        .then_some(rest)
}

/// Whether a listed id names the catalog model `id`: the same, a dated snapshot of it
/// (`-20251101`, `-2025-08-07`), or it with Ollama's `:latest`.
pub fn same_model(id: &str, listed: &str) -> bool {
    listed == id
        || listed.strip_suffix(":latest") == Some(id)
        || id.strip_suffix(":latest") == Some(listed)
        || strip_snapshot_date(listed) == Some(id)
}

/// The plain name a dated snapshot or a `:latest` tag stands for.
pub(crate) fn plain_name(listed: &str) -> Option<&str> {
    listed
        .strip_suffix(":latest")
        .or_else(|| strip_snapshot_date(listed))
}

/// `id` without its snapshot date (`-20251101`, `-2025-08-07`), if it ends in one.
fn strip_snapshot_date(id: &str) -> Option<&str> {
    let chars: Vec<char> = id.chars().collect();
    [8, 10].into_iter().find_map(|len| {
        let at = chars.len().checked_sub(len + 1)?;
        // The date is ASCII: its characters are its bytes.
        (chars[at] == '-' && snapshot_date_len(&chars[at + 1..]) == Some(len))
            .then(|| &id[..id.len() - len - 1])
    })
}

/// Lowercase, with every run of white space (no-break spaces too) as one space.
pub(crate) fn normalise(text: &str) -> Vec<char> {
    lower(&collapse(text))
}

/// Every run of white space as one space, trimmed, the case kept; at most
/// [`MAX_TEXT_CHARS`] read.
pub(crate) fn collapse(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len().min(MAX_TEXT_CHARS));
    let mut space = false;
    for c in text.chars().take(MAX_TEXT_CHARS) {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Lowercase, one character for one, so positions in the result are positions in `text` (a
/// character whose lowercase is longer stays as it is: no model name has one).
pub(crate) fn lower(text: &[char]) -> Vec<char> {
    text.iter()
        .map(|&c| {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(one), None) => one,
                _ => c,
            }
        })
        .collect()
}

/// A body longer than this is read only this far: enough for any real update.
pub(crate) const MAX_TEXT_CHARS: usize = 16 * 1024;

pub(crate) fn starts_with(text: &[char], prefix: &str) -> bool {
    let mut chars = text.iter();
    prefix.chars().all(|p| chars.next() == Some(&p))
}

pub(crate) fn word_start(text: &[char], i: usize) -> bool {
    i == 0 || !is_word(text[i - 1])
}

pub(crate) fn word_end(text: &[char], i: usize) -> bool {
    text.get(i).is_none_or(|c| !is_word(*c))
}

pub(crate) fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Words that, between a brand and a version, name a product or say something else: "Claude
/// Code 2.1" is an app, "Claude and 3 others" no model.
pub(crate) const NOT_A_MODEL_WORD: &[&str] = &[
    "and", "or", "the", "api", "apis", "app", "apps", "code", "console", "desktop", "mobile",
    "model", "models", "version", "for", "on", "in", "with", "since", "from", "ai",
];

/// Words after a model name that make it another model ("GPT-5 mini", "Gemini 2.5 Flash
/// Lite"), even when the catalog does not have that one.
pub(crate) const VARIANT_WORDS: &[&str] = &[
    "mini", "nano", "pro", "lite", "flash", "turbo", "max", "codex", "preview", "instant",
    "thinking", "omni",
];

pub(crate) fn find_all<'a>(
    text: &'a [char],
    needle: &'a [char],
) -> impl Iterator<Item = usize> + 'a {
    let last = text.len().checked_sub(needle.len());
    (0..last.map_or(0, |l| l + 1))
        .filter(move |&i| !needle.is_empty() && text[i..i + needle.len()] == *needle)
}

/// A model name may start at `i`: not glued to a word before it.
pub(crate) fn name_starts(text: &[char], i: usize) -> bool {
    if i == 0 {
        return true;
    }
    let before = text[i - 1];
    if is_word(before) {
        return false;
    }
    !(matches!(before, '.' | '-') && i >= 2 && text[i - 2].is_alphanumeric())
}

/// A model name may end at `i` (see [`affected_models`]).
pub(crate) fn name_ends(text: &[char], i: usize, variants: &[String]) -> bool {
    let Some(&next) = text.get(i) else {
        return true;
    };
    if is_word(next) {
        return false;
    }
    if matches!(next, '.' | '-' | ':') && text.get(i + 1).is_some_and(|c| c.is_alphanumeric()) {
        return next == '-' && snapshot_date_len(&text[i + 1..]).is_some();
    }
    if next == ' ' {
        let word: String = text[i + 1..]
            .iter()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        if VARIANT_WORDS.contains(&word.as_str()) || variants.contains(&word) {
            return false;
        }
    }
    true
}

/// The length of the snapshot date at the start of `text` — `20260601` or `2026-06-01` — when
/// the name ends right after it ("claude-opus-4-7-20260601", "gpt-5-2025-08-07").
pub(crate) fn snapshot_date_len(text: &[char]) -> Option<usize> {
    let digits = |s: &[char]| s.iter().all(|c| c.is_ascii_digit());
    let ends = |n: usize| {
        text.get(n)
            .is_none_or(|c| !c.is_alphanumeric() && *c != '-')
    };
    if text.len() >= 8 && digits(&text[..8]) && ends(8) {
        return Some(8);
    }
    (text.len() >= 10
        && digits(&text[..4])
        && text[4] == '-'
        && digits(&text[5..7])
        && text[7] == '-'
        && digits(&text[8..10])
        && ends(10))
    .then_some(10)
}

pub(crate) struct AliasTable {
    /// Normalised alias and the index of its model.
    aliases: Vec<(Vec<char>, usize)>,
    /// Words that name a variant in this catalog's aliases (the word after a version: "sol"
    /// from "GPT-6.2 Sol"), on top of [`VARIANT_WORDS`].
    variants: Vec<String>,
    /// What the aliases write before a version: "claude opus ", "opus ", "gpt-", "gemini ".
    prefixes: Vec<Vec<char>>,
    /// The first word of a prefix that ends in a space ("claude", "gemini"): a brand, which
    /// with one more word and a version names a model ("Claude Mythos 5.1").
    brands: Vec<Vec<char>>,
    /// The other words of those prefixes ("opus", "sonnet"), which may follow a version in
    /// older names ("Claude 3.5 Sonnet").
    family_words: Vec<String>,
}

impl AliasTable {
    pub(crate) fn new(models: &[&Model]) -> Self {
        let aliases = models
            .iter()
            .enumerate()
            .flat_map(|(i, m)| m.aliases.iter().map(move |a| (normalise(a), i)))
            .filter(|(a, _)| !a.is_empty())
            .collect::<Vec<(Vec<char>, usize)>>();
        // "GPT-6.2 Sol", "GPT-5 mini", "Gemma 4 E4B": a word right after a version names a
        // variant, so "GPT-5.6 Sol" is not GPT-5.6 even before Switchboard knows GPT-5.6 Sol.
        let mut variants: Vec<String> = Vec::new();
        for (alias, _) in &aliases {
            let text: String = alias.iter().collect();
            let words: Vec<&str> = text.split(' ').collect();
            for pair in words.windows(2) {
                let word: String = pair[1]
                    .chars()
                    .take_while(|c| c.is_alphanumeric())
                    .collect();
                if pair[0].ends_with(|c: char| c.is_ascii_digit())
                    && word.starts_with(|c: char| c.is_alphabetic())
                    && !variants.contains(&word)
                {
                    variants.push(word);
                }
            }
        }
        let mut prefixes: Vec<Vec<char>> = Vec::new();
        let mut brands: Vec<Vec<char>> = Vec::new();
        let mut family_words: Vec<String> = Vec::new();
        for (alias, _) in &aliases {
            let Some(start) = (1..alias.len()).find(|&i| {
                alias[i].is_ascii_digit() && matches!(alias[i - 1], ' ' | '-') && {
                    // The version stands alone: not "e4b" or "4o".
                    let len = version_len(&alias[i..]);
                    alias.get(i + len).is_none_or(|c| !c.is_alphanumeric())
                }
            }) else {
                continue;
            };
            let prefix = alias[..start].to_vec();
            if !prefix.iter().any(|c| c.is_alphabetic()) {
                continue;
            }
            if prefix.last() == Some(&' ') {
                let text: String = prefix.iter().collect();
                let mut words = text.split_whitespace();
                if let Some(brand) = words.next() {
                    let brand: Vec<char> = brand.chars().collect();
                    if brand.iter().all(|c| c.is_alphabetic()) && !brands.contains(&brand) {
                        brands.push(brand);
                    }
                }
                for word in words {
                    if word.chars().all(char::is_alphabetic)
                        && !family_words.iter().any(|w| w == word)
                    {
                        family_words.push(word.to_string());
                    }
                }
            }
            if !prefixes.contains(&prefix) {
                prefixes.push(prefix);
            }
        }
        Self {
            aliases,
            variants,
            prefixes,
            brands,
            family_words,
        }
    }

    /// Where `text` has something shaped like a model name (see [`unlisted_names`]), as
    /// non-overlapping spans, the longest kept.
    pub(crate) fn name_like_spans(&self, text: &[char]) -> Vec<(usize, usize)> {
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut consider = |start: usize, version_at: usize| {
            let len = version_len(&text[version_at..]);
            if len == 0 {
                return;
            }
            let mut end = version_at + len;
            if text.get(end).is_some_and(|&c| {
                is_word(c)
                    || (matches!(c, '.' | '-' | ':')
                        && text.get(end + 1).is_some_and(|n| n.is_alphanumeric()))
            }) {
                return;
            }
            // Variant and family words after the version belong to the name.
            loop {
                if text.get(end) != Some(&' ') {
                    break;
                }
                let word: String = text[end + 1..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric())
                    .collect();
                let known = VARIANT_WORDS.contains(&word.as_str())
                    || self.variants.contains(&word)
                    || self.family_words.contains(&word);
                if word.is_empty() || !known {
                    break;
                }
                end += 1 + word.chars().count();
            }
            spans.push((start, end));
        };
        for prefix in &self.prefixes {
            for start in find_all(text, prefix) {
                if name_starts(text, start) {
                    consider(start, start + prefix.len());
                }
            }
        }
        for brand in &self.brands {
            for start in find_all(text, brand) {
                let after = start + brand.len();
                if !name_starts(text, start) || text.get(after) != Some(&' ') {
                    continue;
                }
                // "Claude 3.5 Sonnet", or "Claude Mythos 5.1".
                consider(start, after + 1);
                let word: String = text[after + 1..]
                    .iter()
                    .take_while(|c| c.is_alphabetic())
                    .collect();
                let word_len = word.chars().count();
                if word_len >= 3
                    && !NOT_A_MODEL_WORD.contains(&word.as_str())
                    && text.get(after + 1 + word_len) == Some(&' ')
                {
                    consider(start, after + 2 + word_len);
                }
            }
        }
        spans.sort_by_key(|&(s, e)| (s, std::cmp::Reverse(e)));
        let mut kept: Vec<(usize, usize)> = Vec::new();
        for (s, e) in spans {
            if kept.last().is_none_or(|&(_, last_end)| s >= last_end) {
                kept.push((s, e));
            }
        }
        kept
    }

    pub(crate) fn exact(&self, phrase: &[char]) -> Option<usize> {
        self.aliases
            .iter()
            .find(|(a, _)| a.as_slice() == phrase)
            .map(|(_, m)| *m)
    }

    /// The models named in `text`.
    pub(crate) fn mentions(&self, text: &[char]) -> BTreeSet<usize> {
        // (start, end, alias index)
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        for (n, (alias, _)) in self.aliases.iter().enumerate() {
            for start in find_all(text, alias) {
                let end = start + alias.len();
                if name_starts(text, start) && name_ends(text, end, &self.variants) {
                    hits.push((start, end, n));
                }
            }
        }
        let longest: Vec<&(usize, usize, usize)> = hits
            .iter()
            .filter(|(s, e, _)| {
                !hits
                    .iter()
                    .any(|(s2, e2, _)| s2 <= s && e <= e2 && (e2 - s2) > (e - s))
            })
            .collect();
        let mut found = BTreeSet::new();
        for &&(_, end, n) in &longest {
            let (alias, model) = &self.aliases[n];
            found.insert(*model);
            found.extend(self.shorthand(text, end, alias));
        }
        found
    }

    /// "Claude Opus 4.7 and 4.8": the models of the bare versions after `end`.
    pub(crate) fn shorthand(&self, text: &[char], mut end: usize, alias: &[char]) -> Vec<usize> {
        let mut found = Vec::new();
        let Some((prefix, version)) = split_version(alias) else {
            return found;
        };
        loop {
            let mut i = end;
            let mut separated = false;
            loop {
                match text.get(i) {
                    Some(' ') => i += 1,
                    Some(',' | '/' | '&' | '+') => {
                        i += 1;
                        separated = true;
                    }
                    _ if starts_with(&text[i..], "and") && word_end(text, i + 3) => {
                        i += 3;
                        separated = true;
                    }
                    _ if starts_with(&text[i..], "or") && word_end(text, i + 2) => {
                        i += 2;
                        separated = true;
                    }
                    _ => break,
                }
            }
            let token_len = version_len(&text[i..]);
            if !separated || token_len == 0 {
                break;
            }
            let token = &text[i..i + token_len];
            if !name_ends(text, i + token_len, &self.variants)
                || (version.contains(&'.') && !token.contains(&'.'))
            {
                break;
            }
            let mut candidate = prefix.to_vec();
            candidate.extend_from_slice(token);
            match self.exact(&candidate) {
                Some(model) => found.push(model),
                None => break,
            }
            end = i + token_len;
        }
        found
    }
}

/// "claude opus 4.7" → ("claude opus ", "4.7"); "gpt-5" → ("gpt-", "5"); none for "gpt-5 mini".
pub(crate) fn split_version(alias: &[char]) -> Option<(&[char], &[char])> {
    let start = alias
        .iter()
        .rposition(|c| !(c.is_ascii_digit() || *c == '.'))
        .map_or(0, |p| p + 1);
    if start == 0 || start == alias.len() || !alias[start].is_ascii_digit() {
        return None;
    }
    matches!(alias[start - 1], ' ' | '-').then(|| alias.split_at(start))
}

/// The length of a version at the start of `text`: `4`, `4.8`, `2.5.1`.
pub(crate) fn version_len(text: &[char]) -> usize {
    let mut n = 0;
    loop {
        let digits = text[n..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            // A trailing dot is punctuation, not part of the version.
            return if n > 0 { n - 1 } else { 0 };
        }
        n += digits;
        if text.get(n) == Some(&'.') {
            n += 1;
        } else {
            return n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_aliases_by_provider_naming() {
        let table: &[(&str, &str, &str, &[&str])] = &[
            (
                "Claude",
                "Claude Sonnet 5",
                "claude-sonnet-5",
                &["Claude Sonnet 5", "claude-sonnet-5", "Sonnet 5"],
            ),
            (
                "Claude",
                "Claude Mythos 5.1",
                "claude-mythos-5-1",
                &["Claude Mythos 5.1", "claude-mythos-5-1", "Mythos 5.1"],
            ),
            // What is left after the family must start with a word: "3 Pro" names nothing.
            (
                "Gemini",
                "Gemini 3 Pro",
                "gemini-3-pro",
                &["Gemini 3 Pro", "gemini-3-pro"],
            ),
            ("GPT", "GPT-5.6", "gpt-5.6", &["GPT-5.6"]),
            ("GPT", "gpt-5.6-sol", "gpt-5.6-sol", &["gpt-5.6-sol"]),
            ("local models", "qwen3:8b", "qwen3:8b", &["qwen3:8b"]),
            ("Claude", "Claude", "claude", &[]),
        ];
        for (family, name, id, expected) in table {
            assert_eq!(&derive(family, name, id), expected, "{name}");
        }
    }

    #[test]
    fn versions_and_snapshot_dates_are_read_where_they_stand() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(version_len(&chars("4.8.")), 3);
        assert_eq!(version_len(&chars("4.80 x")), 4);
        assert_eq!(version_len(&chars("x")), 0);
        let alias = chars("claude opus 4.7");
        let (p, v) = split_version(&alias).unwrap();
        assert_eq!(
            (p.iter().collect::<String>(), v.iter().collect::<String>()),
            ("claude opus ".into(), "4.7".into())
        );
        assert!(split_version(&chars("gpt-5 mini")).is_none());
        // One reading of a snapshot date, in a text and at the end of an id.
        assert_eq!(snapshot_date_len(&chars("20260601 is")), Some(8));
        assert_eq!(snapshot_date_len(&chars("2025-08-07")), Some(10));
        assert_eq!(snapshot_date_len(&chars("2025-08-07-x")), None);
        assert_eq!(snapshot_date_len(&chars("2026060")), None);
        assert_eq!(
            strip_snapshot_date("claude-opus-4-5-20251101"),
            Some("claude-opus-4-5")
        );
        assert_eq!(strip_snapshot_date("gpt-5-2025-08-07"), Some("gpt-5"));
        assert_eq!(strip_snapshot_date("gpt-5"), None);
        assert_eq!(plain_name("llama3.2:latest"), Some("llama3.2"));
    }

    #[test]
    fn an_alias_must_name_a_version() {
        assert!(specific_enough("Opus 5"));
        assert!(specific_enough("gpt-5"));
        assert!(!specific_enough("Opus"));
        assert!(!specific_enough("5.1"));
        assert!(!specific_enough("o3"));
    }
}
