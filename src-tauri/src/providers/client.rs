//! Sending a chat request and reading its stream, shared by every wire format: timeouts
//! (connect, first byte, idle between chunks), transport failures, the retry loop, and
//! reporting each attempt to the health engine.

use super::classify::{
    Failure, FailureClass, StreamBreak, Transport, classify_http, classify_stream_error,
};
use super::keys::Secret;
use super::protocol::{StreamPiece, WireProtocol, protocol_for};
use super::retry::{Decision, RetryPolicy};
use super::{AttemptObserver, AttemptOutcome, AttemptRecord, ChatRequest};
use crate::catalog::{EndpointError, ModelRef, Provider, check_endpoint};
use crate::clock::Clock;
use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;

/// An error body is read up to this size; past it, the rest is not needed to classify.
const ERROR_BODY_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    /// From sending the request to the response headers.
    pub first_byte: Duration,
    /// Between two chunks of a stream.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            first_byte: Duration::from_secs(60),
            idle: Duration::from_secs(60),
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
    pub stop_reason: Option<String>,
    pub attempts: u32,
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
            let result = self.attempt(request, on_event).await;
            observer.record(AttemptRecord {
                model: model.clone(),
                at: started,
                attempt,
                outcome: match &result {
                    Ok(_) => AttemptOutcome::Answered,
                    Err((failure, _)) => AttemptOutcome::Failed(failure.clone()),
                },
            });
            let (failure, partial_text) = match result {
                Ok((text, stop_reason)) => {
                    return Ok(Completion {
                        text,
                        stop_reason,
                        attempts: attempt,
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
    ) -> Result<(String, Option<String>), (Failure, String)> {
        let no_text = |failure: Failure| (failure, String::new());
        let send = self
            .protocol
            .chat_request(
                &self.http,
                &self.base_url,
                self.key.as_ref().map(Secret::expose),
                request,
            )
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
        if status >= 400 {
            let body = self.read_capped(response).await;
            return Err(no_text(classify_http(
                self.protocol.wire(),
                status,
                &headers,
                &body,
                self.clock.now(),
            )));
        }
        let is_stream = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if !is_stream {
            // A 200 that is not a stream: an error in JSON, or something else entirely
            // (a captive portal's page, a proxy's garbage).
            let body = self.read_capped(response).await;
            let failure = match serde_json::from_slice::<serde_json::Value>(&body) {
                Ok(json) if json.get("error").is_some() => {
                    classify_stream_error(self.protocol.wire(), &json, self.clock.now())
                }
                _ => {
                    let mut failure =
                        Failure::new(FailureClass::StreamBroken(StreamBreak::Garbled));
                    failure.http_status = Some(status);
                    failure
                }
            };
            return Err(no_text(failure));
        }

        let mut events = response.bytes_stream().eventsource();
        let mut text = String::new();
        let mut stop_reason = None;
        loop {
            let broke = |why: StreamBreak, text: &String| {
                let mut failure = Failure::new(FailureClass::StreamBroken(why));
                failure.http_status = Some(status);
                (failure, text.clone())
            };
            let next = match tokio::time::timeout(self.timeouts.idle, events.next()).await {
                Err(_) => return Err(broke(StreamBreak::Stalled, &text)),
                Ok(None) => return Err(broke(StreamBreak::Cut, &text)),
                Ok(Some(Err(EventStreamError::Transport(_)))) => {
                    return Err(broke(StreamBreak::Cut, &text));
                }
                Ok(Some(Err(_))) => return Err(broke(StreamBreak::Garbled, &text)),
                Ok(Some(Ok(event))) => event,
            };
            let pieces = self
                .protocol
                .read_event(&next.event, &next.data, self.clock.now())
                .map_err(|why| broke(why, &text))?;
            for piece in pieces {
                match piece {
                    StreamPiece::Text(chunk) => {
                        text.push_str(&chunk);
                        on_event(ChatEvent::Text(chunk));
                    }
                    StreamPiece::StopReason(reason) => stop_reason = Some(reason),
                    StreamPiece::Finished { stop_reason: last } => {
                        return Ok((text, last.or(stop_reason)));
                    }
                    StreamPiece::Error(failure) => return Err((failure, text)),
                }
            }
        }
    }

    /// Reads an answer's body up to [`ERROR_BODY_LIMIT`], within the idle timeout per chunk.
    async fn read_capped(&self, response: reqwest::Response) -> Vec<u8> {
        let mut body = Vec::new();
        let mut chunks = response.bytes_stream();
        while body.len() < ERROR_BODY_LIMIT {
            match tokio::time::timeout(self.timeouts.idle, chunks.next()).await {
                Ok(Some(Ok(chunk))) => body.extend_from_slice(&chunk),
                _ => break,
            }
        }
        body.truncate(ERROR_BODY_LIMIT);
        body
    }
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
