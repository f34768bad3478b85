package lifecycle

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/internal/canonical"
	"github.com/iso27035/iso27035/store"
)

// Errors of checkpoints.
var (
	// ErrBadSignature: a checkpoint's signature does not verify with the
	// given key: the checkpoint was altered, signed with another key, or
	// not signed.
	ErrBadSignature = errors.New("lifecycle: bad checkpoint signature")
	// ErrInvalidCheckpoint: a checkpoint is malformed (no tenant or time,
	// Count not the number of heads, heads unsorted, repeated or without
	// Seq or hash) or cannot be encoded.
	ErrInvalidCheckpoint = errors.New("lifecycle: invalid checkpoint")
)

// checkpointDomain begins the signing bytes of a checkpoint, so that a
// signature over them can never be taken for a signature over anything
// else made with the same key.
const checkpointDomain = "iso27035/audit-checkpoint/v1"

// minRSABits is the smallest RSA key SignCheckpoint and VerifyCheckpoint
// accept.
const minRSABits = 2048

// Checkpoint commits to the audit chains of one tenant at one moment: for
// each chain, its head then (record ID, Seq, Hash). Signed with a key the
// store's writer does not hold and kept outside the store, it lets
// VerifyStore detect records altered, removed, cut off or re-hashed since
// (see the package documentation). The engine emits checkpoints through
// the outbox; the zero value is not a valid checkpoint (use
// NewCheckpoint).
type Checkpoint struct {
	Tenant string    `json:"tenant"`
	At     time.Time `json:"at"`
	// Algorithm is the audit hash algorithm of the chains
	// (AuditAlgorithm).
	Algorithm string `json:"algorithm"`
	// Heads holds one head per chain, sorted by RecordID (byte order,
	// which is the order of the UUID strings), each RecordID once.
	Heads []Head `json:"heads"`
	// Count is the number of chains, len(Heads).
	Count int `json:"count"`
	// KeyID names the signing key, for the verifier to pick it; it is
	// signed too.
	KeyID     string `json:"key_id"`
	Signature []byte `json:"signature"`
}

// NewCheckpoint returns an unsigned checkpoint of tenant at at (kept in
// UTC) over heads (copied and sorted by RecordID), with Algorithm
// AuditAlgorithm and Count set. ErrInvalidCheckpoint when tenant is empty,
// at is zero, or a head has a nil RecordID, Seq 0, a hash that is not a
// SHA-256, or a RecordID another head has.
func NewCheckpoint(tenant string, at time.Time, heads []Head) (*Checkpoint, error) {
	hs := make([]Head, len(heads))
	for i, h := range heads {
		hs[i] = Head{RecordID: h.RecordID, Seq: h.Seq, Hash: slices.Clone(h.Hash)}
	}
	slices.SortFunc(hs, func(a, b Head) int { return bytes.Compare(a.RecordID[:], b.RecordID[:]) })
	cp := &Checkpoint{Tenant: tenant, At: at.UTC(), Algorithm: AuditAlgorithm, Heads: hs, Count: len(hs)}
	if err := cp.check(); err != nil {
		return nil, err
	}
	return cp, nil
}

// Head returns the checkpoint's head of the chain of id.
func (cp *Checkpoint) Head(id uuid.UUID) (Head, bool) {
	i, ok := slices.BinarySearchFunc(cp.Heads, id, func(h Head, id uuid.UUID) int { return bytes.Compare(h.RecordID[:], id[:]) })
	if !ok {
		return Head{}, false
	}
	return cp.Heads[i], true
}

// check reports a malformed checkpoint.
func (cp *Checkpoint) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidCheckpoint, fmt.Sprintf(format, args...))
	}
	switch {
	case cp == nil:
		return bad("nil checkpoint")
	case cp.Tenant == "":
		return bad("no tenant")
	case cp.At.IsZero():
		return bad("no time")
	case !knownAlgorithm(cp.Algorithm):
		return fmt.Errorf("%w %q", ErrUnknownAlgorithm, cp.Algorithm)
	case cp.Count != len(cp.Heads):
		return bad("Count is %d but there are %d heads", cp.Count, len(cp.Heads))
	}
	for i, h := range cp.Heads {
		switch {
		case h.RecordID == uuid.Nil:
			return bad("head %d has no record ID", i)
		case h.Seq == 0:
			return bad("head of %s has Seq 0", h.RecordID)
		case len(h.Hash) != sha256.Size:
			return bad("head of %s has a hash of %d bytes, want %d", h.RecordID, len(h.Hash), sha256.Size)
		case i > 0 && bytes.Compare(cp.Heads[i-1].RecordID[:], h.RecordID[:]) >= 0:
			return bad("head of %s is repeated or out of order", h.RecordID)
		}
	}
	return nil
}

// SigningBytes returns the bytes a checkpoint's signature covers: the
// ASCII string "iso27035/audit-checkpoint/v1", a zero byte, and the
// canonical JSON (see AuditAlgorithm) of
//
//	{"algorithm":…,"at":…,"count":…,"heads":[{"hash":…,"record_id":…,"seq":…},…],"key_id":…,"tenant":…}
//
// with hashes as lower-case hex and at in UTC with nine fraction digits.
// Every field but Signature is covered, KeyID included. ErrInvalidCheckpoint
// when a field cannot be encoded (invalid UTF-8, a year outside
// 0000–9999).
func (cp *Checkpoint) SigningBytes() ([]byte, error) {
	if cp == nil {
		return nil, fmt.Errorf("%w: nil checkpoint", ErrInvalidCheckpoint)
	}
	b := make([]byte, 0, 160+len(cp.Tenant)+len(cp.KeyID)+len(cp.Heads)*140)
	b = append(b, checkpointDomain...)
	b = append(b, 0)
	var err error
	b = append(b, `{"algorithm":`...)
	if b, err = canonical.AppendString(b, cp.Algorithm); err != nil {
		return nil, fmt.Errorf("%w: algorithm: %w", ErrInvalidCheckpoint, err)
	}
	b = append(b, `,"at":`...)
	if b, err = canonical.AppendTime(b, cp.At); err != nil {
		return nil, fmt.Errorf("%w: at: %w", ErrInvalidCheckpoint, err)
	}
	b = append(b, `,"count":`...)
	b = canonical.AppendInt(b, int64(cp.Count))
	b = append(b, `,"heads":[`...)
	for i, h := range cp.Heads {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"hash":`...)
		b = canonical.AppendHex(b, h.Hash)
		b = append(b, `,"record_id":`...)
		b = canonical.AppendUUID(b, h.RecordID)
		b = append(b, `,"seq":`...)
		b = canonical.AppendUint(b, h.Seq)
		b = append(b, '}')
	}
	b = append(b, `],"key_id":`...)
	if b, err = canonical.AppendString(b, cp.KeyID); err != nil {
		return nil, fmt.Errorf("%w: key_id: %w", ErrInvalidCheckpoint, err)
	}
	b = append(b, `,"tenant":`...)
	if b, err = canonical.AppendString(b, cp.Tenant); err != nil {
		return nil, fmt.Errorf("%w: tenant: %w", ErrInvalidCheckpoint, err)
	}
	return append(b, '}'), nil
}

// SignCheckpoint sets cp.KeyID to keyID and signs cp with signer, setting
// cp.Signature. The scheme follows the signer's public key:
//
//   - ed25519.PublicKey: Ed25519 over SigningBytes (crypto.Hash(0));
//   - *ecdsa.PublicKey: ECDSA over the SHA-256 of SigningBytes, ASN.1 DER
//     encoded (any curve; P-256 is the usual one);
//   - *rsa.PublicKey (at least 2048 bits): RSASSA-PSS with SHA-256 and a
//     salt as long as the hash, over the SHA-256 of SigningBytes.
//
// The signature is checked against signer.Public() before it is kept, so
// a faulty signer (a key mismatch, a hardware fault) is caught here rather
// than by an auditor. ErrInvalidCheckpoint when cp is malformed or keyID
// empty; on error cp is unchanged.
func SignCheckpoint(cp *Checkpoint, keyID string, signer crypto.Signer) error {
	if err := cp.check(); err != nil {
		return err
	}
	if keyID == "" {
		return fmt.Errorf("%w: no key ID", ErrInvalidCheckpoint)
	}
	if signer == nil {
		return errors.New("lifecycle: nil signer")
	}
	signed := *cp
	signed.KeyID, signed.Signature = keyID, nil
	msg, err := signed.SigningBytes()
	if err != nil {
		return err
	}
	pub := signer.Public()
	var sig []byte
	switch pub := pub.(type) {
	case ed25519.PublicKey:
		sig, err = signer.Sign(rand.Reader, msg, crypto.Hash(0))
	case *ecdsa.PublicKey:
		digest := sha256.Sum256(msg)
		sig, err = signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	case *rsa.PublicKey:
		if pub == nil || pub.N == nil || pub.N.BitLen() < minRSABits {
			return fmt.Errorf("lifecycle: RSA key smaller than %d bits", minRSABits)
		}
		digest := sha256.Sum256(msg)
		sig, err = signer.Sign(rand.Reader, digest[:], pssOptions())
	default:
		return fmt.Errorf("lifecycle: unsupported signing key type %T", pub)
	}
	if err != nil {
		return fmt.Errorf("lifecycle: signing the checkpoint: %w", err)
	}
	if err := verifySignature(msg, sig, pub); err != nil {
		return fmt.Errorf("lifecycle: the signer made a signature its public key does not verify: %w", err)
	}
	signed.Signature = sig
	*cp = signed
	return nil
}

// pssOptions are the RSASSA-PSS parameters of checkpoint signatures.
func pssOptions() *rsa.PSSOptions {
	return &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
}

// VerifyCheckpoint checks cp's signature with pub (an ed25519.PublicKey,
// *ecdsa.PublicKey or *rsa.PublicKey; see SignCheckpoint) and then that cp
// is well formed. Choose pub by cp.KeyID from keys you trust, never from
// the checkpoint's source. ErrBadSignature when the signature does not
// verify (cp altered, another key, no signature); ErrInvalidCheckpoint or
// ErrUnknownAlgorithm when a correctly signed checkpoint is malformed.
func VerifyCheckpoint(cp *Checkpoint, pub crypto.PublicKey) error {
	msg, err := cp.SigningBytes()
	if err != nil {
		return err
	}
	if err := verifySignature(msg, cp.Signature, pub); err != nil {
		return err
	}
	return cp.check()
}

// verifySignature checks sig over msg with pub.
func verifySignature(msg, sig []byte, pub crypto.PublicKey) error {
	var ok bool
	switch pub := pub.(type) {
	case ed25519.PublicKey:
		ok = len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, msg, sig)
	case *ecdsa.PublicKey:
		if pub == nil || pub.Curve == nil {
			return errors.New("lifecycle: nil ECDSA public key")
		}
		digest := sha256.Sum256(msg)
		ok = ecdsa.VerifyASN1(pub, digest[:], sig)
	case *rsa.PublicKey:
		if pub == nil || pub.N == nil {
			return errors.New("lifecycle: nil RSA public key")
		}
		if pub.N.BitLen() < minRSABits {
			return fmt.Errorf("lifecycle: RSA key of %d bits, want at least %d", pub.N.BitLen(), minRSABits)
		}
		digest := sha256.Sum256(msg)
		ok = rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, pssOptions()) == nil
	default:
		return fmt.Errorf("lifecycle: unsupported public key type %T", pub)
	}
	if !ok {
		return ErrBadSignature
	}
	return nil
}

// VerifyAgainst checks the chains of trails (record ID → its audit records
// in Seq order) against cp: for every head cp lists, the chain must verify
// (VerifyChain), exist (ErrMissingChain), reach the head's Seq
// (ErrTruncated) and have the head's hash at that Seq (ErrChainBroken).
// Records after the head's Seq and chains cp does not list are accepted:
// they came after the checkpoint. It does not check cp's signature: call
// VerifyCheckpoint first. Every failing chain is reported, as *ChainErrors
// joined in cp's head order; ErrInvalidCheckpoint or ErrUnknownAlgorithm
// when cp is malformed.
func VerifyAgainst(cp *Checkpoint, trails map[uuid.UUID][]store.AuditRecord) error {
	if err := cp.check(); err != nil {
		return err
	}
	var errs []error
	for _, h := range cp.Heads {
		if err := verifyHead(h, slices.Values(trails[h.RecordID])); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// VerifyStore is VerifyAgainst for the chains in log, read with
// AuditTrail for cp.Tenant and each record cp lists. An error the store
// yields (the context's, for one) ends the verification and is returned
// as is; chain problems are joined as in VerifyAgainst.
func VerifyStore(ctx context.Context, log store.AuditLog, cp *Checkpoint) error {
	if err := cp.check(); err != nil {
		return err
	}
	var errs []error
	for _, h := range cp.Heads {
		var readErr error
		trail := func(yield func(store.AuditRecord) bool) {
			for rec, err := range log.AuditTrail(ctx, cp.Tenant, h.RecordID, 0) {
				if err != nil {
					readErr = err
					return
				}
				if !yield(rec) {
					return
				}
			}
		}
		err := verifyHead(h, trail)
		if readErr != nil {
			return readErr
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// verifyHead verifies the chain of records against a checkpoint's head.
func verifyHead(h Head, records iter.Seq[store.AuditRecord]) error {
	v := chainVerifier{want: h.RecordID, atSeq: h.Seq}
	for rec := range records {
		if err := v.add(&rec); err != nil {
			return err
		}
	}
	fail := func(seq uint64, sentinel error, format string, args ...any) error {
		return &ChainError{RecordID: h.RecordID, Seq: seq, Problem: fmt.Sprintf(format, args...), Err: sentinel}
	}
	switch {
	case v.n == 0:
		return fail(h.Seq, ErrMissingChain, "the checkpoint lists %d records, the trail has none", h.Seq)
	case v.n < h.Seq:
		return fail(h.Seq, ErrTruncated, "the trail ends at Seq %d, the checkpoint lists %d records", v.n, h.Seq)
	case !bytes.Equal(v.at, h.Hash):
		return fail(h.Seq, ErrChainBroken, "the hash at Seq %d is not the checkpoint's: history was rewritten", h.Seq)
	}
	return nil
}
