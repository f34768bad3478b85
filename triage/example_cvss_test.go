package triage_test

import (
	"fmt"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/triage"
)

func ExampleParseCVSS() {
	v, err := triage.ParseCVSS("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N")
	if err != nil {
		fmt.Println(err)
		return
	}
	score, _ := v.BaseScore()
	band, _ := v.Band()
	fmt.Println(v, score, band)

	// v4.0 vectors are validated; their score is taken from the publisher.
	v4, err := triage.ParseCVSS("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
	if err != nil {
		fmt.Println(err)
		return
	}
	published := 9.3
	band4, _ := incident.CVSSBand(published)
	fmt.Println(v4.Version(), band4)

	// Errors name the metric at fault.
	_, err = triage.ParseCVSS("CVSS:3.1/AV:N/AC:L/PR:N/UI:P/S:U/C:H/I:H/A:H")
	fmt.Println(err)
	// Output:
	// CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N 6.1 medium
	// 4.0 critical
	// triage: invalid CVSS vector: metric "UI" value "P": value not allowed (want one of: N, R)
}
