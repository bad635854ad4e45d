-- Each provider's own model list, as last read in full: the picker shows it at once on the
-- next start, offline too. A failed reading keeps the last good list and notes the problem.
CREATE TABLE model_lists (
    provider   TEXT PRIMARY KEY,
    -- When the list below was read (RFC 3339); NULL while no reading has ever succeeded.
    listed_at  TEXT,
    -- The ListedModel entries, as JSON.
    models     TEXT NOT NULL DEFAULT '[]',
    -- The last attempt to read it, and what went wrong then (NULL: it worked).
    checked_at TEXT NOT NULL,
    problem    TEXT
);
