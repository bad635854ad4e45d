//! Every reader of untrusted bytes, fed arbitrary and near-valid bytes: Statuspage JSON, Atom,
//! SSE events of each wire format, provider error bodies, policy documents, model lists and
//! the incident mapping. None may panic, and what each returns must hold together.
//!
//! Not part of `make test`: `make fuzz` runs these (ignored) tests with many cases
//! (`FUZZ_CASES` per reader; 20,000 when run by hand).

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use switchboard_core::catalog::{Catalog, WireFormat};
use switchboard_core::health::poller::status_evidence;
use switchboard_core::health::status_page::{
    parse_atom, parse_statuspage_incidents, parse_statuspage_summary,
};
use switchboard_core::providers::classify::classify_http;
use switchboard_core::providers::listing::parse_page;
use switchboard_core::providers::protocol::protocol_for;

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

/// Arbitrary bytes, and bytes made from pieces of the real shapes (so the fuzzing reaches
/// past the first `{`).
fn bytes_like(pieces: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        proptest::collection::vec(prop::sample::select(pieces), 0..40)
            .prop_map(|parts| parts.concat().into_bytes()),
    ]
}

const JSON_PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "1e999",
    "-0",
    "\"\\u0000\"",
    "\"status\"",
    "\"indicator\"",
    "\"major\"",
    "\"components\"",
    "\"incidents\"",
    "\"incident_updates\"",
    "\"body\"",
    "\"name\"",
    "\"id\"",
    "\"impact\"",
    "\"critical\"",
    "\"Elevated errors on Claude Opus 4.7 and 4.8\"",
    "\"several models\"",
    "\"Claude API\"",
    "\"major_outage\"",
    "\"partial_outage\"",
    "\"resolved\"",
    "\"2026-06-05T14:07:00Z\"",
    "\"scheduled_maintenances\"",
    "\"affected_components\"",
    "\"page\"",
    "\"error\"",
    "\"type\"",
    "\"message\"",
    "\"code\"",
    "\"details\"",
    "\"@type\"",
    "\"reason\"",
    "\"retryDelay\"",
    "\"38s\"",
    "\"data\"",
    "\"models\"",
    "\"has_more\"",
    "\"nextPageToken\"",
    "\"disabled\"",
    "\"provider\"",
    "\"anthropic\"",
    "\"until\"",
    "\"candidates\"",
    "\"delta\"",
    "\"text\"",
    "\"finishReason\"",
    "\"promptFeedback\"",
    "\"blockReason\"",
    "\"choices\"",
    "\"finish_reason\"",
    "\"refusal\"",
    "\"shutdown_date\"",
    "\"2026-10-23\"",
];

const XML_PIECES: &[&str] = &[
    "<feed>",
    "</feed>",
    "<entry>",
    "</entry>",
    "<title>",
    "</title>",
    "<content>",
    "</content>",
    "<updated>2026-06-05T14:07:00Z</updated>",
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&lt;",
    "<?xml version=\"1.0\"?>",
    "<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
    "&a;",
    "Elevated errors on Claude Opus 4.7",
    "Resolved",
    "Investigating",
    "<link href=\"x\"/>",
    "<id>tag:status</id>",
    "\u{0}",
    "\u{202e}",
];

fn run(name: &str, strategy: impl Strategy<Value = Vec<u8>>, check: impl Fn(&[u8])) {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |bytes| {
            check(&bytes);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    eprintln!("{name}: {} cases, nothing found", cases());
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 22, 1, 5, 0).unwrap()
}

#[test]
#[ignore = "make fuzz"]
fn status_pages() {
    let catalog = Catalog::shipped().unwrap();
    let claude: Vec<_> = catalog.models_of("anthropic").collect();
    run("statuspage summary", bytes_like(JSON_PIECES), |bytes| {
        if let Ok(reading) = parse_statuspage_summary(bytes, now()) {
            // Whatever the page says, the mapping holds: a model is covered only as named or
            // through the API component.
            let evidence = status_evidence(&reading, &claude, now());
            for incident in evidence.incidents {
                assert!(
                    incident
                        .models
                        .iter()
                        .all(|m| claude.iter().any(|c| c.id == *m))
                );
            }
        }
    });
    run("statuspage incidents", bytes_like(JSON_PIECES), |bytes| {
        let _ = parse_statuspage_incidents(bytes, now());
    });
    run("atom", bytes_like(XML_PIECES), |bytes| {
        let _ = parse_atom(bytes, now());
    });
}

#[test]
#[ignore = "make fuzz"]
fn provider_answers() {
    for wire in [
        WireFormat::Anthropic,
        WireFormat::Openai,
        WireFormat::OpenaiCompatible,
        WireFormat::Gemini,
    ] {
        let protocol = protocol_for(wire);
        run(
            &format!("{wire:?} SSE events"),
            bytes_like(JSON_PIECES),
            |bytes| {
                let data = String::from_utf8_lossy(bytes);
                for event in [
                    "",
                    "message_start",
                    "content_block_delta",
                    "message_delta",
                    "error",
                ] {
                    let _ = protocol.read_event(event, &data, now());
                }
                if let Ok(json) = serde_json::from_slice(bytes) {
                    let _ = protocol.read_whole(&json, now());
                }
            },
        );
        run(
            &format!("{wire:?} error bodies"),
            bytes_like(JSON_PIECES),
            |bytes| {
                for status in [400, 401, 403, 404, 429, 500, 503, 529] {
                    let failure = classify_http(
                        wire,
                        status,
                        &reqwest::header::HeaderMap::new(),
                        bytes,
                        now(),
                    );
                    // Kept words are bounded, whatever came.
                    assert!(
                        failure
                            .provider_message
                            .as_ref()
                            .is_none_or(|m| m.len() <= 1 << 20)
                    );
                    // A 5xx is never blamed on the person.
                    if status >= 500 {
                        assert!(
                            failure.class.reason().is_none_or(
                                |k| k.side() == switchboard_core::vocabulary::Side::Provider
                            ),
                            "{status} {:?}",
                            failure.class
                        );
                    }
                }
            },
        );
        run(
            &format!("{wire:?} model lists"),
            bytes_like(JSON_PIECES),
            |bytes| {
                if let Ok(page) = parse_page(wire, bytes) {
                    assert!(page.models.iter().all(|m| m.id.chars().count() <= 256));
                }
            },
        );
    }
}

#[test]
#[ignore = "make fuzz"]
fn policy_documents() {
    const TOML_PIECES: &[&str] = &[
        "[[disabled]]\n",
        "provider = \"anthropic\"\n",
        "model = \"x\"\n",
        "message = \"m\"\n",
        "until = 2026-06-05T10:00:00Z\n",
        "disabled = []\n",
        "\"",
        "=",
        "\n",
        "[",
        "]",
    ];
    run(
        "policy",
        prop_oneof![bytes_like(JSON_PIECES), bytes_like(TOML_PIECES)],
        |bytes| {
            if let Ok(policy) = switchboard_core::health::policy::parse(bytes) {
                assert!(policy.rules.iter().all(|r| !r.provider.is_empty()));
                assert!(
                    policy
                        .fallback_order
                        .iter()
                        .all(|m| !m.provider.is_empty() && !m.model.is_empty())
                );
            }
        },
    );
}
