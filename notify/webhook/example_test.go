package webhook_test

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/iso27035/iso27035/notify/webhook"
)

// A receiver's handler: verify first (with every key of a rotation), then
// decode, then drop what was seen by the CloudEvents id.
func ExampleVerifyRequest() {
	keys := []webhook.Key{
		{ID: "2026-01", Secret: []byte("old-secret-0123456789abcdef")},
		{ID: "2026-03", Secret: []byte("new-secret-0123456789abcdef")},
	}
	seen := map[string]bool{}
	handler := func(w http.ResponseWriter, r *http.Request, now time.Time) {
		body, kid, err := webhook.VerifyRequest(r, keys, now, 5*time.Minute, 1<<20)
		if err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			fmt.Println("refused:", err)
			return
		}
		ev, err := webhook.Decode(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if !seen[ev.ID] {
			seen[ev.ID] = true
			fmt.Printf("accepted %s %s (key %s)\n", ev.Type, ev.ID, kid)
		}
		w.WriteHeader(http.StatusNoContent)
	}

	at := time.Date(2026, 3, 2, 9, 14, 0, 0, time.UTC)
	body := `{"specversion":"1.0","id":"rec-1/4","source":"/iso27035/acme","type":"lifecycle.close"}`
	// send signs signed and sends sent.
	send := func(key webhook.Key, signed, sent string, now time.Time) {
		r, _ := http.NewRequest(http.MethodPost, "https://receiver.example/hook", strings.NewReader(sent))
		r.Header.Set(webhook.SignatureHeader, webhook.Sign(key, []byte(signed), at))
		handler(discard{}, r, now)
	}
	send(keys[1], body, body, at.Add(time.Second))
	send(keys[0], body, body, at.Add(time.Second))                                        // the old key still verifies; a duplicate
	send(keys[1], body, strings.Replace(body, "close", "reopen", 1), at.Add(time.Second)) // tampered
	send(keys[1], body, body, at.Add(time.Hour))                                          // a replay, an hour later
	// Output:
	// accepted lifecycle.close rec-1/4 (key 2026-03)
	// refused: webhook: bad signature
	// refused: webhook: signature timestamp outside the replay window: signed at 1772442840, now 1772446440, tolerance 5m0s
}

// discard is a ResponseWriter that forgets.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) WriteHeader(int)             {}
