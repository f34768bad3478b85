// Package bpic2013 reads the BPI Challenge 2013 incident log (Volvo IT
// service desk, VINST) into incident.Incident values, for exercising the
// metrics on a real workload: 7,554 service requests, 65,533 status
// changes from 2010 to 2012.
//
// # It is not a security log
//
// The requests are IT service-desk incidents (a printer, an application
// error), not information security incidents. Imported records carry the
// label "not-security", outcome undetermined and no category; severity is
// not set (SR Latest Impact, Low to Major, is kept as a label and in
// Extra.Impact).
//
// # Mapping of statuses
//
// Each line is a status change "Status / Sub Status" of a request (SR
// Number), with the support team ("Involved ST"), its level (L1–L3), the
// organisation line, product, country and impact. Per request:
//
//   - Timeline.Reported = the first event (the request was logged). No
//     detected, occurred, contained or aware anchor exists in this log.
//   - Timeline.Recovered = the start of the last run of Completed/Resolved or
//     Completed/In Call (resolved on the phone); Extra.FirstResolved is the
//     first one.
//   - Timeline.Closed = the start of the last run of Completed/Closed or
//     Completed/Cancelled.
//   - Timeline.Reopened = every event that leaves status Completed for
//     Accepted, Queued or Unmatched after a Completed/Closed has been seen
//     (a reopening needs a close), and a move from Completed/Closed or
//     Cancelled to another Completed sub-status (Closed → Resolved occurs
//     once in the log). Extra.Reopens counts all of these plus every
//     departure from Completed/Resolved or In Call.
//   - Phase and State from the last event: Completed/Closed or Cancelled →
//     respond/closed; other Completed → respond/conclusion (resolved, not
//     yet closed); Accepted/* (In Progress, Assigned, Wait*) →
//     respond/analysis; Queued/Awaiting Assignment and Unmatched →
//     assess_decide/triage. Handling.Status keeps "Status/Sub Status".
//   - Extra.Escalations counts changes of support team between consecutive
//     events; Extra.LevelUps counts moves to a higher level string (L1 < L2
//     < L2/L3 < L3).
//
// Times are read as written (RFC 3339 with +01:00) and stored in UTC. IDs
// are name-based UUIDs of the SR number; EventIDs names a derived event
// that is not itself produced.
//
// # What these figures are and are not
//
// The log supports time to resolve (Recovered or Extra.FirstResolved minus
// Reported), time to close (Closed minus Reported), hand-overs between
// support teams and levels (Extra.Escalations, Extra.LevelUps) and reopen
// counts (Timeline.Reopened, Extra.Reopens). It does NOT support mean time
// to detect (there is no occurrence or detection time: Reported is when the
// service desk logged the request), mean time to contain (there is no
// containment), dwell time, or anything about security impact. Report its
// figures under those honest names, never as MTTD or MTTC.
//
// # Reading
//
// Read is one streaming pass over the CSV. The published file is grouped
// by SR Number (and sorted by it) with events in time order; Read checks
// both and fails on a request that reappears or goes back in time. Memory
// is one request's events plus the set of SR numbers seen (tens of bytes
// per request), kept only to detect an ungrouped file.
//
// Data: BPI Challenge 2013, Volvo IT incident log, as transformed in
// IBM/processmining (Datasets/VolvoITChallenge2013, Apache-2.0); original
// data published by 4TU.ResearchData. See testdata/README.md.
package bpic2013
