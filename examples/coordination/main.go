// Command coordination runs a case coordinated across organisations
// (ISO/IEC 27035-4): a phishing campaign hits a bank and its cloud
// provider, and the national CSIRT coordinates. Items are shared at every
// TLP 2.0 level; each participant's view is printed side by side, showing
// what each may and may not see; a forward the label excludes is refused
// and logged; a request's deadline feeds the bank's incident engine; and
// the provider's view is written as a STIX 2.1 bundle.
//
//	go run ./examples/coordination [-out bundle.json]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/iso27035/iso27035/coordination"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store/memory"
)

func main() {
	out := flag.String("out", filepath.Join(os.TempDir(), "iso27035-coordination-bundle.json"), "where to write the STIX bundle of the provider's view")
	flag.Parse()
	if err := run(context.Background(), *out); err != nil {
		log.Fatal(err)
	}
}

// t0 is when the first phishing mails are reported.
var t0 = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

// people is who takes part, in the order the views are printed.
var people = []coordination.PersonID{"carol", "bob", "bea", "chris", "ines"}

func run(ctx context.Context, out string) error {
	dir, err := coordination.NewDirectory(
		[]coordination.Organisation{
			{ID: "csirt", Name: "National CSIRT", Communities: []coordination.CommunityID{"fin-isac"}},
			{ID: "bank", Name: "Example Bank", Communities: []coordination.CommunityID{"fin-isac"}},
			// The bank is the provider's client: TLP:AMBER given to the
			// provider may reach the bank.
			{ID: "cloud", Name: "Example Cloud", Clients: []coordination.OrgID{"bank"}},
			{ID: "insurer", Name: "Example Insurance", Communities: []coordination.CommunityID{"fin-isac"}},
		},
		[]coordination.Person{
			{ID: "carol", Name: "Carol (CSIRT duty officer)", Org: "csirt"},
			{ID: "bob", Name: "Bob (bank incident manager)", Org: "bank"},
			{ID: "bea", Name: "Bea (bank fraud team)", Org: "bank"},
			{ID: "chris", Name: "Chris (cloud abuse desk)", Org: "cloud"},
			{ID: "ines", Name: "Ines (insurer CISO)", Org: "insurer"},
		},
		[]coordination.Community{{ID: "fin-isac", Name: "Financial sector ISAC"}},
	)
	if err != nil {
		return err
	}
	st := memory.New()
	cases := coordination.Store{St: st, Tenant: "csirt", Clock: func() time.Time { return t0 }}

	// The CSIRT opens the case and invites the bank and the provider.
	c, err := coordination.NewCase(dir, "CASE-2026-017", "Phishing campaign against Example Bank customers", "csirt", "fin-isac", "carol", t0)
	if err != nil {
		return err
	}
	invBank, err := c.Invite(dir, "carol", "bank", coordination.RoleAffected, "bob", t0.Add(2*time.Hour), t0)
	if err != nil {
		return err
	}
	invCloud, err := c.Invite(dir, "carol", "cloud", coordination.RoleServiceProvider, "chris", t0.Add(2*time.Hour), t0)
	if err != nil {
		return err
	}
	steps := []error{
		c.Acknowledge(dir, "bob", invBank.ID, t0.Add(20*time.Minute)),
		c.Acknowledge(dir, "chris", invCloud.ID, t0.Add(40*time.Minute)),
		c.AddPerson(dir, "bob", "bea"),
		c.SetStatus(dir, "bob", coordination.StatusInvestigating, "INC-2026-0042", "", t0.Add(time.Hour)),
		c.SetStatus(dir, "chris", coordination.StatusInvestigating, "ABUSE-88121", "", t0.Add(time.Hour)),
	}
	if err := errors.Join(steps...); err != nil {
		return err
	}

	// Items at every TLP level.
	share := func(by coordination.PersonID, it coordination.Item, to ...coordination.PersonID) {
		if err == nil {
			_, err = c.Share(dir, by, it, to, t0.Add(90*time.Minute))
		}
	}
	share("bob", coordination.Item{ID: "victims", Kind: coordination.KindNote, Label: coordination.TLPRed,
		Title: "Customer accounts used from the phishing kit", Body: "412 accounts; list attached to the CSIRT only."}, "carol")
	share("bob", coordination.Item{ID: "losses", Kind: coordination.KindNote, Label: coordination.TLPAmberStrict,
		Title: "Fraud losses so far", Body: "EUR 182,000 in 37 transfers."}, "carol")
	share("carol", coordination.Item{ID: "hosting", Kind: coordination.KindNote, Label: coordination.TLPAmber,
		Title: "Phishing kit hosted on the provider's tenant t-4471", Body: "Take-down requested; the kit exfiltrates to a Telegram bot."}, "chris")
	share("carol", coordination.Item{ID: "ioc-url", Kind: coordination.KindIndicator, Label: coordination.TLPGreen, Title: "Phishing landing page",
		Indicator: &coordination.Indicator{Pattern: "[url:value = 'https://examplebank-secure-login.example/']", ValidFrom: t0, Types: []string{"malicious-activity"}}},
		"bob", "bea", "chris")
	share("chris", coordination.Item{ID: "seen", Kind: coordination.KindObservation, Label: coordination.TLPAmber, Title: "Requests to the kit",
		Observed: &coordination.Observation{FirstObserved: t0.Add(-6 * time.Hour), LastObserved: t0, Count: 1290,
			Objects: []coordination.Observable{{Type: "url", Value: "https://examplebank-secure-login.example/"}, {Type: "ipv4-addr", Value: "203.0.113.77"}}}},
		"carol")
	if err != nil {
		return err
	}
	if err := c.ProposeStatement(dir, "carol", "Customers of Example Bank receive phishing mails asking them to 'secure' their account. The bank never asks for credentials by mail.", []coordination.OrgID{"bank"}, t0.Add(2*time.Hour)); err != nil {
		return err
	}
	if err := c.AgreeStatement(dir, "bob", t0.Add(150*time.Minute)); err != nil {
		return err
	}
	// The CSIRT asks the provider to confirm the take-down within 4 hours.
	req, err := c.Request(dir, "carol", []coordination.OrgID{"cloud", "bank"}, "Confirm the kit is down and no new tenant hosts it", t0.Add(6*time.Hour), t0.Add(2*time.Hour))
	if err != nil {
		return err
	}
	if _, err := c.Respond(dir, "bea", req.ID, "No further logins from the kit since 10:30.", t0.Add(3*time.Hour)); err != nil {
		return err
	}
	if err := cases.Put(ctx, 0, c); err != nil {
		return err
	}

	// What each participant may see.
	fmt.Println("== Each participant's view ==")
	fmt.Printf("%-24s %-17s", "item", "label")
	for _, p := range people {
		fmt.Printf(" %-6s", p)
	}
	fmt.Println()
	views := map[coordination.PersonID]*coordination.Case{}
	for _, p := range people {
		v, err := c.View(dir, p)
		if errors.Is(err, coordination.ErrNotParticipant) {
			continue // the insurer takes no part in the case
		}
		if err != nil {
			return err
		}
		views[p] = v
	}
	for _, it := range c.Items {
		fmt.Printf("%-24s %-17s", it.ID, it.Label)
		for _, p := range people {
			mark := "-"
			if v := views[p]; v != nil && v.Item(it.ID) != nil {
				mark = "sees"
			}
			fmt.Printf(" %-6s", mark)
		}
		fmt.Println()
	}
	fmt.Println("(ines, of the insurer, takes no part: she gets no view at all)")

	// Forwards: the label decides, and a refusal is logged and stored.
	fmt.Println("\n== Forwarding ==")
	try := func(by coordination.PersonID, id coordination.ItemID, to coordination.PersonID) error {
		_, err := cases.Update(ctx, c.ID, func(cc *coordination.Case) error {
			return cc.Forward(dir, by, id, to, t0.Add(4*time.Hour))
		})
		var re *coordination.RefusedError
		switch {
		case errors.As(err, &re):
			fmt.Printf("%s -> %s %s: refused (%s)\n", by, to, id, re.Reason)
		case err != nil:
			return err
		default:
			fmt.Printf("%s -> %s %s: allowed\n", by, to, id)
		}
		return nil
	}
	for _, f := range []struct {
		by coordination.PersonID
		id coordination.ItemID
		to coordination.PersonID
	}{
		{"carol", "victims", "chris"}, // RED: no further disclosure
		{"carol", "losses", "chris"},  // AMBER+STRICT: the bank and the CSIRT only
		{"chris", "hosting", "bea"},   // AMBER: the provider's client
		{"bob", "ioc-url", "ines"},    // GREEN: the insurer is in the ISAC
	} {
		if err := try(f.by, f.id, f.to); err != nil {
			return err
		}
	}
	stored, err := cases.Get(ctx, c.ID)
	if err != nil {
		return err
	}
	refused := 0
	for _, m := range stored.Value.Log {
		if m.Kind == coordination.MessageRefused {
			refused++
		}
	}
	fmt.Printf("refusals in the stored exchange log: %d\n", refused)

	// Deadlines: overdue answers, and the bank's engine watching its own.
	fmt.Println("\n== Deadlines ==")
	for _, o := range stored.Value.Overdue(t0.Add(7 * time.Hour)) {
		fmt.Printf("overdue: %s owes an answer to %s (%s, due %s)\n", o.Org, o.Message, o.Kind, o.Due.Format("15:04"))
	}
	if err := bankEngine(ctx, stored.Value); err != nil {
		return err
	}

	// The provider's view as a STIX 2.1 bundle.
	fmt.Println("\n== STIX 2.1 ==")
	b, err := stored.Value.ExportView(dir, "chris", coordination.ExportOptions{})
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, b, 0o600); err != nil {
		return err
	}
	var bundle coordination.Bundle
	if err := json.Unmarshal(b, &bundle); err != nil {
		return err
	}
	types := map[string]int{}
	for _, o := range bundle.Objects {
		var h struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(o, &h); err != nil {
			return err
		}
		types[h.Type]++
	}
	fmt.Printf("chris's view: %d objects (%d indicator, %d observed-data, %d note, %d marking-definition); no TLP:RED or AMBER+STRICT item\n",
		len(bundle.Objects), types["indicator"], types["observed-data"], types["note"], types["marking-definition"])
	fmt.Fprintf(os.Stderr, "bundle written to %s\n", out)
	return nil
}

// bankEngine shows the bank's side: its incident engine takes the case's
// respond-by deadlines as obligations, next to any regulatory clock.
func bankEngine(ctx context.Context, csirtCopy coordination.Case) error {
	st := memory.New()
	now := t0
	bankCases := coordination.Store{St: st, Tenant: "bank", Clock: func() time.Time { return now }}
	rules := lifecycle.DefaultRules()
	rules.RequireConfirmation = false
	eng, err := lifecycle.New(st, "bank", lifecycle.WithRules(rules),
		lifecycle.WithClock(incident.ClockFunc(func() time.Time { return now })),
		lifecycle.WithObligationSource(lifecycle.ObligationSources(coordination.Deadlines{Store: bankCases, Org: "bank"})))
	if err != nil {
		return err
	}
	bob := lifecycle.Actor{ID: "bob", Roles: []incident.Role{incident.RoleIncidentManager, incident.RolePointOfContact}}
	ev, err := eng.Factory().NewEvent(ctx, "bank", "Customers forward phishing mails", "bob")
	if err != nil {
		return err
	}
	if err := eng.Create(ctx, bob, ev); err != nil {
		return err
	}
	if _, err := eng.Transition(ctx, bob, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge); err != nil {
		return err
	}
	res, err := eng.Assess(ctx, bob, lifecycle.KeyOf(ev), incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident, Severity: incident.SeverityHigh})
	if err != nil {
		return err
	}
	// The bank keeps its own copy of the case, linked to its incident.
	mine := csirtCopy
	mine.Self = "bank"
	if err := mine.Link("bank", res.Declared); err != nil {
		return err
	}
	if err := bankCases.Put(ctx, 0, &mine); err != nil {
		return err
	}
	now = t0.Add(2 * time.Hour)
	rec, err := eng.Apply(ctx, bob, lifecycle.KeyOf(res.Declared), lifecycle.RefreshObligations{Reason: "requests in case " + string(mine.ID)})
	if err != nil {
		return err
	}
	inc, ok := rec.(*incident.Incident)
	if !ok {
		return fmt.Errorf("the engine returned a %T", rec)
	}
	for _, o := range inc.Obligations {
		state := "open"
		if !o.SubmittedAt.IsZero() {
			state = "answered " + o.SubmittedAt.Format("15:04")
		}
		fmt.Printf("bank obligation %s: %s to %s, due %s, %s\n", strings.TrimPrefix(o.ID, "coordination/"), o.Report, o.Authority, o.Due.Format("15:04"), state)
	}
	return nil
}
