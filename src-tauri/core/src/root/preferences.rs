//! How the person wants Switchboard to behave — probes, notifications, closing to the tray,
//! the theme, starting at login — kept in the database and applied at once, without a
//! restart. What `config.toml` sets by hand still holds, and where it fixes a value Settings
//! says so instead of offering a switch that would do nothing.

use super::Core;
use crate::store::StoreError;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::sync::atomic::Ordering;

const PREFERENCES: &str = "preferences";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, Default)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Light or dark as the desktop is.
    #[default]
    System,
    Light,
    Dark,
}

/// The person's choices; a field missing from what was saved takes its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct Preferences {
    /// Probe a model that is out with the smallest real request, to see it back sooner.
    pub probes: bool,
    /// Tell the desktop when the preferred model goes out or is back, while the window is
    /// not in view.
    pub notifications: bool,
    /// Closing the window keeps Switchboard in the tray, watching.
    pub close_to_tray: bool,
    pub theme: Theme,
    pub start_at_login: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            probes: true,
            notifications: true,
            close_to_tray: false,
            theme: Theme::System,
            start_at_login: false,
        }
    }
}

/// A preference `config.toml` fixes, and the words that say so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FixedByConfig {
    /// The field of [`Preferences`] ("probes").
    pub preference: String,
    pub words: String,
}

/// What Settings shows: the choices, and which of them the config file decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct PreferencesView {
    pub preferences: Preferences,
    pub fixed_by_config: Vec<FixedByConfig>,
}

impl Core {
    /// The preferences in force.
    pub fn preferences(&self) -> Preferences {
        self.preferences.lock().expect("preferences lock").clone()
    }

    pub fn preferences_view(&self) -> PreferencesView {
        let mut fixed = Vec::new();
        if self.probe_switch.is_none() && self.probes_off_in_config {
            fixed.push(FixedByConfig {
                preference: "probes".into(),
                words: format!(
                    "Probes are off in {} ([health] probes = false), which wins over this \
                     switch: remove that line to choose here.",
                    self.paths.config_file.display()
                ),
            });
        }
        PreferencesView {
            preferences: self.preferences(),
            fixed_by_config: fixed,
        }
    }

    /// Saves `next` and applies it now; the doors hear it through
    /// [`Core::on_preferences_changed`] (the theme, the tray, notifications, login).
    pub async fn set_preferences(&self, next: Preferences) -> Result<Preferences, StoreError> {
        self.store
            .set_setting(PREFERENCES, &next, self.clock.now())
            .await?;
        self.apply_preferences(&next);
        *self.preferences.lock().expect("preferences lock") = next.clone();
        for listener in self.on_preferences.lock().expect("listeners lock").iter() {
            listener(&next);
        }
        Ok(next)
    }

    /// Called with the preferences each time they change.
    pub fn on_preferences_changed(&self, listener: impl Fn(&Preferences) + Send + Sync + 'static) {
        self.on_preferences
            .lock()
            .expect("listeners lock")
            .push(Box::new(listener));
    }

    /// What the core itself does with them: probes on or off.
    pub(super) fn apply_preferences(&self, preferences: &Preferences) {
        if let Some(switch) = &self.probe_switch {
            switch.store(preferences.probes, Ordering::Relaxed);
        }
    }

    /// The saved preferences, or the defaults (unreadable ones are said in the log, not lost
    /// silently: the defaults hold until the person saves again).
    pub(super) async fn saved_preferences(store: &crate::store::Store) -> Preferences {
        match store.setting::<Preferences>(PREFERENCES).await {
            Ok(saved) => saved.unwrap_or_default(),
            Err(error) => {
                tracing::warn!(%error, "saved preferences unreadable; using the defaults");
                Preferences::default()
            }
        }
    }
}
