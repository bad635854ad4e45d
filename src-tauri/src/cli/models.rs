//! `switchboard models`: the catalog, the shipped one merged with each provider's own list,
//! with where each detail came from.

use super::{SharedCore, models_report, render_models_json, render_models_table, say};
use std::process::ExitCode;

pub async fn run(core: &SharedCore, json: bool, refresh: bool) -> ExitCode {
    core.startup_notices().iter().for_each(say);
    if refresh {
        // No list is asked of a provider the workspace has turned off.
        core.read_policy().await;
        if core.refresh_model_lists().await.is_empty() {
            eprintln!(
                "switchboard: no provider could be asked: add a key with `switchboard key set <provider>`"
            );
        }
        core.model_list_notices().iter().for_each(say);
    }
    let (catalog, lists) = (core.catalog(), core.model_lists());
    let report = models_report(&catalog, &lists);
    if json {
        println!("{}", render_models_json(&report));
    } else {
        print!("{}", render_models_table(&report, &core.local_times()));
    }
    ExitCode::SUCCESS
}
