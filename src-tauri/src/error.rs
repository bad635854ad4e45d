//! How errors reach the UI: a stable `{kind, message}`, the kind from a closed list the UI
//! can branch on, the message in plain words. Each area keeps its own `thiserror` enum and
//! says which kind each of its errors is.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchboard_core::assistant::AssistantError;
use switchboard_core::store::StoreError;
use switchboard_core::{KeyEntryError, ProviderSetupError, WorkspaceError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The request named something that does not exist (an unknown model).
    NotFound,
    /// The request itself was not acceptable.
    InvalidInput,
    /// The database failed; what the person did may not have been saved.
    Storage,
    /// The provider is not set up (no key): the message says what to do.
    NotConfigured,
    /// The workspace policy turns the model off: the message is the admin's.
    AdminDisabled,
    /// The preferred model is out and no consent covers it: nothing was sent; the person
    /// chooses (the window opens the consent dialog).
    NeedsConsent,
}

/// The one error shape the UI receives: `{kind, message, reason}`, the reason (whose side,
/// what to do) where there is one, so the UI can show it as it shows any other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, thiserror::Error)]
#[error("{message}")]
pub struct UiError {
    pub kind: ErrorKind,
    pub message: String,
    pub reason: Option<switchboard_core::vocabulary::Reason>,
}

impl From<StoreError> for UiError {
    fn from(error: StoreError) -> Self {
        tracing::error!(%error, "storage error");
        let message = if error.is_damaged() {
            "Switchboard's database is damaged, so this could not be saved or read. Restart \
             Switchboard: it keeps the damaged file aside and copies everything that can still \
             be read into a fresh one."
                .to_string()
        } else {
            format!("Switchboard could not save or read its data: {error}")
        };
        Self {
            kind: ErrorKind::Storage,
            message,
            reason: None,
        }
    }
}

impl From<switchboard_core::HistoryError> for UiError {
    fn from(error: switchboard_core::HistoryError) -> Self {
        match error {
            switchboard_core::HistoryError::Store(e) => e.into(),
            other => Self {
                kind: ErrorKind::NotFound,
                message: format!("{other}."),
                reason: None,
            },
        }
    }
}

impl From<AssistantError> for UiError {
    fn from(error: AssistantError) -> Self {
        match error {
            AssistantError::UnknownModel(_) | AssistantError::UnknownConversation(_) => Self {
                kind: ErrorKind::NotFound,
                message: error.to_string(),
                reason: None,
            },
            AssistantError::NeedsConsent(ref reason) => Self {
                kind: ErrorKind::NeedsConsent,
                message: error.to_string(),
                reason: Some(reason.clone()),
            },
            AssistantError::EmptyMessage
            | AssistantError::Endpoint(_)
            | AssistantError::NotOffered(_) => Self {
                kind: ErrorKind::InvalidInput,
                message: error.to_string(),
                reason: None,
            },
            AssistantError::NotConfigured(ref reason) => Self {
                kind: ErrorKind::NotConfigured,
                message: error.to_string(),
                reason: Some(reason.clone()),
            },
            AssistantError::TurnedOff(ref reason) => Self {
                kind: ErrorKind::AdminDisabled,
                message: error.to_string(),
                reason: Some(reason.clone()),
            },
            AssistantError::Store(e) => e.into(),
            AssistantError::StoreRepaired(_) => Self {
                kind: ErrorKind::Storage,
                message: error.to_string(),
                reason: None,
            },
        }
    }
}

impl From<ProviderSetupError> for UiError {
    fn from(error: ProviderSetupError) -> Self {
        let kind = match error {
            ProviderSetupError::Store(e) => return e.into(),
            ProviderSetupError::UnknownProvider(_) => ErrorKind::NotFound,
            ProviderSetupError::NoName
            | ProviderSetupError::Refused(_)
            | ProviderSetupError::NotAddedHere(_) => ErrorKind::InvalidInput,
        };
        Self {
            kind,
            message: format!("{error}."),
            reason: None,
        }
    }
}

impl From<WorkspaceError> for UiError {
    fn from(error: WorkspaceError) -> Self {
        match error {
            WorkspaceError::Store(e) => e.into(),
            WorkspaceError::SetInConfig(_) => Self {
                kind: ErrorKind::AdminDisabled,
                message: format!("{error}."),
                reason: None,
            },
            WorkspaceError::Invalid(_) => Self {
                kind: ErrorKind::InvalidInput,
                message: format!("{error}."),
                reason: None,
            },
        }
    }
}

impl From<KeyEntryError> for UiError {
    fn from(error: KeyEntryError) -> Self {
        let kind = match error {
            KeyEntryError::UnknownProvider(_) => ErrorKind::NotFound,
            KeyEntryError::NeedsNoKey(_)
            | KeyEntryError::Empty
            | KeyEntryError::Malformed
            | KeyEntryError::SettingsRefused(..) => ErrorKind::InvalidInput,
            KeyEntryError::Keyring(_) => ErrorKind::Storage,
        };
        Self {
            kind,
            message: format!("{error}."),
            reason: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::vocabulary::ModelRef;

    /// The UI branches on these names (`ui/src/lib/backend`); renaming one breaks it. The
    /// match has no wildcard, so a new kind cannot be added without its name here.
    #[test]
    fn every_kind_keeps_its_wire_name() {
        let name = |kind: ErrorKind| match kind {
            ErrorKind::NotFound => "not_found",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Storage => "storage",
            ErrorKind::NotConfigured => "not_configured",
            ErrorKind::AdminDisabled => "admin_disabled",
            ErrorKind::NeedsConsent => "needs_consent",
        };
        for kind in [
            ErrorKind::NotFound,
            ErrorKind::InvalidInput,
            ErrorKind::Storage,
            ErrorKind::NotConfigured,
            ErrorKind::AdminDisabled,
            ErrorKind::NeedsConsent,
        ] {
            assert_eq!(serde_json::to_value(kind).unwrap(), name(kind));
        }
        // The TypeScript type names exactly these.
        let bindings = include_str!("../../ui/src/lib/bindings.ts");
        let start = bindings
            .find("export type ErrorKind =")
            .expect("ErrorKind in the bindings");
        // The type ends at its last name: `"…";` (its doc comments may hold a `;` too).
        let block = &bindings[start..start + bindings[start..].find("\";").unwrap() + 1];
        let block: String = block
            .lines()
            .filter(|line| !line.trim_start().starts_with("/*"))
            .collect();
        let quoted: Vec<&str> = block.split('"').skip(1).step_by(2).collect();
        assert_eq!(
            quoted,
            [
                "not_found",
                "invalid_input",
                "storage",
                "not_configured",
                "admin_disabled",
                "needs_consent"
            ]
        );
    }

    /// The UI branches on this shape; changing it breaks the front end.
    #[test]
    fn json_shape_is_kind_and_message() {
        let error: UiError =
            AssistantError::UnknownModel(ModelRef::new("anthropic", "claude-opus-9")).into();
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({
                "kind": "not_found",
                "message": "Switchboard does not know the model anthropic/claude-opus-9; pick one from the list",
                "reason": null
            })
        );
        // Where there is a reason, it comes along for the UI to show as any other.
        let catalog = switchboard_core::catalog::Catalog::shipped().unwrap();
        let reason = switchboard_core::health::message::not_configured(
            catalog.provider("anthropic").unwrap(),
            catalog.model("anthropic", "claude-opus-4-7").unwrap(),
        );
        let error: UiError = AssistantError::NotConfigured(reason.clone()).into();
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["kind"], "not_configured");
        assert_eq!(json["reason"]["kind"], "not_configured");
        assert_eq!(json["reason"]["side"], "your_setup");
    }
}
