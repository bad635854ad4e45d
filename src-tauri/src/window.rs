//! The first door: the window. It starts the core, hands it to the commands, forwards what
//! the core announces as events, and shuts the core down when the window closes.

use crate::commands;
use crate::gather::Gather;
use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use switchboard_core::config::Paths;
use switchboard_core::vocabulary::{ModelAvailability, ModelRef};
use switchboard_core::{Core, CoreOptions};
use tauri::Manager;
use tauri_specta::Event;

/// How long availability changes are gathered before the page hears them. A policy turning
/// 968 models off makes its changes over about a tenth of a second (each is logged and
/// kept); gathered for 16 ms they reached the page in 13 events, and the page drew no frame
/// for half a second.
const CHANGES_GATHERED: std::time::Duration = std::time::Duration::from_millis(100);

pub fn run(paths: Paths) -> ExitCode {
    let bindings = commands::bindings();
    // The plugins run first (in `build`): a second launch hands over to the running one and
    // ends there, before it opens the database or asks anyone anything.
    let app = crate::desktop::plugins(tauri::Builder::default())
        .invoke_handler(bindings.invoke_handler())
        .on_page_load(crate::desktop::show_when_loaded)
        .setup(move |app| {
            // Whether the window is already on screen (it is created hidden: `show_when_loaded`).
            let visible = app
                .get_webview_window("main")
                .and_then(|window| window.is_visible().ok());
            tracing::info!(
                ms = crate::since_start().as_millis(),
                ?visible,
                "setting up the window"
            );
            let core = app.state::<Arc<Core>>().inner().clone();
            bindings.mount_events(app);
            wire(app, &core)?;
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
    // The core starts before the window exists, not in `setup`: the window's page loads its
    // files from the main thread, which `setup` would keep busy (the window itself is shown
    // only once the page has loaded: `desktop::show_when_loaded`).
    // The window probes models whose breaker is due; `[health] probes` can turn that off.
    let core = match tauri::async_runtime::block_on(Core::start(CoreOptions::system(paths, true))) {
        Ok(core) => core,
        Err(e) => {
            tracing::error!(error = %e, "could not start");
            eprintln!("switchboard: {e}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(ms = crate::since_start().as_millis(), "core started");
    app.manage(core);
    let code = app.run_return(move |app, event| {
        if let tauri::RunEvent::Exit = event
            && let Some(core) = app.try_state::<Arc<Core>>()
        {
            // What is on its way to the database is written before the process ends.
            tauri::async_runtime::block_on(core.shutdown());
        }
    });
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// What the window hears from the core (as events), the desktop's tray and notifications,
/// the title, and the background work: all that `setup` does, without waiting on anything.
fn wire(app: &tauri::App, core: &Arc<Core>) -> tauri::Result<()> {
    // A burst of changes reaches the page as one event, a frame later: one message to the
    // WebView and one redraw, not a thousand.
    let handle = app.handle().clone();
    // The latest state of each model changed since the last event.
    let outbox = Arc::new(Mutex::new(HashMap::<ModelRef, ModelAvailability>::new()));
    let sending = Arc::new(Gather::default());
    core.on_availability_change(move |availability| {
        outbox
            .lock()
            .expect("outbox lock")
            .insert(availability.model.clone(), availability.clone());
        let (handle, outbox) = (handle.clone(), outbox.clone());
        sending.soon(CHANGES_GATHERED, move || {
            let batch: Vec<ModelAvailability> =
                std::mem::take(&mut *outbox.lock().expect("outbox lock"))
                    .into_values()
                    .collect();
            if batch.is_empty() {
                return;
            }
            if let Err(error) = commands::AvailabilityChanged(batch).emit(&handle) {
                tracing::warn!(%error, "could not show an availability change");
            }
        });
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
    let desktop = crate::desktop::setup(app, core)?;
    app.manage(desktop);
    tracing::info!(
        ms = crate::since_start().as_millis(),
        "tray, notifications and autostart set up"
    );
    if let Some(window) = app.get_webview_window("main") {
        let title = match core.demo() {
            Some(scenario) => format!("Switchboard — DEMO: simulated providers ({scenario})"),
            None => "Switchboard".to_string(),
        };
        window.set_title(&title)?;
    }
    // The window shows the cached lists and the last known states at once; the policy, the
    // status pages and the lists are read in the background.
    let core = core.clone();
    tauri::async_runtime::spawn(async move { core.run_in_background().await });
    Ok(())
}
