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

func TestDefuseMore(t *testing.T) {
	for _, c := range []string{"\x00=1+1", "＝HYPERLINK(\"x\")", "＋1", "－1", "＠SUM(A1)"} {
		if got := defuse(c); got != "'"+c {
			t.Errorf("defuse(%q) = %q, want a leading quote", c, got)
		}
	}
	if got := defuse("x＝1"); got != "x＝1" {
		t.Errorf("defuse changed a harmless cell: %q", got)
	}
}
