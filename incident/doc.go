// Package incident is the domain model of ISO/IEC 27035 information security
// incident management: the records, their classification, timeline, facts,
// impact, people, evidence and work, how they are validated and how they are
// written as JSON. It is pure: no I/O, no clock of its own, no package of the
// SDK below it. Every other package (lifecycle, triage, metrics, lessons,
// coordination, the stores) stands on these types instead of keeping
// parallel structs.
//
// # Records
//
// An Event is an occurrence indicating a possible breach of information
// security or failure of controls, reported by a person or a tool. An
// Incident is one or more related events assessed as able to harm the
// organisation; it lists them in EventIDs and each event names it in
// IncidentID. A Vulnerability is a reported weakness. The definitions are
// those of ISO/IEC 27035-1 as re-published in ISO/IEC 27002:2022 3.1.14,
// 3.1.15 and 3.1.38.
//
// Every record has a Header (UUIDv7 ID, human Ref such as INC-2026-000042,
// organisation, times, optimistic version) and Handling (title, phase and
// operational state, outcome, resolution, severity, priority, categories,
// people, tasks, notes, labels, links, TLP marking, restriction and data
// protection). A Factory creates records with identity from injectable
// sources: a Clock, an IDSource and a Sequence for references.
//
// # One outcome, one resolution
//
// Outcome is the single answer to "what was it?": not an incident (false
// positive), under watch, near miss, incident. Resolution says how handling
// ended (true positive with or without impact, false positive, duplicate of
// another record, not applicable), who decided and why. Both are kept apart
// from State, so a closed record still says what it was.
//
// # Process values
//
// Phase (the five phases of 27035-1:2023 clause 5) and State (the
// operational steps of 27035-3:2020 plus closed) are values here so that
// stores filter on them; package lifecycle owns the transitions.
// Obligations (reports owed to authorities, with their deadlines) and
// ReviewRefs (lessons-learned reviews done) are records here so the clocks
// can fill them, metrics can read them and a close rule can require them.
//
// # Classification
//
// Severity is a level name on a SeverityScale; order comes from the scale,
// never from the string. The default scale is data a host replaces;
// mappings to TheHive's 1–4, CVSS bands and STIX criticality are explicit.
// Category is a class and type of a Taxonomy; the ENISA/TF-CSIRT Reference
// Security Incident Taxonomy (RSIT) is the default and hosts extend it. A
// record has one primary Category (breakdowns count it) and optional
// further Categories.
//
// # Time
//
// The Timeline holds every anchor regulations and KPIs use, each a
// Timestamp with a precision (instant, day, month, year) and an estimated
// flag, so coarse real-world data (VERIS months, DORA estimates) is held
// honestly. Facts (personal data involved, Member States affected, …) carry
// the time each value became known and their history, because reporting
// deadlines run from when a fact became known. All times are UTC.
//
// # Evidence and data protection
//
// Evidence records what was collected, by whom, when, where it is stored,
// its SHA-256 and every custody transfer (ISO/IEC 27037); Verify recomputes
// the digest from a reader. Personal data live only in Contacts: everything
// else refers to people by ActorID, so ErasePersonalData can clear names and
// addresses years later while references, digests and audit chains stay
// intact. A legal hold blocks erasure and deletion; retention periods come
// from the host's RetentionSchedule.
//
// # Validation
//
// Validate returns every problem at once as a *ValidationError whose
// elements are *FieldError values (JSON path, value, Rule, reason) wrapping
// a sentinel such as ErrRequired or ErrOrder. Rules lists every rule. No
// input makes Validate panic.
//
// # JSON
//
// Records encode as the documented schema (JSONSchema returns it): snake
// case, RFC 3339 UTC times, enums as strings, a schema_version. Input is
// read strictly by Decoder (unknown fields, enum values and versions are
// errors); stored records are read leniently by json.Unmarshal or a Stored
// Decoder (older versions upgraded, unknown top-level fields kept and
// written back). Decoders read at most MaxBytes+1 bytes.
package incident
