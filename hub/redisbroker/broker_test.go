package redisbroker

import (
	"context"
	"testing"
	"time"

	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/hub/brokertest"
)

func newTestBroker(t *testing.T, c Config) *Broker {
	t.Helper()
	if c.Heartbeat == 0 {
		c.Heartbeat = 200 * time.Millisecond
	}
	if c.MinBackoff == 0 {
		c.MinBackoff, c.MaxBackoff = 20*time.Millisecond, 200*time.Millisecond
	}
	b, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := b.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return b
}

// The hub's broker contract, on miniredis and on a real Redis.
func TestContract(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			brokertest.Run(t, func(t *testing.T, hist hub.HistoryConfig) hub.Broker {
				c := be.open(t)
				return newTestBroker(t, Config{Client: c, Prefix: testPrefix(t, c), History: hist})
			})
		})
	}
}
