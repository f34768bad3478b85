package lifecycle

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/internal/canonical"
	"github.com/iso27035/iso27035/store"
)

// AuditAlgorithm identifies how audit record hashes are computed: SHA-256
// over the identifier, a zero byte and version 1 of the canonical JSON of
// the record without its hash (see the package documentation).
const AuditAlgorithm = "sha256/canonical-v1"

// Errors of the audit trail. A *ChainError wraps ErrChainBroken,
// ErrChainGap, ErrTruncated, ErrMissingChain or ErrNotCovered, so
// errors.Is and errors.As both work.
var (
	// ErrChainBroken: a record's hash does not match its contents, its
	// PrevHash does not match the previous record's Hash, it belongs to
	// another record, or the chain's hash at a checkpoint's Seq differs
	// from the checkpoint's (history rewritten).
	ErrChainBroken = errors.New("lifecycle: audit chain broken")
	// ErrChainGap: the Seqs do not run 1, 2, 3, …: a record is missing,
	// repeated or out of order.
	ErrChainGap = errors.New("lifecycle: audit chain has a gap")
	// ErrTruncated: a chain ends before the Seq its checkpoint recorded.
	ErrTruncated = errors.New("lifecycle: audit chain truncated")
	// ErrMissingChain: a chain the checkpoint lists has no records at all.
	ErrMissingChain = errors.New("lifecycle: audit chain missing")
	// ErrNotCovered: an export's chain is not in its checkpoint (another
	// record, another tenant).
	ErrNotCovered = errors.New("lifecycle: audit chain not covered by the checkpoint")
	// ErrUnknownAlgorithm: a checkpoint or export names a hash algorithm
	// this version does not know.
	ErrUnknownAlgorithm = errors.New("lifecycle: unknown audit algorithm")
	// ErrInvalidAudit: SealAuditRecord was given a record it cannot seal.
	ErrInvalidAudit = errors.New("lifecycle: invalid audit record")
)

// ChainError says where and how an audit chain failed verification. Err is
// the sentinel (ErrChainBroken, ErrChainGap, ErrTruncated, ErrMissingChain,
// ErrNotCovered) it unwraps to.
type ChainError struct {
	// RecordID names the chain: the record whose trail failed.
	RecordID uuid.UUID
	// Seq is the Seq of the offending record, or the checkpoint's Seq for
	// ErrTruncated and ErrMissingChain.
	Seq     uint64
	Problem string
	Err     error
}

// Error describes the problem.
func (e *ChainError) Error() string {
	return fmt.Sprintf("%v: record %s, Seq %d: %s", e.Err, e.RecordID, e.Seq, e.Problem)
}

// Unwrap returns the sentinel.
func (e *ChainError) Unwrap() error { return e.Err }

// Head is the last record of a chain, or of the prefix a checkpoint
// commits to.
type Head struct {
	RecordID uuid.UUID `json:"record_id"`
	Seq      uint64    `json:"seq"`
	Hash     []byte    `json:"hash"`
}

// SealAuditRecord completes rec as the record following prev in its
// chain (prev is nil for a record's first audit record): it sets Seq,
// PrevHash and Hash, rewrites Data in canonical form and rounds At down to
// a whole microsecond. The caller fills RecordID, At (UTC), Actor, Action
// and Data; Data must refer to people by ActorID only (see Commit for free
// text).
//
// ErrInvalidAudit when RecordID is nil, At is zero or not in UTC, Action
// is empty, Actor or Action is not valid UTF-8, Data is not JSON or has no
// canonical form, or prev is not a sealed record of the same RecordID. On
// error rec is unchanged.
func SealAuditRecord(prev *store.AuditRecord, rec *store.AuditRecord) error {
	if rec == nil {
		return fmt.Errorf("%w: nil record", ErrInvalidAudit)
	}
	switch {
	case rec.RecordID == uuid.Nil:
		return fmt.Errorf("%w: no record ID", ErrInvalidAudit)
	case rec.At.IsZero():
		return fmt.Errorf("%w: no time", ErrInvalidAudit)
	case rec.At.Location() != time.UTC:
		return fmt.Errorf("%w: time %s is not in UTC", ErrInvalidAudit, rec.At)
	case rec.Action == "":
		return fmt.Errorf("%w: no action", ErrInvalidAudit)
	}
	seq, prevHash := uint64(1), []byte(nil)
	if prev != nil {
		switch {
		case prev.RecordID != rec.RecordID:
			return fmt.Errorf("%w: previous record belongs to %s, not %s", ErrInvalidAudit, prev.RecordID, rec.RecordID)
		case prev.Seq == 0 || len(prev.Hash) != sha256.Size:
			return fmt.Errorf("%w: previous record (Seq %d) is not sealed", ErrInvalidAudit, prev.Seq)
		}
		seq, prevHash = prev.Seq+1, prev.Hash
	}
	sealed := *rec
	sealed.Seq, sealed.PrevHash, sealed.Hash = seq, prevHash, nil
	sealed.At = rec.At.Truncate(time.Microsecond)
	h, ok := hasherPool.Get().(*hasher)
	if !ok {
		h = new(hasher)
	}
	sum, data, err := h.hash(&sealed)
	if err != nil {
		h.release()
		return fmt.Errorf("%w: %w", ErrInvalidAudit, err)
	}
	// PrevHash, Hash and the canonical Data are copied out of the hasher
	// (whose buffer goes back to the pool) into one allocation, each its
	// own full slice (capacity = length), so an append to one never runs
	// into the next. PrevHash is a copy: rec never shares prev's bytes.
	out := make([]byte, len(prevHash)+len(sum)+len(data))
	n := copy(out, prevHash)
	if prevHash != nil {
		sealed.PrevHash = out[:n:n]
	}
	n += copy(out[n:], sum[:])
	sealed.Hash = out[n-len(sum) : n : n]
	if data != nil {
		copy(out[n:], data)
		sealed.Data = out[n:len(out):len(out)]
	}
	h.release()
	*rec = sealed
	return nil
}

// hasherPool holds the hashers of SealAuditRecord, so that sealing does
// not allocate a buffer and canonical scratch space per record.
var hasherPool = sync.Pool{New: func() any { return new(hasher) }}

// hasherKeep bounds the buffer a pooled hasher keeps: one sealed record
// with a large Data must not pin its memory in the pool.
const hasherKeep = 4 << 10

// release puts h back into hasherPool, unless a large record grew its
// buffers.
func (h *hasher) release() {
	if cap(h.buf) > hasherKeep || h.canon.Footprint() > hasherKeep {
		return
	}
	hasherPool.Put(h)
}

// hasher computes audit record hashes, reusing its buffers.
type hasher struct {
	buf   []byte
	canon canonical.Buffers
}

// hash returns the AuditAlgorithm hash of rec, and the canonical form of
// rec.Data within h.buf (nil when Data is empty), valid until the next
// call.
func (h *hasher) hash(rec *store.AuditRecord) (sum [sha256.Size]byte, data []byte, err error) {
	h.buf = append(h.buf[:0], AuditAlgorithm...)
	h.buf = append(h.buf, 0)
	h.buf, data, err = appendHashedForm(h.buf, &h.canon, rec)
	if err != nil {
		return sum, nil, err
	}
	return sha256.Sum256(h.buf), data, nil
}

// appendHashedForm appends the canonical JSON of rec without its Hash
// (keys in bytewise order), and returns the canonical Data within it.
func appendHashedForm(b []byte, canon *canonical.Buffers, rec *store.AuditRecord) (_ []byte, data []byte, err error) {
	b = append(b, `{"action":`...)
	if b, err = canonical.AppendString(b, rec.Action); err != nil {
		return b, nil, fmt.Errorf("action: %w", err)
	}
	b = append(b, `,"actor":`...)
	if b, err = canonical.AppendString(b, string(rec.Actor)); err != nil {
		return b, nil, fmt.Errorf("actor: %w", err)
	}
	b = append(b, `,"at":`...)
	if b, err = canonical.AppendTime(b, rec.At); err != nil {
		return b, nil, fmt.Errorf("at: %w", err)
	}
	b = append(b, `,"data":`...)
	if len(rec.Data) == 0 {
		b = append(b, "null"...)
	} else {
		start := len(b)
		if b, err = canon.AppendJSON(b, rec.Data); err != nil {
			return b, nil, fmt.Errorf("data: %w", err)
		}
		data = b[start:len(b):len(b)]
	}
	b = append(b, `,"prev_hash":`...)
	b = canonical.AppendHex(b, rec.PrevHash)
	b = append(b, `,"record_id":`...)
	b = canonical.AppendUUID(b, rec.RecordID)
	b = append(b, `,"seq":`...)
	b = canonical.AppendUint(b, rec.Seq)
	return append(b, '}'), data, nil
}

// knownAlgorithm reports whether this version verifies alg.
func knownAlgorithm(alg string) bool { return alg == AuditAlgorithm }

// VerifyChain verifies the audit records of one record, in Seq order as
// AuditTrail yields them: every hash recomputed (under AuditAlgorithm),
// Seq running from 1 without gaps, each PrevHash the previous Hash, every
// record of the first one's RecordID. It returns the chain's head; an
// empty chain has the zero Head and no error. The first problem is
// returned as a *ChainError wrapping ErrChainBroken or ErrChainGap.
//
// A chain alone does not show that records were not cut off its end or
// that it was not re-hashed after a change: see VerifyAgainst and the
// package documentation.
func VerifyChain(records []store.AuditRecord) (Head, error) {
	var v chainVerifier
	for i := range records {
		if err := v.add(&records[i]); err != nil {
			return Head{}, err
		}
	}
	return v.head(), nil
}

// VerifyTrail is VerifyChain for the records seq yields, such as
// store.AuditLog.AuditTrail with after 0. An error seq yields is returned
// as is.
func VerifyTrail(seq iter.Seq2[store.AuditRecord, error]) (Head, error) {
	var v chainVerifier
	for rec, err := range seq {
		if err != nil {
			return Head{}, err
		}
		if err := v.add(&rec); err != nil {
			return Head{}, err
		}
	}
	return v.head(), nil
}

// chainVerifier checks one chain record by record.
type chainVerifier struct {
	h hasher
	// want is the RecordID every record must have; set by the first
	// record unless the caller set it.
	want uuid.UUID
	n    uint64
	last store.AuditRecord
	// at is the hash at atSeq, when the chain reached it.
	atSeq uint64
	at    []byte
}

func (v *chainVerifier) add(rec *store.AuditRecord) error {
	if v.n == 0 && v.want == uuid.Nil {
		v.want = rec.RecordID
	}
	fail := func(sentinel error, format string, args ...any) error {
		return &ChainError{RecordID: v.want, Seq: rec.Seq, Problem: fmt.Sprintf(format, args...), Err: sentinel}
	}
	switch want := v.n + 1; {
	case rec.RecordID != v.want:
		return fail(ErrChainBroken, "a record of %s is in the trail", rec.RecordID)
	case rec.Seq != want && v.n == 0:
		return fail(ErrChainGap, "the chain starts at Seq %d, not 1", rec.Seq)
	case rec.Seq != want:
		return fail(ErrChainGap, "Seq %d follows Seq %d", rec.Seq, v.n)
	case !bytes.Equal(rec.PrevHash, v.last.Hash):
		if v.n == 0 {
			return fail(ErrChainBroken, "the first record has a PrevHash")
		}
		return fail(ErrChainBroken, "PrevHash is not the hash of Seq %d", v.n)
	}
	sum, _, err := v.h.hash(rec)
	if err != nil {
		return fail(ErrChainBroken, "cannot be hashed: %v", err)
	}
	if subtle.ConstantTimeCompare(sum[:], rec.Hash) != 1 {
		return fail(ErrChainBroken, "the hash does not match the record's contents")
	}
	v.n++
	v.last = *rec
	if rec.Seq == v.atSeq {
		v.at = rec.Hash
	}
	return nil
}

func (v *chainVerifier) head() Head {
	if v.n == 0 {
		return Head{}
	}
	return Head{RecordID: v.last.RecordID, Seq: v.last.Seq, Hash: slices.Clone(v.last.Hash)}
}

// commitDomain separates commitments from every other SHA-256 input.
const commitDomain = "iso27035/commitment/v1"

// SaltSize is the size of the salts NewSalt makes.
const SaltSize = 32

// Commit returns a salted SHA-256 commitment to value, as lower-case hex:
// SHA-256("iso27035/commitment/v1" || 0x00 || len(salt) as 8 bytes big
// endian || salt || value). Put the commitment in audit Data instead of
// free text that may carry personal data, and keep value and salt in the
// record's own fields, where erasure can reach them (see the package
// documentation). The salt must be secret and random, at least 16 bytes
// (NewSalt makes 32): with a short or guessable salt, a commitment to a
// short text can be reversed by trying candidates.
func Commit(salt []byte, value string) (commitment string) {
	h := sha256.New()
	h.Write([]byte(commitDomain))
	var n [9]byte
	binary.BigEndian.PutUint64(n[1:], uint64(len(salt)))
	h.Write(n[:])
	h.Write(salt)
	h.Write([]byte(value))
	return hex.EncodeToString(h.Sum(nil))
}

// CheckCommitment reports whether commitment is Commit(salt, value), in
// constant time.
func CheckCommitment(salt []byte, value, commitment string) bool {
	return subtle.ConstantTimeCompare([]byte(Commit(salt, value)), []byte(commitment)) == 1
}

// NewSalt returns SaltSize random bytes for Commit.
func NewSalt() []byte {
	salt := make([]byte, SaltSize)
	_, _ = rand.Read(salt) // never fails (crypto/rand.Read panics instead)
	return salt
}
