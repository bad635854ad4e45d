//! The HTTP server: the router ([`app`]), the accept loop that can reset a connection, the
//! status pages, the policy document and the `/_sim` control endpoints.

use crate::engine::{Engine, LoggedRequest, SimState};
use crate::respond::{self, with_headers};
use crate::scenario::{FeedMode, Scenario};
use crate::status::page_def;
use crate::stubs::{fnv, garbage_body, html_challenge_body};
use crate::wire::{anthropic, gemini, openai};
use axum::body::Body;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use chrono::{DateTime, Utc};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

/// The simulator's shared state, handed to [`app`].
#[derive(Clone, Debug)]
pub struct AppState {
    pub(crate) engine: Arc<Engine>,
}

impl AppState {
    /// State for `scenario`; `manual_clock` stops scenario time from following the wall clock.
    pub fn new(scenario: Scenario, manual_clock: bool) -> AppState {
        AppState {
            engine: Arc::new(Engine::new(scenario, manual_clock)),
        }
    }

    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.engine.requests()
    }

    pub fn advance(&self, by: Duration) -> SimState {
        self.engine.advance(by)
    }

    pub fn state(&self) -> SimState {
        self.engine.state()
    }
}

/// One accepted connection, so a handler can reset it: SO_LINGER 0 on a duplicate of the
/// socket, then the connection task drops everything and the kernel sends RST.
#[derive(Clone, Debug)]
pub struct ConnHandle(Arc<ConnInner>);

#[derive(Debug)]
struct ConnInner {
    dup: Mutex<Option<std::net::TcpStream>>,
    kill: Notify,
}

impl ConnHandle {
    pub(crate) fn reset(&self) {
        if let Some(dup) = self.0.dup.lock().expect("conn lock").as_ref() {
            let _ = socket2::SockRef::from(dup).set_linger(Some(Duration::ZERO));
        }
        self.0.kill.notify_one();
    }
}

/// The whole simulator as an axum router: tests can call it in-process (no socket, so a
/// `reset` there becomes a body that fails at once).
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(root))
        .nest("/anthropic", anthropic::router())
        .nest("/openai", openai::openai_router())
        .nest("/gemini", gemini::router())
        .nest("/ollama", openai::ollama_router())
        .route("/status/{provider}/{*rest}", get(status_page))
        .route("/moved/status/{provider}/{*rest}", get(moved_status_page))
        .route("/policy", get(policy))
        .route("/moved/policy", get(moved_policy))
        .route("/_sim/requests", get(control_requests))
        .route("/_sim/state", get(control_state))
        .route("/_sim/advance", post(control_advance))
        .fallback(unknown_path)
        .with_state(state)
}

/// Paths no route serves (`/status/openai`, `/nothing`): a status page the scenario has cut
/// off gives no answer here either — as a real unreachable host would — and otherwise a
/// plain 404.
async fn unknown_path(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    method: axum::http::Method,
) -> Response {
    let path = uri.path();
    let mut segments = path.trim_start_matches('/').split('/');
    let (first, second) = (segments.next().unwrap_or(""), segments.next().unwrap_or(""));
    // Provider paths have their providers' own fallbacks; status pages end up here.
    let cut_off = first == "status" && app.engine.feed(second).mode == FeedMode::Reset;
    let provider = (!first.is_empty() && first != "status").then_some(first);
    if cut_off {
        app.engine
            .log(provider, None, method.as_str(), path, None, "reset");
        return respond::reset(conn.map(|c| c.0)).await;
    }
    app.engine.log(
        provider,
        None,
        method.as_str(),
        path,
        Some(404),
        "not_found",
    );
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}

async fn root(State(app): State<AppState>) -> String {
    format!("switchboard-sim: scenario {}\n", app.engine.scenario.name)
}

async fn control_requests(State(app): State<AppState>) -> Json<Vec<LoggedRequest>> {
    Json(app.requests())
}

async fn control_state(State(app): State<AppState>) -> Json<SimState> {
    Json(app.state())
}

#[derive(Deserialize)]
struct AdvanceQuery {
    seconds: f64,
}

async fn control_advance(
    State(app): State<AppState>,
    Query(query): Query<AdvanceQuery>,
) -> Response {
    if !(query.seconds.is_finite() && query.seconds >= 0.0) {
        return (
            StatusCode::BAD_REQUEST,
            "seconds must be a non-negative number\n",
        )
            .into_response();
    }
    Json(app.advance(Duration::from_secs_f64(query.seconds))).into_response()
}

/// A feed's body and freshness, answered with ETag / Last-Modified and conditional GET.
struct Document {
    body: Vec<u8>,
    content_type: &'static str,
    last_modified: DateTime<Utc>,
}

fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn parse_http_date(text: &str) -> Option<DateTime<Utc>> {
    chrono::NaiveDateTime::parse_from_str(text.trim(), "%a, %d %b %Y %H:%M:%S GMT")
        .ok()
        .map(|t| t.and_utc())
}

/// Answers `doc`, or 304 when the client's `If-None-Match` (first) or `If-Modified-Since`
/// says it already has it.
fn conditional(doc: Document, headers: &HeaderMap) -> (Response, &'static str) {
    let etag = format!("W/\"{:016x}\"", fnv(&doc.body));
    let last_modified = http_date(doc.last_modified);
    let not_modified = match headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        Some(tags) => tags
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.trim_start_matches("W/") == etag.trim_start_matches("W/")),
        None => headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date)
            .is_some_and(|since| doc.last_modified.timestamp() <= since.timestamp()),
    };
    let common = vec![
        ("etag".to_string(), etag),
        ("last-modified".to_string(), last_modified),
        (
            "cache-control".to_string(),
            "max-age=0, private, must-revalidate".to_string(),
        ),
    ];
    if not_modified {
        let response = with_headers(
            Response::new(Body::empty()),
            StatusCode::NOT_MODIFIED,
            common,
        );
        return (response, "not_modified");
    }
    let mut headers = common;
    headers.push(("content-type".into(), doc.content_type.into()));
    (
        with_headers(Response::new(Body::from(doc.body)), StatusCode::OK, headers),
        "ok",
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Route {
    Direct,
    Moved,
}

async fn status_page(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    Path((provider, rest)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    feed(
        &app,
        conn.map(|c| c.0),
        &provider,
        &rest,
        uri.path(),
        &headers,
        Route::Direct,
    )
    .await
}

async fn moved_status_page(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    Path((provider, rest)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    feed(
        &app,
        conn.map(|c| c.0),
        &provider,
        &rest,
        uri.path(),
        &headers,
        Route::Moved,
    )
    .await
}

async fn policy(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    feed(
        &app,
        conn.map(|c| c.0),
        "policy",
        "",
        uri.path(),
        &headers,
        Route::Direct,
    )
    .await
}

async fn moved_policy(
    State(app): State<AppState>,
    conn: Option<Extension<ConnHandle>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    feed(
        &app,
        conn.map(|c| c.0),
        "policy",
        "",
        uri.path(),
        &headers,
        Route::Moved,
    )
    .await
}

/// A status page document or the policy, under the feed's mode.
async fn feed(
    app: &AppState,
    conn: Option<ConnHandle>,
    key: &str,
    rest: &str,
    path: &str,
    headers: &HeaderMap,
    route: Route,
) -> Response {
    let engine = &app.engine;
    let log = |status: Option<u16>, outcome: &str| {
        engine.log(Some(key), None, "GET", path, status, outcome)
    };
    let doc = if key == "policy" {
        let (value, modified) = engine.policy();
        Some(Document {
            body: serde_json::to_vec_pretty(&value).expect("JSON serialises"),
            content_type: "application/json",
            last_modified: modified,
        })
    } else {
        match (page_def(key), engine.page(key)) {
            (Some(_), Some(page)) => {
                if rest == "history.atom" {
                    Some(Document {
                        body: page.history_atom().into_bytes(),
                        content_type: "application/atom+xml; charset=utf-8",
                        last_modified: page.last_modified,
                    })
                } else {
                    rest.strip_prefix("api/v2/")
                        .and_then(|p| page.api_v2(p))
                        .map(|value| Document {
                            body: serde_json::to_vec(&value).expect("JSON serialises"),
                            content_type: "application/json; charset=utf-8",
                            last_modified: page.last_modified,
                        })
                }
            }
            _ => None,
        }
    };
    let Some(doc) = doc else {
        log(Some(404), "not_found");
        return (StatusCode::NOT_FOUND, "Not Found\n").into_response();
    };
    let feed = engine.feed(key);
    let mode = if route == Route::Moved {
        FeedMode::Ok
    } else {
        feed.mode
    };
    match mode {
        FeedMode::Ok => {
            let (response, outcome) = conditional(doc, headers);
            log(Some(response.status().as_u16()), outcome);
            response
        }
        FeedMode::Garbage => {
            log(Some(200), mode.name());
            with_headers(
                Response::new(Body::from(garbage_body(fnv(path.as_bytes())))),
                StatusCode::OK,
                vec![("content-type".into(), doc.content_type.into())],
            )
        }
        FeedMode::HtmlChallenge => {
            let status = feed.status.unwrap_or(403);
            log(Some(status), mode.name());
            with_headers(
                Response::new(Body::from(html_challenge_body())),
                StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN),
                vec![
                    ("content-type".into(), "text/html; charset=UTF-8".into()),
                    ("server".into(), "cloudflare".into()),
                    ("cf-mitigated".into(), "challenge".into()),
                    (
                        "cache-control".into(),
                        "private, max-age=0, no-store, no-cache, must-revalidate".into(),
                    ),
                ],
            )
        }
        FeedMode::Huge => {
            log(Some(200), mode.name());
            respond::huge(doc.body, doc.content_type)
        }
        FeedMode::Stall => {
            log(Some(200), mode.name());
            tokio::time::sleep(Duration::from_secs_f64(feed.seconds.unwrap_or(0.0))).await;
            conditional(doc, headers).0
        }
        FeedMode::Redirect => {
            log(Some(302), mode.name());
            let target = format!("/moved{path}");
            let location = match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
                Some(host) => format!("http://{host}{target}"),
                None => target,
            };
            with_headers(
                Response::new(Body::empty()),
                StatusCode::FOUND,
                vec![("location".into(), location)],
            )
        }
        FeedMode::Reset => {
            log(None, mode.name());
            respond::reset(conn).await
        }
    }
}

/// How to start a [`Simulator`].
#[derive(Debug, Clone, Default)]
pub struct SimOptions {
    /// Port on 127.0.0.1; `None` = an ephemeral port.
    pub port: Option<u16>,
    /// Scenario time moves only by [`Simulator::advance`] (for deterministic tests).
    pub manual_clock: bool,
}

/// A running simulator on 127.0.0.1. Dropping it stops it.
#[derive(Debug)]
pub struct Simulator {
    addr: SocketAddr,
    state: AppState,
    shutdown: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Simulator {
    /// Binds 127.0.0.1 and serves `scenario` until dropped or stopped.
    pub async fn start(scenario: Scenario, options: SimOptions) -> io::Result<Simulator> {
        let listener = TcpListener::bind(("127.0.0.1", options.port.unwrap_or(0))).await?;
        let addr = listener.local_addr()?;
        let state = AppState::new(scenario, options.manual_clock);
        let (shutdown, stop) = watch::channel(false);
        let router = app(state.clone());
        let task = tokio::spawn(accept_loop(listener, router, stop));
        Ok(Simulator {
            addr,
            state,
            shutdown,
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL to configure for `provider` (`…/anthropic`); clients append `/v1/…`.
    pub fn provider_url(&self, provider: &str) -> String {
        format!("{}/{provider}", self.base_url())
    }

    /// The status page root for `provider`; readers append `/api/v2/summary.json` etc.
    pub fn status_url(&self, provider: &str) -> String {
        format!("{}/status/{provider}", self.base_url())
    }

    pub fn policy_url(&self) -> String {
        format!("{}/policy", self.base_url())
    }

    /// A Switchboard `config.toml` that points every provider at the simulator. Gemini and
    /// Ollama get no `status_url`: the real ones publish no feed, and naming one would make
    /// Switchboard read a page that does not exist in the wild.
    pub fn config_toml(&self) -> String {
        let mut text = String::new();
        for provider in ["anthropic", "openai", "gemini", "ollama"] {
            text.push_str(&format!(
                "[providers.{provider}]\nbase_url = \"{}\"\n",
                self.provider_url(provider)
            ));
            if matches!(provider, "anthropic" | "openai") {
                text.push_str(&format!("status_url = \"{}\"\n", self.status_url(provider)));
            }
            text.push('\n');
        }
        // The simulated world is the whole world: whether "the network" is up, only the
        // simulator's providers say (so the offline scenario reads as offline).
        text.push_str("[network]\nconnectivity_targets = []\n\n");
        // Anything pointed at the simulator is a demo, and the window must say so.
        text.push_str(&format!(
            "[demo]\nscenario = \"{}\"\n",
            self.state().scenario
        ));
        text
    }

    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.requests()
    }

    /// Moves scenario time forward.
    pub fn advance(&self, by: Duration) -> SimState {
        self.state.advance(by)
    }

    pub fn state(&self) -> SimState {
        self.state.state()
    }

    /// Stops accepting and closes every connection.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

async fn accept_loop(listener: TcpListener, router: Router, mut stop: watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.changed() => return,
        };
        let Ok((stream, _)) = accepted else { continue };
        let router = router.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            if let Err(error) = serve_connection(stream, router, stop).await {
                tracing::debug!(%error, "connection setup failed");
            }
        });
    }
}

async fn serve_connection(
    stream: TcpStream,
    router: Router,
    mut stop: watch::Receiver<bool>,
) -> io::Result<()> {
    let std_stream = stream.into_std()?;
    let dup = std_stream.try_clone()?;
    let stream = TcpStream::from_std(std_stream)?;
    let handle = ConnHandle(Arc::new(ConnInner {
        dup: Mutex::new(Some(dup)),
        kill: Notify::new(),
    }));
    let for_requests = handle.clone();
    let service = hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(for_requests.clone());
        router.clone().oneshot(request)
    });
    {
        let connection = hyper::server::conn::http1::Builder::new()
            .serve_connection(TokioIo::new(stream), service);
        tokio::select! {
            _ = connection => {}
            _ = handle.0.kill.notified() => {}
            _ = stop.changed() => {}
        }
    }
    // The connection (and its socket) is gone; closing the last duplicate sends RST when
    // SO_LINGER 0 was set.
    drop(handle.0.dup.lock().expect("conn lock").take());
    Ok(())
}
