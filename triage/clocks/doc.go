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
//     notification was submitted) and -final-after-handling (see below);
//   - DORA with RTS 2025/301 Art. 5, by entity type: dora-initial,
//     dora-intermediate (72 h after the initial was submitted),
//     dora-intermediate-recovered (the updated intermediate report owed
//     when regular activities have been recovered after the intermediate
//     was submitted, Art. 5(1)(b)), dora-final (one month after the latest
//     intermediate), with the weekend and bank-holiday relief of Art.
//     5(4)–(6);
//   - CRA Art. 14, manufacturers, from 11 September 2026: severe incidents
//     (14(4)) cra-early-warning, cra-notification, cra-final; actively
//     exploited vulnerabilities (14(2)), given as Inputs.Vulnerabilities,
//     cra-vuln-<id>-early-warning (24 h), -notification (72 h) and -final
//     (14 days after a corrective or mitigating measure is available);
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
// # NIS2 progress report (Art. 23(4)(e))
//
// An incident still ongoing when the final report is due gets a progress
// report "at that time" and a final report "within one month of their
// handling of the incident". nis2-<ms>-final is the report due one month
// after the notification: the final report or, where the incident is
// ongoing then, the progress report (its Report reads "progress" once the
// record shows that). "Then" is the report's submission where recorded,
// else its deadline. Handling ends when the incident has been recovered
// from (Art. 6(8): incident handling includes responding to and recovering
// from it): the recovered anchor, or closed where recovered is not
// recorded, whichever is earlier. Once handling is recorded after "then",
// nis2-<ms>-final-after-handling runs one month from it. An engine that
// keeps a merged obligation's Report and Article (lifecycle does) shows
// the first text; the times are always current.
//
// # Lawful delays
//
// Attorney General delays (Form 8-K Item 1.05(c)) and law-enforcement
// delays (45 CFR 164.412) are Inputs of ComputeWith, as are the actively
// exploited vulnerabilities of CRA Art. 14(2): the incident record has no
// field for them yet (ComputerSource.Inputs supplies them to the engine).
//
// # Performance
//
// Compile does the work that does not depend on the incident (calendars,
// zones, article texts, IDs); Computer.Compute then allocates only the
// returned slice. Source caches compiled profiles (see Source).
package clocks
