package coordination

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ImportOptions tunes ImportBundle.
type ImportOptions struct {
	// DefaultLabel is the label of an imported item that carries no TLP
	// marking; zero means TLP:AMBER. An unmarked object is not public by
	// default: TLP:AMBER is the conservative choice, it stays within the
	// receiving organisation (and its clients on need to know) until the
	// source says otherwise, and never reaches a community or the world by
	// accident.
	DefaultLabel Label
}

// Imported is what ImportBundle read from a bundle. Every object of the
// bundle is in exactly one place: an item (Items, Origin set), an identity
// (Organisations, People), a TLP marking definition (Markings), or, for
// every other object, Unmapped.
type Imported struct {
	// BundleID is the bundle's id ("" for a lone object read as a bundle).
	BundleID string
	// Items are the indicators, observed-data, notes and incidents, in
	// bundle order; an item's ID is its STIX id, its Origin the object.
	Items []Item
	// Incidents holds the incident-core properties of the incidents among
	// Items.
	Incidents []ImportedIncident
	// Organisations and People are the identities of class
	// "organization" and "individual"; their IDs are the STIX ids.
	Organisations []ImportedOrganisation
	People        []ImportedPerson
	// Markings are the TLP marking definitions (TLP 2.0 and TLP 1.0):
	// the standard ones and any marking definition carrying the TLP 2.0
	// extension or a TLP 1.0 definition, whatever its id.
	Markings []ImportedMarking
	// Unmapped are the other objects, verbatim, in bundle order: other
	// SDOs and SROs (malware, campaign, relationship, sighting, report…),
	// cyber-observable objects (their values are also copied into the
	// observations), other marking definitions, extension definitions,
	// custom objects, and the older versions of an item object (same id,
	// earlier modified).
	Unmapped []json.RawMessage
	// Warnings are the problems read past (see Warning).
	Warnings []Warning
}

// ImportedIncident is the incident-core extension of an imported incident
// (STIX 2.1 §4.6 with extension-definition--ef765651-…).
type ImportedIncident struct {
	Item                ItemID `json:"item"`
	Determination       string `json:"determination,omitempty"`
	InvestigationStatus string `json:"investigation_status,omitempty"`
}

// ImportedOrganisation is an identity of class "organization" and its
// original object.
type ImportedOrganisation struct {
	Organisation
	Origin json.RawMessage `json:"origin"`
}

// ImportedPerson is an identity of class "individual" and its original
// object; Org is the organisation identity that created it, if any.
type ImportedPerson struct {
	Person
	Origin json.RawMessage `json:"origin"`
}

// ImportedMarking is a TLP marking definition and its original object.
type ImportedMarking struct {
	ID     string          `json:"id"`
	Label  Label           `json:"label"`
	Origin json.RawMessage `json:"origin"`
}

// Kept returns every object that is not an item: identities, markings and
// Unmapped, to pass as ExportOptions.Extra when the items are exported
// again, so that what they refer to goes with them.
func (imp *Imported) Kept() []json.RawMessage {
	out := make([]json.RawMessage, 0, len(imp.Organisations)+len(imp.People)+len(imp.Markings)+len(imp.Unmapped))
	for _, o := range imp.Organisations {
		out = append(out, o.Origin)
	}
	for _, p := range imp.People {
		out = append(out, p.Origin)
	}
	for _, m := range imp.Markings {
		out = append(out, m.Origin)
	}
	return append(out, imp.Unmapped...)
}

// Warning is a problem ImportBundle read past: the object is imported
// (or kept) anyway.
type Warning struct {
	Object  string `json:"object"`
	Field   string `json:"field,omitempty"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`
}

// String writes the warning on one line.
func (w Warning) String() string {
	return fmt.Sprintf("%s: %s %q: %s", w.Object, w.Field, w.Value, w.Message)
}

// ImportError is a malformed bundle: Index is the object's index in the
// bundle's objects (-1 for the bundle itself), Object its id (or its type
// when the id is unusable), Field the offending property. errors.Is(err,
// ErrInvalid) holds.
type ImportError struct {
	Index  int
	Object string
	Field  string
	Err    error
}

// Error names the object, the field and the cause.
func (e *ImportError) Error() string {
	where := "bundle"
	if e.Index >= 0 {
		where = fmt.Sprintf("object %d", e.Index)
	}
	if e.Object != "" {
		where += " (" + e.Object + ")"
	}
	if e.Field != "" {
		where += " " + e.Field
	}
	return "coordination: STIX import: " + where + ": " + e.Err.Error()
}

// Unwrap returns the cause, which wraps ErrInvalid.
func (e *ImportError) Unwrap() error { return e.Err }

// Read-only patterns of STIX 2.1 (the official JSON schemas'
// common/identifier.json, core.json type and common/timestamp.json).
var (
	stixIDPattern   = regexp.MustCompile(`^([a-z][a-z0-9-]+[a-z0-9])--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)
	stixTypePattern = regexp.MustCompile(`^([a-z][a-z0-9]*)+(-[a-z0-9]+)*-?$`)
	stixTimePattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?Z$`)
)

// stixSDOs are the STIX 2.1 §4 SDO and §5 SRO types: they require
// spec_version, created and modified.
var (
	stixSDOs = []string{"attack-pattern", "campaign", "course-of-action", "grouping", "identity", "incident", "indicator", "infrastructure", "intrusion-set", "location", "malware", "malware-analysis", "note", "observed-data", "opinion", "report", "threat-actor", "tool", "vulnerability", "relationship", "sighting"}
	// stixTimeProps are the timestamp properties checked wherever they
	// appear.
	stixTimeProps = []string{"created", "modified", "valid_from", "valid_until", "first_observed", "last_observed", "first_seen", "last_seen", "published", "start_time", "stop_time"}
)

// parseStixTime reads a STIX timestamp (§3.2: RFC 3339, UTC, "Z").
func parseStixTime(s string) (time.Time, error) {
	if !stixTimePattern.MatchString(s) {
		return time.Time{}, fmt.Errorf("%w: %q is not a STIX timestamp (RFC 3339 in UTC)", ErrInvalid, s)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q: %w", ErrInvalid, s, err)
	}
	return t, nil
}

// importer holds the state of one import.
type importer struct {
	opts ImportOptions
	out  *Imported
	// objs are the decoded objects; index by id for references.
	objs []map[string]json.RawMessage
	raws []json.RawMessage
	byID map[string]int
	// identities maps identity ids to the org (and person) they are.
	orgOf    map[string]OrgID
	personOf map[string]PersonID
	// tlp maps the ids of the bundle's TLP marking definitions (standard
	// ids or not) to their labels.
	tlp map[string]Label
	// latest maps the id of an item object to the index of its latest
	// version (greatest modified; the first of equals).
	latest map[string]int
}

// ImportBundle reads a STIX 2.1 bundle (§8). The JSON must be well formed;
// the bundle must have type "bundle", an id "bundle--<uuid>" and an
// objects array. A lone STIX object instead of a bundle (as some official
// examples are) is read as a bundle of that object, with a warning.
//
// Objects are mapped as follows: indicator → KindIndicator item;
// observed-data → KindObservation item (object_refs, or the deprecated
// objects dictionary, resolved against the bundle's SCOs: values of
// domain-name, email-addr, ipv4-addr, ipv6-addr, mac-addr and url, a
// file's SHA-256, see ObservableTypes; a value ValidObservable rejects is
// left out with a Warning); note → KindNote item (KindStatusUpdate or
// KindStatement when labelled so, as ExportBundle writes them); incident →
// KindSummary item with its incident-core determination and
// investigation_status in Incidents; identity of class organization or
// individual → Organisations, People; TLP 2.0 and TLP 1.0 marking
// definitions → Markings. Every other object is kept verbatim in Unmapped.
//
// A TLP marking definition is one of the nine standard ids, or any
// marking definition of the bundle carrying the TLP 2.0 extension
// (TLP2Extension, tlp_2_0 "clear", "green", "amber", "amber+strict",
// "red") or a TLP 1.0 definition (definition_type "tlp"), whatever its id
// (a Warning names a non-standard id).
//
// An item's label is the strictest TLP marking among its
// object_marking_refs and granular_markings (TLP:WHITE reads as
// TLP:CLEAR), opts.DefaultLabel when it has none. A granular TLP marking
// labels the whole item (conservative: the item takes the strictest
// label; a Warning says so). A marking ref that is neither a TLP marking
// nor defined in the bundle stays in the Origin with a Warning. The
// item's Source is the organisation of its created_by_ref (the identity's
// STIX id, or the organisation of an individual), its Origin the whole
// object.
//
// Several versions of an item object (same id, STIX 2.1 §3.6): the one
// with the latest modified is the item, the older ones are kept in
// Unmapped with a Warning.
//
// Every object must have a valid type and id ("<type>--<uuid>"); SDOs and
// SROs a spec_version "2.1", created and modified; every timestamp present
// must be valid; mapped objects need the properties their mapping reads
// (an indicator's pattern and valid_from, a note's content…). A malformed
// bundle is an *ImportError naming the object and the field. Values read
// past (an incident-core determination outside the extension's enum, an
// unresolved reference, a missing pattern_type) are Warnings.
func ImportBundle(data []byte, opts ImportOptions) (*Imported, error) {
	if opts.DefaultLabel == 0 {
		opts.DefaultLabel = TLPAmber
	}
	if !opts.DefaultLabel.Valid() {
		return nil, &ImportError{Index: -1, Field: "DefaultLabel", Err: fmt.Errorf("%w: default label %d", ErrInvalid, opts.DefaultLabel)}
	}
	// json.Unmarshal checks the syntax of the whole input first.
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return nil, &ImportError{Index: -1, Err: fmt.Errorf("%w: not JSON: %w", ErrInvalid, err)}
		}
		return nil, &ImportError{Index: -1, Err: fmt.Errorf("%w: not a JSON object", ErrInvalid)}
	}
	if top == nil {
		return nil, &ImportError{Index: -1, Err: fmt.Errorf("%w: not a JSON object", ErrInvalid)}
	}
	imp := &importer{
		opts: opts, out: &Imported{},
		byID: map[string]int{}, orgOf: map[string]OrgID{}, personOf: map[string]PersonID{},
		tlp: map[string]Label{}, latest: map[string]int{},
	}
	var typ string
	if raw, ok := top["type"]; ok {
		if json.Unmarshal(raw, &typ) != nil || typ == "" {
			return nil, &ImportError{Index: -1, Field: "type", Err: fmt.Errorf("%w: type must be \"bundle\"", ErrInvalid)}
		}
	} else {
		// A bundle without its type (the official TLP 2.0 example
		// using-tlp2.0-green.json is one): read when its id says bundle.
		var id string
		if json.Unmarshal(top["id"], &id) != nil || !strings.HasPrefix(id, "bundle--") {
			return nil, &ImportError{Index: -1, Field: "type", Err: fmt.Errorf("%w: type must be \"bundle\"", ErrInvalid)}
		}
		typ = "bundle"
		imp.out.Warnings = append(imp.out.Warnings, Warning{Object: id, Field: "type", Message: "missing type (required by STIX 2.1 §8): read as a bundle"})
	}
	var raws []json.RawMessage
	if typ == "bundle" {
		var id string
		if err := json.Unmarshal(top["id"], &id); err != nil || !strings.HasPrefix(id, "bundle--") || !stixIDPattern.MatchString(id) {
			return nil, &ImportError{Index: -1, Object: id, Field: "id", Err: fmt.Errorf("%w: a bundle's id is \"bundle--<uuid>\"", ErrInvalid)}
		}
		imp.out.BundleID = id
		objects, ok := top["objects"]
		if !ok || json.Unmarshal(objects, &raws) != nil || raws == nil {
			return nil, &ImportError{Index: -1, Object: id, Field: "objects", Err: fmt.Errorf("%w: a bundle's objects is an array", ErrInvalid)}
		}
	} else {
		raws = []json.RawMessage{json.RawMessage(data)}
		imp.out.Warnings = append(imp.out.Warnings, Warning{Field: "type", Value: typ, Message: "not a bundle: read as a bundle of one object"})
	}
	if err := imp.run(raws); err != nil {
		return nil, err
	}
	return imp.out, nil
}

func invalid(i int, obj, field, format string, args ...any) *ImportError {
	return &ImportError{Index: i, Object: obj, Field: field, Err: fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)}
}

func (imp *importer) run(raws []json.RawMessage) error {
	imp.raws = make([]json.RawMessage, len(raws))
	imp.objs = make([]map[string]json.RawMessage, len(raws))
	// First pass: every object's common properties.
	for i, raw := range raws {
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return invalid(i, "", "", "not JSON: %v", err)
		}
		imp.raws[i] = buf.Bytes()
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
			return invalid(i, "", "", "not a JSON object")
		}
		imp.objs[i] = obj
		if err := imp.common(i, obj); err != nil {
			return err
		}
	}
	imp.markingDefinitions()
	imp.versions()
	// Identities first, so that created_by_ref resolves whatever the order.
	for i, obj := range imp.objs {
		if str(obj, "type") == "identity" {
			imp.identity(i, obj)
		}
	}
	for i, obj := range imp.objs {
		id := str(obj, "id")
		switch str(obj, "type") {
		case "identity":
			if !imp.isIdentityMapped(id) {
				imp.out.Unmapped = append(imp.out.Unmapped, imp.raws[i])
			}
			continue
		case "marking-definition":
			if l, ok := imp.tlp[id]; ok {
				imp.out.Markings = append(imp.out.Markings, ImportedMarking{ID: id, Label: l, Origin: imp.raws[i]})
				continue
			}
		case "indicator", "observed-data", "note", "incident":
			if k := imp.latest[id]; k != i {
				imp.warn(id, "modified", str(obj, "modified"), fmt.Sprintf("an older version of the object (object %d is the latest): kept in Unmapped, not imported as an item", k))
				break
			}
			if err := imp.item(i, obj); err != nil {
				return err
			}
			continue
		}
		imp.out.Unmapped = append(imp.out.Unmapped, imp.raws[i])
	}
	// Persons' organisations, now that every identity is known.
	for k := range imp.out.People {
		p := &imp.out.People[k]
		var obj map[string]json.RawMessage
		if json.Unmarshal(p.Origin, &obj) == nil {
			p.Org = imp.orgOf[str(obj, "created_by_ref")]
		}
	}
	return nil
}

// markingDefinitions records the TLP marking definitions of the bundle:
// the nine standard ids, and any marking definition carrying the TLP 2.0
// extension or a TLP 1.0 definition whatever its id (with a warning).
func (imp *importer) markingDefinitions() {
	for _, obj := range imp.objs {
		if str(obj, "type") != "marking-definition" {
			continue
		}
		id := str(obj, "id")
		std, isStd := MarkingLabel(id)
		l, isTLP := tlpDefinitionLabel(obj)
		switch {
		case isStd && isTLP && l != std:
			imp.warn(id, "id", id, fmt.Sprintf("standard %s marking id defining %s: read as the stricter %s", std, l, max(l, std)))
		case !isStd && isTLP:
			imp.warn(id, "id", id, fmt.Sprintf("a %s marking definition with a non-standard id: read as %s", l, l))
		}
		if isStd || isTLP {
			imp.tlp[id] = max(imp.tlp[id], std, l)
		}
	}
}

// versions finds the latest version of every item object (STIX 2.1
// §3.6: same id, the greatest modified is the current version).
func (imp *importer) versions() {
	modified := map[string]time.Time{}
	for i, obj := range imp.objs {
		switch str(obj, "type") {
		case "indicator", "observed-data", "note", "incident":
		default:
			continue
		}
		id := str(obj, "id")
		m, _ := parseStixTime(str(obj, "modified"))
		if _, ok := imp.latest[id]; ok && !m.After(modified[id]) {
			continue
		}
		imp.latest[id], modified[id] = i, m
	}
}

// unknownMarkings warns of marking refs that are neither a TLP marking
// nor defined in the bundle: the ref stays in the origin, the label is
// not affected.
func (imp *importer) unknownMarkings(id, field string, refs []string) {
	for _, r := range refs {
		if _, ok := imp.markingLabel(r); ok {
			continue
		}
		if _, defined := imp.byID[r]; !defined {
			imp.warn(id, field, r, "marking definition neither in the bundle nor a standard TLP one: kept in the origin, not read as a TLP label")
		}
	}
}

// markingLabel returns the TLP label of a marking id: a TLP marking
// definition of the bundle or one of the nine standard ones.
func (imp *importer) markingLabel(id string) (Label, bool) {
	if l, ok := imp.tlp[id]; ok {
		return l, true
	}
	return MarkingLabel(id)
}

func (imp *importer) isIdentityMapped(id string) bool {
	_, org := imp.orgOf[id]
	_, person := imp.personOf[id]
	return org || person
}

// isMarkingID reports whether s is a marking-definition id.
func isMarkingID(s string) bool {
	return strings.HasPrefix(s, "marking-definition--") && stixIDPattern.MatchString(s)
}

// str returns a string property, "" if absent or not a string.
func str(obj map[string]json.RawMessage, key string) string {
	var s string
	if raw, ok := obj[key]; ok {
		_ = json.Unmarshal(raw, &s)
	}
	return s
}

// common checks the common properties of an object (STIX 2.1 §3.2).
func (imp *importer) common(i int, obj map[string]json.RawMessage) error {
	var typ, id string
	if err := json.Unmarshal(obj["type"], &typ); err != nil || len(typ) < 3 || len(typ) > 250 || !stixTypePattern.MatchString(typ) {
		return invalid(i, "", "type", "missing or malformed type")
	}
	if raw, ok := obj["id"]; !ok || json.Unmarshal(raw, &id) != nil {
		return invalid(i, typ, "id", "missing id")
	}
	if !strings.HasPrefix(id, typ+"--") || !stixIDPattern.MatchString(id) {
		return invalid(i, typ, "id", "%q is not %q--<uuid>", id, typ)
	}
	sdo := slices.Contains(stixSDOs, typ)
	if raw, ok := obj["spec_version"]; ok {
		var v string
		if json.Unmarshal(raw, &v) != nil || v != "2.1" {
			return invalid(i, id, "spec_version", "spec_version must be \"2.1\", got %s", raw)
		}
	} else if sdo || typ == "marking-definition" {
		return invalid(i, id, "spec_version", "missing spec_version (STIX 2.1 requires it)")
	}
	if sdo {
		for _, f := range []string{"created", "modified"} {
			if _, ok := obj[f]; !ok {
				return invalid(i, id, f, "missing %s", f)
			}
		}
	}
	for _, f := range stixTimeProps {
		raw, ok := obj[f]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return invalid(i, id, f, "not a string")
		}
		if _, err := parseStixTime(s); err != nil {
			return &ImportError{Index: i, Object: id, Field: f, Err: err}
		}
	}
	if raw, ok := obj["created_by_ref"]; ok {
		var ref string
		if json.Unmarshal(raw, &ref) != nil || !strings.HasPrefix(ref, "identity--") || !stixIDPattern.MatchString(ref) {
			return invalid(i, id, "created_by_ref", "not an identity id")
		}
	}
	if raw, ok := obj["object_marking_refs"]; ok {
		var refs []string
		if json.Unmarshal(raw, &refs) != nil {
			return invalid(i, id, "object_marking_refs", "not a list of ids")
		}
		for _, r := range refs {
			if !isMarkingID(r) {
				return invalid(i, id, "object_marking_refs", "%q is not a marking-definition id", r)
			}
		}
	}
	if raw, ok := obj["granular_markings"]; ok {
		// STIX 2.1 §7.2.3: a list of granular markings, each with
		// selectors and a marking_ref or a lang. Read strictly: a granular
		// TLP marking that could not be read would be a label lost.
		var gms []granularMarking
		if json.Unmarshal(raw, &gms) != nil {
			return invalid(i, id, "granular_markings", "not a list of granular markings")
		}
		for _, g := range gms {
			if g.MarkingRef == "" && g.Lang == "" {
				return invalid(i, id, "granular_markings", "a granular marking needs a marking_ref or a lang")
			}
			if g.MarkingRef != "" && !isMarkingID(g.MarkingRef) {
				return invalid(i, id, "granular_markings", "%q is not a marking-definition id", g.MarkingRef)
			}
			if len(g.Selectors) == 0 {
				return invalid(i, id, "granular_markings", "a granular marking needs selectors")
			}
		}
	}
	if _, dup := imp.byID[id]; !dup {
		imp.byID[id] = i
	}
	return nil
}

// identity records an identity of class organization or individual.
func (imp *importer) identity(i int, obj map[string]json.RawMessage) {
	id := str(obj, "id")
	if imp.isIdentityMapped(id) {
		return // a second version of the same identity: kept in Unmapped
	}
	name := str(obj, "name")
	if name == "" {
		name = id
	}
	switch str(obj, "identity_class") {
	case "organization":
		imp.orgOf[id] = OrgID(id)
		imp.out.Organisations = append(imp.out.Organisations, ImportedOrganisation{
			Organisation: Organisation{ID: OrgID(id), Name: name}, Origin: imp.raws[i],
		})
	case "individual":
		imp.personOf[id] = PersonID(id)
		imp.out.People = append(imp.out.People, ImportedPerson{
			Person: Person{ID: PersonID(id), Name: name, Email: emailOf(str(obj, "contact_information"))}, Origin: imp.raws[i],
		})
	}
}

// emailOf returns contact information that is a bare e-mail address.
func emailOf(s string) string {
	if strings.Count(s, "@") == 1 && !strings.ContainsAny(s, " \t\n,;") {
		return s
	}
	return ""
}

func (imp *importer) warn(obj, field, value, msg string) {
	imp.out.Warnings = append(imp.out.Warnings, Warning{Object: obj, Field: field, Value: value, Message: msg})
}

// item maps an indicator, observed-data, note or incident onto an item.
func (imp *importer) item(i int, obj map[string]json.RawMessage) error {
	id := str(obj, "id")
	typ := str(obj, "type")
	created, _ := parseStixTime(str(obj, "created"))
	it := Item{ID: ItemID(id), Created: created, Origin: imp.raws[i]}

	// Label: the strictest TLP marking, object-level or granular.
	refs, granular := markingRefs(obj)
	imp.unknownMarkings(id, "object_marking_refs", refs)
	imp.unknownMarkings(id, "granular_markings", granular)
	for _, r := range refs {
		if l, ok := imp.markingLabel(r); ok {
			it.Label = max(it.Label, l)
		}
	}
	var granularLabel Label
	for _, r := range granular {
		if l, ok := imp.markingLabel(r); ok {
			granularLabel = max(granularLabel, l)
		}
	}
	if granularLabel != 0 {
		it.Label = max(it.Label, granularLabel)
		imp.warn(id, "granular_markings", granularLabel.String(), fmt.Sprintf("granular TLP markings: the whole item takes the strictest TLP label, %s", it.Label))
	}
	if it.Label == 0 {
		it.Label = imp.opts.DefaultLabel
	}
	// Source: the organisation behind created_by_ref.
	if by := str(obj, "created_by_ref"); by != "" {
		switch {
		case imp.orgOf[by] != "":
			it.Source = imp.orgOf[by]
		case imp.personOf[by] != "":
			it.Author = imp.personOf[by]
			if k, ok := imp.byID[by]; ok {
				it.Source = imp.orgOf[str(imp.objs[k], "created_by_ref")]
			}
		default:
			it.Source = OrgID(by)
			if _, ok := imp.byID[by]; !ok {
				imp.warn(id, "created_by_ref", by, "identity not in the bundle")
			}
		}
	}

	switch typ {
	case "indicator":
		if err := imp.indicator(i, id, obj, &it); err != nil {
			return err
		}
	case "observed-data":
		if err := imp.observed(i, id, obj, &it); err != nil {
			return err
		}
	case "note":
		it.Kind = KindNote
		raw, ok := obj["content"]
		if !ok || json.Unmarshal(raw, &it.Body) != nil {
			return invalid(i, id, "content", "a note needs a content string")
		}
		var orefs []string
		if json.Unmarshal(obj["object_refs"], &orefs) != nil || len(orefs) == 0 {
			return invalid(i, id, "object_refs", "a note refers to at least one object")
		}
		it.Title = str(obj, "abstract")
		var labels []string
		_ = json.Unmarshal(obj["labels"], &labels)
		switch {
		case slices.Contains(labels, string(KindStatusUpdate)):
			it.Kind = KindStatusUpdate
		case slices.Contains(labels, string(KindStatement)):
			it.Kind = KindStatement
		}
	case "incident":
		if err := imp.incident(i, id, obj, &it); err != nil {
			return err
		}
	}
	imp.out.Items = append(imp.out.Items, it)
	return nil
}

func (imp *importer) indicator(i int, id string, obj map[string]json.RawMessage, it *Item) error {
	it.Kind = KindIndicator
	ind := &Indicator{Pattern: str(obj, "pattern"), PatternType: str(obj, "pattern_type")}
	if ind.Pattern == "" {
		return invalid(i, id, "pattern", "an indicator needs a pattern")
	}
	if ind.PatternType == "" {
		imp.warn(id, "pattern_type", "", "missing pattern_type (required by STIX 2.1): read as \"stix\"")
		ind.PatternType = "stix"
	}
	from, ok := obj["valid_from"]
	if !ok {
		return invalid(i, id, "valid_from", "an indicator needs valid_from")
	}
	var s string
	_ = json.Unmarshal(from, &s)
	ind.ValidFrom, _ = parseStixTime(s)
	if u := str(obj, "valid_until"); u != "" {
		ind.ValidUntil, _ = parseStixTime(u)
		if !ind.ValidUntil.After(ind.ValidFrom) {
			return invalid(i, id, "valid_until", "valid_until must be after valid_from")
		}
	}
	if raw, ok := obj["indicator_types"]; ok && json.Unmarshal(raw, &ind.Types) != nil {
		return invalid(i, id, "indicator_types", "not a list of strings")
	}
	it.Title = str(obj, "name")
	it.Body = str(obj, "description")
	it.Indicator = ind
	return nil
}

func (imp *importer) observed(i int, id string, obj map[string]json.RawMessage, it *Item) error {
	it.Kind = KindObservation
	ob := &Observation{}
	for _, f := range []string{"first_observed", "last_observed"} {
		if _, ok := obj[f]; !ok {
			return invalid(i, id, f, "observed-data needs %s", f)
		}
	}
	ob.FirstObserved, _ = parseStixTime(str(obj, "first_observed"))
	ob.LastObserved, _ = parseStixTime(str(obj, "last_observed"))
	if ob.LastObserved.Before(ob.FirstObserved) {
		return invalid(i, id, "last_observed", "last_observed is before first_observed")
	}
	if json.Unmarshal(obj["number_observed"], &ob.Count) != nil || ob.Count < 1 || ob.Count > 999999999 {
		return invalid(i, id, "number_observed", "number_observed is an integer from 1 to 999,999,999")
	}
	var refs []string
	if raw, ok := obj["object_refs"]; ok {
		if json.Unmarshal(raw, &refs) != nil {
			return invalid(i, id, "object_refs", "not a list of ids")
		}
		for _, r := range refs {
			k, ok := imp.byID[r]
			if !ok {
				imp.warn(id, "object_refs", r, "object not in the bundle")
				continue
			}
			if o, ok := observableOf(imp.objs[k]); ok {
				ob.Objects = imp.observable(id, "object_refs", ob.Objects, o)
			}
		}
	} else if raw, ok := obj["objects"]; ok {
		// STIX 2.0's embedded objects, deprecated in 2.1 (§4.9).
		var dict map[string]map[string]json.RawMessage
		if json.Unmarshal(raw, &dict) != nil {
			return invalid(i, id, "objects", "not a dictionary of objects")
		}
		keys := make([]string, 0, len(dict))
		for k := range dict {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if o, ok := observableOf(dict[k]); ok {
				ob.Objects = imp.observable(id, "objects."+k, ob.Objects, o)
			}
		}
	} else {
		return invalid(i, id, "object_refs", "observed-data needs object_refs")
	}
	it.Observed = ob
	return nil
}

// observable appends o to objs when it is a valid observable
// (ValidObservable); a malformed value is left out with a warning, so that
// an imported item can be shared and exported.
func (imp *importer) observable(id, field string, objs []Observable, o Observable) []Observable {
	if err := ValidObservable(o); err != nil {
		imp.warn(id, field, o.Value, "malformed "+o.Type+" value: not an observable of the item")
		return objs
	}
	return append(objs, o)
}

// observableOf reads the value of an SCO of a type an Observation holds.
func observableOf(obj map[string]json.RawMessage) (Observable, bool) {
	typ := str(obj, "type")
	switch typ {
	case "domain-name", "email-addr", "ipv4-addr", "ipv6-addr", "mac-addr", "url":
		if v := str(obj, "value"); v != "" {
			return Observable{Type: typ, Value: v}, true
		}
	case "file":
		var hashes map[string]string
		if json.Unmarshal(obj["hashes"], &hashes) == nil && isHex(hashes["SHA-256"], 64) {
			return Observable{Type: typ, Value: hashes["SHA-256"]}, true
		}
	}
	return Observable{}, false
}

func (imp *importer) incident(i int, id string, obj map[string]json.RawMessage, it *Item) error {
	it.Kind = KindSummary
	raw, ok := obj["name"]
	if !ok || json.Unmarshal(raw, &it.Title) != nil {
		return invalid(i, id, "name", "an incident needs a name")
	}
	it.Body = str(obj, "description")
	var exts map[string]map[string]json.RawMessage
	if raw, ok := obj["extensions"]; ok && json.Unmarshal(raw, &exts) != nil {
		return invalid(i, id, "extensions", "not a dictionary of extensions")
	}
	core, ok := exts[IncidentCoreExtension]
	if !ok {
		return nil
	}
	inc := ImportedIncident{Item: it.ID, Determination: str(core, "determination"), InvestigationStatus: str(core, "investigation_status")}
	field := "extensions." + IncidentCoreExtension + "."
	if et := str(core, "extension_type"); et != "property-extension" {
		imp.warn(id, field+"extension_type", et, "incident-core is a property-extension")
	}
	switch {
	case inc.Determination == "":
		imp.warn(id, field+"determination", "", "missing determination (required by incident-core)")
	case !slices.Contains(Determinations(), inc.Determination):
		imp.warn(id, field+"determination", inc.Determination, fmt.Sprintf("not in the incident-core determination enum %v: imported as is", Determinations()))
	}
	if inc.InvestigationStatus == "" {
		imp.warn(id, field+"investigation_status", "", "missing investigation_status (required by incident-core)")
	}
	imp.out.Incidents = append(imp.out.Incidents, inc)
	return nil
}
