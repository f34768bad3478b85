package coordination_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/coordination"
)

var stixT0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// stixDirectory is a small sector: a national CSIRT coordinating a bank, a
// cloud provider and the bank's MSSP.
func stixDirectory(t testing.TB) *coordination.Directory {
	t.Helper()
	dir, err := coordination.NewDirectory(
		[]coordination.Organisation{
			{ID: "csirt", Name: "National CSIRT", Communities: []coordination.CommunityID{"fin-isac"}},
			{ID: "bank", Name: "Example Bank", Clients: nil, Communities: []coordination.CommunityID{"fin-isac"}},
			{ID: "cloud", Name: "Cloud & Co <Ltd>", Communities: []coordination.CommunityID{"fin-isac"}},
		},
		[]coordination.Person{
			{ID: "alice", Name: "Alice Analyst", Org: "csirt"},
			{ID: "bob", Name: "Bob Banker", Org: "bank"},
			{ID: "carol", Name: "Carol Cloud", Org: "cloud"},
		},
		[]coordination.Community{{ID: "fin-isac", Name: "Financial ISAC"}},
	)
	require.NoError(t, err)
	return dir
}

// stixCase is a case with items at every TLP level and of every kind.
func stixCase(extra int) *coordination.Case {
	c := &coordination.Case{
		ID: "CASE-2026-7", Title: "Phishing wave against bank customers", Coordinator: "csirt",
		Community: "fin-isac", Status: coordination.CaseOpen, Opened: stixT0,
		Participants: []coordination.Participant{
			{Org: "csirt", Role: coordination.RoleCoordinator, People: []coordination.PersonID{"alice"}, Contact: "alice", Status: coordination.StatusInvestigating},
			{Org: "bank", Role: coordination.RoleAffected, People: []coordination.PersonID{"bob"}, Contact: "bob", Status: coordination.StatusAcknowledged},
			{Org: "cloud", Role: coordination.RoleServiceProvider, Contact: "carol", Status: coordination.StatusInvited},
		},
	}
	at := func(m int) time.Time {
		return stixT0.Add(time.Duration(m) * time.Minute).Add(123456 * time.Microsecond)
	}
	c.Items = []coordination.Item{
		{ID: "i-url", Kind: coordination.KindIndicator, Label: coordination.TLPGreen, Source: "bank", Author: "bob", Title: "Phishing landing page", Created: at(1),
			Indicator: &coordination.Indicator{Pattern: "[url:value = 'http://bank-login.example/']", ValidFrom: at(1), Types: []string{"malicious-activity"}}},
		{ID: "i-ip", Kind: coordination.KindIndicator, Label: coordination.TLPAmberStrict, Source: "cloud", Author: "carol", Created: at(2),
			Indicator: &coordination.Indicator{Pattern: "[ipv4-addr:value = '198.51.100.7']", PatternType: "stix", ValidFrom: at(2), ValidUntil: at(60 * 24)}},
		{ID: "o-1", Kind: coordination.KindObservation, Label: coordination.TLPAmber, Source: "bank", Author: "bob", Created: at(3),
			Observed: &coordination.Observation{FirstObserved: at(-60), LastObserved: at(3), Count: 42, Objects: []coordination.Observable{
				{Type: "url", Value: "http://bank-login.example/"},
				{Type: "ipv4-addr", Value: "198.51.100.7"},
				{Type: "ipv6-addr", Value: "2001:db8::7"},
				{Type: "domain-name", Value: "bank-login.example"},
				{Type: "email-addr", Value: "evil@decryptyourstuff.zip"},
				{Type: "file", Value: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
			}}},
		{ID: "n-red", Kind: coordination.KindNote, Label: coordination.TLPRed, Source: "csirt", Author: "alice", Audience: []coordination.PersonID{"bob"}, Title: "Suspect", Body: "We think it is the \"Bravo\" crew & <friends>.", Created: at(4)},
		{ID: "s-1", Kind: coordination.KindStatusUpdate, Label: coordination.TLPAmber, Source: "bank", Author: "bob", Body: "Takedown requested.", Created: at(5)},
		{ID: "st-1", Kind: coordination.KindStatement, Label: coordination.TLPClear, Source: "csirt", Author: "alice", Title: "Public statement", Body: "Customers: do not click.", Created: at(6)},
		{ID: "sum-1", Kind: coordination.KindSummary, Label: coordination.TLPGreen, Source: "csirt", Author: "alice", Title: "Weekly summary", Body: "12 customers affected.", Created: at(7)},
	}
	for i := range extra {
		c.Items = append(c.Items, coordination.Item{
			ID: coordination.ItemID(fmt.Sprintf("x-%03d", i)), Kind: coordination.KindIndicator, Label: coordination.Labels()[i%5],
			Source: "bank", Author: "bob", Created: at(10 + i),
			Indicator: &coordination.Indicator{Pattern: fmt.Sprintf("[domain-name:value = 'host%d.example']", i), ValidFrom: at(10 + i)},
		})
	}
	return c
}

func export(t testing.TB, c *coordination.Case, dir *coordination.Directory, opts coordination.ExportOptions) []byte {
	t.Helper()
	data, err := coordination.ExportBundle(c, dir, opts)
	require.NoError(t, err)
	return data
}

type genericBundle struct {
	Type    string           `json:"type"`
	ID      string           `json:"id"`
	Objects []map[string]any `json:"objects"`
}

func decodeBundle(t testing.TB, data []byte) genericBundle {
	t.Helper()
	var b genericBundle
	require.NoError(t, json.Unmarshal(data, &b))
	return b
}

func byID(b genericBundle) map[string]map[string]any {
	m := map[string]map[string]any{}
	for _, o := range b.Objects {
		m[asString(o["id"])] = o
	}
	return m
}

var millis = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)

func TestExportBundleShape(t *testing.T) {
	dir := stixDirectory(t)
	c := stixCase(0)
	data := export(t, c, dir, coordination.ExportOptions{})
	b := decodeBundle(t, data)
	assert.Equal(t, "bundle", b.Type)
	assert.Regexp(t, `^bundle--`, b.ID)

	count := map[string]int{}
	var ids []string
	for _, o := range b.Objects {
		typ := asString(o["type"])
		count[typ]++
		id := asString(o["id"])
		ids = append(ids, id)
		u, err := uuid.Parse(strings.TrimPrefix(id, typ+"--"))
		require.NoError(t, err, id)
		if typ == "marking-definition" {
			assert.Equal(t, uuid.Version(4), u.Version(), id)
		} else {
			assert.Equal(t, uuid.Version(5), u.Version(), id)
		}
		assert.Equal(t, "2.1", o["spec_version"], id)
		for _, f := range []string{"created", "modified"} {
			if v, ok := o[f]; ok {
				assert.Regexp(t, millis, v, "%s %s", id, f)
			}
		}
	}
	assert.True(t, slices.IsSorted(ids), "objects are sorted by id")
	assert.Equal(t, map[string]int{
		"identity": 6, "incident": 2, "indicator": 2, "observed-data": 1, "note": 3,
		// 3 participants + 2 indicators + observation + summary.
		"relationship": 7,
		"url":          1, "ipv4-addr": 1, "ipv6-addr": 1, "domain-name": 1, "email-addr": 1, "file": 1,
		"marking-definition": 5,
	}, count)

	objs := byID(b)
	caseInc := objs["incident--"+uuid.NewSHA1(uuid.MustParse(coordination.ExportNamespace), []byte("incident/CASE-2026-7/case")).String()]
	require.NotNil(t, caseInc, "the case incident has the documented id")
	assert.Equal(t, "Phishing wave against bank customers", caseInc["name"])
	ext := asObject(asObject(caseInc["extensions"])[coordination.IncidentCoreExtension])
	assert.Equal(t, map[string]any{"extension_type": "property-extension", "determination": "suspected", "investigation_status": "open"}, ext)
	assert.Equal(t, []any{coordination.MarkingID(coordination.TLPAmber)}, caseInc["object_marking_refs"])

	// Identities: names from the directory, classes, created_by_ref.
	names := map[string]string{}
	for _, o := range b.Objects {
		if o["type"] == "identity" {
			names[asString(o["name"])] = asString(o["identity_class"])
		}
	}
	assert.Equal(t, map[string]string{
		"National CSIRT": "organization", "Example Bank": "organization", "Cloud & Co <Ltd>": "organization",
		"Alice Analyst": "individual", "Bob Banker": "individual", "Carol Cloud": "individual",
	}, names)

	// Every item object carries its label's marking; its source's identity created it.
	bankID := "identity--" + uuid.NewSHA1(uuid.MustParse(coordination.ExportNamespace), []byte("identity/CASE-2026-7/org/bank")).String()
	for _, it := range c.Items {
		typ := map[coordination.ItemKind]string{
			coordination.KindIndicator: "indicator", coordination.KindObservation: "observed-data", coordination.KindNote: "note",
			coordination.KindStatusUpdate: "note", coordination.KindStatement: "note", coordination.KindSummary: "incident",
		}[it.Kind]
		id := typ + "--" + uuid.NewSHA1(uuid.MustParse(coordination.ExportNamespace), []byte(typ+"/CASE-2026-7/"+string(it.ID))).String()
		o := objs[id]
		require.NotNil(t, o, "item %s", it.ID)
		assert.Equal(t, []any{coordination.MarkingID(it.Label)}, o["object_marking_refs"], "item %s", it.ID)
		if it.Source == "bank" {
			assert.Equal(t, bankID, o["created_by_ref"], "item %s", it.ID)
		}
		assert.Equal(t, fmt.Sprintf("2026-11-25T10:%02d:00.123Z", slices.IndexFunc(c.Items, func(x coordination.Item) bool { return x.ID == it.ID })+1), o["created"], "item %s", it.ID)
	}
	// The observed-data refers to its SCOs.
	for _, o := range b.Objects {
		if o["type"] == "observed-data" {
			assert.Len(t, o["object_refs"], 6)
			assert.EqualValues(t, 42, o["number_observed"])
			for _, r := range asArray(o["object_refs"]) {
				assert.Contains(t, objs, r)
			}
		}
		if o["type"] == "note" {
			assert.Equal(t, []any{caseInc["id"]}, o["object_refs"])
		}
	}
	// The markings are the official ones, verbatim.
	official := officialMarkings(t)
	for _, o := range b.Objects {
		if o["type"] == "marking-definition" {
			assert.Equal(t, official[asString(o["id"])], o)
		}
	}
}

// officialMarkings reads the official TLP 2.0 marking definitions: the one
// of the official example file, and the others as the TLP 2.0 extension
// defines them.
func officialMarkings(t *testing.T) map[string]map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "stix", "tlp2", "tlp-amber+strict.json"))
	require.NoError(t, err)
	b := decodeBundle(t, data)
	out := map[string]map[string]any{}
	strict := b.Objects[0]
	for _, l := range coordination.Labels() {
		name := strings.ToLower(strings.TrimPrefix(l.String(), "TLP:"))
		m := map[string]any{
			"type": "marking-definition", "spec_version": "2.1", "id": coordination.MarkingID(l),
			"created": strict["created"], "name": l.String(),
			"extensions": map[string]any{coordination.TLP2Extension: map[string]any{"extension_type": "property-extension", "tlp_2_0": name}},
		}
		out[coordination.MarkingID(l)] = m
	}
	assert.Equal(t, strict, out[asString(strict["id"])], "the official AMBER+STRICT definition")
	return out
}

func TestExportDeterministic(t *testing.T) {
	dir := stixDirectory(t)
	a := export(t, stixCase(20), dir, coordination.ExportOptions{})
	c := stixCase(20)
	slices.Reverse(c.Items)
	slices.Reverse(c.Participants)
	b := export(t, c, dir, coordination.ExportOptions{})
	assert.Equal(t, string(a), string(b), "same case, same bytes, whatever the order")
	// A different view gives a different bundle id.
	c.Items = c.Items[1:]
	d := export(t, c, dir, coordination.ExportOptions{})
	assert.NotEqual(t, decodeBundle(t, a).ID, decodeBundle(t, d).ID)
}

func TestExportOptionsAndStatus(t *testing.T) {
	dir := stixDirectory(t)
	c := stixCase(0)
	for i := range c.Participants {
		c.Participants[i].Status = coordination.StatusInvited
	}
	core := func(data []byte) map[string]any {
		for _, o := range decodeBundle(t, data).Objects {
			if o["type"] == "incident" && o["name"] == c.Title {
				return asObject(asObject(o["extensions"])[coordination.IncidentCoreExtension])
			}
		}
		t.Fatal("no case incident")
		return nil
	}
	assert.Equal(t, coordination.InvestigationNew, core(export(t, c, dir, coordination.ExportOptions{}))["investigation_status"])
	c.Status, c.Closed = coordination.CaseClosed, stixT0.Add(48*time.Hour)
	got := core(export(t, c, dir, coordination.ExportOptions{Determination: "successful-attempt"}))
	assert.Equal(t, coordination.InvestigationClosed, got["investigation_status"])
	assert.Equal(t, "successful-attempt", got["determination"])

	_, err := coordination.ExportBundle(c, dir, coordination.ExportOptions{Determination: "confirmed"})
	assert.ErrorIs(t, err, coordination.ErrInvalid)
	_, err = coordination.ExportBundle(c, dir, coordination.ExportOptions{CaseLabel: 9})
	assert.ErrorIs(t, err, coordination.ErrInvalid)

	// Without a directory, names fall back to the IDs.
	for _, o := range decodeBundle(t, export(t, c, nil, coordination.ExportOptions{})).Objects {
		if o["type"] == "identity" {
			assert.Contains(t, []any{"csirt", "bank", "cloud", "alice", "bob", "carol"}, o["name"])
		}
	}
}

func TestExportInvalidItems(t *testing.T) {
	dir := stixDirectory(t)
	bad := map[string]func(it *coordination.Item){
		"no label":       func(it *coordination.Item) { it.Label = 0 },
		"unknown kind":   func(it *coordination.Item) { it.Kind = "memo" },
		"no pattern":     func(it *coordination.Item) { it.Indicator = nil },
		"no observables": func(it *coordination.Item) { it.Kind, it.Indicator = coordination.KindObservation, nil },
		"bad observable": func(it *coordination.Item) {
			it.Kind, it.Observed = coordination.KindObservation, &coordination.Observation{Objects: []coordination.Observable{{Type: "mutex", Value: "x"}}}
		},
		"bad hash": func(it *coordination.Item) {
			it.Kind, it.Observed = coordination.KindObservation, &coordination.Observation{Objects: []coordination.Observable{{Type: "file", Value: "abc"}}}
		},
		"no ID":                func(it *coordination.Item) { it.ID = "" },
		"origin not an object": func(it *coordination.Item) { it.Origin = json.RawMessage(`[1]`) },
		"until before from":    func(it *coordination.Item) { it.Indicator.ValidUntil = it.Indicator.ValidFrom.Add(-time.Hour) },
	}
	for name, change := range bad {
		t.Run(name, func(t *testing.T) {
			c := stixCase(0)
			change(&c.Items[0])
			_, err := coordination.ExportBundle(c, dir, coordination.ExportOptions{})
			assert.ErrorIs(t, err, coordination.ErrInvalid)
		})
	}
	_, err := coordination.ExportBundle(nil, dir, coordination.ExportOptions{})
	assert.ErrorIs(t, err, coordination.ErrInvalid)
}

// TestSCOIDsAreTheSpecs: the deterministic SCO ids match the ones of the
// official incident-core example (STIX 2.1 §2.9).
func TestSCOIDsAreTheSpecs(t *testing.T) {
	c := stixCase(0)
	c.Items = []coordination.Item{{ID: "o", Kind: coordination.KindObservation, Label: coordination.TLPClear, Source: "csirt", Created: stixT0,
		Observed: &coordination.Observation{Count: 1, Objects: []coordination.Observable{{Type: "email-addr", Value: "evil@decryptyourstuff.zip"}}}}}
	objs := byID(decodeBundle(t, export(t, c, nil, coordination.ExportOptions{})))
	assert.Contains(t, objs, "email-addr--872bd204-384b-548b-a2d2-24eee3b48fe8")

	// The same value in a TLP:RED observation: one SCO, marked TLP:RED.
	red := c.Items[0]
	red.ID, red.Label = "o-red", coordination.TLPRed
	c.Items = append(c.Items, red)
	objs = byID(decodeBundle(t, export(t, c, nil, coordination.ExportOptions{})))
	assert.Equal(t, []any{coordination.MarkingID(coordination.TLPRed)}, objs["email-addr--872bd204-384b-548b-a2d2-24eee3b48fe8"]["object_marking_refs"])
	c.Items = c.Items[:1]

	// The contributing properties are canonical JSON (RFC 8785): only the
	// quote, the backslash and control characters are escaped (expected
	// id computed independently with Python's json and uuid modules).
	c.Items[0].Observed.Objects = []coordination.Observable{{Type: "domain-name", Value: "a\"b\\c\n\t\x01é<>&\u2028"}}
	objs = byID(decodeBundle(t, export(t, c, nil, coordination.ExportOptions{})))
	assert.Contains(t, objs, "domain-name--b53d21f1-4437-59b5-aa01-aef1c85c67ca")
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "stix", filepath.FromSlash(name)))
	require.NoError(t, err)
	return data
}

// officialFiles are the official files that import, with the fields of
// the warnings they give.
var officialFiles = map[string][]string{
	"examples/indicator-for-c2-ip-address.json":               nil,
	"examples/indicator-to-campaign-relationship.json":        nil,
	"examples/indicators-for-C2-with-COA.json":                nil,
	"examples/infrastructure.json":                            nil,
	"examples/interop-objectmarking-test.json":                {"type"},
	"examples/malicious-email-indicator-with-attachment.json": nil,
	"examples/threat-reports/apt1.json":                       nil,
	"examples/threat-reports/poisonivy.json":                  nil,
	"incident_ransom.json":                                    {"extensions." + coordination.IncidentCoreExtension + ".determination"},
	"tlp2/tlp-amber+strict.json":                              nil,
}

func TestImportOfficialFiles(t *testing.T) {
	for name, warnings := range officialFiles {
		t.Run(name, func(t *testing.T) {
			imp, err := coordination.ImportBundle(readTestdata(t, name), coordination.ImportOptions{})
			require.NoError(t, err)
			var fields []string
			for _, w := range imp.Warnings {
				fields = append(fields, w.Field)
			}
			assert.Equal(t, warnings, fields, "%v", imp.Warnings)
			assertNothingLost(t, readTestdata(t, name), imp)
		})
	}
}

// assertNothingLost: every object of the input is in exactly one place of
// the import, byte-equivalent as JSON.
func assertNothingLost(t *testing.T, data []byte, imp *coordination.Imported) {
	t.Helper()
	var in []json.RawMessage
	var b struct {
		Type    string            `json:"type"`
		Objects []json.RawMessage `json:"objects"`
	}
	require.NoError(t, json.Unmarshal(data, &b))
	if b.Type == "bundle" || b.Objects != nil {
		in = b.Objects
	} else {
		in = []json.RawMessage{data}
	}
	var out []json.RawMessage
	for _, it := range imp.Items {
		require.NotNil(t, it.Origin, it.ID)
		out = append(out, it.Origin)
	}
	out = append(out, imp.Kept()...)
	require.Len(t, out, len(in))
	norm := func(raws []json.RawMessage) []string {
		s := make([]string, len(raws))
		for i, r := range raws {
			var buf bytes.Buffer
			require.NoError(t, json.Compact(&buf, r))
			s[i] = buf.String()
		}
		slices.Sort(s)
		return s
	}
	assert.Equal(t, norm(in), norm(out))
}

func TestImportRansomIncident(t *testing.T) {
	imp, err := coordination.ImportBundle(readTestdata(t, "incident_ransom.json"), coordination.ImportOptions{})
	require.NoError(t, err)
	require.Len(t, imp.Incidents, 1)
	assert.Equal(t, coordination.ImportedIncident{Item: "incident--b754abee-6de5-4b4e-8125-8dab1ca199fe", Determination: "confirmed", InvestigationStatus: "closed"}, imp.Incidents[0])
	assert.Equal(t, "confirmed", imp.Warnings[0].Value)
	kinds := map[coordination.ItemKind]int{}
	for _, it := range imp.Items {
		kinds[it.Kind]++
		assert.Equal(t, coordination.TLPAmber, it.Label, "unmarked: the default label")
	}
	assert.Equal(t, map[coordination.ItemKind]int{coordination.KindSummary: 1, coordination.KindObservation: 2}, kinds)
	// The email address is read; the user-account is kept but not an Observable.
	var obs []coordination.Observable
	for _, it := range imp.Items {
		if it.Observed != nil {
			obs = append(obs, it.Observed.Objects...)
		}
	}
	assert.Equal(t, []coordination.Observable{{Type: "email-addr", Value: "evil@decryptyourstuff.zip"}}, obs)
	// Unknown extension properties are kept in the origin.
	assert.Contains(t, string(imp.Items[0].Origin), `"next_steps"`)
}

func TestImportTLP2GreenInvalidTimestamp(t *testing.T) {
	_, err := coordination.ImportBundle(readTestdata(t, "tlp2/using-tlp2.0-green.json"), coordination.ImportOptions{})
	require.ErrorIs(t, err, coordination.ErrInvalid)
	var ie *coordination.ImportError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, 2, ie.Index)
	assert.Equal(t, "relationship--1621d4d4-b67d-11e3-9670-f01faf20d111", ie.Object)
	assert.Equal(t, "created", ie.Field)
	assert.Contains(t, err.Error(), "2022-101-27")
}

func TestImportMapping(t *testing.T) {
	dir := stixDirectory(t)
	c := stixCase(0)
	imp, err := coordination.ImportBundle(export(t, c, dir, coordination.ExportOptions{}), coordination.ImportOptions{})
	require.NoError(t, err)
	assert.Empty(t, imp.Warnings)
	require.Len(t, imp.Items, len(c.Items)+1, "the items and the case incident")
	assert.Len(t, imp.Organisations, 3)
	assert.Len(t, imp.People, 3)
	assert.Len(t, imp.Markings, 5)
	orgName := map[coordination.OrgID]string{}
	for _, o := range imp.Organisations {
		orgName[o.ID] = o.Name
	}
	for _, p := range imp.People {
		assert.NotEmpty(t, orgName[p.Org], "person %s has an imported organisation", p.Name)
	}
	byTitle := map[string]coordination.Item{}
	for _, it := range imp.Items {
		byTitle[it.Created.Format(time.RFC3339Nano)] = it
	}
	for _, want := range c.Items {
		got, ok := byTitle[want.Created.Truncate(time.Millisecond).Format(time.RFC3339Nano)]
		require.True(t, ok, "item %s", want.ID)
		assert.Equal(t, want.Kind, got.Kind, "item %s", want.ID)
		assert.Equal(t, want.Label, got.Label, "item %s", want.ID)
		assert.Equal(t, orgName[got.Source], map[coordination.OrgID]string{"bank": "Example Bank", "cloud": "Cloud & Co <Ltd>", "csirt": "National CSIRT"}[want.Source], "item %s", want.ID)
		assert.True(t, want.Created.Truncate(time.Millisecond).Equal(got.Created), "item %s", want.ID)
		if want.Indicator != nil {
			assert.Equal(t, want.Indicator.Pattern, got.Indicator.Pattern)
			assert.Equal(t, "stix", got.Indicator.PatternType)
			assert.Equal(t, want.Indicator.Types, got.Indicator.Types)
		}
		if want.Observed != nil {
			assert.ElementsMatch(t, want.Observed.Objects, got.Observed.Objects)
			assert.Equal(t, want.Observed.Count, got.Observed.Count)
		}
	}
	require.Len(t, imp.Incidents, 2)
	for _, inc := range imp.Incidents {
		assert.Equal(t, "suspected", inc.Determination)
		assert.Equal(t, "open", inc.InvestigationStatus)
	}
}

func TestRoundTrip(t *testing.T) {
	dir := stixDirectory(t)
	c := stixCase(10)
	first := export(t, c, dir, coordination.ExportOptions{})
	imp, err := coordination.ImportBundle(first, coordination.ImportOptions{})
	require.NoError(t, err)
	assertNothingLost(t, first, imp)

	again := *c
	again.Items = imp.Items
	second := export(t, &again, dir, coordination.ExportOptions{Extra: imp.Kept()})
	assert.Equal(t, string(first), string(second), "export → import → export is stable")

	imp2, err := coordination.ImportBundle(second, coordination.ImportOptions{})
	require.NoError(t, err)
	assert.Equal(t, imp, imp2)

	// Imported items alone (without Kept) still export: the origins travel
	// unchanged.
	alone := &coordination.Case{ID: "other", Title: "Receiver", Status: coordination.CaseOpen, Opened: stixT0, Items: imp.Items}
	objs := byID(decodeBundle(t, export(t, alone, nil, coordination.ExportOptions{})))
	for _, it := range imp.Items {
		var o map[string]any
		require.NoError(t, json.Unmarshal(it.Origin, &o))
		assert.Equal(t, o, objs[string(it.ID)])
	}
}

// TestExportNeverWeakensALabel: an unmarked imported object gets the
// default label's marking on export; a marked one keeps its marking.
func TestExportNeverWeakensALabel(t *testing.T) {
	imp, err := coordination.ImportBundle(readTestdata(t, "examples/indicator-for-c2-ip-address.json"), coordination.ImportOptions{DefaultLabel: coordination.TLPRed})
	require.NoError(t, err)
	require.Len(t, imp.Items, 1)
	assert.Equal(t, coordination.TLPRed, imp.Items[0].Label)
	c := &coordination.Case{ID: "c", Title: "t", Status: coordination.CaseOpen, Opened: stixT0, Items: imp.Items}
	objs := byID(decodeBundle(t, export(t, c, nil, coordination.ExportOptions{})))
	ind := objs["indicator--33fe3b22-0201-47cf-85d0-97c02164528d"]
	assert.Equal(t, []any{coordination.MarkingID(coordination.TLPRed)}, ind["object_marking_refs"])
	assert.Contains(t, objs, coordination.MarkingID(coordination.TLPRed))
	assert.Equal(t, "IP Address for known C2 channel", ind["name"], "the rest is unchanged")
}

func TestImportLabels(t *testing.T) {
	const (
		white  = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
		red1   = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
		custom = "marking-definition--4c5f3e2a-1b2c-4d3e-8f40-5a6b7c8d9e0f"
	)
	cases := []struct {
		refs []string
		opts coordination.ImportOptions
		want coordination.Label
	}{
		{nil, coordination.ImportOptions{}, coordination.TLPAmber},
		{nil, coordination.ImportOptions{DefaultLabel: coordination.TLPGreen}, coordination.TLPGreen},
		{[]string{white}, coordination.ImportOptions{}, coordination.TLPClear},
		{[]string{custom}, coordination.ImportOptions{}, coordination.TLPAmber},
		{[]string{white, coordination.MarkingID(coordination.TLPAmberStrict), coordination.MarkingID(coordination.TLPGreen)}, coordination.ImportOptions{}, coordination.TLPAmberStrict},
		{[]string{coordination.MarkingID(coordination.TLPAmberStrict), red1}, coordination.ImportOptions{}, coordination.TLPRed},
	}
	for _, tc := range cases {
		obj := map[string]any{
			"type": "note", "spec_version": "2.1", "id": "note--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
			"created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
			"content": "x", "object_refs": []string{"incident--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"},
		}
		if tc.refs != nil {
			obj["object_marking_refs"] = tc.refs
		}
		imp, err := coordination.ImportBundle(bundleOf(t, obj), tc.opts)
		require.NoError(t, err)
		assert.Equal(t, tc.want, imp.Items[0].Label, "%v", tc.refs)
	}
	_, err := coordination.ImportBundle(bundleOf(t), coordination.ImportOptions{DefaultLabel: 7})
	assert.ErrorIs(t, err, coordination.ErrInvalid)
	for _, l := range coordination.Labels() {
		got, ok := coordination.MarkingLabel(coordination.MarkingID(l))
		assert.True(t, ok)
		assert.Equal(t, l, got)
	}
	assert.Empty(t, coordination.MarkingID(0))
}

func bundleOf(t testing.TB, objs ...map[string]any) []byte {
	t.Helper()
	if objs == nil {
		objs = []map[string]any{}
	}
	data, err := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982", "objects": objs})
	require.NoError(t, err)
	return data
}

func TestImportMalformed(t *testing.T) {
	good := func() map[string]any {
		return map[string]any{
			"type": "indicator", "spec_version": "2.1", "id": "indicator--33fe3b22-0201-47cf-85d0-97c02164528d",
			"created": "2014-05-08T09:00:00.000Z", "modified": "2014-05-08T09:00:00.000Z",
			"pattern": "[ipv4-addr:value = '10.0.0.0']", "pattern_type": "stix", "valid_from": "2014-05-08T09:00:00Z",
		}
	}
	const indID = "indicator--33fe3b22-0201-47cf-85d0-97c02164528d"
	objCases := []struct {
		name   string
		change func(o map[string]any)
		object string
		field  string
	}{
		{"missing type", func(o map[string]any) { delete(o, "type") }, "", "type"},
		{"bad type", func(o map[string]any) { o["type"] = "Indicator" }, "", "type"},
		{"missing id", func(o map[string]any) { delete(o, "id") }, "indicator", "id"},
		{"id of another type", func(o map[string]any) { o["id"] = "malware--33fe3b22-0201-47cf-85d0-97c02164528d" }, "indicator", "id"},
		{"id not a uuid", func(o map[string]any) { o["id"] = "indicator--33fe3b22" }, "indicator", "id"},
		{"id uuid version 0", func(o map[string]any) { o["id"] = "indicator--33fe3b22-0201-07cf-85d0-97c02164528d" }, "indicator", "id"},
		{"wrong spec_version", func(o map[string]any) { o["spec_version"] = "2.0" }, indID, "spec_version"},
		{"missing spec_version", func(o map[string]any) { delete(o, "spec_version") }, indID, "spec_version"},
		{"missing created", func(o map[string]any) { delete(o, "created") }, indID, "created"},
		{"bad created", func(o map[string]any) { o["created"] = "2022-101-27T13:49:54.326Z" }, indID, "created"},
		{"created not UTC", func(o map[string]any) { o["created"] = "2014-05-08T09:00:00+02:00" }, indID, "created"},
		{"created February 30", func(o map[string]any) { o["created"] = "2014-02-30T09:00:00.000Z" }, indID, "created"},
		{"modified a number", func(o map[string]any) { o["modified"] = 12 }, indID, "modified"},
		{"no pattern", func(o map[string]any) { delete(o, "pattern") }, indID, "pattern"},
		{"no valid_from", func(o map[string]any) { delete(o, "valid_from") }, indID, "valid_from"},
		{"valid_until before", func(o map[string]any) { o["valid_until"] = "2013-01-01T00:00:00Z" }, indID, "valid_until"},
		{"bad indicator_types", func(o map[string]any) { o["indicator_types"] = "malicious" }, indID, "indicator_types"},
		{"bad created_by_ref", func(o map[string]any) { o["created_by_ref"] = "campaign--33fe3b22-0201-47cf-85d0-97c02164528d" }, indID, "created_by_ref"},
		{"bad marking ref", func(o map[string]any) { o["object_marking_refs"] = []string{"tlp:red"} }, indID, "object_marking_refs"},
		{"observed-data without count", func(o map[string]any) {
			o["type"], o["id"] = "observed-data", "observed-data--33fe3b22-0201-47cf-85d0-97c02164528d"
			o["first_observed"], o["last_observed"], o["object_refs"] = "2014-05-08T09:00:00Z", "2014-05-08T09:00:00Z", []string{"url--33fe3b22-0201-47cf-85d0-97c02164528d"}
		}, "observed-data--33fe3b22-0201-47cf-85d0-97c02164528d", "number_observed"},
		{"observed-data without refs", func(o map[string]any) {
			o["type"], o["id"] = "observed-data", "observed-data--33fe3b22-0201-47cf-85d0-97c02164528d"
			o["first_observed"], o["last_observed"], o["number_observed"] = "2014-05-08T09:00:00Z", "2014-05-08T09:00:00Z", 1
		}, "observed-data--33fe3b22-0201-47cf-85d0-97c02164528d", "object_refs"},
		{"note without content", func(o map[string]any) {
			o["type"], o["id"], o["object_refs"] = "note", "note--33fe3b22-0201-47cf-85d0-97c02164528d", []string{indID}
		}, "note--33fe3b22-0201-47cf-85d0-97c02164528d", "content"},
		{"incident without name", func(o map[string]any) {
			o["type"], o["id"] = "incident", "incident--33fe3b22-0201-47cf-85d0-97c02164528d"
		}, "incident--33fe3b22-0201-47cf-85d0-97c02164528d", "name"},
	}
	for _, tc := range objCases {
		t.Run(tc.name, func(t *testing.T) {
			o := good()
			tc.change(o)
			_, err := coordination.ImportBundle(bundleOf(t, map[string]any{
				"type": "identity", "spec_version": "2.1", "id": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
				"created": "2016-05-12T08:17:27.000Z", "modified": "2016-05-12T08:17:27.000Z", "name": "Someone", "identity_class": "organization",
			}, o), coordination.ImportOptions{})
			require.ErrorIs(t, err, coordination.ErrInvalid)
			var ie *coordination.ImportError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, 1, ie.Index)
			assert.Equal(t, tc.object, ie.Object)
			assert.Equal(t, tc.field, ie.Field)
		})
	}

	bundleCases := []struct {
		name, data, field string
	}{
		{"not JSON", `{"type":"bundle",`, ""},
		{"trailing garbage", `{"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[]} x`, ""},
		{"not an object", `[1,2]`, ""},
		{"no type", `{"objects":[]}`, "type"},
		{"type not a string", `{"type":1,"id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[]}`, "type"},
		{"bad bundle id", `{"type":"bundle","id":"bundle--1","objects":[]}`, "id"},
		{"no objects", `{"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982"}`, "objects"},
		{"objects not an array", `{"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":{}}`, "objects"},
	}
	for _, tc := range bundleCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := coordination.ImportBundle([]byte(tc.data), coordination.ImportOptions{})
			require.ErrorIs(t, err, coordination.ErrInvalid)
			var ie *coordination.ImportError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, -1, ie.Index)
			assert.Equal(t, tc.field, ie.Field)
		})
	}
	_, err := coordination.ImportBundle([]byte(`{"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[7]}`), coordination.ImportOptions{})
	var ie *coordination.ImportError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, 0, ie.Index)
	assert.True(t, errors.Is(err, coordination.ErrInvalid))
}

func TestImportWarnings(t *testing.T) {
	imp, err := coordination.ImportBundle(bundleOf(t,
		map[string]any{
			"type": "indicator", "spec_version": "2.1", "id": "indicator--33fe3b22-0201-47cf-85d0-97c02164528d",
			"created": "2014-05-08T09:00:00.000Z", "modified": "2014-05-08T09:00:00.000Z", "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
			"pattern": "[ipv4-addr:value = '10.0.0.0']", "valid_from": "2014-05-08T09:00:00Z",
		},
		map[string]any{
			"type": "observed-data", "spec_version": "2.1", "id": "observed-data--33fe3b22-0201-47cf-85d0-97c02164528d",
			"created": "2014-05-08T09:00:00.000Z", "modified": "2014-05-08T09:00:00.000Z",
			"first_observed": "2014-05-08T09:00:00Z", "last_observed": "2014-05-08T09:00:00Z", "number_observed": 3,
			"object_refs": []string{"ipv4-addr--33fe3b22-0201-47cf-85d0-97c02164528d"},
		},
		map[string]any{
			"type": "incident", "spec_version": "2.1", "id": "incident--33fe3b22-0201-47cf-85d0-97c02164528d",
			"created": "2014-05-08T09:00:00.000Z", "modified": "2014-05-08T09:00:00.000Z", "name": "x",
			"extensions": map[string]any{coordination.IncidentCoreExtension: map[string]any{"extension_type": "property-extension", "x_extra": 1}},
		},
	), coordination.ImportOptions{})
	require.NoError(t, err)
	var fields []string
	for _, w := range imp.Warnings {
		fields = append(fields, w.Field)
		assert.NotEmpty(t, w.String())
	}
	core := "extensions." + coordination.IncidentCoreExtension + "."
	assert.Equal(t, []string{"created_by_ref", "pattern_type", "object_refs", core + "determination", core + "investigation_status"}, fields)
	assert.Equal(t, coordination.OrgID("identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"), imp.Items[0].Source)
	assert.Contains(t, string(imp.Items[2].Origin), `"x_extra":1`, "unknown extension properties are kept")
}

func BenchmarkExportBundle(b *testing.B) {
	dir := stixDirectory(b)
	c := stixCase(93) // 100 items
	b.ReportAllocs()
	for b.Loop() {
		if _, err := coordination.ExportBundle(c, dir, coordination.ExportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImportBundle(b *testing.B) {
	data := export(b, stixCase(93), stixDirectory(b), coordination.ExportOptions{})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := coordination.ImportBundle(data, coordination.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestImportBundleWithoutType: the official TLP 2.0 example, its timestamp
// corrected, imports with a warning for its missing bundle type.
func TestImportBundleWithoutType(t *testing.T) {
	data := bytes.Replace(readTestdata(t, "tlp2/using-tlp2.0-green.json"), []byte("2022-101-27"), []byte("2022-10-27"), 1)
	imp, err := coordination.ImportBundle(data, coordination.ImportOptions{})
	require.NoError(t, err)
	require.Len(t, imp.Warnings, 1)
	assert.Equal(t, "type", imp.Warnings[0].Field)
	assert.Equal(t, "bundle--161f8ade-b67d-11e3-b8af-f01faf20d111", imp.BundleID)
	assert.Len(t, imp.Unmapped, 3, "an identity without a class, a threat actor, a relationship")
	assertNothingLost(t, data, imp)
}

// asString, asObject and asArray assert the type of generic JSON values.
func asString(v any) string {
	s, _ := v.(string)
	return s
}

func asObject(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asArray(v any) []any {
	a, _ := v.([]any)
	return a
}

// TestImportEmbeddedObservables: STIX 2.0-style observed-data with an
// objects dictionary (deprecated in 2.1 §4.9) still gives its values.
func TestImportEmbeddedObservables(t *testing.T) {
	imp, err := coordination.ImportBundle(bundleOf(t, map[string]any{
		"type": "observed-data", "spec_version": "2.1", "id": "observed-data--33fe3b22-0201-47cf-85d0-97c02164528d",
		"created": "2014-05-08T09:00:00.000Z", "modified": "2014-05-08T09:00:00.000Z",
		"first_observed": "2014-05-08T09:00:00Z", "last_observed": "2014-05-09T09:00:00Z", "number_observed": 2,
		"objects": map[string]any{
			"1": map[string]any{"type": "file", "hashes": map[string]any{"SHA-256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}},
			"0": map[string]any{"type": "ipv4-addr", "value": "10.0.0.1"},
			"2": map[string]any{"type": "mutex", "name": "m"},
		},
	}), coordination.ImportOptions{})
	require.NoError(t, err)
	require.Len(t, imp.Items, 1)
	assert.Equal(t, []coordination.Observable{
		{Type: "ipv4-addr", Value: "10.0.0.1"},
		{Type: "file", Value: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	}, imp.Items[0].Observed.Objects)
	assert.Equal(t, 2, imp.Items[0].Observed.Count)

	for field, bad := range map[string]map[string]any{
		"objects":       {"objects": "nope"},
		"last_observed": {"last_observed": "2014-05-07T09:00:00Z", "object_refs": []string{"url--33fe3b22-0201-47cf-85d0-97c02164528d"}},
		"object_refs":   {"object_refs": "url--33fe3b22-0201-47cf-85d0-97c02164528d"},
	} {
		o := map[string]any{
			"type": "observed-data", "spec_version": "2.1", "id": "observed-data--33fe3b22-0201-47cf-85d0-97c02164528d",
			"created": "2014-05-08T09:00:00.000Z", "modified": "2014-05-08T09:00:00.000Z",
			"first_observed": "2014-05-08T09:00:00Z", "last_observed": "2014-05-09T09:00:00Z", "number_observed": 2,
		}
		for k, v := range bad {
			o[k] = v
		}
		_, err := coordination.ImportBundle(bundleOf(t, o), coordination.ImportOptions{})
		var ie *coordination.ImportError
		require.ErrorAs(t, err, &ie, field)
		assert.Equal(t, field, ie.Field)
	}
}

// stixObj is a minimal SDO of a type with an id suffix and markings.
func stixObj(typ, uuid string, props map[string]any) map[string]any {
	o := map[string]any{
		"type": typ, "spec_version": "2.1", "id": typ + "--" + uuid,
		"created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z", "name": typ + "-" + uuid[:4],
	}
	for k, v := range props {
		o[k] = v
	}
	return o
}

func rawObjects(t testing.TB, objs ...map[string]any) []json.RawMessage {
	t.Helper()
	out := make([]json.RawMessage, len(objs))
	for i, o := range objs {
		data, err := json.Marshal(o)
		require.NoError(t, err)
		out[i] = data
	}
	return out
}

const (
	tlp1White     = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
	customClearID = "marking-definition--11111111-2222-4333-8444-555555555555"
	customRedID   = "marking-definition--66666666-7777-4888-8999-aaaaaaaaaaaa"
	customAmberV1 = "marking-definition--bbbbbbbb-cccc-4ddd-8eee-ffffffffffff"
	unknownMarkID = "marking-definition--12345678-1234-4234-8234-123456789abc"
)

// customTLP2 is a TLP 2.0 marking definition with a non-standard id.
func customTLP2(id, tlp string) map[string]any {
	return map[string]any{
		"type": "marking-definition", "spec_version": "2.1", "id": id, "created": "2022-10-01T00:00:00.000Z",
		"name":       "TLP:" + strings.ToUpper(tlp),
		"extensions": map[string]any{coordination.TLP2Extension: map[string]any{"extension_type": "property-extension", "tlp_2_0": tlp}},
	}
}

// TestExportViewFiltersExtra: Extra objects reach a view only when
// TLP:CLEAR, or TLP:GREEN for a viewer in the case's community; a whole
// case export trusts Extra.
func TestExportViewFiltersExtra(t *testing.T) {
	extra := rawObjects(t,
		stixObj("malware", "0a000000-0000-4000-8000-000000000001", map[string]any{"is_family": false, "object_marking_refs": []string{coordination.MarkingID(coordination.TLPRed)}}),
		stixObj("campaign", "0a000000-0000-4000-8000-000000000002", map[string]any{"object_marking_refs": []string{coordination.MarkingID(coordination.TLPGreen)}}),
		stixObj("tool", "0a000000-0000-4000-8000-000000000003", map[string]any{"object_marking_refs": []string{tlp1White}}),
		stixObj("attack-pattern", "0a000000-0000-4000-8000-000000000004", nil),
		stixObj("identity", "0a000000-0000-4000-8000-000000000005", map[string]any{"identity_class": "organization", "object_marking_refs": []string{coordination.MarkingID(coordination.TLPAmber)}}),
		stixObj("infrastructure", "0a000000-0000-4000-8000-000000000006", map[string]any{
			"object_marking_refs": []string{coordination.MarkingID(coordination.TLPClear)},
			"granular_markings":   []map[string]any{{"marking_ref": coordination.MarkingID(coordination.TLPRed), "selectors": []string{"name"}}},
		}),
		stixObj("threat-actor", "0a000000-0000-4000-8000-000000000007", map[string]any{"object_marking_refs": []string{customClearID}}),
		stixObj("intrusion-set", "0a000000-0000-4000-8000-000000000008", map[string]any{"object_marking_refs": []string{customRedID}}),
		customTLP2(customClearID, "clear"),
		customTLP2(customRedID, "red"),
	)
	inCommunity := []string{"campaign", "tool", "threat-actor", customClearID}
	outsider := []string{"tool", "threat-actor", customClearID}
	never := []string{"malware", "attack-pattern", "identity--0a", "infrastructure", "intrusion-set", customRedID}

	c := stixCase(0)
	c.Holdings = []coordination.Holding{{Item: "i-url", Person: "bob", At: stixT0}}
	check := func(t *testing.T, dir *coordination.Directory, want []string) {
		t.Helper()
		data, err := c.ExportView(dir, "bob", coordination.ExportOptions{Extra: extra})
		require.NoError(t, err)
		s := string(data)
		for _, w := range want {
			assert.Contains(t, s, `"`+w, "kept")
		}
		for _, n := range never {
			assert.NotContains(t, s, `"`+n, "left out of the view")
		}
		assert.NotContains(t, s, coordination.MarkingID(coordination.TLPRed))
	}
	t.Run("in community", func(t *testing.T) { check(t, stixDirectory(t), inCommunity) })
	t.Run("outside community", func(t *testing.T) {
		dir, err := coordination.NewDirectory(
			[]coordination.Organisation{{ID: "csirt", Name: "National CSIRT"}, {ID: "bank", Name: "Example Bank"}, {ID: "cloud", Name: "Cloud"}},
			[]coordination.Person{{ID: "alice", Org: "csirt"}, {ID: "bob", Org: "bank"}, {ID: "carol", Org: "cloud"}},
			[]coordination.Community{{ID: "fin-isac", Name: "Financial ISAC"}},
		)
		require.NoError(t, err)
		check(t, dir, outsider)
		data, err := c.ExportView(dir, "bob", coordination.ExportOptions{Extra: extra})
		require.NoError(t, err)
		assert.NotContains(t, string(data), `"campaign`)
	})
	t.Run("whole case trusts Extra", func(t *testing.T) {
		s := string(export(t, c, stixDirectory(t), coordination.ExportOptions{Extra: extra}))
		for _, w := range append(inCommunity, never...) {
			assert.Contains(t, s, `"`+w)
		}
	})
	t.Run("malformed extra", func(t *testing.T) {
		_, err := c.ExportView(stixDirectory(t), "bob", coordination.ExportOptions{Extra: []json.RawMessage{json.RawMessage(`[1]`)}})
		require.ErrorIs(t, err, coordination.ErrInvalid)
	})
}

// TestImportNonStandardTLPMarkings: any TLP 2.0 or TLP 1.0 marking
// definition of the bundle labels what refers to it, whatever its id.
func TestImportNonStandardTLPMarkings(t *testing.T) {
	amberV1 := map[string]any{
		"type": "marking-definition", "spec_version": "2.1", "id": customAmberV1, "created": "2017-01-20T00:00:00.000Z",
		"definition_type": "tlp", "definition": map[string]any{"tlp": "amber"},
	}
	note := func(uuid string, refs ...string) map[string]any {
		return stixObj("note", uuid, map[string]any{"content": "x", "object_refs": []string{"incident--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"}, "object_marking_refs": refs})
	}
	data := bundleOf(t,
		customTLP2(customRedID, "red"), amberV1, customTLP2(customClearID, "clear"),
		note("0b000000-0000-4000-8000-000000000001", customRedID),
		note("0b000000-0000-4000-8000-000000000002", customAmberV1),
		note("0b000000-0000-4000-8000-000000000003", customClearID),
		note("0b000000-0000-4000-8000-000000000004", customClearID, coordination.MarkingID(coordination.TLPGreen)),
	)
	imp, err := coordination.ImportBundle(data, coordination.ImportOptions{DefaultLabel: coordination.TLPGreen})
	require.NoError(t, err)
	assertNothingLost(t, data, imp)
	labels := make([]coordination.Label, len(imp.Items))
	for i, it := range imp.Items {
		labels[i] = it.Label
	}
	assert.Equal(t, []coordination.Label{coordination.TLPRed, coordination.TLPAmber, coordination.TLPClear, coordination.TLPGreen}, labels)
	require.Len(t, imp.Markings, 3)
	assert.Equal(t, coordination.TLPRed, imp.Markings[0].Label)
	assert.Equal(t, coordination.TLPAmber, imp.Markings[1].Label)
	assert.Empty(t, imp.Unmapped)
	var ids []string
	for _, w := range imp.Warnings {
		assert.Equal(t, "id", w.Field)
		assert.Contains(t, w.Message, "non-standard id")
		ids = append(ids, w.Object)
	}
	assert.Equal(t, []string{customRedID, customAmberV1, customClearID}, ids)

	// A standard id defining another label reads as the stricter.
	lying := customTLP2(coordination.MarkingID(coordination.TLPClear), "red")
	imp, err = coordination.ImportBundle(bundleOf(t, lying, note("0b000000-0000-4000-8000-000000000005", coordination.MarkingID(coordination.TLPClear))), coordination.ImportOptions{})
	require.NoError(t, err)
	assert.Equal(t, coordination.TLPRed, imp.Items[0].Label)
	require.Len(t, imp.Warnings, 1)
}

// TestImportGranularMarkings: granular TLP markings label the whole item
// with the strictest label; unknown refs are warned of and kept.
func TestImportGranularMarkings(t *testing.T) {
	gm := func(ref string, sel ...string) map[string]any {
		return map[string]any{"marking_ref": ref, "selectors": sel}
	}
	note := func(props map[string]any) map[string]any {
		p := map[string]any{"content": "x", "object_refs": []string{"incident--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"}}
		for k, v := range props {
			p[k] = v
		}
		return stixObj("note", "0c000000-0000-4000-8000-000000000001", p)
	}
	cases := []struct {
		name     string
		props    map[string]any
		want     coordination.Label
		warnings []string
	}{
		{"granular red over object green", map[string]any{
			"object_marking_refs": []string{coordination.MarkingID(coordination.TLPGreen)},
			"granular_markings":   []any{gm(coordination.MarkingID(coordination.TLPRed), "content")},
		}, coordination.TLPRed, []string{"granular_markings"}},
		{"granular only", map[string]any{
			"granular_markings": []any{gm(tlp1White, "content"), gm(coordination.MarkingID(coordination.TLPGreen), "abstract")},
		}, coordination.TLPGreen, []string{"granular_markings"}},
		{"granular weaker than object", map[string]any{
			"object_marking_refs": []string{coordination.MarkingID(coordination.TLPAmberStrict)},
			"granular_markings":   []any{gm(coordination.MarkingID(coordination.TLPClear), "content"), map[string]any{"lang": "fr", "selectors": []string{"content"}}},
		}, coordination.TLPAmberStrict, []string{"granular_markings"}},
		{"unknown object ref", map[string]any{
			"object_marking_refs": []string{unknownMarkID},
		}, coordination.TLPAmber, []string{"object_marking_refs"}},
		{"unknown granular ref", map[string]any{
			"object_marking_refs": []string{coordination.MarkingID(coordination.TLPClear)},
			"granular_markings":   []any{gm(unknownMarkID, "content")},
		}, coordination.TLPClear, []string{"granular_markings"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := bundleOf(t, note(tc.props))
			imp, err := coordination.ImportBundle(data, coordination.ImportOptions{})
			require.NoError(t, err)
			assertNothingLost(t, data, imp)
			assert.Equal(t, tc.want, imp.Items[0].Label)
			var fields []string
			for _, w := range imp.Warnings {
				fields = append(fields, w.Field)
			}
			assert.Equal(t, tc.warnings, fields, "%v", imp.Warnings)
		})
	}
	// The unknown ref stays in the origin.
	imp, err := coordination.ImportBundle(bundleOf(t, note(map[string]any{"object_marking_refs": []string{unknownMarkID}})), coordination.ImportOptions{})
	require.NoError(t, err)
	assert.Contains(t, string(imp.Items[0].Origin), unknownMarkID)
	require.NotEmpty(t, imp.Warnings)
	assert.Equal(t, unknownMarkID, imp.Warnings[0].Value)

	for name, bad := range map[string]any{
		"not a list":      "red",
		"ref not an id":   []any{gm("tlp:red", "content")},
		"no ref nor lang": []any{map[string]any{"selectors": []string{"content"}}},
		"no selectors":    []any{map[string]any{"marking_ref": coordination.MarkingID(coordination.TLPRed)}},
		"ref a number":    []any{map[string]any{"marking_ref": 7, "selectors": []string{"content"}}},
	} {
		_, err := coordination.ImportBundle(bundleOf(t, note(map[string]any{"granular_markings": bad})), coordination.ImportOptions{})
		var ie *coordination.ImportError
		require.ErrorAs(t, err, &ie, name)
		assert.Equal(t, "granular_markings", ie.Field, name)
	}

	// Re-exported, the item carries its label at object level: stable.
	data := bundleOf(t, note(cases[0].props))
	imp, err = coordination.ImportBundle(data, coordination.ImportOptions{})
	require.NoError(t, err)
	c := &coordination.Case{ID: "c", Title: "t", Status: coordination.CaseOpen, Opened: stixT0, Items: imp.Items}
	first := export(t, c, nil, coordination.ExportOptions{})
	ind := byID(decodeBundle(t, first))["note--0c000000-0000-4000-8000-000000000001"]
	assert.Contains(t, asArray(ind["object_marking_refs"]), coordination.MarkingID(coordination.TLPRed))
	imp2, err := coordination.ImportBundle(first, coordination.ImportOptions{})
	require.NoError(t, err)
	c.Items = imp2.Items
	assert.Equal(t, string(first), string(export(t, c, nil, coordination.ExportOptions{})))
}

// TestExportBumpsModifiedWhenAddingMarking: a stricter marking added to
// an origin is a new version of the object (STIX 2.1 §3.6).
func TestExportBumpsModifiedWhenAddingMarking(t *testing.T) {
	imp, err := coordination.ImportBundle(bundleOf(t, stixObj("note", "0d000000-0000-4000-8000-000000000001", map[string]any{
		"content": "x", "object_refs": []string{"incident--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"},
		"object_marking_refs": []string{unknownMarkID, coordination.MarkingID(coordination.TLPGreen)},
	})), coordination.ImportOptions{})
	require.NoError(t, err)
	require.Len(t, imp.Items, 1)
	it := imp.Items[0]
	assert.Equal(t, coordination.TLPGreen, it.Label)

	it.Label = coordination.TLPRed
	c := &coordination.Case{ID: "c", Title: "t", Status: coordination.CaseOpen, Opened: stixT0, Items: []coordination.Item{it}}
	obj := byID(decodeBundle(t, export(t, c, nil, coordination.ExportOptions{})))["note--0d000000-0000-4000-8000-000000000001"]
	assert.Equal(t, "2026-01-01T00:00:00.001Z", obj["modified"], "original modified + 1 ms")
	assert.Equal(t, "2026-01-01T00:00:00.000Z", obj["created"])
	refs := []string{unknownMarkID, coordination.MarkingID(coordination.TLPGreen), coordination.MarkingID(coordination.TLPRed)}
	slices.Sort(refs)
	assert.Equal(t, []any{refs[0], refs[1], refs[2]}, obj["object_marking_refs"], "sorted")

	// An item created later than the original's modified: its time.
	it.Created = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c.Items = []coordination.Item{it}
	obj = byID(decodeBundle(t, export(t, c, nil, coordination.ExportOptions{})))["note--0d000000-0000-4000-8000-000000000001"]
	assert.Equal(t, "2026-03-01T12:00:00.000Z", obj["modified"])

	// Unchanged object: unchanged modified.
	it.Label = coordination.TLPGreen
	c.Items = []coordination.Item{it}
	obj = byID(decodeBundle(t, export(t, c, nil, coordination.ExportOptions{})))["note--0d000000-0000-4000-8000-000000000001"]
	assert.Equal(t, "2026-01-01T00:00:00.000Z", obj["modified"])
}

// TestExportIndicatorRelatedTo: an indicator is "related-to" the case
// incident; STIX 2.1 §4.7.1 does not define "indicates" towards an
// incident.
func TestExportIndicatorRelatedTo(t *testing.T) {
	c := stixCase(0)
	data := export(t, c, stixDirectory(t), coordination.ExportOptions{})
	assert.NotContains(t, string(data), `"indicates"`)
	objs := byID(decodeBundle(t, data))
	var found int
	for _, o := range objs {
		if o["type"] == "relationship" && strings.HasPrefix(asString(o["source_ref"]), "indicator--") {
			found++
			assert.Equal(t, "related-to", o["relationship_type"])
			assert.True(t, strings.HasPrefix(asString(o["target_ref"]), "incident--"))
		}
	}
	assert.Equal(t, 2, found)
}

// TestImportDuplicateVersions: the latest version of an object is the
// item; older versions are kept in Unmapped with a warning.
func TestImportDuplicateVersions(t *testing.T) {
	v := func(modified, content string) map[string]any {
		return stixObj("note", "0e000000-0000-4000-8000-000000000001", map[string]any{
			"modified": modified, "content": content, "object_refs": []string{"incident--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"},
		})
	}
	for name, objs := range map[string][]map[string]any{
		"latest last":  {v("2026-01-01T00:00:00.000Z", "v1"), v("2026-01-02T00:00:00.000Z", "v2"), v("2026-01-01T12:00:00Z", "v1.5")},
		"latest first": {v("2026-01-02T00:00:00.000Z", "v2"), v("2026-01-01T00:00:00.000Z", "v1"), v("2026-01-01T12:00:00Z", "v1.5")},
	} {
		t.Run(name, func(t *testing.T) {
			data := bundleOf(t, objs...)
			imp, err := coordination.ImportBundle(data, coordination.ImportOptions{})
			require.NoError(t, err)
			assertNothingLost(t, data, imp)
			require.Len(t, imp.Items, 1)
			assert.Equal(t, "v2", imp.Items[0].Body)
			assert.Len(t, imp.Unmapped, 2)
			require.Len(t, imp.Warnings, 2)
			for _, w := range imp.Warnings {
				assert.Equal(t, "modified", w.Field)
				assert.Equal(t, "note--0e000000-0000-4000-8000-000000000001", w.Object)
			}
			c := &coordination.Case{ID: "c", Title: "t", Status: coordination.CaseOpen, Opened: stixT0, Items: imp.Items}
			_, err = coordination.ExportBundle(c, nil, coordination.ExportOptions{Extra: imp.Kept()})
			require.NoError(t, err)
		})
	}
}

// TestNilArguments: nil cases and directories are ErrInvalid, never a
// panic.
func TestNilArguments(t *testing.T) {
	_, err := coordination.ExportBundle(nil, nil, coordination.ExportOptions{})
	require.ErrorIs(t, err, coordination.ErrInvalid)
	var nilCase *coordination.Case
	_, err = nilCase.ExportView(stixDirectory(t), "bob", coordination.ExportOptions{})
	require.ErrorIs(t, err, coordination.ErrInvalid)
	_, err = nilCase.ExportView(nil, "bob", coordination.ExportOptions{})
	require.ErrorIs(t, err, coordination.ErrInvalid)
	_, err = stixCase(0).ExportView(nil, "bob", coordination.ExportOptions{})
	require.ErrorIs(t, err, coordination.ErrInvalid)
	_, err = coordination.ImportBundle(nil, coordination.ImportOptions{})
	require.ErrorIs(t, err, coordination.ErrInvalid)
	_, err = coordination.ExportBundle(stixCase(0), nil, coordination.ExportOptions{})
	require.NoError(t, err, "no directory: names are the IDs")
}

// validObservables has a well-formed value of every type of
// ObservableTypes().
var validObservables = map[string]string{
	"domain-name": "bank-login.example",
	"email-addr":  "evil@decryptyourstuff.zip",
	"file":        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"ipv4-addr":   "198.51.100.0/24",
	"ipv6-addr":   "2001:db8::7",
	"mac-addr":    "00:11:22:aa:bb:cc",
	"url":         "http://bank-login.example/",
}

// TestEveryObservableTypeExports: every observable type the importer
// maps into Observation.Objects (mac-addr included) is exported with its
// deterministic SCO id, by ExportBundle and ExportView alike, and reads
// back the same (review R2: one mac-addr observation used to make every
// export of the case fail).
func TestEveryObservableTypeExports(t *testing.T) {
	assert.ElementsMatch(t, slices.Collect(func(yield func(string) bool) {
		for k := range validObservables {
			if !yield(k) {
				return
			}
		}
	}), coordination.ObservableTypes())
	var objs []coordination.Observable
	for _, typ := range coordination.ObservableTypes() {
		objs = append(objs, coordination.Observable{Type: typ, Value: validObservables[typ]})
	}
	c := stixCase(0)
	c.Holdings = []coordination.Holding{{Item: "o-mac", Person: "bob", At: stixT0}}
	c.Items = append(c.Items, coordination.Item{ID: "o-mac", Kind: coordination.KindObservation, Label: coordination.TLPAmber, Source: "bank", Author: "bob", Created: stixT0,
		Observed: &coordination.Observation{FirstObserved: stixT0, LastObserved: stixT0, Count: 1, Objects: objs}})
	whole := export(t, c, stixDirectory(t), coordination.ExportOptions{})
	macID := "mac-addr--" + uuid.NewSHA1(uuid.MustParse(coordination.STIXNamespace), []byte(`{"value":"00:11:22:aa:bb:cc"}`)).String()
	assert.Contains(t, byID(decodeBundle(t, whole)), macID)
	view, err := c.ExportView(stixDirectory(t), "bob", coordination.ExportOptions{})
	require.NoError(t, err)
	assert.Contains(t, byID(decodeBundle(t, view)), macID)

	imp, err := coordination.ImportBundle(whole, coordination.ImportOptions{})
	require.NoError(t, err)
	var got []coordination.Observable
	for _, it := range imp.Items {
		if it.Kind == coordination.KindObservation && slices.ContainsFunc(it.Observed.Objects, func(o coordination.Observable) bool { return o.Type == "mac-addr" }) {
			got = it.Observed.Objects
		}
	}
	assert.ElementsMatch(t, objs, got)
	for _, o := range got {
		assert.NoError(t, coordination.ValidObservable(o))
	}
}

// TestExportNamesTheBadObservable: an unsupported observable met at
// export time is ErrInvalid naming the item and the observable.
func TestExportNamesTheBadObservable(t *testing.T) {
	c := stixCase(0)
	c.Items[2].Observed.Objects = append(c.Items[2].Observed.Objects, coordination.Observable{Type: "mutex", Value: "Global\\x"})
	_, err := coordination.ExportBundle(c, nil, coordination.ExportOptions{})
	require.ErrorIs(t, err, coordination.ErrInvalid)
	assert.Contains(t, err.Error(), `"o-1"`)
	assert.Contains(t, err.Error(), `mutex`)
}

func TestValidObservable(t *testing.T) {
	for typ, v := range validObservables {
		assert.NoError(t, coordination.ValidObservable(coordination.Observable{Type: typ, Value: v}), typ)
	}
	for _, o := range []coordination.Observable{
		{Type: "ipv4-addr", Value: "198.51.100.7"},
		{Type: "ipv6-addr", Value: "2001:db8::/32"},
		{Type: "ipv6-addr", Value: "::ffff:198.51.100.7"},
		{Type: "file", Value: "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"},
		{Type: "url", Value: "not really a url"},
	} {
		assert.NoError(t, coordination.ValidObservable(o), o)
	}
	for _, o := range []coordination.Observable{
		{Type: "mutex", Value: "x"},
		{Type: "", Value: "x"},
		{Type: "url", Value: ""},
		{Type: "url", Value: "http://\xff/"},
		{Type: "domain-name", Value: "bank login.example"},
		{Type: "domain-name", Value: "bank\nlogin.example"},
		{Type: "email-addr", Value: "evil.example"},
		{Type: "email-addr", Value: "evil @example"},
		{Type: "file", Value: "abc"},
		{Type: "file", Value: strings.Repeat("g", 64)},
		{Type: "ipv4-addr", Value: "198.51.100.256"},
		{Type: "ipv4-addr", Value: "198.51.100.0/33"},
		{Type: "ipv4-addr", Value: "2001:db8::7"},
		{Type: "ipv6-addr", Value: "198.51.100.7"},
		{Type: "ipv6-addr", Value: "198.51.100.0/24"},
		{Type: "ipv6-addr", Value: "fe80::1%eth0"},
		{Type: "ipv6-addr", Value: "2001:db8::/129"},
		{Type: "mac-addr", Value: "00:11:22:AA:BB:CC"},
		{Type: "mac-addr", Value: "00-11-22-aa-bb-cc"},
		{Type: "mac-addr", Value: "0:11:22:aa:bb:cc"},
		{Type: "mac-addr", Value: "00:11:22:aa:bb:cc:dd"},
		{Type: "mac-addr", Value: "001122aabbcc"},
	} {
		assert.ErrorIs(t, coordination.ValidObservable(o), coordination.ErrInvalid, o)
	}
}

// TestImportLeavesOutMalformedObservables: a value ValidObservable
// rejects is not an observable of the imported item (a Warning says so),
// so that the item can be shared and exported.
func TestImportLeavesOutMalformedObservables(t *testing.T) {
	imp, err := coordination.ImportBundle(bundleOf(t,
		map[string]any{"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--0f000000-0000-4000-8000-000000000001", "value": "not an address"},
		map[string]any{"type": "mac-addr", "spec_version": "2.1", "id": "mac-addr--0f000000-0000-4000-8000-000000000002", "value": "00:11:22:aa:bb:cc"},
		stixObj("observed-data", "0f000000-0000-4000-8000-000000000003", map[string]any{
			"first_observed": "2026-01-01T00:00:00Z", "last_observed": "2026-01-01T00:00:00Z", "number_observed": 1,
			"object_refs": []string{"ipv4-addr--0f000000-0000-4000-8000-000000000001", "mac-addr--0f000000-0000-4000-8000-000000000002"},
		}),
	), coordination.ImportOptions{})
	require.NoError(t, err)
	require.Len(t, imp.Items, 1)
	assert.Equal(t, []coordination.Observable{{Type: "mac-addr", Value: "00:11:22:aa:bb:cc"}}, imp.Items[0].Observed.Objects)
	assert.True(t, slices.ContainsFunc(imp.Warnings, func(w coordination.Warning) bool {
		return w.Object == "observed-data--0f000000-0000-4000-8000-000000000003" && w.Value == "not an address"
	}), imp.Warnings)
}

// TestExportViewDropsOlderVersionsOfHiddenItems: an older, TLP:CLEAR
// version of an imported object the viewer does not hold (ImportBundle
// keeps it in Unmapped, hence in Kept) never reaches the view (review
// R6); the holder still gets the item.
func TestExportViewDropsOlderVersionsOfHiddenItems(t *testing.T) {
	const noteID = "note--0e000000-0000-4000-8000-000000000001"
	v := func(modified, content string, l coordination.Label) map[string]any {
		return stixObj("note", "0e000000-0000-4000-8000-000000000001", map[string]any{
			"modified": modified, "content": content, "object_marking_refs": []string{coordination.MarkingID(l)},
			"object_refs": []string{"incident--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"},
		})
	}
	imp, err := coordination.ImportBundle(bundleOf(t,
		v("2026-01-01T00:00:00.000Z", "draft victim list", coordination.TLPClear),
		v("2026-01-02T00:00:00.000Z", "victim list: ACME", coordination.TLPRed),
	), coordination.ImportOptions{})
	require.NoError(t, err)
	require.Len(t, imp.Items, 1)
	require.Len(t, imp.Unmapped, 1)
	it := imp.Items[0]
	require.Equal(t, coordination.ItemID(noteID), it.ID)
	it.Source, it.Audience = "csirt", []coordination.PersonID{"bob"}

	dir := stixDirectory(t)
	c := stixCase(0)
	c.Items = append(c.Items, it)
	c.Holdings = []coordination.Holding{{Item: "i-url", Person: "bob", At: stixT0}}
	data, err := c.ExportView(dir, "bob", coordination.ExportOptions{Extra: imp.Kept()})
	require.NoError(t, err)
	assert.NotContains(t, string(data), noteID)
	assert.NotContains(t, string(data), "victim list")

	// Also when the item was renamed: the Origin's id counts.
	c.Items[len(c.Items)-1].ID = "renamed"
	data, err = c.ExportView(dir, "bob", coordination.ExportOptions{Extra: imp.Kept()})
	require.NoError(t, err)
	assert.NotContains(t, string(data), noteID)

	// The holder gets the item.
	c.Items[len(c.Items)-1].ID = noteID
	c.Holdings = append(c.Holdings, coordination.Holding{Item: noteID, Person: "bob", At: stixT0})
	data, err = c.ExportView(dir, "bob", coordination.ExportOptions{Extra: imp.Kept()})
	require.NoError(t, err)
	assert.Contains(t, string(data), "victim list: ACME")
}

// TestExtraReplacingAGeneratedObjectKeepsItsMarking: an extra object
// replacing a generated one of the same id carries the stricter of the
// two TLP markings (review R8): an SCO gets the marking added, an SDO also
// a later modified.
func TestExtraReplacingAGeneratedObjectKeepsItsMarking(t *testing.T) {
	red, clear := coordination.MarkingID(coordination.TLPRed), coordination.MarkingID(coordination.TLPClear)
	c := stixCase(0)
	c.Items = []coordination.Item{{ID: "o-red", Kind: coordination.KindObservation, Label: coordination.TLPRed, Source: "bank", Created: stixT0,
		Observed: &coordination.Observation{Count: 1, Objects: []coordination.Observable{{Type: "domain-name", Value: "evil.example"}}}}}
	scoID := "domain-name--" + uuid.NewSHA1(uuid.MustParse(coordination.STIXNamespace), []byte(`{"value":"evil.example"}`)).String()
	var incidentID string
	for _, o := range decodeBundle(t, export(t, c, nil, coordination.ExportOptions{})).Objects {
		if o["type"] == "incident" {
			incidentID = asString(o["id"])
		}
	}
	require.NotEmpty(t, incidentID)

	for name, sco := range map[string]string{
		"unmarked": `{"type":"domain-name","spec_version":"2.1","id":"` + scoID + `","value":"evil.example"}`,
		"clear":    `{"type":"domain-name","spec_version":"2.1","id":"` + scoID + `","value":"evil.example","object_marking_refs":["` + clear + `"]}`,
	} {
		t.Run(name, func(t *testing.T) {
			objs := byID(decodeBundle(t, export(t, c, nil, coordination.ExportOptions{Extra: []json.RawMessage{json.RawMessage(sco)}})))
			refs, _ := objs[scoID]["object_marking_refs"].([]any)
			assert.Contains(t, refs, red)
			assert.NotContains(t, objs[scoID], "modified")
			assert.Contains(t, objs, red, "the marking definition is written")
		})
	}

	// A stricter extra stays as it is.
	redSCO := `{"type":"domain-name","spec_version":"2.1","id":"` + scoID + `","value":"evil.example","object_marking_refs":["` + red + `"]}`
	objs := byID(decodeBundle(t, export(t, c, nil, coordination.ExportOptions{Extra: []json.RawMessage{json.RawMessage(redSCO)}})))
	assert.Equal(t, []any{red}, objs[scoID]["object_marking_refs"])

	// An SDO: the case incident (TLP:AMBER) replaced by a TLP:CLEAR one.
	inc := stixObj("incident", strings.TrimPrefix(incidentID, "incident--"), map[string]any{"object_marking_refs": []string{clear}})
	objs = byID(decodeBundle(t, export(t, c, nil, coordination.ExportOptions{Extra: rawObjects(t, inc)})))
	got := objs[incidentID]
	refs := []string{clear, coordination.MarkingID(coordination.TLPAmber)}
	slices.Sort(refs)
	assert.Equal(t, []any{refs[0], refs[1]}, got["object_marking_refs"])
	assert.Equal(t, "incident-"+strings.TrimPrefix(incidentID, "incident--")[:4], got["name"], "the extra object wins")
	assert.Equal(t, "2026-11-25T10:00:00.000Z", got["modified"], "moved to the generated object's modified, past the extra's")
}
