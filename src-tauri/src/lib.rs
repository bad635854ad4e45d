//! Switchboard: pick the AI model you prefer and always know, per model, whether it can be
//! used right now — and if not, why and on whose side.
//!
//! The core (`switchboard-core`) knows nothing of Tauri; `commands` is the window's door to
//! it and `cli` the terminal's.

pub mod cli;
pub mod commands;
pub mod error;
pub mod logging;

use clap::Parser;
use cli::{Cli, Command};
use config::Paths;
use std::process::ExitCode;
use switchboard_core::{assistant, catalog, clock, config, health, notice, providers, startup};
use tauri::Manager;

/// The binary's entry point: a subcommand runs headless; no subcommand opens the window.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let paths = Paths::from_process_env();
    match cli.command {
        Some(Command::Status { json }) => {
            let _guard = logging::init(&paths.data_dir, "warn");
            run_status(paths, json)
        }
        Some(Command::Ask {
            model,
            prompt,
            max_tokens,
        }) => {
            let _guard = logging::init(&paths.data_dir, "warn");
            run_ask(paths, &model, &prompt, max_tokens)
        }
        Some(Command::Models { json, refresh }) => {
            let _guard = logging::init(&paths.data_dir, "warn");
            run_models(paths, json, refresh)
        }
        Some(Command::Key(command)) => {
            let _guard = logging::init(&paths.data_dir, "warn");
            run_key(paths, command)
        }
        None => {
            let _guard = logging::init(&paths.data_dir, "info");
            run_window(paths)
        }
    }
}

/// A runtime for the terminal commands and everything `startup::start` gathers, or the exit
/// code after saying why not.
fn cli_start(paths: Paths) -> Result<(tokio::runtime::Runtime, startup::Startup), ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("switchboard: could not start: {e}");
            ExitCode::FAILURE
        })?;
    let started = runtime
        .block_on(startup::start(paths, chrono::Utc::now()))
        .map_err(|e| {
            eprintln!("switchboard: {e}");
            ExitCode::FAILURE
        })?;
    Ok((runtime, started))
}

fn run_ask(paths: Paths, model: &str, prompt: &str, max_tokens: u32) -> ExitCode {
    use assistant::send::{SendContext, SendEvent, send};
    use std::io::Write;
    let (runtime, started) = match cli_start(paths) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    // What is wrong with the config (or the data) is said before anything is sent.
    for notice in started
        .notices
        .iter()
        .filter(|n| n.kind != notice::NoticeKind::SourceUnreadable)
    {
        eprintln!(
            "switchboard: {} — {}",
            cli::plain(&notice.title),
            cli::plain(&notice.message)
        );
    }
    runtime.block_on(async {
        let model = match cli::resolve_model(&started.catalog, model) {
            Ok(model) => model,
            Err(e) => {
                eprintln!("switchboard: {e}");
                return ExitCode::from(cli::exit::FAILED);
            }
        };
        let keys = providers::keys::Keys::system();
        let key_for = move |p: &catalog::Provider| keys.find(p).map(|(secret, _)| secret);
        let timeouts = started.timeouts;
        let http = providers::client::http_client(&timeouts);
        let (health, changes, _poller) = match startup::health_service(
            &started,
            &http,
            std::sync::Arc::new(clock::SystemClock),
            false,
        )
        .await
        {
            Ok(parts) => parts,
            Err(e) => {
                eprintln!("switchboard: {e}");
                return ExitCode::FAILURE;
            }
        };
        // The workspace policy as it stands now: nothing goes to what it turns off. If it
        // cannot be read, the last one read stays in force, and that is said.
        if _poller.read_policy().await {
            for notice in health.source_notices() {
                eprintln!(
                    "switchboard: {} — {}",
                    cli::plain(&notice.title),
                    cli::plain(&notice.message)
                );
            }
        }
        // What this request shows about the model is kept for the window and `status`.
        let history = tokio::spawn(health::service::deliver(
            changes,
            started.store.clone(),
            |_| {},
        ));
        let attempts = tokio::spawn(health::service::keep_attempts(
            health.attach_attempt_log(),
            started.store.clone(),
        ));
        let ctx = SendContext {
            store: &started.store,
            catalog: &started.catalog,
            http: &http,
            key_for: &key_for,
            observer: &health,
            network: health.as_ref(),
            policy: health.as_ref(),
            clock: std::sync::Arc::new(clock::SystemClock),
            timeouts,
            retry: providers::retry::RetryPolicy::default(),
            max_tokens,
        };
        let cancel = tokio_util::sync::CancellationToken::new();
        let on_ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_ctrl_c.cancel();
            }
        });
        let mut print = |event: SendEvent| match event {
            SendEvent::Text { chunk, .. } => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(chunk.as_bytes());
                let _ = out.flush();
            }
            SendEvent::Retrying {
                after_seconds,
                reason,
                ..
            } => {
                eprintln!(
                    "switchboard: {} — trying again in {after_seconds:.1} s",
                    cli::plain(&reason.headline)
                );
            }
            _ => {}
        };
        let result = send(&ctx, None, prompt, &model, cancel, &mut print).await;
        drop(ctx);
        drop(_poller);
        drop(health);
        let _ = history.await;
        let _ = attempts.await;
        started.store.close().await;
        let display = started
            .catalog
            .model(&model.provider, &model.model)
            .map_or(model.model.clone(), |m| m.display_name.clone());
        match result {
            Ok(outcome) => {
                use switchboard_core::vocabulary::Ending;
                if !outcome.answer.text.is_empty() {
                    println!();
                }
                match (&outcome.answer.ending, &outcome.reason) {
                    (Some(Ending::Complete), None) => eprintln!("— answered by {display}"),
                    (Some(Ending::LengthLimit), _) => eprintln!(
                        "— answered by {display}, stopped at the length limit; ask it to continue"
                    ),
                    (Some(Ending::Other { reason }), _) => {
                        eprintln!("— {display} stopped early ({})", cli::plain(reason))
                    }
                    (_, Some(reason)) => {
                        eprintln!(
                            "switchboard: {}\n{}",
                            cli::plain(&reason.headline),
                            cli::plain(&reason.message)
                        )
                    }
                    (_, None) => eprintln!("switchboard: stopped"),
                }
                ExitCode::from(cli::exit::of(&outcome))
            }
            Err(
                assistant::AssistantError::NotConfigured(reason)
                | assistant::AssistantError::TurnedOff(reason),
            ) => {
                eprintln!(
                    "switchboard: {}\n{}",
                    cli::plain(&reason.headline),
                    cli::plain(&reason.message)
                );
                ExitCode::from(cli::exit::UNAVAILABLE)
            }
            Err(assistant::AssistantError::Store(e)) if e.is_damaged() => {
                eprintln!(
                    "switchboard: {e}\nThe database is damaged; run Switchboard again and it \
                     keeps the damaged file aside and copies what can still be read into a \
                     fresh one."
                );
                ExitCode::from(cli::exit::FAILED)
            }
            Err(e @ assistant::AssistantError::StoreRepaired(_)) => {
                eprintln!("switchboard: {}", cli::plain(&e.to_string()));
                ExitCode::from(cli::exit::FAILED)
            }
            Err(e) => {
                eprintln!("switchboard: {e}");
                ExitCode::from(cli::exit::FAILED)
            }
        }
    })
}

fn run_key(paths: Paths, command: cli::KeyCommand) -> ExitCode {
    use providers::keys::{KeySource, Keys, Secret, keyring_delete, keyring_set};
    let loaded = config::load(&paths.config_file);
    let mut catalog = match catalog::Catalog::shipped() {
        Ok(catalog) => catalog,
        Err(e) => {
            eprintln!("switchboard: {e}");
            return ExitCode::FAILURE;
        }
    };
    config::apply(
        &mut catalog,
        &loaded.config,
        &loaded.unreadable_providers,
        &paths.config_file,
    );
    let known = |id: &str| match catalog.provider(id) {
        Some(p) if p.needs_key() => Ok(p.clone()),
        Some(_) => Err(format!("{id} needs no key")),
        None => Err(format!(
            "there is no provider `{id}`; `switchboard status` lists them"
        )),
    };
    let result = match command {
        cli::KeyCommand::Set { provider } => known(&provider).and_then(|p| {
            let mut line = String::new();
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                eprintln!("Paste the {} API key and press Enter:", p.name);
            }
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| format!("could not read the key: {e}"))?;
            let key = line.trim();
            if key.is_empty() {
                return Err("no key was given".into());
            }
            keyring_set(&p.id, &Secret::new(key)).map_err(|e| e.to_string())?;
            println!("Stored the {} key in the keyring.", p.name);
            Ok(())
        }),
        cli::KeyCommand::Delete { provider } => known(&provider).and_then(|p| {
            keyring_delete(&p.id).map_err(|e| e.to_string())?;
            println!("Removed the {} key from the keyring.", p.name);
            Ok(())
        }),
        cli::KeyCommand::List => {
            let keys = Keys::system();
            for p in catalog.providers.iter().filter(|p| p.needs_key()) {
                let from = match keys.find(p) {
                    Some((_, KeySource::Keyring)) => "from the keyring".to_string(),
                    Some((_, KeySource::Environment(var))) => format!("from {var}"),
                    None => "none".to_string(),
                };
                println!("{:<12} {from}", p.id);
            }
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchboard: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_models(paths: Paths, json: bool, refresh: bool) -> ExitCode {
    let (runtime, started) = match cli_start(paths) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    runtime.block_on(async {
        for notice in &started.notices {
            eprintln!("switchboard: {}: {}", cli::plain(&notice.title), cli::plain(&notice.message));
        }
        let (catalog, lists) = if refresh {
            let http = providers::client::http_client(&started.timeouts);
            let clock: std::sync::Arc<dyn clock::Clock> = std::sync::Arc::new(clock::SystemClock);
            let (health, changes, poller) =
                match startup::health_service(&started, &http, clock.clone(), false).await {
                    Ok(parts) => parts,
                    Err(e) => {
                        eprintln!("switchboard: {e}");
                        return ExitCode::FAILURE;
                    }
                };
            // Retirements the lists show are kept for the window and `status`.
            let history = tokio::spawn(health::service::deliver(changes, started.store.clone(), |_| {}));
            let refresher = startup::model_list_refresher(&started, &http, health.clone(), clock);
            // No list is asked of a provider the workspace has turned off.
            poller.read_policy().await;
            let reports = refresher.refresh().await;
            if reports.is_empty() {
                eprintln!("switchboard: no provider could be asked: add a key with `switchboard key set <provider>`");
            }
            for notice in refresher.notices() {
                eprintln!("switchboard: {}: {}", cli::plain(&notice.title), cli::plain(&notice.message));
            }
            let catalog = refresher.catalog();
            let lists = refresher.states();
            drop((refresher, poller, health));
            let _ = history.await;
            (catalog, lists)
        } else {
            (std::sync::Arc::new(started.catalog.clone()), started.model_lists.clone())
        };
        let report = cli::models_report(&catalog, &lists);
        if json {
            println!("{}", cli::render_models_json(&report));
        } else {
            print!("{}", cli::render_models_table(&report));
        }
        started.store.close().await;
        ExitCode::SUCCESS
    })
}

fn run_status(paths: Paths, json: bool) -> ExitCode {
    let (runtime, started) = match cli_start(paths) {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    runtime.block_on(async {
        if let Some(scenario) = &started.demo {
            eprintln!("switchboard: DEMO — the providers are simulated ({scenario}); nothing here is real status.");
        }
        for notice in &started.notices {
            eprintln!("switchboard: {}: {}", cli::plain(&notice.title), cli::plain(&notice.message));
        }
        let preferred = assistant::preferred_model(&started.store, &started.catalog)
            .await
            .ok()
            .flatten();
        // The live answer: every status page and the policy, read once.
        let http = providers::client::http_client(&started.timeouts);
        let (health, changes, mut poller) =
            match startup::health_service(&started, &http, std::sync::Arc::new(clock::SystemClock), false).await {
                Ok(parts) => parts,
                Err(e) => {
                    eprintln!("switchboard: {e}");
                    return ExitCode::FAILURE;
                }
            };
        let history = tokio::spawn(health::service::deliver(changes, started.store.clone(), |_| {}));
        poller.poll_once().await;
        let availability = health.availability();
        for notice in health.source_notices() {
            eprintln!("switchboard: {}", cli::plain(&notice.message));
        }
        drop(poller);
        drop(health);
        let _ = history.await;
        let lines = cli::status_lines(&started.catalog, &availability, preferred.as_ref());
        if json {
            println!("{}", cli::render_json(&lines));
        } else {
            print!("{}", cli::render_table(&lines));
        }
        started.store.close().await;
        ExitCode::SUCCESS
    })
}

fn run_window(paths: Paths) -> ExitCode {
    let started = match tauri::async_runtime::block_on(startup::start(paths, chrono::Utc::now())) {
        Ok(started) => started,
        Err(e) => {
            tracing::error!(error = %e, "could not start");
            eprintln!("switchboard: {e}");
            return ExitCode::FAILURE;
        }
    };
    let http = providers::client::http_client(&started.timeouts);
    let (health, changes, poller) = match tauri::async_runtime::block_on(startup::health_service(
        &started,
        &http,
        std::sync::Arc::new(clock::SystemClock),
        true,
    )) {
        Ok(parts) => parts,
        Err(e) => {
            eprintln!("switchboard: {e}");
            return ExitCode::FAILURE;
        }
    };
    let model_lists = startup::model_list_refresher(
        &started,
        &http,
        health.clone(),
        std::sync::Arc::new(clock::SystemClock),
    );
    let history = started.store.clone();
    let attempts = health.attach_attempt_log();
    let attempt_store = started.store.clone();
    let bindings = commands::bindings();
    let title = match &started.demo {
        Some(scenario) => format!("Switchboard — DEMO: simulated providers ({scenario})"),
        None => "Switchboard".to_string(),
    };
    let result = tauri::Builder::default()
        .invoke_handler(bindings.invoke_handler())
        .manage(model_lists.clone())
        .manage(started.store)
        .manage(commands::StartupNotices(started.notices))
        .manage(commands::Demo(started.demo))
        .manage(commands::Sending::default())
        .manage(commands::Http(http, started.timeouts))
        .manage(health)
        .setup(move |app| {
            bindings.mount_events(app);
            // Every availability change is written to the history, then shown.
            let handle = app.handle().clone();
            // The policy is read before any list is asked for (the last one read is in force
            // meanwhile); then the lists and the poller start.
            let lists = model_lists.clone();
            tauri::async_runtime::spawn(async move {
                poller.read_policy().await;
                tauri::async_runtime::spawn(lists.run());
                poller.run().await;
            });
            let on_catalog = app.handle().clone();
            model_lists.on_change(move || {
                use tauri_specta::Event;
                if let Err(error) = commands::CatalogChanged.emit(&on_catalog) {
                    tracing::warn!(%error, "could not announce a catalog change");
                }
            });
            // The lists are asked in the background (above): the window shows the cached ones.
            tauri::async_runtime::spawn(health::service::keep_attempts(attempts, attempt_store));
            tauri::async_runtime::spawn(health::service::deliver(changes, history, move |t| {
                use tauri_specta::Event;
                if let Err(error) = commands::AvailabilityChanged(t.to.clone()).emit(&handle) {
                    tracing::warn!(%error, "could not show an availability change");
                }
            }));
            if let Some(window) = app.get_webview_window("main") {
                window.set_title(&title)?;
            }
            Ok(())
        })
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the window failed");
            eprintln!("switchboard: the window failed: {e}");
            ExitCode::FAILURE
        }
    }
}
