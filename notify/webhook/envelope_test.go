package webhook_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/notify"
	"github.com/iso27035/iso27035/notify/webhook"
)

func TestEnvelope(t *testing.T) {
	n := notify.Notification{
		ID:             uuid.MustParse("019cae00-0000-7000-8000-000000000009"),
		Type:           "lifecycle.close",
		Tenant:         "acme bank",
		RecordID:       uuid.MustParse("019cae00-0000-7000-8000-000000000002"),
		Seq:            1 << 40,
		IdempotencyKey: "019cae00-0000-7000-8000-000000000002/42",
		Payload:        json.RawMessage(`{ "severity" : "critical" }`),
		CreatedAt:      time.Date(2026, 3, 2, 10, 14, 0, 0, time.FixedZone("CET", 3600)),
		Attempt:        2,
	}
	ev, err := webhook.NewEvent(n, "", "org.example.")
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"specversion":"1.0","id":"019cae00-0000-7000-8000-000000000002/42","source":"/iso27035/acme%20bank",` +
		`"type":"org.example.lifecycle.close","subject":"019cae00-0000-7000-8000-000000000002","time":"2026-03-02T09:14:00Z",` +
		`"datacontenttype":"application/json","data":{"severity":"critical"},"tenant":"acme bank","seq":"1099511627776",` +
		`"outboxid":"019cae00-0000-7000-8000-000000000009","attempt":2}`
	if string(got) != want {
		t.Errorf("envelope\n got %s\nwant %s", got, want)
	}
	back, err := webhook.Decode(got)
	if err != nil {
		t.Fatal(err)
	}
	m, err := back.Notification("org.example.")
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != n.ID || m.Type != n.Type || m.Tenant != n.Tenant || m.RecordID != n.RecordID || m.Seq != n.Seq ||
		m.IdempotencyKey != n.IdempotencyKey || !m.CreatedAt.Equal(n.CreatedAt) || m.Attempt != 2 || string(m.Payload) != `{"severity":"critical"}` {
		t.Errorf("round trip: %+v", m)
	}

	// No payload: no data, no datacontenttype.
	n.Payload = json.RawMessage(" null ")
	ev, _ = webhook.NewEvent(n, "", "")
	if ev.Data != nil || ev.DataContentType != "" {
		t.Errorf("null payload: %+v", ev)
	}
	n.Payload = json.RawMessage(`{`)
	if _, err := webhook.NewEvent(n, "", ""); !errors.Is(err, webhook.ErrInvalidPayload) {
		t.Errorf("invalid payload: %v", err)
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, body := range []string{
		``, `[]`, `{"specversion":"0.3","id":"a","source":"s","type":"t"}`,
		`{"specversion":"1.0","source":"s","type":"t"}`,
	} {
		if _, err := webhook.Decode([]byte(body)); !errors.Is(err, webhook.ErrMalformed) {
			t.Errorf("Decode(%q) = %v", body, err)
		}
	}
	for _, body := range []string{
		`{"specversion":"1.0","id":"a","source":"s","type":"t","subject":"nope"}`,
		`{"specversion":"1.0","id":"a","source":"s","type":"t","seq":"-1"}`,
		`{"specversion":"1.0","id":"a","source":"s","type":"t","time":"yesterday"}`,
	} {
		ev, err := webhook.Decode([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ev.Notification(""); !errors.Is(err, webhook.ErrMalformed) {
			t.Errorf("Notification(%s) = %v", body, err)
		}
	}
}
