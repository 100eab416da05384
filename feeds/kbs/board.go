package kbs

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// boardRow is one row of POST stock/iss (upstream.md §4.4): flat short
// codes, prices in VND, bid/ask prices as strings, t in epoch ms.
type boardRow struct {
	SB, EX                         text
	CL, FL, RE, OP, HI, LO, CP, CV num
	AP, TT, TV, CH, CHP            num
	B1, B2, B3, V1, V2, V3         num
	S1, S2, S3, U1, U2, U3         num
	FB, FS, FR                     num
	T                              num `json:"t"`
}

// board answers CapBoard with one POST for every requested symbol.
func (s *Source) board(ctx context.Context, q market.Query) ([]market.Quote, error) {
	if len(q.Symbols) == 0 {
		return nil, market.Invalid("symbols", "must not be empty")
	}
	codes := make([]string, 0, len(q.Symbols))
	for _, sym := range q.Symbols {
		v, err := market.ParseSymbol(string(sym))
		if err != nil {
			return nil, err
		}
		codes = append(codes, string(v))
	}
	body, err := json.Marshal(struct {
		Code string `json:"code"`
	}{strings.Join(codes, ",")})
	if err != nil {
		return nil, err
	}
	raw, err := s.post(ctx, market.CapBoard, "/stock/iss", body)
	if err != nil {
		return nil, err
	}
	quotes, err := parseBoard(raw, s.now())
	if err != nil {
		return nil, err
	}
	if len(quotes) == 0 {
		return nil, market.ErrNotFound
	}
	return quotes, nil
}

// parseBoard parses a stock/iss answer. fetched stamps rows without t.
// Rows are returned in the upstream's order; every price is VND.
func parseBoard(body []byte, fetched time.Time) ([]market.Quote, error) {
	rows, err := decodeRows[boardRow]("board", body)
	if err != nil {
		return nil, err
	}
	out := make([]market.Quote, 0, len(rows))
	for i := range rows {
		q, err := rows[i].quote(i, fetched)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

// quote converts one row. SB, EX and the reference/ceiling/floor prices are
// required (every board row has them); the rest may be absent before the
// first match and then count as 0.
func (r *boardRow) quote(i int, fetched time.Time) (market.Quote, error) {
	f := fields{what: "board[" + strconv.Itoa(i) + "]"}
	sym, err := market.ParseSymbol(f.str("SB", r.SB, true))
	if f.err != nil {
		return market.Quote{}, f.err
	}
	if err != nil {
		return market.Quote{}, schemaErr(f.what+".SB", "%v", err)
	}
	ex, err := parseExchange(f.str("EX", r.EX, true))
	if err != nil && f.err == nil {
		f.fail("EX", "%v", err)
	}
	q := market.Quote{
		Symbol: sym, Exchange: ex, Source: Name,
		Ref: f.int("RE", r.RE, true), Ceiling: f.int("CL", r.CL, true), Floor: f.int("FL", r.FL, true),
		Open: f.int("OP", r.OP, false), High: f.int("HI", r.HI, false), Low: f.int("LO", r.LO, false),
		Last: f.int("CP", r.CP, false), LastVolume: f.int("CV", r.CV, false),
		Avg: f.int("AP", r.AP, false), TotalVolume: f.int("TT", r.TT, false), TotalValue: f.int("TV", r.TV, false),
		Change: f.int("CH", r.CH, false), ChangePct: f.float("CHP", r.CHP, false),
		ForeignBuy: f.int("FB", r.FB, false), ForeignSell: f.int("FS", r.FS, false), ForeignRoom: f.int("FR", r.FR, false),
	}
	q.Bids = levels(&f, "B", "V", [3]num{r.B1, r.B2, r.B3}, [3]num{r.V1, r.V2, r.V3})
	q.Asks = levels(&f, "S", "U", [3]num{r.S1, r.S2, r.S3}, [3]num{r.U1, r.U2, r.U3})
	q.Time = fetched.In(market.ICT)
	if ms := f.int("t", r.T, false); ms > 0 {
		q.Time = time.UnixMilli(ms).In(market.ICT)
	}
	if f.err != nil {
		return market.Quote{}, f.err
	}
	return q, nil
}

// levels returns the book side, best first, up to the first empty level.
func levels(f *fields, pk, vk string, prices, vols [3]num) []market.Level {
	var out []market.Level
	for i := range prices {
		n := strconv.Itoa(i + 1)
		lv := market.Level{Price: f.price(pk+n, prices[i]), Volume: f.int(vk+n, vols[i], false)}
		if lv.Price == 0 && lv.Volume == 0 {
			break
		}
		out = append(out, lv)
	}
	return out
}

// parseExchange maps KBS exchange codes; XHNF is the derivatives market.
func parseExchange(s string) (market.Exchange, error) {
	if strings.EqualFold(s, "XHNF") {
		return market.DER, nil
	}
	return market.ParseExchange(s)
}
