package strictjson

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The shape check walks the bytes of a document once, alongside the Go
// type it will be decoded into, with the field tables of its struct types
// computed once per type. It reports the same problems, in the same order,
// as walking encoding/json's tokens did (scanTokens, which it replaces for
// well-formed input); it gives up, and Parse walks the tokens instead, on
// anything that is not exactly one well-formed JSON object followed by
// white space, because the tokenizer's syntax errors (offset and wording)
// are its own.

// fields is the table of a struct type's JSON fields.
type fields struct {
	// byName maps each JSON name to its index in types: the first field
	// of that name, as encoding/json's exact match.
	byName map[string]int
	types  []reflect.Type
	// names are the JSON names in field order, for the case-insensitive
	// hint.
	names []string
}

// fieldTables caches fieldsOf: reflect.Type → *fields, filled once per
// type and only read after.
var fieldTables sync.Map

// fieldsOf returns the field table of struct type t.
func fieldsOf(t reflect.Type) *fields {
	if v, ok := fieldTables.Load(t); ok {
		if f, ok := v.(*fields); ok {
			return f
		}
	}
	f := &fields{byName: map[string]int{}}
	for sf := range t.Fields() {
		n, ok := jsonName(sf)
		if !ok {
			continue
		}
		f.names = append(f.names, n)
		if _, dup := f.byName[n]; !dup {
			f.byName[n] = len(f.types)
			f.types = append(f.types, sf.Type)
		}
	}
	if v, loaded := fieldTables.LoadOrStore(t, f); loaded {
		if first, ok := v.(*fields); ok {
			return first
		}
	}
	return f
}

// unknown is the reason for a key that names no field: "unknown field",
// and the field it matches but for case, which encoding/json would accept
// and Parse does not.
func (f *fields) unknown(key string) string {
	for _, n := range f.names {
		if strings.EqualFold(n, key) {
			return "unknown field" + fmt.Sprintf(" (did you mean %q?)", n)
		}
	}
	return "unknown field"
}

// A step is one step of the JSON path of a value: an object key or a
// list index. The scanner keeps the path as a stack of steps and spells
// it out only for a problem.
type step struct {
	key   []byte // the object key, unescaped
	index int    // the list index, when isIndex
	// isIndex marks a list element.
	isIndex bool
}

// path is the path of the value being checked, as JoinKey and "[i]"
// build it; "" for the document.
func (s *scanner) path() string {
	var p string
	for _, st := range s.steps {
		if st.isIndex {
			p = p + "[" + strconv.Itoa(st.index) + "]"
		} else {
			p = JoinKey(p, string(st.key))
		}
	}
	return p
}

// A token is one JSON token in the bytes: a delimiter that opens a value,
// or a whole scalar.
type token struct {
	// kind is '{', '[', '"' (string), '0' (number), 't', 'f' or 'n'.
	kind       byte
	start, end int // the token's bytes, quotes included
	// escaped marks a string with escapes or non-ASCII bytes, which
	// encoding/json's unquoting rewrites.
	escaped bool
}

// A scanner walks the bytes of a document alongside its Go type. Its
// recursion follows the Go type, whose depth is fixed; values it skips are
// skipped iteratively, so deeply nested input cannot exhaust the stack.
type scanner struct {
	data     []byte
	pos      int
	opts     *Options
	problems []Problem
	text     map[reflect.Type]bool // Options.Text, per type asked
	stack    []byte                // skip's open delimiters
	steps    []step                // the path of the value being checked
}

// scanBytes checks the shape of a document decoded into t. ok is false
// when data is not exactly one well-formed JSON object (and white space):
// the problems are then scanTokens'.
func scanBytes(data []byte, t reflect.Type, o *Options) (problems []Problem, ok bool) {
	s := &scanner{data: data, opts: o}
	s.ws()
	if s.pos >= len(data) || data[s.pos] != '{' {
		return nil, false
	}
	tok, ok := s.next()
	if !ok || !s.value(tok, t) {
		return nil, false
	}
	s.ws()
	if s.pos != len(data) {
		return nil, false
	}
	return s.problems, true
}

// ws skips white space.
func (s *scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// next reads the token at s.pos (after white space): the whole of a
// scalar, the delimiter of an object or list. ok is false for anything
// else.
func (s *scanner) next() (token, bool) {
	if s.pos >= len(s.data) {
		return token{}, false
	}
	start := s.pos
	switch c := s.data[s.pos]; c {
	case '{', '[':
		s.pos++
		return token{kind: c, start: start, end: s.pos}, true
	case '"':
		escaped, ok := s.str()
		return token{kind: '"', start: start, end: s.pos, escaped: escaped}, ok
	case 't':
		return token{kind: c, start: start, end: start + 4}, s.literal("true")
	case 'f':
		return token{kind: c, start: start, end: start + 5}, s.literal("false")
	case 'n':
		return token{kind: c, start: start, end: start + 4}, s.literal("null")
	default:
		ok := s.number()
		return token{kind: '0', start: start, end: s.pos}, ok
	}
}

// literal consumes lit.
func (s *scanner) literal(lit string) bool {
	if len(s.data)-s.pos < len(lit) || string(s.data[s.pos:s.pos+len(lit)]) != lit {
		return false
	}
	s.pos += len(lit)
	return true
}

// number consumes a JSON number.
func (s *scanner) number() bool {
	d, i := s.data, s.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || !isDigit(d[i]) {
			return false
		}
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || !isDigit(d[i]) {
			return false
		}
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	}
	s.pos = i
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// str consumes a JSON string; escaped reports escapes or non-ASCII bytes.
func (s *scanner) str() (escaped, ok bool) {
	d := s.data
	for i := s.pos + 1; i < len(d); i++ {
		switch c := d[i]; {
		case c == '"':
			s.pos = i + 1
			return escaped, true
		case c < 0x20:
			return false, false
		case c >= utf8.RuneSelf:
			escaped = true
		case c == '\\':
			escaped = true
			i++
			if i >= len(d) {
				return false, false
			}
			switch d[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(d) || !isHex(d[i+1]) || !isHex(d[i+2]) || !isHex(d[i+3]) || !isHex(d[i+4]) {
					return false, false
				}
				i += 4
			default:
				return false, false
			}
		}
	}
	return false, false
}

// unquoted is the value of string token tok, as encoding/json unquotes
// it (escapes resolved, invalid UTF-8 replaced).
func (s *scanner) unquoted(tok token) []byte {
	if !tok.escaped {
		return s.data[tok.start+1 : tok.end-1]
	}
	var str string
	if err := json.Unmarshal(s.data[tok.start:tok.end], &str); err != nil {
		panic("strictjson: scanned string does not unquote: " + err.Error())
	}
	return []byte(str)
}

// describe names a token for a message, as describe names encoding/json's.
func (s *scanner) describe(tok token) string {
	switch tok.kind {
	case 'n':
		return "null"
	case 't':
		return "true"
	case 'f':
		return "false"
	case '0':
		return "the number " + string(s.data[tok.start:tok.end])
	case '"':
		return "the string " + strconv.Quote(string(s.unquoted(tok)))
	case '[':
		return "a list"
	}
	return "an object"
}

// add notes a problem with the value being checked.
func (s *scanner) add(value any, reason string) {
	s.problems = append(s.problems, Problem{Field: s.path(), Value: value, Reason: reason})
}

// isText reports whether t is a text type of the options.
func (s *scanner) isText(t reflect.Type) bool {
	if s.opts.Text == nil {
		return false
	}
	text, ok := s.text[t]
	if !ok {
		if s.text == nil {
			s.text = make(map[reflect.Type]bool)
		}
		text = s.opts.Text(t)
		s.text[t] = text
	}
	return text
}

// value checks the JSON value starting with tok against Go type t. It
// returns false on a syntax error, after which scanning stops.
func (s *scanner) value(tok token, t reflect.Type) bool {
	if tok.kind == 'n' { // null: the decoder leaves the value unset
		return true
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s.isText(t) {
		if tok.kind != '"' {
			desc := s.describe(tok)
			s.add(desc, s.opts.NotText(t, desc))
			return s.skip(tok)
		}
		str := string(s.unquoted(tok))
		if reason := s.opts.CheckText(t, str); reason != "" {
			s.add(str, reason)
		}
		return true
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return s.object(tok, t)
	case reflect.Slice:
		return s.list(tok, t.Elem())
	case reflect.String:
		if tok.kind != '"' {
			s.mistyped(tok, "want a string, not ")
			return s.skip(tok)
		}
	case reflect.Bool:
		if tok.kind != 't' && tok.kind != 'f' {
			s.mistyped(tok, "want true or false, not ")
			return s.skip(tok)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if tok.kind != '0' {
			s.mistyped(tok, "want an integer, not ")
			return s.skip(tok)
		}
		n := s.data[tok.start:tok.end]
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			s.add(string(n), fmt.Sprintf("want an integer that fits %d bits, not %s", t.Bits(), n))
		}
	default:
		return s.skip(tok)
	}
	return true
}

// mistyped notes a value of the wrong JSON type: want, then the token.
func (s *scanner) mistyped(tok token, want string) {
	desc := s.describe(tok)
	s.add(desc, want+desc)
}

// list checks a JSON list of elem values.
func (s *scanner) list(tok token, elem reflect.Type) bool {
	if tok.kind != '[' {
		s.mistyped(tok, "want a list, not ")
		return s.skip(tok)
	}
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return true
	}
	for i := 0; ; i++ {
		next, ok := s.next()
		if !ok {
			return false
		}
		s.steps = append(s.steps, step{index: i, isIndex: true})
		if !s.value(next, elem) {
			return false
		}
		s.steps = s.steps[:len(s.steps)-1]
		if more, ok := s.after(']'); !ok || !more {
			return ok
		}
	}
}

// after reads what follows a value in an object or list: a comma (more
// is true, and the white space after it is skipped) or the closing
// delimiter.
func (s *scanner) after(closing byte) (more, ok bool) {
	s.ws()
	if s.pos >= len(s.data) {
		return false, false
	}
	c := s.data[s.pos]
	s.pos++
	switch c {
	case ',':
		s.ws()
		return true, true
	case closing:
		return false, true
	}
	return false, false
}

// keySet notes the keys of one object, for repeated keys.
type keySet struct {
	known uint64 // struct fields by index, for the first 64
	list  [][]byte
	set   map[string]struct{}
}

// add notes key and reports whether it was seen before.
func (k *keySet) add(key []byte) bool {
	if k.set != nil {
		if _, ok := k.set[string(key)]; ok {
			return true
		}
		k.set[string(key)] = struct{}{}
		return false
	}
	for _, seen := range k.list {
		if string(seen) == string(key) {
			return true
		}
	}
	k.list = append(k.list, key)
	if len(k.list) > 16 {
		k.set = make(map[string]struct{}, 2*len(k.list))
		for _, seen := range k.list {
			k.set[string(seen)] = struct{}{}
		}
		k.list = nil
	}
	return false
}

// object checks a JSON object against struct or map type t.
func (s *scanner) object(tok token, t reflect.Type) bool {
	if tok.kind != '{' {
		s.mistyped(tok, "want an object, not ")
		return s.skip(tok)
	}
	var (
		fs            *fields
		keyType, elem reflect.Type
		textKey       bool
		seen          keySet
	)
	if t.Kind() == reflect.Struct {
		fs = fieldsOf(t)
	} else {
		keyType, elem = t.Key(), t.Elem()
		textKey = keyType.Kind() != reflect.String && s.isText(keyType)
	}
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return true
	}
	for {
		kt, ok := s.next()
		if !ok || kt.kind != '"' {
			return false
		}
		s.ws()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return false
		}
		s.pos++
		s.ws()
		next, ok := s.next()
		if !ok {
			return false
		}
		key := s.unquoted(kt)
		s.steps = append(s.steps, step{key: key})
		var (
			vt     reflect.Type
			reason string
		)
		if fs != nil {
			i, known := fs.byName[string(key)]
			repeated := false
			switch {
			case known && i < 64:
				repeated = seen.known&(1<<i) != 0
				seen.known |= 1 << i
			default:
				repeated = seen.add(key)
			}
			if repeated {
				s.add(string(key), "repeated key: each key may appear once")
			}
			if known {
				vt = fs.types[i]
			} else {
				reason = fs.unknown(string(key))
			}
		} else {
			if seen.add(key) {
				s.add(string(key), "repeated key: each key may appear once")
			}
			vt = elem
			if textKey {
				if r := s.opts.CheckText(keyType, string(key)); r != "" {
					vt, reason = nil, "bad key: "+r
				}
			}
		}
		if vt == nil {
			s.add(string(key), reason)
			if !s.skip(next) {
				return false
			}
		} else if !s.value(next, vt) {
			return false
		}
		s.steps = s.steps[:len(s.steps)-1]
		if more, ok := s.after('}'); !ok || !more {
			return ok
		}
	}
}

// skip consumes the rest of the value that started with tok, checking
// its syntax.
func (s *scanner) skip(tok token) bool {
	if tok.kind != '{' && tok.kind != '[' {
		return true
	}
	base := len(s.stack)
	defer func() { s.stack = s.stack[:base] }()
	s.stack = append(s.stack, tok.kind)
	opened := true // just after an open delimiter: it may close at once
	for {
		s.ws()
		if s.pos >= len(s.data) {
			return false
		}
		top := s.stack[len(s.stack)-1]
		closing := byte('}')
		if top == '[' {
			closing = ']'
		}
		if !opened || s.data[s.pos] != closing {
			if top == '{' {
				kt, ok := s.next()
				if !ok || kt.kind != '"' {
					return false
				}
				s.ws()
				if s.pos >= len(s.data) || s.data[s.pos] != ':' {
					return false
				}
				s.pos++
				s.ws()
			}
			v, ok := s.next()
			if !ok {
				return false
			}
			if v.kind == '{' || v.kind == '[' {
				s.stack = append(s.stack, v.kind)
				opened = true
				continue
			}
		} else {
			s.pos++
			s.stack = s.stack[:len(s.stack)-1]
			if len(s.stack) == base {
				return true
			}
		}
		// After a value: commas and closing delimiters.
		opened = false
		for {
			top = s.stack[len(s.stack)-1]
			closing = '}'
			if top == '[' {
				closing = ']'
			}
			more, ok := s.after(closing)
			if !ok {
				return false
			}
			if more {
				break
			}
			s.stack = s.stack[:len(s.stack)-1]
			if len(s.stack) == base {
				return true
			}
		}
	}
}
