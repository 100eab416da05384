// Candlestick + volume chart (TradingView Lightweight Charts, vendored) loaded
// from the REST OHLCV history and kept live by one-minute bars from the
// `bar:<SYM>:1m` topic, folded into the chosen interval.

import { createChart, CandlestickSeries, HistogramSeries } from '../vendor/lightweight-charts/lightweight-charts.standalone.production.mjs';
import { LiveBars, candleOf, candlesFrom, historyRange, intraday } from './bars.js';
import { reason } from './rest.js';

const UP = '#0ecb81';
const DOWN = '#f6465d';
const SCALE = 1000; // chart prices in thousand VND, as the board shows them

function volumeBar(c) {
  return { time: c.time, value: c.volume, color: c.close >= c.open ? 'rgba(14,203,129,0.45)' : 'rgba(246,70,93,0.45)' };
}

export class PriceChart {
  /**
   * @param {HTMLElement} el the chart's container (sized by CSS)
   * @param {HTMLElement} note where the chart says what it shows or why not
   */
  constructor(el, note) {
    this.el = el;
    this.note = note;
    this.chart = null;
    this.candles = null;
    this.volume = null;
    this.live = null;
    this.pending = null; // live minutes that arrived while history loads
    this.count = 0;
    this.gen = 0;
    this.abort = null;
  }

  ensure() {
    if (this.chart) return;
    this.chart = createChart(this.el, {
      autoSize: true,
      layout: { background: { color: '#14161b' }, textColor: '#c9ced6', attributionLogo: false },
      grid: { vertLines: { color: '#22262e' }, horzLines: { color: '#22262e' } },
      rightPriceScale: { borderColor: '#2c313a' },
      timeScale: { borderColor: '#2c313a', rightOffset: 4 },
      crosshair: { mode: 0 },
    });
    this.candles = this.chart.addSeries(CandlestickSeries, {
      upColor: UP, downColor: DOWN, borderUpColor: UP, borderDownColor: DOWN, wickUpColor: UP, wickDownColor: DOWN,
      priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
    });
    this.volume = this.chart.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: '' });
    this.volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    this.candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.25 } });
  }

  /** Loads the history of sym at interval iv, then keeps it live. */
  async load(rest, sym, iv) {
    this.ensure();
    const gen = ++this.gen;
    if (this.abort) this.abort.abort();
    this.abort = new AbortController();
    this.live = new LiveBars(iv);
    this.pending = [];
    this.count = 0;
    this.candles.setData([]);
    this.volume.setData([]);
    this.chart.applyOptions({ timeScale: { timeVisible: intraday(iv), secondsVisible: false } });
    this.el.dataset.history = 'loading';
    this.el.dataset.bars = '0';
    this.el.setAttribute('aria-label', sym + ' candlestick chart, ' + iv + ' bars, prices in thousand VND');
    this.setNote('Loading ' + iv + ' history…');
    const { start, end } = historyRange(iv);
    const path = '/v1/market/equity/' + encodeURIComponent(sym) + '/ohlcv?start=' + start + '&end=' + end + '&interval=' + encodeURIComponent(iv);
    let res;
    try {
      res = await rest.get(path, { signal: this.abort.signal });
    } catch {
      return; // aborted by a newer load
    }
    if (gen !== this.gen) return;
    let data = [];
    if (res.status === 200) {
      data = candlesFrom(res.data, SCALE);
      this.el.dataset.history = 'ok';
      const src = res.meta && res.meta.source ? ' · source ' + res.meta.source : '';
      this.setNote(data.length + ' ' + iv + ' bars' + src + (res.meta && res.meta.stale ? ' · stale' : '') + ' · live from the 1m feed');
    } else {
      this.el.dataset.history = 'unavailable';
      this.setNote('History ' + reason(res) + '; showing live bars only');
    }
    this.candles.setData(data);
    this.volume.setData(data.map(volumeBar));
    this.count = data.length;
    this.live.seed(data.length ? data[data.length - 1] : null);
    const queued = this.pending;
    this.pending = null;
    for (const b of queued) this.apply(b);
    this.el.dataset.bars = String(this.count);
    if (data.length) this.chart.timeScale().scrollToRealTime();
  }

  /** Applies one live one-minute bar payload. */
  onBar(b) {
    if (!this.live) return;
    if (this.pending) {
      this.pending.push(b);
      return;
    }
    this.apply(b);
    this.el.dataset.bars = String(this.count);
  }

  apply(b) {
    const before = this.live.last ? this.live.last.time : -Infinity;
    const c = this.live.apply(candleOf(b, SCALE));
    if (!c) return;
    try {
      this.candles.update(c);
      this.volume.update(volumeBar(c));
    } catch {
      return; // older than the last drawn bar: nothing to draw
    }
    if (c.time > before) this.count++;
  }

  setNote(text) {
    if (this.note.textContent !== text) this.note.textContent = text;
  }

  /** Forgets the symbol (the chart object stays for the next one). */
  clear() {
    this.gen++;
    if (this.abort) this.abort.abort();
    this.live = null;
    this.pending = null;
  }
}
