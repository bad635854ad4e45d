//! Switchboard: pick the AI model you prefer and always know, per model, whether it can be
//! used right now — and if not, why and on whose side.
//!
//! The core (`switchboard-core`) knows nothing of Tauri; `commands` is the window's door to
//! it and `cli` the terminal's.

pub mod cli;
pub mod commands;
pub mod desktop;
pub mod error;
pub mod gather;
pub mod logging;
pub mod window;

use clap::Parser;
use cli::Cli;
use std::process::ExitCode;
use switchboard_core::config::Paths;

/// When this process began: the window's first paint is logged against it.
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// How long since this process began.
pub fn since_start() -> std::time::Duration {
    STARTED.get_or_init(std::time::Instant::now).elapsed()
}

/// The binary's entry point: a subcommand runs headless; no subcommand opens the window.
pub fn main() -> ExitCode {
    STARTED.get_or_init(std::time::Instant::now);
    let cli = Cli::parse();
    let paths = Paths::from_process_env();
    match cli.command {
        Some(command) => {
            let _guard = logging::init(&paths.data_dir, "warn");
            cli::run(command, paths)
        }
        None => {
            let _guard = logging::init(&paths.data_dir, "info");
            window::run(paths)
        }
    }
}
