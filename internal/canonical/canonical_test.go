package canonical

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func canon(t testing.TB, in string) string {
	t.Helper()
	out, err := AppendJSON(nil, []byte(in))
	require.NoError(t, err, "input %q", in)
	return string(out)
}

func TestAppendJSON(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"literals", ` [ true , false , null ] `, `[true,false,null]`},
		{"empty containers", `{ "a" : { } , "b" : [ ] }`, `{"a":{},"b":[]}`},
		{"keys sorted", `{"b":1,"a":2,"c":{"z":1,"y":[{"q":1,"p":2}]}}`, `{"a":2,"b":1,"c":{"y":[{"p":2,"q":1}],"z":1}}`},
		{"keys bytewise, not by UTF-16", `{"\ud83d\ude00":1,"\ue000":2,"Z":3,"a":4,"":5}`, `{"":5,"Z":3,"a":4,"` + "\ue000" + `":2,"😀":1}`},
		{"key order by unescaped key", `{"\u0001":1,"\n":2,"\"":3}`, `{"\u0001":1,"\n":2,"\"":3}`},
		{"whitespace", "\t\r\n {\n\"a\"\t:\r1 }\n", `{"a":1}`},
		{"short escapes", `"\b\f\n\r\t\"\\\/"`, `"\b\f\n\r\t\"\\/"`},
		{"other controls as \\u00xx", `"\u0000\u001f\u000B\u001F"`, `"\u0000\u001f\u000b\u001f"`},
		{"no HTML escaping", `"\u003c\u003e\u0026<>&\u2028\u2029"`, "\"<>&<>&\u2028\u2029\""},
		{"unicode escapes decoded", `"\u00e9\u00E9é\ud83d\ude00\u007f"`, "\"ééé😀\x7f\""},
		{"raw UTF-8 kept", `"grüße 😀"`, `"grüße 😀"`},
		{"integers", `[0,-0,1,-1,10,100,18446744073709551615,-9223372036854775808]`, `[0,0,1,-1,10,100,18446744073709551615,-9223372036854775808]`},
		{"integer spellings", `[1.0,10e-1,0.1e1,1e0,1E+0,100e-2,0.00100e3]`, `[1,1,1,1,1,1,1]`},
		{"fractions", `[1.50,0.5,-0.25,123.456,1234567.125e-3]`, `[1.5,0.5,-0.25,123.456,1234.567125]`},
		{"large integers", `[1e20,1e21,123e18,123e19,1.5e300,100000000000000000000]`, `[100000000000000000000,1e21,123000000000000000000,1.23e21,1.5e300,100000000000000000000]`},
		{"small numbers", `[0.000001,0.0000001,1.5e-7,12e-7,-1e-400]`, `[0.000001,1e-7,1.5e-7,0.0000012,-1e-400]`},
		{"zeros", `[0.0,-0.0,0e10,-0e-10,0.000e0]`, `[0,0,0,0,0]`},
		{"exact, not float64", `[0.1,9007199254740993,1.00000000000000000000001]`, `[0.1,9007199254740993,1.00000000000000000000001]`},
		{"exponent with leading zeros", `[1e0000000000000005,1e-0000000000000005]`, `[100000,0.00001]`},
		{"exponent just in range", `[1e999999999,1e-999999999]`, `[1e999999999,1e-999999999]`},
		{"scalar top level", ` "x" `, `"x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := canon(t, tt.in)
			assert.Equal(t, tt.want, got)
			assert.True(t, json.Valid([]byte(got)), "output is not JSON: %s", got)
			assert.Equal(t, got, canon(t, got), "not idempotent")
		})
	}
}

// TestBuffersReuse: one Buffers used for many values, failures included,
// gives what fresh ones give.
func TestBuffersReuse(t *testing.T) {
	inputs := []string{
		`{"b":{"d":1,"c":"\n"},"a":[{"y":1,"x":2}]}`, `{"a":1,"a":2}`, `"\u00e9\t"`, `{"z":"` + strings.Repeat("\\", 300) + `"}`,
		`[1.50e3,{"q":{"p":{}}}]`, `{"x":`, `{"k2":1,"k1":2,"k0":{"b":1,"a":2}}`,
	}
	var b Buffers
	for range 3 {
		for _, in := range inputs {
			want, wantErr := AppendJSON(nil, []byte(in))
			got, err := b.AppendJSON(nil, []byte(in))
			if wantErr != nil {
				assert.Error(t, err, in)
				continue
			}
			require.NoError(t, err, in)
			assert.Equal(t, string(want), string(got), in)
		}
	}
	src, dst := []byte(inputs[0]), make([]byte, 0, 256)
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = b.AppendJSON(dst, src)
	})
	assert.Zero(t, allocs, "a warmed-up Buffers does not allocate")
}

func TestAppendJSONAppends(t *testing.T) {
	out, err := AppendJSON([]byte("prefix:"), []byte(`{"b":[1],"a":0}`))
	require.NoError(t, err)
	assert.Equal(t, `prefix:{"a":0,"b":[1]}`, string(out))
}

func TestAppendJSONErrors(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	tests := []struct {
		name, in string
		want     error
	}{
		{"empty", ``, ErrSyntax},
		{"only space", ` `, ErrSyntax},
		{"trailing data", `{} {}`, ErrSyntax},
		{"trailing comma in object", `{"a":1,}`, ErrSyntax},
		{"trailing comma in array", `[1,]`, ErrSyntax},
		{"missing colon", `{"a" 1}`, ErrSyntax},
		{"unquoted key", `{a:1}`, ErrSyntax},
		{"single quotes", `'a'`, ErrSyntax},
		{"bad literal", `nul`, ErrSyntax},
		{"leading zero", `01`, ErrSyntax},
		{"leading plus", `+1`, ErrSyntax},
		{"bare fraction", `.5`, ErrSyntax},
		{"empty fraction", `1.`, ErrSyntax},
		{"empty exponent", `1e`, ErrSyntax},
		{"NaN", `NaN`, ErrSyntax},
		{"raw control in string", "\"a\x01\"", ErrSyntax},
		{"bad escape", `"\x"`, ErrSyntax},
		{"short unicode escape", `"\u12"`, ErrSyntax},
		{"unterminated string", `"abc`, ErrSyntax},
		{"unterminated array", `[1`, ErrSyntax},
		{"unterminated object", `{"a":1`, ErrSyntax},
		{"invalid UTF-8", "\"a\xffb\"", ErrUnsupported},
		{"invalid UTF-8 after an escape", "\"\\n\xff\"", ErrUnsupported},
		{"invalid UTF-8 in key", "{\"\xc3\":1}", ErrUnsupported},
		{"lone high surrogate", `"\ud800"`, ErrUnsupported},
		{"lone low surrogate", `"\udc00"`, ErrUnsupported},
		{"high surrogate then letter", `"\ud800x"`, ErrUnsupported},
		{"two high surrogates", `"\ud800\ud800"`, ErrUnsupported},
		{"duplicate key in order", `{"a":1,"a":2}`, ErrUnsupported},
		{"duplicate key out of order", `{"b":1,"a":1,"b":2}`, ErrUnsupported},
		{"duplicate key by escape", `{"a":1,"\u0061":2}`, ErrUnsupported},
		{"exponent out of range", `1e1000000000`, ErrUnsupported},
		{"negative exponent out of range", `1e-1000000000`, ErrUnsupported},
		{"too deep", deep, ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := AppendJSON(nil, []byte(tt.in))
			require.ErrorIs(t, err, tt.want)
		})
	}
	// Nesting up to MaxDepth is fine.
	ok := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	assert.Equal(t, ok, canon(t, ok))
}

func TestAppendStringEscapesEveryASCIIByte(t *testing.T) {
	for c := range 0x80 {
		got, err := AppendString(nil, string(rune(c)))
		require.NoError(t, err)
		var want string
		switch {
		case c == '"' || c == '\\':
			want = `"\` + string(rune(c)) + `"`
		case c == '\b':
			want = `"\b"`
		case c == '\t':
			want = `"\t"`
		case c == '\n':
			want = `"\n"`
		case c == '\f':
			want = `"\f"`
		case c == '\r':
			want = `"\r"`
		case c < 0x20:
			want = fmt.Sprintf(`"\u%04x"`, c)
		default:
			want = `"` + string(rune(c)) + `"`
		}
		assert.Equal(t, want, string(got), "byte %#x", c)
		var back string
		require.NoError(t, json.Unmarshal(got, &back))
		assert.Equal(t, string(rune(c)), back)
	}
	_, err := AppendString(nil, "a\xffb")
	assert.ErrorIs(t, err, ErrUnsupported)
}

func TestAppendTime(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 3, 14, 9, 5, 7, 0, time.UTC), `"2026-03-14T09:05:07.000000000Z"`},
		{time.Date(2026, 3, 14, 9, 5, 7, 120, time.UTC), `"2026-03-14T09:05:07.000000120Z"`},
		{time.Date(2026, 3, 14, 10, 5, 7, 999999999, paris), `"2026-03-14T09:05:07.999999999Z"`},
		{time.Time{}, `"0001-01-01T00:00:00.000000000Z"`},
		{time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), `"0000-01-01T00:00:00.000000000Z"`},
		{time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), `"9999-12-31T23:59:59.999999999Z"`},
		{time.Now().Round(0).Add(0), ""}, // monotonic reading ignored: checked below
	}
	for _, tt := range tests[:len(tests)-1] {
		got, err := AppendTime(nil, tt.in)
		require.NoError(t, err)
		assert.Equal(t, tt.want, string(got))
	}
	now := time.Now()
	a, err := AppendTime(nil, now)
	require.NoError(t, err)
	b, err := AppendTime(nil, now.Round(0).In(paris))
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b), "location and monotonic reading must not matter")
	assert.Len(t, a, len(TimeLayout)+2)

	for _, bad := range []time.Time{time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		_, err := AppendTime(nil, bad)
		assert.ErrorIs(t, err, ErrUnsupported, "%v", bad)
	}
}

func TestAppendValues(t *testing.T) {
	at := time.Date(2026, 3, 14, 9, 0, 0, 5, time.UTC)
	id := uuid.MustParse("0195A000-0000-7000-8000-00000000000A")
	v := map[string]any{
		"seq":    uint64(18446744073709551615),
		"neg":    int64(-7),
		"small":  []any{int8(-1), int16(2), int32(3), int(4), uint(5), uint8(6), uint16(7), uint32(8)},
		"at":     at,
		"hash":   []byte{0x00, 0xab, 0xff},
		"empty":  []byte(nil),
		"data":   json.RawMessage(` {"z": 1.0, "a": "<"} `),
		"nodata": json.RawMessage(nil),
		"id":     id,
		"ok":     true,
		"nil":    nil,
		"text":   "é\n",
	}
	got, err := Append(nil, v)
	require.NoError(t, err)
	want := `{"at":"2026-03-14T09:00:00.000000005Z","data":{"a":"<","z":1},"empty":"","hash":"00abff",` +
		`"id":"0195a000-0000-7000-8000-00000000000a","neg":-7,"nil":null,"nodata":null,"ok":true,` +
		`"seq":18446744073709551615,"small":[-1,2,3,4,5,6,7,8],"text":"é\n"}`
	assert.Equal(t, want, string(got))
	assert.Equal(t, want, canon(t, want))

	for _, bad := range []any{1.5, float32(1), struct{}{}, map[string]string{}, []string{}, "\xff", map[string]any{"\xff": 1},
		[]any{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, json.RawMessage(`{`)} {
		_, err := Append(nil, bad)
		assert.Error(t, err, "%T %v", bad, bad)
	}
}

// TestNumbersExact checks random numbers against math/big: the canonical
// form has the same value, and every spelling of one value gives one form.
func TestNumbersExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		sig := strconv.FormatUint(r.Uint64N(1_000_000_000_000), 10)
		exp := r.IntN(80) - 40
		in := sig + "e" + strconv.Itoa(exp)
		if r.IntN(2) == 0 {
			in = "-" + in
		}
		got := canon(t, in)
		assert.Zero(t, ratOf(t, in).Cmp(ratOf(t, got)), "%s → %s changes the value", in, got)
		// Other spellings: a decimal point moved with the exponent,
		// padding zeros, upper-case E and a plus sign.
		k := r.IntN(len(sig) + 1)
		intPart := sig[:k]
		if intPart == "" {
			intPart = "0"
		}
		e := exp + len(sig) - k
		alt := intPart + "." + sig[k:] + "000E" + map[bool]string{true: "+", false: "-"}[e >= 0] + strconv.Itoa(max(e, -e))
		if in[0] == '-' {
			alt = "-" + alt
		}
		assert.Equal(t, got, canon(t, alt), "%s and %s", in, alt)
	}
}

func ratOf(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	require.True(t, ok, "big.Rat cannot parse %q", s)
	return r
}

// FuzzCanonical checks, for any input: invalid JSON is refused with
// ErrSyntax; valid JSON either has no canonical form (ErrUnsupported) or
// canonicalises to JSON with the same meaning, idempotently, and variants
// of it with other key orders, whitespace, escapes and number spellings
// canonicalise to the same bytes.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `null`, `true`, `0`, `-0.0e-0`, `"x"`,
		`{"b":1,"a":[1,2,{"d":null,"c":"\u00e9"}]}`,
		`{"z":{"y":{"x":[1e2,1.50,-0.001e-3]}},"\u0000":"\ud83d\ude00"}`,
		`[1e21, 1e-7, 123456789012345678901234567890, 0.1]`,
		`{"a":"<&>","b":"\u2028","c":"\/"}`,
		`{"a":1,"a":2}`, `"\ud800"`, "\"\xff\"", `1e1000000000`,
		` { "note" : "first\nsecond" , "n" : 3 } `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := AppendJSON(nil, in)
		if !json.Valid(in) {
			if err == nil {
				t.Fatalf("invalid JSON %q accepted as %q", in, out)
			}
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("invalid JSON %q: error %v wraps neither sentinel", in, err)
			}
			return
		}
		if err != nil {
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("valid JSON %q refused with %v, want ErrUnsupported", in, err)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("%q canonicalised to invalid JSON %q", in, out)
		}
		again, err := AppendJSON(nil, out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q → %q → %q (%v)", in, out, again, err)
		}
		a, b := decode(t, in), decode(t, out)
		if !sameValue(a, b) {
			t.Fatalf("%q canonicalised to %q, which means something else", in, out)
		}
		// Variants: encoding/json (sorted keys, HTML escapes, compact),
		// indented, and reverse key order with spaces and re-spelled
		// numbers.
		variants := [][]byte{}
		if m, err := json.Marshal(a); err == nil {
			variants = append(variants, m)
			var ind bytes.Buffer
			if json.Indent(&ind, m, "\t", "  ") == nil {
				variants = append(variants, ind.Bytes())
			}
		}
		variants = append(variants, reverse(nil, a))
		for _, v := range variants {
			got, err := AppendJSON(nil, v)
			if err != nil || !bytes.Equal(got, out) {
				t.Fatalf("variant %q of %q canonicalised to %q (%v), want %q", v, in, got, err, out)
			}
		}
	})
}

// decode decodes JSON with numbers kept as json.Number.
func decode(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	return v
}

// sameValue compares decoded JSON, numbers by exact value when their
// exponents are small enough for math/big, by spelling otherwise.
func sameValue(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok || !sameValue(av, bv) {
				return false
			}
		}
		return true
	case []any:
		bs, ok := b.([]any)
		return ok && slices.EqualFunc(a, bs, sameValue)
	case json.Number:
		bn, ok := b.(json.Number)
		if !ok {
			return false
		}
		if !ratFriendly(string(a)) || !ratFriendly(string(bn)) {
			return true // too big for math/big in a fuzz run; the unit tests cover numbers
		}
		ar, ok1 := new(big.Rat).SetString(string(a))
		br, ok2 := new(big.Rat).SetString(string(bn))
		return ok1 && ok2 && ar.Cmp(br) == 0
	default:
		return a == b
	}
}

// ratFriendly reports whether math/big can hold the number s cheaply.
func ratFriendly(s string) bool {
	if len(s) > 1000 {
		return false
	}
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return true
	}
	e, err := strconv.Atoi(s[i+1:])
	return err == nil && e > -1000 && e < 1000
}

// reverse writes v as JSON with object keys in reverse order, spaces
// everywhere, strings through encoding/json (HTML escapes, \u escapes) and
// numbers re-spelled with a trailing ".0e0" where they have no exponent.
func reverse(dst []byte, v any) []byte {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		slices.Reverse(keys)
		dst = append(dst, "{ "...)
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, " ,\n"...)
			}
			kb, _ := json.Marshal(k)
			dst = append(dst, kb...)
			dst = append(dst, " :\t"...)
			dst = reverse(dst, v[k])
		}
		return append(dst, " }"...)
	case []any:
		dst = append(dst, "[ "...)
		for i, e := range v {
			if i > 0 {
				dst = append(dst, " , "...)
			}
			dst = reverse(dst, e)
		}
		return append(dst, " ]"...)
	case json.Number:
		s := string(v)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0e0"
		}
		return append(dst, s...)
	default:
		b, _ := json.Marshal(v)
		return append(dst, b...)
	}
}

func BenchmarkAppendJSON(b *testing.B) {
	in := []byte(`{"to":"respond","from":"assess","reason":"confirmed by the on-call analyst",` +
		`"severity":"high","categories":["malicious-code/ransomware","availability/outage"],` +
		`"actor":"actor-42","note":"b0c5a8e2d7f3…","priority":2,"estimated":false}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	var buf []byte
	for b.Loop() {
		var err error
		if buf, err = AppendJSON(buf[:0], in); err != nil {
			b.Fatal(err)
		}
	}
}
