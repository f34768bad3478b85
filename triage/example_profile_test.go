package triage_test

import (
	"errors"
	"fmt"

	"github.com/iso27035/iso27035/triage"
)

// ParseProfile reads a profile strictly and names every bad field.
func ExampleParseProfile() {
	doc := []byte(`{
	  "name": "small-team",
	  "impact": {"availability": {"high": "high", "medium": "medium"}, "userz": []},
	  "urgency": {"ongoing": "urgent"},
	  "outcome": {"incident_at": "low", "watch_at": "low"},
	  "matrix": {"cells": {"low": {"low": "P4"}, "high": {"low": "P2"}}},
	  "severity": {"low": "low", "medium": "medium", "high": "high", "critical": "critical"},
	  "tiers": [{"name": "all", "priorities": ["P2", "P4"], "acknowledge": 60}]
	}`)
	_, err := triage.ParseProfile(doc)
	var pe *triage.ProfileError
	if errors.As(err, &pe) {
		for _, p := range pe.Problems {
			fmt.Println(p)
		}
	}
	fmt.Println(errors.Is(err, triage.ErrInvalidProfile))

	// Fixed, it parses and validates.
	doc = []byte(`{
	  "name": "small-team",
	  "impact": {"availability": {"high": "high", "medium": "medium"}},
	  "urgency": {"ongoing": "high"},
	  "outcome": {"incident_at": "low", "watch_at": "low"},
	  "matrix": {"cells": {"low": {"low": "P4", "high": "P3"}, "high": {"low": "P2", "high": "P1"}}},
	  "severity": {"low": "low", "medium": "medium", "high": "high", "critical": "critical"},
	  "tiers": [{"name": "all", "priorities": ["P1", "P2", "P3", "P4"], "acknowledge": "1h"}]
	}`)
	p, err := triage.ParseProfile(doc)
	fmt.Printf("%s: rows %v, error %v\n", p.Name, p.Matrix.ImpactLevels(), err)
	// Output:
	// impact.userz: unknown field
	// urgency.ongoing: unknown level "urgent" (levels: none, low, medium, high, critical)
	// tiers[0].acknowledge: want a string, not the number 60: a duration is a string with a unit, such as "90m", "4h" or "1h30m"
	// true
	// small-team: rows [low high], error <nil>
}
