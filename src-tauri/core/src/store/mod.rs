//! The SQLite database: one file in the data dir, WAL mode, migrations run on open.
//!
//! ```no_run
//! # async fn demo() -> Result<(), switchboard_core::store::StoreError> {
//! use switchboard_core::{store::Store, vocabulary::ModelRef};
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
mod fallback;
mod incidents;
mod model_lists;
mod settings;

pub use attempts::{AttemptBucket, FailedBySide, StoredAttempt};
pub use conversations::{Conversation, Message, MessageStatus, new_id};
pub use fallback::QueuedMessage;
pub use model_lists::ModelListState;

use crate::notice::Notice;
use chrono::{DateTime, Utc};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::{Path, PathBuf};
use std::sync::Arc;
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
    /// The data dir or the database file cannot be written: named, with the cause in words.
    #[error("Switchboard cannot write its database at {}: {why}", path.display())]
    Unwritable { path: PathBuf, why: String },
    #[error("the database could not be brought up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("a database query failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("a stored value could not be read: {0}")]
    Decode(#[from] serde_json::Error),
}

impl StoreError {
    /// The database file is damaged (found during a query, after start): the next start sets
    /// it aside and keeps what can be read.
    pub fn is_damaged(&self) -> bool {
        is_unreadable_database(self)
    }
}

#[derive(Debug, Clone)]
pub struct Store {
    /// The pool in force: replaced when a file found damaged while running is repaired.
    pool: Arc<std::sync::Mutex<SqlitePool>>,
    /// Where the file lives; `None` in memory.
    data_dir: Option<PathBuf>,
    /// One repair at a time.
    repairing: Arc<tokio::sync::Mutex<()>>,
    /// Held shared for as long as this process uses the data dir, so a later start can tell
    /// whether any other Switchboard is running.
    _alive: Option<Arc<std::fs::File>>,
    /// No other Switchboard was using the data dir when this one opened it: answers left
    /// streaming are a crash's, not another process's, and may be recovered.
    alone: bool,
}

/// A store as opened, with what the person should be told (a damaged file set aside).
#[derive(Debug)]
pub struct Opened {
    pub store: Store,
    pub notices: Vec<Notice>,
}

/// What a repair copies out of a damaged database, in the order a person misses them: every
/// table (a test holds it to the schema).
const TABLES: &[&str] = &[
    "conversations",
    "messages",
    "message_chunks",
    "drafts",
    "settings",
    "model_state",
    "availability_events",
    "model_lists",
    "attempts",
    "attempt_minutes",
    "incident_posts",
    "consents",
    "queued_messages",
];

impl Store {
    /// Opens (or creates) the database in `data_dir`. A file that is not a readable SQLite
    /// database is renamed aside — never deleted — and a fresh one is started with a notice.
    pub async fn open(data_dir: &Path, now: DateTime<Utc>) -> Result<Opened, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        // One process at a time opens and migrates: two `status` on a fresh data dir would
        // otherwise both create the tables. The lock goes when `_migrating` is dropped.
        let _migrating = lock_data_dir(data_dir).await?;
        let path = data_dir.join(DATABASE_FILE);
        let damage = match Self::open_file(&path).await {
            // A file that opens can still be damaged further in: check before trusting it.
            Ok(mut store) => match store.integrity_problem().await {
                None => {
                    store.data_dir = Some(data_dir.to_path_buf());
                    (store._alive, store.alone) = mark_alive(data_dir)?;
                    return Ok(Opened {
                        store,
                        notices: Vec::new(),
                    });
                }
                Some(problem) => {
                    store.close().await;
                    problem
                }
            },
            Err(e) if is_unreadable_database(&e) => cause(&e),
            Err(e) => {
                return Err(match unwritable_words(&e) {
                    Some(why) => StoreError::Unwritable {
                        path: path.clone(),
                        why: why.into(),
                    },
                    None => e,
                });
            }
        };
        let (mut store, notice) = Self::set_aside_and_start_fresh(&path, &damage, now).await?;
        store.data_dir = Some(data_dir.to_path_buf());
        (store._alive, store.alone) = mark_alive(data_dir)?;
        Ok(Opened {
            store,
            notices: vec![notice],
        })
    }

    /// Sets the damaged file at `path` aside (with its log), starts a fresh one there and
    /// copies into it what can still be read.
    async fn set_aside_and_start_fresh(
        path: &Path,
        damage: &str,
        now: DateTime<Utc>,
    ) -> Result<(Self, Notice), StoreError> {
        let aside = path.with_extension(format!("db.damaged-{}", now.format("%Y%m%dT%H%M%SZ")));
        tracing::warn!(problem = %damage, aside = %aside.display(), "database damaged; starting a fresh one");
        // Fold the write-ahead log into the file being set aside, so what it held is kept.
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", path.display()));
            let _ = std::fs::rename(&side, format!("{}{suffix}", aside.display()));
        }
        std::fs::rename(path, &aside).map_err(|source| StoreError::DataDir {
            path: aside.clone(),
            source,
        })?;
        let store = Self::open_file(path).await?;
        let kept = match store.copy_readable_from(&aside).await {
            Ok(kept) => kept,
            Err(error) => {
                tracing::warn!(%error, "nothing could be copied from the damaged database");
                None
            }
        };
        Ok((
            store,
            Notice::database_reset(&aside, damage, kept.as_deref()),
        ))
    }

    /// [`Self::repair`] when `error` says the file is damaged; what to tell the person, if
    /// anything was repaired.
    pub async fn repair_if_damaged(&self, error: &StoreError) -> Option<Notice> {
        if !error.is_damaged() {
            return None;
        }
        match self.repair(Utc::now()).await {
            Ok(notice) => notice,
            Err(failed) => {
                tracing::error!(%failed, "the damaged database could not be repaired");
                None
            }
        }
    }

    /// When a query finds the file damaged while Switchboard runs: set it aside, start fresh
    /// and keep what can be read — as at start — and carry on with the fresh one. `None` when
    /// there was nothing to repair (in memory, or the file checks out, or another caller just
    /// repaired it).
    pub async fn repair(&self, now: DateTime<Utc>) -> Result<Option<Notice>, StoreError> {
        let Some(dir) = &self.data_dir else {
            return Ok(None);
        };
        let _one_at_a_time = self.repairing.lock().await;
        let Some(damage) = self.integrity_problem().await else {
            return Ok(None);
        };
        // No other process opens or repairs the file meanwhile.
        let _migrating = lock_data_dir(dir).await?;
        let path = dir.join(DATABASE_FILE);
        self.pool().close().await;
        match Self::set_aside_and_start_fresh(&path, &damage, now).await {
            Ok((fresh, notice)) => {
                *self.pool.lock().expect("pool lock") = fresh.pool();
                Ok(Some(notice))
            }
            // Carry on with the file as it is rather than with no database at all.
            Err(error) => {
                if let Ok(again) = Self::open_file(&path).await {
                    *self.pool.lock().expect("pool lock") = again.pool();
                }
                Err(error)
            }
        }
    }

    /// What `PRAGMA quick_check` finds wrong (at most a few problems), or `None` when the file
    /// is sound.
    async fn integrity_problem(&self) -> Option<String> {
        match sqlx::query_scalar::<_, String>("PRAGMA quick_check(5)")
            .fetch_all(&self.pool())
            .await
        {
            Ok(lines) if lines.len() == 1 && lines[0] == "ok" => None,
            Ok(lines) => Some(lines.join("; ")),
            // Only damage is damage: a busy or timed-out check says nothing about the file.
            Err(e) => {
                let error = StoreError::Query(e);
                is_unreadable_database(&error).then(|| cause(&error))
            }
        }
    }

    /// Copies every row that can still be read from the damaged database at `damaged` into
    /// this fresh one — conversations and their messages first, then settings and history —
    /// skipping what cannot be read. Says what was kept, if anything.
    async fn copy_readable_from(&self, damaged: &Path) -> Result<Option<String>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        // Rows are copied as found; a message whose conversation was lost is still kept.
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut *conn)
            .await?;
        sqlx::query("ATTACH DATABASE ? AS damaged")
            .bind(damaged.to_string_lossy().to_string())
            .execute(&mut *conn)
            .await?;
        let mut copied: Vec<(&str, u64)> = Vec::new();
        for table in TABLES {
            let ours: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_table_info(?, 'main')")
                    .bind(*table)
                    .fetch_all(&mut *conn)
                    .await?;
            let theirs: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_table_info(?, 'damaged')")
                    .bind(*table)
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap_or_default();
            let columns: Vec<&String> = ours.iter().filter(|c| theirs.contains(c)).collect();
            if columns.is_empty() {
                continue;
            }
            let list = columns
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            // Table and column names come from the constant list and our own schema.
            let last: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT max(rowid) FROM damaged.{table}"
            )))
            .fetch_one(&mut *conn)
            .await
            .ok()
            .flatten();
            let copy = format!(
                "INSERT OR IGNORE INTO main.{table} ({list}) SELECT {list} FROM damaged.{table} \
                 WHERE rowid BETWEEN ? AND ?"
            );
            let copy = || sqlx::query(sqlx::AssertSqlSafe(copy.clone()));
            const BATCH: i64 = 256;
            // Past this many damaged or empty batches in a row, the rest is not there to read.
            const GIVE_UP: u32 = 4;
            let (mut count, mut from, mut failing, mut empty) = (0u64, 1i64, 0u32, 0u32);
            while last.is_none_or(|last| from <= last) {
                let to = from + BATCH - 1;
                match copy().bind(from).bind(to).execute(&mut *conn).await {
                    Ok(done) => {
                        count += done.rows_affected();
                        failing = 0;
                        empty = if done.rows_affected() == 0 {
                            empty + 1
                        } else {
                            0
                        };
                        if last.is_none() && empty >= GIVE_UP {
                            break;
                        }
                    }
                    // A damaged page in this range: row by row, keeping what reads.
                    Err(_) => {
                        let mut got = 0;
                        for rowid in from..=to {
                            if let Ok(done) =
                                copy().bind(rowid).bind(rowid).execute(&mut *conn).await
                            {
                                got += done.rows_affected();
                            }
                        }
                        count += got;
                        failing = if got == 0 { failing + 1 } else { 0 };
                        if failing >= GIVE_UP {
                            break;
                        }
                    }
                }
                from = to + 1;
            }
            if count > 0 {
                copied.push((table, count));
            }
        }
        let _ = sqlx::query("DETACH DATABASE damaged")
            .execute(&mut *conn)
            .await;
        sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&mut *conn)
            .await?;
        let count = |name: &str| {
            copied
                .iter()
                .find(|(t, _)| *t == name)
                .map_or(0, |(_, n)| *n)
        };
        if copied.is_empty() {
            return Ok(None);
        }
        let mut kept = vec![format!(
            "{} conversations with {} messages",
            count("conversations"),
            count("messages")
        )];
        if count("settings") > 0 {
            kept.push("your settings".into());
        }
        if count("attempts") + count("availability_events") > 0 {
            kept.push("the availability history".into());
        }
        Ok(Some(kept.join(", ")))
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
        Ok(Self {
            pool: Arc::new(std::sync::Mutex::new(pool)),
            data_dir: None,
            repairing: Arc::new(tokio::sync::Mutex::new(())),
            _alive: None,
            alone: true,
        })
    }

    /// Whether no other Switchboard was using the data dir when this one opened it (see
    /// [`Self::recover_interrupted`]).
    pub fn alone_at_start(&self) -> bool {
        self.alone
    }

    /// The pool in force (a handle: cheap to clone).
    pub fn pool(&self) -> SqlitePool {
        self.pool.lock().expect("pool lock").clone()
    }

    pub async fn close(&self) {
        self.pool().close().await;
    }
}

/// Takes a shared hold of `switchboard.alive` for this process's life, and says whether no
/// other process held it (called under the data-dir lock, so no start races this one).
fn mark_alive(data_dir: &Path) -> Result<(Option<Arc<std::fs::File>>, bool), StoreError> {
    let (file, failed) = lock_file(data_dir, "switchboard.alive")?;
    let alone = match file.try_lock() {
        Ok(()) => {
            file.unlock().map_err(&failed)?;
            true
        }
        Err(std::fs::TryLockError::WouldBlock) => false,
        Err(std::fs::TryLockError::Error(e)) => return Err(failed(e)),
    };
    file.lock_shared().map_err(failed)?;
    Ok((Some(Arc::new(file)), alone))
}

/// A file in `data_dir` to hold a lock on (created empty, never written), and how to name a
/// failure with it.
fn lock_file(
    data_dir: &Path,
    name: &str,
) -> Result<
    (
        std::fs::File,
        impl Fn(std::io::Error) -> StoreError + Send + 'static,
    ),
    StoreError,
> {
    let path = data_dir.join(name);
    let failed = move |source: std::io::Error| StoreError::DataDir {
        path: path.clone(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir.join(name))
        .map_err(&failed)?;
    Ok((file, failed))
}

/// Holds `switchboard.lock` in `data_dir` exclusively (waiting for another process to let
/// go), released when the file is dropped.
async fn lock_data_dir(data_dir: &Path) -> Result<std::fs::File, StoreError> {
    let (file, failed) = lock_file(data_dir, "switchboard.lock")?;
    // Waiting for the lock blocks: off the async threads.
    tokio::task::spawn_blocking(move || file.lock().map(|()| file))
        .await
        .map_err(|e| failed(std::io::Error::other(e)))?
        .map_err(failed)
}

/// The primary SQLite result code of an error, where it has one.
fn sqlite_code(error: &StoreError) -> Option<i32> {
    let sqlx_error = match error {
        StoreError::Open(e) | StoreError::Query(e) => e,
        StoreError::Migrate(sqlx::migrate::MigrateError::Execute(e)) => e,
        _ => return None,
    };
    match sqlx_error {
        sqlx::Error::Database(db) => db
            .code()
            .as_deref()
            .and_then(|c| c.parse::<i32>().ok())
            .map(|c| c & 0xff),
        _ => None,
    }
}

/// In words, why the database cannot be written, for the errors that mean that: read-only
/// (8), an I/O error (10), a full disk (13), a file that cannot be opened (14).
fn unwritable_words(error: &StoreError) -> Option<&'static str> {
    Some(match sqlite_code(error)? {
        8 => {
            "the folder or the file is read-only — check its permissions, or set \
             SWITCHBOARD_DATA_DIR to a folder you can write"
        }
        10 => "the disk reported an error while writing — check the disk",
        13 => "the disk is full — free some space and start Switchboard again",
        14 => {
            "the file cannot be opened there — check that the folder exists and can be \
             written, or set SWITCHBOARD_DATA_DIR"
        }
        _ => return None,
    })
}

/// SQLITE_NOTADB (26) and SQLITE_CORRUPT (11): the file is there but is not a usable database.
fn is_unreadable_database(error: &StoreError) -> bool {
    matches!(sqlite_code(error), Some(26) | Some(11))
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

    #[tokio::test]
    async fn a_repair_copies_every_table() {
        let store = Store::in_memory().await.unwrap();
        let mut tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx_%' ORDER BY name",
        )
        .fetch_all(&store.pool())
        .await
        .unwrap();
        let mut copied: Vec<String> = TABLES.iter().map(|t| t.to_string()).collect();
        tables.sort();
        copied.sort();
        assert_eq!(copied, tables);
    }
    use crate::notice::NoticeKind;
    use crate::vocabulary::ModelRef;

    /// A sent message of about 2 KB: enough of them fill many pages of the file.
    fn long_note(conversation: &str, i: usize, now: DateTime<Utc>) -> Message {
        Message {
            id: new_id(),
            conversation_id: conversation.to_string(),
            role: crate::vocabulary::Role::User,
            text: format!("note {i}: {}", "x".repeat(2000)),
            status: MessageStatus::Sent,
            model: None,
            stood_in_for: None,
            stand_in_why: None,
            answered_as: None,
            failure: None,
            ending: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[tokio::test]
    async fn a_fresh_data_dir_gets_a_wal_database() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("nested/data");
        let opened = Store::open(&data, Utc::now()).await.unwrap();
        assert!(opened.notices.is_empty());
        assert!(data.join(DATABASE_FILE).exists());
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&opened.store.pool())
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

    /// A file that still opens but is damaged further in (its last pages overwritten, as a
    /// failing disk or a killed copy leaves it): found at start, set aside, and what can
    /// still be read — the conversations first — is kept in the fresh one.
    #[tokio::test]
    async fn a_database_damaged_inside_is_found_and_what_reads_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        {
            let opened = Store::open(dir.path(), now).await.unwrap();
            let store = opened.store;
            store
                .set_preferred_model(&ModelRef::new("openai", "gpt-5"), now)
                .await
                .unwrap();
            for i in 0..3 {
                let c = store
                    .create_conversation(&format!("trip {i}"), now)
                    .await
                    .unwrap();
                store.set_draft(&c.id, "half a thought", now).await.unwrap();
            }
            // A long conversation last, so the file's last pages are its messages.
            let long = store.create_conversation("notes", now).await.unwrap();
            for i in 0..400 {
                store
                    .insert_message(&long_note(&long.id, i, now))
                    .await
                    .unwrap();
            }
            store.close().await;
        }
        let file = dir.path().join(DATABASE_FILE);
        let mut bytes = std::fs::read(&file).unwrap();
        let len = bytes.len();
        assert!(len > 64 * 4096, "a file of many pages: {len}");
        // Overwrite the last eight pages with noise.
        for (i, b) in bytes[len - 8 * 4096..].iter_mut().enumerate() {
            *b = (i.wrapping_mul(2_654_435_761) >> 13) as u8;
        }
        std::fs::write(&file, &bytes).unwrap();

        let opened = Store::open(dir.path(), now).await.expect("opens, fresh");
        assert_eq!(opened.notices.len(), 1, "said once");
        assert_eq!(opened.notices[0].kind, NoticeKind::DatabaseReset);
        let message = &opened.notices[0].message;
        assert!(
            message.contains("damaged") && message.contains("copied"),
            "{message}"
        );
        assert!(
            std::fs::read_dir(dir.path()).unwrap().any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("damaged")),
            "the damaged file is kept"
        );
        let store = opened.store;
        let titles: Vec<String> = store
            .conversations()
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.title)
            .collect();
        for i in 0..3 {
            assert!(titles.contains(&format!("trip {i}")), "kept: {titles:?}");
        }
        assert_eq!(
            store.preferred_model().await.unwrap(),
            Some(ModelRef::new("openai", "gpt-5")),
            "settings kept"
        );
        assert!(
            store.integrity_problem().await.is_none(),
            "the fresh one is sound"
        );
        // And the next start is quiet.
        store.close().await;
        let again = Store::open(dir.path(), now).await.unwrap();
        assert!(again.notices.is_empty());
    }

    /// Two processes starting at once on a fresh data dir (two `status` runs) do not both
    /// create the tables: one waits for the other.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_opens_at_once_on_a_fresh_dir_both_succeed() {
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let (a, b) = tokio::join!(
                Store::open(dir.path(), Utc::now()),
                Store::open(dir.path(), Utc::now())
            );
            assert!(a.is_ok() && b.is_ok(), "{:?} / {:?}", a.err(), b.err());
        }
    }

    /// A data dir that cannot be written is named, with the cause in words, not a raw code.
    #[tokio::test]
    async fn an_unwritable_data_dir_is_said_in_words() {
        // /proc takes no new folders, even for root.
        let error = Store::open(Path::new("/proc/switchboard-test"), Utc::now())
            .await
            .expect_err("cannot be created");
        let words = error.to_string();
        assert!(words.contains("/proc/switchboard-test"), "{words}");
        // A database path that is a folder cannot be opened: SQLite's code 14, in words.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(DATABASE_FILE)).unwrap();
        let error = Store::open(dir.path(), Utc::now())
            .await
            .expect_err("a folder");
        let words = error.to_string();
        assert!(
            words.contains(DATABASE_FILE) && words.contains("cannot be opened there"),
            "{words}"
        );
        assert!(!words.contains("code: 14"), "{words}");
    }

    /// Damage found while running is repaired in place: the file is set aside, what reads is
    /// kept, and the same store carries on with the fresh file.
    #[tokio::test]
    async fn damage_found_while_running_is_repaired_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let store = Store::open(dir.path(), now).await.unwrap().store;
        let kept = store.create_conversation("kept", now).await.unwrap();
        let long = store.create_conversation("long", now).await.unwrap();
        for i in 0..300 {
            store
                .insert_message(&long_note(&long.id, i, now))
                .await
                .unwrap();
        }
        // Everything into the main file, then its last pages overwritten under the running app.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&store.pool())
            .await
            .unwrap();
        let file = dir.path().join(DATABASE_FILE);
        let mut bytes = std::fs::read(&file).unwrap();
        let len = bytes.len();
        for (i, b) in bytes[len - 16 * 4096..].iter_mut().enumerate() {
            *b = (i.wrapping_mul(40_503) >> 7) as u8;
        }
        std::fs::write(&file, &bytes).unwrap();
        let error = store
            .messages(&long.id)
            .await
            .expect_err("the damage is met by a query");
        assert!(error.is_damaged(), "{error}");

        let notice = store.repair_if_damaged(&error).await.expect("repaired");
        assert_eq!(notice.kind, NoticeKind::DatabaseReset);
        let titles: Vec<String> = store
            .conversations()
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.title)
            .collect();
        assert!(titles.contains(&kept.title), "kept: {titles:?}");
        // The same store writes to the fresh file.
        store.create_conversation("after", now).await.unwrap();
        assert!(store.integrity_problem().await.is_none());
        assert!(
            store.repair(now).await.unwrap().is_none(),
            "nothing left to repair"
        );
    }

    /// A start can tell whether another Switchboard is using the data dir (then answers left
    /// streaming are that one's, not a crash's).
    #[tokio::test]
    async fn a_start_knows_whether_another_is_running() {
        let dir = tempfile::tempdir().unwrap();
        let first = Store::open(dir.path(), Utc::now()).await.unwrap().store;
        assert!(first.alone_at_start());
        let second = Store::open(dir.path(), Utc::now()).await.unwrap().store;
        assert!(!second.alone_at_start(), "the first is still running");
        drop(first);
        drop(second);
        let third = Store::open(dir.path(), Utc::now()).await.unwrap().store;
        assert!(third.alone_at_start(), "both have ended");
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
