package queryhalf

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

type usageRows []storage.Usage

func (u *usageRows) AddUsage(_ context.Context, rows []storage.Usage) error {
	*u = append(*u, rows...)
	return nil
}

// StreamEnd records a GraphQL subscription's usage under its principal, and
// nothing for a context without one.
func TestStreamEnd(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 21, 10, 0, 0, 0, market.ICT)
	var rows usageRows
	p := &Protection{Usage: auth.NewUsage(&rows, func() time.Time { return now })}
	end := p.StreamEnd(auth.ClassGraphQL)
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{KeyID: "k1", Subject: "key:k1"})
	end(ctx, 3, 120, 61400*time.Millisecond)
	end(ctx, 2, 80, 1600*time.Millisecond)
	end(context.Background(), 9, 9, time.Hour) // unauthenticated: not recorded
	if err := p.Usage.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := usageRows{{KeyID: "k1", Day: market.Date(now), Class: "graphql", StreamSeconds: 63, Events: 5, Bytes: 200}}
	if d := cmp.Diff(want, rows); d != "" {
		t.Fatalf("usage rows (-want +got):\n%s", d)
	}
}
