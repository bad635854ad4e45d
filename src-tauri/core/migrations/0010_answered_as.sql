-- Who answered, as the provider said it (its exact model, OpenAI's system fingerprint), as
-- JSON: the evidence that a model itself did or did not change across an incident.
ALTER TABLE messages ADD COLUMN answered_as TEXT;
