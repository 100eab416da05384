package hub_test

import (
	"context"
	"testing"

	"github.com/vnstock-api/vnstock-api/hub"
	"github.com/vnstock-api/vnstock-api/hub/brokertest"
)

func TestMemoryBroker(t *testing.T) {
	t.Parallel()
	brokertest.Run(t, func(t *testing.T, hist hub.HistoryConfig) hub.Broker {
		b := hub.NewMemoryBroker(hub.MemoryConfig{History: hist})
		t.Cleanup(func() { _ = b.Close(context.Background()) })
		return b
	})
}
