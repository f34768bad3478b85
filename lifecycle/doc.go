// Package lifecycle drives incidents through the process of ISO/IEC
// 27035-1:2023 clause 5 and keeps a tamper-evident audit trail of every
// change.
//
// Status: PARTLY IMPLEMENTED. The audit trail is here: hash-chained audit
// records, signed checkpoints over a tenant's chains, verification against
// a store, and self-verifying exports for auditors. The engine is NOT
// IMPLEMENTED YET (issue 4): the five phases and the operational states of
// 27035-3 as a state machine on github.com/looplab/fsm, rules and roles,
// timers, and the one atomic store write per mutation that will call
// SealAuditRecord. Every audit record's chain and every checkpoint format
// below are already fixed by golden vectors, so the engine will write
// chains these functions verify.
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
// touching a hash. Free text that may carry personal data (a note, a
// reporter's description) does not go into Data either: Data holds
// Commit(salt, text), a salted SHA-256 commitment, while the text and its
// salt (NewSalt) are kept in the record's own, erasable fields. While they
// exist, CheckCommitment proves the text is the one the trail committed to;
// once they are erased, the commitment reveals nothing (the salt cannot be
// guessed), and the chain still verifies, because the hash covers only the
// commitment.
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
