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
func checkShape(data []byte, s *shape) error {
	w := shapeWalker{dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	tok, err := w.dec.Token()
	if err != nil {
		return w.syntax(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return &FieldError{Path: "", Value: describe(tok), Reason: "a record is a JSON object", Err: ErrSyntax}
	}
	if err := w.object(s); err != nil {
		return err
	}
	if _, err := w.dec.Token(); !errors.Is(err, io.EOF) {
		return &FieldError{Path: "", Reason: "data after the JSON object", Err: ErrSyntax}
	}
	return nil
}

type pathSeg struct {
	name  string
	index int // -1 for a named segment
}

type shapeWalker struct {
	dec  *json.Decoder
	path []pathSeg
}

func (w *shapeWalker) pathString() string {
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

func (w *shapeWalker) fail(value any, reason string) error {
	return &FieldError{Path: w.pathString(), Value: value, Reason: reason, Err: ErrSyntax}
}

func (w *shapeWalker) syntax(err error) error {
	if w.path == nil {
		return errors.Join(ErrSyntax, err)
	}
	return &FieldError{Path: w.pathString(), Reason: err.Error(), Err: ErrSyntax}
}

// object reads the members of an object whose '{' was consumed.
func (w *shapeWalker) object(s *shape) error {
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
			w.path = append(w.path, pathSeg{name: key, index: -1})
			return w.fail(nil, "unknown field "+strconv.Quote(key)+" (field names are case-sensitive)")
		}
		w.path = append(w.path, pathSeg{name: key, index: -1})
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

func (w *shapeWalker) value(s *shape) error {
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
				w.path = append(w.path, pathSeg{index: i})
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
		return w.fail(describe(tok), "want "+want(s.kind))
	}
	switch s.kind {
	case shapeAny:
		return nil
	case shapeString, shapeUUID, shapeTime:
		str, ok := tok.(string)
		if !ok {
			return w.fail(describe(tok), "want "+want(s.kind))
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
			return w.fail(describe(tok), "want a boolean")
		}
	case shapeInt, shapeUint, shapeFloat:
		n, ok := tok.(json.Number)
		if !ok {
			return w.fail(describe(tok), "want "+want(s.kind))
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
		return w.fail(describe(tok), "want "+want(s.kind))
	}
	return nil
}

// skip consumes the rest of an array or object whose opening delimiter was
// read.
func (w *shapeWalker) skip() error {
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

func describe(tok json.Token) any {
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
