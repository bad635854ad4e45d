//! Sending a chat request and reading its stream, shared by every wire format: timeouts
//! (connect, first byte, idle between chunks), transport failures, the retry loop, and
//! reporting each attempt to the health engine.

use super::classify::{classify_http, classify_stream_error};
use crate::vocabulary::ModelIdentity;

use super::keys::Secret;
use super::protocol::{StreamPiece, WireProtocol, protocol_for};
use super::retry::{Decision, RetryPolicy};
use super::{AttemptObserver, ChatRequest};
use crate::catalog::{EndpointError, Provider, check_endpoint};
use crate::clock::Clock;
use crate::vocabulary::ModelRef;
use crate::vocabulary::{AttemptOutcome, AttemptRecord, Ending};
use crate::vocabulary::{Failure, FailureClass, StreamBreak, Transport};
use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;

/// The longest line of a stream read: no provider's event is anywhere near it.
const LINE_LIMIT: usize = 256 * 1024;

/// An error body is read up to this size; past it, the rest is not needed to classify.
pub(crate) const ERROR_BODY_LIMIT: usize = 1 << 20;

/// How long one request may take, and how large its answer may grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    /// From sending the request to the response headers.
    pub first_byte: Duration,
    /// Between two chunks of a stream.
    pub idle: Duration,
    /// The whole answer, from sending to its end: a stream that never ends (endless `ping`s,
    /// endless text) stops here, with what arrived kept.
    pub total: Duration,
    /// The answer's text: past this many bytes the rest is not read.
    pub max_answer_bytes: usize,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            first_byte: Duration::from_secs(60),
            idle: Duration::from_secs(60),
            total: Duration::from_secs(15 * 60),
            max_answer_bytes: 4 << 20,
        }
    }
}

/// What the person sees while a request runs.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatEvent {
    /// Attempt `n` (1, then 2 and 3 for retries) has started.
    Attempt(u32),
    Text(String),
    /// Attempt failed; trying again after `after`.
    Retrying {
        failure: Failure,
        after: Duration,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub text: String,
    /// The provider's own stop reason, as it wrote it.
    pub stop_reason: Option<String>,
    /// How the answer ended, read from it.
    pub ending: Ending,
    pub attempts: u32,
    /// Who answered, as the provider said it (the last it said).
    pub identity: Option<ModelIdentity>,
}

/// One attempt's answer, finished by the provider.
struct Finished {
    text: String,
    stop_reason: Option<String>,
    ending: Ending,
    identity: Option<ModelIdentity>,
}

/// The request failed: why, and whatever text had arrived (kept, never thrown away).
#[derive(Debug, Clone, PartialEq)]
pub struct SendError {
    pub failure: Failure,
    pub partial_text: String,
    pub attempts: u32,
}

pub struct ProviderClient {
    http: reqwest::Client,
    protocol: Box<dyn WireProtocol>,
    provider: String,
    base_url: String,
    key: Option<Secret>,
    timeouts: Timeouts,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
}

/// One HTTP client for every provider: connections are pooled, and the connect timeout is
/// the one configured.
///
/// Requests carry keys in headers (`x-api-key`, `x-goog-api-key`) that reqwest does not strip
/// on a redirect, so a redirect is followed only to the same scheme, host and port.
pub fn http_client(timeouts: &Timeouts) -> reqwest::Client {
    client_with(timeouts, RedirectRule::SameOrigin)
}

/// For status pages and the workspace policy, which carry no key: redirects to other hosts
/// are followed, but only to `https://` (or this machine).
pub fn feed_client(timeouts: &Timeouts) -> reqwest::Client {
    client_with(timeouts, RedirectRule::SafeEndpoints)
}

#[derive(Clone, Copy)]
enum RedirectRule {
    SameOrigin,
    SafeEndpoints,
}

fn client_with(timeouts: &Timeouts, rule: RedirectRule) -> reqwest::Client {
    let policy = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 5 {
            return attempt.stop();
        }
        let allowed = check_endpoint(attempt.url().as_str()).is_ok()
            && match rule {
                RedirectRule::SafeEndpoints => true,
                RedirectRule::SameOrigin => attempt
                    .previous()
                    .last()
                    .is_some_and(|from| from.origin() == attempt.url().origin()),
            };
        if allowed {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .redirect(policy)
        .user_agent(concat!("Switchboard/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client's settings are static and valid")
}

impl ProviderClient {
    /// Refuses endpoints that are neither `https://` nor on this machine.
    pub fn new(
        http: reqwest::Client,
        provider: &Provider,
        key: Option<Secret>,
        timeouts: Timeouts,
        retry: RetryPolicy,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, EndpointError> {
        // The person's settings for it were refused: nothing at all goes to this provider.
        if let Some(why) = &provider.unusable {
            return Err(EndpointError::Unusable(format!(
                "Switchboard does not use {}: {why}",
                provider.name
            )));
        }
        check_endpoint(&provider.base_url)?;
        Ok(Self {
            http,
            protocol: protocol_for(provider.wire),
            provider: provider.id.clone(),
            base_url: provider.base_url.trim_end_matches('/').to_string(),
            key,
            timeouts,
            retry,
            clock,
        })
    }

    /// Sends `request`, streaming text to `on_event`, retrying what the policy allows before
    /// any text has arrived. Every attempt is reported to `observer`.
    pub async fn chat(
        &self,
        request: &ChatRequest,
        observer: &dyn AttemptObserver,
        on_event: &mut (dyn FnMut(ChatEvent) + Send),
    ) -> Result<Completion, SendError> {
        let model = ModelRef::new(&self.provider, &request.model);
        let mut backoff = self.retry.backoff();
        let mut attempt = 0;
        loop {
            attempt += 1;
            on_event(ChatEvent::Attempt(attempt));
            let started = self.clock.now();
            let mut first_text = None;
            let mut result = self
                .attempt(request, &mut |event| {
                    if first_text.is_none() && matches!(event, ChatEvent::Text(_)) {
                        first_text = Some(self.clock.now());
                    }
                    on_event(event)
                })
                .await;
            if let (Err((failure, _)), Some(key)) = (&mut result, &self.key) {
                failure.redact(key.expose());
            }
            observer.record(AttemptRecord {
                model: model.clone(),
                at: started,
                attempt,
                outcome: match &result {
                    Ok(_) => AttemptOutcome::Answered,
                    Err((failure, _)) => AttemptOutcome::Failed(failure.clone()),
                },
                first_text_after: first_text.and_then(|t| (t - started).to_std().ok()),
                identity: result.as_ref().ok().and_then(|f| f.identity.clone()),
            });
            let (failure, partial_text) = match result {
                Ok(Finished {
                    text,
                    stop_reason,
                    ending,
                    identity,
                }) => {
                    return Ok(Completion {
                        text,
                        stop_reason,
                        ending,
                        attempts: attempt,
                        identity,
                    });
                }
                Err(failed) => failed,
            };
            tracing::info!(
                provider = %self.provider,
                model = %request.model,
                attempt,
                class = ?failure.class,
                status = ?failure.http_status,
                "attempt failed"
            );
            // Text already shown is never replaced by a retry's different text.
            let decision = if partial_text.is_empty() {
                self.retry.decide(&failure, backoff.next())
            } else {
                Decision::GiveUp
            };
            match decision {
                Decision::RetryAfter(after) => {
                    on_event(ChatEvent::Retrying {
                        failure: failure.clone(),
                        after,
                    });
                    self.clock.sleep(after).await;
                }
                Decision::GiveUp => {
                    return Err(SendError {
                        failure,
                        partial_text,
                        attempts: attempt,
                    });
                }
            }
        }
    }

    async fn attempt(
        &self,
        request: &ChatRequest,
        on_event: &mut (dyn FnMut(ChatEvent) + Send),
    ) -> Result<Finished, (Failure, String)> {
        let started = tokio::time::Instant::now();
        let no_text = |failure: Failure| (failure, String::new());
        let send = self
            .protocol
            .chat_request(
                &self.http,
                &self.base_url,
                self.key.as_ref().map(Secret::expose),
                request,
            )
            // Ask for what is read: a stream (a JSON answer is read too, below).
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .send();
        let response = match tokio::time::timeout(self.timeouts.first_byte, send).await {
            Err(_) => {
                return Err(no_text(Failure::new(FailureClass::NoAnswer(
                    Transport::Timeout,
                ))));
            }
            Ok(Err(e)) => {
                return Err(no_text(Failure::new(FailureClass::NoAnswer(transport_of(
                    &e,
                )))));
            }
            Ok(Ok(response)) => response,
        };

        let status = response.status().as_u16();
        let headers = response.headers().clone();
        // Where it went, without the query: "check the base URL" needs it.
        let mut url = response.url().clone();
        url.set_query(None);
        if status >= 400 {
            let body = self.read_capped(response).await;
            let mut failure = classify_http(
                self.protocol.wire(),
                status,
                &headers,
                &body,
                self.clock.now(),
            );
            failure.url = Some(url.to_string());
            return Err(no_text(failure));
        }
        let is_stream = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if !is_stream {
            // A 200 that is not a stream: the whole answer as JSON (a buffering proxy, a
            // server that ignores `stream`), an error in JSON, or something else entirely (a
            // captive portal's page, a proxy's garbage).
            // An answer is read only whole: one past the limit is not trusted to be one.
            let (body, whole) = self.read_body(response).await;
            let json = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .filter(|_| whole);
            let failure = match &json {
                Some(json) if json.get("error").is_some() => {
                    classify_stream_error(self.protocol.wire(), json, self.clock.now())
                }
                Some(json) => match self.protocol.read_whole(json, self.clock.now()) {
                    Some(pieces) => return self.finish(pieces, on_event, status),
                    None => garbled(status),
                },
                // A web page: something else answered in the API's place.
                None if looks_like_a_page(&headers, &body) => {
                    let mut failure = Failure::new(FailureClass::NotTheApi);
                    failure.http_status = Some(status);
                    failure.url = Some(url.to_string());
                    failure
                }
                None => garbled(status),
            };
            return Err(no_text(failure));
        }

        // The raw bytes are bounded too, in all and per line: one endless line would never
        // become an event (and the SSE parser rescans a line it has not finished).
        let raw_limit = self.timeouts.max_answer_bytes.saturating_mul(8);
        let line_limit = self.timeouts.max_answer_bytes.min(LINE_LIMIT);
        let over = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flagged = over.clone();
        let (mut total, mut line) = (0usize, 0usize);
        let bytes = response.bytes_stream().take_while(move |chunk| {
            if let Ok(chunk) = chunk {
                total += chunk.len();
                line = match chunk.iter().rposition(|&b| b == b'\n' || b == b'\r') {
                    Some(at) => chunk.len() - at - 1,
                    None => line + chunk.len(),
                };
            }
            let within = total <= raw_limit && line <= line_limit;
            if !within {
                flagged.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            futures_util::future::ready(within)
        });
        let over_limit = || over.load(std::sync::atomic::Ordering::Relaxed);
        let mut events = with_final_line_ended(bytes).eventsource();
        let mut read = StreamRead::default();
        // Tokio's clock, so paused-time tests can move it.
        let ends_at = started + self.timeouts.total;
        loop {
            let broke = |why: StreamBreak, text: &String| {
                let mut failure = Failure::new(FailureClass::StreamBroken(why));
                failure.http_status = Some(status);
                (failure, text.clone())
            };
            if read.text.len() > self.timeouts.max_answer_bytes {
                return Err(broke(StreamBreak::TooLarge, &read.text));
            }
            let idle_until = tokio::time::Instant::now() + self.timeouts.idle;
            let next = match tokio::time::timeout_at(idle_until.min(ends_at), events.next()).await {
                Err(_) if tokio::time::Instant::now() >= ends_at => {
                    return Err(broke(StreamBreak::TooLong, &read.text));
                }
                Err(_) => return Err(broke(StreamBreak::Stalled, &read.text)),
                // The end without the closing event, but after the provider said why it
                // stopped (`message_delta`, `finish_reason`): the answer is over, not cut.
                Ok(None) if over_limit() => return Err(broke(StreamBreak::TooLarge, &read.text)),
                Ok(None) if read.stop_reason.is_some() => {
                    let pieces = vec![StreamPiece::Finished { stop_reason: None }];
                    if let Some(done) = read.take(pieces, self.protocol.wire(), on_event)? {
                        return Ok(done);
                    }
                    return Err(broke(StreamBreak::Cut, &read.text));
                }
                Ok(None) => return Err(broke(StreamBreak::Cut, &read.text)),
                Ok(Some(Err(EventStreamError::Transport(_)))) => {
                    return Err(broke(StreamBreak::Cut, &read.text));
                }
                Ok(Some(Err(_))) => return Err(broke(StreamBreak::Garbled, &read.text)),
                Ok(Some(Ok(event))) => event,
            };
            let pieces = self
                .protocol
                .read_event(&next.event, &next.data, self.clock.now())
                .map_err(|why| broke(why, &read.text))?;
            if let Some(done) = read.take(pieces, self.protocol.wire(), on_event)? {
                return Ok(done);
            }
        }
    }

    /// Reads a whole answer's pieces; one that does not end is cut off.
    // The error is the attempt's failure and its partial text, built once per attempt.
    #[allow(clippy::result_large_err)]
    fn finish(
        &self,
        pieces: Vec<StreamPiece>,
        on_event: &mut (dyn FnMut(ChatEvent) + Send),
        status: u16,
    ) -> Result<Finished, (Failure, String)> {
        let mut read = StreamRead::default();
        match read.take(pieces, self.protocol.wire(), on_event)? {
            Some(done) => Ok(done),
            None => {
                let mut failure = Failure::new(FailureClass::StreamBroken(StreamBreak::Cut));
                failure.http_status = Some(status);
                Err((failure, read.text))
            }
        }
    }

    /// Reads an answer's body up to [`ERROR_BODY_LIMIT`], within the idle timeout per chunk.
    async fn read_capped(&self, response: reqwest::Response) -> Vec<u8> {
        self.read_body(response).await.0
    }

    /// The body up to [`ERROR_BODY_LIMIT`], and whether that was all of it. A body trickling
    /// a byte at a time still ends within the time for one answer.
    async fn read_body(&self, response: reqwest::Response) -> (Vec<u8>, bool) {
        let ends_at = tokio::time::Instant::now() + self.timeouts.total;
        let (body, end) = read_body_within(
            response,
            ERROR_BODY_LIMIT,
            Some(self.timeouts.idle),
            ends_at,
        )
        .await;
        (body, end == BodyEnd::Whole)
    }
}

/// How reading a body ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyEnd {
    /// All of it arrived.
    Whole,
    /// It grew past the limit; the rest was not read.
    TooLarge,
    /// The connection broke part-way.
    Broken,
    /// A chunk did not come within the idle time, or the whole within `until`.
    TimedOut,
}

/// Sends `request`, waiting for the answer's headers until `until`: no answer is
/// [`FailureClass::NoAnswer`], with what the transport said.
pub(crate) async fn send_within(
    request: reqwest::RequestBuilder,
    until: tokio::time::Instant,
) -> Result<reqwest::Response, Failure> {
    match tokio::time::timeout_at(until, request.send()).await {
        Err(_) => Err(Failure::new(FailureClass::NoAnswer(Transport::Timeout))),
        Ok(Err(e)) => Err(Failure::new(FailureClass::NoAnswer(transport_of(&e)))),
        Ok(Ok(response)) => Ok(response),
    }
}

/// Reads `response`'s body, at most `limit` bytes (what arrived is returned however it
/// ended), each chunk within `idle` when given, all of it by `until`.
pub(crate) async fn read_body_within(
    response: reqwest::Response,
    limit: usize,
    idle: Option<Duration>,
    until: tokio::time::Instant,
) -> (Vec<u8>, BodyEnd) {
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    let end = loop {
        if body.len() > limit {
            break BodyEnd::TooLarge;
        }
        let wait_until = idle.map_or(until, |idle| {
            (tokio::time::Instant::now() + idle).min(until)
        });
        match tokio::time::timeout_at(wait_until, chunks.next()).await {
            Ok(Some(Ok(chunk))) => body.extend_from_slice(&chunk),
            Ok(None) => break BodyEnd::Whole,
            Ok(Some(Err(_))) => break BodyEnd::Broken,
            Err(_) => break BodyEnd::TimedOut,
        }
    };
    body.truncate(limit);
    (body, end)
}

/// A stream that ends at the end of a line but without the blank line that dispatches its last
/// event (seen in Gemini's and SDK-recorded streams: the final `data:` line, then EOF) gets
/// that blank line, so the last event is read. One that ends mid-line is left cut.
fn with_final_line_ended<E>(
    bytes: impl futures_util::Stream<Item = Result<bytes::Bytes, E>>,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, E>> {
    let at_line_end = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = at_line_end.clone();
    bytes
        .inspect(move |chunk| {
            if let Ok(chunk) = chunk
                && let Some(&last) = chunk.last()
            {
                seen.store(
                    last == b'\n' || last == b'\r',
                    std::sync::atomic::Ordering::Relaxed,
                );
            }
        })
        .chain(futures_util::stream::once(futures_util::future::lazy(
            move |_| {
                Ok(if at_line_end.load(std::sync::atomic::Ordering::Relaxed) {
                    bytes::Bytes::from_static(b"\n")
                } else {
                    bytes::Bytes::new()
                })
            },
        )))
}

/// What a stream has said so far.
#[derive(Default)]
struct StreamRead {
    text: String,
    stop_reason: Option<String>,
    refused: bool,
    identity: Option<ModelIdentity>,
}

impl StreamRead {
    /// Takes pieces in order; the answer when one of them ends it.
    #[allow(clippy::result_large_err)]
    fn take(
        &mut self,
        pieces: Vec<StreamPiece>,
        wire: crate::catalog::WireFormat,
        on_event: &mut (dyn FnMut(ChatEvent) + Send),
    ) -> Result<Option<Finished>, (Failure, String)> {
        for piece in pieces {
            match piece {
                StreamPiece::Text(chunk) => {
                    self.text.push_str(&chunk);
                    on_event(ChatEvent::Text(chunk));
                }
                StreamPiece::Refusal(chunk) => {
                    self.refused = true;
                    self.text.push_str(&chunk);
                    on_event(ChatEvent::Text(chunk));
                }
                StreamPiece::StopReason(reason) => self.stop_reason = Some(reason),
                // OpenAI repeats it on every chunk; a fingerprint said once is kept.
                StreamPiece::Identity(said) => {
                    let kept = self.identity.get_or_insert_with(ModelIdentity::default);
                    kept.model = said.model.or(kept.model.take());
                    kept.fingerprint = said.fingerprint.or(kept.fingerprint.take());
                }
                StreamPiece::Finished { stop_reason: last } => {
                    let stop_reason = last.or(self.stop_reason.take());
                    return Ok(Some(Finished {
                        ending: Ending::from_stop_reason(
                            wire,
                            stop_reason.as_deref(),
                            self.refused,
                        ),
                        text: std::mem::take(&mut self.text),
                        stop_reason,
                        identity: self.identity.take(),
                    }));
                }
                StreamPiece::Blocked(category) => {
                    return Ok(Some(Finished {
                        text: std::mem::take(&mut self.text),
                        stop_reason: Some(category.clone()),
                        ending: Ending::PromptBlocked { category },
                        identity: self.identity.take(),
                    }));
                }
                StreamPiece::Error(failure) => return Err((failure, self.text.clone())),
            }
        }
        Ok(None)
    }
}

/// An HTML page: by its type, or by its first bytes when the type says nothing useful.
fn looks_like_a_page(headers: &reqwest::header::HeaderMap, body: &[u8]) -> bool {
    let html_type = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("html"));
    let start: String = String::from_utf8_lossy(&body[..body.len().min(512)])
        .trim_start()
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    html_type || start.starts_with("<!doctype html") || start.starts_with("<html")
}

fn garbled(status: u16) -> Failure {
    let mut failure = Failure::new(FailureClass::StreamBroken(StreamBreak::Garbled));
    failure.http_status = Some(status);
    failure
}

/// Which kind of "no answer" a request error is.
pub(crate) fn transport_of(error: &reqwest::Error) -> Transport {
    if error.is_timeout() {
        return Transport::Timeout;
    }
    let mut chain = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = source {
        chain.push_str(&e.to_string().to_ascii_lowercase());
        chain.push(' ');
        source = e.source();
    }
    if chain.contains("dns") || chain.contains("lookup") || chain.contains("resolve") {
        Transport::Dns
    } else if chain.contains("certificate") || chain.contains("tls") || chain.contains("handshake")
    {
        Transport::Tls
    } else if error.is_connect() {
        Transport::Connect
    } else {
        Transport::Reset
    }
}
