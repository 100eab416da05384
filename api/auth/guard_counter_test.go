package auth

import (
	"context"
	"testing"
)

func TestWithCounterOnTop(t *testing.T) {
	c := &StreamCounter{}
	deep := context.WithValue(context.Background(), counterKey{}, c)
	for i := range 50 { // a long chain, as gqlgen builds
		deep = context.WithValue(deep, struct{ n int }{i}, i)
	}
	if got := CounterFromContext(WithCounter(deep, CounterFromContext(deep))); got != c {
		t.Fatalf("counter %p, want %p", got, c)
	}
	if got := CounterFromContext(WithCounter(context.Background(), nil)); got != nil {
		t.Fatalf("counter %p, want none", got)
	}
}
