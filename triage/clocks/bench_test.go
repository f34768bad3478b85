package clocks

import (
	"testing"
	"time"

	"github.com/iso27035/iso27035/incident"
)

var benchProfile = Profile{
	GDPR:  &GDPR{Role: GDPRController, MemberState: "DE"},
	NIS2:  &NIS2{EntityType: NIS2Essential, MemberState: "DE"},
	DORA:  &DORA{EntityType: DORACreditInstitution, NIS2EssentialOrImportant: true, MemberState: "DE"},
	SEC:   &SEC{},
	HIPAA: &HIPAA{Role: HIPAACoveredEntity},
}

func benchInc() *incident.Incident {
	return newInc(anchor(incident.AnchorAware, aware), anchor(incident.AnchorClassifiedMajor, "2026-05-12T10:15:00Z"),
		anchor(incident.AnchorMaterialityDetermined, "2026-05-13T14:00:00Z"), anchor(incident.AnchorDiscovered, aware),
		personalData("2026-05-14T13:40:00Z"), subjects(1200, "2026-05-14T13:40:00Z"),
		submitted("dora-initial", "dora", "initial", "2026-05-12T13:00:00Z"))
}

// BenchmarkCompute: obligations for one incident under a five-regime
// profile (GDPR, NIS2, DORA, SEC, HIPAA), compiled once.
func BenchmarkCompute(b *testing.B) {
	c, err := Compile(benchProfile)
	if err != nil {
		b.Fatal(err)
	}
	inc := benchInc()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Compute(inc, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkComputeUncompiled includes compiling the profile each time (what
// Source does per engine call).
func BenchmarkComputeUncompiled(b *testing.B) {
	inc := benchInc()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(benchProfile, inc, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSource is what the engine calls per change: Source with its
// compiled profile cached.
func BenchmarkSource(b *testing.B) {
	s := Source{Profile: benchProfile}
	inc := benchInc()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.ObligationsFor(b.Context(), inc); err != nil {
			b.Fatal(err)
		}
	}
}
