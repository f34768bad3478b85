package lifecycle

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/store"
)

// Tests of checkpoints (checkpoint.go) and exports (export.go): building,
// signing and verifying with Ed25519, ECDSA and RSA, every alteration of a
// signed checkpoint, and exports verified offline, including every
// single-byte change of an export file.

func ed25519Key(t testing.TB, seedHex string) ed25519.PrivateKey {
	t.Helper()
	seed, err := hex.DecodeString(seedHex)
	require.NoError(t, err)
	require.Len(t, seed, ed25519.SeedSize)
	return ed25519.NewKeyFromSeed(seed)
}

// testKeys makes each test key once, when first asked for: RSA key
// generation is slow.
var testKeys = func() map[string]func() (crypto.Signer, error) {
	keys := map[string]func() (crypto.Signer, error){}
	for i, name := range []string{"ed25519", "ed25519-other"} {
		keys[name] = func() (crypto.Signer, error) {
			return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{byte(i + 1)}, ed25519.SeedSize)), nil
		}
	}
	for name, curve := range map[string]elliptic.Curve{"ecdsa-p256": elliptic.P256(), "ecdsa-p256-other": elliptic.P256(), "ecdsa-p384": elliptic.P384()} {
		keys[name] = sync.OnceValues(func() (crypto.Signer, error) { return ecdsa.GenerateKey(curve, rand.Reader) })
	}
	for _, name := range []string{"rsa-2048", "rsa-2048-other"} {
		keys[name] = sync.OnceValues(func() (crypto.Signer, error) { return rsa.GenerateKey(rand.Reader, 2048) })
	}
	return keys
}()

func key(t testing.TB, name string) crypto.Signer {
	t.Helper()
	newKey, ok := testKeys[name]
	require.True(t, ok, name)
	k, err := newKey()
	require.NoError(t, err)
	return k
}

func edKey(t testing.TB, name string) ed25519.PrivateKey {
	t.Helper()
	k, ok := key(t, name).(ed25519.PrivateKey)
	require.True(t, ok, name)
	return k
}

// testCheckpoint returns a checkpoint of tenant-a over chains A (5
// records) and B (3), with the chains.
func testCheckpoint(t testing.TB) (*Checkpoint, map[uuid.UUID][]store.AuditRecord) {
	t.Helper()
	a, b := sealChain(t, recA, 5, "a"), sealChain(t, recB, 3, "b")
	ha, err := VerifyChain(a)
	require.NoError(t, err)
	hb, err := VerifyChain(b)
	require.NoError(t, err)
	cp, err := NewCheckpoint("tenant-a", t0.Add(time.Hour+123*time.Nanosecond), []Head{hb, ha})
	require.NoError(t, err)
	return cp, map[uuid.UUID][]store.AuditRecord{recA: a, recB: b}
}

func cloneCheckpoint(cp *Checkpoint) *Checkpoint {
	c := *cp
	c.Heads = make([]Head, len(cp.Heads))
	for i, h := range cp.Heads {
		c.Heads[i] = Head{RecordID: h.RecordID, Seq: h.Seq, Hash: bytes.Clone(h.Hash)}
	}
	c.Signature = bytes.Clone(cp.Signature)
	return &c
}

func TestNewCheckpoint(t *testing.T) {
	hash := bytes.Repeat([]byte{7}, 32)
	heads := []Head{{RecordID: recC, Seq: 2, Hash: hash}, {RecordID: recA, Seq: 9, Hash: hash}, {RecordID: recB, Seq: 1, Hash: hash}}
	paris := time.FixedZone("CET", 3600)
	cp, err := NewCheckpoint("tenant-a", t0.In(paris), heads)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{recA, recB, recC}, []uuid.UUID{cp.Heads[0].RecordID, cp.Heads[1].RecordID, cp.Heads[2].RecordID})
	assert.Equal(t, 3, cp.Count)
	assert.Equal(t, AuditAlgorithm, cp.Algorithm)
	assert.Equal(t, time.UTC, cp.At.Location())
	assert.Equal(t, recC, heads[0].RecordID, "the caller's slice is not sorted in place")
	heads[1].Hash[0] = 0
	assert.Equal(t, byte(7), cp.Heads[0].Hash[0], "hashes are copied")
	h, ok := cp.Head(recB)
	assert.True(t, ok)
	assert.Equal(t, uint64(1), h.Seq)
	_, ok = cp.Head(uuid.MustParse("0195a000-0000-7000-8000-0000000000b3"))
	assert.False(t, ok)

	empty, err := NewCheckpoint("tenant-a", t0, nil)
	require.NoError(t, err, "a tenant without chains has an empty checkpoint")
	assert.Zero(t, empty.Count)

	for _, tt := range []struct {
		name   string
		tenant string
		at     time.Time
		heads  []Head
	}{
		{"no tenant", "", t0, nil},
		{"no time", "t", time.Time{}, nil},
		{"nil record ID", "t", t0, []Head{{Seq: 1, Hash: hash}}},
		{"Seq 0", "t", t0, []Head{{RecordID: recA, Hash: hash}}},
		{"short hash", "t", t0, []Head{{RecordID: recA, Seq: 1, Hash: hash[:31]}}},
		{"no hash", "t", t0, []Head{{RecordID: recA, Seq: 1}}},
		{"repeated record", "t", t0, []Head{{RecordID: recA, Seq: 1, Hash: hash}, {RecordID: recA, Seq: 2, Hash: hash}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCheckpoint(tt.tenant, tt.at, tt.heads)
			require.ErrorIs(t, err, ErrInvalidCheckpoint)
		})
	}
}

func TestSigningBytes(t *testing.T) {
	cp := &Checkpoint{
		Tenant: "tenant-\"a\"", At: time.Date(2026, 3, 14, 10, 0, 0, 5, time.FixedZone("CET", 3600)), Algorithm: AuditAlgorithm,
		Heads: []Head{{RecordID: recA, Seq: 3, Hash: []byte{0xab, 0xcd}}}, Count: 1, KeyID: "k1", Signature: []byte("ignored"),
	}
	b, err := cp.SigningBytes()
	require.NoError(t, err)
	want := "iso27035/audit-checkpoint/v1\x00" +
		`{"algorithm":"sha256/canonical-v1","at":"2026-03-14T09:00:00.000000005Z","count":1,` +
		`"heads":[{"hash":"abcd","record_id":"0195a000-0000-7000-8000-0000000000a1","seq":3}],"key_id":"k1","tenant":"tenant-\"a\""}`
	assert.Equal(t, want, string(b))
	_, rest, _ := bytes.Cut(b, []byte{0})
	again, err := json.Marshal(json.RawMessage(rest))
	require.NoError(t, err)
	assert.JSONEq(t, string(rest), string(again))

	cp.Tenant = "\xff"
	_, err = cp.SigningBytes()
	require.ErrorIs(t, err, ErrInvalidCheckpoint)
	_, err = (*Checkpoint)(nil).SigningBytes()
	require.ErrorIs(t, err, ErrInvalidCheckpoint)
}

func TestSignAndVerifyCheckpoint(t *testing.T) {
	pairs := map[string]string{
		"ed25519": "ed25519-other", "ecdsa-p256": "ecdsa-p256-other", "ecdsa-p384": "ecdsa-p256", "rsa-2048": "rsa-2048-other",
	}
	for name, other := range pairs {
		t.Run(name, func(t *testing.T) {
			cp, trails := testCheckpoint(t)
			signer := key(t, name)
			require.NoError(t, SignCheckpoint(cp, "key-"+name, signer))
			assert.Equal(t, "key-"+name, cp.KeyID)
			assert.NotEmpty(t, cp.Signature)
			require.NoError(t, VerifyCheckpoint(cp, signer.Public()))
			require.NoError(t, VerifyAgainst(cp, trails))

			// Through JSON, as the outbox carries it.
			b, err := json.Marshal(cp)
			require.NoError(t, err)
			var back Checkpoint
			require.NoError(t, json.Unmarshal(b, &back))
			require.NoError(t, VerifyCheckpoint(&back, signer.Public()))

			// Wrong keys: another key of the same type, keys of other types.
			require.ErrorIs(t, VerifyCheckpoint(cp, key(t, other).Public()), ErrBadSignature)
			for _, o := range []string{"ed25519", "ecdsa-p256", "rsa-2048"} {
				if !strings.HasPrefix(name, o[:3]) {
					require.ErrorIs(t, VerifyCheckpoint(cp, key(t, o).Public()), ErrBadSignature, "verified with %s", o)
				}
			}
		})
	}
}

// TestCheckpointAlterations changes each part of a signed checkpoint.
func TestCheckpointAlterations(t *testing.T) {
	signed, _ := testCheckpoint(t)
	signer := key(t, "ed25519")
	require.NoError(t, SignCheckpoint(signed, "k1", signer))
	tests := []struct {
		name   string
		mutate func(*Checkpoint)
		want   error
	}{
		{"tenant", func(c *Checkpoint) { c.Tenant = "tenant-b" }, ErrBadSignature},
		{"time", func(c *Checkpoint) { c.At = c.At.Add(time.Nanosecond) }, ErrBadSignature},
		{"algorithm", func(c *Checkpoint) { c.Algorithm = "sha256/canonical-v2" }, ErrBadSignature},
		{"a head's Seq", func(c *Checkpoint) { c.Heads[0].Seq-- }, ErrBadSignature},
		{"a head's hash", func(c *Checkpoint) { c.Heads[1].Hash[0] ^= 1 }, ErrBadSignature},
		{"a head's record", func(c *Checkpoint) { c.Heads[1].RecordID = recC }, ErrBadSignature},
		{"a head dropped", func(c *Checkpoint) { c.Heads = c.Heads[:1]; c.Count = 1 }, ErrBadSignature},
		{"a head dropped, Count kept", func(c *Checkpoint) { c.Heads = c.Heads[:1] }, ErrBadSignature},
		{"a head added", func(c *Checkpoint) {
			c.Heads = append(c.Heads, Head{RecordID: recC, Seq: 1, Hash: make([]byte, 32)})
			c.Count++
		}, ErrBadSignature},
		{"heads swapped", func(c *Checkpoint) { c.Heads[0], c.Heads[1] = c.Heads[1], c.Heads[0] }, ErrBadSignature},
		{"count", func(c *Checkpoint) { c.Count = 5 }, ErrBadSignature},
		{"key ID", func(c *Checkpoint) { c.KeyID = "k2" }, ErrBadSignature},
		{"signature byte", func(c *Checkpoint) { c.Signature[10] ^= 4 }, ErrBadSignature},
		{"signature cut", func(c *Checkpoint) { c.Signature = c.Signature[:63] }, ErrBadSignature},
		{"signature removed", func(c *Checkpoint) { c.Signature = nil }, ErrBadSignature},
		{"not encodable", func(c *Checkpoint) { c.KeyID = "\xff" }, ErrInvalidCheckpoint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cloneCheckpoint(signed)
			tt.mutate(c)
			require.ErrorIs(t, VerifyCheckpoint(c, signer.Public()), tt.want)
		})
	}
	require.NoError(t, VerifyCheckpoint(signed, signer.Public()), "the original is untouched")
	// Only the instant of At is signed, not its location.
	c := cloneCheckpoint(signed)
	c.At = c.At.In(time.FixedZone("X", -7*3600))
	require.NoError(t, VerifyCheckpoint(c, signer.Public()))
}

// signerFunc is a crypto.Signer made of functions.
type signerFunc struct {
	pub  crypto.PublicKey
	sign func(digest []byte, opts crypto.SignerOpts) ([]byte, error)
}

func (s signerFunc) Public() crypto.PublicKey { return s.pub }
func (s signerFunc) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return s.sign(digest, opts)
}

func TestSignCheckpointErrors(t *testing.T) {
	ed := edKey(t, "ed25519")
	xkey, err := ecdh.X25519().GenerateKey(rand.Reader)
	require.NoError(t, err)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	tests := []struct {
		name   string
		keyID  string
		signer crypto.Signer
		mutate func(*Checkpoint)
		want   error
	}{
		{name: "malformed checkpoint", keyID: "k", signer: ed, mutate: func(c *Checkpoint) { c.Count++ }, want: ErrInvalidCheckpoint},
		{name: "no tenant", keyID: "k", signer: ed, mutate: func(c *Checkpoint) { c.Tenant = "" }, want: ErrInvalidCheckpoint},
		{name: "unknown algorithm", keyID: "k", signer: ed, mutate: func(c *Checkpoint) { c.Algorithm = "md5" }, want: ErrUnknownAlgorithm},
		{name: "no key ID", keyID: "", signer: ed, want: ErrInvalidCheckpoint},
		{name: "key ID not UTF-8", keyID: "\xff", signer: ed, want: ErrInvalidCheckpoint},
		{name: "nil signer", keyID: "k"},
		{name: "unsupported key type", keyID: "k", signer: signerFunc{pub: xkey.PublicKey()}},
		{name: "RSA key too small", keyID: "k", signer: small},
		{name: "signer fails", keyID: "k", signer: signerFunc{pub: ed.Public(), sign: func([]byte, crypto.SignerOpts) ([]byte, error) {
			return nil, errors.New("HSM offline")
		}}},
		{name: "signer signs with another key", keyID: "k", signer: signerFunc{pub: ed.Public(), sign: func(msg []byte, _ crypto.SignerOpts) ([]byte, error) {
			return ed25519.Sign(edKey(t, "ed25519-other"), msg), nil
		}}},
		{name: "signer returns garbage", keyID: "k", signer: signerFunc{pub: key(t, "ecdsa-p256").Public(), sign: func([]byte, crypto.SignerOpts) ([]byte, error) {
			return []byte{0x30, 0}, nil
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cp, _ := testCheckpoint(t)
			if tt.mutate != nil {
				tt.mutate(cp)
			}
			before := cloneCheckpoint(cp)
			err := SignCheckpoint(cp, tt.keyID, tt.signer)
			require.Error(t, err)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
			assert.Equal(t, before, cp, "a failed signing leaves the checkpoint unchanged")
		})
	}

	// The options each scheme is asked to sign with.
	for name, want := range map[string]crypto.Hash{"ed25519": 0, "ecdsa-p256": crypto.SHA256, "rsa-2048": crypto.SHA256} {
		k := key(t, name)
		var got crypto.SignerOpts
		spy := signerFunc{pub: k.Public(), sign: func(d []byte, o crypto.SignerOpts) ([]byte, error) {
			got = o
			return k.Sign(rand.Reader, d, o)
		}}
		cp, _ := testCheckpoint(t)
		require.NoError(t, SignCheckpoint(cp, "k", spy), name)
		assert.Equal(t, want, got.HashFunc(), name)
		if name == "rsa-2048" {
			pss, ok := got.(*rsa.PSSOptions)
			require.True(t, ok, "RSA signs with PSS")
			assert.Equal(t, rsa.PSSSaltLengthEqualsHash, pss.SaltLength)
		}
	}
}

func TestVerifyCheckpointErrors(t *testing.T) {
	cp, _ := testCheckpoint(t)
	ed := edKey(t, "ed25519")
	require.NoError(t, SignCheckpoint(cp, "k", ed))

	// Keys that are not public keys of a supported type.
	for _, pub := range []crypto.PublicKey{nil, ed, "key", ed25519.PublicKey(make([]byte, 5)), (*ecdsa.PublicKey)(nil), (*rsa.PublicKey)(nil), &rsa.PublicKey{}} {
		err := VerifyCheckpoint(cp, pub)
		require.Error(t, err, "%T", pub)
	}
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	require.Error(t, VerifyCheckpoint(cp, &small.PublicKey))

	// A checkpoint signed correctly but malformed (signed by other
	// software) is refused after the signature checks out.
	signRaw := func(c *Checkpoint) {
		b, err := c.SigningBytes()
		require.NoError(t, err)
		c.Signature = ed25519.Sign(ed, b)
	}
	bad := cloneCheckpoint(cp)
	bad.Heads[0], bad.Heads[1] = bad.Heads[1], bad.Heads[0]
	signRaw(bad)
	require.ErrorIs(t, VerifyCheckpoint(bad, ed.Public()), ErrInvalidCheckpoint)
	bad = cloneCheckpoint(cp)
	bad.Algorithm = "sha3/canonical-v9"
	signRaw(bad)
	require.ErrorIs(t, VerifyCheckpoint(bad, ed.Public()), ErrUnknownAlgorithm)
	require.ErrorIs(t, VerifyCheckpoint(nil, ed.Public()), ErrInvalidCheckpoint)
}

// signedExport returns an export of chain A (5 records) with a checkpoint
// of tenant-a signed by the ed25519 test key, and its JSON.
func signedExport(t *testing.T) (*AuditExport, []byte) {
	t.Helper()
	cp, trails := testCheckpoint(t)
	require.NoError(t, SignCheckpoint(cp, "audit-2026", key(t, "ed25519")))
	x, err := NewAuditExport("tenant-a", recA, trails[recA], cp)
	require.NoError(t, err)
	b, err := json.MarshalIndent(x, "", "  ")
	require.NoError(t, err)
	return x, b
}

func TestAuditExport(t *testing.T) {
	x, b := signedExport(t)
	pub := key(t, "ed25519").Public()
	require.NoError(t, VerifyExport(b, pub))
	assert.Equal(t, ExportFormatVersion, x.FormatVersion)
	assert.Equal(t, ExportVerification, x.Verification)
	assert.Contains(t, string(b), `"verification"`)

	// The chain may run past the checkpoint: it covers a prefix.
	longer := sealChain(t, recA, 8, "a")
	x2, err := NewAuditExport("tenant-a", recA, longer, x.Checkpoint)
	require.NoError(t, err)
	b2, err := json.Marshal(x2)
	require.NoError(t, err)
	require.NoError(t, VerifyExport(b2, pub))

	// NewAuditExport refuses what VerifyExport would.
	_, err = NewAuditExport("tenant-a", recA, longer[:3], x.Checkpoint)
	require.ErrorIs(t, err, ErrTruncated)
	_, err = NewAuditExport("tenant-b", recA, longer, x.Checkpoint)
	require.ErrorIs(t, err, ErrNotCovered)
	_, err = NewAuditExport("tenant-a", recC, nil, x.Checkpoint)
	require.ErrorIs(t, err, ErrNotCovered)
	_, err = NewAuditExport("tenant-a", recA, longer, nil)
	require.ErrorIs(t, err, ErrInvalidExport)
}

func TestVerifyExportDetects(t *testing.T) {
	pub := key(t, "ed25519").Public()
	edit := func(f func(x *AuditExport)) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			x, _ := signedExport(t)
			f(x)
			b, err := json.Marshal(x)
			require.NoError(t, err)
			return b
		}
	}
	otherTenantCP := func(t *testing.T) *Checkpoint {
		// Tenant B's checkpoint, signed with the same key, over its own
		// chain of the same record ID.
		chain := sealChain(t, recA, 5, "tenant-b")
		h, err := VerifyChain(chain)
		require.NoError(t, err)
		cp, err := NewCheckpoint("tenant-b", t0, []Head{h})
		require.NoError(t, err)
		require.NoError(t, SignCheckpoint(cp, "audit-2026", key(t, "ed25519")))
		return cp
	}
	tests := []struct {
		name string
		file func(t *testing.T) []byte
		pub  crypto.PublicKey
		want error
	}{
		{"record altered", edit(func(x *AuditExport) { x.Records[2].Actor = "mallory" }), nil, ErrChainBroken},
		{"record removed", edit(func(x *AuditExport) { x.Records = append(x.Records[:1], x.Records[2:]...) }), nil, ErrChainGap},
		{"truncated", edit(func(x *AuditExport) { x.Records = x.Records[:4] }), nil, ErrTruncated},
		{"no records", edit(func(x *AuditExport) { x.Records = nil }), nil, ErrMissingChain},
		{"history rewritten", edit(func(x *AuditExport) { x.Records = sealChain(t, recA, 5, "rewritten") }), nil, ErrChainBroken},
		{"another record's chain", edit(func(x *AuditExport) { x.RecordID = recB; x.Records = sealChain(t, recB, 2, "") }), nil, ErrTruncated},
		{"record ID not in the checkpoint", edit(func(x *AuditExport) { x.RecordID = recC }), nil, ErrNotCovered},
		{"tenant changed", edit(func(x *AuditExport) { x.Tenant = "tenant-b" }), nil, ErrNotCovered},
		{"another tenant's chain with its checkpoint, relabelled", edit(func(x *AuditExport) { x.Checkpoint = otherTenantCP(t) }), nil, ErrNotCovered},
		{"checkpoint altered", edit(func(x *AuditExport) { x.Checkpoint.Heads[0].Seq = 4 }), nil, ErrBadSignature},
		{"checkpoint removed", edit(func(x *AuditExport) { x.Checkpoint = nil }), nil, ErrInvalidExport},
		{"format version", edit(func(x *AuditExport) { x.FormatVersion = 2 }), nil, ErrInvalidExport},
		{"wrong key", edit(func(*AuditExport) {}), key(t, "ed25519-other").Public(), ErrBadSignature},
		{"unknown field", func(t *testing.T) []byte {
			_, b := signedExport(t)
			return append([]byte(`{"extra":1,`), b[1:]...)
		}, nil, ErrInvalidExport},
		{"trailing data", func(t *testing.T) []byte {
			_, b := signedExport(t)
			return append(b, " {}"...)
		}, nil, ErrInvalidExport},
		{"not JSON", func(*testing.T) []byte { return []byte("<xml/>") }, nil, ErrInvalidExport},
		{"empty", func(*testing.T) []byte { return nil }, nil, ErrInvalidExport},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.pub
			if p == nil {
				p = pub
			}
			require.ErrorIs(t, VerifyExport(tt.file(t), p), tt.want)
		})
	}
	// The relabelled export is tenant B's and verifies as such.
	x, _ := signedExport(t)
	x.Checkpoint, x.Tenant, x.Records = otherTenantCP(t), "tenant-b", sealChain(t, recA, 5, "tenant-b")
	b, err := json.Marshal(x)
	require.NoError(t, err)
	require.NoError(t, VerifyExport(b, pub))
}

// TestVerifyExportEveryByte changes every byte of an export file in two
// ways and requires each change to be refused, unless it leaves what the
// file says unchanged (a key's letter case, which encoding/json ignores;
// unused base64 bits; the spelling of Data; the informative Verification
// text).
func TestVerifyExportEveryByte(t *testing.T) {
	// A small export keeps the test fast: two records, a checkpoint at
	// Seq 2.
	orig, _ := signedExport(t)
	orig.Records = orig.Records[:2]
	orig.Verification = "see ExportVerification" // every change of it is harmless
	cp, err := NewCheckpoint("t", t0, []Head{{RecordID: recA, Seq: 2, Hash: orig.Records[1].Hash}})
	require.NoError(t, err)
	require.NoError(t, SignCheckpoint(cp, "k", key(t, "ed25519")))
	orig.Checkpoint, orig.Tenant = cp, "t"
	b, err := json.Marshal(orig)
	require.NoError(t, err)
	pub := key(t, "ed25519").Public()
	require.NoError(t, VerifyExport(b, pub))

	undetected := 0
	for i := range b {
		for _, x := range []byte{0x01, 0x20} {
			m := bytes.Clone(b)
			m[i] ^= x
			if VerifyExport(m, pub) != nil {
				continue
			}
			var got AuditExport
			require.NoError(t, json.Unmarshal(m, &got))
			if !sameExport(t, orig, &got) {
				t.Fatalf("byte %d ^ %#x (%q → %q) changes the export and is not detected:\n%s", i, x, b[i], m[i], m)
			}
			undetected++
		}
	}
	t.Logf("%d bytes, %d harmless changes accepted", len(b), undetected)
}

// sameExport reports whether two exports say the same, ignoring
// Verification.
func sameExport(t *testing.T, a, b *AuditExport) bool {
	t.Helper()
	if a.FormatVersion != b.FormatVersion || a.Tenant != b.Tenant || a.RecordID != b.RecordID || len(a.Records) != len(b.Records) {
		return false
	}
	for i := range a.Records {
		ra, rb := a.Records[i], b.Records[i]
		if ra.RecordID != rb.RecordID || ra.Seq != rb.Seq || !ra.At.Equal(rb.At) || ra.Actor != rb.Actor || ra.Action != rb.Action ||
			!sameData(ra.Data, rb.Data) || !bytes.Equal(ra.PrevHash, rb.PrevHash) || !bytes.Equal(ra.Hash, rb.Hash) {
			return false
		}
	}
	sa, err := a.Checkpoint.SigningBytes()
	require.NoError(t, err)
	sb, err := b.Checkpoint.SigningBytes()
	require.NoError(t, err)
	return bytes.Equal(sa, sb) && bytes.Equal(a.Checkpoint.Signature, b.Checkpoint.Signature)
}

func BenchmarkSignCheckpoint(b *testing.B) {
	heads := make([]Head, 100)
	for i := range heads {
		heads[i] = Head{RecordID: uuid.New(), Seq: uint64(i + 1), Hash: bytes.Repeat([]byte{byte(i)}, 32)}
	}
	cp, err := NewCheckpoint("tenant-a", t0, heads)
	require.NoError(b, err)
	signer := key(b, "ed25519")
	b.ReportAllocs()
	for b.Loop() {
		if err := SignCheckpoint(cp, "k", signer); err != nil {
			b.Fatal(err)
		}
	}
}
