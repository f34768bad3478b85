package lifecycle

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

var updateDiagram = flag.Bool("update-diagram", false, "rewrite the lifecycle diagram in README.md from Mermaid()")

// kindEdges returns the transitions that apply to kind k.
func kindEdges(k incident.Kind) []Transition {
	var out []Transition
	for _, t := range Transitions() {
		if slices.Contains(t.Kinds, k) {
			out = append(out, t)
		}
	}
	return out
}

// entryStages are the stages a record of kind k can be created in: its
// start stages (Create), and for an incident also the stages a declared
// incident starts in (Assess: assess_decide/analysis while it waits for
// confirmation, respond/analysis otherwise).
func entryStages(k incident.Kind) []Stage {
	s := slices.Clone(startStages[k])
	if k == incident.KindIncident {
		s = append(s, stAssessing, stAnalysis)
	}
	return s
}

// reachable returns the stages reachable from starts along edges.
func reachable(starts []Stage, edges []Transition) map[Stage]bool {
	seen := map[Stage]bool{}
	queue := slices.Clone(starts)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if seen[s] {
			continue
		}
		seen[s] = true
		for _, t := range edges {
			if t.From == s && !seen[t.To] {
				queue = append(queue, t.To)
			}
		}
	}
	return seen
}

func TestProcessStages(t *testing.T) {
	stages := Stages()
	names := map[string]bool{}
	closedSeen := false
	for _, s := range stages {
		require.True(t, s.Phase.Valid(), "%s: unknown phase", s)
		require.True(t, s.State.Valid(), "%s: unknown state", s)
		require.True(t, s.State.In(s.Phase), "%s: package incident does not allow state %s in phase %s", s, s.State, s.Phase)
		require.NotEqual(t, incident.PhasePlanPrepare, s.Phase, "%s: records never sit in plan and prepare", s)
		require.False(t, names[s.String()], "%s listed twice", s)
		names[s.String()] = true
		// Open stages first.
		if s.Closed() {
			closedSeen = true
		} else {
			require.False(t, closedSeen, "%s: an open stage after a closed one in Stages()", s)
		}
	}
	for _, k := range allKinds {
		for _, s := range startStages[k] {
			require.Contains(t, stages, s, "start stage of %s", k)
			require.False(t, s.Closed(), "%s starts closed", k)
		}
	}
}

func TestTransitionsWellFormed(t *testing.T) {
	stages := Stages()
	type key struct {
		a    Action
		from Stage
		k    incident.Kind
	}
	to := map[key]Stage{}
	for _, tr := range Transitions() {
		require.Contains(t, stages, tr.From, "%s: From not in Stages()", tr.Action)
		require.Contains(t, stages, tr.To, "%s: To not in Stages()", tr.Action)
		require.True(t, tr.Action.Valid(), "%s is not in Actions()", tr.Action)
		require.NotEmpty(t, tr.Kinds, "%s %s → %s applies to no kind", tr.Action, tr.From, tr.To)
		for _, k := range tr.Kinds {
			require.True(t, k.Valid(), "%s %s: unknown kind %q", tr.Action, tr.From, k)
			// looplab/fsm keys an edge by (event, source): a second edge
			// with the same key would silently replace the first.
			kk := key{tr.Action, tr.From, k}
			if prev, ok := to[kk]; ok {
				t.Fatalf("%s from %s for %s leads both to %s and to %s", tr.Action, tr.From, k, prev, tr.To)
			}
			to[kk] = tr.To
		}
		if tr.From.Closed() {
			require.Equal(t, ActionReopen, tr.Action, "%s leaves closed stage %s: only reopen may", tr.Action, tr.From)
		}
		if tr.Action == ActionReopen {
			require.True(t, tr.From.Closed(), "reopen from open stage %s", tr.From)
			require.False(t, tr.To.Closed(), "reopen into closed stage %s", tr.To)
		}
	}
}

func TestTransitionsActions(t *testing.T) {
	all := Actions()
	seen := map[Action]bool{}
	for _, a := range all {
		require.False(t, seen[a], "%s listed twice in Actions()", a)
		seen[a] = true
		require.True(t, a.Valid())
	}
	require.False(t, Action("no_such_action").Valid())
	// Actions() lists the transition actions first, in process order.
	var used []Action
	for _, tr := range Transitions() {
		if !slices.Contains(used, tr.Action) {
			used = append(used, tr.Action)
		}
	}
	require.ElementsMatch(t, used, all[:len(used)], "Actions() does not start with the transition actions")
}

func TestTransitionsReachability(t *testing.T) {
	all := map[Stage]bool{}
	for _, k := range allKinds {
		edges := kindEdges(k)
		reach := reachable(entryStages(k), edges)
		for s := range reach {
			all[s] = true
			if s.Closed() {
				// Every closed stage a record can reach, it can leave by
				// reopening.
				require.True(t, slices.ContainsFunc(edges, func(tr Transition) bool {
					return tr.From == s && tr.Action == ActionReopen
				}), "%s: a %s closed in %s cannot be reopened", k, k, s)
				continue
			}
			// Every open stage a record can reach leads to a closed one.
			closes := false
			for c := range reachable([]Stage{s}, edges) {
				closes = closes || c.Closed()
			}
			require.True(t, closes, "%s: a %s in %s can never be closed", k, k, s)
		}
	}
	for _, s := range Stages() {
		require.True(t, all[s], "%s is not reachable from any start stage", s)
	}
	// The same over the whole table, whatever the kind.
	for _, s := range Stages() {
		if s.Closed() {
			continue
		}
		closes := false
		for c := range reachable([]Stage{s}, Transitions()) {
			closes = closes || c.Closed()
		}
		require.True(t, closes, "%s can never be closed", s)
	}
}

func TestMermaidCoversTransitions(t *testing.T) {
	d := Mermaid()
	require.Equal(t, d, Mermaid(), "Mermaid is not deterministic")
	require.True(t, strings.HasPrefix(d, "stateDiagram-v2\n"))
	id := func(s Stage) string { return string(s.Phase) + "__" + string(s.State) }
	lines := strings.Split(d, "\n")
	for _, s := range Stages() {
		require.Contains(t, lines, "    "+id(s)+" : "+s.Phase.Label()+" / "+string(s.State))
	}
	for _, tr := range Transitions() {
		prefix := "    " + id(tr.From) + " --> " + id(tr.To) + " : "
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, prefix) })
		require.GreaterOrEqual(t, i, 0, "no edge %s → %s in the diagram", tr.From, tr.To)
		require.Contains(t, strings.Split(strings.TrimPrefix(lines[i], prefix), ", "), string(tr.Action),
			"edge %s → %s does not name %s", tr.From, tr.To, tr.Action)
	}
}

const (
	diagramBegin = "<!-- lifecycle-diagram:begin -->"
	diagramEnd   = "<!-- lifecycle-diagram:end -->"
)

// TestREADMEDiagram keeps the diagram in README.md equal to Mermaid().
func TestREADMEDiagram(t *testing.T) {
	path := filepath.Join("..", "README.md")
	readme, err := os.ReadFile(path)
	require.NoError(t, err)
	begin := bytes.Index(readme, []byte(diagramBegin))
	end := bytes.Index(readme, []byte(diagramEnd))
	require.True(t, begin >= 0 && end > begin,
		"README.md needs the markers %s and %s (in that order) around the lifecycle diagram", diagramBegin, diagramEnd)
	block := "\n```mermaid\n" + Mermaid() + "```\n"
	got := string(readme[begin+len(diagramBegin) : end])
	if *updateDiagram {
		var out []byte
		out = append(out, readme[:begin+len(diagramBegin)]...)
		out = append(out, block...)
		out = append(out, readme[end:]...)
		require.NoError(t, os.WriteFile(path, out, 0o644))
		return
	}
	if got != block {
		t.Fatalf("the lifecycle diagram in README.md is stale (it must be Mermaid() in a mermaid fence between %s and %s);\n"+
			"update it with: go test ./lifecycle -run TestREADMEDiagram -update-diagram", diagramBegin, diagramEnd)
	}
}
