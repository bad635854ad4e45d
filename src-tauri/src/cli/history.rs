//! `switchboard history`: every episode of every model (or one) since a time — when it began
//! and ended, how long, why, on whose side, from what evidence, and the incident's link.

use super::{SharedCore, plain, table};
use serde::Serialize;
use std::process::ExitCode;
use std::time::Duration;
use switchboard_core::catalog::Catalog;
use switchboard_core::clock::LocalTimes;
use switchboard_core::health::message::human_wait;
use switchboard_core::history::Episode;
use switchboard_core::vocabulary::ModelRef;

/// "7d", "24h", "30m", "90s" (a bare number is days).
pub fn parse_since(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a time span: write 7d, 24h, 30m or 90s"))?;
    let seconds = match unit {
        "" | "d" => n * 86_400,
        "h" => n * 3_600,
        "m" => n * 60,
        "s" => n,
        _ => {
            return Err(format!(
                "`{text}` is not a time span: write 7d, 24h, 30m or 90s"
            ));
        }
    };
    Ok(Duration::from_secs(seconds))
}

/// `provider/model` (also one no longer in the catalog: its history stays), or an id only
/// one provider has.
fn model_named(catalog: &Catalog, name: &str) -> Result<ModelRef, String> {
    if let Some((provider, model)) = name.split_once('/') {
        return Ok(ModelRef::new(provider, model));
    }
    super::resolve_model(catalog, name)
}

/// One episode as `--json` gives it: times in UTC RFC 3339.
#[derive(Serialize)]
struct EpisodeJson<'a> {
    /// For `switchboard statement --episode`.
    id: &'a str,
    provider: &'a str,
    model_id: &'a str,
    display_name: String,
    started: String,
    ended: Option<String>,
    duration_secs: i64,
    worst_state: &'a switchboard_core::vocabulary::AvailabilityState,
    reason_kind: &'a switchboard_core::vocabulary::ReasonKind,
    side: &'a switchboard_core::vocabulary::Side,
    headline: &'a str,
    reasons: &'a [switchboard_core::vocabulary::ReasonKind],
    sources: &'a [switchboard_core::vocabulary::EvidenceSource],
    incident_link: Option<&'a str>,
}

/// `your_key` as "your key".
fn word<T: Serialize>(value: &T) -> String {
    super::wire_word(value).replace('_', " ")
}

pub fn render_json(
    episodes: &[Episode],
    catalog: &Catalog,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let rows: Vec<EpisodeJson> = episodes
        .iter()
        .map(|e| EpisodeJson {
            id: &e.id,
            provider: &e.model.provider,
            model_id: &e.model.model,
            display_name: name(catalog, &e.model),
            started: e.started.to_rfc3339(),
            ended: e.ended.map(|t| t.to_rfc3339()),
            duration_secs: e.duration(now).num_seconds(),
            worst_state: &e.worst,
            reason_kind: &e.reason_kind,
            side: &e.side,
            headline: &e.headline,
            reasons: &e.reasons,
            sources: &e.sources,
            incident_link: e.incident_link.as_deref(),
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
}

fn name(catalog: &Catalog, model: &ModelRef) -> String {
    catalog
        .model(&model.provider, &model.model)
        .map_or(model.to_string(), |m| m.display_name.clone())
}

pub fn render_table(
    episodes: &[Episode],
    catalog: &Catalog,
    times: &LocalTimes,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let rows: Vec<[String; 8]> = episodes
        .iter()
        .map(|e| {
            [
                plain(&name(catalog, &e.model)),
                times.full(e.started),
                e.ended.map_or("still going on".into(), |t| times.full(t)),
                human_wait(e.duration(now).to_std().unwrap_or_default()),
                word(&e.worst),
                plain(&e.headline),
                word(&e.side),
                e.incident_link
                    .clone()
                    .map(|l| plain(&l))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    table(
        &[
            "MODEL", "STARTED", "ENDED", "LASTED", "WORST", "WHY", "SIDE", "INCIDENT",
        ],
        &rows,
        false,
    )
}

pub async fn run(core: &SharedCore, json: bool, model: Option<String>, since: String) -> ExitCode {
    let span = match parse_since(&since) {
        Ok(span) => span,
        Err(e) => {
            eprintln!("switchboard: {e}");
            return ExitCode::from(2);
        }
    };
    let catalog = core.catalog();
    let model = match model
        .as_deref()
        .map(|m| model_named(&catalog, m))
        .transpose()
    {
        Ok(model) => model,
        Err(e) => {
            eprintln!("switchboard: {e}");
            return ExitCode::from(2);
        }
    };
    let now = chrono::Utc::now();
    let from = now - chrono::Duration::from_std(span).unwrap_or_default();
    match core.history(from, model.as_ref()).await {
        Ok(episodes) if json => {
            println!("{}", render_json(&episodes, &catalog, now));
            ExitCode::SUCCESS
        }
        Ok(episodes) if episodes.is_empty() => {
            println!(
                "No episode since {}: every model could be relied on.",
                core.local_times().full(from)
            );
            ExitCode::SUCCESS
        }
        Ok(episodes) => {
            print!(
                "{}",
                render_table(&episodes, &catalog, &core.local_times(), now)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("switchboard: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_a_person_writes_them() {
        assert_eq!(parse_since("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_since("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_since("30m"), Ok(Duration::from_secs(1_800)));
        assert_eq!(parse_since("3"), Ok(Duration::from_secs(3 * 86_400)));
        assert!(parse_since("a week").unwrap_err().contains("7d, 24h"));
        assert!(parse_since("5y").is_err());
    }
}
