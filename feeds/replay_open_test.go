package feeds

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestDetectReplayFormat(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := fileWriter(t, dir)
	tests := []struct {
		name string
		path string
		want ReplayFormat // "" for an error
	}{
		{"iboard recording", ssiSessionFile, ReplayIBoard},
		{"envelopes", replaySample, ReplayEvents},
		{"blank lines first", write("blank.jsonl", "\n  \n"+`{"t":1,"dir":"in","raw":"x"}`+"\n"), ReplayIBoard},
		{"empty", write("empty.jsonl", "\n\n"), ""},
		{"not json", write("pipe.jsonl", "MAIN|S#VCB|1\n"), ""},
		{"other object", write("other.jsonl", `{"symbol":"VCB"}`+"\n"), ""},
		{"both shapes", write("both.jsonl", `{"type":"event","dir":"in","raw":"x"}`+"\n"), ""},
		{"missing", filepath.Join(dir, "nope.jsonl"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := DetectReplayFormat(tc.path)
			if got != tc.want || (err != nil) != (tc.want == "") {
				t.Errorf("DetectReplayFormat = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestOpenReplay: each format gets its player, and the iBoard capture plays
// through the iBoard parser (the same events as the live client).
func TestOpenReplay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path   string
		format ReplayFormat
		want   string // the player's type
	}{
		{ssiSessionFile, ReplayAuto, "*feeds.SSIReplay"},
		{ssiSessionFile, "", "*feeds.SSIReplay"},
		{ssiSessionFile, ReplayIBoard, "*feeds.SSIReplay"},
		{replaySample, ReplayAuto, "*feeds.Replay"},
		{replaySample, ReplayEvents, "*feeds.Replay"},
	} {
		f, err := OpenReplay(ReplayConfig{Path: tc.path}, tc.format)
		if err != nil {
			t.Fatalf("%s as %q: %v", tc.path, tc.format, err)
		}
		if got := typeName(f); got != tc.want || f.Name() != "replay" {
			t.Errorf("%s as %q: %s named %q, want %s named replay", tc.path, tc.format, got, f.Name(), tc.want)
		}
	}
	f, err := OpenReplay(ReplayConfig{Path: ssiSessionFile}, ReplayAuto)
	if err != nil {
		t.Fatal(err)
	}
	rec := newSSIRecorder()
	if err := f.Run(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	if q, tr := len(rec.byKind("quote")), len(rec.byKind("trade")); q != 110 || tr != 17 {
		t.Errorf("%d quotes, %d trades, want 110 and 17 as the live client", q, tr)
	}
	for _, bad := range []struct {
		path   string
		format ReplayFormat
	}{
		{ssiSessionFile, "csv"},
		{replaySample, ReplayIBoard}, // envelopes have no capture time
	} {
		if _, err := OpenReplay(ReplayConfig{Path: bad.path}, bad.format); err == nil {
			t.Errorf("%s as %q opened", bad.path, bad.format)
		}
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *SSIReplay:
		return "*feeds.SSIReplay"
	case *Replay:
		return "*feeds.Replay"
	}
	return "other"
}

// fileWriter returns a func that writes body to the file name in dir and
// returns its path.
func fileWriter(t *testing.T, dir string) func(name, body string) string {
	t.Helper()
	return func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
}
