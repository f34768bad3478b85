package coordination_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/iso27035/iso27035/coordination"
)

// A national CSIRT coordinates a bank and its cloud provider. The bank's
// TLP:RED list reaches the CSIRT's duty officer and goes no further; the
// refused forward is logged; each participant sees only what its label
// allows.
func ExampleCase_Forward() {
	at := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	dir, _ := coordination.NewDirectory(
		[]coordination.Organisation{{ID: "csirt"}, {ID: "bank"}, {ID: "cloud", Clients: []coordination.OrgID{"bank"}}},
		[]coordination.Person{{ID: "carol", Org: "csirt"}, {ID: "bob", Org: "bank"}, {ID: "chris", Org: "cloud"}},
		nil)
	c, _ := coordination.NewCase(dir, "CASE-1", "Phishing campaign", "csirt", "", "carol", at)
	for _, p := range []struct {
		org     coordination.OrgID
		contact coordination.PersonID
	}{{"bank", "bob"}, {"cloud", "chris"}} {
		inv, _ := c.Invite(dir, "carol", p.org, coordination.RoleAffected, p.contact, at.Add(2*time.Hour), at)
		_ = c.Acknowledge(dir, p.contact, inv.ID, at)
	}
	_, _ = c.Share(dir, "bob", coordination.Item{ID: "victims", Kind: coordination.KindNote, Label: coordination.TLPRed, Title: "Affected accounts"}, []coordination.PersonID{"carol"}, at)
	_, _ = c.Share(dir, "carol", coordination.Item{ID: "kit", Kind: coordination.KindNote, Label: coordination.TLPAmber, Title: "Phishing kit"}, []coordination.PersonID{"chris"}, at)

	err := c.Forward(dir, "carol", "victims", "chris", at)
	var refused *coordination.RefusedError
	fmt.Println(errors.As(err, &refused), refused.Reason)
	fmt.Println("logged:", c.Log[len(c.Log)-1].Kind)
	fmt.Println("provider's client:", c.Forward(dir, "chris", "kit", "bob", at) == nil)

	for _, p := range []coordination.PersonID{"carol", "bob", "chris"} {
		v, _ := c.View(dir, p)
		var ids []coordination.ItemID
		for _, it := range v.Items {
			ids = append(ids, it.ID)
		}
		fmt.Println(p, ids)
	}
	// Output:
	// true TLP:RED: no further disclosure
	// logged: refused
	// provider's client: true
	// carol [victims kit]
	// bob [victims kit]
	// chris [kit]
}

// Respond-by deadlines of the exchange log: what is late, and what an
// organisation owes as incident obligations for its engine's timers.
func ExampleCase_Overdue() {
	at := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	dir, _ := coordination.NewDirectory(
		[]coordination.Organisation{{ID: "csirt"}, {ID: "bank"}},
		[]coordination.Person{{ID: "carol", Org: "csirt"}, {ID: "bob", Org: "bank"}}, nil)
	c, _ := coordination.NewCase(dir, "CASE-1", "Phishing campaign", "csirt", "", "carol", at)
	inv, _ := c.Invite(dir, "carol", "bank", coordination.RoleAffected, "bob", time.Time{}, at)
	_ = c.Acknowledge(dir, "bob", inv.ID, at)
	req, _ := c.Request(dir, "carol", []coordination.OrgID{"bank"}, "Send the mail headers", at.Add(4*time.Hour), at)

	for _, o := range c.Overdue(at.Add(5 * time.Hour)) {
		fmt.Println(o.Org, "owes", o.Message, o.Kind, "due", o.Due.Format("15:04"))
	}
	_, _ = c.Respond(dir, "bob", req.ID, "attached", at.Add(6*time.Hour))
	ob := c.Obligations("bank")[0]
	fmt.Println(ob.ID, ob.Regime, "answered", ob.SubmittedAt.Format("15:04"))
	// Output:
	// bank owes M0002 request due 12:00
	// coordination/CASE-1/M0002 coordination answered 14:00
}
