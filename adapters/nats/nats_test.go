package nats_test

import (
	"context"
	"errors"
	"io"
	"net"
	neturl "net/url"
	"sync"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/iso27035/iso27035/adapters/nats"
	"github.com/iso27035/iso27035/notify"
	"github.com/iso27035/iso27035/notify/notifytest"
	"github.com/iso27035/iso27035/relay"
	"github.com/iso27035/iso27035/store"
)

func TestConformance(t *testing.T) {
	notifytest.Run(t, harness)
}

func sample() notify.Notification {
	return notify.Notification{
		Type: "incident.declared", Tenant: "acme", Seq: 7,
		IdempotencyKey: "key-1", CreatedAt: time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC), Attempt: 1,
	}
}

func TestDefaultWindowCoversRelayRetryHorizon(t *testing.T) {
	h := nats.RetryHorizon(store.DefaultMaxAttempts, relay.DefaultBackoffBase, relay.DefaultBackoffMax, relay.DefaultLease+relay.DefaultPollInterval)
	if h != 821*time.Second {
		t.Errorf("RetryHorizon of the relay defaults = %v, want 821s as the documentation says", h)
	}
	if nats.DefaultDuplicateWindow < h {
		t.Errorf("DefaultDuplicateWindow %v is shorter than the relay's default retry horizon %v", nats.DefaultDuplicateWindow, h)
	}
	if nats.DefaultDuplicateWindow > nats.MaxDuplicateWindow {
		t.Errorf("DefaultDuplicateWindow %v above MaxDuplicateWindow %v", nats.DefaultDuplicateWindow, nats.MaxDuplicateWindow)
	}
}

func TestRetryHorizon(t *testing.T) {
	for _, c := range []struct {
		attempts              int
		base, max, perAttempt time.Duration
		want                  time.Duration
	}{
		{0, time.Second, time.Minute, time.Second, 0},
		{1, time.Second, time.Minute, 30 * time.Second, 30 * time.Second},
		{3, time.Second, time.Minute, 0, 3 * time.Second},                 // 1 + 2
		{4, time.Second, 2 * time.Second, 0, 5 * time.Second},             // 1 + 2 + 2
		{3, time.Second, time.Minute, 10 * time.Second, 33 * time.Second}, // 1 + 2 + 3·10
		{1000, time.Hour, time.Duration(1<<63 - 1), 0, time.Duration(1<<63 - 1)},
	} {
		if got := nats.RetryHorizon(c.attempts, c.base, c.max, c.perAttempt); got != c.want {
			t.Errorf("RetryHorizon(%d, %v, %v, %v) = %v, want %v", c.attempts, c.base, c.max, c.perAttempt, got, c.want)
		}
	}
}

func TestEscapeToken(t *testing.T) {
	for in, want := range map[string]string{
		"acme":        "acme",
		"Acme-Corp_2": "Acme-Corp_2",
		"a.b":         "a%2Eb",
		"a b":         "a%20b",
		"*":           "%2A",
		">":           "%3E",
		"50%":         "50%25",
		"é":           "%C3%A9",
		"\t":          "%09",
	} {
		if got := nats.EscapeToken(in); got != want {
			t.Errorf("EscapeToken(%q) = %q, want %q", in, got, want)
		}
	}
	if nats.EscapeToken("a.b") == nats.EscapeToken("a_b") || nats.EscapeToken("a%2Eb") == nats.EscapeToken("a.b") {
		t.Error("distinct tokens escape alike")
	}
}

func TestSubject(t *testing.T) {
	n, err := nats.New(&fakeJS{}, nats.WithPrefix("corp.iso27035"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		tenant, typ, want string
	}{
		{"acme", "incident.declared", "corp.iso27035.acme.incident.declared"},
		{"acme.eu", "incident.declared", "corp.iso27035.acme%2Eeu.incident.declared"},
		{"a b*>", "x y.z*", "corp.iso27035.a%20b%2A%3E.x%20y.z%2A"},
		{"acme", "closed", "corp.iso27035.acme.closed"},
	} {
		note := sample()
		note.Tenant, note.Type = c.tenant, c.typ
		got, err := n.Subject(note)
		if err != nil || got != c.want {
			t.Errorf("Subject(tenant %q, type %q) = %q, %v; want %q", c.tenant, c.typ, got, err, c.want)
		}
	}
	for _, c := range []struct{ tenant, typ, field string }{
		{"", "incident.declared", "tenant"},
		{"acme", "", "type"},
		{"acme", "incident..declared", "type"},
		{"acme", ".declared", "type"},
		{"acme", "incident.", "type"},
	} {
		note := sample()
		note.Tenant, note.Type = c.tenant, c.typ
		_, err := n.Subject(note)
		var se *nats.SubjectError
		if !errors.As(err, &se) || se.Field != c.field || !errors.Is(err, nats.ErrInvalidSubject) {
			t.Errorf("Subject(tenant %q, type %q) error = %v, want a *SubjectError on %s", c.tenant, c.typ, err, c.field)
		}
	}
}

func TestNotifyRejectsWithoutPublishing(t *testing.T) {
	fake := &fakeJS{}
	n, err := nats.New(fake)
	if err != nil {
		t.Fatal(err)
	}
	noTenant := sample()
	noTenant.Tenant = ""
	noKey := sample()
	noKey.IdempotencyKey = ""
	for name, note := range map[string]notify.Notification{"no tenant": noTenant, "no key": noKey} {
		err := n.Notify(context.Background(), note)
		if err == nil || !notify.IsPermanent(err) {
			t.Errorf("%s: Notify = %v, want a permanent error", name, err)
		}
	}
	var se *nats.SubjectError
	if err := n.Notify(context.Background(), noTenant); !errors.As(err, &se) {
		t.Errorf("no tenant: Notify = %v, want a *SubjectError", err)
	}
	if len(fake.msgs) != 0 {
		t.Errorf("%d messages published, want none", len(fake.msgs))
	}
}

func TestNotifyMessage(t *testing.T) {
	fake := &fakeJS{}
	n, err := nats.New(fake)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(context.Background(), sample()); err != nil {
		t.Fatal(err)
	}
	m := fake.msgs[0]
	if m.Subject != "iso27035.acme.incident.declared" {
		t.Errorf("subject %q", m.Subject)
	}
	if got := m.Header.Get(jetstream.MsgIDHeader); got != "key-1" {
		t.Errorf("%s = %q, want the idempotency key", jetstream.MsgIDHeader, got)
	}
	if got := m.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
}

func TestErrorClassification(t *testing.T) {
	for _, c := range []struct {
		name      string
		err       error
		permanent bool
	}{
		{"no responders", jetstream.ErrNoStreamResponse, false},
		{"timeout", natsgo.ErrTimeout, false},
		{"closed", natsgo.ErrConnectionClosed, false},
		{"4xx", &jetstream.APIError{Code: 400, ErrorCode: 10054, Description: "message size exceeds maximum allowed"}, true},
		{"5xx", &jetstream.APIError{Code: 503, ErrorCode: 10077, Description: "store failed"}, false},
	} {
		n, err := nats.New(&fakeJS{err: c.err})
		if err != nil {
			t.Fatal(err)
		}
		err = n.Notify(context.Background(), sample())
		if err == nil || !errors.Is(err, c.err) || notify.IsPermanent(err) != c.permanent {
			t.Errorf("%s: Notify = %v (permanent %t), want it wrapped, permanent %t", c.name, err, notify.IsPermanent(err), c.permanent)
		}
	}
}

func TestNewInvalid(t *testing.T) {
	for name, c := range map[string]struct {
		js   jetstream.JetStream
		opts []nats.Option
	}{
		"nil js":         {nil, nil},
		"empty prefix":   {&fakeJS{}, []nats.Option{nats.WithPrefix("")}},
		"empty token":    {&fakeJS{}, []nats.Option{nats.WithPrefix("a..b")}},
		"wildcard":       {&fakeJS{}, []nats.Option{nats.WithPrefix("a.*")}},
		"full wildcard":  {&fakeJS{}, []nats.Option{nats.WithPrefix("a.>")}},
		"space":          {&fakeJS{}, []nats.Option{nats.WithPrefix("a b")}},
		"trailing point": {&fakeJS{}, []nats.Option{nats.WithPrefix("a.")}},
	} {
		if _, err := nats.New(c.js, c.opts...); !errors.Is(err, nats.ErrInvalidConfig) {
			t.Errorf("%s: New error = %v, want ErrInvalidConfig", name, err)
		}
	}
}

// closedPort returns an address where nothing listens.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "nats://" + addr
}

// With the server down, Notify fails with an error worth retrying, and
// promptly when its context ends.
func TestServerDownIsRetryable(t *testing.T) {
	nc, err := natsgo.Connect(closedPort(t), natsgo.RetryOnFailedConnect(true), natsgo.MaxReconnects(-1), natsgo.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	n, err := nats.New(js)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = n.Notify(ctx, sample())
	t.Logf("Notify with the server down: %v", err)
	if err == nil || notify.IsPermanent(err) {
		t.Errorf("Notify with the server down = %v, want a retryable error", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Notify took %v with a 300ms context", d)
	}
}

// On a connection that was closed, Notify fails with an error worth
// retrying.
func TestClosedConnectionIsRetryable(t *testing.T) {
	nc, js := connect(t)
	n, err := nats.New(js)
	if err != nil {
		t.Fatal(err)
	}
	nc.Close()
	err = n.Notify(context.Background(), sample())
	if !errors.Is(err, natsgo.ErrConnectionClosed) || notify.IsPermanent(err) {
		t.Errorf("Notify on a closed connection = %v, want a retryable error wrapping ErrConnectionClosed", err)
	}
}

// proxy forwards a TCP port to target until stop is called; it returns the
// port's nats:// URL.
func proxy(t *testing.T, target string) (url string, stop func()) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				_ = c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, u)
			mu.Unlock()
			go func() { _, _ = io.Copy(u, c); _ = u.Close() }()
			go func() { _, _ = io.Copy(c, u); _ = c.Close() }()
		}
	}()
	stop = func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	}
	t.Cleanup(stop)
	return "nats://" + l.Addr().String(), stop
}

// A server that goes down under a connected Notifier (its port closed):
// Notify fails with an error worth retrying when its context ends.
func TestServerGoneIsRetryable(t *testing.T) {
	u, err := neturl.Parse(testURL(t))
	if err != nil {
		t.Fatal(err)
	}
	url, stop := proxy(t, u.Host)
	nc, err := natsgo.Connect(url, natsgo.MaxReconnects(-1), natsgo.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatalf("Connect through the proxy: %v", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	n, err := nats.New(js)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err = n.Notify(ctx, sample())
	t.Logf("Notify with the server gone: %v", err)
	if err == nil || notify.IsPermanent(err) {
		t.Errorf("Notify with the server gone = %v, want a retryable error", err)
	}
}
