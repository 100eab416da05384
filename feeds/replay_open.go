package feeds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// ReplayFormat names the kind of file a replay plays.
type ReplayFormat string

// The replay formats.
const (
	// ReplayAuto detects the format from the file's first non-blank line.
	ReplayAuto ReplayFormat = "auto"
	// ReplayIBoard is an SSI iBoard capture ({"t","dir","raw"} per line),
	// played through the iBoard parser like the live stream (NewSSIReplay).
	ReplayIBoard ReplayFormat = "iboard"
	// ReplayEvents is a file of this server's protocol envelopes
	// ({"type":"event","topic",...} per line), republished as they are
	// (NewReplay).
	ReplayEvents ReplayFormat = "events"
)

// replaySniffLimit bounds how much of a file DetectReplayFormat reads.
const replaySniffLimit = maxSSIRecordingLine

// DetectReplayFormat reads the first non-blank line of the file at path and
// says which player it belongs to: an object with "dir" and "raw" is an
// iBoard capture, one with "type" an envelope. Anything else is an error
// naming the file.
func DetectReplayFormat(path string) (ReplayFormat, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("replay: %w", err)
	}
	defer f.Close()
	lines := newReplayLines(f, replaySniffLimit)
	for n := 1; ; n++ {
		line, err := lines.next()
		if err != nil {
			return "", fmt.Errorf("replay %s: line %d: no recording found: %w", path, n, err)
		}
		if line = bytes.TrimSpace(line); len(line) == 0 {
			continue
		}
		format, err := sniffReplayLine(line)
		if err != nil {
			return "", fmt.Errorf("replay %s: line %d: %w", path, n, err)
		}
		return format, nil
	}
}

// sniffReplayLine classifies one non-blank line by its keys.
func sniffReplayLine(line []byte) (ReplayFormat, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(line, &keys); err != nil {
		return "", fmt.Errorf("not a JSON object of an iBoard capture or of event envelopes: %w", err)
	}
	_, dir := keys["dir"]
	_, raw := keys["raw"]
	_, typ := keys["type"]
	switch {
	case dir && raw && !typ:
		return ReplayIBoard, nil
	case typ && !dir:
		return ReplayEvents, nil
	}
	return "", errors.New(`neither an iBoard capture ({"t","dir","raw"}) nor an event envelope ({"type","topic",...})`)
}

// OpenReplay builds the replay feed for the file at cfg.Path in the given
// format (ReplayAuto or "" detects it). An iBoard capture plays through the
// same parse, trade-deriving and publish path as the live SSI stream, paced
// by cfg.Speed and restarted at its end when cfg.Loop is set; an envelope
// file plays with every option of cfg. Both are named "replay".
func OpenReplay(cfg ReplayConfig, format ReplayFormat) (Feed, error) {
	if format == "" || format == ReplayAuto {
		var err error
		if format, err = DetectReplayFormat(cfg.Path); err != nil {
			return nil, err
		}
	}
	switch format {
	case ReplayIBoard:
		r, err := NewSSIReplay(cfg.Path, cfg.Speed, cfg.Loop, cfg.Logger)
		if err != nil {
			return nil, err
		}
		return r, nil
	case ReplayEvents:
		r, err := NewReplay(cfg)
		if err != nil {
			return nil, err
		}
		return r, nil
	}
	return nil, fmt.Errorf("replay: unknown format %q (auto, iboard, events)", format)
}
