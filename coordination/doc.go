// Package coordination holds incidents handled by several organisations
// at once (ISO/IEC 27035-4:2024, coordination): coordinated cases, the
// Traffic Light Protocol 2.0 enforced by the library on every view,
// forward and export, and STIX 2.1 exchange with partners.
//
// Status: IMPLEMENTED (issue 12). Cases and their operations, the
// exchange log with respond-by deadlines feeding the engine's timers, the
// TLP access decision with its property test and mutation check, views,
// STIX 2.1 export and import, the store and its suite, and
// examples/coordination.
//
// # Cases
//
// A Case links the local incidents of several organisations. Each
// Participant has a role (coordinator, affected party, reporter, service
// provider, CSIRT, law enforcement, regulator, vendor), named people and
// a point of contact, its own incident reference, and a status (invited,
// acknowledged, investigating, contained, closed, or left) whose every
// change, joining and leaving included, stays in its History.
//
// The operations are methods on *Case: the coordinator opens (NewCase),
// invites, assigns, broadcasts status updates, proposes a public
// statement that becomes a TLP:CLEAR item once every required
// organisation agreed, and closes — when every participant has closed or
// left, or with a recorded reason naming those still open. Participants
// acknowledge (or simply start working: a status answers the
// invitation), set their status, request and respond, share and forward.
// A partner's item — an object imported from its STIX bundle — enters
// through Receive, which keeps the partner as its source, so its label
// still binds the organisation that received it.
// Every message sent or received goes into the exchange log (Case.Log)
// with its addressees, their acknowledgements and their respond-by
// deadlines; Overdue lists what is late.
//
// Each organisation keeps its own copy of a case; Case.Self says whose,
// and so which messages were sent and which received. Operations are
// pure: they change the value and log what they did. Store keeps cases in
// the generic documents of package store with optimistic versions
// (Store.Update reads, applies, and writes at the version read);
// coordinationtest is the store's conformance suite, which the memory,
// SQLite and PostgreSQL stores pass.
//
// # Deadlines and the engine
//
// Case.Obligations turns the respond-by deadlines owed by an organisation
// into incident.Obligation values, and Deadlines is the
// lifecycle.ObligationSource that finds them for an incident (the case
// participant's LocalID, set by Case.Link). Join it with the regulatory
// clocks through lifecycle.ObligationSources. When a request arrives or
// is answered, call Sync: it applies lifecycle.RefreshObligations so the
// engine arms its due-soon and overdue timers, then records the answers
// the case logged (lifecycle.SubmitReport) and waives what the case
// withdrew (a participant left, the case closed) with
// lifecycle.WaiveReport, since the engine keeps the submission state of
// an obligation it already knows.
//
// # TLP 2.0
//
// TLP is not a clearance level. The source of an item chooses its first
// recipients (Item.Audience); after that the Label governs who else may
// receive it from a holder:
//
//   - TLP:RED: the named recipients only; no further disclosure.
//   - TLP:AMBER+STRICT: the organisations of the source and of the first
//     recipients, on need to know.
//   - TLP:AMBER: those organisations and their clients.
//   - TLP:GREEN: those organisations and the item's community (the
//     case's by default), never a public channel.
//   - TLP:CLEAR: no limit.
//   - Wider sharing needs the source's explicit Permission, recorded on
//     the item by a person of the source organisation.
//
// Reach is anchored on the first recipients and is not transitive: the
// client of a client, or the community of a client, is not reached. This
// is the conservative reading of "within their organization and its
// clients" and can only under-share. Need to know is the holder's
// judgement and is not modelled.
//
// Decide takes the directory (people, organisations, their clients and
// communities), the item, the holder and the prospective recipient and
// returns a Decision with its Reason; Entitled says whether a person may
// hold an item at all; DecideChannel governs posting to a community
// channel. Combined items (Item.Parts) keep the strictest label and every
// part's own rule. Case.Forward, Case.Share, Case.View and the export of
// a view all pass through them: a refused share is a *RefusedError
// (errors.Is ErrRefused) and a MessageRefused entry in the exchange log.
// A property test drives thousands of random participants, relationships,
// items and forwarding chains and checks, against an oracle written from
// the TLP text, that no item reaches a person its label excludes; a
// mutation check breaks each rule in turn and requires the property test
// to fail every time.
//
// # STIX 2.1
//
// ExportBundle writes a case, or one participant's view of it
// (Case.View), as a STIX 2.1 bundle: identities, the case as an incident
// with the incident-core extension, indicators, observed data, notes,
// relationships, and the official TLP 2.0 marking definitions. STIX
// identifiers are UUIDv5 of the internal ones under a fixed namespace
// (the STIX schemas accept UUID versions 1 to 5 only, and this keeps
// creation times private). ImportBundle reads partners' bundles, maps
// what it knows, keeps every other object and property verbatim, and
// names the object and field of anything malformed. The exported bundles
// are validated against the official JSON schemas by a test in the
// adapters module (adapters/interop), since the root module takes no
// validator dependency.
package coordination
