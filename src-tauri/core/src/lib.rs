//! Switchboard's core: pick the AI model you prefer and always know, per model, whether it
//! can be used right now — and if not, why and on whose side.
//!
//! Nothing here knows of Tauri (the crate does not depend on it); the window's commands and
//! the terminal's subcommands in the `switchboard` crate are doors onto it.

pub mod assistant;
pub mod board;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod fallback;
pub mod health;
pub mod history;
pub mod model_lists;
pub mod notice;
pub mod notifications;
pub mod overview;
pub mod providers;
pub mod root;
pub mod startup;
pub mod statement;
pub mod stats;
pub mod store;
pub mod timeline;
pub mod vocabulary;

pub use root::{Choice, Core, CoreOptions, FallbackEvent};
pub use root::{FixedByConfig, Preferences, PreferencesView, Theme};
pub use root::{HistoryError, ProviderSetup, ProviderSetupError, ServerCheck, StatementError};
pub use root::{KeyCheck, KeyEntryError, KeyPlace, ProviderKey};
pub use root::{WorkspaceError, WorkspaceView};
