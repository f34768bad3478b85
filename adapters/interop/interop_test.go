package interop

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

var kinds = []incident.Kind{incident.KindEvent, incident.KindIncident, incident.KindVulnerability}

// goldenDir holds the golden documents of package incident, one per kind
// and schema version.
var goldenDir = filepath.Join("..", "..", "incident", "testdata", "golden")

// compile compiles the SDK's JSON Schema of kind with format assertions
// on, so date-time and uuid are checked, not only annotated.
func compile(t *testing.T, kind incident.Kind) *jsonschema.Schema {
	t.Helper()
	data, err := incident.JSONSchema(kind)
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	id, ok := object(t, doc)["$id"].(string)
	require.True(t, ok, "the %s schema has no $id", kind)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource(id, doc))
	sch, err := c.Compile(id)
	require.NoError(t, err, "the %s schema must be a valid draft 2020-12 schema", kind)
	return sch
}

func instance(t *testing.T, data []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	return v
}

func golden(t *testing.T, kind incident.Kind) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(goldenDir, string(kind)+"-v1.json"))
	require.NoError(t, err)
	return data
}

// TestGoldenFilesValidate: every golden document validates against the
// schema of its kind and version.
func TestGoldenFilesValidate(t *testing.T) {
	for _, kind := range kinds {
		t.Run(string(kind), func(t *testing.T) {
			sch := compile(t, kind)
			err := sch.Validate(instance(t, golden(t, kind)))
			assert.NoError(t, err)
		})
	}
}

// TestEncodedRecordsValidate: what the SDK writes validates too, including
// a stored record's extra fields being rejected by the strict schema.
func TestEncodedRecordsValidate(t *testing.T) {
	for _, kind := range kinds {
		t.Run(string(kind), func(t *testing.T) {
			rec := incident.NewRecord(kind)
			require.NoError(t, json.Unmarshal(golden(t, kind), rec))
			out, err := json.Marshal(rec)
			require.NoError(t, err)
			sch := compile(t, kind)
			assert.NoError(t, sch.Validate(instance(t, out)))
		})
	}
}

// TestOtherKindsDoNotValidate: a document of one kind is not valid under
// another kind's schema.
func TestOtherKindsDoNotValidate(t *testing.T) {
	for _, schemaKind := range kinds {
		sch := compile(t, schemaKind)
		for _, docKind := range kinds {
			if docKind == schemaKind {
				continue
			}
			assert.Error(t, sch.Validate(instance(t, golden(t, docKind))), "%s document under the %s schema", docKind, schemaKind)
		}
	}
}

// object and array assert the type of a value of generic JSON.
func object(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	require.True(t, ok, "want a JSON object, got %T", v)
	return m
}

func array(t *testing.T, v any) []any {
	t.Helper()
	a, ok := v.([]any)
	require.True(t, ok, "want a JSON array, got %T", v)
	return a
}

// mutate applies change to a golden document decoded as generic JSON.
func mutate(t *testing.T, kind incident.Kind, change func(doc map[string]any)) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(golden(t, kind)))
	dec.UseNumber()
	var doc map[string]any
	require.NoError(t, dec.Decode(&doc))
	change(doc)
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	return out
}

func TestInvalidDocumentsFail(t *testing.T) {
	obj := func(v any) map[string]any { return object(t, v) }
	arr := func(v any) []any { return array(t, v) }
	cases := []struct {
		name    string
		kind    incident.Kind
		change  func(doc map[string]any)
		keyword string // the JSON Schema keyword that must fail
	}{
		{"unknown phase", incident.KindIncident, func(d map[string]any) { d["phase"] = "bogus" }, "enum"},
		{"unknown tlp", incident.KindEvent, func(d map[string]any) { d["tlp"] = "TLP:AMBER" }, "enum"},
		{"unknown task status", incident.KindIncident, func(d map[string]any) {
			obj(arr(d["tasks"])[0])["status"] = "blocked"
		}, "enum"},
		{"unknown precision", incident.KindIncident, func(d map[string]any) {
			obj(obj(d["timeline"])["occurred"])["precision"] = "week"
		}, "enum"},
		{"unknown criticality", incident.KindVulnerability, func(d map[string]any) {
			obj(arr(d["assets"])[0])["criticality"] = "extreme"
		}, "enum"},
		{"unknown assessment step", incident.KindIncident, func(d map[string]any) {
			obj(arr(d["assessments"])[1])["step"] = "second"
		}, "enum"},
		{"unknown assessment outcome", incident.KindEvent, func(d map[string]any) {
			obj(arr(d["assessments"])[0])["outcome"] = "maybe"
		}, "enum"},
		{"missing assessment step", incident.KindIncident, func(d map[string]any) {
			delete(obj(arr(d["assessments"])[0]), "step")
		}, "required"},
		{"missing assessment by", incident.KindVulnerability, func(d map[string]any) {
			delete(obj(arr(d["assessments"])[0]), "by")
		}, "required"},
		{"assessment time without zone", incident.KindIncident, func(d map[string]any) {
			obj(arr(d["assessments"])[0])["at"] = "2026-02-03T07:38:30"
		}, "format"},
		{"unknown assessment property", incident.KindIncident, func(d map[string]any) {
			obj(arr(d["assessments"])[0])["confidence"] = "high"
		}, "additionalProperties"},
		{"approved_by not a string", incident.KindIncident, func(d map[string]any) {
			obj(d["resolution"])["approved_by"] = 1012
		}, "type"},
		{"missing title", incident.KindIncident, func(d map[string]any) { delete(d, "title") }, "required"},
		{"missing id", incident.KindEvent, func(d map[string]any) { delete(d, "id") }, "required"},
		{"missing schema_version", incident.KindVulnerability, func(d map[string]any) { delete(d, "schema_version") }, "required"},
		{"missing evidence location", incident.KindIncident, func(d map[string]any) {
			delete(obj(arr(d["evidence"])[0]), "location")
		}, "required"},
		{"unknown top-level property", incident.KindIncident, func(d map[string]any) { d["x_host_field"] = 1 }, "additionalProperties"},
		{"unknown nested property", incident.KindIncident, func(d map[string]any) {
			obj(obj(d["timeline"])["detected"])["confidence"] = "high"
		}, "additionalProperties"},
		{"case variant of a property", incident.KindEvent, func(d map[string]any) { d["Title"] = d["title"] }, "additionalProperties"},
		{"schema_version 2", incident.KindIncident, func(d map[string]any) { d["schema_version"] = 2 }, "const"},
		{"schema_version as string", incident.KindIncident, func(d map[string]any) { d["schema_version"] = "1" }, "type"},
		{"time without zone", incident.KindIncident, func(d map[string]any) { d["created_at"] = "2026-02-03T07:40:21" }, "format"},
		{"malformed uuid", incident.KindEvent, func(d map[string]any) { d["incident_id"] = "019c2271" }, "format"},
		{"wrong type", incident.KindIncident, func(d map[string]any) { d["version"] = "31" }, "type"},
		{"null document", incident.KindIncident, nil, "type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte("null")
			if tc.change != nil {
				data = mutate(t, tc.kind, tc.change)
			}
			err := compile(t, tc.kind).Validate(instance(t, data))
			require.Error(t, err)
			var ve *jsonschema.ValidationError
			require.True(t, errors.As(err, &ve), "%T", err)
			assert.Contains(t, failedKeywords(ve), tc.keyword, "%v", err)
		})
	}
}

// failedKeywords lists the keywords of the innermost validation errors
// ("enum", "required", "additionalProperties", …).
func failedKeywords(ve *jsonschema.ValidationError) []string {
	if len(ve.Causes) == 0 {
		if ve.ErrorKind == nil {
			return nil
		}
		p := ve.ErrorKind.KeywordPath()
		if len(p) == 0 {
			return nil
		}
		return []string{p[len(p)-1]}
	}
	var out []string
	for _, c := range ve.Causes {
		out = append(out, failedKeywords(c)...)
	}
	return out
}

// TestSchemaAgreesWithStrictDecoder: documents the schema rejects for an
// unknown enum value or property are rejected by the SDK's strict decoder
// too, and the golden documents it accepts are accepted by both.
func TestSchemaAgreesWithStrictDecoder(t *testing.T) {
	sch := compile(t, incident.KindIncident)
	docs := map[string][]byte{
		"golden":        golden(t, incident.KindIncident),
		"unknown enum":  mutate(t, incident.KindIncident, func(d map[string]any) { d["state"] = "paused" }),
		"unknown field": mutate(t, incident.KindIncident, func(d map[string]any) { d["x_new"] = true }),
		"nested field":  mutate(t, incident.KindIncident, func(d map[string]any) { object(t, d["impact"])["x"] = 1 }),
		"unknown assessment step": mutate(t, incident.KindIncident, func(d map[string]any) {
			object(t, array(t, d["assessments"])[0])["step"] = "second"
		}),
		"unknown assessment role": mutate(t, incident.KindIncident, func(d map[string]any) {
			object(t, array(t, d["assessments"])[1])["role"] = "ciso"
		}),
		"assessment field": mutate(t, incident.KindIncident, func(d map[string]any) {
			object(t, array(t, d["assessments"])[0])["x"] = 1
		}),
		"assessment key case": mutate(t, incident.KindIncident, func(d map[string]any) {
			a := object(t, array(t, d["assessments"])[0])
			a["Step"] = a["step"]
			delete(a, "step")
		}),
		"approved_by case": mutate(t, incident.KindIncident, func(d map[string]any) {
			r := object(t, d["resolution"])
			r["Approved_By"] = r["approved_by"]
			delete(r, "approved_by")
		}),
	}
	for name, data := range docs {
		schemaErr := sch.Validate(instance(t, data))
		_, decodeErr := incident.DecodeIncident(bytes.NewReader(data))
		assert.Equal(t, schemaErr == nil, decodeErr == nil, "%s: schema %v, strict decoder %v", name, schemaErr, decodeErr)
		assert.Equal(t, name == "golden", schemaErr == nil, "%s: only the golden document is valid: %v", name, schemaErr)
	}
}
