package triage

import (
	"bytes"
	"testing"
)

var benchOutcome string

func BenchmarkCISATreeDecideValues(b *testing.B) {
	tab := CISATree()
	b.ReportAllocs()
	for b.Loop() {
		benchOutcome, _ = tab.DecideValues("active", "yes", "total", "medium")
	}
	if benchOutcome != CISAAct {
		b.Fatal(benchOutcome)
	}
}

func BenchmarkCISATreeDecideIndex(b *testing.B) {
	tab := CISATree()
	ords := []int{2, 1, 1, 1}
	b.ReportAllocs()
	for b.Loop() {
		benchOutcome, _ = tab.DecideIndex(ords)
	}
	if benchOutcome != CISAAct {
		b.Fatal(benchOutcome)
	}
}

func BenchmarkCISATreeDecideMap(b *testing.B) {
	tab := CISATree()
	m := map[string]string{CISAExploitation: "active", CISAAutomatable: "yes", CISATechnicalImpact: "total", CISAMissionWellBeing: "medium"}
	b.ReportAllocs()
	for b.Loop() {
		benchOutcome, _ = tab.Decide(m)
	}
	if benchOutcome != CISAAct {
		b.Fatal(benchOutcome)
	}
}

func BenchmarkParseSSVCCSV(b *testing.B) {
	for _, file := range []string{"cisa_coordinator_2_0_3.csv", "coordinator_triage_1_0_0.csv"} {
		data := readTestdata(b, file)
		b.Run(file, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ParseSSVCCSV(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
