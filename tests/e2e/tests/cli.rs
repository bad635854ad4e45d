//! The terminal door: `switchboard ask` and `switchboard key list`, the real binary against
//! the simulator.

use std::process::Output;
use std::sync::Arc;
use switchboard_e2e::Profile;
use switchboard_sim::{Scenario, SimOptions, Simulator, stubs};

async fn simulator(models: &str) -> Simulator {
    let text = format!("name = \"cli\"\n[[steps]]\nat = 0\nlabel = \"cli\"\n{models}");
    Simulator::start(
        Scenario::from_toml(&text).expect("the test scenario parses"),
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .expect("the simulator starts")
}

/// Runs the binary off the async threads, so the in-process simulator keeps answering.
async fn run(profile: &Arc<Profile>, args: &[&str]) -> Output {
    let profile = profile.clone();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        profile.run_cli(&args)
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_streams_the_answer_to_stdout_and_names_the_model() {
    let sim = simulator("").await;
    let profile = Arc::new(Profile::with_keys());
    profile.write_config(&sim.config_toml());
    let out = run(
        &profile,
        &[
            "ask",
            "--model",
            "anthropic/claude-opus-4-7",
            "Name a river",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "{}\n",
            stubs::answer_text("claude-opus-4-7", "Name a river")
        )
    );
    assert!(text(&out.stderr).contains("answered by Claude Opus 4.7"));
    // A bare id works when only one provider has it.
    let out = run(&profile, &["ask", "--model", "gpt-5", "Name a river"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_says_why_on_stderr_with_a_distinct_exit_code() {
    let sim = simulator(
        "[steps.models.\"anthropic/claude-opus-4-7\"]\nbehaviour = \"error\"\nerror = \"bad_key\"\n\
         [steps.models.\"openai/gpt-5\"]\nbehaviour = \"cut\"\nafter_tokens = 3\n",
    )
    .await;
    let profile = Arc::new(Profile::with_keys());
    profile.write_config(&sim.config_toml());

    let out = run(
        &profile,
        &["ask", "--model", "anthropic/claude-opus-4-7", "hi"],
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "unavailable");
    let err = text(&out.stderr);
    assert!(err.contains("Anthropic rejected your API key"), "{err}");
    assert!(err.contains("service itself is working"), "{err}");
    assert!(text(&out.stdout).is_empty());
    // The next `status` begins from what that request showed, and its reading of the status
    // pages does not erase it.
    for _ in 0..2 {
        let status = run(&profile, &["status", "--json"]).await;
        let lines: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
        let opus = lines
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["model_id"] == "claude-opus-4-7")
            .unwrap();
        assert_eq!(opus["reason_kind"], "auth_failed", "{opus}");
    }

    let out = run(&profile, &["ask", "--model", "openai/gpt-5", "hi"]).await;
    assert_eq!(out.status.code(), Some(4), "broke off part-way");
    let partial = text(&out.stdout);
    assert!(
        !partial.trim().is_empty()
            && stubs::answer_text("gpt-5", "hi").starts_with(partial.trim_end()),
        "what arrived is printed: {partial:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_without_a_key_says_what_to_do_and_sends_nothing() {
    let sim = simulator("").await;
    let profile = Arc::new(Profile::new());
    profile.write_config(&sim.config_toml());
    let out = run(
        &profile,
        &["ask", "--model", "anthropic/claude-opus-4-7", "hi"],
    )
    .await;
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("Add an Anthropic API key to use Claude"));
    assert!(sim.requests().is_empty(), "no request without a key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_list_says_where_each_key_comes_from_without_showing_it() {
    let profile = Arc::new(Profile::with_keys());
    let out = run(&profile, &["key", "list"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    assert!(
        listed.contains("anthropic") && listed.contains("from ANTHROPIC_API_KEY"),
        "{listed}"
    );
    assert!(
        !listed.contains("sk-sim-e2e") && !text(&out.stderr).contains("sk-sim-e2e"),
        "never the key itself"
    );
}

/// `status --json` reads the status pages and the policy once: the June 2026 replay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_reads_the_status_pages_and_the_policy_live() {
    let sim = Simulator::start(
        Scenario::builtin("june-2026").unwrap(),
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .unwrap();
    let profile = Arc::new(Profile::with_keys());
    profile.write_config(&format!(
        "{}\n[workspace]\npolicy = \"{}\"\n",
        sim.config_toml(),
        sim.policy_url()
    ));
    let by_model = |out: &Output| -> std::collections::HashMap<String, serde_json::Value> {
        let lines: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        lines
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["model_id"].as_str().unwrap().to_string(), l.clone()))
            .collect()
    };

    // Six minutes after onset, Anthropic posts the incident.
    sim.advance(std::time::Duration::from_secs(450));
    let out = run(&profile, &["status", "--json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let models = by_model(&out);
    for id in ["claude-opus-4-7", "claude-opus-4-8"] {
        assert_eq!(
            models[id]["reason_kind"], "provider_incident",
            "{id}: {}",
            models[id]
        );
        let message = models[id]["message"].as_str().unwrap();
        assert!(
            message.contains("Elevated errors on Claude Opus 4.7 and Opus 4.8"),
            "{message}"
        );
        assert!(
            message.contains("the model itself has not changed"),
            "{message}"
        );
    }
    // Sonnet 4.6 is not named: with the Claude API component degraded it is degraded — never
    // unavailable — and its words say the posts name other models.
    let sonnet = &models["claude-sonnet-4-6"];
    assert_eq!(
        sonnet["state"], "degraded",
        "an incident naming two models makes no other unavailable: {sonnet}"
    );
    assert!(
        sonnet["message"]
            .as_str()
            .unwrap()
            .contains("not Claude Sonnet 4.6"),
        "{sonnet}"
    );
    assert_ne!(models["gpt-5"]["reason_kind"], "provider_incident");

    // The workspace turns every Anthropic model off.
    sim.advance(std::time::Duration::from_secs(250));
    let models = by_model(&run(&profile, &["status", "--json"]).await);
    for (id, line) in &models {
        let anthropic = line["provider"] == "anthropic";
        assert_eq!(
            line["reason_kind"] == "admin_disabled",
            anthropic,
            "{id}: only Anthropic's models are turned off: {line}"
        );
    }
    let message = models["claude-haiku-4-5"]["message"].as_str().unwrap();
    assert!(
        message.contains("we'll turn them back on"),
        "the admin's words: {message}"
    );

    // Everything recovers; the policy is lifted.
    sim.advance(std::time::Duration::from_secs(1500));
    let models = by_model(&run(&profile, &["status", "--json"]).await);
    for (id, line) in &models {
        assert!(
            line["reason_kind"] != "admin_disabled" && line["reason_kind"] != "provider_incident",
            "{id} is back: {line}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn models_refresh_prints_the_merged_catalog_and_keeps_it_for_the_next_run() {
    let sim = Simulator::start(
        Scenario::builtin("model-changes").unwrap(),
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .expect("the simulator starts");
    sim.advance(std::time::Duration::from_secs(60));
    let profile = Arc::new(Profile::with_keys());
    profile.write_config(&sim.config_toml());

    let out = run(&profile, &["models", "--json", "--refresh"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let find = |json: &serde_json::Value, id: &str| {
        json["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} in {json}"))
    };
    let opus6 = find(&json, "claude-opus-6");
    assert_eq!(opus6["listing"], "listed");
    assert_eq!(opus6["sources"]["display_name"], "provider");
    assert_eq!(opus6["sources"]["price"], "unknown");
    assert_eq!(find(&json, "claude-opus-4-6")["listing"], "retired");
    assert_eq!(
        find(&json, "claude-opus-4-7")["sources"]["price"],
        "shipped"
    );
    let lists = json["lists"].as_array().unwrap();
    assert_eq!(lists.len(), 4, "every provider asked: {lists:?}");
    assert!(lists.iter().all(|l| l["problem"].is_null()), "{lists:?}");

    // Without --refresh: the cached lists, no request to any provider.
    let asked = sim.requests().len();
    let table = run(&profile, &["models"]).await;
    assert_eq!(table.status.code(), Some(0), "{}", text(&table.stderr));
    let table = text(&table.stdout);
    let opus6_line = table.lines().find(|l| l.contains("claude-opus-6")).unwrap();
    assert!(opus6_line.contains("Claude Opus 6 (P)"), "{opus6_line}");
    assert!(
        table
            .lines()
            .any(|l| l.contains("claude-opus-4-6") && l.contains("retired")),
        "{table}"
    );
    assert_eq!(sim.requests().len(), asked, "the cache answered");

    // `status` says the retirement in words, from the same cache.
    let status = run(&profile, &["status", "--json"]).await;
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let retired = status
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["model_id"] == "claude-opus-4-6")
        .unwrap();
    assert_eq!(retired["reason_kind"], "model_retired");
    assert_eq!(
        retired["headline"],
        "Anthropic no longer offers Claude Opus 4.6"
    );
    sim.stop().await;
}

/// No HTTP answer from the provider: `ask` waits for its connectivity check before it says
/// whose side it is — never "not yet known". Every host here is unreachable: the provider's
/// name does not resolve, and everything else (the other providers, the status pages, the
/// well-known hosts) goes to the closed local proxy the profile sets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_with_no_answer_from_anyone_says_offline() {
    let profile = Arc::new(Profile::with_keys());
    profile.write_config("[providers.anthropic]\nbase_url = \"https://api.anthropic.invalid\"\n");
    let out = run(
        &profile,
        &["ask", "--model", "anthropic/claude-opus-4-7", "hi"],
    )
    .await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "the offline exit code: {err}");
    assert!(err.contains("You appear to be offline"), "{err}");
    assert!(
        err.contains("api.openai.com") && err.contains("got no answer either"),
        "the message names what the check asked: {err}"
    );
    assert!(
        !err.contains("api.anthropic.invalid, ") && !err.contains("not yet known"),
        "the failing host is not its own check, and the terminal never leaves it open: {err}"
    );
    assert!(text(&out.stdout).is_empty());
}

/// The same failure while the simulator answers for the other providers: the network is up,
/// so it is the provider's side, and the message says which hosts answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_with_no_answer_while_others_answer_says_the_providers_side() {
    let sim = simulator("").await;
    let profile = Arc::new(Profile::with_keys());
    let config = sim.config_toml().replacen(
        &format!("base_url = \"{}\"", sim.provider_url("anthropic")),
        "base_url = \"https://api.anthropic.invalid\"",
        1,
    );
    assert!(config.contains("api.anthropic.invalid"), "{config}");
    profile.write_config(&config);
    let out = run(
        &profile,
        &["ask", "--model", "anthropic/claude-opus-4-7", "hi"],
    )
    .await;
    let err = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(3),
        "unavailable, not offline: {err}"
    );
    assert!(err.contains("No answer from Anthropic's servers"), "{err}");
    assert!(
        err.contains("so your connection is working") && err.contains("127.0.0.1"),
        "it names who answered: {err}"
    );
    assert!(
        !err.contains("not yet known") && !err.contains("offline"),
        "{err}"
    );
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.method == "HEAD" && r.path.starts_with("/openai")),
        "another provider's endpoint was the check: {:?}",
        sim.requests()
    );
}

/// An answer that stops at the length limit is printed as far as it went, says so, and exits
/// with its own code — it is not "answered", and not a failure of the model.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_says_when_the_answer_stopped_at_the_length_limit() {
    let sim = simulator("").await;
    let profile = Arc::new(Profile::with_keys());
    profile.write_config(&sim.config_toml());
    let out = run(
        &profile,
        &[
            "ask",
            "--model",
            "openai/gpt-5",
            "--max-tokens",
            "3",
            "Name a river",
        ],
    )
    .await;
    let err = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(6),
        "the length-limit exit code: {err}"
    );
    let printed = text(&out.stdout);
    let whole = stubs::answer_text("gpt-5", "Name a river");
    assert!(
        !printed.trim().is_empty()
            && whole.starts_with(printed.trim_end())
            && printed.trim_end() != whole,
        "the start of the answer is printed: {printed:?}"
    );
    assert!(err.contains("stopped at the length limit"), "{err}");
}

/// A workspace policy holds in the terminal too: `ask` reads it before sending, sends nothing
/// to what it turns off, and prints the admin's words; the rest still answers. When the policy
/// then cannot be read, the last one read stays in force.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_never_sends_to_what_the_workspace_turned_off() {
    let sim = simulator("").await;
    let profile = Arc::new(Profile::with_keys());
    let policy = profile.data_dir().with_file_name("policy.json");
    std::fs::write(
        &policy,
        r#"{"disabled": [{"provider": "anthropic", "message": "Anthropic is off while we review it."}]}"#,
    )
    .unwrap();
    profile.write_config(&format!(
        "{}\n[workspace]\npolicy = \"{}\"\n",
        sim.config_toml(),
        policy.display()
    ));
    let to_anthropic = || {
        sim.requests()
            .iter()
            .filter(|r| r.path.starts_with("/anthropic"))
            .count()
    };
    let out = run(
        &profile,
        &["ask", "--model", "anthropic/claude-opus-4-7", "hi"],
    )
    .await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("Anthropic is off while we review it."),
        "{err}"
    );
    assert!(err.contains("Your workspace has turned off"), "{err}");
    assert_eq!(to_anthropic(), 0, "nothing was sent to Anthropic");
    let out = run(&profile, &["ask", "--model", "openai/gpt-5", "hi"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // The policy file breaks: the last good one stays in force, and that is said.
    std::fs::write(&policy, "{ not a policy").unwrap();
    let out = run(
        &profile,
        &["ask", "--model", "anthropic/claude-opus-4-7", "hi"],
    )
    .await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("workspace policy"),
        "the broken policy is said: {err}"
    );
    assert!(
        err.contains("Anthropic is off while we review it."),
        "{err}"
    );
    assert_eq!(to_anthropic(), 0, "still nothing to Anthropic");
}

/// A config that points a provider at the company's gateway but cannot be used never sends
/// the prompt (or the key) to the provider's public address instead: the provider is not
/// used, and `ask` says why before anything else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_or_broken_endpoint_never_falls_back_to_the_public_one() {
    let sim = simulator("").await;
    let profile = Arc::new(Profile::with_keys());
    for broken in [
        // Refused: plain http to another machine.
        "[providers.anthropic]\nbase_url = \"http://gateway.corp.example/anthropic\"\n".to_string(),
        // Unreadable: the section does not parse.
        "[providers.anthropic]\nbase_url = \"https://gateway.corp.example/anthropic\n".to_string(),
    ] {
        // OpenAI stays pointed at the simulator: the rest of the file applies.
        let openai = format!(
            "[providers.openai]\nbase_url = \"{}\"\n",
            sim.provider_url("openai")
        );
        profile.write_config(&format!("{broken}\n{openai}"));
        let out = run(
            &profile,
            &["ask", "--model", "anthropic/claude-opus-4-7", "hi"],
        )
        .await;
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{err}");
        assert!(
            err.contains("Your config file has a problem")
                && err.contains("never its public address"),
            "the config's problem is said first: {err}"
        );
        assert!(
            err.contains("settings in your config need fixing")
                && err.contains("does not fall back"),
            "{err}"
        );
        assert!(
            !err.contains("offline") && !err.contains("No answer"),
            "no request was tried at all (a try would have met the closed proxy): {err}"
        );
        let out = run(&profile, &["ask", "--model", "openai/gpt-5", "hi"]).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
}

/// A database damaged inside (its last pages overwritten) that still opens: the next run
/// finds it, keeps it aside, starts fresh and says so once — it never stays unusable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_database_is_recovered_on_the_next_run() {
    let sim = simulator("").await;
    let profile = Arc::new(Profile::with_keys());
    profile.write_config(&sim.config_toml());
    // Enough conversation for a file of many pages, its last ones holding messages.
    for i in 0..12 {
        let question = format!("question {i}: {}", "all work and no play ".repeat(200));
        let out = run(&profile, &["ask", "--model", "openai/gpt-5", &question]).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    let file = profile.data_dir().join("switchboard.db");
    let mut bytes = std::fs::read(&file).unwrap();
    let len = bytes.len();
    let pages = (len / 4096).clamp(1, 3);
    for (i, b) in bytes[len - pages * 4096..].iter_mut().enumerate() {
        *b = (i.wrapping_mul(2_654_435_761) >> 11) as u8;
    }
    std::fs::write(&file, &bytes).unwrap();

    let out = run(
        &profile,
        &["ask", "--model", "openai/gpt-5", "after the damage"],
    )
    .await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("fresh database"), "said: {err}");
    let out = run(&profile, &["ask", "--model", "openai/gpt-5", "again"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("fresh database"), "said once");
    let out = run(&profile, &["status"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_stands_in_only_with_fallback_and_says_for_whom() {
    let sim = simulator(
        "[steps.models.\"anthropic/claude-opus-4-7\"]\nbehaviour = \"error\"\nerror = \"server_error\"\n",
    )
    .await;
    let profile = Arc::new(Profile::with_keys());
    profile.write_config(&sim.config_toml());
    let opus_requests = || {
        sim.requests()
            .iter()
            .filter(|r| r.method == "POST" && r.model.as_deref() == Some("claude-opus-4-7"))
            .count()
    };
    let ask = ["ask", "--model", "anthropic/claude-opus-4-7"];

    // Without a terminal `--fallback ask` means never: only Opus 4.7 is asked.
    let out = run(&profile, &[&ask[..], &["Plan the offsite"]].concat()).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert_eq!(opus_requests(), 3);
    let out = run(
        &profile,
        &[&ask[..], &["--fallback", "never", "Plan the offsite"]].concat(),
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert_eq!(opus_requests(), 6, "never: Opus 4.7 again, nothing else");
    assert_eq!(
        sim.requests().iter().filter(|r| r.method == "POST").count(),
        6,
        "no other model was asked"
    );

    // Known out now: `--fallback openai/gpt-5` answers in its place, without asking Opus 4.7.
    let out = run(
        &profile,
        &[
            &ask[..],
            &["--fallback", "openai/gpt-5", "Plan the offsite"],
        ]
        .concat(),
    )
    .await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(
        text(&out.stdout),
        format!("{}\n", stubs::answer_text("gpt-5", "Plan the offsite"))
    );
    assert!(
        err.contains("answered by GPT-5, standing in for Claude Opus 4.7"),
        "{err}"
    );
    assert_eq!(opus_requests(), 6, "no request wasted on Opus 4.7");

    // The label stays with the conversation, exported too.
    let listed = run(&profile, &["conversations"]).await;
    let listed = text(&listed.stdout);
    let newest = listed
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .expect("a conversation")
        .to_string();
    let exported = text(&run(&profile, &["export", &newest]).await.stdout);
    assert!(exported.starts_with("# Plan the offsite"), "{exported}");
    assert!(
        exported.contains("**Answered by GPT-5, standing in for Claude Opus 4.7 ("),
        "{exported}"
    );
    let json: serde_json::Value = serde_json::from_str(&text(
        &run(&profile, &["export", &newest, "--json"]).await.stdout,
    ))
    .unwrap();
    assert_eq!(
        json["messages"][1]["stood_in_for"]["model"],
        "claude-opus-4-7"
    );

    // Nothing waits.
    let out = run(&profile, &["queue", "list"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "No message is waiting.\n");
    let out = run(&profile, &["queue", "cancel", "nope"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no message `nope` is waiting"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_on_a_terminal_asks_before_another_model_answers() {
    let sim = simulator(
        "[steps.models.\"anthropic/claude-opus-4-7\"]\nbehaviour = \"error\"\nerror = \"server_error\"\n",
    )
    .await;
    let profile = Arc::new(Profile::with_keys());
    profile.write_config(&sim.config_toml());
    let ask = [
        "ask",
        "--model",
        "anthropic/claude-opus-4-7",
        "Plan the offsite",
    ];
    let on_terminal = |typed: &'static str| {
        let profile = profile.clone();
        tokio::task::spawn_blocking(move || profile.run_cli_on_a_terminal(&ask, typed))
    };
    // The first send fails with its retries; the question comes, and Enter cancels.
    let out = on_terminal("\n").await.unwrap();
    let screen = text(&out.stdout);
    assert!(
        screen.contains("Nothing has been sent. Answer with:"),
        "{screen}"
    );
    assert!(screen.contains("  1  Use "), "{screen}");
    assert!(
        screen.contains("k  Keep trying Claude Opus 4.7"),
        "{screen}"
    );
    // Cancelled after the failure: the failure is said as it is, with its exit code.
    assert!(screen.contains("Server errors at Anthropic"), "{screen}");
    assert_eq!(out.status.code(), Some(3), "{screen}");
    let posts = || sim.requests().iter().filter(|r| r.method == "POST").count();
    assert_eq!(posts(), 3, "only Opus 4.7, with its retries");

    // Known out now: the question comes first, and "1" lets the first alternative answer.
    let out = on_terminal("1\n").await.unwrap();
    let screen = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{screen}");
    assert!(
        screen.contains("standing in for Claude Opus 4.7"),
        "{screen}"
    );
    assert_eq!(posts(), 4, "one request, to the model chosen");
    let answered = sim.requests().into_iter().last().unwrap();
    assert_ne!(answered.model.as_deref(), Some("claude-opus-4-7"));

    // "w" keeps it for when Opus 4.7 is back.
    let out = on_terminal("w\n").await.unwrap();
    let screen = text(&out.stdout);
    assert!(screen.contains("switchboard queue list"), "{screen}");
    let listed = run(&profile, &["queue", "list"]).await;
    assert!(text(&listed.stdout).contains("Plan the offsite"));
    assert_eq!(posts(), 4, "nothing sent on Wait");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_lists_each_episode_with_its_reason_and_side() {
    let sim = simulator(
        "[steps.models.\"anthropic/claude-opus-4-7\"]\nbehaviour = \"error\"\nerror = \"server_error\"\n",
    )
    .await;
    let profile = Arc::new(Profile::with_keys());
    profile.write_config(&sim.config_toml());
    let out = run(&profile, &["history"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).starts_with("No episode since"),
        "{}",
        text(&out.stdout)
    );

    // Three server errors with its retries: the breaker opens, and that is an episode.
    let out = run(
        &profile,
        &[
            "ask",
            "--model",
            "anthropic/claude-opus-4-7",
            "--fallback",
            "never",
            "hi",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));

    let out = run(&profile, &["history", "--json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let episodes: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let episodes = episodes.as_array().unwrap();
    assert_eq!(episodes.len(), 1, "{episodes:?}");
    let opus = &episodes[0];
    assert_eq!(opus["model_id"], "claude-opus-4-7");
    assert_eq!(opus["ended"], serde_json::Value::Null, "still going on");
    assert_eq!(opus["side"], "provider");
    assert_eq!(opus["worst_state"], "unavailable");
    assert!(
        opus["started"].as_str().unwrap().ends_with("+00:00"),
        "JSON in UTC: {opus}"
    );
    let table = text(&run(&profile, &["history"]).await.stdout);
    assert!(
        table.contains("Claude Opus 4.7") && table.contains("still going on"),
        "{table}"
    );
    // One model only, and nonsense refused plainly.
    let none = run(&profile, &["history", "--json", "--model", "openai/gpt-5"]).await;
    assert_eq!(text(&none.stdout).trim(), "[]");
    let bad = run(&profile, &["history", "--since", "a week"]).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("write 7d, 24h, 30m or 90s"));

    // The first statement, for what is wrong now and for the episode by its id.
    let id = opus["id"].as_str().unwrap().to_string();
    for args in [
        vec!["statement"],
        vec!["statement", "--episode", &id, "--format", "markdown"],
    ] {
        let out = run(&profile, &args).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let said = text(&out.stdout);
        assert!(
            said.contains("Service outage at Anthropic: Claude Opus 4.7"),
            "{said}"
        );
        assert!(
            said.contains("The models themselves have not changed"),
            "{said}"
        );
        assert!(
            !said.contains("Claude Opus 4.8"),
            "only the model the evidence names: {said}"
        );
    }
    let bad = run(&profile, &["statement", "--format", "xml"]).await;
    assert_eq!(bad.status.code(), Some(2));
}
