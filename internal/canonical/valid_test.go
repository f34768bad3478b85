package canonical

import (
	"encoding/json"
	"strings"
	"testing"
)

var validCases = []string{
	``, ` `, `{}`, `[]`, ` { } `, `[ ]`, `{"a":1}`, `{"a":1,}`, `{"a" : [1, 2 ,3] }`, `[1,]`, `[,1]`, `{,}`,
	`{"a"}`, `{"a":}`, `{1:2}`, `{"a":1 "b":2}`, `[1 2]`, `"abc"`, `"a\"b"`, `"\u00e9"`, `"\u00G9"`, `"\u00e"`,
	`"\x"`, `"\/"`, "\"\x01\"", "\"\x7f\"", "\"\xff\xfe\"", `"unterminated`, `"\`, `0`, `-0`, `01`, `-`, `-a`,
	`1.`, `1.5`, `.5`, `1e`, `1e+`, `1e+5`, `1E-05`, `1.5e3`, `-12.34e-56`, `00`, `0.0`, `true`, `false`, `null`,
	`tru`, `truex`, `nul`, `nulll`, `[true,false,null]`, `{"a":{"b":{"c":[{}]}}}`, `[[[]]]`, `[[]`, `[]]`, `{}}`,
	`{"a":1}}`, `1 2`, "\t\n\r 1 \t\n\r", "\v1", `[1,[2,{"x":"y"}],3]`, `{"a":[}`, `{"a":]}`, `["a":1]`,
	`{"a":1,"b":{"c":2,"d":[3,4,{"e":null}]},"f":true}`, `{"":""}`, `"\ud800"`, `+1`, `Infinity`, `NaN`,
	`{"tenant":"acme","kind":"incident","record_id":"0191-aa","data":{"from":"respond/analysis"}}`,
}

func TestValidMatchesEncodingJSON(t *testing.T) {
	cases := append([]string(nil), validCases...)
	cases = append(cases,
		strings.Repeat("[", 10000)+strings.Repeat("]", 10000),
		strings.Repeat("[", 10001)+strings.Repeat("]", 10001),
		strings.Repeat(`{"a":`, 9999)+"[]"+strings.Repeat("}", 9999),
		strings.Repeat(`{"a":`, 10000)+"[]"+strings.Repeat("}", 10000),
		strings.Repeat(`{"a":`, 10000)+"1"+strings.Repeat("}", 10000),
		strings.Repeat(`{"a":`, 10001)+"1"+strings.Repeat("}", 10001),
	)
	for _, c := range cases {
		if got, want := Valid([]byte(c)), json.Valid([]byte(c)); got != want {
			t.Errorf("Valid(%.80q) = %v, json.Valid says %v", c, got, want)
		}
	}
}

// FuzzValid checks that Valid accepts exactly what encoding/json.Valid
// accepts.
func FuzzValid(f *testing.F) {
	for _, c := range validCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := Valid(b), json.Valid(b); got != want {
			t.Fatalf("Valid(%q) = %v, json.Valid says %v", b, got, want)
		}
	})
}

func BenchmarkValid(b *testing.B) {
	payload := []byte(`{"tenant":"acme","kind":"incident","record_id":"0193a5b4-7c2e-7d1f-9a3b-2c4d5e6f7a8b","ref":"INC-2026-000123",` +
		`"action":"contain","actor":"carol","at":"2026-11-25T04:04:11.123456Z","seq":5,"version":5,"phase":"respond",` +
		`"state":"containment","severity":"high","data":{"from":"respond/analysis","to":"respond/containment"}}`)
	b.Run("canonical", func(b *testing.B) {
		b.SetBytes(int64(len(payload)))
		for b.Loop() {
			if !Valid(payload) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(payload)))
		for b.Loop() {
			if !json.Valid(payload) {
				b.Fatal("invalid")
			}
		}
	})
}
