package incident

import (
	"errors"
	"maps"
	"math"
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
	MaxTitleBytes     = 512
	MaxShortTextBytes = 1 << 10
	MaxLongTextBytes  = 64 << 10
	MaxLabelBytes     = 64
	// MaxListItems bounds every list of a record (tasks, notes, labels,
	// evidence, custody transfers, fact histories, …), so validating input
	// from outside takes time linear in its size.
	MaxListItems        = 10_000
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
	return inc.check(newValidator(voc, KindIncident))
}

func (inc *Incident) check(v *validator) error {
	v.header(&inc.Header, KindIncident)
	v.handling(&inc.Handling, &inc.Timeline, inc.ID)
	if len(inc.EventIDs) == 0 {
		v.add(at("event_ids"), nil, RuleRequired, "an incident is assessed from at least one event", ErrRequired)
	}
	v.ids(at("event_ids"), inc.EventIDs)
	if slices.Contains(inc.EventIDs, inc.ID) && inc.ID != uuid.Nil {
		v.add(at("event_ids"), inc.ID.String(), RuleMerge, "an incident cannot list itself as its event", ErrInconsistent)
	}
	v.ids(at("vulnerability_ids"), inc.VulnerabilityIDs)
	v.timeline(at("timeline"), &inc.Timeline)
	v.facts(&inc.Facts)
	v.impact(at("impact"), &inc.Impact)
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
	return ev.check(newValidator(voc, KindEvent))
}

func (ev *Event) check(v *validator) error {
	v.header(&ev.Header, KindEvent)
	v.handling(&ev.Handling, &ev.Timeline, ev.ID)
	v.timeline(at("timeline"), &ev.Timeline)
	v.textF(&top, "detection_method", ev.DetectionMethod, MaxShortTextBytes)
	v.textF(&top, "source", ev.Source, MaxShortTextBytes)
	v.evidence(ev.Evidence)
	if ev.IncidentID == ev.ID && ev.ID != uuid.Nil {
		v.add(at("incident_id"), ev.IncidentID.String(), RuleMerge, "an event cannot be its own incident", ErrInconsistent)
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
	return vu.check(newValidator(voc, KindVulnerability))
}

func (vu *Vulnerability) check(v *validator) error {
	v.header(&vu.Header, KindVulnerability)
	v.handling(&vu.Handling, &vu.Timeline, vu.ID)
	v.timeline(at("timeline"), &vu.Timeline)
	v.tooMany("cves", len(vu.CVEs))
	for i, c := range vu.CVEs {
		if !validCVE(c) {
			v.add(at("cves").i(i), c, RuleCVE, "want CVE-YYYY-NNNN", ErrFormat)
		}
	}
	if dup, ok := firstDuplicate(vu.CVEs); ok {
		v.add(at("cves"), dup, RuleDuplicateID, "listed twice", ErrDuplicate)
	}
	if c := vu.CVSS; c != nil {
		switch c.Version {
		case "2.0", "3.0", "3.1", "4.0":
		default:
			v.add(at("cvss.version"), c.Version, RuleCVSS, "want 2.0, 3.0, 3.1 or 4.0", ErrInvalid)
		}
		if !(c.Score >= 0 && c.Score <= 10) {
			v.add(at("cvss.score"), c.Score, RuleCVSS, "want 0.0 to 10.0", ErrInvalid)
		} else if tenths := c.Score * 10; math.Abs(tenths-math.Round(tenths)) > 1e-9 {
			// CVSS publishes scores to one decimal (v3.1 Roundup, v4.0).
			v.add(at("cvss.score"), c.Score, RuleCVSS, "a CVSS score has one decimal", ErrInvalid)
		}
		v.textF(&top, "cvss.vector", c.Vector, MaxShortTextBytes)
	}
	v.assets(at("assets"), vu.Assets)
	v.ids(at("incident_ids"), vu.IncidentIDs)
	return v.err()
}

type validator struct {
	voc  *Vocabulary
	kind Kind
	errs []*FieldError
	// only, when set, keeps the problems of that rule alone (the strict
	// decoder checks enum values this way, without the cap cutting them).
	only Rule
}

func newValidator(voc *Vocabulary, kind Kind) *validator {
	if voc == nil {
		voc = defaultVocabulary()
	}
	return &validator{voc: voc, kind: kind}
}

func (v *validator) add(path loc, value any, rule Rule, reason string, sentinel error) {
	if (v.only != "" && rule != v.only) || len(v.errs) >= maxValidationErrors {
		return
	}
	v.errs = append(v.errs, &FieldError{Path: path.String(), Value: value, Rule: rule, Reason: reason, Err: sentinel})
}

// tooLong reports a list over MaxListItems; its elements are then not
// checked one by one.
func (v *validator) tooLong(path loc, n int) bool {
	if n <= MaxListItems {
		return false
	}
	v.add(path, n, RuleListLength, "more than "+strconv.Itoa(MaxListItems)+" items", ErrInvalid)
	return true
}

// tooMany is tooLong for a top-level list, whose path it builds only
// when the list is too long.
func (v *validator) tooMany(field string, n int) bool {
	if n <= MaxListItems {
		return false
	}
	return v.tooLong(at(field), n)
}

func (v *validator) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	return &ValidationError{Kind: v.kind, Fields: v.errs}
}

// top is the empty path: top.f(field) is at(field).
var top loc

// The helpers below take a path as a base and a last field, and build it
// only when they report a problem: a valid record builds no paths.

func (v *validator) requiredF(base *loc, field string, empty bool) {
	if empty {
		v.required(base.f(field), true)
	}
}

func (v *validator) textF(base *loc, field, s string, limit int) {
	if len(s) > limit {
		v.text(base.f(field), s, limit)
	}
}

func (v *validator) enumF(base *loc, field, value string, ok bool) {
	if !ok {
		v.enum(base.f(field), value, false)
	}
}

func (v *validator) utcF(base *loc, field string, t time.Time) {
	if t.IsZero() {
		return
	}
	if _, off := t.Zone(); off != 0 {
		v.utc(base.f(field), t)
	}
}

func (v *validator) whenF(base *loc, field string, t time.Time) {
	v.requiredF(base, field, t.IsZero())
	v.utcF(base, field, t)
}

// loc is a JSON path (tasks[2].title) kept as parts: String renders it
// only when a problem is reported, and a valid record allocates no path
// strings. Copying one still costs its 128 bytes, so the hot checks take a
// base and a field (requiredF, textF, …) and build no loc at all then.
type loc struct {
	seg [5]string
	idx [5]int // idx[k] is the index after seg[k]; -1 for none
	n   int
}

// at starts a path with one segment (which may itself contain dots).
func at(field string) loc {
	l := loc{n: 1}
	l.seg[0], l.idx[0] = field, -1
	return l
}

// f appends a field.
func (l loc) f(field string) loc {
	if l.n < len(l.seg) {
		l.seg[l.n], l.idx[l.n] = field, -1
		l.n++
	}
	return l
}

// i indexes the last segment.
func (l loc) i(i int) loc {
	if l.n > 0 {
		l.idx[l.n-1] = i
	}
	return l
}

// String renders the path.
func (l loc) String() string {
	var b strings.Builder
	for k := range l.n {
		if k > 0 {
			b.WriteByte('.')
		}
		b.WriteString(l.seg[k])
		if l.idx[k] >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(l.idx[k]))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func (v *validator) required(path loc, empty bool) {
	if empty {
		v.add(path, nil, RuleRequired, "required", ErrRequired)
	}
}

func (v *validator) text(path loc, s string, limit int) {
	if len(s) > limit {
		v.add(path, len(s), RuleTextLength, "longer than "+strconv.Itoa(limit)+" bytes", ErrInvalid)
	}
}

func (v *validator) enum(path loc, value string, ok bool) {
	if !ok {
		v.add(path, value, RuleEnum, "unknown value", ErrUnknownValue)
	}
}

func (v *validator) utc(path loc, t time.Time) {
	if t.IsZero() {
		return
	}
	if _, off := t.Zone(); off != 0 {
		v.add(path, t.Format(time.RFC3339), RuleUTC, "time must be UTC", ErrInvalid)
	}
}

func (v *validator) when(path loc, t time.Time) {
	v.required(path, t.IsZero())
	v.utc(path, t)
}

func (v *validator) header(h *Header, kind Kind) {
	v.requiredF(&top, "id", h.ID == uuid.Nil)
	v.requiredF(&top, "org", h.Org == "")
	v.textF(&top, "org", h.Org, MaxShortTextBytes)
	v.textF(&top, "org_unit", h.OrgUnit, MaxShortTextBytes)
	if h.Ref == "" {
		v.requiredF(&top, "ref", true)
	} else if k, _, _, err := h.Ref.Parse(); err != nil {
		var fe *FieldError
		reason := "malformed reference"
		if errors.As(err, &fe) {
			reason = fe.Reason
		}
		v.add(at("ref"), string(h.Ref), RuleRefFormat, reason, ErrFormat)
	} else if k != kind {
		v.add(at("ref"), string(h.Ref), RuleRefFormat, "prefix names a "+string(k)+", not a "+string(kind), ErrFormat)
	}
	v.whenF(&top, "created_at", h.CreatedAt)
	v.whenF(&top, "updated_at", h.UpdatedAt)
	if !h.CreatedAt.IsZero() && h.UpdatedAt.Before(h.CreatedAt) && !h.UpdatedAt.IsZero() {
		v.add(at("updated_at"), h.UpdatedAt.Format(time.RFC3339Nano), RuleHeaderOrder, "updated before created", ErrOrder)
	}
	if h.Version < 0 {
		v.add(at("version"), h.Version, RuleVersion, "version must not be negative", ErrInvalid)
	}
}

func (v *validator) handling(h *Handling, tl *Timeline, self uuid.UUID) {
	v.requiredF(&top, "title", strings.TrimSpace(h.Title) == "")
	v.textF(&top, "title", h.Title, MaxTitleBytes)
	v.textF(&top, "description", h.Description, MaxLongTextBytes)
	v.textF(&top, "status", h.Status, MaxShortTextBytes)
	v.requiredF(&top, "phase", h.Phase == "")
	if h.Phase != "" {
		v.enumF(&top, "phase", string(h.Phase), h.Phase.Valid())
	}
	v.requiredF(&top, "state", h.State == "")
	if h.State != "" {
		v.enumF(&top, "state", string(h.State), h.State.Valid())
	}
	if h.Phase.Valid() && h.State.Valid() && h.Phase != "" && h.State != "" && !h.State.In(h.Phase) {
		v.add(at("state"), string(h.State), RulePhaseState, "state "+string(h.State)+" is not part of phase "+string(h.Phase), ErrInconsistent)
	}
	if h.State == StateClosed {
		if tl.Closed.IsZero() {
			v.add(at("timeline.closed"), nil, RuleClosedState, "a closed record needs timeline.closed", ErrInconsistent)
		} else if n := len(tl.Reopened); n > 0 && tl.Closed.Before(tl.Reopened[n-1]) {
			v.add(at("state"), string(h.State), RuleClosedState, "reopened after its last close but still closed", ErrInconsistent)
		}
	}
	v.enumF(&top, "outcome", string(h.Outcome), h.Outcome.Valid())
	v.resolution(h, self)
	if h.Severity != "" && v.voc.Severity != nil && !v.voc.Severity.Contains(h.Severity) {
		v.add(at("severity"), string(h.Severity), RuleSeverity, "not a level of scale "+v.voc.Severity.Name, ErrUnknownSeverity)
	}
	v.enumF(&top, "priority", string(h.Priority), h.Priority.Valid())
	v.categories(h)
	v.textF(&top, "reporter", string(h.Reporter), MaxShortTextBytes)
	v.contacts(h.Contacts)
	v.roles(h.Roles)
	v.tasks(h.Tasks)
	v.assessments(h.Assessments)
	v.notes(h.Notes)
	v.labels(h.Labels)
	v.tooMany("links", len(h.Links))
	for i, l := range h.Links {
		elem := at("links").i(i)
		v.requiredF(&elem, "system", l.System == "")
		v.requiredF(&elem, "key", l.Key == "")
		v.textF(&elem, "url", l.URL, MaxShortTextBytes)
	}
	v.enumF(&top, "tlp", string(h.TLP), h.TLP.Valid())
	v.dataProtection(&h.DataProtection)
}

func (v *validator) resolution(h *Handling, self uuid.UUID) {
	r := h.Resolution
	if r == nil {
		return
	}
	v.enumF(&top, "resolution.kind", string(r.Kind), r.Kind.Valid())
	v.requiredF(&top, "resolution.set_by", r.SetBy == "")
	v.whenF(&top, "resolution.set_at", r.SetAt)
	v.textF(&top, "resolution.reason", r.Reason, MaxLongTextBytes)
	switch r.Kind {
	case ResolutionFalsePositive:
		if h.Outcome != OutcomeNotIncident {
			v.add(at("resolution.kind"), string(r.Kind), RuleResolution, "a false positive needs outcome not_incident, not "+strconv.Quote(string(h.Outcome)), ErrInconsistent)
		}
	case ResolutionTruePositiveWithImpact:
		// A near miss did not materialise (NIS2 Art. 6(5)): it caused no harm.
		if h.Outcome != OutcomeIncident {
			v.add(at("resolution.kind"), string(r.Kind), RuleResolution, "a true positive with impact needs outcome incident, not "+strconv.Quote(string(h.Outcome)), ErrInconsistent)
		}
	case ResolutionTruePositiveWithoutImpact:
		if h.Outcome != OutcomeIncident && h.Outcome != OutcomeNearMiss {
			v.add(at("resolution.kind"), string(r.Kind), RuleResolution, "a true positive needs outcome incident or near_miss, not "+strconv.Quote(string(h.Outcome)), ErrInconsistent)
		}
	case ResolutionNotApplicable:
		if h.Outcome == OutcomeIncident {
			v.add(at("resolution.kind"), string(r.Kind), RuleResolution, "an incident is within the scope of incident management", ErrInconsistent)
		}
	case ResolutionDuplicate:
		switch r.DuplicateOf {
		case uuid.Nil:
			v.add(at("resolution.duplicate_of"), nil, RuleResolution, "a duplicate names its primary", ErrInconsistent)
		case self:
			v.add(at("resolution.duplicate_of"), r.DuplicateOf.String(), RuleResolution, "a record cannot duplicate itself", ErrInconsistent)
		}
	}
	if r.Kind != ResolutionDuplicate && r.DuplicateOf != uuid.Nil {
		v.add(at("resolution.duplicate_of"), r.DuplicateOf.String(), RuleResolution, "only a duplicate names a primary", ErrInconsistent)
	}
}

func (v *validator) categories(h *Handling) {
	if v.tooMany("categories", len(h.Categories)) {
		return
	}
	check := func(path loc, c Category) {
		v.requiredF(&path, "class", c.Class == "")
		if c.Class == "" {
			return
		}
		if err := v.voc.Taxonomies.Check(c); err != nil {
			v.add(path, c.String(), RuleCategory, err.Error(), ErrUnknownCategory)
		}
	}
	if !h.Category.IsZero() {
		check(at("category"), h.Category)
	} else if len(h.Categories) > 0 {
		v.add(at("category"), nil, RuleCategoryRepeat, "further categories need a primary category", ErrDuplicate)
	}
	for i, c := range h.Categories {
		check(at("categories").i(i), c)
		if v.sameCategory(c, h.Category) || slices.ContainsFunc(h.Categories[:i], func(d Category) bool { return v.sameCategory(c, d) }) {
			v.add(at("categories").i(i), c.String(), RuleCategoryRepeat, "category listed twice", ErrDuplicate)
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
	if v.tooMany("contacts", len(cs)) {
		return
	}
	dupCs := repeated(len(cs), func(i int) string { return string(cs[i].ID) })
	for i, c := range cs {
		elem := at("contacts").i(i)
		v.requiredF(&elem, "id", c.ID == "")
		v.enumF(&elem, "kind", string(c.Kind), c.Kind.Valid())
		v.textF(&elem, "name", c.Name, MaxShortTextBytes)
		v.textF(&elem, "email", c.Email, MaxShortTextBytes)
		v.textF(&elem, "phone", c.Phone, MaxShortTextBytes)
		v.textF(&elem, "organisation", c.Organisation, MaxShortTextBytes)
		if c.Erased && (c.Name != "" || c.Email != "" || c.Phone != "" || c.Organisation != "") {
			v.add(at("contacts").i(i), string(c.ID), RuleErasedContact, "erased contact still has personal data", ErrInconsistent)
		}
		if slices.Contains(dupCs, i) {
			v.add(at("contacts").i(i).f("id"), string(c.ID), RuleDuplicateID, "contact listed twice", ErrDuplicate)
		}
	}
}

func (v *validator) roles(rs []RoleAssignment) {
	if v.tooMany("roles", len(rs)) {
		return
	}
	for i, r := range rs {
		elem := at("roles").i(i)
		v.enumF(&elem, "role", string(r.Role), r.Role.Valid())
		v.requiredF(&elem, "actor", r.Actor == "")
		v.whenF(&elem, "from", r.From)
		v.utcF(&elem, "until", r.Until)
		if !r.Until.IsZero() && r.Until.Before(r.From) {
			v.add(at("roles").i(i).f("until"), r.Until.Format(time.RFC3339), RuleTenure, "tenure ends before it starts", ErrOrder)
			continue
		}
		if !r.Role.Single() {
			continue
		}
		for j := range i {
			o := rs[j]
			if o.Role == r.Role && o.Actor != r.Actor && overlaps(o, r) {
				v.add(at("roles").i(i), string(r.Actor), RuleTenureOverlap,
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

func (v *validator) assessments(as []Assessment) {
	if v.tooMany("assessments", len(as)) {
		return
	}
	for i, a := range as {
		p := at("assessments").i(i)
		v.requiredF(&p, "step", a.Step == "")
		if a.Step != "" {
			v.enumF(&p, "step", string(a.Step), a.Step.Valid())
		}
		v.requiredF(&p, "by", a.By == "")
		v.requiredF(&p, "at", a.At.IsZero())
		v.utcF(&p, "at", a.At)
		if a.Role != "" {
			v.enumF(&p, "role", string(a.Role), a.Role.Valid())
		}
		v.enumF(&p, "outcome", string(a.Outcome), a.Outcome.Valid())
		if a.Severity != "" && v.voc.Severity != nil && !v.voc.Severity.Contains(a.Severity) {
			v.add(p.f("severity"), string(a.Severity), RuleSeverity, "not a level of scale "+v.voc.Severity.Name, ErrUnknownSeverity)
		}
		v.enumF(&p, "priority", string(a.Priority), a.Priority.Valid())
		if !a.Category.IsZero() {
			v.required(p.f("category").f("class"), a.Category.Class == "")
			if a.Category.Class != "" {
				if err := v.voc.Taxonomies.Check(a.Category); err != nil {
					v.add(p.f("category"), a.Category.String(), RuleCategory, err.Error(), ErrUnknownCategory)
				}
			}
		}
		v.textF(&p, "by", string(a.By), MaxShortTextBytes)
		v.textF(&p, "rationale", a.Rationale, MaxLongTextBytes)
		if i > 0 && a.At.Before(as[i-1].At) {
			v.add(p.f("at"), a.At.Format(time.RFC3339Nano), RuleTimelineOrder, "assessments must be in ascending order", ErrOrder)
		}
	}
}

func (v *validator) tasks(ts []Task) {
	if v.tooMany("tasks", len(ts)) {
		return
	}
	dupTs := repeated(len(ts), func(i int) string { return ts[i].ID })
	for i, t := range ts {
		elem := at("tasks").i(i)
		v.requiredF(&elem, "id", t.ID == "")
		v.requiredF(&elem, "title", strings.TrimSpace(t.Title) == "")
		v.textF(&elem, "title", t.Title, MaxTitleBytes)
		v.requiredF(&elem, "status", t.Status == "")
		if t.Status != "" {
			v.enumF(&elem, "status", string(t.Status), t.Status.Valid())
		}
		if t.Phase != "" {
			v.enumF(&elem, "phase", string(t.Phase), t.Phase.Valid())
		}
		if (t.Status == TaskWaived || t.Status == TaskCancelled) && strings.TrimSpace(t.Reason) == "" {
			v.add(at("tasks").i(i).f("reason"), string(t.Status), RuleTaskReason, "a waived or cancelled task needs a reason", ErrRequired)
		}
		v.textF(&elem, "reason", t.Reason, MaxLongTextBytes)
		v.utcF(&elem, "due", t.Due)
		v.utcF(&elem, "finished_at", t.FinishedAt)
		if slices.Contains(dupTs, i) {
			v.add(at("tasks").i(i).f("id"), t.ID, RuleDuplicateID, "task listed twice", ErrDuplicate)
		}
	}
}

func (v *validator) notes(ns []Note) {
	if v.tooMany("notes", len(ns)) {
		return
	}
	dupNs := repeated(len(ns), func(i int) string { return ns[i].ID })
	for i, n := range ns {
		elem := at("notes").i(i)
		v.requiredF(&elem, "id", n.ID == "")
		v.whenF(&elem, "at", n.At)
		v.requiredF(&elem, "author", n.Author == "")
		v.requiredF(&elem, "text", n.Text == "" && !n.Erased)
		v.textF(&elem, "text", n.Text, MaxLongTextBytes)
		if slices.Contains(dupNs, i) {
			v.add(at("notes").i(i).f("id"), n.ID, RuleDuplicateID, "note listed twice", ErrDuplicate)
		}
	}
}

func (v *validator) labels(ls []string) {
	if v.tooMany("labels", len(ls)) {
		return
	}
	for i, l := range ls {
		if !validLabel(l) {
			v.add(at("labels").i(i), l, RuleLabel, "want 1–64 bytes of printable UTF-8 without spaces", ErrFormat)
		}
	}
	if dup, ok := firstDuplicate(ls); ok {
		v.add(at("labels"), dup, RuleDuplicateID, "label listed twice", ErrDuplicate)
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

// firstDuplicate returns the first element equal to an earlier one.
func firstDuplicate[T comparable](xs []T) (T, bool) {
	if i := repeated(len(xs), func(i int) T { return xs[i] }); len(i) > 0 {
		return xs[i[0]], true
	}
	var zero T
	return zero, false
}

// repeated returns the indexes whose key equals an earlier one, ignoring
// zero keys; nil when there are none. Short lists are compared pairwise
// (no allocation); long ones through a map, so input from outside cannot
// make validation quadratic.
func repeated[K comparable](n int, key func(int) K) []int {
	var zero K
	var out []int
	if n <= 16 {
		for i := 1; i < n; i++ {
			k := key(i)
			if k == zero {
				continue
			}
			for j := range i {
				if key(j) == k {
					out = append(out, i)
					break
				}
			}
		}
		return out
	}
	seen := make(map[K]struct{}, n)
	for i := range n {
		k := key(i)
		if k == zero {
			continue
		}
		if _, dup := seen[k]; dup {
			out = append(out, i)
			continue
		}
		seen[k] = struct{}{}
	}
	return out
}

func (v *validator) ids(path loc, ids []uuid.UUID) {
	if v.tooLong(path, len(ids)) {
		return
	}
	for i, id := range ids {
		if id == uuid.Nil {
			v.add(path.i(i), nil, RuleRequired, "nil UUID", ErrRequired)
		}
	}
	if dup, ok := firstDuplicate(ids); ok {
		v.add(path, dup.String(), RuleDuplicateID, "listed twice", ErrDuplicate)
	}
}

func (v *validator) timestamp(path loc, t Timestamp) {
	if t.IsZero() {
		return
	}
	v.enumF(&path, "precision", string(t.Precision), t.Precision.Valid())
	v.whenF(&path, "at", t.At)
	if t.Precision.Valid() && !t.At.IsZero() && !t.At.Equal(t.Earliest()) {
		v.add(path.f("at"), t.At.Format(time.RFC3339Nano), RulePrecision, "a "+string(t.Precision)+"-precision time starts its "+string(t.Precision), ErrInvalid)
	}
}

// instant reports whether t stands for its instant alone: an empty,
// instant or unknown precision (Earliest and Latest then both return At).
func instant(t *Timestamp) bool {
	switch t.Precision {
	case PrecisionDay, PrecisionMonth, PrecisionYear:
		return false
	}
	return true
}

// plainTimestamp reports whether timestamp has nothing to report about t
// for certain: t is unknown, or a known instant in UTC. The caller then
// builds no path.
func plainTimestamp(t *Timestamp) bool {
	if t.At.IsZero() {
		return t.Precision == "" && !t.Estimated
	}
	if t.Precision != "" && t.Precision != PrecisionInstant {
		return false
	}
	_, off := t.At.Zone()
	return off == 0
}

// before is Timestamp.Before without computing the intervals of two
// instants, whose intervals are the instants themselves.
func before(t, u *Timestamp) bool {
	if t.At.IsZero() || u.At.IsZero() {
		return false
	}
	if instant(t) && instant(u) {
		return t.At.Before(u.At)
	}
	return t.Latest().Before(u.Earliest())
}

// anchorFields returns the timeline's anchors in the order of anchorList.
func (tl *Timeline) anchorFields() [len(anchorList)]*Timestamp {
	return [len(anchorList)]*Timestamp{&tl.Occurred, &tl.Compromised, &tl.Detected, &tl.Reported, &tl.Aware,
		&tl.Acknowledged, &tl.Assessed, &tl.Declared, &tl.ClassifiedMajor, &tl.MaterialityDetermined,
		&tl.Discovered, &tl.Contained, &tl.Eradicated, &tl.Recovered, &tl.ServiceUnavailableFrom,
		&tl.ServiceRestored, &tl.Closed}
}

// anchorIndex maps an anchor to its index in anchorList; -1 if unknown.
func anchorIndex(a Anchor) int {
	for i, b := range anchorList {
		if a == b {
			return i
		}
	}
	return -1
}

// timelineOrderIndex is timelineOrder as indexes into anchorList.
var timelineOrderIndex = func() (out [len(timelineOrder)][2]int) {
	for k, p := range timelineOrder {
		out[k] = [2]int{anchorIndex(p[0]), anchorIndex(p[1])}
	}
	return out
}()

var closedIndex = anchorIndex(AnchorClosed)

func (v *validator) timeline(path loc, tl *Timeline) {
	fields := tl.anchorFields()
	for k, t := range fields {
		if !plainTimestamp(t) {
			v.timestamp(path.f(string(anchorList[k])), *t)
		}
	}
	if len(tl.Reopened) > MaxListItems {
		v.tooLong(path.f("reopened"), len(tl.Reopened))
	}
	if len(tl.Reopened) > 0 && tl.Closed.IsZero() {
		v.add(path.f("reopened"), len(tl.Reopened), RuleReopenedOrder, "a record is reopened only after a close, and none is recorded", ErrOrder)
	}
	for i := range tl.Reopened {
		t := &tl.Reopened[i]
		if !plainTimestamp(t) {
			v.timestamp(path.f("reopened").i(i), *t)
		}
		if i > 0 && before(t, &tl.Reopened[i-1]) {
			v.add(path.f("reopened").i(i), t.At.Format(time.RFC3339Nano), RuleReopenedOrder, "reopenings must be in ascending order", ErrOrder)
		}
		if before(t, &tl.Detected) {
			v.add(path.f("reopened").i(i), t.At.Format(time.RFC3339Nano), RuleReopenedOrder, "reopened before detected", ErrOrder)
		}
	}
	// After a reopening later than the last close, the record is open
	// again and may legitimately gain anchors after Closed.
	closedIsLast := true
	if n := len(tl.Reopened); n > 0 && !tl.Closed.IsZero() && before(&tl.Closed, &tl.Reopened[n-1]) {
		closedIsLast = false
	}
	for _, p := range timelineOrderIndex {
		if p[1] == closedIndex && !closedIsLast {
			continue
		}
		a, b := fields[p[0]], fields[p[1]]
		if before(b, a) {
			ea, eb := anchorList[p[0]], anchorList[p[1]]
			v.add(path.f(string(eb)), b.At.Format(time.RFC3339Nano), RuleTimelineOrder,
				string(eb)+" is before "+string(ea)+" ("+a.At.Format(time.RFC3339Nano)+")", ErrOrder)
		}
	}
}

func (v *validator) facts(f *Facts) {
	if !factZero(&f.PersonalData) {
		factTimes(v, at("facts.personal_data"), &f.PersonalData)
	}
	if !factZero(&f.PersonalDataCategories) {
		factTimes(v, at("facts.personal_data_categories"), &f.PersonalDataCategories)
	}
	if !factZero(&f.SpecialCategories) {
		factTimes(v, at("facts.special_categories"), &f.SpecialCategories)
	}
	if !factZero(&f.DataSubjects) {
		factTimes(v, at("facts.data_subjects"), &f.DataSubjects)
	}
	if !factZero(&f.ResidentsByState) {
		factTimes(v, at("facts.residents_by_state"), &f.ResidentsByState)
	}
	if !factZero(&f.MemberStates) {
		factTimes(v, at("facts.member_states"), &f.MemberStates)
	}
	if !factZero(&f.ClientsAffected) {
		factTimes(v, at("facts.clients_affected"), &f.ClientsAffected)
	}
	if !factZero(&f.TransactionsAffected) {
		factTimes(v, at("facts.transactions_affected"), &f.TransactionsAffected)
	}
	if !factZero(&f.EconomicImpact) {
		factTimes(v, at("facts.economic_impact"), &f.EconomicImpact)
	}
	if !factZero(&f.CriticalServicesAffected) {
		factTimes(v, at("facts.critical_services_affected"), &f.CriticalServicesAffected)
	}
	if !factZero(&f.RansomPaid) {
		factTimes(v, at("facts.ransom_paid"), &f.RansomPaid)
	}
	if !factZero(&f.EntityTypes) {
		factTimes(v, at("facts.entity_types"), &f.EntityTypes)
	}

	counts := [...]struct {
		path string
		f    *Fact[int64]
	}{{"facts.data_subjects", &f.DataSubjects}, {"facts.clients_affected", &f.ClientsAffected}, {"facts.transactions_affected", &f.TransactionsAffected}}
	for _, c := range counts {
		if c.f.Value < 0 {
			v.add(at(c.path).f("value"), c.f.Value, RuleCount, "must not be negative", ErrInvalid)
		}
		for i, r := range c.f.History {
			if r.Value < 0 {
				v.add(at(c.path).f("history").i(i).f("value"), r.Value, RuleCount, "must not be negative", ErrInvalid)
			}
		}
	}
	for _, st := range f.MemberStates.Value {
		if !validCountry(st) {
			v.add(at("facts.member_states.value"), st, RuleCountryCode, "want two upper-case letters", ErrFormat)
		}
	}
	// The map is walked in key order only when it holds a problem, so
	// the problems come out in a stable order without sorting valid keys.
	residentsOK := true
	for st, n := range f.ResidentsByState.Value {
		if !validCountry(st) || n < 0 {
			residentsOK = false
			break
		}
	}
	for _, st := range residentsProblems(residentsOK, f.ResidentsByState.Value) {
		n := f.ResidentsByState.Value[st]
		if !validCountry(st) {
			v.add(at("facts.residents_by_state.value"), st, RuleCountryCode, "want two upper-case letters", ErrFormat)
		}
		if n < 0 {
			v.add(at("facts.residents_by_state.value").f(st), n, RuleCount, "must not be negative", ErrInvalid)
		}
	}
	if f.EconomicImpact.Known() {
		v.money(at("facts.economic_impact.value"), f.EconomicImpact.Value)
	}
}

// residentsProblems returns the States in key order when the map holds a
// problem, nil when ok.
func residentsProblems(ok bool, m map[string]int64) []string {
	if ok {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}

// factTimes checks a fact's history runs forward in time and ends no later
// than the current value.
func factTimes[T any](v *validator, path loc, f *Fact[T]) {
	if factZero(f) {
		return
	}
	v.whenF(&path, "known_at", f.KnownAt)
	v.tooLong(path.f("history"), len(f.History))
	for i, r := range f.History {
		v.when(path.f("history").i(i).f("known_at"), r.KnownAt)
		next := f.KnownAt
		if i+1 < len(f.History) {
			next = f.History[i+1].KnownAt
		}
		if next.Before(r.KnownAt) {
			v.add(path.f("history").i(i).f("known_at"), r.KnownAt.Format(time.RFC3339Nano), RuleFactOrder, "history must be in time order, before the current value", ErrOrder)
		}
	}
}

func validCountry(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func (v *validator) money(path loc, m Money) {
	c := m.Currency
	if len(c) != 3 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' || c[2] < 'A' || c[2] > 'Z' {
		v.add(path.f("currency"), c, RuleMoney, "want an upper-case ISO 4217 code", ErrFormat)
	}
	if m.Minor < 0 {
		v.add(path.f("minor"), m.Minor, RuleMoney, "must not be negative", ErrFormat)
	}
}

func (v *validator) impact(path loc, im *Impact) {
	v.enumF(&path, "confidentiality", string(im.Confidentiality), im.Confidentiality.Valid())
	v.enumF(&path, "integrity", string(im.Integrity), im.Integrity.Valid())
	v.enumF(&path, "availability", string(im.Availability), im.Availability.Valid())
	v.enumF(&path, "functional", string(im.Functional), im.Functional.Valid())
	for i, x := range im.Information {
		v.enum(path.f("information").i(i), string(x), x.Valid())
	}
	if dup, ok := firstDuplicate(im.Information); ok {
		v.add(path.f("information"), string(dup), RuleDuplicateID, "listed twice", ErrDuplicate)
	}
	v.enumF(&path, "recoverability", string(im.Recoverability), im.Recoverability.Valid())
	v.assets(path.f("assets"), im.Assets)
	for i, s := range im.Services {
		v.required(path.f("services").i(i).f("name"), s.Name == "")
		v.enum(path.f("services").i(i).f("criticality"), string(s.Criticality), s.Criticality.Valid())
	}
	if im.Cost != nil {
		v.money(path.f("cost"), *im.Cost)
	}
}

func (v *validator) assets(path loc, as []Asset) {
	if v.tooLong(path, len(as)) {
		return
	}
	dupAs := repeated(len(as), func(i int) string { return as[i].ID })
	for i, a := range as {
		v.required(path.i(i).f("id"), a.ID == "")
		v.enum(path.i(i).f("criticality"), string(a.Criticality), a.Criticality.Valid())
		if slices.Contains(dupAs, i) {
			v.add(path.i(i).f("id"), a.ID, RuleDuplicateID, "asset listed twice", ErrDuplicate)
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
	if v.tooMany("evidence", len(es)) {
		return
	}
	dupEs := repeated(len(es), func(i int) string { return es[i].ID })
	for i, e := range es {
		elem := at("evidence").i(i)
		v.requiredF(&elem, "id", e.ID == "")
		v.requiredF(&elem, "description", strings.TrimSpace(e.Description) == "")
		v.textF(&elem, "description", e.Description, MaxLongTextBytes)
		v.requiredF(&elem, "collected_by", e.CollectedBy == "")
		v.whenF(&elem, "collected_at", e.CollectedAt)
		v.requiredF(&elem, "location", e.Location == "")
		// The digest is optional: ISO/IEC 27037 separates collection (a
		// laptop seized) from acquisition (its image hashed), and custody
		// starts at collection. Verify fails without a digest.
		if e.SHA256 != "" && !validSHA256(e.SHA256) {
			v.add(at("evidence").i(i).f("sha256"), e.SHA256, RuleDigestFormat, "want 64 lower-case hex characters", ErrFormat)
		}
		if e.Size < 0 {
			v.add(at("evidence").i(i).f("size"), e.Size, RuleCount, "must not be negative", ErrInvalid)
		}
		holder, last := e.CollectedBy, e.CollectedAt
		if len(e.Custody) > MaxListItems {
			v.tooLong(elem.f("custody"), len(e.Custody))
		}
		for j, c := range e.Custody {
			p := at("evidence").i(i).f("custody").i(j)
			v.whenF(&p, "at", c.At)
			v.requiredF(&p, "from", c.From == "")
			v.requiredF(&p, "to", c.To == "")
			if c.At.Before(last) {
				v.add(p.f("at"), c.At.Format(time.RFC3339Nano), RuleCustodyOrder, "transfer before the previous custody event", ErrOrder)
			}
			if c.From != holder && c.From != "" {
				v.add(p.f("from"), string(c.From), RuleCustodyChain, "the custodian was "+string(holder), ErrInconsistent)
			}
			if c.SHA256 != "" && !validSHA256(c.SHA256) {
				v.add(p.f("sha256"), c.SHA256, RuleDigestFormat, "want 64 lower-case hex characters", ErrFormat)
			} else if c.SHA256 != "" && validSHA256(e.SHA256) && c.SHA256 != e.SHA256 {
				v.add(p.f("sha256"), c.SHA256, RuleCustodyChain, "the receiver verified a digest other than the evidence's "+e.SHA256, ErrInconsistent)
			}
			holder, last = c.To, c.At
		}
		if slices.Contains(dupEs, i) {
			v.add(at("evidence").i(i).f("id"), e.ID, RuleDuplicateID, "evidence listed twice", ErrDuplicate)
		}
	}
}

func (v *validator) obligations(os []Obligation) {
	if v.tooMany("obligations", len(os)) {
		return
	}
	dupOs := repeated(len(os), func(i int) string { return os[i].ID })
	for i, o := range os {
		elem := at("obligations").i(i)
		v.requiredF(&elem, "id", o.ID == "")
		v.requiredF(&elem, "regime", o.Regime == "")
		v.requiredF(&elem, "report", o.Report == "")
		v.requiredF(&elem, "authority", o.Authority == "")
		v.requiredF(&elem, "start_event", o.StartEvent == "")
		v.requiredF(&elem, "article", o.Article == "")
		v.whenF(&elem, "due", o.Due)
		v.utcF(&elem, "start_at", o.StartAt)
		v.utcF(&elem, "legal_end", o.LegalEnd)
		v.utcF(&elem, "submitted_at", o.SubmittedAt)
		if !o.StartAt.IsZero() && o.Due.Before(o.StartAt) {
			v.add(at("obligations").i(i).f("due"), o.Due.Format(time.RFC3339), RuleObligationOrder, "due before the start event", ErrOrder)
		}
		if !o.LegalEnd.IsZero() && o.LegalEnd.Before(o.Due) {
			v.add(at("obligations").i(i).f("legal_end"), o.LegalEnd.Format(time.RFC3339), RuleObligationOrder, "legal end before due", ErrOrder)
		}
		if o.Waived != "" && o.WaivedBy == "" {
			v.requiredF(&elem, "waived_by", true)
		}
		if slices.Contains(dupOs, i) {
			v.add(at("obligations").i(i).f("id"), o.ID, RuleDuplicateID, "obligation listed twice", ErrDuplicate)
		}
	}
}

func (v *validator) reviews(rs []ReviewRef) {
	if v.tooMany("reviews", len(rs)) {
		return
	}
	dupRs := repeated(len(rs), func(i int) string { return rs[i].ID })
	for i, r := range rs {
		elem := at("reviews").i(i)
		v.requiredF(&elem, "id", r.ID == "")
		v.whenF(&elem, "completed_at", r.CompletedAt)
		if slices.Contains(dupRs, i) {
			v.add(at("reviews").i(i).f("id"), r.ID, RuleDuplicateID, "review listed twice", ErrDuplicate)
		}
	}
}

func (v *validator) merge(self, into uuid.UUID, merged []uuid.UUID) {
	if into != uuid.Nil && into == self {
		v.add(at("merged_into"), into.String(), RuleMerge, "a record cannot be merged into itself", ErrInconsistent)
	}
	if self != uuid.Nil && slices.Contains(merged, self) {
		v.add(at("merged"), self.String(), RuleMerge, "a record cannot list itself as merged", ErrInconsistent)
	}
	if into != uuid.Nil && slices.Contains(merged, into) {
		v.add(at("merged_into"), into.String(), RuleMerge, "a record cannot be merged into one of its own duplicates", ErrInconsistent)
	}
	v.ids(at("merged"), merged)
}

func (v *validator) dataProtection(d *DataProtection) {
	v.textF(&top, "data_protection.retention_category", d.RetentionCategory, MaxShortTextBytes)
	if h := d.LegalHold; h != nil {
		v.whenF(&top, "data_protection.legal_hold.since", h.Since)
		v.requiredF(&top, "data_protection.legal_hold.by", h.By == "")
		v.requiredF(&top, "data_protection.legal_hold.reason", strings.TrimSpace(h.Reason) == "")
	}
	v.tooMany("data_protection.erasures", len(d.Erasures))
	for i, e := range d.Erasures {
		elem := at("data_protection.erasures").i(i)
		v.whenF(&elem, "at", e.At)
		v.requiredF(&elem, "by", e.By == "")
		v.requiredF(&elem, "reason", strings.TrimSpace(e.Reason) == "")
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
