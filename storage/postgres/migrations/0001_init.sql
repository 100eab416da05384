-- vnstock-api schema, version 1. Every statement is idempotent (IF NOT
-- EXISTS), so re-running a migration that half-applied is harmless; the
-- runner also records each version in schema_migrations.

-- OHLCV bars, one row per (series, time). Prices are VND for stocks, points
-- for indices; volume in shares.
CREATE TABLE IF NOT EXISTS bars (
    symbol   text             NOT NULL,
    asset    text             NOT NULL,
    interval text             NOT NULL,
    adjusted boolean          NOT NULL,
    time     timestamptz      NOT NULL,
    open     double precision NOT NULL,
    high     double precision NOT NULL,
    low      double precision NOT NULL,
    close    double precision NOT NULL,
    volume   bigint           NOT NULL,
    closed   boolean          NOT NULL,
    source   text             NOT NULL,
    PRIMARY KEY (symbol, asset, interval, adjusted, time)
);

-- The ranges [from_time, to_time) of each series already fetched from an
-- upstream; rows of one series never overlap or touch (AddCoverage merges).
CREATE TABLE IF NOT EXISTS coverage (
    symbol    text        NOT NULL,
    asset     text        NOT NULL,
    interval  text        NOT NULL,
    adjusted  boolean     NOT NULL,
    from_time timestamptz NOT NULL,
    to_time   timestamptz NOT NULL,
    PRIMARY KEY (symbol, asset, interval, adjusted, from_time),
    CHECK (from_time < to_time)
);

-- The latest upstream answer per (kind, key) that is not a bar series.
-- body is json, not jsonb: jsonb reorders object keys, and a Frame's keys
-- are vnstock's column order.
CREATE TABLE IF NOT EXISTS docs (
    kind       text        NOT NULL,
    key        text        NOT NULL,
    symbol     text        NOT NULL,
    source     text        NOT NULL,
    fetched_at timestamptz NOT NULL,
    body       json        NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX IF NOT EXISTS docs_symbol ON docs (symbol) WHERE symbol <> '';

-- Intraday trades of recent sessions; a trade is identified by all of
-- (symbol, time, price, volume, trade_id), trade_id '' when the source has none.
CREATE TABLE IF NOT EXISTS trades (
    symbol       text        NOT NULL,
    time         timestamptz NOT NULL,
    price        bigint      NOT NULL,
    volume       bigint      NOT NULL,
    trade_id     text        NOT NULL,
    side         text        NOT NULL,
    total_volume bigint      NOT NULL,
    source       text        NOT NULL,
    PRIMARY KEY (symbol, time, price, volume, trade_id)
);
CREATE INDEX IF NOT EXISTS trades_time ON trades (time);

-- API keys: the SHA-256 of the key, never the key.
CREATE TABLE IF NOT EXISTS api_keys (
    id             text             PRIMARY KEY,
    prefix         text             NOT NULL,
    hash           bytea            NOT NULL UNIQUE CHECK (octet_length(hash) = 32),
    name           text             NOT NULL,
    scopes         text[]           NOT NULL,
    rps            double precision NOT NULL,
    burst          integer          NOT NULL,
    daily_quota    bigint           NOT NULL,
    max_streams    integer          NOT NULL,
    max_topics     integer          NOT NULL,
    messages_per_s double precision NOT NULL,
    created_at     timestamptz      NOT NULL,
    last_used      timestamptz,
    expires_at     timestamptz,
    revoked        boolean          NOT NULL
);

-- Usage counters per key, ICT day and endpoint class; writes add.
CREATE TABLE IF NOT EXISTS usage (
    key_id         text   NOT NULL,
    day            date   NOT NULL,
    class          text   NOT NULL,
    requests       bigint NOT NULL,
    stream_seconds bigint NOT NULL,
    events         bigint NOT NULL,
    bytes          bigint NOT NULL,
    PRIMARY KEY (key_id, day, class)
);
CREATE INDEX IF NOT EXISTS usage_day ON usage (day);
