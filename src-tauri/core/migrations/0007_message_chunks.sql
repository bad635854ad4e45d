-- The pieces of an answer while it streams, appended as they arrive: each piece is on disk
-- before it is on screen, and writing one costs its own size, not the whole answer's (which
-- made a long answer quadratic). When the answer ends its text is written whole to `messages`
-- and its pieces are dropped; after a crash they are folded into the text on the next start.
CREATE TABLE message_chunks (
    message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (message_id, seq)
);
