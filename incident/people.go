package incident

import "time"

// ActorKind says whether an actor is a person or a tool.
type ActorKind string

// Actor kinds.
const (
	ActorPerson ActorKind = "person"
	ActorTool   ActorKind = "tool"
)

// Valid reports whether k is defined; empty means person.
func (k ActorKind) Valid() bool { return k == "" || k == ActorPerson || k == ActorTool }

// ActorID is an opaque, stable identifier of a person or tool. Records and
// audit trails refer to people only by ActorID; names and contact details
// live in Contacts, so erasing personal data (see EraseContacts) leaves
// every reference and every hash chain intact.
type ActorID string

// Contact holds the personal data of an actor on a record. It is the only
// place a record keeps names and contact details.
type Contact struct {
	ID    ActorID   `json:"id"`
	Kind  ActorKind `json:"kind,omitempty"`
	Name  string    `json:"name,omitempty"`
	Email string    `json:"email,omitempty"`
	Phone string    `json:"phone,omitempty"`
	// Organisation is the actor's organisation when not the record's own
	// (an external reporter, a partner CSIRT).
	Organisation string `json:"organisation,omitempty"`
	// Erased marks a contact whose personal data were erased; only ID
	// and Kind remain.
	Erased bool `json:"erased,omitempty"`
}

// RoleAssignment is a tenure: who held a role on the record from when to
// when. A handover ends one tenure and starts another at the same instant.
type RoleAssignment struct {
	Role  Role      `json:"role"`
	Actor ActorID   `json:"actor"`
	From  time.Time `json:"from"`
	// Until is zero while the tenure lasts.
	Until time.Time `json:"until,omitzero"`
}

// Active reports whether the tenure covers t (From ≤ t < Until).
func (r RoleAssignment) Active(t time.Time) bool {
	return !t.Before(r.From) && (r.Until.IsZero() || t.Before(r.Until))
}

// HolderAt returns who held role at t, for single-holder roles; ok is false
// when nobody did.
func HolderAt(roles []RoleAssignment, role Role, t time.Time) (ActorID, bool) {
	for _, r := range roles {
		if r.Role == role && r.Active(t) {
			return r.Actor, true
		}
	}
	return "", false
}
