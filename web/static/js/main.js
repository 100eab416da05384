// Entry point: wires the key, the one WebSocket, the views and the router
// (#/ is the board, #/s/VNM a symbol).

import { takeKey } from './key.js';
import { Rest } from './rest.js';
import { Connection } from './conn.js';
import { Board } from './board.js';
import { Strip } from './strip.js';
import { SymbolView } from './symbol.js';
import { Frames } from './frames.js';

const key = takeKey();
const rest = new Rest(key);
const conn = new Connection({ key });
const html = document.documentElement;
conn.onState((s) => {
  html.dataset.conn = s.state; // read by the end-to-end tests and the CSS
  if (s.epoch) html.dataset.epoch = s.epoch;
});
conn.onControl((m) => {
  if (m.type === 'resnapshot') html.dataset.resnapshots = String(Number(html.dataset.resnapshots || 0) + 1);
});

const frames = new Frames(50);
const strip = new Strip(document.getElementById('top'), conn, frames);
const board = new Board(document.getElementById('board-view'), conn, rest, frames);
const view = new SymbolView(document.getElementById('symbol-view'), conn, rest, frames);

function route() {
  const m = /^#\/s\/([A-Za-z0-9]{1,16})$/.exec(window.location.hash);
  if (m) {
    board.setVisible(false);
    view.open(m[1].toUpperCase());
    return;
  }
  const from = view.sym;
  view.close();
  board.setVisible(true);
  if (from) {
    const link = document.querySelector('#board .row[data-sym="' + from + '"] a');
    if (link) link.focus({ preventScroll: false });
  }
}

strip.start();
board.start();
view.start();
window.addEventListener('hashchange', route);
route();
conn.start();
