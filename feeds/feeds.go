// Package feeds turns upstream market data into live events: HTTP clients and
// parsers for each upstream, pollers that diff price boards, stream clients,
// and the simulated and replayed markets. It publishes through its own
// Publisher interface and never imports the hub, the API or storage.
package feeds

import "context"

// Publisher receives encoded live events. Topic is a protocol topic such as
// `quote:VNM`; payload is the JSON of the topic's data (market.Quote and
// friends' AppendJSON), encoded once. ts is the publish time in Unix
// milliseconds (0 lets the publisher stamp it). Publish must not block on
// slow consumers; an error means the event was not accepted.
type Publisher interface {
	Publish(ctx context.Context, topic string, payload []byte, ts int64) error
}

// Feed is a running source of live events.
type Feed interface {
	// Name is the source name used in provenance and status ("sim", "ssi", ...).
	Name() string
	// Run publishes until ctx ends or the feed fails for good.
	Run(ctx context.Context, pub Publisher) error
}
