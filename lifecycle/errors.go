package lifecycle

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
)

// Errors of the engine. Each is wrapped by a typed error that says more;
// errors.Is finds the sentinel, errors.As the type.
var (
	// ErrNotAllowed: the process has no such action from the record's
	// stage (*TransitionError).
	ErrNotAllowed = errors.New("lifecycle: action not allowed in this stage")
	// ErrBlocked: a rule blocks the action (*RuleError names it).
	ErrBlocked = errors.New("lifecycle: blocked by a rule")
	// ErrForbidden: the actor's roles do not permit the action
	// (*RuleError with Rule RulePermission).
	ErrForbidden = errors.New("lifecycle: actor not permitted")
	// ErrInvalidActor: the actor has no ID, or names an unknown role.
	ErrInvalidActor = errors.New("lifecycle: invalid actor")
	// ErrInvalidRequest: the request itself is malformed (an unknown
	// action, a missing reason, a change that does not fit the record);
	// a *RequestError says which field.
	ErrInvalidRequest = errors.New("lifecycle: invalid request")
	// ErrUnaudited: the record was changed around the engine: its
	// version has no matching audit record (a gap in the chain).
	ErrUnaudited = errors.New("lifecycle: record changed outside the engine")
	// ErrNoSigner: checkpoints need a signer (WithSigner).
	ErrNoSigner = errors.New("lifecycle: no checkpoint signer configured")
	// ErrInvalidRules: rules failed validation (*RulesError lists every
	// bad field).
	ErrInvalidRules = errors.New("lifecycle: invalid rules")
)

// TransitionError reports an action the process does not allow from the
// record's stage, with the actions it does allow (sorted).
type TransitionError struct {
	Kind    incident.Kind
	ID      uuid.UUID
	From    Stage
	Action  Action
	Allowed []Action
}

// Error names the stage, the action and what is allowed instead.
func (e *TransitionError) Error() string {
	allowed := make([]string, len(e.Allowed))
	for i, a := range e.Allowed {
		allowed[i] = string(a)
	}
	return fmt.Sprintf("lifecycle: %s %s is in %s: action %q not allowed (allowed: %s)",
		e.Kind, e.ID, e.From, e.Action, strings.Join(allowed, ", "))
}

// Unwrap returns ErrNotAllowed.
func (e *TransitionError) Unwrap() error { return ErrNotAllowed }

// RuleName names a guard of the engine's rules, so a blocked action says
// which rule blocked it.
type RuleName string

// The engine's guards.
const (
	// RulePermission: the actor holds none of the roles the action needs
	// (Rules.Permissions).
	RulePermission RuleName = "permission"
	// RuleAssessmentRequired: respond needs an assessment decision: the
	// response team's confirmation (Rules.RequireConfirmation), else at
	// least the first assessment, with outcome incident.
	RuleAssessmentRequired RuleName = "assessment_required"
	// RuleFirstAssessment: a confirmation needs a first assessment
	// before it.
	RuleFirstAssessment RuleName = "first_assessment"
	// RuleReviewRequired: at or above Rules.ReviewRequiredAt, an incident
	// closes only with a lessons-learned review recorded.
	RuleReviewRequired RuleName = "review_required"
	// RuleSecondApprover: at or above Rules.SecondApproverAt, closing needs
	// a second approver who is neither the closer nor the incident
	// manager.
	RuleSecondApprover RuleName = "second_approver"
	// RuleMandatoryTasks: mandatory tasks must be done or waived with a
	// reason before closing.
	RuleMandatoryTasks RuleName = "mandatory_tasks"
	// RuleOpenIncident: a record assessed as an incident is not closed
	// before respond; to close it earlier the response team assesses it
	// otherwise (a confirmation with another outcome), and a duplicate is
	// closed by Merge.
	RuleOpenIncident RuleName = "incident_needs_response"
	// RuleDeclared: an event that became an incident is handled on the
	// incident; it is not reopened, merged or changed by transitions.
	RuleDeclared RuleName = "declared_event"
	// RuleMerge: a merge needs an open primary incident other than the
	// duplicate, not itself merged.
	RuleMerge RuleName = "merge"
	// RuleConfirmationPending: while an incident waits for the response
	// team's confirmation (Rules.RequireConfirmation), the point of
	// contact does not assess it again: the second step is not skipped.
	RuleConfirmationPending RuleName = "confirmation_pending"
)

// RuleError reports an action a rule blocks.
type RuleError struct {
	Rule   RuleName
	Action Action
	ID     uuid.UUID
	Reason string
	// Err is ErrBlocked, or ErrForbidden for RulePermission. (A
	// restricted record an actor may not see is reported as not found,
	// not as forbidden, so that its existence does not leak.)
	Err error
}

// Error names the rule and why it blocked the action.
func (e *RuleError) Error() string {
	return fmt.Sprintf("lifecycle: %s on %s blocked by rule %s: %s", e.Action, e.ID, e.Rule, e.Reason)
}

// Unwrap returns ErrBlocked or ErrForbidden.
func (e *RuleError) Unwrap() error { return e.Err }

// RequestError reports a malformed request: which field, and why.
type RequestError struct {
	Field  string
	Reason string
	// Err is ErrInvalidRequest, or an error of package incident the
	// change hit (a custody transfer out of order: incident.ErrOrder).
	Err error
}

// Error names the field.
func (e *RequestError) Error() string {
	return fmt.Sprintf("lifecycle: invalid request: %s: %s", e.Field, e.Reason)
}

// Unwrap returns the cause; errors.Is(err, ErrInvalidRequest) holds for
// every RequestError.
func (e *RequestError) Unwrap() []error {
	if e.Err == nil || errors.Is(e.Err, ErrInvalidRequest) {
		return []error{ErrInvalidRequest}
	}
	return []error{ErrInvalidRequest, e.Err}
}

func badRequest(field, reason string) error {
	return &RequestError{Field: field, Reason: reason, Err: ErrInvalidRequest}
}
