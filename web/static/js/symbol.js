// The symbol view: quote header and order book (`quote:`), the chart
// (REST history + `bar:`), the trade tape (`trade:`), volume by price (REST
// depth, then the tape), company summary and key ratios (REST).

import * as fmt from './format.js';
import { PriceChart } from './chart.js';
import { INTERVALS } from './bars.js';
import { loadCompany, loadRatios } from './company.js';
import { reason } from './rest.js';

const TAPE_MAX = 100;
const DEPTH_MAX = 24;
const DEPTH_EVERY_MS = 250;
const IV_KEY = 'vnstock.interval';

function $(root, sel) {
  return root.querySelector(sel);
}

function cell(tr, text, cls) {
  const td = tr.insertCell();
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function tradeKey(t) {
  return t.id ? 'id:' + t.id : t.time + '|' + t.volume_accumulated + '|' + t.price + '|' + t.volume;
}

function savedInterval() {
  try {
    const v = window.localStorage.getItem(IV_KEY);
    return INTERVALS.includes(v) ? v : '1D';
  } catch {
    return '1D';
  }
}

export class SymbolView {
  constructor(root, conn, rest, frames) {
    this.root = root;
    this.frames = frames;
    this.renderFn = (now) => this.render(now);
    this.conn = conn;
    this.rest = rest;
    this.sym = '';
    this.topics = [];
    this.iv = savedInterval();
    this.q = null;
    this.quoteDirty = false;
    this.tapeNew = [];
    this.tapeKeys = new Set();
    this.depthBase = new Map(); // price -> {buy, sell, other} from REST
    this.depth = new Map(); // the same from the live trades since
    this.depthDirty = false;
    this.depthAt = 0;
    this.abort = null;
    this.chart = new PriceChart($(root, '#chart'), $(root, '#chart-note'));
  }

  start() {
    this.conn.on('quote', (m) => {
      if (m.topic === 'quote:' + this.sym) this.setQuote(m.data);
    });
    this.conn.on('trade', (m) => {
      if (m.topic === 'trade:' + this.sym) this.addTrade(m.data, m.seq);
    });
    this.conn.on('bar', (m) => {
      if (m.topic === 'bar:' + this.sym + ':1m') this.chart.onBar(m.data);
    });
    this.conn.onControl((m) => {
      if (m.type === 'resnapshot' && this.sym) this.reload();
    });
    const bar = $(this.root, '#intervals');
    for (const iv of INTERVALS) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = iv;
      b.dataset.iv = iv;
      b.setAttribute('aria-pressed', String(iv === this.iv));
      b.addEventListener('click', () => this.setInterval(iv));
      bar.appendChild(b);
    }
    $(this.root, '#back').addEventListener('click', () => { window.location.hash = '#/'; });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.sym) window.location.hash = '#/';
    });
  }

  open(sym) {
    if (sym === this.sym) return;
    this.close();
    this.sym = sym;
    this.root.hidden = false;
    document.title = sym + ' · vnstock-api';
    $(this.root, '#sv-title').textContent = sym;
    this.topics = ['quote:' + sym, 'trade:' + sym, 'bar:' + sym + ':1m'];
    this.conn.subscribe(this.topics);
    const cached = this.conn.last.get('quote:' + sym);
    this.q = null;
    if (cached) this.setQuote(cached);
    else this.renderQuote();
    this.reload();
    const h = $(this.root, '#sv-title');
    h.focus({ preventScroll: true });
  }

  close() {
    if (!this.sym) return;
    this.conn.unsubscribe(this.topics);
    if (this.abort) this.abort.abort();
    this.chart.clear();
    this.sym = '';
    this.topics = [];
    this.root.hidden = true;
    document.title = 'vnstock-api · price board';
  }

  /** (Re)reads everything REST gives: history, tape, depth, company, ratios. */
  reload() {
    if (this.abort) this.abort.abort();
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const sym = this.sym;
    this.chart.load(this.rest, sym, this.iv);
    this.loadTape(sym, signal).catch(() => {});
    this.loadDepth(sym, signal).catch(() => {});
    loadCompany(this.rest, sym, $(this.root, '#company'), signal).catch(() => {});
    loadRatios(this.rest, sym, $(this.root, '#ratios'), signal).catch(() => {});
  }

  setInterval(iv) {
    this.iv = iv;
    try {
      window.localStorage.setItem(IV_KEY, iv);
    } catch {
      // storage disabled: the choice lasts for this page
    }
    for (const b of $(this.root, '#intervals').children) b.setAttribute('aria-pressed', String(b.dataset.iv === iv));
    if (this.sym) this.chart.load(this.rest, this.sym, iv);
  }

  schedule() {
    this.frames.request(this.renderFn);
  }

  render(now) {
    if (!this.sym) return;
    if (this.quoteDirty) this.renderQuote();
    if (this.tapeNew.length) this.renderTape();
    if (this.depthDirty) {
      if (now - this.depthAt >= DEPTH_EVERY_MS) this.renderDepth(now);
      else setTimeout(() => this.schedule(), DEPTH_EVERY_MS);
    }
  }

  setQuote(q) {
    this.q = q;
    this.quoteDirty = true;
    this.schedule();
  }

  renderQuote() {
    this.quoteDirty = false;
    const q = this.q;
    const last = $(this.root, '#sv-last');
    const chg = $(this.root, '#sv-chg');
    if (!q) {
      last.textContent = '–';
      chg.textContent = '';
      $(this.root, '#sv-exch').textContent = '';
      for (const dd of this.root.querySelectorAll('#sv-stats dd')) dd.textContent = '';
      $(this.root, '#book').tBodies[0].replaceChildren();
      return;
    }
    const p = q.close_price || q.reference_price;
    const tone = fmt.tone(p, q);
    last.textContent = fmt.price(p);
    last.className = 'big ' + tone;
    chg.textContent = q.close_price > 0 ? fmt.change(q.price_change) + ' (' + fmt.percent(q.percent_change) + ')' : '';
    chg.className = tone;
    $(this.root, '#sv-exch').textContent = q.exchange || '';
    const stats = {
      ref: fmt.price(q.reference_price), ceil: fmt.price(q.ceiling_price), floor: fmt.price(q.floor_price),
      open: fmt.price(q.open_price), high: fmt.price(q.high_price), low: fmt.price(q.low_price),
      vol: fmt.volume(q.volume_accumulated), value: fmt.short(q.total_value),
      fbuy: fmt.volume(q.foreign_buy_volume), fsell: fmt.volume(q.foreign_sell_volume), room: fmt.volume(q.foreign_room),
    };
    for (const dd of this.root.querySelectorAll('#sv-stats dd')) {
      const t = stats[dd.dataset.k] ?? '';
      if (dd.textContent !== t) dd.textContent = t;
    }
    const body = $(this.root, '#book').tBodies[0];
    const rows = [];
    for (let i = 1; i <= 3; i++) {
      const tr = document.createElement('tr');
      const bp = q['bid_price_' + i] || 0, ap = q['ask_price_' + i] || 0;
      cell(tr, fmt.volume(q['bid_vol_' + i] || 0), fmt.tone(bp, q));
      cell(tr, fmt.price(bp), fmt.tone(bp, q));
      cell(tr, fmt.price(ap), fmt.tone(ap, q));
      cell(tr, fmt.volume(q['ask_vol_' + i] || 0), fmt.tone(ap, q));
      rows.push(tr);
    }
    body.replaceChildren(...rows);
  }

  addTrade(t, seq) {
    if (!t) return;
    const key = tradeKey(t);
    if (this.tapeKeys.has(key)) return;
    this.tapeKeys.add(key);
    this.tapeNew.push({ t, seq, key });
    this.countDepth(t);
    this.schedule();
  }

  tapeRow(t, seq, key) {
    const tr = document.createElement('tr');
    tr.dataset.key = key;
    if (seq !== undefined) tr.dataset.seq = String(seq);
    cell(tr, fmt.clock(t.time));
    cell(tr, fmt.price(t.price), fmt.tone(t.price, this.q));
    cell(tr, fmt.volume(t.volume));
    const side = t.side === 'buy' ? 'B' : t.side === 'sell' ? 'S' : '';
    cell(tr, side, t.side === 'buy' ? 'c-up' : t.side === 'sell' ? 'c-down' : '');
    return tr;
  }

  renderTape() {
    const body = $(this.root, '#tape').tBodies[0];
    const frag = document.createDocumentFragment();
    const fresh = this.tapeNew.slice(-TAPE_MAX);
    for (let i = fresh.length - 1; i >= 0; i--) frag.appendChild(this.tapeRow(fresh[i].t, fresh[i].seq, fresh[i].key));
    this.tapeNew = [];
    body.insertBefore(frag, body.firstChild);
    this.trimTape(body);
  }

  trimTape(body) {
    while (body.rows.length > TAPE_MAX) {
      const tr = body.lastElementChild;
      this.tapeKeys.delete(tr.dataset.key);
      tr.remove();
    }
    if (this.tapeKeys.size > 4 * TAPE_MAX) {
      this.tapeKeys = new Set([...body.rows].map((r) => r.dataset.key));
    }
  }

  async loadTape(sym, signal) {
    const body = $(this.root, '#tape').tBodies[0];
    body.replaceChildren();
    this.tapeKeys.clear();
    this.tapeNew = [];
    const note = $(this.root, '#tape-note');
    note.textContent = 'Live trades';
    const res = await this.rest.get('/v1/market/equity/' + encodeURIComponent(sym) + '/trades?limit=50', { signal });
    if (this.sym !== sym) return;
    if (res.status !== 200 || !Array.isArray(res.data)) {
      note.textContent = 'Live trades since this view opened (earlier trades ' + reason(res) + ')';
      return;
    }
    const rows = res.data.filter((t) => t && t.time).sort((a, b) =>
      (a.time < b.time ? 1 : a.time > b.time ? -1 : 0) || (b.volume_accumulated || 0) - (a.volume_accumulated || 0));
    for (const t of rows) {
      const key = tradeKey(t);
      if (this.tapeKeys.has(key) || body.rows.length >= TAPE_MAX) continue;
      this.tapeKeys.add(key);
      body.appendChild(this.tapeRow(t, undefined, key));
    }
    note.textContent = 'Trades';
  }

  async loadDepth(sym, signal) {
    this.depthBase = new Map();
    this.depth.clear();
    this.depthDirty = true;
    const note = $(this.root, '#depth-note');
    note.textContent = 'Volume by price of the trades since this view opened';
    const res = await this.rest.get('/v1/market/equity/' + encodeURIComponent(sym) + '/depth', { signal });
    if (this.sym !== sym) return;
    if (res.status === 200 && Array.isArray(res.data)) {
      const base = new Map();
      for (const r of res.data) {
        const p = Number(r.price);
        if (!(p > 0)) continue;
        const buy = Number(r.buy_volume) || 0, sell = Number(r.sell_volume) || 0;
        const total = Number(r.volume ?? r.total_volume ?? r.acc_volume) || buy + sell;
        base.set(p, { buy, sell, other: Math.max(0, total - buy - sell) });
      }
      // The server's figures include the trades counted so far: count
      // only the ones that follow.
      this.depthBase = base;
      this.depth.clear();
      note.textContent = 'Volume by price today';
    } else {
      note.textContent = 'Volume by price of the trades since this view opened (server depth ' + reason(res) + ')';
    }
    this.depthDirty = true;
    this.schedule();
  }

  countDepth(t) {
    const p = Number(t.price);
    if (!(p > 0)) return;
    const d = this.depth.get(p) || { buy: 0, sell: 0, other: 0 };
    if (t.side === 'buy') d.buy += t.volume;
    else if (t.side === 'sell') d.sell += t.volume;
    else d.other += t.volume;
    this.depth.set(p, d);
    this.depthDirty = true;
  }

  renderDepth(now) {
    this.depthDirty = false;
    this.depthAt = now;
    const sum = new Map();
    for (const src of [this.depthBase, this.depth]) {
      for (const [p, d] of src) {
        const s = sum.get(p) || { buy: 0, sell: 0, other: 0 };
        sum.set(p, { buy: s.buy + d.buy, sell: s.sell + d.sell, other: s.other + d.other });
      }
    }
    let levels = [...sum.entries()].map(([p, d]) => ({ p, ...d, total: d.buy + d.sell + d.other }));
    if (levels.length > DEPTH_MAX) levels = levels.sort((a, b) => b.total - a.total).slice(0, DEPTH_MAX);
    levels.sort((a, b) => b.p - a.p);
    const max = Math.max(1, ...levels.map((l) => l.total));
    const rows = levels.map((l) => {
      const tr = document.createElement('tr');
      cell(tr, fmt.price(l.p), fmt.tone(l.p, this.q));
      cell(tr, fmt.volume(l.total));
      const td = tr.insertCell();
      td.className = 'bars';
      for (const [cls, v] of [['buy', l.buy], ['sell', l.sell], ['other', l.other]]) {
        if (v <= 0) continue;
        const s = document.createElement('span');
        s.className = cls;
        s.style.width = ((100 * v) / max).toFixed(1) + '%';
        td.appendChild(s);
      }
      return tr;
    });
    $(this.root, '#depth').tBodies[0].replaceChildren(...rows);
  }
}
