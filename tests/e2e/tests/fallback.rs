//! Fallback with consent through the real window, against the provider simulator: the dialog
//! opens before a request is wasted, nothing goes to another model without a consent, a
//! stand-in's answer says whom it stood in for, and a message kept for the preferred model is
//! sent once when it is back — even across a restart.

use switchboard_e2e::{App, Profile};
use switchboard_sim::{Scenario, SimOptions, Simulator, stubs};

/// Claude Opus 4.7 answers every request with a server error until t=60, then recovers.
const OPUS_OUT: &str = r#"
name = "opus-out"
[[steps]]
at = 0
label = "Opus 4.7 fails every request"
[steps.models."anthropic/claude-opus-4-7"]
behaviour = "error"
error = "server_error"
[[steps]]
at = 60
label = "Opus 4.7 recovers"
models = { "anthropic/claude-opus-4-7" = { behaviour = "ok" } }
"#;

async fn simulator() -> Simulator {
    Simulator::start(
        Scenario::from_toml(OPUS_OUT).unwrap(),
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .expect("the simulator starts")
}

fn chat_requests(sim: &Simulator, model: Option<&str>) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == "POST" && model.is_none_or(|m| r.model.as_deref() == Some(m)))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_consent_no_other_model_is_asked_and_a_stand_in_is_labelled() {
    let sim = simulator().await;
    let profile = Profile::with_keys();
    // No probes: every request the simulator sees is one the person sent.
    profile.write_config(&format!(
        "{}\n[health]\nprobes = false\n",
        sim.config_toml()
    ));
    let app = App::launch(&profile).await;
    app.prefer("anthropic/claude-opus-4-7").await;
    app.type_and_send("Summarise the Q3 report").await;

    // It fails with its retries; the dialog asks, and Cancel keeps everything.
    app.wait_for("[data-testid=consent-dialog]").await;
    assert_eq!(chat_requests(&sim, Some("claude-opus-4-7")), 3);
    app.click("[data-choice=cancel]").await;
    assert_eq!(app.compose_text().await, "Summarise the Q3 report");

    // Its breaker is open now: Send opens the dialog at once, with no request at all.
    app.type_and_send("").await; // the text is still in the box
    let dialog = app.wait_for("[data-testid=consent-dialog]").await;
    let said = dialog.text().await.unwrap();
    assert!(said.contains("Nothing has been sent"), "{said}");
    assert_eq!(
        chat_requests(&sim, None),
        3,
        "no request to Opus 4.7 first, and none to any other model without a consent"
    );
    app.screenshot(std::path::Path::new("/tmp/switchboard-consent.png"))
        .await;

    // "Use … until Claude Opus 4.7 is back": the stand-in answers, and says so.
    app.click("[data-choice=until_back]").await;
    let label = app
        .eventually(
            || app.texts("[data-testid=answered-by]"),
            |l: &Vec<String>| !l.is_empty(),
        )
        .await;
    assert!(
        label[0].contains("standing in for Claude Opus 4.7"),
        "{label:?}"
    );
    assert_eq!(chat_requests(&sim, Some("claude-opus-4-7")), 3);
    assert_eq!(chat_requests(&sim, None), 4, "one request, to the stand-in");
    let stand_in = sim.requests().into_iter().last().unwrap();
    let system = stand_in.system.unwrap_or_default();
    assert!(
        system.contains("answering in place of Claude Opus 4.7"),
        "the stand-in is told: {system}"
    );

    // The consent holds: the next message goes to the stand-in without asking.
    app.type_and_send("And the agenda?").await;
    let labels = app
        .eventually(
            || app.texts("[data-testid=answered-by]"),
            |l: &Vec<String>| l.len() == 2,
        )
        .await;
    assert!(
        labels[1].contains("standing in for Claude Opus 4.7"),
        "{labels:?}"
    );
    assert!(app.texts("[data-testid=consent-dialog]").await.is_empty());
    assert_eq!(chat_requests(&sim, Some("claude-opus-4-7")), 3);
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_kept_for_the_model_is_sent_once_when_it_is_back_even_after_a_restart() {
    let sim = simulator().await;
    let profile = Profile::with_keys();
    // A short cooldown, so the probe that finds it back comes within a second or two.
    profile.write_config(&format!(
        "{}\n[health]\ncooldown_base_secs = 1\ncooldown_max_secs = 2\n",
        sim.config_toml()
    ));
    let app = App::launch(&profile).await;
    app.prefer("anthropic/claude-opus-4-7").await;
    let text = "Send the minutes to the team";
    app.type_and_send(text).await;
    app.wait_for("[data-testid=consent-dialog]").await;
    app.click("[data-choice=wait]").await;
    let waiting = app.wait_for("[data-testid=waiting-message]").await;
    assert!(
        waiting
            .text()
            .await
            .unwrap()
            .contains("Waiting for Claude Opus 4.7")
    );
    assert_eq!(
        app.texts("[data-testid=waiting-count]").await,
        ["1 waiting"]
    );
    app.close().await;
    let listed = profile.run_cli(&["queue", "list"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains("Claude Opus 4.7") && listed.contains(text),
        "{listed}"
    );

    // Closed and opened again while it waits: still there, in its conversation.
    let app = App::launch(&profile).await;
    assert_eq!(
        app.texts("[data-testid=waiting-count]").await,
        ["1 waiting"]
    );
    app.click(".conversation").await;
    app.wait_for("[data-testid=waiting-message]").await;

    // Opus 4.7 recovers; a probe finds it, the window says so, and the message goes out.
    sim.advance(std::time::Duration::from_secs(61));
    let back = app.wait_for("[data-testid=back-notice]").await;
    assert!(
        back.text()
            .await
            .unwrap()
            .contains("Claude Opus 4.7 is back — your next message goes to it")
    );
    let answers = app
        .eventually(
            || app.texts(".answer[data-message] .markdown"),
            |a: &Vec<String>| !a.is_empty(),
        )
        .await;
    assert_eq!(
        answers[0].trim(),
        stubs::answer_text("claude-opus-4-7", text).trim(),
        "Opus 4.7 answered it"
    );
    app.eventually(
        || app.texts("[data-testid=waiting-message]"),
        |w: &Vec<String>| w.is_empty(),
    )
    .await;
    // The failed first try stays as it was; the queued message went out once.
    let delivered = app
        .texts(".user[data-message][data-status=sent] .bubble")
        .await;
    assert_eq!(delivered, [text], "sent once, where it waited");
    app.close().await;
}

/// The June 2026 incident, as the issue tells it: Anthropic posts an incident naming Opus 4.7
/// and Opus 4.8. Send opens the dialog with no request at all, another provider's model is
/// offered first, and once the incident is resolved the next message goes back to Opus 4.7.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_june_2026_the_dialog_offers_another_provider_first_and_opus_comes_back() {
    let sim = Simulator::start(
        Scenario::builtin("june-2026").unwrap(),
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .unwrap();
    // The incident is posted at 420 s.
    sim.advance(std::time::Duration::from_secs(430));
    let profile = Profile::with_keys();
    profile.write_config(&format!(
        "{}\n[health]\nprobes = false\nstatus_poll_secs = 1\nstatus_poll_while_wrong_secs = 1\n",
        sim.config_toml()
    ));
    let app = App::launch(&profile).await;
    app.prefer("anthropic/claude-opus-4-7").await;
    app.eventually(
        || app.texts(".asking .badge"),
        |b: &Vec<String>| b == &["Unavailable"],
    )
    .await;
    app.type_and_send("Summarise the incident report").await;
    let dialog = app.wait_for("[data-testid=consent-dialog]").await;
    assert!(
        dialog
            .text()
            .await
            .unwrap()
            .contains("the model itself has not changed")
    );
    assert_eq!(
        chat_requests(&sim, None),
        0,
        "no request to anyone before the choice"
    );
    let providers = app
        .texts("[data-testid=consent-dialog] .option .provider")
        .await;
    assert!(
        !providers[0].starts_with("Anthropic"),
        "an incident on two Anthropic models: another provider first ({providers:?})"
    );
    app.click("[data-choice=until_back]").await;
    let label = app
        .eventually(
            || app.texts("[data-testid=answered-by]"),
            |l: &Vec<String>| !l.is_empty(),
        )
        .await;
    assert!(
        label[0].contains("standing in for Claude Opus 4.7"),
        "{label:?}"
    );
    assert_eq!(chat_requests(&sim, Some("claude-opus-4-7")), 0);

    // Resolved at 1920 s: the window says Opus 4.7 is back, and the next message goes to it.
    sim.advance(std::time::Duration::from_secs(1510));
    let back = app.wait_for("[data-testid=back-notice]").await;
    assert!(
        back.text()
            .await
            .unwrap()
            .contains("Claude Opus 4.7 is back")
    );
    app.type_and_send("Thanks").await;
    let labels = app
        .eventually(
            || app.texts("[data-testid=answered-by]"),
            |l: &Vec<String>| l.len() == 2,
        )
        .await;
    assert!(
        labels[1].starts_with("Answered by Claude Opus 4.7") && !labels[1].contains("standing in"),
        "{labels:?}"
    );
    assert_eq!(chat_requests(&sim, Some("claude-opus-4-7")), 1);
    app.close().await;
}

/// A standing consent naming a model whose key is gone is said before it is needed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standing_consent_naming_a_model_without_a_key_gets_its_notice() {
    let sim = simulator().await;
    let profile = Profile::with_keys();
    let config = format!("{}\n[health]\nprobes = false\n", sim.config_toml());
    profile.write_config(&config);
    let app = App::launch(&profile).await;
    // GPT-5 first in the person's own order, so the dialog offers it first.
    app.show("Settings").await;
    app.wait_for("[data-testid=fallback-add] select")
        .await
        .select_by_value("openai/gpt-5")
        .await
        .unwrap();
    app.click("[data-testid=fallback-add] button").await;
    app.eventually(
        || app.texts("[data-testid=fallback-order]"),
        |o: &Vec<String>| o.iter().any(|o| o.contains("GPT-5")),
    )
    .await;
    app.prefer("anthropic/claude-opus-4-7").await;
    app.type_and_send("Summarise the Q3 report").await;
    app.wait_for("[data-testid=consent-dialog]").await;
    app.click("[data-choice=always]").await;
    app.eventually(
        || app.texts("[data-testid=answered-by]"),
        |l: &Vec<String>| l.iter().any(|l| l.contains("Answered by GPT-5")),
    )
    .await;
    app.close().await;

    // The OpenAI key is gone (its variable renamed in the config).
    profile.write_config(&config.replace(
        "[providers.openai]\n",
        "[providers.openai]\napi_key_env = \"SWITCHBOARD_NO_SUCH_KEY\"\n",
    ));
    let app = App::launch(&profile).await;
    app.show("Settings").await;
    let said = app
        .eventually(
            || app.texts("[data-testid=fallback-broken]"),
            |n: &Vec<String>| n.len() >= 2,
        )
        .await;
    assert!(
        said.iter().any(|n| n.contains(
            "Your standing consent for Claude Opus 4.7 names GPT-5, but there is no key for its provider"
        )),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|n| n.contains("Your fallback order names GPT-5")),
        "{said:?}"
    );
    app.close().await;
}
