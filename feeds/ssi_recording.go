package feeds

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// ssiFrame is one server→client frame of an iBoard recording.
type ssiFrame struct {
	At  time.Time // client receive time
	Raw []byte
}

// ssiRecordLine is one line of the iBoard capture format (vnstock-js's
// capture script): t = receive time in epoch ms, dir = event/out/in, raw =
// the frame text.
type ssiRecordLine struct {
	T   int64  `json:"t"`
	Dir string `json:"dir"`
	Raw string `json:"raw"`
}

// maxSSIRecordingLine bounds one line of a recording file.
const maxSSIRecordingLine = 4 << 20

// readSSIRecording returns the `in` frames of a JSON-lines iBoard recording
// in file order. Blank lines are skipped; any other line that is not a JSON
// object with a positive t is an error naming the line.
func readSSIRecording(r io.Reader) ([]ssiFrame, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxSSIRecordingLine)
	var frames []ssiFrame
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var rec ssiRecordLine
		if err := json.Unmarshal(line, &rec); err != nil {
			return nil, fmt.Errorf("recording line %d: %w", n, err)
		}
		if rec.T <= 0 {
			return nil, fmt.Errorf("recording line %d: t %d is not an epoch time", n, rec.T)
		}
		if rec.Dir != "in" {
			continue
		}
		frames = append(frames, ssiFrame{At: time.UnixMilli(rec.T), Raw: []byte(rec.Raw)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read recording: %w", err)
	}
	return frames, nil
}
