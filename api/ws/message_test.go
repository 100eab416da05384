package ws

import (
	"errors"
	"testing"
)

func TestParseClientMessage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		in      string
		wantErr string // "", "syntax", "op", or a field name
	}{
		{"subscribe", `{"op":"subscribe","id":1,"topics":["quote:VNM"]}`, ""},
		{"resume", `{"op":"subscribe","id":"a","topics":["quote:VNM"],"since":18000,"epoch":"e7"}`, ""},
		{"ping without id", `{"op":"ping"}`, ""},
		{"null since", `{"op":"subscribe","topics":["x"],"since":null}`, ""},
		{"whitespace", "  {\"op\":\"ping\"}\n", ""},
		{"not JSON", `hello`, "syntax"},
		{"truncated", `{"op":"ping"`, "syntax"},
		{"array", `[]`, "syntax"},
		{"unknown op", `{"op":"nope"}`, "op"},
		{"missing op", `{}`, "op-field"},
		{"op not string", `{"op":1}`, "op-field"},
		{"no topics", `{"op":"subscribe"}`, "topics"},
		{"empty topics", `{"op":"subscribe","topics":[]}`, "topics"},
		{"negative since", `{"op":"subscribe","topics":["x"],"since":-1}`, "since"},
		{"fraction since", `{"op":"subscribe","topics":["x"],"since":1.5}`, "since"},
		{"object id", `{"op":"ping","id":{"a":1}}`, "id"},
		{"epoch number", `{"op":"subscribe","topics":["x"],"epoch":5}`, "epoch"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseClientMessage([]byte(tc.in))
			var fe *fieldError
			switch tc.wantErr {
			case "":
				if err != nil {
					t.Fatalf("err = %v", err)
				}
			case "syntax":
				if !errors.Is(err, errSyntax) {
					t.Fatalf("err = %v, want syntax error", err)
				}
			case "op":
				if !errors.Is(err, errUnknownOp) {
					t.Fatalf("err = %v, want unknown op", err)
				}
			case "op-field":
				if !errors.As(err, &fe) || fe.field != "op" {
					t.Fatalf("err = %v, want field error on op", err)
				}
			default:
				if !errors.As(err, &fe) || fe.field != tc.wantErr {
					t.Fatalf("err = %v, want field error on %s", err, tc.wantErr)
				}
			}
		})
	}
}

func FuzzParseClientMessage(f *testing.F) {
	for _, s := range []string{
		`{"op":"subscribe","id":1,"topics":["quote:VNM","quote:@VN30"],"since":5,"epoch":"x"}`,
		`{"op":"unsubscribe","id":"z","topics":["trade:VNM"]}`, `{"op":"ping","id":4}`, `[]`, `{`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseClientMessage(b)
		if err != nil {
			return
		}
		switch m.Op {
		case opSubscribe, opUnsubscribe:
			if len(m.Topics) == 0 {
				t.Fatalf("accepted %s with no topics: %q", m.Op, b)
			}
		case opPing:
		default:
			t.Fatalf("accepted unknown op %q", m.Op)
		}
	})
}
