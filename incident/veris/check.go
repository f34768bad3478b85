package veris

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// Note is one remark of an import report: a field and what happened to it.
type Note struct {
	// Field is the VERIS path ("victim.employee_count", "actor.external").
	Field string `json:"field"`
	// Reason says why it was not mapped, or how it was read.
	Reason string `json:"reason"`
}

// DefaultMaxBytes is the largest input Import reads (4 MiB; the largest
// VCDB record is far smaller).
const DefaultMaxBytes = 4 << 20

func reject(field string, p Problem, v any, reason string) error {
	return &Error{Problems: []*FieldError{{Field: field, Problem: p, Value: v, Reason: reason}}}
}

// decodeDoc reads one JSON object, numbers kept as json.Number.
func decodeDoc(r io.Reader, limit int64) (map[string]any, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, reject("", ProblemSyntax, len(data), "input longer than the limit")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, reject("", ProblemSyntax, nil, "not JSON: "+err.Error())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, reject("", ProblemSyntax, nil, "data after the JSON object")
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, reject("", ProblemSyntax, describe(v), "want a JSON object")
	}
	return doc, nil
}

// validate checks doc against the schema of its schema_version, upgrading
// 1.3 shapes first. It returns the version and the upgrade notes.
func validate(doc map[string]any) (Version, []Note, error) {
	sc, err := loadSchemas()
	if err != nil {
		return Version{}, nil, err
	}
	raw, ok := doc["schema_version"]
	if !ok {
		return Version{}, nil, reject("schema_version", ProblemMissing, nil, "required; it selects the schema")
	}
	s, ok := raw.(string)
	if !ok {
		return Version{}, nil, reject("schema_version", ProblemInvalid, describe(raw), "want a string such as \"1.4.0\"")
	}
	ver, ok := ParseVersion(s)
	if !ok {
		return Version{}, nil, reject("schema_version", ProblemInvalid, s, "want major.minor[.patch]")
	}
	if ver.less(firstSupported) || !ver.less(firstAfter) {
		return ver, nil, reject("schema_version", ProblemUnsupported, s, "this importer reads VERIS 1.3.0 to 1.4.x")
	}
	schema := sc.current
	var notes []Note
	if ver.less(firstCurrent) {
		notes = upgrade(doc)
		schema = sc.legacy
		if ver.less(summaryRequired) {
			schema = sc.early
		}
	}
	var c checker
	c.check("", schema, doc)
	if len(c.probs) > 0 {
		return ver, notes, &Error{Problems: c.probs}
	}
	return ver, notes, nil
}
