//! The posts status pages made about incidents, each kept as first read.

use super::{Store, StoreError};
use crate::vocabulary::IncidentPost;
use chrono::{DateTime, Utc};

type PostRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    bool,
    String,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
);

impl Store {
    /// Keeps the posts not kept yet; one already kept keeps when it was first read.
    pub async fn record_incident_posts(&self, posts: &[IncidentPost]) -> Result<(), StoreError> {
        if posts.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool().begin().await?;
        for post in posts {
            sqlx::query(
                "INSERT OR IGNORE INTO incident_posts (provider, incident_id, incident_name, \
                 link, models, all_models, status, body, posted_at, seen_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&post.provider)
            .bind(&post.incident_id)
            .bind(&post.incident_name)
            .bind(&post.link)
            .bind(serde_json::to_string(&post.models).unwrap_or_else(|_| "[]".into()))
            .bind(post.all_models)
            .bind(&post.status)
            .bind(&post.body)
            .bind(post.posted_at)
            .bind(post.seen_at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// `provider`'s posts from `from` to `to`, oldest first.
    pub async fn incident_posts_between(
        &self,
        provider: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<IncidentPost>, StoreError> {
        let rows: Vec<PostRow> = sqlx::query_as(
            "SELECT provider, incident_id, incident_name, link, models, all_models, status, \
                    body, posted_at, seen_at \
             FROM incident_posts WHERE provider = ? AND posted_at >= ? AND posted_at <= ? \
             ORDER BY posted_at, rowid",
        )
        .bind(provider)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    provider,
                    incident_id,
                    incident_name,
                    link,
                    models,
                    all,
                    status,
                    body,
                    posted_at,
                    seen_at,
                )| {
                    IncidentPost {
                        provider,
                        incident_id,
                        incident_name,
                        link,
                        models: serde_json::from_str(&models).unwrap_or_default(),
                        all_models: all,
                        status,
                        body,
                        posted_at,
                        seen_at,
                    }
                },
            )
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn post(status: &str, minute: u32, seen_minute: u32) -> IncidentPost {
        let at = |m| Utc.with_ymd_and_hms(2026, 6, 5, 15, m, 0).unwrap();
        IncidentPost {
            provider: "anthropic".into(),
            incident_id: "q4lnmtw3kc8y".into(),
            incident_name: "Elevated errors on Claude Opus 4.7 and Opus 4.8".into(),
            link: Some("https://stspg.io/q4lnmtw3kc8y".into()),
            models: vec!["claude-opus-4-7".into(), "claude-opus-4-8".into()],
            all_models: false,
            status: status.into(),
            body: format!("<script>alert('{status}')</script>"),
            posted_at: at(minute),
            seen_at: at(seen_minute),
        }
    }

    #[tokio::test]
    async fn a_post_is_kept_once_as_first_read_and_read_back_by_time() {
        let store = Store::in_memory().await.unwrap();
        store
            .record_incident_posts(&[post("investigating", 7, 8)])
            .await
            .unwrap();
        // Read again a minute later, with the next post.
        store
            .record_incident_posts(&[post("identified", 10, 11), post("investigating", 7, 11)])
            .await
            .unwrap();
        let from = Utc.with_ymd_and_hms(2026, 6, 5, 15, 0, 0).unwrap();
        let posts = store
            .incident_posts_between("anthropic", from, from + chrono::Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(
            posts,
            [post("investigating", 7, 8), post("identified", 10, 11)]
        );
        assert!(posts[0].names("claude-opus-4-8") && !posts[0].names("claude-sonnet-4-6"));
        assert!(
            store
                .incident_posts_between("openai", from, from + chrono::Duration::hours(1))
                .await
                .unwrap()
                .is_empty()
        );
    }
}
