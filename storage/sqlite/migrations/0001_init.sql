-- vnstock-api embedded schema, version 1 (the SQLite twin of
-- storage/postgres/migrations/0001_init.sql). Times are INTEGER unix
-- microseconds (UTC instants), days TEXT YYYY-MM-DD (ICT), booleans 0/1.
-- STRICT tables refuse values of the wrong type; WITHOUT ROWID keeps rows in
-- primary-key order, which is the order they are read in.

CREATE TABLE IF NOT EXISTS bars (
    symbol   TEXT    NOT NULL,
    asset    TEXT    NOT NULL,
    interval TEXT    NOT NULL,
    adjusted INTEGER NOT NULL,
    time     INTEGER NOT NULL,
    open     REAL    NOT NULL,
    high     REAL    NOT NULL,
    low      REAL    NOT NULL,
    close    REAL    NOT NULL,
    volume   INTEGER NOT NULL,
    closed   INTEGER NOT NULL,
    source   TEXT    NOT NULL,
    PRIMARY KEY (symbol, asset, interval, adjusted, time)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS coverage (
    symbol    TEXT    NOT NULL,
    asset     TEXT    NOT NULL,
    interval  TEXT    NOT NULL,
    adjusted  INTEGER NOT NULL,
    from_time INTEGER NOT NULL,
    to_time   INTEGER NOT NULL,
    PRIMARY KEY (symbol, asset, interval, adjusted, from_time),
    CHECK (from_time < to_time)
) STRICT, WITHOUT ROWID;

-- body is the JSON text exactly as given (key order is vnstock's column order).
CREATE TABLE IF NOT EXISTS docs (
    kind       TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    symbol     TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    fetched_at INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    PRIMARY KEY (kind, key)
) STRICT;
CREATE INDEX IF NOT EXISTS docs_symbol ON docs (symbol) WHERE symbol <> '';

CREATE TABLE IF NOT EXISTS trades (
    symbol       TEXT    NOT NULL,
    time         INTEGER NOT NULL,
    price        INTEGER NOT NULL,
    volume       INTEGER NOT NULL,
    trade_id     TEXT    NOT NULL,
    side         TEXT    NOT NULL,
    total_volume INTEGER NOT NULL,
    source       TEXT    NOT NULL,
    PRIMARY KEY (symbol, time, price, volume, trade_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS trades_time ON trades (time);

-- API keys: the SHA-256 of the key, never the key. scopes is a JSON array.
CREATE TABLE IF NOT EXISTS api_keys (
    id             TEXT    PRIMARY KEY,
    prefix         TEXT    NOT NULL,
    hash           BLOB    NOT NULL UNIQUE CHECK (length(hash) = 32),
    name           TEXT    NOT NULL,
    scopes         TEXT    NOT NULL,
    rps            REAL    NOT NULL,
    burst          INTEGER NOT NULL,
    daily_quota    INTEGER NOT NULL,
    max_streams    INTEGER NOT NULL,
    max_topics     INTEGER NOT NULL,
    messages_per_s REAL    NOT NULL,
    created_at     INTEGER NOT NULL,
    last_used      INTEGER,
    expires_at     INTEGER,
    revoked        INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS usage (
    key_id         TEXT    NOT NULL,
    day            TEXT    NOT NULL,
    class          TEXT    NOT NULL,
    requests       INTEGER NOT NULL,
    stream_seconds INTEGER NOT NULL,
    events         INTEGER NOT NULL,
    bytes          INTEGER NOT NULL,
    PRIMARY KEY (key_id, day, class)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS usage_day ON usage (day);
