package incident

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Text limits. They bound what one record may carry so a store row and a
// JSON document stay small; evidence content never lives in the record.
const (
	MaxTitleBytes       = 512
	MaxShortTextBytes   = 1 << 10
	MaxLongTextBytes    = 64 << 10
	MaxLabelBytes       = 64
	maxValidationErrors = 1000
)

// Vocabulary is what Validate checks classifications against: the severity
// scale and the category taxonomies in force. Hosts that replace the
// default scale or extend RSIT pass their own to ValidateWith.
type Vocabulary struct {
	Severity   *SeverityScale
	Taxonomies Taxonomies
}

// DefaultVocabulary returns a new vocabulary with DefaultSeverityScale and
// RSIT; callers may change it freely.
func DefaultVocabulary() *Vocabulary {
	return &Vocabulary{Severity: DefaultSeverityScale(), Taxonomies: DefaultTaxonomies()}
}

// defaultVocabulary is built once and never handed out, so nothing can
// change it: Validate reads it without copying RSIT on every call.
var defaultVocabulary = sync.OnceValue(DefaultVocabulary)

// Validate checks the incident against every rule in Rules with the default
// vocabulary. It returns nil or a *ValidationError holding all problems.
func (inc *Incident) Validate() error { return inc.ValidateWith(defaultVocabulary()) }

// ValidateWith checks the incident with the host's vocabulary.
func (inc *Incident) ValidateWith(voc *Vocabulary) error {
	if inc == nil {
		return &ValidationError{Kind: KindIncident, Fields: []*FieldError{{Path: "", Rule: RuleRequired, Reason: "nil incident", Err: ErrRequired}}}
	}
	v := newValidator(voc, KindIncident)
	v.header(&inc.Header, KindIncident)
	v.handling(&inc.Handling, inc.Timeline)
	if len(inc.EventIDs) == 0 {
		v.add("event_ids", nil, RuleRequired, "an incident is assessed from at least one event", ErrRequired)
	}
	v.ids("event_ids", inc.EventIDs)
	v.ids("vulnerability_ids", inc.VulnerabilityIDs)
	v.timeline("timeline", &inc.Timeline)
	v.facts(&inc.Facts)
	v.impact("impact", &inc.Impact)
	v.evidence(inc.Evidence)
	v.obligations(inc.Obligations)
	v.reviews(inc.Reviews)
	v.merge(inc.ID, inc.MergedInto, inc.Merged)
	return v.err()
}

// Validate checks the event with the default vocabulary.
func (ev *Event) Validate() error { return ev.ValidateWith(defaultVocabulary()) }

// ValidateWith checks the event with the host's vocabulary.
func (ev *Event) ValidateWith(voc *Vocabulary) error {
	if ev == nil {
		return &ValidationError{Kind: KindEvent, Fields: []*FieldError{{Rule: RuleRequired, Reason: "nil event", Err: ErrRequired}}}
	}
	v := newValidator(voc, KindEvent)
	v.header(&ev.Header, KindEvent)
	v.handling(&ev.Handling, ev.Timeline)
	v.timeline("timeline", &ev.Timeline)
	v.text("detection_method", ev.DetectionMethod, MaxShortTextBytes)
	v.text("source", ev.Source, MaxShortTextBytes)
	v.evidence(ev.Evidence)
	if ev.IncidentID == ev.ID && ev.ID != uuid.Nil {
		v.add("incident_id", ev.IncidentID.String(), RuleMerge, "an event cannot be its own incident", ErrInconsistent)
	}
	return v.err()
}

// Validate checks the vulnerability with the default vocabulary.
func (vu *Vulnerability) Validate() error { return vu.ValidateWith(defaultVocabulary()) }

// ValidateWith checks the vulnerability with the host's vocabulary.
func (vu *Vulnerability) ValidateWith(voc *Vocabulary) error {
	if vu == nil {
		return &ValidationError{Kind: KindVulnerability, Fields: []*FieldError{{Rule: RuleRequired, Reason: "nil vulnerability", Err: ErrRequired}}}
	}
	v := newValidator(voc, KindVulnerability)
	v.header(&vu.Header, KindVulnerability)
	v.handling(&vu.Handling, vu.Timeline)
	v.timeline("timeline", &vu.Timeline)
	for i, c := range vu.CVEs {
		if !validCVE(c) {
			v.add(idx("cves", i, ""), c, RuleCVE, "want CVE-YYYY-NNNN", ErrFormat)
		}
	}
	if dup, ok := firstDuplicate(vu.CVEs); ok {
		v.add("cves", dup, RuleDuplicateID, "listed twice", ErrDuplicate)
	}
	if c := vu.CVSS; c != nil {
		switch c.Version {
		case "2.0", "3.0", "3.1", "4.0":
		default:
			v.add("cvss.version", c.Version, RuleCVSS, "want 2.0, 3.0, 3.1 or 4.0", ErrInvalid)
		}
		if !(c.Score >= 0 && c.Score <= 10) {
			v.add("cvss.score", c.Score, RuleCVSS, "want 0.0 to 10.0", ErrInvalid)
		}
		v.text("cvss.vector", c.Vector, MaxShortTextBytes)
	}
	v.assets("assets", vu.Assets)
	v.ids("incident_ids", vu.IncidentIDs)
	return v.err()
}

type validator struct {
	voc  *Vocabulary
	kind Kind
	errs []*FieldError
}

func newValidator(voc *Vocabulary, kind Kind) *validator {
	if voc == nil {
		voc = defaultVocabulary()
	}
	return &validator{voc: voc, kind: kind}
}

func (v *validator) add(path string, value any, rule Rule, reason string, sentinel error) {
	if len(v.errs) >= maxValidationErrors {
		return
	}
	v.errs = append(v.errs, &FieldError{Path: path, Value: value, Rule: rule, Reason: reason, Err: sentinel})
}

func (v *validator) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	return &ValidationError{Kind: v.kind, Fields: v.errs}
}

// idx builds "prefix[i].field" (or "prefix[i]") only when a problem is
// reported, so a valid record costs no path strings.
func idx(prefix string, i int, field string) string {
	s := prefix + "[" + strconv.Itoa(i) + "]"
	if field != "" {
		s += "." + field
	}
	return s
}

func join(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}

func (v *validator) required(path string, empty bool) {
	if empty {
		v.add(path, nil, RuleRequired, "required", ErrRequired)
	}
}

func (v *validator) text(path, s string, limit int) {
	if len(s) > limit {
		v.add(path, len(s), RuleTextLength, "longer than "+strconv.Itoa(limit)+" bytes", ErrInvalid)
	}
}

func (v *validator) enum(path string, value string, ok bool) {
	if !ok {
		v.add(path, value, RuleEnum, "unknown value", ErrUnknownValue)
	}
}

func (v *validator) utc(path string, t time.Time) {
	if t.IsZero() {
		return
	}
	if _, off := t.Zone(); off != 0 {
		v.add(path, t.Format(time.RFC3339), RuleUTC, "time must be UTC", ErrInvalid)
	}
}

func (v *validator) when(path string, t time.Time) {
	v.required(path, t.IsZero())
	v.utc(path, t)
}

func (v *validator) header(h *Header, kind Kind) {
	v.required("id", h.ID == uuid.Nil)
	v.required("org", h.Org == "")
	v.text("org", h.Org, MaxShortTextBytes)
	v.text("org_unit", h.OrgUnit, MaxShortTextBytes)
	if h.Ref == "" {
		v.required("ref", true)
	} else if k, _, _, err := h.Ref.Parse(); err != nil {
		var fe *FieldError
		reason := "malformed reference"
		if errors.As(err, &fe) {
			reason = fe.Reason
		}
		v.add("ref", string(h.Ref), RuleRefFormat, reason, ErrFormat)
	} else if k != kind {
		v.add("ref", string(h.Ref), RuleRefFormat, "prefix names a "+string(k)+", not a "+string(kind), ErrFormat)
	}
	v.when("created_at", h.CreatedAt)
	v.when("updated_at", h.UpdatedAt)
	if !h.CreatedAt.IsZero() && h.UpdatedAt.Before(h.CreatedAt) && !h.UpdatedAt.IsZero() {
		v.add("updated_at", h.UpdatedAt.Format(time.RFC3339Nano), RuleHeaderOrder, "updated before created", ErrOrder)
	}
	if h.Version < 0 {
		v.add("version", h.Version, RuleVersion, "version must not be negative", ErrInvalid)
	}
}

func (v *validator) handling(h *Handling, tl Timeline) {
	v.required("title", strings.TrimSpace(h.Title) == "")
	v.text("title", h.Title, MaxTitleBytes)
	v.text("description", h.Description, MaxLongTextBytes)
	v.text("status", h.Status, MaxShortTextBytes)
	v.required("phase", h.Phase == "")
	if h.Phase != "" {
		v.enum("phase", string(h.Phase), h.Phase.Valid())
	}
	v.required("state", h.State == "")
	if h.State != "" {
		v.enum("state", string(h.State), h.State.Valid())
	}
	if h.Phase.Valid() && h.State.Valid() && h.Phase != "" && h.State != "" && !h.State.In(h.Phase) {
		v.add("state", string(h.State), RulePhaseState, "state "+string(h.State)+" is not part of phase "+string(h.Phase), ErrInconsistent)
	}
	if h.State == StateClosed {
		if tl.Closed.IsZero() {
			v.add("timeline.closed", nil, RuleClosedState, "a closed record needs timeline.closed", ErrInconsistent)
		} else if n := len(tl.Reopened); n > 0 && tl.Closed.Before(tl.Reopened[n-1]) {
			v.add("state", string(h.State), RuleClosedState, "reopened after its last close but still closed", ErrInconsistent)
		}
	}
	v.enum("outcome", string(h.Outcome), h.Outcome.Valid())
	v.resolution(h)
	if h.Severity != "" && v.voc.Severity != nil && !v.voc.Severity.Contains(h.Severity) {
		v.add("severity", string(h.Severity), RuleSeverity, "not a level of scale "+v.voc.Severity.Name, ErrUnknownSeverity)
	}
	v.enum("priority", string(h.Priority), h.Priority.Valid())
	v.categories(h)
	v.text("reporter", string(h.Reporter), MaxShortTextBytes)
	v.contacts(h.Contacts)
	v.roles(h.Roles)
	v.tasks(h.Tasks)
	v.notes(h.Notes)
	v.labels(h.Labels)
	for i, l := range h.Links {
		v.required(idx("links", i, "system"), l.System == "")
		v.required(idx("links", i, "key"), l.Key == "")
		v.text(idx("links", i, "url"), l.URL, MaxShortTextBytes)
	}
	v.enum("tlp", string(h.TLP), h.TLP.Valid())
	v.dataProtection(&h.DataProtection)
}

func (v *validator) resolution(h *Handling) {
	r := h.Resolution
	if r == nil {
		return
	}
	v.enum("resolution.kind", string(r.Kind), r.Kind.Valid())
	v.required("resolution.set_by", r.SetBy == "")
	v.when("resolution.set_at", r.SetAt)
	v.text("resolution.reason", r.Reason, MaxLongTextBytes)
	switch r.Kind {
	case ResolutionFalsePositive:
		if h.Outcome != OutcomeNotIncident {
			v.add("resolution.kind", string(r.Kind), RuleResolution, "a false positive needs outcome not_incident, not "+strconv.Quote(string(h.Outcome)), ErrInconsistent)
		}
	case ResolutionTruePositiveWithImpact, ResolutionTruePositiveWithoutImpact:
		if h.Outcome != OutcomeIncident && h.Outcome != OutcomeNearMiss {
			v.add("resolution.kind", string(r.Kind), RuleResolution, "a true positive needs outcome incident or near_miss, not "+strconv.Quote(string(h.Outcome)), ErrInconsistent)
		}
	case ResolutionDuplicate:
		if r.DuplicateOf == uuid.Nil {
			v.add("resolution.duplicate_of", nil, RuleResolution, "a duplicate names its primary", ErrInconsistent)
		}
	}
	if r.Kind != ResolutionDuplicate && r.DuplicateOf != uuid.Nil {
		v.add("resolution.duplicate_of", r.DuplicateOf.String(), RuleResolution, "only a duplicate names a primary", ErrInconsistent)
	}
}

func (v *validator) categories(h *Handling) {
	check := func(path string, c Category) {
		v.required(join(path, "class"), c.Class == "")
		if c.Class == "" {
			return
		}
		if err := v.voc.Taxonomies.Check(c); err != nil {
			v.add(path, c.String(), RuleCategory, err.Error(), ErrUnknownCategory)
		}
	}
	if !h.Category.IsZero() {
		check("category", h.Category)
	} else if len(h.Categories) > 0 {
		v.add("category", nil, RuleCategoryRepeat, "further categories need a primary category", ErrDuplicate)
	}
	for i, c := range h.Categories {
		check(idx("categories", i, ""), c)
		if v.sameCategory(c, h.Category) || slices.ContainsFunc(h.Categories[:i], func(d Category) bool { return v.sameCategory(c, d) }) {
			v.add(idx("categories", i, ""), c.String(), RuleCategoryRepeat, "category listed twice", ErrDuplicate)
		}
	}
}

// sameCategory compares with the default taxonomy name resolved, so
// {"", "fraud", "phishing"} and {"rsit", "fraud", "phishing"} are equal.
func (v *validator) sameCategory(a, b Category) bool {
	if a.Taxonomy == "" {
		a.Taxonomy = "rsit"
	}
	if b.Taxonomy == "" {
		b.Taxonomy = "rsit"
	}
	return a == b
}

func (v *validator) contacts(cs []Contact) {
	for i, c := range cs {
		v.required(idx("contacts", i, "id"), c.ID == "")
		v.enum(idx("contacts", i, "kind"), string(c.Kind), c.Kind.Valid())
		v.text(idx("contacts", i, "name"), c.Name, MaxShortTextBytes)
		v.text(idx("contacts", i, "email"), c.Email, MaxShortTextBytes)
		v.text(idx("contacts", i, "phone"), c.Phone, MaxShortTextBytes)
		v.text(idx("contacts", i, "organisation"), c.Organisation, MaxShortTextBytes)
		if c.Erased && (c.Name != "" || c.Email != "" || c.Phone != "" || c.Organisation != "") {
			v.add(idx("contacts", i, ""), string(c.ID), RuleErasedContact, "erased contact still has personal data", ErrInconsistent)
		}
		for j := range i {
			if cs[j].ID == c.ID && c.ID != "" {
				v.add(idx("contacts", i, "id"), string(c.ID), RuleDuplicateID, "contact listed twice", ErrDuplicate)
				break
			}
		}
	}
}

func (v *validator) roles(rs []RoleAssignment) {
	for i, r := range rs {
		v.enum(idx("roles", i, "role"), string(r.Role), r.Role.Valid())
		v.required(idx("roles", i, "actor"), r.Actor == "")
		v.when(idx("roles", i, "from"), r.From)
		v.utc(idx("roles", i, "until"), r.Until)
		if !r.Until.IsZero() && r.Until.Before(r.From) {
			v.add(idx("roles", i, "until"), r.Until.Format(time.RFC3339), RuleTenure, "tenure ends before it starts", ErrOrder)
			continue
		}
		if !r.Role.Single() {
			continue
		}
		for j := range i {
			o := rs[j]
			if o.Role == r.Role && o.Actor != r.Actor && overlaps(o, r) {
				v.add(idx("roles", i, ""), string(r.Actor), RuleTenureOverlap,
					string(r.Role)+" already held by "+string(o.Actor)+" at that time", ErrInconsistent)
				break
			}
		}
	}
}

// overlaps reports whether two tenures share an instant; a handover at
// the same instant (a.Until == b.From) does not overlap.
func overlaps(a, b RoleAssignment) bool {
	aEndsAfterBStarts := a.Until.IsZero() || a.Until.After(b.From)
	bEndsAfterAStarts := b.Until.IsZero() || b.Until.After(a.From)
	return aEndsAfterBStarts && bEndsAfterAStarts
}

func (v *validator) tasks(ts []Task) {
	for i, t := range ts {
		v.required(idx("tasks", i, "id"), t.ID == "")
		v.required(idx("tasks", i, "title"), strings.TrimSpace(t.Title) == "")
		v.text(idx("tasks", i, "title"), t.Title, MaxTitleBytes)
		v.required(idx("tasks", i, "status"), t.Status == "")
		if t.Status != "" {
			v.enum(idx("tasks", i, "status"), string(t.Status), t.Status.Valid())
		}
		if t.Phase != "" {
			v.enum(idx("tasks", i, "phase"), string(t.Phase), t.Phase.Valid())
		}
		if (t.Status == TaskWaived || t.Status == TaskCancelled) && strings.TrimSpace(t.Reason) == "" {
			v.add(idx("tasks", i, "reason"), string(t.Status), RuleTaskReason, "a waived or cancelled task needs a reason", ErrRequired)
		}
		v.text(idx("tasks", i, "reason"), t.Reason, MaxLongTextBytes)
		v.utc(idx("tasks", i, "due"), t.Due)
		v.utc(idx("tasks", i, "finished_at"), t.FinishedAt)
		for j := range i {
			if ts[j].ID == t.ID && t.ID != "" {
				v.add(idx("tasks", i, "id"), t.ID, RuleDuplicateID, "task listed twice", ErrDuplicate)
				break
			}
		}
	}
}

func (v *validator) notes(ns []Note) {
	for i, n := range ns {
		v.required(idx("notes", i, "id"), n.ID == "")
		v.when(idx("notes", i, "at"), n.At)
		v.required(idx("notes", i, "author"), n.Author == "")
		v.required(idx("notes", i, "text"), n.Text == "" && !n.Erased)
		v.text(idx("notes", i, "text"), n.Text, MaxLongTextBytes)
		for j := range i {
			if ns[j].ID == n.ID && n.ID != "" {
				v.add(idx("notes", i, "id"), n.ID, RuleDuplicateID, "note listed twice", ErrDuplicate)
				break
			}
		}
	}
}

func (v *validator) labels(ls []string) {
	for i, l := range ls {
		if !validLabel(l) {
			v.add(idx("labels", i, ""), l, RuleLabel, "want 1–64 bytes of printable UTF-8 without spaces", ErrFormat)
		}
	}
	if dup, ok := firstDuplicate(ls); ok {
		v.add("labels", dup, RuleDuplicateID, "label listed twice", ErrDuplicate)
	}
}

func validLabel(l string) bool {
	if l == "" || len(l) > MaxLabelBytes || !utf8.ValidString(l) {
		return false
	}
	for _, r := range l {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}

func firstDuplicate[T comparable](xs []T) (T, bool) {
	for i := 1; i < len(xs); i++ {
		for j := range i {
			if xs[i] == xs[j] {
				return xs[i], true
			}
		}
	}
	var zero T
	return zero, false
}

func (v *validator) ids(path string, ids []uuid.UUID) {
	for i, id := range ids {
		if id == uuid.Nil {
			v.add(idx(path, i, ""), nil, RuleRequired, "nil UUID", ErrRequired)
		}
	}
	if dup, ok := firstDuplicate(ids); ok {
		v.add(path, dup.String(), RuleDuplicateID, "listed twice", ErrDuplicate)
	}
}

func (v *validator) timestamp(path string, t Timestamp) {
	if t.IsZero() {
		return
	}
	v.enum(path+".precision", string(t.Precision), t.Precision.Valid())
	v.utc(path+".at", t.At)
	if t.Precision.Valid() && !t.At.Equal(t.Earliest()) {
		v.add(path+".at", t.At.Format(time.RFC3339Nano), RulePrecision, "a "+string(t.Precision)+"-precision time starts its "+string(t.Precision), ErrInvalid)
	}
}

func (v *validator) timeline(path string, tl *Timeline) {
	for _, a := range Anchors() {
		t, _ := tl.Get(a)
		v.timestamp(join(path, string(a)), t)
	}
	for i, t := range tl.Reopened {
		v.timestamp(idx(join(path, "reopened"), i, ""), t)
		if i > 0 && t.Before(tl.Reopened[i-1]) {
			v.add(idx(join(path, "reopened"), i, ""), t.At.Format(time.RFC3339Nano), RuleReopenedOrder, "reopenings must be in ascending order", ErrOrder)
		}
		if t.Before(tl.Detected) {
			v.add(idx(join(path, "reopened"), i, ""), t.At.Format(time.RFC3339Nano), RuleReopenedOrder, "reopened before detected", ErrOrder)
		}
	}
	// After a reopening later than the last close, the record is open
	// again and may legitimately gain anchors after Closed.
	closedIsLast := true
	if n := len(tl.Reopened); n > 0 && !tl.Closed.IsZero() && tl.Closed.Before(tl.Reopened[n-1]) {
		closedIsLast = false
	}
	for _, p := range timelineOrder {
		if p[1] == AnchorClosed && !closedIsLast {
			continue
		}
		a, _ := tl.Get(p[0])
		b, _ := tl.Get(p[1])
		if b.Before(a) {
			v.add(join(path, string(p[1])), b.At.Format(time.RFC3339Nano), RuleTimelineOrder,
				string(p[1])+" is before "+string(p[0])+" ("+a.At.Format(time.RFC3339Nano)+")", ErrOrder)
		}
	}
}

func (v *validator) facts(f *Facts) {
	factTimes(v, "facts.personal_data", &f.PersonalData)
	factTimes(v, "facts.personal_data_categories", &f.PersonalDataCategories)
	factTimes(v, "facts.special_categories", &f.SpecialCategories)
	factTimes(v, "facts.data_subjects", &f.DataSubjects)
	factTimes(v, "facts.residents_by_state", &f.ResidentsByState)
	factTimes(v, "facts.member_states", &f.MemberStates)
	factTimes(v, "facts.clients_affected", &f.ClientsAffected)
	factTimes(v, "facts.transactions_affected", &f.TransactionsAffected)
	factTimes(v, "facts.economic_impact", &f.EconomicImpact)
	factTimes(v, "facts.critical_services_affected", &f.CriticalServicesAffected)
	factTimes(v, "facts.ransom_paid", &f.RansomPaid)
	factTimes(v, "facts.entity_types", &f.EntityTypes)

	counts := [...]struct {
		path string
		f    *Fact[int64]
	}{{"facts.data_subjects", &f.DataSubjects}, {"facts.clients_affected", &f.ClientsAffected}, {"facts.transactions_affected", &f.TransactionsAffected}}
	for _, c := range counts {
		if c.f.Value < 0 {
			v.add(c.path+".value", c.f.Value, RuleCount, "must not be negative", ErrInvalid)
		}
	}
	for _, st := range f.MemberStates.Value {
		if !validCountry(st) {
			v.add("facts.member_states.value", st, RuleCountryCode, "want two upper-case letters", ErrFormat)
		}
	}
	for _, st := range slices.Sorted(maps.Keys(f.ResidentsByState.Value)) {
		n := f.ResidentsByState.Value[st]
		if !validCountry(st) {
			v.add("facts.residents_by_state.value", st, RuleCountryCode, "want two upper-case letters", ErrFormat)
		}
		if n < 0 {
			v.add("facts.residents_by_state.value."+st, n, RuleCount, "must not be negative", ErrInvalid)
		}
	}
	if f.EconomicImpact.Known() {
		v.money("facts.economic_impact.value", f.EconomicImpact.Value)
	}
}

// factTimes checks a fact's history runs forward in time and ends no later
// than the current value.
func factTimes[T any](v *validator, path string, f *Fact[T]) {
	if f.IsZero() {
		return
	}
	v.when(path+".known_at", f.KnownAt)
	for i, r := range f.History {
		v.when(idx(path+".history", i, "known_at"), r.KnownAt)
		next := f.KnownAt
		if i+1 < len(f.History) {
			next = f.History[i+1].KnownAt
		}
		if next.Before(r.KnownAt) {
			v.add(idx(path+".history", i, "known_at"), r.KnownAt.Format(time.RFC3339Nano), RuleFactOrder, "history must be in time order, before the current value", ErrOrder)
		}
	}
}

func validCountry(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func (v *validator) money(path string, m Money) {
	c := m.Currency
	if len(c) != 3 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' || c[2] < 'A' || c[2] > 'Z' {
		v.add(path+".currency", c, RuleMoney, "want an upper-case ISO 4217 code", ErrFormat)
	}
	if m.Minor < 0 {
		v.add(path+".minor", m.Minor, RuleMoney, "must not be negative", ErrFormat)
	}
}

func (v *validator) impact(path string, im *Impact) {
	v.enum(path+".confidentiality", string(im.Confidentiality), im.Confidentiality.Valid())
	v.enum(path+".integrity", string(im.Integrity), im.Integrity.Valid())
	v.enum(path+".availability", string(im.Availability), im.Availability.Valid())
	v.enum(path+".functional", string(im.Functional), im.Functional.Valid())
	for i, x := range im.Information {
		v.enum(idx(path+".information", i, ""), string(x), x.Valid())
	}
	if dup, ok := firstDuplicate(im.Information); ok {
		v.add(path+".information", string(dup), RuleDuplicateID, "listed twice", ErrDuplicate)
	}
	v.enum(path+".recoverability", string(im.Recoverability), im.Recoverability.Valid())
	v.assets(path+".assets", im.Assets)
	for i, s := range im.Services {
		v.required(idx(path+".services", i, "name"), s.Name == "")
		v.enum(idx(path+".services", i, "criticality"), string(s.Criticality), s.Criticality.Valid())
	}
	if im.Cost != nil {
		v.money(path+".cost", *im.Cost)
	}
}

func (v *validator) assets(path string, as []Asset) {
	for i, a := range as {
		v.required(idx(path, i, "id"), a.ID == "")
		v.enum(idx(path, i, "criticality"), string(a.Criticality), a.Criticality.Valid())
		for j := range i {
			if as[j].ID == a.ID && a.ID != "" {
				v.add(idx(path, i, "id"), a.ID, RuleDuplicateID, "asset listed twice", ErrDuplicate)
				break
			}
		}
	}
}

func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func (v *validator) evidence(es []Evidence) {
	for i, e := range es {
		v.required(idx("evidence", i, "id"), e.ID == "")
		v.required(idx("evidence", i, "description"), strings.TrimSpace(e.Description) == "")
		v.text(idx("evidence", i, "description"), e.Description, MaxLongTextBytes)
		v.required(idx("evidence", i, "collected_by"), e.CollectedBy == "")
		v.when(idx("evidence", i, "collected_at"), e.CollectedAt)
		v.required(idx("evidence", i, "location"), e.Location == "")
		if e.SHA256 == "" {
			v.required(idx("evidence", i, "sha256"), true)
		} else if !validSHA256(e.SHA256) {
			v.add(idx("evidence", i, "sha256"), e.SHA256, RuleDigestFormat, "want 64 lower-case hex characters", ErrFormat)
		}
		if e.Size < 0 {
			v.add(idx("evidence", i, "size"), e.Size, RuleCount, "must not be negative", ErrInvalid)
		}
		holder, last := e.CollectedBy, e.CollectedAt
		for j, c := range e.Custody {
			p := idx("evidence", i, "") + idx(".custody", j, "")
			v.when(p+".at", c.At)
			v.required(p+".from", c.From == "")
			v.required(p+".to", c.To == "")
			if c.At.Before(last) {
				v.add(p+".at", c.At.Format(time.RFC3339Nano), RuleCustodyOrder, "transfer before the previous custody event", ErrOrder)
			}
			if c.From != holder && c.From != "" {
				v.add(p+".from", string(c.From), RuleCustodyChain, "the custodian was "+string(holder), ErrInconsistent)
			}
			if c.SHA256 != "" && !validSHA256(c.SHA256) {
				v.add(p+".sha256", c.SHA256, RuleDigestFormat, "want 64 lower-case hex characters", ErrFormat)
			}
			holder, last = c.To, c.At
		}
		for j := range i {
			if es[j].ID == e.ID && e.ID != "" {
				v.add(idx("evidence", i, "id"), e.ID, RuleDuplicateID, "evidence listed twice", ErrDuplicate)
				break
			}
		}
	}
}

func (v *validator) obligations(os []Obligation) {
	for i, o := range os {
		v.required(idx("obligations", i, "id"), o.ID == "")
		v.required(idx("obligations", i, "regime"), o.Regime == "")
		v.required(idx("obligations", i, "report"), o.Report == "")
		v.required(idx("obligations", i, "authority"), o.Authority == "")
		v.required(idx("obligations", i, "start_event"), o.StartEvent == "")
		v.required(idx("obligations", i, "article"), o.Article == "")
		v.when(idx("obligations", i, "due"), o.Due)
		v.utc(idx("obligations", i, "start_at"), o.StartAt)
		v.utc(idx("obligations", i, "legal_end"), o.LegalEnd)
		v.utc(idx("obligations", i, "submitted_at"), o.SubmittedAt)
		if !o.StartAt.IsZero() && o.Due.Before(o.StartAt) {
			v.add(idx("obligations", i, "due"), o.Due.Format(time.RFC3339), RuleObligationOrder, "due before the start event", ErrOrder)
		}
		if !o.LegalEnd.IsZero() && o.LegalEnd.Before(o.Due) {
			v.add(idx("obligations", i, "legal_end"), o.LegalEnd.Format(time.RFC3339), RuleObligationOrder, "legal end before due", ErrOrder)
		}
		if o.Waived != "" && o.WaivedBy == "" {
			v.required(idx("obligations", i, "waived_by"), true)
		}
		for j := range i {
			if os[j].ID == o.ID && o.ID != "" {
				v.add(idx("obligations", i, "id"), o.ID, RuleDuplicateID, "obligation listed twice", ErrDuplicate)
				break
			}
		}
	}
}

func (v *validator) reviews(rs []ReviewRef) {
	for i, r := range rs {
		v.required(idx("reviews", i, "id"), r.ID == "")
		v.when(idx("reviews", i, "completed_at"), r.CompletedAt)
		for j := range i {
			if rs[j].ID == r.ID && r.ID != "" {
				v.add(idx("reviews", i, "id"), r.ID, RuleDuplicateID, "review listed twice", ErrDuplicate)
				break
			}
		}
	}
}

func (v *validator) merge(self, into uuid.UUID, merged []uuid.UUID) {
	if into != uuid.Nil && into == self {
		v.add("merged_into", into.String(), RuleMerge, "a record cannot be merged into itself", ErrInconsistent)
	}
	if self != uuid.Nil && slices.Contains(merged, self) {
		v.add("merged", self.String(), RuleMerge, "a record cannot list itself as merged", ErrInconsistent)
	}
	v.ids("merged", merged)
}

func (v *validator) dataProtection(d *DataProtection) {
	v.text("data_protection.retention_category", d.RetentionCategory, MaxShortTextBytes)
	if h := d.LegalHold; h != nil {
		v.when("data_protection.legal_hold.since", h.Since)
		v.required("data_protection.legal_hold.by", h.By == "")
		v.required("data_protection.legal_hold.reason", strings.TrimSpace(h.Reason) == "")
	}
	for i, e := range d.Erasures {
		v.when(idx("data_protection.erasures", i, "at"), e.At)
		v.required(idx("data_protection.erasures", i, "by"), e.By == "")
		v.required(idx("data_protection.erasures", i, "reason"), strings.TrimSpace(e.Reason) == "")
	}
}

func validCVE(s string) bool {
	if len(s) < 13 || s[:4] != "CVE-" || s[8] != '-' {
		return false
	}
	for i := 4; i < len(s); i++ {
		if i == 8 {
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
