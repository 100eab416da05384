package kbs

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/vnstock-api/vnstock-api/market"
)

// searchRow is one row of stock/search/data (upstream.md §4.1).
type searchRow struct {
	Symbol, Name, NameEn, Exchange, Type text
	Index                                num
}

// equityColumns are vnstock's symbols_by_exchange columns; its list()
// (Reference_equity_list: symbol, organ_name) is their prefix.
var equityColumns = []string{"symbol", "organ_name", "en_organ_name", "exchange", "type", "id"}

// equities answers CapEquities from the one search/data call, filtered by
// q.Exchange and q.Type locally.
func (s *Source) equities(ctx context.Context, q market.Query) (*market.Frame, error) {
	var want market.Exchange
	if q.Exchange != "" {
		ex, err := market.ParseExchange(q.Exchange)
		if err != nil {
			return nil, err
		}
		want = ex
	}
	body, err := s.get(ctx, market.CapEquities, "/stock/search/data", nil)
	if err != nil {
		return nil, err
	}
	rows, err := parseSearch(body)
	if err != nil {
		return nil, err
	}
	f := market.NewFrame(equityColumns...)
	for _, r := range rows {
		if want != "" && r.exchange != want || q.Type != "" && !strings.EqualFold(r.typ, q.Type) {
			continue
		}
		if err := f.Append(string(r.symbol), nilIfEmpty(r.name), nilIfEmpty(r.nameEn), string(r.exchange), nilIfEmpty(r.typ), r.id); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// equity is a validated search row.
type equity struct {
	symbol            market.Symbol
	name, nameEn, typ string
	exchange          market.Exchange
	id                any // int64 or nil
}

// parseSearch parses stock/search/data: an array or {"data": [...]}.
// Symbol and exchange are required; type is lower-case ("stock").
func parseSearch(body []byte) ([]equity, error) {
	rows, err := decodeRows[searchRow]("search", body)
	if err != nil {
		return nil, err
	}
	out := make([]equity, 0, len(rows))
	for i, r := range rows {
		f := fields{what: "search[" + strconv.Itoa(i) + "]"}
		sym, serr := market.ParseSymbol(f.str("symbol", r.Symbol, true))
		exText := f.str("exchange", r.Exchange, true)
		e := equity{symbol: sym, name: f.str("name", r.Name, false), nameEn: f.str("nameEn", r.NameEn, false),
			typ: strings.ToLower(f.str("type", r.Type, false))}
		if id := f.int("index", r.Index, false); r.Index.set {
			e.id = id
		}
		if f.err != nil {
			return nil, f.err
		}
		if serr != nil {
			return nil, schemaErr(f.what+".symbol", "%v", serr)
		}
		if e.exchange, err = parseExchange(exText); err != nil {
			return nil, schemaErr(f.what+".exchange", "%v", err)
		}
		out = append(out, e)
	}
	return out, nil
}

// groupCodes maps group names (upper case) to KBS's index/{code}/stocks
// codes; VN30 must be asked as "30" (upstream.md §4.1).
var groupCodes = map[string]string{
	"VN30": "30", "VN100": "100", "VNMIDCAP": "MID", "VNMID": "MID", "VNSMALLCAP": "SML", "VNSML": "SML",
	"VNSI": "SI", "VNX50": "X50", "VNXALL": "XALL", "VNALL": "ALL", "HNX30": "HNX30",
	"HOSE": "HOSE", "HSX": "HOSE", "HNX": "HNX", "UPCOM": "UPCOM",
	"ETF": "FUND", "FUND": "FUND", "CW": "CW", "BOND": "BOND",
	"FU_INDEX": "DER", "FUTURES": "DER", "DER": "DER",
}

// group answers CapGroup: the members of q.Group, one column "symbol".
func (s *Source) group(ctx context.Context, q market.Query) (*market.Frame, error) {
	code, ok := groupCodes[strings.ToUpper(strings.TrimSpace(q.Group))]
	if !ok {
		if q.Group == "" {
			return nil, market.Invalid("group", "must not be empty")
		}
		return nil, unsupported(market.CapGroup, "group "+q.Group)
	}
	body, err := s.get(ctx, market.CapGroup, "/index/"+code+"/stocks", nil)
	if err != nil {
		return nil, err
	}
	syms, err := parseSymbols("group", body)
	if err != nil {
		return nil, err
	}
	f := market.NewFrame("symbol")
	for _, sym := range syms {
		if err := f.Append(string(sym)); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// parseSymbols parses {"status":200,"data":["ACB",...]} or a bare array of
// symbols.
func parseSymbols(what string, body []byte) ([]market.Symbol, error) {
	raw, err := decodeRows[string](what, body)
	if err != nil {
		return nil, err
	}
	out := make([]market.Symbol, 0, len(raw))
	for i, r := range raw {
		sym, err := market.ParseSymbol(strings.TrimSpace(r))
		if err != nil {
			return nil, schemaErr(what+"["+strconv.Itoa(i)+"]", "%v", err)
		}
		out = append(out, sym)
	}
	return out, nil
}

// sector is one of KBS's own 28 industry groups (not ICB).
type sector struct {
	code, name string
	change     float64
}

// industry answers CapIndustry with KBS's sectors: q.Code a KBS sector code
// (1-99) gives that sector's members, an empty Code every sector's (one
// call per sector, as vnstock does). ICB codes (four digits) are VCI's.
func (s *Source) industry(ctx context.Context, q market.Query) (*market.Frame, error) {
	code := strings.TrimSpace(q.Code)
	if code != "" && (!isDigits(code) || len(code) > 2) {
		return nil, unsupported(market.CapIndustry, "ICB code "+code+"; kbs has its own sector codes 1-29")
	}
	sectors := []sector{{code: code}}
	if code == "" {
		body, err := s.get(ctx, market.CapIndustry, "/sector/all", nil)
		if err != nil {
			return nil, err
		}
		if sectors, err = parseSectors(body); err != nil {
			return nil, err
		}
	}
	f := market.NewFrame("symbol", "industry_code", "industry_name")
	for _, sec := range sectors {
		body, err := s.get(ctx, market.CapIndustry, "/sector/stock", url.Values{"code": {sec.code}, "l": {"1"}})
		if err != nil {
			return nil, err
		}
		name, syms, err := parseSectorStocks(body)
		if err != nil {
			return nil, err
		}
		if name == "" {
			name = sec.name
		}
		for _, sym := range syms {
			if err := f.Append(string(sym), sec.code, name); err != nil {
				return nil, err
			}
		}
	}
	return f, nil
}

type sectorRow struct {
	Name, Code text
	Change     num
}

// parseSectors parses sector/all: [{name, code, change}].
func parseSectors(body []byte) ([]sector, error) {
	rows, err := decodeRows[sectorRow]("sectors", body)
	if err != nil {
		return nil, err
	}
	out := make([]sector, 0, len(rows))
	for i, r := range rows {
		f := fields{what: "sectors[" + strconv.Itoa(i) + "]"}
		sec := sector{code: f.str("code", r.Code, true), name: f.str("name", r.Name, true), change: f.float("change", r.Change, false)}
		if f.err == nil && !isDigits(sec.code) {
			f.fail("code", "%q is not a sector number", sec.code)
		}
		if f.err != nil {
			return nil, f.err
		}
		out = append(out, sec)
	}
	return out, nil
}

// parseSectorStocks parses sector/stock: {name, stocks:[{sb, pr, ch, vo}]}.
func parseSectorStocks(body []byte) (string, []market.Symbol, error) {
	var doc struct {
		Name   text
		Stocks []struct{ Sb text }
	}
	if err := decode("sector", body, &doc); err != nil {
		return "", nil, err
	}
	f := fields{what: "sector"}
	name := f.str("name", doc.Name, false)
	if f.err != nil {
		return "", nil, f.err
	}
	out := make([]market.Symbol, 0, len(doc.Stocks))
	for i, st := range doc.Stocks {
		f := fields{what: "sector.stocks[" + strconv.Itoa(i) + "]"}
		sym, err := market.ParseSymbol(f.str("sb", st.Sb, true))
		if f.err != nil {
			return "", nil, f.err
		}
		if err != nil {
			return "", nil, schemaErr(f.what+".sb", "%v", err)
		}
		out = append(out, sym)
	}
	return name, out, nil
}

// nilIfEmpty returns nil for "", else s: pandas shows a missing text as None.
func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
