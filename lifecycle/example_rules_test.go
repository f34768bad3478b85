package lifecycle_test

import (
	"errors"
	"fmt"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
)

// A host loads its rules from a file. These have a misspelt severity, a
// role that does not exist and a custom status mapped onto a state its
// phase does not have; ParseRules names every bad field.
func ExampleParseRules() {
	_, err := lifecycle.ParseRules([]byte(`{
  "review_required_at": "hihg",
  "permissions": {
    "close": ["incident_manager", "ciso"]
  },
  "statuses": [
    {"name": "Waiting for customer", "phase": "respond", "state": "analysis"},
    {"name": "Parked", "phase": "respond", "state": "triage"}
  ]
}`))
	var re *lifecycle.RulesError
	if errors.As(err, &re) {
		for _, p := range re.Problems {
			fmt.Printf("%s: %v\n", p.Field, p.Value)
		}
	}
	fmt.Println(errors.Is(err, lifecycle.ErrInvalidRules))

	// Field names are checked too, exactly as spelt, and durations must
	// say their unit.
	_, err = lifecycle.ParseRules([]byte(`{"report_due_soon": 3600, "Review_Required_At": "high"}`))
	fmt.Println(err)
	// Output:
	// review_required_at: hihg
	// permissions.close[1]: ciso
	// statuses[1].state: triage
	// true
	// lifecycle: invalid rules (2 problems): report_due_soon: a duration is a string with a unit, such as "90m", "4h" or "1h30m", not the number 3600; Review_Required_At: unknown field (did you mean "review_required_at"?)
}

// Rules built in code are checked with Validate before an engine uses
// them. Every problem is reported, not just the first.
func ExampleRules_Validate() {
	rules := lifecycle.DefaultRules()
	fmt.Println(rules.Validate())

	rules.SecondApproverAt = incident.SeverityHigh
	rules.ApproverRoles = nil
	rules.Permissions[lifecycle.ActionReopen] = []incident.Role{}
	err := rules.Validate()
	var re *lifecycle.RulesError
	if errors.As(err, &re) {
		for _, p := range re.Problems {
			fmt.Println(p)
		}
	}
	// Output:
	// <nil>
	// approver_roles: second_approver_at is set but no role may approve: list at least one role
	// permissions.reopen: an empty role list would let nobody act: list the roles, or leave the action out to open it to every actor
}
