//! Logs go to stderr and to a daily file in `<data dir>/logs`. `RUST_LOG` picks the level.
//! Nothing secret is ever logged: keys are never passed to a `tracing` macro.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{EnvFilter, Layer, fmt, layer::SubscriberExt, util::SubscriberInitExt};

/// Installs the global subscriber. Keep the guard alive for as long as logs should be
/// written. `default_level` applies when `RUST_LOG` is unset.
pub fn init(data_dir: &Path, default_level: &str) -> Option<WorkerGuard> {
    let filter =
        || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter());
    let log_dir = data_dir.join("logs");
    // The appender prunes old files by listing the directory, which must exist first.
    let _ = std::fs::create_dir_all(&log_dir);
    let (file, guard) = match tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("switchboard")
        .filename_suffix("log")
        .max_log_files(14)
        .build(&log_dir)
    {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(filter());
            (Some(layer), Some(guard))
        }
        Err(e) => {
            eprintln!("switchboard: logs will go to stderr only: {e}");
            (None, None)
        }
    };
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file)
        .try_init();
    guard
}
