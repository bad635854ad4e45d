//! Fetching a provider's status feed: one conditional GET, capped and timed.

use super::statuspage::looks_like_html;
use super::{
    FeedProblem, StatusReading, parse_atom, parse_statuspage_incidents, parse_statuspage_summary,
};
use crate::catalog::{EndpointError, Provider, StatusFormat, check_endpoint};
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};
use reqwest::header::{
    ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED,
};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Duration;

/// How long one fetch may take, connection to last byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest answer read. A real summary is tens of kilobytes.
pub const DEFAULT_LIMIT_BYTES: u32 = 2 << 20;

/// What one fetch came to.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedOutcome {
    /// The page has changed (or this is the first reading).
    Fresh(StatusReading),
    /// The page is what it was at the last `Fresh` reading: keep that one. Nothing was parsed.
    NotModified,
    /// The page could not be read. Not an outage: "status page unreadable".
    Problem(FeedProblem),
}

/// What a feed has cost so far: how often it was asked, how often the answer was the page
/// unchanged (a `304`, or the same bytes from a server that ignores conditional requests),
/// and how often a body was parsed. A quiet page is parsed once, however often it is asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedCounts {
    pub asked: u64,
    /// Answered `304 Not Modified`: nothing was read but the headers.
    pub not_modified: u64,
    /// Read in full, but the same bytes as the last reading: hashed, not parsed.
    pub same_body: u64,
    pub parsed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Document {
    /// Statuspage v2 `summary.json` (Statuspage and incident.io).
    Summary,
    /// Statuspage v2 `incidents.json`: the recent incidents, resolved ones with them.
    Incidents,
    Atom,
}

/// One provider's status feed, with what it needs to ask "has it changed?".
///
/// ```no_run
/// # async fn demo(provider: &switchboard_core::catalog::Provider) {
/// use switchboard_core::health::status_page::{FeedOutcome, StatusFeed, next_poll};
/// let http = reqwest::Client::new();
/// let Ok(Some(mut feed)) = StatusFeed::for_provider(provider) else { return };
/// let now = chrono::Utc::now();
/// let wrong = match feed.fetch(&http, now).await {
///     FeedOutcome::Fresh(reading) => reading.anything_wrong(),
///     FeedOutcome::NotModified => false, // keep the last reading; ask it instead
///     FeedOutcome::Problem(problem) => { eprintln!("{problem}"); true }
/// };
/// let _again_at = next_poll(now, wrong, 7);
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct StatusFeed {
    url: String,
    document: Document,
    timeout: Duration,
    limit_bytes: u32,
    etag: Option<String>,
    last_modified: Option<String>,
    /// A hash of the last body read into a `Fresh` reading, for servers that ignore
    /// conditional requests.
    last_body: Option<u64>,
    counts: FeedCounts,
}

impl StatusFeed {
    /// The feed a provider publishes, as its catalog entry says: `None` when it has none.
    pub fn for_provider(provider: &Provider) -> Result<Option<Self>, EndpointError> {
        match &provider.status_url {
            Some(url) => Self::new(url, provider.status_format),
            None => Ok(None),
        }
    }

    /// `status_url` is the page's root (`https://status.claude.com`); the document is
    /// `/api/v2/summary.json` for Statuspage and incident.io, `/history.atom` for Atom. A URL
    /// that already names a `.json`, `.atom` or `.xml` document is used as it is. Refuses a
    /// URL that is neither `https://` nor on this machine.
    pub fn new(status_url: &str, format: StatusFormat) -> Result<Option<Self>, EndpointError> {
        let document = match format {
            StatusFormat::Statuspage | StatusFormat::IncidentIo => Document::Summary,
            StatusFormat::Atom => Document::Atom,
            StatusFormat::None => return Ok(None),
        };
        let checked = check_endpoint(status_url)?;
        let root = status_url.trim_end_matches('/');
        let names_document = [".json", ".atom", ".xml"]
            .iter()
            .any(|ext| checked.path().ends_with(ext));
        let url = match (names_document, document) {
            (true, _) => root.to_string(),
            (false, Document::Summary) => format!("{root}/api/v2/summary.json"),
            (false, Document::Incidents) => format!("{root}/api/v2/incidents.json"),
            (false, Document::Atom) => format!("{root}/history.atom"),
        };
        Ok(Some(Self {
            url,
            document,
            timeout: DEFAULT_TIMEOUT,
            limit_bytes: DEFAULT_LIMIT_BYTES,
            etag: None,
            last_modified: None,
            last_body: None,
            counts: FeedCounts::default(),
        }))
    }

    /// The page's recent incidents, resolved ones with them (Statuspage's `incidents.json`),
    /// where this feed is a summary that drops an incident once it is resolved: read to keep
    /// an incident's last posts. `None` for an Atom feed (it keeps them already) or a summary
    /// at an address of its own.
    pub fn recent_incidents(&self) -> Option<Self> {
        let root = self.url.strip_suffix("/api/v2/summary.json")?;
        (self.document == Document::Summary).then(|| Self {
            url: format!("{root}/api/v2/incidents.json"),
            document: Document::Incidents,
            timeout: self.timeout,
            limit_bytes: self.limit_bytes,
            etag: None,
            last_modified: None,
            last_body: None,
            counts: FeedCounts::default(),
        })
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn with_limit(mut self, limit_bytes: u32) -> Self {
        self.limit_bytes = limit_bytes;
        self
    }

    /// The document fetched.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// What this feed has cost so far.
    pub fn counts(&self) -> FeedCounts {
        self.counts
    }

    /// Forgets what was read: the next fetch reads the page in full (for a caller that has
    /// lost its last reading).
    pub fn forget(&mut self) {
        self.etag = None;
        self.last_modified = None;
        self.last_body = None;
    }

    /// Fetches the feed once: a conditional GET, redirects followed (as `http` is built to),
    /// the answer read up to the size limit, the whole within the timeout. `now` becomes the
    /// reading's `fetched_at`.
    pub async fn fetch(&mut self, http: &reqwest::Client, now: DateTime<Utc>) -> FeedOutcome {
        let seconds = self.timeout.as_secs_f64().ceil().max(1.0) as u32;
        match tokio::time::timeout(self.timeout, self.fetch_within(http, now)).await {
            Ok(outcome) => outcome,
            Err(_) => FeedOutcome::Problem(FeedProblem::Timeout { seconds }),
        }
    }

    async fn fetch_within(&mut self, http: &reqwest::Client, now: DateTime<Utc>) -> FeedOutcome {
        use FeedOutcome::Problem;
        let accept = match self.document {
            Document::Summary | Document::Incidents => "application/json",
            Document::Atom => "application/atom+xml, application/xml;q=0.9, */*;q=0.1",
        };
        self.counts.asked += 1;
        let mut request = http.get(&self.url).header(ACCEPT, accept);
        if let Some(etag) = &self.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(since) = &self.last_modified {
            request = request.header(IF_MODIFIED_SINCE, since);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return Problem(transport_problem(&error, self.timeout)),
        };
        let status = response.status();
        let headers = response.headers().clone();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return if self.etag.is_some() || self.last_modified.is_some() {
                self.counts.not_modified += 1;
                FeedOutcome::NotModified
            } else {
                Problem(FeedProblem::HttpStatus(304))
            };
        }
        if is_bot_check(&headers) {
            return Problem(FeedProblem::WebPage);
        }
        if !status.is_success() {
            return Problem(FeedProblem::HttpStatus(status.as_u16()));
        }
        let limit = self.limit_bytes as usize;
        if header(&headers, CONTENT_LENGTH)
            .and_then(|n| n.trim().parse::<u64>().ok())
            .is_some_and(|n| n > limit as u64)
        {
            return Problem(FeedProblem::TooLarge {
                limit_bytes: self.limit_bytes,
            });
        }
        let body = match read_capped(response.bytes_stream(), limit).await {
            Ok(body) => body,
            Err(ReadError::TooLarge) => {
                return Problem(FeedProblem::TooLarge {
                    limit_bytes: self.limit_bytes,
                });
            }
            Err(ReadError::Broken) => {
                return Problem(FeedProblem::Unreachable(format!(
                    "the connection to {} broke off",
                    host(&self.url)
                )));
            }
        };
        let html =
            header(&headers, CONTENT_TYPE).is_some_and(|t| t.to_ascii_lowercase().contains("html"));
        if html && looks_like_html(&body) {
            return Problem(FeedProblem::WebPage);
        }
        let hash = {
            let mut hasher = DefaultHasher::new();
            body.hash(&mut hasher);
            hasher.finish()
        };
        if self.last_body == Some(hash) {
            // The same bytes as last time, from a server that ignored the conditional GET.
            self.counts.same_body += 1;
            return FeedOutcome::NotModified;
        }
        self.counts.parsed += 1;
        let parsed = match self.document {
            Document::Summary => parse_statuspage_summary(&body, now),
            Document::Incidents => {
                parse_statuspage_incidents(&body, now).map(|list| StatusReading {
                    page_name: String::new(),
                    page_url: None,
                    indicator: super::Indicator::None,
                    components: Vec::new(),
                    incidents: list.incidents,
                    maintenances: list.maintenances,
                    fetched_at: now,
                })
            }
            Document::Atom => parse_atom(&body, now),
        };
        match parsed {
            Ok(reading) => {
                // Validators only from an answer that was read: never from garbage.
                self.etag = header(&headers, ETAG).map(str::to_string);
                self.last_modified = header(&headers, LAST_MODIFIED).map(str::to_string);
                self.last_body = Some(hash);
                FeedOutcome::Fresh(reading)
            }
            Err(problem) => Problem(problem),
        }
    }
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Cloudflare marks its challenge pages with `cf-mitigated: challenge`, whatever the status.
fn is_bot_check(headers: &HeaderMap) -> bool {
    headers
        .get("cf-mitigated")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("challenge"))
}

fn host(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            let host = u.host_str()?.to_string();
            Some(match u.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            })
        })
        .unwrap_or_else(|| url.to_string())
}

fn transport_problem(error: &reqwest::Error, timeout: Duration) -> FeedProblem {
    let host = error
        .url()
        .map(|u| host(u.as_str()))
        .unwrap_or_else(|| "the status page".into());
    if error.is_timeout() {
        FeedProblem::Timeout {
            seconds: timeout.as_secs_f64().ceil().max(1.0) as u32,
        }
    } else if error.is_redirect() {
        FeedProblem::Unreachable(format!("{host} redirected too many times"))
    } else if error.is_connect() {
        FeedProblem::Unreachable(format!("could not connect to {host}"))
    } else {
        FeedProblem::Unreachable(format!("the connection to {host} failed"))
    }
}

#[derive(Debug, PartialEq, Eq)]
enum ReadError {
    TooLarge,
    Broken,
}

/// Reads a body up to `limit` bytes, and stops — without reading further — past it.
async fn read_capped<S, B, E>(mut stream: S, limit: usize) -> Result<Vec<u8>, ReadError>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ReadError::Broken)?;
        let chunk = chunk.as_ref();
        if body.len() + chunk.len() > limit {
            return Err(ReadError::TooLarge);
        }
        body.extend_from_slice(chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_huge_body_is_refused_after_the_limit_not_read_to_the_end() {
        const PIECE: usize = 64 * 1024;
        let pulled = AtomicUsize::new(0);
        // 20 MB, produced lazily, as a server would stream it.
        let chunks = stream::iter(0..320).map(|_| {
            pulled.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(vec![b' '; PIECE])
        });
        let limit = DEFAULT_LIMIT_BYTES as usize;
        assert_eq!(read_capped(chunks, limit).await, Err(ReadError::TooLarge));
        let pulled = pulled.load(Ordering::SeqCst);
        assert!(
            pulled <= limit / PIECE + 1,
            "reading should stop at the limit; it pulled {pulled} chunks of 320"
        );
    }

    #[tokio::test]
    async fn a_body_within_the_limit_is_read_whole_and_a_broken_one_is_a_problem() {
        let chunks = stream::iter([Ok::<_, ()>(b"{\"a\"".to_vec()), Ok(b":1}".to_vec())]);
        assert_eq!(read_capped(chunks, 8).await.unwrap(), b"{\"a\":1}");
        let broken = stream::iter([Ok(b"{".to_vec()), Err(())]);
        assert_eq!(read_capped(broken, 8).await, Err(ReadError::Broken));
    }

    fn provider(status_url: Option<&str>, format: StatusFormat) -> Provider {
        let mut provider = crate::catalog::Catalog::shipped().unwrap().providers[0].clone();
        provider.status_url = status_url.map(str::to_string);
        provider.status_format = format;
        provider
    }

    #[test]
    fn the_document_is_chosen_by_the_providers_format() {
        let catalog = crate::catalog::Catalog::shipped().unwrap();
        let url = |id: &str| {
            StatusFeed::for_provider(catalog.provider(id).unwrap())
                .unwrap()
                .map(|f| f.url().to_string())
        };
        assert_eq!(
            url("anthropic").as_deref(),
            Some("https://status.claude.com/api/v2/summary.json")
        );
        assert_eq!(
            url("openai").as_deref(),
            Some("https://status.openai.com/api/v2/summary.json"),
            "incident.io serves the Statuspage JSON"
        );
        assert_eq!(url("gemini"), None, "no feed for a provider without one");
        let atom = StatusFeed::for_provider(&provider(
            Some("https://status.example.com/"),
            StatusFormat::Atom,
        ))
        .unwrap()
        .unwrap();
        assert_eq!(atom.url(), "https://status.example.com/history.atom");
        let named = StatusFeed::new("https://x.example/feed.atom", StatusFormat::Atom)
            .unwrap()
            .unwrap();
        assert_eq!(
            named.url(),
            "https://x.example/feed.atom",
            "a named document is kept"
        );
        assert!(
            StatusFeed::new("http://status.example.com", StatusFormat::Statuspage).is_err(),
            "plain http off this machine is refused"
        );
        assert!(
            StatusFeed::for_provider(&provider(None, StatusFormat::Statuspage))
                .unwrap()
                .is_none()
        );
    }
}
