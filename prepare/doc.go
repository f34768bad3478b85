// Package prepare holds the "plan and prepare" phase of ISO/IEC 27035-1
// (clause 5.2) as guided by ISO/IEC 27035-2:2023: the incident management
// policy (27035-2 clause 4), the plan (clause 6), the incident management
// and response teams with their on-call rotations (clause 7), the internal
// and external relationships (clause 8), playbooks (clause 6.7, documented
// processes and procedures) and a readiness assessment that says, for a
// given date, what is missing and which clause asks for it.
//
// # On-call and daylight saving time
//
// A rotation's hand-overs are local wall-clock times in the rotation's
// zone (an IANA zone embedded in the module, so no file I/O). A local time
// that does not exist (the clocks jump forward over it) resolves to the
// first instant after the gap: a hand-over at 02:30 on 2026-03-29 in
// Europe/Berlin happens at 03:00 CEST (01:00 UTC). A local time that occurs
// twice (the clocks fall back) resolves to its first occurrence: 02:30 on
// 2026-10-25 in Europe/Berlin is 02:30 CEST (00:30 UTC). ResolveLocal
// implements this rule; every on-call lookup goes through it.
//
// # Playbooks as tasks
//
// A Library of playbooks is a lifecycle.TaskSource: when the engine
// declares an incident, the steps of the most specific matching playbook
// become tasks on it, each with an ID "pb:<name>@v<version>:<step>", and
// the engine's create audit record lists them.
//
// # The plan's review sign-off
//
// Plan.ReviewSignOff names the roles that must sign off a post-incident
// review (27035-2 clause 12); package lessons takes them from the plan
// (lessons.Review.RequireSignOff). Plan.Validate, and so
// Preparation.Validate and ParsePreparation, refuses an empty, unknown or
// repeated role with a *ParseError whose problem names the field
// ("plan.review_sign_off[1]").
//
// # Clauses
//
// Clause numbers come from the 27035-2:2023 table of contents; where the
// attribution of a specific requirement (a review period, deputies) to a
// clause is ours rather than the standard's wording, the Gap says so
// (Confirmed false, printed "[U]"). The ISO text itself was not available.
//
// The package imports incident, lifecycle and store; it never imports
// lessons: exercises and open action items reach it as values.
package prepare
