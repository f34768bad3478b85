package incident_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
)

// Validate reports every problem at once in a *ValidationError; errors.As
// reaches the first *FieldError, which names the JSON path and the rule,
// and errors.Is asks for a class of problem.
func ExampleIncident_Validate() {
	detected := time.Date(2026, time.March, 2, 8, 0, 0, 0, time.UTC)
	inc := &incident.Incident{
		Header: incident.Header{
			ID:        uuid.MustParse("0195f2a0-6c00-7000-8000-000000000001"),
			Ref:       "INC-2026-000001",
			Org:       "acme",
			CreatedAt: detected,
			UpdatedAt: detected,
		},
		Handling: incident.Handling{Title: "Phishing wave", Phase: incident.PhaseAssessDecide, State: incident.StateTriage},
		EventIDs: []uuid.UUID{uuid.MustParse("0195f2a0-6c00-7000-8000-000000000002")},
	}
	inc.Timeline.Detected = incident.At(detected)
	inc.Timeline.Occurred = incident.At(detected.Add(time.Hour)) // after it was detected: impossible

	err := inc.Validate()
	var fe *incident.FieldError
	if errors.As(err, &fe) {
		fmt.Println(fe.Path, fe.Rule)
	}
	fmt.Println(errors.Is(err, incident.ErrOrder), errors.Is(err, incident.ErrInvalid))

	// A month-precise occurrence is an interval: March 2026 does not
	// contradict a detection on 2 March.
	inc.Timeline.Occurred = incident.Approx(detected, incident.PrecisionMonth, true)
	fmt.Println(inc.Validate())
	// Output:
	// timeline.detected timeline.order
	// true true
	// <nil>
}

// Rules lists every rule Validate enforces with the sentinel its problems
// wrap, so a host can map them onto its own messages.
func ExampleRules() {
	for _, r := range incident.Rules()[:4] {
		fmt.Printf("%s: %v\n", r.Rule, r.Sentinel)
	}
	// Output:
	// required: incident: required field missing
	// enum: incident: unknown value
	// text.length: incident: invalid
	// ref.format: incident: malformed value
}
