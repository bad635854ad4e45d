-- The outage history is read by time across every model (the board, `switchboard history`):
-- without this, each reading scans the whole table.
CREATE INDEX availability_events_by_time ON availability_events (at);
