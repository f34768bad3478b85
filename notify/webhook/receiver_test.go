package webhook_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/iso27035/iso27035/notify"
	"github.com/iso27035/iso27035/notify/notifytest"
	"github.com/iso27035/iso27035/notify/webhook"
)

var (
	oldKey = webhook.Key{ID: "2026-01", Secret: []byte("old-secret-0123456789abcdef")}
	curKey = webhook.Key{ID: "2026-03", Secret: []byte("current-secret-0123456789abcdef")}
)

// loopback is the allow-list that lets the guard reach httptest servers.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// receiver is an httptest webhook receiver: it verifies signatures with
// both keys of a rotation, records what it accepted, and fails on demand.
type receiver struct {
	srv   *httptest.Server
	mu    sync.Mutex
	got   []notify.Notification
	fails []notifytest.Failure
	bad   int // requests refused for their signature
	stop  chan struct{}
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{stop: make(chan struct{})}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(func() {
		close(r.stop) // release hanging handlers
		r.srv.Close()
	})
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _, err := webhook.VerifyRequest(req, []webhook.Key{oldKey, curKey}, time.Now(), time.Minute, 0)
	if err != nil {
		r.mu.Lock()
		r.bad++
		r.mu.Unlock()
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	r.mu.Lock()
	var f notifytest.Failure
	if len(r.fails) > 0 {
		f, r.fails = r.fails[0], r.fails[1:]
	}
	r.mu.Unlock()
	switch f {
	case notifytest.FailTransient:
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	case notifytest.FailPermanent:
		http.Error(w, "rejected", http.StatusUnprocessableEntity)
		return
	case notifytest.FailRetryAfter:
		w.Header().Set("Retry-After", strconv.Itoa(int(notifytest.RetryAfterDelay/time.Second)))
		http.Error(w, "slow down", http.StatusTooManyRequests)
		return
	case notifytest.FailHang:
		select {
		case <-req.Context().Done():
		case <-r.stop:
		}
		return
	}
	ev, err := webhook.Decode(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	n, err := ev.Notification("")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.got = append(r.got, n)
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) Received() []notify.Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Notification(nil), r.got...)
}

func (r *receiver) FailNext(f notifytest.Failure) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fails = append(r.fails, f)
}

func (r *receiver) badSignatures() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bad
}

func mustNew(t *testing.T, cfg webhook.Config) *webhook.Notifier {
	t.Helper()
	n, err := webhook.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var allFeatures = notifytest.Features{SupportsPermanent: true, SupportsHang: true, SupportsRetryAfter: true}

// The guard is off: the receiver is on loopback.
func TestConformance(t *testing.T) {
	notifytest.Run(t, func(t *testing.T) notifytest.Harness {
		r := newReceiver(t)
		return notifytest.Harness{
			Notifier: mustNew(t, webhook.Config{URL: r.srv.URL, Key: curKey}),
			Received: r.Received,
			FailNext: r.FailNext,
			Features: allFeatures,
		}
	})
}

// The guard is on, with loopback allow-listed; the old key still verifies.
func TestConformanceGuarded(t *testing.T) {
	notifytest.Run(t, func(t *testing.T) notifytest.Harness {
		r := newReceiver(t)
		return notifytest.Harness{
			Notifier: mustNew(t, webhook.Config{URL: r.srv.URL, Key: oldKey, Guard: &webhook.Guard{Allow: loopback}}),
			Received: r.Received,
			FailNext: r.FailNext,
			Features: allFeatures,
		}
	})
}

// A sender with a key the receiver does not hold is refused (401, which
// is permanent: retrying with the same key cannot help).
func TestReceiverRefusesUnknownKey(t *testing.T) {
	r := newReceiver(t)
	stranger := webhook.Key{ID: "2025-12", Secret: []byte("retired-secret-0123456789")}
	err := mustNew(t, webhook.Config{URL: r.srv.URL, Key: stranger}).Notify(t.Context(), note(1))
	if !notify.IsPermanent(err) {
		t.Errorf("Notify = %v, want permanent", err)
	}
	if r.badSignatures() != 1 || len(r.Received()) != 0 {
		t.Errorf("receiver: %d bad signatures, %d received", r.badSignatures(), len(r.Received()))
	}
}
