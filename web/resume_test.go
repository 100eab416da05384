package web_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDashboardResume restarts the HTTP side of an in-process server while
// its hub (and history) lives on: the page must come back with `since`, get
// `recovered complete:true`, and show every trade of the symbol exactly
// once: no gap across the outage, no duplicate.
func TestDashboardResume(t *testing.T) {
	s := startInproc(t, inprocConfig{Rate: 200, Record: func(topic string) bool { return topic == "trade:FPT" }})
	b := newBrowser(t, 1280, 900)
	b.do(chromedp.Navigate("http://" + s.addr + "/?key=k-test#/s/FPT"))
	if got := eval[string](b, `location.search + '|' + location.hash + '|' + sessionStorage.getItem('vnstock.apiKey')`); got != "|#/s/FPT|k-test" {
		t.Errorf("address and stored key %q, want the key moved out of the address", got)
	}
	b.waitFor("tape fills", 5*time.Second, `document.querySelectorAll('#tape tbody tr[data-seq]').length >= 15`)

	b.mark("stop")
	stopHead := s.hub.Head()
	s.stopHTTP()
	b.waitFor("page sees the server go away", 3*time.Second, `document.documentElement.dataset.conn !== 'live'`)
	time.Sleep(1500 * time.Millisecond) // trades go on into the hub's history
	s.startHTTP()
	restartHead := s.hub.Head()
	took := b.waitFor("page reconnects", 15*time.Second, `document.documentElement.dataset.conn === 'live'`)
	t.Logf("reconnected %s after the restart", took.Round(time.Millisecond))
	b.mark("back")
	time.Sleep(time.Second) // the replay and some live trades arrive

	if n := eval[int](b, `Number(document.documentElement.dataset.resnapshots || 0)`); n != 0 {
		t.Errorf("%d re-snapshots: the resume should have been complete", n)
	}
	tape := eval[[]uint64](b, `[...document.querySelectorAll('#tape tbody tr[data-seq]')].map(r => Number(r.dataset.seq))`)
	if len(tape) < 10 {
		t.Fatalf("tape has %d rows", len(tape))
	}
	for i := 1; i < len(tape); i++ {
		if tape[i] >= tape[i-1] {
			t.Fatalf("tape not strictly newest-first at row %d: %d then %d (duplicate or reorder)", i, tape[i-1], tape[i])
		}
	}
	lo, hi := tape[len(tape)-1], tape[0]
	if lo >= stopHead || hi <= restartHead {
		t.Fatalf("tape seqs %d..%d do not span the outage (head %d at stop, %d at restart)", lo, hi, stopHead, restartHead)
	}
	var want []uint64
	for _, seq := range s.seqs("trade:FPT") {
		if seq >= lo && seq <= hi {
			want = append(want, seq)
		}
	}
	got := slices.Clone(tape)
	slices.Reverse(got)
	if !slices.Equal(got, want) {
		t.Errorf("tape seqs differ from the published trades of FPT in %d..%d:\n got %v\nwant %v", lo, hi, got, want)
	}
	t.Logf("tape holds %d trades %d..%d across the outage (%d..%d), none missing or repeated", len(tape), lo, hi, stopHead, restartHead)

	b.assertLocalOnly(t)
	b.assertNoConsoleErrors(t, func(i int, m chromedp.ConsoleMessage) bool {
		// This server has no REST resources beyond the snapshot.
		return optionalREST.MatchString(m.URL) || b.between(i, "stop", "back")
	})
}

// TestDashboardModules runs the page's pure logic in the browser: bar
// buckets and the live fold, the connection's backoff and seq guard, the
// colour rule, the watchlist parser and the health pill.
func TestDashboardModules(t *testing.T) {
	s := startInproc(t, inprocConfig{Rate: 1})
	b := newBrowser(t, 800, 600)
	b.do(chromedp.Navigate("http://" + s.addr + "/"))
	failures := eval[[]string](b, moduleChecks)
	if len(failures) > 0 {
		t.Errorf("module checks failed:\n%s", strings.Join(failures, "\n"))
	}
	if n := eval[int](b, `window.__checks`); n < 30 {
		t.Errorf("only %d checks ran", n)
	}
}

const moduleChecks = `(async () => {
  const bars = await import('/js/bars.js');
  const conn = await import('/js/conn.js');
  const fmt = await import('/js/format.js');
  const board = await import('/js/board.js');
  const strip = await import('/js/strip.js');
  const out = [];
  let n = 0;
  const eq = (name, got, want) => {
    n++;
    const g = JSON.stringify(got), w = JSON.stringify(want);
    if (g !== w) out.push(name + ': got ' + g + ', want ' + w);
  };
  const at = (y, mo, d, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;

  // Chart time is ICT wall clock; buckets match market.Interval.Start.
  const t = bars.chartTime('2026-03-04T10:07:30+07:00');
  eq('chartTime', t, at(2026, 3, 4, 10, 7, 30));
  eq('bad time', Number.isNaN(bars.chartTime('nope')), true);
  eq('1m', bars.bucket(t, '1m'), at(2026, 3, 4, 10, 7));
  eq('5m', bars.bucket(t, '5m'), at(2026, 3, 4, 10, 5));
  eq('15m', bars.bucket(t, '15m'), at(2026, 3, 4, 10, 0));
  eq('30m', bars.bucket(t, '30m'), at(2026, 3, 4, 10, 0));
  eq('1H', bars.bucket(t, '1H'), at(2026, 3, 4, 10, 0));
  eq('1D', bars.bucket(t, '1D'), at(2026, 3, 4));
  eq('1W is Monday', bars.bucket(t, '1W'), at(2026, 3, 2));
  eq('1W on a Sunday', bars.bucket(at(2026, 3, 8, 9), '1W'), at(2026, 3, 2));
  eq('1M', bars.bucket(t, '1M'), at(2026, 3, 1));
  eq('range 1D', bars.historyRange('1D', Date.UTC(2026, 2, 4, 20, 0)), { start: '2025-03-05', end: '2026-03-05' });
  eq('range 1m', bars.historyRange('1m', Date.UTC(2026, 2, 4, 2, 0)), { start: '2026-02-27', end: '2026-03-04' });
  eq('candlesFrom sorts, dedups, drops bad rows', bars.candlesFrom([
    { time: '2026-03-04T00:00:00+07:00', open: 2000, high: 3000, low: 1000, close: 2500, volume: 5 },
    { time: '2026-03-03T00:00:00+07:00', open: 1000, high: 1000, low: 1000, close: 1000, volume: 1 },
    { time: 'bad', open: 1, high: 1, low: 1, close: 1, volume: 1 },
    { time: '2026-03-04T00:00:00+07:00', open: 2000, high: 3000, low: 1000, close: 2600, volume: 6 },
  ], 1000).map(c => [c.time, c.close, c.volume]), [[at(2026, 3, 3), 1, 1], [at(2026, 3, 4), 2.6, 6]]);

  // The live fold: a forming minute is re-sent whole; minutes add up.
  const m = (mi, o, h, l, c, v) => ({ time: at(2026, 3, 4, 10, mi), open: o, high: h, low: l, close: c, volume: v });
  const lb = new bars.LiveBars('5m');
  lb.seed(null);
  eq('first minute', lb.apply(m(5, 10, 11, 9, 10, 100)), { time: at(2026, 3, 4, 10, 5), open: 10, high: 11, low: 9, close: 10, volume: 100 });
  eq('same minute again', lb.apply(m(5, 10, 12, 9, 11, 150)), { time: at(2026, 3, 4, 10, 5), open: 10, high: 12, low: 9, close: 11, volume: 150 });
  eq('next minute adds', lb.apply(m(6, 11, 11, 8, 10.5, 50)), { time: at(2026, 3, 4, 10, 5), open: 10, high: 12, low: 8, close: 10.5, volume: 200 });
  eq('new bucket', lb.apply(m(10, 10.5, 10.6, 10.4, 10.6, 7)), { time: at(2026, 3, 4, 10, 10), open: 10.5, high: 10.6, low: 10.4, close: 10.6, volume: 7 });
  eq('older minute ignored', lb.apply(m(6, 1, 1, 1, 1, 1)), null);
  const lh = new bars.LiveBars('1D');
  lh.seed({ time: at(2026, 3, 4), open: 5, high: 6, low: 4, close: 5.5, volume: 1000 });
  eq('merges into the history candle', lh.apply(m(7, 5.5, 7, 5.5, 6.5, 10)), { time: at(2026, 3, 4), open: 5, high: 7, low: 4, close: 6.5, volume: 1010 });
  eq('bad minute time', new bars.LiveBars('1m').apply({ ...m(1, 1, 1, 1, 1, 1), time: NaN }), null);

  // Backoff: exponential, capped at 30 s, jitter over the upper half.
  eq('backoff 0 low', conn.backoff(0, () => 0), 250);
  eq('backoff 0 high', conn.backoff(0, () => 1), 500);
  eq('backoff 3 mid', conn.backoff(3, () => 0.5), 3000);
  eq('backoff cap', conn.backoff(20, () => 1), 30000);

  // The seq guard: repeats and older messages are dropped per topic; the
  // resume point is the highest event seq; a new epoch starts over.
  const c = new conn.Connection({ win: window });
  const seen = [];
  c.on('quote', (msg) => seen.push(msg.topic + '@' + msg.seq + (msg.snapshot ? 's' : '')));
  c.onFrame('{"type":"snapshot","topic":"quote:A","seq":5,"data":{}}\n{"type":"event","topic":"quote:A","seq":5,"data":{}}\nnot json\n{"type":"event","topic":"quote:A","seq":7,"data":{}}');
  c.handle({ type: 'event', topic: 'quote:A', seq: 6, data: {} });
  c.handle({ type: 'snapshot', topic: 'quote:B', seq: 3, data: {} });
  c.ingestSnapshots([{ topic: 'quote:A', seq: 6, data: {} }, { topic: 'quote:B', seq: 9, data: { x: 1 } }]);
  eq('guarded delivery', seen, ['quote:A@5s', 'quote:A@7', 'quote:B@3s', 'quote:B@9s']);
  eq('resume point', c.lastSeq, 7);
  eq('last value', c.last.get('quote:B'), { x: 1 });
  c.epoch = 'e1';
  c.welcome({ type: 'welcome', epoch: 'e2', heartbeat_ms: 1000 });
  c.handle({ type: 'event', topic: 'quote:A', seq: 1, data: {} });
  eq('new epoch resets the guard', seen[seen.length - 1], 'quote:A@1');
  eq('heartbeat from welcome', c.heartbeatMs, 1000);
  const held = new conn.Connection({ win: window });
  held.subscribe(['quote:A', 'quote:B']);
  held.subscribe(['quote:A']);
  held.unsubscribe(['quote:A', 'quote:B']);
  eq('holders counted', [...held.held.entries()], [['quote:A', 1]]);

  // Colours and formats.
  const q = { reference_price: 10000, ceiling_price: 10700, floor_price: 9300 };
  eq('tones', [10700, 9300, 10000, 10100, 9900, 0].map(p => fmt.tone(p, q)), ['c-ceil', 'c-floor', 'c-ref', 'c-up', 'c-down', '']);
  eq('price', fmt.price(121300), '121.30');
  eq('change', [fmt.change(300), fmt.change(-50), fmt.change(0)], ['+0.30', '-0.05', '0.00']);
  eq('percent', fmt.percent(1.5), '+1.50%');
  eq('volume', fmt.volume(1234500), '1,234,500');
  eq('clock', fmt.clock('2026-03-04T10:07:30+07:00'), '10:07:30');
  eq('watchlist', board.parseWatchlist('vnm, FPT;hpg  vnm ZZZ$ abcdefghijklmnopq'), ['VNM', 'FPT', 'HPG']);
  eq('26 columns', board.COLUMNS.length, 26);

  // The health pill.
  const h = (st, feed) => strip.health(st, feed, 1000);
  eq('live', h({ state: 'live' }, { sources: [{ source: 'sim', state: 'ok' }] }).text, 'Live');
  eq('down', h({ state: 'live' }, { sources: [{ source: 'ssi', state: 'down' }] }), { level: 'bad', text: 'Upstream down: ssi' });
  eq('stale feed', h({ state: 'live' }, { sources: [{ source: 'kbs', state: 'ok', stale: true }] }).level, 'warn');
  eq('reconnecting', h({ state: 'reconnecting', retryAt: 3500 }).text, 'Reconnecting in 3 s…');
  eq('stale', h({ state: 'stale' }).level, 'warn');
  window.__checks = n;
  return out;
})()`
