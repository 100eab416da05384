package redisbroker

import (
	"strings"
	"testing"
)

func TestParseMessage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, msg string
		ok        bool
		seq       uint64
		ts        int64
		data      string
	}{
		{"plain", `12:1700:{"a":1}`, true, 12, 1700, `{"a":1}`},
		{"colons in data", `3:-5:"a:b:c"`, true, 3, -5, `"a:b:c"`},
		{"empty data", `1:2:`, true, 1, 2, ``},
		{"no ts", `12`, false, 0, 0, ""},
		{"no data separator", `12:34`, false, 0, 0, ""},
		{"zero seq", `0:1:x`, false, 0, 0, ""},
		{"negative seq", `-1:1:x`, false, 0, 0, ""},
		{"bad ts", `1:x:y`, false, 0, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ev, err := parseMessage("t", c.msg)
			if (err == nil) != c.ok {
				t.Fatalf("err = %v, want ok %v", err, c.ok)
			}
			if c.ok && (ev.Seq != c.seq || ev.TS != c.ts || string(ev.Data) != c.data || ev.Topic != "t") {
				t.Fatalf("got %+v", ev)
			}
		})
	}
}

func FuzzParseMessage(f *testing.F) {
	for _, s := range []string{`12:1700:{"a":1}`, `1:2:`, `x`, `:::`, `18446744073709551616:1:x`, "sync3:45", "beat:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ev, err := parseMessage("t", s); err == nil {
			if ev.Seq == 0 || !strings.HasSuffix(s, string(ev.Data)) {
				t.Fatalf("parsed %q into %+v", s, ev)
			}
		}
		if tok, seq, err := parseMarker(s); err == nil && !strings.HasPrefix(s, tok+":") {
			t.Fatalf("marker %q parsed into %q %d", s, tok, seq)
		}
		_, _ = parseStreamID(s)
	})
}
