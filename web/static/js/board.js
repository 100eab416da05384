// The price board: one row per symbol of a group (VN30, HOSE, HNX30, VN100, a
// saved watchlist), laid out as Vietnamese iBoard-style boards are. Quotes only
// mark rows dirty; one animation frame applies every change, touching only
// the cells whose text or colour changed. Rows are contained grid rows that
// the browser skips while off screen (content-visibility), and rows scrolled
// out of view are not even written until they come back, so hundreds of rows
// cost about what the visible ones do.

import { COLUMNS, TEMPLATE, parseWatchlist } from './columns.js';

export { COLUMNS, parseWatchlist };

const FLASH_MS = 450;
const ROW_PX = 21; // .board .row height in app.css
const HEAD_PX = 2 * ROW_PX; // the two header rows
const MARGIN_ROWS = 10;
const RESORT_MS = 1000;
const WATCH_KEY = 'vnstock.watchlist';
const GROUP_KEY = 'vnstock.group';
const DEFAULT_WATCH = ['VNM', 'FPT', 'HPG', 'MWG', 'VCB', 'SSI'];

/** The groups offered; WATCHLIST is the browser's saved list. */
export const GROUPS = ['VN30', 'VN100', 'HOSE', 'HNX30', 'HNX', 'UPCOM', 'WATCHLIST'];

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function div(cls, role) {
  const d = document.createElement('div');
  d.className = cls;
  if (role) d.setAttribute('role', role);
  return d;
}

export class Board {
  constructor(root, conn, rest, frames) {
    this.root = root;
    this.frames = frames;
    this.renderFn = (now) => this.render(now);
    this.conn = conn;
    this.rest = rest;
    this.table = root.querySelector('#board');
    this.head = this.table.querySelector('.head');
    this.body = this.table.querySelector('.rows');
    this.caption = root.querySelector('#board-status');
    this.select = root.querySelector('#group');
    this.watchForm = root.querySelector('#watch-form');
    this.watchInput = root.querySelector('#watch-input');
    this.rows = new Map(); // symbol -> {sym, q, el, cells, text, cls, num, index, stale}
    this.dirty = new Set();
    this.structure = false;
    this.scroller = root.querySelector('.scroll');
    this.ordered = []; // rows in display order
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.flashing = new Map(); // cell -> expiry (ms)
    this.visible = true;
    this.sortKey = 'sym';
    this.sortDir = 1;
    this.lastSort = 0;
    this.group = '';
    this.topics = [];
    this.members = null; // Set of symbols, null while unknown
    this.error = '';
    this.table.style.setProperty('--cols', TEMPLATE);
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
    this.body.addEventListener('click', (e) => {
      const row = e.target.closest('.row');
      if (row && row.dataset.sym && !e.target.closest('a')) window.location.hash = '#/s/' + row.dataset.sym;
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
    for (const r of this.rows.values()) this.drop(r);
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
        this.drop(r);
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
      r = { sym, q, el: null, cells: null, text: [], cls: [], num: [], index: -1, stale: false };
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
    if (this.visible) this.frames.request(this.renderFn);
  }

  render(now) {
    if (!this.visible) return;
    const [lo, hi] = this.inView(); // read before any write: no forced layout
    this.unflash(now);
    for (const sym of this.dirty) {
      const r = this.rows.get(sym);
      if (r && !r.el) {
        this.create(r);
        this.paint(r, now);
        this.dirty.delete(sym);
      }
    }
    const live = this.sortKey !== 'sym';
    if (this.structure || (live && now - this.lastSort >= RESORT_MS)) {
      this.order(now);
      this.updateCaption();
    }
    for (let i = lo; i < Math.min(hi, this.ordered.length); i++) {
      const r = this.ordered[i];
      if (r.stale) {
        r.stale = false;
        this.dirty.add(r.sym);
      }
    }
    for (const sym of this.dirty) {
      const r = this.rows.get(sym);
      if (!r) continue;
      if (r.index < lo || r.index >= hi) r.stale = true;
      else this.paint(r, now);
    }
    this.dirty.clear();
  }

  /**
   * The index range of rows in or near the scrolled view (every row has the
   * CSS height ROW_PX). Rows outside it keep their latest quote and are
   * written when they scroll in: only what can be seen costs DOM work.
   */
  inView() {
    const top = this.scroller.scrollTop - HEAD_PX;
    const lo = Math.max(0, Math.floor(top / ROW_PX) - MARGIN_ROWS);
    const hi = Math.ceil((top + this.scroller.clientHeight) / ROW_PX) + MARGIN_ROWS;
    return [lo, hi];
  }

  drop(r) {
    if (!r.el) return;
    r.el.remove();
    for (const cell of r.cells) this.flashing.delete(cell);
  }

  /** Writes what changed in a row since its last paint. */
  paint(r, now) {
    const q = r.q;
    for (let i = 0; i < COLUMNS.length; i++) {
      const c = COLUMNS[i];
      const cell = r.cells[i];
      const cls = c.tone(q);
      if (cls !== r.cls[i]) {
        cell.className = cls ? c.base + ' ' + cls : c.base;
        r.cls[i] = cls;
      }
      if (i === 0) continue; // the symbol never changes
      const v = c.value(q);
      const text = c.text(v);
      if (text !== r.text[i]) {
        cell.firstChild.data = text; // the cell's one text node, reused
        if (r.text[i] !== undefined && Number.isFinite(v) && Number.isFinite(r.num[i]) && v !== r.num[i]) {
          this.flash(cell, v > r.num[i] ? 'fl-up' : 'fl-dn', now);
        }
        r.text[i] = text;
      }
      r.num[i] = v;
    }
  }

  create(r) {
    r.el = div('row', 'row');
    r.el.dataset.sym = r.sym;
    r.cells = COLUMNS.map((c) => {
      const cell = div(c.base, c.id === 'sym' ? 'rowheader' : 'cell');
      if (c.id === 'sym') {
        const a = document.createElement('a');
        a.href = '#/s/' + r.sym;
        a.textContent = r.sym;
        cell.appendChild(a);
      } else {
        cell.appendChild(document.createTextNode(''));
      }
      r.el.appendChild(cell);
      return cell;
    });
    this.structure = true;
  }

  flash(cell, cls, now) {
    cell.classList.remove(cls === 'fl-up' ? 'fl-dn' : 'fl-up');
    cell.classList.add(cls);
    this.flashing.set(cell, now + FLASH_MS);
  }

  /** Ends the flashes that are over, in the same frame as the updates. */
  unflash(now) {
    for (const [cell, until] of this.flashing) {
      if (until <= now) {
        cell.classList.remove('fl-up', 'fl-dn');
        this.flashing.delete(cell);
      }
    }
    if (this.flashing.size > 0) this.schedule();
  }

  /** Puts the rows in sort order, moving only rows that are out of place. */
  order(now) {
    this.structure = false;
    this.lastSort = now;
    const idx = COLUMNS.findIndex((c) => c.id === this.sortKey);
    const c = COLUMNS[idx];
    const dir = this.sortDir;
    const rows = [...this.rows.values()].filter((r) => r.el);
    rows.sort((a, b) => {
      if (idx === 0) return dir * (a.sym < b.sym ? -1 : a.sym > b.sym ? 1 : 0);
      const x = c.value(a.q), y = c.value(b.q);
      const fx = Number.isFinite(x), fy = Number.isFinite(y);
      if (fx !== fy) return fx ? -1 : 1; // no value sorts last either way
      return (fx && x !== y ? dir * (x - y) : 0) || (a.sym < b.sym ? -1 : 1);
    });
    const kids = this.body.children;
    for (let i = 0; i < rows.length; i++) {
      rows[i].index = i;
      if (kids[i] !== rows[i].el) this.body.insertBefore(rows[i].el, kids[i] || null);
    }
    this.ordered = rows;
  }

  /**
   * Two header rows: the groups (Bid, Matched, Ask, Foreign) over their
   * columns, then one sortable header per column.
   */
  buildHead() {
    const top = div('row grp', 'row');
    const leaf = div('row', 'row');
    for (let i = 0; i < COLUMNS.length;) {
      const g = COLUMNS[i].group;
      let n = 1;
      while (g && i + n < COLUMNS.length && COLUMNS[i + n].group === g) n++;
      const h = div('cell' + (COLUMNS[i + n - 1].base.includes('sep') ? ' sep' : ''), 'columnheader');
      h.textContent = g;
      if (n > 1) {
        h.style.gridColumn = 'span ' + n;
        h.setAttribute('aria-colspan', String(n));
      }
      top.appendChild(h);
      i += n;
    }
    for (const c of COLUMNS) leaf.appendChild(this.headCell(c));
    this.head.append(top, leaf);
    this.updateSortMarks();
  }

  headCell(c) {
    const h = div(c.base, 'columnheader');
    h.dataset.col = c.id;
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = c.label;
    b.title = 'Sort by ' + (c.group ? c.group + ' ' : '') + c.label;
    b.addEventListener('click', () => this.sortBy(c.id));
    h.appendChild(b);
    return h;
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
    for (const h of this.head.querySelectorAll('[data-col]')) {
      if (h.dataset.col === this.sortKey) h.setAttribute('aria-sort', this.sortDir > 0 ? 'ascending' : 'descending');
      else h.removeAttribute('aria-sort');
    }
  }

  updateCaption() {
    const name = this.group === 'WATCHLIST' ? 'Watchlist' : this.group;
    const n = this.body.children.length;
    let text;
    if (this.error) text = name + ': ' + this.error;
    else if (n === 0) text = name + ': waiting for quotes…';
    else text = name + ' · ' + n + ' symbols · prices in thousand VND, volumes in shares';
    if (this.caption.textContent !== text) this.caption.textContent = text;
    this.caption.classList.toggle('bad', Boolean(this.error));
  }
}
