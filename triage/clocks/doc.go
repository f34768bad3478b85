// Package clocks computes the regulatory reports owed on an incident:
// to whom, which report, from which start event, by when, under which
// article. It is the obligation source of the lifecycle engine (Source
// and ComputerSource satisfy lifecycle.ObligationSource structurally; the
// package imports only package incident and the internal calendar
// arithmetic). It is pure: no I/O, no clock of its own; the time of a
// computation is a parameter.
//
// # Regimes
//
// An obligation profile (Profile, in Go or JSON via ParseProfile, which
// names every bad field) says which regimes apply and in which role:
//
//   - GDPR Arts. 33–34, controller or processor: gdpr-33-1 (72 h from
//     awareness of the personal-data breach), gdpr-34-1 (data subjects),
//     gdpr-33-2 (processor → controller);
//   - NIS2 Art. 23(4), essential, important or trust service provider, per
//     Member State: nis2-<ms>-early-warning (24 h), -notification (72 h;
//     24 h for a trust service provider), -final (one month after the
//     notification was submitted);
//   - DORA with RTS 2025/301 Art. 5, by entity type: dora-initial,
//     dora-intermediate (72 h after the initial was submitted), dora-final
//     (one month after the latest intermediate), with the weekend and
//     bank-holiday relief of Art. 5(4)–(6);
//   - CRA Art. 14(4), manufacturers, from 11 September 2026:
//     cra-early-warning, cra-notification, cra-final;
//   - SEC Form 8-K Item 1.05: sec-8k-1.05;
//   - HIPAA, covered entity or business associate: hipaa-individuals,
//     hipaa-hhs or hipaa-hhs-annual, hipaa-media-<state>, hipaa-ba-notice;
//   - CIRCIA (PROPOSED, off unless enabled): circia-incident,
//     circia-ransom;
//   - the host's own rules, as data (CustomRule).
//
// Tags [C], [S] and [U] in comments and in Article texts are those of the
// project's reference (regulatory-clocks.md and its verification): [U]
// items are configurable.
//
// # Two instants
//
// Due is the conservative instant to aim for: the start plus the period
// (for hours, the earlier of elapsed and wall-clock hours across a DST
// change), never later than LegalEnd. LegalEnd is the last instant the
// counting rule in force accepts (Reg. 1182/71 Art. 3 for EU acts: the
// starting hour or day not counted, days and months to the end of the
// last day, a last day on a weekend or public holiday moved to the next
// working day; DORA's noon-of-the-next-working-day relief; SEC 17:30
// New York on the fourth business day). It is zero when equal to Due.
// "End of a day" is 23:59:59 local time.
//
// "Without undue delay" with no period (GDPR Art. 33(2), Art. 34(1)) is
// Due = start + GDPR.UndueDelayTarget (zero by default: due at once, the
// literal reading) with no LegalEnd, and the article text says so.
//
// # Start events
//
// Clocks start at timeline anchors and at the KnownAt of facts (GDPR from
// the later of awareness and the first time personal data were known to
// be involved), taking the earliest instant a coarse or estimated anchor
// may stand for. Where the aware anchor is missing, the earliest of
// detected, reported and declared stands for it, and StartEvent says so.
// Reports running from a previous report (NIS2, CRA and DORA finals, the
// DORA intermediate) appear once that report is recorded as submitted on
// the incident (Obligation.SubmittedAt, set through the engine's
// SubmitReport): a submitted report stops its own clock and starts the
// next one.
//
// # Lawful delays
//
// Attorney General delays (Form 8-K Item 1.05(c)) and law-enforcement
// delays (45 CFR 164.412) are Inputs of ComputeWith: the incident record
// has no field for them yet.
package clocks
