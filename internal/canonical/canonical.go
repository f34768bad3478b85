// Package canonical is the canonical JSON encoding the SDK hashes and
// signs: the audit record's hashed form and the checkpoint's signing bytes
// of package lifecycle. It is internal because its output is frozen: a
// byte changed here changes every hash, so the encoding is versioned
// (Version) and pinned by golden vectors in lifecycle/testdata/audit, and
// hosts must not build on it.
//
// # The encoding (Version 1)
//
// The output is JSON text (RFC 8259) without insignificant whitespace:
//
//   - Objects have their members sorted by key, bytewise on the key's
//     UTF-8 bytes (not by UTF-16 code units as RFC 8785 does; the two
//     orders differ only for keys with characters above U+FFFF against
//     keys with characters in U+E000–U+FFFF). Duplicate keys are refused.
//   - Strings escape only what JSON requires: '"' as \", '\' as \\, the
//     control characters U+0008, U+0009, U+000A, U+000C, U+000D as \b,
//     \t, \n, \f, \r, and the other characters below U+0020 as \u00xx with
//     lower-case hex. Everything else, '/', '<', '>', '&', U+2028, U+2029
//     and U+007F included, is written as its UTF-8 bytes: there is no HTML
//     escaping. Invalid UTF-8 and unpaired surrogate escapes (\ud800) are
//     refused, because decoders replace them with U+FFFD and two different
//     inputs would then hash alike. (This is the string rule of RFC 8785.)
//   - Numbers are written exactly, never through float64: the decimal
//     value is normalised (no leading or trailing zeros, no "-0", no "+"
//     in the exponent, a lower-case "e") and written in the form
//     ECMAScript chooses for a Number of that value — plain digits for
//     integers below 10^21, a decimal point for other values from 10^-6
//     to below 10^21, exponent notation otherwise. So 1, 1.0, 10e-1 and
//     0.1e1 all become 1, and 1.50 becomes 1.5. Exponents of 10^9 and
//     more are refused.
//   - true, false and null are themselves.
//
// The Go values of Append map onto that: integers as decimal numbers,
// time.Time as the string "2006-01-02T15:04:05.000000000Z" (UTC, always
// nine fraction digits, years 0000 to 9999 only), byte slices as strings
// of lower-case hex, json.RawMessage re-canonicalised (parsed and written
// again by the rules above, so semantically equal payloads encode alike
// whatever their key order, whitespace, escapes and number spelling).
//
// The output is deterministic, independent of encoding/json, and
// idempotent: canonicalising canonical JSON gives the same bytes.
package canonical

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Version is the version of the encoding described in the package
// documentation. A change to the output of any function of this package is
// a new version; hashes computed with an older version must stay
// verifiable, so the old encoding is kept beside the new one.
const Version = 1

// Errors. Every error of this package wraps one of them.
var (
	// ErrSyntax: the input is not JSON text.
	ErrSyntax = errors.New("canonical: invalid JSON")
	// ErrUnsupported: the input is JSON (or a Go value) without a
	// canonical form: invalid UTF-8, an unpaired surrogate, a duplicate
	// key, an exponent of 10^9 or more, nesting deeper than MaxDepth, a
	// time outside the years 0000–9999 or an unsupported Go type.
	ErrUnsupported = errors.New("canonical: no canonical form")
)

// MaxDepth is the deepest nesting of arrays and objects AppendJSON
// accepts; it is the limit of encoding/json.
const MaxDepth = 10000

// TimeLayout is the layout of times: UTC, nine fraction digits.
const TimeLayout = "2006-01-02T15:04:05.000000000Z"

// maxExpDigits bounds the significant digits of a number's exponent.
const maxExpDigits = 9

// Append appends the canonical encoding of v to dst. v is one of nil, bool,
// string, int, int8, int16, int32, int64, uint, uint8, uint16, uint32,
// uint64, time.Time, []byte, json.RawMessage (empty means null),
// uuid.UUID (its lower-case string), map[string]any and []any whose
// elements are again of these types. Other types are refused with
// ErrUnsupported.
func Append(dst []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		return strconv.AppendBool(dst, v), nil
	case string:
		return AppendString(dst, v)
	case int:
		return AppendInt(dst, int64(v)), nil
	case int8:
		return AppendInt(dst, int64(v)), nil
	case int16:
		return AppendInt(dst, int64(v)), nil
	case int32:
		return AppendInt(dst, int64(v)), nil
	case int64:
		return AppendInt(dst, v), nil
	case uint:
		return AppendUint(dst, uint64(v)), nil
	case uint8:
		return AppendUint(dst, uint64(v)), nil
	case uint16:
		return AppendUint(dst, uint64(v)), nil
	case uint32:
		return AppendUint(dst, uint64(v)), nil
	case uint64:
		return AppendUint(dst, v), nil
	case time.Time:
		return AppendTime(dst, v)
	case json.RawMessage:
		if len(v) == 0 {
			return append(dst, "null"...), nil
		}
		return AppendJSON(dst, v)
	case []byte:
		return AppendHex(dst, v), nil
	case uuid.UUID:
		return AppendUUID(dst, v), nil
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys) // Go compares strings bytewise.
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = AppendString(dst, k); err != nil {
				return dst, err
			}
			dst = append(dst, ':')
			if dst, err = Append(dst, v[k]); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	case []any:
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = Append(dst, e); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	}
	return dst, fmt.Errorf("%w: unsupported type %T", ErrUnsupported, v)
}

// AppendString appends s as a canonical JSON string. ErrUnsupported when s
// is not valid UTF-8.
func AppendString(dst []byte, s string) ([]byte, error) {
	if !utf8.ValidString(s) {
		return dst, fmt.Errorf("%w: invalid UTF-8 in string %q", ErrUnsupported, s)
	}
	return appendEscaped(dst, s), nil
}

// appendEscaped appends the valid UTF-8 string s, quoted and escaped.
func appendEscaped[S string | []byte](dst []byte, s S) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		start = i + 1
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendInt appends v as a decimal number.
func AppendInt(dst []byte, v int64) []byte { return strconv.AppendInt(dst, v, 10) }

// AppendUint appends v as a decimal number.
func AppendUint(dst []byte, v uint64) []byte { return strconv.AppendUint(dst, v, 10) }

// AppendTime appends t in UTC as a string in TimeLayout (fixed width, nine
// fraction digits). The location and monotonic reading of t do not matter,
// only the instant. ErrUnsupported when the year is outside 0000–9999.
func AppendTime(dst []byte, t time.Time) ([]byte, error) {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return dst, fmt.Errorf("%w: time %s is outside the years 0000-9999", ErrUnsupported, t)
	}
	dst = append(dst, '"')
	dst = t.AppendFormat(dst, TimeLayout)
	return append(dst, '"'), nil
}

// AppendHex appends b as a string of lower-case hex digits ("" when b is
// empty or nil).
func AppendHex(dst []byte, b []byte) []byte {
	dst = append(dst, '"')
	dst = hex.AppendEncode(dst, b)
	return append(dst, '"')
}

// AppendUUID appends id as a string in its lower-case 8-4-4-4-12 form.
func AppendUUID(dst []byte, id uuid.UUID) []byte {
	dst = append(dst, '"')
	dst = hex.AppendEncode(dst, id[0:4])
	dst = append(dst, '-')
	dst = hex.AppendEncode(dst, id[4:6])
	dst = append(dst, '-')
	dst = hex.AppendEncode(dst, id[6:8])
	dst = append(dst, '-')
	dst = hex.AppendEncode(dst, id[8:10])
	dst = append(dst, '-')
	dst = hex.AppendEncode(dst, id[10:])
	return append(dst, '"')
}

// AppendJSON appends the canonical form of the JSON text src (one JSON
// value, optionally surrounded by whitespace). ErrSyntax when src is not
// JSON; ErrUnsupported when it has no canonical form. On error the
// returned slice holds dst with undefined bytes appended.
func AppendJSON(dst, src []byte) ([]byte, error) {
	var b Buffers
	return b.AppendJSON(dst, src)
}

// Buffers holds the working memory of AppendJSON, for a caller that
// canonicalises many values to reuse. The zero value is ready to use; it
// must not be used by two goroutines at once.
type Buffers struct {
	keys    []byte
	members []member
	scratch []byte
}

// Footprint returns the bytes b holds on to, so that a caller keeping
// Buffers in a pool can drop those a large value grew.
func (b *Buffers) Footprint() int {
	return cap(b.keys) + cap(b.scratch) + cap(b.members)*4*strconv.IntSize/8 // member is four ints
}

// AppendJSON is the function AppendJSON, reusing b's memory.
func (b *Buffers) AppendJSON(dst, src []byte) ([]byte, error) {
	p := parser{src: src, keys: b.keys[:0], members: b.members[:0], scratch: b.scratch[:0]}
	p.skipSpace()
	dst, err := p.value(dst, 0)
	b.keys, b.members, b.scratch = p.keys[:0], p.members[:0], p.scratch[:0]
	if err != nil {
		return dst, err
	}
	p.skipSpace()
	if p.pos != len(p.src) {
		return dst, p.syntax("data after the JSON value")
	}
	return dst, nil
}

// parser re-canonicalises JSON text in one recursive-descent pass, writing
// straight into the destination. Object members are written in input order
// and sorted in place afterwards when their keys were not in order.
type parser struct {
	src []byte
	pos int
	// keys holds the unescaped keys of the objects being parsed, members
	// their spans; nested objects use the tail and give it back.
	keys    []byte
	members []member
	// scratch holds an unescaped string or an object's members while they
	// are reordered.
	scratch []byte
}

// member is an object member being written: its unescaped key in
// parser.keys and its canonical `"key":value` in the destination.
type member struct {
	keyStart, keyEnd int
	start, end       int
}

func (p *parser) syntax(what string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrSyntax, what, p.pos)
}

func (p *parser) unsupported(what string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrUnsupported, what, p.pos)
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value(dst []byte, depth int) ([]byte, error) {
	if p.pos >= len(p.src) {
		return dst, p.syntax("unexpected end of input")
	}
	switch c := p.src[p.pos]; {
	case c == '{':
		if depth >= MaxDepth {
			return dst, p.unsupported("nesting too deep")
		}
		return p.object(dst, depth+1)
	case c == '[':
		if depth >= MaxDepth {
			return dst, p.unsupported("nesting too deep")
		}
		return p.array(dst, depth+1)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return dst, err
		}
		return appendEscaped(dst, s), nil
	case c == '-' || c >= '0' && c <= '9':
		return p.number(dst)
	case c == 't':
		return p.literal(dst, "true")
	case c == 'f':
		return p.literal(dst, "false")
	case c == 'n':
		return p.literal(dst, "null")
	}
	return dst, p.syntax(fmt.Sprintf("unexpected character %q", p.src[p.pos]))
}

func (p *parser) literal(dst []byte, lit string) ([]byte, error) {
	if len(p.src)-p.pos < len(lit) || string(p.src[p.pos:p.pos+len(lit)]) != lit {
		return dst, p.syntax("invalid literal")
	}
	p.pos += len(lit)
	return append(dst, lit...), nil
}

func (p *parser) array(dst []byte, depth int) ([]byte, error) {
	p.pos++ // '['
	dst = append(dst, '[')
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		return append(dst, ']'), nil
	}
	for {
		var err error
		p.skipSpace()
		if dst, err = p.value(dst, depth); err != nil {
			return dst, err
		}
		p.skipSpace()
		if p.pos >= len(p.src) {
			return dst, p.syntax("unterminated array")
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
			dst = append(dst, ',')
		case ']':
			p.pos++
			return append(dst, ']'), nil
		default:
			return dst, p.syntax("want ',' or ']' in array")
		}
	}
}

func (p *parser) object(dst []byte, depth int) ([]byte, error) {
	p.pos++ // '{'
	open := len(dst)
	dst = append(dst, '{')
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		return append(dst, '}'), nil
	}
	keyMark, memberMark := len(p.keys), len(p.members)
	sorted := true
	for {
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			return dst, p.syntax("want a string key in object")
		}
		key, err := p.str()
		if err != nil {
			return dst, err
		}
		m := member{keyStart: len(p.keys)}
		p.keys = append(p.keys, key...)
		m.keyEnd = len(p.keys)
		if n := len(p.members); n > memberMark {
			prev := p.members[n-1]
			switch cmp := compare(p.keys[prev.keyStart:prev.keyEnd], p.keys[m.keyStart:m.keyEnd]); {
			case cmp == 0:
				return dst, p.unsupported(fmt.Sprintf("duplicate key %q", string(key)))
			case cmp > 0:
				sorted = false
			}
		}
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return dst, p.syntax("want ':' after object key")
		}
		p.pos++
		p.skipSpace()
		if n := len(p.members); n > memberMark {
			dst = append(dst, ',')
		}
		m.start = len(dst)
		dst = appendEscaped(dst, p.keys[m.keyStart:m.keyEnd])
		dst = append(dst, ':')
		if dst, err = p.value(dst, depth); err != nil {
			return dst, err
		}
		m.end = len(dst)
		p.members = append(p.members, m)
		p.skipSpace()
		if p.pos >= len(p.src) {
			return dst, p.syntax("unterminated object")
		}
		if p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.src[p.pos] != '}' {
			return dst, p.syntax("want ',' or '}' in object")
		}
		p.pos++
		break
	}
	ms := p.members[memberMark:]
	if !sorted {
		slices.SortFunc(ms, func(a, b member) int {
			return compare(p.keys[a.keyStart:a.keyEnd], p.keys[b.keyStart:b.keyEnd])
		})
		for i := 1; i < len(ms); i++ {
			if compare(p.keys[ms[i-1].keyStart:ms[i-1].keyEnd], p.keys[ms[i].keyStart:ms[i].keyEnd]) == 0 {
				return dst, p.unsupported(fmt.Sprintf("duplicate key %q", string(p.keys[ms[i].keyStart:ms[i].keyEnd])))
			}
		}
		p.scratch = append(p.scratch[:0], dst[open:]...)
		dst = append(dst[:open], '{')
		for i, m := range ms {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, p.scratch[m.start-open:m.end-open]...)
		}
	}
	p.keys, p.members = p.keys[:keyMark], p.members[:memberMark]
	return append(dst, '}'), nil
}

// compare orders keys bytewise.
func compare(a, b []byte) int {
	return slices.Compare(a, b)
}

// str reads a JSON string at p.pos and returns its unescaped UTF-8 bytes,
// which stay valid until the next call.
func (p *parser) str() ([]byte, error) {
	p.pos++ // '"'
	start := p.pos
	// Fast path: no escapes, so the bytes are the value.
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '"':
			s := p.src[start:p.pos]
			p.pos++
			if !utf8.Valid(s) {
				return nil, p.unsupported("invalid UTF-8 in string")
			}
			return s, nil
		case c == '\\':
			return p.escapedStr(start)
		case c < 0x20:
			return nil, p.syntax("control character in string")
		}
		p.pos++
	}
	return nil, p.syntax("unterminated string")
}

// escapedStr continues str from the first backslash, unescaping into
// p.scratch.
func (p *parser) escapedStr(start int) ([]byte, error) {
	p.scratch = append(p.scratch[:0], p.src[start:p.pos]...)
	out := p.scratch
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '"':
			p.pos++
			p.scratch = out
			if !utf8.Valid(out) {
				return nil, p.unsupported("invalid UTF-8 in string")
			}
			return out, nil
		case c < 0x20:
			return nil, p.syntax("control character in string")
		case c != '\\':
			out = append(out, c)
			p.pos++
			continue
		}
		if p.pos+1 >= len(p.src) {
			return nil, p.syntax("unterminated string")
		}
		e := p.src[p.pos+1]
		p.pos += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return nil, p.syntax("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				var r2 rune = -1
				if p.pos+1 < len(p.src) && p.src[p.pos] == '\\' && p.src[p.pos+1] == 'u' {
					p.pos += 2
					if r2, ok = p.hex4(); !ok {
						return nil, p.syntax("invalid \\u escape")
					}
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return nil, p.unsupported("unpaired surrogate in string")
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, p.syntax("invalid escape in string")
		}
	}
	return nil, p.syntax("unterminated string")
}

// hex4 reads four hex digits.
func (p *parser) hex4() (rune, bool) {
	if len(p.src)-p.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.src[p.pos : p.pos+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	p.pos += 4
	return r, true
}

// number reads a JSON number and appends its canonical form (see the
// package documentation).
func (p *parser) number(dst []byte) ([]byte, error) {
	s := p.src
	i := p.pos
	neg := s[i] == '-'
	if neg {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	intStart := i
	if n := digits(); n == 0 || n > 1 && s[intStart] == '0' {
		p.pos = i
		return dst, p.syntax("invalid number")
	}
	intEnd := i
	fracStart, fracEnd := i, i
	if i < len(s) && s[i] == '.' {
		i++
		fracStart = i
		if digits() == 0 {
			p.pos = i
			return dst, p.syntax("invalid number")
		}
		fracEnd = i
	}
	var exp int64
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		expNeg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			expNeg = s[i] == '-'
			i++
		}
		expStart := i
		if digits() == 0 {
			p.pos = i
			return dst, p.syntax("invalid number")
		}
		e := s[expStart:i]
		for len(e) > 1 && e[0] == '0' {
			e = e[1:]
		}
		if len(e) > maxExpDigits {
			p.pos = expStart
			return dst, p.unsupported("number exponent out of range")
		}
		for _, c := range e {
			exp = exp*10 + int64(c-'0')
		}
		if expNeg {
			exp = -exp
		}
	}
	p.pos = i
	return appendNumber(dst, neg, s[intStart:intEnd], s[fracStart:fracEnd], exp), nil
}

// appendNumber appends the canonical form of the decimal
// ±intDigits.fracDigits × 10^exp.
func appendNumber(dst []byte, neg bool, intDigits, fracDigits []byte, exp int64) []byte {
	// The significand's digits without leading and trailing zeros, as a
	// view of the integer and fraction digits; e is the exponent of its
	// last digit.
	e := exp - int64(len(fracDigits))
	a, b := intDigits, fracDigits
	for len(a) > 0 && a[0] == '0' {
		a = a[1:]
	}
	if len(a) == 0 {
		for len(b) > 0 && b[0] == '0' {
			b = b[1:]
		}
	}
	for len(b) > 0 && b[len(b)-1] == '0' {
		b = b[:len(b)-1]
		e++
	}
	if len(b) == 0 {
		for len(a) > 0 && a[len(a)-1] == '0' {
			a = a[:len(a)-1]
			e++
		}
	}
	n := int64(len(a) + len(b))
	if n == 0 {
		return append(dst, '0')
	}
	digit := func(k int64) byte { // the k-th significant digit
		if k < int64(len(a)) {
			return a[k]
		}
		return b[k-int64(len(a))]
	}
	appendDigits := func(dst []byte, from, to int64) []byte {
		for k := from; k < to; k++ {
			dst = append(dst, digit(k))
		}
		return dst
	}
	if neg {
		dst = append(dst, '-')
	}
	// The value is 0.d1d2…dn × 10^point.
	point := n + e
	switch {
	case e >= 0 && point <= 21:
		dst = appendDigits(dst, 0, n)
		for range e {
			dst = append(dst, '0')
		}
	case point > 0 && point <= 21:
		dst = appendDigits(dst, 0, point)
		dst = append(dst, '.')
		dst = appendDigits(dst, point, n)
	case point > -6 && point <= 0:
		dst = append(dst, '0', '.')
		for range -point {
			dst = append(dst, '0')
		}
		dst = appendDigits(dst, 0, n)
	default:
		dst = append(dst, digit(0))
		if n > 1 {
			dst = append(dst, '.')
			dst = appendDigits(dst, 1, n)
		}
		dst = append(dst, 'e')
		dst = strconv.AppendInt(dst, point-1, 10)
	}
	return dst
}
