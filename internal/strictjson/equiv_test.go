package strictjson_test

import (
	"encoding"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iso27035/iso27035/internal/strictjson"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/prepare"
	"github.com/iso27035/iso27035/prepare/preparetest"
	"github.com/iso27035/iso27035/triage"
)

// The documents Parse reads, each with options that pick out the same
// text types as its package's (the wording of reasons does not matter
// here: both implementations get the same options).
type docKind struct {
	name string
	new  func() any
	opts strictjson.Options
}

func durationCheck(_ reflect.Type, s string) string {
	if _, err := time.ParseDuration(s); err != nil {
		return fmt.Sprintf("%q is not a duration", s)
	}
	return ""
}

var docKinds = []docKind{
	{"preparation", func() any { return new(prepare.Preparation) }, strictjson.Options{
		Document: "preparation", NotObject: "a preparation must be a JSON object", Class: prepare.ErrInvalid,
		Text: func(t reflect.Type) bool {
			return t == reflect.TypeFor[lifecycle.Duration]() || t == reflect.TypeFor[time.Time]()
		},
		CheckText: func(t reflect.Type, s string) string {
			if t == reflect.TypeFor[time.Time]() {
				if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
					return fmt.Sprintf("%q is not an RFC 3339 time", s)
				}
				return ""
			}
			return durationCheck(t, s)
		},
		NotText: func(t reflect.Type, desc string) string { return t.String() + ", not " + desc },
	}},
	{"profile", func() any { return new(triage.Profile) }, strictjson.Options{
		Document: "profile", NotObject: "a profile must be a JSON object", Class: triage.ErrInvalidProfile,
		Text: func(t reflect.Type) bool {
			return reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
		},
		CheckText: func(t reflect.Type, str string) string {
			u, ok := reflect.New(t).Interface().(encoding.TextUnmarshaler)
			if !ok {
				return ""
			}
			if err := u.UnmarshalText([]byte(str)); err != nil {
				return strings.TrimPrefix(err.Error(), triage.ErrInvalidProfile.Error()+": ")
			}
			return ""
		},
		NotText: func(t reflect.Type, desc string) string {
			return "want a string, not " + desc + " (" + t.String() + ")"
		},
	}},
	{"rules", func() any { return new(lifecycle.Rules) }, strictjson.Options{
		Document: "rules", NotObject: "rules must be a JSON object", Class: lifecycle.ErrInvalidRules,
		Text:      func(t reflect.Type) bool { return t == reflect.TypeFor[lifecycle.Duration]() },
		CheckText: durationCheck,
		NotText:   func(_ reflect.Type, desc string) string { return "a duration, not " + desc },
	}},
}

// seeds are the documents the callers' tests and fuzz targets start from:
// their testdata, the marshalled defaults and fixtures, and broken
// variants of them.
func seeds(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, glob := range []string{"../../triage/testdata/profiles/*.json", "../../lifecycle/testdata/rules/*.json", "testdata/*.json"} {
		files, err := filepath.Glob(glob)
		if err != nil {
			tb.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, data)
		}
	}
	for _, v := range []any{preparetest.Fixture(0), preparetest.Fixture(3), triage.DefaultProfile(), lifecycle.DefaultRules()} {
		data, err := json.Marshal(v)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, data)
		indented, err := json.MarshalIndent(v, "", "\t")
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, indented)
	}
	for _, s := range []string{
		`{}`, `[]`, ` {} `, `{} {}`, `{}x`, `null`, `"x"`, `5 x`, ``, `{`, `{"plan":{"review_period":"x"}}`,
		`{"matrix": {"cells": {"low": {"low": "P5"}}}}`,
		`{"Plan":{}, "plan":{}, "plan":null, "pl\u0061n":{}}`,
		`{"acknowledge_within":{"":5,"high":"2x","high":"1h"},"permissions":{"a b":[1,"x",null]}}`,
		`{"roster":{"teams":[{"name":1,"members":[{"id":"a","id":"b"}]},[],"x",{"Name":"y"}]}}`,
		`{"policy":{"version":1e400,"version":99999999999999999999,"version":-0.5}}`,
		`{"x":[[[[{"a":[1,2,{"b":"\ud800"}]}]]]],"y":"\xff"}`,
		`{"x":{"y":[1,}]}}`, `{"x":01}`, `{"x":tru}`, `{"x":"a` + "\x01" + `"}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

// compare parses data into each kind with Parse and the reference.
func compare(t *testing.T, data []byte) {
	t.Helper()
	for _, k := range docKinds {
		got, want := k.new(), k.new()
		gp := strictjson.Parse(data, got, k.opts)
		wp := strictjson.RefParse(data, want, k.opts)
		if !reflect.DeepEqual(gp, wp) {
			t.Fatalf("%s %q:\n Parse     %#v\n reference %#v", k.name, data, gp, wp)
		}
		if wp == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s %q: decoded values differ", k.name, data)
		}
	}
}

func TestParseMatchesReference(t *testing.T) {
	all := seeds(t)
	for _, data := range all {
		compare(t, data)
		// Prefixes and corruptions of each seed, about 50 places each.
		step := max(1, len(data)/50)
		for i := 0; i < len(data); i += step {
			compare(t, data[:i])
		}
		for i := 0; i < len(data); i += step {
			for _, c := range []byte{'"', '{', ']', ',', 'x', '1', ' ', '\\'} {
				mut := append([]byte(nil), data...)
				mut[i] = c
				compare(t, mut)
			}
		}
	}
}

// TestFastPath checks that well-formed documents take the one-pass
// scanner, and malformed ones the tokens.
func TestFastPath(t *testing.T) {
	for _, v := range []any{preparetest.Fixture(1), triage.DefaultProfile(), lifecycle.DefaultRules()} {
		data, err := json.MarshalIndent(v, " ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range docKinds {
			if !strictjson.FastPath(data, k.new(), k.opts) {
				t.Errorf("%T read as %s: not the fast path", v, k.name)
			}
			if strictjson.FastPath(data[:len(data)-1], k.new(), k.opts) {
				t.Errorf("%T read as %s, truncated: the fast path", v, k.name)
			}
		}
	}
}

func FuzzParseMatchesReference(f *testing.F) {
	for _, data := range seeds(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		compare(t, data)
	})
}
