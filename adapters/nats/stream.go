package nats

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Duplicate windows of EnsureStream.
const (
	// DefaultDuplicateWindow is the duplicate window EnsureStream sets
	// when StreamConfig.Duplicates is zero. It covers the retry horizon of
	// a relay with its default options, 821 s (see RetryHorizon), rounded
	// up to a quarter of an hour.
	DefaultDuplicateWindow = 15 * time.Minute
	// MaxDuplicateWindow is the longest duplicate window EnsureStream
	// accepts: JetStream keeps every message ID of the window in memory,
	// and a relay that has retried for a day has a problem no window mends.
	MaxDuplicateWindow = 24 * time.Hour
)

// RetryHorizon returns the longest time between the first and the last
// delivery attempt of one notification by a relay that makes at most
// attempts attempts, waits base·2^(k-1), capped at maxDelay, after the
// k-th failure (relay.WithBackoff; the jitter only shortens it), and lets
// each attempt take perAttempt (the relay's lease plus its poll interval).
// With the relay's defaults (store.DefaultMaxAttempts, relay.DefaultBackoffBase,
// relay.DefaultBackoffMax, relay.DefaultLease+relay.DefaultPollInterval)
// it is 821 s. A stream whose duplicate window is at least this long
// stores one message per notification; the result saturates instead of
// overflowing.
func RetryHorizon(attempts int, base, maxDelay, perAttempt time.Duration) time.Duration {
	const forever = time.Duration(1<<63 - 1)
	add := func(a, b time.Duration) time.Duration {
		if b > 0 && a > forever-b {
			return forever
		}
		return a + b
	}
	var total time.Duration
	d := base
	for k := 1; k <= attempts; k++ {
		total = add(total, perAttempt)
		if k == attempts {
			break
		}
		total = add(total, min(d, maxDelay))
		if d < maxDelay {
			d = add(d, d)
		}
	}
	return total
}

// StreamConfig is what EnsureStream makes a stream of. Only settings
// nats-server 2.9 supports are offered.
type StreamConfig struct {
	// Name is the stream's name. Required.
	Name string
	// Prefix is the Notifier's subject prefix; the stream takes
	// <Prefix>.>. DefaultPrefix when empty.
	Prefix string
	// Duplicates is the duplicate window: a message whose Nats-Msg-Id was
	// stored less than Duplicates ago is dropped. DefaultDuplicateWindow
	// when zero; more than MaxDuplicateWindow is invalid.
	Duplicates time.Duration
	// MaxAge discards messages older than it; zero keeps them until the
	// stream is purged. A MaxAge below Duplicates is invalid.
	MaxAge time.Duration
	// Replicas is the number of copies in a cluster; 1 when zero.
	Replicas int
	// Storage is jetstream.FileStorage (the zero value) or
	// jetstream.MemoryStorage.
	Storage jetstream.StorageType
}

// EnsureStream creates the stream cfg describes, or updates the stream of
// that name to it, and returns it. An invalid cfg is an error wrapping
// ErrInvalidConfig; JetStream refuses to change some settings of an
// existing stream (its storage), and EnsureStream then returns its error.
func EnsureStream(ctx context.Context, js jetstream.JetStream, cfg StreamConfig) (jetstream.Stream, error) {
	if js == nil {
		return nil, fmt.Errorf("%w: nil JetStream", ErrInvalidConfig)
	}
	if cfg.Name == "" {
		return nil, fmt.Errorf("%w: stream name required", ErrInvalidConfig)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if err := checkPrefix(cfg.Prefix); err != nil {
		return nil, err
	}
	if cfg.Duplicates == 0 {
		cfg.Duplicates = DefaultDuplicateWindow
	}
	switch {
	case cfg.Duplicates < 0 || cfg.Duplicates > MaxDuplicateWindow:
		return nil, fmt.Errorf("%w: duplicate window %v, want up to %v", ErrInvalidConfig, cfg.Duplicates, MaxDuplicateWindow)
	case cfg.MaxAge < 0:
		return nil, fmt.Errorf("%w: negative max age %v", ErrInvalidConfig, cfg.MaxAge)
	case cfg.MaxAge > 0 && cfg.MaxAge < cfg.Duplicates:
		return nil, fmt.Errorf("%w: max age %v is shorter than the duplicate window %v", ErrInvalidConfig, cfg.MaxAge, cfg.Duplicates)
	case cfg.Replicas < 0:
		return nil, fmt.Errorf("%w: %d replicas", ErrInvalidConfig, cfg.Replicas)
	}
	if cfg.Replicas == 0 {
		cfg.Replicas = 1
	}
	s, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:       cfg.Name,
		Subjects:   []string{cfg.Prefix + ".>"},
		Storage:    cfg.Storage,
		Replicas:   cfg.Replicas,
		MaxAge:     cfg.MaxAge,
		Duplicates: cfg.Duplicates,
	})
	if err != nil {
		return nil, fmt.Errorf("nats: ensuring stream %s: %w", cfg.Name, err)
	}
	return s, nil
}
