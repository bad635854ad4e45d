//! The assistant through the real window, against the provider simulator.

use switchboard_e2e::{App, Profile};
use switchboard_sim::{Scenario, SimOptions, Simulator, stubs};

async fn simulator(scenario: Scenario) -> Simulator {
    Simulator::start(
        scenario,
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .expect("the simulator starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_streams_its_answer_labelled_with_the_model_and_survives_a_restart() {
    let sim = simulator(Scenario::builtin("healthy").unwrap()).await;
    let profile = Profile::with_keys();
    profile.write_config(&sim.config_toml());
    let app = App::launch(&profile).await;
    let banner = app.wait_for("[data-testid=demo-banner]").await;
    assert!(banner.text().await.unwrap().contains("simulated"));

    app.prefer("anthropic/claude-opus-4-7").await;
    app.type_and_send("What is the capital of Portugal?").await;
    let answer = app
        .wait_for(".answer[data-status=complete] .markdown")
        .await;
    assert_eq!(
        answer.text().await.unwrap(),
        stubs::answer_text("claude-opus-4-7", "What is the capital of Portugal?")
    );
    let label = app.texts(".answer[data-status=complete] .label").await;
    assert!(
        label[0].starts_with("Answered by Claude Opus 4.7"),
        "labelled with the model that wrote it: {label:?}"
    );
    assert_eq!(app.compose_text().await, "", "the box is emptied once sent");
    let badge = app
        .eventually(
            || app.texts(".asking .badge"),
            |b: &Vec<String>| b == &["Available"],
        )
        .await;
    assert_eq!(
        badge,
        ["Available"],
        "the answer is evidence the model works"
    );
    let asked: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/v1/messages"))
        .collect();
    assert_eq!(asked.len(), 1, "one request, to the chosen model");
    assert_eq!(asked[0].model.as_deref(), Some("claude-opus-4-7"));
    app.screenshot(std::path::Path::new("/tmp/switchboard-assistant.png"))
        .await;
    app.close().await;

    let again = App::launch(&profile).await;
    let titles = again
        .eventually(
            || again.texts(".conversation .title"),
            |t: &Vec<String>| !t.is_empty(),
        )
        .await;
    assert_eq!(titles, ["What is the capital of Portugal?"]);
    again.wait_for(".conversation").await.click().await.unwrap();
    let texts = again
        .eventually(
            || again.texts("[data-message]"),
            |t: &Vec<String>| t.len() == 2,
        )
        .await;
    assert!(
        texts[0].contains("What is the capital of Portugal?"),
        "{texts:?}"
    );
    assert!(texts[1].contains("Hello from claude-opus-4-7"), "{texts:?}");
    again.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_model_fails_the_text_is_kept_and_the_reason_is_shown() {
    let scenario = Scenario::from_toml(
        "name = \"overloaded\"\n[[steps]]\nat = 0\nlabel = \"Opus 4.7 overloaded\"\n\
         [steps.models.\"anthropic/claude-opus-4-7\"]\nbehaviour = \"error\"\nerror = \"overloaded\"\n",
    )
    .unwrap();
    let sim = simulator(scenario).await;
    let profile = Profile::with_keys();
    profile.write_config(&sim.config_toml());
    let app = App::launch(&profile).await;
    app.prefer("anthropic/claude-opus-4-7").await;
    app.type_and_send("Summarise the Q3 report").await;

    let reason = app.wait_for("[data-testid=send-reason]").await;
    // The retries take their backoff (about 0.5 s, then 1 s) in real time.
    let text = reason.text().await.unwrap();
    assert!(text.contains("overloaded"), "{text}");
    assert!(text.contains("the model itself has not changed"), "{text}");
    assert_eq!(
        app.attrs("[data-testid=send-reason]", "data-reason").await,
        ["overloaded"]
    );
    let kept = app
        .eventually(|| app.compose_text(), |t: &String| !t.is_empty())
        .await;
    assert_eq!(kept, "Summarise the Q3 report", "the person's text is back");
    app.screenshot(std::path::Path::new("/tmp/switchboard-failure.png"))
        .await;
    let attempts = sim
        .requests()
        .iter()
        .filter(|r| r.model.as_deref() == Some("claude-opus-4-7"))
        .count();
    assert_eq!(attempts, 3, "one try and two retries, no storm");

    // The provider's side, after the retries: the consent dialog asks what to do, and Cancel
    // leaves everything as it was.
    let dialog = app.wait_for("[data-testid=consent-dialog]").await;
    let said = dialog.text().await.unwrap();
    assert!(said.contains("Nothing has been sent"), "{said}");
    app.wait_for("[data-choice=cancel]")
        .await
        .click()
        .await
        .expect("cancel the dialog");
    app.eventually(
        || app.texts("[data-testid=consent-dialog]"),
        |d: &Vec<String>| d.is_empty(),
    )
    .await;
    assert_eq!(app.compose_text().await, "Summarise the Q3 report");

    // Three server-side failures in a row: the model is marked unavailable, per model.
    let badge = app
        .eventually(
            || app.texts(".asking .badge"),
            |b: &Vec<String>| b == &["Unavailable"],
        )
        .await;
    assert_eq!(badge, ["Unavailable"]);
    app.show("Models").await;
    let reason = app
        .texts("[data-model='anthropic/claude-opus-4-7'] .reason")
        .await;
    assert_eq!(reason, ["Anthropic's servers are overloaded"]);
    let other = app
        .texts("[data-model='anthropic/claude-opus-4-8'] .reason")
        .await;
    assert_eq!(other.len(), 1);
    assert!(
        other[0].starts_with("No problems known: key accepted"),
        "other models are not judged by this one: {other:?}"
    );
    let card = app.wait_for("[data-testid=preferred-card]").await;
    let text = card.text().await.unwrap();
    assert!(text.contains("the model itself has not changed"), "{text}");
    app.screenshot(std::path::Path::new("/tmp/switchboard-models.png"))
        .await;
    app.close().await;
}
