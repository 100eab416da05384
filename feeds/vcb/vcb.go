// Package vcb reads Vietcombank's exchange rates (upstream.md §7): GET
// /api/exchangerates/exportexcel?date=YYYY-MM-DD answers JSON {Data:
// "<base64 .xlsx>"} whose sheet ExchangeRate lists, per currency, the code,
// the name and the cash buy, transfer buy and sell rates in VND. It answers
// market.CapExchangeRates.
package vcb

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// Name is the source name.
const Name = "vcb"

// DefaultBaseURL is Vietcombank's site.
const DefaultBaseURL = "https://www.vietcombank.com.vn"

// sheetName is the workbook sheet holding the rates.
const sheetName = "ExchangeRate"

// Config configures the source. Zero fields take the defaults.
type Config struct {
	BaseURL string           // default DefaultBaseURL; fakeupstream: server URL + "/vcb"
	Doer    upstream.Doer    // default upstream.NewClient for "vcb"
	Now     func() time.Time // default time.Now
}

// Source answers exchange rates from Vietcombank. Safe for concurrent use.
type Source struct {
	cfg Config
}

var _ feeds.Source = (*Source)(nil)

// New returns the source with cfg's zero fields set to the defaults.
func New(cfg Config) *Source {
	cfg.BaseURL = upstream.BaseURL(cfg.BaseURL, DefaultBaseURL)
	cfg.Doer = upstream.DoerOr(cfg.Doer, Name)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Source{cfg: cfg}
}

// Name returns "vcb".
func (s *Source) Name() string { return Name }

// Fetch answers market.CapExchangeRates for q.Date (today when zero) with a
// frame currency_code, currency_name, buy_cash, buy_transfer, sell (VND
// per unit; null where Vietcombank quotes none), date.
func (s *Source) Fetch(ctx context.Context, q market.Query) (market.Result, error) {
	if q.Capability != market.CapExchangeRates {
		return market.Result{}, fmt.Errorf("vcb: %s: %w", q.Capability, market.ErrUnsupported)
	}
	now := s.cfg.Now()
	day := q.Day(now)
	if day.After(market.Date(now)) {
		return market.Result{}, market.Invalid("date", "%s is in the future", day.Format(time.DateOnly))
	}
	date := day.Format(time.DateOnly)
	body, err := s.cfg.Doer.Do(ctx, upstream.Request{
		URL: s.cfg.BaseURL + "/api/exchangerates/exportexcel", Query: url.Values{"date": {date}},
		Capability: string(q.Capability),
	})
	if err != nil {
		return market.Result{}, fmt.Errorf("vcb exchange rates %s: %w", date, err)
	}
	frame, err := parse(body, date)
	if err != nil {
		return market.Result{}, err
	}
	return market.Result{Source: Name, PriceUnit: "vnd", Frame: frame, FetchedAt: now}, nil
}

// parse reads an exportexcel answer. Currency rows are recognised by a
// three-letter code in column A, which skips the title, header and
// footnote rows that vnstock drops by position.
func parse(body []byte, date string) (*market.Frame, error) {
	var resp struct {
		Data *string `json:"Data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, &market.SchemaError{Source: Name, Field: "body", Msg: err.Error()}
	}
	if resp.Data == nil {
		return nil, &market.SchemaError{Source: Name, Field: "Data", Msg: "missing"}
	}
	xlsx, err := base64.StdEncoding.DecodeString(*resp.Data)
	if err != nil {
		return nil, &market.SchemaError{Source: Name, Field: "Data", Msg: "not base64: " + err.Error()}
	}
	rows, err := readSheet(xlsx, sheetName)
	if err != nil {
		return nil, &market.SchemaError{Source: Name, Field: "Data", Msg: err.Error()}
	}
	f := market.NewFrame("currency_code", "currency_name", "buy_cash", "buy_transfer", "sell", "date")
	for _, r := range rows {
		row := r.Cells
		if len(row) == 0 || !isCurrencyCode(strings.TrimSpace(row[0])) {
			continue
		}
		cells := make([]any, 0, 6)
		cells = append(cells, strings.TrimSpace(row[0]), strings.TrimSpace(cell(row, 1)))
		for col := 2; col <= 4; col++ {
			v, err := rate(cell(row, col))
			if err != nil {
				return nil, &market.SchemaError{Source: Name, Field: fmt.Sprintf("%s!%c%d", sheetName, 'A'+col, r.Num), Msg: err.Error()}
			}
			cells = append(cells, v)
		}
		_ = f.Append(append(cells, date)...)
	}
	if f.Len() == 0 {
		return nil, &market.SchemaError{Source: Name, Field: sheetName, Msg: "no currency rows"}
	}
	return f, nil
}

func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := range 3 {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// rate reads "25,050.00", "25050" or a numeric cell; "-" or "" is no
// quote (nil).
func rate(s string) (any, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" || s == "-" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v <= 0 || v > 1e9 {
		return nil, fmt.Errorf("not a rate: %q", truncate(s))
	}
	return v, nil
}
