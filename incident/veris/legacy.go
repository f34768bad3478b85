package veris

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Version is a VERIS schema_version: 1.3, 1.3.7, 1.4.0.
type Version struct{ Major, Minor, Patch int }

// String formats v as major.minor.patch.
func (v Version) String() string {
	return strconv.Itoa(v.Major) + "." + strconv.Itoa(v.Minor) + "." + strconv.Itoa(v.Patch)
}

// less reports whether v is before w.
func (v Version) less(w Version) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	if v.Minor != w.Minor {
		return v.Minor < w.Minor
	}
	return v.Patch < w.Patch
}

// Supported versions: 1.3.0 up to (not including) 1.5.
var (
	firstSupported = Version{1, 3, 0}
	firstCurrent   = Version{1, 4, 0}
	firstAfter     = Version{1, 5, 0}
	// summaryRequired: the changelog of 1.3.5 says "Made summary required"
	// and "Added government levels to victim and made it mandatory".
	summaryRequired = Version{1, 3, 5}
)

// ParseVersion reads a schema_version: two or three dot-separated
// non-negative integers ("1.3" is 1.3.0). The VERIS web application once
// wrote dashes for dots ("1-3-7", changelog 1.3.5); those are accepted.
func ParseVersion(s string) (Version, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "-", ".")
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, false
	}
	var n [3]int
	for i, p := range parts {
		if p == "" || len(p) > 4 {
			return Version{}, false
		}
		x, err := strconv.Atoi(p)
		if err != nil || x < 0 {
			return Version{}, false
		}
		n[i] = x
	}
	return Version{n[0], n[1], n[2]}, true
}

// legacySchema adjusts the 1.4 schema to the shapes 1.3.x records use, as
// the official validation vectors (written for schema_version "1.3") show:
//
//   - asset.governance (removed later) is a list of unique, non-empty
//     strings;
//   - asset.cloud may be a single string (upgrade turns it into a list);
//   - timeline.incident.time may be a 24-hour "16:20" or "16:20:00";
//   - victim.industry follows the older pattern of two digits then up to
//     four more, optionally after a dash ("31-33", "12"): the 1.4 pattern
//     only allows the NAICS sector codes;
func legacySchema(n *node) *node {
	if a := n.at("asset"); a != nil {
		a.props["governance"] = &node{typ: "array", minItems: 1, unique: true, maxLen: -1,
			items: &node{typ: "string", minLen: 1, maxLen: -1}}
	}
	if t := n.at("timeline", "incident", "time"); t != nil {
		t.pattern = regexp.MustCompile(`^(([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?|(0[1-9]|1[0-2]):[0-5][0-9]:[0-5][0-9] [AP]M)$`)
		t.patternSr = t.pattern.String()
	}
	if ind := n.at("victim", "industry"); ind != nil {
		ind.pattern = regexp.MustCompile(`^[0-9]{2}-?[0-9]{0,4}$`)
		ind.patternSr = ind.pattern.String()
	}
	return n
}

// earlySchema sets the required fields of the 1.3 schema (verisc.json
// "VERIS Community Schema 1.3" in vz-risk/veris): summary and
// victim.government became mandatory only in 1.3.5 (changelog), asset had
// no required field (assets, cloud), actor.external required country, and
// impact required overall_rating; actor.external.name needed at least
// one item.
func earlySchema(n *node) {
	if a := n.at("asset"); a != nil {
		a.drop("assets")
	}
	if e := n.at("actor", "external"); e != nil {
		e.require("country")
		if name := e.props["name"]; name != nil {
			name.minItems = 1
		}
	}
	if im := n.at("impact"); im != nil && im.props["overall_rating"] != nil {
		im.require("overall_rating")
	}
	n.drop("summary")
	if v := n.at("victim"); v != nil {
		v.drop("government")
	}
	if a := n.at("asset"); a != nil {
		a.drop("cloud")
	}
}

// upgrade rewrites the 1.3 shapes of a decoded document in place into the
// 1.4 ones, so one schema checks both. It returns what it changed, for the
// report. Values that cannot be converted are left alone and the schema
// rejects them, naming the field.
func upgrade(doc map[string]any) []Note {
	var notes []Note
	if act, ok := doc["action"].(map[string]any); ok {
		if u, ok := act["Unknown"]; ok {
			if _, clash := act["unknown"]; !clash {
				delete(act, "Unknown")
				act["unknown"] = u
				notes = append(notes, Note{Field: "action.Unknown", Reason: "1.3 spelling, read as action.unknown"})
			}
		}
	}
	if a, ok := doc["asset"].(map[string]any); ok {
		if s, ok := a["cloud"].(string); ok {
			a["cloud"] = []any{s}
			notes = append(notes, Note{Field: "asset.cloud", Reason: "1.3 single value, read as a list of one"})
		}
	}
	if s, ok := doc["discovery_method"].(string); ok {
		if obj, ok := discoveryObject(s); ok {
			doc["discovery_method"] = obj
			notes = append(notes, Note{Field: "discovery_method", Reason: "1.3 string " + strconv.Quote(s) + ", read as the 1.4 object"})
		}
	}
	return notes
}

// discoveryObject converts a 1.3 discovery_method string ("Int - unknown",
// "Ext - customer", "Prt - audit", "Unknown", "Other") into the 1.4 object.
// The variety is matched case-insensitively against the 1.4 enumeration of
// its branch; no match leaves the string, which the schema then rejects.
func discoveryObject(s string) (map[string]any, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "unknown":
		return map[string]any{"unknown": true}, true
	case "other":
		return map[string]any{"other": true}, true
	}
	prefix, rest, ok := strings.Cut(s, " - ")
	if !ok {
		return nil, false
	}
	branch := map[string]string{"int": "internal", "ext": "external", "prt": "partner"}[strings.ToLower(strings.TrimSpace(prefix))]
	if branch == "" {
		return nil, false
	}
	sc, err := loadSchemas()
	if err != nil {
		return nil, false
	}
	v := sc.current.at("discovery_method", branch, "variety", "[]")
	if v == nil {
		return nil, false
	}
	for _, e := range v.enum {
		if strings.EqualFold(e, strings.TrimSpace(rest)) {
			return map[string]any{branch: map[string]any{"variety": []any{e}}}, true
		}
	}
	return nil, false
}

func (n *node) require(field string) {
	if !slices.Contains(n.required, field) {
		n.required = append(n.required, field)
	}
}
