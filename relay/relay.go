package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/iso27035/iso27035/notify"
	"github.com/iso27035/iso27035/store"
)

// recordTimeout bounds an Ack or Nack. They run on a context that is not
// cancelled with Step's, so that a stopping relay still records what it
// delivered; the timeout keeps a stuck store from holding the stop up.
const recordTimeout = 5 * time.Second

// Relay delivers a store's outbox through a notifier. Create it with New.
// It is safe for concurrent use: several goroutines (or several processes
// with their own Relay on one store) may step the same tenant, and the
// leases keep them from delivering the same entry at the same time.
type Relay struct {
	out store.Outbox
	n   notify.Notifier
	cfg config

	jitterMu sync.Mutex // serialises cfg.jitter
}

// New returns a relay that claims entries from out and delivers them
// through n. The error wraps ErrInvalidConfig when out or n is nil or an
// option's value is unusable; it lists every problem.
func New(out store.Outbox, n notify.Notifier, opts ...Option) (*Relay, error) {
	cfg := defaults()
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	var errs []error
	if out == nil {
		errs = append(errs, fmt.Errorf("%w: nil outbox", ErrInvalidConfig))
	}
	if n == nil {
		errs = append(errs, fmt.Errorf("%w: nil notifier", ErrInvalidConfig))
	}
	if err := errors.Join(append(errs, cfg.check())...); err != nil {
		return nil, err
	}
	return &Relay{out: out, n: n, cfg: cfg}, nil
}

// Result counts what one Step did with the entries it claimed. Each claimed
// entry is counted once more, in Delivered, Retried, DeadLettered or
// LeaseLost, unless Step's error says its outcome could not be recorded
// (its lease then expires and it is delivered again).
type Result struct {
	// Claimed counts the entries the store leased to this step.
	Claimed int
	// Delivered counts entries the notifier accepted and the store
	// removed.
	Delivered int
	// Retried counts entries that failed, or were not delivered because
	// the step was stopped or ran out of lease, and wait for another
	// attempt.
	Retried int
	// DeadLettered counts entries that failed for good: the notifier said
	// the failure was permanent, or it was the entry's last attempt.
	DeadLettered int
	// LeaseLost counts entries whose outcome the store refused because the
	// lease was no longer this step's (it expired and another relay claimed
	// the entry) or the entry was gone. The other holder's outcome wins;
	// the receiver drops the duplicate by its IdempotencyKey.
	LeaseLost int
}

// outcome is what became of one claimed entry.
type outcome int

const (
	unrecorded outcome = iota // Ack or Nack failed on the store
	delivered
	retried
	dead
	leaseLost
)

// Step makes one round for tenant: it claims up to a batch of entries at
// the clock's now, delivers them through the notifier (up to the
// concurrency at a time, each with a context that ends before the lease
// does) and records each outcome:
//
//   - delivered: Ack removes the entry;
//   - failed: Nack with RetryAt = now + the backoff of the entry's attempt,
//     or the delay the notifier asked for (notify.RetryAfter) when that is
//     longer, and Permanent when notify.IsPermanent; the store makes the
//     entry a dead letter when the failure is permanent or the attempt was
//     its last;
//   - not delivered because ctx ended, or because the lease ran short
//     before its turn came: Nack with RetryAt = now, so that another relay
//     may claim it at once (the claim has used up one of its attempts).
//
// Outcomes are recorded on a context that ctx's cancellation does not end,
// so a cancelled Step still records what it delivered. A lease lost in the
// meantime (store.ErrLeaseLost, or store.ErrNotFound when the new holder
// already removed the entry) is logged and counted, not returned.
//
// The error is the store's error from Claim (with a zero Result), or the
// store errors of Ack and Nack joined, or else ctx's error when ctx ended
// during the step; the Result counts what was done in every case. A tenant
// of "" is refused with store.ErrInvalid.
func (r *Relay) Step(ctx context.Context, tenant string) (Result, error) {
	if tenant == "" {
		return Result{}, fmt.Errorf("relay: %w: empty tenant", store.ErrInvalid)
	}
	// The real time is read before the clock, so that the deadline of the
	// deliveries, measured from it, falls before the lease ends even when
	// the clock is the real one.
	started := time.Now()
	now := r.cfg.clock().UTC()
	batch, err := r.out.Claim(ctx, tenant, now, r.cfg.batch, r.cfg.lease)
	if err != nil {
		return Result{}, fmt.Errorf("relay: claim for tenant %q: %w", tenant, err)
	}
	res := Result{Claimed: len(batch)}
	if len(batch) == 0 {
		return res, nil
	}

	// Every entry of the batch must be through before its lease ends.
	lease := r.cfg.lease
	for i := range batch {
		if left := batch[i].LeaseUntil.Sub(now); left < lease {
			lease = left
		}
	}
	dctx, cancel := context.WithDeadline(ctx, started.Add(lease-margin(lease)))
	defer cancel()

	outcomes := make([]outcome, len(batch))
	errs := make([]error, len(batch))
	do := func(i int) { outcomes[i], errs[i] = r.handle(ctx, dctx, tenant, &batch[i]) }
	if workers := min(r.cfg.concurrency, len(batch)); workers == 1 {
		for i := range batch {
			do(i)
		}
	} else {
		next := make(chan int)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := range next {
					do(i)
				}
			})
		}
		for i := range batch {
			next <- i
		}
		close(next)
		wg.Wait()
	}

	for _, o := range outcomes {
		switch o {
		case delivered:
			res.Delivered++
		case retried:
			res.Retried++
		case dead:
			res.DeadLettered++
		case leaseLost:
			res.LeaseLost++
		}
	}
	if err := errors.Join(errs...); err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("relay: step for tenant %q stopped: %w", tenant, err)
	}
	return res, nil
}

// margin is how much earlier than its lease a delivery must end: a tenth
// of the lease, at least a second, at most half of it. It leaves time to
// record the outcome, and to spare for clocks that disagree.
func margin(lease time.Duration) time.Duration {
	return min(max(lease/10, time.Second), lease/2)
}

// handle delivers one entry and records its outcome. ctx is Step's
// context, dctx the deliveries' (ctx with the lease's deadline).
func (r *Relay) handle(ctx, dctx context.Context, tenant string, e *store.OutboxEntry) (outcome, error) {
	switch {
	case ctx.Err() != nil:
		return r.release(ctx, tenant, e, "relay stopped before delivery: "+ctx.Err().Error())
	case dctx.Err() != nil:
		return r.release(ctx, tenant, e, "lease ran short before delivery")
	}

	err := r.n.Notify(dctx, notification(tenant, e))
	if err == nil {
		return r.ack(ctx, tenant, e)
	}
	if ctx.Err() != nil {
		// Stopped mid-delivery: the receiver is not to blame.
		return r.release(ctx, tenant, e, "relay stopped during delivery: "+err.Error())
	}
	now := r.cfg.clock().UTC()
	f := store.Failure{Now: now, RetryAt: now, Reason: err.Error(), Permanent: notify.IsPermanent(err)}
	if !f.Permanent && e.Attempts < e.MaxTries() {
		delay := r.backoff(e.Attempts)
		if after, ok := notify.RetryAfter(err); ok && after > delay {
			delay = after
		}
		f.RetryAt = now.Add(delay)
	}
	o, rerr := r.nack(ctx, tenant, e, f)
	switch o {
	case dead:
		r.log(ctx, slog.LevelError, "relay: dead letter", tenant, e,
			slog.Bool("permanent", f.Permanent), slog.Int("max_attempts", e.MaxTries()), slog.Any("error", err))
	case retried:
		r.log(ctx, slog.LevelWarn, "relay: delivery failed, will retry", tenant, e,
			slog.Time("retry_at", f.RetryAt), slog.Any("error", err))
	}
	return o, rerr
}

// release gives back an entry that was not delivered through no fault of
// the receiver: it is claimable again at once, and the claim does not count
// towards its attempts (store.Failure.Release), so stopping a relay never
// turns an undelivered entry into a dead letter.
func (r *Relay) release(ctx context.Context, tenant string, e *store.OutboxEntry, reason string) (outcome, error) {
	now := r.cfg.clock().UTC()
	o, err := r.nack(ctx, tenant, e, store.Failure{Now: now, RetryAt: now, Reason: reason, Release: true})
	if o == retried {
		r.log(ctx, slog.LevelInfo, "relay: gave back undelivered entry", tenant, e, slog.String("reason", reason))
	}
	return o, err
}

// ack records a delivery.
func (r *Relay) ack(ctx context.Context, tenant string, e *store.OutboxEntry) (outcome, error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := r.out.Ack(rctx, tenant, e.ID, e.Lease); err != nil {
		return r.recordFailed(ctx, tenant, e, "ack", err)
	}
	r.log(ctx, slog.LevelDebug, "relay: delivered", tenant, e)
	return delivered, nil
}

// nack records a failure.
func (r *Relay) nack(ctx context.Context, tenant string, e *store.OutboxEntry, f store.Failure) (outcome, error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := r.out.Nack(rctx, tenant, e.ID, e.Lease, f); err != nil {
		return r.recordFailed(ctx, tenant, e, "nack", err)
	}
	if !f.Release && (f.Permanent || e.Attempts >= e.MaxTries()) {
		return dead, nil
	}
	return retried, nil
}

// recordFailed sorts out an error of Ack or Nack.
func (r *Relay) recordFailed(ctx context.Context, tenant string, e *store.OutboxEntry, op string, err error) (outcome, error) {
	if errors.Is(err, store.ErrLeaseLost) || errors.Is(err, store.ErrNotFound) {
		r.log(ctx, slog.LevelWarn, "relay: lease lost; another relay holds the entry", tenant, e,
			slog.String("op", op), slog.Any("error", err))
		return leaseLost, nil
	}
	r.log(ctx, slog.LevelError, "relay: cannot record outcome; the entry will be delivered again", tenant, e,
		slog.String("op", op), slog.Any("error", err))
	return unrecorded, fmt.Errorf("relay: %s of outbox entry %s: %w", op, e.ID, err)
}

// log logs msg about an entry, building the attributes only when the
// logger wants the record.
func (r *Relay) log(ctx context.Context, level slog.Level, msg, tenant string, e *store.OutboxEntry, attrs ...slog.Attr) {
	if !r.cfg.logger.Enabled(ctx, level) {
		return
	}
	all := append([]slog.Attr{
		slog.String("tenant", tenant), slog.String("id", e.ID.String()),
		slog.String("type", e.Type), slog.Int("attempt", e.Attempts),
	}, attrs...)
	r.cfg.logger.LogAttrs(ctx, level, msg, all...)
}

// backoff returns the delay before the retry of a delivery that failed on
// the given attempt (1 for the first): base·2^(attempt-1) capped at max,
// times the jitter.
func (r *Relay) backoff(attempt int) time.Duration {
	d := r.cfg.base
	for i := 1; i < attempt && d < r.cfg.max; i++ {
		if d > r.cfg.max/2 {
			d = r.cfg.max
			break
		}
		d *= 2
	}
	d = min(d, r.cfg.max)
	r.jitterMu.Lock()
	j := r.cfg.jitter()
	r.jitterMu.Unlock()
	switch {
	case !(j <= 1): // above 1, or NaN
		j = 1
	case j < 0:
		j = 0
	}
	return time.Duration(float64(d) * j)
}

// notification builds what the notifier gets from an outbox entry.
func notification(tenant string, e *store.OutboxEntry) notify.Notification {
	return notify.Notification{
		ID:             e.ID,
		Type:           e.Type,
		Tenant:         tenant,
		RecordID:       e.RecordID,
		Seq:            e.Seq,
		IdempotencyKey: e.IdempotencyKey,
		Payload:        e.Payload,
		CreatedAt:      e.CreatedAt,
		Attempt:        e.Attempts,
	}
}

// Run delivers the outboxes of tenants until ctx is done: it steps each
// tenant in turn, round after round, and waits for the poll interval after
// a round that claimed nothing for any tenant. It returns nil once ctx is
// done, cancelled or past its deadline: stopping is how a Run ends, and the
// caller knows why from ctx. A store error of a step is logged and answered
// by waiting for the poll interval before the next round; only one that
// wraps store.ErrInvalid (no retry can mend it: an empty tenant, a relay
// misconfigured for its store) ends Run, and is returned. Run with no
// tenant returns an error wrapping store.ErrInvalid.
//
// Run starts no goroutine that outlives it: a Step in progress when ctx
// ends records the outcomes of its deliveries, then Run returns.
func (r *Relay) Run(ctx context.Context, tenants ...string) error {
	if len(tenants) == 0 {
		return fmt.Errorf("relay: %w: run without tenants", store.ErrInvalid)
	}
	timer := time.NewTimer(r.cfg.poll)
	timer.Stop()
	defer timer.Stop()
	for {
		idle, failed := true, false
		for _, t := range tenants {
			if ctx.Err() != nil {
				return nil
			}
			res, err := r.Step(ctx, t)
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				if errors.Is(err, store.ErrInvalid) {
					return err
				}
				failed = true
				r.cfg.logger.LogAttrs(ctx, slog.LevelError, "relay: step failed",
					slog.String("tenant", t), slog.Any("error", err))
			}
			if res.Claimed > 0 {
				idle = false
			}
		}
		if idle || failed {
			timer.Reset(r.cfg.poll)
			select {
			case <-ctx.Done():
				return nil
			case <-timer.C:
			}
		}
	}
}
