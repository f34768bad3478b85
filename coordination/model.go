package coordination

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
)

// OrgID identifies an organisation taking part in coordination (a bank, a
// cloud provider, a national CSIRT). IDs are the host's; they are compared
// as given.
type OrgID string

// PersonID identifies a person: a point of contact, an analyst, a
// recipient named on a TLP:RED item.
type PersonID string

// CommunityID identifies a sharing community (a sector ISAC, the national
// CSIRT network): the reach of TLP:GREEN.
type CommunityID string

// CaseID identifies a coordinated case.
type CaseID string

// ItemID identifies a shared item within a case.
type ItemID string

// Organisation is one organisation of the directory. Clients and
// Communities are the relationships TLP:AMBER and TLP:GREEN reach through.
type Organisation struct {
	ID   OrgID  `json:"id"`
	Name string `json:"name"`
	// Clients are the organisations this one serves: TLP:AMBER received
	// by this organisation may go to them on need to know.
	Clients []OrgID `json:"clients,omitempty"`
	// Communities are the sharing communities the organisation belongs to.
	Communities []CommunityID `json:"communities,omitempty"`
}

// Person is a person of the directory; every person belongs to one
// organisation.
type Person struct {
	ID    PersonID `json:"id"`
	Name  string   `json:"name"`
	Org   OrgID    `json:"org"`
	Email string   `json:"email,omitempty"`
}

// Community is a sharing community. Public marks a publicly accessible
// channel (a mailing list anyone may join, a website): TLP:GREEN may not
// go there, only TLP:CLEAR.
type Community struct {
	ID     CommunityID `json:"id"`
	Name   string      `json:"name"`
	Public bool        `json:"public,omitempty"`
}

// Role is the role an organisation plays in a case (ISO/IEC 27035-4:2024
// names the coordinator and the coordinated organisations; the others are
// the parties a real case involves).
type Role string

// The participant roles.
const (
	RoleCoordinator     Role = "coordinator"
	RoleAffected        Role = "affected"
	RoleReporter        Role = "reporter"
	RoleServiceProvider Role = "service_provider"
	RoleCSIRT           Role = "csirt"
	RoleLawEnforcement  Role = "law_enforcement"
	RoleRegulator       Role = "regulator"
	RoleVendor          Role = "vendor"
)

// ParticipantStatus is where a participant stands in the case.
type ParticipantStatus string

// The participant statuses, in the order a participant normally goes
// through them; left is recorded when a participant leaves before closing.
const (
	StatusInvited       ParticipantStatus = "invited"
	StatusAcknowledged  ParticipantStatus = "acknowledged"
	StatusInvestigating ParticipantStatus = "investigating"
	StatusContained     ParticipantStatus = "contained"
	StatusClosed        ParticipantStatus = "closed"
	StatusLeft          ParticipantStatus = "left"
)

// StatusChange is one step of a participant's history in the case.
type StatusChange struct {
	Status ParticipantStatus `json:"status"`
	By     PersonID          `json:"by,omitempty"`
	At     time.Time         `json:"at"`
	Note   string            `json:"note,omitempty"`
}

// Participant is an organisation in a case.
type Participant struct {
	Org  OrgID `json:"org"`
	Role Role  `json:"role"`
	// People are the participant's named people in the case; Contact is
	// its point of contact among them.
	People  []PersonID `json:"people,omitempty"`
	Contact PersonID   `json:"contact,omitempty"`
	// LocalRef is the participant's own incident reference ("INC-2026-0042");
	// LocalID the local record's ID when it lives in this engine.
	LocalRef string            `json:"local_ref,omitempty"`
	LocalID  uuid.UUID         `json:"local_id,omitzero"`
	Status   ParticipantStatus `json:"status"`
	// History records joining, every status change and leaving.
	History []StatusChange `json:"history,omitempty"`
}

// CaseStatus is the status of a case as a whole.
type CaseStatus string

// The case statuses.
const (
	CaseOpen   CaseStatus = "open"
	CaseClosed CaseStatus = "closed"
)

// ItemKind says what a shared item is.
type ItemKind string

// The item kinds; each maps onto a STIX 2.1 object on export.
const (
	KindNote         ItemKind = "note"          // STIX note
	KindIndicator    ItemKind = "indicator"     // STIX indicator
	KindObservation  ItemKind = "observed-data" // STIX observed-data
	KindStatusUpdate ItemKind = "status-update" // STIX note
	KindStatement    ItemKind = "statement"     // STIX note, TLP:CLEAR
	KindSummary      ItemKind = "summary"       // STIX incident
)

// Permission is the source's explicit permission to share an item wider
// than its label allows (TLP 2.0: "they must obtain explicit permission
// from the original source"). It names one person or one organisation.
type Permission struct {
	Person PersonID  `json:"person,omitempty"`
	Org    OrgID     `json:"org,omitempty"`
	By     PersonID  `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
}

// Indicator is the detection content of an indicator item.
type Indicator struct {
	// Pattern is in PatternType's language ("stix" by default):
	// "[url:value = 'http://bank-login.example/']".
	Pattern     string    `json:"pattern"`
	PatternType string    `json:"pattern_type,omitempty"`
	ValidFrom   time.Time `json:"valid_from"`
	ValidUntil  time.Time `json:"valid_until,omitzero"`
	Types       []string  `json:"types,omitempty"`
}

// Observable is one observed value of an observation: a STIX cyber
// observable type (one of ObservableTypes: "url", "ipv4-addr",
// "domain-name", …) and its value (for a file, a SHA-256), well-formed
// for its type (ValidObservable), so every item can be exported.
type Observable struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Observation is what an observed-data item saw.
type Observation struct {
	FirstObserved time.Time    `json:"first_observed"`
	LastObserved  time.Time    `json:"last_observed"`
	Count         int          `json:"count"`
	Objects       []Observable `json:"objects"`
}

// Item is one piece of information shared in a case. Its Source chose its
// first recipients (Audience); after that its Label governs who else may
// receive it from a holder (Decide).
type Item struct {
	ID    ItemID   `json:"id"`
	Kind  ItemKind `json:"kind"`
	Label Label    `json:"label"`
	// Source is the organisation the information comes from and Author
	// the person who labelled it; a person of the source organisation acts
	// for the source.
	Source OrgID    `json:"source"`
	Author PersonID `json:"author"`
	// Audience are the first recipients the source chose.
	Audience []PersonID `json:"audience,omitempty"`
	// Community is the reach of a TLP:GREEN item; empty means the case's.
	Community   CommunityID  `json:"community,omitempty"`
	Permissions []Permission `json:"permissions,omitempty"`
	// Parts are the items an item combines: its label is the strictest of
	// theirs and each part's rule still applies.
	Parts     []ItemID     `json:"parts,omitempty"`
	Title     string       `json:"title,omitempty"`
	Body      string       `json:"body,omitempty"`
	Indicator *Indicator   `json:"indicator,omitempty"`
	Observed  *Observation `json:"observed,omitempty"`
	Created   time.Time    `json:"created"`
	// Origin keeps the STIX object an imported item came from, the
	// properties this package does not map included, so nothing a partner
	// sent is lost; nil for items created here.
	Origin json.RawMessage `json:"origin,omitempty"`
}

// Holding records that a person holds an item: From shared it with them at
// At (From is empty for the author).
type Holding struct {
	Item   ItemID    `json:"item"`
	Person PersonID  `json:"person"`
	From   PersonID  `json:"from,omitempty"`
	At     time.Time `json:"at"`
}

// MessageKind says what a message of the exchange log is.
type MessageKind string

// The message kinds.
const (
	MessageInvite       MessageKind = "invite"
	MessageStatusUpdate MessageKind = "status_update"
	MessageRequest      MessageKind = "request"
	MessageResponse     MessageKind = "response"
	MessageShare        MessageKind = "share"
	MessageAssignment   MessageKind = "assignment"
	MessageStatement    MessageKind = "statement"
	MessageRefused      MessageKind = "refused"
	MessageClose        MessageKind = "close"
)

// Direction says whether this organisation sent or received a message.
type Direction string

// The directions.
const (
	Sent     Direction = "sent"
	Received Direction = "received"
)

// Recipient is one addressee of a message with its deadline and its
// acknowledgement.
type Recipient struct {
	Org    OrgID    `json:"org"`
	Person PersonID `json:"person,omitempty"`
	// RespondBy is when an answer is due; zero when none is.
	RespondBy time.Time `json:"respond_by,omitzero"`
	AckedAt   time.Time `json:"acked_at,omitzero"`
	AckedBy   PersonID  `json:"acked_by,omitempty"`
	// RespondedAt is when the answer arrived (a message whose InReplyTo
	// names this one).
	RespondedAt time.Time `json:"responded_at,omitzero"`
	// Withdrawn is when the answer stopped being owed without one: the
	// addressee left the case, or the case closed.
	Withdrawn       time.Time `json:"withdrawn,omitzero"`
	WithdrawnReason string    `json:"withdrawn_reason,omitempty"`
}

// Message is one entry of a case's exchange log: every message sent and
// received, and every refused share.
type Message struct {
	ID        string      `json:"id"`
	Kind      MessageKind `json:"kind"`
	Direction Direction   `json:"direction"`
	From      PersonID    `json:"from,omitempty"`
	FromOrg   OrgID       `json:"from_org"`
	To        []Recipient `json:"to,omitempty"`
	Items     []ItemID    `json:"items,omitempty"`
	Label     Label       `json:"label,omitzero"`
	Text      string      `json:"text,omitempty"`
	InReplyTo string      `json:"in_reply_to,omitempty"`
	At        time.Time   `json:"at"`
	// Reason explains a refused share (Decision.Reason).
	Reason string `json:"reason,omitempty"`
}

// Assignment is a task the coordinator gave a participant.
type Assignment struct {
	ID   string    `json:"id"`
	Org  OrgID     `json:"org"`
	Task string    `json:"task"`
	Due  time.Time `json:"due,omitzero"`
	By   PersonID  `json:"by"`
	At   time.Time `json:"at"`
	Done time.Time `json:"done,omitzero"`
	Note string    `json:"note,omitempty"`
}

// Statement is the public statement the participants agree; it is
// TLP:CLEAR once every required organisation has agreed.
type Statement struct {
	Text string `json:"text"`
	// Required are the organisations whose agreement publishes it.
	Required   []OrgID     `json:"required"`
	Agreements []Agreement `json:"agreements,omitempty"`
	Proposed   time.Time   `json:"proposed"`
	// Final is when the last required organisation agreed; Item is the
	// TLP:CLEAR item that published it then.
	Final time.Time `json:"final,omitzero"`
	Item  ItemID    `json:"item,omitempty"`
}

// Agreement is one organisation's agreement to a statement.
type Agreement struct {
	Org OrgID     `json:"org"`
	By  PersonID  `json:"by"`
	At  time.Time `json:"at"`
}

// Case is a coordinated case: the local incidents of several
// organisations handled together (ISO/IEC 27035-4:2024). Its methods
// change it in place and are not safe for concurrent use; Store.Update
// serialises writers through optimistic versions.
type Case struct {
	ID    CaseID `json:"id"`
	Title string `json:"title"`
	// Self is the organisation whose copy of the case this is: messages
	// from it were sent, the others received. Each organisation keeps its
	// own copy; the coordinator's is the reference.
	Self OrgID `json:"self"`
	// Coordinator is the organisation coordinating the case (the
	// participant with RoleCoordinator).
	Coordinator OrgID `json:"coordinator"`
	// Community is the default reach of TLP:GREEN items in the case.
	Community    CommunityID   `json:"community,omitempty"`
	Status       CaseStatus    `json:"status"`
	Opened       time.Time     `json:"opened"`
	Closed       time.Time     `json:"closed,omitzero"`
	CloseReason  string        `json:"close_reason,omitempty"`
	Participants []Participant `json:"participants"`
	Items        []Item        `json:"items,omitempty"`
	Holdings     []Holding     `json:"holdings,omitempty"`
	Log          []Message     `json:"log,omitempty"`
	Assignments  []Assignment  `json:"assignments,omitempty"`
	Statement    *Statement    `json:"statement,omitempty"`
}

// Errors of the package.
var (
	// ErrInvalid: a case, item, directory or argument is unusable.
	ErrInvalid = errors.New("coordination: invalid")
	// ErrRefused: a share, view, forward or export was refused by the
	// TLP rules; the *RefusedError says why.
	ErrRefused = errors.New("coordination: refused by TLP")
	// ErrNotParticipant: the organisation takes no part in the case.
	ErrNotParticipant = errors.New("coordination: not a participant")
	// ErrNotCoordinator: only the coordinator may do this.
	ErrNotCoordinator = errors.New("coordination: not the coordinator")
	// ErrClosed: the case is closed.
	ErrClosed = errors.New("coordination: case closed")
	// ErrOpenParticipants: the case cannot close while participants are
	// still handling their incidents, unless a reason is given.
	ErrOpenParticipants = errors.New("coordination: participants still open")
	// ErrUnknown: a person, organisation, item or message is not known.
	ErrUnknown = errors.New("coordination: unknown")
)
