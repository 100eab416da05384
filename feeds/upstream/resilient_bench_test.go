package upstream

import (
	"context"
	"net/url"
	"strconv"
	"testing"
)

// BenchmarkResilientDo measures the wrapper's own cost around a Doer that
// answers at once: limiter off, breaker and singleflight on.
func BenchmarkResilientDo(b *testing.B) {
	body := []byte(`{"ok":true}`)
	inner := doerFunc(func(context.Context, Request) ([]byte, error) { return body, nil })
	r := NewResilient(inner, Policy{Source: "bench"})
	req := Request{URL: "http://u/x", Query: url.Values{"symbol": {"FPT"}, "page": {strconv.Itoa(1)}}, Capability: "ohlcv"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Do(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
