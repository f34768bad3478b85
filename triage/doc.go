// Package triage is risk-based assessment and decision: it turns what is
// known about an information security event into a decision (is it an
// incident, how severe, how urgent, who handles it), says why, and groups
// bursts of the same signal into one event. It serves the "assess and
// decide" phase of ISO/IEC 27035-1:2023 (clause 5.4, numbered as in the
// 2016 edition and unconfirmed) and the incident triage operations of
// ISO/IEC 27035-3:2020, clause 9, and the CSF 2.0 outcomes RS.MA-02
// ("Incident reports are triaged and validated") and RS.MA-03 ("Incidents
// are categorized and prioritized").
//
// The package is pure: no I/O, no clock of its own, no state. The time of
// a decision is a parameter (Input.Now, the now of Group), profiles and
// groups are values the host keeps, and the same inputs always give the
// same result. It imports package incident only.
//
// # Profiles
//
// A Profile holds an organisation's criteria: impact criteria (the loss
// of confidentiality, integrity and availability; NIST SP 800-61r2
// functional and information impact and recoverability; the number of
// users and organisations affected; the business criticality of affected
// assets and services; personal data and special categories of personal
// data; safety), urgency criteria (ongoing activity, spread, exposure,
// time to a deadline), outcome rules, an impact × urgency priority matrix
// (ITILMatrix, the common service-management 3 × 3, by default), the map
// from impact to severity on the incident severity scale, and the response
// tiers (who is paged, target times to acknowledge and contain).
// DefaultProfile is a starting point; ParseProfile reads a profile from
// JSON strictly, and Validate names every bad field in a *ProfileError.
// Grades the package chose itself, rather than took from a source, say so
// in their comments; hosts tune them.
//
// Inputs an incident record does not carry (is it still going on, how many
// systems show it, how exposed they are, the nearest deadline, how many
// users) come in an Observation the host fills.
//
// # Decisions
//
// Decide applies a profile to an Input and returns a Decision: an
// incident.Outcome (not an incident, under watch, near miss, incident),
// a severity, a priority P1–P5 and a tier. It does not allocate and takes
// well under a microsecond (BenchmarkDecide). DecideExplained also
// returns an Explanation: every rule that fired, the inputs it read and
// the matrix cell, as data and as one line of text (Explanation.String).
// When facts change, the host decides again and Diff lists what changed,
// for the audit trail; Decision.Assessment makes the incident.Assessment
// to record.
//
// # Grouping
//
// Group puts a batch of events into groups of the same signal (a key the
// host chooses, such as SignalKey) within a time window: a burst of
// identical alerts becomes one group with a count, assessed once. The
// groups stay with the host, which hands them back with the next batch.
//
// # Vulnerabilities
//
// The package also holds the vulnerability side of triage: SSVC decision
// tables read from CERT/CC's published CSV format (DecisionTable,
// ParseSSVCCSV, CISATree) and CVSS vector parsing with the qualitative
// severity bands (ParseCVSS). Their own documentation says what they
// cover.
//
// # Status
//
// Implemented (GitHub issue #6): profiles, decisions with explanations,
// Diff, grouping, and the SSVC and CVSS support described above. Not yet:
// the regulatory reporting clocks (deadlines for notifying authorities,
// issue #7); until they come, Observation.Deadline takes a deadline the
// host computed. The ISO texts were not available: clause numbers
// outside 27035-3's are unconfirmed, and the default matrix is labelled an
// ITIL-style default because the AXELOS text was not read.
package triage
