package strictjson

// The implementation of Parse before its shape check became a one-pass
// scanner over the bytes with cached field tables (scan.go): the
// reference the equivalence tests and fuzz targets compare Parse with.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// refParse is Parse as it was before the one-pass refScanner: it decodes data into v, a pointer to a struct, strictly: exactly one
// JSON object, nothing after it, field names spelt exactly as v's JSON
// tags (unknown, misspelt and repeated fields are refused), every value of
// its Go type. It returns every problem it finds, nil when v was decoded.
// Parse does not limit the size of data: callers check that first.
func refParse(data []byte, v any, o Options) []Problem {
	// First pass: walk the tokens against the shape of v, to name every
	// unknown, repeated or mistyped field with its full path (encoding/json
	// stops at the first, and names no array index).
	if problems := refScan(data, reflect.TypeOf(v), o); len(problems) > 0 {
		return problems
	}
	// Second pass: decode. The scan has checked what the decoder checks;
	// should they disagree, the decoder's word stands.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return []Problem{DecodeProblem(err, o.Class)}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return []Problem{refTrailing(&o, dec.InputOffset())}
	}
	return nil
}

// refTrailing is the problem of data after the document at offset.
func refTrailing(o *Options, offset int64) Problem {
	return Problem{Value: offset, Reason: "unexpected data after the " + o.Document + " object"}
}

// A refScanner walks the JSON tokens of a document alongside the Go type it
// will be decoded into, and notes every unknown, repeated or mistyped
// field with its path. Its recursion follows the Go type, whose depth is
// fixed; values it skips are skipped iteratively, so deeply nested input
// cannot exhaust the stack.
type refScanner struct {
	dec      *json.Decoder
	opts     *Options
	problems []Problem
}

// scan checks the shape of a document decoded into t; it returns the
// problems found, or one problem for input that is not JSON.
func refScan(data []byte, t reflect.Type, o Options) []Problem {
	s := &refScanner{dec: json.NewDecoder(bytes.NewReader(data)), opts: &o}
	s.dec.UseNumber()
	tok, err := s.dec.Token()
	if err != nil {
		return []Problem{s.syntax(err)}
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return []Problem{{Value: refDescribe(tok), Reason: o.NotObject + ", not " + refDescribe(tok)}}
	}
	if err := s.value(tok, t, ""); err != nil {
		return append(s.problems, s.syntax(err))
	}
	if _, err := s.dec.Token(); !errors.Is(err, io.EOF) {
		s.problems = append(s.problems, refTrailing(&o, s.dec.InputOffset()))
	}
	return s.problems
}

// refScanError is a tokenizer error inside the value at path.
type refScanError struct {
	path string
	err  error
}

func (e *refScanError) Error() string { return e.err.Error() }
func (e *refScanError) Unwrap() error { return e.err }

// token reads the next token of the value at path.
func (s *refScanner) token(path string) (json.Token, error) {
	tok, err := s.dec.Token()
	if err != nil {
		return nil, &refScanError{path: path, err: err}
	}
	return tok, nil
}

// syntax turns a tokenizer error into a problem, naming the value it
// broke off in.
func (s *refScanner) syntax(err error) Problem {
	var path string
	if pe, ok := errors.AsType[*refScanError](err); ok {
		path = pe.path
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return Problem{Field: path, Value: se.Offset, Reason: fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se)}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return Problem{Field: path, Reason: "invalid JSON: unexpected end of input"}
	}
	return Problem{Field: path, Reason: "invalid JSON: " + err.Error()}
}

func (s *refScanner) add(path string, value any, reason string) {
	s.problems = append(s.problems, Problem{Field: path, Value: value, Reason: reason})
}

// isText reports whether t is a text type of the options.
func (s *refScanner) isText(t reflect.Type) bool {
	return s.opts.Text != nil && s.opts.Text(t)
}

// value checks the JSON value starting with tok against Go type t. The
// error is a syntax error, after which scanning stops.
func (s *refScanner) value(tok json.Token, t reflect.Type, path string) error {
	if tok == nil { // null: the decoder leaves the value unset
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s.isText(t) {
		str, ok := tok.(string)
		if !ok {
			s.add(path, refDescribe(tok), s.opts.NotText(t, refDescribe(tok)))
			return s.skip(tok, path)
		}
		if reason := s.opts.CheckText(t, str); reason != "" {
			s.add(path, str, reason)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		return s.object(tok, path, func(key string) (reflect.Type, string, bool) {
			f, ok := refJSONField(t, key)
			if !ok {
				hint := ""
				if alt, found := refFoldField(t, key); found {
					hint = fmt.Sprintf(" (did you mean %q?)", alt)
				}
				return nil, "unknown field" + hint, false
			}
			return f, "", true
		})
	case reflect.Map:
		keyType, elem := t.Key(), t.Elem()
		return s.object(tok, path, func(key string) (reflect.Type, string, bool) {
			if keyType.Kind() != reflect.String && s.isText(keyType) {
				if reason := s.opts.CheckText(keyType, key); reason != "" {
					return nil, "bad key: " + reason, false
				}
			}
			return elem, "", true
		})
	case reflect.Slice:
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			s.add(path, refDescribe(tok), "want a list, not "+refDescribe(tok))
			return s.skip(tok, path)
		}
		for i := 0; s.dec.More(); i++ {
			ipath := path + "[" + strconv.Itoa(i) + "]"
			next, err := s.token(ipath)
			if err != nil {
				return err
			}
			if err := s.value(next, t.Elem(), ipath); err != nil {
				return err
			}
		}
		_, err := s.token(path) // ]
		return err
	case reflect.String:
		if _, ok := tok.(string); !ok {
			s.add(path, refDescribe(tok), "want a string, not "+refDescribe(tok))
			return s.skip(tok, path)
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			s.add(path, refDescribe(tok), "want true or false, not "+refDescribe(tok))
			return s.skip(tok, path)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			s.add(path, refDescribe(tok), "want an integer, not "+refDescribe(tok))
			return s.skip(tok, path)
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			s.add(path, string(n), fmt.Sprintf("want an integer that fits %d bits, not %s", t.Bits(), n))
		}
	default:
		return s.skip(tok, path)
	}
	return nil
}

// object checks a JSON object; field resolves a key to the type of its
// value, or says why the key is not allowed.
func (s *refScanner) object(tok json.Token, path string, field func(key string) (reflect.Type, string, bool)) error {
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		s.add(path, refDescribe(tok), "want an object, not "+refDescribe(tok))
		return s.skip(tok, path)
	}
	seen := map[string]bool{}
	for s.dec.More() {
		kt, err := s.token(path)
		if err != nil {
			return err
		}
		key, ok := kt.(string)
		if !ok { // the tokenizer only returns strings as keys
			return fmt.Errorf("object key %v is not a string", kt)
		}
		kpath := JoinKey(path, key)
		next, err := s.token(kpath)
		if err != nil {
			return err
		}
		if seen[key] {
			s.add(kpath, key, "repeated key: each key may appear once")
		}
		seen[key] = true
		t, reason, ok := field(key)
		if !ok {
			s.add(kpath, key, reason)
			if err := s.skip(next, kpath); err != nil {
				return err
			}
			continue
		}
		if err := s.value(next, t, kpath); err != nil {
			return err
		}
	}
	_, err := s.token(path) // }
	return err
}

// skip consumes the rest of the value at path that started with tok.
func (s *refScanner) skip(tok json.Token, path string) error {
	if d, ok := tok.(json.Delim); !ok || (d != '{' && d != '[') {
		return nil
	}
	for depth := 1; depth > 0; {
		next, err := s.token(path)
		if err != nil {
			return err
		}
		if d, ok := next.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// describe names a JSON token, as json.Decoder.Token returns it with
// UseNumber, for a message: "null", "the number 5", "a list".
func refDescribe(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return "the number " + string(v)
	case string:
		return "the string " + strconv.Quote(v)
	case json.Delim:
		if v == '[' {
			return "a list"
		}
		return "an object"
	}
	return fmt.Sprint(tok)
}

// jsonField returns the type of the field of struct t whose JSON name is
// exactly name.
func refJSONField(t reflect.Type, name string) (reflect.Type, bool) {
	for f := range t.Fields() {
		if n, ok := refJSONName(f); ok && n == name {
			return f.Type, true
		}
	}
	return nil, false
}

// foldField returns the JSON name of the field of t that matches name
// but for case, which encoding/json would accept and Parse does not.
func refFoldField(t reflect.Type, name string) (string, bool) {
	for f := range t.Fields() {
		if n, ok := refJSONName(f); ok && strings.EqualFold(n, name) {
			return n, true
		}
	}
	return "", false
}

// jsonName is the name encoding/json gives a field, and false for fields
// it ignores.
func refJSONName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	if name, _, _ := strings.Cut(tag, ","); name != "" {
		return name, true
	}
	return f.Name, true
}
