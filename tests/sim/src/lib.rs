//! switchboard-sim: a local stand-in for the AI providers Switchboard talks to.
//!
//! One HTTP server on 127.0.0.1 speaks each provider's real wire format under its own prefix —
//! `/anthropic` (Messages API), `/openai` (Chat Completions), `/gemini` (generateContent),
//! `/ollama` (Ollama's OpenAI-compatible API) — serves their status pages
//! (`/status/anthropic`, `/status/openai`, `/status/gemini`: Statuspage v2 JSON and
//! `history.atom`), a workspace policy document (`/policy`), and replays a [`Scenario`]: a
//! timeline of outages, incidents, policy changes and model releases and retirements.
//!
//! # Use it in a test
//!
//! ```no_run
//! use std::time::Duration;
//! use switchboard_sim::{Scenario, SimOptions, Simulator};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let scenario = Scenario::builtin("june-2026").expect("built-ins parse");
//! // A manual clock: scenario time moves only when the test says so, so nothing sleeps.
//! let sim = Simulator::start(scenario, SimOptions { port: None, manual_clock: true }).await?;
//! let anthropic = sim.provider_url("anthropic"); // point a client here: …/anthropic/v1/messages
//! sim.advance(Duration::from_secs(90)); // past the onset: Opus 4.7 starts failing
//! assert_eq!(sim.state().step_label, "Opus 4.7 and Opus 4.8 start failing");
//! for request in sim.requests() {
//!     println!("{} {} -> {:?} {}", request.method, request.path, request.status, request.outcome);
//! }
//! # let _ = anthropic;
//! sim.stop().await;
//! # Ok(())
//! # }
//! ```
//!
//! - Assert against [`stubs`], not against re-typed strings: the simulator builds its answers
//!   from the same functions ([`stubs::error_answer`], [`stubs::answer_text`]).
//! - [`Simulator::config_toml`] is a ready Switchboard `config.toml` pointing at the simulator.
//! - For in-process tests without a socket, [`app`] is the whole server as an axum `Router`.
//! - Control over HTTP: `GET /_sim/requests`, `GET /_sim/state` (the step, and the model ids
//!   each provider serves now), `POST /_sim/advance?seconds=N`.
//!
//! # Run it by hand
//!
//! `cargo run -p switchboard-sim -- --scenario june-2026 --port 4010` prints the base URL and the
//! config snippet, logs each request, and runs until Ctrl-C. `--manual-clock` freezes scenario
//! time (move it with `curl -X POST 'http://127.0.0.1:4010/_sim/advance?seconds=60'`).
//!
//! The scenario format is described in [`scenario`]; the status pages in [`status`].

pub mod catalog;
mod engine;
mod respond;
pub mod scenario;
mod server;
pub mod status;
pub mod stubs;
mod wire;

pub use engine::{LoggedRequest, SimState, fraction_hits};
pub use scenario::{Scenario, ScenarioError};
pub use server::{AppState, SimOptions, Simulator, app};
