package coordination

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// STIX 2.1 (OASIS Standard, 10 June 2021) export of a case.
//
// A case becomes a bundle (STIX 2.1 §8): the case is an incident SDO
// (§4.6) carrying the incident-core extension, its organisations and
// people are identity SDOs (§4.5), its items are indicator (§4.7),
// observed-data (§4.9), note (§4.8) and incident SDOs, the observed values
// are cyber-observable objects (§6), the links are relationship SROs
// (§5.1), and every item carries the TLP 2.0 marking definition of its
// label (§7.2; TLP 2.0 extension of oasis-open/cti-stix-common-objects).

// STIXNamespace is the namespace of deterministic cyber-observable
// identifiers, STIX 2.1 §2.9: an SCO's id is a UUIDv5 of this namespace
// and the canonical JSON (RFC 8785) of its ID contributing properties.
const STIXNamespace = "00abedb4-aa42-466c-9c01-fed23315a9b7"

// ExportNamespace is the namespace of the identifiers this package gives
// the SDOs and SROs it writes: "<type>--" + UUIDv5(ExportNamespace,
// "<type>/<case id>/<internal id>"). STIX 2.1 §2.9 recommends UUIDv4 but
// allows any RFC 4122 UUID (the official JSON schemas accept versions 1
// to 5): name-based identifiers make the export deterministic (the same
// case gives the same bundle), keep an object's identity across exports
// so partners see updates as new versions of the same object, and unlike
// UUIDv1 they reveal neither the exporting host nor when an object was
// made.
const ExportNamespace = "c53a509a-61b2-4bc3-97ad-915ddf99b202"

// stixNamespace and exportNamespace are the parsed namespaces (read-only).
var (
	stixNamespace   = uuid.MustParse(STIXNamespace)
	exportNamespace = uuid.MustParse(ExportNamespace)
)

// IncidentCoreExtension is the id of the incident-core extension
// definition (oasis-open/cti-stix-common-objects,
// extension-definition-specifications/incident-core), a property extension
// of the STIX 2.1 §4.6 incident stub.
const IncidentCoreExtension = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"

// TLP2Extension is the id of the TLP 2.0 marking extension definition
// (oasis-open/cti-stix-common-objects, extension-definition-specifications/tlp-2.0).
const TLP2Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// Determinations lists the incident-core extension's determination enum
// ("suspected" is this package's default on export).
func Determinations() []string {
	return []string{"blocked", "failed-attempt", "false-positive", "low-value", "successful-attempt", "suspected"}
}

// The investigation_status values this package writes. The incident-core
// extension leaves the property a free string and notes that "an
// Incident should be marked as New until some action is taken".
const (
	// InvestigationNew: the case is open and no participant has yet moved
	// beyond invited (no action taken).
	InvestigationNew = "new"
	// InvestigationOpen: the case is open and being worked.
	InvestigationOpen = "open"
	// InvestigationClosed: the case is closed.
	InvestigationClosed = "closed"
)

// stixMarking is a TLP marking definition: its id, label and official
// JSON (compact).
type stixMarking struct {
	id    string
	label Label
	tlp2  bool
	json  string
}

// stixMarkings are the TLP marking definitions, copied verbatim (compacted)
// from their sources:
//   - TLP 2.0: oasis-open/cti-stix-common-objects,
//     extension-definition-specifications/tlp-2.0 (marking-definition ids
//     and tlp_2_0 values from marking-definition.json, created from
//     examples/tlp-amber+strict.json); BSD-3-Clause, Copyright (c) OASIS
//     Open.
//   - TLP 1.0: STIX 2.1 §7.2.1.4, the predefined TLP marking definitions
//     (read on import: TLP:WHITE reads as TLP:CLEAR).
var stixMarkings = [...]stixMarking{
	{"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", TLPClear, true, `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487","created":"2022-10-01T00:00:00.000Z","name":"TLP:CLEAR","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"clear"}}}`},
	{"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", TLPGreen, true, `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb","created":"2022-10-01T00:00:00.000Z","name":"TLP:GREEN","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"green"}}}`},
	{"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", TLPAmber, true, `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421","created":"2022-10-01T00:00:00.000Z","name":"TLP:AMBER","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"amber"}}}`},
	{"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", TLPAmberStrict, true, `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003","created":"2022-10-01T00:00:00.000Z","name":"TLP:AMBER+STRICT","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"amber+strict"}}}`},
	{"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", TLPRed, true, `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1","created":"2022-10-01T00:00:00.000Z","name":"TLP:RED","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"red"}}}`},
	{"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", TLPClear, false, `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:WHITE","definition":{"tlp":"white"}}`},
	{"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", TLPGreen, false, `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:GREEN","definition":{"tlp":"green"}}`},
	{"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", TLPAmber, false, `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:AMBER","definition":{"tlp":"amber"}}`},
	{"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", TLPRed, false, `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:RED","definition":{"tlp":"red"}}`},
}

// markingByID returns the TLP marking definition of a STIX id.
func markingByID(id string) (stixMarking, bool) {
	for _, m := range stixMarkings {
		if m.id == id {
			return m, true
		}
	}
	return stixMarking{}, false
}

// markingOf returns the TLP 2.0 marking definition of a label.
func markingOf(l Label) (stixMarking, bool) {
	for _, m := range stixMarkings {
		if m.tlp2 && m.label == l {
			return m, true
		}
	}
	return stixMarking{}, false
}

// MarkingID returns the STIX id of the TLP 2.0 marking definition of a
// label ("marking-definition--55d920b0-…" for TLP:AMBER), or "" for an
// invalid label.
func MarkingID(l Label) string {
	m, ok := markingOf(l)
	if !ok {
		return ""
	}
	return m.id
}

// MarkingLabel returns the label of a TLP marking definition id: the five
// TLP 2.0 ids and the four TLP 1.0 ids of STIX 2.1 §7.2.1.4 (TLP:WHITE
// reads as TLP:CLEAR).
func MarkingLabel(id string) (Label, bool) {
	m, ok := markingByID(id)
	return m.label, ok
}

// ExportOptions tunes ExportBundle.
type ExportOptions struct {
	// Determination is the incident-core determination written on the
	// incidents; empty means "suspected". It must be one of
	// Determinations().
	Determination string
	// CaseLabel is the TLP label of the objects that describe the case
	// rather than an item: the case incident, the participants'
	// identities and their relationships. Zero means TLP:AMBER: the case
	// is shared among the participating organisations (and their
	// clients on need to know), not beyond.
	CaseLabel Label
	// Extra are STIX objects written verbatim besides the case's own:
	// typically Imported.Kept() of the bundles the case's imported items
	// came from, so that what they refer to (their observables, the
	// sender's identities and relationships) travels with them. An extra
	// object replaces a generated object of the same id (typically an
	// SCO, whose id is deterministic), but never lowers its protection:
	// when the generated object's TLP marking is stricter than the extra
	// object's object-level TLP markings, the written object gets the
	// generated one's TLP 2.0 marking added to its object_marking_refs
	// (and, for an SDO or SRO, its modified moved past the original's, as
	// for an imported item's origin; SCOs have no modified).
	//
	// ExportBundle trusts Extra completely: every object is written,
	// whatever its TLP marking (a partner's TLP:RED malware included).
	// (*Case).ExportView filters it: only TLP:CLEAR objects, and
	// TLP:GREEN ones for a viewer in the case's community, reach a view,
	// and never one with the id of an item the viewer does not see (see
	// ExportView).
	Extra []json.RawMessage
}

// Bundle is a STIX 2.1 bundle (§8): a container of objects with no
// semantics of its own.
type Bundle struct {
	Type    string            `json:"type"`
	ID      string            `json:"id"`
	Objects []json.RawMessage `json:"objects"`
}

// stixIncidentCore is the incident-core extension of an incident.
type stixIncidentCore struct {
	ExtensionType       string `json:"extension_type"`
	Determination       string `json:"determination"`
	InvestigationStatus string `json:"investigation_status"`
}

// stixObject is every SDO and SRO this package writes; the properties of
// a type are set, the others left empty (STIX 2.1 §3 common properties
// first, then the type's).
type stixObject struct {
	Type              string   `json:"type"`
	SpecVersion       string   `json:"spec_version"`
	ID                string   `json:"id"`
	CreatedByRef      string   `json:"created_by_ref,omitempty"`
	Created           string   `json:"created"`
	Modified          string   `json:"modified"`
	Labels            []string `json:"labels,omitempty"`
	ObjectMarkingRefs []string `json:"object_marking_refs,omitempty"`

	Name          string `json:"name,omitempty"`
	Description   string `json:"description,omitempty"`
	IdentityClass string `json:"identity_class,omitempty"`

	IndicatorTypes []string `json:"indicator_types,omitempty"`
	Pattern        string   `json:"pattern,omitempty"`
	PatternType    string   `json:"pattern_type,omitempty"`
	ValidFrom      string   `json:"valid_from,omitempty"`
	ValidUntil     string   `json:"valid_until,omitempty"`

	FirstObserved  string `json:"first_observed,omitempty"`
	LastObserved   string `json:"last_observed,omitempty"`
	NumberObserved int    `json:"number_observed,omitempty"`

	Abstract string  `json:"abstract,omitempty"`
	Content  *string `json:"content,omitempty"`

	ObjectRefs []string `json:"object_refs,omitempty"`

	RelationshipType string `json:"relationship_type,omitempty"`
	SourceRef        string `json:"source_ref,omitempty"`
	TargetRef        string `json:"target_ref,omitempty"`

	Extensions map[string]stixIncidentCore `json:"extensions,omitempty"`
}

// stixTime writes a STIX timestamp (§3.2): RFC 3339 in UTC with
// millisecond precision, as created and modified require.
func stixTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// exportID is the deterministic id of an exported SDO or SRO (see
// ExportNamespace).
func exportID(typ string, c CaseID, internal string) string {
	return typ + "--" + uuid.NewSHA1(exportNamespace, []byte(typ+"/"+string(c)+"/"+internal)).String()
}

// observableTypes are the observable types an Observation may hold: the
// ones ImportBundle maps into Observation.Objects, and ExportBundle writes.
var observableTypes = []string{"domain-name", "email-addr", "file", "ipv4-addr", "ipv6-addr", "mac-addr", "url"}

// ObservableTypes lists the STIX 2.1 cyber-observable types (§6) an
// Observation may hold, sorted: the ones ImportBundle reads into
// Observation.Objects and ExportBundle writes as SCOs. An Observable's
// Value is the SCO's value property, a file's its SHA-256 hash:
//
//   - "domain-name" (§6.3): a domain name;
//   - "email-addr" (§6.4): an e-mail address;
//   - "file" (§6.7): the file's SHA-256 (64 hexadecimal digits);
//   - "ipv4-addr" (§6.5): an IPv4 address or CIDR block;
//   - "ipv6-addr" (§6.6): an IPv6 address or CIDR block;
//   - "mac-addr" (§6.9): a MAC-48 address, colon-delimited lowercase
//     with leading zeros ("00:11:22:aa:bb:cc");
//   - "url" (§6.12): a URL.
//
// The returned slice is a copy.
func ObservableTypes() []string {
	return slices.Clone(observableTypes)
}

// ValidObservable reports whether an observable can be shared and
// exported: its Type is one of ObservableTypes() and its Value is valid
// UTF-8, non-empty and well formed for the type:
//
//   - domain-name: no white space or control character;
//   - email-addr: contains '@', no white space or control character;
//   - file: a SHA-256, 64 hexadecimal digits;
//   - ipv4-addr: an IPv4 address or CIDR prefix ("192.0.2.1",
//     "192.0.2.0/24"), STIX 2.1 §6.5;
//   - ipv6-addr: an IPv6 address or CIDR prefix, without a zone
//     ("2001:db8::1", "2001:db8::/32"), STIX 2.1 §6.6;
//   - mac-addr: a colon-delimited, lowercase MAC-48 address including
//     leading zeros ("00:11:22:aa:bb:cc"), STIX 2.1 §6.9;
//   - url: any non-empty value.
//
// The error wraps ErrInvalid.
func ValidObservable(o Observable) error {
	if !slices.Contains(observableTypes, o.Type) {
		return fmt.Errorf("%w: observable type %q is not one of %v", ErrInvalid, o.Type, observableTypes)
	}
	if o.Value == "" || !utf8.ValidString(o.Value) {
		return fmt.Errorf("%w: %s observable has no valid value", ErrInvalid, o.Type)
	}
	bad := func(what string) error {
		return fmt.Errorf("%w: %s observable %q is not %s", ErrInvalid, o.Type, o.Value, what)
	}
	switch o.Type {
	case "domain-name":
		if strings.IndexFunc(o.Value, spaceOrControl) >= 0 {
			return bad("a domain name (white space or control character)")
		}
	case "email-addr":
		if !strings.Contains(o.Value, "@") || strings.IndexFunc(o.Value, spaceOrControl) >= 0 {
			return bad("an e-mail address")
		}
	case "file":
		if !isHex(o.Value, 64) {
			return bad("a SHA-256 (64 hexadecimal digits)")
		}
	case "ipv4-addr":
		if a, ok := parseAddrOrPrefix(o.Value); !ok || !a.Is4() {
			return bad("an IPv4 address or CIDR block")
		}
	case "ipv6-addr":
		if a, ok := parseAddrOrPrefix(o.Value); !ok || !a.Is6() || a.Zone() != "" {
			return bad("an IPv6 address or CIDR block")
		}
	case "mac-addr":
		if !isMAC48(o.Value) {
			return bad("a colon-delimited lowercase MAC-48 address")
		}
	}
	return nil
}

func spaceOrControl(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r)
}

// parseAddrOrPrefix parses an IP address or a CIDR prefix, returning the
// address.
func parseAddrOrPrefix(s string) (netip.Addr, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Addr(), err == nil
	}
	a, err := netip.ParseAddr(s)
	return a, err == nil
}

// isMAC48 reports whether s is "xx:xx:xx:xx:xx:xx" in lowercase hex.
func isMAC48(s string) bool {
	if len(s) != 17 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if i%3 == 2 {
			if c != ':' {
				return false
			}
			continue
		}
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// observableObject returns the SCO (STIX 2.1 §6) of an observable, with
// its deterministic id (§2.9): UUIDv5 of STIXNamespace and the canonical
// JSON of its ID contributing properties (value; for a file, hashes). The
// object is written without its closing brace, so that its marking can
// follow. It checks only what the object needs (a supported type, a
// value, a file's SHA-256), not the whole of ValidObservable.
func observableObject(o Observable) (id string, open string, err error) {
	if !slices.Contains(observableTypes, o.Type) {
		return "", "", fmt.Errorf("%w: observable type %q is not one of %v", ErrInvalid, o.Type, observableTypes)
	}
	if o.Value == "" || !utf8.ValidString(o.Value) {
		return "", "", fmt.Errorf("%w: %s observable has no valid value", ErrInvalid, o.Type)
	}
	var contributing string
	if o.Type == "file" {
		if !isHex(o.Value, 64) {
			return "", "", fmt.Errorf("%w: file observable value %q is not a SHA-256", ErrInvalid, o.Value)
		}
		contributing = `{"hashes":{"SHA-256":` + canonicalString(o.Value) + `}}`
	} else {
		contributing = `{"value":` + canonicalString(o.Value) + `}`
	}
	id = o.Type + "--" + uuid.NewSHA1(stixNamespace, []byte(contributing)).String()
	head := `{"type":"` + o.Type + `","spec_version":"2.1","id":"` + id + `",`
	return id, head + contributing[1:len(contributing)-1], nil
}

// canonicalString writes a JSON string as RFC 8785 (JCS) does: only the
// quote, the backslash and control characters are escaped, the latter
// with the short forms or \u00xx in lower-case hex.
func canonicalString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

// investigationStatus maps the case status onto the incident-core
// investigation_status (see InvestigationNew).
func investigationStatus(c *Case) string {
	if c.Status == CaseClosed {
		return InvestigationClosed
	}
	for _, p := range c.Participants {
		if p.Status != StatusInvited && p.Status != "" {
			return InvestigationOpen
		}
	}
	return InvestigationNew
}

// exporter accumulates the objects of a bundle.
type exporter struct {
	c    *Case
	dir  *Directory
	opts ExportOptions
	// generated maps ids to generated objects; kept are the verbatim
	// objects (origins and extras), which win over generated ones.
	generated map[string][]byte
	kept      map[string][][]byte
	markings  map[string]bool
	// extraTLP are the TLP marking definitions among opts.Extra, by id
	// (ids other than the nine standard ones included).
	extraTLP map[string]Label
	incident string
	orgIDs   map[OrgID]string
	// scos are the observables' objects and their labels.
	scos map[string]scoOut
}

// scoOut is an observable's object (without its closing brace) and the
// strictest label of the observations holding it.
type scoOut struct {
	open  string
	label Label
}

// ExportBundle writes a case (or a participant's view of it, which is
// just another *Case) as a STIX 2.1 bundle (§8):
//
//   - the case is an incident SDO (§4.6) with the incident-core extension:
//     determination from opts, investigation_status "new", "open" or
//     "closed" (see InvestigationNew);
//   - every organisation (participants and item sources) is an identity
//     (§4.5, identity_class "organization") and every named person
//     (participants' people and contacts, item authors) an identity of
//     class "individual" created by its organisation's identity; names
//     come from dir (nil or unknown: the ID);
//   - indicator items are indicators (§4.7), observation items
//     observed-data (§4.9) referring to the SCOs of their values (§6,
//     deterministic ids per §2.9), note, status-update and statement items
//     notes (§4.8, labels "status-update" or "statement" for the latter
//     two) about the case incident, summary items incidents;
//   - relationships (§5.1): indicators, observed-data and summary
//     incidents are "related-to" the case incident (not "indicates",
//     whose targets STIX 2.1 §4.7.1 restricts to attack-pattern,
//     campaign, infrastructure, intrusion-set, malware, threat-actor and
//     tool), and so is every participant's identity;
//   - every item's objects carry object_marking_refs to the TLP 2.0
//     marking definition of its label (an SCO the strictest label of the
//     observations holding its value; the objects describing the case
//     opts.CaseLabel's), and the bundle includes the official marking
//     definitions used.
//
// Each object's created_by_ref is the identity of its item's source (the
// coordinator's for the case objects). Items with an Origin (imported)
// are written as their origin object, unchanged except that a TLP marking
// is added when the item's label is stricter than the origin's
// object-level markings (object_marking_refs then sorted, and modified
// moved past the original's as STIX 2.1 §3.6 requires of a new version):
// a label is never dropped or weakened on the way out.
//
// ExportBundle trusts opts.Extra completely: every extra object is
// written whatever its marking. To give a participant their share, use
// (*Case).ExportView, which filters Extra.
//
// The output is deterministic: objects are sorted by id, ids are
// name-based (ExportNamespace), and the bundle id is derived from the
// content.
func ExportBundle(c *Case, dir *Directory, opts ExportOptions) ([]byte, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: nil case", ErrInvalid)
	}
	if c.ID == "" {
		return nil, fmt.Errorf("%w: case has no ID", ErrInvalid)
	}
	if opts.Determination == "" {
		opts.Determination = "suspected"
	}
	if !slices.Contains(Determinations(), opts.Determination) {
		return nil, fmt.Errorf("%w: determination %q is not one of %v", ErrInvalid, opts.Determination, Determinations())
	}
	if opts.CaseLabel == 0 {
		opts.CaseLabel = TLPAmber
	}
	if !opts.CaseLabel.Valid() {
		return nil, fmt.Errorf("%w: case label %d", ErrInvalid, opts.CaseLabel)
	}
	e := &exporter{
		c: c, dir: dir, opts: opts,
		generated: map[string][]byte{},
		kept:      map[string][][]byte{},
		markings:  map[string]bool{},
		orgIDs:    map[OrgID]string{},
		scos:      map[string]scoOut{},
		extraTLP:  tlpDefinitions(opts.Extra),
	}
	if err := e.run(); err != nil {
		return nil, err
	}
	return e.bundle()
}

// tlpDefinitions returns the TLP marking definitions among raw objects
// by id (unreadable objects are skipped).
func tlpDefinitions(raws []json.RawMessage) map[string]Label {
	out := map[string]Label{}
	for _, raw := range raws {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			continue
		}
		if l, ok := tlpDefinitionLabel(obj); ok {
			id := str(obj, "id")
			out[id] = max(out[id], l)
		}
	}
	return out
}

// known returns the TLP label of a marking id: one of the nine standard
// definitions or a TLP definition among opts.Extra.
func (e *exporter) known(id string) (Label, bool) {
	l, ok := MarkingLabel(id)
	if x, found := e.extraTLP[id]; found {
		l, ok = max(l, x), true
	}
	return l, ok
}

func (e *exporter) add(obj *stixObject) error {
	data, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalid, obj.ID, err)
	}
	e.generated[obj.ID] = data
	return nil
}

// keep records a verbatim object (compacted).
func (e *exporter) keep(raw []byte) error {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return fmt.Errorf("%w: extra STIX object: %w", ErrInvalid, err)
	}
	var head struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(buf.Bytes(), &head); err != nil || head.ID == "" {
		return fmt.Errorf("%w: extra STIX object without an id", ErrInvalid)
	}
	data := buf.Bytes()
	for _, k := range e.kept[head.ID] {
		if bytes.Equal(k, data) {
			return nil
		}
	}
	e.kept[head.ID] = append(e.kept[head.ID], data)
	return nil
}

func (e *exporter) mark(l Label) ([]string, error) {
	m, ok := markingOf(l)
	if !ok {
		return nil, fmt.Errorf("%w: label %d is not a TLP 2.0 label", ErrInvalid, l)
	}
	e.markings[m.id] = true
	return []string{m.id}, nil
}

func (e *exporter) orgName(id OrgID) string {
	if e.dir != nil {
		if o, ok := e.dir.Organisation(id); ok && o.Name != "" {
			return o.Name
		}
	}
	return string(id)
}

func (e *exporter) orgRef(id OrgID) string {
	if id == "" {
		return ""
	}
	return e.orgIDs[id]
}

func (e *exporter) run() error {
	c := e.c
	opened := stixTime(c.Opened)
	caseMarks, err := e.mark(e.opts.CaseLabel)
	if err != nil {
		return err
	}

	// Organisations and people.
	people := map[PersonID]OrgID{}
	var orgs []OrgID
	addOrg := func(o OrgID) {
		if o != "" && !slices.Contains(orgs, o) {
			orgs = append(orgs, o)
		}
	}
	addPerson := func(p PersonID, org OrgID) {
		if p == "" {
			return
		}
		if e.dir != nil {
			if dp, ok := e.dir.Person(p); ok && dp.Org != "" {
				org = dp.Org
			}
		}
		if _, ok := people[p]; !ok {
			people[p] = org
		}
		addOrg(org)
	}
	addOrg(c.Coordinator)
	for _, p := range c.Participants {
		addOrg(p.Org)
		for _, pp := range p.People {
			addPerson(pp, p.Org)
		}
		addPerson(p.Contact, p.Org)
	}
	for i := range c.Items {
		if c.Items[i].Origin != nil {
			continue
		}
		addOrg(c.Items[i].Source)
		addPerson(c.Items[i].Author, c.Items[i].Source)
	}
	for _, o := range orgs {
		e.orgIDs[o] = exportID("identity", c.ID, "org/"+string(o))
	}
	coord := e.orgRef(c.Coordinator)
	for _, o := range orgs {
		id := e.orgIDs[o]
		by := coord
		if by == id {
			by = ""
		}
		if err := e.add(&stixObject{
			Type: "identity", SpecVersion: "2.1", ID: id, CreatedByRef: by,
			Created: opened, Modified: opened, ObjectMarkingRefs: caseMarks,
			Name: e.orgName(o), IdentityClass: "organization",
		}); err != nil {
			return err
		}
	}
	for p, org := range people {
		name := string(p)
		if e.dir != nil {
			if dp, ok := e.dir.Person(p); ok && dp.Name != "" {
				name = dp.Name
			}
		}
		if err := e.add(&stixObject{
			Type: "identity", SpecVersion: "2.1", ID: exportID("identity", c.ID, "person/"+string(p)),
			CreatedByRef: e.orgRef(org), Created: opened, Modified: opened, ObjectMarkingRefs: caseMarks,
			Name: name, IdentityClass: "individual",
		}); err != nil {
			return err
		}
	}

	// The case incident.
	e.incident = exportID("incident", c.ID, "case")
	name := c.Title
	if name == "" {
		name = string(c.ID)
	}
	modified := opened
	if c.Status == CaseClosed && c.Closed.After(c.Opened) {
		modified = stixTime(c.Closed)
	}
	if err := e.add(&stixObject{
		Type: "incident", SpecVersion: "2.1", ID: e.incident, CreatedByRef: coord,
		Created: opened, Modified: modified, ObjectMarkingRefs: caseMarks, Name: name,
		Extensions: e.incidentCore(investigationStatus(c)),
	}); err != nil {
		return err
	}
	for _, p := range c.Participants {
		if p.Org == "" {
			continue
		}
		if err := e.add(&stixObject{
			Type: "relationship", SpecVersion: "2.1", ID: exportID("relationship", c.ID, "participant/"+string(p.Org)),
			CreatedByRef: coord, Created: opened, Modified: opened, ObjectMarkingRefs: caseMarks,
			RelationshipType: "related-to", Description: "participant: " + string(p.Role),
			SourceRef: e.orgIDs[p.Org], TargetRef: e.incident,
		}); err != nil {
			return err
		}
	}

	for i := range c.Items {
		if err := e.item(&c.Items[i]); err != nil {
			return err
		}
	}
	for _, x := range e.opts.Extra {
		if err := e.keep(x); err != nil {
			return err
		}
	}
	return nil
}

func (e *exporter) incidentCore(status string) map[string]stixIncidentCore {
	return map[string]stixIncidentCore{IncidentCoreExtension: {
		ExtensionType: "property-extension", Determination: e.opts.Determination, InvestigationStatus: status,
	}}
}

// item writes one item and its relationships.
func (e *exporter) item(it *Item) error {
	if it.Origin != nil {
		return e.origin(it)
	}
	c := e.c
	marks, err := e.mark(it.Label)
	if err != nil {
		return fmt.Errorf("item %q: %w", it.ID, err)
	}
	if it.ID == "" {
		return fmt.Errorf("%w: item without an ID", ErrInvalid)
	}
	created := it.Created
	if created.IsZero() {
		created = c.Opened
	}
	ts := stixTime(created)
	obj := stixObject{
		SpecVersion: "2.1", CreatedByRef: e.orgRef(it.Source), Created: ts, Modified: ts,
		ObjectMarkingRefs: marks,
	}
	relType := "related-to"
	switch it.Kind {
	case KindIndicator:
		if it.Indicator == nil || it.Indicator.Pattern == "" {
			return fmt.Errorf("%w: indicator item %q has no pattern", ErrInvalid, it.ID)
		}
		obj.Type = "indicator"
		obj.Name, obj.Description = it.Title, it.Body
		obj.Pattern = it.Indicator.Pattern
		obj.PatternType = cmp.Or(it.Indicator.PatternType, "stix")
		from := it.Indicator.ValidFrom
		if from.IsZero() {
			from = created
		}
		obj.ValidFrom = stixTime(from)
		if !it.Indicator.ValidUntil.IsZero() {
			if !it.Indicator.ValidUntil.After(from) {
				return fmt.Errorf("%w: indicator item %q: valid_until is not after valid_from", ErrInvalid, it.ID)
			}
			obj.ValidUntil = stixTime(it.Indicator.ValidUntil)
		}
		obj.IndicatorTypes = it.Indicator.Types
		// "related-to", not "indicates": STIX 2.1 §4.7.1 defines
		// indicates towards attack-pattern, campaign, infrastructure,
		// intrusion-set, malware, threat-actor and tool only.
	case KindObservation:
		ob := it.Observed
		if ob == nil || len(ob.Objects) == 0 {
			return fmt.Errorf("%w: observation item %q has no observables", ErrInvalid, it.ID)
		}
		obj.Type = "observed-data"
		first, last := ob.FirstObserved, ob.LastObserved
		if first.IsZero() {
			first = created
		}
		if last.IsZero() || last.Before(first) {
			last = first
		}
		obj.FirstObserved, obj.LastObserved = stixTime(first), stixTime(last)
		// A count of zero reads as observed once (number_observed is 1 to
		// 999,999,999, STIX 2.1 §4.9).
		obj.NumberObserved = min(max(ob.Count, 1), 999999999)
		for k, o := range ob.Objects {
			id, open, err := observableObject(o)
			if err != nil {
				return fmt.Errorf("item %q: observable %d (%s %q): %w", it.ID, k, o.Type, o.Value, err)
			}
			// An SCO carries the strictest label of the observations
			// that hold its value: a value is never less protected in the
			// bundle than in the observation.
			sco := e.scos[id]
			sco.open, sco.label = open, max(sco.label, it.Label)
			e.scos[id] = sco
			if !slices.Contains(obj.ObjectRefs, id) {
				obj.ObjectRefs = append(obj.ObjectRefs, id)
			}
		}
	case KindNote, KindStatusUpdate, KindStatement:
		obj.Type = "note"
		obj.Abstract = it.Title
		body := it.Body
		obj.Content = &body
		obj.ObjectRefs = []string{e.incident}
		if it.Kind != KindNote {
			obj.Labels = []string{string(it.Kind)}
		}
		relType = ""
	case KindSummary:
		obj.Type = "incident"
		obj.Name = cmp.Or(it.Title, string(it.ID))
		obj.Description = it.Body
		obj.Extensions = e.incidentCore(investigationStatus(e.c))
	default:
		return fmt.Errorf("%w: item %q has unknown kind %q", ErrInvalid, it.ID, it.Kind)
	}
	obj.ID = exportID(obj.Type, c.ID, string(it.ID))
	if err := e.add(&obj); err != nil {
		return err
	}
	if relType == "" {
		return nil
	}
	return e.add(&stixObject{
		Type: "relationship", SpecVersion: "2.1", ID: exportID("relationship", c.ID, "item/"+string(it.ID)),
		CreatedByRef: obj.CreatedByRef, Created: ts, Modified: ts, ObjectMarkingRefs: marks,
		RelationshipType: relType, SourceRef: obj.ID, TargetRef: e.incident,
	})
}

// origin writes an imported item as its origin object.
func (e *exporter) origin(it *Item) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(it.Origin, &obj); err != nil {
		return fmt.Errorf("%w: item %q: origin is not a JSON object: %w", ErrInvalid, it.ID, err)
	}
	var refs []string
	if raw, ok := obj["object_marking_refs"]; ok {
		if err := json.Unmarshal(raw, &refs); err != nil {
			return fmt.Errorf("%w: item %q: origin object_marking_refs: %w", ErrInvalid, it.ID, err)
		}
	}
	for _, r := range refs {
		if _, ok := markingByID(r); ok {
			e.markings[r] = true
		}
	}
	if !it.Label.Valid() {
		return fmt.Errorf("%w: item %q has no valid label", ErrInvalid, it.ID)
	}
	changed, err := e.raise(obj, refs, it.Label, it.Created)
	if err != nil {
		return fmt.Errorf("item %q: %w", it.ID, err)
	}
	if !changed {
		return e.keep(it.Origin)
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("%w: item %q: %w", ErrInvalid, it.ID, err)
	}
	return e.keep(out)
}

// raise makes sure a verbatim object (its object_marking_refs refs
// already read) carries a TLP marking at least as strict as l: when its
// object-level TLP markings are weaker, l's TLP 2.0 marking is added to
// object_marking_refs (then sorted), and a modified property (SDOs and
// SROs; SCOs have none) moves past the original's, to at when that is
// later, since a changed object is a new version (STIX 2.1 §3.6).
// changed reports whether obj was changed.
func (e *exporter) raise(obj map[string]json.RawMessage, refs []string, l Label, at time.Time) (changed bool, err error) {
	var have Label
	for _, r := range refs {
		if ml, ok := e.known(r); ok {
			have = max(have, ml)
		}
	}
	if l <= have {
		return false, nil
	}
	m, ok := markingOf(l)
	if !ok {
		return false, fmt.Errorf("%w: label %d is not a TLP 2.0 label", ErrInvalid, l)
	}
	e.markings[m.id] = true
	refs = slices.Clone(refs)
	if !slices.Contains(refs, m.id) {
		refs = append(refs, m.id)
	}
	slices.Sort(refs)
	data, err := json.Marshal(refs)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	obj["object_marking_refs"] = data
	if raw, ok := obj["modified"]; ok {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return false, fmt.Errorf("%w: modified is not a string", ErrInvalid)
		}
		prev, err := parseStixTime(s)
		if err != nil {
			return false, fmt.Errorf("modified: %w", err)
		}
		next := prev.Truncate(time.Millisecond).Add(time.Millisecond)
		if t := at.Truncate(time.Millisecond); t.After(next) {
			next = t
		}
		if obj["modified"], err = json.Marshal(stixTime(next)); err != nil {
			return false, fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	return true, nil
}

// replaced raises the marking of the verbatim objects (extras) that
// replace a generated object of the same id: a replacing object carries
// the stricter of its own object-level TLP marking and the generated
// object's (see raise; at is the generated object's modified, if any).
func (e *exporter) replaced() error {
	for id, vs := range e.kept {
		gen, ok := e.generated[id]
		if !ok {
			continue
		}
		var g map[string]json.RawMessage
		if json.Unmarshal(gen, &g) != nil {
			continue
		}
		gl, ok := effectiveLabel(g, e.known)
		if !ok {
			continue
		}
		at, _ := parseStixTime(str(g, "modified"))
		for k, v := range vs {
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(v, &obj); err != nil {
				return fmt.Errorf("%w: extra STIX object %s: %w", ErrInvalid, id, err)
			}
			var refs []string
			if raw, ok := obj["object_marking_refs"]; ok && json.Unmarshal(raw, &refs) != nil {
				return fmt.Errorf("%w: extra STIX object %s: object_marking_refs is not a list of ids", ErrInvalid, id)
			}
			changed, err := e.raise(obj, refs, gl, at)
			if err != nil {
				return fmt.Errorf("extra STIX object %s: %w", id, err)
			}
			if !changed {
				continue
			}
			if vs[k], err = json.Marshal(obj); err != nil {
				return fmt.Errorf("%w: extra STIX object %s: %w", ErrInvalid, id, err)
			}
		}
		e.kept[id] = vs
	}
	return nil
}

// bundle sorts the objects by id and writes the bundle.
func (e *exporter) bundle() ([]byte, error) {
	for id, sco := range e.scos {
		m, _ := markingOf(sco.label)
		e.markings[m.id] = true
		e.generated[id] = []byte(sco.open + `,"object_marking_refs":["` + m.id + `"]}`)
	}
	if err := e.replaced(); err != nil {
		return nil, err
	}
	for id := range e.markings {
		m, _ := markingByID(id)
		e.generated[id] = []byte(m.json)
	}
	var objs [][]byte
	ids := make([]string, 0, len(e.generated)+len(e.kept))
	for id := range e.generated {
		if _, ok := e.kept[id]; !ok {
			ids = append(ids, id)
		}
	}
	for id := range e.kept {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	h := []byte("bundle/" + string(e.c.ID))
	for _, id := range ids {
		if k, ok := e.kept[id]; ok {
			vs := slices.Clone(k)
			slices.SortFunc(vs, bytes.Compare)
			objs = append(objs, vs...)
			continue
		}
		objs = append(objs, e.generated[id])
	}
	for _, o := range objs {
		h = append(h, '\n')
		h = append(h, o...)
	}
	var b bytes.Buffer
	b.WriteString(`{"type":"bundle","id":"bundle--`)
	b.WriteString(uuid.NewSHA1(exportNamespace, h).String())
	b.WriteString(`","objects":[`)
	for i, o := range objs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(o)
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

// ExportView writes the STIX 2.1 bundle of what viewer may see of the
// case (View, then ExportBundle): the export to give a participant. A
// whole case exported with ExportBundle holds every item, TLP:RED ones
// included, and is for the organisation that keeps the case only.
//
// opts.Extra goes through the TLP access decision too. An extra object is
// not an item of the case: it has no source, audience or permissions to
// decide on, so only what anyone the viewer could be may receive passes:
// an extra object is kept only when its effective label (the strictest
// TLP marking among its object_marking_refs and granular_markings, the
// standard marking definitions and the TLP definitions among opts.Extra
// resolved; an unmarked object takes ImportOptions' conservative default
// TLP:AMBER) is TLP:CLEAR, or TLP:GREEN when the viewer's organisation is
// a member of the case's community. Every other extra object (TLP:AMBER,
// TLP:AMBER+STRICT, TLP:RED, unmarked, TLP:GREEN outside the community)
// is left out of the view, and so is, whatever its marking, an extra
// object whose id is that of an item of the case the viewer does not
// see (an imported item's ID or its Origin's id, or the id ExportBundle
// gives the item): typically an older version of an imported object
// (ImportBundle keeps older versions in Unmapped), which may be less
// strictly marked than the item. Marking definitions are kept when a written
// object (a kept extra or an item's origin) refers to them, so that its
// markings resolve. A malformed extra object is ErrInvalid.
func (c *Case) ExportView(dir *Directory, viewer PersonID, opts ExportOptions) ([]byte, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: nil case", ErrInvalid)
	}
	if dir == nil {
		return nil, fmt.Errorf("%w: no directory", ErrInvalid)
	}
	v, err := c.View(dir, viewer)
	if err != nil {
		return nil, err
	}
	p, _ := dir.Person(viewer)
	inCommunity := c.Community != "" && dir.InCommunity(p.Org, c.Community)
	if opts.Extra, err = viewExtra(opts.Extra, v, inCommunity, hiddenIDs(c, v)); err != nil {
		return nil, err
	}
	return ExportBundle(v, dir, opts)
}

// hiddenIDs returns the STIX ids of the items of c that are not in the
// view v: an item's ID (an imported item's is its STIX id), the id of its
// Origin, and the ids ExportBundle would give it and its relationship.
func hiddenIDs(c, v *Case) map[string]bool {
	hidden := map[string]bool{}
	for i := range c.Items {
		it := &c.Items[i]
		if v.Item(it.ID) != nil {
			continue
		}
		hidden[string(it.ID)] = true
		if it.Origin != nil {
			var head struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(it.Origin, &head) == nil && head.ID != "" {
				hidden[head.ID] = true
			}
		}
		for _, typ := range []string{"indicator", "observed-data", "note", "incident"} {
			hidden[exportID(typ, c.ID, string(it.ID))] = true
		}
		hidden[exportID("relationship", c.ID, "item/"+string(it.ID))] = true
	}
	return hidden
}

// viewExtra keeps the extra objects a viewer may receive (see ExportView):
// never one whose id is in hidden (an item the viewer does not hold, an
// older version of it included), whatever its marking.
func viewExtra(extra []json.RawMessage, v *Case, inCommunity bool, hidden map[string]bool) ([]json.RawMessage, error) {
	if len(extra) == 0 {
		return extra, nil
	}
	known := tlpDefinitions(extra)
	resolve := func(id string) (Label, bool) {
		l, ok := MarkingLabel(id)
		if x, found := known[id]; found {
			l, ok = max(l, x), true
		}
		return l, ok
	}
	objs := make([]map[string]json.RawMessage, len(extra))
	referenced := map[string]bool{}
	refer := func(obj map[string]json.RawMessage) {
		object, granular := markingRefs(obj)
		for _, r := range append(object, granular...) {
			referenced[r] = true
		}
	}
	var out []json.RawMessage
	for i, raw := range extra {
		if err := json.Unmarshal(raw, &objs[i]); err != nil || objs[i] == nil {
			return nil, fmt.Errorf("%w: extra STIX object %d is not a JSON object", ErrInvalid, i)
		}
		if hidden[str(objs[i], "id")] {
			objs[i] = nil // neither written nor referring
			continue
		}
		if str(objs[i], "type") == "marking-definition" {
			continue
		}
		l, ok := effectiveLabel(objs[i], resolve)
		if !ok {
			continue // unmarked: TLP:AMBER by default
		}
		if l == TLPClear || (l == TLPGreen && inCommunity) {
			out = append(out, raw)
			refer(objs[i])
		}
	}
	for i := range v.Items {
		if v.Items[i].Origin == nil {
			continue
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(v.Items[i].Origin, &obj) == nil {
			refer(obj)
		}
	}
	for i, raw := range extra {
		if str(objs[i], "type") == "marking-definition" && referenced[str(objs[i], "id")] {
			out = append(out, raw)
		}
	}
	return out, nil
}

// tlpDefinitionLabel returns the TLP label a marking-definition object
// defines, whatever its id: a TLP 2.0 definition (the TLP2Extension
// property extension with tlp_2_0 "clear", "green", "amber",
// "amber+strict" or "red") or a TLP 1.0 one (definition_type "tlp",
// definition {"tlp": "white"|"green"|"amber"|"red"}, TLP:WHITE reading as
// TLP:CLEAR). When both are present, the stricter wins.
func tlpDefinitionLabel(obj map[string]json.RawMessage) (Label, bool) {
	if str(obj, "type") != "marking-definition" {
		return 0, false
	}
	var l Label
	var exts map[string]map[string]json.RawMessage
	if json.Unmarshal(obj["extensions"], &exts) == nil {
		switch str(exts[TLP2Extension], "tlp_2_0") {
		case "clear":
			l = max(l, TLPClear)
		case "green":
			l = max(l, TLPGreen)
		case "amber":
			l = max(l, TLPAmber)
		case "amber+strict":
			l = max(l, TLPAmberStrict)
		case "red":
			l = max(l, TLPRed)
		}
	}
	if str(obj, "definition_type") == "tlp" {
		var def map[string]json.RawMessage
		if json.Unmarshal(obj["definition"], &def) == nil {
			switch str(def, "tlp") {
			case "white":
				l = max(l, TLPClear)
			case "green":
				l = max(l, TLPGreen)
			case "amber":
				l = max(l, TLPAmber)
			case "red":
				l = max(l, TLPRed)
			}
		}
	}
	return l, l != 0
}

// granularMarking is an entry of granular_markings (STIX 2.1 §7.2.3).
type granularMarking struct {
	MarkingRef string   `json:"marking_ref,omitempty"`
	Lang       string   `json:"lang,omitempty"`
	Selectors  []string `json:"selectors"`
}

// markingRefs returns an object's object_marking_refs and the marking_ref
// of its granular_markings (unreadable properties read as none: the
// importer rejects them before).
func markingRefs(obj map[string]json.RawMessage) (object, granular []string) {
	_ = json.Unmarshal(obj["object_marking_refs"], &object)
	var gms []granularMarking
	_ = json.Unmarshal(obj["granular_markings"], &gms)
	for _, g := range gms {
		if g.MarkingRef != "" {
			granular = append(granular, g.MarkingRef)
		}
	}
	return object, granular
}

// effectiveLabel is the strictest TLP label among an object's
// object_marking_refs and granular_markings, the markings resolved by
// known; ok is false when the object carries no TLP marking at all.
func effectiveLabel(obj map[string]json.RawMessage, known func(string) (Label, bool)) (l Label, ok bool) {
	object, granular := markingRefs(obj)
	for _, r := range append(object, granular...) {
		if ml, found := known(r); found {
			l = max(l, ml)
		}
	}
	return l, l != 0
}
