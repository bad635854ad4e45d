-- Per-model statistics (issue 19): whose side each failed attempt was on, and how long the
-- first text took, so error rates by side and time to first token can be counted.
ALTER TABLE attempts ADD COLUMN side TEXT;
ALTER TABLE attempts ADD COLUMN first_text_ms INTEGER;
-- Attempts recorded before this migration: the side their outcome and reason name (the same
-- mapping as `FailureClass::blame`).
UPDATE attempts SET side = CASE
    WHEN outcome = 'answered' THEN NULL
    WHEN outcome = 'stream_broken' THEN 'provider'
    WHEN outcome = 'request_rejected' THEN 'yours'
    WHEN outcome IN ('no_answer', 'not_the_api') THEN 'network'
    WHEN reason_kind IN ('provider_incident', 'elevated_errors', 'overloaded', 'maintenance',
                         'model_retired') THEN 'provider'
    WHEN reason_kind = 'offline' THEN 'network'
    WHEN reason_kind IN ('rate_limited', 'quota_exhausted', 'not_permitted', 'auth_failed',
                         'admin_disabled', 'not_configured', 'wrong_endpoint') THEN 'yours'
    ELSE 'other'
END;
-- Each model's attempts per minute: what the statistics read. Thirty days are at most 43,200
-- rows a model however many attempts there were, so a million stay interactive.
CREATE TABLE attempt_minutes (
    provider        TEXT NOT NULL,
    model           TEXT NOT NULL,
    -- Unix seconds of the minute's start.
    minute          INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    provider_failed INTEGER NOT NULL,
    yours_failed    INTEGER NOT NULL,
    network_failed  INTEGER NOT NULL,
    other_failed    INTEGER NOT NULL,
    -- Answered attempts that timed their first text, and those times summed.
    timed           INTEGER NOT NULL,
    first_text_ms   INTEGER NOT NULL,
    PRIMARY KEY (provider, model, minute)
);
INSERT INTO attempt_minutes
SELECT provider, model, CAST(strftime('%s', at) AS INTEGER) / 60 * 60, COUNT(*),
       SUM(side = 'provider'), SUM(side = 'yours'), SUM(side = 'network'), SUM(side = 'other'),
       0, 0
FROM attempts GROUP BY 1, 2, 3;

-- Every post a provider's status page made about an incident, as first read: the second lane
-- of an episode's timeline, beside what this app saw.
CREATE TABLE incident_posts (
    provider      TEXT NOT NULL,
    incident_id   TEXT NOT NULL,
    incident_name TEXT NOT NULL,
    link          TEXT,
    -- The model ids the incident named when this post was read (a JSON list), or every model.
    models        TEXT NOT NULL,
    all_models    INTEGER NOT NULL,
    status        TEXT NOT NULL,
    body          TEXT NOT NULL,
    posted_at     TEXT NOT NULL,
    -- When this app first read it.
    seen_at       TEXT NOT NULL,
    PRIMARY KEY (provider, incident_id, posted_at, status)
);
CREATE INDEX incident_posts_by_time ON incident_posts (provider, posted_at);

-- Who answered before and after an episode: a model's answers by time.
CREATE INDEX messages_by_model ON messages (provider, model, updated_at);
