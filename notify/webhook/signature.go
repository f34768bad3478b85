package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader is the header that carries the signature:
//
//	Webhook-Signature: t=<unix seconds>,kid=<key id>,v1=<hex HMAC-SHA256 of "<t>.<body>">
const SignatureHeader = "Webhook-Signature"

// DefaultTolerance is the replay window of Verify when it is given none:
// a signature's timestamp may be this far from the receiver's clock, either
// way.
const DefaultTolerance = 5 * time.Minute

// MinSecretLen is the shortest secret New accepts, in bytes.
const MinSecretLen = 16

// Errors of Verify and VerifyRequest. Each error they return wraps one.
var (
	// ErrMalformed: the header (or the body) cannot be parsed.
	ErrMalformed = errors.New("webhook: malformed signature or body")
	// ErrUnknownKey: the signature names a key id the receiver does not hold.
	ErrUnknownKey = errors.New("webhook: unknown signing key")
	// ErrBadSignature: the MAC does not match: a wrong secret or a changed
	// body or timestamp.
	ErrBadSignature = errors.New("webhook: bad signature")
	// ErrExpired: the signature is genuine but its timestamp is outside the
	// replay window.
	ErrExpired = errors.New("webhook: signature timestamp outside the replay window")
)

// Key is a signing secret and the id that names it in the header. The id
// must be letters, digits, '.', '_' or '-'.
type Key struct {
	// ID names the key, e.g. "2026-03".
	ID string
	// Secret is the HMAC-SHA256 key, at least MinSecretLen bytes.
	Secret []byte
}

// validID reports whether id may appear in the header.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

func mac(secret []byte, ts int64, body []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(strconv.FormatInt(ts, 10)))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// Sign returns the SignatureHeader value for body, signed with key at time
// at.
func Sign(key Key, body []byte, at time.Time) string {
	ts := at.Unix()
	return "t=" + strconv.FormatInt(ts, 10) + ",kid=" + key.ID + ",v1=" + hex.EncodeToString(mac(key.Secret, ts, body))
}

// Verify checks a SignatureHeader value against body with the keys the
// receiver holds (during a rotation, the old and the new), and that its
// timestamp is within tolerance of now (DefaultTolerance when tolerance is
// not positive). It returns the id of the key that verified. Parameters the
// header carries besides t, kid and v1 are ignored, for later versions.
func Verify(header string, body []byte, keys []Key, now time.Time, tolerance time.Duration) (kid string, err error) {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	var ts, sig string
	seen := map[string]bool{}
	for part := range strings.SplitSeq(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return "", fmt.Errorf("%w: header part %q is not key=value", ErrMalformed, part)
		}
		if k != "t" && k != "kid" && k != "v1" {
			continue
		}
		if seen[k] {
			return "", fmt.Errorf("%w: %s given twice", ErrMalformed, k)
		}
		seen[k] = true
		switch k {
		case "t":
			ts = v
		case "kid":
			kid = v
		case "v1":
			sig = v
		}
	}
	if ts == "" || kid == "" || sig == "" {
		return "", fmt.Errorf("%w: header needs t, kid and v1", ErrMalformed)
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "", fmt.Errorf("%w: timestamp %q", ErrMalformed, ts)
	}
	got, err := hex.DecodeString(sig)
	if err != nil || len(got) != sha256.Size {
		return "", fmt.Errorf("%w: v1 is not a hex HMAC-SHA256", ErrMalformed)
	}
	known := false
	for _, k := range keys {
		if k.ID != kid {
			continue
		}
		known = true
		if hmac.Equal(got, mac(k.Secret, t, body)) {
			// Genuine; now the replay window. Compare in seconds, without
			// overflowing time.Duration on hostile timestamps.
			skew := now.Unix() - t
			if skew < 0 {
				skew = -skew
			}
			if skew < 0 || skew > int64(tolerance/time.Second) {
				return kid, fmt.Errorf("%w: signed at %d, now %d, tolerance %v", ErrExpired, t, now.Unix(), tolerance)
			}
			return kid, nil
		}
	}
	if !known {
		return "", fmt.Errorf("%w: %q", ErrUnknownKey, kid)
	}
	return "", ErrBadSignature
}

// DefaultMaxBody is the largest body VerifyRequest reads when given no
// limit.
const DefaultMaxBody = 1 << 20

// VerifyRequest reads r's body (at most maxBody bytes, DefaultMaxBody when
// not positive; a longer one is ErrMalformed) and verifies it with Verify.
// It returns the body, which the receiver then decodes with Decode (and
// drops if it has seen the event's id before), and the id of the key that
// verified it: once no sender uses the old key of a rotation, the receiver
// drops it.
func VerifyRequest(r *http.Request, keys []Key, now time.Time, tolerance time.Duration, maxBody int64) (body []byte, kid string, err error) {
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	body, err = io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, "", fmt.Errorf("%w: reading body: %w", ErrMalformed, err)
	}
	if int64(len(body)) > maxBody {
		return nil, "", fmt.Errorf("%w: body larger than %d bytes", ErrMalformed, maxBody)
	}
	if kid, err = Verify(r.Header.Get(SignatureHeader), body, keys, now, tolerance); err != nil {
		return nil, "", err
	}
	return body, kid, nil
}
