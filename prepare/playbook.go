package prepare

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
)

// Step is one step of a playbook, done in a response state by the holder
// of a role.
type Step struct {
	// ID identifies the step within the playbook ("isolate").
	ID string `json:"id"`
	// Title says what to do.
	Title string `json:"title"`
	// Phase and State are where in the response the step belongs; State
	// may be empty for a whole phase.
	Phase incident.Phase `json:"phase"`
	State incident.State `json:"state,omitempty"`
	// Owner is the role that owns the step.
	Owner incident.Role `json:"owner,omitempty"`
	// Checklist lists what to check off.
	Checklist []string `json:"checklist,omitempty"`
	// Evidence lists the evidence to collect (27002:2022 5.28).
	Evidence []string `json:"evidence,omitempty"`
	// Mandatory steps become tasks that block closing until done or
	// waived.
	Mandatory bool `json:"mandatory,omitempty"`
	// Within, when set, makes the task due that long after the incident
	// was created.
	Within lifecycle.Duration `json:"within,omitempty"`
}

// Playbook is a versioned, ordered list of steps for incidents of a
// category (zero: the default playbook) and optionally of some
// severities.
type Playbook struct {
	// Name identifies the playbook across its versions.
	Name string `json:"name"`
	// Version counts from 1; a change makes a new version.
	Version int `json:"version"`
	// Category selects the incidents: zero for all, a class, or a class
	// and type.
	Category incident.Category `json:"category,omitzero"`
	// Severities narrow the selection; empty for all.
	Severities []incident.Severity `json:"severities,omitempty"`
	// Steps are done in order.
	Steps []Step `json:"steps"`
}

// TaskID is the ID of the task made from step: "pb:<name>@v<version>:<step>".
func (p *Playbook) TaskID(step string) string {
	return fmt.Sprintf("pb:%s@v%d:%s", p.Name, p.Version, step)
}

// Validate checks the playbook: a name, a positive version, at least one
// step, unique step IDs with titles, known phases, states within their
// phase, known roles.
func (p *Playbook) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: playbook %q v%d: %s", ErrInvalid, p.Name, p.Version, fmt.Sprintf(format, a...)))
	}
	if p.Name == "" {
		bad("needs a name")
	}
	if p.Version < 1 {
		bad("version must be 1 or more")
	}
	if len(p.Steps) == 0 {
		bad("has no steps")
	}
	seen := map[string]bool{}
	for i, s := range p.Steps {
		switch {
		case s.ID == "" || s.Title == "":
			bad("steps[%d] needs an id and a title", i)
		case seen[s.ID]:
			bad("step %q listed twice", s.ID)
		}
		seen[s.ID] = true
		if !s.Phase.Valid() || s.Phase == "" {
			bad("steps[%d]: phase %q is not a phase", i, s.Phase)
		} else if s.State != "" && !s.State.In(s.Phase) {
			bad("steps[%d]: state %q is not in phase %q", i, s.State, s.Phase)
		}
		if s.Owner != "" && !s.Owner.Valid() {
			bad("steps[%d]: owner %q is not a role", i, s.Owner)
		}
		if s.Within < 0 {
			bad("steps[%d]: within is negative", i)
		}
	}
	return errors.Join(errs...)
}

// Library is the playbooks in force, every version of each kept; only
// the highest version of a name is used. It implements
// lifecycle.TaskSource.
type Library struct {
	Playbooks []Playbook `json:"playbooks"`
}

// Current returns the highest version of each playbook, by name.
func (l *Library) Current() []Playbook {
	byName := map[string]int{}
	var out []Playbook
	for _, p := range l.Playbooks {
		if i, ok := byName[p.Name]; ok {
			if p.Version > out[i].Version {
				out[i] = p
			}
			continue
		}
		byName[p.Name] = len(out)
		out = append(out, p)
	}
	return out
}

// currentIndex maps each playbook name to the index in l.Playbooks of
// its current version: the first of its highest versions, the one
// Current returns.
func (l *Library) currentIndex() map[string]int {
	idx := make(map[string]int, len(l.Playbooks))
	for i := range l.Playbooks {
		p := &l.Playbooks[i]
		if j, ok := idx[p.Name]; !ok || p.Version > l.Playbooks[j].Version {
			idx[p.Name] = i
		}
	}
	return idx
}

// Match returns the current playbook most specific for an incident of
// category cat and severity sev (see Specificity); among equally specific
// ones, the first by name. False when none matches.
func (l *Library) Match(cat incident.Category, sev incident.Severity) (Playbook, bool) {
	idx := l.currentIndex()
	best, found := -1, Specificity(-1)
	for i := range l.Playbooks {
		p := &l.Playbooks[i]
		if idx[p.Name] != i {
			continue
		}
		// Current playbooks have distinct names, so the first by name
		// among equally specific ones is the least name.
		if s, ok := match(p.Category, p.Severities, cat, sev); ok && (s > found || s == found && p.Name < l.Playbooks[best].Name) {
			best, found = i, s
		}
	}
	if best < 0 {
		return Playbook{}, false
	}
	return l.Playbooks[best], true
}

// Covers reports whether some current playbook other than a default one
// (zero category) covers category cat (for any severity).
func (l *Library) Covers(cat incident.Category) bool {
	return l.covers(l.currentIndex(), cat)
}

// covers is Covers with the current versions given by idx
// (currentIndex).
func (l *Library) covers(idx map[string]int, cat incident.Category) bool {
	for i := range l.Playbooks {
		p := &l.Playbooks[i]
		if p.Category.IsZero() || idx[p.Name] != i {
			continue
		}
		if _, ok := match(p.Category, nil, cat, ""); ok {
			return true
		}
	}
	return false
}

// Tasks turns the playbook's steps into open tasks, in step order, each
// with ID TaskID(step), the step's title, phase and mandatory flag, and a
// due time Within after created when set.
func (p *Playbook) Tasks(created time.Time) []incident.Task {
	tasks := make([]incident.Task, 0, len(p.Steps))
	for _, s := range p.Steps {
		t := incident.Task{ID: p.TaskID(s.ID), Title: s.Title, Status: incident.TaskOpen, Phase: s.Phase, Mandatory: s.Mandatory}
		if s.Within > 0 && !created.IsZero() {
			t.Due = created.Add(time.Duration(s.Within))
		}
		tasks = append(tasks, t)
	}
	return tasks
}

// TasksFor implements lifecycle.TaskSource: the tasks of the playbook
// matching the incident's primary category and severity, or none when
// no playbook matches.
func (l *Library) TasksFor(_ context.Context, inc *incident.Incident) ([]incident.Task, error) {
	p, ok := l.Match(inc.Category, inc.Severity)
	if !ok {
		return nil, nil
	}
	return p.Tasks(inc.CreatedAt), nil
}

var _ lifecycle.TaskSource = (*Library)(nil)
