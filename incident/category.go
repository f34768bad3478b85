package incident

import (
	"fmt"
	"slices"
	"strings"
)

// RSITTaxonomyName is the name of the default taxonomy, the ENISA/TF-CSIRT
// Reference Security Incident Taxonomy. It is also the MISP machine-tag
// namespace of RSIT ("rsit:intrusions=...").
const RSITTaxonomyName = "rsit"

// Category is one classification: a class and optionally a type of a
// taxonomy. Empty Taxonomy means "rsit".
//
// A class-only category (Type empty) is valid: RSIT makes the first column
// (class) mandatory and the second (type) "optional but desired"
// (RSIT working_copy/humanv1.md).
type Category struct {
	// Taxonomy names the taxonomy; "" means RSIT and is the canonical
	// spelling of it, keeping stored records compact.
	Taxonomy string `json:"taxonomy,omitempty"`
	// Class is the machine name of the class (RSIT: first column).
	Class string `json:"class"`
	// Type is the machine name of the type within the class (RSIT: second
	// column), or "" for a class-only classification.
	Type string `json:"type,omitempty"`
}

// IsZero reports whether c is the zero Category (no classification).
func (c Category) IsZero() bool {
	return c == Category{}
}

// taxonomyName returns c's taxonomy, resolving "" to "rsit".
func (c Category) taxonomyName() string {
	if c.Taxonomy == "" {
		return RSITTaxonomyName
	}
	return c.Taxonomy
}

// String returns the MISP machine-tag form of c, the form RSIT itself is
// published in (https://github.com/MISP/misp-taxonomies, namespace "rsit"):
// rsit:intrusions="system-compromise", or rsit:intrusions for a class-only
// category. The zero Category gives "". ParseCategory is the inverse.
func (c Category) String() string {
	if c.IsZero() {
		return ""
	}
	if c.Type == "" {
		return c.taxonomyName() + ":" + c.Class
	}
	return c.taxonomyName() + ":" + c.Class + `="` + c.Type + `"`
}

// ParseCategory parses a category written in any of these forms:
//
//	rsit:intrusions="system-compromise"   MISP machine tag (the String form)
//	rsit:intrusions                       machine tag, class only
//	intrusions/system-compromise          class/type, taxonomy rsit
//	intrusions                            class only, taxonomy rsit
//
// Surrounding white space is ignored. Every name must be a machine name
// (lower-case letters and digits in hyphen-separated words, see
// IsMachineName). The result is canonical: the taxonomy "rsit" is returned as
// "", so ParseCategory(c.String()) == c for every canonical c. ParseCategory
// checks only the syntax; use Taxonomy.Check or Taxonomies.Check to check the
// names exist. Errors wrap ErrFormat and ErrInvalid and quote the input.
func ParseCategory(s string) (Category, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return Category{}, invalidAs(ErrFormat, "empty category")
	}
	var c Category
	if tax, rest, ok := strings.Cut(in, ":"); ok {
		if !IsMachineName(tax) {
			return Category{}, invalidAs(ErrFormat, "category %q: taxonomy %q is not a machine name", s, tax)
		}
		c.Taxonomy = tax
		if class, val, hasVal := strings.Cut(rest, "="); hasVal {
			if len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' {
				return Category{}, invalidAs(ErrFormat, "category %q: machine-tag value must be double-quoted", s)
			}
			c.Class, c.Type = class, val[1:len(val)-1]
			if c.Type == "" {
				return Category{}, invalidAs(ErrFormat, "category %q: empty type", s)
			}
		} else {
			c.Class = rest
		}
	} else if class, typ, hasType := strings.Cut(in, "/"); hasType {
		c.Class, c.Type = class, typ
		if c.Type == "" {
			return Category{}, invalidAs(ErrFormat, "category %q: empty type", s)
		}
	} else {
		c.Class = in
	}
	if !IsMachineName(c.Class) {
		return Category{}, invalidAs(ErrFormat, "category %q: class %q is not a machine name", s, c.Class)
	}
	if c.Type != "" && !IsMachineName(c.Type) {
		return Category{}, invalidAs(ErrFormat, "category %q: type %q is not a machine name", s, c.Type)
	}
	if c.Taxonomy == RSITTaxonomyName {
		c.Taxonomy = ""
	}
	return c, nil
}

// IsMachineName reports whether s has the shape of an RSIT machine name:
// one or more words of lower-case ASCII letters and digits joined by single
// hyphens ([a-z0-9]+(-[a-z0-9]+)*). Every RSIT class and type name has this
// shape, and it needs no quoting in a MISP machine tag.
func IsMachineName(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b >= 'a' && b <= 'z', b >= '0' && b <= '9':
		case b == '-':
			if s[i-1] == '-' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// Taxonomy is a two-level classification scheme: classes, each with types.
// RSIT returns the default; hosts may Extend it or build their own.
type Taxonomy struct {
	// Name is the taxonomy's machine name, also its machine-tag namespace ("rsit").
	Name string `json:"name"`
	// Version is the taxonomy's integer version (RSIT 1.3 is 1003).
	Version int `json:"version"`
	// Source cites where the taxonomy comes from.
	Source string `json:"source,omitempty"`
	// Classes are the taxonomy's classes in their published order.
	Classes []CategoryClass `json:"classes"`
}

// CategoryClass is one class of a taxonomy (RSIT: first column) with its types.
type CategoryClass struct {
	// Name is the machine name ("intrusions").
	Name string `json:"name"`
	// Label is the human-readable name ("Intrusions").
	Label string `json:"label"`
	// Description explains the class.
	Description string `json:"description,omitempty"`
	// Types are the class's types in their published order.
	Types []CategoryType `json:"types,omitempty"`
}

// CategoryType is one type within a class (RSIT: second column).
type CategoryType struct {
	// Name is the machine name ("system-compromise").
	Name string `json:"name"`
	// Label is the human-readable name ("System Compromise").
	Label string `json:"label"`
	// Description explains the type, with examples.
	Description string `json:"description,omitempty"`
}

// RSIT returns the ENISA/TF-CSIRT Reference Security Incident Taxonomy,
// release 1.3, machine version 1003: 11 classes and 39 types. It is built
// anew on each call, so callers may Extend their copy freely.
//
// Source: https://github.com/enisaeu/Reference-Security-Incident-Taxonomy-Task-Force,
// working_copy/machinev1 at commit b9ad1f84 (CC0 1.0). The test checks this
// table against the copy in testdata/rsit/machinev1.json.
func RSIT() *Taxonomy {
	return &Taxonomy{
		Name:    RSITTaxonomyName,
		Version: rsitVersion,
		Source:  rsitSource,
		Classes: rsitClasses(),
	}
}

// Check returns nil if c names a class, and a type of that class if Type is
// set, of t. Otherwise it returns an error wrapping ErrUnknownCategory that
// names what is unknown: the taxonomy (c.Taxonomy must be t.Name, with ""
// meaning "rsit"), the class, or the type. It does not allocate on success.
func (t *Taxonomy) Check(c Category) error {
	if t == nil {
		return fmt.Errorf("%w: taxonomy %q: nil taxonomy", ErrUnknownCategory, c.taxonomyName())
	}
	if c.taxonomyName() != t.Name {
		return fmt.Errorf("%w: taxonomy %q (checking against %q)", ErrUnknownCategory, c.taxonomyName(), t.Name)
	}
	if c.Class == "" {
		return fmt.Errorf("%w: empty class in taxonomy %q", ErrUnknownCategory, t.Name)
	}
	i := t.classIndex(c.Class)
	if i < 0 {
		return fmt.Errorf("%w: class %q in taxonomy %q", ErrUnknownCategory, c.Class, t.Name)
	}
	if c.Type == "" {
		return nil
	}
	for j := range t.Classes[i].Types {
		if t.Classes[i].Types[j].Name == c.Type {
			return nil
		}
	}
	return fmt.Errorf("%w: type %q in class %q of taxonomy %q", ErrUnknownCategory, c.Type, c.Class, t.Name)
}

// classIndex returns the index of the class named name, or -1. A linear scan
// (RSIT has 11 classes): it needs no index that could go stale when a host
// edits Classes or decodes JSON into a Taxonomy, and it does not allocate.
func (t *Taxonomy) classIndex(name string) int {
	for i := range t.Classes {
		if t.Classes[i].Name == name {
			return i
		}
	}
	return -1
}

// Class returns a copy of the class named name and whether it exists. The
// copy's Types slice is its own, so changing it does not change t.
func (t *Taxonomy) Class(name string) (CategoryClass, bool) {
	if t == nil {
		return CategoryClass{}, false
	}
	i := t.classIndex(name)
	if i < 0 {
		return CategoryClass{}, false
	}
	c := t.Classes[i]
	c.Types = slices.Clone(c.Types)
	return c, true
}

// Len returns the number of classes and the total number of types.
func (t *Taxonomy) Len() (classes, types int) {
	if t == nil {
		return 0, 0
	}
	for _, c := range t.Classes {
		types += len(c.Types)
	}
	return len(t.Classes), types
}

// Validate reports whether t is well formed: a machine name, a version not
// below 0, at least one class, and for every class and type a machine name,
// a non-empty label, and a name unique among its siblings. A type may share
// its name with a type of another class (as machine tags are namespaced by
// class); RSIT's other/other and test/test show a type may share its class's
// name. Errors wrap ErrInvalid, and also ErrFormat for a malformed name,
// ErrRequired for a missing label or ErrDuplicate for a repeated name.
func (t *Taxonomy) Validate() error {
	if t == nil {
		return fmt.Errorf("%w: taxonomy is nil", ErrInvalid)
	}
	if !IsMachineName(t.Name) {
		return invalidAs(ErrFormat, "taxonomy name %q is not a machine name", t.Name)
	}
	if t.Version < 0 {
		return fmt.Errorf("%w: taxonomy %q: negative version %d", ErrInvalid, t.Name, t.Version)
	}
	if len(t.Classes) == 0 {
		return fmt.Errorf("%w: taxonomy %q has no classes", ErrInvalid, t.Name)
	}
	for i, c := range t.Classes {
		if err := validateClass(t.Name, c); err != nil {
			return err
		}
		for _, prev := range t.Classes[:i] {
			if prev.Name == c.Name {
				return invalidAs(ErrDuplicate, "taxonomy %q: duplicate class %q", t.Name, c.Name)
			}
		}
	}
	return nil
}

// validateClass checks one class and its types; see Taxonomy.Validate.
func validateClass(tax string, c CategoryClass) error {
	if !IsMachineName(c.Name) {
		return invalidAs(ErrFormat, "taxonomy %q: class name %q is not a machine name", tax, c.Name)
	}
	if c.Label == "" {
		return invalidAs(ErrRequired, "taxonomy %q: class %q has no label", tax, c.Name)
	}
	for j, ty := range c.Types {
		if !IsMachineName(ty.Name) {
			return invalidAs(ErrFormat, "taxonomy %q: class %q: type name %q is not a machine name", tax, c.Name, ty.Name)
		}
		if ty.Label == "" {
			return invalidAs(ErrRequired, "taxonomy %q: type %q/%q has no label", tax, c.Name, ty.Name)
		}
		for _, prev := range c.Types[:j] {
			if prev.Name == ty.Name {
				return invalidAs(ErrDuplicate, "taxonomy %q: duplicate type %q in class %q", tax, ty.Name, c.Name)
			}
		}
	}
	return nil
}

// Extend adds classes to t, or adds types to classes t already has, so hosts
// can classify what RSIT does not cover (e.g. class "insider", type
// "hr-case"). For an existing class only the given Types are used; its Label
// and Description stay as they are. A type name the class already has gives
// an error wrapping ErrDuplicate; a new class or type that would not pass
// Validate (bad name, no label) gives its error. All wrap ErrInvalid. Extend is
// all or nothing: on error t is unchanged. The given slices are copied, not
// kept.
func (t *Taxonomy) Extend(classes ...CategoryClass) error {
	if t == nil {
		return fmt.Errorf("%w: cannot extend a nil taxonomy", ErrInvalid)
	}
	next := make([]CategoryClass, len(t.Classes), len(t.Classes)+len(classes))
	for i, c := range t.Classes {
		c.Types = slices.Clone(c.Types)
		next[i] = c
	}
	for _, add := range classes {
		i := -1
		for j := range next {
			if next[j].Name == add.Name {
				i = j
				break
			}
		}
		if i < 0 {
			c := add
			c.Types = slices.Clone(add.Types)
			if err := validateClass(t.Name, c); err != nil {
				return fmt.Errorf("extend: %w", err)
			}
			next = append(next, c)
			continue
		}
		for _, ty := range add.Types {
			for _, have := range next[i].Types {
				if have.Name == ty.Name {
					return invalidAs(ErrDuplicate, "extend taxonomy %q: class %q already has type %q", t.Name, add.Name, ty.Name)
				}
			}
			next[i].Types = append(next[i].Types, ty)
		}
		if err := validateClass(t.Name, next[i]); err != nil {
			return fmt.Errorf("extend: %w", err)
		}
	}
	t.Classes = next
	return nil
}

// Taxonomies is a set of taxonomies by name, used to validate categories that
// name their taxonomy. The key must equal the taxonomy's Name.
type Taxonomies map[string]*Taxonomy

// DefaultTaxonomies returns a new set holding only RSIT, under "rsit".
func DefaultTaxonomies() Taxonomies {
	return Taxonomies{RSITTaxonomyName: RSIT()}
}

// Check checks c against the taxonomy it names, resolving an empty Taxonomy
// to "rsit". A taxonomy not in the set, like an unknown class or type, gives
// an error wrapping ErrUnknownCategory that names it. It does not allocate on
// success.
func (ts Taxonomies) Check(c Category) error {
	name := c.taxonomyName()
	t, ok := ts[name]
	if !ok || t == nil {
		return fmt.Errorf("%w: taxonomy %q is not known", ErrUnknownCategory, name)
	}
	return t.Check(c)
}

// Add puts t into the set under its name after validating it, replacing any
// taxonomy of the same name. Errors wrap ErrInvalid.
func (ts Taxonomies) Add(t *Taxonomy) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if ts == nil {
		return fmt.Errorf("%w: cannot add taxonomy %q to a nil set", ErrInvalid, t.Name)
	}
	ts[t.Name] = t
	return nil
}
