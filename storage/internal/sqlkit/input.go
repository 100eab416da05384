package sqlkit

import (
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"math"
	"slices"
	"time"

	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// MaxPrefixLen bounds Key.Prefix, so that a caller who passes the whole key
// as its "visible start" is refused rather than stored.
const MaxPrefixLen = 24

// DayLayout is how a usage day is written where the store has no date type.
const DayLayout = "2006-01-02"

// MinTime and MaxTime stand for an open end of a read range; both stores
// can hold them (Postgres timestamptz, SQLite int64 microseconds).
func MinTime() time.Time { return time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC) }

// MaxTime is the open upper end of a read range.
func MaxTime() time.Time { return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC) }

// CheckSeries rejects a series key without a symbol or interval.
func CheckSeries(key storage.SeriesKey) error {
	if key.Symbol == "" {
		return market.Invalid("symbol", "must not be empty")
	}
	if key.Interval == "" {
		return market.Invalid("interval", "must not be empty")
	}
	return nil
}

// PrepareBars checks bars against key and returns a copy sorted by time with
// one bar per time (the last given wins). Sorting gives every writer the
// same row-lock order, so concurrent upserts cannot deadlock.
func PrepareBars(key storage.SeriesKey, bars []market.Bar) ([]market.Bar, error) {
	if err := CheckSeries(key); err != nil {
		return nil, err
	}
	out := make([]market.Bar, len(bars))
	for i, b := range bars {
		if b.Symbol != "" && b.Symbol != key.Symbol {
			return nil, market.Invalid("symbol", "bar %d is %s, the series is %s", i, b.Symbol, key.Symbol)
		}
		if b.Interval != "" && b.Interval != key.Interval {
			return nil, market.Invalid("interval", "bar %d is %s, the series is %s", i, b.Interval, key.Interval)
		}
		if b.Time.IsZero() {
			return nil, market.Invalid("time", "bar %d has no time", i)
		}
		if !finite(b.Open, b.High, b.Low, b.Close) {
			return nil, market.Invalid("price", "bar %d at %s has a NaN or infinite price", i, b.Time.Format(time.RFC3339))
		}
		out[i] = b
	}
	// Stable, so that among equal times the last given stays last.
	slices.SortStableFunc(out, func(a, b market.Bar) int { return a.Time.Compare(b.Time) })
	w := 0
	for i := range out {
		if w > 0 && out[w-1].Time.Equal(out[i].Time) {
			out[w-1] = out[i]
			continue
		}
		out[w] = out[i]
		w++
	}
	return out[:w], nil
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// ReadBounds turns a read range into concrete bounds: a zero From or To is
// open on that side. Both stores keep times to the microsecond, so bounds
// are rounded up to one: for a stored t, t ≥ From ⇔ t ≥ CeilMicro(From) and
// t < To ⇔ t < CeilMicro(To).
func ReadBounds(r storage.Range) (from, to time.Time) {
	from, to = CeilMicro(r.From), CeilMicro(r.To)
	if from.IsZero() {
		from = MinTime()
	}
	if to.IsZero() {
		to = MaxTime()
	}
	return from, to
}

// CeilMicro rounds t up to a whole microsecond.
func CeilMicro(t time.Time) time.Time {
	if tr := t.Truncate(time.Microsecond); !tr.Equal(t) {
		return tr.Add(time.Microsecond)
	}
	return t
}

// CheckCoverage validates a range to record. It reports empty=true for a
// range with From == To, which records nothing.
func CheckCoverage(key storage.SeriesKey, r storage.Range) (empty bool, err error) {
	if err := CheckSeries(key); err != nil {
		return false, err
	}
	if r.From.IsZero() || r.To.IsZero() {
		return false, market.Invalid("range", "coverage needs both ends")
	}
	if r.To.Before(r.From) {
		return false, market.Invalid("range", "ends (%s) before it starts (%s)", r.To.Format(time.RFC3339), r.From.Format(time.RFC3339))
	}
	return r.To.Equal(r.From), nil
}

// MergeRanges sorts ranges and merges the ones that overlap or touch
// (a.To == b.From). It reuses rs's backing array.
func MergeRanges(rs []storage.Range) []storage.Range {
	slices.SortFunc(rs, func(a, b storage.Range) int { return a.From.Compare(b.From) })
	w := 0
	for _, r := range rs {
		if !r.From.Before(r.To) {
			continue
		}
		if w > 0 && !r.From.After(rs[w-1].To) {
			if r.To.After(rs[w-1].To) {
				rs[w-1].To = r.To
			}
			continue
		}
		rs[w] = r
		w++
	}
	return rs[:w]
}

// PrepareTrades rejects trades without a symbol or time and returns a copy
// sorted by identity (symbol, time, price, volume, id): the order in which
// writers insert, so that concurrent appends lock index entries in one
// order.
func PrepareTrades(trades []market.Trade) ([]market.Trade, error) {
	for i, t := range trades {
		if t.Symbol == "" {
			return nil, market.Invalid("symbol", "trade %d has no symbol", i)
		}
		if t.Time.IsZero() {
			return nil, market.Invalid("time", "trade %d of %s has no time", i, t.Symbol)
		}
	}
	out := slices.Clone(trades)
	slices.SortFunc(out, func(a, b market.Trade) int {
		return cmp.Or(cmp.Compare(a.Symbol, b.Symbol), a.Time.Compare(b.Time),
			cmp.Compare(a.Price, b.Price), cmp.Compare(a.Volume, b.Volume), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// TradeBounds checks a trades read and returns its upper bound: before, or
// now when before is zero.
func TradeBounds(sym market.Symbol, before time.Time, limit int, now func() time.Time) (time.Time, error) {
	if sym == "" {
		return time.Time{}, market.Invalid("symbol", "must not be empty")
	}
	if limit <= 0 {
		return time.Time{}, market.Invalid("limit", "must be positive, got %d", limit)
	}
	if before.IsZero() {
		before = now()
	}
	return CeilMicro(before), nil
}

// KeyColumns lists the api_keys columns in the order both stores insert
// and scan them.
const KeyColumns = `id, prefix, hash, name, scopes, rps, burst, daily_quota, max_streams, max_topics,
	messages_per_s, created_at, last_used, expires_at, revoked`

// PrepareKey rejects a key that could not have come from the auth layer: no
// id, a hash that is not a SHA-256 digest (the plain key, say), or a prefix
// long enough to be most of the key. A zero CreatedAt is set to now().
func PrepareKey(k storage.Key, now func() time.Time) (storage.Key, error) {
	if k.ID == "" {
		return k, market.Invalid("id", "must not be empty")
	}
	if len(k.Hash) != sha256.Size {
		return k, market.Invalid("hash", "is %d bytes, want a %d-byte SHA-256 digest", len(k.Hash), sha256.Size)
	}
	if len(k.Prefix) > MaxPrefixLen {
		return k, market.Invalid("prefix", "is %d characters, at most %d", len(k.Prefix), MaxPrefixLen)
	}
	if k.CreatedAt.IsZero() {
		k.CreatedAt = now()
	}
	return k, nil
}

// PrepareUsage checks rows, moves each Day to its ICT midnight and sums rows
// of the same (key, day, class), sorted by that triple so that concurrent
// writers lock rows in one order.
func PrepareUsage(rows []storage.Usage) ([]storage.Usage, error) {
	out := make([]storage.Usage, 0, len(rows))
	for i, u := range rows {
		if u.KeyID == "" {
			return nil, market.Invalid("key_id", "usage row %d has no key", i)
		}
		if u.Class == "" {
			return nil, market.Invalid("class", "usage row %d has no class", i)
		}
		if u.Day.IsZero() {
			return nil, market.Invalid("day", "usage row %d has no day", i)
		}
		if u.Requests < 0 || u.StreamSeconds < 0 || u.Events < 0 || u.Bytes < 0 {
			return nil, market.Invalid("usage", "row %d has a negative counter", i)
		}
		u.Day = market.Date(u.Day)
		out = append(out, u)
	}
	slices.SortFunc(out, compareUsage)
	w := 0
	for _, u := range out {
		if w > 0 && compareUsage(out[w-1], u) == 0 {
			p := &out[w-1]
			p.Requests += u.Requests
			p.StreamSeconds += u.StreamSeconds
			p.Events += u.Events
			p.Bytes += u.Bytes
			continue
		}
		out[w] = u
		w++
	}
	return out[:w], nil
}

func compareUsage(a, b storage.Usage) int {
	return cmp.Or(cmp.Compare(a.KeyID, b.KeyID), a.Day.Compare(b.Day), cmp.Compare(a.Class, b.Class))
}

// UsageDays returns the day bounds of a usage read as ICT dates: a zero
// from is open, a zero to is open.
func UsageDays(from, to time.Time) (lo, hi string) {
	lo, hi = "0001-01-01", "9999-12-31"
	if !from.IsZero() {
		lo = market.Date(from).Format(DayLayout)
	}
	if !to.IsZero() {
		hi = market.Date(to).Format(DayLayout)
	}
	return lo, hi
}

// DayFromDate turns a stored date's year, month and day into ICT midnight.
func DayFromDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, market.ICT)
}

// Side returns the side to store: SideUnknown when the trade has none.
func Side(s market.Side) string {
	if s == "" {
		return string(market.SideUnknown)
	}
	return string(s)
}

// Scopes returns nil for an empty scope list, so that both stores read back
// the same value whatever they were given.
func Scopes(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// PrepareDoc rejects a doc without a kind or key, or whose body is not
// JSON. A zero FetchedAt is set to now().
func PrepareDoc(d storage.Doc, now func() time.Time) (storage.Doc, error) {
	if d.Kind == "" {
		return d, market.Invalid("kind", "must not be empty")
	}
	if d.Key == "" {
		return d, market.Invalid("key", "must not be empty")
	}
	if !json.Valid(d.Body) {
		return d, market.Invalid("body", "doc %s is not valid JSON", d.Key)
	}
	if d.FetchedAt.IsZero() {
		d.FetchedAt = now()
	}
	return d, nil
}
