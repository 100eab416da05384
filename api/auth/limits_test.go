package auth

import (
	"context"
	"testing"

	"github.com/vnstock-api/vnstock-api/storage"
)

func TestStreamLimits(t *testing.T) {
	t.Parallel()
	plan := storage.Plan{MaxTopics: 7, MessagesPerS: 2.5}
	cases := []struct {
		name       string
		ctx        context.Context
		wantTopics int
		wantRate   float64
	}{
		{"no principal", context.Background(), 0, 0},
		{"principal", WithPrincipal(context.Background(), Principal{KeyID: "k", Plan: plan}), 7, 2.5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			topics, rate := StreamLimits(tc.ctx)
			if topics != tc.wantTopics || rate != tc.wantRate {
				t.Fatalf("StreamLimits = %d, %g; want %d, %g", topics, rate, tc.wantTopics, tc.wantRate)
			}
		})
	}
}
