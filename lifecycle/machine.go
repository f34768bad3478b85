package lifecycle

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/looplab/fsm"
)

// machine validates an action and computes the next stage with
// github.com/looplab/fsm. The stored record is the source of truth: an fsm
// is taken from a pool, set to the record's stage, fired, read and put
// back; none is ever kept per record or shown to a host.
//
// looplab/fsm has sharp edges, and machine keeps each of them away:
//
//   - An Event with an already-cancelled context leaves the fsm "in
//     transition" forever (looplab/fsm issue #115). machine checks
//     ctx.Err() first and passes fsmContext, which is never cancelled, to
//     the fsm, so its transition always completes. Its transition has no
//     deadline either, and no callback is registered at all: nothing in an
//     fsm does I/O or reads a context value, so the caller's context need
//     not be wrapped (context.WithoutCancel) on every call.
//   - Can, SetState and Event called from a before_ or leave_ callback
//     deadlock. With no callbacks, nothing can call back.
//   - AvailableTransitions is built from a map and comes unordered:
//     machine sorts it.
//   - A self-transition returns NoTransitionError with a nil inner error,
//     which is not a failure: machine reports it as "no change".
//
// An fsm that fails in a way the table cannot explain is dropped instead
// of going back to the pool.
type machine struct {
	events []fsm.EventDesc
	pool   sync.Pool
	// names maps a stage to its fsm state name and back, so no string is
	// built per call.
	names   map[Stage]string
	stages  map[string]Stage
	initial string
}

// fsmContext is the context of every fsm.Event: never cancelled, without
// deadline or values (see machine).
var fsmContext = context.Background()

// errUnknownStage is returned for a stage the table does not have; the
// engine turns it into a *TransitionError.
var errUnknownStage = errors.New("lifecycle: unknown stage")

func newMachine(ts []Transition, stages []Stage) *machine {
	m := &machine{names: make(map[Stage]string, len(stages)), stages: make(map[string]Stage, len(stages))}
	for _, s := range stages {
		n := s.String()
		m.names[s], m.stages[n] = n, s
	}
	// looplab/fsm keys transitions by (event, src); several edges with the
	// same action and different sources are several EventDescs.
	for _, t := range ts {
		m.events = append(m.events, fsm.EventDesc{Name: string(t.Action), Src: []string{m.names[t.From]}, Dst: m.names[t.To]})
	}
	m.initial = m.names[stages[0]]
	return m
}

// get takes an fsm from the pool, building one when the pool is empty.
// The fsm has no callbacks, ever (see machine).
func (m *machine) get() *fsm.FSM {
	if f, ok := m.pool.Get().(*fsm.FSM); ok {
		return f
	}
	return fsm.NewFSM(m.initial, m.events, fsm.Callbacks{})
}

// next returns the stage action leads to from from. changed is false for
// a self-transition. The error is the context's, errUnknownStage, or
// errActionNotAllowed when the table has no such edge.
func (m *machine) next(ctx context.Context, from Stage, action Action) (to Stage, changed bool, err error) {
	if err := ctx.Err(); err != nil {
		return Stage{}, false, err
	}
	name, ok := m.names[from]
	if !ok {
		return Stage{}, false, errUnknownStage
	}
	f := m.get()
	f.SetState(name)
	err = f.Event(fsmContext, string(action))
	if err == nil {
		to = m.stages[f.Current()]
		m.pool.Put(f)
		return to, true, nil
	}
	// Declared here, not before Event: errors.As moves it to the heap,
	// and a transition that succeeds need not pay for that.
	var noTransition fsm.NoTransitionError
	switch {
	case errors.As(err, &noTransition) && noTransition.Err == nil:
		m.pool.Put(f)
		return from, false, nil
	case isRefusal(err):
		m.pool.Put(f)
		return Stage{}, false, errActionNotAllowed
	default:
		// Anything else (in transition, internal) means this fsm is in a
		// state the table cannot explain: do not reuse it.
		return Stage{}, false, err
	}
}

// errActionNotAllowed is the machine's refusal; the engine turns it into a
// *TransitionError with the allowed actions.
var errActionNotAllowed = errors.New("lifecycle: action not allowed")

func isRefusal(err error) bool {
	var invalid fsm.InvalidEventError
	var unknown fsm.UnknownEventError
	return errors.As(err, &invalid) || errors.As(err, &unknown)
}

// allowed returns the actions the table allows from a stage, sorted and
// without repeats.
func (m *machine) allowed(from Stage) []Action {
	name, ok := m.names[from]
	if !ok {
		return nil
	}
	f := m.get()
	f.SetState(name)
	names := f.AvailableTransitions()
	m.pool.Put(f)
	slices.Sort(names)
	names = slices.Compact(names)
	out := make([]Action, len(names))
	for i, n := range names {
		out[i] = Action(n)
	}
	return out
}
