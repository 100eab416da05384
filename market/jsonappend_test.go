package market

import (
	"encoding/json"
	"testing"
)

func TestAppendJSONString(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", `""`},
		{"VNM", `"VNM"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"\n\r\t\x00\x1f", `"\n\r\t\u0000\u001f"`},
		{"<>&", `"<>&"`},
		{"Ngân hàng", `"Ngân hàng"`},
		{"a\xffb\xc3", `"a\ufffdb\ufffd"`},
	}
	for _, tt := range tests {
		if got := string(AppendJSONString([]byte("x:"), tt.in)); got != "x:"+tt.want {
			t.Errorf("AppendJSONString(%q) = %s, want x:%s", tt.in, got, tt.want)
		}
	}
}

// FuzzAppendJSONString checks the output is one JSON string that decodes
// to what encoding/json's own encoding decodes to.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "VNM", "\"\\\n\x01", "é\xff\u2028", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got, want string
		if err := json.Unmarshal(AppendJSONString(nil, s), &got); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		ref, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(ref, &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("%q decodes to %q, encoding/json's to %q", s, got, want)
		}
	})
}

func BenchmarkAppendJSONString(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendJSONString(buf[:0], "CÔNG TY CỔ PHẦN SỮA VIỆT NAM \"VNM\"")
	}
}
