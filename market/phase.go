package market

import "time"

// Phase is a trading phase of an exchange, as the `session:` topic names it.
type Phase string

// The phases.
const (
	PhasePreOpen    Phase = "pre_open"
	PhaseATO        Phase = "ato"
	PhaseContinuous Phase = "continuous"
	PhaseLunchBreak Phase = "lunch_break"
	PhaseATC        Phase = "atc"
	PhasePutThrough Phase = "put_through" // put-through only, and HNX's post-close (PLO)
	PhaseClosed     Phase = "closed"
)

// Trading reports whether orders match in phase p (auctions included).
func (p Phase) Trading() bool {
	return p == PhaseATO || p == PhaseContinuous || p == PhaseATC || p == PhasePutThrough
}

// SessionState is the payload of a `session:<EXCHANGE>` topic.
type SessionState struct {
	Exchange Exchange
	Phase    Phase
	Time     time.Time // when the phase was observed
	Next     Phase     // the phase that follows ("" when unknown)
	NextAt   time.Time // when Next starts (zero when unknown)
}

// AppendJSON appends the session row's JSON object to b.
func (s *SessionState) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	b = appendStringField(b, "exchange", string(s.Exchange))
	b = appendStringField(b, "phase", string(s.Phase))
	b = appendTimeField(b, "time", s.Time)
	if s.Next != "" {
		b = appendStringField(b, "next_phase", string(s.Next))
		b = appendTimeField(b, "next_at", s.NextAt)
	}
	return append(b, '}')
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (s SessionState) MarshalJSON() ([]byte, error) { return s.AppendJSON(nil), nil }
