package lifecycle_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store"
)

// Three audit records are sealed into a chain, a checkpoint over its head
// is signed with an Ed25519 key, and then the trail is tampered with: a
// record altered, the chain re-hashed to hide it, the chain cut short.
func Example_auditTrail() {
	id := uuid.MustParse("0195a000-0000-7000-8000-000000000042")
	at := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

	var trail []store.AuditRecord
	for i, action := range []string{"event.reported", "event.assessed", "incident.declared"} {
		rec := store.AuditRecord{
			RecordID: id,
			At:       at.Add(time.Duration(i) * time.Minute),
			Actor:    "actor-analyst-1",
			Action:   action,
			Data:     json.RawMessage(fmt.Sprintf(`{"step": %d}`, i+1)),
		}
		var prev *store.AuditRecord
		if i > 0 {
			prev = &trail[i-1]
		}
		if err := lifecycle.SealAuditRecord(prev, &rec); err != nil {
			fmt.Println(err)
			return
		}
		trail = append(trail, rec)
	}
	head, err := lifecycle.VerifyChain(trail)
	fmt.Printf("head: Seq %d, hash %x…, %v\n", head.Seq, head.Hash[:6], err)

	// The checkpoint is signed with a key the store's writer does not hold.
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{42}, ed25519.SeedSize))
	cp, err := lifecycle.NewCheckpoint("org-1", at.Add(time.Hour), []lifecycle.Head{head})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := lifecycle.SignCheckpoint(cp, "audit-2026", key); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("checkpoint signature:", lifecycle.VerifyCheckpoint(cp, key.Public()))
	fmt.Println("trail against checkpoint:", lifecycle.VerifyAgainst(cp, map[uuid.UUID][]store.AuditRecord{id: trail}))

	// Someone with write access changes who assessed the event.
	trail[1].Actor = "actor-someone-else"
	_, err = lifecycle.VerifyChain(trail)
	fmt.Println("altered:", errors.Is(err, lifecycle.ErrChainBroken))
	fmt.Println(err)

	// They re-hash the chain: it is consistent again, so the chain alone
	// shows nothing, but the signed checkpoint does.
	for i := 1; i < len(trail); i++ {
		if err := lifecycle.SealAuditRecord(&trail[i-1], &trail[i]); err != nil {
			fmt.Println(err)
			return
		}
	}
	_, err = lifecycle.VerifyChain(trail)
	fmt.Println("re-hashed, chain alone:", err)
	err = lifecycle.VerifyAgainst(cp, map[uuid.UUID][]store.AuditRecord{id: trail})
	fmt.Println("re-hashed, against checkpoint:", errors.Is(err, lifecycle.ErrChainBroken))
	fmt.Println(err)

	// Cutting the last record off is a truncation.
	err = lifecycle.VerifyAgainst(cp, map[uuid.UUID][]store.AuditRecord{id: trail[:2]})
	fmt.Println("cut short:", errors.Is(err, lifecycle.ErrTruncated))

	// Output:
	// head: Seq 3, hash e42c5b62c52b…, <nil>
	// checkpoint signature: <nil>
	// trail against checkpoint: <nil>
	// altered: true
	// lifecycle: audit chain broken: record 0195a000-0000-7000-8000-000000000042, Seq 2: the hash does not match the record's contents
	// re-hashed, chain alone: <nil>
	// re-hashed, against checkpoint: true
	// lifecycle: audit chain broken: record 0195a000-0000-7000-8000-000000000042, Seq 3: the hash at Seq 3 is not the checkpoint's: history was rewritten
	// cut short: true
}

// Free text that may name people goes into the audit trail as a salted
// commitment; the text and the salt stay in the record, where erasure can
// reach them.
func ExampleCommit() {
	salt := bytes.Repeat([]byte{7}, lifecycle.SaltSize) // use lifecycle.NewSalt()
	note := "Reported by Jane Doe, jane@example.org"
	c := lifecycle.Commit(salt, note)
	fmt.Println(len(c), "hex digits")
	fmt.Println(lifecycle.CheckCommitment(salt, note, c))
	fmt.Println(lifecycle.CheckCommitment(salt, "Reported by John Doe", c))
	// Output:
	// 64 hex digits
	// true
	// false
}
