package crashtest_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
)

// ack is the newest acknowledged version of a record.
type ack struct {
	kind    incident.Kind
	version int64
}

// acks collects the acknowledgements of every driver of a test.
type acks struct {
	byID  map[uuid.UUID]ack
	lines int // acknowledgement lines read in all
	// inFlight is set by a "begin" line and cleared by an acknowledgement:
	// after a kill it tells whether a change was under way.
	inFlight bool
}

func newAcks() *acks { return &acks{byID: make(map[uuid.UUID]ack)} }

// add records one line of a driver.
func (a *acks) add(line string) error {
	if line == "begin" {
		a.inFlight = true
		return nil
	}
	a.inFlight = false
	f := strings.Fields(line)
	if len(f) != 4 || f[0] != "ack" {
		return fmt.Errorf("malformed driver line %q", line)
	}
	id, err := uuid.Parse(f[2])
	if err != nil {
		return fmt.Errorf("driver line %q: %w", line, err)
	}
	v, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil || v < 1 {
		return fmt.Errorf("driver line %q: bad version", line)
	}
	kind := incident.Kind(f[1])
	if prev, ok := a.byID[id]; ok && (prev.kind != kind || v <= prev.version) {
		return fmt.Errorf("driver line %q after version %d of %s: versions must grow", line, prev.version, prev.kind)
	}
	a.byID[id] = ack{kind: kind, version: v}
	a.lines++
	return nil
}

// child is a running driver process.
type child struct {
	cmd    *exec.Cmd
	lines  chan string // the acknowledgement lines, closed at EOF
	stderr *lockedBuffer
	done   chan struct{} // closed when the process was waited for
	err    error         // what Wait returned
	killed bool
}

// lockedBuffer is a bytes.Buffer safe for the process's writer goroutine
// and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startChild re-executes the test binary as a driver with env added to
// its environment.
func startChild(t *testing.T, env ...string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{driverVar + "=1"}, env...)...)
	c := &child{cmd: cmd, lines: make(chan string, 1024), stderr: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stderr = c.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		// Only whole lines count. The driver writes the lines of a Commit
		// with one write(2) of less than PIPE_BUF bytes, which a pipe
		// takes whole or not at all, so the kill cannot cut one short; a
		// fragment would be kept in the standard error buffer.
		r := bufio.NewReader(out)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				if line != "" {
					fmt.Fprintf(c.stderr, "crashtest: fragment of a line on standard output: %q\n", line)
				}
				break
			}
			c.lines <- strings.TrimSuffix(line, "\n")
		}
		close(c.lines)
		_, _ = io.Copy(io.Discard, out)
		c.err = cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		c.kill()
		for range c.lines {
			// Drain: the reader goroutine waits on the channel.
		}
		<-c.done
	})
	return c
}

// kill sends SIGKILL, if the process was not waited for yet. The caller
// then reads c.lines to their end, and c.done is closed after that.
func (c *child) kill() {
	select {
	case <-c.done:
		return
	default:
	}
	c.killed = true
	_ = c.cmd.Process.Kill()
}

// exitedByKill reports whether the process ended by the SIGKILL of kill.
func (c *child) exitedByKill() bool {
	var ee *exec.ExitError
	if !c.killed || !errors.As(c.err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// readAcks reads n acknowledgement lines into a, or fails the test when the
// driver stops or none comes within timeout.
func (c *child) readAcks(t *testing.T, a *acks, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for want := a.lines + n; a.lines < want; {
		select {
		case line, ok := <-c.lines:
			if !ok {
				<-c.done
				t.Fatalf("%v before it was killed (%v); its standard error:\n%s", errDriverExited, c.err, tail(c.stderr.String()))
			}
			if err := a.add(line); err != nil {
				t.Fatal(err)
			}
		case <-deadline:
			t.Fatalf("no acknowledgement from the driver for %v; its standard error:\n%s", timeout, tail(c.stderr.String()))
		}
	}
}

// stop kills the driver, reads the lines it wrote before it died (each of
// them an acknowledged write) and checks that it died of the kill.
func (c *child) stop(t *testing.T, a *acks) {
	t.Helper()
	a.inFlight = false
	c.kill()
	for line := range c.lines {
		if err := a.add(line); err != nil {
			t.Fatal(err)
		}
	}
	<-c.done
	if !c.exitedByKill() {
		t.Fatalf("%v (%v); its standard error:\n%s", errDriverExited, c.err, tail(c.stderr.String()))
	}
}

// tail returns the last lines of s, for failure messages.
func tail(s string) string {
	const keep = 40
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > keep {
		lines = append([]string{"…"}, lines[len(lines)-keep:]...)
	}
	return strings.Join(lines, "\n")
}
