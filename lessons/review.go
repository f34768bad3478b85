package lessons

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/prepare"
	"github.com/iso27035/iso27035/store"
)

// Subject says what a review covers.
type Subject string

// The subjects of a review.
const (
	// SubjectIncident: a review of an incident.
	SubjectIncident Subject = "incident"
	// SubjectNearMiss: a review of a near miss (an event assessed with
	// outcome near_miss); reviewed with the same machinery, counted in
	// Recurring.
	SubjectNearMiss Subject = "near_miss"
	// SubjectExercise: a tabletop or simulation exercise (27035-2
	// clause 11); it has no record and no audit trail.
	SubjectExercise Subject = "exercise"
)

// Valid reports whether s is one of the subjects.
func (s Subject) Valid() bool {
	return s == SubjectIncident || s == SubjectNearMiss || s == SubjectExercise
}

// Category classifies a root cause or contributing factor.
type Category string

// The categories of causes.
const (
	CategoryPeople     Category = "people"
	CategoryProcess    Category = "process"
	CategoryTechnology Category = "technology"
	CategoryThirdParty Category = "third_party"
)

// Valid reports whether c is one of the categories.
func (c Category) Valid() bool {
	switch c {
	case CategoryPeople, CategoryProcess, CategoryTechnology, CategoryThirdParty:
		return true
	}
	return false
}

// Entry is one line of a review's timeline, taken from one audit record.
type Entry struct {
	Seq    uint64           `json:"seq"`
	At     time.Time        `json:"at"`
	Actor  incident.ActorID `json:"actor"`
	Action string           `json:"action"`
	// From and To are the stages ("respond/analysis") the audit record's
	// Data names; empty for a change that did not move the record. A
	// creation has only To, the stage the record was created in.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// Timeline reconstructs the timeline of a record from its audit records
// in log, in Seq order: sequence, time, actor, action, and the stages
// moved from and to as the audit record's Data gives them ("from" and
// "to", or "stage" for the stage a record was created in). It is the only
// way a review gets a timeline: nothing is typed again.
func Timeline(ctx context.Context, log store.AuditLog, tenant string, recordID uuid.UUID) ([]Entry, error) {
	if log == nil {
		return nil, fmt.Errorf("%w: no audit log", ErrInvalid)
	}
	var out []Entry
	for a, err := range log.AuditTrail(ctx, tenant, recordID, 0) {
		if err != nil {
			return nil, fmt.Errorf("lessons: reading the audit trail of %s: %w", recordID, err)
		}
		e := Entry{Seq: a.Seq, At: a.At, Actor: a.Actor, Action: a.Action}
		if len(a.Data) > 0 {
			e.From, e.To = stages(a.Data)
		}
		out = append(out, e)
	}
	return out, nil
}

// auditStages is the part of an audit record's Data that Timeline reads.
type auditStages struct {
	From  auditString `json:"from"`
	To    auditString `json:"to"`
	Stage auditString `json:"stage"`
}

// auditString is a JSON string value, or "" for any other value (null, a
// number, an object), as a key looked up in a map of raw values and then
// decoded as a string would give it. A later repeat of the key replaces
// it, whatever its value.
type auditString string

// UnmarshalJSON keeps a string and reads anything else as "". A string
// without escapes or non-ASCII bytes is its bytes between the quotes.
func (s *auditString) UnmarshalJSON(b []byte) error {
	*s = ""
	if len(b) < 2 || b[0] != '"' {
		return nil
	}
	if plain := b[1 : len(b)-1]; !slices.ContainsFunc(plain, func(c byte) bool { return c == '\\' || c >= utf8.RuneSelf }) {
		*s = auditString(plain)
		return nil
	}
	var str string
	if json.Unmarshal(b, &str) == nil {
		*s = auditString(str)
	}
	return nil
}

// stages returns the stages an audit record's data moves from and to:
// "from" and "to", or "stage" as To when both are empty; "" for data that
// is not a JSON object or a value that is not a string. Only the exact
// keys count (a map lookup, not encoding/json's case-insensitive field
// match): data with a key that matches one of them only but for case, or
// that could (escapes, non-ASCII bytes), is read through a map.
func stages(data []byte) (from, to string) {
	if foldsToStageKey(data) {
		return stagesViaMap(data)
	}
	var d auditStages
	if json.Unmarshal(data, &d) != nil {
		return "", ""
	}
	from, to = string(d.From), string(d.To)
	if to == "" && from == "" {
		to = string(d.Stage)
	}
	return from, to
}

// foldsToStageKey reports whether data might hold a key that
// encoding/json would match to "from", "to" or "stage" but for case: a
// backslash or non-ASCII byte anywhere, or a quoted case variant.
func foldsToStageKey(data []byte) bool {
	for i, c := range data {
		if c == '\\' || c >= utf8.RuneSelf {
			return true
		}
		if c != '"' {
			continue
		}
		rest := data[i+1:]
		for _, k := range [...]string{"from\"", "to\"", "stage\""} {
			if len(rest) >= len(k) && strings.EqualFold(string(rest[:len(k)]), k) && string(rest[:len(k)]) != k {
				return true
			}
		}
	}
	return false
}

// stagesViaMap is stages through a map of raw values: exact keys, the
// last of repeated keys.
func stagesViaMap(data []byte) (from, to string) {
	var d map[string]json.RawMessage
	if json.Unmarshal(data, &d) != nil {
		return "", ""
	}
	from, to = str(d["from"]), str(d["to"])
	if to == "" && from == "" {
		to = str(d["stage"])
	}
	return from, to
}

// str decodes a JSON string, or returns "" for anything else.
func str(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// Cause is a root cause or a contributing factor.
type Cause struct {
	Category Category `json:"category"`
	Text     string   `json:"text"`
	// Key groups the same cause across reviews in Recurring; empty means
	// the normalised Text (NormaliseKey).
	Key string `json:"key,omitempty"`
	// Contributing marks a contributing factor rather than a root cause.
	Contributing bool `json:"contributing,omitempty"`
	// Actor names an individual as the cause; refused unless the review
	// sets NameIndividuals.
	Actor incident.ActorID `json:"actor,omitempty"`
}

// GroupKey returns the key the cause is grouped by: Key, or else the
// normalised Text.
func (c Cause) GroupKey() string {
	if c.Key != "" {
		return NormaliseKey(c.Key)
	}
	return NormaliseKey(c.Text)
}

// NormaliseKey lower-cases s and reduces every run of characters other
// than letters and digits to one space, trimmed: "Phishing  e-mail!"
// becomes "phishing e mail".
func NormaliseKey(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, " ")
}

// SignOff is a role's approval of a review.
type SignOff struct {
	Role incident.Role    `json:"role"`
	By   incident.ActorID `json:"by"`
	At   time.Time        `json:"at"`
}

// Feedback is a participant's answer to the short survey after close.
type Feedback struct {
	By incident.ActorID `json:"by,omitempty"`
	// Rating is 1 (poor) to 5 (very good).
	Rating  int       `json:"rating"`
	Comment string    `json:"comment,omitempty"`
	At      time.Time `json:"at"`
}

// Review is a post-incident review of an incident or near miss, or the
// report of an exercise.
type Review struct {
	// ID identifies the review ("PIR-2026-007"); it is the ID recorded
	// on the incident (incident.ReviewRef).
	ID      string  `json:"id"`
	Subject Subject `json:"subject"`
	// RecordID is the reviewed record; uuid.Nil for an exercise.
	RecordID uuid.UUID `json:"record_id,omitzero"`
	Title    string    `json:"title,omitempty"`
	// At places the review in time for Recurring and Feedback: the
	// reviewed record's creation, or the exercise's date.
	At      time.Time `json:"at"`
	Summary string    `json:"summary,omitempty"`
	// Timeline is reconstructed from the audit trail (Timeline).
	Timeline  []Entry  `json:"timeline,omitempty"`
	WentWell  []string `json:"went_well,omitempty"`
	WentBadly []string `json:"went_badly,omitempty"`
	Causes    []Cause  `json:"causes,omitempty"`
	Decisions []string `json:"decisions,omitempty"`
	// Gaps are the detection and response gaps measured from the
	// record's own timeline by package metrics (MeasureGaps).
	Gaps []Gap `json:"gaps,omitempty"`
	// Changes record the decisions on the change proposals of findings
	// this review contributed to (RecordDecision), so the loop from
	// learn back to prepare is visible on the review.
	Changes []Decision `json:"changes,omitempty"`
	// Assets are the asset IDs involved; Controls the ISO/IEC 27002
	// controls implicated (their identifiers, "8.7").
	Assets   []string `json:"assets,omitempty"`
	Controls []string `json:"controls,omitempty"`
	// CostImpact is the cost and impact of the reviewed incident: Draft
	// copies the incident's impact and economic impact; the host adds
	// the cost lines.
	CostImpact CostImpact `json:"cost_impact,omitzero"`
	// NameIndividuals opts out of blamelessness: causes may name people.
	NameIndividuals bool `json:"name_individuals,omitempty"`
	// Required lists the roles whose sign-off Complete needs; set by the
	// host or taken from the plan (RequireSignOff).
	Required []incident.Role `json:"required,omitempty"`
	SignOffs []SignOff       `json:"sign_offs,omitempty"`
	Feedback []Feedback      `json:"feedback,omitempty"`
	// CompletedAt and CompletedBy are set by Complete.
	CompletedAt time.Time        `json:"completed_at,omitzero"`
	CompletedBy incident.ActorID `json:"completed_by,omitempty"`
}

// Errors of the package.
var (
	// ErrInvalid: a review, action item or argument is unusable.
	ErrInvalid = errors.New("lessons: invalid")
	// ErrBlame: a cause names an individual in a blameless review.
	ErrBlame = errors.New("lessons: cause names an individual")
	// ErrNotSignedOff: a required role has not signed the review off.
	ErrNotSignedOff = errors.New("lessons: review not signed off")
	// ErrUnverified: an action item cannot close without a verification
	// of effectiveness.
	ErrUnverified = errors.New("lessons: action item not verified")
	// ErrNotHolder: the actor signing a review off does not hold the
	// role signed for.
	ErrNotHolder = errors.New("lessons: signer does not hold the role")
)

// Draft starts a review of rec: its subject (near miss when its outcome
// is near_miss), title, time and assets from the record, its timeline
// from the audit trail in log, and for an incident its cost and impact
// section (CostImpact) from the incident's Impact and the current value of
// Facts.EconomicImpact, with the section's currency that of the recorded
// cost, else of the economic impact.
func Draft(ctx context.Context, log store.AuditLog, tenant, id string, rec incident.Record) (Review, error) {
	if rec == nil || id == "" {
		return Review{}, fmt.Errorf("%w: a draft needs an ID and a record", ErrInvalid)
	}
	h, hd := rec.Head(), rec.Handle()
	tl, err := Timeline(ctx, log, tenant, h.ID)
	if err != nil {
		return Review{}, err
	}
	r := Review{ID: id, Subject: SubjectIncident, RecordID: h.ID, Title: hd.Title, At: h.CreatedAt, Timeline: tl}
	if hd.Outcome == incident.OutcomeNearMiss {
		r.Subject = SubjectNearMiss
	}
	if inc, ok := rec.(*incident.Incident); ok {
		for _, a := range inc.Impact.Assets {
			r.Assets = append(r.Assets, a.ID)
		}
		im := inc.Impact
		im.Information = slices.Clone(im.Information)
		im.Assets = slices.Clone(im.Assets)
		im.Services = slices.Clone(im.Services)
		if im.Cost != nil {
			c := *im.Cost
			im.Cost = &c
			r.CostImpact.Currency = c.Currency
		}
		r.CostImpact.Impact = im
		if f := inc.Facts.EconomicImpact; f.Known() {
			m := f.Value
			r.CostImpact.EconomicImpact = &m
			if r.CostImpact.Currency == "" {
				r.CostImpact.Currency = m.Currency
			}
		}
	}
	return r, nil
}

// NewExercise starts the review of an exercise (27035-2 clause 11): its
// findings are causes, its follow-up action items, as for an incident.
func NewExercise(id, title string, at time.Time) Review {
	return Review{ID: id, Subject: SubjectExercise, Title: title, At: at}
}

// Sign records role's sign-off by by at at, replacing an earlier one of
// the same role.
func (r *Review) Sign(role incident.Role, by incident.ActorID, at time.Time) {
	r.SignOffs = slices.DeleteFunc(r.SignOffs, func(s SignOff) bool { return s.Role == role })
	r.SignOffs = append(r.SignOffs, SignOff{Role: role, By: by, At: at})
}

// SignAs records actor's sign-off of role at at, as Sign does, after
// checking that actor holds role (lifecycle.Actor.Roles, as the host's
// authentication gives them): ErrNotHolder otherwise.
func (r *Review) SignAs(actor lifecycle.Actor, role incident.Role, at time.Time) error {
	if actor.ID == "" || !role.Valid() {
		return fmt.Errorf("%w: review %q: a sign-off needs an actor and a known role, not %q", ErrInvalid, r.ID, role)
	}
	if !slices.Contains(actor.Roles, role) {
		return fmt.Errorf("%w: review %q: %s does not hold %s", ErrNotHolder, r.ID, actor.ID, role)
	}
	r.Sign(role, actor.ID, at)
	return nil
}

// RequireSignOff adds the roles plan names for the sign-off of a
// post-incident review (prepare.Plan.ReviewSignOff) to Required, each
// once, after those already there. It refuses a nil plan or one whose
// roles do not validate (prepare.Plan.Validate), with ErrInvalid.
func (r *Review) RequireSignOff(plan *prepare.Plan) error {
	if plan == nil {
		return fmt.Errorf("%w: review %q: no plan to take the sign-off roles from", ErrInvalid, r.ID)
	}
	if err := plan.Validate(); err != nil {
		return fmt.Errorf("%w: review %q: %w", ErrInvalid, r.ID, err)
	}
	for _, role := range plan.ReviewSignOff {
		if !slices.Contains(r.Required, role) {
			r.Required = append(r.Required, role)
		}
	}
	return nil
}

// Missing returns the required roles that have not signed off, in the
// order Required lists them.
func (r *Review) Missing() []incident.Role {
	var out []incident.Role
	for _, role := range r.Required {
		if !slices.ContainsFunc(r.SignOffs, func(s SignOff) bool { return s.Role == role }) {
			out = append(out, role)
		}
	}
	return out
}

// Validate checks the review: an ID, a known subject, a record unless it
// is an exercise, causes with a known category and a text, ratings from
// 1 to 5, known required roles, a countable cost and impact section
// (CostImpact.Validate: *CostError, wrapping ErrInvalid or
// ErrMixedCurrency), and blamelessness: unless NameIndividuals is set, no cause has
// an Actor or names in its text an actor of the timeline (tools and the
// engine's timer, whose IDs hold a colon, are not individuals).
func (r *Review) Validate() error {
	var errs []error
	bad := func(err error, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: review %q: %s", err, r.ID, fmt.Sprintf(format, a...)))
	}
	if r.ID == "" {
		bad(ErrInvalid, "needs an id")
	}
	if !r.Subject.Valid() {
		bad(ErrInvalid, "subject %q is not a review subject", r.Subject)
	}
	if r.Subject != SubjectExercise && r.RecordID == uuid.Nil {
		bad(ErrInvalid, "needs the reviewed record")
	}
	people := map[incident.ActorID]bool{}
	for _, e := range r.Timeline {
		if e.Actor != "" && !strings.Contains(string(e.Actor), ":") {
			people[e.Actor] = true
		}
	}
	for i, c := range r.Causes {
		if !c.Category.Valid() {
			bad(ErrInvalid, "cause %d: category %q is not a cause category", i, c.Category)
		}
		if strings.TrimSpace(c.Text) == "" {
			bad(ErrInvalid, "cause %d needs a text", i)
		}
		if r.NameIndividuals {
			continue
		}
		if c.Actor != "" {
			bad(ErrBlame, "cause %d names %s (set NameIndividuals to allow it)", i, c.Actor)
			continue
		}
		words := strings.FieldsFunc(strings.ToLower(c.Text), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && r != '_' && r != '-' && r != '@'
		})
		for _, w := range words {
			w = strings.TrimRight(w, ".")
			for p := range people {
				if strings.EqualFold(w, string(p)) {
					bad(ErrBlame, "cause %d names %s (set NameIndividuals to allow it)", i, p)
				}
			}
		}
	}
	for i, role := range r.Required {
		if !role.Valid() {
			bad(ErrInvalid, "required[%d]: %q is not a role", i, role)
		}
	}
	if err := r.CostImpact.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("review %q: %w", r.ID, err))
	}
	for i, f := range r.Feedback {
		if f.Rating < 1 || f.Rating > 5 {
			bad(ErrInvalid, "feedback %d: rating %d is not 1 to 5", i, f.Rating)
		}
	}
	return errors.Join(errs...)
}

// Complete checks the review (Validate, and a sign-off by every required
// role: ErrNotSignedOff otherwise) and records it on the incident key
// through the engine (lifecycle.AddReview with the review's ID), as one
// audited change by actor. It sets the review's CompletedAt and
// CompletedBy from the stored record and returns that record.
func Complete(ctx context.Context, eng *lifecycle.Engine, actor lifecycle.Actor, key lifecycle.Key, r *Review) (incident.Record, error) {
	if eng == nil || r == nil {
		return nil, fmt.Errorf("%w: Complete needs an engine and a review", ErrInvalid)
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if r.Subject == SubjectExercise {
		return nil, fmt.Errorf("%w: review %q: an exercise has no record to complete it on", ErrInvalid, r.ID)
	}
	if key.ID != r.RecordID {
		return nil, fmt.Errorf("%w: review %q covers %s, not %s", ErrInvalid, r.ID, r.RecordID, key.ID)
	}
	if m := r.Missing(); len(m) > 0 {
		return nil, fmt.Errorf("%w: review %q lacks the sign-off of %v", ErrNotSignedOff, r.ID, m)
	}
	rec, err := eng.Apply(ctx, actor, key, lifecycle.AddReview{Review: incident.ReviewRef{ID: r.ID, By: actor.ID}})
	if err != nil {
		return nil, err
	}
	r.CompletedBy = actor.ID
	if inc, ok := rec.(*incident.Incident); ok {
		for _, ref := range inc.Reviews {
			if ref.ID == r.ID {
				r.CompletedAt, r.CompletedBy = ref.CompletedAt, ref.By
			}
		}
	}
	return rec, nil
}
