package market

import (
	"encoding/json"
	"time"
)

// Health is the state of one upstream source.
type Health string

// The health states of the `status` topic.
const (
	HealthOK       Health = "ok"
	HealthDegraded Health = "degraded"
	HealthDown     Health = "down"
)

// SourceStatus is the health of one feed source.
type SourceStatus struct {
	Source     string    `json:"source"`
	State      Health    `json:"state"`
	LastUpdate time.Time `json:"last_update"`
	Stale      bool      `json:"stale"`
	Message    string    `json:"message,omitempty"`
}

// FeedStatus is the payload of the `status` topic.
type FeedStatus struct {
	Time    time.Time      `json:"time"`
	Sources []SourceStatus `json:"sources"`
}

// MarshalJSON writes times in ICT.
func (s FeedStatus) MarshalJSON() ([]byte, error) {
	type src SourceStatus
	out := struct {
		Time    time.Time `json:"time"`
		Sources []src     `json:"sources"`
	}{Time: s.Time.In(ICT), Sources: make([]src, len(s.Sources))}
	for i, ss := range s.Sources {
		ss.LastUpdate = ss.LastUpdate.In(ICT)
		out.Sources[i] = src(ss)
	}
	return json.Marshal(out)
}
