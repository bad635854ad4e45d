//! The board's history doors: one episode, its timeline beside the provider's posts, and a
//! model's statistics over the last hour, day and 30 days.

use super::Core;
use crate::history::Episode;
use crate::stats::ModelStats;
use crate::store::StoreError;
use crate::timeline::{ONSET_WINDOW, POST_WINDOW, Timeline, TimelineInput};
use crate::vocabulary::ModelRef;
use chrono::Duration;

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("No episode \"{0}\" in the last 30 days; `switchboard history` lists them")]
    UnknownEpisode(String),
    #[error("Switchboard does not list the model {0}")]
    UnknownModel(ModelRef),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How far back episodes are looked up by id.
const KEPT: Duration = Duration::days(30);

/// Attempts read for one timeline, at most: a day's worth of a busy model.
const TIMELINE_ATTEMPTS: u32 = 5_000;

impl Core {
    /// The episode `id` of the last 30 days.
    pub async fn episode(&self, id: &str) -> Result<Episode, HistoryError> {
        let since = self.clock.now() - KEPT;
        self.history(since, None)
            .await?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or_else(|| HistoryError::UnknownEpisode(id.to_string()))
    }

    /// Episode `id`'s timeline: this app's observations, the provider's posts and the
    /// workspace's changes on one axis, the lead time in words, and the model's identity
    /// before and after.
    pub async fn episode_timeline(&self, id: &str) -> Result<Timeline, HistoryError> {
        self.timeline_of(self.episode(id).await?).await
    }

    /// The timeline of an episode already read.
    pub(crate) async fn timeline_of(&self, episode: Episode) -> Result<Timeline, HistoryError> {
        let now = self.clock.now();
        let catalog = self.catalog();
        let model = &episode.model;
        let model_name = catalog
            .model(&model.provider, &model.model)
            .map_or(model.model.clone(), |m| m.display_name.clone());
        let provider_name = catalog
            .provider(&model.provider)
            .map_or(model.provider.clone(), |p| p.name.clone());
        let end = episode.ended.unwrap_or(now);
        // A little past the end: the first answer again may come just after the state changed.
        let after_end = end + Duration::minutes(5);
        let attempts = self
            .store
            .attempts_between(
                model,
                episode.started - ONSET_WINDOW,
                after_end,
                TIMELINE_ATTEMPTS,
            )
            .await?;
        let transitions: Vec<_> = self
            .store
            .transitions_since(episode.started, Some(model))
            .await?
            .into_iter()
            .filter(|a| a.since.is_none_or(|s| s <= end))
            .collect();
        let posts = self
            .store
            .incident_posts_between(
                &model.provider,
                episode.started - POST_WINDOW,
                end + POST_WINDOW,
            )
            .await?;
        let before = self
            .store
            .answer_identities(model, episode.started - KEPT, episode.started, 1, true)
            .await?
            .pop();
        let after = match episode.ended {
            Some(ended) => self
                .store
                .answer_identities(model, ended, now, 1, false)
                .await?
                .pop(),
            None => None,
        };
        Ok(crate::timeline::timeline(&TimelineInput {
            episode: &episode,
            model_name: &model_name,
            provider_name: &provider_name,
            attempts: &attempts,
            transitions: &transitions,
            posts: &posts,
            before,
            after,
            now,
            times: &self.local_times(),
        }))
    }

    /// `model`'s requests, failures by side and time to first text over the last hour, day
    /// and 30 days, and the 30 days as a strip of days with their episodes.
    pub async fn model_stats(&self, model: &ModelRef) -> Result<ModelStats, HistoryError> {
        let catalog = self.catalog();
        let name = catalog
            .model(&model.provider, &model.model)
            .map(|m| m.display_name.clone())
            .ok_or_else(|| HistoryError::UnknownModel(model.clone()))?;
        let now = self.clock.now();
        let month_ago = now - Duration::days(crate::stats::DAYS + 1);
        let minutes = self
            .store
            .attempt_buckets(model, now - Duration::hours(25), 60)
            .await?;
        let quarters = self.store.attempt_buckets(model, month_ago, 900).await?;
        let episodes = self.history(month_ago, Some(model)).await?;
        Ok(crate::stats::model_stats(
            model,
            &name,
            &minutes,
            &quarters,
            &episodes,
            now,
            &self.local_times(),
        ))
    }
}
