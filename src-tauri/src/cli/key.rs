//! `switchboard key`: API keys in the OS keyring, through the core. A key is read from stdin,
//! never from the command line, and never printed.

use super::{KeyCommand, SharedCore};
use std::process::ExitCode;
use switchboard_core::catalog::Provider;
use switchboard_core::providers::keys::{KeySource, Secret};

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
    let key = line.trim();
    if key.is_empty() {
        return Err("no key was given".into());
    }
    core.store_key(&provider.id, Secret::new(key))
        .await
        .map_err(|e| e.to_string())?;
    println!("Stored the {} key in the keyring.", provider.name);
    Ok(())
}
