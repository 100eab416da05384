// The price board's columns: what each shows, how it is formatted and
// coloured, and how wide it is. iBoard order: symbol, reference/ceiling/
// floor, three bids, the last match, three asks, high/low, total volume,
// foreign buy/sell/room.

import * as fmt from './format.js';

const lvl = (side, n, f) => (q) => q[side + '_' + f + '_' + n] || 0;
const byPrice = (get) => (q) => fmt.tone(get(q), q);
const fixed = (cls) => () => cls;

// Column widths in px by the kind of value shown.
const WIDTH = { sym: 60, price: 47, pct: 52, vol: 58, wide: 72 };
const WIDE = new Set(['total', 'fbuy', 'fsell']);
// The last column of each group carries a stronger separator.
const GROUP_ENDS = new Set(['floor', 'b1v', 'pct', 'a3v', 'low']);

function col(id, label, group, value, text, tone) {
  let width = WIDTH.vol;
  if (id === 'sym') width = WIDTH.sym;
  else if (id === 'pct') width = WIDTH.pct;
  else if (WIDE.has(id)) width = WIDTH.wide;
  else if (text === fmt.price || text === fmt.change) width = WIDTH.price;
  const base = GROUP_ENDS.has(id) ? 'cell sep' : 'cell';
  return { id, label, group, value, text, tone, width, base };
}

/** The board's columns in display order. */
export const COLUMNS = [
  col('sym', 'Symbol', '', (q) => q.symbol, (v) => v, byPrice((q) => q.close_price)),
  col('ref', 'Ref', '', (q) => q.reference_price, fmt.price, fixed('c-ref')),
  col('ceil', 'Ceil', '', (q) => q.ceiling_price, fmt.price, fixed('c-ceil')),
  col('floor', 'Floor', '', (q) => q.floor_price, fmt.price, fixed('c-floor')),
  ...[3, 2, 1].flatMap((n) => [
    col('b' + n + 'p', 'P' + n, 'Bid', lvl('bid', n, 'price'), fmt.price, byPrice(lvl('bid', n, 'price'))),
    col('b' + n + 'v', 'V' + n, 'Bid', lvl('bid', n, 'vol'), fmt.volume, byPrice(lvl('bid', n, 'price'))),
  ]),
  col('last', 'Price', 'Matched', (q) => q.close_price, fmt.price, byPrice((q) => q.close_price)),
  col('lastVol', 'Vol', 'Matched', (q) => q.close_volume, fmt.volume, byPrice((q) => q.close_price)),
  col('chg', '±', 'Matched', (q) => (q.close_price > 0 ? q.price_change : NaN), fmt.change, byPrice((q) => q.close_price)),
  col('pct', '%', 'Matched', (q) => (q.close_price > 0 ? q.percent_change : NaN), fmt.percent, byPrice((q) => q.close_price)),
  ...[1, 2, 3].flatMap((n) => [
    col('a' + n + 'p', 'P' + n, 'Ask', lvl('ask', n, 'price'), fmt.price, byPrice(lvl('ask', n, 'price'))),
    col('a' + n + 'v', 'V' + n, 'Ask', lvl('ask', n, 'vol'), fmt.volume, byPrice(lvl('ask', n, 'price'))),
  ]),
  col('high', 'High', '', (q) => q.high_price, fmt.price, byPrice((q) => q.high_price)),
  col('low', 'Low', '', (q) => q.low_price, fmt.price, byPrice((q) => q.low_price)),
  col('total', 'Total vol', '', (q) => q.volume_accumulated, fmt.volume, fixed('')),
  col('fbuy', 'Buy', 'Foreign', (q) => q.foreign_buy_volume, fmt.volume, fixed('')),
  col('fsell', 'Sell', 'Foreign', (q) => q.foreign_sell_volume, fmt.volume, fixed('')),
  col('room', 'Room', 'Foreign', (q) => q.foreign_room, fmt.short, fixed('')),
];

/** Parses a typed watchlist: symbols split by spaces or commas, upper-cased, deduplicated. */
export function parseWatchlist(text) {
  const out = [];
  for (const part of String(text).split(/[\s,;]+/)) {
    const s = part.trim().toUpperCase();
    if (/^[A-Z0-9]{1,16}$/.test(s) && !out.includes(s)) out.push(s);
  }
  return out;
}

/** The CSS grid template of a row: one track per column. */
export const TEMPLATE = COLUMNS.map((c) => c.width + 'px').join(' ');
