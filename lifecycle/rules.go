package lifecycle

import (
	"slices"
	"time"

	"github.com/iso27035/iso27035/incident"
)

// Rules are the engine's guards and grants: who may do what, which
// actions need what before them, and the clocks the engine keeps. They are
// plain values, loadable from JSON (ParseRules) and checked by Validate,
// which names every bad field. They are not the 27035-2 policy document
// (prepare.Policy); a plan may name the rules in force.
//
// The zero value is not usable; start from DefaultRules.
type Rules struct {
	// Severity is the scale severities below are compared on; nil means
	// incident.DefaultSeverityScale.
	Severity *incident.SeverityScale `json:"severity_scale,omitempty"`

	// RequireConfirmation makes assess and decide two-step: an incident
	// enters respond only after the response team's confirmation. When
	// false, the point of contact's first assessment is the decision.
	RequireConfirmation bool `json:"require_confirmation"`

	// ReviewRequiredAt: an incident of this severity or higher cannot close
	// without a lessons-learned review recorded (incident.ReviewRef).
	// Empty disables the rule.
	ReviewRequiredAt incident.Severity `json:"review_required_at,omitempty"`

	// SecondApproverAt: closing an incident of this severity or higher
	// needs a second approver, who is neither the actor closing it nor the
	// incident manager, and holds one of ApproverRoles. Empty disables it.
	SecondApproverAt incident.Severity `json:"second_approver_at,omitempty"`
	ApproverRoles    []incident.Role   `json:"approver_roles,omitempty"`

	// AcknowledgeWithin is the time from creation within which a record of
	// a severity must be acknowledged; past it, the engine's Tick
	// escalates. The key "" applies to records without a severity, and to
	// severities not listed.
	AcknowledgeWithin map[incident.Severity]Duration `json:"acknowledge_within,omitempty"`

	// ReportDueSoon is how long before an obligation's due time the engine
	// warns (a report_due_soon timer); 0 disables the warning. The overdue
	// timer fires at the obligation's deadline whatever this says.
	ReportDueSoon Duration `json:"report_due_soon,omitempty"`

	// Permissions grant actions to roles. An actor may perform an action
	// when it holds one of the action's roles; an action not listed is
	// open to every actor (with a valid ID).
	Permissions map[Action][]incident.Role `json:"permissions,omitempty"`

	// RestrictedAccess names the roles that may read and change every
	// restricted record; other actors must be a participant (hold an
	// active role on it, or be its reporter).
	RestrictedAccess []incident.Role `json:"restricted_access,omitempty"`

	// Statuses are the host's custom statuses, each mapped onto a stage
	// of the process, so that metrics, which read the standard's states,
	// keep working whatever a host calls them.
	Statuses []Status `json:"statuses,omitempty"`
}

// Status is a host's custom status name mapped onto a stage ("Waiting for
// customer" → respond/analysis).
type Status struct {
	Name  string         `json:"name"`
	Phase incident.Phase `json:"phase"`
	State incident.State `json:"state"`
}

// Stage returns the stage the status maps onto.
func (s Status) Stage() Stage { return Stage{s.Phase, s.State} }

// DefaultRules returns rules a team can start from: two-step assessment,
// a lessons-learned review for high and critical incidents, a second
// approver for critical ones, acknowledgement within 15 minutes for
// critical, 1 hour for high, 4 hours for medium and 24 hours otherwise
// (a common service-desk tiering, not a figure of the standard), a
// 24-hour warning before reports fall due, and grants along the roles of
// 27035-2:2023 7.2 and 7.3 (point of contact, incident manager, response
// team).
func DefaultRules() *Rules {
	poc, im, lead, irt := incident.RolePointOfContact, incident.RoleIncidentManager, incident.RoleIRTLead, incident.RoleIRTMember
	imt, dpo, legal := incident.RoleIMTMember, incident.RoleDataProtection, incident.RoleLegal
	handlers := []incident.Role{poc, im, lead, irt, imt}
	responders := []incident.Role{im, lead, irt}
	managers := []incident.Role{im, lead}
	return &Rules{
		RequireConfirmation: true,
		ReviewRequiredAt:    incident.SeverityHigh,
		SecondApproverAt:    incident.SeverityCritical,
		ApproverRoles:       []incident.Role{lead, imt},
		AcknowledgeWithin: map[incident.Severity]Duration{
			incident.SeverityCritical: Duration(15 * time.Minute),
			incident.SeverityHigh:     Duration(time.Hour),
			incident.SeverityMedium:   Duration(4 * time.Hour),
			"":                        Duration(24 * time.Hour),
		},
		ReportDueSoon: Duration(24 * time.Hour),
		Permissions: map[Action][]incident.Role{
			ActionReport:        {incident.RoleReporter, poc, im, lead, irt, imt},
			ActionAcknowledge:   {poc, im, lead, irt},
			ActionAssess:        {poc, im, lead, irt},
			ActionDeclare:       {poc, im, lead, irt},
			ActionConfirm:       responders,
			ActionContain:       responders,
			ActionEradicate:     responders,
			ActionRecover:       responders,
			ActionConclude:      managers,
			ActionLearn:         managers,
			ActionClose:         {poc, im, lead},
			ActionMerge:         {poc, im, lead},
			ActionReopen:        managers,
			ActionSetStatus:     handlers,
			ActionClassify:      handlers,
			ActionSetFact:       append(slices.Clone(handlers), dpo, legal),
			ActionSetAnchor:     handlers,
			ActionAddEvidence:   handlers,
			ActionTransfer:      handlers,
			ActionAddTask:       handlers,
			ActionSetTask:       handlers,
			ActionHandOver:      managers,
			ActionRelease:       managers,
			ActionSetRestricted: managers,
			ActionAddNote:       append(slices.Clone(handlers), dpo, legal),
			ActionAddReview:     append(slices.Clone(managers), imt),
			ActionWaiveReport:   append(slices.Clone(managers), dpo, legal),
			ActionSubmitReport:  append(slices.Clone(managers), dpo, legal),
			ActionRefresh:       append(slices.Clone(handlers), dpo, legal),
		},
		RestrictedAccess: []incident.Role{im, lead},
	}
}

// scale returns the severity scale in force.
func (r *Rules) scale() *incident.SeverityScale {
	if r.Severity != nil {
		return r.Severity
	}
	return incident.DefaultSeverityScale()
}

// permits reports whether an actor with roles may perform a.
func (r *Rules) permits(a Action, roles []incident.Role) bool {
	need, ok := r.Permissions[a]
	if !ok {
		return true
	}
	for _, have := range roles {
		if slices.Contains(need, have) {
			return true
		}
	}
	return false
}

// atLeast reports whether severity v is at or above threshold; an empty
// threshold never matches, an empty or unknown v does not either (Validate
// refuses unknown thresholds; records are validated against the scale).
func atLeast(scale *incident.SeverityScale, v, threshold incident.Severity) bool {
	if threshold == "" || v == "" {
		return false
	}
	c, err := scale.Compare(v, threshold)
	return err == nil && c >= 0
}

// acknowledgeWithin returns the acknowledge period for severity v, and
// false when none applies.
func (r *Rules) acknowledgeWithin(v incident.Severity) (time.Duration, bool) {
	if d, ok := r.AcknowledgeWithin[v]; ok && d > 0 {
		return time.Duration(d), true
	}
	if d, ok := r.AcknowledgeWithin[""]; ok && d > 0 {
		return time.Duration(d), true
	}
	return 0, false
}

// status returns the custom status named name.
func (r *Rules) status(name string) (Status, bool) {
	for _, s := range r.Statuses {
		if s.Name == name {
			return s, true
		}
	}
	return Status{}, false
}

// Duration is a time.Duration written in JSON as a Go duration string
// ("15m", "72h").
type Duration time.Duration
