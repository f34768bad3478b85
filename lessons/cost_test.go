package lessons_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lessons"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/prepare"
)

func eur(minor int64) incident.Money { return incident.Money{Currency: "EUR", Minor: minor} }

func TestCostImpactValidate(t *testing.T) {
	usd := incident.Money{Currency: "USD", Minor: 10_000}
	for _, tc := range []struct {
		name  string
		cost  lessons.CostImpact
		field string
		want  error
		total incident.Money
	}{
		{name: "empty"},
		{name: "one currency", cost: lessons.CostImpact{Currency: "EUR", Lines: []lessons.CostLine{
			{Kind: lessons.CostResponse, Text: "IRT effort", Hours: 12, Amount: eur(114_000)},
			{Kind: lessons.CostExternal, Text: "forensics", Amount: eur(500_000)}}}, total: eur(614_000)},
		{name: "currency from the first line", cost: lessons.CostImpact{Lines: []lessons.CostLine{
			{Kind: lessons.CostLoss, Amount: usd}, {Kind: lessons.CostOther, Amount: usd}}}, total: incident.Money{Currency: "USD", Minor: 20_000}},
		{name: "converted", cost: lessons.CostImpact{Currency: "EUR", Lines: []lessons.CostLine{
			{Kind: lessons.CostExternal, Amount: usd, Converted: &incident.Money{Currency: "EUR", Minor: 9_200}},
			{Kind: lessons.CostLoss, Amount: eur(800)}}}, total: eur(10_000)},
		{name: "mixed without conversion", cost: lessons.CostImpact{Currency: "EUR", Lines: []lessons.CostLine{
			{Kind: lessons.CostLoss, Amount: eur(1)}, {Kind: lessons.CostExternal, Amount: usd}}},
			field: "cost_impact.lines[1]", want: lessons.ErrMixedCurrency},
		{name: "converted into the wrong currency", cost: lessons.CostImpact{Currency: "EUR", Lines: []lessons.CostLine{
			{Kind: lessons.CostExternal, Amount: usd, Converted: &incident.Money{Currency: "GBP", Minor: 1}}}},
			field: "cost_impact.lines[0]", want: lessons.ErrMixedCurrency},
		{name: "negative amount", cost: lessons.CostImpact{Currency: "EUR", Lines: []lessons.CostLine{
			{Kind: lessons.CostLoss, Amount: eur(-1)}}}, field: "cost_impact.lines[0].amount.minor", want: lessons.ErrInvalid},
		{name: "negative conversion", cost: lessons.CostImpact{Currency: "EUR", Lines: []lessons.CostLine{
			{Kind: lessons.CostLoss, Amount: usd, Converted: &incident.Money{Currency: "EUR", Minor: -5}}}},
			field: "cost_impact.lines[0].converted.minor", want: lessons.ErrInvalid},
		{name: "negative hours", cost: lessons.CostImpact{Currency: "EUR", Lines: []lessons.CostLine{
			{Kind: lessons.CostResponse, Hours: -2, Amount: eur(1)}}}, field: "cost_impact.lines[0].hours", want: lessons.ErrInvalid},
		{name: "unknown kind", cost: lessons.CostImpact{Currency: "EUR", Lines: []lessons.CostLine{
			{Kind: "bribe", Amount: eur(1)}}}, field: "cost_impact.lines[0].kind", want: lessons.ErrInvalid},
		{name: "bad currency code", cost: lessons.CostImpact{Currency: "euro"}, field: "cost_impact.currency", want: lessons.ErrInvalid},
		{name: "negative recorded cost", cost: lessons.CostImpact{Impact: incident.Impact{Cost: &incident.Money{Currency: "EUR", Minor: -3}}},
			field: "cost_impact.impact.cost.minor", want: lessons.ErrInvalid},
		{name: "negative economic impact", cost: lessons.CostImpact{EconomicImpact: &incident.Money{Currency: "EUR", Minor: -3}},
			field: "cost_impact.economic_impact.minor", want: lessons.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := lessons.Review{ID: "PIR-C", Subject: lessons.SubjectIncident, RecordID: uuid.New(), CostImpact: tc.cost}
			err := r.Validate()
			total, terr := tc.cost.Total()
			if tc.want == nil {
				require.NoError(t, err)
				require.NoError(t, terr)
				assert.Equal(t, tc.total, total)
				return
			}
			require.ErrorIs(t, err, tc.want)
			require.ErrorIs(t, terr, tc.want)
			var ce *lessons.CostError
			require.True(t, errors.As(err, &ce), "%v", err)
			assert.Equal(t, tc.field, ce.Field)
		})
	}
}

func TestFormatMoney(t *testing.T) {
	assert.Equal(t, "EUR 1234.50", lessons.FormatMoney(eur(123_450)))
	assert.Equal(t, "EUR 0.05", lessons.FormatMoney(eur(5)))
	assert.Equal(t, "JPY 1500", lessons.FormatMoney(incident.Money{Currency: "JPY", Minor: 1500}))
	assert.Equal(t, "KWD 1.250", lessons.FormatMoney(incident.Money{Currency: "KWD", Minor: 1250}))
	assert.Equal(t, "EUR -0.10", lessons.FormatMoney(eur(-10)))
}

// impacted drives an incident with a recorded impact through the engine:
// declared directly in triage, assessed, contained, recovered and
// concluded, with its economic impact set as a regulatory fact.
func impacted(ctx context.Context, t *testing.T, e *lifecycle.Engine) lifecycle.Key {
	t.Helper()
	ev, err := e.Factory().NewEvent(ctx, "acme", "Ransomware on the file server", edr.ID)
	require.NoError(t, err)
	inc, err := e.Factory().Escalate(ctx, ev)
	require.NoError(t, err)
	inc.Impact = incident.Impact{
		Confidentiality: incident.ImpactHigh, Integrity: incident.ImpactMedium, Availability: incident.ImpactHigh,
		Functional: incident.ImpactMedium, Information: []incident.InformationImpact{incident.InformationPrivacyBreach},
		Recoverability: incident.RecoverabilitySupplemented,
		Assets:         []incident.Asset{{ID: "srv-files", Name: "File server", Kind: "server", Criticality: incident.CriticalityHigh}},
		Services:       []incident.Service{{Name: "File sharing", Criticality: incident.CriticalityMedium}},
		Cost:           &incident.Money{Currency: "EUR", Minor: 2_500_000},
	}
	require.NoError(t, e.Create(ctx, bob, inc))
	key := lifecycle.KeyOf(inc)
	_, err = e.Assess(ctx, bob, key, incident.Assessment{Step: incident.AssessmentFirst,
		Outcome: incident.OutcomeIncident, Severity: incident.SeverityHigh})
	require.NoError(t, err)
	_, err = e.Apply(ctx, bob, key, lifecycle.SetFact{Name: "economic_impact", Value: eur(15_000_000), Source: "finance"})
	require.NoError(t, err)
	for _, a := range []lifecycle.Action{lifecycle.ActionContain, lifecycle.ActionRecover, lifecycle.ActionConclude} {
		_, err := e.Transition(ctx, bob, key, a)
		require.NoError(t, err, a)
	}
	return key
}

// Draft copies the incident's impact and economic impact; the host adds
// cost lines; Markdown and HTML show the section.
func TestDraftCopiesCostAndImpact(t *testing.T) {
	ctx := context.Background()
	e, st := engine()
	key := impacted(ctx, t, e)
	rec, err := e.Get(ctx, bob, key)
	require.NoError(t, err)
	r, err := lessons.Draft(ctx, st, "acme", "PIR-R", rec)
	require.NoError(t, err)

	inc, ok := rec.(*incident.Incident)
	require.True(t, ok)
	assert.Equal(t, inc.Impact, r.CostImpact.Impact)
	require.NotNil(t, r.CostImpact.EconomicImpact)
	assert.Equal(t, eur(15_000_000), *r.CostImpact.EconomicImpact)
	assert.Equal(t, "EUR", r.CostImpact.Currency)
	assert.Equal(t, []string{"srv-files"}, r.Assets)
	// The copy is the review's own.
	r.CostImpact.Impact.Assets[0].Name = "changed"
	r.CostImpact.Impact.Cost.Minor = 1
	assert.Equal(t, "File server", inc.Impact.Assets[0].Name)
	assert.Equal(t, int64(2_500_000), inc.Impact.Cost.Minor)
	r.CostImpact.Impact.Assets[0].Name, r.CostImpact.Impact.Cost.Minor = "File server", 2_500_000

	r.CostImpact.Lines = []lessons.CostLine{
		{Kind: lessons.CostResponse, Text: "IRT effort at 95 EUR/h", Hours: 40, Amount: eur(380_000)},
		{Kind: lessons.CostExternal, Text: "Forensics firm", Amount: incident.Money{Currency: "USD", Minor: 1_000_000},
			Converted: &incident.Money{Currency: "EUR", Minor: 920_000}},
	}
	require.NoError(t, r.Validate())
	total, err := r.CostImpact.Total()
	require.NoError(t, err)
	assert.Equal(t, eur(1_300_000), total)

	md := lessons.Markdown(&r, nil, nil)
	for _, want := range []string{
		"\n## Cost and impact\n\n",
		"- Confidentiality: high\n", "- Functional impact: medium\n", "- Information impact: privacy_breach\n",
		"- Recoverability: supplemented\n", "- Assets affected: srv-files (File server, server, high)\n",
		"- Services affected: File sharing (medium)\n",
		"- Cost recorded on the incident: EUR 25000.00\n", "- Economic impact (regulatory facts): EUR 150000.00\n",
		"| response | IRT effort at 95 EUR/h | 40 | EUR 3800.00 |  |\n",
		"| external | Forensics firm |  | USD 10000.00 | EUR 9200.00 |\n",
		"\nTotal: EUR 13000.00\n",
	} {
		assert.Contains(t, md, want)
	}
	b, err := lessons.HTML(&r, nil)
	require.NoError(t, err)
	h := string(b)
	for _, want := range []string{"<h2>Cost and impact</h2>", "<li>Recoverability: supplemented</li>",
		"<td>Forensics firm</td><td></td><td>USD 10000.00</td><td>EUR 9200.00</td>", "<p>Total: EUR 13000.00</p>"} {
		assert.Contains(t, h, want)
	}

	// A line in another currency without a conversion is refused, and
	// the rendered total says why.
	r.CostImpact.Lines[1].Converted = nil
	require.ErrorIs(t, r.Validate(), lessons.ErrMixedCurrency)
	assert.Contains(t, lessons.Markdown(&r, nil, nil), "Total: not computable: lessons: cost_impact.lines[1]")
	_, err = lessons.Complete(ctx, e, bob, key, &r)
	require.ErrorIs(t, err, lessons.ErrMixedCurrency)
}

// A review without cost or impact renders no such section.
func TestNoCostSection(t *testing.T) {
	r := lessons.Review{ID: "PIR-N", Subject: lessons.SubjectIncident, RecordID: uuid.New()}
	assert.NotContains(t, lessons.Markdown(&r, nil, nil), "Cost and impact")
	b, err := lessons.HTML(&r, nil)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "Cost and impact")
}

// The roles the plan names must sign the review off before Complete
// records it.
func TestCompleteNeedsThePlansSignOff(t *testing.T) {
	ctx := context.Background()
	e, st := engine()
	key, err := handled(ctx, e)
	require.NoError(t, err)
	rec, err := e.Get(ctx, bob, key)
	require.NoError(t, err)
	r, err := lessons.Draft(ctx, st, "acme", "PIR-P", rec)
	require.NoError(t, err)

	plan := &prepare.Plan{Version: 1, SeverityScale: "default",
		ReviewSignOff: []incident.Role{incident.RoleIncidentManager, incident.RoleLegal}}
	r.Required = []incident.Role{incident.RoleIncidentManager}
	require.NoError(t, r.RequireSignOff(plan))
	assert.Equal(t, []incident.Role{incident.RoleIncidentManager, incident.RoleLegal}, r.Required)

	at := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	require.NoError(t, r.SignAs(bob, incident.RoleIncidentManager, at))
	_, err = lessons.Complete(ctx, e, bob, key, &r)
	require.ErrorIs(t, err, lessons.ErrNotSignedOff)
	assert.Contains(t, err.Error(), "legal")
	assert.Contains(t, lessons.Markdown(&r, nil, nil), "- legal: pending\n")

	// Bob does not hold legal; the legal counsel does.
	require.ErrorIs(t, r.SignAs(bob, incident.RoleLegal, at), lessons.ErrNotHolder)
	require.ErrorIs(t, r.SignAs(bob, "ciso", at), lessons.ErrInvalid)
	dana := lifecycle.Actor{ID: "dana", Roles: []incident.Role{incident.RoleLegal}}
	require.NoError(t, r.SignAs(dana, incident.RoleLegal, at))
	assert.Empty(t, r.Missing())
	_, err = lessons.Complete(ctx, e, bob, key, &r)
	require.NoError(t, err)
	assert.Equal(t, bob.ID, r.CompletedBy)
}

func TestRequireSignOffRefusals(t *testing.T) {
	var r lessons.Review
	require.ErrorIs(t, r.RequireSignOff(nil), lessons.ErrInvalid)
	err := r.RequireSignOff(&prepare.Plan{ReviewSignOff: []incident.Role{"ciso"}})
	require.ErrorIs(t, err, lessons.ErrInvalid)
	require.ErrorIs(t, err, prepare.ErrInvalid)
	assert.True(t, strings.Contains(err.Error(), "review_sign_off[0]"), err.Error())
	assert.Empty(t, r.Required)

	r = lessons.Review{ID: "PIR-X", Subject: lessons.SubjectIncident, RecordID: uuid.New(), Required: []incident.Role{"ciso"}}
	require.ErrorIs(t, r.Validate(), lessons.ErrInvalid)
}

func TestMarkdownCostTableEscapesHostText(t *testing.T) {
	r := lessons.Review{ID: "PIR-X", Subject: lessons.SubjectIncident, Title: "t", CostImpact: lessons.CostImpact{Currency: "EUR", Lines: []lessons.CostLine{
		{Kind: "loss|x\n| loss | forged row | | EUR 0.00 | |", Text: "a", Amount: incident.Money{Currency: "EUR", Minor: 100}},
		{Kind: lessons.CostLoss, Text: "b", Amount: incident.Money{Currency: "<img src=x onerror=alert(1)>|", Minor: 1}},
	}}}
	md := lessons.Markdown(&r, nil, nil)
	for _, line := range strings.Split(md, "\n") {
		assert.False(t, strings.HasPrefix(line, "| loss | forged row"), "no forged table row: %q", line)
		assert.False(t, strings.HasPrefix(line, "Total: EUR 0.00"), "no forged total")
	}
	assert.NotContains(t, md, "<img", "no inline HTML")
}

func TestFormatMoneyMinorUnits(t *testing.T) {
	for _, c := range []struct {
		m    incident.Money
		want string
	}{
		{incident.Money{Currency: "CLF", Minor: 12345}, "CLF 1.2345"},
		{incident.Money{Currency: "XAU", Minor: 3}, "XAU 3"},
		{incident.Money{Currency: "UYI", Minor: 50}, "UYI 50"},
		{incident.Money{Currency: "EUR", Minor: 12345}, "EUR 123.45"},
	} {
		assert.Equal(t, c.want, lessons.FormatMoney(c.m))
	}
}
