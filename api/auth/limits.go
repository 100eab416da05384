package auth

import "context"

// StreamLimits returns the topics per connection and client messages per
// second of the plan of the principal ctx carries, or zeros when it carries
// none (a stream then keeps its configured limits). It fits the Limits hook
// of ws.Config and sse.Config.
func StreamLimits(ctx context.Context) (maxTopics int, messagesPerS float64) {
	p, ok := FromContext(ctx)
	if !ok {
		return 0, 0
	}
	return p.Plan.MaxTopics, p.Plan.MessagesPerS
}
