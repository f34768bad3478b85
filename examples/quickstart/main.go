// Command quickstart walks one ransomware alert through the first steps of
// ISO/IEC 27035 on the SDK's domain model: a tool reports an event, the point
// of contact assesses it and escalates it to an incident with a category and
// a severity, the incident gets people, impact, a regulatory fact, evidence
// and a task, and is validated, printed as JSON and summarised.
//
//	go run ./examples/quickstart
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/iso27035/iso27035/incident"
)

func main() {
	if err := run(context.Background(), os.Stdout, incident.NewFactory()); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, f *incident.Factory) error {
	const org = "acme-bank"
	const edr, alice, bob = incident.ActorID("tool:edr"), incident.ActorID("alice"), incident.ActorID("bob")

	// 1. Detect and report (27035-1 5.3): the EDR reports an event.
	ev, err := f.NewEvent(ctx, org, "Ransom note found on file server FS01", edr)
	if err != nil {
		return err
	}
	ev.DetectionMethod, ev.Source = "automated-tool", "EDR"
	ev.Contacts = []incident.Contact{{ID: edr, Kind: incident.ActorTool, Name: "Endpoint detection"}}
	fmt.Fprintf(out, "reported %s %q\n", ev.Ref, ev.Title)

	// 2. Assess and decide (27035-1 5.4): Alice, the point of contact,
	// classifies the event and escalates it to an incident.
	ev.Category = incident.Category{Class: "malicious-code", Type: "infected-system"}
	ev.Severity, ev.Priority = "high", incident.P2
	inc, err := f.Escalate(ctx, ev)
	if err != nil {
		return err
	}
	now := f.Now()
	inc.OrgUnit = "retail-it"
	inc.TLP = incident.TLPAmber // shared on a need-to-know basis, clients included
	inc.Contacts = append(inc.Contacts,
		incident.Contact{ID: alice, Name: "Alice Martin", Email: "alice@acme-bank.example"},
		incident.Contact{ID: bob, Name: "Bob Okafor"})
	inc.Roles = []incident.RoleAssignment{
		{Role: incident.RolePointOfContact, Actor: alice, From: now},
		{Role: incident.RoleIncidentManager, Actor: bob, From: now},
	}
	inc.Timeline.Assessed = incident.At(now)
	inc.Timeline.Aware = incident.At(now)
	// The encryption started some time the day before: a day-precision
	// estimate, not a made-up instant.
	inc.Timeline.Occurred = incident.Approx(now.AddDate(0, 0, -1), incident.PrecisionDay, true)
	inc.Impact = incident.Impact{
		Availability: incident.ImpactHigh, Functional: incident.ImpactMedium,
		Recoverability: incident.RecoverabilitySupplemented,
		Assets:         []incident.Asset{{ID: "FS01", Kind: "file server", Criticality: incident.CriticalityHigh}},
	}
	// Deadlines run from when a fact became known: record when.
	if err := inc.Facts.PersonalData.Set(true, now, string(alice)); err != nil {
		return err
	}
	fmt.Fprintf(out, "escalated to %s (%s, severity %s, %s)\n", inc.Ref, inc.Category, inc.Severity, inc.Priority)

	// 3. Respond (27035-1 5.5): evidence with its digest, and a task.
	note := []byte("YOUR FILES ARE ENCRYPTED ...")
	sum, size, err := incident.Digest(bytes.NewReader(note))
	if err != nil {
		return err
	}
	inc.Evidence = []incident.Evidence{{
		ID: "EV-1", Description: "Ransom note copied from FS01", CollectedBy: alice, CollectedAt: now,
		Source: "FS01:/share/README.txt", Location: "locker://cases/" + string(inc.Ref) + "/EV-1", SHA256: sum, Size: size,
	}}
	if err := inc.Evidence[0].Transfer(now, bob, "forensic analysis", ""); err != nil {
		return err
	}
	inc.Tasks = []incident.Task{{ID: "T-1", Title: "Isolate FS01 from the network", Assignee: bob,
		Status: incident.TaskOpen, Mandatory: true, Phase: incident.PhaseRespond}}
	inc.State, inc.Phase = incident.StateContainment, incident.PhaseRespond

	// Validation reports every problem at once, each with its field path.
	wrong := *inc
	wrong.Timeline.Contained = incident.At(now.AddDate(0, 0, -2))
	var ve *incident.ValidationError
	if err := wrong.Validate(); errors.As(err, &ve) {
		for _, fe := range ve.Fields {
			fmt.Fprintf(out, "caught: %s [%s]\n", fe, fe.Rule)
		}
	}
	if err := inc.Validate(); err != nil {
		return err
	}
	if err := inc.Evidence[0].Verify(bytes.NewReader(note)); err != nil {
		return err
	}
	fmt.Fprintln(out, "incident is valid; evidence digest verified")

	js, err := json.MarshalIndent(inc, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%s\n\n", js)
	summarise(out, inc, now)
	return nil
}

// summarise prints what a duty manager wants to read first.
func summarise(out io.Writer, inc *incident.Incident, at time.Time) {
	poc, _ := incident.HolderAt(inc.Roles, incident.RolePointOfContact, at)
	manager, _ := incident.HolderAt(inc.Roles, incident.RoleIncidentManager, at)
	open := 0
	for _, t := range inc.Tasks {
		if !t.Status.Finished() {
			open++
		}
	}
	lines := []string{
		fmt.Sprintf("%s  %s", inc.Ref, inc.Title),
		fmt.Sprintf("  phase      %s / %s", inc.Phase.Label(), inc.State),
		fmt.Sprintf("  outcome    %s, severity %s, priority %s, %s", inc.Outcome, inc.Severity, inc.Priority, orDash(inc.TLP.String())),
		fmt.Sprintf("  category   %s", inc.Category),
		fmt.Sprintf("  detected   %s", inc.Timeline.Detected.At.Format(time.RFC3339)),
		fmt.Sprintf("  occurred   %s (%s precision, estimated: %t)", inc.Timeline.Occurred.At.Format("2006-01-02"), inc.Timeline.Occurred.Precision, inc.Timeline.Occurred.Estimated),
		fmt.Sprintf("  people     point of contact %s, incident manager %s", poc, manager),
		fmt.Sprintf("  evidence   %d item(s), custodian %s", len(inc.Evidence), inc.Evidence[0].Custodian()),
		fmt.Sprintf("  tasks      %d open of %d", open, len(inc.Tasks)),
		fmt.Sprintf("  personal data involved: %t (known since %s)", inc.Facts.PersonalData.Value, inc.Facts.PersonalData.KnownAt.Format(time.RFC3339)),
	}
	fmt.Fprintln(out, strings.Join(lines, "\n"))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
