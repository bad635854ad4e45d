//! The first door: the window. It starts the core, hands it to the commands, forwards what
//! the core announces as events, and shuts the core down when the window closes.

use crate::commands;
use std::process::ExitCode;
use std::sync::Arc;
use switchboard_core::config::Paths;
use switchboard_core::{Core, CoreOptions};
use tauri::Manager;
use tauri_specta::Event;

pub fn run(paths: Paths) -> ExitCode {
    // The window probes models whose breaker is due; `[health] probes` can turn that off.
    let core = match tauri::async_runtime::block_on(Core::start(CoreOptions::system(paths, true))) {
        Ok(core) => core,
        Err(e) => {
            tracing::error!(error = %e, "could not start");
            eprintln!("switchboard: {e}");
            return ExitCode::FAILURE;
        }
    };
    let bindings = commands::bindings();
    let title = match core.demo() {
        Some(scenario) => format!("Switchboard — DEMO: simulated providers ({scenario})"),
        None => "Switchboard".to_string(),
    };
    let in_setup = core.clone();
    let app = tauri::Builder::default()
        .invoke_handler(bindings.invoke_handler())
        .manage(core.clone())
        .setup(move |app| {
            bindings.mount_events(app);
            let core = in_setup;
            let handle = app.handle().clone();
            core.on_availability_change(move |availability| {
                if let Err(error) =
                    commands::AvailabilityChanged(availability.clone()).emit(&handle)
                {
                    tracing::warn!(%error, "could not show an availability change");
                }
            });
            let handle = app.handle().clone();
            core.on_fallback(move |event| {
                if let Err(error) = commands::FallbackChanged(event.clone()).emit(&handle) {
                    tracing::warn!(%error, "could not announce a return or a queued message");
                }
            });
            let handle = app.handle().clone();
            core.on_catalog_change(move || {
                if let Err(error) = commands::CatalogChanged.emit(&handle) {
                    tracing::warn!(%error, "could not announce a catalog change");
                }
            });
            // The window shows the cached lists and the last known states at once; the
            // policy, the status pages and the lists are read in the background.
            tauri::async_runtime::spawn(async move { core.run_in_background().await });
            if let Some(window) = app.get_webview_window("main") {
                window.set_title(&title)?;
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "the window failed");
            eprintln!("switchboard: the window failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let on_exit: Arc<Core> = core;
    let code = app.run_return(move |_, event| {
        if let tauri::RunEvent::Exit = event {
            // What is on its way to the database is written before the process ends.
            tauri::async_runtime::block_on(on_exit.shutdown());
        }
    });
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
