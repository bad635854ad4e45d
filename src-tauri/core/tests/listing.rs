//! Listing the models each provider serves, against the simulator's list endpoints: real HTTP
//! on 127.0.0.1, each wire format's real bodies and pagination.

mod common;

use chrono::{DateTime, Utc};
use std::time::Duration;
use switchboard_core::catalog::live::ListedModel;
use switchboard_core::catalog::{Catalog, Provider};
use switchboard_core::providers::keys::Secret;
use switchboard_core::providers::listing::{ListOptions, list_models, list_models_with};
use switchboard_core::vocabulary::ReasonKind;
use switchboard_core::vocabulary::{Failure, FailureClass, StreamBreak};
use switchboard_sim::catalog::{self as sim_catalog, SimModel};
use switchboard_sim::{Scenario, Simulator};

const TIMEOUT: Duration = Duration::from_secs(5);

struct Harness {
    sim: Simulator,
    catalog: Catalog,
    http: reqwest::Client,
}

impl Harness {
    async fn start(scenario: Scenario) -> Self {
        let sim = common::simulator(scenario).await;
        let catalog = common::catalog_at(&sim);
        Self {
            sim,
            catalog,
            http: reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(2))
                .build()
                .unwrap(),
        }
    }

    async fn builtin(name: &str) -> Self {
        Self::start(Scenario::builtin(name).expect("a built-in scenario")).await
    }

    async fn with_models(toml_models: &str) -> Self {
        let text = format!("name = \"test\"\n\n[[steps]]\nat = 0\nlabel = \"test\"\n{toml_models}");
        Self::start(Scenario::from_toml(&text).expect("the test scenario parses")).await
    }

    fn provider(&self, id: &str) -> &Provider {
        self.catalog.provider(id).unwrap()
    }

    /// The key a provider is asked with: none for Ollama, which needs none.
    fn key(&self, id: &str) -> Option<Secret> {
        self.provider(id)
            .needs_key()
            .then(|| Secret::new("sk-sim-test"))
    }

    async fn list(&self, id: &str) -> Result<Vec<ListedModel>, Failure> {
        list_models(
            &self.http,
            self.provider(id),
            self.key(id).as_ref(),
            TIMEOUT,
            Utc::now(),
        )
        .await
    }

    async fn list_with(&self, id: &str, options: ListOptions) -> Result<Vec<ListedModel>, Failure> {
        list_models_with(
            &self.http,
            self.provider(id),
            self.key(id).as_ref(),
            &options,
            Utc::now(),
        )
        .await
    }

    /// How many list requests the simulator saw for `provider`.
    fn list_requests(&self, provider: &str) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| {
                r.provider.as_deref() == Some(provider)
                    && r.method == "GET"
                    && r.path.ends_with("/models")
            })
            .count()
    }
}

fn small_pages(page_size: u32) -> ListOptions {
    ListOptions {
        timeout: TIMEOUT,
        page_size,
        ..ListOptions::default()
    }
}

fn ids(models: &[ListedModel]) -> Vec<&str> {
    models.iter().map(|m| m.id.as_str()).collect()
}

fn sim_ids(models: &[SimModel]) -> Vec<&str> {
    models.iter().map(|m| m.id).collect()
}

fn released(model: &SimModel) -> DateTime<Utc> {
    model.created.parse().expect("the simulator's dates parse")
}

#[tokio::test]
async fn anthropic_lists_every_model_across_pages() {
    let h = Harness::builtin("healthy").await;
    let models = h
        .list_with("anthropic", small_pages(3))
        .await
        .expect("the healthy simulator should list Anthropic's models");
    assert_eq!(
        ids(&models),
        sim_ids(sim_catalog::ANTHROPIC),
        "every model the simulator serves should come back, in its order, ids exact"
    );
    assert_eq!(
        h.list_requests("anthropic"),
        sim_catalog::ANTHROPIC.len().div_ceil(3),
        "pages of 3 should take one request per page, following after_id"
    );
    for (listed, served) in models.iter().zip(sim_catalog::ANTHROPIC) {
        assert_eq!(listed.display_name.as_deref(), Some(served.display_name));
        assert_eq!(
            listed.created,
            Some(released(served)),
            "created_at of {} should be read",
            served.id
        );
        assert!(listed.can_chat, "{} should be able to chat", served.id);
    }
}

#[tokio::test]
async fn anthropic_default_page_takes_one_request() {
    let h = Harness::builtin("healthy").await;
    let models = h.list("anthropic").await.expect("Anthropic lists");
    assert_eq!(ids(&models), sim_ids(sim_catalog::ANTHROPIC));
    assert_eq!(
        h.list_requests("anthropic"),
        1,
        "limit=100 should fit the simulator's models in one page"
    );
}

#[tokio::test]
async fn openai_lists_every_model() {
    let h = Harness::builtin("healthy").await;
    let models = h
        .list("openai")
        .await
        .expect("the healthy simulator should list OpenAI's models");
    assert_eq!(
        ids(&models),
        sim_ids(sim_catalog::OPENAI),
        "every model the simulator serves should come back, ids exact"
    );
    assert_eq!(h.list_requests("openai"), 1, "OpenAI's list is one page");
    for (listed, served) in models.iter().zip(sim_catalog::OPENAI) {
        assert_eq!(
            listed.created,
            Some(released(served)),
            "created (Unix seconds) of {} should be read",
            served.id
        );
        assert!(listed.can_chat, "{} should be able to chat", served.id);
    }
}

#[tokio::test]
async fn gemini_lists_every_model_across_pages() {
    let h = Harness::builtin("healthy").await;
    let models = h
        .list_with("gemini", small_pages(2))
        .await
        .expect("the healthy simulator should list Gemini's models");
    assert_eq!(
        ids(&models),
        sim_ids(sim_catalog::GEMINI),
        "every model the simulator serves should come back, without `models/`"
    );
    assert_eq!(
        h.list_requests("gemini"),
        sim_catalog::GEMINI.len().div_ceil(2),
        "pages of 2 should take one request per page, following nextPageToken"
    );
    for (listed, served) in models.iter().zip(sim_catalog::GEMINI) {
        assert_eq!(listed.display_name.as_deref(), Some(served.display_name));
        assert_eq!(
            listed.context_window.map(u64::from),
            Some(served.input_tokens),
            "inputTokenLimit of {} should be the context window",
            served.id
        );
        assert_eq!(
            listed.output_limit.map(u64::from),
            Some(served.output_tokens)
        );
        assert!(
            listed.can_chat,
            "{} supports generateContent and should be able to chat",
            served.id
        );
    }
}

#[tokio::test]
async fn ollama_lists_every_model_without_a_key() {
    let h = Harness::builtin("healthy").await;
    assert!(h.key("ollama").is_none(), "Ollama is asked without a key");
    let models = h
        .list("ollama")
        .await
        .expect("the local Ollama should list its models");
    assert_eq!(
        ids(&models),
        sim_ids(sim_catalog::OLLAMA),
        "every model the simulator serves should come back, tags included"
    );
    assert_eq!(h.list_requests("ollama"), 1);
}

#[tokio::test]
async fn a_rejected_key_is_auth_failed_for_every_keyed_provider() {
    let h = Harness::builtin("bad-key").await;
    for provider in ["anthropic", "openai", "gemini"] {
        let failure = h
            .list(provider)
            .await
            .expect_err("a rejected key should fail the listing");
        assert_eq!(
            failure.class,
            FailureClass::Reason(ReasonKind::AuthFailed),
            "{provider}'s rejected key should read as auth_failed: {failure:?}"
        );
        assert!(failure.http_status.is_some_and(|s| s >= 400));
    }
}

#[tokio::test]
async fn offline_is_no_answer_and_the_local_server_still_lists() {
    let h = Harness::builtin("offline").await;
    for provider in ["anthropic", "openai", "gemini"] {
        let failure = h
            .list(provider)
            .await
            .expect_err("an offline provider cannot list");
        assert!(
            matches!(failure.class, FailureClass::NoAnswer(_)),
            "{provider} offline should be NoAnswer, not blamed on the provider: {failure:?}"
        );
    }
    let models = h
        .list("ollama")
        .await
        .expect("the local Ollama answers while offline");
    assert_eq!(ids(&models), sim_ids(sim_catalog::OLLAMA));
}

#[tokio::test]
async fn a_garbage_body_is_garbled() {
    let h = Harness::with_models(
        "[steps.models]\n\"anthropic/*\" = { behaviour = \"garbage\" }\n\"gemini/*\" = { behaviour = \"garbage\" }\n",
    )
    .await;
    for provider in ["anthropic", "gemini"] {
        let failure = h
            .list(provider)
            .await
            .expect_err("a garbage list should not pass for a list");
        assert_eq!(
            failure.class,
            FailureClass::StreamBroken(StreamBreak::Garbled),
            "{provider}'s garbage 200 should be garbled: {failure:?}"
        );
        assert_eq!(failure.http_status, Some(200));
    }
}

#[tokio::test]
async fn a_huge_body_is_cut_off_at_the_cap() {
    let h = Harness::with_models("[steps.models]\n\"openai/*\" = { behaviour = \"huge\" }\n").await;
    let failure = h
        .list("openai")
        .await
        .expect_err("a body past the size cap should be refused, not read to the end");
    assert_eq!(
        failure.class,
        FailureClass::StreamBroken(StreamBreak::Garbled),
        "a 20 MB list should be refused at the 4 MB cap: {failure:?}"
    );
}

#[tokio::test]
async fn more_pages_than_allowed_fail_rather_than_give_a_partial_list() {
    let h = Harness::builtin("healthy").await;
    let options = ListOptions {
        max_pages: 2,
        ..small_pages(2)
    };
    let failure = h
        .list_with("anthropic", options)
        .await
        .expect_err("7 models in pages of 2 need 4 pages; 2 are allowed");
    assert_eq!(
        failure.class,
        FailureClass::StreamBroken(StreamBreak::Garbled),
        "running past the page cap should fail: {failure:?}"
    );
    assert_eq!(
        h.list_requests("anthropic"),
        2,
        "no more pages than the cap should be asked for"
    );
}

#[tokio::test]
async fn plain_http_to_another_machine_is_refused() {
    let h = Harness::builtin("healthy").await;
    let mut provider = h.provider("openai").clone();
    provider.base_url = "http://api.openai.com".into();
    let failure = list_models(
        &h.http,
        &provider,
        Some(&Secret::new("sk-sim-test")),
        TIMEOUT,
        Utc::now(),
    )
    .await
    .expect_err("a key must not be sent over plain http to another machine");
    assert_eq!(failure.class, FailureClass::RequestRejected);
}
