-- Every attempt this app made, as the health engine heard it: the raw material of the
-- error-rate charts and of "this app noticed first".
CREATE TABLE attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    provider    TEXT NOT NULL,
    model       TEXT NOT NULL,
    at          TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    -- 'answered', or the failure class: reason / request_rejected / no_answer / stream_broken
    outcome     TEXT NOT NULL,
    reason_kind TEXT,
    http_status INTEGER
);
CREATE INDEX attempts_by_model ON attempts (provider, model, at);
