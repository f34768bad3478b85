package strictjson

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

// Options say how a kind of document is named in messages and how its
// string-valued types (durations, levels) are checked.
type Options struct {
	// Document names the document: "unexpected data after the <Document>
	// object".
	Document string
	// NotObject is the reason given, followed by ", not <token>", when
	// the document is not a JSON object ("rules must be a JSON object").
	NotObject string
	// Class is the error the package's errors wrap; its message, and the
	// ": " after it, is trimmed from the reasons of errors that repeat it.
	Class error
	// Text reports whether values of Go type t are written as JSON strings
	// with a syntax of their own, checked by CheckText. Nil: no such type.
	Text func(t reflect.Type) bool
	// CheckText says why str is not a valid value of text type t, or
	// returns "" when it is. It also checks the map keys of a non-string
	// text type.
	CheckText func(t reflect.Type, str string) string
	// NotText is the reason given when a value of text type t is the
	// token described by desc, which is not a string.
	NotText func(t reflect.Type, desc string) string
}

// Parse decodes data into v, a pointer to a struct, strictly: exactly one
// JSON object, nothing after it, field names spelt exactly as v's JSON
// tags (unknown, misspelt and repeated fields are refused), every value of
// its Go type. It returns every problem it finds, nil when v was decoded.
// Parse does not limit the size of data: callers check that first.
func Parse(data []byte, v any, o Options) []Problem {
	// First pass: walk the bytes against the shape of v, to name every
	// unknown, repeated or mistyped field with its full path (encoding/json
	// stops at the first, and names no array index). Input that is not
	// exactly one JSON object is walked again token by token, for the
	// problems encoding/json's tokenizer gives it (the syntax error, with
	// its offset and wording, after the problems before it).
	t := reflect.TypeOf(v)
	problems, ok := scanBytes(data, t, &o)
	if !ok {
		problems = scanTokens(data, t, o)
	}
	if len(problems) > 0 {
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
		return []Problem{o.trailing(dec.InputOffset())}
	}
	return nil
}

// trailing is the problem of data after the document at offset.
func (o *Options) trailing(offset int64) Problem {
	return Problem{Value: offset, Reason: "unexpected data after the " + o.Document + " object"}
}

// trimClass trims the message of o.Class from the start of msg.
func trimClass(msg string, class error) string {
	if class == nil {
		return msg
	}
	return strings.TrimPrefix(msg, class.Error()+": ")
}

// DecodeProblem turns an encoding/json decoding error into a problem, with
// the field path when the decoder gives one; class is trimmed from the
// start of other messages, as Options.Class.
func DecodeProblem(err error, class error) Problem {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return Problem{Field: typeErr.Field, Value: typeErr.Value,
			Reason: fmt.Sprintf("cannot read JSON %s as %s", typeErr.Value, typeErr.Type)}
	case errors.As(err, &syntaxErr):
		return Problem{Value: syntaxErr.Offset,
			Reason: fmt.Sprintf("invalid JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return Problem{Reason: "invalid JSON: unexpected end of input"}
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		if key, qerr := strconv.Unquote(name); qerr == nil {
			return Problem{Field: key, Value: key, Reason: "unknown field"}
		}
	}
	return Problem{Reason: trimClass(msg, class)}
}

// A tokenScanner walks the JSON tokens of a document alongside the Go type it
// will be decoded into, and notes every unknown, repeated or mistyped
// field with its path. Its recursion follows the Go type, whose depth is
// fixed; values it skips are skipped iteratively, so deeply nested input
// cannot exhaust the stack. It is the slow path of Parse, for input that
// is not a well-formed JSON object (scanBytes gives up on it): it reports
// the syntax error as encoding/json's tokenizer words it.
type tokenScanner struct {
	dec      *json.Decoder
	opts     *Options
	problems []Problem
}

// scanTokens checks the shape of a document decoded into t; it returns
// the problems found, or one problem for input that is not JSON.
func scanTokens(data []byte, t reflect.Type, o Options) []Problem {
	s := &tokenScanner{dec: json.NewDecoder(bytes.NewReader(data)), opts: &o}
	s.dec.UseNumber()
	tok, err := s.dec.Token()
	if err != nil {
		return []Problem{s.syntax(err)}
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return []Problem{{Value: describe(tok), Reason: o.NotObject + ", not " + describe(tok)}}
	}
	if err := s.value(tok, t, ""); err != nil {
		return append(s.problems, s.syntax(err))
	}
	if _, err := s.dec.Token(); !errors.Is(err, io.EOF) {
		s.problems = append(s.problems, o.trailing(s.dec.InputOffset()))
	}
	return s.problems
}

// scanError is a tokenizer error inside the value at path.
type scanError struct {
	path string
	err  error
}

func (e *scanError) Error() string { return e.err.Error() }
func (e *scanError) Unwrap() error { return e.err }

// token reads the next token of the value at path.
func (s *tokenScanner) token(path string) (json.Token, error) {
	tok, err := s.dec.Token()
	if err != nil {
		return nil, &scanError{path: path, err: err}
	}
	return tok, nil
}

// syntax turns a tokenizer error into a problem, naming the value it
// broke off in.
func (s *tokenScanner) syntax(err error) Problem {
	var path string
	if pe, ok := errors.AsType[*scanError](err); ok {
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

func (s *tokenScanner) add(path string, value any, reason string) {
	s.problems = append(s.problems, Problem{Field: path, Value: value, Reason: reason})
}

// isText reports whether t is a text type of the options.
func (s *tokenScanner) isText(t reflect.Type) bool {
	return s.opts.Text != nil && s.opts.Text(t)
}

// value checks the JSON value starting with tok against Go type t. The
// error is a syntax error, after which scanning stops.
func (s *tokenScanner) value(tok json.Token, t reflect.Type, path string) error {
	if tok == nil { // null: the decoder leaves the value unset
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s.isText(t) {
		str, ok := tok.(string)
		if !ok {
			s.add(path, describe(tok), s.opts.NotText(t, describe(tok)))
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
			fields := fieldsOf(t)
			if i, ok := fields.byName[key]; ok {
				return fields.types[i], "", true
			}
			return nil, fields.unknown(key), false
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
			s.add(path, describe(tok), "want a list, not "+describe(tok))
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
			s.add(path, describe(tok), "want a string, not "+describe(tok))
			return s.skip(tok, path)
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			s.add(path, describe(tok), "want true or false, not "+describe(tok))
			return s.skip(tok, path)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			s.add(path, describe(tok), "want an integer, not "+describe(tok))
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
func (s *tokenScanner) object(tok json.Token, path string, field func(key string) (reflect.Type, string, bool)) error {
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		s.add(path, describe(tok), "want an object, not "+describe(tok))
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
func (s *tokenScanner) skip(tok json.Token, path string) error {
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
func describe(tok json.Token) string {
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

// jsonName is the name encoding/json gives a field, and false for fields
// it ignores.
func jsonName(f reflect.StructField) (string, bool) {
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
