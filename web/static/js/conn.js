// One WebSocket to /v1/ws speaking the live protocol (protocol.md): every view
// shares it. It reconnects with exponential backoff and full jitter, resumes
// with `since` (the last event seq it processed) so that nothing is lost or
// repeated, and tells views to re-read their REST data when the server answers
// `recovered complete:false` (history lost, fresh snapshots follow).

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 30000;
const STABLE_MS = 5000; // a connection this old resets the backoff

/** The kind of a topic: its text before the first ':' ("status" has none). */
export function kindOf(topic) {
  const i = topic.indexOf(':');
  return i < 0 ? topic : topic.slice(0, i);
}

/**
 * Backoff delay in ms before reconnect attempt n (0-based): exponential,
 * capped, with jitter over the upper half so that a restarted server is not
 * hit by every client at once. `rand` is Math.random or a test double.
 */
export function backoff(n, rand = Math.random) {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(n, 16));
  return Math.round(ceiling / 2 + rand() * (ceiling / 2));
}

export class Connection {
  /**
   * @param {{key?: string, path?: string, win?: Window}} opts
   */
  constructor({ key = '', path = '/v1/ws', win = window } = {}) {
    this.key = key;
    this.path = path;
    this.win = win;
    this.ws = null;
    this.held = new Map(); // topic -> number of holders
    this.handlers = new Map(); // kind -> Set of fn(msg)
    this.controlFns = new Set();
    this.stateFns = new Set();
    this.last = new Map(); // state topic -> last data
    this.topicSeq = new Map(); // topic -> seq of the last message applied
    this.lastSeq = null; // highest event seq processed: the resume point
    this.epoch = null;
    this.heartbeatMs = 15000;
    this.nextId = 1;
    this.attempt = 0;
    this.sessions = 0;
    this.state = 'connecting';
    this.ready = false; // the socket is open and its welcome arrived
    this.retryAt = 0;
    this.lastRx = 0;
    this.retryTimer = 0;
    this.stableTimer = 0;
    this.watchdog = 0;
  }

  /** Calls fn(msg) for every snapshot and event of topics of a kind. */
  on(kind, fn) {
    if (!this.handlers.has(kind)) this.handlers.set(kind, new Set());
    this.handlers.get(kind).add(fn);
    return () => this.handlers.get(kind).delete(fn);
  }

  /** Calls fn(msg) for ack, error, recovered and the local 'resnapshot'. */
  onControl(fn) {
    this.controlFns.add(fn);
    return () => this.controlFns.delete(fn);
  }

  /** Calls fn({state, retryAt, epoch}) whenever the connection state changes. */
  onState(fn) {
    this.stateFns.add(fn);
    fn(this.status());
    return () => this.stateFns.delete(fn);
  }

  status() {
    return { state: this.state, retryAt: this.retryAt, epoch: this.epoch };
  }

  /** Opens the connection; it stays up (or retries) until the page goes. */
  start() {
    this.win.addEventListener('online', () => {
      if (this.state === 'reconnecting' || this.state === 'offline') this.connectNow();
    });
    this.win.addEventListener('offline', () => this.setState('offline'));
    this.watchdog = this.win.setInterval(() => this.checkStale(), 1000);
    this.connect();
  }

  /**
   * Holds topics: the ones nobody held yet are subscribed. Returns the
   * request id, 0 when nothing had to be sent now.
   */
  subscribe(topics) {
    const fresh = [];
    for (const t of topics) {
      const n = this.held.get(t) || 0;
      this.held.set(t, n + 1);
      if (n === 0) fresh.push(t);
    }
    if (fresh.length === 0 || !this.ready) return 0;
    return this.send({ op: 'subscribe', topics: fresh });
  }

  /** Releases topics; the ones nobody holds any more are unsubscribed. */
  unsubscribe(topics) {
    const gone = [];
    for (const t of topics) {
      const n = this.held.get(t) || 0;
      if (n <= 1) {
        if (n === 1) gone.push(t);
        this.held.delete(t);
      } else {
        this.held.set(t, n - 1);
      }
    }
    if (gone.length === 0 || !this.ready) return 0;
    return this.send({ op: 'unsubscribe', topics: gone });
  }

  /**
   * Feeds snapshot rows read over REST (GET /v1/market/snapshot) through the
   * same path as WebSocket snapshots, so the per-topic seq guard orders them
   * against live events.
   */
  ingestSnapshots(rows) {
    for (const r of rows) this.dispatch({ type: 'snapshot', topic: r.topic, seq: r.seq, ts: r.ts, data: r.data });
  }

  send(msg) {
    const id = this.nextId++;
    msg.id = id;
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(msg));
    return id;
  }

  url() {
    const loc = this.win.location;
    const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
    const q = this.key ? '?api_key=' + encodeURIComponent(this.key) : '';
    return scheme + '//' + loc.host + this.path + q;
  }

  connect() {
    this.retryTimer = 0;
    this.ready = false;
    this.setState(this.sessions === 0 && this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleRetry(0);
      return;
    }
    this.ws = ws;
    ws.onmessage = (e) => this.onFrame(e.data);
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.ready = false;
      this.win.clearTimeout(this.stableTimer);
      this.scheduleRetry(e.code);
    };
  }

  connectNow() {
    this.win.clearTimeout(this.retryTimer);
    if (this.ws) return;
    this.connect();
  }

  scheduleRetry(code) {
    if (this.retryTimer) return;
    let delay;
    if (code === 1001) {
      delay = 100 + Math.round(Math.random() * 400); // server going away: come back soon
      this.attempt = Math.max(this.attempt, 1);
    } else {
      delay = backoff(this.attempt++);
    }
    this.retryAt = Date.now() + delay;
    const offline = this.win.navigator && this.win.navigator.onLine === false;
    this.setState(code === 4001 || code === 4003 ? 'unauthorized' : offline ? 'offline' : 'reconnecting');
    this.retryTimer = this.win.setTimeout(() => this.connect(), delay);
  }

  checkStale() {
    if (!this.ws || (this.state !== 'live' && this.state !== 'stale')) return;
    const idle = Date.now() - this.lastRx;
    if (idle > 2.5 * this.heartbeatMs) {
      this.ws.close(4000, 'no heartbeat'); // reconnect and resume
    } else if (idle > 1.5 * this.heartbeatMs) {
      this.setState('stale');
    } else if (this.state === 'stale') {
      this.setState('live');
    }
  }

  setState(state) {
    if (state === this.state && state !== 'reconnecting') return;
    this.state = state;
    const st = this.status();
    for (const fn of this.stateFns) fn(st);
  }

  onFrame(text) {
    this.lastRx = Date.now();
    if (typeof text !== 'string') return;
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      if (end > start) {
        let msg = null;
        try {
          msg = JSON.parse(text.slice(start, end));
        } catch {
          msg = null; // a malformed line is skipped; the rest of the frame still counts
        }
        if (msg) this.handle(msg);
      }
      start = end + 1;
    }
  }

  handle(msg) {
    switch (msg.type) {
      case 'event':
      case 'snapshot':
        this.dispatch(msg);
        return;
      case 'welcome':
        this.welcome(msg);
        return;
      case 'recovered':
        this.control(msg);
        if (!msg.complete) this.control({ type: 'resnapshot', reason: 'history' });
        return;
      case 'ack':
      case 'error':
        this.control(msg);
    }
  }

  welcome(msg) {
    const epochChanged = this.epoch !== null && msg.epoch !== this.epoch;
    if (epochChanged) this.topicSeq.clear(); // a new deployment counts seq anew
    const resumed = this.lastSeq !== null;
    const prevEpoch = this.epoch;
    this.epoch = msg.epoch;
    if (msg.heartbeat_ms > 0) this.heartbeatMs = msg.heartbeat_ms;
    this.sessions++;
    this.ready = true;
    this.setState('live');
    const topics = [...this.held.keys()];
    if (topics.length > 0) {
      const req = { op: 'subscribe', topics };
      if (resumed) {
        req.since = this.lastSeq;
        if (prevEpoch) req.epoch = prevEpoch;
      }
      this.send(req);
    }
    if (epochChanged) this.lastSeq = null;
    if (this.sessions > 1 && !resumed) this.control({ type: 'resnapshot', reason: 'reconnect' });
    this.win.clearTimeout(this.stableTimer);
    this.stableTimer = this.win.setTimeout(() => { this.attempt = 0; }, STABLE_MS);
  }

  /** Applies one snapshot or event: drops repeats and stale snapshots. */
  dispatch(msg) {
    const topic = msg.topic;
    if (typeof topic !== 'string') return;
    const seen = this.topicSeq.get(topic);
    if (seen !== undefined && msg.seq <= seen) return;
    this.topicSeq.set(topic, msg.seq);
    const event = msg.type === 'event';
    if (event && (this.lastSeq === null || msg.seq > this.lastSeq)) this.lastSeq = msg.seq;
    const kind = kindOf(topic);
    if (kind !== 'trade') this.last.set(topic, msg.data);
    const fns = this.handlers.get(kind);
    if (!fns) return;
    const m = { topic, kind, seq: msg.seq, ts: msg.ts, data: msg.data, snapshot: !event };
    for (const fn of fns) fn(m);
  }

  control(msg) {
    for (const fn of this.controlFns) fn(msg);
  }
}
