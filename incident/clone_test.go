package incident_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

// The fixtures below are deterministic, so a second call builds a record
// deeply equal to the first: the mutation tests compare the original with
// a fresh build after changing the copy.

var cloneT0 = time.Date(2026, time.March, 2, 8, 0, 0, 0, time.UTC)

// cloneAt is cloneT0 plus m minutes.
func cloneAt(m int) time.Time { return cloneT0.Add(time.Duration(m) * time.Minute) }

// cloneID is a fixed UUID ending in n.
func cloneID(n byte) uuid.UUID {
	return uuid.UUID{0x01, 0x95, 0x4f, 0x1a, 0x7c, 0x00, 0x70, 0x00, 0x80, 0x00, 0, 0, 0, 0, 0, n}
}

// cloneFact builds a fact whose current value is cur, known at minute m,
// with prev as its history, oldest first.
func cloneFact[T any](cur T, m int, prev ...T) incident.Fact[T] {
	f := incident.Fact[T]{Value: cur, KnownAt: cloneAt(m), Source: "u-dpo"}
	for i, p := range prev {
		f.History = append(f.History, incident.FactRevision[T]{Value: p, KnownAt: cloneAt(m - 60*(len(prev)-i)), Source: "u-analyst"})
	}
	return f
}

// cloneHandling is the handling of a realistic open incident: 2 contacts,
// 3 roles, 5 tasks, 4 notes.
func cloneHandling() incident.Handling {
	return incident.Handling{
		Title:       "Ransomware on finance file server",
		Description: "Files on fs-fin-01 encrypted; ransom note found.",
		Phase:       incident.PhaseRespond,
		State:       incident.StateContainment,
		Status:      "containing",
		Outcome:     incident.OutcomeIncident,
		Severity:    incident.SeverityHigh,
		Priority:    incident.P1,
		Category:    incident.Category{Taxonomy: "rsit", Class: "malicious-code", Type: "infected-system"},
		Categories:  []incident.Category{{Taxonomy: "rsit", Class: "availability", Type: "sabotage"}},
		Reporter:    "t-edr",
		Contacts: []incident.Contact{
			{ID: "u-alice", Kind: incident.ActorPerson, Name: "Alice Martin", Email: "alice@example.org", Phone: "+33 1 23 45 67 89"},
			{ID: "t-edr", Kind: incident.ActorTool, Name: "EDR", Organisation: "Vendor SA"},
		},
		Roles: []incident.RoleAssignment{
			{Role: incident.RoleIncidentManager, Actor: "u-alice", From: cloneAt(30)},
			{Role: incident.RoleIRTLead, Actor: "u-bob", From: cloneAt(35), Until: cloneAt(600)},
			{Role: incident.RoleIRTLead, Actor: "u-carol", From: cloneAt(600)},
		},
		Tasks: []incident.Task{
			{ID: "t1", Title: "Isolate fs-fin-01", Assignee: "u-bob", Status: incident.TaskDone, Mandatory: true, Phase: incident.PhaseRespond, FinishedAt: cloneAt(50)},
			{ID: "t2", Title: "Image the disk", Assignee: "u-carol", Status: incident.TaskDone, Phase: incident.PhaseRespond, FinishedAt: cloneAt(120)},
			{ID: "t3", Title: "Reset service accounts", Assignee: "u-bob", Status: incident.TaskInProgress, Due: cloneAt(1440)},
			{ID: "t4", Title: "Notify the DPA", Assignee: "u-dpo", Status: incident.TaskOpen, Mandatory: true, Due: cloneAt(4320)},
			{ID: "t5", Title: "Take a memory dump", Status: incident.TaskWaived, Reason: "host already rebooted"},
		},
		Notes: []incident.Note{
			{ID: "n1", At: cloneAt(40), Author: "u-alice", Text: "Ransom note demands 20 BTC."},
			{ID: "n2", At: cloneAt(90), Author: "u-bob", Text: "Initial access via a contractor's VPN account."},
			{ID: "n3", At: cloneAt(300), Author: "u-legal", Text: "Police informed.", Personal: true},
			{ID: "n4", At: cloneAt(400), Author: "u-carol", Text: "Backups intact."},
		},
		Labels:         []string{"ransomware", "finance"},
		Links:          []incident.Link{{System: "jira", Key: "SEC-1042", URL: "https://jira.example.org/browse/SEC-1042"}},
		TLP:            incident.TLPAmber,
		DataProtection: incident.DataProtection{RetentionCategory: "security_incident"},
	}
}

// cloneFullHandling is cloneHandling with every pointer and slice set.
func cloneFullHandling() incident.Handling {
	h := cloneHandling()
	h.Resolution = &incident.Resolution{Kind: incident.ResolutionTruePositiveWithImpact, SetBy: "u-alice", SetAt: cloneAt(5000),
		Reason: "confirmed encryption", ApprovedBy: "u-ciso"}
	h.Assessments = []incident.Assessment{
		{Step: incident.AssessmentFirst, By: "u-poc", Role: incident.RolePointOfContact, At: cloneAt(15),
			Outcome: incident.OutcomeIncident, Severity: incident.SeverityMedium, Priority: incident.P2,
			Category: incident.Category{Taxonomy: "rsit", Class: "malicious-code"}, Rationale: "EDR alert with a ransom note"},
		{Step: incident.AssessmentConfirmation, By: "u-alice", Role: incident.RoleIncidentManager, At: cloneAt(25),
			Outcome: incident.OutcomeIncident, Severity: incident.SeverityHigh, Priority: incident.P1,
			Category: incident.Category{Taxonomy: "rsit", Class: "malicious-code", Type: "infected-system"}, Rationale: "encryption confirmed on fs-fin-01"},
	}
	h.Restricted = true
	h.DataProtection.LegalHold = &incident.LegalHold{Since: cloneAt(2000), By: "u-legal", Reason: "litigation"}
	h.DataProtection.Erasures = []incident.Erasure{
		{At: cloneAt(3000), By: "u-dpo", Reason: "GDPR Art. 17 request", Contacts: []incident.ActorID{"u-x"}, Notes: []string{"n9"}},
		{At: cloneAt(3100), By: "u-dpo", Reason: "GDPR Art. 17 request", Contacts: []incident.ActorID{"u-y", "u-z"}, Notes: []string{"n10", "n11"}},
	}
	return h
}

// cloneTimeline sets every anchor and one reopening.
func cloneTimeline() incident.Timeline {
	return incident.Timeline{
		Occurred:               incident.Approx(cloneAt(-2880), incident.PrecisionDay, true),
		Compromised:            incident.At(cloneAt(-1440)),
		Detected:               incident.At(cloneAt(0)),
		Reported:               incident.At(cloneAt(5)),
		Aware:                  incident.At(cloneAt(20)),
		Acknowledged:           incident.At(cloneAt(10)),
		Assessed:               incident.At(cloneAt(25)),
		Declared:               incident.At(cloneAt(30)),
		ClassifiedMajor:        incident.At(cloneAt(60)),
		MaterialityDetermined:  incident.At(cloneAt(2000)),
		Discovered:             incident.At(cloneAt(20)),
		Contained:              incident.At(cloneAt(50)),
		Eradicated:             incident.At(cloneAt(1500)),
		Recovered:              incident.At(cloneAt(2500)),
		ServiceUnavailableFrom: incident.At(cloneAt(-30)),
		ServiceRestored:        incident.At(cloneAt(2500)),
		Closed:                 incident.At(cloneAt(9000)),
		Reopened:               []incident.Timestamp{incident.At(cloneAt(8000))},
	}
}

// cloneTestEvidence is an evidence item with two custody transfers.
func cloneTestEvidence(id string, m int) incident.Evidence {
	return incident.Evidence{
		ID: id, Description: "Disk image of fs-fin-01 " + id, Kind: "disk image",
		CollectedBy: "u-carol", CollectedAt: cloneAt(m), Source: "fs-fin-01", Location: "locker-2",
		SHA256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Size: 1 << 30,
		Custody: []incident.CustodyTransfer{
			{At: cloneAt(m + 10), From: "u-carol", To: "u-bob", Purpose: "analysis", Location: "lab-1"},
			{At: cloneAt(m + 600), From: "u-bob", To: "u-legal", Purpose: "storage", Location: "locker-2",
				SHA256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		},
	}
}

// cloneBenchIncident is a realistic incident: 3 event IDs, 5 tasks, 2
// evidence items with 2 custody transfers each, 4 notes, 3 roles, 2
// contacts, facts with history, 3 obligations and a full timeline.
func cloneBenchIncident() *incident.Incident {
	return &incident.Incident{
		Header: incident.Header{ID: cloneID(1), Ref: "INC-2026-000042", Org: "acme", OrgUnit: "finance",
			CreatedAt: cloneAt(30), UpdatedAt: cloneAt(9000), Version: 17},
		Handling: cloneHandling(),
		EventIDs: []uuid.UUID{cloneID(10), cloneID(11), cloneID(12)},
		Timeline: cloneTimeline(),
		Facts: incident.Facts{
			PersonalData:           cloneFact(true, 200, false),
			PersonalDataCategories: cloneFact([]string{"contact", "financial"}, 300, []string{"contact"}),
			DataSubjects:           cloneFact(int64(1200), 400, 500),
			MemberStates:           cloneFact([]string{"DE", "FR"}, 300),
			EconomicImpact:         cloneFact(incident.Money{Currency: "EUR", Minor: 15_000_000}, 500, incident.Money{Currency: "EUR", Minor: 1_000_000}),
		},
		Impact: incident.Impact{
			Confidentiality: incident.ImpactHigh, Availability: incident.ImpactHigh, Functional: incident.ImpactMedium,
			Information:    []incident.InformationImpact{incident.InformationPrivacyBreach},
			Recoverability: incident.RecoverabilitySupplemented,
			Assets: []incident.Asset{
				{ID: "a-1", Name: "fs-fin-01", Kind: "server", Criticality: incident.CriticalityHigh},
				{ID: "a-2", Name: "ws-0042", Kind: "laptop", Criticality: incident.CriticalityLow},
			},
			Services: []incident.Service{{Name: "Payroll", Criticality: incident.CriticalityCrit, Function: "payments"}},
			Cost:     &incident.Money{Currency: "EUR", Minor: 15_000_000},
		},
		Evidence: []incident.Evidence{cloneTestEvidence("ev-1", 100), cloneTestEvidence("ev-2", 200)},
		Obligations: []incident.Obligation{
			{ID: "gdpr-33", Regime: "gdpr", Report: "notification", Authority: "CNIL", StartEvent: "aware",
				StartAt: cloneAt(20), Due: cloneAt(20 + 72*60), Article: "GDPR Art. 33(1)", SubmittedAt: cloneAt(3000)},
			{ID: "nis2-ew", Regime: "nis2", Report: "early_warning", Authority: "ANSSI", StartEvent: "aware",
				StartAt: cloneAt(20), Due: cloneAt(20 + 24*60), Article: "NIS2 Art. 23(4)(a)", SubmittedAt: cloneAt(1000)},
			{ID: "nis2-n", Regime: "nis2", Report: "notification", Authority: "ANSSI", StartEvent: "aware",
				StartAt: cloneAt(20), Due: cloneAt(20 + 72*60), LegalEnd: cloneAt(20 + 80*60), Article: "NIS2 Art. 23(4)(b)"},
		},
	}
}

// cloneTestExtra is a map of unknown fields with three values.
func cloneTestExtra() map[string]json.RawMessage {
	return map[string]json.RawMessage{
		"x_ticket":   json.RawMessage(`"SEC-1042"`),
		"x_priority": json.RawMessage(`{"score":7,"why":["vip","finance"]}`),
		"x_flag":     json.RawMessage(`true`),
	}
}

// cloneFullIncident sets every slice, map and pointer of an incident,
// nested ones included (TestCloneFixturesAreFull checks it).
func cloneFullIncident() *incident.Incident {
	inc := cloneBenchIncident()
	inc.Handling = cloneFullHandling()
	inc.VulnerabilityIDs = []uuid.UUID{cloneID(20)}
	inc.Facts = incident.Facts{
		PersonalData:             cloneFact(true, 200, false),
		PersonalDataCategories:   cloneFact([]string{"contact", "financial"}, 300, []string{"contact"}),
		SpecialCategories:        cloneFact([]string{"health"}, 310, []string{"biometric"}),
		DataSubjects:             cloneFact(int64(1200), 400, 500, 800),
		ResidentsByState:         cloneFact(map[string]int64{"DE": 700, "FR": 500}, 410, map[string]int64{"DE": 100}),
		MemberStates:             cloneFact([]string{"DE", "FR"}, 300, []string{"DE"}),
		ClientsAffected:          cloneFact(int64(40), 420, 10),
		TransactionsAffected:     cloneFact(int64(3000), 430, 100),
		EconomicImpact:           cloneFact(incident.Money{Currency: "EUR", Minor: 15_000_000}, 500, incident.Money{Currency: "EUR", Minor: 1_000_000}),
		CriticalServicesAffected: cloneFact(true, 440, false),
		RansomPaid:               cloneFact(false, 450, true),
		EntityTypes:              cloneFact([]string{"credit_institution"}, 460, []string{"essential"}),
	}
	inc.Reviews = []incident.ReviewRef{{ID: "rev-1", CompletedAt: cloneAt(8500), By: "u-alice"}}
	inc.MergedInto = cloneID(30)
	inc.Merged = []uuid.UUID{cloneID(31), cloneID(32)}
	inc.Extra = cloneTestExtra()
	return inc
}

// cloneFullEvent sets every slice, map and pointer of an event.
func cloneFullEvent() *incident.Event {
	return &incident.Event{
		Header: incident.Header{ID: cloneID(10), Ref: "EVT-2026-000314", Org: "acme", OrgUnit: "finance",
			CreatedAt: cloneAt(0), UpdatedAt: cloneAt(30), Version: 3},
		Handling:        cloneFullHandling(),
		Timeline:        cloneTimeline(),
		DetectionMethod: "automated-tool",
		Source:          "EDR",
		Evidence:        []incident.Evidence{cloneTestEvidence("ev-1", 100), cloneTestEvidence("ev-2", 200)},
		IncidentID:      cloneID(1),
		Extra:           cloneTestExtra(),
	}
}

// cloneFullVulnerability sets every slice, map and pointer of a
// vulnerability.
func cloneFullVulnerability() *incident.Vulnerability {
	return &incident.Vulnerability{
		Header: incident.Header{ID: cloneID(20), Ref: "VUL-2026-000007", Org: "acme",
			CreatedAt: cloneAt(0), UpdatedAt: cloneAt(30), Version: 2},
		Handling: cloneFullHandling(),
		Timeline: cloneTimeline(),
		CVEs:     []string{"CVE-2024-3094", "CVE-2024-6387"},
		CVSS:     &incident.CVSS{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", Score: 10},
		Assets:   []incident.Asset{{ID: "a-1", Name: "fs-fin-01", Kind: "server", Criticality: incident.CriticalityHigh}},
		IncidentIDs: []uuid.UUID{
			cloneID(1), cloneID(2),
		},
		Extra: cloneTestExtra(),
	}
}

// cloneCase is one record kind with its full fixture and its Clone method.
type cloneCase struct {
	name  string
	full  func() incident.Record
	clone func(incident.Record) incident.Record
}

func cloneCases() []cloneCase {
	return []cloneCase{
		{"Event", func() incident.Record { return cloneFullEvent() },
			func(r incident.Record) incident.Record { x, _ := r.(*incident.Event); return x.Clone() }},
		{"Incident", func() incident.Record { return cloneFullIncident() },
			func(r incident.Record) incident.Record { x, _ := r.(*incident.Incident); return x.Clone() }},
		{"Vulnerability", func() incident.Record { return cloneFullVulnerability() },
			func(r incident.Record) incident.Record { x, _ := r.(*incident.Vulnerability); return x.Clone() }},
	}
}

// Reflection helpers. time.Time is a leaf everywhere: it is a value whose
// only pointer (its *Location) is immutable and meant to be shared.

var cloneTimeType = reflect.TypeFor[time.Time]()

// cloneRegion is the memory a slice (its whole backing array, up to cap),
// a map or a pointer refers to.
type cloneRegion struct {
	lo, hi uintptr
	path   string
}

// cloneRegions collects the memory regions of every slice, map and pointer
// reachable from v, through every struct field, exported or not. Strings
// are left out: they are immutable, so sharing them is harmless.
func cloneRegions(t testing.TB, v reflect.Value, path string, out []cloneRegion) []cloneRegion {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return out
		}
		if size := v.Type().Elem().Size(); size > 0 {
			out = append(out, cloneRegion{v.Pointer(), v.Pointer() + size, path})
		}
		return cloneRegions(t, v.Elem(), path, out)
	case reflect.Slice:
		// A zero-capacity slice refers to no memory (all of them may point
		// at the same zero-size base).
		if size := v.Type().Elem().Size(); v.Cap() > 0 && size > 0 {
			out = append(out, cloneRegion{v.Pointer(), v.Pointer() + uintptr(v.Cap())*size, path})
		}
		for i := range v.Len() {
			out = cloneRegions(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Map:
		if v.IsNil() {
			return out
		}
		out = append(out, cloneRegion{v.Pointer(), v.Pointer() + 1, path})
		for it := v.MapRange(); it.Next(); {
			p := fmt.Sprintf("%s[%v]", path, it.Key())
			out = cloneRegions(t, it.Key(), p+".key", out)
			out = cloneRegions(t, it.Value(), p, out)
		}
	case reflect.Struct:
		if v.Type() == cloneTimeType {
			return out
		}
		for i := range v.NumField() {
			out = cloneRegions(t, v.Field(i), path+"."+v.Type().Field(i).Name, out)
		}
	case reflect.Array:
		for i := range v.Len() {
			out = cloneRegions(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Interface:
		if !v.IsNil() {
			return cloneRegions(t, v.Elem(), path, out)
		}
	case reflect.Chan, reflect.Func, reflect.UnsafePointer:
		t.Fatalf("%s: %s cannot be checked for sharing; teach cloneRegions about it", path, v.Kind())
	default:
		// Numbers, booleans and strings: values.
	}
	return out
}

// cloneShared lists every region of b that overlaps a region of a: the
// memory the two values share, by any path (not only the same field).
func cloneShared(t testing.TB, a, b any) []string {
	t.Helper()
	ra := cloneRegions(t, reflect.ValueOf(a), "orig", nil)
	rb := cloneRegions(t, reflect.ValueOf(b), "clone", nil)
	var shared []string
	for _, y := range rb {
		for _, x := range ra {
			if y.lo < x.hi && x.lo < y.hi {
				shared = append(shared, y.path+" shares memory with "+x.path)
			}
		}
	}
	return shared
}

// cloneEmpties lists every nil or empty slice, nil or empty map and nil
// pointer or interface reachable from v.
func cloneEmpties(t testing.TB, v reflect.Value, path string, out []string) []string {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(out, path+" is nil")
		}
		return cloneEmpties(t, v.Elem(), path, out)
	case reflect.Slice:
		if v.Len() == 0 {
			return append(out, path+" is empty")
		}
		for i := range v.Len() {
			out = cloneEmpties(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Map:
		if v.Len() == 0 {
			return append(out, path+" is empty")
		}
		for it := v.MapRange(); it.Next(); {
			out = cloneEmpties(t, it.Value(), fmt.Sprintf("%s[%v]", path, it.Key()), out)
		}
	case reflect.Struct:
		if v.Type() == cloneTimeType {
			return out
		}
		for i := range v.NumField() {
			out = cloneEmpties(t, v.Field(i), path+"."+v.Type().Field(i).Name, out)
		}
	case reflect.Array:
		for i := range v.Len() {
			out = cloneEmpties(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Chan, reflect.Func, reflect.UnsafePointer:
		t.Fatalf("%s: unexpected %s in a record", path, v.Kind())
	default:
	}
	return out
}

// cloneScribble changes every value reachable from v, which must be
// settable: numbers, strings, booleans and times change, every slice
// element and map entry is changed and each slice and map gets one more
// entry. Whatever it writes through memory shared with another value shows
// there.
func cloneScribble(t testing.TB, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "~")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(v.Uint() + 1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(v.Float() + 1)
	case reflect.Pointer:
		if !v.IsNil() {
			cloneScribble(t, v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			cloneScribble(t, v.Index(i))
		}
		if !v.IsNil() {
			v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem())))
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			cloneScribble(t, e)
			v.SetMapIndex(k, e)
		}
		if v.Type().Key().Kind() == reflect.String {
			v.SetMapIndex(reflect.ValueOf("scribbled").Convert(v.Type().Key()), reflect.Zero(v.Type().Elem()))
		}
	case reflect.Struct:
		if v.Type() == cloneTimeType {
			tm, _ := v.Interface().(time.Time)
			v.Set(reflect.ValueOf(tm.Add(time.Hour)))
			return
		}
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				cloneScribble(t, f)
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			cloneScribble(t, v.Index(i))
		}
	default:
		t.Fatalf("cannot scribble on a %s", v.Kind())
	}
}

// cloneFillEmpty replaces every nil slice, map and pointer reachable from
// v by an empty slice, an empty map and a pointer to a zero value.
func cloneFillEmpty(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		cloneFillEmpty(v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		}
	case reflect.Map:
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
	case reflect.Struct:
		if v.Type() == cloneTimeType {
			return
		}
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				cloneFillEmpty(f)
			}
		}
	default:
	}
}

// TestCloneFixturesAreFull guards the other tests: a field added to a
// record later must be filled in the fixtures too, or the sharing test
// could not see that Clone forgets it.
func TestCloneFixturesAreFull(t *testing.T) {
	for _, c := range cloneCases() {
		t.Run(c.name, func(t *testing.T) {
			empty := cloneEmpties(t, reflect.ValueOf(c.full()), c.name, nil)
			assert.Empty(t, empty, "fill these in the fixture (clone_test.go), then make sure Clone copies them")
		})
	}
}

// TestCloneSharesNothing is the property the store relies on: no slice
// backing array, map or pointer of the copy is reachable from the original,
// whatever field it hangs off.
func TestCloneSharesNothing(t *testing.T) {
	for _, c := range cloneCases() {
		t.Run(c.name, func(t *testing.T) {
			orig := c.full()
			cp := c.clone(orig)
			require.Equal(t, orig, cp)
			require.True(t, reflect.DeepEqual(orig, cp))
			assert.Empty(t, cloneShared(t, orig, cp), "Clone misses these; copy them in clone.go")
		})
	}
}

// TestCloneSharesNothingCatchesShallowCopies checks the checker: a shallow
// copy shares everything, down to the nested custody chains and the raw
// values of Extra.
func TestCloneSharesNothingCatchesShallowCopies(t *testing.T) {
	orig := cloneFullIncident()
	shallow := *orig
	shared := cloneShared(t, orig, &shallow)
	for _, want := range []string{
		"clone.Handling.Resolution shares memory with orig.Handling.Resolution",
		"clone.Handling.Tasks shares memory with orig.Handling.Tasks",
		"clone.Handling.Assessments shares memory with orig.Handling.Assessments",
		"clone.Handling.DataProtection.Erasures[1].Notes shares memory with orig.Handling.DataProtection.Erasures[1].Notes",
		"clone.Facts.ResidentsByState.History[0].Value shares memory with orig.Facts.ResidentsByState.History[0].Value",
		"clone.Evidence[1].Custody shares memory with orig.Evidence[1].Custody",
		"clone.Impact.Cost shares memory with orig.Impact.Cost",
		"clone.Extra shares memory with orig.Extra",
		"clone.Extra[x_flag] shares memory with orig.Extra[x_flag]",
	} {
		assert.Contains(t, shared, want)
	}
	assert.NotContains(t, shared, "clone shares memory with orig", "the records themselves are distinct")

	// One forgotten nested copy is enough to be seen.
	cp := orig.Clone()
	cp.Evidence[0].Custody = orig.Evidence[0].Custody
	assert.Equal(t, []string{"clone.Evidence[0].Custody shares memory with orig.Evidence[0].Custody"}, cloneShared(t, orig, cp))
}

// TestCloneMutationsStayInTheCopy changes the copy by hand where a caller
// would, then everything reflection reaches, and the original by
// reflection after copying it: neither side sees the other's change.
func TestCloneMutationsStayInTheCopy(t *testing.T) {
	t.Run("by hand", func(t *testing.T) {
		orig := cloneFullIncident()
		cp := orig.Clone()
		cp.Title = "changed"
		cp.Resolution.Reason = "changed"
		cp.Resolution.ApprovedBy = "u-mallory"
		cp.Assessments[0].Rationale = "changed"
		cp.Assessments[1].Category.Type = "ransomware"
		cp.Assessments = append(cp.Assessments, incident.Assessment{Step: incident.AssessmentConfirmation, By: "u-mallory"})
		cp.Categories[0].Class = "fraud"
		cp.Contacts[0].Email = "mallory@example.org"
		cp.Roles = append(cp.Roles, incident.RoleAssignment{Role: incident.RoleLegal, Actor: "u-legal"})
		cp.Tasks[0].Status = incident.TaskCancelled
		cp.Notes[2].Text = ""
		cp.Labels[0] = "phishing"
		cp.Links = append(cp.Links, incident.Link{System: "cve", Key: "CVE-2024-3094"})
		cp.DataProtection.LegalHold.Reason = "released"
		cp.DataProtection.Erasures[0].Contacts[0] = "u-mallory"
		cp.DataProtection.Erasures[1].Notes = append(cp.DataProtection.Erasures[1].Notes, "n12")
		cp.EventIDs[0] = cloneID(99)
		cp.VulnerabilityIDs = append(cp.VulnerabilityIDs, cloneID(98))
		cp.Timeline.Reopened[0].Estimated = true
		cp.Facts.PersonalDataCategories.Value[0] = "health"
		cp.Facts.PersonalDataCategories.History[0].Value[0] = "health"
		cp.Facts.ResidentsByState.Value["IT"] = 3
		cp.Facts.ResidentsByState.History[0].Value["DE"] = 1
		cp.Facts.DataSubjects.History = append(cp.Facts.DataSubjects.History, incident.FactRevision[int64]{Value: 1})
		cp.Impact.Information[0] = incident.InformationIntegrityLoss
		cp.Impact.Assets[1].Criticality = incident.CriticalityCrit
		cp.Impact.Services = cp.Impact.Services[:0]
		cp.Impact.Cost.Minor = 0
		cp.Evidence[0].Custody[1].To = "u-mallory"
		cp.Evidence[1].Custody = append(cp.Evidence[1].Custody, incident.CustodyTransfer{To: "u-eve"})
		cp.Obligations[0].SubmittedAt = time.Time{}
		cp.Reviews[0].By = "u-mallory"
		cp.Merged[1] = cloneID(97)
		cp.Extra["x_flag"][0] = 'f'
		cp.Extra["x_new"] = json.RawMessage(`1`)
		delete(cp.Extra, "x_ticket")
		assert.Equal(t, cloneFullIncident(), orig)
	})
	for _, c := range cloneCases() {
		t.Run(c.name+"/copy changed", func(t *testing.T) {
			orig := c.full()
			cp := c.clone(orig)
			cloneScribble(t, reflect.ValueOf(cp).Elem())
			require.NotEqual(t, c.full(), cp, "the scribble changed nothing")
			assert.Equal(t, c.full(), orig)
		})
		t.Run(c.name+"/original changed", func(t *testing.T) {
			orig := c.full()
			cp := c.clone(orig)
			cloneScribble(t, reflect.ValueOf(orig).Elem())
			assert.Equal(t, c.full(), cp)
		})
	}
}

// TestCloneNestedSlicesAreCapped appends to each nested slice of the copy
// in turn: the nested slices of one kind share a backing array in the copy,
// so each must be capped at its length for an append not to overwrite the
// next one.
func TestCloneNestedSlicesAreCapped(t *testing.T) {
	orig := cloneFullIncident()
	cp := orig.Clone()
	for i := range cp.Evidence {
		assert.Equal(t, len(cp.Evidence[i].Custody), cap(cp.Evidence[i].Custody))
		cp.Evidence[i].Custody = append(cp.Evidence[i].Custody, incident.CustodyTransfer{To: "u-eve"})
	}
	for i := range cp.DataProtection.Erasures {
		e := &cp.DataProtection.Erasures[i]
		e.Contacts = append(e.Contacts, "u-eve")
		e.Notes = append(e.Notes, "n-eve")
	}
	for k := range cp.Extra {
		cp.Extra[k] = append(cp.Extra[k], ' ')
	}
	for i := range orig.Evidence {
		want := append(slices.Clone(orig.Evidence[i].Custody), incident.CustodyTransfer{To: "u-eve"})
		assert.Equal(t, want, cp.Evidence[i].Custody)
	}
	for i, e := range orig.DataProtection.Erasures {
		assert.Equal(t, append(slices.Clone(e.Contacts), "u-eve"), cp.DataProtection.Erasures[i].Contacts)
		assert.Equal(t, append(slices.Clone(e.Notes), "n-eve"), cp.DataProtection.Erasures[i].Notes)
	}
	for k, v := range orig.Extra {
		assert.Equal(t, string(v)+" ", string(cp.Extra[k]), k)
	}
	assert.Equal(t, cloneFullIncident(), orig)
}

// TestCloneKeepsNilApartFromEmpty checks that nil stays nil and empty stays
// empty, at the top level and in nested slices, for every kind.
func TestCloneKeepsNilApartFromEmpty(t *testing.T) {
	records := []incident.Record{new(incident.Event), new(incident.Incident), new(incident.Vulnerability)}
	for _, r := range records {
		t.Run(string(r.Kind())+"/zero", func(t *testing.T) {
			cp := incident.CloneRecord(r)
			assert.True(t, reflect.DeepEqual(r, cp), "%#v", cp)
		})
	}
	for _, r := range []incident.Record{new(incident.Event), new(incident.Incident), new(incident.Vulnerability)} {
		cloneFillEmpty(reflect.ValueOf(r).Elem())
		t.Run(string(r.Kind())+"/empty", func(t *testing.T) {
			cp := incident.CloneRecord(r)
			assert.True(t, reflect.DeepEqual(r, cp), "%#v", cp)
			h := cp.Handle()
			assert.NotNil(t, h.Tasks)
			assert.NotNil(t, h.Resolution)
			assert.NotNil(t, h.DataProtection.Erasures)
			assert.NotNil(t, cp.Times().Reopened)
			assert.Empty(t, cloneShared(t, r, cp))
		})
	}
	t.Run("nested", func(t *testing.T) {
		orig := cloneFullIncident()
		orig.Evidence = []incident.Evidence{{ID: "nil"}, {ID: "empty", Custody: []incident.CustodyTransfer{}}, cloneTestEvidence("full", 0)}
		orig.DataProtection.Erasures = []incident.Erasure{
			{Reason: "nil"},
			{Reason: "empty", Contacts: []incident.ActorID{}, Notes: []string{}},
			{Reason: "full", Contacts: []incident.ActorID{"u-x"}, Notes: []string{"n1"}},
		}
		orig.Extra = map[string]json.RawMessage{"nil": nil, "empty": {}, "full": json.RawMessage(`1`)}
		orig.Facts.PersonalDataCategories = incident.Fact[[]string]{Value: []string{}, KnownAt: cloneAt(1), History: []incident.FactRevision[[]string]{}}
		orig.Facts.ResidentsByState = incident.Fact[map[string]int64]{Value: map[string]int64{}, KnownAt: cloneAt(1)}
		cp := orig.Clone()
		require.True(t, reflect.DeepEqual(orig, cp))
		assert.Nil(t, cp.Evidence[0].Custody)
		assert.NotNil(t, cp.Evidence[1].Custody)
		assert.Nil(t, cp.DataProtection.Erasures[0].Contacts)
		assert.NotNil(t, cp.DataProtection.Erasures[1].Contacts)
		assert.NotNil(t, cp.DataProtection.Erasures[1].Notes)
		assert.Nil(t, cp.Extra["nil"])
		assert.NotNil(t, cp.Extra["empty"])
		assert.NotNil(t, cp.Facts.PersonalDataCategories.Value)
		assert.NotNil(t, cp.Facts.PersonalDataCategories.History)
		assert.NotNil(t, cp.Facts.ResidentsByState.Value)
		assert.Empty(t, cloneShared(t, orig, cp))
		// Only empty nested slices: no shared buffer at all.
		orig.Evidence = orig.Evidence[:2]
		orig.DataProtection.Erasures = orig.DataProtection.Erasures[:2]
		orig.Extra = map[string]json.RawMessage{"nil": nil, "empty": {}}
		require.True(t, reflect.DeepEqual(orig, orig.Clone()))
	})
}

func TestCloneNil(t *testing.T) {
	assert.Nil(t, (*incident.Event)(nil).Clone())
	assert.Nil(t, (*incident.Incident)(nil).Clone())
	assert.Nil(t, (*incident.Vulnerability)(nil).Clone())
}

// cloneForeign implements Record by embedding, as no outside type should.
type cloneForeign struct{ *incident.Event }

func TestCloneRecord(t *testing.T) {
	t.Run("nil", func(t *testing.T) {
		assert.True(t, incident.CloneRecord(nil) == nil, "want an untyped nil")
	})
	for _, c := range cloneCases() {
		t.Run(c.name, func(t *testing.T) {
			orig := c.full()
			cp := incident.CloneRecord(orig)
			require.IsType(t, orig, cp)
			assert.True(t, reflect.DeepEqual(orig, cp))
			assert.Empty(t, cloneShared(t, orig, cp))
			assert.True(t, reflect.DeepEqual(cp, c.clone(orig)), "CloneRecord and Clone agree")
		})
	}
	for _, k := range []incident.Kind{incident.KindEvent, incident.KindIncident, incident.KindVulnerability} {
		t.Run(string(k), func(t *testing.T) {
			r := incident.NewRecord(k)
			cp := incident.CloneRecord(r)
			require.NotNil(t, cp)
			assert.Equal(t, k, cp.Kind())
			assert.NotSame(t, r, cp)
			// A typed nil stays a typed nil of the same type.
			typedNil, _ := reflect.Zero(reflect.TypeOf(r)).Interface().(incident.Record)
			cp = incident.CloneRecord(typedNil)
			assert.IsType(t, r, cp)
			assert.True(t, reflect.ValueOf(cp).IsNil())
		})
	}
	t.Run("foreign", func(t *testing.T) {
		assert.PanicsWithValue(t, "incident: CloneRecord: unsupported record type incident_test.cloneForeign", func() {
			incident.CloneRecord(cloneForeign{cloneFullEvent()})
		})
	})
}

// TestCloneConcurrent copies one record from many goroutines and changes
// the copies; under -race any memory still shared with the original shows
// as a race between a copy's writer and another goroutine's reader.
func TestCloneConcurrent(t *testing.T) {
	for _, c := range cloneCases() {
		t.Run(c.name, func(t *testing.T) {
			orig := c.full()
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() {
					for range 10 {
						cloneScribble(t, reflect.ValueOf(c.clone(orig)).Elem())
					}
				})
			}
			wg.Wait()
			assert.Equal(t, c.full(), orig)
		})
	}
}

// cloneSink keeps benchmark results alive.
var cloneSink *incident.Incident

// TestCloneIncidentAllocs holds Clone to one allocation for the record plus
// one per non-empty slice or map (nested slices of one type together): 24
// for the realistic incident, well inside the lifecycle engine's budget of
// 40 per transition.
func TestCloneIncidentAllocs(t *testing.T) {
	inc := cloneBenchIncident()
	n := testing.AllocsPerRun(100, func() { cloneSink = inc.Clone() })
	require.True(t, reflect.DeepEqual(inc, cloneSink))
	t.Logf("Incident.Clone: %.0f allocations", n)
	assert.LessOrEqual(t, n, 24.0)
}

func BenchmarkCloneIncident(b *testing.B) {
	inc := cloneBenchIncident()
	b.ReportAllocs()
	for b.Loop() {
		cloneSink = inc.Clone()
	}
}

// BenchmarkCloneIncidentJSON is the baseline Clone replaces: a round trip
// through the record's JSON codec.
func BenchmarkCloneIncidentJSON(b *testing.B) {
	inc := cloneBenchIncident()
	b.ReportAllocs()
	for b.Loop() {
		data, err := json.Marshal(inc)
		if err != nil {
			b.Fatal(err)
		}
		var out incident.Incident
		if err := json.Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}
