package coordination_test

import (
	"fmt"
	"testing"

	"github.com/iso27035/iso27035/coordination"
)

// benchCase is a campaign with 100 items spread over the labels and the
// participants.
func benchCase(b *testing.B) (*coordination.Directory, *coordination.Case) {
	dir := campaignDirectory(b)
	c := campaign(b, dir)
	if err := c.SetStatus(dir, "chris", coordination.StatusInvestigating, "", "", t0); err != nil {
		b.Fatal(err)
	}
	authors := []coordination.PersonID{"carol", "bob", "carol", "chris"}
	for i := range 100 {
		l := coordination.Labels()[i%5]
		_, err := c.Share(dir, authors[i%4], coordination.Item{ID: coordination.ItemID(fmt.Sprintf("i%03d", i)), Kind: coordination.KindNote, Label: l, Title: "item"},
			[]coordination.PersonID{"carol", "bob"}, t0)
		if err != nil {
			b.Fatal(err)
		}
	}
	return dir, c
}

// BenchmarkForward: one Case.Forward of an item within reach to a person
// who does not hold it yet (the case is reset, untimed, every 20 calls,
// once the 20 AMBER items are all forwarded).
func BenchmarkForward(b *testing.B) {
	dir, base := benchCase(b)
	var c *coordination.Case
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%20 == 0 {
			b.StopTimer()
			cp := *base
			cp.Holdings = append([]coordination.Holding(nil), base.Holdings...)
			cp.Log = append([]coordination.Message(nil), base.Log...)
			c = &cp
			b.StartTimer()
		}
		if err := c.Forward(dir, "bob", coordination.ItemID(fmt.Sprintf("i%03d", 2+5*(i%20))), "bea", t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkView: the provider's view of a 100-item case.
func BenchmarkView(b *testing.B) {
	dir, c := benchCase(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.View(dir, "bob"); err != nil {
			b.Fatal(err)
		}
	}
}
