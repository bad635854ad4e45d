//! `switchboard status`: every model's availability and its reason, from every status page
//! and the workspace policy read once.

use super::{SharedCore, render_json, render_table, say, status_lines};
use std::process::ExitCode;

pub async fn run(core: &SharedCore, json: bool) -> ExitCode {
    if let Some(scenario) = core.demo() {
        eprintln!(
            "switchboard: DEMO — the providers are simulated ({scenario}); nothing here is real status."
        );
    }
    core.startup_notices().iter().for_each(say);
    let preferred = core.preferred_model().await.ok().flatten();
    core.poll_once().await;
    core.source_notices().iter().for_each(say);
    let lines = status_lines(&core.catalog(), &core.availability(), preferred.as_ref());
    if json {
        println!("{}", render_json(&lines));
    } else {
        print!("{}", render_table(&lines));
    }
    ExitCode::SUCCESS
}
