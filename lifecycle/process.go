package lifecycle

import (
	"slices"
	"strings"

	"github.com/iso27035/iso27035/incident"
)

// Stage is where a record stands: a phase of ISO/IEC 27035-1 and an
// operational state of 27035-3 inside it. The same state can sit in two
// phases (analysis continues from assess and decide into respond; the
// conclusion hands respond over to learn lessons), so the engine tracks
// both, and a record's Phase and State fields always hold a Stage of the
// process (Stages).
type Stage struct {
	Phase incident.Phase
	State incident.State
}

// String is "phase/state", the name used in diagrams and audit records.
func (s Stage) String() string { return string(s.Phase) + "/" + string(s.State) }

// Closed reports whether the stage is a closed one.
func (s Stage) Closed() bool { return s.State == incident.StateClosed }

// StageOf returns the stage a record is in.
func StageOf(r incident.Record) Stage {
	h := r.Handle()
	return Stage{h.Phase, h.State}
}

// Action is something a host asks the engine to do to a record. The
// actions that move a record between stages are the process's
// transitions (Transitions); the others change a record in place (see
// Change) and are named here so that rules can grant them to roles.
type Action string

// Transition actions, in process order.
const (
	// ActionReport: a detected event is reported to the point of contact
	// (detection → reporting; 27035-3 clauses 7 and 8).
	ActionReport Action = "report"
	// ActionAcknowledge: the point of contact takes the report on
	// (→ assess and decide, triage; 27035-3 clause 9). It sets the
	// acknowledged anchor, which stops the acknowledge clock.
	ActionAcknowledge Action = "acknowledge"
	// ActionAssess: the point of contact's first assessment (triage →
	// analysis). Engine.Assess performs it.
	ActionAssess Action = "assess"
	// ActionDeclare: an event assessed as an incident is handed to the
	// incident it became; the event closes and the incident is created
	// (Engine.Assess performs it).
	ActionDeclare Action = "declare"
	// ActionConfirm: the response team confirms the assessment, and
	// the incident moves on to respond (Engine.Assess with a
	// confirmation performs it).
	ActionConfirm Action = "confirm"
	// ActionContain: containment starts (27035-3 clause 11).
	ActionContain Action = "contain"
	// ActionEradicate: containment is achieved (the contained anchor is
	// set) and eradication starts.
	ActionEradicate Action = "eradicate"
	// ActionRecover: recovery starts; leaving containment or eradication
	// sets their anchors.
	ActionRecover Action = "recover"
	// ActionConclude: the response concludes (27035-3's conclusion;
	// clause 12 reporting happens here).
	ActionConclude Action = "conclude"
	// ActionLearn: the record enters learn lessons (27035-1 5.6).
	ActionLearn Action = "learn"
	// ActionClose: handling ends (Engine.Close performs it).
	ActionClose Action = "close"
	// ActionMerge: the record is a duplicate and is merged into its
	// primary (Engine.Merge performs it).
	ActionMerge Action = "merge"
	// ActionReopen: a closed record is handled again (Engine.Reopen).
	ActionReopen Action = "reopen"
)

// Actions that change a record without moving it. Each is audited like a
// transition; rules grant them to roles in the same way.
const (
	ActionCreate        Action = "create"
	ActionSetStatus     Action = "set_status"
	ActionClassify      Action = "classify"
	ActionSetFact       Action = "set_fact"
	ActionSetAnchor     Action = "set_anchor"
	ActionAddEvidence   Action = "add_evidence"
	ActionTransfer      Action = "transfer_custody"
	ActionAddTask       Action = "add_task"
	ActionSetTask       Action = "set_task"
	ActionHandOver      Action = "hand_over"
	ActionRelease       Action = "release_role"
	ActionSetRestricted Action = "set_restricted"
	ActionAddNote       Action = "add_note"
	ActionAddReview     Action = "add_review"
	ActionWaiveReport   Action = "waive_report"
	ActionSubmitReport  Action = "submit_report"
	ActionRefresh       Action = "refresh_obligations"
	ActionTimer         Action = "timer"
)

// Actions lists every action, transitions first, for rules and docs.
func Actions() []Action {
	return []Action{ActionReport, ActionAcknowledge, ActionAssess, ActionDeclare, ActionConfirm, ActionContain,
		ActionEradicate, ActionRecover, ActionConclude, ActionLearn, ActionClose, ActionMerge, ActionReopen,
		ActionCreate, ActionSetStatus, ActionClassify, ActionSetFact, ActionSetAnchor, ActionAddEvidence,
		ActionTransfer, ActionAddTask, ActionSetTask, ActionHandOver, ActionRelease, ActionSetRestricted,
		ActionAddNote, ActionAddReview, ActionWaiveReport, ActionSubmitReport, ActionRefresh, ActionTimer}
}

// Valid reports whether a is a defined action.
func (a Action) Valid() bool { return slices.Contains(Actions(), a) }

// Transition is one edge of the process: action moves a record of one of
// Kinds from From to To.
type Transition struct {
	Action Action
	From   Stage
	To     Stage
	// Kinds are the record kinds the edge applies to.
	Kinds []incident.Kind
}

// The stages of the process.
var (
	stDetection     = Stage{incident.PhaseDetectReport, incident.StateDetection}
	stReporting     = Stage{incident.PhaseDetectReport, incident.StateReporting}
	stTriage        = Stage{incident.PhaseAssessDecide, incident.StateTriage}
	stAssessing     = Stage{incident.PhaseAssessDecide, incident.StateAnalysis}
	stAnalysis      = Stage{incident.PhaseRespond, incident.StateAnalysis}
	stContainment   = Stage{incident.PhaseRespond, incident.StateContainment}
	stEradication   = Stage{incident.PhaseRespond, incident.StateEradication}
	stRecovery      = Stage{incident.PhaseRespond, incident.StateRecovery}
	stConcluded     = Stage{incident.PhaseRespond, incident.StateConclusion}
	stLessons       = Stage{incident.PhaseLearnLessons, incident.StateConclusion}
	stClosedDetect  = Stage{incident.PhaseDetectReport, incident.StateClosed}
	stClosedAssess  = Stage{incident.PhaseAssessDecide, incident.StateClosed}
	stClosedRespond = Stage{incident.PhaseRespond, incident.StateClosed}
	stClosedLessons = Stage{incident.PhaseLearnLessons, incident.StateClosed}
)

// Stages lists every stage of the process in process order, open stages
// first.
func Stages() []Stage {
	return []Stage{stDetection, stReporting, stTriage, stAssessing, stAnalysis, stContainment, stEradication,
		stRecovery, stConcluded, stLessons, stClosedDetect, stClosedAssess, stClosedRespond, stClosedLessons}
}

// closedIn returns the closed stage of a phase.
func closedIn(p incident.Phase) Stage { return Stage{p, incident.StateClosed} }

var (
	allKinds  = []incident.Kind{incident.KindEvent, incident.KindIncident, incident.KindVulnerability}
	eventOnly = []incident.Kind{incident.KindEvent}
	notEvents = []incident.Kind{incident.KindIncident, incident.KindVulnerability}
	// reported: the kinds that can stand in reporting (an incident starts
	// in triage; it never sits in detect and report).
	reported = []incident.Kind{incident.KindEvent, incident.KindVulnerability}
)

// Transitions returns the process: every edge, in process order. The
// engine's state machine, the Mermaid diagram and the documentation are
// all built from it.
func Transitions() []Transition {
	ts := []Transition{
		{ActionReport, stDetection, stReporting, eventOnly},
		{ActionAcknowledge, stDetection, stTriage, eventOnly},
		{ActionAcknowledge, stReporting, stTriage, reported},
		{ActionAssess, stTriage, stAssessing, allKinds},
		{ActionDeclare, stTriage, stClosedAssess, eventOnly},
		{ActionDeclare, stAssessing, stClosedAssess, eventOnly},
		{ActionConfirm, stAssessing, stAnalysis, notEvents},
		{ActionContain, stAnalysis, stContainment, notEvents},
		{ActionEradicate, stContainment, stEradication, notEvents},
		{ActionRecover, stContainment, stRecovery, notEvents},
		{ActionRecover, stEradication, stRecovery, notEvents},
		{ActionConclude, stAnalysis, stConcluded, notEvents},
		{ActionConclude, stContainment, stConcluded, notEvents},
		{ActionConclude, stEradication, stConcluded, notEvents},
		{ActionConclude, stRecovery, stConcluded, notEvents},
		{ActionLearn, stConcluded, stLessons, notEvents},
		{ActionClose, stDetection, stClosedDetect, eventOnly},
		{ActionClose, stReporting, stClosedDetect, reported},
		{ActionClose, stTriage, stClosedAssess, allKinds},
		{ActionClose, stAssessing, stClosedAssess, allKinds},
		{ActionClose, stConcluded, stClosedRespond, notEvents},
		{ActionClose, stLessons, stClosedLessons, notEvents},
	}
	for _, s := range Stages() {
		if !s.Closed() {
			ts = append(ts, Transition{ActionMerge, s, closedIn(s.Phase), mergeKinds(s)})
		}
	}
	ts = append(ts,
		Transition{ActionReopen, stClosedDetect, stTriage, reported},
		Transition{ActionReopen, stClosedAssess, stTriage, allKinds},
		Transition{ActionReopen, stClosedRespond, stAnalysis, notEvents},
		Transition{ActionReopen, stClosedLessons, stAnalysis, notEvents},
	)
	return ts
}

// mergeKinds: events and incidents can be duplicates; a vulnerability is
// not merged (it is linked to the incidents that exploited it).
func mergeKinds(s Stage) []incident.Kind {
	if s.Phase == incident.PhaseDetectReport {
		return []incident.Kind{incident.KindEvent}
	}
	if s.Phase == incident.PhaseAssessDecide {
		return []incident.Kind{incident.KindEvent, incident.KindIncident}
	}
	return []incident.Kind{incident.KindIncident}
}

// Mermaid returns the process as a Mermaid state diagram, built from
// Transitions. The loop from learn lessons back to plan and prepare is
// drawn as a note: what goes back is what was learned (package lessons
// files it with package prepare), not the record, which stays closed.
func Mermaid() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	b.WriteString("    direction TB\n")
	id := func(s Stage) string { return string(s.Phase) + "__" + string(s.State) }
	for _, s := range Stages() {
		b.WriteString("    " + id(s) + " : " + s.Phase.Label() + " / " + string(s.State) + "\n")
	}
	b.WriteString("    [*] --> " + id(stDetection) + " : create (event)\n")
	b.WriteString("    [*] --> " + id(stReporting) + " : create (event, vulnerability)\n")
	b.WriteString("    [*] --> " + id(stTriage) + " : create (incident)\n")
	b.WriteString("    [*] --> " + id(stAssessing) + " : declared (incident awaiting confirmation)\n")
	b.WriteString("    [*] --> " + id(stAnalysis) + " : declared (incident, decision made)\n")
	// One line per (from, to) pair, naming every action on it.
	type edge struct{ from, to Stage }
	var order []edge
	labels := map[edge][]string{}
	for _, t := range Transitions() {
		e := edge{t.From, t.To}
		if _, ok := labels[e]; !ok {
			order = append(order, e)
		}
		if !slices.Contains(labels[e], string(t.Action)) {
			labels[e] = append(labels[e], string(t.Action))
		}
	}
	for _, e := range order {
		b.WriteString("    " + id(e.from) + " --> " + id(e.to) + " : " + strings.Join(labels[e], ", ") + "\n")
	}
	b.WriteString("    " + id(stClosedLessons) + " --> plan_prepare : lessons feed back (lifecycle.lessons_learned)\n")
	b.WriteString("    plan_prepare : Plan and prepare (27035-2; package prepare)\n")
	b.WriteString("    note right of plan_prepare : the organisation's preparation; records never sit here\n")
	return b.String()
}
