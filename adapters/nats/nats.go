package nats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/iso27035/iso27035/notify"
)

// DefaultPrefix is the first token of the subjects a Notifier publishes
// to, unless WithPrefix sets another.
const DefaultPrefix = "iso27035"

// ErrInvalidConfig is wrapped by the errors New and EnsureStream return for
// unusable arguments or options.
var ErrInvalidConfig = errors.New("nats: invalid configuration")

// ErrInvalidSubject is wrapped by every *SubjectError.
var ErrInvalidSubject = errors.New("nats: no subject for notification")

// SubjectError says why a notification has no subject: a field that is
// empty, or a type with an empty dot-separated part. Notify returns it
// wrapped in notify.Permanent.
type SubjectError struct {
	// Field is "tenant" or "type".
	Field string
	// Value is the field's value.
	Value string
	// Reason says what is wrong with it.
	Reason string
}

// Error implements error.
func (e *SubjectError) Error() string {
	return fmt.Sprintf("nats: no subject for notification: %s %q: %s", e.Field, e.Value, e.Reason)
}

// Unwrap returns ErrInvalidSubject.
func (e *SubjectError) Unwrap() error { return ErrInvalidSubject }

// Option configures a Notifier; see New.
type Option interface {
	apply(*Notifier)
}

type optionFunc func(*Notifier)

func (f optionFunc) apply(n *Notifier) { f(n) }

// WithPrefix sets the subject prefix (DefaultPrefix): one or more tokens
// separated by dots, each made of printable characters other than space,
// '*' and '>'. The stream must take <prefix>.> (see EnsureStream).
func WithPrefix(prefix string) Option {
	return optionFunc(func(n *Notifier) { n.prefix = prefix })
}

// Notifier publishes notifications to JetStream; see the package
// documentation. It is safe for concurrent use.
type Notifier struct {
	js     jetstream.JetStream
	prefix string
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a Notifier publishing through js, which a host makes with
// jetstream.New from its connection and keeps open while the Notifier is
// used. A nil js or an invalid prefix is an error wrapping
// ErrInvalidConfig.
func New(js jetstream.JetStream, opts ...Option) (*Notifier, error) {
	n := &Notifier{js: js, prefix: DefaultPrefix}
	for _, o := range opts {
		o.apply(n)
	}
	var errs []error
	if js == nil {
		errs = append(errs, fmt.Errorf("%w: nil JetStream", ErrInvalidConfig))
	}
	if err := checkPrefix(n.prefix); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return n, nil
}

// checkPrefix reports whether p is usable as the literal start of a
// subject.
func checkPrefix(p string) error {
	if p == "" {
		return fmt.Errorf("%w: empty subject prefix", ErrInvalidConfig)
	}
	for tok := range strings.SplitSeq(p, ".") {
		if tok == "" {
			return fmt.Errorf("%w: subject prefix %q has an empty token", ErrInvalidConfig, p)
		}
		for i := range len(tok) {
			if c := tok[i]; c <= ' ' || c == 0x7f || c == '*' || c == '>' {
				return fmt.Errorf("%w: subject prefix %q has the character %q, which subjects cannot hold literally", ErrInvalidConfig, p, c)
			}
		}
	}
	return nil
}

// Prefix returns the subject prefix.
func (n *Notifier) Prefix() string { return n.prefix }

// EscapeToken returns s as one subject token: every byte other than A–Z,
// a–z, 0–9, '-' and '_' becomes %XX (upper-case hexadecimal), so '.', '*',
// '>', spaces and '%' itself never reach the subject, and two strings
// never share a token. Consumers use it to build filters for a tenant.
func EscapeToken(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := range len(s) {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
	}
	return b.String()
}

// Subject returns the subject n is published to: the prefix, the escaped
// tenant, and the type's dot-separated parts, each escaped. An empty
// tenant or type, or a type with an empty part, is a *SubjectError.
func (n *Notifier) Subject(note notify.Notification) (string, error) {
	if note.Tenant == "" {
		return "", &SubjectError{Field: "tenant", Value: note.Tenant, Reason: "empty"}
	}
	if note.Type == "" {
		return "", &SubjectError{Field: "type", Value: note.Type, Reason: "empty"}
	}
	var b strings.Builder
	b.WriteString(n.prefix)
	b.WriteByte('.')
	b.WriteString(EscapeToken(note.Tenant))
	for part := range strings.SplitSeq(note.Type, ".") {
		if part == "" {
			return "", &SubjectError{Field: "type", Value: note.Type, Reason: "has an empty dot-separated part"}
		}
		b.WriteByte('.')
		b.WriteString(EscapeToken(part))
	}
	return b.String(), nil
}

// Notify publishes note and waits for JetStream's acknowledgement; see the
// package documentation for the subject, the message and which failures
// are permanent. An acknowledgement that the message is a duplicate is
// success. A notification without an IdempotencyKey cannot be
// deduplicated and is rejected, permanently.
func (n *Notifier) Notify(ctx context.Context, note notify.Notification) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("nats: notify %s: %w", note.ID, err)
	}
	subj, err := n.Subject(note)
	if err != nil {
		return notify.Permanent(err)
	}
	if note.IdempotencyKey == "" {
		return notify.Permanent(fmt.Errorf("nats: notification %s has no idempotency key", note.ID))
	}
	data, err := json.Marshal(note)
	if err != nil {
		return notify.Permanent(fmt.Errorf("nats: encoding notification %s: %w", note.ID, err))
	}
	msg := &natsgo.Msg{Subject: subj, Data: data, Header: natsgo.Header{}}
	msg.Header.Set("Content-Type", "application/json")
	msg.Header.Set(jetstream.MsgIDHeader, note.IdempotencyKey)
	_, err = n.js.PublishMsg(ctx, msg)
	if err == nil {
		// Stored, or dropped as a duplicate (PubAck.Duplicate): either way
		// the stream has it.
		return nil
	}
	return classify(ctx, subj, err)
}

// classify wraps a failed publish: permanent for a JetStream error with a
// 4xx code, transient otherwise; with ctx's error when ctx is done.
func classify(ctx context.Context, subj string, err error) error {
	err = fmt.Errorf("nats: publish to %s: %w", subj, err)
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = fmt.Errorf("%w (%w)", err, cerr)
	}
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) && apiErr.Code >= 400 && apiErr.Code < 500 {
		return notify.Permanent(err)
	}
	return err
}
