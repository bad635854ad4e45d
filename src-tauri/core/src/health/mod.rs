//! Per-model availability: what Switchboard concludes about each (provider, model), with one
//! reason, the side the problem is on, and a message a person can act on.
//!
//! The words it decides in (states, reason kinds, sides, sources) are the core's
//! [`vocabulary`](crate::vocabulary); [`engine`] decides from the signals (own traffic, status pages, connectivity, workspace policy), [`message`] puts
//! each decision into words, and [`service`] runs the engine inside the app.
//!
//! ```
//! use switchboard_core::catalog::Catalog;
//! use switchboard_core::health::engine::{HealthEngine, HealthSettings};
//! use switchboard_core::vocabulary::ReasonKind;
//! let now = chrono::Utc::now();
//! let engine = HealthEngine::new(Catalog::shipped().unwrap(), HealthSettings::default(),
//!     |_provider| false, Vec::new(), now);
//! let opus = engine.availability().into_iter().find(|a| a.model.model == "claude-opus-4-7").unwrap();
//! assert_eq!(opus.reason.kind, ReasonKind::NotConfigured);
//! assert_eq!(opus.reason.headline, "Add an Anthropic API key to use Claude");
//! ```

pub mod connectivity;
pub mod engine;
pub mod message;
pub mod policy;
pub mod poller;
pub mod service;
pub mod status_page;
