//! Where each provider is reached, as Settings changes it: a provider's base URL and status
//! page (https only, this machine excepted), and OpenAI-compatible servers added by URL
//! (Ollama, LM Studio, vLLM, OpenRouter), whose models are listed at once. Saved in the
//! database under what the config file sets — a field the file sets wins, and Settings says
//! so — and applied without a restart: the catalog is built again and the provider's list read.

use super::Core;
use crate::catalog::{Provider, WireFormat};
use crate::config::ProviderSettings;
use crate::model_lists::describe;
use crate::startup::{PROVIDER_SETTINGS, catalog_with};
use crate::store::StoreError;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeMap;

/// A provider as Settings shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ProviderSetup {
    pub provider: String,
    pub name: String,
    pub wire: WireFormat,
    pub base_url: String,
    pub status_url: Option<String>,
    pub needs_key: bool,
    /// Added in Settings: it can be removed there.
    pub added_here: bool,
    /// The fields the config file sets ("base_url", "status_url"): they win over Settings.
    pub set_in_config: Vec<String>,
    /// Why it is not used, when its settings were refused.
    pub unusable: Option<String>,
}

/// What asking the provider for its models found, just after a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ServerCheck {
    pub provider: String,
    /// The models it serves that Switchboard can chat with, by name.
    pub found: Vec<String>,
    /// Why it could not be asked, in words.
    pub problem: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderSetupError {
    #[error("Switchboard knows no provider \"{0}\"")]
    UnknownProvider(String),
    #[error("Give the server a name")]
    NoName,
    #[error("That cannot be used: {0}. Nothing was changed")]
    Refused(String),
    #[error("{0} was not added here, so it cannot be removed here")]
    NotAddedHere(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn field_name(field: &str) -> &'static str {
    match field {
        "base_url" => "base_url",
        "status_url" => "status_url",
        _ => "other",
    }
}

impl Core {
    pub fn provider_setups(&self) -> Vec<ProviderSetup> {
        let base = self.model_lists.base();
        let saved = self.saved_providers.lock().expect("providers lock").clone();
        let shipped = crate::catalog::Catalog::shipped().ok();
        base.providers
            .iter()
            .map(|p| {
                let in_file = self.file_config.providers.get(&p.id);
                let mut set_in_config = Vec::new();
                if in_file.is_some_and(|f| f.base_url.is_some()) {
                    set_in_config.push(field_name("base_url").to_string());
                }
                if in_file.is_some_and(|f| f.status_url.is_some()) {
                    set_in_config.push(field_name("status_url").to_string());
                }
                ProviderSetup {
                    provider: p.id.clone(),
                    name: p.name.clone(),
                    wire: p.wire,
                    base_url: p.base_url.clone(),
                    status_url: p.status_url.clone(),
                    needs_key: p.needs_key(),
                    added_here: saved.contains_key(&p.id)
                        && in_file.is_none()
                        && shipped.as_ref().is_none_or(|s| s.provider(&p.id).is_none()),
                    set_in_config,
                    unusable: p.unusable.clone(),
                }
            })
            .collect()
    }

    /// A provider's base URL and status page (`None`: as shipped); applied at once.
    pub async fn set_provider_address(
        &self,
        provider_id: &str,
        base_url: Option<&str>,
        status_url: Option<&str>,
    ) -> Result<ServerCheck, ProviderSetupError> {
        if self.model_lists.base().provider(provider_id).is_none() {
            return Err(ProviderSetupError::UnknownProvider(provider_id.into()));
        }
        let clean = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        // What the config file sets wins; Settings does not pretend to change it.
        let in_file = self.file_config.providers.get(provider_id);
        if in_file.is_some_and(|f| f.base_url.is_some()) && clean(base_url).is_some()
            || in_file.is_some_and(|f| f.status_url.is_some()) && clean(status_url).is_some()
        {
            return Err(ProviderSetupError::Refused(format!(
                "{} sets this, and the file wins over Settings; change it there",
                self.paths.config_file.display()
            )));
        }
        let mut next = self.saved_providers.lock().expect("providers lock").clone();
        let entry = next.entry(provider_id.to_string()).or_default();
        entry.base_url = clean(base_url);
        entry.status_url = clean(status_url);
        if *entry == ProviderSettings::default() {
            next.remove(provider_id);
        }
        self.apply_providers(next, provider_id).await
    }

    /// An OpenAI-compatible server at `base_url` ("http://127.0.0.1:1234/v1"), asked for its
    /// models at once. `needs_key`: it takes an API key (OpenRouter), entered under Providers.
    pub async fn add_server(
        &self,
        name: &str,
        base_url: &str,
        needs_key: bool,
    ) -> Result<ServerCheck, ProviderSetupError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ProviderSetupError::NoName);
        }
        let slug: String = name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let slug = if slug.is_empty() {
            "server".into()
        } else {
            slug
        };
        let base = self.model_lists.base();
        let id = (1..)
            .map(|n| {
                if n == 1 {
                    slug.clone()
                } else {
                    format!("{slug}-{n}")
                }
            })
            .find(|id| base.provider(id).is_none())
            .expect("a free id");
        let mut next = self.saved_providers.lock().expect("providers lock").clone();
        next.insert(
            id.clone(),
            ProviderSettings {
                name: Some(name.to_string()),
                family: Some(name.to_string()),
                wire: Some(WireFormat::OpenaiCompatible),
                base_url: Some(base_url.trim().to_string()),
                api_key_env: needs_key
                    .then(|| format!("{}_API_KEY", id.to_uppercase().replace('-', "_"))),
                ..Default::default()
            },
        );
        self.apply_providers(next, &id).await
    }

    /// Removes a server added in Settings.
    pub async fn remove_server(&self, provider_id: &str) -> Result<(), ProviderSetupError> {
        let added_here = self
            .provider_setups()
            .iter()
            .any(|p| p.provider == provider_id && p.added_here);
        if !added_here {
            return Err(ProviderSetupError::NotAddedHere(provider_id.into()));
        }
        let mut next = self.saved_providers.lock().expect("providers lock").clone();
        next.remove(provider_id);
        self.apply_providers(next, provider_id).await.map(|_| ())
    }

    /// Builds the catalog with `next`, refuses it when `changed` would not hold up, else saves
    /// it, puts it in force and asks `changed` for its models.
    async fn apply_providers(
        &self,
        next: BTreeMap<String, ProviderSettings>,
        changed: &str,
    ) -> Result<ServerCheck, ProviderSetupError> {
        let mut notices = Vec::new();
        let catalog = catalog_with(
            &self.file_config,
            &next,
            &self.unreadable_providers,
            &self.paths.config_file,
            &mut notices,
        )
        .map_err(|e| ProviderSetupError::Refused(e.to_string()))?;
        let provider: Option<Provider> = catalog.provider(changed).cloned();
        let refused = match &provider {
            Some(p) => p.unusable.clone(),
            None if next.contains_key(changed) => Some(
                notices
                    .iter()
                    .map(|n| n.message.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            None => None,
        };
        if let Some(why) = refused {
            return Err(ProviderSetupError::Refused(why));
        }
        self.store
            .set_setting(PROVIDER_SETTINGS, &next, self.clock.now())
            .await?;
        *self.saved_providers.lock().expect("providers lock") = next;
        self.model_lists.set_base(catalog);
        let check = match provider {
            Some(provider) => {
                let key = self.key(&provider).await;
                if provider.needs_key() && key.is_none() {
                    ServerCheck {
                        provider: provider.id.clone(),
                        found: Vec::new(),
                        problem: Some(format!(
                            "{} takes an API key: enter it under Providers, and its models are listed then",
                            provider.name
                        )),
                    }
                } else {
                    match self.model_lists.ask(&provider, key.as_ref()).await {
                        Ok(models) => {
                            let found = models
                                .iter()
                                .filter(|m| m.can_chat)
                                .map(|m| m.display_name.clone().unwrap_or_else(|| m.id.clone()))
                                .collect();
                            self.model_lists
                                .keep(&provider, models, self.clock.now())
                                .await;
                            ServerCheck {
                                provider: provider.id.clone(),
                                found,
                                problem: None,
                            }
                        }
                        Err(failure) => ServerCheck {
                            provider: provider.id.clone(),
                            found: Vec::new(),
                            problem: Some(describe(&provider, &failure)),
                        },
                    }
                }
            }
            None => ServerCheck {
                provider: changed.to_string(),
                found: Vec::new(),
                problem: None,
            },
        };
        self.model_lists.publish();
        Ok(check)
    }
}
