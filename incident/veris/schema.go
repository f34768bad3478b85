package veris

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// schemaJSON is verisc-merged.json of vz-risk/veris at commit 45d9d7ac
// (VERIS 1.4.1, CC BY-SA 4.0; see schema/README.md): the JSON Schema
// (draft-04) with its enumerations merged in.
//
//go:embed schema/verisc-merged.json
var schemaJSON []byte

// node is one compiled schema node: the draft-04 keywords the VERIS schema
// uses, nothing more (type, properties, additionalProperties: false,
// required, enum, items, minItems, uniqueItems, minLength, maxLength,
// pattern, minimum, maximum, minProperties).
type node struct {
	typ       string
	props     map[string]*node
	required  []string
	closed    bool // additionalProperties: false
	enum      []string
	items     *node
	minItems  int
	unique    bool
	minLen    int
	maxLen    int // -1: none
	pattern   *regexp.Regexp
	min, max  *float64
	minProps  int
	patternSr string
}

// rawNode is the JSON form of a schema node.
type rawNode struct {
	Type                 string              `json:"type"`
	Properties           map[string]*rawNode `json:"properties"`
	Required             []string            `json:"required"`
	AdditionalProperties *bool               `json:"additionalProperties"`
	Enum                 []any               `json:"enum"`
	Items                *rawNode            `json:"items"`
	MinItems             int                 `json:"minItems"`
	UniqueItems          bool                `json:"uniqueItems"`
	MinLength            int                 `json:"minLength"`
	MaxLength            *int                `json:"maxLength"`
	Pattern              string              `json:"pattern"`
	Minimum              *float64            `json:"minimum"`
	Maximum              *float64            `json:"maximum"`
	MinProperties        int                 `json:"minProperties"`
}

func compile(r *rawNode) (*node, error) {
	n := &node{typ: r.Type, required: r.Required, items: nil, minItems: r.MinItems, unique: r.UniqueItems,
		minLen: r.MinLength, maxLen: -1, min: r.Minimum, max: r.Maximum, minProps: r.MinProperties}
	if r.AdditionalProperties != nil && !*r.AdditionalProperties {
		n.closed = true
	}
	if r.MaxLength != nil {
		n.maxLen = *r.MaxLength
	}
	for _, e := range r.Enum {
		n.enum = append(n.enum, fmt.Sprint(e))
	}
	if r.Pattern != "" {
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", r.Pattern, err)
		}
		n.pattern, n.patternSr = re, r.Pattern
	}
	if r.Items != nil {
		it, err := compile(r.Items)
		if err != nil {
			return nil, err
		}
		n.items = it
	}
	if len(r.Properties) > 0 {
		n.props = make(map[string]*node, len(r.Properties))
		for k, v := range r.Properties {
			c, err := compile(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			n.props[k] = c
		}
	}
	return n, nil
}

// clone deep-copies n so that the legacy schema can be adjusted.
func (n *node) clone() *node {
	if n == nil {
		return nil
	}
	c := *n
	c.required = slices.Clone(n.required)
	c.enum = slices.Clone(n.enum)
	c.items = n.items.clone()
	if n.props != nil {
		c.props = make(map[string]*node, len(n.props))
		for k, v := range n.props {
			c.props[k] = v.clone()
		}
	}
	return &c
}

// at walks properties (an "[]" segment steps into items).
func (n *node) at(path ...string) *node {
	for _, p := range path {
		if n == nil {
			return nil
		}
		if p == "[]" {
			n = n.items
		} else {
			n = n.props[p]
		}
	}
	return n
}

func (n *node) drop(field string) {
	n.required = slices.DeleteFunc(n.required, func(s string) bool { return s == field })
}

type schemas struct {
	current *node // VERIS 1.4.x
	legacy  *node // VERIS 1.3.x, see legacy.go
	early   *node // VERIS 1.3.0 to 1.3.4
}

var loadSchemas = sync.OnceValues(func() (*schemas, error) {
	var r rawNode
	if err := json.Unmarshal(schemaJSON, &r); err != nil {
		return nil, fmt.Errorf("veris: embedded schema: %w", err)
	}
	cur, err := compile(&r)
	if err != nil {
		return nil, fmt.Errorf("veris: embedded schema: %w", err)
	}
	// The published pattern for timeline.incident.time lacks a group
	// ("^0[1-9]|1[0-2]:...$" is "^0[1-9]" OR "1[0-2]:...$"); the intent,
	// stated in its description, is "05:45:00 PM".
	if t := cur.at("timeline", "incident", "time"); t != nil {
		t.pattern = regexp.MustCompile(`^(0[1-9]|1[0-2]):[0-5][0-9]:[0-5][0-9] [AP]M$`)
		t.patternSr = t.pattern.String()
	}
	leg := legacySchema(cur.clone())
	early := leg.clone()
	earlySchema(early)
	return &schemas{current: cur, legacy: leg, early: early}, nil
})

// checker walks a decoded document against a schema node.
type checker struct {
	probs []*FieldError
}

func (c *checker) add(path string, p Problem, v any, reason string) {
	if len(c.probs) < MaxProblems {
		c.probs = append(c.probs, &FieldError{Field: path, Problem: p, Value: v, Reason: reason})
	}
}

func join(path, seg string) string {
	if path == "" {
		return seg
	}
	return path + "." + seg
}

func describe(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return fmt.Sprintf("object with %d fields", len(v))
	case []any:
		return fmt.Sprintf("array of %d", len(v))
	case json.Number:
		return string(v)
	}
	return v
}

func (c *checker) check(path string, n *node, v any) {
	if !c.typeOK(path, n, v) {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		c.object(path, n, v)
	case []any:
		c.array(path, n, v)
	case string:
		c.str(path, n, v)
	case json.Number:
		c.number(path, n, v)
	}
}

func (c *checker) typeOK(path string, n *node, v any) bool {
	ok := true
	switch n.typ {
	case "object":
		_, ok = v.(map[string]any)
	case "array":
		_, ok = v.([]any)
	case "string":
		_, ok = v.(string)
	case "boolean":
		_, ok = v.(bool)
	case "number":
		_, ok = v.(json.Number)
	case "integer":
		num, isNum := v.(json.Number)
		ok = isNum && isInteger(num)
	}
	if !ok {
		c.add(path, ProblemInvalid, describe(v), "want JSON type "+n.typ)
	}
	return ok
}

func isInteger(n json.Number) bool {
	if _, err := n.Int64(); err == nil {
		return true
	}
	f, err := n.Float64()
	return err == nil && f == math.Trunc(f) && !math.IsInf(f, 0)
}

func (c *checker) object(path string, n *node, v map[string]any) {
	if len(v) == 0 && n.minProps > 0 {
		c.add(path, ProblemEmpty, "{}", "want at least one field")
		return
	}
	for _, r := range n.required {
		if _, ok := v[r]; !ok {
			c.add(join(path, r), ProblemMissing, nil, "required")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(v)) {
		sub, ok := n.props[k]
		if !ok {
			if n.closed {
				c.add(join(path, k), ProblemUnrecognized, describe(v[k]), "not a field of "+orDoc(path))
			}
			continue
		}
		c.check(join(path, k), sub, v[k])
	}
}

func orDoc(path string) string {
	if path == "" {
		return "the incident"
	}
	return path
}

func (c *checker) array(path string, n *node, v []any) {
	if len(v) == 0 && n.minItems > 0 {
		c.add(path, ProblemEmpty, "[]", "want at least "+strconv.Itoa(n.minItems)+" item(s)")
		return
	}
	if len(v) < n.minItems {
		c.add(path, ProblemRange, len(v), "want at least "+strconv.Itoa(n.minItems)+" items")
	}
	if n.unique {
		seen := make(map[string]bool, len(v))
		for _, x := range v {
			b, err := json.Marshal(x)
			if err != nil {
				continue
			}
			if seen[string(b)] {
				c.add(path, ProblemDuplicate, describe(x), "values must be unique")
				break
			}
			seen[string(b)] = true
		}
	}
	if n.items == nil {
		return
	}
	for i, x := range v {
		c.check(join(path, strconv.Itoa(i)), n.items, x)
	}
}

func (c *checker) str(path string, n *node, s string) {
	l := utf8.RuneCountInString(s)
	switch {
	case l == 0 && n.minLen > 0:
		c.add(path, ProblemEmpty, s, "want a non-empty string")
		return
	case l < n.minLen:
		c.add(path, ProblemRange, s, "shorter than "+strconv.Itoa(n.minLen)+" characters")
	case n.maxLen >= 0 && l > n.maxLen:
		c.add(path, ProblemRange, s, "longer than "+strconv.Itoa(n.maxLen)+" characters")
	}
	if len(n.enum) > 0 && !slices.Contains(n.enum, s) {
		c.add(path, ProblemInvalid, s, "not a value of the enumeration")
	}
	if n.pattern != nil && !n.pattern.MatchString(s) {
		c.add(path, ProblemInvalid, s, "does not match "+n.patternSr)
	}
}

func (c *checker) number(path string, n *node, num json.Number) {
	f, err := num.Float64()
	if err != nil {
		c.add(path, ProblemInvalid, string(num), "not a finite number")
		return
	}
	if n.min != nil && f < *n.min {
		c.add(path, ProblemRange, string(num), "below the minimum "+strconv.FormatFloat(*n.min, 'g', -1, 64))
	}
	if n.max != nil && f > *n.max {
		c.add(path, ProblemRange, string(num), "above the maximum "+strconv.FormatFloat(*n.max, 'g', -1, 64))
	}
	if len(n.enum) > 0 && !slices.Contains(n.enum, string(num)) {
		c.add(path, ProblemInvalid, string(num), "not a value of the enumeration")
	}
}
