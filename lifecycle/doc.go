// Package lifecycle drives incidents through the process of ISO/IEC
// 27035-1:2023 clause 5 and keeps a tamper-evident audit trail of every
// change.
//
// Status: IMPLEMENTED (issue 4). Engine moves events, incidents and
// vulnerabilities through the five phases of 27035-1 and the operational
// states of 27035-3 inside them, under Rules that grant actions to the
// roles of 27035-2, with timers, and writes every change with its audit
// record in one atomic store write. The audit trail beneath it (hash-chained
// audit records, signed checkpoints over a tenant's chains, verification
// against a store and self-verifying exports for auditors) is fixed by
// golden vectors, so chains written by any version verify.
//
// # The engine
//
// New returns an Engine for one tenant of a store.Store:
//
//	e, err := lifecycle.New(st, "acme", lifecycle.WithSigner("key-1", signer))
//	alice := lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
//	rec, err := e.Transition(ctx, alice, key, lifecycle.ActionAcknowledge)
//
// The stored record is the source of truth. The engine keeps nothing
// between calls: it reads the record, checks the action, changes it and
// writes it back, so several engines (processes, replicas) may share a
// store, and two changes racing on one record are settled by the store's
// optimistic versions (store.ErrConflict reaches the caller, who reads
// again and retries if the change still makes sense). An engine serves one
// tenant because the store's timers and checkpoints are per tenant: Tick
// fires the tenant's due timers (store.Timers.DueTimers takes the tenant)
// and Checkpoint signs over the tenant's chains.
//
// # Stages and actions
//
// A record stands in a Stage: a phase of 27035-1 and a state of 27035-3.
// The pair is needed because a state alone does not say where a record
// is: analysis is done in assess and decide (before the decision) and in
// respond (after it), conclusion ends respond and is where learn lessons
// happens, and a record can be closed in four phases, each reopened
// differently. Stages lists the fourteen stages; no record sits in plan
// and prepare, which is the organisation's preparation (package prepare).
// An event starts in detect_report/detection or detect_report/reporting, a
// vulnerability in detect_report/reporting and an incident declared
// directly in assess_decide/triage.
//
// Transitions is the process: every edge (an Action, from a stage, to a
// stage, for the record kinds it applies to). The engine's state machines,
// Mermaid's diagram (which README.md embeds) and Allowed are all built
// from it; tests check that every stage is reachable, that every open
// stage can be closed, and that only reopen leaves a closed stage. The
// transitions are performed by Transition (report, acknowledge, contain,
// eradicate, recover, conclude, learn), Assess (assess, confirm, declare),
// Close, Merge and Reopen; SetStatus may perform a simple one too. Other
// changes do not move a record: Apply performs a Change (Classify,
// SetFact, SetAnchor, AddEvidence, TransferCustody, AddTask, SetTask,
// HandOver, ReleaseRole, SetRestricted, AddNote, AddReview, SubmitReport,
// WaiveReport). Changes to a closed record are refused, except notes and
// reviews.
//
// A refusal says why: a *TransitionError (ErrNotAllowed) names the stage
// and the actions allowed from it; a *RuleError names the rule that
// blocked the action (ErrBlocked) or the roles it needs (ErrForbidden); a
// *RequestError names the malformed field (ErrInvalidRequest).
//
// # One write per change
//
// Every change is one store Commit holding the changed records (validated
// against the engine's vocabulary first: a change that would leave a
// record invalid fails), one sealed audit record for each changed record,
// one outbox notification for each audit record (type TypePrefix + the
// action unless a Type constant names it, payload a Notice, idempotency
// key "record-id/seq") and the timers the change arms or moves. A change
// that touches two records (a declaration, a merge) writes two audit
// records, one in each record's chain. There is no way to change a record
// through the engine without its audit record and its notification, and
// no half-done change.
//
// An audit record's Seq equals the Version it gives its record (the store
// stores a record created at Version 1 and bumps it by one per update, and
// the engine appends exactly one audit record per write). Before changing
// a record the engine reads the audit record whose Seq is the record's
// Version, whose hash the new audit record links to; when there is none,
// the record was written around the engine, and the change is refused
// with a *ChainError wrapping ErrUnaudited. Verify checks a whole trail
// and the same equality; Checkpoint refuses to sign over a record that
// fails it.
//
// # Assess and decide
//
// Assessing is two-step when Rules.RequireConfirmation is set (it is in
// DefaultRules): the point of contact's first assessment (ActionAssess)
// moves a record from triage to assess_decide/analysis, and the response
// team's confirmation (ActionConfirm) with outcome incident moves an
// incident or a vulnerability on to respond/analysis. Without the setting,
// a first assessment that a record is an incident moves it on at once.
//
// An event assessed as an incident is declared (ActionDeclare) in the
// same write: the event closes in assess_decide/closed with a link to the
// incident it became, and the incident is created (incident.Factory's
// Escalate, linked back to the event) with the assessments and roles so
// far, in assess_decide/analysis while it waits for the confirmation the
// rules require, else in respond/analysis. Its tasks and obligations are
// attached in the same write. The declared event takes no further
// transitions, and Apply makes no change to it but notes (RuleDeclared):
// its handling continues on the incident. Respond needs an assessment decision
// (RuleAssessmentRequired); a confirmation needs a first assessment before
// it (RuleFirstAssessment).
//
// # Closing, merging and reopening
//
// Close ends a record's handling with a resolution, if its guards allow:
// a record assessed as an incident is closed before respond only as not
// applicable (RuleOpenIncident); every mandatory task is done or waived
// with a reason (RuleMandatoryTasks); at or above Rules.ReviewRequiredAt
// an incident needs a lessons-learned review recorded (RuleReviewRequired),
// and at or above Rules.SecondApproverAt a second approver who is neither
// the closer nor the incident manager (RuleSecondApprover). Open optional
// tasks are cancelled. Closing an incident from learn lessons also emits
// TypeLessonsLearned: the loop back to plan and prepare carries what was
// learned, not the record. Merge closes a duplicate into an open primary
// incident in one write that changes both. Reopen takes a record closed in
// detect and report or in assess and decide back to assess_decide/triage,
// and one closed in respond or learn lessons back to respond/analysis; it
// clears the resolution (the trail keeps it), records the reopening in the
// timeline and keeps the reason as a note. A declared event and a merged
// duplicate are not reopened: reopen the incident, or the primary.
//
// # Custom statuses
//
// Rules.Statuses maps a host's own status names onto stages, so metrics,
// which read the standard's states, work whatever a host calls them.
// SetStatus relabels a record within its stage, or performs the one simple
// transition that leads to the status's stage; any other status is
// refused. A status is dropped when its record enters a stage the status
// does not map onto.
//
// # Rules, roles and restricted records
//
// Rules are plain values, loadable from JSON (ParseRules) and checked by
// Validate, which names every bad field; DefaultRules is a starting point.
// Rules.Permissions grants each action to roles; an action not listed is
// open to every actor. The engine trusts the host's authentication: an
// Actor carries the roles the host established it holds, and the engine
// checks them against the grants. A restricted record (SetRestricted) is
// visible only to its participants (its reporter, and whoever holds or
// held a role on it) and to the roles in Rules.RestrictedAccess; to
// everyone else Get and every change report it as not found
// (store.ErrNotFound), so its existence does not leak, and List skips it.
// Verify, Checkpoint, Export and Tick read as the engine, without an
// actor: keep the first three for auditors and operators.
//
// # Extension points
//
// A TaskSource (WithTaskSource; package prepare's playbooks) gives an
// incident its initial tasks when it is created, directly or by
// declaration. An ObligationSource (WithObligationSource; package
// triage's regulatory clocks) gives the reports owed on an incident; the
// engine asks it on creation and declaration and after every change that
// can move a deadline (assessment, classification, facts, anchors), merges
// the result by obligation ID (new ones are added; unsubmitted, unwaived
// ones take the new times; none is dropped: a host waives what no longer
// applies) and arms their timers. Both run inside the call, before the
// write, so they must not do slow I/O; lifecycle imports neither package.
//
// # Timers and Tick
//
// The engine arms timers in the store, in the same write as the change
// that calls for them: an acknowledge timer for a record created in detect
// and report, due Rules.AcknowledgeWithin (by severity) after creation and
// moved by a new severity; a task_due timer for an unfinished task with a
// due time; for each unsubmitted, unwaived obligation a report_due_soon
// timer Rules.ReportDueSoon before it is due and a report_overdue one at
// its deadline. Tick(ctx, now), which a host calls on its own schedule
// (the engine never sleeps and starts no goroutine), fires every timer due
// by now. A timer that still has something to do fires: its record gets
// an audit record (action timer, actor TimerActor) and a notification
// (TypeEscalation, TypeTaskOverdue, TypeReportDueSoon, TypeReportOverdue),
// written with the timer marked fired. A timer with nothing left to do
// (the record acknowledged or closed, the task finished or its due time
// moved, the report submitted or waived) fires quietly: it is marked fired
// and its record is left alone. Every firing is a versioned write of the
// timer, so several replicas ticking one store fire each timer once; the
// ones that lose count it in TickResult.Lost.
//
// # Checkpoint and Export
//
// Checkpoint (with WithSigner) verifies every chain of the tenant, signs a
// Checkpoint over their heads and writes it to the outbox as
// TypeCheckpoint, so that the relay carries it to a system the store's
// writers cannot change; Export packs one record's trail with a checkpoint
// for an auditor. Call Checkpoint on a schedule, not per change: it reads
// every audit record of the tenant.
//
// # looplab/fsm
//
// The transition table is checked by github.com/looplab/fsm, one table per
// record kind. Instances are pooled, set to a record's stage for one call
// and never kept per record or shown to a host, and the library's sharp
// edges are kept away (machine_test.go pins each): an Event with a
// cancelled context leaves an fsm wedged "in transition" forever
// (looplab/fsm issue #115), so the engine checks the context itself and
// gives the fsm one that cannot be cancelled; Can, SetState or Event
// called from a before_ or leave_ callback deadlocks, so no callback is
// registered; AvailableTransitions comes in map order, so Allowed sorts
// it; a self-transition returns NoTransitionError with a nil inner error,
// which the engine treats as "no change"; and an fsm that fails in a way
// the table cannot explain is dropped rather than pooled.
//
// # The audit trail
//
// Each record's audit records form a hash chain, and signed checkpoints
// commit to the heads of a tenant's chains.
//
// # The hash chain
//
// The engine seals each audit record with SealAuditRecord before it
// commits it: Seq is one more than the previous record's (1 for the
// first), PrevHash is the previous record's Hash (empty for the first), and
//
//	Hash = SHA-256( "sha256/canonical-v1" || 0x00 || canonical(record) )
//
// where canonical(record) is the canonical JSON (package
// internal/canonical, version 1: keys sorted bytewise, no whitespace,
// minimal string escapes, exact numbers) of the object
//
//	{"action":…,"actor":…,"at":…,"data":…,"prev_hash":…,"record_id":…,"seq":…}
//
// with at in UTC as "2006-01-02T15:04:05.000000000Z", data the canonical
// form of Data (null when Data is empty), prev_hash as lower-case hex ("" for
// the first record) and record_id as the lower-case UUID string. Hash
// itself is not part of it. Because Data is canonicalised before hashing,
// a store may keep it in a column type that reorders keys or reformats
// numbers (PostgreSQL jsonb) without breaking the chain. SealAuditRecord
// stores Data in canonical form and rounds At down to a whole microsecond,
// so that a store keeping microseconds keeps the sealed record exactly.
//
// VerifyChain and VerifyTrail recompute every hash and check that Seq
// runs from 1 without gaps and that each PrevHash is the previous Hash; a
// problem is a *ChainError wrapping ErrChainBroken (a record's contents or
// links altered) or ErrChainGap (a record missing, repeated or moved).
//
// # How the algorithm is bound
//
// store.AuditRecord has no field naming the hash algorithm, and it is a
// contract every host implements, so it does not get one; nor does the
// algorithm go into Data, which is the engine's payload. Instead the
// algorithm identifier, AuditAlgorithm, is the first thing hashed, ended by
// a zero byte (which no identifier contains, and which cannot begin the
// canonical JSON): a hash computed under one algorithm can never match
// under another, so a record proves which algorithm sealed it. Checkpoints
// and exports carry the identifier in their Algorithm field (signed), and
// verification refuses identifiers it does not know (ErrUnknownAlgorithm).
// A later version of this package that adds an algorithm keeps verifying
// "sha256/canonical-v1" records, if need be one by one in a chain that
// mixes them, by trying each known identifier; golden vectors in
// testdata/audit pin the encoding so an upgrade cannot change old hashes
// silently.
//
// # Personal data
//
// Audit records name people by incident.ActorID only; names and contact
// details live in the record's Contacts, which can be erased without
// touching a hash. The engine keeps free text out of Data: Data holds
// stages, identifiers, enumerated values, times and digests, so a note is
// audited by its ID, a closing's or a merge's reason stays in the record's
// resolution, a reopening's reason becomes a note, and an assessment's
// rationale stays in the record; all of them can be erased or redacted in
// the record while every chain still verifies. Two host strings do reach
// Data: a fact's Source (SetFact) and an evidence item's Location
// (AddEvidence); keep names out of them.
//
// Where a trail must bind a text without holding it, Commit(salt, text)
// is a salted SHA-256 commitment to put in Data instead, with the text and
// its salt (NewSalt) kept in erasable fields outside the chain. While they
// exist, CheckCommitment proves the text is the one the trail committed
// to; once they are erased, the commitment reveals nothing (the salt
// cannot be guessed), and the chain still verifies, because the hash
// covers only the commitment. The engine itself does not use it today.
//
// # Checkpoints
//
// A Checkpoint lists, for one tenant, the head (record ID, Seq, Hash) of
// each chain at a moment, and is signed (SignCheckpoint) with a key the
// store's writer does not hold. VerifyStore and VerifyAgainst check the
// chains against it: an altered record, a removed or reordered record, a
// chain cut short (ErrTruncated), a chain deleted whole (ErrMissingChain)
// and a history rewritten and re-hashed up to or past the checkpoint
// (ErrChainBroken: the hash at the checkpoint's Seq differs). Records
// appended after the checkpoint are accepted: a checkpoint commits to a
// prefix of each chain. AuditExport packs one record's trail with a
// checkpoint into a file an auditor verifies offline with VerifyExport.
//
// # What a chain alone does not protect against
//
// A hash chain detects a change made by someone who did not recompute the
// hashes. Anyone who can write the store can: they can alter, insert or
// delete records and re-hash the rest of the chain, or cut its end off,
// and VerifyChain will find nothing wrong, because an unsigned chain
// proves only that it is consistent with itself. Only a checkpoint signed
// with a key the store's writer does not hold, and kept outside the store
// (emitted through the outbox to a system the writer cannot change),
// detects that. Records appended after the last checkpoint are protected
// only from the next checkpoint on: until then they can be changed or
// dropped without trace, so checkpoint as often as that window matters.
package lifecycle
