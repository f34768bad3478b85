package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iso27035/iso27035/notify"
	"github.com/iso27035/iso27035/notify/webhook"
)

func note(i int) notify.Notification {
	return notify.Notification{
		Type: "lifecycle.report", Tenant: "acme", Seq: uint64(i),
		IdempotencyKey: fmt.Sprintf("key-%d", i), Payload: []byte(`{"i":1}`), Attempt: 1,
	}
}

// server starts an httptest server with h and returns a notifier to it.
func server(t *testing.T, h http.HandlerFunc, cfg webhook.Config) (*httptest.Server, *webhook.Notifier) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	if cfg.URL == "" {
		cfg.URL = srv.URL
	}
	cfg.Key = curKey
	return srv, mustNew(t, cfg)
}

func TestClassification(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		code       int
		retryAfter string
		ok         bool
		permanent  bool
		wait       time.Duration
	}{
		{code: 200, ok: true},
		{code: 202, ok: true},
		{code: 204, ok: true},
		{code: 301, permanent: true},
		{code: 302, permanent: true},
		{code: 307, permanent: true},
		{code: 308, permanent: true},
		{code: 400, permanent: true},
		{code: 401, permanent: true},
		{code: 403, permanent: true},
		{code: 404, permanent: true},
		{code: 410, permanent: true},
		{code: 413, permanent: true},
		{code: 422, permanent: true},
		{code: 408},
		{code: 429},
		{code: 429, retryAfter: "7", wait: 7 * time.Second},
		{code: 429, retryAfter: "0"},
		{code: 429, retryAfter: "-3"},
		{code: 429, retryAfter: "soon"},
		{code: 429, retryAfter: "999999999999", wait: time.Hour}, // capped
		{code: 503, retryAfter: now.Add(90 * time.Second).Format(http.TimeFormat), wait: 90 * time.Second},
		{code: 503, retryAfter: now.Add(-time.Minute).Format(http.TimeFormat)},
		{code: 500},
		{code: 502},
		{code: 504},
		{code: 599},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %s", tt.code, tt.retryAfter), func(t *testing.T) {
			_, n := server(t, func(w http.ResponseWriter, _ *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				if tt.code/100 == 3 {
					w.Header().Set("Location", "http://elsewhere.example/hook")
				}
				w.WriteHeader(tt.code)
				_, _ = io.WriteString(w, "receiver says\nno")
			}, webhook.Config{Now: func() time.Time { return now }})
			err := n.Notify(t.Context(), note(1))
			if tt.ok {
				if err != nil {
					t.Fatalf("Notify = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Notify = nil, want an error")
			}
			if got := notify.IsPermanent(err); got != tt.permanent {
				t.Errorf("IsPermanent(%v) = %t, want %t", err, got, tt.permanent)
			}
			d, ok := notify.RetryAfter(err)
			if d != tt.wait || ok != (tt.wait > 0) {
				t.Errorf("RetryAfter(%v) = %v, %t; want %v", err, d, ok, tt.wait)
			}
			if !strings.Contains(err.Error(), fmt.Sprint(tt.code)) || !strings.Contains(err.Error(), "receiver says no") {
				t.Errorf("error %q does not give the status and the body's start", err)
			}
			if tt.code/100 == 3 && !strings.Contains(err.Error(), "redirect to \"http://elsewhere.example/hook\" not followed") {
				t.Errorf("redirect error %q does not say what happened", err)
			}
		})
	}
}

func TestRequest(t *testing.T) {
	var got *http.Request
	var body []byte
	_, n := server(t, func(w http.ResponseWriter, r *http.Request) {
		got = r
		body, _ = io.ReadAll(r.Body)
	}, webhook.Config{Source: "https://irt.example/{tenant}", TypePrefix: "org.example.iso27035."})
	if err := n.Notify(t.Context(), note(3)); err != nil {
		t.Fatal(err)
	}
	if got.Method != http.MethodPost || got.Header.Get("Content-Type") != "application/cloudevents+json; charset=utf-8" {
		t.Errorf("method %s, content type %q", got.Method, got.Header.Get("Content-Type"))
	}
	if _, err := webhook.Verify(got.Header.Get(webhook.SignatureHeader), body, []webhook.Key{curKey}, time.Now(), 0); err != nil {
		t.Errorf("signature: %v", err)
	}
	ev, err := webhook.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Type != "org.example.iso27035.lifecycle.report" || ev.Source != "https://irt.example/acme" || ev.ID != "key-3" || ev.Seq != "3" {
		t.Errorf("envelope %+v", ev)
	}
}

// A receiver that takes the request and never answers: Config.Timeout ends
// the call, with a transient error.
func TestHangingReceiverTimesOut(t *testing.T) {
	release := make(chan struct{})
	_, n := server(t, func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}, webhook.Config{Timeout: 200 * time.Millisecond})
	defer close(release)
	start := time.Now()
	err := n.Notify(t.Context(), note(1))
	if err == nil || notify.IsPermanent(err) {
		t.Fatalf("Notify = %v, want a transient error", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Notify took %v with a 200ms timeout", d)
	}
}

// A receiver that trickles its body forever is cut off by the timeout too.
func TestTricklingReceiverTimesOut(t *testing.T) {
	_, n := server(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		for {
			if _, err := io.WriteString(w, "."); err != nil {
				return
			}
			_ = http.NewResponseController(w).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}, webhook.Config{Timeout: 200 * time.Millisecond, MaxResponseBytes: 1 << 20})
	start := time.Now()
	_ = n.Notify(t.Context(), note(1)) // the 200 came; whatever the verdict, it ends
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Notify took %v with a 200ms timeout", d)
	}
}

func TestSlowReceiver(t *testing.T) {
	_, n := server(t, func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(300 * time.Millisecond)
		w.WriteHeader(http.StatusAccepted)
	}, webhook.Config{Timeout: 5 * time.Second})
	if err := n.Notify(t.Context(), note(1)); err != nil {
		t.Fatalf("a slow receiver within the timeout: %v", err)
	}
}

func TestCancelledContext(t *testing.T) {
	var calls atomic.Int32
	_, n := server(t, func(http.ResponseWriter, *http.Request) { calls.Add(1) }, webhook.Config{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := n.Notify(ctx, note(1))
	if !errors.Is(err, context.Canceled) || notify.IsPermanent(err) {
		t.Errorf("Notify = %v", err)
	}
	if calls.Load() != 0 {
		t.Error("a cancelled Notify reached the receiver")
	}
}

// A receiver that answers with a huge body: only MaxResponseBytes are read.
func TestHugeBody(t *testing.T) {
	for _, code := range []int{200, 500} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			var written atomic.Int64
			const total = 256 << 20
			_, n := server(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(code)
				chunk := []byte(strings.Repeat("x", 32<<10))
				for written.Load() < total {
					k, err := w.Write(chunk)
					written.Add(int64(k))
					if err != nil {
						return
					}
				}
			}, webhook.Config{MaxResponseBytes: 1024})
			start := time.Now()
			err := n.Notify(t.Context(), note(1))
			if (err == nil) != (code == 200) {
				t.Fatalf("Notify = %v", err)
			}
			if err != nil && len(err.Error()) > 400 {
				t.Errorf("error message of %d bytes", len(err.Error()))
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Notify took %v", d)
			}
			time.Sleep(50 * time.Millisecond)
			if written.Load() >= total {
				t.Errorf("the receiver wrote its whole %d bytes: the body was read to the end", total)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	var final atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, err := webhook.VerifyRequest(r, []webhook.Key{curKey}, time.Now(), 0, 0); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		final.Add(1)
	}))
	t.Cleanup(target.Close)
	redirect := func(to string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusPermanentRedirect) }
	}

	t.Run("none by default", func(t *testing.T) {
		_, n := server(t, redirect(target.URL), webhook.Config{})
		err := n.Notify(t.Context(), note(1))
		if !notify.IsPermanent(err) || !strings.Contains(err.Error(), "not followed") {
			t.Errorf("Notify = %v, want a permanent failure about the redirect", err)
		}
		if final.Load() != 0 {
			t.Error("the redirect was followed")
		}
	})
	t.Run("followed when allowed", func(t *testing.T) {
		_, n := server(t, redirect(target.URL), webhook.Config{MaxRedirects: 1, Guard: &webhook.Guard{Allow: loopback}})
		if err := n.Notify(t.Context(), note(1)); err != nil {
			t.Fatal(err)
		}
		if final.Load() != 1 {
			t.Error("the redirect's target did not get the signed body")
		}
	})
	// A 302 would turn the POST into a GET without the body: refused
	// even when redirects are allowed.
	t.Run("302 not followed", func(t *testing.T) {
		_, n := server(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL, http.StatusFound)
		}, webhook.Config{MaxRedirects: 3})
		err := n.Notify(t.Context(), note(1))
		if !notify.IsPermanent(err) || !strings.Contains(err.Error(), "only 307 and 308") {
			t.Errorf("Notify = %v, want permanent", err)
		}
		if final.Load() != 1 {
			t.Error("the 302 was followed")
		}
	})
	t.Run("too many", func(t *testing.T) {
		var hop *httptest.Server
		hop = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, hop.URL, http.StatusTemporaryRedirect)
		}))
		t.Cleanup(hop.Close)
		_, n := server(t, redirect(hop.URL), webhook.Config{MaxRedirects: 2})
		if err := n.Notify(t.Context(), note(1)); !notify.IsPermanent(err) {
			t.Errorf("Notify = %v, want permanent", err)
		}
	})
	// A receiver on an allowed address redirects to the cloud metadata
	// service: the guard refuses the hop before connecting.
	t.Run("to a refused address", func(t *testing.T) {
		_, n := server(t, redirect("http://169.254.169.254/latest/meta-data/"),
			webhook.Config{MaxRedirects: 3, Guard: &webhook.Guard{Allow: loopback}})
		err := n.Notify(t.Context(), note(1))
		if !errors.Is(err, webhook.ErrForbiddenAddress) || !notify.IsPermanent(err) {
			t.Errorf("Notify = %v, want a permanent ErrForbiddenAddress", err)
		}
	})
}

func TestConnectionRefusedIsTransient(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	n := mustNew(t, webhook.Config{URL: url, Key: curKey})
	err := n.Notify(t.Context(), note(1))
	if err == nil || notify.IsPermanent(err) {
		t.Errorf("Notify to a closed port = %v, want a transient error", err)
	}
}

func TestInvalidPayloadIsPermanent(t *testing.T) {
	_, n := server(t, func(http.ResponseWriter, *http.Request) { t.Error("sent") }, webhook.Config{})
	bad := note(1)
	bad.Payload = []byte(`{"unterminated`)
	if err := n.Notify(t.Context(), bad); !errors.Is(err, webhook.ErrInvalidPayload) || !notify.IsPermanent(err) {
		t.Errorf("Notify = %v", err)
	}
}

func TestNewRejects(t *testing.T) {
	for name, cfg := range map[string]webhook.Config{
		"no URL":        {Key: curKey},
		"relative":      {URL: "/hook", Key: curKey},
		"ftp":           {URL: "ftp://x.example/", Key: curKey},
		"credentials":   {URL: "https://u:p@x.example/", Key: curKey},
		"no key id":     {URL: "https://x.example/", Key: webhook.Key{Secret: curKey.Secret}},
		"comma in id":   {URL: "https://x.example/", Key: webhook.Key{ID: "a,v1=00", Secret: curKey.Secret}},
		"short secret":  {URL: "https://x.example/", Key: webhook.Key{ID: "k", Secret: []byte("short")}},
		"negative time": {URL: "https://x.example/", Key: curKey, Timeout: -1},
	} {
		if _, err := webhook.New(cfg); !errors.Is(err, webhook.ErrInvalidConfig) {
			t.Errorf("%s: New = %v, want ErrInvalidConfig", name, err)
		}
	}
}
