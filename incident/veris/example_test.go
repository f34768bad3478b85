package veris_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/incident/veris"
)

func ExampleImport() {
	doc := `{
  "schema_version": "1.4.0", "incident_id": "EX-1", "security_incident": "Confirmed",
  "summary": "Ransomware on the file server",
  "action": {"malware": {"variety": ["Ransomware"], "vector": ["Email attachment"]}},
  "actor": {"external": {"variety": ["Organized crime"], "motive": ["Financial"]}},
  "asset": {"assets": [{"variety": "S - File"}], "cloud": ["On-Premise Asset(s)"]},
  "discovery_method": {"internal": {"variety": ["Reported by employee"]}},
  "timeline": {"incident": {"year": 2024, "month": 3, "day": 4},
               "compromise": {"unit": "Hours", "value": 2},
               "discovery": {"unit": "Days"},
               "containment": {"unit": "Unknown"}}
}`
	im := veris.Importer{
		Org:      "example",
		Now:      func() time.Time { return time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC) },
		Sequence: &incident.MemorySequence{},
	}
	res, err := im.Import(strings.NewReader(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	inc := res.Incident
	fmt.Println(inc.Ref, inc.Title, "|", inc.Category, inc.Categories)
	for _, a := range []incident.Anchor{incident.AnchorOccurred, incident.AnchorCompromised, incident.AnchorDetected, incident.AnchorContained} {
		ts, _ := inc.Timeline.Get(a)
		if ts.IsZero() {
			fmt.Printf("%-11s unknown\n", a)
			continue
		}
		fmt.Printf("%-11s %s %s estimated=%v\n", a, ts.At.Format(time.DateOnly), ts.Precision, ts.Estimated)
	}
	d := res.Durations.Discovery
	fmt.Println("discovery:", d.Kind, d.Min, "to", d.Max)
	for _, n := range res.Unmapped {
		fmt.Println("unmapped:", n.Field)
	}
	// Output:
	// INC-2025-000001 Ransomware on the file server | rsit:malicious-code="infected-system" [veris:malware="ransomware"]
	// occurred    2024-03-04 day estimated=false
	// compromised 2024-03-01 month estimated=true
	// detected    2024-03-01 month estimated=true
	// contained   unknown
	// discovery: bucket 24h0m0s to 168h0m0s
	// unmapped: action.malware.vector
	// unmapped: actor.external.motive
	// unmapped: actor.external.variety
	// unmapped: asset.cloud
	// unmapped: discovery_method.internal.variety
	// unmapped: timeline.containment
}
