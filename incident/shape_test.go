package incident

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the strict decoder's shape check (shape.go): a table of what it
// accepts and the errors it reports, and FuzzCheckShape, which compares
// checkShape with tokenCheckShape, the walk over json.Decoder.Token it
// replaced, kept below as the reference.

// shapeTestDoc has a field of every shape kind, for what the record types
// lack (unsigned integers, RawMessage beyond schema_version, nested arrays).
type shapeTestDoc struct {
	Raw   json.RawMessage  `json:"raw"`
	Name  string           `json:"name"`
	ID    uuid.UUID        `json:"id"`
	At    time.Time        `json:"at"`
	N     int8             `json:"n"` // ranges are those of 64 bits, as before
	U     uint             `json:"u"`
	F     float32          `json:"f"`
	B     bool             `json:"b"`
	Items []shapeTestItem  `json:"items"`
	Ptr   *shapeTestItem   `json:"ptr,omitempty"`
	M     map[string]int64 `json:"m"`
	Grid  [][]int          `json:"grid"`
	Any   any              `json:"any"`
	shapeTestEmbedded
	Hidden string `json:"-"`
	NoTag  string
}

type shapeTestItem struct {
	Title string `json:"title"`
}

type shapeTestEmbedded struct {
	Note string `json:"note"`
}

var shapeTestShape = sync.OnceValue(func() *shape { return shapeOf(reflect.TypeFor[shapeTestDoc]()) })

// deepShape is {"a": 30 nested arrays of integers}: deeper than the
// scanner's fixed path array.
var deepShape = sync.OnceValue(func() *shape {
	s := &shape{kind: shapeInt}
	for range 30 {
		s = &shape{kind: shapeArray, elem: s}
	}
	return &shape{kind: shapeStruct, fields: map[string]*shape{"a": s}}
})

// shapeCase is a document and what checkShape says about it: nothing
// (reason ""), a *FieldError, or a syntax error before the first key,
// which has no path and is joined with ErrSyntax (joined).
type shapeCase struct {
	doc    string
	path   string
	reason string
	value  any
	joined bool
}

var (
	uuidA = "019c2271-fb03-7667-9c80-317fa3b1799d"
	// nested is 100 000 arrays and objects inside one another.
	nested = strings.Repeat(`[{"a":`, 50_000) + `1` + strings.Repeat(`}]`, 50_000)
)

var shapeTestCases = []shapeCase{
	// Keys match exactly, escaped or not.
	{doc: `{}`},
	{doc: `{"name":"x","note":"embedded","NoTag":"untagged"}`},
	{doc: `{"n\u0061me":"x"}`},
	{doc: `{"\u006e\u0061\u006d\u0065":"x","\u004eoTag":"y"}`},
	{doc: `{"Name":"x"}`, path: "Name", reason: `unknown field "Name" (field names are case-sensitive)`},
	{doc: `{"N\u0061me":"x"}`, path: "Name", reason: `unknown field "Name" (field names are case-sensitive)`},
	{doc: `{"name":"x","NAME":"y"}`, path: "NAME", reason: `unknown field "NAME" (field names are case-sensitive)`},
	{doc: `{"notag":"x"}`, path: "notag", reason: `unknown field "notag" (field names are case-sensitive)`},
	{doc: `{"Hidden":"x"}`, path: "Hidden", reason: `unknown field "Hidden" (field names are case-sensitive)`},
	{doc: `{"-":"x"}`, path: "-", reason: `unknown field "-" (field names are case-sensitive)`},
	{doc: `{"ſhapeTestEmbedded":{}}`, path: "ſhapeTestEmbedded", reason: `unknown field "ſhapeTestEmbedded" (field names are case-sensitive)`},
	{doc: `{"nam\u00e9":1}`, path: "namé", reason: `unknown field "namé" (field names are case-sensitive)`},
	{doc: "{\"nam\xff\":1}", path: "nam\ufffd", reason: "unknown field \"nam\ufffd\" (field names are case-sensitive)"},
	{doc: `{"name\u0000":1}`, path: "name\x00", reason: `unknown field "name\x00" (field names are case-sensitive)`},
	{doc: `{"ptr":{"title":"x","Title":"y"}}`, path: "ptr.Title", reason: `unknown field "Title" (field names are case-sensitive)`},
	{doc: `{"items":[{"title":"a"},{"title":"b","x":1}]}`, path: "items[1].x", reason: `unknown field "x" (field names are case-sensitive)`},

	// null is any field's value; encoding/json leaves the field as it is.
	{doc: `{"raw":null,"name":null,"id":null,"at":null,"n":null,"u":null,"f":null,"b":null,"items":null,"ptr":null,"m":null,"grid":null,"any":null}`},
	{doc: `{"items":[null,{"title":null}],"grid":[null,[null]],"m":{"a":null}}`},

	// Values of each kind.
	{doc: `{"name":"","id":"` + uuidA + `","at":"2026-02-03T07:33:58Z","n":-5,"u":5,"f":-1.5e3,"b":true}`},
	{doc: `{"name":"\"\\\/\b\f\n\r\t\u00e9\ud800\udc00\ud800 é","b":false}`},
	{doc: `{"id":"{` + uuidA + `}"}`},
	{doc: `{"id":"urn:uuid:` + uuidA + `"}`},
	{doc: `{"id":"019C2271FB0376679C80317FA3B1799D"}`},
	{doc: `{"id":"\u0030` + uuidA[1:] + `"}`},
	{doc: `{"at":"2026-02-03T08:40:21.123456789+01:00"}`},
	{doc: `{"at":"2026-02-03T07:33:58\u005a"}`},
	{doc: `{"name":5}`, path: "name", reason: "want a string", value: "5"},
	{doc: `{"name":true}`, path: "name", reason: "want a string", value: true},
	{doc: `{"name":false}`, path: "name", reason: "want a string", value: false},
	{doc: `{"name":{}}`, path: "name", reason: "want a string", value: "object"},
	{doc: `{"name":["x"]}`, path: "name", reason: "want a string", value: "array"},
	{doc: `{"id":1}`, path: "id", reason: "want a UUID string", value: "1"},
	{doc: `{"id":"not-a-uuid"}`, path: "id", reason: "not a UUID", value: "not-a-uuid"},
	{doc: `{"id":"` + uuidA[:35] + `g"}`, path: "id", reason: "not a UUID", value: uuidA[:35] + "g"},
	{doc: `{"id":"\u0067` + uuidA[1:] + `"}`, path: "id", reason: "not a UUID", value: "g" + uuidA[1:]},
	{doc: `{"at":1770104421}`, path: "at", reason: "want an RFC 3339 time string", value: "1770104421"},
	{doc: `{"at":"yesterday"}`, path: "at", reason: "not an RFC 3339 time", value: "yesterday"},
	{doc: `{"at":"2026-02-03 07:33:58Z"}`, path: "at", reason: "not an RFC 3339 time", value: "2026-02-03 07:33:58Z"},
	{doc: `{"n":"1"}`, path: "n", reason: "want an integer", value: "1"},
	{doc: `{"n":1.5}`, path: "n", reason: "want an integer in range", value: "1.5"},
	{doc: `{"n":1e2}`, path: "n", reason: "want an integer in range", value: "1e2"},
	{doc: `{"u":-1}`, path: "u", reason: "want an integer in range", value: "-1"},
	{doc: `{"u":-0}`, path: "u", reason: "want an integer in range", value: "-0"},
	{doc: `{"f":"1"}`, path: "f", reason: "want a number", value: "1"},
	{doc: `{"b":"true"}`, path: "b", reason: "want a boolean", value: "true"},
	{doc: `{"b":1}`, path: "b", reason: "want a boolean", value: "1"},
	{doc: `{"b":null,"b":[]}`, path: "b", reason: "want a boolean", value: "array"},
	{doc: `{"ptr":"x"}`, path: "ptr", reason: "want an object", value: "x"},
	{doc: `{"ptr":[]}`, path: "ptr", reason: "want an object", value: "array"},
	{doc: `{"m":[]}`, path: "m", reason: "want an object", value: "array"},
	{doc: `{"items":{}}`, path: "items", reason: "want an array", value: "object"},
	{doc: `{"items":"x"}`, path: "items", reason: "want an array", value: "x"},
	{doc: `{"items":[{"title":"a"},{"title":5}]}`, path: "items[1].title", reason: "want a string", value: "5"},
	{doc: `{"grid":[[1,2],[3,"x"]]}`, path: "grid[1][1]", reason: "want an integer", value: "x"},

	// Big numbers: the ranges of 64-bit integers and floats.
	{doc: `{"n":9223372036854775807}`},
	{doc: `{"n":-9223372036854775808}`},
	{doc: `{"n":9223372036854775808}`, path: "n", reason: "want an integer in range", value: "9223372036854775808"},
	{doc: `{"n":-9223372036854775809}`, path: "n", reason: "want an integer in range", value: "-9223372036854775809"},
	{doc: `{"u":18446744073709551615}`},
	{doc: `{"u":18446744073709551616}`, path: "u", reason: "want an integer in range", value: "18446744073709551616"},
	{doc: `{"u":000}`, path: "", reason: "invalid character '0' after object key:value pair"},
	{doc: `{"f":1.7976931348623157e308,"f":-0.0,"f":1e-400,"f":0.00000000000000000000000000000000000000000000001}`},
	{doc: `{"f":1e400}`, path: "f", reason: "want a number in range", value: "1e400"},
	{doc: `{"f":-1.8e308}`, path: "f", reason: "want a number in range", value: "-1.8e308"},
	{doc: `{"n":` + strings.Repeat("9", 40) + `}`, path: "n", reason: "want an integer in range", value: strings.Repeat("9", 40)},

	// Maps take any key; RawMessage and interface fields any value.
	{doc: `{"m":{"":1,"Name":2,"ſ":3,"a.b":4,"[0]":5,"\u0000":6,"\ud800":7}}`},
	{doc: `{"m":{"a.b":"12"}}`, path: "m.a.b", reason: "want an integer", value: "12"},
	{doc: `{"m":{"\u005b0]":1.5}}`, path: "m.[0]", reason: "want an integer in range", value: "1.5"},
	{doc: `{"raw":"s","raw":-1.5e-3,"raw":true,"raw":[],"raw":{},"any":{"Name":[1,{"x":"]}"}]}}`},
	{doc: `{"raw":{"Name":[1,{"x":[true,null,"]}\"{["]}],"":{"":{}}}}`},
	{doc: `{"raw":` + nested + `,"name":"after"}`},
	{doc: `{"raw":` + nested + `,"name":1}`, path: "name", reason: "want a string", value: "1"},
	{doc: `{"raw":` + nested[:len(nested)-1] + `,"name":1}`, path: "raw", reason: "invalid character ':' after array element"},
	{doc: `{"raw":{"a":[1,}]}}`, path: "raw", reason: "invalid character '}' looking for beginning of value"},
	{doc: `{"raw":{"a" 1}}`, path: "raw", reason: "invalid character '1' after object key"},
	{doc: `{"raw":{,}}`, path: "raw", reason: "invalid character ','"},
	{doc: `{"raw":[1 2]}`, path: "raw", reason: "invalid character '2' after array element"},
	{doc: `{"raw":[`, path: "raw", reason: "EOF"},

	// The document is one object, white space around it.
	{doc: " \t\r\n{ \"name\" :\n\"x\" , \"n\"\t:\r1 } \n"},
	{doc: `null`, path: "", reason: "a record is a JSON object", value: "null"},
	{doc: `[]`, path: "", reason: "a record is a JSON object", value: "array"},
	{doc: `[}`, path: "", reason: "a record is a JSON object", value: "array"},
	{doc: ` "s"`, path: "", reason: "a record is a JSON object", value: "s"},
	{doc: `42 x`, path: "", reason: "a record is a JSON object", value: "42"},
	{doc: `true`, path: "", reason: "a record is a JSON object", value: true},
	{doc: `{} {}`, path: "", reason: "data after the JSON object"},
	{doc: `{"name":"x"}x`, path: "", reason: "data after the JSON object"},
	{doc: `{}]`, path: "", reason: "data after the JSON object"},
	{doc: `{}"`, path: "", reason: "data after the JSON object"},
	{doc: "{}\x00", path: "", reason: "data after the JSON object"},
	{doc: `{} null`, path: "", reason: "data after the JSON object"},

	// Syntax errors, worded as encoding/json words them: joined with
	// ErrSyntax before the first key, at their path after it.
	{doc: ``, reason: "EOF", joined: true},
	{doc: "  \n", reason: "EOF", joined: true},
	{doc: `x`, reason: "invalid character 'x' looking for beginning of value", joined: true},
	{doc: `}`, reason: "invalid character '}' looking for beginning of value", joined: true},
	{doc: `"abc`, reason: "unexpected EOF", joined: true},
	{doc: `tru`, reason: "unexpected EOF", joined: true},
	{doc: `nul!`, reason: "invalid character '!' in literal null (expecting 'l')", joined: true},
	{doc: `{`, reason: "EOF", joined: true},
	{doc: `{,}`, reason: "invalid character ','", joined: true},
	{doc: `{]`, reason: "invalid character ']'", joined: true},
	{doc: `{'name':1}`, reason: `invalid character '\''`, joined: true},
	{doc: `{"na`, reason: "unexpected EOF", joined: true},
	{doc: `{"na\me":1}`, reason: "invalid character 'm' in string escape code", joined: true},
	{doc: `{"name"`, path: "name", reason: "EOF"},
	{doc: `{"name" "x"}`, path: "name", reason: `invalid character '"' after object key`},
	{doc: `{"name":}`, path: "name", reason: "invalid character '}' looking for beginning of value"},
	{doc: `{"name":"x"`, path: "", reason: "EOF"},
	{doc: `{"name":"x",}`, path: "", reason: "invalid character '}' looking for beginning of object key string"},
	{doc: `{"name":"x"]`, path: "", reason: "invalid character ']' after object key:value pair"},
	{doc: `{"name":"x` + "\n" + `"}`, path: "name", reason: `invalid character '\n' in string literal`},
	{doc: `{"name":"\u12x4"}`, path: "name", reason: `invalid character 'x' in \u hexadecimal character escape`},
	{doc: `{"name":"\`, path: "name", reason: "unexpected EOF"},
	{doc: `{"name":tru}`, path: "name", reason: "invalid character '}' in literal true (expecting 'e')"},
	{doc: `{"n":-}`, path: "n", reason: "invalid character '}' in numeric literal"},
	{doc: `{"n":1.}`, path: "n", reason: "invalid character '}' after decimal point in numeric literal"},
	{doc: `{"n":1e+}`, path: "n", reason: "invalid character '}' in exponent of numeric literal"},
	{doc: `{"n":1e`, path: "n", reason: "unexpected EOF"},
	{doc: `{"grid":[[1,`, path: "grid[0][1]", reason: "EOF"},
	{doc: `{"grid":[[1 2]]}`, path: "grid[0][1]", reason: "invalid character '2' after array element"},
	{doc: `{"grid":[[1}]}`, path: "grid[0]", reason: "invalid character '}' after array element"},
	{doc: `{"grid":[}]}`, path: "grid", reason: "invalid character '}' looking for beginning of value"},
	{doc: `{"grid":[,]}`, path: "grid[0]", reason: "invalid character ',' looking for beginning of value"},
	{doc: `{"grid":[[1],]}`, path: "grid[1]", reason: "invalid character ']' looking for beginning of value"},
	// A problem is reported where it is in the document: a value of the
	// wrong type before a syntax error, even one right after it.
	{doc: `{"name":5 garbage`, path: "name", reason: "want a string", value: "5"},
	{doc: `{"name":truex}`, path: "name", reason: "want a string", value: true},
	{doc: `{"n":12`, path: "", reason: "EOF"},
	{doc: `{"name":12`, path: "name", reason: "want a string", value: "12"},
	{doc: `{"Name":`, path: "Name", reason: `unknown field "Name" (field names are case-sensitive)`},
}

func TestCheckShape(t *testing.T) {
	for _, tc := range shapeTestCases {
		name := tc.doc
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			data := []byte(tc.doc)
			assertShapeCase(t, tc, checkShape(data, shapeTestShape()))
			// The reference agrees.
			assertShapeCase(t, tc, tokenCheckShape(data, shapeTestShape()))
		})
	}
}

func assertShapeCase(t *testing.T, tc shapeCase, err error) {
	t.Helper()
	if tc.reason == "" {
		require.NoError(t, err)
		return
	}
	require.ErrorIs(t, err, ErrSyntax)
	fe, isField := err.(*FieldError) //nolint:errorlint // the error itself, not one it wraps
	if tc.joined {
		require.False(t, isField, "a syntax error before the first key has no path: %v", err)
		assert.Equal(t, "incident: malformed JSON\n"+tc.reason, err.Error())
		return
	}
	require.True(t, isField, "%T %v", err, err)
	assert.Equal(t, tc.path, fe.Path)
	assert.Equal(t, tc.reason, fe.Reason)
	assert.Equal(t, tc.value, fe.Value)
	assert.Equal(t, ErrSyntax, fe.Err)
	assert.Empty(t, fe.Rule)
}

// TestCheckShapeRecords runs the record kinds' shapes over keys that match
// their fields only case-insensitively, and a map with arbitrary keys.
func TestCheckShapeRecords(t *testing.T) {
	cases := []struct {
		kind Kind
		shapeCase
	}{
		{KindIncident, shapeCase{doc: `{"schema_version":1,"title":"x","t\u0069tle":"y"}`}},
		{KindIncident, shapeCase{doc: `{"schema_version":{"any":[1,"2",{"3":null}]}}`}},
		{KindIncident, shapeCase{doc: `{"T\u0069tle":"x"}`, path: "Title", reason: `unknown field "Title" (field names are case-sensitive)`}},
		{KindIncident, shapeCase{doc: `{"Title":"x"}`, path: "Title", reason: `unknown field "Title" (field names are case-sensitive)`}},
		{KindIncident, shapeCase{doc: `{"ſtate":"open"}`, path: "ſtate", reason: `unknown field "ſtate" (field names are case-sensitive)`}},
		{KindIncident, shapeCase{doc: `{"Schema_Version":1}`, path: "Schema_Version", reason: `unknown field "Schema_Version" (field names are case-sensitive)`}},
		{KindIncident, shapeCase{doc: `{"tasks":[{"title":"a"},{"title":"b","Status":"open"}]}`, path: "tasks[1].Status", reason: `unknown field "Status" (field names are case-sensitive)`}},
		{KindIncident, shapeCase{doc: `{"tasks":[{"title":5}]}`, path: "tasks[0].title", reason: "want a string", value: "5"}},
		{KindIncident, shapeCase{doc: `{"timeline":{"detected":{"at":"2026-02-03T07:33:58Z","Precision":"day"}}}`, path: "timeline.detected.Precision", reason: `unknown field "Precision" (field names are case-sensitive)`}},
		{KindIncident, shapeCase{doc: `{"facts":{"residents_by_state":{"value":{"DE":1,"Title":2,"":3,"a.b":4}}}}`}},
		{KindIncident, shapeCase{doc: `{"facts":{"residents_by_state":{"value":{"DE":1,"\u0041T":"2"}}}}`, path: "facts.residents_by_state.value.AT", reason: "want an integer", value: "2"}},
		{KindIncident, shapeCase{doc: `{"facts":{"residents_by_state":{"history":[{"value":{"DE":1.5}}]}}}`, path: "facts.residents_by_state.history[0].value.DE", reason: "want an integer in range", value: "1.5"}},
		{KindIncident, shapeCase{doc: `{"assessments":[{"step":"first","by":"u-1","role":"point_of_contact","at":"2026-02-03T07:38:30Z","outcome":"incident",` +
			`"severity":"high","priority":"P1","category":{"class":"intrusions"},"rationale":"r"}],"resolution":{"set_by":"u-1","approved_by":"u-2"}}`}},
		{KindIncident, shapeCase{doc: `{"assessments":[{"step":"first"},{"Step":"confirmation"}]}`, path: "assessments[1].Step", reason: `unknown field "Step" (field names are case-sensitive)`}},
		{KindIncident, shapeCase{doc: `{"assessments":[{"st\u0065p":"first","BY":"u-1"}]}`, path: "assessments[0].BY", reason: `unknown field "BY" (field names are case-sensitive)`}},
		{KindIncident, shapeCase{doc: `{"assessments":[{"at":"yesterday"}]}`, path: "assessments[0].at", reason: "not an RFC 3339 time", value: "yesterday"}},
		{KindIncident, shapeCase{doc: `{"assessments":{"step":"first"}}`, path: "assessments", reason: "want an array", value: "object"}},
		{KindIncident, shapeCase{doc: `{"resolution":{"Approved_By":"u-2"}}`, path: "resolution.Approved_By", reason: `unknown field "Approved_By" (field names are case-sensitive)`}},
		{KindIncident, shapeCase{doc: `{"resolution":{"approved_by":12}}`, path: "resolution.approved_by", reason: "want a string", value: "12"}},
		{KindEvent, shapeCase{doc: `{"assessments":[{"category":{"Class":"x"}}]}`, path: "assessments[0].category.Class", reason: `unknown field "Class" (field names are case-sensitive)`}},
		{KindVulnerability, shapeCase{doc: `{"assessments":[{"rationale":["r"]}]}`, path: "assessments[0].rationale", reason: "want a string", value: "array"}},
		{KindEvent, shapeCase{doc: `{"cvss":{}}`, path: "cvss", reason: `unknown field "cvss" (field names are case-sensitive)`}},
		{KindVulnerability, shapeCase{doc: `{"cvss":{"score":"9.8"}}`, path: "cvss.score", reason: "want a number", value: "9.8"}},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind)+"/"+tc.doc, func(t *testing.T) {
			assertShapeCase(t, tc.shapeCase, checkShape([]byte(tc.doc), shapeFor(tc.kind)))
			assertShapeCase(t, tc.shapeCase, tokenCheckShape([]byte(tc.doc), shapeFor(tc.kind)))
		})
	}
	for _, c := range codecKinds {
		golden := readGolden(t, c.kind)
		require.NoError(t, checkShape(golden, shapeFor(c.kind)), "golden %s", c.kind)
	}
}

// TestCheckShapeDeepPath: paths longer than the scanner's fixed array.
func TestCheckShapeDeepPath(t *testing.T) {
	open, closing := strings.Repeat("[", 29), strings.Repeat("]", 29)
	cases := []shapeCase{
		{doc: `{"a":` + open + `[1,2],[3]` + closing + `}`},
		{doc: `{"a":` + open + `[1,2,"x"]` + closing + `}`, path: "a" + strings.Repeat("[0]", 29) + "[2]", reason: "want an integer", value: "x"},
		{doc: `{"a":` + open + `[1],[2,"x"]` + closing + `}`, path: "a" + strings.Repeat("[0]", 28) + "[1][1]", reason: "want an integer", value: "x"},
		{doc: `{"a":` + open + `[1],[2 3]` + closing + `}`, path: "a" + strings.Repeat("[0]", 28) + "[1][1]", reason: "invalid character '3' after array element"},
		{doc: `{"a":` + open + `[[1]]` + closing + `}`, path: "a" + strings.Repeat("[0]", 30), reason: "want an integer", value: "array"},
	}
	for i, tc := range cases {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			assertShapeCase(t, tc, checkShape([]byte(tc.doc), deepShape()))
			assertShapeCase(t, tc, tokenCheckShape([]byte(tc.doc), deepShape()))
		})
	}
}

// TestCheckShapeAllocs: checking a valid document allocates nothing (the
// golden files' times are short enough to convert on the stack).
func TestCheckShapeAllocs(t *testing.T) {
	for _, c := range codecKinds {
		golden := readGolden(t, c.kind)
		s := shapeFor(c.kind)
		allocs := testing.AllocsPerRun(20, func() {
			if err := checkShape(golden, s); err != nil {
				t.Fatal(err)
			}
		})
		assert.Zero(t, allocs, "%s", c.kind)
	}
}

// FuzzCheckShape compares checkShape with the reference walk over
// json.Decoder.Token on any input and every shape: both accept, or both
// report the same error (a *FieldError with the same path, value and
// reason, or the same joined syntax error).
func FuzzCheckShape(f *testing.F) {
	for _, kind := range []Kind{KindIncident, KindEvent, KindVulnerability} {
		f.Add(readGolden(f, kind))
	}
	for _, tc := range shapeTestCases {
		if len(tc.doc) < 1000 {
			f.Add([]byte(tc.doc))
		}
	}
	f.Add([]byte(`{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1,2]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, s := range []*shape{incidentShape(), eventShape(), vulnerabilityShape(), shapeTestShape(), deepShape()} {
			got, want := checkShape(data, s), tokenCheckShape(data, s)
			if !sameShapeError(got, want) {
				t.Fatalf("input %q:\ncheckShape      %#v\ntokenCheckShape %#v", data, got, want)
			}
		}
	})
}

func sameShapeError(got, want error) bool {
	if got == nil || want == nil {
		return got == nil && want == nil
	}
	gfe, gok := got.(*FieldError)  //nolint:errorlint // the errors themselves
	wfe, wok := want.(*FieldError) //nolint:errorlint
	if gok != wok {
		return false
	}
	if !gok {
		return errors.Is(got, ErrSyntax) && got.Error() == want.Error()
	}
	return gfe.Path == wfe.Path && gfe.Reason == wfe.Reason && reflect.DeepEqual(gfe.Value, wfe.Value) &&
		gfe.Err == wfe.Err && gfe.Rule == wfe.Rule //nolint:errorlint // the same sentinel
}

func BenchmarkCheckShape(b *testing.B) {
	doc := readGolden(b, KindIncident)
	for _, impl := range []struct {
		name  string
		check func([]byte, *shape) error
	}{{"scanner", checkShape}, {"token", tokenCheckShape}} {
		b.Run(impl.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if err := impl.check(doc, incidentShape()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// --- the reference ----------------------------------------------------------

// tokenCheckShape is the reference for checkShape: the walk with
// json.Decoder.Token that checkShape replaced (it was correct but slow and
// allocated per token). FuzzCheckShape compares the two.
func tokenCheckShape(data []byte, s *shape) error {
	w := tokenWalker{dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	tok, err := w.dec.Token()
	if err != nil {
		return w.syntax(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return &FieldError{Path: "", Value: tokenDescribe(tok), Reason: "a record is a JSON object", Err: ErrSyntax}
	}
	if err := w.object(s); err != nil {
		return err
	}
	if _, err := w.dec.Token(); !errors.Is(err, io.EOF) {
		return &FieldError{Path: "", Reason: "data after the JSON object", Err: ErrSyntax}
	}
	return nil
}

type tokenPathSeg struct {
	name  string
	index int // -1 for a named segment
}

type tokenWalker struct {
	dec  *json.Decoder
	path []tokenPathSeg
}

func (w *tokenWalker) pathString() string {
	var b strings.Builder
	for i, p := range w.path {
		if p.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.index))
			b.WriteByte(']')
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p.name)
	}
	return b.String()
}

func (w *tokenWalker) fail(value any, reason string) error {
	return &FieldError{Path: w.pathString(), Value: value, Reason: reason, Err: ErrSyntax}
}

func (w *tokenWalker) syntax(err error) error {
	if w.path == nil {
		return errors.Join(ErrSyntax, err)
	}
	return &FieldError{Path: w.pathString(), Reason: err.Error(), Err: ErrSyntax}
}

// object reads the members of an object whose '{' was consumed.
func (w *tokenWalker) object(s *shape) error {
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return w.syntax(err)
		}
		key, _ := tok.(string)
		var fs *shape
		if s.kind == shapeMap {
			fs = s.elem
		} else if fs = s.fields[key]; fs == nil {
			w.path = append(w.path, tokenPathSeg{name: key, index: -1})
			return w.fail(nil, "unknown field "+strconv.Quote(key)+" (field names are case-sensitive)")
		}
		w.path = append(w.path, tokenPathSeg{name: key, index: -1})
		if err := w.value(fs); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
	if _, err := w.dec.Token(); err != nil { // '}'
		return w.syntax(err)
	}
	return nil
}

func (w *tokenWalker) value(s *shape) error {
	tok, err := w.dec.Token()
	if err != nil {
		return w.syntax(err)
	}
	if tok == nil { // null leaves the Go value as it is, as encoding/json does
		return nil
	}
	if d, ok := tok.(json.Delim); ok {
		switch {
		case d == '{' && (s.kind == shapeStruct || s.kind == shapeMap):
			return w.object(s)
		case d == '[' && s.kind == shapeArray:
			for i := 0; w.dec.More(); i++ {
				w.path = append(w.path, tokenPathSeg{index: i})
				if err := w.value(s.elem); err != nil {
					return err
				}
				w.path = w.path[:len(w.path)-1]
			}
			if _, err := w.dec.Token(); err != nil { // ']'
				return w.syntax(err)
			}
			return nil
		case s.kind == shapeAny:
			return w.skip()
		}
		return w.fail(tokenDescribe(tok), "want "+want(s.kind))
	}
	switch s.kind {
	case shapeAny:
		return nil
	case shapeString, shapeUUID, shapeTime:
		str, ok := tok.(string)
		if !ok {
			return w.fail(tokenDescribe(tok), "want "+want(s.kind))
		}
		if s.kind == shapeUUID {
			if _, err := uuid.Parse(str); err != nil {
				return w.fail(str, "not a UUID")
			}
		}
		if s.kind == shapeTime {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				return w.fail(str, "not an RFC 3339 time")
			}
		}
	case shapeBool:
		if _, ok := tok.(bool); !ok {
			return w.fail(tokenDescribe(tok), "want a boolean")
		}
	case shapeInt, shapeUint, shapeFloat:
		n, ok := tok.(json.Number)
		if !ok {
			return w.fail(tokenDescribe(tok), "want "+want(s.kind))
		}
		var err error
		switch s.kind {
		case shapeInt:
			_, err = strconv.ParseInt(string(n), 10, 64)
		case shapeUint:
			_, err = strconv.ParseUint(string(n), 10, 64)
		default:
			_, err = strconv.ParseFloat(string(n), 64)
		}
		if err != nil {
			return w.fail(string(n), "want "+want(s.kind)+" in range")
		}
	default:
		return w.fail(tokenDescribe(tok), "want "+want(s.kind))
	}
	return nil
}

// skip consumes the rest of an array or object whose opening delimiter was
// read.
func (w *tokenWalker) skip() error {
	depth := 1
	for depth > 0 {
		tok, err := w.dec.Token()
		if err != nil {
			return w.syntax(err)
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

func tokenDescribe(tok json.Token) any {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "object"
		}
		return "array"
	case nil:
		return "null"
	case json.Number:
		return string(t)
	}
	return tok
}
