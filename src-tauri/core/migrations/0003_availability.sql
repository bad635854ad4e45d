-- Every availability transition (the outage history), and the last known state of each
-- model, so the window shows something true-ish at once on start (marked stale).
CREATE TABLE availability_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    provider    TEXT NOT NULL,
    model       TEXT NOT NULL,
    at          TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    reason_kind TEXT NOT NULL,
    source      TEXT NOT NULL,
    -- The whole ModelAvailability as JSON (reason, message, since, next check).
    availability TEXT NOT NULL
);
CREATE INDEX availability_events_by_model ON availability_events (provider, model, at);

CREATE TABLE model_state (
    provider     TEXT NOT NULL,
    model        TEXT NOT NULL,
    availability TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (provider, model)
);
