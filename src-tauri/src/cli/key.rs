//! `switchboard key`: API keys in the OS keyring, through the core. A key is read from stdin,
//! never from the command line, and never printed.

use super::{KeyCommand, SharedCore};
use std::process::ExitCode;
use switchboard_core::KeyPlace;
use switchboard_core::catalog::Provider;
use switchboard_core::providers::keys::KeySource;

pub async fn run(core: &SharedCore, command: KeyCommand) -> ExitCode {
    let result = match command {
        KeyCommand::Set { provider } => match keyed(core, &provider) {
            Ok(p) => set(core, p).await,
            Err(e) => Err(e),
        },
        KeyCommand::Delete { provider } => match keyed(core, &provider) {
            Ok(p) => core
                .remove_key(&p.id)
                .await
                .map(|()| println!("Removed the {} key from the keyring.", p.name))
                .map_err(|e| e.to_string()),
            Err(e) => Err(e),
        },
        KeyCommand::List => {
            for (p, source) in core.key_sources().await {
                let from = match source {
                    Some(KeySource::Keyring) => "from the keyring".to_string(),
                    Some(KeySource::Environment(var)) => format!("from {var}"),
                    Some(KeySource::ThisSession) => "entered this session".to_string(),
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

/// The provider `id`, if it is one that takes a key.
fn keyed(core: &SharedCore, id: &str) -> Result<Provider, String> {
    match core.catalog().provider(id) {
        Some(p) if p.needs_key() => Ok(p.clone()),
        Some(_) => Err(format!("{id} needs no key")),
        None => Err(format!(
            "there is no provider `{id}`; `switchboard status` lists them"
        )),
    }
}

async fn set(core: &SharedCore, provider: Provider) -> Result<(), String> {
    let name = provider.name.clone();
    // Reading stdin blocks: off the async threads.
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            eprintln!("Paste the {name} API key and press Enter:");
        }
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await
    .map_err(|e| format!("could not read the key: {e}"))?
    .map_err(|e| format!("could not read the key: {e}"))?;
    // Checked with the provider's free model-list request, kept unless it was rejected.
    let check = core
        .save_key(&provider.id, &line)
        .await
        .map_err(|e| e.to_string())?;
    let name = &provider.name;
    match check.kept {
        // A one-off command's memory ends with it: a key kept only for the session is lost.
        Some(KeyPlace::ThisSession) => {
            let _ = core.remove_key(&provider.id).await;
            Err(format!(
                "{}. No keyring (Secret Service) is running, so the key could not be saved; set \
                 {} instead, or start a keyring and run this again",
                check.reason.headline, provider.api_key_env
            ))
        }
        Some(_) => {
            println!("{}", check.reason.headline);
            if !check.accepted {
                eprintln!("{}", check.reason.message);
            }
            println!("Stored the {name} key in the keyring.");
            Ok(())
        }
        None => Err(check.reason.message),
    }
}
