package incident_test

import (
	"errors"
	"fmt"

	"github.com/iso27035/iso27035/incident"
)

// Order comes from the scale, not from the strings: "critical" sorts before
// "high" alphabetically but ranks above it.
func ExampleSeverityScale_Compare() {
	scale := incident.DefaultSeverityScale()
	c, err := scale.Compare("critical", "high")
	fmt.Println(c, err)

	atLeast, _ := scale.AtLeast("high")
	fmt.Println(atLeast)

	_, err = scale.Compare("urgent", "high")
	fmt.Println(errors.Is(err, incident.ErrUnknownSeverity))
	// Output:
	// 1 <nil>
	// [high critical]
	// true
}

// Scores are rounded to one decimal before banding, so 3.95 is medium.
func ExampleCVSSBand() {
	for _, score := range []float64{0, 3.9, 3.95, 7.0, 9.8} {
		band, _ := incident.CVSSBand(score)
		fmt.Printf("%.2f %s\n", score, band)
	}
	_, err := incident.CVSSBand(10.5)
	fmt.Println(errors.Is(err, incident.ErrInvalid))
	// Output:
	// 0.00 none
	// 3.90 low
	// 3.95 medium
	// 7.00 high
	// 9.80 critical
	// true
}

func ExampleRSIT() {
	rsit := incident.RSIT()
	classes, types := rsit.Len()
	fmt.Println(rsit.Name, rsit.Version, classes, types)

	c, _ := rsit.Class("information-gathering")
	fmt.Println(c.Types[0].Name, "=", c.Types[0].Label)

	fmt.Println(rsit.Check(incident.Category{Class: "intrusions", Type: "system-compromise"}))
	err := rsit.Check(incident.Category{Class: "intrusions", Type: "scanner"})
	fmt.Println(errors.Is(err, incident.ErrUnknownCategory))

	// Hosts add their own classes and types.
	err = rsit.Extend(incident.CategoryClass{Name: "insider", Label: "Insider",
		Types: []incident.CategoryType{{Name: "hr-case", Label: "HR case"}}})
	fmt.Println(err, rsit.Check(incident.Category{Class: "insider", Type: "hr-case"}))
	// Output:
	// rsit 1003 11 39
	// scanner = Scanning
	// <nil>
	// true
	// <nil> <nil>
}

func ExampleParseCategory() {
	for _, s := range []string{
		`rsit:intrusions="system-compromise"`,
		`fraud/phishing`,
		`availability`,
	} {
		c, err := incident.ParseCategory(s)
		fmt.Printf("%-36s -> %q %q %v\n", s, c.Class, c.Type, err)
		fmt.Println(c)
	}
	_, err := incident.ParseCategory("Fraud/Phishing")
	fmt.Println(errors.Is(err, incident.ErrInvalid))
	// Output:
	// rsit:intrusions="system-compromise"  -> "intrusions" "system-compromise" <nil>
	// rsit:intrusions="system-compromise"
	// fraud/phishing                       -> "fraud" "phishing" <nil>
	// rsit:fraud="phishing"
	// availability                         -> "availability" "" <nil>
	// rsit:availability
	// true
}
