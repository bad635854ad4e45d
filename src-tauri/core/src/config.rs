//! Where Switchboard keeps things, and the person's `config.toml`.
//!
//! - Data (database, logs): the OS data dir, or `SWITCHBOARD_DATA_DIR`.
//! - Config: `config.toml` in the OS config dir, or the file `SWITCHBOARD_CONFIG` names.
//!
//! A config file can change a shipped provider's endpoints and add providers and models:
//!
//! ```toml
//! [providers.anthropic]
//! base_url = "http://127.0.0.1:4010/anthropic"
//! status_url = "http://127.0.0.1:4010/status/anthropic"
//! api_key_env = "ANTHROPIC_API_KEY"
//!
//! [providers.lab]                 # a new OpenAI-compatible server
//! wire = "openai_compatible"
//! base_url = "http://127.0.0.1:8000"
//!
//! [[models]]
//! provider = "lab"
//! id = "qwen3-32b"
//! display_name = "Qwen3 32B (lab)"
//! context_window = 32768
//! input = ["text"]
//! tool_use = true
//! price_in = 0.0
//! price_out = 0.0
//! tier = "local"
//! aliases = ["Qwen3 32B"]
//! ```
//!
//! A model needs only `provider`, `id` and `display_name`: a detail left out shows as unknown
//! (or is filled in from the provider's model list), and aliases default to ones derived from
//! the name.
//!
//! A broken file never stops the app: it starts on the defaults and the notice names the file,
//! the line and what is wrong.

use crate::catalog::{
    Catalog, DetailSource, Model, Provider, StatusFormat, WireFormat, model_problems, naming,
    provider_problems,
};
use crate::health::engine::HealthSettings;
use crate::health::status_page::PollSchedule;
use crate::model_lists::ListSettings;
use crate::notice::Notice;
use crate::providers::Timeouts;
use crate::providers::retry::RetryPolicy;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub const CONFIG_ENV: &str = "SWITCHBOARD_CONFIG";
pub const DATA_DIR_ENV: &str = "SWITCHBOARD_DATA_DIR";
const APP_DIR: &str = "switchboard";

/// The two places Switchboard reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_file: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// Resolves the paths from the environment (passed in, so tests need not touch the
    /// process environment) and the OS directories.
    pub fn resolve(env: impl Fn(&str) -> Option<OsString>) -> Self {
        let nonempty = |key: &str| env(key).filter(|v| !v.is_empty()).map(PathBuf::from);
        let config_file = nonempty(CONFIG_ENV).unwrap_or_else(|| {
            dirs::config_dir()
                .unwrap_or_else(|| PathBuf::from("."))
                .join(APP_DIR)
                .join("config.toml")
        });
        let data_dir = nonempty(DATA_DIR_ENV).unwrap_or_else(|| {
            dirs::data_dir()
                .unwrap_or_else(|| PathBuf::from("."))
                .join(APP_DIR)
        });
        Self {
            config_file,
            data_dir,
        }
    }

    pub fn from_process_env() -> Self {
        Self::resolve(|key| std::env::var_os(key))
    }
}

/// Per-provider settings from the config file (or from Settings); every field optional, so a
/// shipped provider can be changed one field at a time.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    pub name: Option<String>,
    pub family: Option<String>,
    pub wire: Option<WireFormat>,
    pub base_url: Option<String>,
    pub status_url: Option<String>,
    pub status_format: Option<StatusFormat>,
    pub api_key_env: Option<String>,
    pub console_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderSettings>,
    #[serde(default)]
    pub models: Vec<Model>,
    /// Set by `make demo`: the providers are a simulator, and the window must say so.
    pub demo: Option<DemoSettings>,
    #[serde(default)]
    pub network: NetworkSettings,
    #[serde(default)]
    pub workspace: WorkspaceSettings,
    #[serde(default)]
    pub health: HealthConfig,
    #[serde(default)]
    pub lists: ListsConfig,
    #[serde(default)]
    pub fallback: FallbackConfig,
}

/// `[fallback]`: the queue of messages waiting for their model.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FallbackConfig {
    /// A message that has waited longer than this is not sent by itself when its model is
    /// back: the person is asked again.
    pub max_wait_hours: f64,
}

impl Default for FallbackConfig {
    fn default() -> Self {
        Self {
            max_wait_hours: 24.0,
        }
    }
}

impl FallbackConfig {
    /// At least a minute.
    pub fn max_wait(&self) -> chrono::Duration {
        let hours = if self.max_wait_hours.is_finite() {
            self.max_wait_hours.clamp(1.0 / 60.0, 24.0 * 365.0)
        } else {
            24.0
        };
        chrono::Duration::seconds((hours * 3600.0) as i64)
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceSettings {
    /// The workspace policy: a file path or an `https://` URL (JSON or TOML).
    pub policy: Option<String>,
}

/// `[health]`: how availability is decided and watched. Every default is the engine's own
/// ([`HealthSettings`], [`PollSchedule`]); this only lets the person change it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct HealthConfig {
    /// Probe a model whose breaker is open with the smallest real request (a few tokens).
    pub probes: bool,
    /// Consecutive server-side failures that mark a model unavailable.
    pub breaker_threshold: u32,
    /// How long a model stays unavailable after its breaker first opens, before a probe.
    pub cooldown_base_secs: f64,
    /// The longest that wait grows to, doubling each time the breaker opens again.
    pub cooldown_max_secs: f64,
    /// How often each status page is read.
    pub status_poll_secs: f64,
    /// How often while anything on a page is wrong (an incident, a component in trouble,
    /// a maintenance, the page unreadable).
    pub status_poll_while_wrong_secs: f64,
}

impl Default for HealthConfig {
    fn default() -> Self {
        let engine = HealthSettings::default();
        let poll = PollSchedule::default();
        Self {
            probes: true,
            breaker_threshold: engine.breaker_threshold,
            cooldown_base_secs: engine.cooldown_base.as_seconds_f64(),
            cooldown_max_secs: engine.cooldown_max.as_seconds_f64(),
            status_poll_secs: poll.every.as_secs_f64(),
            status_poll_while_wrong_secs: poll.every_while_wrong.as_secs_f64(),
        }
    }
}

impl HealthConfig {
    /// The engine's settings: the threshold at least 1, the cap never below the base.
    pub fn engine(&self) -> HealthSettings {
        let defaults = HealthSettings::default();
        let base = seconds(
            self.cooldown_base_secs,
            defaults.cooldown_base.to_std().unwrap_or_default(),
        );
        let max = seconds(
            self.cooldown_max_secs,
            defaults.cooldown_max.to_std().unwrap_or_default(),
        )
        .max(base);
        HealthSettings {
            breaker_threshold: self.breaker_threshold.max(1),
            cooldown_base: chrono::Duration::from_std(base).unwrap_or(defaults.cooldown_base),
            cooldown_max: chrono::Duration::from_std(max).unwrap_or(defaults.cooldown_max),
            ..defaults
        }
    }

    /// When status pages are read.
    pub fn poll_schedule(&self) -> PollSchedule {
        let defaults = PollSchedule::default();
        PollSchedule {
            every: seconds(self.status_poll_secs, defaults.every),
            every_while_wrong: seconds(
                self.status_poll_while_wrong_secs,
                defaults.every_while_wrong,
            ),
            ..defaults
        }
    }
}

/// `[network]`: how long to wait for a provider, how often to try again, and what proves the
/// network is up. Every default is the clients' own ([`Timeouts`], [`RetryPolicy`]).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkSettings {
    /// To open a connection.
    pub connect_timeout_secs: f64,
    /// From sending a request to the first byte of the answer.
    pub first_byte_timeout_secs: f64,
    /// Between two pieces of a streaming answer.
    pub idle_timeout_secs: f64,
    /// One whole answer, from sending to its end.
    pub max_request_secs: f64,
    /// One answer's text, in bytes; past it the rest is not read.
    pub max_answer_bytes: usize,
    /// Hosts asked besides the providers' own endpoints when a request gets no answer at all
    /// (`https://` only); an empty list asks only the providers' endpoints.
    pub connectivity_targets: Vec<String>,
    /// How long that check may take before "no answer" from its targets counts.
    pub connectivity_timeout_secs: f64,
    /// Tries after the first for a failure worth trying again (a server error, overloaded,
    /// a rate limit with a short wait, a reset connection).
    pub retries: usize,
    /// The first wait before trying again; it doubles (with jitter) up to the next.
    pub retry_initial_delay_secs: f64,
    pub retry_max_delay_secs: f64,
    /// The longest wait a provider asks for that is waited through; a longer one is said to
    /// the person instead.
    pub retry_max_wait_secs: f64,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        let timeouts = Timeouts::default();
        let retry = RetryPolicy::default();
        Self {
            connect_timeout_secs: timeouts.connect.as_secs_f64(),
            first_byte_timeout_secs: timeouts.first_byte.as_secs_f64(),
            idle_timeout_secs: timeouts.idle.as_secs_f64(),
            max_request_secs: timeouts.total.as_secs_f64(),
            max_answer_bytes: timeouts.max_answer_bytes,
            connectivity_targets: crate::health::connectivity::DEFAULT_TARGETS
                .iter()
                .map(|t| t.to_string())
                .collect(),
            connectivity_timeout_secs: crate::health::connectivity::DEFAULT_TIMEOUT.as_secs_f64(),
            retries: retry.max_retries,
            retry_initial_delay_secs: retry.initial_delay.as_secs_f64(),
            retry_max_delay_secs: retry.max_delay.as_secs_f64(),
            retry_max_wait_secs: retry.max_honoured_wait.as_secs_f64(),
        }
    }
}

impl NetworkSettings {
    /// The connectivity check's timeout.
    pub fn connectivity_timeout(&self) -> std::time::Duration {
        seconds(
            self.connectivity_timeout_secs,
            crate::health::connectivity::DEFAULT_TIMEOUT,
        )
    }

    /// The timeouts (a zero would fail every request, so each is at least a tenth of a second).
    pub fn timeouts(&self) -> Timeouts {
        let defaults = Timeouts::default();
        Timeouts {
            connect: seconds(self.connect_timeout_secs, defaults.connect),
            first_byte: seconds(self.first_byte_timeout_secs, defaults.first_byte),
            idle: seconds(self.idle_timeout_secs, defaults.idle),
            total: seconds(self.max_request_secs, defaults.total),
            // At least a kilobyte: a zero would stop every answer at once.
            max_answer_bytes: self.max_answer_bytes.max(1024),
        }
    }

    /// How failed attempts are tried again; at most 10 retries.
    pub fn retry(&self) -> RetryPolicy {
        let defaults = RetryPolicy::default();
        let initial = seconds(self.retry_initial_delay_secs, defaults.initial_delay);
        RetryPolicy {
            max_retries: self.retries.min(10),
            initial_delay: initial,
            max_delay: seconds(self.retry_max_delay_secs, defaults.max_delay).max(initial),
            max_honoured_wait: seconds(self.retry_max_wait_secs, defaults.max_honoured_wait),
        }
    }
}

/// `[lists]`: the providers' own model lists. Defaults: [`ListSettings::default`].
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ListsConfig {
    /// How often each provider is asked which models it serves.
    pub refresh_secs: f64,
    /// How long one list (every page of it) may take.
    pub timeout_secs: f64,
}

impl Default for ListsConfig {
    fn default() -> Self {
        let defaults = ListSettings::default();
        Self {
            refresh_secs: defaults.every.as_secs_f64(),
            timeout_secs: defaults.timeout.as_secs_f64(),
        }
    }
}

impl ListsConfig {
    /// At least a minute between refreshes: a provider is never asked in a loop.
    pub fn settings(&self) -> ListSettings {
        let defaults = ListSettings::default();
        ListSettings {
            every: seconds(self.refresh_secs, defaults.every)
                .max(std::time::Duration::from_secs(60)),
            timeout: seconds(self.timeout_secs, defaults.timeout),
        }
    }
}

/// `secs` as a duration of at least a tenth of a second; `fallback` when it is not a number.
fn seconds(secs: f64, fallback: std::time::Duration) -> std::time::Duration {
    if secs.is_finite() {
        std::time::Duration::from_secs_f64(secs.clamp(0.1, 365.0 * 24.0 * 3600.0))
    } else {
        fallback
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DemoSettings {
    /// The simulator scenario being replayed, e.g. `june-2026`.
    pub scenario: String,
}

/// The config as loaded, with what the person should be told about it.
#[derive(Debug, Clone, Default)]
pub struct LoadedConfig {
    pub config: Config,
    pub notices: Vec<Notice>,
    /// Providers whose section could not be read, with why: they are not used at all (see
    /// [`apply`]) — never their shipped endpoints in place of the person's.
    pub unreadable_providers: BTreeMap<String, String>,
    /// The workspace settings could not be read (their section, or the whole file): the last
    /// policy read stays in force rather than none.
    pub workspace_unreadable: bool,
}

/// In [`LoadedConfig::unreadable_providers`]: which providers the broken part set is not
/// known, so every cloud provider is held back.
pub const EVERY_PROVIDER: &str = "*";

/// The most of a config file that is read; a larger one is refused.
const CONFIG_LIMIT: u64 = 1 << 20;

/// Reads the config file. A missing file is the defaults. A file that cannot be parsed is
/// read section by section: what can be read applies, each section that cannot is left out
/// with a notice naming its line — and a provider whose section is left out is not used at all.
pub fn load(path: &Path) -> LoadedConfig {
    let text = match read_bounded(path) {
        Ok(Some(text)) => text,
        Ok(None) => return LoadedConfig::default(),
        Err(why) => {
            // What the file set is unknown: no cloud provider is used, so nothing goes to a
            // shipped endpoint in place of one the person may have set.
            return LoadedConfig {
                notices: vec![Notice::config_invalid(
                    path,
                    None,
                    &format!(
                        "{why} — so Switchboard uses no cloud provider until it is fixed, and \
                         never a public address in place of one you may have set"
                    ),
                )],
                unreadable_providers: BTreeMap::from([(
                    EVERY_PROVIDER.to_string(),
                    format!("{} could not be read", path.display()),
                )]),
                workspace_unreadable: true,
                ..LoadedConfig::default()
            };
        }
    };
    if let Ok(config) = toml::from_str::<Config>(&text) {
        return LoadedConfig {
            config,
            ..LoadedConfig::default()
        };
    }
    salvage(path, &text)
}

/// The file's text: `None` when there is none; an error, in words, for one that is not a
/// regular file (a FIFO, a device), is too large, or is not UTF-8.
fn read_bounded(path: &Path) -> Result<Option<String>, String> {
    use std::io::Read;
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("it could not be read ({e})")),
    };
    if !meta.is_file() {
        return Err("it is not a regular file, so it was not read".into());
    }
    let file = std::fs::File::open(path).map_err(|e| format!("it could not be read ({e})"))?;
    let mut bytes = Vec::new();
    file.take(CONFIG_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("it could not be read ({e})"))?;
    if bytes.len() as u64 > CONFIG_LIMIT {
        return Err(format!(
            "it is larger than {} KB, so it was not read",
            CONFIG_LIMIT >> 10
        ));
    }
    // A stray byte (a comment saved in another encoding) spoils one line, not the file.
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// One `[table]` or `[[array]]` of the file, or what comes before the first.
struct Section {
    /// 1-based line of its header (or 1).
    line: usize,
    /// `providers.anthropic`, `models`; `None` before the first header.
    header: Option<String>,
    text: String,
}

fn sections(text: &str) -> Vec<Section> {
    let mut out = vec![Section {
        line: 1,
        header: None,
        text: String::new(),
    }];
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            let name = trimmed
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .split('.')
                .map(|part| part.trim().trim_matches('"').trim_matches('\''))
                .collect::<Vec<_>>()
                .join(".");
            out.push(Section {
                line: i + 1,
                header: Some(name),
                text: String::new(),
            });
        }
        let current = out.last_mut().expect("at least one section");
        current.text.push_str(line);
        current.text.push('\n');
    }
    out
}

/// Keeps each section that reads (on top of those before it); says which could not.
fn salvage(path: &Path, text: &str) -> LoadedConfig {
    let mut kept = String::new();
    let mut loaded = LoadedConfig::default();
    for section in sections(text) {
        if section.text.trim().is_empty() {
            continue;
        }
        let candidate = format!("{kept}{}", section.text);
        match toml::from_str::<Config>(&candidate) {
            Ok(_) => kept = candidate,
            Err(e) => {
                let line = e.span().map_or(section.line, |span| {
                    section.line
                        + line_of(&candidate, span.start)
                            .saturating_sub(line_of(&candidate, kept.len()))
                });
                // The provider the broken section sets: by its header, or — for `[providers]`
                // or keys above the first header that mention providers — unknown: all.
                let provider = match section.header.as_deref() {
                    Some(h) if h.starts_with("providers.") => {
                        h.strip_prefix("providers.").map(str::to_string)
                    }
                    Some("providers") => Some(EVERY_PROVIDER.to_string()),
                    None if section.text.contains("providers") => Some(EVERY_PROVIDER.to_string()),
                    _ => None,
                };
                let what = match &provider {
                    Some(id) if id == EVERY_PROVIDER => format!(
                        "{} — so Switchboard uses no cloud provider until it is fixed, and never \
                         a public address in place of one you set",
                        e.message().trim_end_matches('\n')
                    ),
                    Some(id) => format!(
                        "{} — so Switchboard will not use `{id}` at all until it is fixed, and \
                         never its public address in place of the one you set",
                        e.message().trim_end_matches('\n')
                    ),
                    None => format!(
                        "{} — this section was left out; the rest of the file applies",
                        e.message().trim_end_matches('\n')
                    ),
                };
                if matches!(section.header.as_deref(), Some("workspace") | None) {
                    loaded.workspace_unreadable |= section.header.is_some()
                        || section.text.contains("workspace")
                        || section.text.contains("policy");
                }
                if let Some(id) = provider {
                    loaded.unreadable_providers.insert(
                        id,
                        format!(
                            "its settings in {} (line {line}) could not be read",
                            path.display()
                        ),
                    );
                }
                loaded
                    .notices
                    .push(Notice::config_invalid(path, Some(line), &what));
            }
        }
    }
    loaded.config = toml::from_str(&kept).unwrap_or_default();
    loaded
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// What Settings saved for the providers, under what the config file sets: a field the file
/// sets wins. Also which fields both set (`(provider, field)`), so Settings can say so.
pub fn providers_with_saved(
    saved: &BTreeMap<String, ProviderSettings>,
    file: &BTreeMap<String, ProviderSettings>,
) -> (
    BTreeMap<String, ProviderSettings>,
    Vec<(String, &'static str)>,
) {
    let mut out = saved.clone();
    let mut both = Vec::new();
    for (id, from_file) in file {
        let slot = out.entry(id.clone()).or_default();
        let saved_here = saved.get(id);
        macro_rules! file_wins {
            ($($field:ident),*) => {$(
                if from_file.$field.is_some() {
                    if saved_here.is_some_and(|s| s.$field.is_some() && s.$field != from_file.$field) {
                        both.push((id.clone(), stringify!($field)));
                    }
                    slot.$field = from_file.$field.clone();
                }
            )*};
        }
        file_wins!(
            name,
            family,
            wire,
            base_url,
            status_url,
            status_format,
            api_key_env,
            console_url
        );
    }
    (out, both)
}

/// Applies the config's providers and models to the shipped catalog. An entry that does not
/// hold up is left out, with a notice; the rest still applies. A shipped provider whose
/// settings were refused (or could not be read: `unreadable`) is marked unusable: nothing is
/// sent to it, and above all not to its shipped endpoint in place of the one the person set.
pub fn apply(
    catalog: &mut Catalog,
    config: &Config,
    unreadable: &BTreeMap<String, String>,
    config_file: &Path,
) -> Vec<Notice> {
    let mut notices = Vec::new();
    let mut refuse = |what: String| notices.push(Notice::config_invalid(config_file, None, &what));

    for (id, why) in unreadable {
        for provider in catalog.providers.iter_mut() {
            // "Every provider" holds back the cloud ones: a local server's address is this
            // machine's either way.
            if provider.id == *id || (id == EVERY_PROVIDER && provider.needs_key()) {
                provider.unusable = Some(why.clone());
            }
        }
    }
    for (id, settings) in &config.providers {
        let existing = catalog.provider(id).cloned();
        let Some(provider) = merged_provider(id, existing.as_ref(), settings) else {
            refuse(format!(
                "provider `{id}` is new, so it needs both `wire` and `base_url` — left out"
            ));
            continue;
        };
        let problems = provider_problems(&provider);
        if !problems.is_empty() {
            let problems = problems.join("; ");
            match catalog.providers.iter_mut().find(|p| p.id == *id) {
                Some(slot) => {
                    refuse(format!(
                        "{problems} — so Switchboard will not use {} until it is fixed, and \
                         never its public address in place of the one you set",
                        slot.name
                    ));
                    slot.unusable = Some(format!(
                        "its settings in {} were refused: {problems}",
                        config_file.display()
                    ));
                }
                None => refuse(format!("{problems} — provider `{id}` left out")),
            }
            continue;
        }
        match catalog.providers.iter_mut().find(|p| p.id == *id) {
            Some(slot) => *slot = provider,
            None => catalog.providers.push(provider),
        }
    }

    for model in &config.models {
        let mut problems = model_problems(model);
        if catalog.provider(&model.provider).is_none() {
            problems.push(format!(
                "model `{}` names provider `{}`, which is not configured",
                model.id, model.provider
            ));
        }
        if !problems.is_empty() {
            refuse(format!("{} — model left out", problems.join("; ")));
            continue;
        }
        let mut model = model.clone();
        model.attribute_to(DetailSource::Config);
        if model.aliases.is_empty() {
            let family = catalog
                .provider(&model.provider)
                .map_or("", |p| p.family.as_str());
            model.aliases = naming::derive(family, &model.display_name, &model.id);
            model.sources.aliases = DetailSource::Derived;
        }
        // A config entry for a shipped model replaces it: the person knows their deployment.
        match catalog
            .models
            .iter_mut()
            .find(|m| m.provider == model.provider && m.id == model.id)
        {
            Some(slot) => *slot = model,
            None => catalog.models.push(model),
        }
    }
    notices
}

fn merged_provider(
    id: &str,
    existing: Option<&Provider>,
    settings: &ProviderSettings,
) -> Option<Provider> {
    let base = match existing {
        Some(p) => p.clone(),
        None => Provider {
            id: id.to_string(),
            name: id.to_string(),
            family: id.to_string(),
            wire: settings.wire?,
            base_url: settings.base_url.clone()?,
            status_url: None,
            status_format: StatusFormat::None,
            api_key_env: String::new(),
            console_url: None,
            unusable: None,
        },
    };
    let status_url = settings.status_url.clone().or(base.status_url);
    // Naming a status page without its format means the common one.
    let status_format = settings
        .status_format
        .unwrap_or(match (base.status_format, &status_url) {
            (StatusFormat::None, Some(_)) => StatusFormat::Statuspage,
            (format, _) => format,
        });
    Some(Provider {
        id: id.to_string(),
        name: settings.name.clone().unwrap_or(base.name),
        family: settings.family.clone().unwrap_or(base.family),
        wire: settings.wire.unwrap_or(base.wire),
        base_url: settings.base_url.clone().unwrap_or(base.base_url),
        status_url,
        status_format,
        api_key_env: settings.api_key_env.clone().unwrap_or(base.api_key_env),
        console_url: settings.console_url.clone().or(base.console_url),
        unusable: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notice::NoticeKind;

    fn write(dir: &tempfile::TempDir, text: &str) -> PathBuf {
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The defaults are the engine's, the clients' and the refresher's own, written once there.
    #[test]
    fn an_empty_config_is_every_default() {
        let config: Config = toml::from_str("").unwrap();
        assert_eq!(config.health.engine(), HealthSettings::default());
        assert_eq!(config.health.poll_schedule(), PollSchedule::default());
        assert!(config.health.probes);
        assert_eq!(config.network.timeouts(), Timeouts::default());
        assert_eq!(config.network.retry(), RetryPolicy::default());
        assert_eq!(
            config.network.connectivity_timeout(),
            crate::health::connectivity::DEFAULT_TIMEOUT
        );
        assert_eq!(config.lists.settings(), ListSettings::default());
    }

    /// Every field of `[health]`, `[network]` and `[lists]` reaches what it sets.
    #[test]
    fn every_setting_reaches_what_it_sets() {
        use std::time::Duration as Std;
        let config: Config = toml::from_str(
            r#"
            [health]
            probes = false
            breaker_threshold = 5
            cooldown_base_secs = 10
            cooldown_max_secs = 120
            status_poll_secs = 90
            status_poll_while_wrong_secs = 15

            [network]
            connect_timeout_secs = 4
            first_byte_timeout_secs = 30
            idle_timeout_secs = 20
            max_request_secs = 600
            max_answer_bytes = 65536
            connectivity_targets = ["https://example.org"]
            connectivity_timeout_secs = 2
            retries = 1
            retry_initial_delay_secs = 0.25
            retry_max_delay_secs = 4
            retry_max_wait_secs = 30

            [lists]
            refresh_secs = 3600
            timeout_secs = 15
            "#,
        )
        .unwrap();
        let engine = config.health.engine();
        assert!(!config.health.probes);
        assert_eq!(engine.breaker_threshold, 5);
        assert_eq!(engine.cooldown_base, chrono::Duration::seconds(10));
        assert_eq!(engine.cooldown_max, chrono::Duration::seconds(120));
        let poll = config.health.poll_schedule();
        assert_eq!(
            (poll.every, poll.every_while_wrong),
            (Std::from_secs(90), Std::from_secs(15))
        );
        let t = config.network.timeouts();
        assert_eq!(
            (t.connect, t.first_byte, t.idle, t.total, t.max_answer_bytes),
            (
                Std::from_secs(4),
                Std::from_secs(30),
                Std::from_secs(20),
                Std::from_secs(600),
                65536
            )
        );
        assert_eq!(config.network.connectivity_targets, ["https://example.org"]);
        assert_eq!(config.network.connectivity_timeout(), Std::from_secs(2));
        assert_eq!(
            config.network.retry(),
            RetryPolicy {
                max_retries: 1,
                initial_delay: Std::from_millis(250),
                max_delay: Std::from_secs(4),
                max_honoured_wait: Std::from_secs(30),
            }
        );
        assert_eq!(
            config.lists.settings(),
            ListSettings {
                every: Std::from_secs(3600),
                timeout: Std::from_secs(15),
            }
        );
    }

    /// The README's settings table lists every field with its true default.
    #[test]
    fn the_readme_lists_every_setting_with_its_default() {
        let readme = include_str!("../../../README.md");
        let mut section = String::new();
        let mut listed = std::collections::BTreeMap::<String, toml::Table>::new();
        for row in readme.lines().filter(|l| l.starts_with("| ")) {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let [_, first, field, default, ..] = cells[..] else {
                continue;
            };
            if let Some(name) = first.strip_prefix("`[").and_then(|f| f.strip_suffix("]`")) {
                section = name.to_string();
            } else if !first.is_empty() {
                continue;
            }
            let (Some(field), Some(default)) = (
                field.strip_prefix('`').and_then(|f| f.strip_suffix('`')),
                default.strip_prefix('`').and_then(|d| d.strip_suffix('`')),
            ) else {
                if let Some(field) = field.strip_prefix('`').and_then(|f| f.strip_suffix('`')) {
                    listed
                        .entry(section.clone())
                        .or_default()
                        .insert(field.into(), toml::Value::Boolean(true));
                }
                continue;
            };
            let value: toml::Value =
                format!("v = {default}").parse::<toml::Table>().unwrap()["v"].clone();
            listed
                .entry(section.clone())
                .or_default()
                .insert(field.into(), value);
        }
        let defaults = [
            (
                "health",
                toml::Table::try_from(HealthConfig::default()).unwrap(),
            ),
            (
                "network",
                toml::Table::try_from(NetworkSettings::default()).unwrap(),
            ),
            (
                "lists",
                toml::Table::try_from(ListsConfig::default()).unwrap(),
            ),
        ];
        for (section, fields) in defaults {
            let in_readme = listed.get(section).cloned().unwrap_or_default();
            let names = |t: &toml::Table| t.keys().cloned().collect::<Vec<_>>();
            assert_eq!(
                names(&in_readme),
                names(&fields),
                "[{section}] in the README"
            );
            for (field, value) in &fields {
                // A list is described in words; every other default is written as it is.
                if !value.is_array() {
                    let said = &in_readme[field];
                    let same = match (said, value) {
                        (toml::Value::Integer(a), toml::Value::Float(b)) => (*a as f64) == *b,
                        (a, b) => a == b,
                    };
                    assert!(
                        same,
                        "[{section}] {field}: the README says {said}, the default is {value}"
                    );
                }
            }
        }
    }

    /// A zero, a negative number or a cap below its base cannot stop everything working.
    #[test]
    fn settings_that_would_break_everything_are_bounded() {
        let config: Config = toml::from_str(
            r#"
            [health]
            breaker_threshold = 0
            cooldown_base_secs = 60
            cooldown_max_secs = 5
            status_poll_secs = -1
            [network]
            connect_timeout_secs = 0
            max_answer_bytes = 0
            retries = 1000
            retry_initial_delay_secs = 2
            retry_max_delay_secs = 1
            [lists]
            refresh_secs = 0
            "#,
        )
        .unwrap();
        let engine = config.health.engine();
        assert_eq!(engine.breaker_threshold, 1);
        assert_eq!(engine.cooldown_max, engine.cooldown_base);
        assert!(config.health.poll_schedule().every >= std::time::Duration::from_millis(100));
        assert!(config.network.timeouts().connect >= std::time::Duration::from_millis(100));
        assert_eq!(config.network.timeouts().max_answer_bytes, 1024);
        let retry = config.network.retry();
        assert_eq!(retry.max_retries, 10);
        assert!(retry.max_delay >= retry.initial_delay);
        assert_eq!(
            config.lists.settings().every,
            std::time::Duration::from_secs(60)
        );
    }

    #[test]
    fn env_overrides_both_paths() {
        let paths = Paths::resolve(|key| match key {
            CONFIG_ENV => Some("/tmp/x/config.toml".into()),
            DATA_DIR_ENV => Some("/tmp/x/data".into()),
            _ => None,
        });
        assert_eq!(paths.config_file, PathBuf::from("/tmp/x/config.toml"));
        assert_eq!(paths.data_dir, PathBuf::from("/tmp/x/data"));
        let defaults = Paths::resolve(|_| None);
        assert!(defaults.config_file.ends_with("switchboard/config.toml"));
        assert!(defaults.data_dir.ends_with("switchboard"));
    }

    #[test]
    fn a_demo_config_names_its_scenario() {
        let config: Config = toml::from_str("[demo]\nscenario = \"june-2026\"\n").unwrap();
        assert_eq!(config.demo.unwrap().scenario, "june-2026");
        assert_eq!(Config::default().demo, None, "real use is never a demo");
    }

    #[test]
    fn timeouts_are_configurable_and_default_to_the_clients_own() {
        let config: Config =
            toml::from_str("[network]\nidle_timeout_secs = 5\nfirst_byte_timeout_secs = 0\n")
                .unwrap();
        let timeouts = config.network.timeouts();
        assert_eq!(timeouts.idle, std::time::Duration::from_secs(5));
        assert_eq!(
            timeouts.first_byte,
            std::time::Duration::from_millis(100),
            "never zero"
        );
        assert_eq!(
            timeouts.connect,
            crate::providers::Timeouts::default().connect
        );
        assert_eq!(
            Config::default().network.timeouts(),
            crate::providers::Timeouts::default()
        );
    }

    #[test]
    fn policy_and_health_settings_are_read() {
        let config: Config = toml::from_str(
            "[workspace]\npolicy = \"https://admin.example.com/policy.json\"\n[health]\nprobes = false\n",
        )
        .unwrap();
        assert_eq!(
            config.workspace.policy.as_deref(),
            Some("https://admin.example.com/policy.json")
        );
        assert!(!config.health.probes);
        assert_eq!(
            config.health.breaker_threshold, 3,
            "the default stays where not set"
        );
        assert!(Config::default().health.probes, "probes are on by default");
    }

    /// A file that does not parse is read section by section: the sections that read apply,
    /// and a provider whose section does not is not used at all — never its shipped endpoint
    /// in place of the one the person set.
    #[test]
    fn a_broken_section_is_left_out_and_its_provider_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            &dir,
            "[network]\nidle_timeout_secs = 7\n\n\
             [providers.anthropic]\nbase_url = \"https://gateway.corp.example/anthropic\n\n\
             [providers.openai]\nbase_url = \"https://gateway.corp.example/openai\"\n\n\
             [health]\nbreaker_threshold = \"three\"\n",
        );
        let loaded = load(&path);
        assert_eq!(
            loaded.config.network.idle_timeout_secs, 7.0,
            "a section before the broken one applies"
        );
        assert_eq!(
            loaded.config.providers["openai"].base_url.as_deref(),
            Some("https://gateway.corp.example/openai"),
            "a section after it applies too"
        );
        assert_eq!(
            loaded.config.health.breaker_threshold, 3,
            "a section of the wrong type is left out: its defaults apply"
        );
        assert!(loaded.unreadable_providers.contains_key("anthropic"));
        assert_eq!(loaded.notices.len(), 2, "{:#?}", loaded.notices);
        assert!(
            loaded.notices[0].message.contains("line 5")
                && loaded.notices[0]
                    .message
                    .contains("will not use `anthropic`"),
            "{}",
            loaded.notices[0].message
        );
        let mut catalog = Catalog::shipped().unwrap();
        apply(
            &mut catalog,
            &loaded.config,
            &loaded.unreadable_providers,
            &path,
        );
        let anthropic = catalog.provider("anthropic").unwrap();
        assert!(
            anthropic.unusable.is_some(),
            "not used, not the shipped endpoint"
        );
        assert_eq!(
            catalog.provider("openai").unwrap().base_url,
            "https://gateway.corp.example/openai"
        );
        assert!(catalog.provider("openai").unwrap().unusable.is_none());
    }

    #[test]
    fn a_refused_endpoint_never_falls_back_to_the_shipped_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            &dir,
            "[providers.anthropic]\nbase_url = \"http://gateway.corp.example/anthropic\"\n",
        );
        let loaded = load(&path);
        let mut catalog = Catalog::shipped().unwrap();
        let notices = apply(
            &mut catalog,
            &loaded.config,
            &loaded.unreadable_providers,
            &path,
        );
        let anthropic = catalog.provider("anthropic").unwrap();
        assert!(
            anthropic
                .unusable
                .as_deref()
                .is_some_and(|w| w.contains("https://")),
            "{anthropic:?}"
        );
        assert!(
            notices[0].message.contains("never its public address"),
            "{}",
            notices[0].message
        );
        let client = crate::providers::ProviderClient::new(
            reqwest::Client::new(),
            anthropic,
            None,
            crate::providers::Timeouts::default(),
            crate::providers::retry::RetryPolicy::default(),
            std::sync::Arc::new(crate::clock::SystemClock),
        );
        assert!(
            matches!(client, Err(crate::catalog::EndpointError::Unusable(_))),
            "no client is made for it, so no request of any kind goes out"
        );
    }

    #[test]
    fn a_broken_part_whose_provider_is_unknown_holds_back_every_cloud_provider() {
        let dir = tempfile::tempdir().unwrap();
        for text in [
            "[providers]\nanthropic = { base_url = \"https://gw.corp/anthropic }\n",
            "providers.anthropic.base_url = \"https://gw.corp/anthropic\n[health]\nprobes = true\n",
        ] {
            let path = write(&dir, text);
            let loaded = load(&path);
            let mut catalog = Catalog::shipped().unwrap();
            apply(
                &mut catalog,
                &loaded.config,
                &loaded.unreadable_providers,
                &path,
            );
            for provider in &catalog.providers {
                assert_eq!(
                    provider.unusable.is_some(),
                    provider.needs_key(),
                    "{text:?}: {} — cloud providers held back, local ones kept",
                    provider.id
                );
            }
        }
        // A stray byte in a comment spoils nothing.
        let path = dir.path().join("latin1.toml");
        std::fs::write(&path, b"# caf\xe9\n[health]\nprobes = false\n").unwrap();
        let loaded = load(&path);
        assert!(!loaded.config.health.probes, "{:?}", loaded.notices);
        assert!(loaded.unreadable_providers.is_empty());
    }

    #[test]
    fn a_config_that_is_not_a_file_or_too_large_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = load(dir.path());
        assert!(
            loaded.notices[0].message.contains("not a regular file"),
            "{}",
            loaded.notices[0].message
        );
        let path = dir.path().join("huge.toml");
        std::fs::write(&path, vec![b'#'; (CONFIG_LIMIT + 10) as usize]).unwrap();
        let loaded = load(&path);
        assert!(loaded.notices[0].message.contains("larger than"));
        assert_eq!(loaded.config, Config::default());
        let mut catalog = Catalog::shipped().unwrap();
        apply(
            &mut catalog,
            &loaded.config,
            &loaded.unreadable_providers,
            &path,
        );
        assert!(
            catalog.provider("anthropic").unwrap().unusable.is_some(),
            "what the file set is unknown: no shipped cloud endpoint is used"
        );
    }

    #[test]
    fn missing_file_is_defaults_without_notice() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = load(&dir.path().join("absent.toml"));
        assert_eq!(loaded.config, Config::default());
        assert!(loaded.notices.is_empty());
    }

    #[test]
    fn broken_file_gives_defaults_and_a_notice_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            &dir,
            "[providers.anthropic]\nbase_url = \"http://127.0.0.1:4010\"\nstatus_url = \n",
        );
        let loaded = load(&path);
        assert_eq!(loaded.config, Config::default(), "falls back to defaults");
        assert_eq!(loaded.notices.len(), 1);
        let notice = &loaded.notices[0];
        assert_eq!(notice.kind, NoticeKind::ConfigInvalid);
        assert!(
            notice.message.contains(&path.display().to_string()),
            "{notice:?}"
        );
        assert!(notice.message.contains("line 3"), "{notice:?}");
    }

    #[test]
    fn a_misspelt_key_is_reported_not_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            &dir,
            "[providers.openai]\nbase-url = \"https://example.com\"\n",
        );
        let loaded = load(&path);
        assert_eq!(loaded.notices.len(), 1);
        assert!(loaded.notices[0].message.contains("base-url"));
        assert!(loaded.notices[0].message.contains("line 2"));
    }

    #[test]
    fn overrides_change_endpoints_and_add_providers_and_models() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            &dir,
            r#"
[providers.anthropic]
base_url = "http://127.0.0.1:4010/anthropic"
status_url = "http://127.0.0.1:4010/status/anthropic"

[providers.lab]
wire = "openai_compatible"
base_url = "http://127.0.0.1:8000"

[[models]]
provider = "lab"
id = "qwen3-32b"
display_name = "Qwen3 32B (lab)"
context_window = 32768
input = ["text"]
tool_use = true
price_in = 0.0
price_out = 0.0
tier = "local"
aliases = ["Qwen3 32B"]
"#,
        );
        let loaded = load(&path);
        assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
        let mut catalog = Catalog::shipped().unwrap();
        let notices = apply(
            &mut catalog,
            &loaded.config,
            &loaded.unreadable_providers,
            &path,
        );
        assert!(notices.is_empty(), "{notices:?}");
        let anthropic = catalog.provider("anthropic").unwrap();
        assert_eq!(anthropic.base_url, "http://127.0.0.1:4010/anthropic");
        assert_eq!(anthropic.api_key_env, "ANTHROPIC_API_KEY", "kept");
        assert_eq!(anthropic.status_format, StatusFormat::Statuspage);
        assert!(catalog.provider("lab").is_some());
        assert_eq!(
            catalog.model("lab", "qwen3-32b").unwrap().display_name,
            "Qwen3 32B (lab)"
        );
        assert!(catalog.problems().is_empty(), "{:?}", catalog.problems());
    }

    #[test]
    fn an_unsafe_or_incomplete_override_is_refused_and_the_rest_applies() {
        let config: Config = toml::from_str(
            r#"
[providers.openai]
base_url = "http://api.openai.com"

[providers.mystery]
base_url = "http://127.0.0.1:9"

[providers.gemini]
base_url = "http://127.0.0.1:4010/gemini"
"#,
        )
        .unwrap();
        let mut catalog = Catalog::shipped().unwrap();
        let notices = apply(
            &mut catalog,
            &config,
            &BTreeMap::new(),
            Path::new("/c/config.toml"),
        );
        assert_eq!(notices.len(), 2, "{notices:?}");
        assert!(notices.iter().any(|n| n.message.contains("https")));
        assert!(notices.iter().any(|n| n.message.contains("mystery")));
        assert_eq!(
            catalog.provider("openai").unwrap().base_url,
            "https://api.openai.com",
            "the unsafe endpoint is not used"
        );
        assert_eq!(
            catalog.provider("gemini").unwrap().base_url,
            "http://127.0.0.1:4010/gemini"
        );
        assert!(catalog.provider("mystery").is_none());
    }
}
