//! The names a status page or an incident title uses for a model.
//!
//! Shipped models list theirs by hand. A model learned from a provider's list (or added in the
//! config without aliases) gets them from its display name and id:
//!
//! ```
//! use switchboard_core::catalog::aliases::derive;
//! assert_eq!(
//!     derive("Claude", "Claude Opus 5", "claude-opus-5"),
//!     ["Claude Opus 5", "claude-opus-5", "Opus 5"]
//! );
//! assert_eq!(derive("GPT", "GPT-5.6 Sol", "gpt-5.6-sol"), ["GPT-5.6 Sol", "gpt-5.6-sol"]);
//! // No version, no alias: "Mistral" would claim every Mistral model in a title.
//! assert!(derive("local models", "mistral", "mistral:latest").is_empty());
//! ```
//!
//! Matching is whole phrases (see `health::status_page::models`), so "Opus 5" never matches
//! "Opus 4.7", and "GPT-5.6" does not match "GPT-5.6 Sol" unless the text names GPT-5.6 alone.

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
    fn an_alias_must_name_a_version() {
        assert!(specific_enough("Opus 5"));
        assert!(specific_enough("gpt-5"));
        assert!(!specific_enough("Opus"));
        assert!(!specific_enough("5.1"));
        assert!(!specific_enough("o3"));
    }
}
