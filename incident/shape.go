package incident

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// The strict decoder checks a document's shape against the Go types before
// decoding it, because encoding/json is lenient where input must not be: it
// matches keys case-insensitively ("Title", "ſtate" fill title and state),
// and its type errors name Go types instead of JSON paths. The shape of each
// record kind is computed once from the struct tags and never changes.

type shapeKind uint8

const (
	shapeAny shapeKind = iota // any JSON value (json.RawMessage)
	shapeString
	shapeUUID
	shapeTime
	shapeInt
	shapeUint
	shapeFloat
	shapeBool
	shapeStruct
	shapeMap
	shapeArray
)

type shape struct {
	kind   shapeKind
	fields map[string]*shape // shapeStruct: exact JSON name → shape
	elem   *shape            // shapeMap, shapeArray
}

var (
	uuidReflectType = reflect.TypeFor[uuid.UUID]()
	timeReflectType = reflect.TypeFor[time.Time]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	textUnmarshal   = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func shapeOf(t reflect.Type) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case uuidReflectType:
		return &shape{kind: shapeUUID}
	case timeReflectType:
		return &shape{kind: shapeTime}
	case rawMessageType:
		return &shape{kind: shapeAny}
	}
	if reflect.PointerTo(t).Implements(textUnmarshal) {
		return &shape{kind: shapeString}
	}
	switch t.Kind() {
	case reflect.String:
		return &shape{kind: shapeString}
	case reflect.Bool:
		return &shape{kind: shapeBool}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &shape{kind: shapeInt}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &shape{kind: shapeUint}
	case reflect.Float32, reflect.Float64:
		return &shape{kind: shapeFloat}
	case reflect.Slice, reflect.Array:
		return &shape{kind: shapeArray, elem: shapeOf(t.Elem())}
	case reflect.Map:
		return &shape{kind: shapeMap, elem: shapeOf(t.Elem())}
	case reflect.Struct:
		s := &shape{kind: shapeStruct, fields: map[string]*shape{}}
		addFields(s, t)
		return s
	}
	return &shape{kind: shapeAny}
}

func addFields(s *shape, t reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			addFields(s, ft)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s.fields[name] = shapeOf(f.Type)
	}
}

var (
	incidentShape      = sync.OnceValue(func() *shape { return shapeOf(reflect.TypeFor[incidentDoc]()) })
	eventShape         = sync.OnceValue(func() *shape { return shapeOf(reflect.TypeFor[eventDoc]()) })
	vulnerabilityShape = sync.OnceValue(func() *shape { return shapeOf(reflect.TypeFor[vulnerabilityDoc]()) })
)

func shapeFor(kind Kind) *shape {
	switch kind {
	case KindIncident:
		return incidentShape()
	case KindEvent:
		return eventShape()
	default:
		return vulnerabilityShape()
	}
}

// checkShape reads data as one JSON object of the given shape. It reports
// the first problem as a *FieldError with the JSON path and ErrSyntax: a key
// that is not exactly a field's name, a value of the wrong JSON type, a UUID
// or time that does not parse, a number out of range, a document that is
// not an object, or data after it.
//
// It is a scanner over data that allocates nothing for a valid document
// (except for escaped keys and values, times longer than 32 bytes and
// paths deeper than 24). It reports exactly what the walk over
// json.Decoder.Token it replaced reported (tokenCheckShape in
// shape_test.go, which FuzzCheckShape compares it with): the first problem
// in document order, a value's type checked as soon as its token is
// complete, syntax errors worded as encoding/json words them, at the path
// where they occur (before the first key, where there is no path yet,
// joined with ErrSyntax instead of a *FieldError).
func checkShape(data []byte, s *shape) error {
	sc := shapeScanner{data: data}
	return sc.document(s)
}

// pathSeg is one step of a JSON path: an object key or an array index.
type pathSeg struct {
	index      int // the array index, or -1 for an object key
	start, end int // the key as written in the input, quotes included
}

type shapeScanner struct {
	data []byte
	pos  int // next byte to read
	// The path to the value being read is segs[:depth] and then more: a
	// fixed array, not a slice of it, so the scanner stays on the stack.
	depth int
	segs  [24]pathSeg
	more  []pathSeg
	named bool // a key was read: syntax errors have a path from then on
}

// scalarToken is a string, number or literal of the input.
type scalarToken struct {
	kind       byte // '"' string, '0' number, 't' true, 'f' false, 'n' null
	start, end int  // the token as written, a string's quotes included
	// decode reports a string whose value is not its bytes: it has escapes
	// or invalid UTF-8 (which decoding replaces with U+FFFD).
	decode bool
}

func (sc *shapeScanner) document(s *shape) error {
	c, ok := sc.next()
	switch {
	case !ok:
		return sc.syntax(io.EOF)
	case c == '[':
		return &FieldError{Path: "", Value: "array", Reason: "a record is a JSON object", Err: ErrSyntax}
	case c != '{':
		t, err := sc.scalar(c)
		if err != nil {
			return sc.syntax(err)
		}
		return &FieldError{Path: "", Value: sc.describe(t), Reason: "a record is a JSON object", Err: ErrSyntax}
	}
	sc.pos++
	if err := sc.object(s); err != nil {
		return err
	}
	if _, ok := sc.next(); ok {
		return &FieldError{Path: "", Reason: "data after the JSON object", Err: ErrSyntax}
	}
	return nil
}

// object reads the members of an object whose '{' was read.
func (sc *shapeScanner) object(s *shape) error {
	c, ok := sc.next()
	switch {
	case !ok:
		return sc.syntax(io.EOF)
	case c == '}':
		sc.pos++
		return nil
	case c != '"':
		return sc.syntax(charError(c, "")) // json.Decoder.Token gives no context here
	}
	for {
		key, err := sc.scalar('"')
		if err != nil {
			return sc.syntax(err)
		}
		fs := s.elem
		if s.kind != shapeMap {
			if key.decode {
				fs = s.fields[sc.stringValue(key)]
			} else {
				fs = s.fields[string(sc.data[key.start+1:key.end-1])] // no allocation
			}
		}
		sc.push(pathSeg{index: -1, start: key.start, end: key.end})
		if fs == nil {
			return sc.fail(nil, "unknown field "+strconv.Quote(sc.stringValue(key))+" (field names are case-sensitive)")
		}
		if c, ok = sc.next(); !ok {
			return sc.syntax(io.EOF)
		}
		if c != ':' {
			return sc.syntax(charError(c, " after object key"))
		}
		sc.pos++
		if err := sc.value(fs); err != nil {
			return err
		}
		sc.depth--
		if c, ok = sc.next(); !ok {
			return sc.syntax(io.EOF)
		}
		switch c {
		case '}':
			sc.pos++
			return nil
		case ',':
			sc.pos++
		default:
			return sc.syntax(charError(c, " after object key:value pair"))
		}
		if c, ok = sc.next(); !ok {
			return sc.syntax(io.EOF)
		}
		if c != '"' {
			return sc.syntax(charError(c, " looking for beginning of object key string"))
		}
	}
}

// array reads the elements of an array whose '[' was read.
func (sc *shapeScanner) array(elem *shape) error {
	c, ok := sc.next()
	if !ok {
		return sc.syntax(io.EOF)
	}
	switch c {
	case ']':
		sc.pos++
		return nil
	case '}':
		// json.Decoder.More reports no element here: the reference
		// walker has no index in its path.
		return sc.syntax(charError(c, " looking for beginning of value"))
	}
	for i := 0; ; i++ {
		sc.push(pathSeg{index: i})
		if err := sc.value(elem); err != nil {
			return err
		}
		sc.depth--
		if c, ok = sc.next(); !ok {
			return sc.syntax(io.EOF)
		}
		switch c {
		case ']':
			sc.pos++
			return nil
		case ',':
			sc.pos++
		case '}':
			return sc.syntax(charError(c, " after array element"))
		default:
			// json.Decoder.More reports another element here, so the
			// reference walker is at the next index.
			sc.push(pathSeg{index: i + 1})
			return sc.syntax(charError(c, " after array element"))
		}
	}
}

func (sc *shapeScanner) value(s *shape) error {
	c, ok := sc.next()
	if !ok {
		return sc.syntax(io.EOF)
	}
	switch c {
	case '{':
		switch s.kind {
		case shapeStruct, shapeMap:
			sc.pos++
			return sc.object(s)
		case shapeAny:
			return sc.skip()
		}
		return sc.fail("object", "want "+want(s.kind))
	case '[':
		switch s.kind {
		case shapeArray:
			sc.pos++
			return sc.array(s.elem)
		case shapeAny:
			return sc.skip()
		}
		return sc.fail("array", "want "+want(s.kind))
	}
	t, err := sc.scalar(c)
	if err != nil {
		return sc.syntax(err)
	}
	if t.kind == 'n' || s.kind == shapeAny { // null leaves the Go value as it is, as encoding/json does
		return nil
	}
	switch s.kind {
	case shapeString, shapeUUID, shapeTime:
		if t.kind != '"' {
			return sc.fail(sc.describe(t), "want "+want(s.kind))
		}
		if s.kind == shapeUUID && !sc.isUUID(t) {
			return sc.fail(sc.stringValue(t), "not a UUID")
		}
		if s.kind == shapeTime && !sc.isTime(t) {
			return sc.fail(sc.stringValue(t), "not an RFC 3339 time")
		}
	case shapeBool:
		if t.kind != 't' && t.kind != 'f' {
			return sc.fail(sc.describe(t), "want a boolean")
		}
	case shapeInt, shapeUint, shapeFloat:
		if t.kind != '0' {
			return sc.fail(sc.describe(t), "want "+want(s.kind))
		}
		n := sc.data[t.start:t.end]
		var err error
		switch s.kind { // string(n) does not escape: no allocation up to 32 bytes
		case shapeInt:
			_, err = strconv.ParseInt(string(n), 10, 64)
		case shapeUint:
			_, err = strconv.ParseUint(string(n), 10, 64)
		default:
			_, err = strconv.ParseFloat(string(n), 64)
		}
		if err != nil {
			return sc.fail(string(n), "want "+want(s.kind)+" in range")
		}
	default:
		return sc.fail(sc.describe(t), "want "+want(s.kind))
	}
	return nil
}

func (sc *shapeScanner) isUUID(t scalarToken) bool {
	var err error
	if t.decode {
		_, err = uuid.Parse(sc.stringValue(t))
	} else {
		_, err = uuid.ParseBytes(sc.data[t.start+1 : t.end-1])
	}
	return err == nil
}

func (sc *shapeScanner) isTime(t scalarToken) bool {
	var err error
	if t.decode {
		_, err = time.Parse(time.RFC3339Nano, sc.stringValue(t))
	} else {
		// string(…) does not escape: no allocation up to 32 bytes.
		_, err = time.Parse(time.RFC3339Nano, string(sc.data[t.start+1:t.end-1]))
	}
	return err == nil
}

// Where skip is in an object or array.
const (
	skipOpened = iota // after '{' or '['
	skipKey           // after ',' in an object
	skipValue         // after ':', or ',' in an array
	skipAfter         // after a member or element
)

// skip reads an object or array, whose '{' or '[' is next, for a field that
// takes any JSON value; problems are reported at the field. It keeps the
// nesting in a stack, not in recursion: like json.Decoder.Token, it reads
// any depth.
func (sc *shapeScanner) skip() error {
	var buf [64]bool
	inObject := append(buf[:0], sc.data[sc.pos] == '{')
	sc.pos++
	state := skipOpened
	for {
		c, ok := sc.next()
		if !ok {
			return sc.syntax(io.EOF)
		}
		obj := inObject[len(inObject)-1]
		closing := byte(']')
		if obj {
			closing = '}'
		}
		switch {
		case c == closing && (state == skipOpened || state == skipAfter):
			sc.pos++
			if inObject = inObject[:len(inObject)-1]; len(inObject) == 0 {
				return nil
			}
			state = skipAfter
			continue
		case state == skipAfter:
			switch {
			case c != ',' && obj:
				return sc.syntax(charError(c, " after object key:value pair"))
			case c != ',':
				return sc.syntax(charError(c, " after array element"))
			case obj:
				state = skipKey
			default:
				state = skipValue
			}
			sc.pos++
			continue
		case obj && state != skipValue: // a key
			if c != '"' {
				context := " looking for beginning of object key string"
				if state == skipOpened {
					context = "" // as in object
				}
				return sc.syntax(charError(c, context))
			}
			if _, err := sc.scalar(c); err != nil {
				return sc.syntax(err)
			}
			if c, ok = sc.next(); !ok {
				return sc.syntax(io.EOF)
			}
			if c != ':' {
				return sc.syntax(charError(c, " after object key"))
			}
			sc.pos++
			state = skipValue
			continue
		}
		// A value: in an array after '[' or ',', in an object after ':'.
		if c == '{' || c == '[' {
			sc.pos++
			inObject = append(inObject, c == '{')
			state = skipOpened
			continue
		}
		if _, err := sc.scalar(c); err != nil {
			return sc.syntax(err)
		}
		state = skipAfter
	}
}

// next skips white space and returns the byte after it; ok is false at
// the end of the input.
func (sc *shapeScanner) next() (c byte, ok bool) {
	for ; sc.pos < len(sc.data); sc.pos++ {
		switch c = sc.data[sc.pos]; c {
		case ' ', '\t', '\r', '\n':
		default:
			return c, true
		}
	}
	return 0, false
}

// scalar reads the string, number or literal that starts with c, the next
// byte. Its errors are the ones json.Decoder gives when reading the value.
func (sc *shapeScanner) scalar(c byte) (scalarToken, error) {
	t := scalarToken{start: sc.pos}
	var err error
	switch {
	case c == '"':
		t.kind = '"'
		t.decode, err = sc.str()
	case c == '-' || '0' <= c && c <= '9':
		t.kind = '0'
		err = sc.number()
	case c == 't':
		t.kind = 't'
		err = sc.literal("true")
	case c == 'f':
		t.kind = 'f'
		err = sc.literal("false")
	case c == 'n':
		t.kind = 'n'
		err = sc.literal("null")
	default:
		err = charError(c, " looking for beginning of value")
	}
	t.end = sc.pos
	return t, err
}

func (sc *shapeScanner) str() (decode bool, err error) {
	d := sc.data
	start := sc.pos
	escaped, high := false, false
	for i := start + 1; i < len(d); i++ {
		c := d[i]
		switch {
		case c >= utf8.RuneSelf:
			high = true
		case c >= 0x20 && c != '"' && c != '\\':
		case c == '"':
			sc.pos = i + 1
			return escaped || high && !utf8.Valid(d[start+1:i]), nil
		case c == '\\':
			escaped = true
			if i++; i == len(d) {
				return false, io.ErrUnexpectedEOF
			}
			switch d[i] {
			case 'b', 'f', 'n', 'r', 't', '\\', '/', '"':
			case 'u':
				for range 4 {
					if i++; i == len(d) {
						return false, io.ErrUnexpectedEOF
					}
					if !isHex(d[i]) {
						return false, charError(d[i], ` in \u hexadecimal character escape`)
					}
				}
			default:
				return false, charError(d[i], " in string escape code")
			}
		default:
			return false, charError(c, " in string literal")
		}
	}
	return false, io.ErrUnexpectedEOF
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func (sc *shapeScanner) number() error {
	d := sc.data
	i := sc.pos
	digits := func(context string) error {
		if i == len(d) {
			return io.ErrUnexpectedEOF
		}
		if d[i] < '0' || d[i] > '9' {
			return charError(d[i], context)
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
		return nil
	}
	if d[i] == '-' {
		i++
	}
	if i < len(d) && d[i] == '0' {
		i++
	} else if err := digits(" in numeric literal"); err != nil {
		return err
	}
	if i < len(d) && d[i] == '.' {
		i++
		if err := digits(" after decimal point in numeric literal"); err != nil {
			return err
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		if i++; i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if err := digits(" in exponent of numeric literal"); err != nil {
			return err
		}
	}
	sc.pos = i
	return nil
}

// literal reads true, false or null, whose first byte was checked.
func (sc *shapeScanner) literal(word string) error {
	for k := 1; k < len(word); k++ {
		p := sc.pos + k
		if p == len(sc.data) {
			return io.ErrUnexpectedEOF
		}
		if sc.data[p] != word[k] {
			return charError(sc.data[p], " in literal "+word+" (expecting "+quoteChar(word[k])+")")
		}
	}
	sc.pos += len(word)
	return nil
}

func (sc *shapeScanner) push(seg pathSeg) {
	if sc.depth < len(sc.segs) {
		sc.segs[sc.depth] = seg
	} else {
		sc.more = append(sc.more[:sc.depth-len(sc.segs)], seg)
	}
	sc.depth++
	sc.named = true
}

func (sc *shapeScanner) pathString() string {
	var b strings.Builder
	for i := range sc.depth {
		var p *pathSeg
		if i < len(sc.segs) {
			p = &sc.segs[i]
		} else {
			p = &sc.more[i-len(sc.segs)]
		}
		if p.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.index))
			b.WriteByte(']')
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(unquote(sc.data[p.start:p.end]))
	}
	return b.String()
}

func (sc *shapeScanner) fail(value any, reason string) error {
	return &FieldError{Path: sc.pathString(), Value: value, Reason: reason, Err: ErrSyntax}
}

// syntax reports a syntax error: before the first key joined with
// ErrSyntax, after it as a *FieldError at the path.
func (sc *shapeScanner) syntax(err error) error {
	if !sc.named {
		return errors.Join(ErrSyntax, err)
	}
	return &FieldError{Path: sc.pathString(), Reason: err.Error(), Err: ErrSyntax}
}

// describe is a token as a FieldError's Value.
func (sc *shapeScanner) describe(t scalarToken) any {
	switch t.kind {
	case '"':
		return sc.stringValue(t)
	case 't':
		return true
	case 'f':
		return false
	case 'n':
		return "null"
	}
	return string(sc.data[t.start:t.end])
}

func (sc *shapeScanner) stringValue(t scalarToken) string {
	return unquote(sc.data[t.start:t.end])
}

// unquote decodes a JSON string, quotes included, that the scanner read.
func unquote(q []byte) string {
	inner := q[1 : len(q)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner)
	}
	var s string
	_ = json.Unmarshal(q, &s) // cannot fail: the scanner checked the syntax
	return s
}

// charError is a syntax error at byte c, worded as encoding/json words it.
func charError(c byte, context string) error {
	return errors.New("invalid character " + quoteChar(c) + context)
}

// quoteChar formats c as encoding/json does in its syntax errors.
func quoteChar(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

func want(k shapeKind) string {
	switch k {
	case shapeString:
		return "a string"
	case shapeUUID:
		return "a UUID string"
	case shapeTime:
		return "an RFC 3339 time string"
	case shapeInt, shapeUint:
		return "an integer"
	case shapeFloat:
		return "a number"
	case shapeBool:
		return "a boolean"
	case shapeStruct, shapeMap:
		return "an object"
	case shapeArray:
		return "an array"
	}
	return "a JSON value"
}
