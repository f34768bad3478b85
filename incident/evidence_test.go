package incident_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

const dmSHA256abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

// dmIncident is a minimal valid incident made by dmFactory (escalated from
// an event), with nothing else set.
func dmIncident(t *testing.T) *incident.Incident {
	t.Helper()
	f := dmFactory()
	ev, err := f.NewEvent(context.Background(), "acme", "Suspicious login", "actor-alice")
	require.NoError(t, err)
	inc, err := f.Escalate(context.Background(), ev)
	require.NoError(t, err)
	require.NoError(t, inc.Validate())
	return inc
}

// dmEvidence is an evidence item holding "abc", collected an hour after
// dmNow by actor-alice.
func dmEvidence() incident.Evidence {
	return incident.Evidence{
		ID:          "ev-1",
		Description: "Memory dump of host web-01",
		Kind:        "memory_dump",
		CollectedBy: "actor-alice",
		CollectedAt: dmNow.Add(time.Hour),
		Source:      "web-01",
		Location:    "locker://case-1/ev-1",
		SHA256:      dmSHA256abc,
		Size:        3,
	}
}

// dmFailingReader returns n bytes and then err.
type dmFailingReader struct {
	n   int
	err error
}

func (r *dmFailingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, r.err
	}
	k := min(len(p), r.n)
	for i := range k {
		p[i] = 'x'
	}
	r.n -= k
	return k, nil
}

func TestDigest(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	bigSum := sha256.Sum256(big)
	tests := []struct {
		name string
		r    io.Reader
		want string
		n    int64
	}{
		{"abc", strings.NewReader("abc"), dmSHA256abc, 3},
		{"empty", strings.NewReader(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 0},
		{"1 MiB one byte at a time", iotest.OneByteReader(bytes.NewReader(big)), hex.EncodeToString(bigSum[:]), 1 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n, err := incident.Digest(tt.r)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.n, n)
		})
	}
	t.Run("read error", func(t *testing.T) {
		boom := errors.New("disk read error")
		got, n, err := incident.Digest(&dmFailingReader{n: 10, err: boom})
		require.ErrorIs(t, err, boom)
		assert.Empty(t, got)
		assert.Equal(t, int64(10), n)
	})
}

func TestEvidenceVerify(t *testing.T) {
	boom := errors.New("object store timeout")
	tests := []struct {
		name     string
		mutate   func(e *incident.Evidence)
		content  io.Reader
		wantErr  error
		wantWant string
		wantGot  string
		wantSize int64
	}{
		{name: "ok", content: strings.NewReader("abc")},
		{name: "ok without recorded size", mutate: func(e *incident.Evidence) { e.Size = 0 }, content: strings.NewReader("abc")},
		{name: "content changed", content: strings.NewReader("abd"), wantErr: incident.ErrDigestMismatch,
			wantWant: dmSHA256abc, wantGot: "a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9", wantSize: 3},
		{name: "content truncated", content: strings.NewReader("ab"), wantErr: incident.ErrDigestMismatch,
			wantWant: dmSHA256abc, wantGot: "fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603", wantSize: 2},
		{name: "right digest wrong recorded size", mutate: func(e *incident.Evidence) { e.Size = 4 }, content: strings.NewReader("abc"),
			wantErr: incident.ErrDigestMismatch, wantWant: dmSHA256abc, wantGot: dmSHA256abc, wantSize: 3},
		{name: "upper-case recorded digest", mutate: func(e *incident.Evidence) { e.SHA256 = strings.ToUpper(dmSHA256abc) }, content: strings.NewReader("abc"),
			wantErr: incident.ErrDigestMismatch, wantWant: strings.ToUpper(dmSHA256abc), wantGot: dmSHA256abc, wantSize: 3},
		{name: "read error midway", content: &dmFailingReader{n: 2, err: boom}, wantErr: boom},
		{name: "iotest error reader", content: iotest.TimeoutReader(strings.NewReader("abc")), wantErr: iotest.ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := dmEvidence()
			if tt.mutate != nil {
				tt.mutate(&e)
			}
			err := e.Verify(tt.content)
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.wantErr)
			var de *incident.DigestError
			if !errors.Is(tt.wantErr, incident.ErrDigestMismatch) {
				assert.NotErrorIs(t, err, incident.ErrDigestMismatch, "a read failure is not a mismatch")
				assert.False(t, errors.As(err, &de))
				return
			}
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "ev-1", de.Evidence)
			assert.Equal(t, tt.wantWant, de.Want)
			assert.Equal(t, tt.wantGot, de.Got)
			assert.Equal(t, tt.wantSize, de.Size)
			assert.Contains(t, err.Error(), "ev-1")
		})
	}
}

func TestEvidenceCustodian(t *testing.T) {
	e := dmEvidence()
	assert.Equal(t, incident.ActorID("actor-alice"), e.Custodian(), "the collector before any transfer")
	require.NoError(t, e.Transfer(dmNow.Add(2*time.Hour), "actor-bob", "analysis", ""))
	assert.Equal(t, incident.ActorID("actor-bob"), e.Custodian())
	require.NoError(t, e.Transfer(dmNow.Add(3*time.Hour), "actor-carol", "legal review", ""))
	assert.Equal(t, incident.ActorID("actor-carol"), e.Custodian())
}

func TestEvidenceTransfer(t *testing.T) {
	t.Run("appends with From the previous custodian", func(t *testing.T) {
		e := dmEvidence()
		at1 := time.Date(2026, 3, 14, 12, 0, 0, 0, time.FixedZone("CET", 3600)) // 11:00 UTC
		require.NoError(t, e.Transfer(at1, "actor-bob", "analysis", "lab://bench-3"))
		at2 := dmNow.Add(5 * time.Hour)
		require.NoError(t, e.Transfer(at2, "actor-carol", "court", ""))
		at3 := at2 // the same instant is allowed
		require.NoError(t, e.Transfer(at3, "actor-dave", "", "vault://7"))

		assert.Equal(t, []incident.CustodyTransfer{
			{At: time.Date(2026, 3, 14, 11, 0, 0, 0, time.UTC), From: "actor-alice", To: "actor-bob", Purpose: "analysis", Location: "lab://bench-3"},
			{At: at2, From: "actor-bob", To: "actor-carol", Purpose: "court"},
			{At: at3, From: "actor-carol", To: "actor-dave", Location: "vault://7"},
		}, e.Custody)
		assert.Equal(t, time.UTC, e.Custody[0].At.Location())
		assert.Equal(t, "vault://7", e.Location, "the last non-empty location")
	})
	t.Run("empty location keeps the current one", func(t *testing.T) {
		e := dmEvidence()
		require.NoError(t, e.Transfer(dmNow.Add(2*time.Hour), "actor-bob", "analysis", ""))
		assert.Equal(t, "locker://case-1/ev-1", e.Location)
	})

	tests := []struct {
		name     string
		prior    int // transfers done first
		at       time.Time
		to       incident.ActorID
		sentinel error
		rule     incident.Rule
		path     string
	}{
		{"before collection", 0, dmNow, "actor-bob", incident.ErrOrder, incident.RuleCustodyOrder, "custody[0].at"},
		{"before the previous transfer", 2, dmNow.Add(2*time.Hour + 30*time.Minute), "actor-dave", incident.ErrOrder, incident.RuleCustodyOrder, "custody[2].at"},
		{"empty receiver", 0, dmNow.Add(2 * time.Hour), "", incident.ErrRequired, incident.RuleRequired, "custody[0].to"},
		{"empty receiver after transfers", 2, dmNow.Add(4 * time.Hour), "", incident.ErrRequired, incident.RuleRequired, "custody[2].to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := dmEvidence()
			for i := range tt.prior {
				require.NoError(t, e.Transfer(dmNow.Add(time.Duration(2+i)*time.Hour), incident.ActorID("actor-"+string(rune('b'+i))), "p", "loc-"+string(rune('1'+i))))
			}
			before := e
			before.Custody = append([]incident.CustodyTransfer(nil), e.Custody...)

			err := e.Transfer(tt.at, tt.to, "p", "elsewhere")
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.sentinel)
			var fe *incident.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.rule, fe.Rule)
			assert.Equal(t, tt.path, fe.Path)
			assert.Equal(t, before, e, "a refused transfer changes nothing")
		})
	}
}

func TestEvidenceChainValidates(t *testing.T) {
	inc := dmIncident(t)
	e := dmEvidence()
	require.NoError(t, e.Transfer(dmNow.Add(2*time.Hour), "actor-bob", "analysis", "lab://bench-3"))
	require.NoError(t, e.Transfer(dmNow.Add(3*time.Hour), "actor-carol", "legal review", "vault://7"))
	inc.Evidence = append(inc.Evidence, e)
	require.NoError(t, inc.Validate())

	t.Run("validator catches a broken chain", func(t *testing.T) {
		broken := dmIncident(t)
		b := e
		b.Custody = append([]incident.CustodyTransfer(nil), e.Custody...)
		b.Custody[1].From = "actor-mallory"
		broken.Evidence = []incident.Evidence{b}
		err := broken.Validate()
		require.ErrorIs(t, err, incident.ErrInconsistent)
		var ve *incident.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("evidence[0].custody[1].from", incident.RuleCustodyChain), "%v", err)
	})
	t.Run("validator catches an out-of-order chain", func(t *testing.T) {
		broken := dmIncident(t)
		b := e
		b.Custody = append([]incident.CustodyTransfer(nil), e.Custody...)
		b.Custody[1].At = dmNow
		broken.Evidence = []incident.Evidence{b}
		err := broken.Validate()
		require.ErrorIs(t, err, incident.ErrOrder)
		var ve *incident.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("evidence[0].custody[1].at", incident.RuleCustodyOrder), "%v", err)
	})
}

func BenchmarkEvidenceVerify1MiB(b *testing.B) {
	content := bytes.Repeat([]byte{0x5a}, 1<<20)
	sum := sha256.Sum256(content)
	e := incident.Evidence{ID: "ev-1", SHA256: hex.EncodeToString(sum[:]), Size: int64(len(content))}
	r := bytes.NewReader(content)
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(content)
		if err := e.Verify(r); err != nil {
			b.Fatal(err)
		}
	}
}
