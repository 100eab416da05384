// A minimal live VN30 board over the WebSocket protocol (protocol.md).
const tbody = document.querySelector('#board tbody');
const conn = document.getElementById('conn');
const rows = new Map();
let lastSeq = null, epoch = null, backoff = 500;

function cls(q) {
  if (q.close_price >= q.ceiling_price) return 'ceil';
  if (q.close_price <= q.floor_price) return 'floor';
  if (q.close_price > q.reference_price) return 'up';
  if (q.close_price < q.reference_price) return 'down';
  return 'ref';
}

function render(q) {
  let tr = rows.get(q.symbol);
  if (!tr) {
    tr = document.createElement('tr');
    for (let i = 0; i < 9; i++) tr.appendChild(document.createElement('td'));
    rows.set(q.symbol, tr);
    const after = [...rows.keys()].sort().indexOf(q.symbol);
    tbody.insertBefore(tr, tbody.children[after] || null);
  }
  const v = [q.symbol, q.reference_price, q.ceiling_price, q.floor_price, q.close_price,
    q.close_volume, q.price_change, q.percent_change.toFixed(2), q.volume_accumulated];
  tr.className = cls(q);
  v.forEach((x, i) => { const s = typeof x === 'number' ? x.toLocaleString('en-US') : x; if (tr.children[i].textContent !== s) tr.children[i].textContent = s; });
}

function connect() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/ws`);
  ws.onopen = () => {
    const sub = { op: 'subscribe', id: 1, topics: ['quote:@VN30'] };
    if (lastSeq !== null) { sub.since = lastSeq; sub.epoch = epoch; }
    ws.send(JSON.stringify(sub));
    conn.textContent = 'live'; backoff = 500;
  };
  ws.onmessage = (e) => {
    for (const line of e.data.split('\n')) {
      const m = JSON.parse(line);
      if (m.type === 'welcome') epoch = m.epoch;
      if (m.type === 'event' || m.type === 'snapshot') { render(m.data); if (m.type === 'event') lastSeq = m.seq; }
    }
  };
  ws.onclose = () => {
    conn.textContent = 'reconnecting…';
    setTimeout(connect, backoff + Math.random() * backoff);
    backoff = Math.min(backoff * 2, 15000);
  };
}
connect();
