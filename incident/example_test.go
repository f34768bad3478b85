package incident_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
)

// A host injects its clock, ID source and reference sequence, so records
// are reproducible. An event is reported, classified and escalated into an
// incident, which starts in assess and decide.
func Example() {
	ctx := context.Background()
	ids := []uuid.UUID{
		uuid.MustParse("0195a000-0000-7000-8000-00000000000a"),
		uuid.MustParse("0195a000-0000-7000-8000-00000000000b"),
	}
	f := incident.NewFactory(
		incident.WithClock(incident.ClockFunc(func() time.Time {
			return time.Date(2026, 3, 14, 9, 20, 30, 0, time.UTC)
		})),
		incident.WithIDs(incident.IDFunc(func() (uuid.UUID, error) {
			id := ids[0]
			ids = ids[1:]
			return id, nil
		})),
		incident.WithSequence(&incident.MemorySequence{}),
	)

	ev, err := f.NewEvent(ctx, "acme", "Unusual VPN login", "actor-soc-analyst")
	if err != nil {
		fmt.Println(err)
		return
	}
	ev.Category = incident.Category{Class: "intrusions", Type: "system-compromise"}
	ev.Severity = incident.SeverityHigh
	fmt.Println(ev.Ref, ev.Phase, ev.State, ev.Validate())

	inc, err := f.Escalate(ctx, ev)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inc.Ref, inc.ID, inc.Phase, inc.State, inc.Outcome)
	fmt.Println(inc.Category, inc.Severity, inc.Timeline.Declared.At.Format(time.RFC3339))
	fmt.Println(ev.IncidentID == inc.ID, inc.EventIDs[0] == ev.ID)
	fmt.Println(inc.Validate())
	// Output:
	// EVT-2026-000001 detect_report detection <nil>
	// INC-2026-000001 0195a000-0000-7000-8000-00000000000b assess_decide triage incident
	// rsit:intrusions="system-compromise" high 2026-03-14T09:20:30Z
	// true true
	// <nil>
}

func ExampleFormatRef() {
	for _, n := range []uint64{42, 1234567} {
		ref, _ := incident.FormatRef(incident.KindIncident, 2026, n)
		fmt.Println(ref)
	}
	kind, year, n, err := incident.Ref("VUL-2026-000007").Parse()
	fmt.Println(kind, year, n, err)

	_, err = incident.FormatRef(incident.KindEvent, 999, 1)
	fmt.Println(errors.Is(err, incident.ErrFormat))
	// Output:
	// INC-2026-000042
	// INC-2026-1234567
	// vulnerability 2026 7 <nil>
	// true
}

// A month-precision time stands for the whole month: it is not before a
// day in that month, but it is before a day of the next.
func ExampleTimestamp_Before() {
	occurred := incident.Approx(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), incident.PrecisionMonth, true)
	midMarch := incident.Approx(time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), incident.PrecisionDay, false)
	april := incident.Approx(time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC), incident.PrecisionDay, false)

	fmt.Println(occurred.Before(midMarch), midMarch.Before(occurred))
	fmt.Println(occurred.Before(april))
	fmt.Println(occurred.Latest().Format(time.RFC3339Nano))
	// Output:
	// false false
	// true
	// 2026-03-31T23:59:59.999999999Z
}

func ExampleEvidence_Verify() {
	digest, size, _ := incident.Digest(strings.NewReader("abc"))
	e := incident.Evidence{ID: "ev-1", SHA256: digest, Size: size}
	fmt.Println(digest, size)

	fmt.Println(e.Verify(strings.NewReader("abc")))

	err := e.Verify(strings.NewReader("abd"))
	var de *incident.DigestError
	fmt.Println(errors.Is(err, incident.ErrDigestMismatch), errors.As(err, &de) && de.Got != de.Want)
	// Output:
	// ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 3
	// <nil>
	// true true
}

// GDPR Art. 33 runs from when the controller became aware of a personal
// data breach: the first time PersonalData was true, even if it was later
// revised.
func ExampleFact_FirstKnown() {
	var pd incident.Fact[bool]
	_ = pd.Set(false, time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC), "actor-analyst")
	_ = pd.Set(true, time.Date(2026, 3, 14, 11, 30, 0, 0, time.UTC), "actor-dpo")
	_ = pd.Set(false, time.Date(2026, 3, 15, 8, 0, 0, 0, time.UTC), "actor-dpo")

	aware, ok := pd.FirstKnown(func(v bool) bool { return v })
	fmt.Println(aware.Format(time.RFC3339), ok, pd.Value)

	err := pd.Set(true, time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), "late")
	fmt.Println(errors.Is(err, incident.ErrOrder))
	// Output:
	// 2026-03-14T11:30:00Z true false
	// true
}

func ExampleHandling_ErasePersonalData() {
	at := time.Date(2027, 6, 1, 8, 0, 0, 0, time.UTC)
	h := incident.Handling{
		Contacts: []incident.Contact{
			{ID: "actor-alice", Name: "Alice Adams", Email: "alice@example.com"},
			{ID: "actor-bob", Name: "Bob Brown"},
		},
		Notes: []incident.Note{
			{ID: "n1", Author: "actor-bob", Text: "Bob was on holiday", Personal: true},
			{ID: "n2", Author: "actor-bob", Text: "Blocked the C2 domain"},
		},
	}

	_ = h.PlaceHold(at, "actor-legal", "litigation")
	_, err := h.ErasePersonalData(at, "actor-dpo", "Art. 17 request", "actor-bob")
	fmt.Println(errors.Is(err, incident.ErrLegalHold))

	h.ReleaseHold()
	er, err := h.ErasePersonalData(at, "actor-dpo", "Art. 17 request", "actor-bob")
	fmt.Println(err, er.Contacts, er.Notes)
	fmt.Printf("%q %q %v\n", h.Contacts[0].Name, h.Contacts[1].Name, h.Contacts[1].Erased)
	fmt.Printf("%q %q\n", h.Notes[0].Text, h.Notes[1].Text)
	// Output:
	// true
	// <nil> [actor-bob] [n1]
	// "Alice Adams" "" true
	// "" "Blocked the C2 domain"
}

func ExampleParseTLP() {
	for _, s := range []string{"TLP:AMBER+STRICT", "green", "TLP:WHITE"} {
		tlp, _ := incident.ParseTLP(s)
		fmt.Println(tlp, tlp.Rank())
	}
	_, err := incident.ParseTLP("TLP:PURPLE")
	fmt.Println(errors.Is(err, incident.ErrUnknownValue))
	// Output:
	// TLP:AMBER+STRICT 4
	// TLP:GREEN 2
	// TLP:CLEAR 1
	// true
}
