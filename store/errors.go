package store

import "errors"

// Sentinel errors. Implementations return them or wrap them (fmt.Errorf
// with %w) so that errors.Is works across every backend.
var (
	// ErrNotFound: the record, outbox entry, timer or document does not
	// exist in the tenant. A record of another tenant is not found either.
	ErrNotFound = errors.New("store: not found")
	// ErrExists: Commit tried to create a record, document or timer whose
	// key already exists in the tenant, or an outbox entry whose ID is in
	// the tenant's outbox. Nothing of the Write was stored.
	ErrExists = errors.New("store: already exists")
	// ErrConflict: an optimistic version did not match (a record, document
	// or timer changed since it was read), or an audit record's sequence
	// number is not the next one. Nothing of the Write was stored.
	ErrConflict = errors.New("store: version conflict")
	// ErrInvalid: the arguments are unusable (empty tenant, nil record,
	// a record of another organisation than the tenant, non-positive batch
	// size, a Write that repeats a key, a Nack without a time). The call
	// did nothing. It is a programming error of the caller, not a
	// retryable one.
	ErrInvalid = errors.New("store: invalid argument")
	// ErrLeaseLost: Ack or Nack named an outbox entry whose lease is not the
	// current one (it expired and was claimed again, the entry was
	// dead-lettered, or the lease was never held).
	// The entry is unchanged; the other holder's outcome wins.
	ErrLeaseLost = errors.New("store: outbox lease lost")
)
