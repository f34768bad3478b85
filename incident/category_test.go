package incident_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

// rsitMachineTag is the shape of RSIT working_copy/machinev1, a MISP
// taxonomy machine-tag file.
type rsitMachineTag struct {
	Namespace   string `json:"namespace"`
	Description string `json:"description"`
	Version     int    `json:"version"`
	Predicates  []struct {
		Value       string `json:"value"`
		Expanded    string `json:"expanded"`
		Description string `json:"description"`
	} `json:"predicates"`
	Values []struct {
		Predicate string `json:"predicate"`
		Entry     []struct {
			Value       string `json:"value"`
			Expanded    string `json:"expanded"`
			Description string `json:"description"`
		} `json:"entry"`
	} `json:"values"`
}

// loadRSITMachineTag reads the pinned upstream copy and converts it to a
// Taxonomy, independently of rsit_data.go.
func loadRSITMachineTag(t *testing.T) *incident.Taxonomy {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "rsit", "machinev1.json"))
	require.NoError(t, err)
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields() // a new upstream field must be looked at, not ignored
	var mt rsitMachineTag
	require.NoError(t, dec.Decode(&mt))

	entries := map[string]int{}
	for i, v := range mt.Values {
		_, dup := entries[v.Predicate]
		require.False(t, dup, "predicate %q listed twice in values", v.Predicate)
		entries[v.Predicate] = i
	}
	tax := &incident.Taxonomy{Name: mt.Namespace, Version: mt.Version}
	for _, p := range mt.Predicates {
		c := incident.CategoryClass{Name: p.Value, Label: p.Expanded, Description: p.Description}
		i, ok := entries[p.Value]
		require.True(t, ok, "predicate %q has no values", p.Value)
		for _, e := range mt.Values[i].Entry {
			c.Types = append(c.Types, incident.CategoryType{Name: e.Value, Label: e.Expanded, Description: e.Description})
		}
		delete(entries, p.Value)
		tax.Classes = append(tax.Classes, c)
	}
	require.Empty(t, entries, "values for predicates that are not declared")
	return tax
}

func TestRSITMatchesMachineTag(t *testing.T) {
	want := loadRSITMachineTag(t)
	got := incident.RSIT()
	assert.Equal(t, want.Name, got.Name)
	assert.Equal(t, want.Version, got.Version)
	require.Len(t, got.Classes, len(want.Classes))
	for i := range want.Classes {
		w, g := want.Classes[i], got.Classes[i]
		t.Run(w.Name, func(t *testing.T) {
			assert.Equal(t, w.Name, g.Name)
			assert.Equal(t, w.Label, g.Label)
			assert.Equal(t, w.Description, g.Description)
			assert.Equal(t, w.Types, g.Types)
		})
	}
	// And as a whole, so nothing escapes the per-class comparison.
	got.Source = ""
	assert.Equal(t, want, got)
}

func TestRSITShape(t *testing.T) {
	r := incident.RSIT()
	require.NoError(t, r.Validate())
	assert.Equal(t, "rsit", r.Name)
	assert.Equal(t, 1003, r.Version)
	assert.Contains(t, r.Source, "b9ad1f84")
	classes, types := r.Len()
	assert.Equal(t, 11, classes)
	assert.Equal(t, 39, types)
	for _, c := range r.Classes {
		assert.NotEmpty(t, c.Description, "class %q", c.Name)
		assert.NotEmpty(t, c.Types, "class %q", c.Name)
		for _, ty := range c.Types {
			assert.NotEmpty(t, ty.Description, "type %q", ty.Name)
		}
	}
}

func TestRSITQuirks(t *testing.T) {
	r := incident.RSIT()
	label := func(class, typ string) string {
		c, ok := r.Class(class)
		require.True(t, ok, "class %q", class)
		for _, ty := range c.Types {
			if ty.Name == typ {
				return ty.Label
			}
		}
		t.Fatalf("no type %s/%s", class, typ)
		return ""
	}
	assert.Equal(t, "Scanning", label("information-gathering", "scanner"))
	assert.Equal(t, "Exploitation of Known Vulnerabilities", label("intrusion-attempts", "ids-alert"))
	assert.Equal(t, "Login Attempts", label("intrusion-attempts", "brute-force"))
	assert.Equal(t, "New Attack Signature", label("intrusion-attempts", "exploit"))
	assert.Equal(t, "Uncategorised", label("other", "other"))
	assert.Equal(t, "Leak of Confidential Information", label("information-content-security", "data-leak"))
	// humanv1.md says "Information disclosure"; machinev1 (followed here) capitalises.
	assert.Equal(t, "Information Disclosure", label("vulnerable", "information-disclosure"))
}

func TestRSITIsFresh(t *testing.T) {
	a := incident.RSIT()
	a.Classes[0].Types[0].Name = "changed"
	require.NoError(t, a.Extend(incident.CategoryClass{Name: "insider", Label: "Insider"}))
	b := incident.RSIT()
	assert.Equal(t, "spam", b.Classes[0].Types[0].Name)
	c, _ := b.Len()
	assert.Equal(t, 11, c)
}

// allRSITCategories lists every class-only and class/type category of RSIT,
// in canonical form (Taxonomy "").
func allRSITCategories() []incident.Category {
	var out []incident.Category
	for _, c := range incident.RSIT().Classes {
		out = append(out, incident.Category{Class: c.Name})
		for _, ty := range c.Types {
			out = append(out, incident.Category{Class: c.Name, Type: ty.Name})
		}
	}
	return out
}

func TestCategoryRoundTripAllRSIT(t *testing.T) {
	r := incident.RSIT()
	all := allRSITCategories()
	require.Len(t, all, 11+39)
	for _, c := range all {
		t.Run(c.String(), func(t *testing.T) {
			require.NoError(t, r.Check(c))
			got, err := incident.ParseCategory(c.String())
			require.NoError(t, err)
			assert.Equal(t, c, got)

			slash := c.Class
			if c.Type != "" {
				slash += "/" + c.Type
			}
			got, err = incident.ParseCategory(slash)
			require.NoError(t, err)
			assert.Equal(t, c, got)

			// The explicit taxonomy checks the same and parses to canonical form.
			explicit := c
			explicit.Taxonomy = "rsit"
			require.NoError(t, r.Check(explicit))
			assert.Equal(t, c.String(), explicit.String())
		})
	}
}

func TestCategoryString(t *testing.T) {
	tests := []struct {
		c    incident.Category
		want string
	}{
		{incident.Category{Class: "intrusions", Type: "system-compromise"}, `rsit:intrusions="system-compromise"`},
		{incident.Category{Taxonomy: "rsit", Class: "intrusions", Type: "system-compromise"}, `rsit:intrusions="system-compromise"`},
		{incident.Category{Class: "intrusions"}, `rsit:intrusions`},
		{incident.Category{Taxonomy: "acme", Class: "insider", Type: "hr-case"}, `acme:insider="hr-case"`},
		{incident.Category{}, ``},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.c.String())
		})
	}
}

func TestCategoryIsZero(t *testing.T) {
	assert.True(t, incident.Category{}.IsZero())
	assert.False(t, incident.Category{Class: "other"}.IsZero())
	assert.False(t, incident.Category{Taxonomy: "rsit"}.IsZero())
	assert.False(t, incident.Category{Type: "x"}.IsZero())
}

func TestCategoryJSON(t *testing.T) {
	b, err := json.Marshal(incident.Category{Class: "fraud", Type: "phishing"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"class":"fraud","type":"phishing"}`, string(b))
	b, err = json.Marshal(incident.Category{Taxonomy: "acme", Class: "insider"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"taxonomy":"acme","class":"insider"}`, string(b))
}

func TestParseCategory(t *testing.T) {
	tests := []struct {
		in   string
		want incident.Category
	}{
		{`rsit:intrusions="system-compromise"`, incident.Category{Class: "intrusions", Type: "system-compromise"}},
		{`rsit:intrusions`, incident.Category{Class: "intrusions"}},
		{`intrusions/system-compromise`, incident.Category{Class: "intrusions", Type: "system-compromise"}},
		{`intrusions`, incident.Category{Class: "intrusions"}},
		{`  fraud/phishing  `, incident.Category{Class: "fraud", Type: "phishing"}},
		{`acme:insider="hr-case"`, incident.Category{Taxonomy: "acme", Class: "insider", Type: "hr-case"}},
		{`acme:insider`, incident.Category{Taxonomy: "acme", Class: "insider"}},
		{`x2:a1-b2="c3"`, incident.Category{Taxonomy: "x2", Class: "a1-b2", Type: "c3"}},
		// Syntax only: unknown names parse; Check rejects them.
		{`no-such-class/no-such-type`, incident.Category{Class: "no-such-class", Type: "no-such-type"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := incident.ParseCategory(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseCategoryRejects(t *testing.T) {
	tests := []string{
		``,
		`   `,
		`:intrusions`,
		`rsit:`,
		`rsit:=""`,
		`rsit:intrusions=`,
		`rsit:intrusions=""`,
		`rsit:intrusions="`,
		`rsit:intrusions=system-compromise`,
		`rsit:intrusions="system-compromise`,
		`rsit:intrusions='system-compromise'`,
		`rsit:intrusions="a"b"`,
		`rsit:intrusions="system compromise"`,
		`rsit:intrusions/system-compromise`,
		`rsit:rsit:intrusions`,
		`RSIT:intrusions`,
		`Intrusions`,
		`intrusions/`,
		`/system-compromise`,
		`intrusions/system-compromise/extra`,
		`intrusions//x`,
		`-intrusions`,
		`intrusions-`,
		`intru--sions`,
		`intru_sions`,
		`intrusions system`,
		"intrusions\x00",
		"intrüsions",
		"rsit:intrusions=\"system-compromise\"\n\"x\"",
	}
	for _, in := range tests {
		t.Run(in, func(t *testing.T) {
			got, err := incident.ParseCategory(in)
			require.ErrorIs(t, err, incident.ErrInvalid)
			require.ErrorIs(t, err, incident.ErrFormat)
			assert.Equal(t, incident.Category{}, got)
			if strings.TrimSpace(in) != "" {
				assert.Contains(t, err.Error(), strings.TrimSpace(in)[:1], "message quotes the input")
			}
		})
	}
}

func TestIsMachineName(t *testing.T) {
	good := []string{"a", "rsit", "c2-server", "ids-alert", "a-b-c", "0", "x1-2y"}
	bad := []string{"", "-", "-a", "a-", "a--b", "A", "a_b", "a b", "a.b", "a/b", "a:b", `a"`, "é"}
	for _, s := range good {
		assert.True(t, incident.IsMachineName(s), s)
	}
	for _, s := range bad {
		assert.False(t, incident.IsMachineName(s), s)
	}
	for _, c := range incident.RSIT().Classes {
		assert.True(t, incident.IsMachineName(c.Name), c.Name)
		for _, ty := range c.Types {
			assert.True(t, incident.IsMachineName(ty.Name), ty.Name)
		}
	}
}

func TestTaxonomyCheck(t *testing.T) {
	r := incident.RSIT()
	tests := []struct {
		name    string
		c       incident.Category
		ok      bool
		mention string // the message must name what is unknown
	}{
		{"class and type", incident.Category{Class: "intrusions", Type: "system-compromise"}, true, ""},
		{"class only", incident.Category{Class: "intrusions"}, true, ""},
		{"explicit rsit", incident.Category{Taxonomy: "rsit", Class: "test", Type: "test"}, true, ""},
		{"scanner quirk", incident.Category{Class: "information-gathering", Type: "scanner"}, true, ""},
		{"unknown class", incident.Category{Class: "espionage"}, false, `"espionage"`},
		{"unknown type", incident.Category{Class: "intrusions", Type: "scanner"}, false, `"scanner"`},
		{"type of another class", incident.Category{Class: "fraud", Type: "spam"}, false, `"spam"`},
		{"unknown taxonomy", incident.Category{Taxonomy: "veris", Class: "intrusions"}, false, `"veris"`},
		{"label not name", incident.Category{Class: "Intrusions"}, false, `"Intrusions"`},
		{"zero", incident.Category{}, false, "empty class"},
		{"type without class", incident.Category{Type: "spam"}, false, "empty class"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := r.Check(tt.c)
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, incident.ErrUnknownCategory)
			assert.Contains(t, err.Error(), tt.mention)
		})
	}
	t.Run("nil taxonomy", func(t *testing.T) {
		var nilTax *incident.Taxonomy
		require.ErrorIs(t, nilTax.Check(incident.Category{Class: "intrusions"}), incident.ErrUnknownCategory)
	})
	t.Run("empty taxonomy name means rsit only", func(t *testing.T) {
		acme := &incident.Taxonomy{Name: "acme", Classes: []incident.CategoryClass{{Name: "intrusions", Label: "Intrusions"}}}
		require.ErrorIs(t, acme.Check(incident.Category{Class: "intrusions"}), incident.ErrUnknownCategory)
		require.NoError(t, acme.Check(incident.Category{Taxonomy: "acme", Class: "intrusions"}))
	})
}

func TestTaxonomiesCheck(t *testing.T) {
	ts := incident.DefaultTaxonomies()
	require.Len(t, ts, 1)
	acme := &incident.Taxonomy{Name: "acme", Version: 1, Classes: []incident.CategoryClass{
		{Name: "insider", Label: "Insider", Types: []incident.CategoryType{{Name: "hr-case", Label: "HR case"}}},
	}}
	require.NoError(t, ts.Add(acme))
	tests := []struct {
		name string
		c    incident.Category
		ok   bool
	}{
		{"default rsit", incident.Category{Class: "fraud", Type: "phishing"}, true},
		{"explicit rsit", incident.Category{Taxonomy: "rsit", Class: "fraud"}, true},
		{"host taxonomy", incident.Category{Taxonomy: "acme", Class: "insider", Type: "hr-case"}, true},
		{"host class in rsit", incident.Category{Class: "insider"}, false},
		{"rsit class in host", incident.Category{Taxonomy: "acme", Class: "fraud"}, false},
		{"unknown taxonomy", incident.Category{Taxonomy: "veris", Class: "fraud"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ts.Check(tt.c)
			if tt.ok {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, incident.ErrUnknownCategory)
			}
		})
	}
	t.Run("nil set and nil entry", func(t *testing.T) {
		var none incident.Taxonomies
		require.ErrorIs(t, none.Check(incident.Category{Class: "fraud"}), incident.ErrUnknownCategory)
		require.ErrorIs(t, incident.Taxonomies{"rsit": nil}.Check(incident.Category{Class: "fraud"}), incident.ErrUnknownCategory)
		require.ErrorIs(t, none.Add(incident.RSIT()), incident.ErrInvalid)
	})
	t.Run("add rejects invalid", func(t *testing.T) {
		require.ErrorIs(t, ts.Add(&incident.Taxonomy{Name: "Bad Name"}), incident.ErrInvalid)
		require.ErrorIs(t, ts.Add(nil), incident.ErrInvalid)
	})
}

func TestTaxonomyClass(t *testing.T) {
	r := incident.RSIT()
	c, ok := r.Class("intrusions")
	require.True(t, ok)
	assert.Equal(t, "Intrusions", c.Label)
	require.Len(t, c.Types, 5)
	c.Types[0].Name = "changed" // a copy
	again, _ := r.Class("intrusions")
	assert.Equal(t, "privileged-account-compromise", again.Types[0].Name)

	_, ok = r.Class("nope")
	assert.False(t, ok)
	var nilTax *incident.Taxonomy
	_, ok = nilTax.Class("intrusions")
	assert.False(t, ok)
	cl, ty := nilTax.Len()
	assert.Zero(t, cl+ty)
}

func TestTaxonomyExtend(t *testing.T) {
	t.Run("new class", func(t *testing.T) {
		r := incident.RSIT()
		types := []incident.CategoryType{{Name: "hr-case", Label: "HR case", Description: "Referred by HR."}}
		require.NoError(t, r.Extend(incident.CategoryClass{Name: "insider", Label: "Insider", Types: types}))
		types[0].Name = "mutated" // Extend copied the slice
		require.NoError(t, r.Check(incident.Category{Class: "insider", Type: "hr-case"}))
		require.NoError(t, r.Check(incident.Category{Class: "insider"}))
		c, n := r.Len()
		assert.Equal(t, 12, c)
		assert.Equal(t, 40, n)
		require.NoError(t, r.Validate())
		got, err := incident.ParseCategory(`rsit:insider="hr-case"`)
		require.NoError(t, err)
		require.NoError(t, r.Check(got))
	})
	t.Run("new type in existing class", func(t *testing.T) {
		r := incident.RSIT()
		require.NoError(t, r.Extend(incident.CategoryClass{Name: "fraud", Types: []incident.CategoryType{
			{Name: "invoice-fraud", Label: "Invoice Fraud"},
			{Name: "ceo-fraud", Label: "CEO Fraud"},
		}}))
		require.NoError(t, r.Check(incident.Category{Class: "fraud", Type: "invoice-fraud"}))
		require.NoError(t, r.Check(incident.Category{Class: "fraud", Type: "ceo-fraud"}))
		c, _ := r.Class("fraud")
		assert.Equal(t, "Fraud", c.Label, "existing label kept")
		assert.Len(t, c.Types, 6)
		assert.Equal(t, "invoice-fraud", c.Types[4].Name, "appended in order")
	})
	t.Run("several classes at once", func(t *testing.T) {
		r := incident.RSIT()
		require.NoError(t, r.Extend(
			incident.CategoryClass{Name: "insider", Label: "Insider"},
			incident.CategoryClass{Name: "insider", Types: []incident.CategoryType{{Name: "hr-case", Label: "HR case"}}},
		))
		require.NoError(t, r.Check(incident.Category{Class: "insider", Type: "hr-case"}))
	})
	t.Run("no arguments", func(t *testing.T) {
		r := incident.RSIT()
		require.NoError(t, r.Extend())
		assert.Equal(t, incident.RSIT(), r)
	})

	rejects := []struct {
		name    string
		classes []incident.CategoryClass
		also    error
	}{
		{"duplicate type", []incident.CategoryClass{{Name: "fraud", Types: []incident.CategoryType{{Name: "phishing", Label: "Phishing"}}}}, incident.ErrDuplicate},
		{"duplicate type within call", []incident.CategoryClass{{Name: "fraud", Types: []incident.CategoryType{
			{Name: "x", Label: "X"}, {Name: "x", Label: "X"},
		}}}, incident.ErrDuplicate},
		{"duplicate type in new class", []incident.CategoryClass{{Name: "insider", Label: "Insider", Types: []incident.CategoryType{
			{Name: "x", Label: "X"}, {Name: "x", Label: "X"},
		}}}, incident.ErrDuplicate},
		{"new class without label", []incident.CategoryClass{{Name: "insider"}}, incident.ErrRequired},
		{"new type without label", []incident.CategoryClass{{Name: "fraud", Types: []incident.CategoryType{{Name: "x"}}}}, incident.ErrRequired},
		{"bad class name", []incident.CategoryClass{{Name: "Insider", Label: "Insider"}}, incident.ErrFormat},
		{"empty class name", []incident.CategoryClass{{Label: "Insider"}}, incident.ErrFormat},
		{"bad type name", []incident.CategoryClass{{Name: "fraud", Types: []incident.CategoryType{{Name: "hr case", Label: "HR"}}}}, incident.ErrFormat},
		{"good then bad", []incident.CategoryClass{
			{Name: "insider", Label: "Insider"},
			{Name: "fraud", Types: []incident.CategoryType{{Name: "phishing", Label: "Phishing"}}},
		}, incident.ErrDuplicate},
	}
	for _, tt := range rejects {
		t.Run("rejects "+tt.name, func(t *testing.T) {
			r := incident.RSIT()
			err := r.Extend(tt.classes...)
			require.ErrorIs(t, err, incident.ErrInvalid)
			require.ErrorIs(t, err, tt.also)
			assert.Equal(t, incident.RSIT(), r, "all or nothing: unchanged on error")
		})
	}
	t.Run("nil taxonomy", func(t *testing.T) {
		var nilTax *incident.Taxonomy
		require.ErrorIs(t, nilTax.Extend(incident.CategoryClass{Name: "x", Label: "X"}), incident.ErrInvalid)
	})
}

func TestTaxonomyValidateRejects(t *testing.T) {
	cls := func(name, label string, types ...incident.CategoryType) incident.CategoryClass {
		return incident.CategoryClass{Name: name, Label: label, Types: types}
	}
	tests := []struct {
		name string
		t    *incident.Taxonomy
		also error
	}{
		{"nil", nil, nil},
		{"empty name", &incident.Taxonomy{Classes: []incident.CategoryClass{cls("a", "A")}}, incident.ErrFormat},
		{"bad name", &incident.Taxonomy{Name: "My Tax", Classes: []incident.CategoryClass{cls("a", "A")}}, incident.ErrFormat},
		{"negative version", &incident.Taxonomy{Name: "x", Version: -1, Classes: []incident.CategoryClass{cls("a", "A")}}, nil},
		{"no classes", &incident.Taxonomy{Name: "x"}, nil},
		{"duplicate class", &incident.Taxonomy{Name: "x", Classes: []incident.CategoryClass{cls("a", "A"), cls("a", "A2")}}, incident.ErrDuplicate},
		{"class without label", &incident.Taxonomy{Name: "x", Classes: []incident.CategoryClass{cls("a", "")}}, incident.ErrRequired},
		{"duplicate type", &incident.Taxonomy{Name: "x", Classes: []incident.CategoryClass{
			cls("a", "A", incident.CategoryType{Name: "t", Label: "T"}, incident.CategoryType{Name: "t", Label: "T"}),
		}}, incident.ErrDuplicate},
		{"type without label", &incident.Taxonomy{Name: "x", Classes: []incident.CategoryClass{
			cls("a", "A", incident.CategoryType{Name: "t"}),
		}}, incident.ErrRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.t.Validate()
			require.ErrorIs(t, err, incident.ErrInvalid)
			if tt.also != nil {
				require.ErrorIs(t, err, tt.also)
			}
		})
	}
	t.Run("same type name in two classes is fine", func(t *testing.T) {
		tax := &incident.Taxonomy{Name: "x", Classes: []incident.CategoryClass{
			cls("a", "A", incident.CategoryType{Name: "t", Label: "T"}),
			cls("b", "B", incident.CategoryType{Name: "t", Label: "T"}),
		}}
		require.NoError(t, tax.Validate())
	})
}

func TestTaxonomyJSONRoundTrip(t *testing.T) {
	r := incident.RSIT()
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"classes":[{"name":"abusive-content","label":"Abusive Content"`)
	var back incident.Taxonomy
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, *r, back)
	require.NoError(t, back.Check(incident.Category{Class: "vulnerable", Type: "weak-crypto"}))
}

func TestCategoryCheckDoesNotAllocate(t *testing.T) {
	r := incident.RSIT()
	ts := incident.DefaultTaxonomies()
	last := incident.Category{Class: "test", Type: "test"} // the last class: worst case for the scan
	allocs := testing.AllocsPerRun(100, func() {
		if r.Check(last) != nil || ts.Check(last) != nil {
			t.Fatal("check failed")
		}
	})
	assert.Zero(t, allocs)
}

func FuzzParseCategory(f *testing.F) {
	for _, c := range allRSITCategories() {
		f.Add(c.String())
	}
	for _, s := range []string{
		"", "intrusions/system-compromise", "acme:insider=\"hr-case\"", "rsit:", ":", "=", `""`, `rsit:a="`,
		"a/b/c", "rsit:a=\"b\"c\"", " \t fraud \n", "RSIT:Fraud", "a--b", "\xff\xfe",
	} {
		f.Add(s)
	}
	r := incident.RSIT()
	f.Fuzz(func(t *testing.T, s string) {
		c, err := incident.ParseCategory(s)
		if err != nil {
			if !assert.ErrorIs(t, err, incident.ErrInvalid) {
				return
			}
			assert.Equal(t, incident.Category{}, c)
			return
		}
		// Parsed categories are canonical and round-trip through String.
		assert.NotEqual(t, "rsit", c.Taxonomy)
		assert.NotEmpty(t, c.Class)
		back, err := incident.ParseCategory(c.String())
		if assert.NoError(t, err, "String() = %q", c.String()) {
			assert.Equal(t, c, back)
		}
		// Check never panics and answers with the right sentinel.
		if err := r.Check(c); err != nil {
			assert.ErrorIs(t, err, incident.ErrUnknownCategory)
		}
	})
}

func BenchmarkTaxonomyCheck(b *testing.B) {
	r := incident.RSIT()
	cases := []struct {
		name string
		c    incident.Category
	}{
		{"first", incident.Category{Class: "abusive-content", Type: "spam"}},
		{"last", incident.Category{Class: "test", Type: "test"}},
		{"class-only", incident.Category{Class: "vulnerable"}},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := r.Check(bc.c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("unknown-type", func(b *testing.B) {
		c := incident.Category{Class: "intrusions", Type: "nope"}
		b.ReportAllocs()
		for b.Loop() {
			if r.Check(c) == nil {
				b.Fatal("want error")
			}
		}
	})
}
