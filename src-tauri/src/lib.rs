//! Switchboard: pick the AI model you prefer and always know, per model, whether it can be
//! used right now — and if not, why and on whose side.
//!
//! The core (`catalog`, `health`, `assistant`, `store`, `config`) knows nothing of Tauri;
//! `commands` is the window's door to it and `cli` the terminal's.

pub mod assistant;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod error;
pub mod health;
pub mod logging;
pub mod notice;
pub mod overview;
pub mod providers;
pub mod startup;
pub mod store;

use clap::Parser;
use cli::{Cli, Command};
use config::Paths;
use std::process::ExitCode;

/// The binary's entry point: a subcommand runs headless; no subcommand opens the window.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let paths = Paths::from_process_env();
    match cli.command {
        Some(Command::Status { json }) => {
            let _guard = logging::init(&paths.data_dir, "warn");
            run_status(paths, json)
        }
        None => {
            let _guard = logging::init(&paths.data_dir, "info");
            run_window(paths)
        }
    }
}

fn run_status(paths: Paths, json: bool) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("switchboard: could not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let now = chrono::Utc::now();
        let started = match startup::start(paths, now).await {
            Ok(started) => started,
            Err(e) => {
                eprintln!("switchboard: {e}");
                return ExitCode::FAILURE;
            }
        };
        for notice in &started.notices {
            eprintln!("switchboard: {}: {}", notice.title, notice.message);
        }
        let preferred = assistant::preferred_model(&started.store, &started.catalog)
            .await
            .ok()
            .flatten();
        let availability = startup::current_availability(&started.catalog, now);
        let lines = cli::status_lines(&started.catalog, &availability, preferred.as_ref());
        if json {
            println!("{}", cli::render_json(&lines));
        } else {
            print!("{}", cli::render_table(&lines));
        }
        started.store.close().await;
        ExitCode::SUCCESS
    })
}

fn run_window(paths: Paths) -> ExitCode {
    let started = match tauri::async_runtime::block_on(startup::start(paths, chrono::Utc::now())) {
        Ok(started) => started,
        Err(e) => {
            tracing::error!(error = %e, "could not start");
            eprintln!("switchboard: {e}");
            return ExitCode::FAILURE;
        }
    };
    let bindings = commands::bindings();
    let result = tauri::Builder::default()
        .invoke_handler(bindings.invoke_handler())
        .manage(started.catalog)
        .manage(started.store)
        .manage(commands::StartupNotices(started.notices))
        .setup(move |app| {
            bindings.mount_events(app);
            Ok(())
        })
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the window failed");
            eprintln!("switchboard: the window failed: {e}");
            ExitCode::FAILURE
        }
    }
}
