package clocks

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func rfc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// inc builds an incident; mods set anchors, facts and submitted reports.
type mod func(*incident.Incident)

func anchor(a incident.Anchor, at string) mod {
	return func(i *incident.Incident) { i.Timeline.Set(a, incident.At(utc(at))) }
}

func personalData(at string) mod {
	return func(i *incident.Incident) {
		if err := i.Facts.PersonalData.Set(true, utc(at), "dpo"); err != nil {
			panic(err)
		}
	}
}

func subjects(n int64, at string) mod {
	return func(i *incident.Incident) {
		if err := i.Facts.DataSubjects.Set(n, utc(at), "crm"); err != nil {
			panic(err)
		}
	}
}

func submitted(id, regime, report, at string) mod {
	return func(i *incident.Incident) {
		i.Obligations = append(i.Obligations, incident.Obligation{ID: id, Regime: regime, Report: report, SubmittedAt: utc(at)})
	}
}

func newInc(mods ...mod) *incident.Incident {
	i := &incident.Incident{}
	i.Outcome = incident.OutcomeIncident
	for _, m := range mods {
		m(i)
	}
	return i
}

const aware = "2026-05-12T08:15:00Z" // a Tuesday, 10:15 CEST

type want struct {
	id, start, due, legal string
}

func check(t *testing.T, p Profile, inc *incident.Incident, ws ...want) []incident.Obligation {
	t.Helper()
	got, err := Compute(p, inc, time.Time{})
	require.NoError(t, err)
	for _, w := range ws {
		var o *incident.Obligation
		for i := range got {
			if got[i].ID == w.id {
				o = &got[i]
			}
		}
		if !assert.NotNil(t, o, "obligation %s missing; have %v", w.id, ids(got)) {
			continue
		}
		assert.Equal(t, w.start, rfc(o.StartAt), "%s start", w.id)
		assert.Equal(t, w.due, rfc(o.Due), "%s due", w.id)
		assert.Equal(t, w.legal, rfc(o.LegalEnd), "%s legal end", w.id)
		assert.False(t, !o.LegalEnd.IsZero() && o.LegalEnd.Before(o.Due), "Due never after LegalEnd")
		assert.NotEmpty(t, o.Article)
		assert.NotEmpty(t, o.Authority)
		assert.NotEmpty(t, o.StartEvent)
	}
	return got
}

func ids(os []incident.Obligation) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.ID
	}
	return out
}

func without(t *testing.T, p Profile, inc *incident.Incident, idsNot ...string) {
	t.Helper()
	got, err := Compute(p, inc, time.Time{})
	require.NoError(t, err)
	for _, id := range idsNot {
		assert.NotContains(t, ids(got), id)
	}
}

var (
	gdprDE = Profile{GDPR: &GDPR{Role: GDPRController, MemberState: "DE"}}
	nis2DE = Profile{NIS2: &NIS2{EntityType: NIS2Essential, MemberState: "DE"}}
)

func TestGDPR(t *testing.T) {
	t.Run("Art.33(1) 72h from awareness of personal data found two days after detection", func(t *testing.T) {
		check(t, gdprDE, newInc(anchor(incident.AnchorAware, aware), personalData("2026-05-14T13:40:00Z")),
			// 72 h ends on Sunday 17 May: hours never move (1182/71 Art. 3(4) is for days).
			want{"gdpr-33-1", "2026-05-14T13:40:00Z", "2026-05-17T13:40:00Z", "2026-05-17T14:00:00Z"})
	})
	t.Run("Art.33(1) from awareness when personal data were known first", func(t *testing.T) {
		check(t, gdprDE, newInc(anchor(incident.AnchorAware, aware), personalData("2026-05-12T07:00:00Z")),
			want{"gdpr-33-1", aware, "2026-05-15T08:15:00Z", "2026-05-15T09:00:00Z"})
	})
	t.Run("Art.33(1) no personal data, no report", func(t *testing.T) {
		without(t, gdprDE, newInc(anchor(incident.AnchorAware, aware)), "gdpr-33-1", "gdpr-34-1")
	})
	t.Run("Art.33(1) counted elapsed: no legal margin", func(t *testing.T) {
		p := Profile{GDPR: &GDPR{Role: GDPRController, MemberState: "DE", Counting: CountElapsed}}
		check(t, p, newInc(personalData(aware)), want{"gdpr-33-1", aware, "2026-05-15T08:15:00Z", ""})
	})
	t.Run("Art.34(1) without undue delay: due at once, no legal end", func(t *testing.T) {
		got := check(t, gdprDE, newInc(personalData(aware)), want{"gdpr-34-1", aware, aware, ""})
		assert.Contains(t, got[0].Article+got[1].Article, "without undue delay")
	})
	t.Run("Art.33(2) processor to controller with a 24h target", func(t *testing.T) {
		p := Profile{GDPR: &GDPR{Role: GDPRProcessor, MemberState: "DE", UndueDelayTarget: Duration(24 * time.Hour)}}
		got := check(t, p, newInc(personalData(aware)), want{"gdpr-33-2", aware, "2026-05-13T08:15:00Z", ""})
		assert.Equal(t, []string{"gdpr-33-2"}, ids(got))
	})
	t.Run("DST spring: wall clock is the earlier due", func(t *testing.T) {
		// 27 March 2026 10:30 CET + 72 h crosses the last Sunday of March.
		check(t, gdprDE, newInc(personalData("2026-03-27T09:30:00Z")),
			want{"gdpr-33-1", "2026-03-27T09:30:00Z", "2026-03-30T08:30:00Z", "2026-03-30T10:00:00Z"})
	})
}

func TestNIS2(t *testing.T) {
	t.Run("Art.23(4)(a) early warning 24h", func(t *testing.T) {
		check(t, nis2DE, newInc(anchor(incident.AnchorAware, aware)),
			want{"nis2-de-early-warning", aware, "2026-05-13T08:15:00Z", "2026-05-13T09:00:00Z"})
	})
	t.Run("Art.23(4)(b) notification 72h", func(t *testing.T) {
		check(t, nis2DE, newInc(anchor(incident.AnchorAware, aware)),
			want{"nis2-de-notification", aware, "2026-05-15T08:15:00Z", "2026-05-15T09:00:00Z"})
	})
	t.Run("Art.23(4) second subparagraph trust service provider 24h", func(t *testing.T) {
		p := Profile{NIS2: &NIS2{EntityType: NIS2TrustServiceProvider, MemberState: "FR"}}
		check(t, p, newInc(anchor(incident.AnchorAware, aware)),
			want{"nis2-fr-notification", aware, "2026-05-13T08:15:00Z", "2026-05-13T09:00:00Z"})
	})
	t.Run("Art.23(4)(d) final one month after the notification SUBMITTED, 31 Jan → Monday 2 March", func(t *testing.T) {
		check(t, nis2DE, newInc(anchor(incident.AnchorAware, "2026-01-30T09:00:00Z"), submitted("nis2-de-notification", "nis2", "notification", "2026-01-31T10:00:00Z")),
			want{"nis2-de-final", "2026-01-31T10:00:00Z", "2026-02-28T10:00:00Z", "2026-03-02T22:59:59Z"})
	})
	t.Run("Art.23(4)(d) no final before the notification is submitted", func(t *testing.T) {
		without(t, nis2DE, newInc(anchor(incident.AnchorAware, aware)), "nis2-de-final")
	})
	t.Run("Art.23(4)(d) national counting configurable (elapsed)", func(t *testing.T) {
		p := Profile{NIS2: &NIS2{EntityType: NIS2Important, MemberState: "NL", Counting: CountElapsed}}
		check(t, p, newInc(anchor(incident.AnchorAware, "2028-01-30T09:00:00Z"), submitted("nis2-nl-notification", "nis2", "notification", "2028-01-31T10:00:00Z")),
			want{"nis2-nl-final", "2028-01-31T10:00:00Z", "2028-02-29T10:00:00Z", ""})
	})
	t.Run("aware missing: detected stands for it, named", func(t *testing.T) {
		got := check(t, nis2DE, newInc(anchor(incident.AnchorDetected, aware)),
			want{"nis2-de-early-warning", aware, "2026-05-13T08:15:00Z", "2026-05-13T09:00:00Z"})
		assert.Equal(t, "detected (aware not recorded)", got[0].StartEvent)
	})
	t.Run("year beyond the calendar's coverage is refused", func(t *testing.T) {
		_, err := Compute(nis2DE, newInc(anchor(incident.AnchorAware, "2035-12-19T09:00:00Z"),
			submitted("nis2-de-notification", "nis2", "notification", "2035-12-20T10:00:00Z")), time.Time{})
		require.ErrorIs(t, err, ErrOutOfRange)
	})
	t.Run("near misses owe nothing", func(t *testing.T) {
		i := newInc(anchor(incident.AnchorAware, aware))
		i.Outcome = incident.OutcomeNearMiss
		without(t, nis2DE, i, "nis2-de-early-warning")
	})
}

func dora(entity string, nis2 bool, disapplied bool) Profile {
	return Profile{DORA: &DORA{EntityType: entity, NIS2EssentialOrImportant: nis2, MemberState: "DE", ReliefDisapplied: disapplied}}
}

func TestDORA(t *testing.T) {
	ci := dora(DORACreditInstitution, false, false)
	other := dora(DORAOther, false, false)
	for _, tc := range []struct {
		name       string
		p          Profile
		mods       []mod
		w          want
		notPresent string
	}{
		{"RTS 2025/301 Art.5(1)(a) classification + 4h is earlier", ci,
			[]mod{anchor(incident.AnchorAware, aware), anchor(incident.AnchorClassifiedMajor, "2026-05-12T10:15:00Z")},
			want{"dora-initial", "2026-05-12T10:15:00Z", "2026-05-12T14:15:00Z", "2026-05-12T15:00:00Z"}, ""},
		{"RTS 2025/301 Art.5(1)(a) awareness + 24h is earlier (classified at aware + 22h)", ci,
			[]mod{anchor(incident.AnchorAware, aware), anchor(incident.AnchorClassifiedMajor, "2026-05-13T06:15:00Z")},
			want{"dora-initial", aware, "2026-05-13T08:15:00Z", "2026-05-13T09:00:00Z"}, ""},
		{"RTS 2025/301 Art.5(2) classified more than 24h after awareness: classification + 4h", ci,
			[]mod{anchor(incident.AnchorAware, aware), anchor(incident.AnchorClassifiedMajor, "2026-05-13T14:15:00Z")},
			want{"dora-initial", "2026-05-13T14:15:00Z", "2026-05-13T18:15:00Z", "2026-05-13T19:00:00Z"}, ""},
		{"RTS 2025/301 Art.5(4) other entity: initial on Saturday → noon Monday", other,
			[]mod{anchor(incident.AnchorAware, "2026-05-29T20:00:00Z"), anchor(incident.AnchorClassifiedMajor, "2026-05-30T06:00:00Z")},
			want{"dora-initial", "2026-05-30T06:00:00Z", "2026-05-30T10:00:00Z", "2026-06-01T10:00:00Z"}, ""},
		{"RTS 2025/301 Art.5(5) credit institution: no relief for the initial", ci,
			[]mod{anchor(incident.AnchorAware, "2026-05-29T20:00:00Z"), anchor(incident.AnchorClassifiedMajor, "2026-05-30T06:00:00Z")},
			want{"dora-initial", "2026-05-30T06:00:00Z", "2026-05-30T10:00:00Z", "2026-05-30T11:00:00Z"}, ""},
		{"RTS 2025/301 Art.5(5) NIS2 essential entity: no relief for the initial", dora(DORAOther, true, false),
			[]mod{anchor(incident.AnchorAware, "2026-05-29T20:00:00Z"), anchor(incident.AnchorClassifiedMajor, "2026-05-30T06:00:00Z")},
			want{"dora-initial", "2026-05-30T06:00:00Z", "2026-05-30T10:00:00Z", "2026-05-30T11:00:00Z"}, ""},
		{"RTS 2025/301 Art.5(6) authority disapplied the relief", dora(DORAOther, false, true),
			[]mod{anchor(incident.AnchorAware, "2026-05-29T20:00:00Z"), anchor(incident.AnchorClassifiedMajor, "2026-05-30T06:00:00Z")},
			want{"dora-initial", "2026-05-30T06:00:00Z", "2026-05-30T10:00:00Z", "2026-05-30T11:00:00Z"}, ""},
		{"RTS 2025/301 Art.5(4) holiday: other entity, initial on Good Friday → noon Tuesday", other,
			[]mod{anchor(incident.AnchorAware, "2026-04-03T06:00:00Z"), anchor(incident.AnchorClassifiedMajor, "2026-04-03T07:00:00Z")},
			want{"dora-initial", "2026-04-03T07:00:00Z", "2026-04-03T11:00:00Z", "2026-04-07T10:00:00Z"}, ""},
		{"RTS 2025/301 Art.5(1)(b) intermediate 72h after the initial was submitted", ci,
			[]mod{anchor(incident.AnchorAware, aware), anchor(incident.AnchorClassifiedMajor, "2026-05-12T10:15:00Z"), submitted("dora-initial", "dora", "initial", "2026-05-12T13:00:00Z")},
			want{"dora-intermediate", "2026-05-12T13:00:00Z", "2026-05-15T13:00:00Z", "2026-05-15T14:00:00Z"}, ""},
		{"RTS 2025/301 Art.5(1)(b) no intermediate before the initial is submitted", ci,
			[]mod{anchor(incident.AnchorAware, aware), anchor(incident.AnchorClassifiedMajor, "2026-05-12T10:15:00Z")},
			want{"dora-initial", "2026-05-12T10:15:00Z", "2026-05-12T14:15:00Z", "2026-05-12T15:00:00Z"}, "dora-intermediate"},
		{"RTS 2025/301 Art.5(1)(c) final one month after the intermediate, 28 Feb Saturday → noon Monday (relief kept for finals)", ci,
			[]mod{anchor(incident.AnchorAware, "2026-01-27T08:00:00Z"), anchor(incident.AnchorClassifiedMajor, "2026-01-27T09:00:00Z"),
				submitted("dora-initial", "dora", "initial", "2026-01-27T12:00:00Z"), submitted("dora-intermediate", "dora", "intermediate", "2026-01-31T10:00:00Z")},
			want{"dora-final", "2026-01-31T10:00:00Z", "2026-02-28T10:00:00Z", "2026-03-02T11:00:00Z"}, ""},
		{"RTS 2025/301 Art.5(1)(c) final from the LATEST updated intermediate", ci,
			[]mod{anchor(incident.AnchorAware, "2026-01-27T08:00:00Z"), anchor(incident.AnchorClassifiedMajor, "2026-01-27T09:00:00Z"),
				submitted("dora-initial", "dora", "initial", "2026-01-27T12:00:00Z"), submitted("dora-intermediate", "dora", "intermediate", "2026-01-29T10:00:00Z"),
				submitted("dora-intermediate-update-1", "dora", "intermediate", "2026-02-10T10:00:00Z")},
			want{"dora-final", "2026-02-10T10:00:00Z", "2026-03-10T10:00:00Z", "2026-03-10T22:59:59Z"}, ""},
		{"RTS 2025/301 Art.5(6) final without relief ends with its last day", dora(DORAOther, false, true),
			[]mod{anchor(incident.AnchorAware, "2026-01-27T08:00:00Z"), anchor(incident.AnchorClassifiedMajor, "2026-01-27T09:00:00Z"),
				submitted("dora-initial", "dora", "initial", "2026-01-27T12:00:00Z"), submitted("dora-intermediate", "dora", "intermediate", "2026-01-31T10:00:00Z")},
			want{"dora-final", "2026-01-31T10:00:00Z", "2026-02-28T10:00:00Z", "2026-02-28T22:59:59Z"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			check(t, tc.p, newInc(tc.mods...), tc.w)
			if tc.notPresent != "" {
				without(t, tc.p, newInc(tc.mods...), tc.notPresent)
			}
		})
	}
	t.Run("not classified major: nothing owed", func(t *testing.T) {
		without(t, ci, newInc(anchor(incident.AnchorAware, aware)), "dora-initial")
	})
}

func TestCRA(t *testing.T) {
	p := Profile{CRA: &CRA{MemberState: "DE"}}
	t.Run("Art.14(4)(a)(b) early warning 24h, notification 72h", func(t *testing.T) {
		check(t, p, newInc(anchor(incident.AnchorAware, "2026-10-06T08:15:00Z")),
			want{"cra-early-warning", "2026-10-06T08:15:00Z", "2026-10-07T08:15:00Z", "2026-10-07T09:00:00Z"},
			want{"cra-notification", "2026-10-06T08:15:00Z", "2026-10-09T08:15:00Z", "2026-10-09T09:00:00Z"})
	})
	t.Run("Art.14(4)(c) final one month after the notification", func(t *testing.T) {
		check(t, p, newInc(anchor(incident.AnchorAware, "2026-10-06T08:15:00Z"), submitted("cra-notification", "cra", "notification", "2026-10-08T09:00:00Z")),
			want{"cra-final", "2026-10-08T09:00:00Z", "2026-11-08T10:00:00Z", "2026-11-09T22:59:59Z"})
	})
	t.Run("Art.71(2) not before 11 September 2026", func(t *testing.T) {
		without(t, p, newInc(anchor(incident.AnchorAware, aware)), "cra-early-warning", "cra-notification")
		// Aware on 10 September: the early warning falls due after the date.
		check(t, p, newInc(anchor(incident.AnchorAware, "2026-09-10T20:00:00Z")),
			want{"cra-early-warning", "2026-09-10T20:00:00Z", "2026-09-11T20:00:00Z", "2026-09-11T21:00:00Z"})
	})
}

func TestSEC(t *testing.T) {
	p := Profile{SEC: &SEC{}}
	for _, tc := range []struct {
		name, at, due, legal string
	}{
		{"Form 8-K Item 1.05 four business days, Monday → Friday 17:30 ET", "2026-05-11T14:00:00Z", "2026-05-15T14:00:00Z", "2026-05-15T21:30:00Z"},
		{"Form 8-K Item 1.05 Juneteenth skipped", "2026-06-15T14:00:00Z", "2026-06-22T14:00:00Z", "2026-06-22T21:30:00Z"},
		{"Form 8-K Item 1.05 observed Independence Day (Friday 3 July 2026) skipped", "2026-07-01T14:00:00Z", "2026-07-08T14:00:00Z", "2026-07-08T21:30:00Z"},
		{"Form 8-K General Instruction B.1 Saturday determination: Monday is day one", "2026-03-07T19:00:00Z", "2026-03-12T21:30:00Z", "2026-03-12T21:30:00Z"},
		{"Reg. S-T 232.13(a)(2) after 17:30: due capped at the cut-off", "2026-05-11T23:00:00Z", "2026-05-15T21:30:00Z", "2026-05-15T21:30:00Z"},
		{"Form 8-K Item 1.05 US DST November", "2026-10-30T13:00:00Z", "2026-11-05T14:00:00Z", "2026-11-05T22:30:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			legal := tc.legal
			if legal == tc.due {
				legal = ""
			}
			check(t, p, newInc(anchor(incident.AnchorMaterialityDetermined, tc.at)), want{"sec-8k-1.05", tc.at, tc.due, legal})
		})
	}
	t.Run("Form 8-K Item 1.05(c) Attorney General delay as an input", func(t *testing.T) {
		c, err := Compile(p)
		require.NoError(t, err)
		inc := newInc(anchor(incident.AnchorMaterialityDetermined, "2026-05-11T14:00:00Z"))
		until := utc("2026-06-15T21:30:00Z")
		got, err := c.ComputeWith(inc, time.Time{}, Inputs{Delays: []Delay{{ObligationID: "sec-8k-1.05", Until: until, Basis: "Attorney General, 30 days"}}})
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.True(t, got[0].Due.Equal(until))
		assert.Contains(t, got[0].Article, "delayed: Attorney General")
		_, err = c.ComputeWith(inc, time.Time{}, Inputs{Delays: []Delay{{ObligationID: "sec-8k-1.05", Until: utc("2026-05-12T00:00:00Z")}}})
		require.Error(t, err, "a delay ending before the deadline is a mistake")
		_, err = c.ComputeWith(inc, time.Time{}, Inputs{Delays: []Delay{{ObligationID: "nope", Until: until}}})
		require.Error(t, err)
	})
	t.Run("no materiality determination, nothing owed", func(t *testing.T) {
		without(t, p, newInc(anchor(incident.AnchorAware, aware)), "sec-8k-1.05")
	})
}

func TestHIPAA(t *testing.T) {
	ce := Profile{HIPAA: &HIPAA{Role: HIPAACoveredEntity}}
	disc := "2026-05-12T15:00:00Z" // 11:00 EDT
	t.Run("45 CFR 164.404(b) individuals within 60 calendar days, no weekend relief", func(t *testing.T) {
		// 11 July 2026 is a Saturday: the period does not move.
		check(t, ce, newInc(anchor(incident.AnchorDiscovered, disc)),
			want{"hipaa-individuals", disc, "2026-07-11T15:00:00Z", "2026-07-12T03:59:59Z"})
	})
	t.Run("45 CFR 164.408(b) HHS at 500 or more individuals", func(t *testing.T) {
		got := check(t, ce, newInc(anchor(incident.AnchorDiscovered, disc), subjects(500, disc)),
			want{"hipaa-hhs", disc, "2026-07-11T15:00:00Z", "2026-07-12T03:59:59Z"})
		assert.NotContains(t, ids(got), "hipaa-hhs-annual")
	})
	t.Run("45 CFR 164.408(c) fewer than 500: annual log 60 days after the year ends (1 March)", func(t *testing.T) {
		got := check(t, ce, newInc(anchor(incident.AnchorDiscovered, disc), subjects(499, disc)),
			want{"hipaa-hhs-annual", "2027-01-01T05:00:00Z", "2027-03-02T04:59:59Z", ""})
		assert.NotContains(t, ids(got), "hipaa-hhs")
		assert.NotContains(t, ids(got), "hipaa-media", "499 people cannot be more than 500 residents")
	})
	t.Run("45 CFR 164.408(c) leap year: 29 February", func(t *testing.T) {
		check(t, ce, newInc(anchor(incident.AnchorDiscovered, "2027-06-01T15:00:00Z"), subjects(10, "2027-06-01T15:00:00Z")),
			want{"hipaa-hhs-annual", "2028-01-01T05:00:00Z", "2028-03-01T04:59:59Z", ""})
	})
	t.Run("45 CFR 164.406 media above 500 residents of one State (501 yes, 500 no)", func(t *testing.T) {
		inc := newInc(anchor(incident.AnchorDiscovered, disc), subjects(1001, disc))
		require.NoError(t, inc.Facts.ResidentsByState.Set(map[string]int64{"NY": 501, "NJ": 500}, utc(disc), "crm"))
		got := check(t, ce, inc, want{"hipaa-media-ny", disc, "2026-07-11T15:00:00Z", "2026-07-12T03:59:59Z"})
		assert.NotContains(t, ids(got), "hipaa-media-nj")
		assert.NotContains(t, ids(got), "hipaa-media")
	})
	t.Run("45 CFR 164.410 business associate to covered entity", func(t *testing.T) {
		p := Profile{HIPAA: &HIPAA{Role: HIPAABusinessAssociate}}
		got := check(t, p, newInc(anchor(incident.AnchorDiscovered, disc)), want{"hipaa-ba-notice", disc, "2026-07-11T15:00:00Z", "2026-07-12T03:59:59Z"})
		assert.Equal(t, []string{"hipaa-ba-notice"}, ids(got))
	})
	t.Run("45 CFR 164.404(a)(2) discovery falls back to the personal-data fact", func(t *testing.T) {
		check(t, ce, newInc(personalData(disc)), want{"hipaa-individuals", disc, "2026-07-11T15:00:00Z", "2026-07-12T03:59:59Z"})
	})
	t.Run("thresholds are two constants", func(t *testing.T) {
		assert.Equal(t, 500, HHSImmediateThreshold)
		assert.Equal(t, 500, MediaThreshold)
	})
}

func TestCIRCIA(t *testing.T) {
	inc := newInc(anchor(incident.AnchorAware, aware))
	require.NoError(t, inc.Facts.RansomPaid.Set(true, utc("2026-05-13T10:00:00Z"), "cfo"))
	t.Run("6 U.S.C. 681b PROPOSED: off unless enabled", func(t *testing.T) {
		without(t, Profile{CIRCIA: &CIRCIA{}}, inc, "circia-incident", "circia-ransom")
	})
	t.Run("6 CFR 226.5(a),(b) PROPOSED: 72h incident, 24h ransom when enabled", func(t *testing.T) {
		check(t, Profile{CIRCIA: &CIRCIA{Enabled: true}}, inc,
			want{"circia-incident", aware, "2026-05-15T08:15:00Z", ""},
			want{"circia-ransom", "2026-05-13T10:00:00Z", "2026-05-14T10:00:00Z", ""})
	})
	t.Run("effective date in the future: nothing", func(t *testing.T) {
		without(t, Profile{CIRCIA: &CIRCIA{Enabled: true, EffectiveFrom: "2027-01-01"}}, inc, "circia-incident", "circia-ransom")
	})
}

func TestCustomRule(t *testing.T) {
	p := Profile{Custom: []CustomRule{{ID: "bafin-it-notice", Regime: "host", Report: "notification", Authority: "BaFin",
		Article: "host policy", Start: "fact:personal_data", Period: Period{N: 2, Unit: "days"}, Calendar: "DE"}}}
	// Friday 22 May + 2 days = Sunday → Monday 25 May is Whit Monday → Tuesday 26 May (Art. 3(4)),
	// and Reg. 1182/71 Art. 3(5): two days or more include two working days → Wednesday 27 May.
	check(t, p, newInc(personalData("2026-05-22T08:00:00Z")),
		want{"bafin-it-notice", "2026-05-22T08:00:00Z", "2026-05-24T08:00:00Z", "2026-05-27T21:59:59Z"})
}

func TestAsOfNow(t *testing.T) {
	inc := newInc(anchor(incident.AnchorAware, aware), personalData("2026-05-14T13:40:00Z"))
	got, err := Compute(gdprDE, inc, utc("2026-05-13T00:00:00Z"))
	require.NoError(t, err)
	assert.Empty(t, got, "the fact was not known yet at now")
}

func TestSubmittedCarriedOver(t *testing.T) {
	inc := newInc(personalData(aware), submitted("gdpr-33-1", "gdpr", "notification", "2026-05-13T08:00:00Z"))
	got, err := Compute(gdprDE, inc, time.Time{})
	require.NoError(t, err)
	for _, o := range got {
		if o.ID == "gdpr-33-1" {
			assert.Equal(t, "2026-05-13T08:00:00Z", rfc(o.SubmittedAt))
		}
	}
}

func TestActions(t *testing.T) {
	due := utc("2026-05-15T08:15:00Z")
	obs := []incident.Obligation{
		{ID: "dora-intermediate", Regime: "dora", Report: "intermediate", Due: due, LegalEnd: due.Add(45 * time.Minute)},
		{ID: "gdpr-33-1", Regime: "gdpr", Report: "notification", Due: due},
		{ID: "nis2-de-notification", Regime: "nis2", Due: due, SubmittedAt: due},
		{ID: "nis2-de-early-warning", Regime: "nis2", Due: due.Add(-48 * time.Hour), SubmittedAt: due},
		{ID: "waived", Regime: "gdpr", Due: due, Waived: "no risk"},
	}
	t.Run("RTS 2025/301 Art.5(3) due soon: inform the authority before the limit", func(t *testing.T) {
		as := Actions(obs, due.Add(-time.Hour), 24*time.Hour)
		require.Len(t, as, 3)
		assert.Equal(t, ActionDueSoon, as[0].Kind)
		assert.Contains(t, as[0].Advice, "Art. 5(3)")
		assert.Equal(t, ActionSubmittedLate, as[2].Kind)
		assert.Equal(t, "nis2-de-early-warning", as[2].ObligationID)
	})
	t.Run("exactly at the deadline is on time, a second later overdue", func(t *testing.T) {
		as := Actions(obs[:3], due, 24*time.Hour)
		for _, a := range as {
			assert.Equal(t, ActionDueSoon, a.Kind, a.ObligationID)
		}
		as = Actions(obs[:3], due.Add(time.Second), 24*time.Hour)
		require.Len(t, as, 2)
		assert.Equal(t, ActionOverdue, as[1].Kind)
		assert.True(t, strings.Contains(as[1].Advice, "reasons for the delay"))
	})
}
