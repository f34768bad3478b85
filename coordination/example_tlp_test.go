package coordination_test

import (
	"errors"
	"fmt"

	"github.com/iso27035/iso27035/coordination"
)

// exampleDirectory: a bank, its cloud provider (which serves a hoster),
// and a sector ISAC community both belong to.
func exampleDirectory() *coordination.Directory {
	dir, err := coordination.NewDirectory(
		[]coordination.Organisation{
			{ID: "bank", Name: "Example Bank", Communities: []coordination.CommunityID{"fin-isac"}},
			{ID: "cloud", Name: "Example Cloud", Clients: []coordination.OrgID{"hoster"}, Communities: []coordination.CommunityID{"fin-isac"}},
			{ID: "hoster", Name: "Example Hoster"},
		},
		[]coordination.Person{
			{ID: "alice", Name: "Alice", Org: "bank"},
			{ID: "carol", Name: "Carol", Org: "cloud"},
			{ID: "dave", Name: "Dave", Org: "cloud"},
			{ID: "erin", Name: "Erin", Org: "hoster"},
		},
		[]coordination.Community{{ID: "fin-isac", Name: "Finance ISAC"}},
	)
	if err != nil {
		panic(err)
	}
	return dir
}

// Carol received a TLP:AMBER indicator from the bank. She may pass it to
// her colleague and to her organisation's client, on need to know.
func ExampleDecide() {
	dir := exampleDirectory()
	item := &coordination.Item{
		ID: "ind-1", Kind: coordination.KindIndicator, Label: coordination.TLPAmber,
		Source: "bank", Author: "alice", Audience: []coordination.PersonID{"carol"},
	}
	for _, to := range []coordination.PersonID{"dave", "erin"} {
		d := coordination.Decide(dir, item, nil, "fin-isac", "carol", to)
		fmt.Printf("carol -> %s: %v (%s)\n", to, d.Allowed, d.Reason)
	}
	// Output:
	// carol -> dave: true (within the organisation of the source or a first recipient)
	// carol -> erin: true (client of the source or of a first recipient's organisation)
}

// The same item labelled TLP:RED may not go further than Carol: the
// library refuses the forward, and the error says why.
func ExampleDecide_refused() {
	dir := exampleDirectory()
	item := &coordination.Item{
		ID: "ind-1", Kind: coordination.KindIndicator, Label: coordination.TLPRed,
		Source: "bank", Author: "alice", Audience: []coordination.PersonID{"carol"},
	}
	err := coordination.Decide(dir, item, nil, "fin-isac", "carol", "dave").Err("carol", "dave")
	fmt.Println(err)
	fmt.Println(errors.Is(err, coordination.ErrRefused))
	var refused *coordination.RefusedError
	if errors.As(err, &refused) {
		fmt.Println(refused.Reason)
	}
	// The bank, as the source, chooses its recipients.
	fmt.Println(coordination.Decide(dir, item, nil, "fin-isac", "alice", "dave").Reason)
	// Output:
	// coordination: refused by TLP: item ind-1 (TLP:RED): carol may not give it to dave: TLP:RED: no further disclosure
	// true
	// TLP:RED: no further disclosure
	// source chooses recipients
}

// TLP:GREEN may go to its community's channel, never to a public one.
func ExampleDecideChannel() {
	dir := exampleDirectory()
	item := &coordination.Item{
		ID: "note-1", Kind: coordination.KindNote, Label: coordination.TLPGreen,
		Source: "bank", Author: "alice",
	}
	d := coordination.DecideChannel(dir, item, nil, "fin-isac", "alice", "fin-isac")
	fmt.Println(d.Allowed, d.Reason)
	// Output:
	// true within the item's community
}
