// Bar arithmetic for the chart: market time, interval buckets and the fold of
// live one-minute bars (the `bar:<SYM>:1m` topic) into the candle of any
// interval from 1m to 1M. Pure functions and a small state machine, no DOM.
//
// Chart times are "ICT wall-clock seconds": Unix seconds shifted by +7 h, so
// that the chart (which draws UTC) labels candles with Vietnamese market time
// and day boundaries fall on ICT midnight.

export const INTERVALS = ['1m', '5m', '15m', '30m', '1H', '1D', '1W', '1M'];

const ICT_OFFSET = 7 * 3600;
const DAY = 86400;
const STEP = { '1m': 60, '5m': 300, '15m': 900, '30m': 1800, '1H': 3600, '1D': DAY };

/** Chart seconds of an RFC 3339 time; NaN when it does not parse. */
export function chartTime(iso) {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) + ICT_OFFSET : NaN;
}

/** Whether an interval is shorter than a day. */
export function intraday(iv) {
  return STEP[iv] !== undefined && STEP[iv] < DAY;
}

/**
 * Start of the bucket of interval iv holding chart time t, as the server's
 * market.Interval.Start: minutes and hours from ICT midnight, days at
 * midnight, weeks on Monday, months on the first.
 */
export function bucket(t, iv) {
  const step = STEP[iv];
  if (step) return t - (((t % step) + step) % step);
  const day = t - (((t % DAY) + DAY) % DAY);
  const d = new Date(day * 1000);
  if (iv === '1W') return day - ((d.getUTCDay() + 6) % 7) * DAY;
  if (iv === '1M') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
  return t;
}

/** How far back the chart's history request reaches, in days, by interval. */
const LOOKBACK = { '1m': 5, '5m': 20, '15m': 45, '30m': 60, '1H': 90, '1D': 365, '1W': 3 * 365, '1M': 10 * 365 };

/** The start and end days (YYYY-MM-DD, ICT) of the history request. */
export function historyRange(iv, nowMs = Date.now()) {
  const end = Math.floor(nowMs / 1000) + ICT_OFFSET;
  const start = end - (LOOKBACK[iv] || 365) * DAY;
  const day = (t) => new Date(t * 1000).toISOString().slice(0, 10);
  return { start: day(start), end: day(end) };
}

/** A candle {time, open, high, low, close, volume} from a bar payload. */
export function candleOf(b, scale = 1) {
  return {
    time: chartTime(b.time),
    open: b.open / scale,
    high: b.high / scale,
    low: b.low / scale,
    close: b.close / scale,
    volume: b.volume || 0,
  };
}

/**
 * Candles from REST rows: sorted by time, one per time (the later row wins),
 * rows with a bad time or price dropped.
 */
export function candlesFrom(rows, scale = 1) {
  const byTime = new Map();
  for (const r of Array.isArray(rows) ? rows : []) {
    const c = candleOf(r, scale);
    if (Number.isFinite(c.time) && [c.open, c.high, c.low, c.close].every(Number.isFinite)) byTime.set(c.time, c);
  }
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

function merge(a, b) {
  return {
    time: a.time,
    open: a.open,
    high: Math.max(a.high, b.high),
    low: Math.min(a.low, b.low),
    close: b.close,
    volume: a.volume + b.volume,
  };
}

/**
 * LiveBars folds one-minute candles into the current candle of an interval.
 * A minute bar is re-sent while it forms (each time complete for its minute),
 * so the candle is the completed minutes of its bucket (`base`) merged with
 * the latest version of the forming minute (`cur`).
 */
export class LiveBars {
  constructor(iv) {
    this.iv = iv;
    this.base = null;
    this.cur = null;
    this.last = null;
  }

  /** Starts from the last history candle (null when there is none). */
  seed(last) {
    this.base = last ? { ...last } : null;
    this.cur = null;
    this.last = last ? { ...last } : null;
  }

  /** Folds a minute candle; returns the candle to draw, or null when it is older than what is drawn. */
  apply(m) {
    if (!Number.isFinite(m.time)) return null;
    if (this.cur && m.time < this.cur.time) return null;
    const k = bucket(m.time, this.iv);
    if (this.last && k < this.last.time) return null;
    if (this.cur && m.time > this.cur.time) {
      const ck = bucket(this.cur.time, this.iv);
      const done = { ...this.cur, time: ck };
      this.base = this.base && this.base.time === ck ? merge(this.base, done) : done;
    }
    this.cur = m;
    if (this.base && this.base.time !== k) this.base = null;
    const minute = { ...m, time: k };
    this.last = this.base ? merge(this.base, minute) : minute;
    return this.last;
  }
}
