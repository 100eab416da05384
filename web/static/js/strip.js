// The index strip (VNINDEX, VN30, HNXINDEX, UPCOMINDEX with breadth), the
// session phase of each exchange and the health pill that says whether what
// the page shows is live, stale, or waiting for a reconnect.

import * as fmt from './format.js';

export const INDICES = ['VNINDEX', 'VN30', 'HNXINDEX', 'UPCOMINDEX'];
export const EXCHANGES = ['HOSE', 'HNX', 'UPCOM'];

const NAMES = { VNINDEX: 'VN-Index', VN30: 'VN30', HNXINDEX: 'HNX-Index', UPCOMINDEX: 'UPCoM-Index' };

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function set(node, text, cls) {
  if (node.textContent !== text) node.textContent = text;
  if (cls !== undefined && node.className !== cls) node.className = cls;
}

/** The health pill's text and level from the connection state and feed status. */
export function health(conn, feed, now = Date.now()) {
  switch (conn.state) {
    case 'connecting':
      return { level: 'warn', text: 'Connecting…' };
    case 'reconnecting': {
      const s = Math.max(0, Math.ceil((conn.retryAt - now) / 1000));
      return { level: 'bad', text: s > 0 ? 'Reconnecting in ' + s + ' s…' : 'Reconnecting…' };
    }
    case 'offline':
      return { level: 'bad', text: 'Offline: waiting for the network' };
    case 'unauthorized':
      return { level: 'bad', text: 'API key refused: open the page with ?key=…' };
    case 'stale':
      return { level: 'warn', text: 'Stale: no data from the server' };
  }
  const sources = (feed && Array.isArray(feed.sources)) ? feed.sources : [];
  const names = (pred) => sources.filter(pred).map((s) => s.source).join(', ');
  const down = names((s) => s.state === 'down');
  if (down) return { level: 'bad', text: 'Upstream down: ' + down };
  const stale = names((s) => s.stale);
  if (stale) return { level: 'warn', text: 'Stale feed: ' + stale };
  const degraded = names((s) => s.state === 'degraded');
  if (degraded) return { level: 'warn', text: 'Upstream degraded: ' + degraded };
  return { level: 'ok', text: 'Live' };
}

export class Strip {
  constructor(root, conn, frames) {
    this.root = root;
    this.frames = frames;
    this.renderFn = () => this.render();
    this.conn = conn;
    this.cards = new Map();
    this.phases = new Map();
    this.pending = new Map(); // topic -> data awaiting the next frame
    this.feed = null;
    this.connState = conn.status();
    this.pill = root.querySelector('#health');
    this.build();
  }

  build() {
    const list = this.root.querySelector('#indices');
    for (const code of INDICES) {
      const card = el('li', 'idx');
      card.dataset.code = code;
      const parts = {
        name: el('span', 'idx-name', NAMES[code]),
        value: el('span', 'idx-val', '–'),
        change: el('span', 'idx-chg', ''),
        vol: el('span', 'idx-vol', ''),
        breadth: el('span', 'idx-breadth', ''),
      };
      card.append(parts.name, parts.value, parts.change, parts.vol, parts.breadth);
      list.appendChild(card);
      this.cards.set(code, parts);
    }
    const sessions = this.root.querySelector('#sessions');
    for (const ex of EXCHANGES) {
      const item = el('li', 'sess');
      const phase = el('span', 'phase', '–');
      phase.dataset.ex = ex;
      item.append(el('span', 'ex', ex), phase);
      sessions.appendChild(item);
      this.phases.set(ex, phase);
    }
  }

  start() {
    const topics = [...INDICES.map((c) => 'index:' + c), ...EXCHANGES.map((e) => 'session:' + e), 'status'];
    for (const kind of ['index', 'session', 'status']) {
      this.conn.on(kind, (m) => {
        this.pending.set(m.topic, m.data);
        this.schedule();
      });
    }
    this.conn.onState((st) => {
      this.connState = st;
      this.renderHealth();
    });
    this.conn.subscribe(topics);
    setInterval(() => this.renderHealth(), 1000); // reconnect countdown
  }

  schedule() {
    this.frames.request(this.renderFn);
  }

  render() {
    for (const [topic, data] of this.pending) {
      if (topic === 'status') this.feed = data;
      else if (topic.startsWith('index:')) this.renderIndex(data);
      else if (topic.startsWith('session:')) this.renderSession(data);
    }
    this.pending.clear();
    this.renderHealth();
  }

  renderIndex(x) {
    const c = x && this.cards.get(x.code);
    if (!c) return;
    const tone = fmt.toneOf(x.change);
    set(c.value, fmt.points(x.value), 'idx-val ' + tone);
    const sign = x.change > 0 ? '+' : '';
    set(c.change, sign + fmt.points(x.change) + ' (' + fmt.percent(x.percent_change) + ')', 'idx-chg ' + tone);
    set(c.vol, fmt.short(x.volume) + ' shares · ' + fmt.short(x.total_value) + ' VND');
    const b = c.breadth;
    if (!b.firstChild) {
      b.append(el('span', 'c-up'), el('span', 'c-ceil'), el('span', 'c-ref'), el('span', 'c-down'), el('span', 'c-floor'));
      b.title = 'Advances (ceiling) · unchanged · declines (floor)';
    }
    const [adv, ceil, unch, dec, floor] = b.children;
    set(adv, '▲' + x.advances);
    set(ceil, ' (' + x.ceiling_count + ')');
    set(unch, ' ■' + x.unchanged + ' ');
    set(dec, '▼' + x.declines);
    set(floor, ' (' + x.floor_count + ')');
  }

  renderSession(s) {
    const node = s && this.phases.get(s.exchange);
    if (!node) return;
    set(node, fmt.PHASES[s.phase] || s.phase, 'phase ph-' + s.phase);
  }

  renderHealth() {
    const h = health(this.connState, this.feed);
    set(this.pill, h.text, 'health ' + h.level);
    this.pill.dataset.level = h.level;
  }
}
