package prepare

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/iso27035/iso27035/internal/strictjson"
	"github.com/iso27035/iso27035/lifecycle"
)

// MaxDocumentBytes is the largest document ParsePreparation reads (1 MiB).
const MaxDocumentBytes = 1 << 20

// Problem is one thing wrong with a preparation document.
type Problem struct {
	// Field is the JSON path of the bad value; empty for the whole
	// document.
	Field string
	// Value is the offending value, when there is one to show.
	Value any
	// Reason says what is wrong.
	Reason string
}

// String is "field: reason".
func (p Problem) String() string { return strictjson.Problem(p).String() }

// ParseError reports a document that cannot be read, or a value outside
// its vocabulary (a plan's review sign-off role): every problem found,
// each named by its JSON path.
type ParseError struct {
	Problems []Problem
}

// Error lists the first few problems.
func (e *ParseError) Error() string {
	return strictjson.Message("prepare: invalid document", e.Problems)
}

// Unwrap returns ErrInvalid.
func (e *ParseError) Unwrap() error { return ErrInvalid }

var prepJSON = strictjson.Options{
	Document:  "preparation",
	NotObject: "a preparation must be a JSON object",
	Class:     ErrInvalid,
	Text: func(t reflect.Type) bool {
		return t == reflect.TypeFor[lifecycle.Duration]() || t == reflect.TypeFor[time.Time]()
	},
	CheckText: func(t reflect.Type, s string) string {
		if t == reflect.TypeFor[time.Time]() {
			if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
				return fmt.Sprintf("%q is not an RFC 3339 time such as \"2026-03-29T02:30:00+02:00\"", s)
			}
			return ""
		}
		if _, err := time.ParseDuration(s); err != nil {
			return fmt.Sprintf("%q is not a duration such as \"72h\"", s)
		}
		return ""
	},
	NotText: func(t reflect.Type, desc string) string {
		if t == reflect.TypeFor[time.Time]() {
			return "a time is an RFC 3339 string, not " + desc
		}
		return `a duration is a string such as "72h", not ` + desc
	},
}

// ParsePreparation reads a Preparation from JSON strictly (one object,
// at most MaxDocumentBytes, no unknown, misspelt, repeated or mistyped
// fields, each named by its JSON path) and validates its plan, teams,
// rotations and playbooks. Any failure wraps ErrInvalid; a document that
// does not parse is a *ParseError, and a plan that names an unknown review
// sign-off role gives a *ParseError joined with the other validation
// errors (find it with errors.As, not a type assertion).
func ParsePreparation(data []byte) (*Preparation, error) {
	if len(data) > MaxDocumentBytes {
		return nil, &ParseError{Problems: []Problem{{Value: len(data), Reason: fmt.Sprintf("document is over %d bytes", MaxDocumentBytes)}}}
	}
	p := new(Preparation)
	if problems := strictjson.Parse(data, p, prepJSON); len(problems) > 0 {
		return nil, &ParseError{Problems: strictjson.Convert[Problem](problems)}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// Validate checks the plan (Plan.Validate, its problems named under
// "plan."), the teams, rotations (and that each names a known team
// holding its members), paging rules (known rotations) and playbooks.
func (p *Preparation) Validate() error {
	var errs []error
	if p.Plan != nil {
		if ps := p.Plan.problems("plan."); len(ps) > 0 {
			errs = append(errs, &ParseError{Problems: ps})
		}
	}
	for i := range p.Roster.Teams {
		errs = append(errs, p.Roster.Teams[i].Validate())
	}
	for i := range p.Roster.Rotations {
		r := &p.Roster.Rotations[i]
		errs = append(errs, r.Validate())
		t, ok := p.Roster.Team(r.Team)
		if !ok {
			errs = append(errs, fmt.Errorf("%w: rotation %q names unknown team %q", ErrInvalid, r.Name, r.Team))
			continue
		}
		for _, m := range r.Order {
			if _, ok := t.Member(m); !ok {
				errs = append(errs, fmt.Errorf("%w: rotation %q: %q is not a member of team %q", ErrInvalid, r.Name, m, r.Team))
			}
		}
	}
	for _, rule := range p.Roster.Paging {
		if len(rule.Escalations) == 0 {
			errs = append(errs, fmt.Errorf("%w: paging rule %q pages nobody", ErrInvalid, rule.Name))
		}
		for _, e := range rule.Escalations {
			if _, ok := p.Roster.Rotation(e.Rotation); !ok {
				errs = append(errs, fmt.Errorf("%w: paging rule %q names unknown rotation %q", ErrInvalid, rule.Name, e.Rotation))
			}
		}
	}
	for i := range p.Playbooks.Playbooks {
		errs = append(errs, p.Playbooks.Playbooks[i].Validate())
	}
	return errors.Join(errs...)
}
