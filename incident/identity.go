package incident

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Clock tells the time. Hosts and tests inject one so that nothing in the
// SDK reads the wall clock behind their back.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now implements Clock.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the wall clock, in UTC.
type SystemClock struct{}

// Now implements Clock.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// IDSource makes record identifiers. The default is UUIDv7 (RFC 9562), whose
// time-ordered prefix keeps index inserts local in every database.
type IDSource interface {
	NewID() (uuid.UUID, error)
}

// IDFunc adapts a function to IDSource.
type IDFunc func() (uuid.UUID, error)

// NewID implements IDSource.
func (f IDFunc) NewID() (uuid.UUID, error) { return f() }

// UUIDv7 is the default IDSource.
type UUIDv7 struct{}

// NewID implements IDSource with uuid.NewV7.
func (UUIDv7) NewID() (uuid.UUID, error) { return uuid.NewV7() }

// Sequence hands out the numbers of human references, per organisation,
// kind and year: INC-2026-000042 is the 42nd incident of 2026. A host backs
// it with its database (a counter row updated in the same transaction, a
// PostgreSQL sequence per year); numbers must never repeat, gaps are fine.
type Sequence interface {
	Next(ctx context.Context, org string, kind Kind, year int) (uint64, error)
}

// MemorySequence is an in-process Sequence, for tests and single-process
// hosts that do not need references to survive a restart. The zero value is
// ready to use and safe for concurrent use.
type MemorySequence struct {
	mu   sync.Mutex
	next map[seqKey]uint64
}

type seqKey struct {
	org  string
	kind Kind
	year int
}

// Next implements Sequence.
func (s *MemorySequence) Next(ctx context.Context, org string, kind Kind, year int) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next == nil {
		s.next = make(map[seqKey]uint64)
	}
	k := seqKey{org, kind, year}
	s.next[k]++
	return s.next[k], nil
}

// Ref is a record's human reference: a kind prefix, the year and a
// sequence number of at least six digits, such as INC-2026-000042. It is
// unique per organisation; the ID is unique everywhere.
type Ref string

// FormatRef builds the reference of the n-th record of kind in year.
func FormatRef(kind Kind, year int, n uint64) (Ref, error) {
	p := kind.refPrefix()
	if p == "" {
		return "", &FieldError{Path: "kind", Value: string(kind), Rule: RuleEnum, Reason: "unknown record kind", Err: ErrUnknownValue}
	}
	if year < 1000 || year > 9999 || n == 0 {
		return "", &FieldError{Path: "ref", Value: fmt.Sprintf("%d/%d", year, n), Rule: RuleRefFormat,
			Reason: "year must have four digits and the number be positive", Err: ErrFormat}
	}
	b := make([]byte, 0, 16)
	b = append(b, p...)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(year), 10)
	b = append(b, '-')
	digits := strconv.FormatUint(n, 10)
	for i := len(digits); i < 6; i++ {
		b = append(b, '0')
	}
	b = append(b, digits...)
	return Ref(b), nil
}

// Parse splits a reference into its kind, year and number.
func (r Ref) Parse() (kind Kind, year int, n uint64, err error) {
	s := string(r)
	bad := func(why string) error {
		return &FieldError{Path: "ref", Value: s, Rule: RuleRefFormat, Reason: why, Err: ErrFormat}
	}
	if len(s) < 15 || s[3] != '-' || s[8] != '-' {
		return "", 0, 0, bad("want PREFIX-YYYY-NNNNNN")
	}
	switch s[:3] {
	case "EVT":
		kind = KindEvent
	case "INC":
		kind = KindIncident
	case "VUL":
		kind = KindVulnerability
	default:
		return "", 0, 0, bad("unknown prefix, want EVT, INC or VUL")
	}
	for _, c := range s[4:8] {
		if c < '0' || c > '9' {
			return "", 0, 0, bad("year is not four digits")
		}
	}
	if s[4] == '0' {
		return "", 0, 0, bad("year before 1000")
	}
	year, _ = strconv.Atoi(s[4:8])
	digits := s[9:]
	if len(digits) < 6 || len(digits) > 20 {
		return "", 0, 0, bad("number must have 6 to 20 digits")
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return "", 0, 0, bad("number is not decimal")
		}
	}
	n, perr := strconv.ParseUint(digits, 10, 64)
	if perr != nil || n == 0 {
		return "", 0, 0, bad("number out of range")
	}
	if len(digits) > 6 && digits[0] == '0' {
		return "", 0, 0, bad("number has superfluous leading zeros")
	}
	return kind, year, n, nil
}

// Factory creates records with their identity: a fresh ID, the human
// reference, the organisation, creation time and initial phase and state.
// All three sources are injectable; NewFactory fills in defaults.
type Factory struct {
	clock Clock
	ids   IDSource
	seq   Sequence
}

// FactoryOption configures a Factory.
type FactoryOption interface{ apply(*Factory) }

type factoryOption func(*Factory)

func (o factoryOption) apply(f *Factory) { o(f) }

// WithClock sets the clock (default SystemClock).
func WithClock(c Clock) FactoryOption { return factoryOption(func(f *Factory) { f.clock = c }) }

// WithIDs sets the ID source (default UUIDv7).
func WithIDs(s IDSource) FactoryOption { return factoryOption(func(f *Factory) { f.ids = s }) }

// WithSequence sets the reference sequence (default a new MemorySequence,
// which restarts at 1 with the process: hosts that persist records should
// pass their own).
func WithSequence(s Sequence) FactoryOption { return factoryOption(func(f *Factory) { f.seq = s }) }

// NewFactory returns a Factory with the given options applied over the
// defaults.
func NewFactory(opts ...FactoryOption) *Factory {
	f := &Factory{clock: SystemClock{}, ids: UUIDv7{}, seq: &MemorySequence{}}
	for _, o := range opts {
		if o != nil {
			o.apply(f)
		}
	}
	return f
}

// Now returns the factory clock's time in UTC, truncated to microseconds so
// it survives a round trip through every database the adapters support.
func (f *Factory) Now() time.Time { return f.clock.Now().UTC().Truncate(time.Microsecond) }

func (f *Factory) header(ctx context.Context, org string, kind Kind) (Header, error) {
	if org == "" {
		return Header{}, &FieldError{Path: "org", Rule: RuleRequired, Reason: "organisation (tenant) is required", Err: ErrRequired}
	}
	id, err := f.ids.NewID()
	if err != nil {
		return Header{}, fmt.Errorf("incident: new %s id: %w", kind, err)
	}
	now := f.Now()
	n, err := f.seq.Next(ctx, org, kind, now.Year())
	if err != nil {
		return Header{}, fmt.Errorf("incident: next %s reference: %w", kind, err)
	}
	ref, err := FormatRef(kind, now.Year(), n)
	if err != nil {
		return Header{}, err
	}
	return Header{ID: id, Ref: ref, Org: org, CreatedAt: now, UpdatedAt: now}, nil
}
