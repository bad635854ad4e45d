//! API keys: the OS keyring (Secret Service on Linux), then the provider's environment
//! variable (`ANTHROPIC_API_KEY` and the like). A key never reaches a log, an event or the UI:
//! [`Secret`] prints as `***`.
//!
//! Where no Secret Service runs (a CI box, a bare server), the keyring reports
//! `NoDefaultStore`; Switchboard then uses the environment alone and says so in the log.

use crate::catalog::Provider;

/// The keyring service name under which keys are stored, one entry per provider id.
pub const KEYRING_SERVICE: &str = "switchboard";

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Finds the key for a provider (`None`: no key), as sending and probing take it.
pub type KeyLookup = dyn Fn(&Provider) -> Option<Secret> + Send + Sync;

/// Where a key was found, for Settings ("from the keyring", "from ANTHROPIC_API_KEY").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Keyring,
    Environment(String),
    /// Entered while no keyring runs: kept in memory until Switchboard quits.
    ThisSession,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "no keyring is available on this system ({0}); set the provider's environment variable instead"
    )]
    NoKeyring(String),
    #[error("the keyring refused: {0}")]
    Keyring(String),
}

/// Where keys are kept: found (with where from), stored and removed. Every call may block
/// (the keyring talks D-Bus): the core makes them off the async threads.
pub trait KeyStore: Send + Sync {
    /// The key for `provider` and where it came from; `None` for a provider that needs none.
    fn find(&self, provider: &Provider) -> Option<(Secret, KeySource)>;
    /// Keeps `secret` as `provider_id`'s key.
    fn store(&self, provider_id: &str, secret: &Secret) -> Result<(), KeyError>;
    /// Forgets `provider_id`'s stored key (one in the environment stays).
    fn remove(&self, provider_id: &str) -> Result<(), KeyError>;
}

/// Keys fixed by a function of the provider (for tests and embedding): found as if from the
/// provider's environment variable; nothing can be stored.
impl<F: Fn(&Provider) -> Option<Secret> + Send + Sync> KeyStore for F {
    fn find(&self, provider: &Provider) -> Option<(Secret, KeySource)> {
        self(provider).map(|secret| (secret, KeySource::Environment(provider.api_key_env.clone())))
    }

    fn store(&self, _provider_id: &str, _secret: &Secret) -> Result<(), KeyError> {
        Err(KeyError::Keyring(
            "these keys are fixed; none can be stored".into(),
        ))
    }

    fn remove(&self, _provider_id: &str) -> Result<(), KeyError> {
        Err(KeyError::Keyring(
            "these keys are fixed; none can be removed".into(),
        ))
    }
}

/// Keys entered while Switchboard runs, over a store: where the store has no keyring (a
/// minimal desktop, CI), a key is kept in memory for this session rather than written to a
/// file — and the person is told so. A key entered this session comes first.
pub struct SessionKeys {
    inner: std::sync::Arc<dyn KeyStore>,
    session: std::sync::Mutex<std::collections::HashMap<String, Secret>>,
}

impl SessionKeys {
    pub fn over(inner: std::sync::Arc<dyn KeyStore>) -> Self {
        Self {
            inner,
            session: Default::default(),
        }
    }

    /// Keeps `secret` in the keyring, or — only where there is none — for this session;
    /// says which.
    pub fn keep(&self, provider_id: &str, secret: &Secret) -> Result<KeySource, KeyError> {
        let mut session = self.session.lock().expect("session keys lock");
        match self.inner.store(provider_id, secret) {
            Ok(()) => {
                session.remove(provider_id);
                Ok(KeySource::Keyring)
            }
            Err(KeyError::NoKeyring(why)) => {
                tracing::info!(provider = %provider_id, %why, "no keyring: key kept for this session");
                session.insert(provider_id.to_string(), secret.clone());
                Ok(KeySource::ThisSession)
            }
            Err(other) => Err(other),
        }
    }
}

impl KeyStore for SessionKeys {
    fn find(&self, provider: &Provider) -> Option<(Secret, KeySource)> {
        let session = self
            .session
            .lock()
            .expect("session keys lock")
            .get(&provider.id)
            .cloned();
        match session {
            Some(secret) if provider.needs_key() => Some((secret, KeySource::ThisSession)),
            _ => self.inner.find(provider),
        }
    }

    fn store(&self, provider_id: &str, secret: &Secret) -> Result<(), KeyError> {
        self.keep(provider_id, secret).map(|_| ())
    }

    fn remove(&self, provider_id: &str) -> Result<(), KeyError> {
        let had = self
            .session
            .lock()
            .expect("session keys lock")
            .remove(provider_id)
            .is_some();
        match self.inner.remove(provider_id) {
            Err(KeyError::NoKeyring(_)) if had => Ok(()),
            other => other,
        }
    }
}

/// Looks keys up: keyring first, then the environment (passed in, for tests).
pub struct Keys<E: Fn(&str) -> Option<String> + Send + Sync> {
    env: E,
    use_keyring: bool,
}

impl Keys<fn(&str) -> Option<String>> {
    /// The keyring and the process environment.
    pub fn system() -> Self {
        Self {
            env: |name| std::env::var(name).ok(),
            use_keyring: true,
        }
    }
}

impl<E: Fn(&str) -> Option<String> + Send + Sync> Keys<E> {
    /// The environment only: no keyring is touched.
    pub fn env_only(env: E) -> Self {
        Self {
            env,
            use_keyring: false,
        }
    }

    /// The key for `provider` and where it came from. Blocking (the keyring talks D-Bus):
    /// call from `spawn_blocking` inside async code.
    pub fn find(&self, provider: &Provider) -> Option<(Secret, KeySource)> {
        if !provider.needs_key() {
            return None;
        }
        if self.use_keyring {
            match keyring_get(&provider.id) {
                Ok(Some(secret)) => return Some((secret, KeySource::Keyring)),
                Ok(None) => {}
                Err(e) => {
                    tracing::debug!(provider = %provider.id, error = %e, "keyring unavailable")
                }
            }
        }
        (self.env)(&provider.api_key_env)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .map(|v| {
                (
                    Secret::new(v),
                    KeySource::Environment(provider.api_key_env.clone()),
                )
            })
    }
}

impl<E: Fn(&str) -> Option<String> + Send + Sync> KeyStore for Keys<E> {
    fn find(&self, provider: &Provider) -> Option<(Secret, KeySource)> {
        Keys::find(self, provider)
    }

    fn store(&self, provider_id: &str, secret: &Secret) -> Result<(), KeyError> {
        if !self.use_keyring {
            return Err(KeyError::NoKeyring(
                "this key lookup reads the environment only".into(),
            ));
        }
        keyring_set(provider_id, secret)
    }

    fn remove(&self, provider_id: &str) -> Result<(), KeyError> {
        if !self.use_keyring {
            return Err(KeyError::NoKeyring(
                "this key lookup reads the environment only".into(),
            ));
        }
        keyring_delete(provider_id)
    }
}

fn entry(provider_id: &str) -> Result<keyring::Entry, KeyError> {
    keyring::Entry::new(KEYRING_SERVICE, provider_id).map_err(|e| match e {
        keyring::Error::NoDefaultStore => KeyError::NoKeyring(e.to_string()),
        other => KeyError::Keyring(other.to_string()),
    })
}

pub fn keyring_get(provider_id: &str) -> Result<Option<Secret>, KeyError> {
    match entry(provider_id)?.get_password() {
        Ok(value) => Ok(Some(Secret::new(value))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(KeyError::Keyring(e.to_string())),
    }
}

pub fn keyring_set(provider_id: &str, secret: &Secret) -> Result<(), KeyError> {
    entry(provider_id)?
        .set_password(secret.expose())
        .map_err(|e| KeyError::Keyring(e.to_string()))
}

pub fn keyring_delete(provider_id: &str) -> Result<(), KeyError> {
    match entry(provider_id)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(KeyError::Keyring(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn a_secret_never_prints() {
        let secret = Secret::new("sk-ant-api03-very-secret");
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some(***)");
        assert_eq!(secret.expose(), "sk-ant-api03-very-secret");
    }

    #[test]
    fn the_environment_supplies_keys_by_the_providers_variable() {
        let catalog = Catalog::shipped().unwrap();
        let keys = Keys::env_only(|name| (name == "OPENAI_API_KEY").then(|| " sk-test \n".into()));
        let openai = catalog.provider("openai").unwrap();
        let (secret, source) = keys.find(openai).expect("found in the environment");
        assert_eq!(secret.expose(), "sk-test", "trimmed");
        assert_eq!(source, KeySource::Environment("OPENAI_API_KEY".into()));
        assert!(keys.find(catalog.provider("anthropic").unwrap()).is_none());
        assert!(
            keys.find(catalog.provider("ollama").unwrap()).is_none(),
            "needs none"
        );
    }

    #[test]
    fn without_a_keyring_a_key_is_kept_for_the_session_and_comes_first() {
        let catalog = Catalog::shipped().unwrap();
        let openai = catalog.provider("openai").unwrap();
        let env = Keys::env_only(|name| (name == "OPENAI_API_KEY").then(|| "sk-env".into()));
        let keys = SessionKeys::over(std::sync::Arc::new(env));
        assert_eq!(keys.find(openai).unwrap().0.expose(), "sk-env");
        let kept = keys.keep("openai", &Secret::new("sk-typed")).unwrap();
        assert_eq!(kept, KeySource::ThisSession);
        assert_eq!(
            keys.find(openai).unwrap(),
            (Secret::new("sk-typed"), KeySource::ThisSession),
            "the key just entered is used, not the environment's"
        );
        keys.remove("openai").unwrap();
        assert_eq!(keys.find(openai).unwrap().0.expose(), "sk-env");
        // A store that refuses for another reason is not papered over.
        let fixed = SessionKeys::over(std::sync::Arc::new(|_: &Provider| None));
        assert!(matches!(
            fixed.keep("openai", &Secret::new("sk")),
            Err(KeyError::Keyring(_))
        ));
    }

    /// Runs against a real Secret Service when one is on the session bus (under
    /// `dbus-run-session` with gnome-keyring); where none runs, it checks that the absence is
    /// reported as `NoKeyring` — and says which it tested.
    #[test]
    fn the_keyring_stores_and_forgets_a_key_or_reports_its_absence() {
        let id = format!("test-{}", std::process::id());
        match keyring_set(&id, &Secret::new("sk-keyring-test")) {
            Ok(()) => {
                eprintln!("keyring test: real Secret Service");
                assert_eq!(
                    keyring_get(&id).unwrap(),
                    Some(Secret::new("sk-keyring-test"))
                );
                keyring_delete(&id).unwrap();
                assert_eq!(keyring_get(&id).unwrap(), None);
            }
            Err(KeyError::NoKeyring(why)) => {
                eprintln!("keyring test: no Secret Service here ({why}); environment path only");
                assert!(matches!(keyring_get(&id), Err(KeyError::NoKeyring(_))));
            }
            Err(other) => panic!("the keyring failed in an unexpected way: {other}"),
        }
    }
}
