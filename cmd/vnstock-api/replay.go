package main

import (
	"github.com/vnstock-api/vnstock-api/feeds"
)

// newReplayFeed builds the `replay` feed: the file's first line says whether
// it is an SSI iBoard capture (played through the iBoard parser, as the live
// stream) or a file of event envelopes. It loops at --replay-speed and, unless
// --session always, plays only while the market trades.
func (s *server) newReplayFeed() (feeds.Feed, error) {
	f, err := feeds.OpenReplay(feeds.ReplayConfig{
		Path: s.cfg.ReplayFile, Speed: s.cfg.ReplaySpeed, Loop: true, Logger: s.log,
	}, feeds.ReplayAuto)
	if err != nil {
		return nil, err
	}
	if s.cfg.Session == "always" {
		return f, nil
	}
	return &feeds.SessionGate{Feed: f, Logger: s.log}, nil
}
