// Number formatting and the board's colour convention, shared by every view.
// Prices arrive in VND (integers for stocks); boards show them in thousands.

const group = new Intl.NumberFormat('en-US');
const dec2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });

/** A stock price in VND shown in thousands with two decimals; '' for none. */
export function price(v) {
  return v > 0 ? dec2.format(v / 1000) : '';
}

/** A signed price change in thousands. */
export function change(v) {
  if (v === 0) return '0.00';
  if (!Number.isFinite(v)) return '';
  return (v > 0 ? '+' : '') + dec2.format(v / 1000);
}

/** A signed percentage with two decimals. */
export function percent(v) {
  if (!Number.isFinite(v)) return '';
  return (v > 0 ? '+' : '') + dec2.format(v) + '%';
}

/** A volume in shares with thousands separators; '' for zero. */
export function volume(v) {
  return v > 0 ? group.format(v) : '';
}

/** A large number in compact form (1.2M, 3.4B). */
export function short(v) {
  return Number.isFinite(v) ? compact.format(v) : '';
}

/** An index level with two decimals. */
export function points(v) {
  return Number.isFinite(v) ? dec2.format(v) : '';
}

/** A generic table number: integers grouped, others with two decimals. */
export function number(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return v == null ? '' : String(v);
  return Number.isInteger(v) ? group.format(v) : dec2.format(v);
}

/**
 * The colour class of a price against the day's reference, ceiling and
 * floor: ceiling purple, floor cyan, reference yellow, up green, down red.
 */
export function tone(p, q) {
  if (!(p > 0) || !q) return '';
  if (q.ceiling_price > 0 && p >= q.ceiling_price) return 'c-ceil';
  if (q.floor_price > 0 && p <= q.floor_price) return 'c-floor';
  if (p > q.reference_price) return 'c-up';
  if (p < q.reference_price) return 'c-down';
  return 'c-ref';
}

/** The colour class of a signed change. */
export function toneOf(delta) {
  if (delta > 0) return 'c-up';
  if (delta < 0) return 'c-down';
  return 'c-ref';
}

/** HH:MM:SS of an RFC 3339 time in the market's zone (+07:00). */
export function clock(iso) {
  if (typeof iso !== 'string') return '';
  const m = /T(\d\d:\d\d:\d\d)/.exec(iso);
  return m ? m[1] : '';
}

/** Phase names of the session topic, as traders say them. */
export const PHASES = {
  pre_open: 'Pre-open',
  ato: 'ATO',
  continuous: 'Continuous',
  lunch_break: 'Lunch break',
  atc: 'ATC',
  put_through: 'Put-through',
  closed: 'Closed',
};
