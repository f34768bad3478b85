package storetest

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iso27035/iso27035/store"
)

// Run runs every case of the suite against stores made by newStore, one
// named subtest per contract ("Commit/StaleUpdate_ErrConflict",
// "Tenants/GetIsolation", …). newStore is called once per case and must
// return an empty store; it may register cleanups on the t it is given.
//
// The cases run one after the other, never in parallel, so a host may back
// every store with the same database as long as newStore empties it. A
// failed case logs the contract it checks.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	runTree(t, "", buildTree(allCases()), newStore)
}

func runTree(t *testing.T, prefix string, n *node, newStore func(t *testing.T) store.Store) {
	t.Helper()
	for _, child := range n.children {
		t.Run(child.name, func(t *testing.T) {
			if child.c == nil {
				runTree(t, prefix+child.name+"/", child, newStore)
				return
			}
			c := child.c
			defer func() {
				if t.Failed() {
					t.Logf("contract: %s", c.contract)
				}
			}()
			runCase(t, c, newStore(t))
		})
	}
}

// node is one level of the subtest tree: the cases named
// "List/Filters/Kind" and "List/AfterAndLimit" share the node "List".
type node struct {
	name     string
	c        *testCase
	children []*node
}

func buildTree(cases []testCase) *node {
	root := &node{}
	for i := range cases {
		n := root
		parts := strings.Split(cases[i].name, "/")
		for j, p := range parts {
			var next *node
			if j < len(parts)-1 {
				for _, ch := range n.children {
					if ch.name == p && ch.c == nil {
						next = ch
						break
					}
				}
			}
			if next == nil {
				next = &node{name: p}
				n.children = append(n.children, next)
			}
			n = next
		}
		n.c = &cases[i]
	}
	return root
}

// caseTimeout bounds one case under TestStore, which has no go test
// -timeout to stop a store that deadlocks where no case expects it.
const caseTimeout = 60 * time.Second

// TestStore runs the same cases as Run without a *testing.T, for harnesses
// other than go test, as fstest.TestFS does. newStore is called once per
// case and must return an empty store. It returns nil when every case
// passes, and otherwise a *SuiteError naming each failed case.
func TestStore(newStore func() store.Store) error {
	cases := allCases()
	var failed []*CaseError
	for i := range cases {
		if ce := runCollected(&cases[i], newStore); ce != nil {
			failed = append(failed, ce)
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return &SuiteError{Total: len(cases), Failures: failed}
}

// runCollected runs one case on its own goroutine, so that Fatalf can end
// it with runtime.Goexit as testing.T.FailNow does, and gives up on it
// after caseTimeout.
func runCollected(c *testCase, newStore func() store.Store) *CaseError {
	col := &collector{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				col.Errorf("newStore panicked: %v", p)
			}
		}()
		s := newStore()
		if s == nil {
			col.Fatalf("newStore returned nil")
		}
		runCase(col, c, s)
	}()
	select {
	case <-done:
	case <-time.After(caseTimeout):
		col.Errorf("the case did not finish within %v: the store deadlocks or hangs", caseTimeout)
	}
	msgs := col.messages()
	if len(msgs) == 0 {
		return nil
	}
	return &CaseError{Name: c.name, Contract: c.contract, Messages: msgs}
}

// runCase runs c on s, turning a panic of the store (or of the case) into
// a failure instead of a crash of the whole run.
func runCase(r reporter, c *testCase, s store.Store) {
	r.Helper()
	defer func() {
		if p := recover(); p != nil {
			r.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	e := &env{r: r, s: s, ctx: context.Background(), fx: newFixture()}
	c.run(e)
}

// SuiteError is the error TestStore returns when cases fail.
type SuiteError struct {
	// Total is the number of cases run.
	Total int
	// Failures lists the failed cases in suite order.
	Failures []*CaseError
}

// Failed returns the names of the failed cases, in suite order.
func (e *SuiteError) Failed() []string {
	names := make([]string, len(e.Failures))
	for i, f := range e.Failures {
		names[i] = f.Name
	}
	return names
}

// Error lists every failed case, one per paragraph, each starting with its
// name.
func (e *SuiteError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "storetest: %d of %d cases failed", len(e.Failures), e.Total)
	for _, f := range e.Failures {
		b.WriteString("\n")
		b.WriteString(f.Error())
	}
	return b.String()
}

// Unwrap returns the failures, so errors.As finds each *CaseError.
func (e *SuiteError) Unwrap() []error {
	errs := make([]error, len(e.Failures))
	for i, f := range e.Failures {
		errs[i] = f
	}
	return errs
}

// CaseError is one failed case of the suite.
type CaseError struct {
	// Name is the case's name, as Run names its subtest.
	Name string
	// Contract is the one-line statement of the contract it checks.
	Contract string
	// Messages are the failures reported, in order.
	Messages []string
}

// Error starts with the case name, then the contract, then each message
// on its own indented line.
func (e *CaseError) Error() string {
	var b strings.Builder
	b.WriteString(e.Name)
	b.WriteString(": ")
	b.WriteString(e.Contract)
	for _, m := range e.Messages {
		b.WriteString("\n\t")
		b.WriteString(strings.ReplaceAll(m, "\n", "\n\t"))
	}
	return b.String()
}

// reporter is the part of *testing.T the cases use; the collector of
// TestStore implements it too. Errorf may be called from any goroutine,
// Fatalf only from the case's own.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Failed() bool
	// Skipf ends the case without failing it: the store does not
	// implement an optional interface the case checks.
	Skipf(format string, args ...any)
}

var _ reporter = (*testing.T)(nil)

// collector records failures for TestStore. Fatalf ends the case's
// goroutine with runtime.Goexit, as testing.T.FailNow does, so the
// deferred calls of the case (and of the store) still run.
type collector struct {
	mu   sync.Mutex
	msgs []string
}

// Helper implements reporter; the collector reports no lines.
func (c *collector) Helper() {}

// Errorf records a failure; safe from any goroutine.
func (c *collector) Errorf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, fmt.Sprintf(format, args...))
}

// Fatalf records a failure and ends the calling goroutine, which must
// be the case's own.
func (c *collector) Fatalf(format string, args ...any) {
	c.Errorf(format, args...)
	runtime.Goexit()
}

// Logf discards the log: TestStore reports failures only.
func (c *collector) Logf(string, ...any) {}

// Skipf ends the calling goroutine, which must be the case's own, without
// a failure: TestStore counts a skipped case as passed.
func (c *collector) Skipf(string, ...any) { runtime.Goexit() }

// Failed reports whether a failure was recorded.
func (c *collector) Failed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.msgs) > 0
}

func (c *collector) messages() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.msgs...)
}
