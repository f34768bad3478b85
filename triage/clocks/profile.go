package clocks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/internal/calendar"
)

// Calendar is a public-holiday calendar as data (name, zone, covered
// years, rules, one-off dates). A profile's Calendars add to or replace
// the built-in ones (US-federal, DE, FR, IE, NL, each covering
// 2020–2035): a host adds its Member State or a Land, or extends the
// coverage, without a code change.
type Calendar = calendar.Calendar

// Holiday is one rule of a Calendar.
type Holiday = calendar.Holiday

// OneOff is a single non-working date of a Calendar.
type OneOff = calendar.OneOff

// Period is a time limit: N hours, days, weeks or months.
type Period = calendar.Period

// CountingRule is how a period's legal end is found: "eu_1182_71"
// (Regulation 1182/71 Art. 3), "elapsed" (no rounding, no relief) or
// "end_of_day" (end of the last day, no relief).
type CountingRule = calendar.Rule

// Counting rules, re-exported from the calendar arithmetic.
const (
	CountEU1182   = calendar.RuleEU1182
	CountElapsed  = calendar.RuleElapsed
	CountEndOfDay = calendar.RuleEndOfDay
)

// Roles and entity types.
const (
	GDPRController = "controller"
	GDPRProcessor  = "processor"

	NIS2Essential            = "essential"
	NIS2Important            = "important"
	NIS2TrustServiceProvider = "trust_service_provider"

	DORACreditInstitution   = "credit_institution"
	DORACentralCounterparty = "central_counterparty"
	DORATradingVenue        = "trading_venue"
	DORAOther               = "other"

	HIPAACoveredEntity     = "covered_entity"
	HIPAABusinessAssociate = "business_associate"
)

// Profile says which reporting regimes apply to the organisation and in
// which role. A nil regime does not apply. The zero value owes nothing.
type Profile struct {
	// Name identifies the profile in messages.
	Name   string  `json:"name,omitempty"`
	GDPR   *GDPR   `json:"gdpr,omitempty"`
	NIS2   *NIS2   `json:"nis2,omitempty"`
	DORA   *DORA   `json:"dora,omitempty"`
	CRA    *CRA    `json:"cra,omitempty"`
	SEC    *SEC    `json:"sec,omitempty"`
	HIPAA  *HIPAA  `json:"hipaa,omitempty"`
	CIRCIA *CIRCIA `json:"circia,omitempty"`
	// Custom are regimes the host adds as data.
	Custom []CustomRule `json:"custom,omitempty"`
	// Calendars add to or replace the built-in holiday calendars.
	Calendars []Calendar `json:"calendars,omitempty"`
}

// GDPR is Regulation (EU) 2016/679 Arts. 33–34.
type GDPR struct {
	// Role is "controller" (Art. 33(1) to the supervisory authority,
	// Art. 34 to data subjects) or "processor" (Art. 33(2) to the
	// controller).
	Role string `json:"role"`
	// MemberState of the lead supervisory authority (ISO 3166-1
	// alpha-2); its calendar and zone count the time.
	MemberState string `json:"member_state"`
	// Authority names the audience of Art. 33(1); default
	// "supervisory authority (<MemberState>)".
	Authority string `json:"authority,omitempty"`
	// Counting is the rule for the legal end (default eu_1182_71:
	// GDPR is a Regulation, so Reg. 1182/71 applies).
	Counting CountingRule `json:"counting,omitempty"`
	// UndueDelayTarget is the host's own target for reports the law asks
	// "without undue delay" with no period (Art. 33(2), Art. 34(1)):
	// Due = start + target. Zero (the default) makes them due at once —
	// the literal reading.
	UndueDelayTarget Duration `json:"undue_delay_target,omitempty"`
}

// NIS2 is Directive (EU) 2022/2555 Art. 23 as transposed by a Member
// State.
type NIS2 struct {
	// EntityType is "essential", "important" or
	// "trust_service_provider" (Art. 23(4) second subparagraph: 24 h
	// notification).
	EntityType  string `json:"entity_type"`
	MemberState string `json:"member_state"`
	// Authority default "CSIRT or competent authority (<MemberState>)".
	Authority string `json:"authority,omitempty"`
	// Counting is the national transposition's rule (default eu_1182_71
	// [U]: NIS2 is a directive, national law governs how time is
	// counted; set it per Member State).
	Counting CountingRule `json:"counting,omitempty"`
}

// DORA is Regulation (EU) 2022/2554 Art. 19 with RTS (EU) 2025/301 Art. 5.
type DORA struct {
	// EntityType is "credit_institution", "central_counterparty",
	// "trading_venue" or "other".
	EntityType string `json:"entity_type"`
	// NIS2EssentialOrImportant marks an entity identified as essential or
	// important under national law transposing NIS2 Art. 3 (RTS
	// 2025/301 Art. 5(5)).
	NIS2EssentialOrImportant bool   `json:"nis2_essential_or_important,omitempty"`
	MemberState              string `json:"member_state"`
	// Authority default "competent authority (<MemberState>)".
	Authority string `json:"authority,omitempty"`
	// ReliefDisapplied records that the competent authority disapplied the
	// weekend and bank-holiday relief of Art. 5(4) for the entity (Art.
	// 5(6)); no report then gets it.
	ReliefDisapplied bool `json:"relief_disapplied,omitempty"`
}

// CRA is Regulation (EU) 2024/2847 Art. 14 (manufacturers), severe
// incidents having an impact on the security of a product.
type CRA struct {
	MemberState string `json:"member_state"`
	// Authority default "coordinator CSIRT and ENISA (single reporting
	// platform)".
	Authority string `json:"authority,omitempty"`
	// AppliesFrom is the first day Art. 14 applies (Art. 71(2): 2026-09-11,
	// the default); a report whose due date is earlier is not owed.
	AppliesFrom string `json:"applies_from,omitempty"`
}

// SEC is Form 8-K Item 1.05 for a registrant.
type SEC struct {
	// Calendar of business days (default "US-federal").
	Calendar string `json:"calendar,omitempty"`
	// Cutoff is the filing cut-off "HH:MM" in the calendar's zone
	// (default "17:30": Reg. S-T 232.13(a)(2)).
	Cutoff string `json:"cutoff,omitempty"`
}

// HIPAA is 45 CFR 164.400–414 (breach notification).
type HIPAA struct {
	// Role is "covered_entity" or "business_associate".
	Role string `json:"role"`
	// Calendar whose zone counts the days (default "US-federal",
	// America/New_York).
	Calendar string `json:"calendar,omitempty"`
	// Counting default end_of_day [U].
	Counting CountingRule `json:"counting,omitempty"`
}

// CIRCIA is 6 U.S.C. 681b with the proposed rule 6 CFR 226. Its final
// rule was not found published (reference, Verification): the regime is
// PROPOSED and owes nothing unless Enabled.
type CIRCIA struct {
	Enabled bool `json:"enabled"`
	// EffectiveFrom, when set (YYYY-MM-DD), is the final rule's
	// effective date; earlier incidents owe nothing.
	EffectiveFrom string `json:"effective_from,omitempty"`
}

// CustomRule is a report a host adds as data.
type CustomRule struct {
	// ID is the obligation ID; it must not collide with a built-in one.
	ID        string `json:"id"`
	Regime    string `json:"regime"`
	Report    string `json:"report"`
	Authority string `json:"authority"`
	Article   string `json:"article"`
	// Start is what the clock runs from: "anchor:<timeline anchor>",
	// "fact:<fact>" (when the fact first became known true or non-empty)
	// or "submitted:<obligation ID>".
	Start    string       `json:"start"`
	Period   Period       `json:"period"`
	Counting CountingRule `json:"counting,omitempty"`
	// Calendar names the calendar that counts the time (its zone and
	// holidays).
	Calendar string `json:"calendar"`
}

// Duration is a time.Duration written in JSON as a Go duration string
// ("24h").
type Duration time.Duration

// MarshalJSON writes d as "24h0m0s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// ErrInvalidProfile is the class of every profile problem.
var ErrInvalidProfile = errors.New("clocks: invalid obligation profile")

// ProfileError lists every bad field of a profile. It matches
// ErrInvalidProfile.
type ProfileError struct {
	Problems []Problem
}

// Problem is one bad field: its JSON path and why.
type Problem struct {
	Field  string
	Reason string
}

// Error implements error.
func (e *ProfileError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Reason
	}
	return "clocks: invalid obligation profile: " + strings.Join(parts, "; ")
}

// Unwrap returns ErrInvalidProfile.
func (e *ProfileError) Unwrap() error { return ErrInvalidProfile }

// Has reports whether field is among the problems.
func (e *ProfileError) Has(field string) bool {
	for _, p := range e.Problems {
		if p.Field == field {
			return true
		}
	}
	return false
}

// MaxProfileBytes bounds a profile document.
const MaxProfileBytes = 1 << 20

// ParseProfile reads a profile from JSON strictly (unknown fields and
// trailing data are errors) and validates it.
func ParseProfile(r io.Reader) (*Profile, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxProfileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxProfileBytes {
		return nil, &ProfileError{Problems: []Problem{{"", fmt.Sprintf("document larger than %d bytes", MaxProfileBytes)}}}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, &ProfileError{Problems: []Problem{{"", "malformed JSON: " + err.Error()}}}
	}
	if dec.More() {
		return nil, &ProfileError{Problems: []Problem{{"", "trailing data after the profile"}}}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Validate checks the profile and names every bad field.
func (p *Profile) Validate() error {
	_, err := compile(p)
	return err
}

type validator struct{ problems []Problem }

func (v *validator) add(field, reason string) {
	v.problems = append(v.problems, Problem{field, reason})
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	sort.SliceStable(v.problems, func(i, j int) bool { return v.problems[i].Field < v.problems[j].Field })
	return &ProfileError{Problems: v.problems}
}

func (v *validator) oneOf(field, val string, allowed ...string) {
	for _, a := range allowed {
		if val == a {
			return
		}
	}
	if val == "" {
		v.add(field, "required; one of "+strings.Join(allowed, ", "))
		return
	}
	v.add(field, fmt.Sprintf("%q: want one of %s", val, strings.Join(allowed, ", ")))
}

func (v *validator) counting(field string, r CountingRule) {
	if r != "" && !r.Valid() {
		v.add(field, fmt.Sprintf("%q: want eu_1182_71, elapsed or end_of_day", r))
	}
}

func (v *validator) date(field, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		v.add(field, fmt.Sprintf("%q: want YYYY-MM-DD", s))
	}
	return t
}

// anchorNames is the set of timeline anchors a custom rule may start from.
var anchorNames = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range incident.Anchors() {
		m[string(a)] = true
	}
	return m
}()

var factNames = map[string]bool{
	"personal_data": true, "special_categories": true, "personal_data_categories": true, "data_subjects": true,
	"residents_by_state": true, "member_states": true, "clients_affected": true, "transactions_affected": true,
	"economic_impact": true, "critical_services_affected": true, "ransom_paid": true, "entity_types": true,
}
