//! The workspace policy: a document, from a file or an `https://` URL, that turns providers
//! or models off — with the admin's message and an optional end — the switch Notion used in
//! June 2026. JSON or TOML:
//!
//! ```json
//! {"updated_at": "2026-06-05T09:30:00Z",
//!  "disabled": [{"provider": "anthropic", "model": null,
//!                "message": "Anthropic is having an outage; we'll turn them back on once it's resolved.",
//!                "until": null}],
//!  "fallback_order": ["openai/gpt-5", "gemini/gemini-2.5-pro"]}
//! ```
//!
//! `fallback_order` is the workspace's order of models to offer when one is out: first in the
//! consent dialog, before the person's own order. It never switches by itself.
//!
//! A broken document never turns everything off or on: the last good one stays in force, and
//! the problem is said in words.

use super::status_page::DEFAULT_TIMEOUT as FEED_TIMEOUT;
use crate::catalog::check_endpoint;
use crate::vocabulary::PolicyRule;
use crate::vocabulary::Reason;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::path::PathBuf;

/// The rule in force for `provider`'s `model` at `now` (one for the whole provider counts),
/// if any. One reading for every door: the engine's state, the send, probes and lists.
pub fn rule_for<'r>(
    rules: &'r [PolicyRule],
    provider: &str,
    model: Option<&str>,
    now: DateTime<Utc>,
) -> Option<&'r PolicyRule> {
    rules.iter().find(|r| {
        r.provider == provider
            && match (&r.model, model) {
                (None, _) => true,
                (Some(ruled), Some(model)) => ruled == model,
                // Asking about the provider as a whole: only a provider-wide rule stops it.
                (Some(_), None) => false,
            }
            && r.until.is_none_or(|until| now < until)
    })
}

/// Whether the workspace policy lets a request go to a model, asked before anything is sent.
pub trait PolicyCheck: Send + Sync {
    /// The admin's words when the policy turns `model` of `provider` off right now.
    fn turned_off(
        &self,
        provider: &crate::catalog::Provider,
        model: &crate::catalog::Model,
    ) -> Option<Reason>;
}

/// A fixed set of rules (as read once, or none).
impl PolicyCheck for Vec<PolicyRule> {
    fn turned_off(
        &self,
        provider: &crate::catalog::Provider,
        model: &crate::catalog::Model,
    ) -> Option<Reason> {
        let now = Utc::now();
        let times = crate::clock::LocalTimes::new(crate::clock::Zone::System, now);
        rule_for(self, &provider.id, Some(&model.id), now)
            .map(|rule| super::message::admin_disabled(provider, model, rule, &times))
    }
}

/// The largest policy document read; anything bigger is refused unread.
const POLICY_LIMIT: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicySource {
    File(PathBuf),
    Url(String),
}

impl PolicySource {
    /// A path, or an `https://` (or loopback `http://`) URL.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.starts_with("http://") || text.starts_with("https://") {
            check_endpoint(text).map_err(|e| e.to_string())?;
            Ok(Self::Url(text.to_string()))
        } else {
            Ok(Self::File(PathBuf::from(text)))
        }
    }
}

#[derive(Debug, Deserialize)]
struct Document {
    #[serde(default)]
    disabled: Vec<Entry>,
    #[serde(default)]
    fallback_order: Vec<String>,
}

/// A policy as read: the rules that turn things off, and the order of models to offer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    pub rules: Vec<PolicyRule>,
    pub fallback_order: Vec<crate::vocabulary::ModelRef>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    provider: String,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    until: Option<DateTime<Utc>>,
}

/// Reads a policy document (JSON, or TOML when it is not JSON).
pub fn parse(bytes: &[u8]) -> Result<Policy, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not text".to_string())?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        return Err("it is a web page, not a policy document".into());
    }
    let document: Document = if trimmed.starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("it is not valid JSON ({e})"))?
    } else {
        toml::from_str(text)
            .map_err(|e| format!("it is neither JSON nor TOML ({})", e.message()))?
    };
    let rules = document
        .disabled
        .into_iter()
        .map(|entry| {
            if entry.provider.trim().is_empty() {
                return Err("an entry names no provider".to_string());
            }
            Ok(PolicyRule {
                provider: entry.provider,
                model: entry.model.filter(|m| !m.trim().is_empty()),
                message: entry
                    .message
                    .filter(|m| !m.trim().is_empty())
                    .unwrap_or_else(|| "Turned off by your workspace admin.".into()),
                until: entry.until,
            })
        })
        .collect::<Result<Vec<PolicyRule>, String>>()?;
    let fallback_order = document
        .fallback_order
        .iter()
        .map(|entry| match entry.split_once('/') {
            Some((provider, model)) if !provider.trim().is_empty() && !model.trim().is_empty() => {
                Ok(crate::vocabulary::ModelRef::new(
                    provider.trim(),
                    model.trim(),
                ))
            }
            _ => Err(format!(
                "the fallback order's `{entry}` is not provider/model"
            )),
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Policy {
        rules,
        fallback_order,
    })
}

/// Reads the policy from its source; the error says, in words, why it could not be used.
pub async fn read(http: &reqwest::Client, source: &PolicySource) -> Result<Policy, String> {
    let bytes = match source {
        PolicySource::File(path) => {
            let bytes = tokio::fs::read(path)
                .await
                .map_err(|e| format!("{} could not be read ({e})", path.display()))?;
            if bytes.len() > POLICY_LIMIT {
                return Err("it is too large to be a policy document".into());
            }
            bytes
        }
        PolicySource::Url(url) => {
            let answer = // As long as a status page may take: both are small documents from a server
            // that is not the provider's API.
            tokio::time::timeout(FEED_TIMEOUT, http.get(url).send())
                .await
                .map_err(|_| "the policy server did not answer in time".to_string())?
                .map_err(|e| format!("the policy server could not be reached ({e})"))?;
            if !answer.status().is_success() {
                return Err(format!(
                    "the policy server answered HTTP {}",
                    answer.status().as_u16()
                ));
            }
            if answer
                .content_length()
                .is_some_and(|n| n as usize > POLICY_LIMIT)
            {
                return Err("it is too large to be a policy document".into());
            }
            let bytes = answer
                .bytes()
                .await
                .map_err(|e| format!("the policy could not be downloaded ({e})"))?;
            if bytes.len() > POLICY_LIMIT {
                return Err("it is too large to be a policy document".into());
            }
            bytes.to_vec()
        }
    };
    parse(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_toml_policies_read_the_same() {
        let json = br#"{"updated_at":"2026-06-05T09:30:00Z","disabled":[{"provider":"anthropic","model":null,"message":"Anthropic is having an outage.","until":null},{"provider":"openai","model":"gpt-4.1","message":"Retired here","until":"2026-06-06T00:00:00Z"}]}"#;
        let toml = br#"
[[disabled]]
provider = "anthropic"
message = "Anthropic is having an outage."

[[disabled]]
provider = "openai"
model = "gpt-4.1"
message = "Retired here"
until = "2026-06-06T00:00:00Z"
"#;
        let from_json = parse(json).unwrap().rules;
        assert_eq!(from_json, parse(toml).unwrap().rules);
        assert_eq!(from_json[0].model, None, "the whole provider");
        assert_eq!(from_json[1].model.as_deref(), Some("gpt-4.1"));
        assert!(from_json[1].until.is_some());
        assert!(
            parse(b"{}").unwrap().rules.is_empty(),
            "an empty policy turns nothing off"
        );
    }

    #[test]
    fn the_workspace_fallback_order_is_read_as_models() {
        let policy =
            parse(br#"{"fallback_order": ["openai/gpt-5", " gemini / gemini-2.5-pro "]}"#).unwrap();
        assert_eq!(
            policy.fallback_order,
            [
                crate::vocabulary::ModelRef::new("openai", "gpt-5"),
                crate::vocabulary::ModelRef::new("gemini", "gemini-2.5-pro")
            ]
        );
        let err = parse(br#"{"fallback_order": ["gpt-5"]}"#).unwrap_err();
        assert!(err.contains("`gpt-5` is not provider/model"), "{err}");
    }

    #[test]
    fn broken_documents_are_refused_in_words() {
        for (bytes, says) in [
            (&b"<html><body>Sign in</body></html>"[..], "web page"),
            (&b"{\"disabled\": [{\"model\": \"x\"}]}"[..], "JSON"),
            (&b"disabled = 3"[..], "TOML"),
            (&[0xff, 0xfe, 0x00][..], "not text"),
            (&b"{\"disabled\":[{\"provider\":\" \"}]}"[..], "no provider"),
        ] {
            let err = parse(bytes).unwrap_err();
            assert!(err.contains(says), "{err}");
        }
    }

    #[test]
    fn remote_sources_must_be_https() {
        assert!(PolicySource::parse("http://policy.example.com/p.json").is_err());
        assert_eq!(
            PolicySource::parse("https://policy.example.com/p.json").unwrap(),
            PolicySource::Url("https://policy.example.com/p.json".into())
        );
        assert_eq!(
            PolicySource::parse("/etc/switchboard/policy.toml").unwrap(),
            PolicySource::File("/etc/switchboard/policy.toml".into())
        );
    }
}
