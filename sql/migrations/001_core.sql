-- The core store: articles, duplicates, sentences, actors, topics, claims and their occurrences, runs, digests.
-- Keys are content hashes, so re-running over the same input inserts nothing new.

CREATE TABLE IF NOT EXISTS runs (
    run_id      VARCHAR PRIMARY KEY,
    kind        VARCHAR NOT NULL,          -- ingest, run, demo
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status      VARCHAR NOT NULL,          -- running, completed, failed
    stats       JSON                       -- counts and per-source summary
);

CREATE TABLE IF NOT EXISTS sources (
    name        VARCHAR PRIMARY KEY,       -- outlet as users know it ("Al Mayadeen English")
    kind        VARCHAR,                   -- file, feed, page
    url         VARCHAR,
    first_seen  TIMESTAMP DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS articles (
    article_id      VARCHAR PRIMARY KEY,   -- hash of (doc, normalised text)
    content_hash    VARCHAR NOT NULL,      -- hash of the normalised text: exact copies share it
    raw_hash        VARCHAR,               -- hash of (doc, raw text): a re-run skips known inputs
    doc             VARCHAR NOT NULL,      -- file name, or URL for web articles
    origin          VARCHAR NOT NULL,      -- file, web, feed
    url             VARCHAR,
    canonical_url   VARCHAR,
    source          VARCHAR,
    title           VARCHAR,
    author          VARCHAR,
    published       DATE,
    published_basis VARCHAR NOT NULL,      -- manifest, metadata, feed, text, none
    content_kind    VARCHAR NOT NULL,      -- page, feed-content, feed-summary
    text            VARCHAR NOT NULL,      -- cleaned text; evidence offsets point into it
    n_sentences     INTEGER NOT NULL,
    removed_lines   INTEGER NOT NULL DEFAULT 0,
    minhash         BLOB,                  -- MinHash signature (uint32 x num_perm) for near-dup search across runs
    run_id          VARCHAR,
    ingested_at     TIMESTAMP DEFAULT current_timestamp
);

-- A copy (syndicated, re-posted, same URL) of a canonical article: it adds a source, not claims.
CREATE TABLE IF NOT EXISTS duplicates (
    article_id   VARCHAR PRIMARY KEY,
    canonical_id VARCHAR NOT NULL,
    content_hash VARCHAR,
    raw_hash     VARCHAR,
    kind         VARCHAR NOT NULL,         -- exact, url, near
    similarity   DOUBLE NOT NULL,
    doc          VARCHAR NOT NULL,
    url          VARCHAR,
    source       VARCHAR,
    published    DATE,
    run_id       VARCHAR,
    ingested_at  TIMESTAMP DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS sentences (
    article_id VARCHAR NOT NULL,
    idx        INTEGER NOT NULL,
    start_char INTEGER NOT NULL,
    end_char   INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
);

CREATE TABLE IF NOT EXISTS actors (
    name       VARCHAR PRIMARY KEY,
    kind       VARCHAR,
    party      VARCHAR,
    status     VARCHAR NOT NULL,           -- canonical (watchlist) or discovered (from text)
    first_seen TIMESTAMP DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS aliases (
    alias      VARCHAR NOT NULL,
    actor      VARCHAR NOT NULL,
    status     VARCHAR NOT NULL,           -- confirmed (watchlist) or unconfirmed (fuzzy match, for review)
    score      DOUBLE,
    evidence   VARCHAR,
    first_seen TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (alias, actor)
);

CREATE TABLE IF NOT EXISTS topics (
    key     VARCHAR PRIMARY KEY,
    label   VARCHAR,
    phrases JSON
);

CREATE TABLE IF NOT EXISTS claims (
    claim_id     VARCHAR PRIMARY KEY,      -- hash of actor, speaker, stance, topic, normalised evidence
    actor        VARCHAR NOT NULL,
    actor_status VARCHAR NOT NULL,
    speaker      VARCHAR,
    speaker_text VARCHAR,
    stance       VARCHAR NOT NULL,
    polarity     INTEGER NOT NULL,
    topic        VARCHAR,
    evidence     VARCHAR NOT NULL,
    quote        VARCHAR,
    speech       VARCHAR NOT NULL,
    via          VARCHAR,
    condition    VARCHAR,
    said_on      DATE,
    confidence   DOUBLE NOT NULL,
    rules        JSON,
    first_seen   TIMESTAMP DEFAULT current_timestamp
);

-- One row per (claim, article): one statement in five outlets is one claim with five occurrences.
CREATE TABLE IF NOT EXISTS claim_occurrences (
    claim_id     VARCHAR NOT NULL,
    article_id   VARCHAR NOT NULL,
    doc          VARCHAR NOT NULL,
    start_char   INTEGER NOT NULL,
    end_char     INTEGER NOT NULL,
    source       VARCHAR,
    published    DATE,
    duplicate_of VARCHAR,                  -- the canonical article, when this occurrence is a copy's
    PRIMARY KEY (claim_id, article_id)
);

CREATE TABLE IF NOT EXISTS digests (
    day        DATE PRIMARY KEY,
    markdown   VARCHAR NOT NULL,
    html       VARCHAR,
    body       JSON NOT NULL,              -- {"day", "changed", "contradictions", "new", ...}
    run_id     VARCHAR,
    created_at TIMESTAMP DEFAULT current_timestamp
);

CREATE INDEX IF NOT EXISTS claims_actor_topic ON claims (actor, topic);
CREATE INDEX IF NOT EXISTS occurrences_published ON claim_occurrences (published);
CREATE INDEX IF NOT EXISTS articles_content_hash ON articles (content_hash);
