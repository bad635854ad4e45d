//! `switchboard key`: API keys in the OS keyring. A key is read from stdin, never from the
//! command line, and never printed.

use super::{KeyCommand, SharedCore};
use std::process::ExitCode;
use switchboard_core::catalog::Provider;
use switchboard_core::providers::keys::{KeySource, Keys, Secret, keyring_delete, keyring_set};

pub async fn run(core: &SharedCore, command: KeyCommand) -> ExitCode {
    let catalog = core.catalog();
    let known = |id: &str| match catalog.provider(id) {
        Some(p) if p.needs_key() => Ok(p.clone()),
        Some(_) => Err(format!("{id} needs no key")),
        None => Err(format!(
            "there is no provider `{id}`; `switchboard status` lists them"
        )),
    };
    let keyed: Vec<Provider> = catalog
        .providers
        .iter()
        .filter(|p| p.needs_key())
        .cloned()
        .collect();
    let result = match command {
        KeyCommand::Set { provider } => match known(&provider) {
            Ok(p) => off_the_async_threads(move || set(&p)).await,
            Err(e) => Err(e),
        },
        KeyCommand::Delete { provider } => match known(&provider) {
            Ok(p) => {
                off_the_async_threads(move || {
                    keyring_delete(&p.id).map_err(|e| e.to_string())?;
                    println!("Removed the {} key from the keyring.", p.name);
                    Ok(())
                })
                .await
            }
            Err(e) => Err(e),
        },
        KeyCommand::List => {
            off_the_async_threads(move || {
                let keys = Keys::system();
                for p in &keyed {
                    let from = match keys.find(p) {
                        Some((_, KeySource::Keyring)) => "from the keyring".to_string(),
                        Some((_, KeySource::Environment(var))) => format!("from {var}"),
                        None => "none".to_string(),
                    };
                    println!("{:<12} {from}", p.id);
                }
                Ok(())
            })
            .await
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

fn set(provider: &Provider) -> Result<(), String> {
    let mut line = String::new();
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        eprintln!("Paste the {} API key and press Enter:", provider.name);
    }
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("could not read the key: {e}"))?;
    let key = line.trim();
    if key.is_empty() {
        return Err("no key was given".into());
    }
    keyring_set(&provider.id, &Secret::new(key)).map_err(|e| e.to_string())?;
    println!("Stored the {} key in the keyring.", provider.name);
    Ok(())
}

/// The keyring talks D-Bus and blocks, and stdin blocks too.
async fn off_the_async_threads(
    work: impl FnOnce() -> Result<(), String> + Send + 'static,
) -> Result<(), String> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(format!("the key command failed: {e}")))
}
