package incident

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The JSON Schema files in schema/ are generated from the Go types by the
// generator in this file, never edited by hand:
//
//	go test ./incident/ -run '^TestJSONSchema' -update
//
// Without -update, TestJSONSchemaUpToDate fails when a file differs from
// what the generator produces now, so the schemas cannot go stale: a new
// field, a changed tag, a new enum value or an edited doc comment (which
// becomes the property's description) shows up as a failing test until the
// files are regenerated and the diff reviewed.

var update = flag.Bool("update", false, "regenerate the JSON Schema files in schema/ from the Go types")

// schemaEnums maps every enumerated string type of the records to its list
// of values. A named string type the generator meets that is neither here
// nor in schemaFreeStrings is an error, so a new enum type cannot slip into
// the schema as a plain string.
var schemaEnums = map[reflect.Type][]string{
	reflect.TypeFor[Phase]():             enumStrings(Phases()),
	reflect.TypeFor[State]():             enumStrings(States()),
	reflect.TypeFor[Outcome]():           enumStrings(Outcomes()),
	reflect.TypeFor[ResolutionKind]():    enumStrings(ResolutionKinds()),
	reflect.TypeFor[Priority]():          enumStrings(Priorities()),
	reflect.TypeFor[TLP]():               enumStrings(TLPs()),
	reflect.TypeFor[Role]():              enumStrings(Roles()),
	reflect.TypeFor[Precision]():         enumStrings(Precisions()),
	reflect.TypeFor[TaskStatus]():        enumStrings(TaskStatuses()),
	reflect.TypeFor[ImpactLevel]():       enumStrings(ImpactLevels()),
	reflect.TypeFor[InformationImpact](): enumStrings(InformationImpacts()),
	reflect.TypeFor[Recoverability]():    enumStrings(Recoverabilities()),
	reflect.TypeFor[Criticality]():       enumStrings(Criticalities()),
	// ActorKind and AssessmentStep have no list function;
	// TestJSONSchemaEnumsMatchConstants keeps these literals in step with
	// the constants.
	reflect.TypeFor[ActorKind]():      {string(ActorPerson), string(ActorTool)},
	reflect.TypeFor[AssessmentStep](): {string(AssessmentFirst), string(AssessmentConfirmation)},
}

// schemaFreeStrings are named string types whose values are not a fixed
// set: identifiers, and severities (their scale is the host's).
var schemaFreeStrings = map[reflect.Type]bool{
	reflect.TypeFor[ActorID]():  true,
	reflect.TypeFor[Ref]():      true,
	reflect.TypeFor[Severity](): true,
}

func enumStrings[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// enumValues is the schema's enum for t: its list, preceded by "" when the
// type's Valid accepts the empty string (the JSON form of "unset", which
// the strict decoder accepts).
func enumValues(t reflect.Type) []string {
	list := schemaEnums[t]
	var out []string
	if validEnum(t, "") {
		out = append(out, "")
	}
	for _, v := range list {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// validEnum calls the type's Valid method on v.
func validEnum(t reflect.Type, v string) bool {
	m := reflect.ValueOf(v).Convert(t).MethodByName("Valid")
	return m.Call(nil)[0].Bool()
}

var schemaRoots = map[Kind]reflect.Type{
	KindEvent:         reflect.TypeFor[Event](),
	KindIncident:      reflect.TypeFor[Incident](),
	KindVulnerability: reflect.TypeFor[Vulnerability](),
}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

const schemaDraft = "https://json-schema.org/draft/2020-12/schema"

func schemaFile(kind Kind) string {
	return fmt.Sprintf("%s.v%d.schema.json", kind, SchemaVersion)
}

func schemaID(kind Kind) string { return "https://iso27035.github.io/schema/" + schemaFile(kind) }

// jsonSchema is the subset of JSON Schema 2020-12 the generator writes, in
// the order it writes the keywords.
type jsonSchema struct {
	Schema               string      `json:"$schema,omitempty"`
	ID                   string      `json:"$id,omitempty"`
	Comment              string      `json:"$comment,omitempty"`
	Ref                  string      `json:"$ref,omitempty"`
	Title                string      `json:"title,omitempty"`
	Description          string      `json:"description,omitempty"`
	Type                 any         `json:"type,omitempty"` // string or []string
	Format               string      `json:"format,omitempty"`
	Const                any         `json:"const,omitempty"`
	Enum                 []string    `json:"enum,omitempty"`
	Items                *jsonSchema `json:"items,omitempty"`
	Properties           schemaProps `json:"properties,omitempty"`
	Required             []string    `json:"required,omitempty"`
	AdditionalProperties any         `json:"additionalProperties,omitempty"` // false or *jsonSchema
	Defs                 schemaProps `json:"$defs,omitempty"`
}

// schemaProps is an object whose members keep their order: properties in
// field order, $defs sorted by name.
type schemaProps []schemaProp

type schemaProp struct {
	name   string
	schema *jsonSchema
}

func (ps schemaProps) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshalNoEscape(p.name)
		if err != nil {
			return nil, err
		}
		v, err := marshalNoEscape(p.schema)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshalNoEscape is json.Marshal without HTML escaping, so descriptions
// keep "<" and "&" readable.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// pkgSource is what the generator reads from the package's Go files: doc
// comments ("Type" and "Type.Field") and string constants by type name.
type pkgSource struct {
	docs   map[string]string
	consts map[string][]string
}

func readPkgSource() (*pkgSource, error) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		return nil, err
	}
	src := &pkgSource{docs: map[string]string{}, consts: map[string][]string{}}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			switch gd.Tok {
			case token.TYPE:
				for _, spec := range gd.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok {
						continue
					}
					doc := ts.Doc
					if doc == nil && len(gd.Specs) == 1 {
						doc = gd.Doc
					}
					src.docs[ts.Name.Name] = docText(doc)
					st, ok := ts.Type.(*ast.StructType)
					if !ok {
						continue
					}
					for _, fld := range st.Fields.List {
						text := joinDoc(docText(fld.Doc), docText(fld.Comment))
						for _, n := range fld.Names {
							src.docs[ts.Name.Name+"."+n.Name] = text
						}
					}
				}
			case token.CONST:
				for _, spec := range gd.Specs {
					vs, ok := spec.(*ast.ValueSpec)
					if !ok {
						continue
					}
					typ, ok := vs.Type.(*ast.Ident)
					if !ok {
						continue
					}
					for _, v := range vs.Values {
						lit, ok := v.(*ast.BasicLit)
						if !ok || lit.Kind != token.STRING {
							continue
						}
						s, err := strconv.Unquote(lit.Value)
						if err != nil {
							return nil, err
						}
						src.consts[typ.Name] = append(src.consts[typ.Name], s)
					}
				}
			}
		}
	}
	return src, nil
}

// docText turns a comment into description text: paragraphs kept, lines
// within a paragraph joined.
func docText(cg *ast.CommentGroup) string {
	if cg == nil {
		return ""
	}
	var paras []string
	for _, p := range strings.Split(strings.TrimSpace(cg.Text()), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			paras = append(paras, p)
		}
	}
	return strings.Join(paras, "\n\n")
}

func joinDoc(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// schemaGen turns Go types into schemas, collecting named types as $defs.
type schemaGen struct {
	src  *pkgSource
	defs map[string]*jsonSchema
	errs []error
}

// defName names a type's $defs entry. Generic instances are named after
// their value type: Fact[[]string] is Fact_string_list.
func defName(t reflect.Type) string {
	name := t.Name()
	base, _, generic := strings.Cut(name, "[")
	if !generic {
		return name
	}
	f, ok := t.FieldByName("Value")
	if !ok {
		return base
	}
	return base + "_" + typeWord(f.Type)
}

func typeWord(t reflect.Type) string {
	switch {
	case t.Kind() == reflect.Slice:
		return typeWord(t.Elem()) + "_list"
	case t.Kind() == reflect.Map:
		return typeWord(t.Elem()) + "_map"
	case t.Name() != "":
		return t.Name()
	}
	return t.Kind().String()
}

// docName is the type's name in the source (Fact for Fact[bool]).
func docName(t reflect.Type) string {
	base, _, _ := strings.Cut(t.Name(), "[")
	return base
}

func (g *schemaGen) fail(format string, args ...any) *jsonSchema {
	g.errs = append(g.errs, fmt.Errorf(format, args...))
	return &jsonSchema{}
}

func (g *schemaGen) ref(name string) *jsonSchema { return &jsonSchema{Ref: "#/$defs/" + name} }

// schemaFor returns a fresh schema for a value of type t.
func (g *schemaGen) schemaFor(t reflect.Type) *jsonSchema {
	switch {
	case t == timeType:
		return &jsonSchema{Type: "string", Format: "date-time"}
	case t == uuidType:
		return &jsonSchema{Type: "string", Format: "uuid"}
	case t.Kind() == reflect.Pointer:
		return g.schemaFor(t.Elem())
	}
	if _, ok := schemaEnums[t]; ok {
		name := defName(t)
		if _, done := g.defs[name]; !done {
			g.defs[name] = &jsonSchema{Description: g.src.docs[docName(t)], Type: "string", Enum: enumValues(t)}
		}
		return g.ref(name)
	}
	switch t.Kind() {
	case reflect.String:
		if t.Name() != "string" && !schemaFreeStrings[t] {
			return g.fail("named string type %s is neither in schemaEnums nor in schemaFreeStrings", t)
		}
		return &jsonSchema{Type: "string"}
	case reflect.Bool:
		return &jsonSchema{Type: "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &jsonSchema{Type: "integer"}
	case reflect.Float32, reflect.Float64:
		return &jsonSchema{Type: "number"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return g.fail("byte slice %s has no schema mapping", t)
		}
		return &jsonSchema{Type: "array", Items: g.schemaFor(t.Elem())}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return g.fail("map %s: keys must be strings", t)
		}
		return &jsonSchema{Type: "object", AdditionalProperties: g.schemaFor(t.Elem())}
	case reflect.Struct:
		name := defName(t)
		if _, done := g.defs[name]; !done {
			g.defs[name] = nil // reserve against recursion
			obj := g.object(t)
			obj.Description = g.src.docs[docName(t)]
			g.defs[name] = obj
		}
		return g.ref(name)
	}
	return g.fail("type %s has no schema mapping", t)
}

// object is the strict object schema of a struct: every JSON field a
// property, with the field's doc comment as its description; the fields
// the encoder always writes (no omitempty or omitzero) required; no other
// properties allowed.
func (g *schemaGen) object(t reflect.Type) *jsonSchema {
	obj := &jsonSchema{Type: "object", AdditionalProperties: false}
	for _, f := range jsonFields(t) {
		if !snakeCase.MatchString(f.name) {
			g.fail("%s.%s: JSON name %q is not snake_case", t, f.goName, f.name)
		}
		ps := g.schemaFor(f.typ)
		if ps.Ref != "" {
			ps = &jsonSchema{Ref: ps.Ref}
		}
		ps.Description = g.src.docs[docName(f.owner)+"."+f.goName]
		if !f.optional {
			obj.Required = append(obj.Required, f.name)
			// encoding/json writes a nil slice or map as null.
			if k := f.typ.Kind(); k == reflect.Slice || k == reflect.Map {
				if typ, ok := ps.Type.(string); ok {
					ps.Type = []string{typ, "null"}
				}
			}
		}
		obj.Properties = append(obj.Properties, schemaProp{f.name, ps})
	}
	return obj
}

// generateSchema returns the schema file of kind, indented with two spaces
// and ending in a newline.
func generateSchema(kind Kind, src *pkgSource) ([]byte, error) {
	rt, ok := schemaRoots[kind]
	if !ok {
		return nil, fmt.Errorf("no schema root for kind %q", kind)
	}
	g := &schemaGen{src: src, defs: map[string]*jsonSchema{}}
	obj := g.object(rt)
	if len(g.errs) > 0 {
		return nil, errors.Join(g.errs...)
	}
	version := &jsonSchema{
		Description: "The schema version of the document. Readers use it to upgrade documents written under " +
			"an older version; this schema describes version " + strconv.Itoa(SchemaVersion) + ".",
		Type:  "integer",
		Const: SchemaVersion,
	}
	root := &jsonSchema{
		Schema:  schemaDraft,
		ID:      schemaID(kind),
		Comment: "Generated from the Go types of package github.com/iso27035/iso27035/incident by TestJSONSchemaUpToDate (go test ./incident/ -run '^TestJSONSchema' -update). Do not edit.",
		Title:   fmt.Sprintf("ISO/IEC 27035 %s record, schema version %d", kind, SchemaVersion),
		Description: src.docs[rt.Name()] + "\n\n" +
			"This is the strict form of the JSON the SDK (github.com/iso27035/iso27035, package incident) reads and " +
			"writes: unknown properties are rejected at every level, as its strict decoder does. Required properties " +
			"are those the SDK always writes. Times are RFC 3339, in UTC. Rules across fields (timeline order, " +
			"custody chain, phase and state) are checked by the SDK's Validate, not by this schema.\n\n" +
			"The $id is an identifier, not a fetchable URL: nothing is published at that address.",
		Type:                 "object",
		Properties:           append(schemaProps{{"schema_version", version}}, obj.Properties...),
		Required:             append([]string{"schema_version"}, obj.Required...),
		AdditionalProperties: false,
	}
	names := make([]string, 0, len(g.defs))
	for name := range g.defs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		root.Defs = append(root.Defs, schemaProp{name, g.defs[name]})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func TestJSONSchemaUpToDate(t *testing.T) {
	src, err := readPkgSource()
	require.NoError(t, err)
	for _, kind := range []Kind{KindEvent, KindIncident, KindVulnerability} {
		want, err := generateSchema(kind, src)
		require.NoError(t, err, kind)
		path := filepath.Join("schema", schemaFile(kind))
		if *update {
			require.NoError(t, os.MkdirAll("schema", 0o755))
			require.NoError(t, os.WriteFile(path, want, 0o644))
			t.Logf("wrote %s", path)
			continue
		}
		got, err := JSONSchema(kind)
		require.NoError(t, err)
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale; regenerate with go test ./incident/ -run '^TestJSONSchema' -update and review the diff:\n%s",
				path, firstDiff(got, want))
		}
	}
}

func TestJSONSchema(t *testing.T) {
	for _, kind := range []Kind{KindEvent, KindIncident, KindVulnerability} {
		t.Run(string(kind), func(t *testing.T) {
			data, err := JSONSchema(kind)
			require.NoError(t, err)
			var s map[string]any
			require.NoError(t, json.Unmarshal(data, &s))
			assert.Equal(t, schemaDraft, s["$schema"])
			assert.Equal(t, "https://iso27035.github.io/schema/"+string(kind)+".v1.schema.json", s["$id"])
			assert.Contains(t, s["description"], "not a fetchable URL")
			props, ok := s["properties"].(map[string]any)
			require.True(t, ok, "no properties")
			assert.Equal(t, map[string]any{
				"description": object(t, props["schema_version"])["description"],
				"type":        "integer",
				"const":       float64(SchemaVersion),
			}, props["schema_version"])
			assert.Contains(t, s["required"], "schema_version")
			assert.NotContains(t, props, "Extra")
			assert.NotContains(t, props, "extra")

			// Every object is closed and every property name snake_case.
			var walk func(path string, v any)
			walk = func(path string, v any) {
				switch x := v.(type) {
				case map[string]any:
					if p, ok := x["properties"].(map[string]any); ok {
						assert.Equal(t, false, x["additionalProperties"], "%s is not closed", path)
						for name := range p {
							assert.Regexp(t, snakeCase, name, path)
						}
					}
					if x["format"] == "date-time" {
						assert.Equal(t, "string", x["type"], path)
					}
					for k, c := range x {
						walk(path+"/"+k, c)
					}
				case []any:
					for i, c := range x {
						walk(path+"/"+strconv.Itoa(i), c)
					}
				}
			}
			walk("#", s)

			// The returned bytes are the caller's own.
			data[0] = 'X'
			again, err := JSONSchema(kind)
			require.NoError(t, err)
			assert.Equal(t, byte('{'), again[0])
		})
	}
}

func TestJSONSchemaUnknownKind(t *testing.T) {
	for _, k := range []Kind{"", "Incident", "case"} {
		_, err := JSONSchema(k)
		require.ErrorIs(t, err, ErrUnknownValue, "%q", k)
		var fe *FieldError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "kind", fe.Path)
	}
}

// TestJSONSchemaMappings spot-checks the type mappings in the generated
// incident schema.
func TestJSONSchemaMappings(t *testing.T) {
	data, err := JSONSchema(KindIncident)
	require.NoError(t, err)
	var s struct {
		Properties map[string]map[string]any `json:"properties"`
		Defs       map[string]map[string]any `json:"$defs"`
	}
	require.NoError(t, json.Unmarshal(data, &s))
	p := s.Properties
	assert.Equal(t, "uuid", p["id"]["format"])
	assert.Equal(t, "date-time", p["created_at"]["format"])
	assert.Equal(t, "string", p["severity"]["type"], "severities depend on the host's scale")
	assert.Equal(t, "#/$defs/Category", p["category"]["$ref"])
	assert.Equal(t, []any{"array", "null"}, p["event_ids"]["type"])
	assert.Equal(t, "#/$defs/Phase", p["phase"]["$ref"])
	assert.Equal(t, []any{"plan_prepare", "detect_report", "assess_decide", "respond", "learn_lessons"}, s.Defs["Phase"]["enum"])
	assert.Equal(t, []any{"", "P1", "P2", "P3", "P4", "P5"}, s.Defs["Priority"]["enum"])
	assert.Equal(t, []any{"", "instant", "day", "month", "year"}, s.Defs["Precision"]["enum"])

	fact := s.Defs["Fact_int64_map"]
	require.NotNil(t, fact, "Fact[map[string]int64]")
	fp := object(t, fact["properties"])
	assert.ElementsMatch(t, []string{"value", "known_at", "source", "history"}, keys(fp))
	assert.Equal(t, map[string]any{"type": "integer"}, object(t, fp["value"])["additionalProperties"])
	assert.Equal(t, "#/$defs/FactRevision_int64_map", object(t, object(t, fp["history"])["items"])["$ref"])
	assert.Equal(t, []any{"value", "known_at"}, fact["required"])
	assert.Contains(t, s.Defs, "Fact_bool")
	assert.Contains(t, s.Defs, "Fact_string_list")
	assert.Contains(t, s.Defs, "Fact_Money")

	ts := object(t, s.Defs["Timestamp"]["properties"])
	assert.Equal(t, "date-time", object(t, ts["at"])["format"])
	assert.Equal(t, []any{"at"}, s.Defs["Timestamp"]["required"])
}

// object asserts v is a JSON object.
func object(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	require.True(t, ok, "want a JSON object, got %T", v)
	return m
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestJSONSchemaEnumsMatchConstants: each enum's values are exactly the
// constants of its type declared in the package (the empty "unset" value
// aside), so a constant added without updating its list function, or
// ActorKind's literal above, fails here. Every value is Valid.
func TestJSONSchemaEnumsMatchConstants(t *testing.T) {
	src, err := readPkgSource()
	require.NoError(t, err)
	for typ, list := range schemaEnums {
		consts := slices.DeleteFunc(slices.Clone(src.consts[typ.Name()]), func(s string) bool { return s == "" })
		values := slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == "" })
		assert.ElementsMatch(t, consts, values, "%s: constants vs list", typ)
		for _, v := range enumValues(typ) {
			assert.True(t, validEnum(typ, v), "%s(%q).Valid()", typ, v)
		}
		assert.False(t, validEnum(typ, "bogus"), "%s(bogus).Valid()", typ)
	}
}
