package incident

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"
)

// Evidence is an item of digital evidence with its chain of custody, in the
// spirit of ISO/IEC 27037 (identification, collection, acquisition and
// preservation) and ISO/IEC 27002:2022 control 5.28. The record holds the
// description and digest; the bytes stay wherever Location says.
type Evidence struct {
	ID          string `json:"id"`
	Description string `json:"description"`
	// Kind is the host's vocabulary: disk image, memory dump, log export…
	Kind        string    `json:"kind,omitempty"`
	CollectedBy ActorID   `json:"collected_by"`
	CollectedAt time.Time `json:"collected_at"`
	// Source is where it was collected (host name, mailbox, URL).
	Source string `json:"source,omitempty"`
	// Location is where it is stored now (evidence locker, object key).
	Location string `json:"location"`
	// SHA256 is the lower-case hex digest computed at acquisition; empty
	// until then (a device seized but not yet imaged).
	SHA256 string `json:"sha256,omitempty"`
	// Size in bytes, when known.
	Size int64 `json:"size,omitempty"`
	// Custody lists every transfer, oldest first. The holder after the
	// last transfer is the current custodian; before the first, the
	// collector.
	Custody []CustodyTransfer `json:"custody,omitempty"`
}

// CustodyTransfer is one hand-over of an evidence item.
type CustodyTransfer struct {
	At       time.Time `json:"at"`
	From     ActorID   `json:"from"`
	To       ActorID   `json:"to"`
	Purpose  string    `json:"purpose,omitempty"`
	Location string    `json:"location,omitempty"` // where it is stored after the transfer
	// SHA256, when set, is the digest the receiver verified on receipt.
	SHA256 string `json:"sha256,omitempty"`
}

// Custodian returns who holds the item now.
func (e *Evidence) Custodian() ActorID {
	if n := len(e.Custody); n > 0 {
		return e.Custody[n-1].To
	}
	return e.CollectedBy
}

// Transfer appends a hand-over from the current custodian to to. It
// refuses a transfer dated before the previous one (ErrOrder), so the
// chain stays in order.
func (e *Evidence) Transfer(at time.Time, to ActorID, purpose, location string) error {
	at = at.UTC()
	last := e.CollectedAt
	if n := len(e.Custody); n > 0 {
		last = e.Custody[n-1].At
	}
	if to == "" {
		return &FieldError{Path: fmt.Sprintf("custody[%d].to", len(e.Custody)), Rule: RuleRequired,
			Reason: "receiver is required", Err: ErrRequired}
	}
	if at.Before(last) {
		return &FieldError{Path: fmt.Sprintf("custody[%d].at", len(e.Custody)), Value: at, Rule: RuleCustodyOrder,
			Reason: "custody transfer before the previous custody event", Err: ErrOrder}
	}
	e.Custody = append(e.Custody, CustodyTransfer{At: at, From: e.Custodian(), To: to, Purpose: purpose, Location: location})
	if location != "" {
		e.Location = location
	}
	return nil
}

// Digest returns the lower-case hex SHA-256 of r's content and its length.
func Digest(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return "", n, fmt.Errorf("incident: hashing evidence: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// DigestError reports a content whose SHA-256 differs from the recorded
// one. It matches ErrDigestMismatch.
type DigestError struct {
	Evidence string // the evidence ID
	Want     string
	Got      string
	Size     int64 // bytes read
}

// Error implements error.
func (e *DigestError) Error() string {
	return fmt.Sprintf("incident: evidence %s: sha256 %s, recorded %s", e.Evidence, e.Got, e.Want)
}

// Unwrap returns ErrDigestMismatch.
func (e *DigestError) Unwrap() error { return ErrDigestMismatch }

// Verify recomputes the SHA-256 of the evidence content read from r and
// compares it with the recorded digest (and size, when recorded). A
// mismatch is a *DigestError; a read failure is returned wrapped.
func (e *Evidence) Verify(r io.Reader) error {
	got, n, err := Digest(r)
	if err != nil {
		return err
	}
	if got != e.SHA256 || (e.Size > 0 && n != e.Size) {
		return &DigestError{Evidence: e.ID, Want: e.SHA256, Got: got, Size: n}
	}
	return nil
}
