package triage_test

import (
	"fmt"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/triage"
)

// A ransomware alert on a critical server, still encrypting: Decide
// gives the outcome, severity, priority and response tier, without
// allocating.
func ExampleDecide() {
	p := triage.DefaultProfile()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	in := triage.Input{
		Now: now,
		Impact: &incident.Impact{
			Availability: incident.ImpactHigh,
			Services:     []incident.Service{{Name: "payments", Criticality: incident.CriticalityCrit}},
		},
		Observation: triage.Observation{Ongoing: true, Systems: 12},
	}
	d := triage.Decide(p, in)
	fmt.Println(d.Outcome, d.Severity, d.Priority, d.Tier)
	fmt.Println("impact", d.Impact, "urgency", d.Urgency)
	fmt.Println("acknowledge within", d.Acknowledge, "contain within", d.Contain)
	// Output:
	// incident critical P1 major
	// impact critical urgency high
	// acknowledge within 15m0s contain within 4h0m0s
}

// DecideExplained says why: the rules that fired with the inputs they
// read, and the matrix cell.
func ExampleDecideExplained() {
	p := triage.DefaultProfile()
	in := triage.Input{
		Impact:      &incident.Impact{Confidentiality: incident.ImpactMedium},
		Observation: triage.Observation{Exposure: triage.ExposureOpen},
	}
	d := triage.DecideExplained(p, in)
	for _, r := range d.Explanation.Rules {
		fmt.Printf("%-24s %s\n", r.Rule, r.Detail)
	}
	c := d.Explanation.Cell
	fmt.Println("cell:", c.Impact, "×", c.Urgency, "→", c.Priority)
	fmt.Println(d.Explanation)
	// Output:
	// impact.confidentiality   impact.confidentiality=medium
	// urgency.exposure         observation.exposure=open
	// outcome.incident_at      impact medium ≥ low
	// severity                 impact medium → severity medium
	// matrix                   impact medium × urgency high → P2
	// tiers                    P2 → tier urgent
	// cell: medium × high → P2
	// incident, severity medium, priority P2, tier urgent (profile default): impact medium by impact.confidentiality(impact.confidentiality=medium); urgency high by urgency.exposure(observation.exposure=open); cell impact medium × urgency high → P2; outcome.incident_at(impact medium ≥ low)
}

// Re-running Decide when a fact changes, and Diff for the audit trail.
func ExampleDiff() {
	p := triage.DefaultProfile()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	inc := &incident.Incident{}
	if err := inc.Facts.PersonalData.Set(true, at, "dpo"); err != nil {
		panic(err)
	}
	before := triage.Decide(p, triage.IncidentInput(inc, triage.Observation{}, at))

	if err := inc.Facts.DataSubjects.Set(25_000, at.Add(time.Hour), "dpo"); err != nil {
		panic(err)
	}
	after := triage.Decide(p, triage.IncidentInput(inc, triage.Observation{}, at.Add(time.Hour)))
	for _, c := range triage.Diff(before, after) {
		fmt.Println(c)
	}
	// Output:
	// severity: medium → high
	// priority: P4 → P3
	// tier: routine → standard
	// acknowledge: 24h0m0s → 4h0m0s
	// contain: (none) → 72h0m0s
	// impact: medium → high
}
