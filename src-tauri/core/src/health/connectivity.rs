//! Is it the network or the provider? When a request gets no HTTP answer at all, Switchboard
//! asks hosts independent of the failing provider — the other providers' endpoints, the
//! status pages, and a configurable list of well-known hosts — and says which it tried.
//!
//! The check is bounded (every target at once, each within the timeout), and its result is
//! shared: the window, the terminal and the availability engine wait for the same check rather
//! than each starting their own.
//!
//! ```
//! use switchboard_core::health::connectivity::{Connectivity, host_list};
//! let check = Connectivity {
//!     at: chrono::Utc::now(),
//!     up: false,
//!     tried: vec!["api.openai.com".into(), "status.claude.com".into(), "www.google.com".into(),
//!                 "cloudflare.com".into()],
//!     answered: vec![],
//! };
//! assert_eq!(host_list(&check.tried), "api.openai.com, status.claude.com, www.google.com and 1 more");
//! ```

use crate::catalog::{Catalog, Provider, check_endpoint};
use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::time::Duration;

/// Well-known hosts that answer a HEAD quickly and have nothing to do with any provider, asked
/// besides the providers' own endpoints. `[network] connectivity_targets` in `config.toml`
/// replaces them (an empty list asks only the providers' endpoints).
pub const DEFAULT_TARGETS: &[&str] = &[
    "https://www.google.com/generate_204",
    "https://cloudflare.com/cdn-cgi/trace",
    "https://www.apple.com/library/test/success.html",
];

/// How long the whole check may take: every target is asked at once, each within this.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// One connectivity check: when, whether anything answered, and what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Connectivity {
    pub at: DateTime<Utc>,
    /// Some independent target gave an HTTP answer (any status).
    pub up: bool,
    /// The hosts asked, as a person reads them ("api.openai.com", "127.0.0.1:4010").
    pub tried: Vec<String>,
    /// The hosts that answered.
    pub answered: Vec<String>,
}

/// Where a failing request's connectivity check is answered: the health service (shared with
/// the engine), or a plain [`ConnectivityCheck`].
pub trait NetworkCheck: Send + Sync {
    /// A check that started no earlier than `since`, for a request to `failing` that got no
    /// answer — the last one if it is that recent, else one run now.
    fn check_after<'a>(
        &'a self,
        failing: &'a Provider,
        since: DateTime<Utc>,
    ) -> BoxFuture<'a, Connectivity>;
}

/// The targets and how to ask them.
#[derive(Debug, Clone)]
pub struct ConnectivityCheck {
    http: reqwest::Client,
    /// Each cloud provider's id and its endpoints (API and status page).
    provider_urls: Vec<(String, String)>,
    extra: Vec<String>,
    timeout: Duration,
}

impl ConnectivityCheck {
    /// From the catalog's cloud providers (a local server proves nothing about the internet)
    /// and `extra` targets; any that is neither `https://` nor on this machine is left out.
    pub fn new(
        http: reqwest::Client,
        catalog: &Catalog,
        extra: &[String],
        timeout: Duration,
    ) -> Self {
        let provider_urls = catalog
            .providers
            .iter()
            .filter(|p| p.needs_key() && p.unusable.is_none())
            .flat_map(|p| {
                [Some(p.base_url.clone()), p.status_url.clone()]
                    .into_iter()
                    .flatten()
                    .map(|url| (p.id.clone(), url))
            })
            .filter(|(_, url)| check_endpoint(url).is_ok())
            .collect();
        Self {
            http,
            provider_urls,
            extra: extra
                .iter()
                .filter(|url| check_endpoint(url).is_ok())
                .cloned()
                .collect(),
            timeout,
        }
    }

    /// What is asked when `failing` did not answer: everything but its own API endpoint and
    /// the providers in `skip` (ids; the workspace turned them off). `None`: everything.
    pub fn targets_for(&self, failing: Option<&Provider>, skip: &[String]) -> Vec<String> {
        let own = failing.map(|p| p.base_url.trim_end_matches('/').to_string());
        self.provider_urls
            .iter()
            .filter(|(provider, _)| !skip.contains(provider))
            .map(|(_, url)| url)
            .filter(|url| own.as_deref() != Some(url.trim_end_matches('/')))
            .chain(self.extra.iter())
            .cloned()
            .collect()
    }

    /// Asks every target at once; `up` when any gives an HTTP answer.
    pub async fn run(
        &self,
        failing: Option<&Provider>,
        skip: &[String],
        now: DateTime<Utc>,
    ) -> Connectivity {
        let targets = self.targets_for(failing, skip);
        let probes = targets.iter().map(|url| async move {
            let answered = tokio::time::timeout(self.timeout, self.http.head(url).send())
                .await
                .is_ok_and(|answer| answer.is_ok());
            (host_of(url), answered)
        });
        let results = futures_util::future::join_all(probes).await;
        let mut tried: Vec<String> = Vec::new();
        let mut answered: Vec<String> = Vec::new();
        for (host, ok) in results {
            if !tried.contains(&host) {
                tried.push(host.clone());
            }
            if ok && !answered.contains(&host) {
                answered.push(host);
            }
        }
        Connectivity {
            at: now,
            up: !answered.is_empty(),
            tried,
            answered,
        }
    }
}

impl NetworkCheck for ConnectivityCheck {
    fn check_after<'a>(
        &'a self,
        failing: &'a Provider,
        since: DateTime<Utc>,
    ) -> BoxFuture<'a, Connectivity> {
        Box::pin(self.run(Some(failing), &[], since))
    }
}

/// "api.openai.com", "127.0.0.1:4010": the host a person recognises.
pub(crate) fn host_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            _ => url.to_string(),
        },
        Err(_) => url.to_string(),
    }
}

/// "a, b and c", at most three named: "a, b, c and 2 more".
pub fn host_list(hosts: &[String]) -> String {
    match hosts {
        [a, b, c, rest @ ..] if !rest.is_empty() => {
            format!("{a}, {b}, {c} and {} more", rest.len())
        }
        few => crate::vocabulary::and_list(few),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(extra: &[&str]) -> ConnectivityCheck {
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        ConnectivityCheck::new(
            reqwest::Client::new(),
            &Catalog::shipped().unwrap(),
            &extra,
            DEFAULT_TIMEOUT,
        )
    }

    #[test]
    fn the_failing_providers_own_endpoint_is_never_the_check() {
        let catalog = Catalog::shipped().unwrap();
        let anthropic = catalog.provider("anthropic").unwrap();
        let targets = check(&["https://example.org/ping"]).targets_for(Some(anthropic), &[]);
        assert!(
            !targets.iter().any(|t| t.starts_with(&anthropic.base_url)),
            "Anthropic's API is what failed: {targets:?}"
        );
        assert!(
            targets.iter().any(|t| t.contains("openai")),
            "another provider's endpoint is asked: {targets:?}"
        );
        assert!(targets.contains(&"https://example.org/ping".to_string()));
        assert!(
            anthropic
                .status_url
                .as_ref()
                .is_some_and(|s| targets.contains(s)),
            "its status page lives elsewhere and is asked too: {targets:?}"
        );
    }

    #[test]
    fn a_provider_the_workspace_turned_off_is_not_a_target() {
        let targets = check(&[]).targets_for(None, &["openai".to_string()]);
        assert!(!targets.iter().any(|t| t.contains("openai")), "{targets:?}");
        assert!(
            targets.iter().any(|t| t.contains("anthropic")),
            "{targets:?}"
        );
    }

    #[test]
    fn targets_that_are_not_https_are_left_out() {
        let targets = check(&["http://example.org/", "ftp://x", "https://ok.example/"])
            .targets_for(None, &[]);
        assert!(targets.contains(&"https://ok.example/".to_string()));
        assert!(
            !targets
                .iter()
                .any(|t| t.contains("example.org") || t.starts_with("ftp"))
        );
    }

    #[test]
    fn hosts_read_as_a_person_reads_them() {
        assert_eq!(host_of("https://api.openai.com/v1"), "api.openai.com");
        assert_eq!(host_of("http://127.0.0.1:4010/anthropic"), "127.0.0.1:4010");
        let hosts: Vec<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
        assert_eq!(host_list(&hosts), "a and b");
    }
}
