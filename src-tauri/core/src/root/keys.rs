//! Keys as a person sets them up: entered once, checked at once with the provider's free
//! model-list request, kept in the keyring (or, where none runs, for this session only — and
//! said so), never shown again, never written to a log, an event, the database or a file.

use super::Core;
use crate::catalog::Provider;
use crate::clock::LocalTimes;
use crate::health::connectivity::NetworkCheck;
use crate::health::message::{self, KeyKept};
use crate::providers::keys::{KeyError, KeySource, KeyStore, Secret};
use crate::vocabulary::Reason;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// Where a key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum KeyPlace {
    /// The OS keyring (Secret Service on Linux).
    Keyring,
    /// Memory, until Switchboard quits: no keyring runs here.
    ThisSession,
    /// The provider's environment variable.
    Environment,
}

impl From<&KeySource> for KeyPlace {
    fn from(source: &KeySource) -> Self {
        match source {
            KeySource::Keyring => KeyPlace::Keyring,
            KeySource::ThisSession => KeyPlace::ThisSession,
            KeySource::Environment(_) => KeyPlace::Environment,
        }
    }
}

/// What checking a key found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct KeyCheck {
    pub provider: String,
    pub at: DateTime<Utc>,
    /// The provider answered a request made with the key.
    pub accepted: bool,
    /// Where the key is now; `None`: it was not kept (the provider rejected it).
    pub kept: Option<KeyPlace>,
    /// What was found and whose side it is on, as every reason says it.
    pub reason: Reason,
    /// Where the key is kept, in words, and what that means for the person.
    pub kept_words: String,
}

/// A provider that takes a key, as Settings shows it: never the key itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ProviderKey {
    pub provider: String,
    pub name: String,
    /// The environment variable read at start ("ANTHROPIC_API_KEY").
    pub env_var: String,
    /// Where keys are made.
    pub console_url: Option<String>,
    /// Where the key in use comes from; `None`: there is none.
    pub place: Option<KeyPlace>,
    /// The last check this run, if any.
    pub last_check: Option<KeyCheck>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyEntryError {
    #[error("Switchboard knows no provider \"{0}\"")]
    UnknownProvider(String),
    #[error("{0} runs without a key; there is nothing to enter")]
    NeedsNoKey(String),
    #[error("Paste the key first: the field is empty")]
    Empty,
    #[error(
        "That does not look like an API key: it has spaces, line breaks or other characters a key never has. Paste the key alone; nothing was saved"
    )]
    Malformed,
    #[error(
        "{0}'s settings in your config could not be used ({1}), so a key could not be checked; fix them and restart Switchboard. Nothing was saved"
    )]
    SettingsRefused(String, String),
    #[error("The key could not be kept: {0}. Nothing was saved")]
    Keyring(KeyError),
}

impl Core {
    /// The key for `provider`, looked up off the async threads.
    pub async fn key(&self, provider: &Provider) -> Option<Secret> {
        self.key_and_source(provider)
            .await
            .map(|(secret, _)| secret)
    }

    /// Where each provider that needs a key has it from (`None`: nowhere), never the key.
    pub async fn key_sources(&self) -> Vec<(Provider, Option<KeySource>)> {
        let keyed: Vec<Provider> = self
            .catalog()
            .providers
            .iter()
            .filter(|p| p.needs_key())
            .cloned()
            .collect();
        let keys = self.keys.clone();
        tokio::task::spawn_blocking(move || {
            keyed
                .into_iter()
                .map(|p| {
                    let source = keys.find(&p).map(|(_, source)| source);
                    (p, source)
                })
                .collect()
        })
        .await
        .unwrap_or_default()
    }

    /// Every provider that takes a key, for Settings.
    pub async fn provider_keys(&self) -> Vec<ProviderKey> {
        let checks = self.key_checks.lock().expect("key checks lock").clone();
        self.key_sources()
            .await
            .into_iter()
            .map(|(p, source)| ProviderKey {
                last_check: checks.get(&p.id).cloned(),
                provider: p.id,
                name: p.name,
                env_var: p.api_key_env,
                console_url: p.console_url,
                place: source.as_ref().map(KeyPlace::from),
            })
            .collect()
    }

    /// Keeps `secret` as the key of `provider_id` without checking it (for a key known good,
    /// as in tests); the next send uses it. Returns where it is kept.
    pub async fn store_key(
        &self,
        provider_id: &str,
        secret: Secret,
    ) -> Result<KeySource, KeyError> {
        let place = self.keep_key(provider_id, secret).await?;
        self.health.record_key(provider_id, true);
        Ok(place)
    }

    /// Keeps the key (keyring, or this session), off the async threads; the engine is told
    /// by the caller, once.
    async fn keep_key(&self, provider_id: &str, secret: Secret) -> Result<KeySource, KeyError> {
        let (keys, id) = (self.keys.clone(), provider_id.to_string());
        tokio::task::spawn_blocking(move || keys.keep(&id, &secret))
            .await
            .unwrap_or_else(|e| Err(KeyError::Keyring(e.to_string())))
    }

    /// Forgets the stored key of `provider_id` (one in the environment stays).
    pub async fn remove_key(&self, provider_id: &str) -> Result<(), KeyError> {
        let (keys, id) = (self.keys.clone(), provider_id.to_string());
        tokio::task::spawn_blocking(move || keys.remove(&id))
            .await
            .unwrap_or_else(|e| Err(KeyError::Keyring(e.to_string())))?;
        self.key_checks
            .lock()
            .expect("key checks lock")
            .remove(provider_id);
        // A key in the environment may still be there.
        let still = match self.catalog().provider(provider_id) {
            Some(provider) => self.key(provider).await.is_some(),
            None => false,
        };
        self.health.record_key(provider_id, still);
        Ok(())
    }

    /// A key entered in Settings: checked with the provider's model-list request, kept unless
    /// the provider rejected it, and said in plain words either way.
    pub async fn save_key(&self, provider_id: &str, text: &str) -> Result<KeyCheck, KeyEntryError> {
        let provider = self.keyed_provider(provider_id)?;
        let text = text.trim();
        if text.is_empty() {
            return Err(KeyEntryError::Empty);
        }
        // Printable ASCII only: a key goes into a header, and anything else is a paste gone
        // wrong (two keys, a sentence, a line break).
        if !text.chars().all(|c| c.is_ascii_graphic()) {
            return Err(KeyEntryError::Malformed);
        }
        let secret = Secret::new(text);
        let (reason, keep, listed) = self.check_with(&provider, &secret).await;
        let accepted = listed.is_some();
        let kept = match keep {
            KeyKept::Kept => Some(
                self.keep_key(&provider.id, secret)
                    .await
                    .map_err(KeyEntryError::Keyring)?,
            ),
            KeyKept::NotKept => None,
        };
        let now = self.clock.now();
        match (listed, kept.is_some()) {
            (Some(models), true) => {
                // One change: the key and its acceptance together. The list it read is the
                // provider's list: kept, as a refresh would.
                self.health.record_checked_key(&provider.id, now);
                self.model_lists.keep(&provider, models, now).await;
                self.model_lists.publish();
            }
            (None, true) => self.health.record_key(&provider.id, true),
            (_, false) => {}
        }
        Ok(self.remember(
            &provider,
            reason,
            kept.as_ref().map(KeyPlace::from),
            accepted,
        ))
    }

    /// Checks the key in use again ("Check again"), without changing where it is kept.
    pub async fn check_key(&self, provider_id: &str) -> Result<KeyCheck, KeyEntryError> {
        let provider = self.keyed_provider(provider_id)?;
        let Some((secret, source)) = self.key_and_source(&provider).await else {
            return Err(KeyEntryError::Empty);
        };
        let (reason, _, listed) = self.check_with(&provider, &secret).await;
        let accepted = listed.is_some();
        if let Some(models) = listed {
            let now = self.clock.now();
            self.model_lists.keep(&provider, models, now).await;
            self.model_lists.publish();
        }
        Ok(self.remember(&provider, reason, Some(KeyPlace::from(&source)), accepted))
    }

    fn keyed_provider(&self, provider_id: &str) -> Result<Provider, KeyEntryError> {
        let provider = self
            .catalog()
            .provider(provider_id)
            .cloned()
            .ok_or_else(|| KeyEntryError::UnknownProvider(provider_id.to_string()))?;
        if !provider.needs_key() {
            return Err(KeyEntryError::NeedsNoKey(provider.name));
        }
        // Never its shipped address in place of the person's refused one.
        if let Some(why) = provider.unusable {
            return Err(KeyEntryError::SettingsRefused(provider.name, why));
        }
        Ok(provider)
    }

    /// Asks the provider for its list with `secret`: the reason, whether to keep the key,
    /// and the list if it answered. Never sent where the workspace turned the provider off.
    async fn check_with(
        &self,
        provider: &Provider,
        secret: &Secret,
    ) -> (
        Reason,
        KeyKept,
        Option<Vec<crate::catalog::live::ListedModel>>,
    ) {
        let times = LocalTimes::of(self.clock.as_ref());
        let now = self.clock.now();
        if self.health.provider_turned_off(&provider.id) {
            return (
                message::key_unchecked_by_policy(provider),
                KeyKept::Kept,
                None,
            );
        }
        match self.model_lists.ask(provider, Some(secret)).await {
            Ok(models) => {
                let chat = models.iter().filter(|m| m.can_chat).count();
                (
                    message::key_accepted(provider, now, chat, &times),
                    KeyKept::Kept,
                    Some(models),
                )
            }
            Err(failure) => {
                let network = match failure.class {
                    crate::vocabulary::FailureClass::NoAnswer(_) => {
                        Some(self.health.check_after(provider, now).await)
                    }
                    _ => None,
                };
                let (reason, keep) =
                    message::key_not_confirmed(provider, &failure, network.as_ref(), now, &times);
                (reason, keep, None)
            }
        }
    }

    fn remember(
        &self,
        provider: &Provider,
        reason: Reason,
        kept: Option<KeyPlace>,
        accepted: bool,
    ) -> KeyCheck {
        let kept_words = match kept {
            Some(KeyPlace::Keyring) => {
                "Kept in your system keyring; Switchboard never shows it again.".to_string()
            }
            Some(KeyPlace::ThisSession) => format!(
                "No keyring (Secret Service) is running on this desktop, so the key is kept in \
                 memory only, until Switchboard quits — it is not written anywhere. To keep it, \
                 start a keyring (GNOME Keyring, KWallet or KeePassXC) and save it again, or set \
                 {} before starting Switchboard.",
                provider.api_key_env
            ),
            Some(KeyPlace::Environment) => format!(
                "This is the key from {}; change it there.",
                provider.api_key_env
            ),
            None => "Not saved.".to_string(),
        };
        let check = KeyCheck {
            provider: provider.id.clone(),
            at: self.clock.now(),
            accepted,
            kept,
            reason,
            kept_words,
        };
        self.key_checks
            .lock()
            .expect("key checks lock")
            .insert(provider.id.clone(), check.clone());
        check
    }

    pub(super) async fn key_and_source(&self, provider: &Provider) -> Option<(Secret, KeySource)> {
        let (keys, provider) = (self.keys.clone(), provider.clone());
        tokio::task::spawn_blocking(move || keys.find(&provider))
            .await
            .ok()
            .flatten()
    }
}
