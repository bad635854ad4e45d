//! What every layer speaks, at the bottom of the core: how a model is named, the state and
//! reason kinds with their sides and evidence sources, how an attempt failed, what a status
//! page and the workspace policy said (already mapped to models), availability and its
//! changes, the person's consents to a stand-in model, and how a conversation's answers end.
//!
//! Nothing here depends on another module of the core: the catalog, the provider clients, the
//! store, the availability engine and the assistant all build on these types, so none of
//! them has to reach up into another for a word.

mod attempt;
mod availability;
mod consent;
mod conversation;
mod evidence;
mod model;
mod reason;
mod words;

pub use attempt::ModelIdentity;
pub use attempt::{
    AttemptOutcome, AttemptRecord, Blame, Failure, FailureClass, StreamBreak, Transport,
};
pub use availability::{Evidence, ModelAvailability, ProviderCheck, Transition};
pub use consent::{Consent, ConsentScope, StandIn};
pub use conversation::{Ending, Role};
pub use evidence::{
    ComponentEvidence, ComponentStatus, Coverage, IncidentEvidence, IncidentPost, PolicyRule,
};
pub use model::ModelRef;
pub use reason::{AvailabilityState, EvidenceSource, Reason, ReasonKind, Side};
pub use words::{and_list, human_wait, wire_word};
