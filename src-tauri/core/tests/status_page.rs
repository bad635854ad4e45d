//! The status-page reader against the simulator's pages: real HTTP on 127.0.0.1, conditional
//! GETs, the June 2026 incident replayed step by step, and every way a page can misbehave.

use chrono::{DateTime, Utc};
use std::time::Duration;
use switchboard_core::catalog::{Catalog, Model, StatusFormat};
use switchboard_core::health::status_page::{
    Affected, FeedOutcome, FeedProblem, IncidentStatus, Indicator, StatusFeed, StatusReading,
    parse_statuspage_incidents,
};
use switchboard_core::providers::{Timeouts, client::http_client};
use switchboard_core::vocabulary::ComponentStatus;
use switchboard_sim::{Scenario, SimOptions, Simulator};

struct Harness {
    sim: Simulator,
    http: reqwest::Client,
    /// Wall time of scenario t=0, near enough: the status pages date things from it.
    epoch: DateTime<Utc>,
}

impl Harness {
    async fn start(scenario: &str) -> Self {
        let epoch = Utc::now();
        let sim = Simulator::start(
            Scenario::builtin(scenario).expect("a built-in scenario"),
            SimOptions {
                port: None,
                manual_clock: true,
            },
        )
        .await
        .expect("the simulator starts");
        Self {
            sim,
            http: http_client(&Timeouts::default()),
            epoch,
        }
    }

    fn feed(&self, provider: &str, format: StatusFormat) -> StatusFeed {
        StatusFeed::new(&self.sim.status_url(provider), format)
            .expect("a loopback status URL is allowed")
            .expect("a feed for this format")
            .with_timeout(Duration::from_secs(1))
    }

    /// Moves scenario time to `t` seconds.
    fn at(&self, t: u64) -> DateTime<Utc> {
        let now = self.sim.state().time;
        let by = t as f64 - now;
        assert!(by >= 0.0, "scenario time only moves forward");
        self.sim.advance(Duration::from_secs_f64(by));
        self.now()
    }

    fn now(&self) -> DateTime<Utc> {
        self.epoch + chrono::Duration::milliseconds((self.sim.state().time * 1000.0) as i64)
    }

    /// The status the simulator answered to the last request for `path_end`.
    fn last_status(&self, path_end: &str) -> Option<u16> {
        self.sim
            .requests()
            .iter()
            .rev()
            .find(|r| r.path.ends_with(path_end))
            .and_then(|r| r.status)
    }
}

fn models_of(provider: &str) -> Vec<Model> {
    Catalog::shipped()
        .unwrap()
        .models
        .into_iter()
        .filter(|m| m.provider == provider)
        .collect()
}

fn fresh(outcome: FeedOutcome, what: &str) -> StatusReading {
    match outcome {
        FeedOutcome::Fresh(reading) => reading,
        other => panic!("{what}: expected a fresh reading, got {other:?}"),
    }
}

fn problem(outcome: FeedOutcome, what: &str) -> FeedProblem {
    match outcome {
        FeedOutcome::Problem(problem) => problem,
        other => panic!("{what}: expected a feed problem, got {other:?}"),
    }
}

fn opus_pair() -> Affected {
    Affected::Models(vec!["claude-opus-4-8".into(), "claude-opus-4-7".into()])
}

#[tokio::test]
async fn june_2026_replayed_on_anthropics_status_page() {
    let h = Harness::start("june-2026").await;
    let claude = models_of("anthropic");
    let mut feed = h.feed("anthropic", StatusFormat::Statuspage);

    let quiet = fresh(feed.fetch(&h.http, h.now()).await, "t=0");
    assert_eq!(quiet.page_name, "Claude");
    assert_eq!(quiet.indicator, Indicator::None);
    assert!(
        quiet.incidents.is_empty(),
        "nothing open before the incident"
    );
    assert!(!quiet.anything_wrong(), "a healthy page is quiet");
    assert_eq!(
        feed.fetch(&h.http, h.now()).await,
        FeedOutcome::NotModified,
        "the second fetch of an unchanged page is a 304, not a new reading"
    );
    assert_eq!(
        h.last_status("summary.json"),
        Some(304),
        "the simulator answered 304"
    );

    // Onset at 60: errors, but Anthropic has posted nothing yet.
    h.at(300);
    assert_eq!(feed.fetch(&h.http, h.now()).await, FeedOutcome::NotModified);

    // 420: the incident.
    let now = h.at(420);
    let reading = fresh(feed.fetch(&h.http, now).await, "t=420");
    assert_eq!(reading.indicator, Indicator::Major);
    let api = reading
        .components
        .iter()
        .find(|c| c.name.starts_with("Claude API"))
        .unwrap();
    assert_eq!(api.status, ComponentStatus::DegradedPerformance);
    assert_eq!(reading.incidents.len(), 1, "{:?}", reading.incidents);
    let incident = &reading.incidents[0];
    assert_eq!(
        incident.name,
        "Elevated errors on Claude Opus 4.7 and Opus 4.8"
    );
    assert_eq!(incident.status, IncidentStatus::Investigating);
    assert!(incident.is_open());
    assert_eq!(
        incident.affected_models(&claude),
        opus_pair(),
        "the incident covers exactly Opus 4.7 and Opus 4.8"
    );
    assert!(reading.anything_wrong());

    // 600: identified; still the same two models.
    let reading = fresh(feed.fetch(&h.http, h.at(600)).await, "t=600");
    assert_eq!(reading.incidents[0].status, IncidentStatus::Identified);
    assert_eq!(reading.incidents[0].affected_models(&claude), opus_pair());

    // 1260: Opus 4.8 is back, by the update's words.
    let reading = fresh(feed.fetch(&h.http, h.at(1260)).await, "t=1260");
    let incident = &reading.incidents[0];
    assert_eq!(
        incident.reported_recovered(&claude),
        vec!["claude-opus-4-8"],
        "the update says Opus 4.8 has returned to normal"
    );
    assert_eq!(
        incident.affected_models(&claude),
        Affected::Models(vec!["claude-opus-4-7".into()]),
        "the covered set follows the latest updates: Opus 4.8 is back"
    );

    // 1620: monitoring, the component operational again.
    let reading = fresh(feed.fetch(&h.http, h.at(1620)).await, "t=1620");
    assert_eq!(reading.incidents[0].status, IncidentStatus::Monitoring);
    assert!(
        reading
            .components
            .iter()
            .all(|c| c.status == ComponentStatus::Operational)
    );

    // 1920: resolved — gone from the summary, resolved in the incident list.
    let now = h.at(1920);
    let reading = fresh(feed.fetch(&h.http, now).await, "t=1920");
    assert!(
        reading.incidents.is_empty(),
        "a resolved incident leaves the summary"
    );
    assert_eq!(reading.indicator, Indicator::None);
    assert!(!reading.anything_wrong());
    let body = h
        .http
        .get(format!(
            "{}/api/v2/incidents.json",
            h.sim.status_url("anthropic")
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let list = parse_statuspage_incidents(&body, now).expect("the incident list parses");
    let june = list
        .incidents
        .iter()
        .find(|i| i.id == "q4lnmtw3kc8y")
        .expect("the June incident is in the history");
    assert_eq!(june.status, IncidentStatus::Resolved);
    assert!(!june.is_open() && june.resolved_at.is_some());
    assert_eq!(
        june.reported_recovered(&claude),
        vec!["claude-opus-4-8".to_string(), "claude-opus-4-7".to_string()],
        "the history names both models, and says each came back"
    );
    assert_eq!(june.affected_models(&claude), Affected::Models(vec![]));

    h.sim.stop().await;
}

#[tokio::test]
async fn the_atom_history_feed_follows_the_same_incident() {
    let h = Harness::start("june-2026").await;
    let claude = models_of("anthropic");
    let mut feed = h.feed("anthropic", StatusFormat::Atom);
    assert!(feed.url().ends_with("/history.atom"));
    let before = fresh(feed.fetch(&h.http, h.now()).await, "t=0");
    assert!(
        before.incidents.is_empty(),
        "the old resolved incident is history, not current: {:?}",
        before.incidents
    );
    assert_eq!(feed.fetch(&h.http, h.now()).await, FeedOutcome::NotModified);

    let reading = fresh(feed.fetch(&h.http, h.at(600)).await, "t=600");
    assert_eq!(reading.incidents.len(), 1);
    let incident = &reading.incidents[0];
    assert_eq!(incident.status, IncidentStatus::Identified);
    assert_eq!(incident.updates.len(), 2);
    assert_eq!(incident.affected_models(&claude), opus_pair());

    let reading = fresh(feed.fetch(&h.http, h.at(1920)).await, "t=1920");
    assert!(reading.incidents.is_empty(), "resolved: no longer current");
    h.sim.stop().await;
}

#[tokio::test]
async fn openais_incident_io_page_reads_like_statuspage() {
    let h = Harness::start("maintenance").await;
    let openai = models_of("openai");
    let mut feed = h.feed("openai", StatusFormat::IncidentIo);
    let scheduled = fresh(feed.fetch(&h.http, h.now()).await, "t=0");
    assert_eq!(scheduled.page_name, "OpenAI");
    assert_eq!(scheduled.maintenances.len(), 1);
    assert!(
        !scheduled.maintenances[0].is_active(h.now()),
        "announced, not yet under way"
    );
    let reading = fresh(feed.fetch(&h.http, h.at(60)).await, "t=60");
    assert_eq!(reading.indicator, Indicator::Maintenance);
    let maintenance = reading
        .active_maintenances()
        .next()
        .expect("under way at 60");
    assert_eq!(maintenance.component_names, vec!["Chat Completions"]);
    assert_eq!(
        maintenance.affected_models(&openai),
        Affected::ApiWide,
        "the Chat Completions component carries every model, but names none"
    );
    assert!(reading.anything_wrong());
    let done = fresh(feed.fetch(&h.http, h.at(1260)).await, "t=1260");
    assert!(done.active_maintenances().next().is_none());
    h.sim.stop().await;
}

#[tokio::test]
async fn misbehaving_pages_are_problems_never_outages() {
    let h = Harness::start("garbage-feed").await;
    let mut anthropic = h.feed("anthropic", StatusFormat::Statuspage);
    let mut openai = h.feed("openai", StatusFormat::IncidentIo);
    let mut gemini = h.feed("gemini", StatusFormat::Statuspage);

    // 0: garbage; a Cloudflare challenge with 403; a 20 MB body.
    let now = h.now();
    assert_eq!(
        problem(anthropic.fetch(&h.http, now).await, "garbage"),
        FeedProblem::NotData
    );
    let challenge = problem(openai.fetch(&h.http, now).await, "challenge 403");
    assert_eq!(
        challenge,
        FeedProblem::WebPage,
        "a bot check, whatever its status"
    );
    assert_eq!(
        challenge.to_string(),
        "the status page could not be read: it answered with a web page instead of data (a bot check or a login page)"
    );
    assert_eq!(
        problem(gemini.fetch(&h.http, now).await, "20 MB"),
        FeedProblem::TooLarge {
            limit_bytes: 2 << 20
        },
        "a 20 MB answer is refused by its length, not read"
    );

    // 120: a challenge with 200; a 3 s stall (against a 1 s timeout); a 302 redirect.
    let now = h.at(120);
    assert_eq!(
        problem(anthropic.fetch(&h.http, now).await, "challenge 200"),
        FeedProblem::WebPage
    );
    assert_eq!(
        problem(openai.fetch(&h.http, now).await, "stall"),
        FeedProblem::Timeout { seconds: 1 }
    );
    let moved = fresh(gemini.fetch(&h.http, now).await, "redirect");
    assert_eq!(
        moved.page_name, "Google AI Studio",
        "the redirect is followed"
    );

    // 240: a redirect; 20 MB; garbage.
    let now = h.at(240);
    let moved = fresh(anthropic.fetch(&h.http, now).await, "redirect");
    assert_eq!(moved.page_name, "Claude");
    assert!(matches!(
        problem(openai.fetch(&h.http, now).await, "20 MB"),
        FeedProblem::TooLarge { .. }
    ));
    assert_eq!(
        problem(gemini.fetch(&h.http, now).await, "garbage"),
        FeedProblem::NotData
    );

    // 360: every page answers normally again.
    let now = h.at(360);
    assert_eq!(
        anthropic.fetch(&h.http, now).await,
        FeedOutcome::NotModified,
        "the page read through the redirect has not changed"
    );
    let reading = fresh(openai.fetch(&h.http, now).await, "back to normal");
    assert!(!reading.anything_wrong(), "the APIs were fine all along");
    assert_eq!(gemini.fetch(&h.http, now).await, FeedOutcome::NotModified);
    h.sim.stop().await;
}

#[tokio::test]
async fn no_answer_is_unreachable() {
    // A port nothing listens on: bind one, learn its number, close it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut feed = StatusFeed::new(
        &format!("http://127.0.0.1:{port}"),
        StatusFormat::Statuspage,
    )
    .unwrap()
    .unwrap()
    .with_timeout(Duration::from_secs(2));
    let http = http_client(&Timeouts::default());
    let problem = problem(feed.fetch(&http, Utc::now()).await, "closed port");
    assert_eq!(
        problem,
        FeedProblem::Unreachable(format!("could not connect to 127.0.0.1:{port}"))
    );
}

/// The idle cost of a quiet page: asked every poll, parsed once. A `304` reads nothing but
/// headers; a server that ignores conditional requests sends the same bytes, which are
/// hashed and not parsed.
#[tokio::test]
async fn a_quiet_page_asked_every_poll_is_parsed_once() {
    let h = Harness::start("healthy").await;
    let mut feed = h.feed("anthropic", StatusFormat::Statuspage);
    fresh(feed.fetch(&h.http, h.now()).await, "the first reading");
    for poll in 1..10 {
        assert_eq!(
            feed.fetch(&h.http, h.now()).await,
            FeedOutcome::NotModified,
            "poll {poll}"
        );
    }
    let counts = feed.counts();
    assert_eq!(
        (
            counts.asked,
            counts.not_modified,
            counts.same_body,
            counts.parsed
        ),
        (10, 9, 0, 1)
    );
    let answered_304 = h
        .sim
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("summary.json") && r.status == Some(304))
        .count();
    assert_eq!(
        answered_304, 9,
        "the simulator answered 304 to every poll after the first"
    );
    h.sim.stop().await;

    // A server that sends the page in full every time, without validators.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let body = r#"{"page":{"name":"Claude"},"status":{"indicator":"none"},"components":[],"incidents":[]}"#;
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    let mut stubborn = StatusFeed::new(&format!("http://{address}"), StatusFormat::Statuspage)
        .unwrap()
        .unwrap()
        .with_timeout(Duration::from_secs(1));
    let now = Utc::now();
    fresh(stubborn.fetch(&h.http, now).await, "the first full answer");
    for _ in 1..5 {
        assert_eq!(stubborn.fetch(&h.http, now).await, FeedOutcome::NotModified);
    }
    let counts = stubborn.counts();
    assert_eq!(
        (
            counts.asked,
            counts.not_modified,
            counts.same_body,
            counts.parsed
        ),
        (5, 0, 4, 1)
    );
}
