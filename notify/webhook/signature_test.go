package webhook_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iso27035/iso27035/notify/webhook"
)

var signedAt = time.Date(2026, 3, 2, 9, 14, 0, 0, time.UTC)

func TestSignVerify(t *testing.T) {
	body := []byte(`{"specversion":"1.0","id":"k"}`)
	h := webhook.Sign(curKey, body, signedAt)
	if !strings.HasPrefix(h, "t=1772442840,kid=2026-03,v1=") || len(h) != len("t=1772442840,kid=2026-03,v1=")+64 {
		t.Fatalf("header %q", h)
	}
	kid, err := webhook.Verify(h, body, []webhook.Key{curKey}, signedAt, 0)
	if err != nil || kid != curKey.ID {
		t.Fatalf("Verify = %q, %v", kid, err)
	}
	// Whitespace and unknown parameters (a future v2) are tolerated.
	if _, err := webhook.Verify(" v2=abc, "+strings.ReplaceAll(h, ",", " , "), body, []webhook.Key{curKey}, signedAt, 0); err != nil {
		t.Errorf("tolerant parse: %v", err)
	}
}

func TestRotation(t *testing.T) {
	body := []byte(`{}`)
	both := []webhook.Key{oldKey, curKey}
	for _, k := range both {
		kid, err := webhook.Verify(webhook.Sign(k, body, signedAt), body, both, signedAt, 0)
		if err != nil || kid != k.ID {
			t.Errorf("signed with %s: Verify = %q, %v", k.ID, kid, err)
		}
	}
	// After the rotation the receiver drops the old key.
	_, err := webhook.Verify(webhook.Sign(oldKey, body, signedAt), body, []webhook.Key{curKey}, signedAt, 0)
	if !errors.Is(err, webhook.ErrUnknownKey) {
		t.Errorf("old key after rotation: %v, want ErrUnknownKey", err)
	}
	// A key id with the wrong secret (a leaked id, a guessed secret).
	forged := webhook.Key{ID: curKey.ID, Secret: []byte("guessed-secret-0123456789")}
	_, err = webhook.Verify(webhook.Sign(forged, body, signedAt), body, both, signedAt, 0)
	if !errors.Is(err, webhook.ErrBadSignature) {
		t.Errorf("wrong secret: %v, want ErrBadSignature", err)
	}
}

func TestReplayWindow(t *testing.T) {
	body := []byte(`{}`)
	h := webhook.Sign(curKey, body, signedAt)
	keys := []webhook.Key{curKey}
	for _, tt := range []struct {
		now time.Time
		tol time.Duration
		ok  bool
	}{
		{signedAt.Add(4 * time.Minute), 0, true}, // DefaultTolerance
		{signedAt.Add(6 * time.Minute), 0, false},
		{signedAt.Add(-4 * time.Minute), 0, true}, // the sender's clock is ahead
		{signedAt.Add(-6 * time.Minute), 0, false},
		{signedAt.Add(30 * time.Second), 30 * time.Second, true},
		{signedAt.Add(31 * time.Second), 30 * time.Second, false},
		{signedAt.Add(24 * time.Hour), time.Hour, false},
	} {
		_, err := webhook.Verify(h, body, keys, tt.now, tt.tol)
		if tt.ok && err != nil || !tt.ok && !errors.Is(err, webhook.ErrExpired) {
			t.Errorf("now %v tolerance %v: Verify = %v", tt.now.Sub(signedAt), tt.tol, err)
		}
	}
	// Moving the timestamp into the window breaks the MAC.
	moved := strings.Replace(h, "t=1772442840", "t="+strconv.FormatInt(signedAt.Add(time.Hour).Unix(), 10), 1)
	if _, err := webhook.Verify(moved, body, keys, signedAt.Add(time.Hour), 0); !errors.Is(err, webhook.ErrBadSignature) {
		t.Errorf("new timestamp on an old signature: %v, want ErrBadSignature", err)
	}
}

func TestTamperedBody(t *testing.T) {
	body := []byte(`{"data":{"severity":"critical"}}`)
	h := webhook.Sign(curKey, body, signedAt)
	tampered := bytes.Replace(body, []byte("critical"), []byte("low"), 1)
	if _, err := webhook.Verify(h, tampered, []webhook.Key{curKey}, signedAt, 0); !errors.Is(err, webhook.ErrBadSignature) {
		t.Errorf("tampered body: %v, want ErrBadSignature", err)
	}
	if _, err := webhook.Verify(h, append(body, ' '), []webhook.Key{curKey}, signedAt, 0); !errors.Is(err, webhook.ErrBadSignature) {
		t.Errorf("extended body: %v, want ErrBadSignature", err)
	}
}

func TestVerifyMalformed(t *testing.T) {
	sig := hex.EncodeToString(make([]byte, 32))
	for _, h := range []string{
		"", "garbage", "t=1,kid=k", "t=1,v1=" + sig, "kid=k,v1=" + sig,
		"t=x,kid=k,v1=" + sig, "t=1,kid=k,v1=zz", "t=1,kid=k,v1=abcd",
		"t=1,t=2,kid=k,v1=" + sig, "t=1,kid=k,v1=" + sig + ",v1=" + sig,
		"t=99999999999999999999,kid=k,v1=" + sig,
	} {
		if _, err := webhook.Verify(h, nil, []webhook.Key{curKey}, signedAt, 0); !errors.Is(err, webhook.ErrMalformed) {
			t.Errorf("Verify(%q) = %v, want ErrMalformed", h, err)
		}
	}
}

func TestVerifyRequest(t *testing.T) {
	body := []byte(`{"x":1}`)
	r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
	r.Header.Set(webhook.SignatureHeader, webhook.Sign(curKey, body, signedAt))
	got, kid, err := webhook.VerifyRequest(r, []webhook.Key{oldKey, curKey}, signedAt, 0, 0)
	if err != nil || !bytes.Equal(got, body) || kid != curKey.ID {
		t.Fatalf("VerifyRequest = %q, %q, %v", got, kid, err)
	}
	big := bytes.Repeat([]byte("x"), 100)
	r = httptest.NewRequest("POST", "/", bytes.NewReader(big))
	r.Header.Set(webhook.SignatureHeader, webhook.Sign(curKey, big, signedAt))
	if _, _, err := webhook.VerifyRequest(r, []webhook.Key{curKey}, signedAt, 0, 99); !errors.Is(err, webhook.ErrMalformed) {
		t.Errorf("body over the limit: %v, want ErrMalformed", err)
	}
}

// FuzzVerify: Verify never panics, every error wraps exactly one of its
// sentinels, and it accepts only a header whose v1 is the MAC of its t and
// the body under the key it names.
func FuzzVerify(f *testing.F) {
	body := []byte(`{"specversion":"1.0"}`)
	f.Add(webhook.Sign(curKey, body, signedAt), body, int64(0))
	f.Add(webhook.Sign(oldKey, body, signedAt), body, int64(400))
	f.Add(webhook.Sign(curKey, body, signedAt)+",v2=x", []byte("other"), int64(-100))
	f.Add("t=1772442840,kid=2026-03,v1=", body, int64(0))
	f.Add("t=-9223372036854775808,kid=2026-03,v1="+strings.Repeat("00", 32), body, int64(0))
	f.Add(",,==,t==,kid=,", []byte{}, int64(1<<40))
	keys := []webhook.Key{oldKey, curKey}
	sentinels := []error{webhook.ErrMalformed, webhook.ErrUnknownKey, webhook.ErrBadSignature, webhook.ErrExpired}
	f.Fuzz(func(t *testing.T, header string, body []byte, offset int64) {
		now := signedAt.Add(time.Duration(offset) * time.Second)
		kid, err := webhook.Verify(header, body, keys, now, time.Minute)
		if err != nil {
			n := 0
			for _, s := range sentinels {
				if errors.Is(err, s) {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("error %v wraps %d sentinels", err, n)
			}
			return
		}
		var key webhook.Key
		for _, k := range keys {
			if k.ID == kid {
				key = k
			}
		}
		var ts int64
		var v1 string
		for part := range strings.SplitSeq(header, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			switch k {
			case "t":
				ts, _ = strconv.ParseInt(v, 10, 64)
			case "v1":
				v1 = v
			}
		}
		want := webhook.Sign(key, body, time.Unix(ts, 0))
		if !strings.HasSuffix(want, "v1="+strings.ToLower(v1)) {
			t.Fatalf("accepted %q for body %q; the signature is %q", header, body, want)
		}
		if d := now.Unix() - ts; d > 60 || d < -60 {
			t.Fatalf("accepted a timestamp %ds away with a 1m tolerance", d)
		}
	})
}
