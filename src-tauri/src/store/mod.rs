//! The SQLite database: one file in the data dir, WAL mode, migrations run on open.
//!
//! ```no_run
//! # async fn demo() -> Result<(), switchboard_lib::store::StoreError> {
//! use switchboard_lib::{catalog::ModelRef, store::Store};
//! let opened = Store::open(std::path::Path::new("/tmp/sb"), chrono::Utc::now()).await?;
//! let store = opened.store;
//! store.set_preferred_model(&ModelRef::new("anthropic", "claude-opus-4-7"), chrono::Utc::now()).await?;
//! assert!(store.preferred_model().await?.is_some());
//! # Ok(()) }
//! ```
//!
//! Queries are checked at run time (no `DATABASE_URL` needed to build) and every repository
//! function is covered by a test against a migrated database.

mod attempts;
mod availability;
mod conversations;
mod model_lists;
mod settings;

pub use attempts::AttemptBucket;
pub use conversations::{Conversation, Message, MessageStatus, new_id};
pub use model_lists::ModelListState;

use crate::notice::Notice;
use chrono::{DateTime, Utc};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DATABASE_FILE: &str = "switchboard.db";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("could not create the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database could not be opened: {0}")]
    Open(#[source] sqlx::Error),
    #[error("the database could not be brought up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("a database query failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("a stored value could not be read: {0}")]
    Decode(#[from] serde_json::Error),
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

/// A store as opened, with what the person should be told (a damaged file set aside).
#[derive(Debug)]
pub struct Opened {
    pub store: Store,
    pub notices: Vec<Notice>,
}

impl Store {
    /// Opens (or creates) the database in `data_dir`. A file that is not a readable SQLite
    /// database is renamed aside — never deleted — and a fresh one is started with a notice.
    pub async fn open(data_dir: &Path, now: DateTime<Utc>) -> Result<Opened, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path = data_dir.join(DATABASE_FILE);
        match Self::open_file(&path).await {
            Ok(store) => Ok(Opened {
                store,
                notices: Vec::new(),
            }),
            Err(e) if is_unreadable_database(&e) => {
                let aside =
                    path.with_extension(format!("db.damaged-{}", now.format("%Y%m%dT%H%M%SZ")));
                tracing::warn!(error = %e, aside = %aside.display(), "database unreadable; starting a fresh one");
                for suffix in ["-wal", "-shm"] {
                    let side = PathBuf::from(format!("{}{suffix}", path.display()));
                    let _ = std::fs::remove_file(side);
                }
                std::fs::rename(&path, &aside).map_err(|source| StoreError::DataDir {
                    path: aside.clone(),
                    source,
                })?;
                let store = Self::open_file(&path).await?;
                Ok(Opened {
                    store,
                    notices: vec![Notice::database_reset(&aside, &cause(&e))],
                })
            }
            Err(e) => Err(e),
        }
    }

    async fn open_file(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(StoreError::Open)?;
        Self::migrated(pool).await
    }

    /// A private in-memory database, migrated: for tests and for `status` runs that must not
    /// touch the person's files.
    pub async fn in_memory() -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .in_memory(true)
            .foreign_keys(true);
        // One connection: every in-memory connection would otherwise be its own database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(StoreError::Open)?;
        Self::migrated(pool).await
    }

    async fn migrated(pool: SqlitePool) -> Result<Self, StoreError> {
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// SQLITE_NOTADB (26) and SQLITE_CORRUPT (11): the file is there but is not a usable database.
fn is_unreadable_database(error: &StoreError) -> bool {
    let sqlx_error = match error {
        StoreError::Open(e) | StoreError::Query(e) => e,
        StoreError::Migrate(sqlx::migrate::MigrateError::Execute(e)) => e,
        _ => return false,
    };
    match sqlx_error {
        sqlx::Error::Database(db) => {
            let code = db.code();
            let primary = code
                .as_deref()
                .and_then(|c| c.parse::<i32>().ok())
                .map(|c| c & 0xff);
            matches!(primary, Some(26) | Some(11))
        }
        _ => false,
    }
}

fn cause(error: &StoreError) -> String {
    match error {
        StoreError::Open(sqlx::Error::Database(db))
        | StoreError::Query(sqlx::Error::Database(db)) => db.message().to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ModelRef;
    use crate::notice::NoticeKind;

    #[tokio::test]
    async fn a_fresh_data_dir_gets_a_wal_database() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("nested/data");
        let opened = Store::open(&data, Utc::now()).await.unwrap();
        assert!(opened.notices.is_empty());
        assert!(data.join(DATABASE_FILE).exists());
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(opened.store.pool())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[tokio::test]
    async fn a_damaged_database_file_is_set_aside_and_a_fresh_one_started() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(DATABASE_FILE);
        let garbage = b"this is not a database, it is a shopping list: eggs, milk".repeat(200);
        std::fs::write(&file, &garbage).unwrap();

        let opened = Store::open(dir.path(), Utc::now()).await.unwrap();
        assert_eq!(opened.notices.len(), 1, "the person is told");
        assert_eq!(opened.notices[0].kind, NoticeKind::DatabaseReset);
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("damaged"))
            .collect();
        assert_eq!(kept.len(), 1, "the damaged file is kept, not deleted");
        assert_eq!(std::fs::read(dir.path().join(&kept[0])).unwrap(), garbage);
        assert!(opened.notices[0].message.contains(&kept[0]));

        // The fresh database works.
        let model = ModelRef::new("openai", "gpt-5");
        opened
            .store
            .set_preferred_model(&model, Utc::now())
            .await
            .unwrap();
        assert_eq!(opened.store.preferred_model().await.unwrap(), Some(model));
    }

    #[tokio::test]
    async fn settings_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let model = ModelRef::new("anthropic", "claude-opus-4-7");
        {
            let opened = Store::open(dir.path(), Utc::now()).await.unwrap();
            opened
                .store
                .set_preferred_model(&model, Utc::now())
                .await
                .unwrap();
            opened.store.close().await;
        }
        let opened = Store::open(dir.path(), Utc::now()).await.unwrap();
        assert_eq!(opened.store.preferred_model().await.unwrap(), Some(model));
    }
}
