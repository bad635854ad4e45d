//! Things the person should be told that are not about one model: a broken config file, a
//! database that had to be set aside. Each says what happened, what Switchboard did about it,
//! and what the person can do.

use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The config file (or part of it) could not be used; the message says what applies.
    ConfigInvalid,
    /// The database file was unreadable and a fresh one was started.
    DatabaseReset,
    /// A status page or the workspace policy could not be read; the last good copy is used.
    SourceUnreadable,
    /// A provider's model list could not be read; the last good list (or the shipped
    /// catalog) is shown.
    ModelListUnreadable,
    /// A fallback order or a standing consent names a model that cannot stand in (retired, no
    /// key, turned off, unknown): it is skipped, with this reason, when it would be needed.
    FallbackBroken,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Notice {
    pub kind: NoticeKind,
    pub title: String,
    pub message: String,
}

impl Notice {
    pub fn config_invalid(file: &Path, line: Option<usize>, what: &str) -> Self {
        let place = match line {
            Some(line) => format!("{}, line {line}", file.display()),
            None => file.display().to_string(),
        };
        Self {
            kind: NoticeKind::ConfigInvalid,
            title: "Your config file has a problem".into(),
            // `what` says what was wrong and what Switchboard does instead.
            message: format!("In {place}: {what}. Fix the file and restart to apply it."),
        }
    }

    /// `where_` says where the model is named ("Your fallback order", "Your standing consent
    /// for Claude Opus 4.7"); `why` why it cannot stand in.
    pub fn fallback_broken(where_: &str, model: &str, why: &str) -> Self {
        Self {
            kind: NoticeKind::FallbackBroken,
            title: format!("{model} cannot stand in"),
            message: format!(
                "{where_} names {model}, but {why}. It is skipped when another model is needed, \
                 and the others are offered; change it in Settings."
            ),
        }
    }

    /// `problem` is the whole sentence of what went wrong ("the status page could not be
    /// read: could not connect to status.claude.com").
    pub fn source_unreadable(source: &str, problem: &str) -> Self {
        Self {
            kind: NoticeKind::SourceUnreadable,
            title: format!("{} could not be read", capitalised(source)),
            message: format!(
                "{}. This says nothing about whether any model works; Switchboard keeps using \
                 the last copy it could read and tries again within a minute.",
                capitalised(problem.trim_end_matches('.'))
            ),
        }
    }

    /// `provider` is its name ("Anthropic"); `problem` what went wrong, in words; `kept` when
    /// the list still shown was read ("14:02", "30 Nov, 14:02"), if one ever was.
    pub fn model_list_unreadable(provider: &str, problem: &str, kept: Option<String>) -> Self {
        let shown = match kept {
            Some(at) => format!("The picker shows {provider}'s list as read at {at}"),
            None => format!("The picker shows the {provider} models Switchboard ships with"),
        };
        Self {
            kind: NoticeKind::ModelListUnreadable,
            title: format!("{provider}'s model list could not be read"),
            message: format!(
                "{}. {shown}; this says nothing about whether those models work. Switchboard \
                 asks again in a few hours, or now with Refresh in the model picker.",
                capitalised(problem.trim_end_matches('.'))
            ),
        }
    }

    /// `kept` says what was copied from the damaged file into the fresh one, if anything
    /// ("3 conversations with 40 messages, and your settings").
    pub fn database_reset(set_aside_as: &Path, why: &str, kept: Option<&str>) -> Self {
        let after = match kept {
            Some(kept) => format!(
                "Everything that could still be read was copied into the fresh one: {kept}."
            ),
            None => "Your preferred model and settings are back to their defaults.".into(),
        };
        Self {
            kind: NoticeKind::DatabaseReset,
            title: "Switchboard started a fresh database".into(),
            message: format!(
                "The database file was damaged ({why}). It was kept as {} and a fresh one was \
                 started. {after}",
                set_aside_as.display()
            ),
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_source_is_named_once_and_is_not_an_outage() {
        let notice = Notice::source_unreadable(
            "Anthropic's status page",
            "the status page could not be read: could not connect to status.claude.com",
        );
        assert_eq!(notice.title, "Anthropic's status page could not be read");
        assert_eq!(
            notice.message,
            "The status page could not be read: could not connect to status.claude.com. This \
             says nothing about whether any model works; Switchboard keeps using the last copy \
             it could read and tries again within a minute."
        );
    }
}
