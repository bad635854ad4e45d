//! Living with the app on a desktop, through the real window: what is chosen in Settings
//! survives a restart, and a second launch hands over to the first instead of opening
//! another window on the same data.

use std::time::Duration;
use switchboard_e2e::{App, Profile, app_binary, window_title};

async fn theme(app: &App) -> String {
    app.client
        .execute(
            "return document.documentElement.dataset.theme ?? ''",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn checked(app: &App, css: &str) -> bool {
    let css = serde_json::Value::from(css);
    app.client
        .execute(
            "return document.querySelector(arguments[0])?.checked ?? null",
            vec![css],
        )
        .await
        .unwrap()
        .as_bool()
        .expect("the control is there")
}

/// The log the app has written to its profile so far.
fn log_of(profile: &Profile) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(profile.data_dir().join("logs"))
        .into_iter()
        .flatten()
        .flatten()
    {
        text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    text
}

/// Whether each top-level window on `display` whose title begins with `title` is mapped.
fn mapped_windows(display: &str, title: &str) -> Vec<bool> {
    use x11rb::connection::Connection as _;
    use x11rb::protocol::xproto::{ConnectionExt as _, MapState};
    let (conn, screen) = x11rb::connect(Some(display)).expect("the test's X display");
    let root = conn.setup().roots[screen].root;
    let children = conn.query_tree(root).unwrap().reply().unwrap().children;
    children
        .into_iter()
        .filter(|&window| window_title(&conn, window).starts_with(title))
        .map(|window| {
            conn.get_window_attributes(window)
                .unwrap()
                .reply()
                .unwrap()
                .map_state
                == MapState::VIEWABLE
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_is_shown_once_its_page_has_loaded() {
    let profile = Profile::new();
    let app = App::launch(&profile).await;
    // Created hidden; shown by the page's load, not by the fallback a few seconds later.
    let said = app
        .eventually(
            || async { log_of(&profile) },
            |log: &String| log.contains("window shown"),
        )
        .await;
    let shown = said
        .lines()
        .find(|line| line.contains("window shown"))
        .unwrap();
    assert!(shown.contains("its page had loaded"), "{shown}");
    let created = said
        .lines()
        .find(|line| line.contains("setting up the window"))
        .unwrap();
    assert!(
        created.contains("visible=Some(false)"),
        "not on screen before its page has loaded: {created}"
    );
    assert_eq!(mapped_windows(&app.display, "Switchboard"), vec![true]);
    app.close().await;
}

const CLOSE_TO_TRAY: &str = "[data-testid=behaviour] li:nth-child(3) input[type=checkbox]";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_theme_and_closing_to_the_tray_survive_a_restart() {
    let profile = Profile::new();
    let app = App::launch(&profile).await;
    app.show("Settings").await;
    app.wait_for("[data-testid=behaviour] input[type=radio][value=dark]")
        .await;
    assert!(!checked(&app, CLOSE_TO_TRAY).await, "off until chosen");
    app.click("[data-testid=behaviour] input[type=radio][value=dark]")
        .await;
    app.eventually(|| theme(&app), |t: &String| t == "dark")
        .await;
    app.click(CLOSE_TO_TRAY).await;
    app.eventually(|| checked(&app, CLOSE_TO_TRAY), |c: &bool| *c)
        .await;
    // Dark, in the real window: the page's background is the dark one.
    let background = app
        .client
        .execute(
            "return getComputedStyle(document.documentElement).backgroundColor",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(background, "rgb(18, 20, 24)", "the dark --bg");
    app.screenshot(std::path::Path::new("/tmp/switchboard-dark-settings.png"))
        .await;
    app.close().await;

    let again = App::launch(&profile).await;
    assert_eq!(theme(&again).await, "dark", "dark from the first paint on");
    again.show("Settings").await;
    again.wait_for(CLOSE_TO_TRAY).await;
    assert!(checked(&again, CLOSE_TO_TRAY).await);
    again.close().await;
}

/// A session bus of the test's own, as a desktop session has: single-instance finds the
/// first window through it.
struct SessionBus {
    daemon: std::process::Child,
    address: String,
}

impl SessionBus {
    fn start() -> Self {
        use std::io::{BufRead, BufReader};
        let mut daemon = std::process::Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("dbus-daemon (apt-get install dbus)");
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut address)
            .expect("the bus address");
        Self {
            daemon,
            address: address.trim().to_string(),
        }
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_launch_shows_the_first_window_and_ends() {
    let bus = SessionBus::start();
    let mut profile = Profile::new();
    profile.set_env("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    let app = App::launch(&profile).await;
    assert!(!log_of(&profile).contains("a second launch"));

    let mut second = tokio::process::Command::new(app_binary());
    second
        .env("DISPLAY", &app.display)
        .env("NO_AT_BRIDGE", "1")
        .env("GDK_BACKEND", "x11")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    for (k, v) in profile.env() {
        second.env(k, v);
    }
    let ended = tokio::time::timeout(Duration::from_secs(30), second.output())
        .await
        .expect("the second launch ends by itself")
        .unwrap();
    assert!(
        ended.status.success(),
        "{}",
        String::from_utf8_lossy(&ended.stderr)
    );
    app.eventually(
        || async { log_of(&profile).contains("a second launch: showing this window instead") },
        |told: &bool| *told,
    )
    .await;
    // The first window is still there and working.
    app.show("Models").await;
    assert!(!app.attrs("[role=option]", "data-model").await.is_empty());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_keeps_its_size_across_a_restart() {
    let profile = Profile::new();
    let app = App::launch(&profile).await;
    app.client
        .set_window_size(900, 640)
        .await
        .expect("the window can be resized");
    let (w, h) = app.client.get_window_size().await.unwrap();
    assert_eq!((w, h), (900, 640));
    // Written shortly after the change, not only on a clean exit (a WebDriver session ends by
    // ending the process).
    let state = profile
        .config_home()
        .join("dev.switchboard.desktop/.window-state.json");
    let written = app
        .eventually(
            || async { std::fs::read_to_string(&state).unwrap_or_default() },
            |text: &String| text.contains("900"),
        )
        .await;
    assert!(written.contains("640"), "{written}");
    app.close().await;

    let again = App::launch(&profile).await;
    let (w, h) = again.client.get_window_size().await.unwrap();
    assert_eq!((w, h), (900, 640), "remembered from the last run");
    again.close().await;
}
