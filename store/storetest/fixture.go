package storetest

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// base is the suite's fixed clock: every time it writes is base plus a
// whole number of seconds, in UTC, so that a database keeping microseconds
// (PostgreSQL) or seconds stores it exactly.
var base = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// fixture makes valid records, outbox entries, timers and documents with
// IDs from a counter, so a case is reproducible and the ID order is the
// order of creation.
type fixture struct {
	n uint32
}

func newFixture() *fixture { return &fixture{} }

// Bands of the ID space: fixture IDs are in bandMid; a case needing IDs
// below or above every fixture ID uses bandLow or bandHigh.
const (
	bandLow  byte = 0x10
	bandMid  byte = 0x40
	bandHigh byte = 0x70
)

// idIn returns the n-th ID of a band: 019a<band>00-0000-7000-8000-0000<n>.
// It has the version and variant bits of a UUIDv7; byte order is band
// order, then n.
func idIn(band byte, n uint32) uuid.UUID {
	var u uuid.UUID
	u[0], u[1], u[2] = 0x01, 0x9a, band
	u[6] = 0x70
	u[8] = 0x80
	binary.BigEndian.PutUint32(u[12:], n)
	return u
}

// next advances the counter.
func (f *fixture) next() uint32 {
	f.n++
	return f.n
}

// id returns a new ID, greater than every earlier one.
func (f *fixture) id() uuid.UUID { return idIn(bandMid, f.next()) }

// at returns base plus n seconds.
func at(n uint32) time.Time { return base.Add(time.Duration(n) * time.Second) }

func header(kind incident.Kind, tenant string, id uuid.UUID, n uint32) incident.Header {
	ref, err := incident.FormatRef(kind, 2026, uint64(n))
	if err != nil {
		panic("storetest: fixture: " + err.Error())
	}
	t := at(n)
	return incident.Header{ID: id, Ref: ref, Org: tenant, CreatedAt: t, UpdatedAt: t}
}

// incidentWithID returns a valid incident of tenant in triage, with ID id.
func (f *fixture) incidentWithID(tenant string, id uuid.UUID) *incident.Incident {
	n := f.next()
	h := header(incident.KindIncident, tenant, id, n)
	return &incident.Incident{
		Header: h,
		Handling: incident.Handling{
			Title:    "Storetest incident " + strconv.FormatUint(uint64(n), 10),
			Phase:    incident.PhaseAssessDecide,
			State:    incident.StateTriage,
			Outcome:  incident.OutcomeIncident,
			Severity: incident.SeverityMedium,
			Category: incident.Category{Class: "intrusions", Type: "system-compromise"},
			Reporter: "actor-storetest",
		},
		EventIDs: []uuid.UUID{idIn(bandHigh, n)},
		Timeline: incident.Timeline{
			Detected: incident.At(h.CreatedAt),
			Reported: incident.At(h.CreatedAt),
			Declared: incident.At(h.CreatedAt),
		},
	}
}

// incident returns a valid incident of tenant with a new ID.
func (f *fixture) incident(tenant string) *incident.Incident {
	return f.incidentWithID(tenant, f.id())
}

// event returns a valid event of tenant with a new ID.
func (f *fixture) event(tenant string) *incident.Event {
	id := f.id()
	n := f.next()
	h := header(incident.KindEvent, tenant, id, n)
	return &incident.Event{
		Header: h,
		Handling: incident.Handling{
			Title:    "Storetest event " + strconv.FormatUint(uint64(n), 10),
			Phase:    incident.PhaseDetectReport,
			State:    incident.StateDetection,
			Severity: incident.SeverityLow,
			Reporter: "actor-storetest",
		},
		Timeline: incident.Timeline{
			Detected: incident.At(h.CreatedAt),
			Reported: incident.At(h.CreatedAt),
		},
		Source: "storetest",
	}
}

// vulnerability returns a valid vulnerability of tenant with a new ID.
func (f *fixture) vulnerability(tenant string) *incident.Vulnerability {
	id := f.id()
	n := f.next()
	h := header(incident.KindVulnerability, tenant, id, n)
	return &incident.Vulnerability{
		Header: h,
		Handling: incident.Handling{
			Title:    "Storetest vulnerability " + strconv.FormatUint(uint64(n), 10),
			Phase:    incident.PhaseDetectReport,
			State:    incident.StateReporting,
			Category: incident.Category{Class: "vulnerable", Type: "vulnerable-system"},
			Reporter: "actor-storetest",
		},
		Timeline: incident.Timeline{Reported: incident.At(h.CreatedAt)},
		CVEs:     []string{"CVE-2024-3094"},
		CVSS:     &incident.CVSS{Version: "3.1", Score: 10},
	}
}

// audit returns the audit record seq of record id.
func (f *fixture) audit(id uuid.UUID, seq uint64) store.AuditRecord {
	n := f.next()
	return store.AuditRecord{
		RecordID: id,
		Seq:      seq,
		At:       at(n),
		Actor:    "actor-storetest",
		Action:   "storetest.step" + strconv.FormatUint(seq, 10),
		Data:     json.RawMessage(fmt.Sprintf(`{"seq":%d,"n":%d}`, seq, n)),
		PrevHash: []byte{byte(seq - 1), 0xaa, 0x55},
		Hash:     []byte{byte(seq), 0xaa, 0x55, byte(n)},
	}
}

// entry returns an outbox entry about record id at audit seq, created at
// base plus the counter in seconds (so entries made later are younger).
func (f *fixture) entry(recordID uuid.UUID, seq uint64) store.OutboxEntry {
	n := f.next()
	id := idIn(bandMid, n)
	return store.OutboxEntry{
		ID:             id,
		Type:           "incident.storetest",
		RecordID:       recordID,
		Seq:            seq,
		IdempotencyKey: fmt.Sprintf("%s/%d/%d", recordID, seq, n),
		Payload:        json.RawMessage(fmt.Sprintf(`{"entry":%d}`, n)),
		CreatedAt:      at(n),
	}
}

// timer returns an unfired timer of record id, due at due.
func (f *fixture) timer(recordID uuid.UUID, kind string, due time.Time) store.Timer {
	n := f.next()
	return store.Timer{
		Key:      fmt.Sprintf("%s/%s/%d", recordID, kind, n),
		RecordID: recordID,
		Kind:     kind,
		DueAt:    due,
		Payload:  json.RawMessage(fmt.Sprintf(`{"timer":%d}`, n)),
	}
}

// docCollection is the collection the suite writes documents to.
const docCollection = "storetest.review"

// document returns a new document of collection with the given index.
func (f *fixture) document(collection string, index map[string]string) store.Document {
	n := f.next()
	return store.Document{
		Collection: collection,
		ID:         fmt.Sprintf("doc-%06d", n),
		Index:      index,
		Body:       json.RawMessage(fmt.Sprintf(`{"title":"review %d","items":[1,2,3]}`, n)),
		UpdatedAt:  at(n),
	}
}

// outboxNow is the time outbox and timer cases claim at: later than every
// CreatedAt the fixture hands out in a case.
var outboxNow = base.Add(24 * time.Hour)
