package triage

import (
	"testing"
	"time"

	"github.com/iso27035/iso27035/incident"
)

// benchInput is a realistic input: a lost laptop holding unencrypted
// personal data of 1 200 customers, with a report due in 60 hours.
func benchInput() Input {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	facts := &incident.Facts{}
	_ = facts.PersonalData.Set(true, now, "dpo")
	_ = facts.DataSubjects.Set(1200, now, "dpo")
	_ = facts.SpecialCategories.Set([]string{"health"}, now, "dpo")
	return Input{
		Now: now,
		Impact: &incident.Impact{
			Confidentiality: incident.ImpactHigh,
			Availability:    incident.ImpactLow,
			Functional:      incident.ImpactNone,
			Information:     []incident.InformationImpact{incident.InformationPrivacyBreach},
			Recoverability:  incident.RecoverabilityNotRecoverable,
			Assets:          []incident.Asset{{ID: "LT-0042", Kind: "laptop", Criticality: incident.CriticalityMedium}},
			Services:        []incident.Service{{Name: "crm", Criticality: incident.CriticalityHigh}},
		},
		Facts: facts,
		Observation: Observation{
			LastActivity: now.Add(-3 * time.Hour),
			Systems:      1,
			Exposure:     ExposureOpen,
			Deadline:     now.Add(60 * time.Hour),
			Users:        3,
		},
	}
}

func BenchmarkDecide(b *testing.B) {
	p := DefaultProfile()
	in := benchInput()
	b.ReportAllocs()
	var d Decision
	for b.Loop() {
		d = Decide(p, in)
	}
	if d.Priority == "" {
		b.Fatal("no priority")
	}
}

func BenchmarkDecideExplained(b *testing.B) {
	p := DefaultProfile()
	in := benchInput()
	b.ReportAllocs()
	var d Decision
	for b.Loop() {
		d = DecideExplained(p, in)
	}
	if d.Explanation == nil {
		b.Fatal("no explanation")
	}
}
