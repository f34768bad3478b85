package triage_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/iso27035/iso27035/triage"
)

func ExampleCISATree() {
	tree := triage.CISATree()
	for _, p := range tree.DecisionPoints() {
		fmt.Printf("%s: %s\n", p, strings.Join(p.Values, ", "))
	}
	fmt.Println("→", tree.Outcome(), tree.Len(), "rows")

	// Column order: Exploitation, Automatable, Technical Impact,
	// Mission and Well-Being Impact.
	act, _ := tree.DecideValues("active", "yes", "total", "medium")
	fmt.Println(act)

	// By decision-point name.
	out, _ := tree.Decide(map[string]string{
		triage.CISAExploitation:     "public poc",
		triage.CISAAutomatable:      "no",
		triage.CISATechnicalImpact:  "total",
		triage.CISAMissionWellBeing: "high",
	})
	fmt.Println(out)

	_, err := tree.DecideValues("weaponized", "yes", "total", "high")
	fmt.Println(errors.Is(err, triage.ErrSSVCInput))
	fmt.Println(err)
	// Output:
	// Exploitation v1.1.0: none, public poc, active
	// Automatable v2.0.0: no, yes
	// Technical Impact v1.0.0: partial, total
	// Mission and Well-Being Impact v1.0.0: low, medium, high
	// → CISA Levels v1.1.0 (cisa) 36 rows
	// act
	// attend
	// true
	// triage: invalid SSVC decision input: table "CISA Coordinator v2.0.3": decision point "Exploitation": value "weaponized": unknown value (want one of: none, public poc, active)
}

func ExampleParseSSVCCSV() {
	// CERT/CC's utility_1_0_0.csv (github.com/CERTCC/SSVC data/csv/ssvc/).
	const utility = `row,Automatable v2.0.0,Value Density v1.0.0,Utility v1.0.1
0,no,diffuse,laborious
1,no,concentrated,efficient
2,yes,diffuse,efficient
3,yes,concentrated,super effective
`
	tab, err := triage.ParseSSVCCSV(strings.NewReader(utility),
		triage.WithSSVCName("Utility v1.0.0"),
		triage.WithSSVCOutcomes("laborious", "efficient", "super effective"))
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := tab.DecideValues("yes", "concentrated")
	fmt.Println(u)

	// A table missing a combination is rejected, naming it.
	_, err = triage.ParseSSVCCSV(strings.NewReader(strings.Replace(utility, "2,yes,diffuse,efficient\n", "", 1)))
	fmt.Println(err)
	// Output:
	// super effective
	// triage: invalid SSVC decision table: combination Automatable=yes, Value Density=diffuse has no row: the table is incomplete
}
