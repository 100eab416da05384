// Company summary and key ratios from REST (/v1/reference/companies/{sym},
// /v1/fundamental/equity/{sym}/ratios), rendered from whatever columns the
// server sends (vnstock's frames), or a short reason when it cannot.

import * as fmt from './format.js';
import { reason } from './rest.js';

const FIRST = ['name', 'sector', 'industry', 'exchange', 'listing_date', 'issued_share', 'charter_capital'];
const LABELS = {
  name: 'Name', sector: 'Sector', industry: 'Industry', exchange: 'Exchange', listing_date: 'Listed',
  issued_share: 'Shares issued', charter_capital: 'Charter capital', profile: 'Profile',
};
const MAX_PERIODS = 4;

function clear(node) {
  while (node.firstChild) node.firstChild.remove();
}

function message(node, text) {
  clear(node);
  const p = document.createElement('p');
  p.className = 'muted';
  p.textContent = text;
  node.appendChild(p);
}

function cellText(v) {
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return v.slice(0, 10);
  if (typeof v === 'number' && Math.abs(v) >= 1e12) return fmt.short(v);
  return fmt.number(v);
}

/** The first row of a response's data, which may be one object or a list. */
function firstRow(data) {
  if (Array.isArray(data)) return data.length ? data[0] : null;
  return data && typeof data === 'object' ? data : null;
}

/** Renders the company summary into node. */
export async function loadCompany(rest, sym, node, signal) {
  message(node, 'Loading company summary…');
  const res = await rest.get('/v1/reference/companies/' + encodeURIComponent(sym), { signal });
  const row = res.status === 200 ? firstRow(res.data) : null;
  if (!row) {
    message(node, res.status === 200 ? 'No company record for ' + sym + '.' : 'Company summary ' + reason(res) + '.');
    node.dataset.state = 'unavailable';
    return;
  }
  clear(node);
  const dl = document.createElement('dl');
  const keys = [...FIRST.filter((k) => k in row), ...Object.keys(row).filter((k) => !FIRST.includes(k) && k !== 'symbol' && k !== 'profile')];
  for (const k of keys) {
    if (row[k] == null || typeof row[k] === 'object') continue;
    const dt = document.createElement('dt');
    dt.textContent = LABELS[k] || k.replace(/_/g, ' ');
    const dd = document.createElement('dd');
    dd.textContent = cellText(row[k]);
    dl.append(dt, dd);
  }
  node.appendChild(dl);
  if (typeof row.profile === 'string' && row.profile) {
    const p = document.createElement('p');
    p.className = 'profile';
    p.textContent = row.profile;
    node.appendChild(p);
  }
  node.dataset.state = 'ok';
}

/** Renders the key ratios (item by the latest periods) into node. */
export async function loadRatios(rest, sym, node, signal) {
  message(node, 'Loading ratios…');
  const res = await rest.get('/v1/fundamental/equity/' + encodeURIComponent(sym) + '/ratios', { signal });
  const rows = res.status === 200 && Array.isArray(res.data) ? res.data.filter((r) => r && typeof r === 'object') : [];
  if (rows.length === 0) {
    message(node, res.status === 200 ? 'No ratios for ' + sym + '.' : 'Ratios ' + reason(res) + '.');
    node.dataset.state = 'unavailable';
    return;
  }
  const label = 'item' in rows[0] ? 'item' : Object.keys(rows[0])[0];
  // Newest period first. JavaScript lists integer-like keys ("2025") in
  // ascending order whatever the server sent, so sort them back.
  const periods = Object.keys(rows[0])
    .filter((k) => k !== label && k !== 'item_id' && k !== 'symbol')
    .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))
    .slice(0, MAX_PERIODS);
  const table = document.createElement('table');
  table.className = 'ratios';
  const head = table.createTHead().insertRow();
  for (const h of ['', ...periods]) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = String(r[label] ?? '');
    tr.appendChild(th);
    for (const p of periods) tr.insertCell().textContent = cellText(r[p]);
  }
  clear(node);
  node.appendChild(table);
  node.dataset.state = 'ok';
}
