package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/iso27035/iso27035/adapters/postgres"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// Open a store on a PostgreSQL database, record an event with its audit
// record and a notification in one atomic write, and let a relay claim
// and acknowledge the notification. It needs a server, so it has no
// output to check.
func ExampleOpen() {
	if err := reportEvent(context.Background(), os.Getenv("ISO27035_POSTGRES_DSN")); err != nil {
		log.Fatal(err)
	}
}

func reportEvent(ctx context.Context, dsn string) error {
	st, err := postgres.Open(ctx, dsn, postgres.WithSchema("iso27035"))
	if errors.Is(err, postgres.ErrSchemaTooNew) {
		return fmt.Errorf("the database was migrated by a newer version of this program: %w", err)
	}
	if err != nil {
		return err
	}
	defer st.Close()

	f := incident.NewFactory()
	ev, err := f.NewEvent(ctx, "acme", "Phishing mail reported", "reporter-1")
	if err != nil {
		return err
	}
	now := f.Now()
	w := &store.Write{
		Create: []incident.Record{ev},
		Audit:  []store.AuditRecord{{RecordID: ev.ID, Seq: 1, At: now, Actor: "reporter-1", Action: "event.reported"}},
		Outbox: []store.OutboxEntry{{ID: ev.ID, Type: "event.reported", RecordID: ev.ID, Seq: 1, IdempotencyKey: ev.ID.String(), CreatedAt: now}},
	}
	if err := st.Commit(ctx, "acme", w); err != nil {
		return err
	}
	fmt.Println("stored at version", ev.Version)

	batch, err := st.Claim(ctx, "acme", time.Now(), 10, time.Minute)
	if err != nil {
		return err
	}
	for _, e := range batch {
		// Deliver e, then:
		if err := st.Ack(ctx, "acme", e.ID, e.Lease); err != nil {
			return err
		}
	}
	return nil
}
