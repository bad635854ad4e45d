//! switchboard-sim's integration tests: one binary, a file per area.

mod behaviours;
mod control;
mod errors;
mod listing;
mod scenarios;
mod status;
mod support;
mod wire;
