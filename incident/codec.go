package incident

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// SchemaVersion is the version of the JSON schema this code writes. Every
// encoded record carries it as "schema_version".
const SchemaVersion = 1

// DefaultMaxBytes bounds what the decoders read from one document (4 MiB):
// records hold descriptions and digests, never evidence content, so a
// larger document is a mistake or an attack.
const DefaultMaxBytes = 4 << 20

// Mode selects how a Decoder treats its input.
type Mode int

const (
	// Strict is for input from outside (an API, a file a person wrote):
	// unknown fields, unknown enum values, an unknown schema_version and
	// trailing data are errors.
	Strict Mode = iota
	// Stored is for records the SDK or a store wrote earlier: older schema
	// versions are upgraded, unknown top-level fields are kept in Extra and
	// written back, unknown enum values are kept (Validate reports them).
	Stored
)

// Decoder reads records from JSON. The zero value decodes strictly with
// DefaultMaxBytes.
type Decoder struct {
	// MaxBytes is the largest document accepted; 0 means DefaultMaxBytes.
	// At most MaxBytes+1 bytes are read from the reader.
	MaxBytes int64
	Mode     Mode
}

// DecodeIncident reads one incident strictly (see Strict).
func DecodeIncident(r io.Reader) (*Incident, error) { return Decoder{}.Incident(r) }

// DecodeEvent reads one event strictly (see Strict).
func DecodeEvent(r io.Reader) (*Event, error) { return Decoder{}.Event(r) }

// DecodeVulnerability reads one vulnerability strictly (see Strict).
func DecodeVulnerability(r io.Reader) (*Vulnerability, error) { return Decoder{}.Vulnerability(r) }

// Incident reads one incident.
func (d Decoder) Incident(r io.Reader) (*Incident, error) {
	inc := new(Incident)
	if err := d.decode(r, KindIncident, &incidentDoc{incidentWire: (*incidentWire)(inc)}, &inc.Extra, inc.enumErrors); err != nil {
		return nil, err
	}
	return inc, nil
}

// Event reads one event.
func (d Decoder) Event(r io.Reader) (*Event, error) {
	ev := new(Event)
	if err := d.decode(r, KindEvent, &eventDoc{eventWire: (*eventWire)(ev)}, &ev.Extra, ev.enumErrors); err != nil {
		return nil, err
	}
	return ev, nil
}

// Vulnerability reads one vulnerability.
func (d Decoder) Vulnerability(r io.Reader) (*Vulnerability, error) {
	vu := new(Vulnerability)
	if err := d.decode(r, KindVulnerability, &vulnerabilityDoc{vulnerabilityWire: (*vulnerabilityWire)(vu)}, &vu.Extra, vu.enumErrors); err != nil {
		return nil, err
	}
	return vu, nil
}

// The wire types have the records' fields without their JSON methods, so
// the codec can hand them to encoding/json without recursion.
type (
	incidentWire      Incident
	eventWire         Event
	vulnerabilityWire Vulnerability
)

// The document types put schema_version beside the record's fields, first
// when encoding, and the shape check knows it as a field.
type (
	incidentDoc struct {
		SchemaVersion json.RawMessage `json:"schema_version"`
		*incidentWire
	}
	eventDoc struct {
		SchemaVersion json.RawMessage `json:"schema_version"`
		*eventWire
	}
	vulnerabilityDoc struct {
		SchemaVersion json.RawMessage `json:"schema_version"`
		*vulnerabilityWire
	}
)

// schemaVersionJSON is SchemaVersion as a JSON number.
var schemaVersionJSON = json.RawMessage(strconv.Itoa(SchemaVersion))

func (d Decoder) decode(r io.Reader, kind Kind, into any, extra *map[string]json.RawMessage, enumErrors func() []*FieldError) error {
	limit := d.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	limit = min(limit, math.MaxInt64-1) // limit+1 must not overflow
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return fmt.Errorf("incident: reading %s: %w", kind, err)
	}
	if int64(len(data)) > limit {
		return fmt.Errorf("%w: %s document exceeds %d bytes", ErrTooLarge, kind, limit)
	}
	return decodeBytes(data, kind, d.Mode, into, extra, enumErrors, upgraders)
}

// upgrader rewrites a document of one schema version into the next. They
// work on the raw top-level object so old field names can be renamed and
// old shapes reshaped before the typed decode.
type upgrader func(doc map[string]json.RawMessage) error

// upgraders[v] upgrades version v to v+1. Version 1 is the first published
// schema, so the chain is empty; when version 2 appears, upgraders[1] goes
// here together with testdata/golden/incident-v1.json, which must keep
// decoding.
var upgraders = map[int]upgrader{}

func decodeBytes(data []byte, kind Kind, mode Mode, into any, extra *map[string]json.RawMessage,
	enumErrors func() []*FieldError, ups map[int]upgrader) error {
	version, err := sniffVersion(data)
	if err != nil {
		return err
	}
	if version < 1 || version > SchemaVersion {
		return fmt.Errorf("%w: %s schema_version %d (this code reads 1 to %d)", ErrUnsupportedVersion, kind, version, SchemaVersion)
	}
	if version < SchemaVersion {
		if data, err = upgrade(data, kind, version, ups); err != nil {
			return err
		}
	}
	switch mode {
	case Strict:
		if err := checkShape(data, shapeFor(kind)); err != nil {
			return err
		}
		if err := json.Unmarshal(data, into); err != nil {
			return syntaxError(kind, err)
		}
		if fes := enumErrors(); len(fes) > 0 {
			return &ValidationError{Kind: kind, Fields: fes}
		}
	case Stored:
		if !isObject(data) {
			return fmt.Errorf("%w: %s: a record is a JSON object", ErrSyntax, kind)
		}
		if err := json.Unmarshal(data, into); err != nil {
			return syntaxError(kind, err)
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(data, &doc); err != nil {
			return syntaxError(kind, err)
		}
		known := knownFields(kind)
		for k, v := range doc {
			if isKnown(known, k) {
				continue
			}
			if *extra == nil {
				*extra = make(map[string]json.RawMessage)
			}
			(*extra)[k] = v
		}
	default:
		return fmt.Errorf("%w: decoder mode %d", ErrInvalid, mode)
	}
	return nil
}

// isKnown reports whether encoding/json decoded key into a field: it
// matches names case-insensitively (with Unicode folding), so "Title" is
// the title, not an unknown field to keep beside it.
func isKnown(known map[string]*shape, key string) bool {
	if _, ok := known[key]; ok {
		return true
	}
	for name := range known {
		if strings.EqualFold(name, key) {
			return true
		}
	}
	return false
}

// isObject reports whether the first non-space byte opens an object.
func isObject(data []byte) bool {
	d := bytes.TrimLeft(data, " \t\r\n")
	return len(d) > 0 && d[0] == '{'
}

// sniffVersion finds schema_version cheaply where the SDK writes it (the
// first member, with or without indentation) and falls back to a full
// parse otherwise.
func sniffVersion(data []byte) (int, error) {
	d := skipSpace(data)
	if len(d) > 0 && d[0] == '{' {
		d = skipSpace(d[1:])
		if rest, ok := bytes.CutPrefix(d, []byte(`"schema_version"`)); ok {
			rest = skipSpace(rest)
			if len(rest) > 0 && rest[0] == ':' {
				rest = skipSpace(rest[1:])
				n := 0
				for n < len(rest) && n < 9 && rest[n] >= '0' && rest[n] <= '9' {
					n++
				}
				after := skipSpace(rest[n:])
				if n > 0 && len(after) > 0 && (after[0] == ',' || after[0] == '}') && (n == 1 || rest[0] != '0') {
					v, _ := strconv.Atoi(string(rest[:n]))
					return v, nil
				}
			}
		}
	}
	return peekVersion(data)
}

func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}

func syntaxError(kind Kind, err error) error {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) && ute.Field != "" {
		return &FieldError{Path: jsonPath(ute.Field), Value: ute.Value, Reason: "want JSON " + ute.Type.String(), Err: ErrSyntax}
	}
	return fmt.Errorf("%w: %s: %w", ErrSyntax, kind, err)
}

// jsonPath drops the Go names encoding/json puts in a type error's field
// path (the wire type and the embedded Header and Handling).
func jsonPath(field string) string {
	parts := strings.Split(field, ".")
	out := parts[:0]
	for _, p := range parts {
		if strings.HasSuffix(p, "Wire") || strings.HasSuffix(p, "Doc") || p == "Header" || p == "Handling" {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, ".")
}

func peekVersion(data []byte) (int, error) {
	var head struct {
		SchemaVersion json.RawMessage `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	if head.SchemaVersion == nil {
		return SchemaVersion, nil
	}
	v, err := strconv.Atoi(string(head.SchemaVersion))
	if err != nil {
		return 0, fmt.Errorf("%w: schema_version %s is not an integer", ErrUnsupportedVersion, head.SchemaVersion)
	}
	return v, nil
}

func upgrade(data []byte, kind Kind, from int, ups map[int]upgrader) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	for v := from; v < SchemaVersion; v++ {
		up, ok := ups[v]
		if !ok {
			return nil, fmt.Errorf("%w: no upgrade from %s schema_version %d", ErrUnsupportedVersion, kind, v)
		}
		if err := up(doc); err != nil {
			return nil, fmt.Errorf("incident: upgrading %s from schema_version %d: %w", kind, v, err)
		}
	}
	doc["schema_version"] = json.RawMessage(strconv.Itoa(SchemaVersion))
	return json.Marshal(doc)
}

// knownFields returns the top-level JSON names of a record kind (with
// schema_version): the fields of its shape, computed once from the tags.
func knownFields(kind Kind) map[string]*shape { return shapeFor(kind).fields }

// encode writes {"schema_version":N, <fields>, <extra>}: extras are kept
// in key order after the known fields, and an extra that collides with a
// known field is dropped (the known field wins).
func encode(kind Kind, wire any, extra map[string]json.RawMessage) ([]byte, error) {
	body, err := json.Marshal(wire)
	if err != nil {
		return nil, err
	}
	if len(extra) == 0 {
		return body, nil
	}
	var b bytes.Buffer
	b.Grow(len(body) + 64*len(extra))
	b.Write(body[:len(body)-1])
	known := knownFields(kind)
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if _, ok := known[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := extra[k]
		if !json.Valid(v) {
			return nil, fmt.Errorf("%w: extra field %q is not valid JSON", ErrSyntax, k)
		}
		kb, _ := json.Marshal(k)
		b.WriteByte(',')
		b.Write(kb)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// MarshalJSON writes the incident in the documented schema, with
// schema_version and any kept unknown fields. It has a value receiver so
// that an Incident held by value (in a map, in a struct) encodes the same.
func (inc Incident) MarshalJSON() ([]byte, error) {
	return encode(KindIncident, &incidentDoc{schemaVersionJSON, (*incidentWire)(&inc)}, inc.Extra)
}

// UnmarshalJSON reads an incident as a stored record (see Stored): it is
// what stores get from json.Unmarshal. Use DecodeIncident for input.
func (inc *Incident) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil // encoding/json convention: null leaves the value as it is
	}
	*inc = Incident{}
	return decodeBytes(data, KindIncident, Stored, &incidentDoc{incidentWire: (*incidentWire)(inc)}, &inc.Extra, inc.enumErrors, upgraders)
}

// MarshalJSON writes the event in the documented schema.
func (ev Event) MarshalJSON() ([]byte, error) {
	return encode(KindEvent, &eventDoc{schemaVersionJSON, (*eventWire)(&ev)}, ev.Extra)
}

// UnmarshalJSON reads an event as a stored record (see Stored).
func (ev *Event) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil // encoding/json convention: null leaves the value as it is
	}
	*ev = Event{}
	return decodeBytes(data, KindEvent, Stored, &eventDoc{eventWire: (*eventWire)(ev)}, &ev.Extra, ev.enumErrors, upgraders)
}

// MarshalJSON writes the vulnerability in the documented schema.
func (vu Vulnerability) MarshalJSON() ([]byte, error) {
	return encode(KindVulnerability, &vulnerabilityDoc{schemaVersionJSON, (*vulnerabilityWire)(&vu)}, vu.Extra)
}

// UnmarshalJSON reads a vulnerability as a stored record (see Stored).
func (vu *Vulnerability) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil // encoding/json convention: null leaves the value as it is
	}
	*vu = Vulnerability{}
	return decodeBytes(data, KindVulnerability, Stored, &vulnerabilityDoc{vulnerabilityWire: (*vulnerabilityWire)(vu)}, &vu.Extra, vu.enumErrors, upgraders)
}

func isNull(data []byte) bool {
	return string(bytes.TrimSpace(data)) == "null"
}

// enumErrors are the unknown enum values alone, for the strict decoder:
// a validator that keeps only RuleEnum problems, so no other problem can
// crowd one out under the cap.
func enumErrors(kind Kind, check func(*validator) error) []*FieldError {
	v := newValidator(nil, kind)
	v.only = RuleEnum
	_ = check(v)
	return v.errs
}

func (inc *Incident) enumErrors() []*FieldError { return enumErrors(KindIncident, inc.check) }

func (ev *Event) enumErrors() []*FieldError { return enumErrors(KindEvent, ev.check) }

func (vu *Vulnerability) enumErrors() []*FieldError { return enumErrors(KindVulnerability, vu.check) }
