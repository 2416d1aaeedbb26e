-- Inputs that were read but gave no article (a page without article text, a text that cleans to
-- nothing): a re-run skips them by their fingerprint instead of cleaning them and warning again.
CREATE TABLE IF NOT EXISTS skipped_inputs (
    raw_hash   VARCHAR PRIMARY KEY,       -- hash of (doc, raw text), as articles.raw_hash
    doc        VARCHAR NOT NULL,
    reason     VARCHAR NOT NULL,
    run_id     VARCHAR,
    first_seen TIMESTAMP DEFAULT current_timestamp
);
