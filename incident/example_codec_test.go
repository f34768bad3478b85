package incident_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/iso27035/iso27035/incident"
)

// DecodeIncident reads input from outside strictly: a field the schema does
// not define is an error, not silently dropped.
func ExampleDecodeIncident() {
	const doc = `{
  "schema_version": 1,
  "id": "019c2271-fb03-7667-9c80-317fa3b1799d",
  "ref": "INC-2026-000042",
  "org": "acme-at",
  "created_at": "2026-02-03T07:40:21Z",
  "updated_at": "2026-02-03T07:40:21Z",
  "version": 1,
  "title": "VPN gateway compromised",
  "phase": "assess_decide",
  "state": "triage",
  "event_ids": ["019c226c-7c48-7eb1-8668-5257bdd640fb"],
  "timeline": {"detected": {"at": "2026-02-03T07:33:58Z"}}
}`
	inc, err := incident.DecodeIncident(strings.NewReader(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inc.Ref, inc.Phase, inc.State, inc.Validate() == nil)

	typo := strings.Replace(doc, `"title"`, `"tilte"`, 1)
	_, err = incident.DecodeIncident(strings.NewReader(typo))
	fmt.Println(errors.Is(err, incident.ErrSyntax))
	fmt.Println(err)
	// Output:
	// INC-2026-000042 assess_decide triage true
	// true
	// tilte: unknown field "tilte" (field names are case-sensitive)
}

// A Decoder bounds what it reads: at most MaxBytes+1 bytes, whatever the
// reader would deliver.
func ExampleDecoder() {
	doc := `{"schema_version":1,"title":"` + strings.Repeat("x", 100) + `"}`
	dec := incident.Decoder{MaxBytes: 64}
	_, err := dec.Event(strings.NewReader(doc))
	fmt.Println(errors.Is(err, incident.ErrTooLarge))
	fmt.Println(err)

	// Stored mode is for records the SDK wrote earlier: unknown fields are
	// kept and written back.
	stored := incident.Decoder{Mode: incident.Stored}
	ev, err := stored.Event(strings.NewReader(`{"schema_version":1,"title":"Port scan","x_host_ticket":"OPS-1"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Title, string(ev.Extra["x_host_ticket"]))
	// Output:
	// true
	// incident: input too large: event document exceeds 64 bytes
	// Port scan "OPS-1"
}
