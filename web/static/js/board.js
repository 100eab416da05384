// The price board: one row per symbol of a group (VN30, HOSE, HNX30, VN100, a
// saved watchlist), laid out as Vietnamese iBoard-style boards are. Quotes only
// mark rows dirty; one animation frame applies every change, touching only
// the cells whose text or colour changed, so hundreds of rows stay smooth.

import * as fmt from './format.js';

const FLASH_MS = 450;
const RESORT_MS = 1000;
const WATCH_KEY = 'vnstock.watchlist';
const GROUP_KEY = 'vnstock.group';
const DEFAULT_WATCH = ['VNM', 'FPT', 'HPG', 'MWG', 'VCB', 'SSI'];

/** The groups offered; WATCHLIST is the browser's saved list. */
export const GROUPS = ['VN30', 'VN100', 'HOSE', 'HNX30', 'HNX', 'UPCOM', 'WATCHLIST'];

const WIDE = new Set(['total', 'fbuy', 'fsell']);
const lvl = (side, n, f) => (q) => q[side + '_' + f + '_' + n] || 0;
const byPrice = (get) => (q) => fmt.tone(get(q), q);
const fixed = (cls) => () => cls;

function col(id, label, group, value, text, tone) {
  return { id, label, group, value, text, tone };
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

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export class Board {
  constructor(root, conn, rest) {
    this.root = root;
    this.conn = conn;
    this.rest = rest;
    this.table = root.querySelector('#board');
    this.tbody = this.table.tBodies[0];
    this.caption = root.querySelector('#board-status');
    this.select = root.querySelector('#group');
    this.watchForm = root.querySelector('#watch-form');
    this.watchInput = root.querySelector('#watch-input');
    this.rows = new Map(); // symbol -> {sym, q, tr, cells, text, cls, num}
    this.dirty = new Set();
    this.structure = false;
    this.flashing = new Map(); // cell -> expiry (ms)
    this.flashTimer = 0;
    this.raf = 0;
    this.visible = true;
    this.sortKey = 'sym';
    this.sortDir = 1;
    this.lastSort = 0;
    this.group = '';
    this.topics = [];
    this.members = null; // Set of symbols, null while unknown
    this.error = '';
    this.buildHead();
  }

  start() {
    const store = storage();
    const saved = store && store.getItem(GROUP_KEY);
    this.conn.on('quote', (m) => this.onQuote(m));
    this.conn.onControl((m) => this.onControl(m));
    this.select.addEventListener('change', () => this.setGroup(this.select.value));
    this.watchForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const list = parseWatchlist(this.watchInput.value);
      if (store) store.setItem(WATCH_KEY, list.join(','));
      this.setGroup('WATCHLIST');
    });
    this.tbody.addEventListener('click', (e) => {
      const tr = e.target.closest('tr');
      if (tr && tr.dataset.sym && !e.target.closest('a')) window.location.hash = '#/s/' + tr.dataset.sym;
    });
    this.setGroup(GROUPS.includes(saved) ? saved : 'VN30');
  }

  watchlist() {
    const store = storage();
    const saved = store && store.getItem(WATCH_KEY);
    return saved === null || saved === undefined ? DEFAULT_WATCH : parseWatchlist(saved);
  }

  /** Shows a group: releases the old topics, clears the rows, holds the new ones. */
  setGroup(g) {
    this.conn.unsubscribe(this.topics);
    for (const r of this.rows.values()) if (r.tr) r.tr.remove();
    this.rows.clear();
    this.dirty.clear();
    this.group = g;
    this.error = '';
    this.select.value = g;
    const store = storage();
    if (store) store.setItem(GROUP_KEY, g);
    this.watchForm.hidden = g !== 'WATCHLIST';
    this.table.setAttribute('aria-label', (g === 'WATCHLIST' ? 'Watchlist' : g) + ' price board');
    if (g === 'WATCHLIST') {
      const list = this.watchlist();
      this.watchInput.value = list.join(', ');
      this.members = new Set(list);
      this.topics = list.map((s) => 'quote:' + s);
    } else {
      this.members = null;
      this.topics = ['quote:@' + g];
    }
    this.conn.subscribe(this.topics);
    this.fill();
    this.updateCaption();
  }

  /**
   * Reads the group's current rows over REST: they give the members (so that
   * quotes another view holds do not leak in) and values for symbols this
   * connection already held, for which the server sends no new snapshot.
   */
  async fill() {
    const g = this.group;
    const query = this.topics.map(encodeURIComponent).join(',');
    const res = await this.rest.get('/v1/market/snapshot?topics=' + query);
    if (this.group !== g) return;
    if (res.status === 200 && Array.isArray(res.data)) {
      if (g !== 'WATCHLIST') {
        this.members = new Set(res.data.map((r) => r.topic.slice(6)));
        this.prune();
      }
      this.conn.ingestSnapshots(res.data);
    } else if (res.status === 400) {
      this.error = (res.error && res.error.message) || g + ': not available';
      if (g !== 'WATCHLIST') this.members = new Set();
      this.prune();
    }
    // Others (unreachable, 401, 5xx): keep members unknown and take rows from
    // the WebSocket snapshots; the next reconnect tries again.
    this.updateCaption();
  }

  prune() {
    if (!this.members) return;
    for (const [sym, r] of this.rows) {
      if (!this.members.has(sym)) {
        if (r.tr) r.tr.remove();
        this.rows.delete(sym);
        this.dirty.delete(sym);
      }
    }
    this.structure = true;
    this.schedule();
  }

  onControl(m) {
    if (m.type === 'resnapshot') {
      this.fill();
      return;
    }
    if (m.type === 'error' && typeof m.message === 'string' && this.topics.some((t) => m.message.startsWith(t + ':'))) {
      this.error = m.message;
      this.updateCaption();
    }
  }

  onQuote(m) {
    const q = m.data;
    if (!q || typeof q.symbol !== 'string') return;
    const sym = q.symbol;
    if (this.members && !this.members.has(sym)) return;
    let r = this.rows.get(sym);
    if (!r) {
      r = { sym, q, tr: null, cells: null, text: [], cls: [], num: [] };
      this.rows.set(sym, r);
      this.structure = true;
    }
    r.q = q;
    this.dirty.add(sym);
    this.schedule();
  }

  setVisible(v) {
    this.visible = v;
    this.root.hidden = !v;
    if (v) this.schedule();
  }

  schedule() {
    if (!this.raf && this.visible) this.raf = requestAnimationFrame((t) => this.render(t));
  }

  render(now) {
    this.raf = 0;
    if (!this.visible) return;
    for (const sym of this.dirty) {
      const r = this.rows.get(sym);
      if (r) this.paint(r, now);
    }
    this.dirty.clear();
    const live = this.sortKey !== 'sym';
    if (this.structure || (live && now - this.lastSort >= RESORT_MS)) {
      this.order(now);
      this.updateCaption();
    }
  }

  /** Creates a row's cells (first paint) and writes what changed. */
  paint(r, now) {
    const q = r.q;
    if (!r.tr) {
      r.tr = document.createElement('tr');
      r.tr.dataset.sym = r.sym;
      r.cells = COLUMNS.map((c) => {
        const td = document.createElement(c.id === 'sym' ? 'th' : 'td');
        if (c.id === 'sym') {
          td.scope = 'row';
          const a = document.createElement('a');
          a.href = '#/s/' + r.sym;
          a.textContent = r.sym;
          td.appendChild(a);
        }
        r.tr.appendChild(td);
        return td;
      });
      this.structure = true;
    }
    for (let i = 1; i < COLUMNS.length; i++) {
      const c = COLUMNS[i];
      const v = c.value(q);
      const text = c.text(v);
      const cls = c.tone(q);
      const cell = r.cells[i];
      if (text !== r.text[i]) {
        cell.textContent = text;
        if (r.text[i] !== undefined && Number.isFinite(v) && Number.isFinite(r.num[i]) && v !== r.num[i]) {
          this.flash(cell, v > r.num[i] ? 'fl-up' : 'fl-dn', now);
        }
        r.text[i] = text;
      }
      r.num[i] = v;
      if (cls !== r.cls[i]) {
        cell.className = cls;
        r.cls[i] = cls;
      }
    }
    const symCls = COLUMNS[0].tone(q);
    if (symCls !== r.cls[0]) {
      r.cells[0].className = symCls;
      r.cls[0] = symCls;
    }
  }

  flash(cell, cls, now) {
    cell.classList.remove(cls === 'fl-up' ? 'fl-dn' : 'fl-up');
    cell.classList.add(cls);
    this.flashing.set(cell, now + FLASH_MS);
    if (!this.flashTimer) this.flashTimer = setTimeout(() => this.unflash(), FLASH_MS / 3);
  }

  unflash() {
    this.flashTimer = 0;
    const now = performance.now();
    for (const [cell, until] of this.flashing) {
      if (until <= now) {
        cell.classList.remove('fl-up', 'fl-dn');
        this.flashing.delete(cell);
      }
    }
    if (this.flashing.size > 0) this.flashTimer = setTimeout(() => this.unflash(), FLASH_MS / 3);
  }

  /** Puts the rows in sort order, moving only rows that are out of place. */
  order(now) {
    this.structure = false;
    this.lastSort = now;
    const idx = COLUMNS.findIndex((c) => c.id === this.sortKey);
    const c = COLUMNS[idx];
    const dir = this.sortDir;
    const rows = [...this.rows.values()].filter((r) => r.tr);
    rows.sort((a, b) => {
      if (idx === 0) return dir * (a.sym < b.sym ? -1 : a.sym > b.sym ? 1 : 0);
      const x = c.value(a.q), y = c.value(b.q);
      const fx = Number.isFinite(x), fy = Number.isFinite(y);
      if (fx !== fy) return fx ? -1 : 1; // no value sorts last either way
      return (fx && x !== y ? dir * (x - y) : 0) || (a.sym < b.sym ? -1 : 1);
    });
    const kids = this.tbody.rows;
    for (let i = 0; i < rows.length; i++) {
      if (kids[i] !== rows[i].tr) this.tbody.insertBefore(rows[i].tr, kids[i] || null);
    }
  }

  buildHead() {
    const cols = document.createElement('colgroup');
    for (const c of COLUMNS) {
      const el = document.createElement('col');
      el.className = c.id === 'sym' ? 'c-sym' : c.id === 'pct' ? 'c-pct' : WIDE.has(c.id) ? 'c-wide' : c.text === fmt.price || c.text === fmt.change ? 'c-price' : 'c-vol';
      cols.appendChild(el);
    }
    this.table.insertBefore(cols, this.table.tHead);
    const thead = this.table.tHead;
    const top = document.createElement('tr');
    const leaf = document.createElement('tr');
    let i = 0;
    while (i < COLUMNS.length) {
      const g = COLUMNS[i].group;
      if (!g) {
        const th = this.headCell(COLUMNS[i]);
        th.rowSpan = 2;
        top.appendChild(th);
        i++;
        continue;
      }
      let n = 0;
      while (i + n < COLUMNS.length && COLUMNS[i + n].group === g) {
        leaf.appendChild(this.headCell(COLUMNS[i + n]));
        n++;
      }
      const th = document.createElement('th');
      th.colSpan = n;
      th.scope = 'colgroup';
      th.className = 'grp';
      th.textContent = g;
      top.appendChild(th);
      i += n;
    }
    thead.append(top, leaf);
    this.updateSortMarks();
  }

  headCell(c) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.dataset.col = c.id;
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = c.label;
    b.title = 'Sort by ' + (c.group ? c.group + ' ' : '') + c.label;
    b.addEventListener('click', () => this.sortBy(c.id));
    th.appendChild(b);
    return th;
  }

  sortBy(id) {
    if (this.sortKey === id) this.sortDir = -this.sortDir;
    else {
      this.sortKey = id;
      this.sortDir = id === 'sym' ? 1 : -1;
    }
    this.updateSortMarks();
    this.structure = true;
    this.schedule();
  }

  updateSortMarks() {
    for (const th of this.table.tHead.querySelectorAll('th[data-col]')) {
      const on = th.dataset.col === this.sortKey;
      if (on) th.setAttribute('aria-sort', this.sortDir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
  }

  updateCaption() {
    const name = this.group === 'WATCHLIST' ? 'Watchlist' : this.group;
    const n = this.tbody.rows.length;
    let text;
    if (this.error) text = name + ': ' + this.error;
    else if (n === 0) text = name + ': waiting for quotes…';
    else text = name + ' · ' + n + ' symbols · prices in thousand VND, volumes in shares';
    if (this.caption.textContent !== text) this.caption.textContent = text;
    this.caption.classList.toggle('bad', Boolean(this.error));
  }
}
