package strictjson

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

type doc struct {
	Name  string           `json:"name"`
	Count int8             `json:"count,omitempty"`
	Tags  []string         `json:"tags"`
	Limit map[string]delay `json:"limit"`
	Skip  string           `json:"-"`
}

type delay time.Duration

func (d *delay) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	*d = delay(v)
	return err
}

var errClass = errors.New("test: invalid doc")

var opts = Options{
	Document:  "doc",
	NotObject: "a doc must be a JSON object",
	Class:     errClass,
	Text:      func(t reflect.Type) bool { return t == reflect.TypeFor[delay]() },
	CheckText: func(_ reflect.Type, s string) string {
		if _, err := time.ParseDuration(s); err != nil {
			return "not a duration"
		}
		return ""
	},
	NotText: func(_ reflect.Type, desc string) string { return "want a duration, not " + desc },
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`{"name": "a", "tags": ["x"], "limit": {"a b": "1h"}}`, nil},
		{`[]`, []string{"a doc must be a JSON object, not a list"}},
		{`{"Name": "a", "name": "b", "name": "c"}`, []string{
			`Name: unknown field (did you mean "name"?)`, "name: repeated key: each key may appear once"}},
		{`{"tags": ["x", 1], "count": 300, "Skip": ""}`, []string{
			"tags[1]: want a string, not the number 1", "count: want an integer that fits 8 bits, not 300", "Skip: unknown field"}},
		{`{"limit": {"": 5, "b": "soon"}}`, []string{
			`limit[""]: want a duration, not the number 5`, "limit.b: not a duration"}},
		{`{"tags": [{"deep": [[[`, []string{
			"tags[0]: want a string, not an object", "tags[0]: invalid JSON: unexpected end of input"}},
		{`{} {}`, []string{"unexpected data after the doc object"}},
	} {
		var d doc
		got := make([]string, 0)
		for _, p := range Parse([]byte(tc.in), &d, opts) {
			got = append(got, p.String())
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("Parse(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDecodeProblem(t *testing.T) {
	p := DecodeProblem(errors.New(`json: unknown field "x"`), errClass)
	if p != (Problem{Field: "x", Value: "x", Reason: "unknown field"}) {
		t.Errorf("unknown field: %+v", p)
	}
	p = DecodeProblem(errors.New("test: invalid doc: bad"), errClass)
	if p.Reason != "bad" {
		t.Errorf("class not trimmed: %+v", p)
	}
}

type other struct {
	Field  string
	Value  any
	Reason string
}

func TestMessage(t *testing.T) {
	if got := Message[other]("x: bad", nil); got != "x: bad" {
		t.Errorf("no problems: %q", got)
	}
	ps := Convert[other]([]Problem{{Reason: "whole"}, {Field: "a", Reason: "r"}})
	if got := Message("x: bad", ps[:1]); got != "x: bad: whole" {
		t.Errorf("one problem: %q", got)
	}
	for range 5 {
		ps = append(ps, ps[1])
	}
	want := "x: bad (7 problems): whole; a: r; a: r; a: r; a: r; and 2 more"
	if got := Message("x: bad", ps); got != want {
		t.Errorf("seven problems: %q, want %q", got, want)
	}
	if Convert[other, Problem](nil) != nil {
		t.Error("Convert(nil) is not nil")
	}
}

func TestJoinKey(t *testing.T) {
	for _, tc := range [][3]string{
		{"", "a", "a"}, {"p", "b_2", "p.b_2"}, {"p", "", `p[""]`}, {"p", "a.b", `p["a.b"]`}, {"p", "2x", `p["2x"]`},
	} {
		if got := JoinKey(tc[0], tc[1]); got != tc[2] {
			t.Errorf("JoinKey(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}
