//! The words a person reads. Every message has DESIGN.md's six parts: what is happening,
//! whose side it is on, (for service problems) that the model itself has not changed, what
//! the person can do, since when and from where the evidence came, and when it is checked
//! again. Never "the model got worse": a service problem is a service problem.

use super::connectivity::{Connectivity, host_list};
use crate::catalog::{Model, Provider};
use crate::clock::LocalTimes;
use crate::vocabulary::and_list;
use crate::vocabulary::{Coverage, IncidentEvidence, PolicyRule};
use crate::vocabulary::{Ending, ModelIdentity};
use crate::vocabulary::{EvidenceSource, Reason, ReasonKind};
use crate::vocabulary::{Failure, FailureClass, StreamBreak};
use chrono::{DateTime, Utc};

/// No key for a provider that needs one.
pub fn not_configured(provider: &Provider, model: &Model) -> Reason {
    let where_to_get = provider
        .console_url
        .as_deref()
        .map(|url| format!(" (get one at {url})"))
        .unwrap_or_default();
    Reason {
        kind: ReasonKind::NotConfigured,
        side: ReasonKind::NotConfigured.side(),
        source: EvidenceSource::Configuration,
        headline: format!(
            "Add {} {} API key to use {}",
            article(&provider.name),
            provider.name,
            provider.family
        ),
        message: format!(
            "Switchboard has no {name} API key, so it cannot use {model} yet. This is a setup \
             step on your side; nothing is wrong with {name}'s service. Add a key{where_to_get} \
             in Settings → Providers, where it is checked with {name} at once (or with \
             `switchboard key set {id}`); the next message you send uses it. A key in {env} is \
             read when Switchboard starts. Source: your configuration — the keyring is read again \
             for each message, the environment when Switchboard starts.",
            name = provider.name,
            model = model.display_name,
            env = provider.api_key_env,
            id = provider.id,
        ),
    }
}

/// The person's settings for the provider were refused or could not be read: it is not used,
/// and never its shipped address in place of theirs.
pub fn config_refused(provider: &Provider, model: &Model, why: &str) -> Reason {
    Reason {
        kind: ReasonKind::NotConfigured,
        side: ReasonKind::NotConfigured.side(),
        source: EvidenceSource::Configuration,
        headline: format!("{}'s settings in your config need fixing", provider.name),
        message: format!(
            "Switchboard will not use {model} because {name}'s settings could not be used: {why}. \
             It does not fall back to {name}'s public address, so nothing you send goes anywhere \
             you did not set. This is a setup step on your side; nothing is wrong with {name}'s \
             service. Fix the file and restart Switchboard. Source: your configuration, read at \
             start-up; it is read again when Switchboard starts.",
            name = provider.name,
            model = model.display_name,
        ),
    }
}

/// The provider's own model list, read in full, no longer has the model.
pub fn retired_from_list(
    provider: &Provider,
    model: &Model,
    nearest: Option<&Model>,
    listed_at: DateTime<Utc>,
    next_check: Option<DateTime<Utc>>,
    times: &LocalTimes,
) -> Reason {
    let name = &provider.name;
    let instead = match nearest {
        Some(nearest) => format!(
            "Pick another model — {} is the nearest one {name} offers now.",
            nearest.display_name
        ),
        None => "Pick another model.".into(),
    };
    let next = match next_check {
        Some(at) => format!("The list is read again at {}.", times.time(at)),
        None => "The list is read again the next time Switchboard starts.".into(),
    };
    Reason {
        kind: ReasonKind::ModelRetired,
        side: ReasonKind::ModelRetired.side(),
        source: EvidenceSource::ModelList,
        headline: format!("{name} no longer offers {}", model.display_name),
        message: format!(
            "{name} no longer offers {model} ({id}): it is no longer in {name}'s list of models. \
             This is a change on {name}'s side, in what it offers — not an outage, and nothing \
             on your side. {instead} Source: {name}'s own model list, read at {at}. {next}",
            model = model.display_name,
            id = model.id,
            at = times.time(listed_at),
        ),
    }
}

/// Adds what the provider has announced about the model's end: "OpenAI retires GPT-4o on 23
/// October 2026", before that day; "OpenAI said it would retire GPT-4o on …" after it.
pub fn with_retirement(
    mut reason: Reason,
    provider: &Provider,
    model: &Model,
    day: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> Reason {
    let date = day.format("%-d %B %Y");
    let words = if now.date_naive() < day {
        format!(
            " {} retires {} on {date} (its own model list says so); pick another model before then.",
            provider.name, model.display_name
        )
    } else {
        format!(
            " {} said it would retire {} on {date}; if it stops answering, that is why.",
            provider.name, model.display_name
        )
    };
    reason.message.push_str(&words);
    reason
}

/// Nothing heard about this model yet.
pub fn unknown(provider: &Provider, model: &Model) -> Reason {
    let checked = if provider.needs_key() {
        format!("{}'s servers", provider.name)
    } else {
        format!("the server at {}", provider.base_url)
    };
    Reason {
        kind: ReasonKind::Unknown,
        side: ReasonKind::Unknown.side(),
        source: EvidenceSource::Nothing,
        headline: "Not checked yet".into(),
        message: format!(
            "Not checked yet: Switchboard has not heard from {checked} about {model}, so it \
             cannot say whether it works right now. Nothing is known to be wrong on either \
             side. It is checked the next time you send it a message.",
            model = model.display_name,
        ),
    }
}

/// Nothing heard of the model itself, but something of its provider: it answered a
/// model-list request with the key (`listed`), its status page reads clear (`page_clear`).
/// Said without claiming the model answers: it has not been asked.
pub fn nothing_known_wrong(
    provider: &Provider,
    model: &Model,
    listed: Option<DateTime<Utc>>,
    page_clear: Option<DateTime<Utc>>,
    times: &LocalTimes,
) -> Reason {
    let name = &provider.name;
    let mut short = Vec::new();
    let mut long = Vec::new();
    if let Some(at) = listed {
        if provider.needs_key() {
            short.push(format!("key accepted {}", times.time(at)));
            long.push(format!(
                "{name} accepted your key at {} (it listed its models)",
                times.time(at)
            ));
        } else {
            short.push(format!("server answered {}", times.time(at)));
            long.push(format!(
                "the server at {} listed its models at {}",
                provider.base_url,
                times.time(at)
            ));
        }
    }
    if let Some(at) = page_clear {
        short.push(format!("{name}'s status page clear {}", times.time(at)));
        long.push(format!(
            "{name}'s status page reported no problem with it at {}",
            times.time(at)
        ));
    }
    Reason {
        kind: ReasonKind::Unknown,
        side: ReasonKind::Unknown.side(),
        source: if listed.is_some() {
            EvidenceSource::ModelList
        } else {
            EvidenceSource::StatusPage
        },
        headline: format!("No problems known: {}", short.join(", ")),
        message: format!(
            "No problems known with {shown}: {}. Switchboard has not sent {shown} a message \
             yet, so it does not claim it answers; nothing is known to be wrong on either side. \
             Source: {}. It is checked the next time you send it a message.",
            and_list(&long),
            if listed.is_some() && page_clear.is_some() {
                format!("{name}'s model list and status page")
            } else if listed.is_some() && provider.needs_key() {
                format!("{name}'s model list")
            } else if listed.is_some() {
                "the server's own model list".to_string()
            } else {
                format!("{name}'s status page, read again within a minute")
            },
            shown = model.display_name,
        ),
    }
}

/// Whether a key the person entered is kept after its check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKept {
    Kept,
    /// The provider refused it: keeping it would only fail every message.
    NotKept,
}

/// The provider took the key: it answered a model-list request made with it.
pub fn key_accepted(
    provider: &Provider,
    at: DateTime<Utc>,
    chat_models: usize,
    times: &LocalTimes,
) -> Reason {
    let name = &provider.name;
    Reason {
        kind: ReasonKind::Healthy,
        side: ReasonKind::Healthy.side(),
        source: EvidenceSource::ModelList,
        headline: format!("Key accepted by {name} at {}", times.time(at)),
        message: format!(
            "{name} accepted the key at {} and listed {chat_models} models Switchboard can \
             chat with. Nothing is known to be wrong on either side; the models have not \
             answered a message yet. Source: {name}'s answer to a model-list request made with \
             this key — free, no message was sent. It is checked again each time a key is saved \
             and when the lists are read.",
            times.time(at)
        ),
    }
}

/// The workspace turned the provider off: a key is kept for when it is back, not checked —
/// nothing goes to a provider the policy turned off.
pub fn key_unchecked_by_policy(provider: &Provider) -> Reason {
    let name = &provider.name;
    Reason {
        kind: ReasonKind::AdminDisabled,
        side: ReasonKind::AdminDisabled.side(),
        source: EvidenceSource::WorkspaceAdmin,
        headline: format!("Saved, not checked: your workspace has turned off {name}"),
        message: format!(
            "The key is saved but not checked: your workspace's policy has turned off {name}, \
             and Switchboard sends nothing there while it does — not even a check. This is your \
             workspace's policy, not a problem with {name}'s service or with the key. Source: \
             the workspace policy; it is read again every minute, and the key is checked when \
             the lists are read after {name} is turned back on."
        ),
    }
}

/// The key could not be confirmed: what the provider (or the network) said, whose side it is
/// on, and whether the key was kept. `network` is the connectivity check after no answer.
pub fn key_not_confirmed(
    provider: &Provider,
    failure: &Failure,
    network: Option<&Connectivity>,
    at: DateTime<Utc>,
    times: &LocalTimes,
) -> (Reason, KeyKept) {
    use ReasonKind::*;
    let name = &provider.name;
    let said = said(failure);
    let console = provider
        .console_url
        .as_deref()
        .map(|url| format!(" at {url}"))
        .unwrap_or_default();
    let source = format!(
        "Source: {name}'s answer to a model-list request made with this key at {} — free, no \
         message was sent.",
        times.time(at)
    );
    let kept_words = "The key is saved: messages use it.";
    let (kind, headline, what, kept) = match failure.class {
        FailureClass::Reason(AuthFailed) => (
            AuthFailed,
            format!("{name} rejected this key"),
            format!(
                "{name} rejected this key{said}: it is mistyped, revoked, or from another \
                 account. This is the key, on your side — {name}'s service is working (it \
                 answered). Copy the whole key again, or make a new one{console}. The key was \
                 not saved; the one before it, if any, is still in use."
            ),
            KeyKept::NotKept,
        ),
        FailureClass::Reason(NotPermitted) => (
            NotPermitted,
            format!("{name} took the key but would not list models with it"),
            format!(
                "{name} took the key but did not let it list models{said}: a key restricted to \
                 some permissions, or an account setting. This is on your side, in the key's \
                 permissions — {name}'s service is working. {kept_words} If messages fail too, \
                 give the key model access{console}."
            ),
            KeyKept::Kept,
        ),
        FailureClass::Reason(QuotaExhausted) => (
            QuotaExhausted,
            format!("{name} took the key; the account is out of credit"),
            format!(
                "{name} took the key but says the account is out of credit{said}. This is your \
                 account's balance, on your side — {name}'s service is working. {kept_words} Add \
                 credit or raise the limit{console}."
            ),
            KeyKept::Kept,
        ),
        FailureClass::Reason(RateLimited) => (
            RateLimited,
            format!("{name} asked Switchboard to slow down"),
            format!(
                "{name} answered \"too many requests\"{said}, so the key is not confirmed yet. \
                 This is your plan's rate limit, on your side — {name}'s service is working. \
                 {kept_words} Save it again in a minute to check it."
            ),
            KeyKept::Kept,
        ),
        FailureClass::NoAnswer(_) if network.is_some_and(|c| !c.up) => (
            Offline,
            "You appear to be offline".to_string(),
            format!(
                "{name} could not be reached, and a connectivity check got no answer either: \
                 you appear to be offline. {name}'s service may be fine. {kept_words} Save it \
                 again once you are connected to check it."
            ),
            KeyKept::Kept,
        ),
        FailureClass::NoAnswer(transport) => (
            Unknown,
            format!("No answer from {name}; the key is not confirmed"),
            format!(
                "{name} could not be reached: {}. {}{kept_words} Save it again later to check it.",
                transport.plain(),
                if network.is_some_and(|c| c.up) {
                    format!(
                        "Other hosts answered, so your connection works: the problem is on {name}'s side or on the way to it. "
                    )
                } else {
                    "Whose side that is on is not known yet. ".to_string()
                }
            ),
            KeyKept::Kept,
        ),
        FailureClass::NotTheApi => (
            WrongEndpoint,
            format!("A web page answered instead of {name}"),
            format!(
                "A web page answered instead of {name}'s API{said}: a sign-in page, a proxy, \
                 or a wrong base URL ({}) is in the way. This is the setup on your side, not \
                 the key and not {name}'s service. {kept_words} Check the base URL.",
                provider.base_url
            ),
            KeyKept::Kept,
        ),
        FailureClass::Reason(ElevatedErrors | Overloaded | Maintenance | ProviderIncident)
        | FailureClass::StreamBroken(_) => (
            ElevatedErrors,
            format!("{name}'s servers had a problem; the key is not confirmed"),
            format!(
                "{name}'s servers answered with an error{said}, so the key could not be \
                 confirmed. This is a temporary service problem on {name}'s side; your key may \
                 well be right. {kept_words} Save it again later to check it."
            ),
            KeyKept::Kept,
        ),
        FailureClass::Reason(_) | FailureClass::RequestRejected => (
            Unknown,
            format!("{name} did not confirm the key"),
            format!(
                "{name} did not confirm the key{said}{}. {kept_words}",
                failure
                    .provider_message
                    .as_deref()
                    .map(|m| format!(": \"{}\"", first_line(m)))
                    .unwrap_or_default()
            ),
            KeyKept::Kept,
        ),
    };
    (
        Reason {
            kind,
            side: kind.side(),
            source: EvidenceSource::ModelList,
            headline,
            message: format!(
                "{what} {source} It is checked again each time a key is saved and when the lists \
                 are read."
            ),
        },
        kept,
    )
}

/// The workspace admin turned the provider or model off.
pub fn admin_disabled(
    provider: &Provider,
    model: &Model,
    rule: &PolicyRule,
    times: &LocalTimes,
) -> Reason {
    let scope = match &rule.model {
        Some(_) => model.display_name.clone(),
        None => format!("{} models", provider.name),
    };
    let until = match rule.until {
        Some(until) => format!(" until {}", times.time(until)),
        None => String::new(),
    };
    Reason {
        kind: ReasonKind::AdminDisabled,
        side: ReasonKind::AdminDisabled.side(),
        source: EvidenceSource::WorkspaceAdmin,
        headline: format!("Your workspace has turned off {scope}"),
        message: format!(
            "Your workspace has turned off {scope}{until}: \"{}\" This is your workspace's \
             policy, not a problem with {}'s service or a change in the model. Pick another \
             model, or ask your workspace admin. Source: the workspace policy; it is read again \
             every minute.",
            rule.message.trim(),
            provider.name
        ),
    }
}

/// No answer from anyone: the connectivity check failed too.
pub fn offline(
    provider: &Provider,
    model: &Model,
    check: &Connectivity,
    times: &LocalTimes,
) -> Reason {
    let asked = if check.tried.is_empty() {
        String::new()
    } else {
        format!(" to {}", host_list(&check.tried))
    };
    Reason {
        kind: ReasonKind::Offline,
        side: ReasonKind::Offline.side(),
        source: EvidenceSource::ConnectivityCheck,
        headline: "You appear to be offline".into(),
        message: format!(
            "You appear to be offline, so {} can't be reached. {}'s service may be fine — \
             and the model itself has not changed. Check your connection. Source: no answer to \
             this app's requests, and a connectivity check at {}{asked} got no answer either; \
             it is checked again when you send a message.",
            model.display_name,
            provider.name,
            times.time(check.at)
        ),
    }
}

/// What this app's own requests to a model show beside a status page's report on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OwnAnswers {
    /// They fail too (its breaker is open, or its last requests failed).
    Failing,
    /// It has answered since the report began: the last answer.
    AnsweringSince(DateTime<Utc>),
    /// Nothing asked since the report began.
    NotAsked,
}

/// The provider's status page reports an incident whose text names this model (or says every
/// model).
pub fn provider_incident(
    provider: &Provider,
    model: &Model,
    incident: &IncidentEvidence,
    own: OwnAnswers,
    times: &LocalTimes,
) -> Reason {
    let link = incident
        .link
        .as_deref()
        .map(|l| format!(" ({l})"))
        .unwrap_or_default();
    let ours = match own {
        OwnAnswers::Failing => " This app's own requests to it are failing too.".to_string(),
        OwnAnswers::AnsweringSince(at) => format!(
            " This app's own requests to it are answered again (last answer at {}), so you can \
             use it; some requests may still fail until {} resolves the incident.",
            times.time(at),
            provider.name
        ),
        OwnAnswers::NotAsked => String::new(),
    };
    let covers = if incident.all_models {
        format!("its posts say it concerns every {} model", provider.family)
    } else {
        format!("its posts name {}", model.display_name)
    };
    Reason {
        kind: ReasonKind::ProviderIncident,
        side: ReasonKind::ProviderIncident.side(),
        source: EvidenceSource::StatusPage,
        headline: if let OwnAnswers::AnsweringSince(_) = own {
            // The picker's one line says first that it answers, so no one reads it as down.
            format!(
                "Answering; {}'s incident is still open: {}",
                provider.name, incident.title
            )
        } else if incident.all_models || names_in(&incident.title, model) {
            format!("{} reports: {}", provider.name, incident.title)
        } else {
            // A vague title ("multiple models"): say that its posts name this one.
            format!(
                "{} reports: {} — naming {}",
                provider.name, incident.title, model.display_name
            )
        },
        message: format!(
            "{name} reports \"{title}\" since {since} ({status}); {covers}.{unlisted}{ours} \
             This is a temporary service problem at {name} — the model itself has not changed. \
             {todo} Source: {name}'s status page{link}; it is read again within a minute.",
            todo = match own {
                OwnAnswers::AnsweringSince(_) => "If a request fails, pick another model for now.",
                _ => "You can wait, or pick another model for now.",
            },
            name = provider.name,
            title = incident.title,
            since = times.time(incident.since),
            status = incident.status,
            unlisted = unlisted_sentence(incident),
        ),
    }
}

/// The status page reports the model API in trouble without naming this model: said as it
/// is — which models the posts do name, and what this app's own requests show.
pub fn provider_component(
    provider: &Provider,
    model: &Model,
    report: &IncidentEvidence,
    coverage: Coverage,
    last_success: Option<DateTime<Utc>>,
    own_failures: u32,
    times: &LocalTimes,
) -> Reason {
    use crate::vocabulary::Coverage;
    let name = &provider.name;
    let shown = &model.display_name;
    let link = report
        .link
        .as_deref()
        .map(|l| format!(" ({l})"))
        .unwrap_or_default();
    let what = reported(report);
    let post = if report.id.starts_with("component:") {
        String::new()
    } else if what.starts_with('"') {
        format!(" (since {}, {})", times.time(report.since), report.status)
    } else {
        format!(
            " (\"{}\", since {}, {})",
            report.title,
            times.time(report.since),
            report.status
        )
    };
    let named = if report.recovered.contains(&model.id) {
        format!("its posts say {shown} has recovered")
    } else if report.models.is_empty() && report.unlisted_names.is_empty() {
        "its posts name no model".to_string()
    } else if report.model_names.is_empty() {
        format!("its posts name no model Switchboard lists, and not {shown}")
    } else {
        format!(
            "its posts name {}, not {shown}",
            and_list(&report.model_names)
        )
    };
    let unlisted = unlisted_sentence(report);
    let own = match last_success {
        _ if own_failures > 0 => format!(
            "This app's last {} to {shown} failed too.",
            if own_failures == 1 {
                "request".to_string()
            } else {
                format!("{own_failures} requests")
            }
        ),
        Some(at) if at >= report.since => format!(
            "This app's own requests to {shown} are working (last answer at {}).",
            times.time(at)
        ),
        _ => format!("This app has not sent {shown} a request since this was reported."),
    };
    let (headline, body) = match coverage {
        Coverage::ApiOutage => (
            format!("{name} reports {what}"),
            format!(
                "{name} reports {what}{post}, which carries every {family} model, so {shown} is \
                 unlikely to answer; {named}. This is a temporary service problem at {name} — the \
                 model itself has not changed. You can wait, or pick another model for now.",
                family = provider.family,
            ),
        ),
        Coverage::ApiDegraded | Coverage::Named => (
            // The picker's one line says the model is not named, so no one reads it as "all
            // of them are down".
            if report.recovered.contains(&model.id) {
                format!("{name} reports {what}; this model has recovered")
            } else if report.models.is_empty() && report.unlisted_names.is_empty() {
                format!("{name} reports {what}; no model is named")
            } else {
                format!("{name} reports {what}; this model is not named")
            },
            format!(
                "{name} reports {what}{post}; {named}.{unlisted} {own} If it does affect {shown}, \
                 that is a temporary service problem at {name} — the model itself has not changed. \
                 You can keep using it, or pick another model for now."
            ),
        ),
    };
    Reason {
        kind: ReasonKind::ProviderIncident,
        side: ReasonKind::ProviderIncident.side(),
        source: EvidenceSource::StatusPage,
        headline,
        message: format!(
            "{body} Source: {name}'s status page{link}; it is read again within a minute."
        ),
    }
}

/// Adds what the status page reports about the API as a whole to a reason from this app's
/// own requests: context, not the cause.
pub fn add_page_context(reason: &mut Reason, provider: &Provider, report: &IncidentEvidence) {
    let what = reported(report);
    let context = format!(
        "{}'s status page reports {what} at the same time{}. ",
        provider.name,
        if report.model_names.is_empty() {
            String::new()
        } else {
            format!(", naming {}", and_list(&report.model_names))
        }
    );
    // Before the source, so the message keeps its order: what, whose side, what to do, from
    // where, when next.
    match reason.message.find("Source: ") {
        Some(at) => reason.message.insert_str(at, &context),
        None => {
            reason.message.push(' ');
            reason.message.push_str(context.trim_end());
        }
    }
}

/// What the page reports, in words: "a partial outage of the Claude API", or the report's
/// own title when no component in trouble says more.
fn reported(report: &IncidentEvidence) -> String {
    match &report.component {
        Some(c) if c.status.is_problem() => {
            format!("{} of the {}", c.status.words(), component_words(&c.name))
        }
        _ => format!("\"{}\"", report.title),
    }
}

/// "Claude API" for "Claude API (api.anthropic.com)": the host is for the page, not the words.
fn component_words(name: &str) -> &str {
    name.split(" (").next().unwrap_or(name).trim()
}

/// Whether `text` names `model` by one of its names (for a headline that need not repeat it).
fn names_in(text: &str, model: &Model) -> bool {
    let text = text.to_lowercase();
    std::iter::once(&model.display_name)
        .chain(model.aliases.iter())
        .any(|name| text.contains(&name.to_lowercase()))
}

/// " Its posts also name Claude Mythos 5.1, which Switchboard does not list."
fn unlisted_sentence(report: &IncidentEvidence) -> String {
    match report.unlisted_names.as_slice() {
        [] => String::new(),
        [one] => format!(" Its posts also name {one}, which Switchboard does not list."),
        many => format!(
            " Its posts also name {}, which Switchboard does not list.",
            and_list(many)
        ),
    }
}

/// A scheduled maintenance in progress covers this model. `own`: what this app's own requests
/// to it have done since the maintenance began.
pub fn maintenance(
    provider: &Provider,
    model: &Model,
    maintenance: &IncidentEvidence,
    own: OwnAnswers,
    times: &LocalTimes,
) -> Reason {
    let name = &provider.name;
    let model_name = &model.display_name;
    let (headline, now) = match own {
        // The picker's one line says first that it answers, so no one reads it as down.
        OwnAnswers::AnsweringSince(at) => (
            format!("Answering during scheduled maintenance at {name}"),
            format!(
                "{model_name} has answered this app during it (last answer at {at}), so you can \
                 use it; should a request fail before the maintenance ends, wait for the end or \
                 pick another model.",
                at = times.time(at),
            ),
        ),
        OwnAnswers::Failing | OwnAnswers::NotAsked => (
            format!("Scheduled maintenance at {name}"),
            format!(
                "{model_name} may not answer until it ends: wait for the end, or pick another \
                 model."
            ),
        ),
    };
    Reason {
        kind: ReasonKind::Maintenance,
        side: ReasonKind::Maintenance.side(),
        source: EvidenceSource::StatusPage,
        headline,
        message: format!(
            "{name} is doing scheduled maintenance (\"{title}\", since {since}). {now} This is \
             planned work on {name}'s side — the model itself has not changed. Source: \
             {name}'s status page; it is read again within a minute.",
            title = maintenance.title,
            since = times.time(maintenance.since),
        ),
    }
}

/// The model answered.
/// `back_as`: back after it could not be relied on, who answered before and who now, as the
/// provider said it: the fact behind "the model has not changed", cited.
pub fn healthy(
    provider: &Provider,
    model: &Model,
    at: DateTime<Utc>,
    back_as: Option<&(ModelIdentity, ModelIdentity)>,
    times: &LocalTimes,
) -> Reason {
    let name = |i: &ModelIdentity| i.model.clone().unwrap_or_else(|| model.id.clone());
    let snapshot = match back_as {
        Some((before, now)) if before.model.is_some() && before.model == now.model => format!(
            " It answers as the same snapshot as before the outage ({}).",
            name(now)
        ),
        Some((before, now)) if before.model.is_some() && now.model.is_some() => format!(
            " It now answers as {}; before the outage it answered as {}: {} changed the model it serves.",
            name(now),
            name(before),
            provider.name
        ),
        _ => String::new(),
    };
    Reason {
        kind: ReasonKind::Healthy,
        side: ReasonKind::Healthy.side(),
        source: EvidenceSource::OwnRequests,
        headline: format!("Answered at {}", times.time(at)),
        message: format!(
            "{} answered this app's last request at {}.{snapshot} Nothing is known to be wrong \
             on either side. Source: {}'s answer to this app's own request; it is checked again \
             with every message.",
            model.display_name,
            times.time(at),
            provider.name
        ),
    }
}

/// An answer the provider finished, but not as a whole answer: stopped by its filter, declined,
/// or the prompt blocked before it began. `None` for a complete answer and for the length limit
/// (the answer itself says so, with Continue).
pub fn ending(provider: &Provider, model: &Model, ending: &Ending) -> Option<Reason> {
    let name = &provider.name;
    let shown = &model.display_name;
    let reason = |kind: ReasonKind, headline: String, what: String, todo: &str| Reason {
        kind,
        side: kind.side(),
        source: EvidenceSource::OwnRequests,
        headline,
        message: format!(
            "{what} This is about the content of this message, not an outage or a change in the \
             model: {name}'s service is working and your key was accepted. {todo} Source: \
             {name}'s answer to this request; nothing is checked again, as it concerns this \
             message only."
        ),
    };
    match ending {
        Ending::Complete | Ending::LengthLimit | Ending::Other { .. } => None,
        Ending::Filtered { category } => Some(reason(
            ReasonKind::ContentFiltered,
            format!("{name}'s safety filter stopped the answer"),
            format!("{name}'s safety filter stopped the answer from {shown} ({category})."),
            "What arrived is kept. Rephrase the message, or pick another model.",
        )),
        Ending::Refused => Some(reason(
            ReasonKind::ContentFiltered,
            format!("{shown} declined to answer"),
            format!("{shown} declined to answer this message; its words are kept as the answer."),
            "Rephrase the message, or pick another model.",
        )),
        Ending::PromptBlocked { category } => Some(reason(
            ReasonKind::PromptBlocked,
            format!("{name} blocked this message"),
            format!("{name} blocked this message before {shown} answered ({category})."),
            "Your text is kept: change it, or pick another model.",
        )),
    }
}

/// A model that answers, but whose server-side failures between the answers are recent
/// enough to say: what they were, and when it counts as steady again.
#[derive(Debug, Clone)]
pub struct Unsteady<'a> {
    /// The latest failed attempt, and when.
    pub failure: &'a Failure,
    pub failed_at: DateTime<Utc>,
    /// Attempts since the first failure, that one included, and how many of them failed.
    pub attempts: u32,
    pub failed: u32,
    pub since: DateTime<Utc>,
    pub last_answer: Option<DateTime<Utc>>,
    /// Answers in a row that make it steady, and the time it is steady by without another
    /// failure.
    pub steady_answers: u32,
    pub steady_by: DateTime<Utc>,
    /// When the provider's status page was last read clear of anything about the model.
    pub page_clear_at: Option<DateTime<Utc>>,
    pub times: LocalTimes,
}

/// Some of this app's requests to a model fail on the provider's side while others are
/// answered (a failed attempt retried, or every other request): said before any status
/// page does, without calling it out.
pub fn answering_with_errors(provider: &Provider, model: &Model, what: &Unsteady<'_>) -> Reason {
    let name = &provider.name;
    let shown = &model.display_name;
    let times = &what.times;
    let kind = match what.failure.class {
        FailureClass::Reason(ReasonKind::Overloaded) => ReasonKind::Overloaded,
        _ => ReasonKind::ElevatedErrors,
    };
    let overloaded = kind == ReasonKind::Overloaded;
    let how = if overloaded {
        format!("because {name}'s servers were overloaded")
    } else {
        "with server errors".to_string()
    };
    let answering = what.last_answer.filter(|at| *at > what.failed_at);
    let headline = match (answering, overloaded) {
        (Some(_), true) => format!("Answering, though {name}'s servers are overloaded at times"),
        (Some(_), false) => format!("Answering, with some server errors at {name}"),
        (None, true) => format!("Some requests fail: {name}'s servers are overloaded at times"),
        (None, false) => format!("Some requests fail with server errors at {name}"),
    };
    let now = match (answering, what.last_answer) {
        (Some(at), _) => format!(
            "{shown} is answering (last answer at {}), but",
            times.time(at)
        ),
        (None, Some(at)) => format!("{shown} last answered at {}, and", times.time(at)),
        (None, None) => format!("{shown} has not answered yet:"),
    };
    let failed = match (what.failed, what.attempts) {
        (1, 1) => "this app's last attempt to it".to_string(),
        (failed, attempts) => format!("{failed} of this app's last {attempts} attempts to it"),
    };
    let page = match what.page_clear_at {
        Some(at) => format!(
            " {name}'s status page says nothing about it (read at {}).",
            times.time(at)
        ),
        None => String::new(),
    };
    Reason {
        kind,
        side: kind.side(),
        source: EvidenceSource::OwnRequests,
        headline,
        message: format!(
            "{now} {failed} failed {how}{said}{last}.{page} This looks \
             like a temporary service problem on {name}'s side — the model itself has not \
             changed. You can keep using it (a failed attempt is retried), or pick another model \
             for now. Source: {name}'s answers to this app's own requests since {since}. It counts \
             as steady again after {steady} answers in a row, or at {steady_by} without another \
             failure; it is checked again the next time you send a message.",
            said = said(what.failure),
            last = match what.failed {
                1 => format!(" at {}", times.time_with_seconds(what.failed_at)),
                _ => format!(", the last at {}", times.time_with_seconds(what.failed_at)),
            },
            since = times.time(what.since),
            steady = what.steady_answers,
            steady_by = times.time(what.steady_by),
        ),
    }
}

/// What this app's own request came to, for the message about it.
#[derive(Debug, Clone)]
pub struct OwnRequest<'a> {
    pub failure: &'a Failure,
    /// Attempts made, retries included.
    pub attempts: u32,
    /// When the first of them started.
    pub since: DateTime<Utc>,
    /// When Switchboard looks again by itself (a probe), if it will.
    pub next_check: Option<DateTime<Utc>>,
    /// The connectivity check after a request that got no answer, once it has run: it says
    /// whose side that is.
    pub network: Option<&'a Connectivity>,
    /// How the person reads the times in it.
    pub times: LocalTimes,
}

/// The message for a request of this app's that failed: by what the provider said, with
/// the provider's own words kept out of the sentence (the UI folds them away).
pub fn own_request_failed(provider: &Provider, model: &Model, req: &OwnRequest<'_>) -> Reason {
    let name = &provider.name;
    let shown = &model.display_name;
    let times = &req.times;
    let since = times.time(req.since);
    let tries = match req.attempts {
        1 => "1 attempt".to_string(),
        n => format!("{n} attempts"),
    };
    let said = said(req.failure);
    let source =
        format!("Source: {name}'s answers to this app's own requests ({tries}, since {since}).");
    let next = match req.next_check {
        Some(at) => format!("It is checked again at {}.", times.time_with_seconds(at)),
        None => "It is checked again the next time you send a message.".to_string(),
    };
    let service_problem = |what: String, headline: String, kind: ReasonKind| Reason {
        kind,
        side: kind.side(),
        source: EvidenceSource::OwnRequests,
        headline,
        message: format!(
            "{what} This is a temporary service problem on {name}'s side — the model itself has \
             not changed. You can wait, or pick another model for now. {source} {next}"
        ),
    };
    let your_side = |kind: ReasonKind, headline: String, what: String, todo: String| Reason {
        kind,
        side: kind.side(),
        source: EvidenceSource::OwnRequests,
        headline,
        message: format!("{what} {name}'s service itself is working. {todo} {source} {next}"),
    };
    match req.failure.class {
        FailureClass::Reason(ReasonKind::Overloaded) => service_problem(
            format!(
                "{name}'s servers are overloaded right now, so {shown} could not answer{said}."
            ),
            format!("{name}'s servers are overloaded"),
            ReasonKind::Overloaded,
        ),
        FailureClass::Reason(ReasonKind::ElevatedErrors) => service_problem(
            format!("{shown} failed with server errors on {tries}{said}."),
            format!("Server errors at {name}"),
            ReasonKind::ElevatedErrors,
        ),
        FailureClass::StreamBroken(why) => {
            let how = match why {
                StreamBreak::Cut => "was cut off",
                StreamBreak::Stalled => "stalled",
                StreamBreak::Garbled => "could not be read",
                StreamBreak::TooLarge => {
                    "grew past Switchboard's size limit for one answer ([network] \
                     max_answer_bytes), so the rest was not read"
                }
                StreamBreak::TooLong => {
                    "was still going when Switchboard's time limit for one answer passed \
                     ([network] max_request_secs), so it was stopped"
                }
            };
            service_problem(
                format!(
                    "The answer from {shown} {how} part-way; what arrived is kept, and you can retry."
                ),
                format!("The answer from {name} {how}"),
                ReasonKind::ElevatedErrors,
            )
        }
        FailureClass::Reason(ReasonKind::RateLimited) => {
            let resets = match req.failure.retry_after {
                Some(wait) => format!("; it resets in {}", human_wait(wait)),
                None => String::new(),
            };
            your_side(
                ReasonKind::RateLimited,
                format!("Rate limit reached{resets}"),
                format!("You've reached your rate limit with {name}{resets}{said}."),
                "Wait for the reset, or pick another model.".into(),
            )
        }
        FailureClass::Reason(ReasonKind::QuotaExhausted) => your_side(
            ReasonKind::QuotaExhausted,
            format!("Your {name} account is out of credit or quota"),
            format!("Your {name} account is out of credit or quota{said}."),
            format!("Add credit or raise the quota in your {name} account, or pick another model."),
        ),
        FailureClass::Reason(ReasonKind::AuthFailed) => your_side(
            ReasonKind::AuthFailed,
            format!("{name} rejected your API key"),
            format!("{name} rejected your API key{said}."),
            format!(
                "Check the key in Settings (or {}).",
                if provider.api_key_env.is_empty() {
                    "the server's settings"
                } else {
                    &provider.api_key_env
                }
            ),
        ),
        FailureClass::Reason(ReasonKind::NotPermitted) => your_side(
            ReasonKind::NotPermitted,
            format!("{name} does not allow this account here"),
            format!(
                "{name} does not allow your account to use {shown} from here — by region, \
                 organisation or network address{said}."
            ),
            "Check your account's organisation and region settings, or pick another model.".into(),
        ),
        FailureClass::Reason(ReasonKind::ModelRetired) => Reason {
            kind: ReasonKind::ModelRetired,
            side: ReasonKind::ModelRetired.side(),
            source: EvidenceSource::OwnRequests,
            headline: format!("{name} no longer offers {}", model.id),
            message: format!(
                "{name} no longer offers {} — it answered that the model does not exist{said}. \
                 This is a change in {name}'s list of models, not an outage. Pick another model. \
                 {source} {next}",
                model.id
            ),
        },
        FailureClass::Reason(ReasonKind::WrongEndpoint) => {
            let url = req.failure.url.as_deref().unwrap_or(&provider.base_url);
            let what = match (&req.failure.provider_code, &req.failure.provider_message) {
                (Some(_), Some(words)) => format!("it said \"{}\"", first_line(words)),
                (None, Some(words)) if words.trim_start().starts_with('<') => {
                    "it answered with a web page".to_string()
                }
                (None, Some(words)) => format!("it said \"{}\"", first_line(words)),
                _ => "it answered with nothing".to_string(),
            };
            Reason {
                kind: ReasonKind::WrongEndpoint,
                side: ReasonKind::WrongEndpoint.side(),
                source: EvidenceSource::OwnRequests,
                headline: format!("No {name} API at the configured address"),
                message: format!(
                    "Switchboard's request for {shown} went to {url}, and there is no {name} API \
                     there: HTTP 404, {what}. This is a setup problem on your side — the base URL \
                     or route in your configuration — not an outage and not a retired model; \
                     {name}'s service may be fine and the model itself has not changed. Check \
                     {name}'s base URL ({}) in your config. {source} {next}",
                    provider.base_url
                ),
            }
        }
        FailureClass::NoAnswer(_) if req.network.is_some_and(|c| !c.up) => {
            offline(provider, model, req.network.expect("checked above"), times)
        }
        FailureClass::NoAnswer(transport) => {
            let how = transport.plain();
            match req.network {
                Some(check) => {
                    // Other hosts answered: the network works, so it is the provider's side
                    // (or the way to it) — or a base URL that names no server.
                    let hint = if transport == crate::vocabulary::Transport::Dns {
                        format!(
                            " If you set {name}'s base URL yourself ({}), check it.",
                            provider.base_url
                        )
                    } else {
                        String::new()
                    };
                    service_problem(
                        format!(
                            "{shown} could not be reached: {how}, while {} answered a \
                             connectivity check at {}, so your connection is working.{hint}",
                            if check.answered.is_empty() {
                                "other hosts".to_string()
                            } else {
                                host_list(&check.answered)
                            },
                            times.time(check.at)
                        ),
                        format!("No answer from {name}'s servers"),
                        ReasonKind::ElevatedErrors,
                    )
                }
                None => Reason {
                    // Whose side this is on, only the connectivity check can say.
                    kind: ReasonKind::Unknown,
                    side: ReasonKind::Unknown.side(),
                    source: EvidenceSource::OwnRequests,
                    headline: format!("No answer from {name}"),
                    message: format!(
                        "{shown} could not be reached: {how}. It is not yet known whether your \
                         network or {name}'s servers are the cause, so neither is blamed — and the \
                         model itself has not changed. Check your connection, or try again. {source} \
                         {next}"
                    ),
                },
            }
        }
        FailureClass::NotTheApi => {
            let url = req.failure.url.as_deref().unwrap_or(&provider.base_url);
            Reason {
                // Whose side, nothing says yet: a sign-in page is the network's, a wrong address
                // the configuration's — neither is the model's.
                kind: ReasonKind::Unknown,
                side: ReasonKind::Unknown.side(),
                source: EvidenceSource::OwnRequests,
                headline: format!("A web page answered instead of {name}"),
                message: format!(
                    "Something other than {name}'s API answered at {url}: a web page, so nothing \
                     was answered and nothing is blamed — {name}'s service and the model itself \
                     may be fine. A Wi-Fi sign-in page, a company proxy or a wrong base URL may be \
                     in the way: sign in to the network or check the base URL, then try again. \
                     {source} {next}"
                ),
            }
        }
        FailureClass::RequestRejected | FailureClass::Reason(_) => Reason {
            kind: ReasonKind::Healthy,
            side: ReasonKind::Healthy.side(),
            source: EvidenceSource::OwnRequests,
            headline: format!("{name} refused this message"),
            message: format!(
                "{name} refused this particular message{said}. The model and the service are \
                 working; change or shorten the message and send it again. {source} {next}"
            ),
        },
    }
}

/// The first line of a provider's words, at most 120 characters.
fn first_line(words: &str) -> String {
    let line = words
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut short: String = line.chars().take(120).collect();
    if line.chars().count() > 120 {
        short.push('…');
    }
    short
}

/// " (HTTP 529, overloaded_error)" — the provider's words, briefly.
fn said(failure: &Failure) -> String {
    let parts: Vec<String> = [
        failure.http_status.map(|s| format!("HTTP {s}")),
        failure.provider_code.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

pub use crate::vocabulary::human_wait;

/// "an Anthropic", "an OpenAI", "a Google Gemini".
fn article(name: &str) -> &'static str {
    match name.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::clock::Zone;
    use crate::vocabulary::Side;
    use crate::vocabulary::Transport;
    use std::time::Duration;

    fn each_provider_with_a_model() -> Vec<(Provider, Model)> {
        let catalog = Catalog::shipped().unwrap();
        catalog
            .providers
            .iter()
            .map(|p| {
                let m = catalog.models.iter().find(|m| m.provider == p.id).unwrap();
                (p.clone(), m.clone())
            })
            .collect()
    }

    #[test]
    fn not_configured_reads_as_designed() {
        let catalog = Catalog::shipped().unwrap();
        let anthropic = catalog.provider("anthropic").unwrap();
        let opus = catalog.model("anthropic", "claude-opus-4-7").unwrap();
        let reason = not_configured(anthropic, opus);
        assert_eq!(reason.headline, "Add an Anthropic API key to use Claude");
        assert_eq!(
            reason.message,
            "Switchboard has no Anthropic API key, so it cannot use Claude Opus 4.7 yet. This \
             is a setup step on your side; nothing is wrong with Anthropic's service. Add a key \
             (get one at https://console.anthropic.com/settings/keys) in Settings → Providers, \
             where it is checked with Anthropic at once (or with `switchboard key set \
             anthropic`); the next message you send uses it. A key in ANTHROPIC_API_KEY is read \
             when Switchboard starts. Source: your configuration — the keyring is read again for \
             each message, the environment when Switchboard starts."
        );
        let gemini = catalog.provider("gemini").unwrap();
        let flash = catalog.model("gemini", "gemini-2.5-flash").unwrap();
        assert_eq!(
            not_configured(gemini, flash).headline,
            "Add a Google Gemini API key to use Gemini"
        );
    }

    #[test]
    fn every_message_names_side_action_source_and_next_check() {
        for (provider, model) in each_provider_with_a_model() {
            let mut reasons = vec![unknown(&provider, &model)];
            if provider.needs_key() {
                reasons.push(not_configured(&provider, &model));
                let at = Utc::now();
                let times = &LocalTimes::new(Zone::UTC, at);
                reasons.push(retired_from_list(&provider, &model, None, at, None, times));
                reasons.push(retired_from_list(
                    &provider,
                    &model,
                    Some(&model),
                    at,
                    Some(at),
                    times,
                ));
            }
            for reason in reasons {
                let m = &reason.message;
                assert!(m.contains(&model.display_name), "names the model: {m}");
                assert!(m.contains("side"), "says whose side: {m}");
                assert!(
                    m.contains("next time") || m.contains("again"),
                    "says when it is checked again: {m}"
                );
                for banned in ["got worse", "is broken", "is bad"] {
                    assert!(!m.contains(banned), "never blames the model: {m}");
                }
            }
        }
    }

    fn opus() -> (Provider, Model) {
        let catalog = Catalog::shipped().unwrap();
        (
            catalog.provider("anthropic").unwrap().clone(),
            catalog
                .model("anthropic", "claude-opus-4-7")
                .unwrap()
                .clone(),
        )
    }

    fn failed(class: FailureClass, status: Option<u16>, code: Option<&str>) -> Failure {
        let mut failure = Failure::new(class);
        failure.http_status = status;
        failure.provider_code = code.map(str::to_string);
        failure
    }

    fn message_for(failure: &Failure) -> Reason {
        let (provider, model) = opus();
        let since = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 6, 5, 9, 12, 0).unwrap();
        own_request_failed(
            &provider,
            &model,
            &OwnRequest {
                failure,
                attempts: 3,
                since,
                next_check: None,
                network: None,
                times: LocalTimes::new(Zone::UTC, since),
            },
        )
    }

    #[test]
    fn provider_side_failures_say_the_model_has_not_changed() {
        for failure in [
            failed(
                FailureClass::Reason(ReasonKind::Overloaded),
                Some(529),
                Some("overloaded_error"),
            ),
            failed(
                FailureClass::Reason(ReasonKind::ElevatedErrors),
                Some(500),
                Some("api_error"),
            ),
            failed(
                FailureClass::StreamBroken(StreamBreak::Cut),
                Some(200),
                None,
            ),
        ] {
            let reason = message_for(&failure);
            assert_eq!(reason.side, Side::Provider, "{failure:?}");
            assert!(
                reason.message.contains("the model itself has not changed"),
                "{}",
                reason.message
            );
            assert!(
                reason.message.contains("3 attempts, since 09:12"),
                "{}",
                reason.message
            );
        }
        let overloaded = message_for(&failed(
            FailureClass::Reason(ReasonKind::Overloaded),
            Some(529),
            Some("overloaded_error"),
        ));
        assert_eq!(
            overloaded.message,
            "Anthropic's servers are overloaded right now, so Claude Opus 4.7 could not answer \
             (HTTP 529, overloaded_error). This is a temporary service problem on Anthropic's side \
             — the model itself has not changed. You can wait, or pick another model for now. \
             Source: Anthropic's answers to this app's own requests (3 attempts, since 09:12). \
             It is checked again the next time you send a message."
        );
    }

    #[test]
    fn your_side_failures_say_the_service_is_working() {
        let mut limited = failed(
            FailureClass::Reason(ReasonKind::RateLimited),
            Some(429),
            Some("rate_limit_error"),
        );
        limited.retry_after = Some(Duration::from_secs(40));
        for (failure, side) in [
            (limited, Side::YourPlan),
            (
                failed(
                    FailureClass::Reason(ReasonKind::QuotaExhausted),
                    Some(400),
                    None,
                ),
                Side::YourAccount,
            ),
            (
                failed(
                    FailureClass::Reason(ReasonKind::AuthFailed),
                    Some(401),
                    Some("authentication_error"),
                ),
                Side::YourKey,
            ),
            (
                failed(
                    FailureClass::Reason(ReasonKind::NotPermitted),
                    Some(403),
                    Some("permission_error"),
                ),
                Side::YourAccount,
            ),
        ] {
            let reason = message_for(&failure);
            assert_eq!(reason.side, side, "{failure:?}");
            assert!(
                reason.message.contains("service itself is working"),
                "{}",
                reason.message
            );
            assert!(
                !reason.message.contains("has not changed"),
                "not a service problem: {}",
                reason.message
            );
        }
        let limited = message_for(&{
            let mut f = failed(
                FailureClass::Reason(ReasonKind::RateLimited),
                Some(429),
                None,
            );
            f.retry_after = Some(Duration::from_secs(40));
            f
        });
        assert_eq!(limited.headline, "Rate limit reached; it resets in 40 s");
    }

    #[test]
    fn no_answer_blames_nobody_until_the_connectivity_check() {
        for transport in [
            Transport::Dns,
            Transport::Connect,
            Transport::Tls,
            Transport::Reset,
            Transport::Timeout,
        ] {
            let reason = message_for(&failed(FailureClass::NoAnswer(transport), None, None));
            assert_eq!(reason.side, Side::Nobody);
            assert!(
                reason.message.contains("neither is blamed"),
                "{}",
                reason.message
            );
        }
    }

    #[test]
    fn retirement_is_a_catalog_change_not_an_outage() {
        let reason = message_for(&failed(
            FailureClass::Reason(ReasonKind::ModelRetired),
            Some(404),
            Some("not_found_error"),
        ));
        assert_eq!(
            reason.headline,
            "Anthropic no longer offers claude-opus-4-7"
        );
        assert_eq!(reason.side, Side::ProviderCatalog);
    }

    #[test]
    fn waits_read_like_a_person_says_them() {
        assert_eq!(human_wait(Duration::from_secs(40)), "40 s");
        assert_eq!(human_wait(Duration::from_millis(1200)), "2 s");
        assert_eq!(human_wait(Duration::from_secs(360)), "6 min");
        assert_eq!(human_wait(Duration::from_secs(7500)), "2 h 5 min");
    }

    /// Every reason kind's words, pinned: a change to what a person reads is a reviewed
    /// change. `UPDATE_SNAPSHOTS=1 cargo test -p switchboard --lib messages_snapshot` rewrites it.
    #[test]
    fn messages_snapshot() {
        use crate::vocabulary::ComponentStatus;
        use crate::vocabulary::{ComponentEvidence, Coverage, IncidentEvidence, PolicyRule};
        let catalog = Catalog::shipped().unwrap();
        let anthropic = catalog.provider("anthropic").unwrap();
        let opus = catalog.model("anthropic", "claude-opus-4-7").unwrap();
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 6, 5, 9, 12, 0).unwrap();
        // A person in Berlin, in summer: every time reads two hours on from UTC.
        let berlin = Zone::Fixed(chrono::FixedOffset::east_opt(2 * 3600).unwrap());
        let times = LocalTimes::new(berlin, at);
        let times = &times;
        let incident = IncidentEvidence {
            id: "q4lnmtw3kc8y".into(),
            title: "Elevated errors on Claude Opus 4.7 and Opus 4.8".into(),
            status: "investigating".into(),
            severe: true,
            link: Some("https://stspg.io/q4lnmtw3kc8y".into()),
            since: at,
            models: vec!["claude-opus-4-7".into()],
            all_models: false,
            ..Default::default()
        };
        let haiku = catalog.model("anthropic", "claude-haiku-4-5").unwrap();
        let gemini = catalog.provider("gemini").unwrap();
        let flash = catalog.model("gemini", "gemini-2.5-flash").unwrap();
        let down = Connectivity {
            at,
            up: false,
            tried: vec![
                "api.openai.com".into(),
                "status.claude.com".into(),
                "www.google.com".into(),
            ],
            answered: vec![],
        };
        let up = Connectivity {
            answered: vec!["api.openai.com".into(), "www.google.com".into()],
            up: true,
            ..down.clone()
        };
        let partial = IncidentEvidence {
            id: "vg7m2kq1x9pd".into(),
            title: "Elevated errors on several models".into(),
            status: "identified".into(),
            severe: true,
            link: Some("https://stspg.io/vg7m2kq1x9pd".into()),
            since: at,
            models: vec!["claude-opus-5".into(), "claude-fable-5-1".into()],
            model_names: vec!["Claude Opus 5".into(), "Claude Fable 5.1".into()],
            unlisted_names: vec!["Claude Mythos 5.1".into()],
            component: Some(ComponentEvidence {
                name: "Claude API".into(),
                status: ComponentStatus::PartialOutage,
            }),
            ..Default::default()
        };
        let rule = PolicyRule {
            provider: "anthropic".into(),
            model: None,
            message: "Anthropic is having an outage; we'll turn them back on once it's resolved."
                .into(),
            until: None,
        };
        let own = |class, status: Option<u16>, code: Option<&str>, wait: Option<u64>| {
            let mut failure = failed(class, status, code);
            failure.retry_after = wait.map(Duration::from_secs);
            own_request_failed(
                anthropic,
                opus,
                &OwnRequest {
                    failure: &failure,
                    attempts: 3,
                    since: at,
                    next_check: None,
                    network: None,
                    times: *times,
                },
            )
        };
        // One failed attempt at `at`, of `attempts`; the last answer and the page's reading.
        let unsteady =
            |class, (status, code): (u16, &str), (attempts, last_answer), page_clear_at| {
                let failure = failed(class, Some(status), Some(code));
                answering_with_errors(
                    anthropic,
                    opus,
                    &Unsteady {
                        failure: &failure,
                        failed_at: at,
                        attempts,
                        failed: 1,
                        since: at,
                        last_answer,
                        steady_answers: 3,
                        steady_by: at + chrono::Duration::minutes(5),
                        page_clear_at,
                        times: *times,
                    },
                )
            };
        let snapshot = |id: &str| ModelIdentity {
            model: Some(id.into()),
            fingerprint: None,
        };
        let same = (
            snapshot("claude-opus-4-7-20260415"),
            snapshot("claude-opus-4-7-20260415"),
        );
        let changed = (
            snapshot("claude-opus-4-7-20260415"),
            snapshot("claude-opus-4-7-20260601"),
        );
        let reasons = vec![
            healthy(anthropic, opus, at, None, times),
            healthy(anthropic, opus, at, Some(&same), times),
            healthy(anthropic, opus, at, Some(&changed), times),
            provider_incident(anthropic, opus, &incident, OwnAnswers::NotAsked, times),
            provider_incident(anthropic, opus, &incident, OwnAnswers::Failing, times),
            provider_incident(
                anthropic,
                opus,
                &incident,
                OwnAnswers::AnsweringSince(at + chrono::Duration::minutes(250)),
                times,
            ),
            own(
                FailureClass::Reason(ReasonKind::ElevatedErrors),
                Some(500),
                Some("api_error"),
                None,
            ),
            own(
                FailureClass::Reason(ReasonKind::Overloaded),
                Some(529),
                Some("overloaded_error"),
                None,
            ),
            unsteady(
                FailureClass::Reason(ReasonKind::ElevatedErrors),
                (500, "api_error"),
                (2, Some(at + chrono::Duration::seconds(2))),
                Some(at - chrono::Duration::seconds(20)),
            ),
            unsteady(
                FailureClass::Reason(ReasonKind::Overloaded),
                (529, "overloaded_error"),
                (1, None),
                None,
            ),
            maintenance(anthropic, opus, &incident, OwnAnswers::NotAsked, times),
            maintenance(
                anthropic,
                opus,
                &incident,
                OwnAnswers::AnsweringSince(at),
                times,
            ),
            // A vague title, named models in its update, the Claude API at partial outage:
            // Opus 5 is named (by the update), Haiku 4.5 is not.
            provider_incident(
                anthropic,
                catalog.model("anthropic", "claude-opus-5").unwrap(),
                &partial,
                OwnAnswers::NotAsked,
                times,
            ),
            provider_component(
                anthropic,
                haiku,
                &partial,
                Coverage::ApiDegraded,
                None,
                0,
                times,
            ),
            provider_component(
                anthropic,
                haiku,
                &partial,
                Coverage::ApiDegraded,
                Some(at + chrono::Duration::minutes(3)),
                0,
                times,
            ),
            provider_component(
                anthropic,
                haiku,
                &IncidentEvidence {
                    models: vec![],
                    model_names: vec![],
                    unlisted_names: vec![],
                    component: Some(ComponentEvidence {
                        name: "Claude API".into(),
                        status: ComponentStatus::MajorOutage,
                    }),
                    ..partial.clone()
                },
                Coverage::ApiOutage,
                None,
                0,
                times,
            ),
            {
                let mut reason = own(
                    FailureClass::Reason(ReasonKind::ElevatedErrors),
                    Some(500),
                    Some("api_error"),
                    None,
                );
                add_page_context(&mut reason, anthropic, &partial);
                reason
            },
            own(
                FailureClass::Reason(ReasonKind::RateLimited),
                Some(429),
                Some("rate_limit_error"),
                Some(40),
            ),
            own(
                FailureClass::Reason(ReasonKind::QuotaExhausted),
                Some(400),
                Some("invalid_request_error"),
                None,
            ),
            own(
                FailureClass::Reason(ReasonKind::AuthFailed),
                Some(401),
                Some("authentication_error"),
                None,
            ),
            own(
                FailureClass::Reason(ReasonKind::NotPermitted),
                Some(403),
                Some("permission_error"),
                None,
            ),
            own(
                FailureClass::Reason(ReasonKind::ModelRetired),
                Some(404),
                Some("not_found_error"),
                None,
            ),
            own(
                FailureClass::StreamBroken(StreamBreak::Cut),
                Some(200),
                None,
                None,
            ),
            own(FailureClass::NoAnswer(Transport::Connect), None, None, None),
            own(
                FailureClass::RequestRejected,
                Some(400),
                Some("invalid_request_error"),
                None,
            ),
            retired_from_list(
                anthropic,
                catalog.model("anthropic", "claude-opus-4-6").unwrap(),
                Some(catalog.model("anthropic", "claude-opus-4-8").unwrap()),
                at,
                Some(at + chrono::Duration::hours(4)),
                times,
            ),
            ending(
                gemini,
                flash,
                &Ending::Filtered {
                    category: "SAFETY".into(),
                },
            )
            .unwrap(),
            ending(anthropic, opus, &Ending::Refused).unwrap(),
            ending(
                gemini,
                flash,
                &Ending::PromptBlocked {
                    category: "PROHIBITED_CONTENT".into(),
                },
            )
            .unwrap(),
            {
                let mut failure = failed(
                    FailureClass::Reason(ReasonKind::WrongEndpoint),
                    Some(404),
                    None,
                );
                failure.provider_message = Some("<html><head><title>404 Not Found</title>".into());
                failure.url = Some("https://gateway.example.com/v1/messages".into());
                own_request_failed(
                    anthropic,
                    opus,
                    &OwnRequest {
                        failure: &failure,
                        attempts: 1,
                        since: at,
                        next_check: None,
                        network: None,
                        times: *times,
                    },
                )
            },
            offline(anthropic, opus, &down, times),
            own_request_failed(
                anthropic,
                opus,
                &OwnRequest {
                    failure: &failed(FailureClass::NoAnswer(Transport::Dns), None, None),
                    attempts: 1,
                    since: at,
                    next_check: None,
                    network: Some(&up),
                    times: *times,
                },
            ),
            admin_disabled(anthropic, opus, &rule, times),
            not_configured(anthropic, opus),
            unknown(anthropic, opus),
            nothing_known_wrong(
                anthropic,
                opus,
                Some(at),
                Some(at + chrono::Duration::minutes(1)),
                times,
            ),
            nothing_known_wrong(
                catalog.provider("ollama").unwrap(),
                catalog.models_of("ollama").next().unwrap(),
                Some(at),
                None,
                times,
            ),
        ];
        let rendered: String = reasons
            .iter()
            .map(|r| {
                format!(
                    "## {:?} — side {:?} — source {:?}\n{}\n{}\n\n",
                    r.kind, r.side, r.source, r.headline, r.message
                )
            })
            .collect();
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/health/messages.snapshot.md"
        );
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(path, &rendered).unwrap();
        }
        let pinned = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            pinned == rendered,
            "the words a person reads changed; review them and run with UPDATE_SNAPSHOTS=1:\n{rendered}"
        );
    }
}
