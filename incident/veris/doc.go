// Package veris imports VERIS incident records (the Vocabulary for Event
// Recording and Incident Sharing, vz-risk/veris, schema 1.3.0 to 1.4.x)
// into incident.Incident values. It maps what it can and reports what it
// cannot: every field of the input that has no counterpart is listed in
// Result.Unmapped with the reason, never dropped silently.
//
// # Validation
//
// A record is first checked against the VERIS JSON Schema of its
// schema_version, embedded from vz-risk/veris (verisc-merged.json at
// 45d9d7ac, VERIS 1.4.1, CC BY-SA 4.0; see schema/README.md). Records of
// 1.3.x are upgraded first (action.Unknown → action.unknown, a string
// asset.cloud → a list, a string discovery_method such as "Int - unknown" →
// the 1.4 object) and checked with the 1.3 shapes the official validation
// vectors use: asset.governance, 24-hour incident times, the older
// victim.industry pattern, and, before 1.3.5, the required fields of the
// 1.3 schema (summary and victim.government became required in 1.3.5 per
// the changelog). The published 1.4 pattern of timeline.incident.time lacks
// a group; the intended "05:45:00 PM" form is checked. A rejected record
// gives an *Error whose *FieldError values name the field in the dotted
// VERIS form ("action.hacking.variety.0") with a Problem (missing, empty,
// duplicate, invalid, unrecognized, range, unsupported).
//
// # Mapping
//
//   - ID and EventIDs: name-based UUIDs (v5) of incident_id, so a re-import
//     gives the same IDs; the event is not itself produced. Ref from the
//     Importer's Sequence in the import year; Org from the Importer.
//   - Title: the first line of summary (or "VERIS incident <id>");
//     Description: summary. Links: {veris, incident_id}.
//   - Outcome from security_incident: Confirmed → incident, Near miss →
//     near_miss, False positive → not_incident, Suspected → undetermined.
//   - Phase learn_lessons, state conclusion: a VERIS record is written
//     after the fact, but says nothing of a close, so no closed state.
//   - Category: RSIT where its definitions cover the VERIS value without
//     guessing (any malware → malicious-code/infected-system; social
//     Phishing → fraud/phishing; hacking or malware DoS → availability/dos);
//     otherwise the VERIS action taxonomy (Taxonomy, "veris:hacking=sqli")
//     is primary. Every action variety is added as a further category.
//     Validate imported records with Vocabulary(), the default vocabulary
//     plus that taxonomy. Error, misuse, environmental and physical actions
//     have no RSIT class, and VERIS hacking varieties do not say whether an
//     intrusion succeeded, which RSIT's intrusion-attempts vs intrusions
//     needs.
//   - Impact.Information: data_disclosure Yes with personal data
//     (Personal, Sensitive Personal, Medical, Bank, Payment) →
//     privacy_breach, with other known data → proprietary_breach; integrity
//     Modify data → integrity_loss. VERIS grades no C/I/A levels, so those
//     stay unknown. Impact.Assets: one per asset.assets entry (Kind from the
//     variety prefix). Impact.Cost: impact.overall_amount in currencies
//     whose minor unit is known here.
//   - Facts.PersonalData and PersonalDataCategories when personal data were
//     disclosed or potentially disclosed. VERIS says not when this became
//     known, so KnownAt is the import time (Importer.Now): it became known
//     to this system then.
//   - Labels: source:veris, veris-schema:<version>, veris-confidence:…,
//     veris-overall-rating:….
//
// # Timeline
//
// timeline.incident (year, month, day) gives Timeline.Occurred at year,
// month or day precision, not estimated; its time of day is not used (it
// has no time zone) and is reported. An incident after the import time is
// rejected. The four durations become Durations with their precision:
//
//   - a unit with a value is value × unit (months and years at their
//     Gregorian mean length);
//   - a unit without a value is a bucket: at least one of that unit and
//     less than one of the next larger unit (Days = [1 day, 7 days),
//     Weeks = [7 days, 1 month), Months = [1 month, 1 year)); Years has no
//     upper bound. The schema gives the unit enumeration only; the bucket
//     bounds are this package's reading of "some number of <unit>", the
//     way the DBIR charts these units as ordered categories;
//   - Never, NA and Unknown carry no bounds: Unknown is never zero.
//
// The anchors chain as VERIS defines the durations: Compromised =
// Occurred + compromise; Discovered and Detected = Compromised + discovery
// ("from compromise until discovered"); Contained = Discovered +
// containment. Each derived anchor is the interval [earliest + min, latest
// + max], held as the finest estimated Timestamp (day, month or year) that
// contains all of it. When a step is Unknown, Never, NA or an unbounded
// bucket, or the interval crosses a year boundary, the anchor (and those
// after it) stays unset and Unmapped says why; exfiltration has no anchor
// and is kept in Durations only.
//
// Test data: the 222 official validation vectors of vz-risk/veris (CC BY-SA
// 4.0), in testdata/vectors; see testdata/README.md.
package veris
