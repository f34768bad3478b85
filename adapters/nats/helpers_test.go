package nats_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/iso27035/iso27035/adapters/nats"
	"github.com/iso27035/iso27035/notify"
	"github.com/iso27035/iso27035/notify/notifytest"
)

// urlVar names the environment variable with the test server's URL.
const urlVar = "ISO27035_NATS_URL"

// testURL returns the URL of the NATS server (JetStream enabled) the tests
// use, from ISO27035_NATS_URL. Unset, or with a server that does not
// answer, the test is skipped with a message naming the variable, unless
// CI=true: CI must run these tests, so it fails instead.
func testURL(tb testing.TB) string {
	tb.Helper()
	miss := tb.Skipf
	if os.Getenv("CI") == "true" {
		miss = tb.Fatalf
	}
	url := os.Getenv(urlVar)
	if url == "" {
		miss("%s is not set: set it to a NATS server with JetStream enabled (e.g. nats://127.0.0.1:4222) to run this test", urlVar)
		return ""
	}
	nc, err := natsgo.Connect(url, natsgo.Timeout(2*time.Second))
	if err != nil {
		miss("%s=%s: no NATS server answers: %v", urlVar, url, err)
		return ""
	}
	nc.Close()
	return url
}

// connect connects to the test server, closing the connection when the
// test ends.
func connect(tb testing.TB) (*natsgo.Conn, jetstream.JetStream) {
	tb.Helper()
	nc, err := natsgo.Connect(testURL(tb), natsgo.Timeout(2*time.Second))
	if err != nil {
		tb.Fatalf("connecting: %v", err)
	}
	tb.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		tb.Fatalf("jetstream.New: %v", err)
	}
	return nc, js
}

// fresh returns a stream name and subject prefix no other test uses.
func fresh(tb testing.TB) (name, prefix string) {
	tb.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	suffix := hex.EncodeToString(b[:])
	return "ISO27035_TEST_" + strings.ToUpper(suffix), "iso27035test_" + suffix
}

// freshStream makes a stream with EnsureStream for a fresh prefix, deleted
// when the test ends.
func freshStream(tb testing.TB, js jetstream.JetStream, cfg nats.StreamConfig) (jetstream.Stream, nats.StreamConfig) {
	tb.Helper()
	cfg.Name, cfg.Prefix = fresh(tb)
	s, err := nats.EnsureStream(context.Background(), js, cfg)
	if err != nil {
		tb.Fatalf("EnsureStream: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := js.DeleteStream(ctx, cfg.Name); err != nil {
			tb.Errorf("deleting stream %s: %v", cfg.Name, err)
		}
	})
	return s, cfg
}

// storedMsgs returns the messages of s, oldest first.
func storedMsgs(tb testing.TB, s jetstream.Stream) []*jetstream.RawStreamMsg {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	info, err := s.Info(ctx)
	if err != nil {
		tb.Errorf("stream info: %v", err)
		return nil
	}
	var out []*jetstream.RawStreamMsg
	for seq := info.State.FirstSeq; info.State.Msgs > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if err != nil {
			tb.Errorf("GetMsg(%d): %v", seq, err)
			continue
		}
		out = append(out, m)
	}
	return out
}

// decode returns the notification a stored message carries.
func decode(tb testing.TB, m *jetstream.RawStreamMsg) notify.Notification {
	tb.Helper()
	var n notify.Notification
	if err := json.Unmarshal(m.Data, &n); err != nil {
		tb.Errorf("message %d is not a notification: %v", m.Sequence, err)
	}
	return n
}

// jsError is the body of a JetStream answer with an error.
func jsError(code int, errCode uint16, desc string) []byte {
	b, _ := json.Marshal(map[string]any{"error": jetstream.APIError{Code: code, ErrorCode: jetstream.ErrorCode(errCode), Description: desc}})
	return b
}

// harness builds a notifytest.Harness on a fresh stream. FailNext detaches
// the stream from the prefix and puts a one-shot responder in its place,
// which reattaches the stream and then answers the next publish with a
// JetStream error (503 for FailTransient, 400 for FailPermanent) or not at
// all (FailHang): the receiving side, JetStream, fails that delivery once.
func harness(t *testing.T) notifytest.Harness {
	nc, js := connect(t)
	s, cfg := freshStream(t, js, nats.StreamConfig{Storage: jetstream.MemoryStorage})
	n, err := nats.New(js, nats.WithPrefix(cfg.Prefix))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	subjects := func(subj string) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		info, err := s.Info(ctx)
		if err != nil {
			t.Errorf("stream info: %v", err)
			return
		}
		c := info.Config
		c.Subjects = []string{subj}
		if _, err := js.UpdateStream(ctx, c); err != nil {
			t.Errorf("moving stream to %s: %v", subj, err)
		}
	}
	var mu sync.Mutex // one FailNext at a time
	return notifytest.Harness{
		Notifier: n,
		Received: func() []notify.Notification {
			var out []notify.Notification
			for _, m := range storedMsgs(t, s) {
				out = append(out, decode(t, m))
			}
			return out
		},
		FailNext: func(f notifytest.Failure) {
			mu.Lock()
			defer mu.Unlock()
			subjects(cfg.Prefix + "_detached.>")
			sub, err := nc.Subscribe(cfg.Prefix+".>", func(m *natsgo.Msg) {
				subjects(cfg.Prefix + ".>")
				switch f {
				case notifytest.FailTransient:
					_ = m.Respond(jsError(503, 10077, "test: stream store unavailable"))
				case notifytest.FailPermanent:
					_ = m.Respond(jsError(400, 10054, "test: message size exceeds maximum allowed"))
				case notifytest.FailHang:
					// No answer.
				default:
					t.Errorf("FailNext(%v): not claimed", f)
				}
			})
			if err != nil {
				t.Fatalf("subscribe: %v", err)
			}
			if err := sub.AutoUnsubscribe(1); err != nil {
				t.Fatalf("AutoUnsubscribe: %v", err)
			}
			if err := nc.Flush(); err != nil {
				t.Fatalf("flush: %v", err)
			}
		},
		Features: notifytest.Features{SupportsPermanent: true, SupportsHang: true},
	}
}

// fakeJS is a JetStream that records what is published and answers with
// err; only PublishMsg is implemented.
type fakeJS struct {
	jetstream.JetStream
	mu   sync.Mutex
	msgs []*natsgo.Msg
	err  error
}

func (f *fakeJS) PublishMsg(_ context.Context, m *natsgo.Msg, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, m)
	if f.err != nil {
		return nil, f.err
	}
	return &jetstream.PubAck{Stream: "FAKE", Sequence: uint64(len(f.msgs))}, nil
}
