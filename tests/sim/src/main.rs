//! `switchboard-sim --scenario FILE|NAME [--port N] [--manual-clock]`

use clap::Parser;
use switchboard_sim::{Scenario, SimOptions, Simulator};

/// Serve simulated AI providers, their status pages and a workspace policy on 127.0.0.1.
#[derive(Parser, Debug)]
#[command(name = "switchboard-sim", version)]
struct Args {
    /// A scenario file (TOML) or the name of a built-in scenario.
    #[arg(long, default_value = "healthy")]
    scenario: String,
    /// Port on 127.0.0.1 (default: any free port).
    #[arg(long)]
    port: Option<u16>,
    /// Scenario time moves only by `POST /_sim/advance?seconds=N`.
    #[arg(long)]
    manual_clock: bool,
    /// Also write the Switchboard config.toml to this file once listening (`make demo`).
    #[arg(long)]
    write_config: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Logs (one line per request) on stderr; stdout has the base URL and the config snippet.
    tracing_subscriber::fmt()
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let args = Args::parse();
    let scenario = match Scenario::load(&args.scenario) {
        Ok(scenario) => scenario,
        Err(error) => {
            eprintln!("switchboard-sim: {error}");
            eprintln!(
                "built-in scenarios: {}",
                Scenario::builtin_names().join(", ")
            );
            return std::process::ExitCode::from(2);
        }
    };
    let name = scenario.name.clone();
    let options = SimOptions {
        port: args.port,
        manual_clock: args.manual_clock,
    };
    let sim = match Simulator::start(scenario, options).await {
        Ok(sim) => sim,
        Err(error) => {
            eprintln!("switchboard-sim: cannot listen: {error}");
            return std::process::ExitCode::from(1);
        }
    };
    println!("switchboard-sim: scenario {name} at {}", sim.base_url());
    println!("# config.toml for Switchboard:\n{}", sim.config_toml());
    if let Some(path) = &args.write_config {
        // Written whole then renamed, so a reader never sees half a file.
        let partial = path.with_extension("toml.partial");
        if let Err(error) = std::fs::write(&partial, sim.config_toml())
            .and_then(|()| std::fs::rename(&partial, path))
        {
            eprintln!("switchboard-sim: cannot write {}: {error}", path.display());
            return std::process::ExitCode::from(1);
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    sim.stop().await;
    std::process::ExitCode::SUCCESS
}
