package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/iso27035/iso27035/notify"
)

// Defaults of Config.
const (
	// DefaultTimeout bounds a whole request.
	DefaultTimeout = 10 * time.Second
	// DefaultDialTimeout bounds each connection attempt and TLS handshake.
	DefaultDialTimeout = 5 * time.Second
	// DefaultMaxResponseBytes is the most of a response body that is read.
	DefaultMaxResponseBytes = 64 << 10
	// DefaultMaxRetryAfter caps the delay a Retry-After may ask for.
	DefaultMaxRetryAfter = time.Hour
)

// ErrInvalidConfig is wrapped by New's errors.
var ErrInvalidConfig = errors.New("webhook: invalid configuration")

// Resolver looks up the addresses of a host; *net.Resolver is one. Tests
// give a fake one, to see the guard refuse what a name resolves to.
type Resolver interface {
	// LookupNetIP returns the addresses of host; network is "ip", "ip4"
	// or "ip6".
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Config configures a Notifier. URL and Key are required.
type Config struct {
	// URL is the receiver's endpoint, http or https.
	URL string
	// Key signs every request. To rotate, give receivers the new key
	// besides the old one first, then change Key here.
	Key Key
	// Source is the CloudEvents source, a URI-reference in which
	// "{tenant}" stands for the notification's tenant; DefaultSource when
	// empty.
	Source string
	// TypePrefix goes before the notification's Type in the CloudEvents
	// type, e.g. "org.example.iso27035." for reverse-DNS types; none when
	// empty.
	TypePrefix string
	// Timeout bounds a whole request, from dial to the end of the body
	// read; DefaultTimeout when zero. The caller's context bounds it too.
	Timeout time.Duration
	// DialTimeout bounds each connection attempt (and the TLS handshake);
	// DefaultDialTimeout when zero.
	DialTimeout time.Duration
	// MaxResponseBytes is the most of a response body that is read;
	// DefaultMaxResponseBytes when zero. A longer body is not read to its
	// end: the connection is closed.
	MaxResponseBytes int64
	// MaxRedirects is the number of redirects followed; zero (the default)
	// follows none and a 3xx answer is a permanent failure. Each hop is
	// dialled through the Guard.
	MaxRedirects int
	// MaxRetryAfter caps the delay a Retry-After may ask for;
	// DefaultMaxRetryAfter when zero.
	MaxRetryAfter time.Duration
	// Guard, when set, refuses connections to loopback, private,
	// link-local and other special-purpose addresses after DNS resolution.
	// Set it whenever tenants configure URLs.
	Guard *Guard
	// Resolver resolves host names; net.DefaultResolver when nil.
	Resolver Resolver
	// TLSConfig is the TLS configuration of https receivers (a private CA,
	// a client certificate); the default when nil.
	TLSConfig *tls.Config
	// Now is the clock of the signatures' timestamps; time.Now when nil.
	Now func() time.Time
}

// Notifier posts notifications to one webhook. It implements
// notify.Notifier and is safe for concurrent use.
type Notifier struct {
	cfg    Config
	url    string
	client *http.Client
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a Notifier for cfg, or an error wrapping ErrInvalidConfig.
func New(cfg Config) (*Notifier, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("%w: URL: %w", ErrInvalidConfig, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: URL %q must be absolute http or https", ErrInvalidConfig, cfg.URL)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%w: URL must not carry credentials", ErrInvalidConfig)
	}
	if !validID(cfg.Key.ID) {
		return nil, fmt.Errorf("%w: key id %q must be 1 to 64 letters, digits, '.', '_' or '-'", ErrInvalidConfig, cfg.Key.ID)
	}
	if len(cfg.Key.Secret) < MinSecretLen {
		return nil, fmt.Errorf("%w: key secret shorter than %d bytes", ErrInvalidConfig, MinSecretLen)
	}
	if cfg.Timeout < 0 || cfg.DialTimeout < 0 || cfg.MaxResponseBytes < 0 || cfg.MaxRedirects < 0 || cfg.MaxRetryAfter < 0 {
		return nil, fmt.Errorf("%w: negative limit", ErrInvalidConfig)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = DefaultDialTimeout
	}
	if cfg.MaxResponseBytes == 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if cfg.MaxRetryAfter == 0 {
		cfg.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Key.Secret = bytes.Clone(cfg.Key.Secret)
	n := &Notifier{cfg: cfg, url: u.String()}
	tr := &http.Transport{
		Proxy:                 nil, // the guard must see the real destination
		DialContext:           n.dial,
		TLSClientConfig:       cfg.TLSConfig,
		TLSHandshakeTimeout:   cfg.DialTimeout,
		ResponseHeaderTimeout: cfg.Timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	n.client = &http.Client{
		Transport: tr,
		Timeout:   cfg.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			// A 301, 302 or 303 turns the POST into a GET without the
			// body: not a delivery. Only 307 and 308 are followed.
			if len(via) > cfg.MaxRedirects || req.Method != http.MethodPost {
				return http.ErrUseLastResponse // classified as a 3xx below
			}
			return nil
		},
	}
	return n, nil
}

// dial resolves addr itself and connects to each address in turn through a
// dialer whose Control hook is the guard, so the guard sees every address
// actually connected to.
func (n *Notifier) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	d := &net.Dialer{Timeout: n.cfg.DialTimeout, KeepAlive: 30 * time.Second}
	if n.cfg.Guard != nil {
		d.Control = n.cfg.Guard.Control
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		lookup := "ip"
		switch network {
		case "tcp4":
			lookup = "ip4"
		case "tcp6":
			lookup = "ip6"
		}
		if ips, err = n.cfg.Resolver.LookupNetIP(ctx, lookup, host); err != nil {
			return nil, err
		}
		if len(ips) == 0 {
			return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
	}
	var errs []error
	for _, ip := range ips {
		c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// Notify posts n and classifies the answer (see the package documentation).
func (n *Notifier) Notify(ctx context.Context, note notify.Notification) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	ev, err := NewEvent(note, n.cfg.Source, n.cfg.TypePrefix)
	if err != nil {
		return notify.Permanent(fmt.Errorf("webhook: notification %s: %w", note.IdempotencyKey, err))
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return notify.Permanent(fmt.Errorf("webhook: encoding notification %s: %w", note.IdempotencyKey, err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return notify.Permanent(fmt.Errorf("webhook: %w", err))
	}
	req.Header.Set("Content-Type", ContentType+"; charset=utf-8")
	req.Header.Set("User-Agent", "iso27035-webhook/1")
	req.Header.Set(SignatureHeader, Sign(n.cfg.Key, body, n.cfg.Now()))
	resp, err := n.client.Do(req)
	if err != nil {
		if errors.Is(err, ErrForbiddenAddress) {
			return notify.Permanent(fmt.Errorf("webhook: %w", err))
		}
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			return fmt.Errorf("webhook: %w (%w)", ctxErr, err)
		}
		// Timeouts, refused connections, resets, DNS failures: transient.
		return fmt.Errorf("webhook: post: %w", err)
	}
	defer resp.Body.Close()
	// Read at most the limit, for the error message and to reuse the
	// connection; a longer body is cut off (closing drops the connection).
	snippet, readErr := io.ReadAll(io.LimitReader(resp.Body, n.cfg.MaxResponseBytes))
	return n.classify(resp, snippet, readErr)
}

// classify turns an answer into nil or an error for the relay.
func (n *Notifier) classify(resp *http.Response, body []byte, readErr error) error {
	code := resp.StatusCode
	status := fmt.Sprintf("webhook: receiver answered %s", resp.Status)
	if s := excerpt(body); s != "" {
		status += ": " + s
	}
	switch {
	case code >= 200 && code < 300:
		// Delivered, even if reading the rest of the body failed: the
		// receiver has said it has the notification.
		_ = readErr
		return nil
	case code >= 300 && code < 400:
		return notify.Permanent(fmt.Errorf("%s: redirect to %q not followed (Config.MaxRedirects is %d; only 307 and 308 keep the POST); configure the final URL",
			status, resp.Header.Get("Location"), n.cfg.MaxRedirects))
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500 && code < 600:
		err := errors.New(status)
		if d, ok := n.retryAfter(resp.Header.Get("Retry-After")); ok {
			return &notify.RetryAfterError{After: d, Err: err}
		}
		return err
	case code >= 400 && code < 500:
		return notify.Permanent(errors.New(status))
	default:
		return errors.New(status) // not a final HTTP status: try again
	}
}

// retryAfter parses a Retry-After value (delay-seconds or an HTTP date),
// capped by MaxRetryAfter; false when there is none or it asks for no
// delay.
func (n *Notifier) retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0, false
		}
		if secs > int64(n.cfg.MaxRetryAfter/time.Second) {
			return n.cfg.MaxRetryAfter, true
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(n.cfg.Now())
	} else {
		return 0, false
	}
	if d <= 0 {
		return 0, false
	}
	return min(d, n.cfg.MaxRetryAfter), true
}

// excerpt returns the start of a response body for an error message,
// printable and short.
func excerpt(body []byte) string {
	const limit = 200
	s := strings.ToValidUTF8(string(body[:min(len(body), limit)]), "")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(body) > limit {
		s += "…"
	}
	return s
}
