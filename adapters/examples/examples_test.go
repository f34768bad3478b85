// Package examples runs every example program of the adapters module and
// checks its output, so the programs the README points to keep working.
package examples

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestExamples runs `go run` on each example directory and checks that its
// output contains every line of the directory's expect.txt, in order.
//
// An example that keeps state between runs has expect-run1.txt,
// expect-run2.txt, … instead: it is run that many times in a row, each
// time with -db naming the same file in a new temporary directory, and
// run n is checked against expect-run<n>.txt. Every record reference
// (EVT-2026-000001) the first run prints must be in the second's output:
// the second run found what the first stored.
func TestExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every example; skipped with -short")
	}
	dirs, err := filepath.Glob("*/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no examples found")
	}
	for _, m := range dirs {
		dir := filepath.Dir(m)
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			if want, err := os.ReadFile(filepath.Join(dir, "expect.txt")); err == nil {
				expect(t, goRun(t, dir), string(want))
				return
			}
			runs, err := filepath.Glob(filepath.Join(dir, "expect-run*.txt"))
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) == 0 {
				t.Fatal("every example needs an expect.txt, or expect-run1.txt, expect-run2.txt, … for one run after another")
			}
			db := filepath.Join(t.TempDir(), "example.db")
			var outs []string
			for n := 1; n <= len(runs); n++ {
				want, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("expect-run%d.txt", n)))
				if err != nil {
					t.Fatalf("expect-run1.txt to expect-run%d.txt must all exist: %v", len(runs), err)
				}
				out := goRun(t, dir, "-db", db)
				expect(t, out, string(want))
				outs = append(outs, out)
			}
			if len(outs) > 1 {
				refs := refPattern.FindAllString(outs[0], -1)
				if len(refs) == 0 {
					t.Fatalf("the first run names no record; output:\n%s", outs[0])
				}
				for _, ref := range refs {
					if !strings.Contains(outs[1], ref) {
						t.Errorf("the second run does not show %s, which the first stored; output:\n%s", ref, outs[1])
					}
				}
			}
		})
	}
}

// refPattern matches a record reference.
var refPattern = regexp.MustCompile(`\b(?:EVT|INC|VUL)-\d{4}-\d{6,}\b`)

// TestPersistentWalk runs the persistent example, built once, until the
// incident is closed: every run finds what the runs before it stored,
// verifies every chain and moves the open record one step further; then
// -reset starts over.
func TestPersistentWalk(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs an example; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "persistent")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./persistent").CombinedOutput(); err != nil {
		t.Fatalf("go build ./persistent: %v\n%s", err, out)
	}
	db := filepath.Join(t.TempDir(), "walk.db")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, append([]string{"-db", db}, args...)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("persistent %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
		}
		return stdout.String()
	}

	// The stages the open record passes through, one run each: report,
	// acknowledge, assess (declares the incident), confirm, contain,
	// eradicate, recover, conclude, learn, close.
	stages := []string{
		"EVT-2026-000001 report by tool:edr: now detect_report/reporting",
		"EVT-2026-000001 acknowledge by alice: now assess_decide/triage",
		"INC-2026-000001 created: now assess_decide/analysis",
		"INC-2026-000001 confirmed by carol: now respond/analysis",
		"now respond/containment",
		"now respond/eradication",
		"now respond/recovery",
		"now respond/conclusion",
		"now learn_lessons/conclusion",
		"INC-2026-000001 closed by bob: now learn_lessons/closed",
	}
	out := run()
	expect(t, out, "run 1: no records stored yet\nrun 1: created EVT-")
	year := regexp.MustCompile(`EVT-(\d{4})-`).FindStringSubmatch(out)[1]
	for i, s := range stages {
		n := i + 2
		out = run()
		want := fmt.Sprintf("run %d: found\n%s", n, strings.ReplaceAll(s, "2026", year))
		expect(t, out, want)
		if strings.Contains(out, "NOT verified") {
			t.Fatalf("run %d: a chain does not verify:\n%s", n, out)
		}
	}
	expect(t, out, "is closed: its handling is over")
	out = run()
	expect(t, out, fmt.Sprintf("run %d: found 2 records\nversion 4, audit trail of 4, chain verified\nversion 8, audit trail of 8, chain verified\nnothing left to do", len(stages)+2))
	out = run("-reset")
	expect(t, out, "reset: deleted\nrun 1: no records stored yet\nrun 1: created EVT-"+year+"-000001")
}

// goRun runs `go run ./dir args…` and returns its standard output.
func goRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", append([]string{"run", "./" + dir}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go run ./%s %s: %v\n%s", dir, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// expect fails the test unless out contains every line of want, in order.
func expect(t *testing.T, out, want string) {
	t.Helper()
	rest := out
	for _, line := range strings.Split(strings.TrimSpace(want), "\n") {
		i := strings.Index(rest, line)
		if i < 0 {
			t.Fatalf("output lacks %q (in order); full output:\n%s", line, out)
		}
		rest = rest[i+len(line):]
	}
}
