//! The picker, as a person uses it: through the real window.

use fantoccini::key::Key;
use switchboard_core::catalog::Catalog;
use switchboard_e2e::{App, Profile};

fn catalog_keys() -> Vec<String> {
    Catalog::shipped()
        .unwrap()
        .models
        .iter()
        .map(|m| format!("{}/{}", m.provider, m.id))
        .collect()
}

#[tokio::test]
async fn the_picker_lists_every_catalog_model_grouped_by_provider() {
    let profile = Profile::new();
    let app = App::launch(&profile).await;

    let shown = app.attrs("[role=option]", "data-model").await;
    assert_eq!(shown, catalog_keys(), "every model, in catalog order");

    let catalog = Catalog::shipped().unwrap();
    let groups = app.attrs("[role=group]", "data-provider").await;
    let providers: Vec<String> = catalog.providers.iter().map(|p| p.id.clone()).collect();
    assert_eq!(groups, providers, "one group per provider");
    for provider in &catalog.providers {
        let css = format!("[data-provider='{}'] [role=option]", provider.id);
        let in_group = app.attrs(&css, "data-model").await;
        assert!(
            in_group
                .iter()
                .all(|m| m.starts_with(&format!("{}/", provider.id))),
            "{} group holds only its own models: {in_group:?}",
            provider.name
        );
    }

    // With no keys, each keyed model says what to do; a local one says it is not checked.
    let opus = app
        .texts("[data-model='anthropic/claude-opus-4-7'] .reason")
        .await;
    assert_eq!(opus, ["Add an Anthropic API key to use Claude"]);
    let badge = app
        .texts("[data-model='anthropic/claude-opus-4-7'] .badge")
        .await;
    assert_eq!(badge, ["Needs key"], "state in words, not colour alone");
    let local = app.texts("[data-model='ollama/llama3.2'] .reason").await;
    assert_eq!(local, ["Not checked yet"]);
    app.close().await;
}

#[tokio::test]
async fn typing_filters_and_the_keyboard_chooses_the_preferred_model() {
    let profile = Profile::new();
    let app = App::launch(&profile).await;
    let filter = app.wait_for("input[aria-label='Filter models']").await;

    filter.send_keys("opus 4").await.unwrap();
    let shown = app
        .eventually(
            || app.attrs("[role=option]", "data-model"),
            |m: &Vec<String>| m.len() == 3,
        )
        .await;
    assert_eq!(
        shown,
        [
            "anthropic/claude-opus-4-8",
            "anthropic/claude-opus-4-7",
            "anthropic/claude-opus-4-6"
        ],
        "every word of the filter must match"
    );

    // Down once from the first match, then Enter.
    filter.send_keys(&Key::Down).await.unwrap();
    filter.send_keys(&Key::Enter).await.unwrap();
    let preferred = app
        .eventually(
            || app.texts("[data-testid=preferred-name]"),
            |t: &Vec<String>| t == &["Claude Opus 4.7"],
        )
        .await;
    assert_eq!(preferred, ["Claude Opus 4.7"]);
    let selected = app
        .attrs("[role=option][aria-selected=true]", "data-model")
        .await;
    assert_eq!(selected, ["anthropic/claude-opus-4-7"]);

    // Escape clears the filter and every model is back.
    filter.send_keys(&Key::Escape).await.unwrap();
    let all = app
        .eventually(
            || app.attrs("[role=option]", "data-model"),
            |m: &Vec<String>| m.len() == catalog_keys().len(),
        )
        .await;
    assert_eq!(all, catalog_keys());

    // A filter nothing matches says so.
    filter.send_keys("no such model").await.unwrap();
    let empty = app.wait_for(".empty").await;
    assert!(empty.text().await.unwrap().contains("No model matches"));
    app.close().await;
}

#[tokio::test]
async fn the_preferred_model_survives_a_restart() {
    let profile = Profile::new();
    let app = App::launch(&profile).await;
    app.wait_for("[data-model='gemini/gemini-2.5-pro']")
        .await
        .click()
        .await
        .unwrap();
    let chosen = app
        .eventually(
            || app.texts("[data-testid=preferred-name]"),
            |t: &Vec<String>| t == &["Gemini 2.5 Pro"],
        )
        .await;
    assert_eq!(chosen, ["Gemini 2.5 Pro"]);
    app.close().await;

    let again = App::launch(&profile).await;
    // With a model chosen, the window opens on the assistant, asking that model.
    let asking = again.wait_for("[data-testid=asking-model]").await;
    assert_eq!(asking.text().await.unwrap(), "Gemini 2.5 Pro");
    again.show("Models").await;
    let name = again.wait_for("[data-testid=preferred-name]").await;
    assert_eq!(name.text().await.unwrap(), "Gemini 2.5 Pro");
    let selected = again
        .attrs("[role=option][aria-selected=true]", "data-model")
        .await;
    assert_eq!(selected, ["gemini/gemini-2.5-pro"]);
    again.close().await;

    // The terminal door reads the same database.
    let output = profile.run_cli(&["status", "--json"]);
    let lines: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let preferred: Vec<_> = lines
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["preferred"] == true)
        .map(|l| l["model_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(preferred, ["gemini-2.5-pro"]);
}

#[tokio::test]
async fn a_broken_config_file_shows_a_notice_and_the_app_still_works() {
    let profile = Profile::new();
    profile.write_config(
        "[providers.anthropic]\nbase_url = \"http://127.0.0.1:4010/anthropic\"\nstatus_url = = \"x\"\n",
    );
    let app = App::launch(&profile).await;
    let notice = app.wait_for("[data-notice=config_invalid]").await;
    let text = notice.text().await.unwrap();
    assert!(
        text.contains(&profile.config_file().display().to_string()),
        "names the file: {text}"
    );
    assert!(text.contains("line 3"), "names the line: {text}");
    assert!(
        text.contains("will not use `anthropic`") && text.contains("never its public address"),
        "says what happens instead — never the shipped endpoint in place of the one set: {text}"
    );

    // Every model is still listed and can be chosen; Anthropic's say their settings need fixing.
    let shown = app.attrs("[role=option]", "data-model").await;
    assert_eq!(shown, catalog_keys());
    app.close().await;
}

#[test]
fn status_json_lists_the_catalog_without_a_window() {
    let profile = Profile::new();
    let output = profile.run_cli(&["status", "--json"]);
    assert!(
        output.status.success(),
        "status exits 0: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let keys: Vec<String> = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            for field in [
                "provider",
                "model_id",
                "display_name",
                "state",
                "reason_kind",
                "message",
                "since",
            ] {
                assert!(l.get(field).is_some(), "{field} missing in {l}");
            }
            format!(
                "{}/{}",
                l["provider"].as_str().unwrap(),
                l["model_id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(keys, catalog_keys());

    let table = profile.run_cli(&["status"]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.starts_with("   PROVIDER"), "{text}");
    let opus_row = text
        .lines()
        .find(|l| l.contains("Claude Opus 4.7"))
        .expect("a row for Claude Opus 4.7");
    assert!(
        opus_row.contains("Add an Anthropic API key to use Claude"),
        "{opus_row}"
    );

    let help = profile.run_cli(&["--help"]);
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("status"), "{help}");
}

/// Past 300 models the list draws only the rows in view: the keyboard still reaches every
/// model (the list scrolls to it), the filter still finds one, and a short list is drawn
/// whole and grouped again.
#[tokio::test]
async fn a_catalog_of_400_models_draws_the_rows_in_view_and_the_keyboard_reaches_the_last() {
    let profile = Profile::new();
    let mut config = String::from(
        "[providers.lab]\nname = \"Lab\"\nwire = \"openai_compatible\"\nbase_url = \"http://127.0.0.1:9/v1\"\n",
    );
    for m in 0..400 {
        config.push_str(&format!(
            "\n[[models]]\nprovider = \"lab\"\nid = \"model-{m:03}\"\ndisplay_name = \"Model {m:03}\"\ncontext_window = 32768\n"
        ));
    }
    profile.write_config(&config);
    let app = App::launch(&profile).await;
    let filter = app.wait_for("input[aria-label='Filter models']").await;
    let total = catalog_keys().len() + 400;
    let count = app.texts(".search .count").await;
    assert_eq!(count, [format!("{total} of {total}")]);
    let drawn = app.attrs("[role=option]", "data-model").await;
    assert!(
        !drawn.is_empty() && drawn.len() < 100,
        "only the rows in view and a margin: {}",
        drawn.len()
    );
    assert_eq!(drawn[0], catalog_keys()[0], "in catalog order from the top");

    // End: the last model is drawn and active, the list scrolled to it.
    filter.send_keys(&Key::End).await.unwrap();
    let active = app
        .eventually(
            || app.attrs("[role=option].active", "data-model"),
            |a: &Vec<String>| !a.is_empty(),
        )
        .await;
    assert_eq!(active, ["lab/model-399"]);
    let described = app
        .attrs("input[aria-label='Filter models']", "aria-activedescendant")
        .await;
    let id = app.attrs("[role=option].active", "id").await;
    assert_eq!(described, id, "the filter points at the drawn active row");

    // A filter down to a few: drawn whole, grouped by provider.
    filter.send_keys("model-39").await.unwrap();
    let shown = app
        .eventually(
            || app.attrs("[data-provider='lab'] [role=option]", "data-model"),
            |m: &Vec<String>| m.len() == 10,
        )
        .await;
    assert_eq!(shown[0], "lab/model-390");
    assert_eq!(app.attrs("[role=group]", "data-provider").await, ["lab"]);
    app.close().await;
}
