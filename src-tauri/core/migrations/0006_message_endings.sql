-- How an answer the provider finished ended: complete, at the length limit, stopped by the
-- provider's filter, refused, or the prompt blocked before it began — as JSON
-- ({"kind": "length_limit"}, {"kind": "filtered", "category": "SAFETY"}). Empty for answers
-- that did not finish (failed, cut off, stopped) and for those written before this column.
ALTER TABLE messages ADD COLUMN ending TEXT;
