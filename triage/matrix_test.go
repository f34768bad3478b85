package triage

import (
	"slices"
	"testing"

	"github.com/iso27035/iso27035/incident"
)

// TestITILMatrixEveryCell checks each of the nine cells of the default
// matrix against the table in ITILMatrix's documentation.
func TestITILMatrixEveryCell(t *testing.T) {
	want := map[[2]Level]incident.Priority{
		{LevelHigh, LevelHigh}: incident.P1, {LevelHigh, LevelMedium}: incident.P2, {LevelHigh, LevelLow}: incident.P3,
		{LevelMedium, LevelHigh}: incident.P2, {LevelMedium, LevelMedium}: incident.P3, {LevelMedium, LevelLow}: incident.P4,
		{LevelLow, LevelHigh}: incident.P3, {LevelLow, LevelMedium}: incident.P4, {LevelLow, LevelLow}: incident.P5,
	}
	m := ITILMatrix()
	n := 0
	for _, row := range m.Cells {
		n += len(row)
	}
	if n != len(want) {
		t.Fatalf("%d cells, want %d", n, len(want))
	}
	for k, p := range want {
		c, ok := m.Lookup(k[0], k[1])
		if !ok || c != (Cell{Impact: k[0], Urgency: k[1], Priority: p}) {
			t.Errorf("impact %s × urgency %s: %+v %v, want %s", k[0], k[1], c, ok, p)
		}
	}
}

// TestDecideEveryCell drives every cell of the default matrix through
// Decide: confidentiality sets the impact, exposure the urgency.
func TestDecideEveryCell(t *testing.T) {
	p := DefaultProfile()
	impacts := map[Level]incident.ImpactLevel{LevelLow: incident.ImpactLow, LevelMedium: incident.ImpactMedium, LevelHigh: incident.ImpactHigh}
	urgencies := map[Level]Exposure{LevelLow: ExposureSmall, LevelMedium: ExposureControlled, LevelHigh: ExposureOpen}
	tiers := map[incident.Priority]string{incident.P1: "major", incident.P2: "urgent", incident.P3: "standard", incident.P4: "routine", incident.P5: "routine"}
	for il, c := range impacts {
		for ul, e := range urgencies {
			in := Input{Impact: &incident.Impact{Confidentiality: c}, Observation: Observation{Exposure: e}}
			d := DecideExplained(p, in)
			want := ITILMatrix().Cells[il][ul]
			if d.Outcome != incident.OutcomeIncident || d.Priority != want || d.Tier != tiers[want] ||
				d.Severity != incident.Severity(il.String()) || d.Impact != il || d.Urgency != ul {
				t.Errorf("impact %s × urgency %s: %+v, want %s", il, ul, d, want)
			}
			if d.Explanation.Cell != (Cell{Impact: il, Urgency: ul, Priority: want}) {
				t.Errorf("cell %+v", d.Explanation.Cell)
			}
		}
	}
}

// fourByFour is a matrix with a critical row and column and priority
// rising by one per step.
func fourByFour() Matrix {
	ps := []incident.Priority{incident.P5, incident.P4, incident.P3, incident.P2, incident.P1}
	m := Matrix{Cells: map[Level]map[Level]incident.Priority{}}
	for i := LevelLow; i <= LevelCritical; i++ {
		m.Cells[i] = map[Level]incident.Priority{}
		for u := LevelLow; u <= LevelCritical; u++ {
			m.Cells[i][u] = ps[min(int(i+u)-2, 4)]
		}
	}
	return m
}

func TestMatrixFitsLevels(t *testing.T) {
	tests := []struct {
		name            string
		m               Matrix
		impact, urgency Level
		want            Cell
		ok              bool
	}{
		{"critical fits to high in 3x3", ITILMatrix(), LevelCritical, LevelCritical, Cell{LevelHigh, LevelHigh, incident.P1}, true},
		{"none fits to low", ITILMatrix(), LevelNone, LevelNone, Cell{LevelLow, LevelLow, incident.P5}, true},
		{"undefined level fits to top", ITILMatrix(), Level(200), LevelLow, Cell{LevelHigh, LevelLow, incident.P3}, true},
		{"4x4 critical row", fourByFour(), LevelCritical, LevelLow, Cell{LevelCritical, LevelLow, incident.P2}, true},
		{"4x4 critical cell", fourByFour(), LevelCritical, LevelCritical, Cell{LevelCritical, LevelCritical, incident.P1}, true},
		{"gap fits down", Matrix{Cells: map[Level]map[Level]incident.Priority{
			LevelLow: {LevelLow: incident.P4, LevelHigh: incident.P3}, LevelHigh: {LevelLow: incident.P2, LevelHigh: incident.P1},
		}}, LevelMedium, LevelMedium, Cell{LevelLow, LevelLow, incident.P4}, true},
		{"gap below fits up", Matrix{Cells: map[Level]map[Level]incident.Priority{
			LevelHigh: {LevelHigh: incident.P1},
		}}, LevelLow, LevelNone, Cell{LevelHigh, LevelHigh, incident.P1}, true},
		{"empty matrix", Matrix{}, LevelLow, LevelLow, Cell{}, false},
		{"empty row", Matrix{Cells: map[Level]map[Level]incident.Priority{LevelLow: {}}}, LevelLow, LevelLow, Cell{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.m.Lookup(tt.impact, tt.urgency)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Lookup = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestFourByFourIsValid(t *testing.T) {
	p := DefaultProfile()
	p.Matrix = fourByFour()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := p.Matrix.ImpactLevels(); !slices.Equal(got, []Level{LevelLow, LevelMedium, LevelHigh, LevelCritical}) {
		t.Errorf("ImpactLevels = %v", got)
	}
	in := Input{Observation: Observation{Safety: SafetyCatastrophic, Ongoing: true, LateralMovement: true}}
	p.Urgency.Ongoing = LevelCritical
	if d := Decide(p, in); d.Priority != incident.P1 || d.Severity != incident.SeverityCritical {
		t.Errorf("critical × critical: %+v", d)
	}
}

func TestMatrixAxesAndClone(t *testing.T) {
	m := ITILMatrix()
	want := []Level{LevelLow, LevelMedium, LevelHigh}
	if got := m.ImpactLevels(); !slices.Equal(got, want) {
		t.Errorf("ImpactLevels = %v", got)
	}
	if got := m.UrgencyLevels(); !slices.Equal(got, want) {
		t.Errorf("UrgencyLevels = %v", got)
	}
	if (Matrix{}).UrgencyLevels() != nil || (Matrix{}).Clone().Cells != nil {
		t.Error("empty matrix")
	}
	c := m.Clone()
	c.Cells[LevelLow][LevelLow] = incident.P1
	if m.Cells[LevelLow][LevelLow] != incident.P5 {
		t.Error("Clone shares cells")
	}
}

func TestMatrixLookupDoesNotAllocate(t *testing.T) {
	m := ITILMatrix()
	if n := testing.AllocsPerRun(100, func() { m.Lookup(LevelCritical, LevelNone) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
