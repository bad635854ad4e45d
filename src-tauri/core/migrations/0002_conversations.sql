-- Conversations, their messages, and the person's unsent drafts. Every message is written
-- before it is sent, and an answer is written as it streams, so nothing shown is ever lost.
CREATE TABLE conversations (
    id         TEXT PRIMARY KEY NOT NULL,
    title      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE messages (
    id              TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    text            TEXT NOT NULL,
    -- user: sent | failed ; assistant: streaming | complete | incomplete | failed | cancelled
    status          TEXT NOT NULL,
    -- The model that wrote (or was asked to write) an assistant message.
    provider        TEXT,
    model           TEXT,
    -- The preferred model a fallback answer stood in for (empty unless a fallback answered).
    stood_in_for_provider TEXT,
    stood_in_for_model    TEXT,
    -- Why a message failed or stopped: the failure as JSON (class, status, provider's words).
    failure         TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at);

-- One draft per conversation; '' is the draft of a conversation not started yet.
CREATE TABLE drafts (
    conversation_id TEXT PRIMARY KEY NOT NULL,
    text            TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
