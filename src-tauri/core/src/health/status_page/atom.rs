//! Atom incident-history feeds (`/history.atom`), as Statuspage publishes them.

use super::statuspage::strip_bom;
use super::{
    FeedProblem, Impact, IncidentReading, IncidentStatus, IncidentUpdateReading,
    MaintenanceReading, MaintenanceStatus, StatusReading,
};
use chrono::{DateTime, Datelike, NaiveDateTime, TimeDelta, Utc};
use quick_xml::Reader;
use quick_xml::events::Event;

/// How long after its last update an unresolved Atom entry still counts as current.
pub const ATOM_OPEN_FOR: TimeDelta = TimeDelta::days(2);

#[derive(Debug, Default)]
struct Entry {
    id: String,
    title: String,
    link: Option<String>,
    published: String,
    updated: String,
    content: String,
}

#[derive(Debug, Default)]
struct Feed {
    title: String,
    link: Option<String>,
    entries: Vec<Entry>,
}

/// Reads an Atom history feed. `now` is the reading's `fetched_at` and decides which
/// unresolved entries are still current.
///
/// Statuspage's feed has one entry per incident or maintenance, its updates as HTML
/// paragraphs in `<content>`, newest first:
///
/// ```text
/// <p><small>Jun  5, 17:12 UTC</small><br><strong>Resolved</strong> - This incident has been resolved.</p>
/// ```
///
/// A feed says less than the JSON: no components, no impact, no page indicator. So the reader
/// is conservative:
///
/// - an entry's status is the newest update's bold word it knows (Investigating, Identified,
///   Monitoring, Resolved, Postmortem; Scheduled, In progress, Verifying, Completed for
///   maintenances), or a known word leading plain text ("Resolved - …", "Resolved: …");
///   "Update" and anything else are skipped in favour of an older update; with none, the
///   status is `unknown`;
/// - an entry counts as current only when it is not resolved or completed **and** was
///   updated within [`ATOM_OPEN_FOR`] of `now`: a history feed keeps months of entries, and an
///   old one whose status cannot be read must not stay an incident forever;
/// - impact is not published: an open incident counts as `minor`, and the indicator is
///   derived from what is open.
pub fn parse_atom(bytes: &[u8], now: DateTime<Utc>) -> Result<StatusReading, FeedProblem> {
    let bytes = strip_bom(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FeedProblem::Empty);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| FeedProblem::NotData)?;
    if !text.trim_start().starts_with('<') {
        return Err(FeedProblem::NotData);
    }
    let feed = read_feed(text)?;
    let mut incidents = Vec::new();
    let mut maintenances = Vec::new();
    for entry in feed.entries {
        match read_entry(entry, now) {
            Item::Incident(i) if i.is_open() && now - i.updated_at <= ATOM_OPEN_FOR => {
                incidents.push(i)
            }
            Item::Maintenance(m, updated)
                if m.status != MaintenanceStatus::Completed && now - updated <= ATOM_OPEN_FOR =>
            {
                maintenances.push(m)
            }
            _ => {}
        }
    }
    let title = feed.title.trim();
    let title = title.strip_suffix(" - Incident History").unwrap_or(title);
    let title = title.strip_suffix(" Status").unwrap_or(title);
    let indicator = StatusReading::derived_indicator(&[], &incidents, &maintenances, now);
    Ok(StatusReading {
        page_name: title.to_string(),
        page_url: feed.link,
        indicator,
        components: Vec::new(),
        incidents,
        maintenances,
        fetched_at: now,
    })
}

/// Where the reader is: which element's text is being collected.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    None,
    FeedTitle,
    Id,
    Title,
    Published,
    Updated,
    Content,
}

fn read_feed(text: &str) -> Result<Feed, FeedProblem> {
    let mut reader = Reader::from_str(text);
    let mut feed = Feed::default();
    let mut entry: Option<Entry> = None;
    let mut depth = 0usize;
    let mut root_seen = false;
    let mut field = Field::None;
    // Depth of the element whose text is collected, to know when it ends.
    let mut field_depth = 0usize;
    let mut buffer = String::new();
    loop {
        let event = reader.read_event().map_err(|_| FeedProblem::NotData)?;
        match event {
            Event::Start(e) => {
                depth += 1;
                let name = local(e.local_name().as_ref());
                if !root_seen {
                    root_seen = true;
                    check_root(&name)?;
                    continue;
                }
                if field == Field::Content {
                    // XHTML content: keep the markup as text.
                    buffer.push('<');
                    buffer.push_str(&name);
                    buffer.push('>');
                    continue;
                }
                let next = match (name.as_str(), entry.is_some(), depth) {
                    ("entry", false, 2) => {
                        entry = Some(Entry::default());
                        Field::None
                    }
                    ("title", false, 2) => Field::FeedTitle,
                    ("id", true, 3) => Field::Id,
                    ("title", true, 3) => Field::Title,
                    ("published", true, 3) => Field::Published,
                    ("updated", true, 3) => Field::Updated,
                    ("content" | "summary", true, 3) => Field::Content,
                    _ => Field::None,
                };
                if next != Field::None {
                    field = next;
                    field_depth = depth;
                    buffer.clear();
                }
            }
            Event::Empty(e) => {
                let name = local(e.local_name().as_ref());
                if !root_seen {
                    root_seen = true;
                    check_root(&name)?;
                    continue;
                }
                if field == Field::Content {
                    buffer.push('<');
                    buffer.push_str(&name);
                    buffer.push('>');
                } else if name == "link" {
                    let href = alternate_href(&e);
                    match (&mut entry, depth) {
                        (Some(entry), 2) => entry.link = entry.link.take().or(href),
                        (None, 1) => feed.link = feed.link.take().or(href),
                        _ => {}
                    }
                }
            }
            Event::End(e) => {
                if field != Field::None && depth == field_depth {
                    let text = std::mem::take(&mut buffer);
                    match (field, &mut entry) {
                        (Field::FeedTitle, _) => feed.title = text,
                        (Field::Id, Some(entry)) => entry.id = text,
                        (Field::Title, Some(entry)) => entry.title = text,
                        (Field::Published, Some(entry)) => entry.published = text,
                        (Field::Updated, Some(entry)) => entry.updated = text,
                        (Field::Content, Some(entry)) => entry.content = text,
                        _ => {}
                    }
                    field = Field::None;
                } else if field == Field::Content {
                    let name = local(e.local_name().as_ref());
                    buffer.push_str("</");
                    buffer.push_str(&name);
                    buffer.push('>');
                } else if depth == 2
                    && local(e.local_name().as_ref()) == "entry"
                    && let Some(done) = entry.take()
                {
                    feed.entries.push(done);
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(e) if field != Field::None => buffer.push_str(&e.xml10_content()),
            Event::CData(e) if field != Field::None => buffer.push_str(&e.xml10_content()),
            Event::GeneralRef(e) if field != Field::None => match e.resolve_char_ref() {
                Ok(Some(c)) => buffer.push(c),
                Ok(None) => {
                    let name = e.xml10_content();
                    buffer.push_str(
                        quick_xml::escape::resolve_predefined_entity(&name).unwrap_or(""),
                    );
                }
                Err(_) => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_seen {
        return Err(FeedProblem::NotData);
    }
    Ok(feed)
}

fn check_root(name: &str) -> Result<(), FeedProblem> {
    match name {
        "feed" => Ok(()),
        "html" => Err(FeedProblem::WebPage),
        "rss" => Err(FeedProblem::UnexpectedShape(
            "it is an RSS feed, not an Atom feed".into(),
        )),
        other => Err(FeedProblem::UnexpectedShape(format!(
            "it is an XML document of another kind (<{other}>), not an Atom feed"
        ))),
    }
}

fn local(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// The `href` of a `<link>` that is the alternate (or unlabelled) link.
fn alternate_href(e: &quick_xml::events::BytesStart<'_>) -> Option<String> {
    let mut rel = None;
    let mut href = None;
    for attr in e.attributes().flatten() {
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned());
        match attr.key.local_name().as_ref() {
            "rel" => rel = value,
            "href" => href = value,
            _ => {}
        }
    }
    match rel.as_deref() {
        None | Some("alternate") => href.filter(|h| !h.trim().is_empty()),
        _ => None,
    }
}

enum Item {
    Incident(IncidentReading),
    /// With its last update time, to judge whether it is current.
    Maintenance(MaintenanceReading, DateTime<Utc>),
}

/// What a bold word at the head of an update says.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Incident(IncidentStatus),
    Maintenance(MaintenanceStatus),
    Other,
}

fn stage(word: &str) -> Stage {
    let word = word.trim().to_ascii_lowercase();
    match IncidentStatus::from_wire(&word) {
        IncidentStatus::Unknown => match MaintenanceStatus::from_wire(&word) {
            MaintenanceStatus::Unknown => Stage::Other,
            status => Stage::Maintenance(status),
        },
        status => Stage::Incident(status),
    }
}

fn time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn read_entry(entry: Entry, now: DateTime<Utc>) -> Item {
    let updated = time(&entry.updated);
    let published = time(&entry.published);
    let reference = updated.or(published).unwrap_or(now);
    let paragraphs = paragraphs(&entry.content, reference);
    let stages: Vec<Stage> = paragraphs.iter().map(|p| stage(&p.word)).collect();
    let known = stages.iter().copied().find(|s| *s != Stage::Other);
    let updates: Vec<IncidentUpdateReading> = paragraphs
        .iter()
        .zip(&stages)
        .map(|(p, s)| IncidentUpdateReading {
            status: match s {
                Stage::Incident(status) => *status,
                _ => IncidentStatus::Unknown,
            },
            body: p.body.clone(),
            at: p.at.unwrap_or(reference),
        })
        .collect();
    let updated_at = updated
        .or_else(|| updates.first().map(|u| u.at))
        .or(published)
        .unwrap_or(now);
    let id = entry
        .id
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let title = html_text(&entry.title);
    if let Some(Stage::Maintenance(status)) = known {
        return Item::Maintenance(
            MaintenanceReading {
                id,
                name: title,
                status,
                scheduled_for: None,
                scheduled_until: None,
                component_ids: Vec::new(),
                component_names: Vec::new(),
                shortlink: entry.link,
                updates,
            },
            updated_at,
        );
    }
    let status = match known {
        Some(Stage::Incident(status)) => status,
        _ => IncidentStatus::Unknown,
    };
    Item::Incident(IncidentReading {
        id,
        name: title,
        status,
        impact: Impact::Minor,
        shortlink: entry.link,
        started_at: published,
        updated_at,
        resolved_at: status.is_closed().then_some(updated_at),
        component_ids: Vec::new(),
        component_names: Vec::new(),
        updates,
    })
}

struct Paragraph {
    /// The bold word: "Resolved", "Monitoring", "Update".
    word: String,
    body: String,
    at: Option<DateTime<Utc>>,
}

/// The updates in an entry's HTML content, newest first as the feed has them.
fn paragraphs(html: &str, reference: DateTime<Utc>) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let starts: Vec<usize> = lower.match_indices("<p>").map(|(i, _)| i).collect();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(html.len());
        let (p, lp) = (&html[start + 3..end], &lower[start + 3..end]);
        let small = between(p, lp, "<small>", "</small>");
        let Some(strong_at) = lp.find("<strong>") else {
            continue;
        };
        let Some(strong_end) = lp[strong_at..].find("</strong>").map(|i| i + strong_at) else {
            continue;
        };
        let word = html_text(&p[strong_at + 8..strong_end]);
        let rest = html_text(&p[strong_end + 9..]);
        let body = rest
            .trim_start_matches(['-', '–', '—', ':', ' '])
            .to_string();
        if small.is_none() && stage(&word) == Stage::Other {
            // A bold line that is not an update ("THIS IS A SCHEDULED EVENT …").
            continue;
        }
        out.push(Paragraph {
            at: small.and_then(|s| update_time(&html_text(s), reference)),
            word,
            body,
        });
    }
    if out.is_empty() {
        // No paragraphs: plain text that may lead with a status word ("Resolved - …").
        let text = html_text(html);
        if let Some((word, body)) = text.split_once([':', '-'])
            && stage(word) != Stage::Other
        {
            out.push(Paragraph {
                word: word.trim().to_string(),
                body: body.trim().to_string(),
                at: None,
            });
        }
    }
    out
}

fn between<'a>(text: &'a str, lower: &str, open: &str, close: &str) -> Option<&'a str> {
    let from = lower.find(open)? + open.len();
    let to = lower[from..].find(close)? + from;
    Some(&text[from..to])
}

/// "Jun  5, 17:12 UTC", in the year that puts it at or before `reference` (plus a day's slack).
fn update_time(text: &str, reference: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let text = text.replace(" ,", ",");
    let text = text.trim().trim_end_matches("UTC").trim();
    let parse = |year: i32| {
        NaiveDateTime::parse_from_str(&format!("{year} {text}"), "%Y %b %d, %H:%M")
            .ok()
            .map(|t| t.and_utc())
    };
    let this_year = parse(reference.year())?;
    if this_year > reference + TimeDelta::days(1) {
        parse(reference.year() - 1)
    } else {
        Some(this_year)
    }
}

/// HTML to plain text: tags dropped, the common entities decoded, white space collapsed.
fn html_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = decode_entities(&text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::health::status_page::{Affected, Indicator};

    const HISTORY: &[u8] = include_bytes!("fixtures/anthropic-history.atom");

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_statuspage_history_feed() {
        let now = at("2026-06-05T16:40:00Z");
        let reading = parse_atom(HISTORY, now).expect("a valid Atom feed");
        assert_eq!(reading.page_name, "Claude");
        assert_eq!(
            reading.page_url.as_deref(),
            Some("https://status.claude.com")
        );
        assert_eq!(
            reading.incidents.len(),
            1,
            "only the open incident is current: {:?}",
            reading.incidents
        );
        let incident = &reading.incidents[0];
        assert_eq!(incident.id, "q4lnmtw3kc8y");
        assert_eq!(
            incident.name,
            "Elevated errors on Claude Opus 4.7 & Opus 4.8"
        );
        assert_eq!(
            incident.status,
            IncidentStatus::Identified,
            "the newest known word"
        );
        assert_eq!(
            incident.shortlink.as_deref(),
            Some("https://status.claude.com/incidents/q4lnmtw3kc8y")
        );
        assert_eq!(incident.started_at, Some(at("2026-06-05T15:12:04Z")));
        assert_eq!(incident.updates.len(), 3);
        assert_eq!(
            incident.updates[0].status,
            IncidentStatus::Unknown,
            "\"Update\" is no stage"
        );
        assert_eq!(incident.updates[1].at, at("2026-06-05T15:35:00Z"));
        assert_eq!(
            incident.updates[2].body,
            "We are currently investigating elevated error rates on requests to Claude Opus 4.7 and Claude Opus 4.8."
        );
        let claude: Vec<_> = Catalog::shipped()
            .unwrap()
            .models
            .into_iter()
            .filter(|m| m.provider == "anthropic")
            .collect();
        assert_eq!(
            incident.affected_models(&claude),
            Affected::Models(vec!["claude-opus-4-8".into(), "claude-opus-4-7".into()])
        );
        assert_eq!(reading.maintenances.len(), 1, "the maintenance in progress");
        assert_eq!(
            reading.maintenances[0].status,
            MaintenanceStatus::InProgress
        );
        assert_eq!(
            reading.indicator,
            Indicator::Minor,
            "derived: impact is not published"
        );
        assert!(reading.anything_wrong());
    }

    #[test]
    fn unresolved_entries_age_out() {
        let later = at("2026-06-09T16:40:00Z");
        let reading = parse_atom(HISTORY, later).unwrap();
        assert!(
            reading.incidents.is_empty() && reading.maintenances.is_empty(),
            "nothing updated within {ATOM_OPEN_FOR:?} counts as current"
        );
        assert_eq!(reading.indicator, Indicator::None);
    }

    #[test]
    fn plain_text_content_and_year_boundaries() {
        let feed = br#"<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>X</title>
<entry><id>1</id><title>Errors &amp; latency</title><updated>2027-01-01T00:30:00Z</updated>
<content type="html">Monitoring: we are watching.</content></entry>
<entry><id>2</id><title>Old</title><updated>2027-01-01T00:10:00Z</updated>
<content type="html">&lt;p&gt;&lt;small&gt;Dec 31, 23:50 UTC&lt;/small&gt;&lt;br&gt;&lt;strong&gt;Investigating&lt;/strong&gt; - Looking &amp;amp; seeing.&lt;/p&gt;</content></entry>
<entry><id>3</id><title>Mystery</title><updated>2027-01-01T00:00:00Z</updated><content>Something happened</content></entry>
</feed>"#;
        let reading = parse_atom(feed, at("2027-01-01T01:00:00Z")).unwrap();
        assert_eq!(reading.incidents.len(), 3, "all recent and unresolved");
        assert_eq!(reading.incidents[0].name, "Errors & latency");
        assert_eq!(reading.incidents[0].status, IncidentStatus::Monitoring);
        assert_eq!(
            reading.incidents[1].updates[0].at,
            at("2026-12-31T23:50:00Z")
        );
        assert_eq!(reading.incidents[1].updates[0].body, "Looking & seeing.");
        assert_eq!(reading.incidents[2].status, IncidentStatus::Unknown);
        assert!(reading.incidents[2].updates.is_empty());
    }

    #[test]
    fn hostile_feeds_are_problems_never_panics() {
        let now = at("2026-06-05T16:40:00Z");
        let cases: [(&[u8], FeedProblem); 6] = [
            (b"", FeedProblem::Empty),
            (
                b"<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>",
                FeedProblem::WebPage,
            ),
            (b"\x01\x7f<<garbage !#$%&()*+", FeedProblem::NotData),
            (b"\xff\xfe<feed/>", FeedProblem::NotData),
            (b"{\"page\": {}}", FeedProblem::NotData),
            (
                b"<?xml version=\"1.0\"?><rss><channel/></rss>",
                FeedProblem::UnexpectedShape("it is an RSS feed, not an Atom feed".into()),
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(
                parse_atom(body, now).err(),
                Some(expected.clone()),
                "{:?} should be refused as {expected:?}",
                String::from_utf8_lossy(body)
            );
        }
        // Cut off half way: whatever it yields, it does not panic.
        let half = &HISTORY[..HISTORY.len() / 2];
        let _ = parse_atom(half, now);
        assert!(parse_atom(b"<feed xmlns=\"http://www.w3.org/2005/Atom\"/>", now).is_ok());
    }

    #[test]
    fn entities_and_tags_in_html_text() {
        assert_eq!(
            html_text("<b>a</b>&amp;b &#39;c&#x27; &bogus; &"),
            "a &b 'c' &bogus; &"
        );
        assert_eq!(
            update_time(
                "Jun <var data-var='date'> 5</var>, 17:12 UTC",
                at("2026-06-05T18:00:00Z")
            ),
            None,
            "tags are removed before parsing, not here"
        );
        assert_eq!(
            update_time(
                &html_text("Jun <var data-var='date'> 5</var>, <var>17:12</var> UTC"),
                at("2026-06-05T18:00:00Z")
            ),
            Some(at("2026-06-05T17:12:00Z"))
        );
    }
}
