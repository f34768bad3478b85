package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/notify"
)

// ContentType is the media type of a body: a CloudEvent in structured mode.
const ContentType = "application/cloudevents+json"

// DefaultSource is the CloudEvents source when Config.Source is empty;
// "{tenant}" stands for the notification's tenant.
const DefaultSource = "/iso27035/{tenant}"

// Event is a CloudEvents 1.0 event as this package writes it (structured
// mode, JSON format), with its extension attributes.
type Event struct {
	// SpecVersion is always "1.0".
	SpecVersion string `json:"specversion"`
	// ID is the notification's IdempotencyKey: the same on every
	// redelivery, so receivers deduplicate on source and id.
	ID string `json:"id"`
	// Source is a URI-reference naming the producer and tenant.
	Source string `json:"source"`
	// Type is the notification's Type, behind Config.TypePrefix.
	Type string `json:"type"`
	// Subject is the record's ID, empty when there is none.
	Subject string `json:"subject,omitempty"`
	// Time is when the notification was created (RFC 3339).
	Time string `json:"time,omitempty"`
	// DataContentType is "application/json" when there is Data.
	DataContentType string `json:"datacontenttype,omitempty"`
	// Data is the notification's payload, as it is.
	Data json.RawMessage `json:"data,omitempty"`
	// Tenant (extension) is the organisation the record belongs to.
	Tenant string `json:"tenant,omitempty"`
	// Seq (extension) is the record's audit sequence number, in decimal:
	// a CloudEvents Integer is 32-bit.
	Seq string `json:"seq,omitempty"`
	// OutboxID (extension) is the outbox entry's ID.
	OutboxID string `json:"outboxid,omitempty"`
	// Attempt (extension) is 1 on the first delivery, 2 on the first retry, …
	Attempt int `json:"attempt,omitempty"`
}

// ErrInvalidPayload is returned (permanent) for a notification whose
// payload is not JSON: retrying cannot mend it.
var ErrInvalidPayload = errors.New("webhook: payload is not valid JSON")

// NewEvent builds the envelope of n. source is a URI-reference in which
// "{tenant}" stands for n.Tenant (path-escaped), DefaultSource when empty;
// typePrefix goes before n.Type (e.g. "org.example.iso27035.").
func NewEvent(n notify.Notification, source, typePrefix string) (Event, error) {
	if source == "" {
		source = DefaultSource
	}
	ev := Event{
		SpecVersion: "1.0",
		ID:          n.IdempotencyKey,
		Source:      strings.ReplaceAll(source, "{tenant}", url.PathEscape(n.Tenant)),
		Type:        typePrefix + n.Type,
		Tenant:      n.Tenant,
		Seq:         strconv.FormatUint(n.Seq, 10),
		Attempt:     n.Attempt,
	}
	if ev.ID == "" {
		ev.ID = n.ID.String()
	}
	if n.RecordID != uuid.Nil {
		ev.Subject = n.RecordID.String()
	}
	if n.ID != uuid.Nil {
		ev.OutboxID = n.ID.String()
	}
	if !n.CreatedAt.IsZero() {
		ev.Time = n.CreatedAt.UTC().Format(time.RFC3339Nano)
	}
	if p := bytes.TrimSpace(n.Payload); len(p) > 0 && string(p) != "null" {
		if !json.Valid(p) {
			return Event{}, ErrInvalidPayload
		}
		ev.Data = p
		ev.DataContentType = "application/json"
	}
	return ev, nil
}

// Decode parses a body into an Event, checking the attributes CloudEvents
// requires.
func Decode(body []byte) (Event, error) {
	var ev Event
	if err := json.Unmarshal(body, &ev); err != nil {
		return Event{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if ev.SpecVersion != "1.0" || ev.ID == "" || ev.Source == "" || ev.Type == "" {
		return Event{}, fmt.Errorf("%w: not a CloudEvents 1.0 event (specversion %q, id, source and type required)", ErrMalformed, ev.SpecVersion)
	}
	return ev, nil
}

// Notification turns the event back into the notification it carries;
// typePrefix is removed from Type. The envelope does not carry Attempt's
// meaning for the receiver beyond this delivery, nor anything not listed in
// Event.
func (ev Event) Notification(typePrefix string) (notify.Notification, error) {
	n := notify.Notification{
		Type:           strings.TrimPrefix(ev.Type, typePrefix),
		Tenant:         ev.Tenant,
		IdempotencyKey: ev.ID,
		Payload:        ev.Data,
		Attempt:        ev.Attempt,
	}
	var err error
	if ev.Subject != "" {
		if n.RecordID, err = uuid.Parse(ev.Subject); err != nil {
			return notify.Notification{}, fmt.Errorf("%w: subject: %w", ErrMalformed, err)
		}
	}
	if ev.OutboxID != "" {
		if n.ID, err = uuid.Parse(ev.OutboxID); err != nil {
			return notify.Notification{}, fmt.Errorf("%w: outboxid: %w", ErrMalformed, err)
		}
	}
	if ev.Seq != "" {
		if n.Seq, err = strconv.ParseUint(ev.Seq, 10, 64); err != nil {
			return notify.Notification{}, fmt.Errorf("%w: seq: %w", ErrMalformed, err)
		}
	}
	if ev.Time != "" {
		if n.CreatedAt, err = time.Parse(time.RFC3339Nano, ev.Time); err != nil {
			return notify.Notification{}, fmt.Errorf("%w: time: %w", ErrMalformed, err)
		}
	}
	return n, nil
}
