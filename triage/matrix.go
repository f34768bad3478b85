package triage

import (
	"maps"

	"github.com/iso27035/iso27035/incident"
)

// Matrix is an impact × urgency priority matrix: Cells[impact][urgency] is
// the priority of an event graded so. Its rows (impact levels) and columns
// (urgency levels) are the levels it lists, any of low to critical; every
// row has the same columns. A 3 × 3 matrix uses low, medium and high; a
// 4 × 4 adds critical.
//
// An event graded on a level the matrix has no row or column for is
// fitted: to the highest row or column at or below its level, or to the
// lowest one if there is none below (an event with no impact yet is placed
// in the lowest row). Cell says which row and column were used.
type Matrix struct {
	// Source cites where the matrix comes from.
	Source string `json:"source,omitempty"`
	// Cells maps impact level, then urgency level, to a priority.
	Cells map[Level]map[Level]incident.Priority `json:"cells"`
}

// ITILSource is the Source of ITILMatrix.
const ITILSource = "ITIL-style default: the 3x3 simple priority coding system commonly reproduced from ITIL v3 Service Operation (priority 1 critical .. 5 planning); AXELOS text not read, so unconfirmed"

// ITILMatrix returns the common service-management 3 × 3 matrix, the
// default of DefaultProfile:
//
//	impact \ urgency   high  medium  low
//	high               P1    P2      P3
//	medium             P2    P3      P4
//	low                P3    P4      P5
//
// ITIL defines priority as "based on impact and urgency, and ... used to
// identify required times for actions to be taken" (ITIL V3 Glossary,
// agreed by several secondary sources). The table is the "simple priority
// coding system" commonly reproduced from ITIL v3 Service Operation; the
// AXELOS text itself was not read, so the cells are unconfirmed [U]:
// hosts replace the matrix when their policy differs. It is built anew on
// each call.
func ITILMatrix() Matrix {
	return Matrix{
		Source: ITILSource,
		Cells: map[Level]map[Level]incident.Priority{
			LevelHigh:   {LevelHigh: incident.P1, LevelMedium: incident.P2, LevelLow: incident.P3},
			LevelMedium: {LevelHigh: incident.P2, LevelMedium: incident.P3, LevelLow: incident.P4},
			LevelLow:    {LevelHigh: incident.P3, LevelMedium: incident.P4, LevelLow: incident.P5},
		},
	}
}

// Cell is one cell of a matrix: the row and column used and the priority
// they give.
type Cell struct {
	Impact   Level             `json:"impact"`
	Urgency  Level             `json:"urgency"`
	Priority incident.Priority `json:"priority"`
}

// Lookup returns the cell for an event graded impact and urgency, fitting
// each to the matrix's rows and columns (see Matrix). ok is false when the
// matrix has no cell there (an empty or invalid matrix). It does not
// allocate.
func (m Matrix) Lookup(impact, urgency Level) (c Cell, ok bool) {
	rowLevel, ok := fitLevel(impact, func(l Level) bool { _, ok := m.Cells[l]; return ok })
	if !ok {
		return Cell{}, false
	}
	row := m.Cells[rowLevel]
	colLevel, ok := fitLevel(urgency, func(l Level) bool { _, ok := row[l]; return ok })
	if !ok {
		return Cell{}, false
	}
	return Cell{Impact: rowLevel, Urgency: colLevel, Priority: row[colLevel]}, true
}

// fitLevel returns the highest level at or below l that has, or else the
// lowest level above l that has.
func fitLevel(l Level, has func(Level) bool) (Level, bool) {
	if l > LevelCritical {
		l = LevelCritical
	}
	for v := l; ; v-- {
		if has(v) {
			return v, true
		}
		if v == LevelNone {
			break
		}
	}
	for v := l + 1; v <= LevelCritical; v++ {
		if has(v) {
			return v, true
		}
	}
	return 0, false
}

// ImpactLevels returns the matrix's rows, lowest first.
func (m Matrix) ImpactLevels() []Level {
	var out []Level
	for _, l := range Levels() {
		if _, ok := m.Cells[l]; ok {
			out = append(out, l)
		}
	}
	return out
}

// UrgencyLevels returns the columns of the matrix's lowest row, lowest
// first; in a valid matrix every row has the same.
func (m Matrix) UrgencyLevels() []Level {
	rows := m.ImpactLevels()
	if len(rows) == 0 {
		return nil
	}
	var out []Level
	for _, l := range Levels() {
		if _, ok := m.Cells[rows[0]][l]; ok {
			out = append(out, l)
		}
	}
	return out
}

// Clone returns a copy of the matrix that shares no map with m.
func (m Matrix) Clone() Matrix {
	if m.Cells == nil {
		return m
	}
	out := Matrix{Source: m.Source, Cells: make(map[Level]map[Level]incident.Priority, len(m.Cells))}
	for k, row := range m.Cells {
		out.Cells[k] = maps.Clone(row)
	}
	return out
}
