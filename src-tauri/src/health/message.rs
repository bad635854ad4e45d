//! The words a person reads. Every message has DESIGN.md's six parts: what is happening,
//! whose side it is on, (for service problems) that the model itself has not changed, what
//! the person can do, since when and from where the evidence came, and when it is checked
//! again. Never "the model got worse": a service problem is a service problem.

use super::{EvidenceSource, Reason, ReasonKind};
use crate::catalog::{Model, Provider};

/// No key for a provider that needs one.
pub fn not_configured(provider: &Provider, model: &Model) -> Reason {
    let where_to_get = provider
        .console_url
        .as_deref()
        .map(|url| format!(" (get one at {url})"))
        .unwrap_or_default();
    Reason {
        kind: ReasonKind::NotConfigured,
        side: ReasonKind::NotConfigured.side(),
        source: EvidenceSource::Configuration,
        headline: format!(
            "Add {} {} API key to use {}",
            article(&provider.name),
            provider.name,
            provider.family
        ),
        message: format!(
            "Switchboard has no {name} API key, so it cannot use {model} yet. This is a setup \
             step on your side; nothing is wrong with {name}'s service. Set {env}{where_to_get} \
             and restart Switchboard. Source: your configuration, read at start-up; it is read \
             again when Switchboard starts.",
            name = provider.name,
            model = model.display_name,
            env = provider.api_key_env,
        ),
    }
}

/// Nothing heard about this model yet.
pub fn unknown(provider: &Provider, model: &Model) -> Reason {
    let checked = if provider.needs_key() {
        format!("{}'s servers", provider.name)
    } else {
        format!("the server at {}", provider.base_url)
    };
    Reason {
        kind: ReasonKind::Unknown,
        side: ReasonKind::Unknown.side(),
        source: EvidenceSource::Nothing,
        headline: "Not checked yet".into(),
        message: format!(
            "Not checked yet: Switchboard has not heard from {checked} about {model}, so it \
             cannot say whether it works right now. Nothing is known to be wrong on either \
             side. It is checked the next time you send it a message.",
            model = model.display_name,
        ),
    }
}

/// "an Anthropic", "an OpenAI", "a Google Gemini".
fn article(name: &str) -> &'static str {
    match name.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn each_provider_with_a_model() -> Vec<(Provider, Model)> {
        let catalog = Catalog::shipped().unwrap();
        catalog
            .providers
            .iter()
            .map(|p| {
                let m = catalog.models.iter().find(|m| m.provider == p.id).unwrap();
                (p.clone(), m.clone())
            })
            .collect()
    }

    #[test]
    fn not_configured_reads_as_designed() {
        let catalog = Catalog::shipped().unwrap();
        let anthropic = catalog.provider("anthropic").unwrap();
        let opus = catalog.model("anthropic", "claude-opus-4-7").unwrap();
        let reason = not_configured(anthropic, opus);
        assert_eq!(reason.headline, "Add an Anthropic API key to use Claude");
        assert_eq!(
            reason.message,
            "Switchboard has no Anthropic API key, so it cannot use Claude Opus 4.7 yet. This \
             is a setup step on your side; nothing is wrong with Anthropic's service. Set \
             ANTHROPIC_API_KEY (get one at https://console.anthropic.com/settings/keys) and \
             restart Switchboard. Source: your configuration, read at start-up; it is read \
             again when Switchboard starts."
        );
        let gemini = catalog.provider("gemini").unwrap();
        let flash = catalog.model("gemini", "gemini-2.5-flash").unwrap();
        assert_eq!(
            not_configured(gemini, flash).headline,
            "Add a Google Gemini API key to use Gemini"
        );
    }

    #[test]
    fn every_message_names_side_action_source_and_next_check() {
        for (provider, model) in each_provider_with_a_model() {
            let mut reasons = vec![unknown(&provider, &model)];
            if provider.needs_key() {
                reasons.push(not_configured(&provider, &model));
            }
            for reason in reasons {
                let m = &reason.message;
                assert!(m.contains(&model.display_name), "names the model: {m}");
                assert!(m.contains("side"), "says whose side: {m}");
                assert!(
                    m.contains("next time") || m.contains("again"),
                    "says when it is checked again: {m}"
                );
                for banned in ["got worse", "is broken", "is bad"] {
                    assert!(!m.contains(banned), "never blames the model: {m}");
                }
            }
        }
    }
}
