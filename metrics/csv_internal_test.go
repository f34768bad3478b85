package metrics

import "testing"

func TestDefuse(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"=", "'="},
		{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@x", "'@x"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"\nx", "\nx"}, // not on the OWASP list; quoted by encoding/csv
		{"x=1", "x=1"},
		{"2026-01-05T00:00:00Z", "2026-01-05T00:00:00Z"},
		{"'=x", "'=x"},
	} {
		if got := defuse(c.in); got != c.want {
			t.Errorf("defuse(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
