package storetest

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

func listCases() []testCase {
	cs := []testCase{}
	for _, f := range filterCases() {
		cs = append(cs, testCase{
			name:     "List/Filters/" + f.field,
			contract: "List and Count select exactly the records Query.Match selects for Query." + f.field + ", in ascending ID order",
			run:      func(e *env) { listFilters(e, f.queries, f.vacuousOK) },
		})
	}
	cs = append(cs,
		testCase{"List/Filters/Combined", "several filters of one Query all apply (AND), as in Query.Match", func(e *env) { listFilters(e, combinedQueries(), false) }},
		testCase{"List/AscendingIDOrder", "List yields in ascending ID byte order, whatever the order of creation or of CreatedAt", listOrder},
		testCase{"List/AfterAndLimit", "After is an exclusive cursor in ID byte order and Limit stops after that many matching records; Count ignores both", listAfterAndLimit},
		testCase{"List/Restricted", "a nil Restricted lists restricted and unrestricted records alike; true and false select one side", listRestricted},
		testCase{"List/YieldsCopies", "List yields copies: changing a yielded record does not change the store", listYieldsCopies},
		testCase{"List/Pagination_StableDuringWrites", "while List runs, records created or updated by others neither make it skip nor repeat a record that exists and matches for the whole scan", listStable},
		testCase{"List/NoLockWhileYielding", "List holds no lock while it yields: the loop body may call Commit, Get and Count on the same store", listNoLock},
		testCase{"List/Break", "stopping a List loop early (break) releases whatever the iteration held: the store stays usable", listBreak},
	)
	return cs
}

// corpusRecord describes one record of the filter corpus.
type corpusRecord struct {
	kind       incident.Kind
	phase      incident.Phase
	state      incident.State
	outcome    incident.Outcome
	severity   incident.Severity
	category   incident.Category
	labels     []string
	restricted bool
}

// corpus returns records covering every filterable value, kinds
// interleaved; record i is created at base+i hours and its ID grows with i.
func (f *fixture) corpus(tenant string) []incident.Record {
	intr := func(t string) incident.Category { return incident.Category{Class: "intrusions", Type: t} }
	specs := []corpusRecord{
		{incident.KindIncident, incident.PhaseAssessDecide, incident.StateTriage, incident.OutcomeIncident, incident.SeverityMedium, intr("system-compromise"), []string{"vip"}, false},
		{incident.KindEvent, incident.PhaseDetectReport, incident.StateDetection, incident.OutcomeUndetermined, incident.SeverityLow, intr("system-compromise"), []string{"vip"}, false},
		{incident.KindIncident, incident.PhaseAssessDecide, incident.StateAnalysis, incident.OutcomeIncident, incident.SeverityHigh, intr("privileged-account-compromise"), []string{"vip", "phishing"}, true},
		{incident.KindVulnerability, incident.PhaseDetectReport, incident.StateReporting, incident.OutcomeUndetermined, incident.SeverityHigh, incident.Category{Class: "vulnerable", Type: "weak-crypto"}, []string{"vip"}, false},
		{incident.KindIncident, incident.PhaseRespond, incident.StateContainment, incident.OutcomeIncident, incident.SeverityCritical, incident.Category{Taxonomy: "rsit", Class: "fraud", Type: "phishing"}, []string{"phishing"}, false},
		{incident.KindEvent, incident.PhaseDetectReport, incident.StateReporting, incident.OutcomeNotIncident, incident.SeverityMedium, incident.Category{Class: "fraud", Type: "phishing"}, nil, true},
		{incident.KindIncident, incident.PhaseRespond, incident.StateAnalysis, incident.OutcomeNearMiss, incident.SeverityLow, incident.Category{Class: "fraud", Type: "masquerade"}, nil, false},
		{incident.KindIncident, incident.PhaseLearnLessons, incident.StateConclusion, incident.OutcomeIncident, "", incident.Category{Class: "availability", Type: "ddos"}, []string{"vip"}, true},
		{incident.KindEvent, incident.PhaseAssessDecide, incident.StateTriage, incident.OutcomeUnderWatch, incident.SeverityHigh, incident.Category{Class: "availability"}, []string{"phishing", "vip"}, false},
		{incident.KindIncident, incident.PhaseRespond, incident.StateClosed, incident.OutcomeIncident, incident.SeverityHigh, incident.Category{}, []string{"ransomware"}, false},
		{incident.KindVulnerability, incident.PhaseDetectReport, incident.StateReporting, incident.OutcomeUndetermined, incident.SeverityLow, incident.Category{Class: "vulnerable", Type: "vulnerable-system"}, nil, true},
		{incident.KindIncident, incident.PhaseAssessDecide, incident.StateTriage, incident.OutcomeUnderWatch, incident.SeverityMedium, incident.Category{Class: "malicious-code", Type: "infected-system"}, nil, false},
		{incident.KindEvent, incident.PhaseDetectReport, incident.StateClosed, incident.OutcomeNotIncident, incident.SeverityLow, intr("system-compromise"), []string{"vip"}, false},
		{incident.KindIncident, incident.PhaseAssessDecide, incident.StateTriage, incident.OutcomeUndetermined, incident.SeverityLow, intr("application-compromise"), []string{"vip"}, false},
	}
	out := make([]incident.Record, len(specs))
	for i, s := range specs {
		var r incident.Record
		switch s.kind {
		case incident.KindEvent:
			r = f.event(tenant)
		case incident.KindIncident:
			r = f.incident(tenant)
		default:
			r = f.vulnerability(tenant)
		}
		h, hd, tl := r.Head(), r.Handle(), r.Times()
		created := base.Add(time.Duration(i) * time.Hour)
		h.CreatedAt, h.UpdatedAt = created, created
		*tl = incident.Timeline{Detected: incident.At(created), Reported: incident.At(created)}
		if s.kind == incident.KindIncident {
			tl.Declared = incident.At(created)
		}
		if s.state == incident.StateClosed {
			tl.Closed = incident.At(created.Add(30 * time.Minute))
		}
		hd.Phase, hd.State, hd.Outcome, hd.Severity, hd.Category = s.phase, s.state, s.outcome, s.severity, s.category
		hd.Labels = slices.Clone(s.labels)
		hd.Restricted = s.restricted
		out[i] = r
	}
	return out
}

// createdAtHour is the CreatedAt of corpus record i.
func createdAtHour(i int) time.Time { return base.Add(time.Duration(i) * time.Hour) }

type filterCase struct {
	field   string
	queries []store.Query
	// vacuousOK is set when a query of the case selects nothing or
	// everything on purpose.
	vacuousOK bool
}

// filterCases returns, for each Query field, queries (without Kind: every
// query runs for each kind) that select a proper, non-empty part of the
// corpus.
func filterCases() []filterCase {
	return []filterCase{
		{field: "Kind", queries: []store.Query{{}}, vacuousOK: true},
		{field: "Phases", queries: []store.Query{
			{Phases: []incident.Phase{incident.PhaseRespond}},
			{Phases: []incident.Phase{incident.PhaseDetectReport, incident.PhaseLearnLessons}},
		}},
		{field: "States", queries: []store.Query{
			{States: []incident.State{incident.StateTriage}},
			{States: []incident.State{incident.StateContainment, incident.StateClosed}},
		}},
		{field: "Outcomes", queries: []store.Query{
			{Outcomes: []incident.Outcome{incident.OutcomeNearMiss}},
			{Outcomes: []incident.Outcome{incident.OutcomeNotIncident, incident.OutcomeUnderWatch}},
			{Outcomes: []incident.Outcome{incident.OutcomeUndetermined}},
		}},
		{field: "Severities", queries: []store.Query{
			{Severities: []incident.Severity{incident.SeverityHigh}},
			{Severities: []incident.Severity{incident.SeverityLow, incident.SeverityCritical}},
			{Severities: []incident.Severity{""}},
		}},
		{field: "Categories", queries: []store.Query{
			{Categories: []incident.Category{{Class: "intrusions"}}},
			{Categories: []incident.Category{{Class: "intrusions", Type: "system-compromise"}}},
			{Categories: []incident.Category{{Taxonomy: "rsit", Class: "fraud", Type: "phishing"}}},
			{Categories: []incident.Category{{Class: "fraud"}, {Class: "availability", Type: "ddos"}}},
		}},
		{field: "CreatedFrom", queries: []store.Query{
			{CreatedFrom: createdAtHour(3)},
			{CreatedFrom: createdAtHour(3).Add(time.Second)},
		}},
		{field: "CreatedUntil", queries: []store.Query{
			{CreatedUntil: createdAtHour(5)},
			{CreatedUntil: createdAtHour(5).Add(time.Second)},
		}},
		{field: "CreatedRange", queries: []store.Query{
			{CreatedFrom: createdAtHour(2), CreatedUntil: createdAtHour(9)},
			{CreatedFrom: createdAtHour(4), CreatedUntil: createdAtHour(4)},
		}, vacuousOK: true},
		{field: "Labels", queries: []store.Query{
			{Labels: []string{"vip"}},
			{Labels: []string{"vip", "phishing"}},
			{Labels: []string{"no-record-has-this-label"}},
		}, vacuousOK: true},
		{field: "Restricted", queries: []store.Query{
			{Restricted: ptr(true)},
			{Restricted: ptr(false)},
		}},
	}
}

func combinedQueries() []store.Query {
	return []store.Query{
		{Phases: []incident.Phase{incident.PhaseAssessDecide, incident.PhaseRespond}, Labels: []string{"vip"}, Restricted: ptr(false)},
		{Severities: []incident.Severity{incident.SeverityHigh, incident.SeverityLow}, CreatedFrom: createdAtHour(2), Categories: []incident.Category{{Class: "intrusions"}, {Class: "vulnerable"}}},
		{States: []incident.State{incident.StateTriage, incident.StateClosed}, Outcomes: []incident.Outcome{incident.OutcomeUnderWatch, incident.OutcomeNotIncident, incident.OutcomeIncident}},
	}
}

var allKinds = [...]incident.Kind{incident.KindEvent, incident.KindIncident, incident.KindVulnerability}

// listFilters stores the corpus and compares List and Count with
// Query.Match for each query and kind.
func listFilters(e *env, queries []store.Query, vacuousOK bool) {
	corpus := e.fx.corpus(tenantA)
	// Create in reverse, in two writes, so that insertion order is not ID
	// order.
	rev := slices.Clone(corpus)
	slices.Reverse(rev)
	e.create(tenantA, rev[:len(rev)/2]...)
	e.create(tenantA, rev[len(rev)/2:]...)

	for qi, q := range queries {
		selected := 0
		for _, k := range allKinds {
			q.Kind = k
			var want []incident.Record
			for _, r := range corpus {
				if q.Match(r) {
					want = append(want, r)
				}
			}
			selected += len(want)
			got := e.list(tenantA, q)
			if !slices.Equal(ids(got), ids(want)) {
				e.errorf("query %d (%s): List yielded %v, want %v", qi, describeQuery(q), ids(got), ids(want))
			} else {
				for i := range got {
					if d := recordDiff(got[i], want[i]); d != "" {
						e.errorf("query %d (%s): yielded record %s differs from the stored one: %s", qi, describeQuery(q), want[i].Head().ID, d)
					}
				}
			}
			if n := e.count(tenantA, q); n != len(want) {
				e.errorf("query %d (%s): Count %d, want %d", qi, describeQuery(q), n, len(want))
			}
		}
		if !vacuousOK && (selected == 0 || selected == len(corpus)) {
			e.errorf("storetest bug: query %d (%s) selects %d of %d corpus records; it tests nothing", qi, describeQuery(q), selected, len(corpus))
		}
	}
}

func describeQuery(q store.Query) string {
	s := "kind " + string(q.Kind)
	add := func(name string, v any, set bool) {
		if set {
			s += fmt.Sprintf(", %s %v", name, v)
		}
	}
	add("phases", q.Phases, len(q.Phases) > 0)
	add("states", q.States, len(q.States) > 0)
	add("outcomes", fmt.Sprintf("%q", q.Outcomes), len(q.Outcomes) > 0)
	add("severities", fmt.Sprintf("%q", q.Severities), len(q.Severities) > 0)
	add("categories", q.Categories, len(q.Categories) > 0)
	add("created from", q.CreatedFrom.Format(time.RFC3339), !q.CreatedFrom.IsZero())
	add("created until", q.CreatedUntil.Format(time.RFC3339), !q.CreatedUntil.IsZero())
	add("labels", q.Labels, len(q.Labels) > 0)
	if q.Restricted != nil {
		add("restricted", *q.Restricted, true)
	}
	add("after", q.After, q.After != uuid.Nil)
	add("limit", q.Limit, q.Limit != 0)
	return s
}

func listOrder(e *env) {
	mk := uuid.MustParse
	// Ascending byte order is a, b, c, d. They differ in their first bytes
	// and, in the opposite direction, in their last: a store ordering by
	// the last bytes (as SQL Server does) or by creation gets it wrong.
	a := mk("11000000-0000-7000-8000-0000000000ff")
	b := mk("22000000-0000-7000-8000-000000000002")
	c := mk("22000000-0000-7000-8000-000000000003")
	d := mk("33000000-0000-7000-8000-000000000000")
	for i, id := range []uuid.UUID{d, b, a, c} {
		inc := e.fx.incidentWithID(tenantA, id)
		inc.CreatedAt = base.Add(time.Duration(i) * time.Hour)
		inc.UpdatedAt = inc.CreatedAt
		inc.Timeline.Detected = incident.At(inc.CreatedAt)
		inc.Timeline.Reported = incident.At(inc.CreatedAt)
		inc.Timeline.Declared = incident.At(inc.CreatedAt)
		e.create(tenantA, inc)
	}
	want := []uuid.UUID{a, b, c, d}
	if got := ids(e.list(tenantA, store.Query{Kind: incident.KindIncident})); !slices.Equal(got, want) {
		e.errorf("List order: got %v, want ascending ID bytes %v", got, want)
	}
	if got := ids(e.list(tenantA, store.Query{Kind: incident.KindIncident, After: a, Limit: 2})); !slices.Equal(got, want[1:3]) {
		e.errorf("List After %s Limit 2: got %v, want %v", a, got, want[1:3])
	}
}

func listAfterAndLimit(e *env) {
	var incs, all []incident.Record
	for i := range 10 {
		inc := e.fx.incident(tenantA)
		if i%3 == 0 {
			inc.Labels = []string{"third"}
		}
		incs = append(incs, inc)
		all = append(all, inc)
		if i%4 == 0 {
			all = append(all, e.fx.event(tenantA))
		}
	}
	e.create(tenantA, all...)
	want := ids(incs)
	q := store.Query{Kind: incident.KindIncident}
	check := func(what string, q store.Query, want []uuid.UUID) {
		e.r.Helper()
		if got := ids(e.list(tenantA, q)); !slices.Equal(got, want) {
			e.errorf("%s: got %v, want %v", what, got, want)
		}
	}
	check("Limit 3", store.Query{Kind: incident.KindIncident, Limit: 3}, want[:3])
	check("After the 3rd, Limit 3", store.Query{Kind: incident.KindIncident, After: want[2], Limit: 3}, want[3:6])
	check("After the last", store.Query{Kind: incident.KindIncident, After: want[9]}, nil)
	check("After an ID below all", store.Query{Kind: incident.KindIncident, After: idIn(bandLow, 1)}, want)
	check("After an ID above all", store.Query{Kind: incident.KindIncident, After: idIn(bandHigh, 1)}, nil)
	check("After an event's ID (not an incident)", store.Query{Kind: incident.KindIncident, After: all[1].Head().ID}, want[1:])
	check("Limit 0 (no limit)", q, want)
	check("Limit above the number of records", store.Query{Kind: incident.KindIncident, Limit: 100}, want)
	check("Labels third, Limit 2 (the limit counts matching records)", store.Query{Kind: incident.KindIncident, Labels: []string{"third"}, Limit: 2}, []uuid.UUID{want[0], want[3]})

	var paged []uuid.UUID
	cursor := uuid.Nil
	for page := 0; page < 10; page++ {
		got := ids(e.list(tenantA, store.Query{Kind: incident.KindIncident, After: cursor, Limit: 4}))
		if len(got) == 0 {
			break
		}
		paged = append(paged, got...)
		cursor = got[len(got)-1]
	}
	if !slices.Equal(paged, want) {
		e.errorf("paging with After = last ID of the previous page and Limit 4: got %v, want %v", paged, want)
	}

	if n := e.count(tenantA, store.Query{Kind: incident.KindIncident, After: want[4], Limit: 2}); n != 10 {
		e.errorf("Count with After and Limit set: %d, want 10 (Count ignores both)", n)
	}
}

func listRestricted(e *env) {
	open, closed := e.fx.incident(tenantA), e.fx.incident(tenantA)
	closed.Restricted = true
	hr := e.fx.incident(tenantA)
	hr.Restricted = true
	hr.Labels = []string{"hr"}
	e.create(tenantA, open, closed, hr)
	for _, tc := range []struct {
		restricted *bool
		want       []uuid.UUID
	}{
		{nil, []uuid.UUID{open.ID, closed.ID, hr.ID}},
		{ptr(true), []uuid.UUID{closed.ID, hr.ID}},
		{ptr(false), []uuid.UUID{open.ID}},
	} {
		q := store.Query{Kind: incident.KindIncident, Restricted: tc.restricted}
		if got := ids(e.list(tenantA, q)); !slices.Equal(got, tc.want) {
			e.errorf("List (%s): got %v, want %v", describeQuery(q), got, tc.want)
		}
		if n := e.count(tenantA, q); n != len(tc.want) {
			e.errorf("Count (%s): %d, want %d", describeQuery(q), n, len(tc.want))
		}
	}
}

func listYieldsCopies(e *env) {
	inc := e.fx.incident(tenantA)
	inc.Labels = []string{"kept"}
	e.create(tenantA, inc)
	for r, err := range e.s.List(e.ctx, tenantA, store.Query{Kind: incident.KindIncident}) {
		if err != nil {
			e.fatalf("List: %v", err)
		}
		r.Handle().Title = "changed by the loop"
		r.Handle().Labels[0] = "changed"
		r.Head().Version = 99
	}
	e.wantStored(inc)
	if got := e.list(tenantA, store.Query{Kind: incident.KindIncident}); len(got) != 1 || recordDiff(got[0], inc) != "" {
		e.errorf("a second List sees the changes made to the first one's records")
	}
}

// stableRecords is the size of the stability corpus: more than one page of
// most stores (the memory store's default page is 100).
const stableRecords = 250

func listStable(e *env) {
	var recs []incident.Record
	for range stableRecords {
		inc := e.fx.incident(tenantA)
		inc.Labels = []string{"stable"}
		recs = append(recs, inc)
	}
	e.create(tenantA, recs...)
	orig := ids(recs)
	// dropped loses the label during the scan: it need not be yielded.
	dropped := orig[240]

	q := store.Query{Kind: incident.KindIncident, Labels: []string{"stable"}}
	var yielded []uuid.UUID
	var writeErrs []error
	aborted := false
	low, high := uint32(0), uint32(0)
	update := func(id uuid.UUID, change func(*incident.Handling)) error {
		r, err := e.s.Get(e.ctx, tenantA, incident.KindIncident, id)
		if err != nil {
			return fmt.Errorf("reading %s: %w", id, err)
		}
		change(r.Handle())
		r.Head().UpdatedAt = r.Head().UpdatedAt.Add(time.Hour)
		if err := e.s.Commit(e.ctx, tenantA, &store.Write{Update: []incident.Record{r}}); err != nil {
			return fmt.Errorf("updating %s: %w", id, err)
		}
		return nil
	}
	for r, err := range e.s.List(e.ctx, tenantA, q) {
		if err != nil {
			e.errorf("List: %v", err)
			break
		}
		i := len(yielded)
		yielded = append(yielded, r.Head().ID)
		if i%25 != 0 {
			continue
		}
		var errs []error
		ok := e.within(fmt.Sprintf("writing to the store from inside the List loop, at record %d,", i), lockHint, func() {
			if ahead := i + 30; ahead < stableRecords && orig[ahead] != dropped {
				errs = append(errs, update(orig[ahead], func(h *incident.Handling) { h.Title = "updated ahead of the cursor" }))
			}
			if i > 0 {
				errs = append(errs, update(yielded[i-1], func(h *incident.Handling) { h.Title = "updated behind the cursor" }))
			}
			if i == 100 {
				errs = append(errs, update(dropped, func(h *incident.Handling) { h.Labels = []string{"no-longer-stable"} }))
			}
			low++
			high++
			lo := e.fx.incidentWithID(tenantA, idIn(bandLow, low))
			hi := e.fx.incidentWithID(tenantA, idIn(bandHigh, high))
			lo.Labels, hi.Labels = []string{"stable"}, []string{"stable"}
			if err := e.s.Commit(e.ctx, tenantA, &store.Write{Create: []incident.Record{lo, hi}}); err != nil {
				errs = append(errs, fmt.Errorf("creating: %w", err))
			}
		})
		if !ok {
			aborted = true
			break
		}
		writeErrs = append(writeErrs, errs...)
	}
	for _, err := range writeErrs {
		if err != nil {
			e.errorf("a write during the scan failed: %v", err)
		}
	}
	for i := 1; i < len(yielded); i++ {
		if slices.Compare(yielded[i-1][:], yielded[i][:]) >= 0 {
			e.errorf("List yielded %s after %s: not in ascending ID order (a record repeated or one created behind the cursor was yielded)", yielded[i], yielded[i-1])
			break
		}
	}
	if aborted {
		return
	}
	seen := make(map[uuid.UUID]int, len(yielded))
	for _, id := range yielded {
		seen[id]++
	}
	var missing, repeated []uuid.UUID
	for _, id := range orig {
		switch n := seen[id]; {
		case id == dropped:
		case n == 0:
			missing = append(missing, id)
		case n > 1:
			repeated = append(repeated, id)
		}
	}
	if len(missing) > 0 {
		e.errorf("%d records that existed and matched for the whole scan were skipped, e.g. %s", len(missing), missing[0])
	}
	if len(repeated) > 0 {
		e.errorf("%d records were yielded more than once, e.g. %s", len(repeated), repeated[0])
	}
}

// lockHint explains a call from a List loop that does not return.
const lockHint = "store holds its lock while yielding"

func listNoLock(e *env) {
	var recs []incident.Record
	for range 3 {
		recs = append(recs, e.fx.incident(tenantA))
	}
	e.create(tenantA, recs...)
	q := store.Query{Kind: incident.KindIncident}
	n := 0
	aborted := false
	for r, err := range e.s.List(e.ctx, tenantA, q) {
		if err != nil {
			e.fatalf("List: %v", err)
		}
		n++
		if n > 1 {
			continue
		}
		var commitErr, getErr, countErr error
		if !e.within("Commit called from inside a List loop", lockHint, func() {
			up := incident.CloneRecord(r)
			up.Handle().Title = "updated inside the loop"
			commitErr = e.s.Commit(e.ctx, tenantA, &store.Write{Update: []incident.Record{up}, Create: []incident.Record{e.fx.incident(tenantA)}})
		}) {
			aborted = true
			break
		}
		if !e.within("Get called from inside a List loop", lockHint, func() {
			_, getErr = e.s.Get(e.ctx, tenantA, incident.KindIncident, r.Head().ID)
		}) {
			aborted = true
			break
		}
		if !e.within("Count called from inside a List loop", lockHint, func() {
			_, countErr = e.s.Count(e.ctx, tenantA, q)
		}) {
			aborted = true
			break
		}
		for what, err := range map[string]error{"Commit": commitErr, "Get": getErr, "Count": countErr} {
			if err != nil {
				e.errorf("%s inside a List loop failed: %v", what, err)
			}
		}
	}
	if !aborted && n < 3 {
		e.errorf("the List loop saw %d records, want at least the 3 stored before it", n)
	}
}

func listBreak(e *env) {
	var recs []incident.Record
	for range 150 {
		recs = append(recs, e.fx.incident(tenantA))
	}
	e.create(tenantA, recs...)
	for _, err := range e.s.List(e.ctx, tenantA, store.Query{Kind: incident.KindIncident}) {
		e.ok("List", err)
		break
	}
	var err error
	if !e.within("Commit after breaking out of a List loop", "the store still holds a lock of the abandoned iteration", func() {
		err = e.s.Commit(e.ctx, tenantA, &store.Write{Create: []incident.Record{e.fx.incident(tenantA)}})
	}) {
		return
	}
	e.ok("Commit after breaking out of a List loop", err)
	if got := e.list(tenantA, store.Query{Kind: incident.KindIncident}); len(got) != 151 {
		e.errorf("List after an early break: %d records, want 151", len(got))
	}
}
