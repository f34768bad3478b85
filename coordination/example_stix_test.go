package coordination_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/iso27035/iso27035/coordination"
)

// A case is exported as a STIX 2.1 bundle for a partner, who imports it.
func ExampleExportBundle() {
	dir, err := coordination.NewDirectory(
		[]coordination.Organisation{{ID: "csirt", Name: "National CSIRT"}, {ID: "bank", Name: "Example Bank"}},
		[]coordination.Person{{ID: "bob", Name: "Bob Banker", Org: "bank"}},
		nil,
	)
	if err != nil {
		panic(err)
	}
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	c := &coordination.Case{
		ID: "CASE-1", Title: "Phishing wave", Coordinator: "csirt", Status: coordination.CaseOpen, Opened: at,
		Participants: []coordination.Participant{
			{Org: "csirt", Role: coordination.RoleCoordinator, Status: coordination.StatusInvestigating},
			{Org: "bank", Role: coordination.RoleAffected, Contact: "bob", Status: coordination.StatusAcknowledged},
		},
		Items: []coordination.Item{{
			ID: "ioc-1", Kind: coordination.KindIndicator, Label: coordination.TLPGreen, Source: "bank", Author: "bob",
			Title: "Phishing landing page", Created: at.Add(time.Hour),
			Indicator: &coordination.Indicator{Pattern: "[url:value = 'http://bank-login.example/']", ValidFrom: at},
		}},
	}
	data, err := coordination.ExportBundle(c, dir, coordination.ExportOptions{})
	if err != nil {
		panic(err)
	}
	var b coordination.Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		panic(err)
	}
	types := map[string]int{}
	for _, o := range b.Objects {
		var head struct{ Type string }
		_ = json.Unmarshal(o, &head)
		types[head.Type]++
	}
	fmt.Println(types)

	imp, err := coordination.ImportBundle(data, coordination.ImportOptions{})
	if err != nil {
		panic(err)
	}
	for _, it := range imp.Items {
		fmt.Println(it.Kind, it.Label, it.Title)
	}
	// Output:
	// map[identity:3 incident:1 indicator:1 marking-definition:2 relationship:3]
	// summary TLP:AMBER Phishing wave
	// indicator TLP:GREEN Phishing landing page
}

// A malformed object is an *ImportError naming it and the field.
func ExampleImportBundle_error() {
	_, err := coordination.ImportBundle([]byte(`{"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[
		{"type":"indicator","spec_version":"2.1","id":"indicator--33fe3b22-0201-47cf-85d0-97c02164528d",
		 "created":"2022-101-27T13:49:54.326Z","modified":"2022-10-27T13:49:54.326Z",
		 "pattern":"[ipv4-addr:value = '10.0.0.1']","pattern_type":"stix","valid_from":"2022-10-27T13:49:54Z"}]}`), coordination.ImportOptions{})
	var ie *coordination.ImportError
	if errors.As(err, &ie) {
		fmt.Println(ie.Index, ie.Object, ie.Field, errors.Is(err, coordination.ErrInvalid))
	}
	// Output:
	// 0 indicator--33fe3b22-0201-47cf-85d0-97c02164528d created true
}
