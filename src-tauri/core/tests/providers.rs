//! The provider clients against the simulator: real HTTP on 127.0.0.1, each wire format's
//! real bodies, headers and streams.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchboard_core::catalog::{Catalog, Provider};
use switchboard_core::clock::ManualClock;
use switchboard_core::providers::client::http_client;
use switchboard_core::providers::keys::Secret;
use switchboard_core::providers::retry::RetryPolicy;
use switchboard_core::providers::{
    AttemptObserver, ChatEvent, ChatMessage, ChatRequest, Completion, ProviderClient, SendError,
    Timeouts,
};
use switchboard_core::vocabulary::ReasonKind;
use switchboard_core::vocabulary::{AttemptOutcome, AttemptRecord, Role};
use switchboard_core::vocabulary::{FailureClass, StreamBreak, Transport};
use switchboard_sim::{Scenario, Simulator, stubs};

/// One model per wire format.
const MODELS: [(&str, &str); 4] = [
    ("anthropic", "claude-opus-4-7"),
    ("openai", "gpt-5"),
    ("gemini", "gemini-2.5-pro"),
    ("ollama", "llama3.2"),
];

#[derive(Default)]
struct Heard(Mutex<Vec<AttemptRecord>>);

impl AttemptObserver for Heard {
    fn record(&self, attempt: AttemptRecord) {
        self.0.lock().unwrap().push(attempt);
    }
}

struct Harness {
    sim: Simulator,
    catalog: Catalog,
    clock: ManualClock,
    heard: Arc<Heard>,
}

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        first_byte: Duration::from_millis(1500),
        idle: Duration::from_millis(1500),
        ..Timeouts::default()
    }
}

impl Harness {
    async fn start(scenario: Scenario) -> Self {
        let sim = common::simulator(scenario).await;
        let catalog = common::catalog_at(&sim);
        Self {
            sim,
            catalog,
            clock: ManualClock::new(chrono::Utc::now()),
            heard: Arc::default(),
        }
    }

    async fn with_models(toml_models: &str) -> Self {
        let text = format!("name = \"test\"\n\n[[steps]]\nat = 0\nlabel = \"test\"\n{toml_models}");
        Self::start(Scenario::from_toml(&text).expect("the test scenario parses")).await
    }

    fn provider(&self, id: &str) -> &Provider {
        self.catalog.provider(id).unwrap()
    }

    fn client(&self, provider: &str, key: Option<&str>) -> ProviderClient {
        self.client_with(
            self.provider(provider),
            key,
            timeouts(),
            RetryPolicy::default(),
        )
    }

    fn client_with(
        &self,
        provider: &Provider,
        key: Option<&str>,
        timeouts: Timeouts,
        retry: RetryPolicy,
    ) -> ProviderClient {
        ProviderClient::new(
            http_client(&timeouts),
            provider,
            key.map(Secret::new),
            timeouts,
            retry,
            Arc::new(self.clock.clone()),
        )
        .expect("loopback endpoints are allowed")
    }

    async fn ask(
        &self,
        provider: &str,
        model: &str,
        prompt: &str,
    ) -> (Result<Completion, SendError>, Vec<ChatEvent>) {
        self.ask_with_key(provider, model, prompt, Some("sk-sim-test"))
            .await
    }

    async fn ask_with_key(
        &self,
        provider: &str,
        model: &str,
        prompt: &str,
        key: Option<&str>,
    ) -> (Result<Completion, SendError>, Vec<ChatEvent>) {
        let request = ChatRequest {
            messages: vec![ChatMessage {
                role: Role::User,
                text: prompt.to_string(),
            }],
            ..hi(model)
        };
        let mut events = Vec::new();
        let result = self
            .client(provider, key)
            .chat(&request, self.heard.as_ref(), &mut |e| events.push(e))
            .await;
        (result, events)
    }

    fn requests_to(&self, model: &str) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| r.model.as_deref() == Some(model))
            .count()
    }
}

/// A one-line question to `model`.
fn hi(model: &str) -> ChatRequest {
    ChatRequest {
        model: model.to_string(),
        system: None,
        messages: vec![ChatMessage {
            role: Role::User,
            text: "hi".into(),
        }],
        max_tokens: 256,
    }
}

#[tokio::test]
async fn every_wire_format_streams_the_whole_answer() {
    let h = Harness::start(Scenario::builtin("healthy").unwrap()).await;
    for (provider, model) in MODELS {
        let (result, events) = h
            .ask(provider, model, "What is the capital of Portugal?")
            .await;
        let completion =
            result.unwrap_or_else(|e| panic!("{provider}/{model} should answer: {e:?}"));
        let expected = stubs::answer_text(model, "What is the capital of Portugal?");
        assert_eq!(
            completion.text, expected,
            "{provider}: the whole answer, in order"
        );
        assert_eq!(completion.attempts, 1);
        let streamed: String = events
            .iter()
            .filter_map(|e| match e {
                ChatEvent::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(streamed, expected, "{provider}: streamed piece by piece");
        let pieces = events
            .iter()
            .filter(|e| matches!(e, ChatEvent::Text(_)))
            .count();
        assert!(
            pieces > 3,
            "{provider}: arrived as a stream, not at once ({pieces} pieces)"
        );
    }
    let heard = h.heard.0.lock().unwrap();
    assert_eq!(heard.len(), 4);
    assert!(heard.iter().all(|a| a.outcome == AttemptOutcome::Answered));
}

/// What each error the simulator can give means, per wire format.
#[tokio::test]
async fn every_error_the_providers_give_is_classified_by_what_they_said() {
    use ReasonKind::*;
    let expected = |error: &str| -> FailureClass {
        FailureClass::Reason(match error {
            "invalid_request" => return FailureClass::RequestRejected,
            "bad_key" => AuthFailed,
            "permission" | "region_not_supported" => NotPermitted,
            "not_found" => ModelRetired,
            "rate_limited" => RateLimited,
            "quota" | "daily_quota" => QuotaExhausted,
            "capacity" | "overloaded" | "unavailable" => Overloaded,
            "server_error" | "timeout" => ElevatedErrors,
            other => panic!("no expectation for {other}"),
        })
    };
    let errors = [
        "invalid_request",
        "bad_key",
        "permission",
        "not_found",
        "rate_limited",
        "quota",
        "daily_quota",
        "capacity",
        "server_error",
        "overloaded",
        "unavailable",
        "timeout",
        "region_not_supported",
    ];
    let mut wrong = Vec::new();
    for (provider, model) in &MODELS[..3] {
        for error in errors {
            let h = Harness::with_models(&format!(
                "[steps.models.\"{provider}/{model}\"]\nbehaviour = \"error\"\nerror = \"{error}\"\n"
            ))
            .await;
            let (result, _) = h.ask(provider, model, "hi").await;
            let failure = match result {
                Err(e) => e.failure,
                Ok(_) => panic!("{provider} {error}: should fail"),
            };
            if failure.class != expected(error) {
                wrong.push(format!(
                    "{provider} {error}: expected {:?}, got {:?} (HTTP {:?}, {:?}: {:?})",
                    expected(error),
                    failure.class,
                    failure.http_status,
                    failure.provider_code,
                    failure.provider_message
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "misclassified:\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn a_missing_key_is_the_persons_key_problem_everywhere() {
    let h = Harness::start(Scenario::builtin("healthy").unwrap()).await;
    for (provider, model) in &MODELS[..3] {
        let (result, _) = h.ask_with_key(provider, model, "hi", None).await;
        let failure = result.expect_err("no key, no answer").failure;
        assert_eq!(
            failure.class,
            FailureClass::Reason(ReasonKind::AuthFailed),
            "{provider}: {failure:?}"
        );
    }
}

#[tokio::test]
async fn server_errors_are_retried_twice_then_reported_without_a_storm() {
    let h = Harness::with_models(
        "[steps.models.\"anthropic/claude-opus-4-7\"]\nbehaviour = \"error\"\nerror = \"server_error\"\n",
    )
    .await;
    let (result, events) = h.ask("anthropic", "claude-opus-4-7", "hi").await;
    let error = result.expect_err("fails every time");
    assert_eq!(error.attempts, 3, "one try and two retries");
    assert_eq!(
        h.requests_to("claude-opus-4-7"),
        3,
        "the request log shows exactly three"
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, ChatEvent::Retrying { .. }))
            .count(),
        2
    );
    let slept = h.clock.slept();
    assert_eq!(slept.len(), 2);
    assert!(
        slept
            .iter()
            .all(|d| *d >= Duration::from_millis(500) && *d <= Duration::from_secs(16)),
        "{slept:?}"
    );
    assert_eq!(
        h.heard.0.lock().unwrap().len(),
        3,
        "every attempt is a signal"
    );
}

#[tokio::test]
async fn your_side_failures_return_at_once() {
    let h = Harness::with_models(
        "[steps.models.\"openai/gpt-5\"]\nbehaviour = \"error\"\nerror = \"quota\"\n",
    )
    .await;
    let (result, _) = h.ask("openai", "gpt-5", "hi").await;
    assert_eq!(result.expect_err("no credit").attempts, 1);
    assert_eq!(h.requests_to("gpt-5"), 1, "billing is not retried");
    assert!(h.clock.slept().is_empty());
}

#[tokio::test]
async fn retry_after_is_honoured_and_a_long_wait_goes_to_the_person() {
    let h = Harness::with_models(
        "[steps.models.\"anthropic/claude-opus-4-7\"]\nbehaviour = \"error\"\nerror = \"rate_limited\"\nretry_after = 7\n\
         [steps.models.\"openai/gpt-5\"]\nbehaviour = \"error\"\nerror = \"rate_limited\"\nretry_after = 300\n",
    )
    .await;
    let (result, _) = h.ask("anthropic", "claude-opus-4-7", "hi").await;
    let error = result.expect_err("limited every time");
    assert_eq!(error.failure.retry_after, Some(Duration::from_secs(7)));
    assert_eq!(
        h.clock.slept(),
        [Duration::from_secs(7), Duration::from_secs(7)]
    );
    assert_eq!(h.requests_to("claude-opus-4-7"), 3);

    let (result, _) = h.ask("openai", "gpt-5", "hi").await;
    let error = result.expect_err("limited for five minutes");
    assert_eq!(error.attempts, 1, "a five-minute wait is not slept through");
    assert_eq!(
        error.failure.class,
        FailureClass::Reason(ReasonKind::RateLimited)
    );
    assert!(error.failure.retry_after >= Some(Duration::from_secs(60)));
}

#[tokio::test]
async fn a_cut_stream_keeps_the_text_that_arrived_and_is_not_retried() {
    for (provider, model) in MODELS {
        let h = Harness::with_models(&format!(
            "[steps.models.\"{provider}/{model}\"]\nbehaviour = \"cut\"\nafter_tokens = 4\n"
        ))
        .await;
        let (result, _) = h.ask(provider, model, "Tell me a story").await;
        let error = result.expect_err("the stream is cut");
        assert_eq!(
            error.failure.class,
            FailureClass::StreamBroken(StreamBreak::Cut),
            "{provider}"
        );
        let whole = stubs::answer_text(model, "Tell me a story");
        assert!(
            !error.partial_text.is_empty() && whole.starts_with(&error.partial_text),
            "{provider}: the partial text is kept: {:?}",
            error.partial_text
        );
        assert_eq!(
            h.requests_to(model),
            1,
            "{provider}: shown text is never replaced by a retry"
        );
    }
}

#[tokio::test]
async fn an_error_inside_the_stream_is_classified_by_its_type() {
    let h = Harness::with_models(
        "[steps.models.\"anthropic/claude-opus-4-7\"]\nbehaviour = \"stream_error\"\nerror = \"overloaded\"\nafter_tokens = 3\n",
    )
    .await;
    let (result, _) = h.ask("anthropic", "claude-opus-4-7", "hi").await;
    let error = result.expect_err("an error event mid-stream");
    assert_eq!(
        error.failure.class,
        FailureClass::Reason(ReasonKind::Overloaded)
    );
    assert!(!error.partial_text.is_empty(), "what arrived is kept");
}

#[tokio::test]
async fn no_answer_at_all_is_not_blamed_on_the_provider() {
    let h = Harness::with_models("[steps.models.\"*\"]\nbehaviour = \"reset\"\n").await;
    let (result, _) = h.ask("gemini", "gemini-2.5-pro", "hi").await;
    let error = result.expect_err("the connection is reset");
    assert_eq!(
        error.failure.class,
        FailureClass::NoAnswer(Transport::Reset)
    );
    assert_eq!(
        error.failure.class.reason(),
        None,
        "only the connectivity check may say whose side"
    );
    assert_eq!(error.attempts, 3, "a reset is retried");
}

#[tokio::test]
async fn a_closed_port_is_a_connect_failure() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let h = Harness::start(Scenario::builtin("healthy").unwrap()).await;
    let mut provider = h.provider("ollama").clone();
    provider.base_url = format!("http://127.0.0.1:{port}");
    let client = h.client_with(&provider, None, timeouts(), RetryPolicy::default());
    let error = client
        .chat(&hi("llama3.2"), h.heard.as_ref(), &mut |_| {})
        .await
        .expect_err("nothing listens");
    assert_eq!(
        error.failure.class,
        FailureClass::NoAnswer(Transport::Connect)
    );
}

#[tokio::test]
async fn a_stall_before_the_headers_times_out() {
    let h = Harness::with_models(
        "[steps.models.\"openai/gpt-5\"]\nbehaviour = \"stall\"\nseconds = 3\n",
    )
    .await;
    let client = h.client_with(
        h.provider("openai"),
        Some("sk"),
        Timeouts {
            first_byte: Duration::from_millis(300),
            ..timeouts()
        },
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        },
    );
    let error = client
        .chat(&hi("gpt-5"), h.heard.as_ref(), &mut |_| {})
        .await
        .expect_err("stalled");
    assert_eq!(
        error.failure.class,
        FailureClass::NoAnswer(Transport::Timeout)
    );
}

#[tokio::test]
async fn a_garbage_or_huge_body_is_unreadable_not_a_crash() {
    for behaviour in ["garbage", "huge"] {
        let h = Harness::with_models(&format!(
            "[steps.models.\"openai/gpt-5\"]\nbehaviour = \"{behaviour}\"\n"
        ))
        .await;
        let (result, _) = h.ask("openai", "gpt-5", "hi").await;
        let error = result.expect_err("not an answer");
        assert!(
            matches!(
                error.failure.class,
                FailureClass::StreamBroken(StreamBreak::Garbled)
            ),
            "{behaviour}: {:?}",
            error.failure.class
        );
    }
}

#[tokio::test]
async fn plain_http_to_another_machine_is_refused_before_any_request() {
    let mut provider = Catalog::shipped()
        .unwrap()
        .provider("openai")
        .unwrap()
        .clone();
    provider.base_url = "http://api.openai.com".into();
    let refused = ProviderClient::new(
        http_client(&timeouts()),
        &provider,
        None,
        timeouts(),
        RetryPolicy::default(),
        Arc::new(ManualClock::new(chrono::Utc::now())),
    );
    assert!(refused.is_err());
}

#[tokio::test]
async fn the_simulators_config_is_a_valid_switchboard_config_marked_as_a_demo() {
    let h = Harness::start(Scenario::builtin("june-2026").unwrap()).await;
    let config: switchboard_core::config::Config =
        toml::from_str(&h.sim.config_toml()).expect("Switchboard reads the simulator's config");
    assert_eq!(
        config.demo.as_ref().map(|d| d.scenario.as_str()),
        Some("june-2026")
    );
    let mut catalog = Catalog::shipped().unwrap();
    let notices = switchboard_core::config::apply(
        &mut catalog,
        &config,
        &Default::default(),
        std::path::Path::new("sim.toml"),
    );
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        catalog.provider("anthropic").unwrap().base_url,
        h.sim.provider_url("anthropic")
    );
}

#[tokio::test]
async fn a_stream_that_stalls_part_way_ends_as_stalled_with_its_text_kept() {
    let h = Harness::with_models(
        "[steps.models.\"openai/gpt-5\"]\nbehaviour = \"ok\"\nchunk_ms = 1000\n",
    )
    .await;
    let client = h.client_with(
        h.provider("openai"),
        Some("sk"),
        Timeouts {
            idle: Duration::from_millis(300),
            ..timeouts()
        },
        RetryPolicy::default(),
    );
    let error = client
        .chat(&hi("gpt-5"), h.heard.as_ref(), &mut |_| {})
        .await
        .expect_err("a chunk every second is slower than the idle timeout");
    assert_eq!(
        error.failure.class,
        FailureClass::StreamBroken(StreamBreak::Stalled)
    );
    assert_eq!(
        error.failure.class.reason(),
        Some(ReasonKind::ElevatedErrors)
    );
    let whole = stubs::answer_text("gpt-5", "hi");
    assert!(
        whole.starts_with(&error.partial_text),
        "{:?}",
        error.partial_text
    );
}

/// reqwest keeps `x-api-key` across redirects, so the provider client never follows one to
/// another origin: the key cannot be carried to a host it was not meant for.
#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_so_the_key_stays_home() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let elsewhere = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let elsewhere_port = elsewhere.local_addr().unwrap().port();
    let redirector = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = redirector.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = redirector.accept().await {
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let answer = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://localhost:{elsewhere_port}/v1/messages\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    let mut provider = Catalog::shipped()
        .unwrap()
        .provider("anthropic")
        .unwrap()
        .clone();
    provider.base_url = format!("http://127.0.0.1:{port}");
    let client = ProviderClient::new(
        http_client(&timeouts()),
        &provider,
        Some(Secret::new("sk-ant-must-not-leak")),
        timeouts(),
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        },
        Arc::new(ManualClock::new(chrono::Utc::now())),
    )
    .unwrap();
    let error = client
        .chat(&hi("claude-opus-4-7"), &Heard::default(), &mut |_| {})
        .await
        .expect_err("a redirect is not an answer");
    assert_eq!(
        error.failure.http_status,
        Some(307),
        "the redirect is seen, not followed"
    );
    // Had the client followed, its connection would be waiting to be accepted by now (the
    // kernel completes it before any answer could come back): nothing is.
    elsewhere.set_nonblocking(true).unwrap();
    assert!(
        matches!(elsewhere.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the other host was never contacted"
    );
}
