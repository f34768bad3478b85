package lifecycle

import (
	"bytes"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/store"
)

// ExportFormatVersion is the FormatVersion of the exports this version
// writes and reads.
const ExportFormatVersion = 1

// ErrInvalidExport reports an export file that is not JSON of the expected
// shape, has an unknown FormatVersion, or has no checkpoint.
var ErrInvalidExport = errors.New("lifecycle: invalid audit export")

// ExportVerification is the Verification text of exports in
// ExportFormatVersion 1: how to check the file without this SDK. It is
// informative; VerifyExport does not read it.
const ExportVerification = "Each record's hash is SHA-256 over the ASCII bytes " +
	`"sha256/canonical-v1", one zero byte, and the canonical JSON of ` +
	`{"action","actor","at","data","prev_hash","record_id","seq"} ` +
	"(keys sorted bytewise, no whitespace, strings escaping only \" \\ and " +
	"characters below U+0020, numbers exact and minimal, at in UTC as " +
	"2006-01-02T15:04:05.000000000Z, data canonical or null, prev_hash " +
	"lower-case hex). Seq runs from 1; prev_hash is the previous record's " +
	"hash (empty for the first). The checkpoint signs the ASCII bytes " +
	`"iso27035/audit-checkpoint/v1", one zero byte, and the canonical JSON ` +
	`of {"algorithm","at","count","heads":[{"hash","record_id","seq"}],"key_id","tenant"} ` +
	"(Ed25519 over the bytes; ECDSA or RSASSA-PSS over their SHA-256). " +
	"The checkpoint's head for record_id must match this chain's hash at " +
	"the head's seq. Byte strings in this file are base64."

// AuditExport is one record's audit trail with a checkpoint covering it,
// as one self-verifying JSON file for auditors: VerifyExport checks it
// offline with the checkpoint signer's public key.
type AuditExport struct {
	FormatVersion int                 `json:"format_version"`
	Tenant        string              `json:"tenant"`
	RecordID      uuid.UUID           `json:"record_id"`
	Records       []store.AuditRecord `json:"records"`
	Checkpoint    *Checkpoint         `json:"checkpoint"`
	// Verification says how to verify the file by hand
	// (ExportVerification); it is not verified itself.
	Verification string `json:"verification"`
}

// NewAuditExport returns the export of the trail of recordID (its audit
// records in Seq order) with cp, after checking that the chain verifies
// and that cp is tenant's and covers it. It does not check cp's signature
// (the exporter may not hold the public key); VerifyExport does.
func NewAuditExport(tenant string, recordID uuid.UUID, records []store.AuditRecord, cp *Checkpoint) (*AuditExport, error) {
	x := &AuditExport{
		FormatVersion: ExportFormatVersion,
		Tenant:        tenant,
		RecordID:      recordID,
		Records:       slices.Clone(records),
		Checkpoint:    cp,
		Verification:  ExportVerification,
	}
	if err := x.verify(); err != nil {
		return nil, err
	}
	return x, nil
}

// VerifyExport checks an export file offline: it decodes it strictly
// (unknown fields and trailing data are refused), verifies the
// checkpoint's signature with pub (see VerifyCheckpoint), that the
// checkpoint is the export's tenant's and lists its record
// (ErrNotCovered), and that the records form a chain (VerifyChain) whose
// hash at the checkpoint's Seq is the checkpoint's: the checkpoint covers
// the chain's head or a prefix of it.
func VerifyExport(data []byte, pub crypto.PublicKey) error {
	var x AuditExport
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&x); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidExport, err)
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: data after the export", ErrInvalidExport)
	}
	if x.FormatVersion != ExportFormatVersion {
		return fmt.Errorf("%w: format version %d, want %d", ErrInvalidExport, x.FormatVersion, ExportFormatVersion)
	}
	if x.Checkpoint == nil {
		return fmt.Errorf("%w: no checkpoint", ErrInvalidExport)
	}
	if err := VerifyCheckpoint(x.Checkpoint, pub); err != nil {
		return err
	}
	return x.verify()
}

// verify checks x without the checkpoint's signature.
func (x *AuditExport) verify() error {
	if x.Checkpoint == nil {
		return fmt.Errorf("%w: no checkpoint", ErrInvalidExport)
	}
	cp := x.Checkpoint
	if err := cp.check(); err != nil {
		return err
	}
	notCovered := func(format string, args ...any) error {
		return &ChainError{RecordID: x.RecordID, Problem: fmt.Sprintf(format, args...), Err: ErrNotCovered}
	}
	if cp.Tenant != x.Tenant {
		return notCovered("the export is tenant %q's, the checkpoint tenant %q's", x.Tenant, cp.Tenant)
	}
	h, ok := cp.Head(x.RecordID)
	if !ok {
		return notCovered("the checkpoint lists no chain of this record")
	}
	return verifyHead(h, slices.Values(x.Records))
}
