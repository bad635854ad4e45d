//! Settings as a new user meets them, through the real window against the simulator: a key
//! entered is checked at once and the picker's lines change from "Add … key" to what is
//! known; a key the provider rejects says so, on the person's side; and a key appears nowhere
//! — not in the page, the logs or the database.

use switchboard_e2e::{App, Profile};
use switchboard_sim::{Scenario, SimOptions, Simulator};

async fn simulator(scenario: &str) -> Simulator {
    Simulator::start(
        Scenario::builtin(scenario).unwrap(),
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .expect("the simulator starts")
}

/// Every file under `dir`, read whole (the database, its journal, the logs).
fn every_file(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(every_file(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            files.push((path, bytes));
        }
    }
    files
}

fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

async fn enter_key(app: &App, provider: &str, key: &str) {
    app.show("Settings").await;
    let row = format!("[data-testid=provider-key-{provider}]");
    let field = app.wait_for(&format!("{row} input[type=password]")).await;
    field.send_keys(key).await.unwrap();
    app.click(&format!("{row} button[type=submit]")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_entered_in_settings_is_checked_and_the_picker_says_what_is_known() {
    let sim = simulator("healthy").await;
    let profile = Profile::new();
    profile.write_config(&format!(
        "{}\n[health]\nprobes = false\n",
        sim.config_toml()
    ));
    let app = App::launch(&profile).await;
    app.show("Models").await;
    let opus_line = "[data-model='anthropic/claude-opus-4-7'] .reason";
    assert_eq!(
        app.texts(opus_line).await,
        ["Add an Anthropic API key to use Claude"]
    );

    let key = "sk-ant-api03-entered-in-settings-e2e";
    enter_key(&app, "anthropic", key).await;
    let check = app
        .eventually(
            || app.texts("[data-testid=provider-key-anthropic] [data-testid=key-check] strong"),
            |t: &Vec<String>| !t.is_empty(),
        )
        .await;
    assert!(
        check[0].starts_with("Key accepted by Anthropic at "),
        "{check:?}"
    );
    app.screenshot(std::path::Path::new("/tmp/switchboard-settings-key.png"))
        .await;
    let field = app
        .attrs(
            "[data-testid=provider-key-anthropic] input[type=password]",
            "value",
        )
        .await;
    let value = app
        .client
        .execute(
            "return document.querySelector('[data-testid=provider-key-anthropic] input').value",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        value, "",
        "the field empties once the key is kept ({field:?})"
    );
    let place = app
        .texts("[data-testid=provider-key-anthropic] [data-testid=key-place]")
        .await;
    assert_eq!(place.len(), 1);
    assert!(
        place[0].contains("keyring") || place[0].contains("this session"),
        "{place:?}"
    );
    // Only the free list was asked; no message went anywhere.
    let requests = sim.requests();
    assert!(requests.iter().all(|r| r.method == "GET"), "{requests:?}");
    assert!(
        requests
            .iter()
            .any(|r| r.provider.as_deref() == Some("anthropic") && r.path.ends_with("/v1/models"))
    );

    // The picker's line changes from "Add … key" to what is known, without claiming more.
    app.show("Models").await;
    let line = app
        .eventually(
            || app.texts(opus_line),
            |t: &Vec<String>| {
                t.first()
                    .is_some_and(|l| l.starts_with("No problems known"))
            },
        )
        .await;
    assert!(line[0].contains("key accepted"), "{line:?}");
    assert_eq!(
        app.texts("[data-model='anthropic/claude-opus-4-7'] .badge")
            .await,
        ["Not checked"],
        "it has not answered yet"
    );

    // The key is nowhere a person or a program could read it back.
    let page: String = app
        .client
        .execute("return document.documentElement.outerHTML", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    assert!(!page.contains(key), "not in the page");
    app.close().await;
    let files = every_file(&profile.data_dir());
    assert!(
        files
            .iter()
            .any(|(p, _)| p.extension().is_some_and(|e| e == "log"))
    );
    for (path, bytes) in &files {
        assert!(!holds(bytes, key), "the key is in {}", path.display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_the_provider_rejects_says_so_on_your_side() {
    let sim = simulator("bad-key").await;
    let profile = Profile::new();
    profile.write_config(&format!(
        "{}\n[health]\nprobes = false\n",
        sim.config_toml()
    ));
    let app = App::launch(&profile).await;
    enter_key(&app, "openai", "sk-proj-rejected-e2e").await;
    let row = "[data-testid=provider-key-openai] [data-testid=key-check]";
    let said = app
        .eventually(|| app.texts(row), |t: &Vec<String>| !t.is_empty())
        .await;
    assert!(said[0].contains("OpenAI rejected this key"), "{said:?}");
    assert!(said[0].contains("OpenAI's service is working"), "{said:?}");
    assert!(said[0].contains("Not saved"), "{said:?}");
    assert_eq!(app.attrs(row, "data-side").await, ["your_key"]);
    app.screenshot(std::path::Path::new(
        "/tmp/switchboard-settings-rejected.png",
    ))
    .await;
    let place = app
        .texts("[data-testid=provider-key-openai] [data-testid=key-place]")
        .await;
    assert_eq!(place, ["No key yet."]);
    // The picker still says a key is needed.
    app.show("Models").await;
    assert_eq!(
        app.texts("[data-model='openai/gpt-5'] .badge").await,
        ["Needs key"]
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_added_by_url_shows_its_models_in_the_picker_at_once() {
    let sim = simulator("healthy").await;
    let profile = Profile::new();
    profile.write_config(&format!(
        "{}\n[health]\nprobes = false\n",
        sim.config_toml()
    ));
    let app = App::launch(&profile).await;
    app.show("Settings").await;
    let form = "[data-testid=add-server]";
    app.wait_for(&format!("{form} input[type=text]"))
        .await
        .send_keys("LM Studio")
        .await
        .unwrap();
    app.wait_for(&format!("{form} input[type=url]"))
        .await
        .send_keys(&sim.provider_url("ollama"))
        .await
        .unwrap();
    app.click(&format!("{form} button[type=submit]")).await;
    let found = app
        .eventually(
            || app.texts("[data-testid=server-found]"),
            |t: &Vec<String>| !t.is_empty(),
        )
        .await;
    assert!(found[0].starts_with("Found "), "{found:?}");
    app.show("Models").await;
    let listed = app
        .eventually(
            || app.attrs("[data-provider='lm-studio'] [role=option]", "data-model"),
            |m: &Vec<String>| !m.is_empty(),
        )
        .await;
    assert!(
        listed.iter().all(|m| m.starts_with("lm-studio/")),
        "{listed:?}"
    );
    app.close().await;
}
