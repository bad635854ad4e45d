-- Fallback with consent. Why an answer came from a stand-in model, kept with it: the row
-- already names the model that answered and the preferred model it stood in for.
ALTER TABLE messages ADD COLUMN stand_in_why TEXT;

-- Consents that are kept: "until it is back" (ended by the preferred model's return) and
-- "always" (until withdrawn). One of each scope per preferred model; a newer one replaces it.
CREATE TABLE consents (
    preferred_provider   TEXT NOT NULL,
    preferred_model      TEXT NOT NULL,
    alternative_provider TEXT NOT NULL,
    alternative_model    TEXT NOT NULL,
    scope                TEXT NOT NULL CHECK (scope IN ('until_back', 'always')),
    given_at             TEXT NOT NULL,
    -- "Until back": when the preferred model last came back, and whether it failed again
    -- soon after (then its next return must last before the conversation goes back to it).
    returned_at          TEXT,
    relapsed             INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (preferred_provider, preferred_model, scope)
);

-- Messages waiting for their model: sent, in order, when it is back. The id becomes the sent
-- question's id, so a message claimed for sending and interrupted by a crash is known on the
-- next start (sent if its question is in `messages`, waiting again if not).
CREATE TABLE queued_messages (
    id              TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    provider        TEXT NOT NULL,
    model           TEXT NOT NULL,
    queued_at       TEXT NOT NULL,
    claimed_at      TEXT
);
CREATE INDEX queued_messages_by_model ON queued_messages (provider, model, queued_at);
