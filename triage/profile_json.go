package triage

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// MaxProfileBytes is the largest profile document ParseProfile reads
// (1 MiB). Real profiles are a few kilobytes; the limit keeps a hostile or
// mistaken input from costing memory and time.
const MaxProfileBytes = 1 << 20

// ParseProfile reads a profile from JSON, strictly: exactly one JSON
// object, nothing after it, at most MaxProfileBytes, field names spelt
// exactly as Profile's JSON tags (unknown, misspelt and repeated fields
// are refused), levels written as names ("high") and durations as strings
// ("90m", not 5400). It then validates the profile. Any failure is a
// *ProfileError naming every field it can, wrapping ErrInvalidProfile.
//
// Fields left out stay unset: a criterion left out reads nothing, a
// missing severity_scale means incident.DefaultSeverityScale. Empty lists
// and objects read as left out. To adjust the defaults, marshal
// DefaultProfile with encoding/json and edit the result.
func ParseProfile(data []byte) (*Profile, error) {
	if len(data) > MaxProfileBytes {
		return nil, &ProfileError{Problems: []ProfileProblem{{
			Value:  len(data),
			Reason: fmt.Sprintf("profile is %d bytes, over the limit of %d (MaxProfileBytes)", len(data), MaxProfileBytes),
		}}}
	}
	// First pass: walk the tokens against the shape of Profile, to name
	// every unknown, repeated or mistyped field with its full path
	// (encoding/json stops at the first, and names no array index).
	if problems := scanProfile(data); len(problems) > 0 {
		return nil, &ProfileError{Problems: problems}
	}
	// Second pass: decode. The scan has checked what the decoder checks;
	// should they disagree, the decoder's word stands.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	p := new(Profile)
	if err := dec.Decode(p); err != nil {
		return nil, &ProfileError{Problems: []ProfileProblem{profileDecodeProblem(err)}}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &ProfileError{Problems: []ProfileProblem{{
			Value: dec.InputOffset(), Reason: "unexpected data after the profile object",
		}}}
	}
	p.normalize()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// profileDecodeProblem turns an encoding/json error into a problem, with
// the field path when the decoder gives one.
func profileDecodeProblem(err error) ProfileProblem {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return ProfileProblem{Field: typeErr.Field, Value: typeErr.Value,
			Reason: fmt.Sprintf("cannot read JSON %s as %s", typeErr.Value, typeErr.Type)}
	case errors.As(err, &syntaxErr):
		return ProfileProblem{Value: syntaxErr.Offset,
			Reason: fmt.Sprintf("invalid JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ProfileProblem{Reason: "invalid JSON: unexpected end of input"}
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		if key, qerr := strconv.Unquote(name); qerr == nil {
			return ProfileProblem{Field: key, Value: key, Reason: "unknown field"}
		}
	}
	return ProfileProblem{Reason: strings.TrimPrefix(msg, "triage: invalid profile: ")}
}

// normalize makes empty lists and maps nil, so that a document reads the
// same whether it writes "[]" or leaves the field out (and marshals back
// to the same value).
func (p *Profile) normalize() {
	im := &p.Impact
	nilMap(&im.Confidentiality)
	nilMap(&im.Integrity)
	nilMap(&im.Availability)
	nilMap(&im.Functional)
	nilMap(&im.Information)
	nilMap(&im.Recoverability)
	nilSlice(&im.Users)
	nilSlice(&im.Organisations)
	nilMap(&im.Criticality)
	nilSlice(&im.PersonalData.DataSubjects)
	nilMap(&im.Safety)
	nilSlice(&p.Urgency.Spread)
	nilMap(&p.Urgency.Exposure)
	nilSlice(&p.Urgency.Deadline)
	nilMap(&p.Matrix.Cells)
	if p.SeverityScale != nil {
		nilSlice(&p.SeverityScale.Levels)
	}
	nilMap(&p.Severity)
	nilSlice(&p.Tiers)
	for i := range p.Tiers {
		nilSlice(&p.Tiers[i].Priorities)
		nilSlice(&p.Tiers[i].Page)
	}
}

func nilMap[M ~map[K]V, K comparable, V any](m *M) {
	if len(*m) == 0 {
		*m = nil
	}
}

func nilSlice[S ~[]E, E any](s *S) {
	if len(*s) == 0 {
		*s = nil
	}
}

// A profileScanner walks the JSON tokens of a profile document alongside
// the Go type it will be decoded into, and notes every unknown, repeated or
// mistyped field with its path. Its recursion follows the Go type, whose
// depth is fixed; values it skips are skipped iteratively, so deeply nested
// input cannot exhaust the stack.
type profileScanner struct {
	dec      *json.Decoder
	problems []ProfileProblem
}

var (
	profileType       = reflect.TypeFor[Profile]()
	textUnmarshalType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// scanProfile checks the shape of a profile document; it returns the
// problems found, or one problem for input that is not JSON.
func scanProfile(data []byte) []ProfileProblem {
	s := &profileScanner{dec: json.NewDecoder(bytes.NewReader(data))}
	s.dec.UseNumber()
	tok, err := s.dec.Token()
	if err != nil {
		return []ProfileProblem{s.syntax(err)}
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return []ProfileProblem{{Value: describeToken(tok), Reason: "a profile must be a JSON object, not " + describeToken(tok)}}
	}
	if err := s.value(tok, profileType, ""); err != nil {
		return append(s.problems, s.syntax(err))
	}
	if _, err := s.dec.Token(); !errors.Is(err, io.EOF) {
		s.problems = append(s.problems, ProfileProblem{
			Value: s.dec.InputOffset(), Reason: "unexpected data after the profile object",
		})
	}
	return s.problems
}

// profileScanError is a tokenizer error inside the value at path.
type profileScanError struct {
	path string
	err  error
}

func (e *profileScanError) Error() string { return e.err.Error() }
func (e *profileScanError) Unwrap() error { return e.err }

// token reads the next token of the value at path.
func (s *profileScanner) token(path string) (json.Token, error) {
	tok, err := s.dec.Token()
	if err != nil {
		return nil, &profileScanError{path: path, err: err}
	}
	return tok, nil
}

// syntax turns a tokenizer error into a problem, naming the value it broke
// off in.
func (s *profileScanner) syntax(err error) ProfileProblem {
	var path string
	if pe, ok := errors.AsType[*profileScanError](err); ok {
		path = pe.path
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return ProfileProblem{Field: path, Value: se.Offset, Reason: fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se)}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ProfileProblem{Field: path, Reason: "invalid JSON: unexpected end of input"}
	}
	return ProfileProblem{Field: path, Reason: "invalid JSON: " + err.Error()}
}

func (s *profileScanner) add(path string, value any, reason string) {
	s.problems = append(s.problems, ProfileProblem{Field: path, Value: value, Reason: reason})
}

// text checks that str is a valid text form of t (a Level, a Duration).
func (s *profileScanner) text(t reflect.Type, path, str string) {
	u, ok := reflect.New(t).Interface().(encoding.TextUnmarshaler)
	if !ok {
		return
	}
	if err := u.UnmarshalText([]byte(str)); err != nil {
		s.add(path, str, strings.TrimPrefix(err.Error(), ErrInvalidProfile.Error()+": "))
	}
}

// value checks the JSON value starting with tok against Go type t. The
// error is a syntax error, after which scanning stops.
func (s *profileScanner) value(tok json.Token, t reflect.Type, path string) error {
	if tok == nil { // null: the decoder leaves the value unset
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(textUnmarshalType) {
		str, ok := tok.(string)
		if !ok {
			s.add(path, describeToken(tok), "want a string, not "+describeToken(tok)+textAdvice(t))
			return s.skip(tok, path)
		}
		s.text(t, path, str)
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		return s.object(tok, path, func(key string) (reflect.Type, string, bool) {
			f, ok := profileJSONField(t, key)
			if !ok {
				hint := ""
				if alt, found := profileFoldField(t, key); found {
					hint = fmt.Sprintf(" (did you mean %q?)", alt)
				}
				return nil, "unknown field" + hint, false
			}
			return f, "", true
		})
	case reflect.Map:
		keyType, elem := t.Key(), t.Elem()
		return s.object(tok, path, func(key string) (reflect.Type, string, bool) {
			if keyType.Kind() != reflect.String && reflect.PointerTo(keyType).Implements(textUnmarshalType) {
				u, _ := reflect.New(keyType).Interface().(encoding.TextUnmarshaler)
				if err := u.UnmarshalText([]byte(key)); err != nil {
					return nil, "bad key: " + strings.TrimPrefix(err.Error(), ErrInvalidProfile.Error()+": "), false
				}
			}
			return elem, "", true
		})
	case reflect.Slice:
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			s.add(path, describeToken(tok), "want a list, not "+describeToken(tok))
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
			s.add(path, describeToken(tok), "want a string, not "+describeToken(tok))
			return s.skip(tok, path)
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			s.add(path, describeToken(tok), "want true or false, not "+describeToken(tok))
			return s.skip(tok, path)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			s.add(path, describeToken(tok), "want an integer, not "+describeToken(tok))
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

// textAdvice says how to write a value of a text type.
func textAdvice(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[Duration]():
		return ": " + durationAdvice
	case reflect.TypeFor[Level]():
		return ": a level is one of none, low, medium, high, critical"
	}
	return ""
}

// object checks a JSON object; field resolves a key to the type of its
// value, or says why the key is not allowed.
func (s *profileScanner) object(tok json.Token, path string, field func(key string) (reflect.Type, string, bool)) error {
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		s.add(path, describeToken(tok), "want an object, not "+describeToken(tok))
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
		kpath := profileKey(path, key)
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
func (s *profileScanner) skip(tok json.Token, path string) error {
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

// describeToken names a JSON token for a message.
func describeToken(tok json.Token) string {
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

// profileJSONField returns the type of the field of struct t whose JSON
// name is exactly name.
func profileJSONField(t reflect.Type, name string) (reflect.Type, bool) {
	for f := range t.Fields() {
		if n, ok := profileJSONName(f); ok && n == name {
			return f.Type, true
		}
	}
	return nil, false
}

// profileFoldField returns the JSON name of the field of t that matches
// name but for case, which encoding/json would accept and ParseProfile
// does not.
func profileFoldField(t reflect.Type, name string) (string, bool) {
	for f := range t.Fields() {
		if n, ok := profileJSONName(f); ok && strings.EqualFold(n, name) {
			return n, true
		}
	}
	return "", false
}

// profileJSONName is the name encoding/json gives a field, and false for
// fields it ignores.
func profileJSONName(f reflect.StructField) (string, bool) {
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
