package lifecycle

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/iso27035/iso27035/store"
)

// Verify checks one record's audit trail: every hash and link, and that
// the trail's last record sealed the record's current version. A record
// changed around the engine fails with ErrUnaudited; a trail altered in
// the store with ErrChainBroken or ErrChainGap (a *ChainError each). It
// returns the chain's head. Verify reads as the engine: it does not check
// the actor's access, so keep it for auditors and operators.
func (e *Engine) Verify(ctx context.Context, key Key) (Head, error) {
	rec, err := e.st.Get(ctx, e.tenant, key.Kind, key.ID)
	if err != nil {
		return Head{}, err
	}
	head, err := VerifyTrail(e.st.AuditTrail(ctx, e.tenant, key.ID, 0))
	if err != nil {
		return head, err
	}
	if v := rec.Head().Version; v < 0 || head.Seq != uint64(v) { //nolint:gosec // v ≥ 0 checked first
		return head, &ChainError{RecordID: key.ID, Seq: head.Seq, Err: ErrUnaudited,
			Problem: fmt.Sprintf("the record is at version %d but its trail ends at %d", v, head.Seq)}
	}
	return head, nil
}

// Checkpoint verifies every chain of the tenant, signs a checkpoint over
// their heads with the engine's signer (WithSigner) and emits it through
// the outbox (TypeCheckpoint), so that it reaches a place the store's
// writers cannot change; it returns the checkpoint too. It refuses to sign
// over a chain that does not verify, or a record changed around the engine:
// a checkpoint vouches for what it covers.
//
// It reads every audit record of the tenant; call it on a schedule (every
// hour, say), not per change: records appended after the last checkpoint
// are protected only from the next one on.
func (e *Engine) Checkpoint(ctx context.Context) (*Checkpoint, error) {
	if e.signer == nil {
		return nil, ErrNoSigner
	}
	var heads []Head
	for _, kind := range allKinds {
		for rec, err := range e.st.List(ctx, e.tenant, store.Query{Kind: kind}) {
			if err != nil {
				return nil, err
			}
			h, err := e.Verify(ctx, KeyOf(rec))
			if err != nil {
				return nil, err
			}
			heads = append(heads, h)
		}
	}
	now := e.Now()
	cp, err := NewCheckpoint(e.tenant, now, heads)
	if err != nil {
		return nil, err
	}
	if err := SignCheckpoint(cp, e.keyID, e.signer); err != nil {
		return nil, err
	}
	payload, err := json.Marshal(cp)
	if err != nil {
		return nil, err
	}
	id, err := e.ids.NewID()
	if err != nil {
		return nil, err
	}
	entry := store.OutboxEntry{ID: id, Type: TypeCheckpoint, IdempotencyKey: "checkpoint/" + id.String(),
		Payload: payload, CreatedAt: now}
	if err := e.st.Commit(ctx, e.tenant, &store.Write{Outbox: []store.OutboxEntry{entry}}); err != nil {
		return nil, err
	}
	return cp, nil
}

// Export packs one record's audit trail with a checkpoint into a
// self-verifying file for auditors (see NewAuditExport, VerifyExport).
func (e *Engine) Export(ctx context.Context, key Key, cp *Checkpoint) (*AuditExport, error) {
	var trail []store.AuditRecord
	for a, err := range e.st.AuditTrail(ctx, e.tenant, key.ID, 0) {
		if err != nil {
			return nil, err
		}
		trail = append(trail, a)
	}
	return NewAuditExport(e.tenant, key.ID, trail, cp)
}
