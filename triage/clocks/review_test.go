package clocks

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

// Findings of the correctness review (issue 7), each named by the rule it
// checks. Written before the fixes.

// Compute's as-of cut-off ("an anchor or fact recorded after now is
// treated as not yet known") must also hold for the HIPAA counts: the
// number of individuals decides between 45 CFR 164.408(b) and (c).
func TestHIPAAThresholdsAsOfNow(t *testing.T) {
	ce := Profile{HIPAA: &HIPAA{Role: HIPAACoveredEntity}}
	disc := "2026-05-12T15:00:00Z"
	inc := newInc(anchor(incident.AnchorDiscovered, disc), subjects(120, "2026-05-20T10:00:00Z"))
	t.Run("45 CFR 164.408(b) count not yet known at now: contemporaneous notice (conservative)", func(t *testing.T) {
		got, err := Compute(ce, inc, utc("2026-05-15T00:00:00Z"))
		require.NoError(t, err)
		assert.Contains(t, ids(got), "hipaa-hhs")
		assert.NotContains(t, ids(got), "hipaa-hhs-annual")
		assert.Contains(t, ids(got), "hipaa-media", "45 CFR 164.406: residents not yet counted")
	})
	t.Run("45 CFR 164.408(c) count known at now: annual log", func(t *testing.T) {
		got, err := Compute(ce, inc, utc("2026-05-21T00:00:00Z"))
		require.NoError(t, err)
		assert.Contains(t, ids(got), "hipaa-hhs-annual")
		assert.NotContains(t, ids(got), "hipaa-hhs")
	})
	t.Run("45 CFR 164.406 residents recorded after now are not yet known", func(t *testing.T) {
		inc := newInc(anchor(incident.AnchorDiscovered, disc), subjects(2000, disc))
		require.NoError(t, inc.Facts.ResidentsByState.Set(map[string]int64{"NY": 400}, utc("2026-05-20T10:00:00Z"), "crm"))
		got, err := Compute(ce, inc, utc("2026-05-15T00:00:00Z"))
		require.NoError(t, err)
		assert.Contains(t, ids(got), "hipaa-media", "2000 individuals, States unknown at now")
	})
}

// NIS2 Art. 23(4)(e) [C]: "in the event of an ongoing incident at the
// time of the submission of the final report referred to in point (d),
// Member States shall ensure that entities concerned provide a progress
// report at that time and a final report within one month of their
// handling of the incident."
func TestNIS2ProgressReport(t *testing.T) {
	const (
		awareAt = "2026-05-12T08:15:00Z"
		notif   = "2026-05-14T09:00:00Z" // final (d) due 14 June (a Sunday) → legal end Monday 15 June
	)
	base := []mod{anchor(incident.AnchorAware, awareAt), submitted("nis2-de-notification", "nis2", "notification", notif)}
	with := func(ms ...mod) *incident.Incident { return newInc(append(append([]mod{}, base...), ms...)...) }
	t.Run("Art.23(4)(d) handled before the final report is due: the final, no progress report", func(t *testing.T) {
		got := check(t, nis2DE, with(anchor(incident.AnchorRecovered, "2026-06-01T10:00:00Z")),
			want{"nis2-de-final", notif, "2026-06-14T09:00:00Z", "2026-06-15T21:59:59Z"})
		assert.Equal(t, "final", find(got, "nis2-de-final").Report)
		assert.NotContains(t, ids(got), "nis2-de-final-after-handling")
	})
	t.Run("Art.23(4)(e) still ongoing when the final report was due: progress then, final one month after handling (recovered)", func(t *testing.T) {
		got := check(t, nis2DE, with(anchor(incident.AnchorRecovered, "2026-07-02T10:00:00Z")),
			want{"nis2-de-final", notif, "2026-06-14T09:00:00Z", "2026-06-15T21:59:59Z"},
			want{"nis2-de-final-after-handling", "2026-07-02T10:00:00Z", "2026-08-02T10:00:00Z", "2026-08-03T21:59:59Z"})
		assert.Equal(t, "progress", find(got, "nis2-de-final").Report)
		assert.Contains(t, find(got, "nis2-de-final").Article, "23(4)(e)")
		assert.Equal(t, "final", find(got, "nis2-de-final-after-handling").Report)
		assert.Contains(t, find(got, "nis2-de-final-after-handling").Article, "23(4)(e)")
	})
	t.Run("Art.23(4)(e) progress report submitted while ongoing, handled later: final one month after handling", func(t *testing.T) {
		got := check(t, nis2DE, with(submitted("nis2-de-final", "nis2", "final", "2026-06-12T08:00:00Z"), anchor(incident.AnchorRecovered, "2026-06-13T10:00:00Z")),
			want{"nis2-de-final-after-handling", "2026-06-13T10:00:00Z", "2026-07-13T10:00:00Z", "2026-07-13T21:59:59Z"})
		assert.Equal(t, "progress", find(got, "nis2-de-final").Report)
	})
	t.Run("Art.23(4)(e) the report submitted after handling was the final: nothing more", func(t *testing.T) {
		got := check(t, nis2DE, with(anchor(incident.AnchorRecovered, "2026-06-10T10:00:00Z"), submitted("nis2-de-final", "nis2", "final", "2026-06-12T08:00:00Z")),
			want{"nis2-de-final", notif, "2026-06-14T09:00:00Z", "2026-06-15T21:59:59Z"})
		assert.NotContains(t, ids(got), "nis2-de-final-after-handling")
	})
	t.Run("Art.23(4)(e) handling not recorded yet: the final report's slot, no final after handling yet", func(t *testing.T) {
		got := check(t, nis2DE, with(), want{"nis2-de-final", notif, "2026-06-14T09:00:00Z", "2026-06-15T21:59:59Z"})
		assert.Contains(t, find(got, "nis2-de-final").Article, "23(4)(e)")
		assert.NotContains(t, ids(got), "nis2-de-final-after-handling")
	})
	t.Run("Art.23(4)(e) closed without a recovered anchor stands for handling", func(t *testing.T) {
		got := check(t, nis2DE, with(anchor(incident.AnchorClosed, "2026-06-20T10:00:00Z")),
			want{"nis2-de-final-after-handling", "2026-06-20T10:00:00Z", "2026-07-20T10:00:00Z", "2026-07-20T21:59:59Z"})
		assert.Equal(t, "closed (handled; recovered not recorded)", find(got, "nis2-de-final-after-handling").StartEvent)
	})
}

// CRA Art. 14(2) [C]: actively exploited vulnerabilities: early warning
// within 24 hours of awareness, vulnerability notification within 72
// hours, final report no later than 14 days after a corrective or
// mitigating measure is available.
func TestCRAVulnerability(t *testing.T) {
	c, err := Compile(Profile{CRA: &CRA{MemberState: "DE"}})
	require.NoError(t, err)
	inc := newInc()
	v := ExploitedVulnerability{ID: "CVE-2026-1234", AwareAt: utc("2026-10-06T08:15:00Z")}
	t.Run("Art.14(2)(a),(b) 24h and 72h from awareness; no final before a measure is available", func(t *testing.T) {
		got, err := c.ComputeWith(inc, time.Time{}, Inputs{Vulnerabilities: []ExploitedVulnerability{v}})
		require.NoError(t, err)
		assert.Equal(t, []string{"cra-vuln-cve-2026-1234-early-warning", "cra-vuln-cve-2026-1234-notification"}, ids(got))
		assert.Equal(t, "2026-10-07T08:15:00Z", rfc(got[0].Due))
		assert.Equal(t, "2026-10-07T09:00:00Z", rfc(got[0].LegalEnd))
		assert.Equal(t, "2026-10-09T08:15:00Z", rfc(got[1].Due))
		assert.Contains(t, got[0].Article, "Art. 14(2)(a)")
	})
	t.Run("Art.14(2)(c) final 14 days after the measure; ends Saturday → Monday (1182/71 Art. 3(4))", func(t *testing.T) {
		v := v
		v.MeasureAvailableAt = utc("2026-10-10T12:00:00Z") // Saturday; +14 days = Saturday 24 October
		got, err := c.ComputeWith(inc, time.Time{}, Inputs{Vulnerabilities: []ExploitedVulnerability{v}})
		require.NoError(t, err)
		f := find(got, "cra-vuln-cve-2026-1234-final")
		require.NotNil(t, f)
		assert.Equal(t, "2026-10-24T12:00:00Z", rfc(f.Due))
		assert.Equal(t, "2026-10-26T22:59:59Z", rfc(f.LegalEnd))
		assert.Equal(t, "corrective or mitigating measure available", f.StartEvent)
	})
	t.Run("Art.71(2) not before 11 September 2026; input errors", func(t *testing.T) {
		old := ExploitedVulnerability{ID: "x", AwareAt: utc("2026-05-01T08:00:00Z")}
		got, err := c.ComputeWith(inc, time.Time{}, Inputs{Vulnerabilities: []ExploitedVulnerability{old}})
		require.NoError(t, err)
		assert.Empty(t, got)
		_, err = c.ComputeWith(inc, time.Time{}, Inputs{Vulnerabilities: []ExploitedVulnerability{{ID: "", AwareAt: v.AwareAt}}})
		require.Error(t, err)
		_, err = c.ComputeWith(inc, time.Time{}, Inputs{Vulnerabilities: []ExploitedVulnerability{{ID: "y"}}})
		require.Error(t, err)
		c2, err := Compile(Profile{GDPR: &GDPR{Role: GDPRController, MemberState: "DE"}})
		require.NoError(t, err)
		_, err = c2.ComputeWith(inc, time.Time{}, Inputs{Vulnerabilities: []ExploitedVulnerability{v}})
		require.Error(t, err, "no CRA regime in the profile")
	})
}

// Source compiles its profile once and reuses it only while the profile
// is unchanged.
func TestSourceCachesSafely(t *testing.T) {
	p := Profile{GDPR: &GDPR{Role: GDPRController, MemberState: "DE"}}
	s := Source{Profile: p}
	inc := newInc(personalData(aware))
	got, err := s.ObligationsFor(t.Context(), inc)
	require.NoError(t, err)
	assert.Equal(t, "supervisory authority (DE)", find(got, "gdpr-33-1").Authority)
	p.GDPR.Authority = "HBDI" // the host changes the profile in place
	got, err = Source{Profile: p}.ObligationsFor(t.Context(), inc)
	require.NoError(t, err)
	assert.Equal(t, "HBDI", find(got, "gdpr-33-1").Authority)
	p.GDPR.MemberState = "XX"
	_, err = Source{Profile: p}.ObligationsFor(t.Context(), inc)
	require.ErrorIs(t, err, ErrInvalidProfile)
}

func find(os []incident.Obligation, id string) *incident.Obligation {
	for i := range os {
		if os[i].ID == id {
			return &os[i]
		}
	}
	return nil
}

// RTS 2025/301 Art. 5(1)(b) [C]: "Financial entities shall submit an
// updated intermediate report without undue delay, and in any case when
// the regular activities have been recovered".
func TestDORAUpdatedIntermediateOnRecovery(t *testing.T) {
	ci := dora(DORACreditInstitution, false, false)
	base := []mod{anchor(incident.AnchorAware, aware), anchor(incident.AnchorClassifiedMajor, "2026-05-12T10:15:00Z"),
		submitted("dora-initial", "dora", "initial", "2026-05-12T13:00:00Z"), submitted("dora-intermediate", "dora", "intermediate", "2026-05-14T13:00:00Z")}
	t.Run("RTS 2025/301 Art.5(1)(b) recovered after the intermediate: updated intermediate at once", func(t *testing.T) {
		got := check(t, ci, newInc(append(base, anchor(incident.AnchorRecovered, "2026-05-20T16:00:00Z"))...),
			want{"dora-intermediate-recovered", "2026-05-20T16:00:00Z", "2026-05-20T16:00:00Z", ""})
		assert.Equal(t, "intermediate", find(got, "dora-intermediate-recovered").Report)
	})
	t.Run("RTS 2025/301 Art.5(1)(c) its submission moves the final report", func(t *testing.T) {
		check(t, ci, newInc(append(base, anchor(incident.AnchorRecovered, "2026-05-20T16:00:00Z"),
			submitted("dora-intermediate-recovered", "dora", "intermediate", "2026-05-21T09:00:00Z"))...),
			want{"dora-final", "2026-05-21T09:00:00Z", "2026-06-21T09:00:00Z", "2026-06-22T10:00:00Z"})
	})
	t.Run("RTS 2025/301 Art.5(1)(b) recovered before the intermediate: the intermediate says so, no update", func(t *testing.T) {
		without(t, ci, newInc(append(base, anchor(incident.AnchorRecovered, "2026-05-13T16:00:00Z"))...), "dora-intermediate-recovered")
	})
}

func TestSourceConcurrent(t *testing.T) {
	inc := newInc(personalData(aware))
	done := make(chan error, 8)
	for i := range 8 {
		go func() {
			p := Profile{GDPR: &GDPR{Role: GDPRController, MemberState: "DE", Authority: []string{"A", "B"}[i%2]}}
			for range 50 {
				got, err := Source{Profile: p}.ObligationsFor(t.Context(), inc)
				if err == nil && find(got, "gdpr-33-1").Authority != p.GDPR.Authority {
					err = assert.AnError
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		require.NoError(t, <-done)
	}
}
