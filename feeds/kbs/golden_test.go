package kbs

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds/internal/golden"
	"github.com/vnstock-api/vnstock-api/market"
)

// testdata/kbs holds the recorded KBS payloads (copies of
// shared/upstream/kbs, see its README for provenance) and their goldens.

var update = flag.Bool("update", false, "rewrite testdata/kbs/*.golden.json")

// goldenNow is the parse clock: the day the last payload was recorded.
var goldenNow = time.Date(2026, 8, 9, 12, 0, 0, 0, market.ICT)

// goldenCases maps every recorded payload to its parser. Each comment says
// what was checked by hand against the payload.
var goldenCases = map[string]func([]byte) (any, error){
	// One bar of VND on 2026-08-07 (a Friday): "t":"2026-08-07 07:00" is a
	// daily stamp, kept as the ICT day 2026-08-07T00:00+07:00; o/h/l/c
	// 16600/16900/16600/16650 are VND integers (VND traded near 16.6k VND,
	// so not thousands), v 6884600 shares. Closed: goldenNow is two days on.
	"data_day_VND_2026-08-07.json": func(b []byte) (any, error) {
		return parseBars(b, "VND", market.Interval1D, "data_day", goldenNow)
	},
	// VNM 2024-01-31: back-adjusted VND with decimals (58776.6816 ≈ 58.8k
	// VND, VNM's adjusted price then), kept unrounded; v 4020100 shares.
	"data_day_VNM_excerpt.json": func(b []byte) (any, error) {
		return parseBars(b, "VNM", market.Interval1D, "data_day", goldenNow)
	},
	// The 30 VN30 members in KBS's order (ACB ... VRE), complete.
	"index_30_stocks.json": func(b []byte) (any, error) { return parseSymbols("group", b) },
	// One insider report: keys snake_cased as vnstock's KBS client does
	// (EventID → event_id ...), volumes are share counts unchanged.
	"internal_trading_VNM_excerpt.json": func(b []byte) (any, error) {
		return parseList(market.CapInsiderTrading, b, "VNM")
	},
	// One article: ArticleID 1399208 → news_id (and id as text), Title →
	// news_title, PublishTime "2026-02-02T17:24:06" read as ICT →
	// 2026-02-02T17:24:06+07:00, relative URL kept, empty Head → null,
	// ticker from the request.
	"news_VNM_excerpt.json": func(b []byte) (any, error) { return parseList(market.CapNews, b, "VNM") },
	// VNM on 2026-02-27: RE 70600, CL 75500 (70600×1.07 = 75542 rounded
	// down to the 100 tick), FL 65700 (65658 rounded up), CP 68200 and
	// CH -2400 = 68200-70600, CHP -3.39943 % = -2400/70600; bid "68200.0"
	// → 68200 VND, ask "68300.0" → 68300; FR 1036480000 is the foreign room
	// in shares. No "t" in the excerpt, so the time is the fetch time.
	"price_board_VNM_excerpt.json": func(b []byte) (any, error) { return parseBoard(b, goldenNow) },
	// Five of KBS's own sectors with their codes and change %.
	"sector_all_excerpt.json": func(b []byte) (any, error) {
		secs, err := parseSectors(b)
		out := make([]map[string]any, len(secs))
		for i, s := range secs {
			out[i] = map[string]any{"code": s.code, "name": s.name, "change": s.change}
		}
		return out, err
	},
	// Sector 1 "Bán buôn": members CMC, DGW, PLX (string price fields ignored).
	"sector_stock_1_excerpt.json": func(b []byte) (any, error) {
		name, syms, err := parseSectorStocks(b)
		return map[string]any{"name": name, "symbols": syms}, err
	},
	// The ATC match of VNM on 2026-02-27: "t" 14:45:29:84 → 14:45:29.84
	// ICT (TD "28/02/2026" is the request day, ignored); FMP 68200 VND and
	// FV 344100 equal the board's CP/CV above; LC S → sell; AVO 13371400
	// shares (AVA 921101500000 VND / AVO ≈ 68886 VND average, consistent).
	"trade_history_VNM_excerpt.json": func(b []byte) (any, error) { return parseTrades(b, "VNM") },
}

func TestGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(golden.Dir(t, "kbs"), "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, path := range files {
		name := filepath.Base(path)
		if strings.HasSuffix(name, ".golden.json") {
			continue
		}
		seen++
		parse, ok := goldenCases[name]
		if !ok {
			t.Errorf("%s: recorded payload without a golden case", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v, err := parse(golden.Read(t, "kbs", name))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			golden.Compare(t, "kbs", strings.TrimSuffix(name, ".json")+".golden.json", golden.Marshal(t, v), *update)
		})
	}
	if seen != len(goldenCases) {
		t.Errorf("%d recorded payloads, %d golden cases", seen, len(goldenCases))
	}
}
