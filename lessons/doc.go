// Package lessons holds the "learn lessons" phase of incident management:
// post-incident reviews built from the audit trail, root causes, action
// items that need a verification of effectiveness before they count as
// done, near misses, participant feedback, exercises, and recurring
// causes fed back into preparation as change proposals.
//
// It serves the lessons learned phase of ISO/IEC 27035-1:2023, 5.6, and
// ISO/IEC 27035-2, clause 12 (and clause 11 for exercises).
//
// Status: IMPLEMENTED (issue 11). Reviews, timelines from the audit
// trail, cost and impact, sign-off by the roles the plan names, Complete,
// detection and response gaps from package metrics (Gaps, MeasureGaps),
// action items, controls, Recurring, the decision on a finding's proposal
// recorded on both sides (AcceptFinding, RejectFinding, Finding.Record,
// Review.RecordDecision), feedback, exercises, the store and its suite,
// Markdown, HTML and examples/lessons.
//
// # Reviews
//
// A Review covers one incident, one near miss or one exercise. Its
// timeline is never typed: Timeline reconstructs it from the record's
// audit records (store.AuditLog), and Draft starts a review with it.
// Root causes and contributing factors carry a Category (people, process,
// technology, third party) and a text. Reviews are blameless by default:
// Validate refuses a cause that names an individual (its Actor field, or
// an actor of the timeline named in its text) unless the review sets
// NameIndividuals. Complete checks the review and its sign-offs and
// records it on the incident through the lifecycle engine
// (lifecycle.AddReview), so the engine's close rules can see it.
//
// # Sign-off
//
// Complete refuses a review, with ErrNotSignedOff, until every role of
// Required has signed it off. The roles come from the plan:
// RequireSignOff adds the roles prepare.Plan.ReviewSignOff names (a plan
// whose roles do not validate is refused), keeping any the host required
// already. Sign records a sign-off as the host vouches for it; SignAs
// also checks that the signing lifecycle.Actor holds the role (its Roles,
// as the host's authentication gives them) and refuses with ErrNotHolder
// otherwise. Markdown lists the roles still pending.
//
// # Cost and impact
//
// A review's CostImpact holds the impact of the reviewed incident and what
// it cost. Draft copies the incident's incident.Impact (the C/I/A levels,
// functional and information impact, recoverability, the assets and
// services affected, the cost recorded on it) and the current value of
// its Facts.EconomicImpact; the host adds CostLines (response hours,
// external fees, losses), each an incident.Money in the currency it was
// incurred in. Total sums the lines in the section's Currency; a line in
// another currency needs its Converted amount (the host converts).
// Validate, and so Complete, refuses negative amounts or hours, unknown
// kinds, malformed currency codes (ErrInvalid) and a line in another
// currency without a conversion (ErrMixedCurrency), each as a *CostError
// naming the field. The recorded cost and the economic impact are shown
// beside the total, never added to it. Markdown and HTML render the
// section; FormatMoney renders an amount with its currency's minor unit.
//
// # Action items
//
// An ActionItem has an owner, a due date, a priority, a status and the
// ISO/IEC 27002:2022 control it improves (Controls ships the incident
// related controls' identifiers and titles as data; a Catalog lets a host
// add its own). Close refuses an item without a verification of
// effectiveness (an *UnverifiedError); Overdue lists what is late.
//
// # Recurring causes
//
// Recurring counts, over a period, the categories, normalised root causes,
// assets and controls that recur across reviews (near misses included);
// each at or above the threshold is a Finding carrying a prepare.Proposal
// whose Source names the reviews, for prepare.Accept. AcceptFinding
// accepts it into a prepare.Preparation and records the Decision on the
// finding (the proposal itself records it on the prepare side), and
// Review.RecordDecision on each review the finding came from, so the loop
// from learn back to prepare is visible on both sides.
//
// # Gaps
//
// Gaps measures the reviewed record's time to detect, acknowledge,
// contain and recover with package metrics over a sequence of that one
// record, as of a given time; a gap not reached says "open", one whose
// anchor is missing "unknown", never zero.
//
// # Storage
//
// Store keeps reviews and action items in the generic documents of a
// store.Store (collections ReviewCollection and ActionCollection);
// package lessonstest is its conformance suite.
package lessons
