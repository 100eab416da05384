package kbs

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/vnstock-api/vnstock-api/market"
)

// List page sizes of news, events and insider deals.
const (
	defaultListSize = 20
	maxListSize     = 100
)

// column is one output column of a list frame: the first KBS key of keys
// present in a row fills it (matched case-insensitively), conv converts it.
type column struct {
	name string
	keys []string
	conv func(any) any
}

// newsColumns are vnstock v4's Reference().company().news() columns,
// filled from the KBS keys {Head, ArticleID, Title, PublishTime, URL}.
var newsColumns = []column{
	{"id", []string{"ArticleID"}, idText}, {"news_id", []string{"ArticleID"}, nil},
	{"language", nil, nil}, {"news_category_code", nil, nil}, {"icb_code", nil, nil},
	{"com_group_code", nil, nil}, {"ticker", []string{"StockCode", "SB"}, nil},
	{"news_title", []string{"Title"}, nil}, {"friendly_title", nil, nil},
	{"news_sub_title", nil, nil}, {"friendly_sub_title", nil, nil},
	{"news_short_content", []string{"Head"}, plainCell}, {"news_full_content", []string{"Content"}, plainCell},
	{"news_image_url", []string{"Image", "ImageURL"}, nil}, {"news_small_image_url", nil, nil},
	{"news_source", []string{"Source"}, nil}, {"news_source_link", []string{"URL"}, nil},
	{"news_author", []string{"Author"}, nil}, {"news_keyword", nil, nil}, {"friendly_keyword", nil, nil},
	{"public_date", []string{"PublishTime"}, dateCell},
}

// eventColumns are vnstock v4's Reference().company().events() columns.
// The shape of a KBS event is not recorded (the only live test answered
// []), so only keys whose meaning is plain fill them; every other KBS key is
// kept after them, snake_cased.
var eventColumns = []column{
	{"id", []string{"EventID", "ID"}, idText}, {"event_name_vi", []string{"EventName", "TypeName"}, nil},
	{"event_name_en", []string{"EventNameEn", "TypeNameEn"}, nil}, {"ticker", []string{"StockCode", "SB"}, nil},
	{"event_code", []string{"EventCode"}, nil}, {"event_title_vi", []string{"Title", "EventTitle"}, nil},
	{"event_title_en", []string{"TitleEn", "EventTitleEn"}, nil}, {"display_date1", nil, nil},
	{"public_date", []string{"PublishTime", "PublicDate", "EventDate"}, dateCell},
	{"exercise_ratio", []string{"ExerciseRatio", "Ratio"}, nil}, {"category", []string{"Category"}, nil},
	{"display_date2", nil, nil}, {"issue_date", []string{"IssueDate"}, dateCell},
	{"record_date", []string{"RecordDate"}, dateCell}, {"exright_date", []string{"ExrightDate", "ExRightDate"}, dateCell},
	{"start_date", []string{"StartDate"}, dateCell}, {"end_date", []string{"EndDate"}, dateCell},
	{"action_type_vi", nil, nil}, {"action_type_en", nil, nil},
	{"listing_date", []string{"ListingDate"}, dateCell}, {"payout_date", []string{"PayoutDate", "PaymentDate"}, dateCell},
	{"value_per_share", []string{"ValuePerShare"}, nil},
}

// companyList answers news, events and insider trading: one page of q.Limit
// rows (default 20).
func (s *Source) companyList(ctx context.Context, q market.Query) (*market.Frame, error) {
	sym, err := symbolOf(q)
	if err != nil {
		return nil, err
	}
	size := q.Limit
	if size <= 0 {
		size = defaultListSize
	}
	query := url.Values{"l": {"1"}, "p": {"1"}, "s": {strconv.Itoa(min(size, maxListSize))}}
	var path string
	switch q.Capability {
	case market.CapNews:
		path = "/stockinfo/news/"
	case market.CapEvents:
		path = "/stockinfo/event/"
	default:
		path = "/stockinfo/news/internal-trading/"
	}
	body, err := s.get(ctx, q.Capability, path+string(sym), query)
	if err != nil {
		return nil, err
	}
	return parseList(q.Capability, body, sym)
}

// parseList parses a news, event or insider-trading answer. News and events
// get vnstock v4's columns first; insider deals, like vnstock's KBS client,
// are the KBS keys snake_cased.
func parseList(c market.Capability, body []byte, sym market.Symbol) (*market.Frame, error) {
	what := string(c)
	keys, rows, err := parseObjects(what, body)
	if err != nil {
		return nil, err
	}
	var spec []column
	switch c {
	case market.CapNews:
		spec = newsColumns
	case market.CapEvents:
		spec = eventColumns
	}
	return mapObjects(spec, keys, rows, sym)
}

// mapObjects builds the frame: spec's columns, then each KBS key no spec
// column used, snake_cased. ticker defaults to sym.
func mapObjects(spec []column, keys []string, rows []map[string]any, sym market.Symbol) (*market.Frame, error) {
	used := map[string]bool{}
	cols := make([]string, 0, len(spec)+len(keys))
	for _, c := range spec {
		cols = append(cols, c.name)
		for _, k := range c.keys {
			used[strings.ToLower(k)] = true
		}
	}
	var extra []string
	for _, k := range keys {
		if !used[strings.ToLower(k)] && !slices.Contains(cols, snake(k)) {
			extra = append(extra, k)
			cols = append(cols, snake(k))
		}
	}
	fr := market.NewFrame(cols...)
	for _, r := range rows {
		cells := make([]any, 0, len(cols))
		for _, c := range spec {
			cells = append(cells, c.cell(r, sym))
		}
		for _, k := range extra {
			cells = append(cells, r[strings.ToLower(k)])
		}
		if err := fr.Append(cells...); err != nil {
			return nil, err
		}
	}
	return fr, nil
}

func (c column) cell(r map[string]any, sym market.Symbol) any {
	for _, k := range c.keys {
		if v, ok := r[strings.ToLower(k)]; ok && v != nil && v != "" {
			if c.conv != nil {
				return c.conv(v)
			}
			return v
		}
	}
	if c.name == "ticker" {
		return string(sym)
	}
	return nil
}

func idText(v any) any {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return v
}

func plainCell(v any) any {
	if s, ok := v.(string); ok {
		return nilIfEmpty(plain(s))
	}
	return v
}

func dateCell(v any) any {
	if s, ok := v.(string); ok {
		return date(strings.TrimSpace(s))
	}
	return v
}

// parseObjects decodes an array of flat objects (or {"data": [...]}),
// keeping key order: keys are the union in first-seen order, each row maps
// lower-cased keys to int64, float64, string, bool or nil; nested values
// become their compact JSON text.
func parseObjects(what string, body []byte) ([]string, []map[string]any, error) {
	raw, err := decodeRows[json.RawMessage](what, body)
	if err != nil {
		return nil, nil, err
	}
	var keys []string
	seen := map[string]bool{}
	rows := make([]map[string]any, 0, len(raw))
	for i, obj := range raw {
		row, order, err := orderedObject(obj)
		if err != nil {
			return nil, nil, schemaErr(what+"["+strconv.Itoa(i)+"]", "%v", err)
		}
		for _, k := range order {
			if lk := strings.ToLower(k); !seen[lk] {
				seen[lk] = true
				keys = append(keys, k)
			}
		}
		rows = append(rows, row)
	}
	return keys, rows, nil
}

func orderedObject(obj json.RawMessage) (map[string]any, []string, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, errNotObject
	}
	row := map[string]any{}
	var order []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		row[strings.ToLower(key)] = scalar(v)
		order = append(order, key)
	}
	return row, order, nil
}

// scalar converts one JSON value to a Frame cell.
func scalar(v json.RawMessage) any {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0 || string(v) == "null":
		return nil
	case v[0] == '"':
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	case string(v) == "true" || string(v) == "false":
		return string(v) == "true"
	case v[0] == '-' || v[0] >= '0' && v[0] <= '9':
		if i, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(string(v), 64); err == nil {
			return f
		}
	}
	var buf bytes.Buffer
	if json.Compact(&buf, v) == nil {
		return buf.String()
	}
	return string(v)
}

// snake turns a KBS key into snake_case: EventID → event_id,
// RegisterBuyVolume → register_buy_volume.
func snake(k string) string {
	r := []rune(k)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prevLower := unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1])
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if prevLower || unicode.IsUpper(r[i-1]) && nextLower {
				b.WriteByte('_')
			}
		}
		if c == ' ' || c == '-' {
			c = '_'
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}
