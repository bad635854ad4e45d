//! The window's place on the desktop: one instance (a second launch shows the first), the
//! window's size and place remembered, the tray (its icon is the preferred model's state, in
//! colour and shape), closing to the tray, notifications while the window is not in view,
//! and starting at login. The decisions are the core's ([`Notifier`], the preferences); this
//! only puts them on the desktop.

use crate::commands;
use crate::gather::Gather;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use switchboard_core::Core;
use switchboard_core::notifications::{Audience, Notification, Notifier};
use switchboard_core::vocabulary::{AvailabilityState, ModelAvailability, ModelRef, Transition};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::TrayIconBuilder;
use tauri::webview::{PageLoadEvent, PageLoadPayload};
use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WindowEvent};
use tauri_plugin_autostart::ManagerExt as _;
#[cfg(not(target_os = "linux"))]
use tauri_plugin_notification::NotificationExt as _;
use tauri_plugin_window_state::{AppHandleExt as _, StateFlags};
use tauri_specta::Event as _;

const TRAY: &str = "main";
const WINDOW: &str = "main";

/// What the desktop side keeps between events.
#[derive(Default)]
pub struct Desktop {
    /// The window is shown and focused (its focus events say so; hiding clears it).
    in_view: AtomicBool,
    /// A tray exists: only then does closing the window keep Switchboard running.
    tray: AtomicBool,
    notifier: Mutex<Notifier>,
    /// Counts the window's moves and resizes, so only the last of a burst is written.
    window_moves: std::sync::atomic::AtomicU64,
    /// The preferred model, as last chosen (the availability callbacks are synchronous).
    preferred: Mutex<Option<ModelRef>>,
    /// A redraw of the tray on its way, which the rest of a burst of changes joins.
    tray_redraw: Arc<Gather>,
    /// What the tray shows now, so a redraw that would change nothing is skipped.
    tray_shown: Mutex<Option<TrayLook>>,
}

/// Everything the tray shows: its icon, its tooltip and its menu's entries.
#[derive(Clone, PartialEq)]
struct TrayLook {
    state: Option<AvailabilityState>,
    tooltip: String,
    line: String,
    switch_to: Vec<(ModelRef, String)>,
}

/// How long a burst of availability changes is gathered before the tray is redrawn once. A
/// redraw is a menu rebuilt and sent over D-Bus on the main thread, which also serves the
/// window's page: at start, the first status reading changes every model at once.
const TRAY_GATHER: std::time::Duration = std::time::Duration::from_millis(150);

/// The plugins, in the order they must be registered (single instance first, so a second
/// launch ends before it builds anything).
pub fn plugins<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            tracing::info!("a second launch: showing this window instead");
            show(app, None);
        }))
        // The size and place are restored; whether the window is shown is not: it is shown
        // once its page has loaded (`show_when_loaded`).
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(StateFlags::all() - StateFlags::VISIBLE)
                .build(),
        )
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_autostart::Builder::new().build())
        .plugin(tauri_plugin_clipboard_manager::init())
}

/// The window is created hidden and shown once, when its page has loaded (or after
/// `SHOWN_AT_LATEST`, should the page never say so).
///
/// WebKitGTK, asked to draw a window whose page is not ready, waits on the window's thread for
/// up to half a second for a frame. The web process cannot send one: while it starts it waits
/// for an answer from that same thread, and while the page loads its files come from there
/// too. Shown once the page has loaded, the window never meets that wait. Measured (debug
/// build, 10 starts each): shown at once, 8 starts in 10 lost 0.5–0.6 s to it (a bare Tauri
/// window loses it too); shown when the load began, the wait moved into the page; shown when
/// it had loaded, none did: the picker was on screen after 620–740 ms instead of 1,140–1,500.
pub fn show_when_loaded<R: Runtime>(webview: &tauri::Webview<R>, payload: &PageLoadPayload<'_>) {
    if webview.label() == WINDOW && payload.event() == PageLoadEvent::Finished {
        show_first_time(&webview.window(), "its page had loaded");
    }
}

/// The longest the window stays hidden at start, whatever its page does.
const SHOWN_AT_LATEST: std::time::Duration = std::time::Duration::from_secs(3);

fn show_first_time<R: Runtime>(window: &tauri::Window<R>, when: &'static str) {
    static SHOWN: std::sync::Once = std::sync::Once::new();
    SHOWN.call_once(|| match window.show() {
        Ok(()) => tracing::info!(ms = crate::since_start().as_millis(), when, "window shown"),
        Err(error) => tracing::warn!(%error, "could not show the window"),
    });
}

/// Shows the window, in front, focused; `view` ("settings") is the one it opens on.
pub fn show<R: Runtime>(app: &AppHandle<R>, view: Option<&str>) {
    if let Some(window) = app.get_webview_window(WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    if let Some(view) = view
        && let Err(error) = commands::ShowView(view.to_string()).emit(app)
    {
        tracing::warn!(%error, "could not open a view");
    }
}

/// Wires the desktop to the core, once the app is set up.
pub fn setup(app: &tauri::App, core: &Arc<Core>) -> tauri::Result<Arc<Desktop>> {
    let desktop = Arc::new(Desktop::default());
    let handle = app.handle().clone();
    *desktop.preferred.lock().expect("preferred lock") =
        tauri::async_runtime::block_on(core.preferred_model())
            .ok()
            .flatten();
    desktop.in_view.store(true, Ordering::Relaxed);

    match build_tray(&handle, core) {
        Ok(()) => desktop.tray.store(true, Ordering::Relaxed),
        // A desktop without a tray (no StatusNotifier host): the window simply closes.
        Err(error) => tracing::warn!(%error, "no tray icon on this desktop"),
    }
    refresh_tray(&handle, core, &desktop);
    apply_login(&handle, core.preferences().start_at_login);

    if let Some(window) = app.get_webview_window(WINDOW) {
        watch_window(&window, core, &desktop);
        let window = window.as_ref().window();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(SHOWN_AT_LATEST).await;
            show_first_time(&window, "its page had not loaded in time");
        });
    }
    {
        let (handle, core_for_tray, desktop) = (handle.clone(), core.clone(), desktop.clone());
        let catalog_core = core.clone();
        core.on_transition(move |transition| {
            desktop.heard(&handle, &catalog_core, transition);
            // The tray shows the preferred model and the models one can switch to: only a
            // change to either redraws it (a burst of changes elsewhere costs nothing).
            let preferred = desktop.preferred.lock().expect("preferred lock").clone();
            let available = AvailabilityState::Available;
            if preferred.as_ref() == Some(&transition.model)
                || (transition.from == available) != (transition.to.state == available)
            {
                redraw_tray_soon(&handle, &core_for_tray, &desktop);
            }
        });
    }
    {
        let (handle, core_for, desktop) = (handle.clone(), core.clone(), desktop.clone());
        core.on_fallback(move |event| {
            if let switchboard_core::FallbackEvent::QueuedSent { queued, .. } = event {
                let told = desktop
                    .notifier
                    .lock()
                    .expect("notifier lock")
                    .on_queued_sent(
                        &queued.model,
                        &core_for.catalog(),
                        desktop.audience(&core_for),
                    );
                notify(&handle, told);
            }
        });
    }
    {
        let handle = handle.clone();
        core.on_preferences_changed(move |preferences| {
            apply_login(&handle, preferences.start_at_login);
            if let Err(error) = commands::PreferencesChanged(preferences.clone()).emit(&handle) {
                tracing::warn!(%error, "could not announce the preferences");
            }
        });
    }
    Ok(desktop)
}

impl Desktop {
    fn audience(&self, core: &Core) -> Audience {
        Audience {
            enabled: core.preferences().notifications,
            in_view: self.in_view.load(Ordering::Relaxed),
        }
    }

    fn heard<R: Runtime>(&self, app: &AppHandle<R>, core: &Core, transition: &Transition) {
        let preferred = self.preferred.lock().expect("preferred lock").clone();
        let told = self.notifier.lock().expect("notifier lock").on_transition(
            transition,
            preferred.as_ref(),
            &core.catalog(),
            self.audience(core),
        );
        notify(app, told);
    }

    /// The preferred model changed (in the window or the tray).
    pub fn preferred_changed<R: Runtime>(&self, app: &AppHandle<R>, core: &Core, model: ModelRef) {
        *self.preferred.lock().expect("preferred lock") = Some(model);
        refresh_tray(app, core, self);
    }
}

fn notify<R: Runtime>(app: &AppHandle<R>, told: Option<Notification>) {
    let Some(told) = told else { return };
    #[cfg(target_os = "linux")]
    {
        // Clicking it opens the window; the thread waits for that (or its closing) and ends.
        let app = app.clone();
        std::thread::spawn(move || {
            match notify_rust::Notification::new()
                .appname("Switchboard")
                .summary(&told.title)
                .body(&told.body)
                .action("default", "Open Switchboard")
                .show()
            {
                Ok(shown) => shown.wait_for_action(|action| {
                    if action == "default" {
                        show(&app, None);
                    }
                }),
                Err(error) => tracing::warn!(%error, "could not show a notification"),
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    if let Err(error) = app
        .notification()
        .builder()
        .title(&told.title)
        .body(&told.body)
        .show()
    {
        tracing::warn!(%error, "could not show a notification");
    }
}

/// Focus says whether the person is looking; closing keeps Switchboard in the tray when they
/// asked for it and a tray exists to bring it back.
fn watch_window<R: Runtime>(window: &WebviewWindow<R>, core: &Arc<Core>, desktop: &Arc<Desktop>) {
    let (core, desktop, this) = (core.clone(), desktop.clone(), window.clone());
    window.on_window_event(move |event| match event {
        WindowEvent::Focused(focused) => desktop.in_view.store(*focused, Ordering::Relaxed),
        WindowEvent::CloseRequested { api, .. }
            if core.preferences().close_to_tray && desktop.tray.load(Ordering::Relaxed) =>
        {
            api.prevent_close();
            desktop.in_view.store(false, Ordering::Relaxed);
            let _ = this.hide();
            tracing::info!("closed to the tray");
        }
        // The plugin writes the size and place only on a clean exit; written shortly after each
        // change as well, they survive a crash or a killed process.
        WindowEvent::Resized(_) | WindowEvent::Moved(_) => {
            let generation = desktop.window_moves.fetch_add(1, Ordering::Relaxed) + 1;
            let (app, desktop) = (this.app_handle().clone(), desktop.clone());
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(400)).await;
                // Only the last of a burst (a drag) is written.
                if desktop.window_moves.load(Ordering::Relaxed) == generation
                    && let Err(error) = app.save_window_state(StateFlags::all())
                {
                    tracing::warn!(%error, "could not keep the window's size and place");
                }
            });
        }
        _ => {}
    });
}

fn apply_login<R: Runtime>(app: &AppHandle<R>, wanted: bool) {
    let launcher = app.autolaunch();
    let result = match (wanted, launcher.is_enabled()) {
        (true, Ok(false)) => launcher.enable(),
        (false, Ok(true)) => launcher.disable(),
        (_, Ok(_)) => Ok(()),
        (_, Err(error)) => Err(error),
    };
    if let Err(error) = result {
        tracing::warn!(%error, "could not change starting at login");
    }
}

/// The icon for a state: a badge whose colour *and* shape differ (check, triangle, cross,
/// dash), so it reads without colour.
fn icon_for(state: Option<AvailabilityState>) -> Image<'static> {
    let bytes: &'static [u8] = match state {
        Some(AvailabilityState::Available) => include_bytes!("../../icons/tray/available.png"),
        Some(AvailabilityState::Degraded) => include_bytes!("../../icons/tray/degraded.png"),
        Some(AvailabilityState::Unavailable) => include_bytes!("../../icons/tray/unavailable.png"),
        Some(AvailabilityState::Disabled | AvailabilityState::Unknown) | None => {
            include_bytes!("../../icons/tray/unknown.png")
        }
    };
    Image::from_bytes(bytes).expect("the tray icons are valid PNGs")
}

/// The words for a state, as the picker's badge says them.
fn state_words(availability: &ModelAvailability) -> &'static str {
    match availability.state {
        AvailabilityState::Available => "available",
        AvailabilityState::Degraded => "degraded",
        AvailabilityState::Unavailable => "unavailable",
        AvailabilityState::Disabled => "off",
        AvailabilityState::Unknown => "not checked yet",
    }
}

fn build_tray<R: Runtime>(app: &AppHandle<R>, core: &Arc<Core>) -> tauri::Result<()> {
    let core = core.clone();
    TrayIconBuilder::with_id(TRAY)
        .icon(icon_for(None))
        .tooltip("Switchboard")
        .show_menu_on_left_click(true)
        .on_menu_event(move |app, event| {
            let id = event.id().as_ref().to_string();
            match id.as_str() {
                "open" => show(app, Some("assistant")),
                "settings" => show(app, Some("settings")),
                "quit" => app.exit(0),
                other => {
                    if let Some(model) = other.strip_prefix("prefer:") {
                        choose(app, &core, model);
                    }
                }
            }
        })
        .build(app)?;
    Ok(())
}

/// "Switch model" in the tray: the same as choosing it in the picker.
fn choose<R: Runtime>(app: &AppHandle<R>, core: &Arc<Core>, key: &str) {
    let Some((provider, model)) = key.split_once('/') else {
        return;
    };
    let (app, core, model) = (app.clone(), core.clone(), ModelRef::new(provider, model));
    tauri::async_runtime::spawn(async move {
        match core.set_preferred_model(model).await {
            Ok(chosen) => {
                if let Some(desktop) = app.try_state::<Arc<Desktop>>() {
                    desktop.preferred_changed(&app, &core, chosen.clone());
                }
                if let Err(error) = commands::PreferredModelChanged(chosen).emit(&app) {
                    tracing::warn!(%error, "could not announce the preferred model");
                }
            }
            Err(error) => tracing::warn!(%error, "the tray could not switch the model"),
        }
    });
}

/// The tray's icon, tooltip and menu, from the preferred model's state.
/// Redraws the tray once, a moment from now, for however many changes arrive until then; it
/// reads the state as it is then, so no change is left out.
fn redraw_tray_soon<R: Runtime>(app: &AppHandle<R>, core: &Arc<Core>, desktop: &Arc<Desktop>) {
    let (app, core, this) = (app.clone(), core.clone(), desktop.clone());
    desktop.tray_redraw.soon(TRAY_GATHER, move || {
        refresh_tray(&app, &core, &this);
    });
}

fn refresh_tray<R: Runtime>(app: &AppHandle<R>, core: &Core, desktop: &Desktop) {
    let Some(tray) = app.tray_by_id(TRAY) else {
        return;
    };
    let catalog = core.catalog();
    let availability = core.availability();
    let preferred = desktop.preferred.lock().expect("preferred lock").clone();
    let current = preferred
        .as_ref()
        .and_then(|p| availability.iter().find(|a| &a.model == p));
    let name = |m: &ModelRef| {
        catalog
            .model(&m.provider, &m.model)
            .map_or(m.model.clone(), |m| m.display_name.clone())
    };
    let (line, tooltip) = match (&preferred, current) {
        (Some(model), Some(a)) => (
            format!("{} — {}", name(model), state_words(a)),
            format!("Switchboard — {}: {}", name(model), a.reason.headline),
        ),
        _ => (
            "No model chosen yet".to_string(),
            "Switchboard — no model chosen yet".to_string(),
        ),
    };
    // The models that can answer now, as the picker would offer them.
    let switch_to = availability
        .iter()
        .filter(|a| a.state == AvailabilityState::Available && Some(&a.model) != preferred.as_ref())
        .map(|a| (a.model.clone(), name(&a.model)))
        .collect();
    let look = TrayLook {
        state: current.map(|a| a.state),
        tooltip,
        line,
        switch_to,
    };
    let mut shown = desktop.tray_shown.lock().expect("tray lock");
    if shown.as_ref() == Some(&look) {
        return;
    }
    let _ = tray.set_icon(Some(icon_for(look.state)));
    let _ = tray.set_tooltip(Some(&look.tooltip));
    match tray_menu(app, &look) {
        Ok(menu) => {
            let _ = tray.set_menu(Some(menu));
            *shown = Some(look);
        }
        Err(error) => tracing::warn!(%error, "could not build the tray menu"),
    }
}

fn tray_menu<R: Runtime>(app: &AppHandle<R>, look: &TrayLook) -> tauri::Result<Menu<R>> {
    let heading = MenuItem::with_id(app, "state", &look.line, false, None::<&str>)?;
    let mut switch_items = Vec::new();
    for (model, name) in &look.switch_to {
        switch_items.push(MenuItem::with_id(
            app,
            format!("prefer:{}/{}", model.provider, model.model),
            name,
            true,
            None::<&str>,
        )?);
    }
    let none = MenuItem::with_id(
        app,
        "none",
        "No other model is available now",
        false,
        None::<&str>,
    )?;
    let refs: Vec<&dyn tauri::menu::IsMenuItem<R>> = if switch_items.is_empty() {
        vec![&none]
    } else {
        switch_items
            .iter()
            .map(|i| i as &dyn tauri::menu::IsMenuItem<R>)
            .collect()
    };
    let switch = Submenu::with_items(app, "Switch model", true, &refs)?;
    let open = MenuItem::with_id(app, "open", "Open Switchboard", true, None::<&str>)?;
    let settings = MenuItem::with_id(app, "settings", "Settings…", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    Menu::with_items(
        app,
        &[
            &heading,
            &PredefinedMenuItem::separator(app)?,
            &switch,
            &open,
            &settings,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )
}
