package incident

import (
	"embed"
	"fmt"
	"strconv"
)

// schemaFiles holds the JSON Schemas of the record kinds, generated from
// the Go types (see schema_test.go; regenerate with
// go test ./incident/ -run '^TestJSONSchema' -update).
//
//go:embed schema/*.json
var schemaFiles embed.FS

// JSONSchema returns the JSON Schema (draft 2020-12) of a record kind at
// the current SchemaVersion, for hosts that validate documents with other
// tools or publish the format. It describes the strict form: unknown
// properties are rejected at every level, enumerations list their values,
// times are RFC 3339 date-times and identifiers UUIDs. Rules across fields
// (timeline order, custody chain, …) are Validate's, not the schema's.
//
// Its $id, such as https://iso27035.github.io/schema/incident.v1.schema.json,
// is an identifier, not a URL the schema can be fetched from. The returned
// slice is the caller's own. An unknown kind is a *FieldError wrapping
// ErrUnknownValue.
func JSONSchema(kind Kind) ([]byte, error) {
	if !kind.Valid() {
		return nil, &FieldError{Path: "kind", Value: string(kind), Rule: RuleEnum, Reason: "unknown record kind", Err: ErrUnknownValue}
	}
	data, err := schemaFiles.ReadFile("schema/" + string(kind) + ".v" + strconv.Itoa(SchemaVersion) + ".schema.json")
	if err != nil {
		return nil, fmt.Errorf("incident: JSON Schema of %s: %w", kind, err)
	}
	return data, nil
}
