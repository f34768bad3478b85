package incident

// Rule names a documented validation rule. Every *FieldError carries the
// rule it broke, so hosts can map problems onto their own messages and
// tests can assert exactly which rule fired.
type Rule string

// The validation rules. Rules lists each with its description; the
// package's tests have a named subtest for every one.
const (
	RuleRequired        Rule = "required"
	RuleEnum            Rule = "enum"
	RuleTextLength      Rule = "text.length"
	RuleRefFormat       Rule = "ref.format"
	RuleUTC             Rule = "time.utc"
	RuleHeaderOrder     Rule = "header.order"
	RuleVersion         Rule = "header.version"
	RulePhaseState      Rule = "state.phase"
	RuleClosedState     Rule = "state.closed"
	RuleSeverity        Rule = "severity.scale"
	RuleCategory        Rule = "category.taxonomy"
	RuleCategoryRepeat  Rule = "category.repeat"
	RuleTimelineOrder   Rule = "timeline.order"
	RuleReopenedOrder   Rule = "timeline.reopened"
	RulePrecision       Rule = "timestamp.precision"
	RuleResolution      Rule = "resolution.consistent"
	RuleDuplicateID     Rule = "id.duplicate"
	RuleLabel           Rule = "label.format"
	RuleTaskReason      Rule = "task.reason"
	RuleCustodyOrder    Rule = "evidence.custody_order"
	RuleCustodyChain    Rule = "evidence.custody_chain"
	RuleDigestFormat    Rule = "evidence.sha256"
	RuleTenure          Rule = "roles.tenure"
	RuleTenureOverlap   Rule = "roles.overlap"
	RuleFactOrder       Rule = "facts.order"
	RuleMoney           Rule = "money.format"
	RuleCountryCode     Rule = "facts.country"
	RuleCount           Rule = "facts.count"
	RuleObligationOrder Rule = "obligation.order"
	RuleMerge           Rule = "merge.self"
	RuleErasedContact   Rule = "contacts.erased"
	RuleCVSS            Rule = "cvss.score"
	RuleCVE             Rule = "cve.format"
	RuleListLength      Rule = "list.length"
)

// RuleInfo documents a rule.
type RuleInfo struct {
	Rule        Rule
	Sentinel    error // the sentinel its FieldErrors wrap
	Description string
}

// Rules lists every validation rule Validate enforces, with the sentinel
// it reports and what it means.
func Rules() []RuleInfo {
	return []RuleInfo{
		{RuleRequired, ErrRequired, "a required field is empty: id, ref, org, created_at, updated_at, title, phase, state; an incident's event_ids; the id, title and status of tasks; the id, author, time and text of notes; the who and when of resolutions, evidence (its digest is optional until acquisition), custody transfers, role tenures, legal holds and erasures; the id, regime, report, authority, start event, article and due time of obligations; the id and completion time of reviews"},
		{RuleEnum, ErrUnknownValue, "an enumerated value is outside its documented set (phase, state, outcome, priority, TLP, role, task status, precision, impact levels, …)"},
		{RuleTextLength, ErrInvalid, "a text exceeds its maximum length (title 512 bytes, other short texts 1 KiB, descriptions and notes 64 KiB)"},
		{RuleRefFormat, ErrFormat, "the human reference is not PREFIX-YYYY-NNNNNN or its prefix does not match the record kind"},
		{RuleUTC, ErrInvalid, "a time is not in UTC; the schema stores RFC 3339 UTC only"},
		{RuleHeaderOrder, ErrOrder, "updated_at is before created_at"},
		{RuleVersion, ErrInvalid, "the optimistic-concurrency version is negative"},
		{RulePhaseState, ErrInconsistent, "the operational state does not belong to the phase (State.Phases)"},
		{RuleClosedState, ErrInconsistent, "state closed without timeline.closed, or closed while a later reopening is recorded"},
		{RuleSeverity, ErrUnknownSeverity, "the severity is not a level of the scale in force"},
		{RuleCategory, ErrUnknownCategory, "a category is not in the taxonomy in force"},
		{RuleCategoryRepeat, ErrDuplicate, "a further category repeats the primary one or another further one, or further categories exist without a primary"},
		{RuleTimelineOrder, ErrOrder, "two timeline anchors are in an impossible order (TimelineOrder lists the pairs), judged with their precision"},
		{RuleReopenedOrder, ErrOrder, "reopenings are not in ascending order, precede detection, or are recorded without any close"},
		{RulePrecision, ErrInvalid, "a coarse timestamp is not at the start of its day, month or year"},
		{RuleResolution, ErrInconsistent, "the resolution contradicts the outcome (false positive needs not_incident; true positive with impact needs incident; without impact, incident or near_miss; not applicable cannot be an incident) or a duplicate lacks its primary or names itself"},
		{RuleDuplicateID, ErrDuplicate, "an identifier is listed twice (events, tasks, notes, evidence, contacts, obligations, reviews, merged records, labels)"},
		{RuleLabel, ErrFormat, "a label is empty, longer than 64 bytes or contains control characters or spaces"},
		{RuleTaskReason, ErrRequired, "a waived or cancelled task has no reason"},
		{RuleCustodyOrder, ErrOrder, "a custody transfer precedes the collection or the previous transfer"},
		{RuleCustodyChain, ErrInconsistent, "a custody transfer does not start from the current custodian, or the digest its receiver verified differs from the evidence's"},
		{RuleDigestFormat, ErrFormat, "a SHA-256 digest is not 64 lower-case hexadecimal characters"},
		{RuleTenure, ErrOrder, "a role tenure ends before it starts"},
		{RuleTenureOverlap, ErrInconsistent, "two people hold a single-holder role (point of contact, incident manager, IRT lead, incident coordinator) at the same time"},
		{RuleFactOrder, ErrOrder, "a fact's history is not in time order or ends after the current value"},
		{RuleMoney, ErrFormat, "a currency is not an upper-case ISO 4217 code or an amount is negative"},
		{RuleCountryCode, ErrFormat, "a State code is not two upper-case letters (ISO 3166-1 alpha-2 or a US state)"},
		{RuleCount, ErrInvalid, "a count of people, clients or transactions is negative, now or in a fact's history"},
		{RuleObligationOrder, ErrOrder, "an obligation's due precedes its start, or its legal end precedes its due"},
		{RuleMerge, ErrInconsistent, "a record is merged into itself or into one of its own duplicates, lists itself among its merged duplicates, or an incident lists itself as its event"},
		{RuleErasedContact, ErrInconsistent, "a contact marked erased still carries personal data"},
		{RuleCVSS, ErrInvalid, "a CVSS score is outside 0.0–10.0 or has more than one decimal, or its version is not 2.0, 3.0, 3.1 or 4.0"},
		{RuleCVE, ErrFormat, "a CVE identifier is not CVE-YYYY-NNNN (four or more digits)"},
		{RuleListLength, ErrInvalid, "a list has more than MaxListItems (10 000) entries; its entries are then not checked one by one"},
	}
}
