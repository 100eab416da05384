package ssifake

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/vnstock-api/vnstock-api/feeds/upstream"
)

// stream sends the frames on one connection as Options say, returning when
// they are done (unless Loop), the connection is to be dropped, or ctx ends.
func (s *Server) stream(ctx context.Context, conn *websocket.Conn) {
	sent := 0
	for {
		for _, f := range s.frames {
			if !s.wait(ctx, f.Gap) {
				return
			}
			if s.opts.SilentAfter > 0 && sent >= s.opts.SilentAfter {
				<-ctx.Done()
				return
			}
			if s.opts.DropAfter > 0 && sent >= s.opts.DropAfter {
				return
			}
			if conn.Write(ctx, websocket.MessageText, f.Data) != nil {
				return
			}
			sent++
			if m := s.opts.MalformedEvery; m > 0 && sent%m == 0 {
				bad := malformed[(sent/m-1)%len(malformed)]
				if conn.Write(ctx, websocket.MessageText, []byte(bad)) != nil {
					return
				}
			}
		}
		if s.opts.CloseAtEnd {
			return
		}
		if !s.opts.Loop || len(s.frames) == 0 {
			<-ctx.Done() // quiet but open, as iBoard is outside trading hours
			return
		}
	}
}

// wait sleeps gap/Speed, reporting false if ctx ended first.
func (s *Server) wait(ctx context.Context, gap time.Duration) bool {
	if s.opts.Speed <= 0 {
		return ctx.Err() == nil
	}
	return upstream.Sleep(ctx, time.Duration(float64(gap)/s.opts.Speed)) == nil
}

// LoadRecording reads a recording file; see ReadRecording.
func LoadRecording(path string) ([]Frame, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadRecording(f)
}

// ReadRecording reads an iBoard capture in JSON lines ({"t": epoch ms, "dir":
// "event"|"out"|"in", "raw": frame text}) and returns its data frames (`in`
// frames containing '|'), each with its gap after the previous data frame
// (the first after the recorded ack). Acks are left out: the server writes
// its own.
func ReadRecording(r io.Reader) ([]Frame, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var frames []Frame
	var prev int64
	for n := 1; sc.Scan(); n++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var rec struct {
			T   int64  `json:"t"`
			Dir string `json:"dir"`
			Raw string `json:"raw"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("recording line %d: %w", n, err)
		}
		if rec.Dir != "in" {
			continue
		}
		if prev == 0 {
			prev = rec.T // the first reply (the ack) starts the clock
		}
		if !strings.Contains(rec.Raw, "|") {
			continue
		}
		gap := time.Duration(max(rec.T-prev, 0)) * time.Millisecond
		prev = rec.T
		frames = append(frames, Frame{Gap: gap, Data: []byte(rec.Raw)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read recording: %w", err)
	}
	return frames, nil
}
