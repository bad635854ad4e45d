//! A harness that runs the real, built Switchboard binary in a real window and drives it
//! through WebDriver: `tauri-driver` in front of Debian's `WebKitWebDriver`.
//!
//! ```no_run
//! # async fn demo() {
//! use switchboard_e2e::{App, Profile};
//! let profile = Profile::new();              // a fresh data dir and config path
//! let app = App::launch(&profile).await;     // Xvfb if there is no display, tauri-driver, the app
//! let names = app.texts("[role=option] .name").await;
//! assert!(names.contains(&"Claude Opus 4.7".to_string()));
//! app.close().await;
//! # }
//! ```
//!
//! Each [`App`] has its own tauri-driver (the app inherits its environment, so each test gets
//! its own data dir) and, when no `DISPLAY` is set, its own Xvfb. Launches are serialised:
//! two WebKit processes starting at once on a 2-core machine only make each other slow.

pub mod measure;

/// A window's title (`WM_NAME`) as the X server has it; empty when it has none.
pub fn window_title(conn: &impl x11rb::connection::Connection, window: u32) -> String {
    use x11rb::protocol::xproto::{AtomEnum, ConnectionExt as _};
    conn.get_property(false, window, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 256)
        .ok()
        .and_then(|cookie| cookie.reply().ok())
        .map(|reply| String::from_utf8_lossy(&reply.value).into_owned())
        .unwrap_or_default()
}

use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use hyper_util::client::legacy::connect::HttpConnector;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, MutexGuard};

/// How long a debug build may take to open its window under load.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(90);
/// How long to wait for something to appear on screen.
pub const UI_TIMEOUT: Duration = Duration::from_secs(20);
/// The longest one WebDriver command may go unanswered: a command that never returns (seen
/// once, after a second launch re-presented the window) fails the test, naming it, instead
/// of holding the whole run until CI's limit.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// `command`, or a failure naming `what` when WebDriver does not answer in time.
async fn answered<T>(what: &str, command: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(COMMAND_TIMEOUT, command)
        .await
        .unwrap_or_else(|_| panic!("WebDriver did not answer {what} within {COMMAND_TIMEOUT:?}"))
}

/// The built app. `make test` builds it first; `SWITCHBOARD_BIN` points elsewhere.
pub fn app_binary() -> PathBuf {
    let path = std::env::var_os("SWITCHBOARD_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/switchboard")
        });
    assert!(
        path.exists(),
        "the app binary {} does not exist: build it first (`make test` does, or \
         `npm --prefix ui run build && cargo build -p switchboard`)",
        path.display()
    );
    path
}

/// A person's own corner of the machine: a fresh data dir and a config file path.
pub struct Profile {
    dir: tempfile::TempDir,
    keys: Vec<(String, String)>,
    /// More variables, set last (a test's own session bus, say).
    extra: Vec<(String, String)>,
}

impl Default for Profile {
    fn default() -> Self {
        Self::new()
    }
}

impl Profile {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary directory"),
            keys: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// A profile with a key for every provider (for runs against the simulator).
    pub fn with_keys() -> Self {
        let mut profile = Self::new();
        profile.keys = ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY"]
            .into_iter()
            .map(|k| (k.to_string(), "sk-sim-e2e".to_string()))
            .collect();
        profile
    }

    /// Sets `name` for every process this profile starts.
    pub fn set_env(&mut self, name: &str, value: &str) {
        self.extra.push((name.into(), value.into()));
    }

    /// Where the app keeps what the desktop asks of it (the window's size, login start).
    pub fn config_home(&self) -> PathBuf {
        self.dir.path().join("xdg-config")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn config_file(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config_file(), text).expect("write config");
    }

    /// The variables that point the app at this profile and keep it away from the real
    /// desktop's keys, bus and settings.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("SWITCHBOARD_DATA_DIR".into(), path_str(&self.data_dir())),
            ("SWITCHBOARD_CONFIG".into(), path_str(&self.config_file())),
            ("RUST_LOG".into(), "info".into()),
            // The window's remembered size, starting at login, WebKit's caches: this
            // profile's, never the desktop's.
            (
                "XDG_CONFIG_HOME".into(),
                path_str(&self.dir.path().join("xdg-config")),
            ),
            (
                "XDG_DATA_HOME".into(),
                path_str(&self.dir.path().join("xdg-data")),
            ),
            (
                "XDG_CACHE_HOME".into(),
                path_str(&self.dir.path().join("xdg-cache")),
            ),
        ];
        // Nothing under test may reach beyond this machine: any request for another host
        // (the shipped status pages, say) goes to a closed local port instead.
        for proxy in [
            "HTTPS_PROXY",
            "HTTP_PROXY",
            "ALL_PROXY",
            "https_proxy",
            "http_proxy",
            "all_proxy",
        ] {
            env.push((proxy.into(), "http://127.0.0.1:9".into()));
        }
        for no_proxy in ["NO_PROXY", "no_proxy"] {
            env.push((no_proxy.into(), "127.0.0.1,localhost,::1".into()));
        }
        // No key from the developer's shell leaks into a test; only the profile's own.
        for key in ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY"] {
            let value = self
                .keys
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            env.push((key.into(), value));
        }
        env.extend(self.extra.iter().cloned());
        env
    }

    /// Runs the binary headless (`switchboard status --json` and the like).
    pub fn run_cli(&self, args: &[&str]) -> Output {
        let mut command = Command::new(app_binary());
        command
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        for (k, v) in self.env() {
            command.env(k, v);
        }
        command.output().expect("run the switchboard binary")
    }

    /// Runs the binary on a terminal (a pseudo-terminal, through util-linux's `script`), with
    /// `typed` as what the person types; stdout and stderr arrive together, as on a screen.
    pub fn run_cli_on_a_terminal(&self, args: &[&str], typed: &str) -> Output {
        let quoted: Vec<String> = std::iter::once(path_str(&app_binary()))
            .chain(args.iter().map(|a| a.to_string()))
            .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
            .collect();
        let mut command = Command::new("script");
        command
            .args(["-qec", &quoted.join(" "), "/dev/null"])
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in self.env() {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("run script");
        child
            .stdin
            .take()
            .expect("its stdin")
            .write_all(typed.as_bytes())
            .expect("type");
        child.wait_with_output().expect("the terminal run ends")
    }
}

fn path_str(path: &Path) -> String {
    path.to_str()
        .expect("temporary paths are UTF-8")
        .to_string()
}

fn launch_lock() -> &'static Mutex<()> {
    static LOCK: OnceLock<Mutex<()>> = OnceLock::new();
    LOCK.get_or_init(|| Mutex::new(()))
}

/// The running app with its WebDriver session.
pub struct App {
    pub client: Client,
    /// The X display the window is on.
    pub display: String,
    driver: Child,
    _xvfb: Option<Xvfb>,
    _turn: MutexGuard<'static, ()>,
}

impl App {
    pub async fn launch(profile: &Profile) -> App {
        let turn = launch_lock().lock().await;
        let xvfb = if std::env::var_os("DISPLAY").is_some() {
            None
        } else {
            Some(Xvfb::start().expect("start Xvfb (apt-get install xvfb)"))
        };
        let display = xvfb
            .as_ref()
            .map(|x| x.display.clone())
            .or_else(|| std::env::var("DISPLAY").ok())
            .expect("a display");

        // tauri-driver can accept the session request while WebKitWebDriver is still coming
        // up, and a port found free can be taken before the driver listens on it (another
        // test's server): a refused first session or a driver that never answers is retried
        // on fresh ports.
        let mut attempt = 0;
        let (client, driver) = loop {
            attempt += 1;
            let (mut driver, port) = match spawn_driver(profile, &display) {
                Ok(started) => started,
                Err(e) if attempt < 3 => {
                    eprintln!("e2e: {e}; trying again on fresh ports");
                    continue;
                }
                Err(e) => panic!("{e}"),
            };
            let mut capabilities = serde_json::Map::new();
            capabilities.insert(
                "tauri:options".into(),
                serde_json::json!({ "application": app_binary() }),
            );
            let mut builder = ClientBuilder::new(HttpConnector::new());
            builder.capabilities(capabilities);
            let url = format!("http://127.0.0.1:{port}");
            match tokio::time::timeout(LAUNCH_TIMEOUT, builder.connect(&url)).await {
                Ok(Ok(client)) => break (client, driver),
                Ok(Err(e)) if attempt < 3 => {
                    eprintln!("e2e: the session did not start ({e}); trying again");
                    kill_group(&mut driver);
                }
                Ok(Err(e)) => {
                    kill_group(&mut driver);
                    panic!("the app did not start under WebDriver: {e}")
                }
                Err(_) => {
                    kill_group(&mut driver);
                    panic!("the app did not open a window within {LAUNCH_TIMEOUT:?}")
                }
            }
        };
        let app = App {
            client,
            display,
            driver,
            _xvfb: xvfb,
            _turn: turn,
        };
        // The window is up when a view (or an error) has rendered.
        app.wait_for("[role=tabpanel], .error").await;
        app
    }

    pub async fn wait_for(&self, css: &str) -> Element {
        answered(
            &format!("waiting for `{css}`"),
            self.client
                .wait()
                .at_most(UI_TIMEOUT)
                .every(Duration::from_millis(100))
                .for_element(Locator::Css(css)),
        )
        .await
        .unwrap_or_else(|e| panic!("`{css}` did not appear within {UI_TIMEOUT:?}: {e}"))
    }

    /// The visible text of every element matching `css`, read in one step in the page so a
    /// re-render between finding and reading cannot make an element stale.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        self.read_all(css, "e.innerText.trim()").await
    }

    /// An attribute of every element matching `css` (empty where absent), read in one step.
    pub async fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        let attr = serde_json::to_string(attr).expect("a JSON string");
        self.read_all(css, &format!("e.getAttribute({attr}) ?? ''"))
            .await
    }

    async fn read_all(&self, css: &str, expression: &str) -> Vec<String> {
        let script = format!(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => {expression});"
        );
        let value = answered(
            &format!("reading `{css}`"),
            self.client
                .execute(&script, vec![serde_json::Value::from(css)]),
        )
        .await
        .unwrap_or_else(|e| panic!("read `{css}`: {e}"));
        serde_json::from_value(value).unwrap_or_else(|e| panic!("read `{css}`: {e}"))
    }

    /// Polls `read` until `done` holds, and returns that value. The window is another process
    /// reached through WebDriver, so there is nothing to await but the page itself; when the
    /// UI timeout passes first, the test fails with the last value read.
    pub async fn eventually<T, F, Fut>(&self, mut read: F, done: impl Fn(&T) -> bool) -> T
    where
        T: std::fmt::Debug,
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            let value = read().await;
            if done(&value) {
                return value;
            }
            if Instant::now() > deadline {
                panic!("the window did not get there within {UI_TIMEOUT:?}; last read: {value:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Switches to the Models or Assistant view by its tab.
    pub async fn show(&self, tab: &str) {
        let id = format!("#tab-{}", tab.to_ascii_lowercase());
        self.click(&id).await;
        self.eventually(
            || self.attrs(&id, "aria-selected"),
            |v: &Vec<String>| v == &["true"],
        )
        .await;
    }

    /// Chooses the preferred model in the Models view and returns to the assistant.
    pub async fn prefer(&self, model: &str) {
        self.show("Models").await;
        self.click(&format!("[data-model='{model}']")).await;
        self.eventually(
            || self.attrs("[role=option][aria-selected=true]", "data-model"),
            |m: &Vec<String>| m == &[model],
        )
        .await;
        self.show("Assistant").await;
    }

    /// Types `text` in the compose box (nothing for "") and presses Enter.
    pub async fn type_and_send(&self, text: &str) {
        let compose = self.wait_for("textarea[aria-label=Message]").await;
        if !text.is_empty() {
            compose.send_keys(text).await.unwrap();
        }
        compose
            .send_keys(&fantoccini::key::Key::Enter)
            .await
            .unwrap();
    }

    /// What the compose box holds.
    pub async fn compose_text(&self) -> String {
        let value = self
            .client
            .execute(
                "return document.querySelector('textarea[aria-label=Message]').value",
                vec![],
            )
            .await
            .unwrap();
        value.as_str().unwrap_or_default().to_string()
    }

    /// Clicks what `css` finds first, once it is there.
    pub async fn click(&self, css: &str) {
        let element = self.wait_for(css).await;
        answered(&format!("a click on `{css}`"), element.click())
            .await
            .unwrap_or_else(|e| panic!("click `{css}`: {e}"));
    }

    /// The app's own process (under tauri-driver and WebKitWebDriver), for reading its
    /// memory and CPU time ([`measure`]).
    pub fn app_pid(&self) -> Option<u32> {
        let name = app_binary().file_name()?.to_string_lossy().to_string();
        // `comm` holds the first 15 bytes of the name.
        let comm: String = name.chars().take(15).collect();
        measure::find(self.driver.id(), &comm)
    }

    /// Saves a screenshot of the window (for looking at a failure).
    pub async fn screenshot(&self, path: &Path) {
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(path, png);
        }
    }

    /// Ends the session (the app quits) and stops the driver.
    pub async fn close(mut self) {
        let client = self.client.clone();
        let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        kill_group(&mut self.driver);
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // A failed test never leaves a window or a driver behind.
        kill_group(&mut self.driver);
    }
}

/// Starts tauri-driver on two free ports with the profile's environment, in its own process
/// group (so the app and WebKitWebDriver die with it), and waits until it answers.
fn spawn_driver(profile: &Profile, display: &str) -> Result<(Child, u16), String> {
    let [port, native_port] = free_ports();
    let mut command = Command::new(tauri_driver());
    command
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .env("GDK_BACKEND", "x11")
        // Without these, WebKitGTK under Xvfb paints stale frames.
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        // No session bus: nothing auto-launched that outlives the test.
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .env("NO_AT_BRIDGE", "1")
        .env("GSETTINGS_BACKEND", "memory")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (k, v) in profile.env() {
        command.env(k, v);
    }
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut driver = command
        .spawn()
        .expect("start tauri-driver (cargo install tauri-driver --version '^2' --locked)");
    wait_for_driver(port, &mut driver)?;
    Ok((driver, port))
}

fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin/tauri-driver"));
    match cargo_bin {
        Some(path) if path.exists() => path,
        _ => PathBuf::from("tauri-driver"),
    }
}

/// Distinct free ports: every listener is held until all are chosen, or the system may hand
/// the same one out twice (the driver and WebKitWebDriver then fight over it).
fn free_ports<const N: usize>() -> [u16; N] {
    let listeners: [TcpListener; N] = std::array::from_fn(|_| {
        TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1")
    });
    listeners.map(|l| l.local_addr().expect("a bound address").port())
}

fn wait_for_driver(port: u16, driver: &mut Child) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = driver.try_wait() {
            return Err(format!(
                "tauri-driver exited before it was ready ({status})"
            ));
        }
        if driver_ready(port) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    kill_group(driver);
    Err(format!("tauri-driver did not answer on port {port}"))
}

fn driver_ready(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request =
        format!("GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    let mut answer = String::new();
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_to_string(&mut answer).is_ok()
        && answer.starts_with("HTTP/1.1 200")
}

fn kill_group(child: &mut Child) {
    if let Ok(None) = child.try_wait() {
        let group = format!("-{}", child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = child.wait();
    }
}

/// A private X server, for machines with no display (CI), and for `make bench`.
pub struct Xvfb {
    child: Child,
    display: String,
    _ready: BufReader<ChildStdout>,
}

impl Xvfb {
    /// Its display, for `DISPLAY`.
    pub fn display(&self) -> &str {
        &self.display
    }

    pub fn start() -> std::io::Result<Self> {
        let mut child = Command::new("Xvfb")
            // -displayfd: the server picks a free display and writes its number when ready.
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x860x24",
                "-nolisten",
                "tcp",
                // Without it the server resets when its last client leaves, and a connection
                // made in that moment is refused: the start-up benchmark lost one launch in
                // three that way, each the first after the previous app had closed.
                "-noreset",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let mut ready = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut line = String::new();
        ready.read_line(&mut line)?;
        let number = line.trim();
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other(format!(
                "Xvfb did not report a display: {line:?}"
            )));
        }
        Ok(Self {
            display: format!(":{number}"),
            child,
            _ready: ready,
        })
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
