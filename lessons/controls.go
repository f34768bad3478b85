package lessons

import (
	"slices"
	"strconv"
	"strings"
)

// Control is a control an action item improves: an identifier and its
// title.
type Control struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Controls returns the ISO/IEC 27002:2022 controls most often implicated
// by incidents, in the standard's order. The titles are those of the
// standard's table of contents (control titles only, no control text);
// a host adds its own controls, or its own framework's, to a Catalog.
func Controls() []Control {
	return []Control{
		{"5.7", "Threat intelligence"},
		{"5.24", "Information security incident management planning and preparation"},
		{"5.25", "Assessment and decision on information security events"},
		{"5.26", "Response to information security incidents"},
		{"5.27", "Learning from information security incidents"},
		{"5.28", "Collection of evidence"},
		{"5.29", "Information security during disruption"},
		{"6.3", "Information security awareness, education and training"},
		{"6.8", "Information security event reporting"},
		{"8.7", "Protection against malware"},
		{"8.8", "Management of technical vulnerabilities"},
		{"8.15", "Logging"},
		{"8.16", "Monitoring activities"},
	}
}

// Catalog is a set of controls by identifier: Controls, plus a host's own.
type Catalog map[string]Control

// NewCatalog returns a catalog of Controls and extra (an extra control
// replaces a shipped one with the same ID).
func NewCatalog(extra ...Control) Catalog {
	c := Catalog{}
	for _, x := range Controls() {
		c[x.ID] = x
	}
	for _, x := range extra {
		c[x.ID] = x
	}
	return c
}

// Lookup returns the control id names, if the catalog has it.
func (c Catalog) Lookup(id string) (Control, bool) {
	x, ok := c[id]
	return x, ok
}

// List returns the catalog's controls ordered by identifier, numerically
// part by part ("5.7" before "5.24").
func (c Catalog) List() []Control {
	out := make([]Control, 0, len(c))
	for _, x := range c {
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b Control) int { return compareIDs(a.ID, b.ID) })
	return out
}

// compareIDs orders dotted identifiers numerically where both parts are
// numbers, else as strings.
func compareIDs(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, ea := strconv.Atoi(pa[i])
		nb, eb := strconv.Atoi(pb[i])
		switch {
		case ea == nil && eb == nil && na != nb:
			if na < nb {
				return -1
			}
			return 1
		case (ea != nil || eb != nil) && pa[i] != pb[i]:
			return strings.Compare(pa[i], pb[i])
		}
	}
	return len(pa) - len(pb)
}
