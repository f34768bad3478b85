package nats_test

import (
	"context"
	"log"
	"os"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/iso27035/iso27035/adapters/nats"
	"github.com/iso27035/iso27035/notify"
)

// A host connects, makes sure the stream exists with a duplicate window
// covering the relay's retries, and gives the Notifier to its relay.
func ExampleNew() {
	if err := run(context.Background(), os.Getenv("ISO27035_NATS_URL")); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, url string) error {
	nc, err := natsgo.Connect(url)
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	// Subjects iso27035.>, duplicate window DefaultDuplicateWindow.
	if _, err := nats.EnsureStream(ctx, js, nats.StreamConfig{Name: "ISO27035"}); err != nil {
		return err
	}
	n, err := nats.New(js)
	if err != nil {
		return err
	}
	var notifier notify.Notifier = n // e.g. relay.New(st, notifier, …)
	_ = notifier
	return nil
}
