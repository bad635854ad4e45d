//! The one rule for every endpoint Switchboard talks to: `https://`, or plain `http://` only
//! on this machine (local models, the simulator). Keys must never cross a network in clear.

use std::net::IpAddr;
use url::{Host, Url};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("`{0}` is not a valid URL")]
    NotAUrl(String),
    #[error(
        "`{0}` must use https:// (plain http:// is allowed only for this machine, such as 127.0.0.1 or localhost)"
    )]
    NotHttps(String),
    /// The person's settings for the provider were refused: nothing goes to it.
    #[error("{0}")]
    Unusable(String),
}

/// Accepts `https://` anywhere and `http://` on loopback; refuses everything else.
pub fn check_endpoint(raw: &str) -> Result<Url, EndpointError> {
    let url = Url::parse(raw).map_err(|_| EndpointError::NotAUrl(raw.to_string()))?;
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" | "https" => Err(EndpointError::NotHttps(raw.to_string())),
        _ => Err(EndpointError::NotHttps(raw.to_string())),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        for ok in [
            "https://api.anthropic.com",
            "http://127.0.0.1:11434",
            "http://127.0.0.1:4010/anthropic",
            "http://localhost:1234/v1",
            "http://[::1]:8080",
        ] {
            assert!(check_endpoint(ok).is_ok(), "{ok} should be accepted");
        }
        for bad in [
            "http://api.openai.com",
            "http://192.168.1.5:11434",
            "http://localhost.evil.com",
            "ftp://127.0.0.1",
            "not a url",
            "file:///etc/passwd",
        ] {
            assert!(check_endpoint(bad).is_err(), "{bad} should be refused");
        }
    }
}
