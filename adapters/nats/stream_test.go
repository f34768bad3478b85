package nats_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/iso27035/iso27035/adapters/nats"
)

func TestEnsureStream(t *testing.T) {
	_, js := connect(t)
	ctx := context.Background()
	s, cfg := freshStream(t, js, nats.StreamConfig{})
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Config.Duplicates != nats.DefaultDuplicateWindow {
		t.Errorf("duplicate window %v, want DefaultDuplicateWindow %v", info.Config.Duplicates, nats.DefaultDuplicateWindow)
	}
	if len(info.Config.Subjects) != 1 || info.Config.Subjects[0] != cfg.Prefix+".>" {
		t.Errorf("subjects %v, want [%s.>]", info.Config.Subjects, cfg.Prefix)
	}
	// Again, with a longer window: the stream is updated.
	cfg.Duplicates, cfg.MaxAge = time.Hour, 48*time.Hour
	s, err = nats.EnsureStream(ctx, js, cfg)
	if err != nil {
		t.Fatalf("EnsureStream again: %v", err)
	}
	if info, err = s.Info(ctx); err != nil {
		t.Fatal(err)
	}
	if info.Config.Duplicates != time.Hour || info.Config.MaxAge != 48*time.Hour {
		t.Errorf("after update: duplicates %v, max age %v; want 1h, 48h", info.Config.Duplicates, info.Config.MaxAge)
	}
}

func TestEnsureStreamInvalid(t *testing.T) {
	fake := &fakeJS{}
	for name, c := range map[string]nats.StreamConfig{
		"no name":          {},
		"bad prefix":       {Name: "S", Prefix: "a.*"},
		"negative window":  {Name: "S", Duplicates: -time.Second},
		"window too long":  {Name: "S", Duplicates: nats.MaxDuplicateWindow + time.Second},
		"max age < window": {Name: "S", MaxAge: time.Minute},
		"negative max age": {Name: "S", MaxAge: -time.Minute},
		"replicas":         {Name: "S", Replicas: -1},
	} {
		if _, err := nats.EnsureStream(context.Background(), fake, c); !errors.Is(err, nats.ErrInvalidConfig) {
			t.Errorf("%s: EnsureStream error = %v, want ErrInvalidConfig", name, err)
		}
	}
	if _, err := nats.EnsureStream(context.Background(), nil, nats.StreamConfig{Name: "S"}); !errors.Is(err, nats.ErrInvalidConfig) {
		t.Errorf("nil js: EnsureStream error = %v, want ErrInvalidConfig", err)
	}
}

// Two deliveries with one idempotency key, within the window, leave one
// message in the stream; another key makes another.
func TestDuplicateWithinWindow(t *testing.T) {
	_, js := connect(t)
	s, cfg := freshStream(t, js, nats.StreamConfig{})
	n, err := nats.New(js, nats.WithPrefix(cfg.Prefix))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	note := sample()
	for attempt := 1; attempt <= 3; attempt++ {
		note.Attempt = attempt
		if err := n.Notify(ctx, note); err != nil {
			t.Fatalf("Notify attempt %d: %v", attempt, err)
		}
	}
	if msgs := storedMsgs(t, s); len(msgs) != 1 {
		t.Fatalf("three deliveries with one key stored %d messages, want 1", len(msgs))
	}
	// The server acknowledges the redelivery as a duplicate.
	ack, err := js.Publish(ctx, cfg.Prefix+".acme.incident.declared", []byte("{}"), jetstream.WithMsgID(note.IdempotencyKey))
	if err != nil || !ack.Duplicate {
		t.Errorf("publish with the same Nats-Msg-Id: ack %+v, %v; want a duplicate", ack, err)
	}
	other := sample()
	other.IdempotencyKey = "key-2"
	if err := n.Notify(ctx, other); err != nil {
		t.Fatal(err)
	}
	msgs := storedMsgs(t, s)
	if len(msgs) != 2 {
		t.Fatalf("stored %d messages, want 2", len(msgs))
	}
	if got := msgs[0].Header.Get(jetstream.MsgIDHeader); got != note.IdempotencyKey {
		t.Errorf("stored %s = %q, want %q", jetstream.MsgIDHeader, got, note.IdempotencyKey)
	}
	if got := decode(t, msgs[0]); got.Attempt != 1 {
		t.Errorf("stored the delivery of attempt %d, want the first", got.Attempt)
	}
}

// Tenants and types with characters subjects cannot hold arrive under
// their escaped subject, intact.
func TestSanitisedSubjectEndToEnd(t *testing.T) {
	_, js := connect(t)
	s, cfg := freshStream(t, js, nats.StreamConfig{Storage: jetstream.MemoryStorage})
	n, err := nats.New(js, nats.WithPrefix(cfg.Prefix))
	if err != nil {
		t.Fatal(err)
	}
	note := sample()
	note.Tenant, note.Type = "acme.eu *>", "incident.re opened"
	if err := n.Notify(context.Background(), note); err != nil {
		t.Fatal(err)
	}
	msgs := storedMsgs(t, s)
	if len(msgs) != 1 {
		t.Fatalf("stored %d messages, want 1", len(msgs))
	}
	if want := cfg.Prefix + ".acme%2Eeu%20%2A%3E.incident.re%20opened"; msgs[0].Subject != want {
		t.Errorf("subject %q, want %q", msgs[0].Subject, want)
	}
	if got := decode(t, msgs[0]); got.Tenant != note.Tenant || got.Type != note.Type {
		t.Errorf("arrived as tenant %q type %q", got.Tenant, got.Type)
	}
}
