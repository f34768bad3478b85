package triage

import (
	"bytes"
	_ "embed" // the CISA decision table is compiled in
	"sync"
)

// cisaCoordinatorCSV is a verbatim copy of CERT/CC's
// data/csv/cisa/cisa_coordinator_2_0_3.csv (github.com/CERTCC/SSVC @
// e3b00a25), MIT-style licence in ssvcdata/LICENSE.
//
//go:embed ssvcdata/cisa_coordinator_2_0_3.csv
var cisaCoordinatorCSV []byte

// Names of the decision points and outcomes of the CISA tree (CISATree), as
// written in CERT/CC's data/csv/cisa/cisa_coordinator_2_0_3.csv (SSVC
// decision table cisa:DT_CO 2.0.3). Use them as keys of
// DecisionTable.Decide.
const (
	// CISAExploitation is decision point ssvc:E:1.1.0, values "none",
	// "public poc", "active".
	CISAExploitation = "Exploitation"
	// CISAAutomatable is decision point ssvc:A:2.0.0, values "no", "yes".
	CISAAutomatable = "Automatable"
	// CISATechnicalImpact is decision point ssvc:TI:1.0.0, values
	// "partial", "total".
	CISATechnicalImpact = "Technical Impact"
	// CISAMissionWellBeing is decision point ssvc:MWI:1.0.0 (Mission and
	// Well-Being Impact, derived from Mission Prevalence and Public
	// Well-Being Impact), values "low", "medium", "high".
	CISAMissionWellBeing = "Mission and Well-Being Impact"
)

// The outcomes of the CISA tree (decision point cisa:CISA:1.1.0, "CISA
// Levels", github.com/CERTCC/SSVC data/json/decision_points/cisa/
// cisa_levels_1_1_0.json), lowest first.
const (
	// CISATrack: no action at this time; track and remediate within
	// standard update timelines.
	CISATrack = "track"
	// CISATrackStar: characteristics that may require closer monitoring;
	// remediate within standard update timelines.
	CISATrackStar = "track*"
	// CISAAttend: attention from supervisory-level individuals; remediate
	// sooner than standard update timelines.
	CISAAttend = "attend"
	// CISAAct: attention from supervisory and leadership levels; remediate
	// as soon as possible.
	CISAAct = "act"
)

var cisaTree = sync.OnceValue(func() *DecisionTable {
	t, err := ParseSSVCCSV(bytes.NewReader(cisaCoordinatorCSV),
		WithSSVCName("CISA Coordinator v2.0.3"),
		WithSSVCValues(CISAExploitation, "none", "public poc", "active"),
		WithSSVCValues(CISAAutomatable, "no", "yes"),
		WithSSVCValues(CISATechnicalImpact, "partial", "total"),
		WithSSVCValues(CISAMissionWellBeing, "low", "medium", "high"),
		WithSSVCOutcomes(CISATrack, CISATrackStar, CISAAttend, CISAAct),
	)
	if err != nil {
		panic("triage: embedded CISA decision table: " + err.Error()) // tests load it
	}
	return t
})

// CISATree returns CISA's SSVC decision tree as a DecisionTable: decision
// table cisa:DT_CO version 2.0.3 ("CISA Coordinator"), loaded from a copy of
// CERT/CC's data/csv/cisa/cisa_coordinator_2_0_3.csv (github.com/CERTCC/SSVC
// @ e3b00a25) compiled into the package, so hosts need no file.
//
// Its decision points, in column order, with their values lowest first:
// Exploitation (none, public poc, active), Automatable (no, yes), Technical
// Impact (partial, total) and Mission and Well-Being Impact (low, medium,
// high); its outcomes are track, track*, attend and act (CISATrack …
// CISAAct). All 36 rows are checked against the published CSV by the tests.
//
// The table is built once and shared; it is immutable and safe for
// concurrent use.
func CISATree() *DecisionTable { return cisaTree() }
