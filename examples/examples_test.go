// Package examples runs every example program and checks its output, so
// the programs the README points to keep working.
package examples

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExamples runs `go run` on each example directory and checks that its
// output contains every line of the directory's expect.txt, in order.
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
			want, err := os.ReadFile(filepath.Join(dir, "expect.txt"))
			if err != nil {
				t.Fatalf("every example needs an expect.txt: %v", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "go", "run", "./"+dir)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("go run ./%s: %v\n%s", dir, err, stderr.String())
			}
			out := stdout.String()
			rest := out
			for _, line := range strings.Split(strings.TrimSpace(string(want)), "\n") {
				i := strings.Index(rest, line)
				if i < 0 {
					t.Fatalf("output lacks %q (in order); full output:\n%s", line, out)
				}
				rest = rest[i+len(line):]
			}
		})
	}
}
