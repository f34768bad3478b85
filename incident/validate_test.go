package incident_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

// Fixed identifiers and times: nothing in these tests reads the wall clock
// or a random source other than the seeded one in TestValidateNoPanic.
var (
	valIncidentID = uuid.MustParse("0195f2a0-6c00-7000-8000-000000000001")
	valEventID    = uuid.MustParse("0195f2a0-6c00-7000-8000-000000000002")
	valEvent2ID   = uuid.MustParse("0195f2a0-6c00-7000-8000-000000000003")
	valEvent3ID   = uuid.MustParse("0195f2a0-6c00-7000-8000-000000000004")
	valVulnID     = uuid.MustParse("0195f2a0-6c00-7000-8000-000000000005")
	valOtherID    = uuid.MustParse("0195f2a0-6c00-7000-8000-000000000006")
)

const (
	valDigest  = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	valDigest2 = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
)

// marchAt is a fixed UTC instant in March 2026, the month of the baseline
// incident.
func marchAt(day, hour, minute int) time.Time {
	return time.Date(2026, time.March, day, hour, minute, 0, 0, time.UTC)
}

// valCET is a zone with a non-zero offset, for the time.utc rule.
var valCET = time.FixedZone("CET", 3600)

// validIncident returns a fully populated incident that passes Validate:
// every list a rule looks at has at least one element, so each case of
// TestValidateRules mutates exactly one thing.
func validIncident(t testing.TB) *incident.Incident {
	t.Helper()
	cost := incident.Money{Currency: "EUR", Minor: 5_000_000}
	inc := &incident.Incident{
		Header: incident.Header{
			ID:        valIncidentID,
			Ref:       "INC-2026-000042",
			Org:       "acme",
			OrgUnit:   "soc",
			CreatedAt: marchAt(2, 10, 0),
			UpdatedAt: marchAt(4, 9, 0),
			Version:   3,
		},
		Handling: incident.Handling{
			Title:       "Ransomware on file server FS01",
			Description: "Files on FS01 were encrypted; a ransom note was left in every share.",
			Phase:       incident.PhaseRespond,
			State:       incident.StateRecovery,
			Outcome:     incident.OutcomeIncident,
			Severity:    incident.SeverityHigh,
			Priority:    incident.P2,
			Category:    incident.Category{Class: "malicious-code", Type: "infected-system"},
			Categories:  []incident.Category{{Class: "availability", Type: "sabotage"}},
			Reporter:    "u-alice",
			Contacts: []incident.Contact{
				{ID: "u-alice", Kind: incident.ActorPerson, Name: "Alice Example", Email: "alice@example.org"},
				{ID: "edr", Kind: incident.ActorTool, Name: "EDR"},
			},
			Roles: []incident.RoleAssignment{
				{Role: incident.RolePointOfContact, Actor: "u-dana", From: marchAt(2, 8, 10)},
				{Role: incident.RoleIncidentManager, Actor: "u-bob", From: marchAt(2, 10, 0), Until: marchAt(3, 8, 0)},
				{Role: incident.RoleIncidentManager, Actor: "u-carol", From: marchAt(3, 8, 0)},
			},
			Tasks: []incident.Task{
				{ID: "t1", Title: "Isolate FS01", Assignee: "u-bob", Status: incident.TaskDone, Mandatory: true,
					Phase: incident.PhaseRespond, FinishedAt: marchAt(2, 16, 0)},
				{ID: "t2", Title: "Restore from backup", Assignee: "u-carol", Status: incident.TaskInProgress,
					Due: marchAt(5, 18, 0)},
			},
			Assessments: []incident.Assessment{
				{Step: incident.AssessmentFirst, By: "u-dana", Role: incident.RolePointOfContact, At: marchAt(2, 8, 30),
					Outcome: incident.OutcomeIncident, Severity: incident.SeverityMedium, Priority: incident.P3,
					Category: incident.Category{Class: "malicious-code"}, Rationale: "EDR reports mass file renames on FS01."},
				{Step: incident.AssessmentConfirmation, By: "u-bob", Role: incident.RoleIncidentManager, At: marchAt(2, 9, 30),
					Outcome: incident.OutcomeIncident, Severity: incident.SeverityHigh, Priority: incident.P2,
					Category: incident.Category{Class: "malicious-code", Type: "infected-system"}, Rationale: "Ransom note found in every share."},
			},
			Notes: []incident.Note{
				{ID: "n1", At: marchAt(2, 11, 0), Author: "u-bob", Text: "Backups from 1 March are clean."},
			},
			Labels: []string{"ransomware", "fs01"},
			Links:  []incident.Link{{System: "jira", Key: "SEC-101", URL: "https://jira.example.org/browse/SEC-101"}},
			TLP:    incident.TLPAmber,
			DataProtection: incident.DataProtection{
				RetentionCategory: "security_incident",
				LegalHold:         &incident.LegalHold{Since: marchAt(3, 9, 0), By: "u-legal", Reason: "Police investigation"},
			},
		},
		EventIDs:         []uuid.UUID{valEventID},
		VulnerabilityIDs: []uuid.UUID{valVulnID},
		Timeline: incident.Timeline{
			Occurred:               incident.Approx(marchAt(1, 0, 0), incident.PrecisionDay, true),
			Compromised:            incident.At(marchAt(1, 22, 0)),
			Detected:               incident.At(marchAt(2, 8, 0)),
			Reported:               incident.At(marchAt(2, 8, 10)),
			Acknowledged:           incident.At(marchAt(2, 8, 20)),
			Aware:                  incident.At(marchAt(2, 9, 0)),
			Discovered:             incident.At(marchAt(2, 9, 0)),
			Assessed:               incident.At(marchAt(2, 9, 30)),
			Declared:               incident.At(marchAt(2, 10, 0)),
			ClassifiedMajor:        incident.At(marchAt(2, 14, 0)),
			MaterialityDetermined:  incident.At(marchAt(3, 10, 0)),
			Contained:              incident.At(marchAt(2, 16, 0)),
			Eradicated:             incident.At(marchAt(3, 12, 0)),
			ServiceUnavailableFrom: incident.At(marchAt(1, 23, 0)),
		},
		Facts: incident.Facts{
			PersonalData: incident.Fact[bool]{Value: true, KnownAt: marchAt(2, 9, 0), Source: "u-bob"},
			DataSubjects: incident.Fact[int64]{Value: 1200, KnownAt: marchAt(3, 10, 0), Source: "u-carol",
				History: []incident.FactRevision[int64]{{Value: 100, KnownAt: marchAt(2, 12, 0), Source: "u-bob"}}},
			ResidentsByState: incident.Fact[map[string]int64]{Value: map[string]int64{"DE": 1000}, KnownAt: marchAt(3, 10, 0)},
			MemberStates:     incident.Fact[[]string]{Value: []string{"DE", "AT"}, KnownAt: marchAt(3, 10, 0)},
			ClientsAffected:  incident.Fact[int64]{Value: 40, KnownAt: marchAt(3, 10, 0)},
			EconomicImpact:   incident.Fact[incident.Money]{Value: incident.Money{Currency: "EUR", Minor: 25_000_000}, KnownAt: marchAt(3, 11, 0)},
		},
		Impact: incident.Impact{
			Confidentiality: incident.ImpactHigh,
			Integrity:       incident.ImpactMedium,
			Availability:    incident.ImpactHigh,
			Functional:      incident.ImpactMedium,
			Information:     []incident.InformationImpact{incident.InformationPrivacyBreach},
			Recoverability:  incident.RecoverabilitySupplemented,
			Assets:          []incident.Asset{{ID: "srv-fs01", Name: "FS01", Kind: "server", Criticality: incident.CriticalityHigh}},
			Services:        []incident.Service{{Name: "File sharing", Criticality: incident.CriticalityHigh}},
			Cost:            &cost,
		},
		Evidence: []incident.Evidence{{
			ID: "ev-1", Description: "Disk image of FS01", Kind: "disk image",
			CollectedBy: "u-bob", CollectedAt: marchAt(2, 12, 0), Source: "fs01",
			Location: "locker-2", SHA256: valDigest, Size: 1 << 30,
			Custody: []incident.CustodyTransfer{
				{At: marchAt(2, 14, 0), From: "u-bob", To: "u-carol", Purpose: "analysis", Location: "lab-1", SHA256: valDigest},
				{At: marchAt(3, 9, 0), From: "u-carol", To: "u-legal", Purpose: "storage", Location: "locker-2"},
			},
		}},
		Obligations: []incident.Obligation{{
			ID: "gdpr-33", Regime: "gdpr", Report: "notification", Authority: "BfDI",
			StartEvent: "aware", StartAt: marchAt(2, 9, 0), Due: marchAt(5, 9, 0), Article: "GDPR Art. 33(1)",
		}},
	}
	return inc
}

// validEvent returns an event that passes Validate.
func validEvent(t testing.TB) *incident.Event {
	t.Helper()
	return &incident.Event{
		Header: incident.Header{ID: valEventID, Ref: "EVT-2026-000007", Org: "acme",
			CreatedAt: marchAt(2, 8, 0), UpdatedAt: marchAt(2, 10, 0), Version: 2},
		Handling: incident.Handling{
			Title: "EDR alert: mass file renames on FS01", Phase: incident.PhaseDetectReport, State: incident.StateReporting,
			Outcome: incident.OutcomeIncident, Severity: incident.SeverityHigh,
			Category: incident.Category{Class: "malicious-code"}, Reporter: "edr", TLP: incident.TLPAmber,
		},
		Timeline:        incident.Timeline{Detected: incident.At(marchAt(2, 8, 0)), Reported: incident.At(marchAt(2, 8, 10))},
		DetectionMethod: "automated-tool",
		Source:          "EDR",
		IncidentID:      valIncidentID,
	}
}

// validVulnerability returns a vulnerability that passes Validate.
func validVulnerability(t testing.TB) *incident.Vulnerability {
	t.Helper()
	return &incident.Vulnerability{
		Header: incident.Header{ID: valVulnID, Ref: "VUL-2026-000003", Org: "acme",
			CreatedAt: marchAt(2, 13, 0), UpdatedAt: marchAt(2, 13, 0)},
		Handling: incident.Handling{
			Title: "xz backdoor on build hosts", Phase: incident.PhaseDetectReport, State: incident.StateReporting,
			Severity: incident.SeverityCritical, Category: incident.Category{Class: "vulnerable", Type: "vulnerable-system"},
			Reporter: "u-alice",
		},
		Timeline:    incident.Timeline{Reported: incident.At(marchAt(2, 13, 0))},
		CVEs:        []string{"CVE-2024-3094"},
		CVSS:        &incident.CVSS{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", Score: 10.0},
		Assets:      []incident.Asset{{ID: "build-01", Criticality: incident.CriticalityHigh}},
		IncidentIDs: []uuid.UUID{valIncidentID},
	}
}

// validatable is what the three record kinds share for these tests.
type validatable interface{ Validate() error }

// ruleCase is one case of TestValidateRules: a record built from a valid
// baseline with one thing changed, the rule expected to fire and the JSON
// path it must name. valid marks a negative case that must pass; bug
// marks a case that fails because of a known defect in a non-test file.
type ruleCase struct {
	rule  incident.Rule
	name  string
	path  string
	valid bool
	bug   string
	build func(t testing.TB) validatable
}

func withIncident(f func(*incident.Incident)) func(testing.TB) validatable {
	return func(t testing.TB) validatable { inc := validIncident(t); f(inc); return inc }
}

func withEvent(f func(*incident.Event)) func(testing.TB) validatable {
	return func(t testing.TB) validatable { ev := validEvent(t); f(ev); return ev }
}

func withVulnerability(f func(*incident.Vulnerability)) func(testing.TB) validatable {
	return func(t testing.TB) validatable { vu := validVulnerability(t); f(vu); return vu }
}

// failCase is a failing case; validCase a negative (valid) one.
func failCase(rule incident.Rule, name, path string, build func(testing.TB) validatable) ruleCase {
	return ruleCase{rule: rule, name: name, path: path, build: build}
}

func validCase(rule incident.Rule, name string, build func(testing.TB) validatable) ruleCase {
	return ruleCase{rule: rule, name: name, valid: true, build: build}
}

// timelineOrderCases makes one failing case per pair of TimelineOrder: the
// later anchor an hour before the earlier one, nothing else on the timeline.
func timelineOrderCases() []ruleCase {
	var cs []ruleCase
	for _, p := range incident.TimelineOrder() {
		earlier, later := p[0], p[1]
		cs = append(cs, failCase(incident.RuleTimelineOrder, string(later)+"_before_"+string(earlier), "timeline."+string(later),
			withIncident(func(inc *incident.Incident) {
				inc.Timeline = incident.Timeline{}
				inc.Timeline.Set(earlier, incident.At(marchAt(2, 12, 0)))
				inc.Timeline.Set(later, incident.At(marchAt(2, 11, 0)))
			})))
	}
	return cs
}

// validateRuleCases is the table of TestValidateRules; TestRulesHaveSubtests
// checks it covers every rule of incident.Rules.
func validateRuleCases() []ruleCase {
	long := func(n int) string { return strings.Repeat("x", n) }
	cs := []ruleCase{
		// required
		failCase(incident.RuleRequired, "id", "id", withIncident(func(inc *incident.Incident) { inc.ID = uuid.Nil })),
		failCase(incident.RuleRequired, "ref", "ref", withIncident(func(inc *incident.Incident) { inc.Ref = "" })),
		failCase(incident.RuleRequired, "org", "org", withIncident(func(inc *incident.Incident) { inc.Org = "" })),
		failCase(incident.RuleRequired, "created_at", "created_at", withIncident(func(inc *incident.Incident) { inc.CreatedAt = time.Time{} })),
		failCase(incident.RuleRequired, "updated_at", "updated_at", withIncident(func(inc *incident.Incident) { inc.UpdatedAt = time.Time{} })),
		failCase(incident.RuleRequired, "title", "title", withIncident(func(inc *incident.Incident) { inc.Title = "" })),
		failCase(incident.RuleRequired, "title_blank", "title", withIncident(func(inc *incident.Incident) { inc.Title = " \t\n" })),
		failCase(incident.RuleRequired, "phase", "phase", withIncident(func(inc *incident.Incident) { inc.Phase = "" })),
		failCase(incident.RuleRequired, "state", "state", withIncident(func(inc *incident.Incident) { inc.State = "" })),
		failCase(incident.RuleRequired, "event_ids", "event_ids", withIncident(func(inc *incident.Incident) { inc.EventIDs = nil })),
		failCase(incident.RuleRequired, "event_ids_empty", "event_ids", withIncident(func(inc *incident.Incident) { inc.EventIDs = []uuid.UUID{} })),
		failCase(incident.RuleRequired, "event_ids_nil_uuid", "event_ids[0]", withIncident(func(inc *incident.Incident) { inc.EventIDs = []uuid.UUID{uuid.Nil} })),
		failCase(incident.RuleRequired, "tasks_title", "tasks[0].title", withIncident(func(inc *incident.Incident) { inc.Tasks[0].Title = "" })),
		failCase(incident.RuleRequired, "tasks_id", "tasks[1].id", withIncident(func(inc *incident.Incident) { inc.Tasks[1].ID = "" })),
		failCase(incident.RuleRequired, "tasks_status", "tasks[0].status", withIncident(func(inc *incident.Incident) { inc.Tasks[0].Status = "" })),
		failCase(incident.RuleRequired, "notes_author", "notes[0].author", withIncident(func(inc *incident.Incident) { inc.Notes[0].Author = "" })),
		failCase(incident.RuleRequired, "notes_at", "notes[0].at", withIncident(func(inc *incident.Incident) { inc.Notes[0].At = time.Time{} })),
		failCase(incident.RuleRequired, "notes_text", "notes[0].text", withIncident(func(inc *incident.Incident) { inc.Notes[0].Text = "" })),
		validCase(incident.RuleRequired, "evidence_without_digest_before_acquisition_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Evidence[0].SHA256 = ""
			for i := range inc.Evidence[0].Custody {
				inc.Evidence[0].Custody[i].SHA256 = ""
			}
		})),
		failCase(incident.RuleRequired, "evidence_collected_by", "evidence[0].collected_by", withIncident(func(inc *incident.Incident) { inc.Evidence[0].CollectedBy = "" })),
		failCase(incident.RuleRequired, "evidence_collected_at", "evidence[0].collected_at", withIncident(func(inc *incident.Incident) { inc.Evidence[0].CollectedAt = time.Time{} })),
		failCase(incident.RuleRequired, "evidence_location", "evidence[0].location", withIncident(func(inc *incident.Incident) { inc.Evidence[0].Location = "" })),
		failCase(incident.RuleRequired, "custody_to", "evidence[0].custody[1].to", withIncident(func(inc *incident.Incident) { inc.Evidence[0].Custody[1].To = "" })),
		failCase(incident.RuleRequired, "custody_at", "evidence[0].custody[0].at", withIncident(func(inc *incident.Incident) { inc.Evidence[0].Custody[0].At = time.Time{} })),
		failCase(incident.RuleRequired, "roles_actor", "roles[0].actor", withIncident(func(inc *incident.Incident) { inc.Roles[0].Actor = "" })),
		failCase(incident.RuleRequired, "roles_from", "roles[0].from", withIncident(func(inc *incident.Incident) { inc.Roles[0].From = time.Time{} })),
		failCase(incident.RuleRequired, "resolution_set_by", "resolution.set_by", withIncident(func(inc *incident.Incident) {
			inc.Resolution = &incident.Resolution{Kind: incident.ResolutionTruePositiveWithImpact, SetAt: marchAt(4, 9, 0)}
		})),
		failCase(incident.RuleRequired, "resolution_set_at", "resolution.set_at", withIncident(func(inc *incident.Incident) {
			inc.Resolution = &incident.Resolution{Kind: incident.ResolutionTruePositiveWithImpact, SetBy: "u-carol"}
		})),
		failCase(incident.RuleRequired, "obligations_due", "obligations[0].due", withIncident(func(inc *incident.Incident) { inc.Obligations[0].Due = time.Time{} })),
		failCase(incident.RuleRequired, "obligations_article", "obligations[0].article", withIncident(func(inc *incident.Incident) { inc.Obligations[0].Article = "" })),
		failCase(incident.RuleRequired, "obligations_waived_by", "obligations[0].waived_by", withIncident(func(inc *incident.Incident) {
			inc.Obligations[0].Waived = "unlikely to result in a risk"
		})),
		failCase(incident.RuleRequired, "reviews_completed_at", "reviews[0].completed_at", withIncident(func(inc *incident.Incident) {
			inc.Reviews = []incident.ReviewRef{{ID: "r1", By: "u-carol"}}
		})),
		failCase(incident.RuleRequired, "legal_hold_reason", "data_protection.legal_hold.reason", withIncident(func(inc *incident.Incident) { inc.DataProtection.LegalHold.Reason = " " })),
		failCase(incident.RuleRequired, "erasures_by", "data_protection.erasures[0].by", withIncident(func(inc *incident.Incident) {
			inc.DataProtection.Erasures = []incident.Erasure{{At: marchAt(4, 9, 0), Reason: "data subject request"}}
		})),
		failCase(incident.RuleRequired, "category_class", "category.class", withIncident(func(inc *incident.Incident) { inc.Category = incident.Category{Type: "phishing"} })),
		failCase(incident.RuleRequired, "links_key", "links[0].key", withIncident(func(inc *incident.Incident) { inc.Links[0].Key = "" })),
		failCase(incident.RuleRequired, "nil_incident", "", func(testing.TB) validatable { return (*incident.Incident)(nil) }),
		failCase(incident.RuleRequired, "nil_event", "", func(testing.TB) validatable { return (*incident.Event)(nil) }),
		failCase(incident.RuleRequired, "nil_vulnerability", "", func(testing.TB) validatable { return (*incident.Vulnerability)(nil) }),
		failCase(incident.RuleRequired, "event_org", "org", withEvent(func(ev *incident.Event) { ev.Org = "" })),
		failCase(incident.RuleRequired, "vulnerability_incident_ids_nil_uuid", "incident_ids[0]", withVulnerability(func(vu *incident.Vulnerability) {
			vu.IncidentIDs = []uuid.UUID{uuid.Nil}
		})),
		validCase(incident.RuleRequired, "erased_note_without_text_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Notes[0].Text, inc.Notes[0].Erased = "", true
		})),

		// enum
		failCase(incident.RuleEnum, "phase", "phase", withIncident(func(inc *incident.Incident) { inc.Phase = "contain" })),
		failCase(incident.RuleEnum, "state", "state", withIncident(func(inc *incident.Incident) { inc.State = "open" })),
		failCase(incident.RuleEnum, "outcome", "outcome", withIncident(func(inc *incident.Incident) { inc.Outcome = "true_positive" })),
		failCase(incident.RuleEnum, "priority", "priority", withIncident(func(inc *incident.Incident) { inc.Priority = "P0" })),
		failCase(incident.RuleEnum, "tlp_white", "tlp", withIncident(func(inc *incident.Incident) { inc.TLP = "white" })),
		failCase(incident.RuleEnum, "tlp_written_form", "tlp", withIncident(func(inc *incident.Incident) { inc.TLP = "TLP:RED" })),
		failCase(incident.RuleEnum, "roles_role", "roles[0].role", withIncident(func(inc *incident.Incident) { inc.Roles[0].Role = "ciso" })),
		failCase(incident.RuleEnum, "tasks_status", "tasks[0].status", withIncident(func(inc *incident.Incident) { inc.Tasks[0].Status = "blocked" })),
		failCase(incident.RuleEnum, "tasks_phase", "tasks[0].phase", withIncident(func(inc *incident.Incident) { inc.Tasks[0].Phase = "contain" })),
		failCase(incident.RuleEnum, "timestamp_precision", "timeline.occurred.precision", withIncident(func(inc *incident.Incident) { inc.Timeline.Occurred.Precision = "week" })),
		failCase(incident.RuleEnum, "reopened_precision", "timeline.reopened[0].precision", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Reopened = []incident.Timestamp{{At: marchAt(5, 0, 0), Precision: "hour"}}
		})),
		failCase(incident.RuleEnum, "impact_confidentiality", "impact.confidentiality", withIncident(func(inc *incident.Incident) { inc.Impact.Confidentiality = "severe" })),
		failCase(incident.RuleEnum, "impact_functional", "impact.functional", withIncident(func(inc *incident.Incident) { inc.Impact.Functional = "HIGH" })),
		failCase(incident.RuleEnum, "impact_information", "impact.information[0]", withIncident(func(inc *incident.Incident) { inc.Impact.Information[0] = "pii" })),
		failCase(incident.RuleEnum, "impact_recoverability", "impact.recoverability", withIncident(func(inc *incident.Incident) { inc.Impact.Recoverability = "unknown" })),
		failCase(incident.RuleEnum, "impact_asset_criticality", "impact.assets[0].criticality", withIncident(func(inc *incident.Incident) { inc.Impact.Assets[0].Criticality = "vital" })),
		failCase(incident.RuleEnum, "contacts_kind", "contacts[0].kind", withIncident(func(inc *incident.Incident) { inc.Contacts[0].Kind = "robot" })),
		failCase(incident.RuleEnum, "resolution_kind", "resolution.kind", withIncident(func(inc *incident.Incident) {
			inc.Resolution = &incident.Resolution{Kind: "fixed", SetBy: "u-carol", SetAt: marchAt(4, 9, 0)}
		})),
		failCase(incident.RuleEnum, "vulnerability_asset_criticality", "assets[0].criticality", withVulnerability(func(vu *incident.Vulnerability) { vu.Assets[0].Criticality = "vital" })),

		// text.length
		failCase(incident.RuleTextLength, "title", "title", withIncident(func(inc *incident.Incident) { inc.Title = long(incident.MaxTitleBytes + 1) })),
		failCase(incident.RuleTextLength, "org", "org", withIncident(func(inc *incident.Incident) { inc.Org = long(incident.MaxShortTextBytes + 1) })),
		failCase(incident.RuleTextLength, "description", "description", withIncident(func(inc *incident.Incident) { inc.Description = long(incident.MaxLongTextBytes + 1) })),
		failCase(incident.RuleTextLength, "notes_text", "notes[0].text", withIncident(func(inc *incident.Incident) { inc.Notes[0].Text = long(incident.MaxLongTextBytes + 1) })),
		failCase(incident.RuleTextLength, "tasks_title", "tasks[1].title", withIncident(func(inc *incident.Incident) { inc.Tasks[1].Title = long(incident.MaxTitleBytes + 1) })),
		failCase(incident.RuleTextLength, "contacts_email", "contacts[0].email", withIncident(func(inc *incident.Incident) { inc.Contacts[0].Email = long(incident.MaxShortTextBytes + 1) })),
		failCase(incident.RuleTextLength, "event_source", "source", withEvent(func(ev *incident.Event) { ev.Source = long(incident.MaxShortTextBytes + 1) })),
		failCase(incident.RuleTextLength, "cvss_vector", "cvss.vector", withVulnerability(func(vu *incident.Vulnerability) { vu.CVSS.Vector = long(incident.MaxShortTextBytes + 1) })),
		validCase(incident.RuleTextLength, "title_at_limit_is_valid", withIncident(func(inc *incident.Incident) { inc.Title = long(incident.MaxTitleBytes) })),

		// ref.format
		failCase(incident.RuleRefFormat, "short_year", "ref", withIncident(func(inc *incident.Incident) { inc.Ref = "INC-26-000042" })),
		failCase(incident.RuleRefFormat, "short_number", "ref", withIncident(func(inc *incident.Incident) { inc.Ref = "INC-2026-42" })),
		failCase(incident.RuleRefFormat, "unknown_prefix", "ref", withIncident(func(inc *incident.Incident) { inc.Ref = "SIR-2026-000042" })),
		failCase(incident.RuleRefFormat, "zero_number", "ref", withIncident(func(inc *incident.Incident) { inc.Ref = "INC-2026-000000" })),
		failCase(incident.RuleRefFormat, "event_prefix_on_incident", "ref", withIncident(func(inc *incident.Incident) { inc.Ref = "EVT-2026-000042" })),
		failCase(incident.RuleRefFormat, "incident_prefix_on_event", "ref", withEvent(func(ev *incident.Event) { ev.Ref = "INC-2026-000007" })),
		failCase(incident.RuleRefFormat, "incident_prefix_on_vulnerability", "ref", withVulnerability(func(vu *incident.Vulnerability) { vu.Ref = "INC-2026-000003" })),
		failCase(incident.RuleRefFormat, "year_before_1000", "ref", withIncident(func(inc *incident.Incident) { inc.Ref = "INC-0999-000042" })),
		validCase(incident.RuleRefFormat, "seven_digit_number_is_valid", withIncident(func(inc *incident.Incident) { inc.Ref = "INC-2026-1000000" })),

		// time.utc
		failCase(incident.RuleUTC, "created_at", "created_at", withIncident(func(inc *incident.Incident) { inc.CreatedAt = inc.CreatedAt.In(valCET) })),
		failCase(incident.RuleUTC, "timeline_detected", "timeline.detected.at", withIncident(func(inc *incident.Incident) { inc.Timeline.Detected.At = inc.Timeline.Detected.At.In(valCET) })),
		failCase(incident.RuleUTC, "evidence_collected_at", "evidence[0].collected_at", withIncident(func(inc *incident.Incident) { inc.Evidence[0].CollectedAt = inc.Evidence[0].CollectedAt.In(valCET) })),
		failCase(incident.RuleUTC, "roles_until", "roles[1].until", withIncident(func(inc *incident.Incident) { inc.Roles[1].Until = inc.Roles[1].Until.In(valCET) })),
		failCase(incident.RuleUTC, "tasks_due", "tasks[1].due", withIncident(func(inc *incident.Incident) { inc.Tasks[1].Due = inc.Tasks[1].Due.In(valCET) })),
		failCase(incident.RuleUTC, "obligations_start_at", "obligations[0].start_at", withIncident(func(inc *incident.Incident) { inc.Obligations[0].StartAt = inc.Obligations[0].StartAt.In(valCET) })),
		failCase(incident.RuleUTC, "facts_known_at", "facts.personal_data.known_at", withIncident(func(inc *incident.Incident) {
			inc.Facts.PersonalData.KnownAt = inc.Facts.PersonalData.KnownAt.In(valCET)
		})),

		// header.order
		failCase(incident.RuleHeaderOrder, "updated_before_created", "updated_at", withIncident(func(inc *incident.Incident) { inc.UpdatedAt = inc.CreatedAt.Add(-time.Second) })),
		validCase(incident.RuleHeaderOrder, "updated_equal_created_is_valid", withIncident(func(inc *incident.Incident) { inc.UpdatedAt = inc.CreatedAt })),

		// header.version
		failCase(incident.RuleVersion, "negative", "version", withIncident(func(inc *incident.Incident) { inc.Version = -1 })),
		validCase(incident.RuleVersion, "zero_is_valid", withIncident(func(inc *incident.Incident) { inc.Version = 0 })),

		// state.phase
		failCase(incident.RulePhaseState, "containment_in_detect_report", "state", withIncident(func(inc *incident.Incident) {
			inc.Phase, inc.State = incident.PhaseDetectReport, incident.StateContainment
		})),
		failCase(incident.RulePhaseState, "triage_in_respond", "state", withIncident(func(inc *incident.Incident) { inc.State = incident.StateTriage })),
		failCase(incident.RulePhaseState, "closed_in_plan_prepare", "state", withIncident(func(inc *incident.Incident) {
			inc.Phase, inc.State = incident.PhasePlanPrepare, incident.StateClosed
			inc.Timeline.Closed = incident.At(marchAt(4, 12, 0))
		})),
		validCase(incident.RulePhaseState, "analysis_in_respond_is_valid", withIncident(func(inc *incident.Incident) { inc.State = incident.StateAnalysis })),

		// state.closed
		failCase(incident.RuleClosedState, "closed_without_timeline_closed", "timeline.closed", withIncident(func(inc *incident.Incident) {
			inc.State = incident.StateClosed
		})),
		failCase(incident.RuleClosedState, "closed_while_reopened_later", "state", withIncident(func(inc *incident.Incident) {
			inc.State = incident.StateClosed
			inc.Timeline.Closed = incident.At(marchAt(4, 12, 0))
			inc.Timeline.Reopened = []incident.Timestamp{incident.At(marchAt(5, 9, 0))}
		})),
		validCase(incident.RuleClosedState, "closed_with_timeline_closed_is_valid", withIncident(func(inc *incident.Incident) {
			inc.State = incident.StateClosed
			inc.Timeline.Closed = incident.At(marchAt(4, 12, 0))
		})),
		validCase(incident.RuleClosedState, "closed_again_after_reopening_is_valid", withIncident(func(inc *incident.Incident) {
			inc.State = incident.StateClosed
			inc.Timeline.Reopened = []incident.Timestamp{incident.At(marchAt(5, 9, 0))}
			inc.Timeline.Closed = incident.At(marchAt(6, 12, 0))
		})),

		// severity.scale
		failCase(incident.RuleSeverity, "not_on_default_scale", "severity", withIncident(func(inc *incident.Incident) { inc.Severity = incident.SeveritySevere })),
		failCase(incident.RuleSeverity, "upper_case", "severity", withIncident(func(inc *incident.Incident) { inc.Severity = "High" })),
		failCase(incident.RuleSeverity, "event", "severity", withEvent(func(ev *incident.Event) { ev.Severity = "urgent" })),
		validCase(incident.RuleSeverity, "unassessed_is_valid", withIncident(func(inc *incident.Incident) { inc.Severity = "" })),

		// category.taxonomy
		failCase(incident.RuleCategory, "unknown_class", "category", withIncident(func(inc *incident.Incident) { inc.Category = incident.Category{Class: "ransomware"} })),
		failCase(incident.RuleCategory, "unknown_type", "category", withIncident(func(inc *incident.Incident) { inc.Category.Type = "ransomware" })),
		failCase(incident.RuleCategory, "type_of_other_class", "category", withIncident(func(inc *incident.Incident) { inc.Category.Type = "phishing" })),
		failCase(incident.RuleCategory, "unknown_taxonomy", "category", withIncident(func(inc *incident.Incident) { inc.Category.Taxonomy = "veris" })),
		failCase(incident.RuleCategory, "further_category", "categories[0]", withIncident(func(inc *incident.Incident) { inc.Categories[0].Type = "ransomware" })),
		validCase(incident.RuleCategory, "class_only_rsit_is_valid", withIncident(func(inc *incident.Incident) { inc.Category = incident.Category{Class: "intrusions"} })),
		validCase(incident.RuleCategory, "explicit_rsit_taxonomy_is_valid", withIncident(func(inc *incident.Incident) { inc.Category.Taxonomy = incident.RSITTaxonomyName })),
		validCase(incident.RuleCategory, "unclassified_is_valid", withIncident(func(inc *incident.Incident) { inc.Category, inc.Categories = incident.Category{}, nil })),

		// category.repeat
		failCase(incident.RuleCategoryRepeat, "repeats_primary", "categories[0]", withIncident(func(inc *incident.Incident) { inc.Categories[0] = inc.Category })),
		failCase(incident.RuleCategoryRepeat, "repeats_primary_with_explicit_rsit", "categories[0]", withIncident(func(inc *incident.Incident) {
			inc.Categories[0] = inc.Category
			inc.Categories[0].Taxonomy = incident.RSITTaxonomyName
		})),
		failCase(incident.RuleCategoryRepeat, "repeats_further", "categories[1]", withIncident(func(inc *incident.Incident) {
			inc.Categories = append(inc.Categories, inc.Categories[0])
		})),
		failCase(incident.RuleCategoryRepeat, "further_without_primary", "category", withIncident(func(inc *incident.Incident) { inc.Category = incident.Category{} })),
		validCase(incident.RuleCategoryRepeat, "same_class_other_type_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Categories = append(inc.Categories, incident.Category{Class: "malicious-code", Type: "c2-server"})
		})),
	}

	// timeline.order: one case per enforced pair, then the precision cases.
	cs = append(cs, timelineOrderCases()...)
	cs = append(cs,
		failCase(incident.RuleTimelineOrder, "baseline_detected_before_occurred", "timeline.detected", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Occurred = incident.At(marchAt(2, 9, 0))
		})),
		failCase(incident.RuleTimelineOrder, "month_occurred_after_detected", "timeline.detected", withIncident(func(inc *incident.Incident) {
			inc.Timeline = incident.Timeline{
				Occurred: incident.Approx(time.Date(2026, time.April, 1, 0, 0, 0, 0, time.UTC), incident.PrecisionMonth, true),
				Detected: incident.At(marchAt(31, 23, 59)),
			}
		})),
		failCase(incident.RuleTimelineOrder, "closed_before_anchor_without_reopening", "timeline.closed", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Closed = incident.At(marchAt(4, 0, 0))
			inc.Timeline.Recovered = incident.At(marchAt(6, 0, 0))
		})),
		failCase(incident.RuleTimelineOrder, "closed_before_anchor_reopened_before_close", "timeline.closed", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Reopened = []incident.Timestamp{incident.At(marchAt(3, 0, 0))}
			inc.Timeline.Closed = incident.At(marchAt(4, 0, 0))
			inc.Timeline.Recovered = incident.At(marchAt(6, 0, 0))
		})),
		validCase(incident.RuleTimelineOrder, "compromised_after_detected_is_valid", withIncident(func(inc *incident.Incident) {
			// A brute-force alert fires, then the account falls.
			inc.Timeline.Compromised = incident.At(inc.Timeline.Detected.At.Add(30 * time.Minute))
		})),
		validCase(incident.RuleTimelineOrder, "month_occurred_same_month_as_detected_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Occurred = incident.Approx(marchAt(20, 0, 0), incident.PrecisionMonth, true)
		})),
		validCase(incident.RuleTimelineOrder, "year_occurred_same_year_as_detected_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Occurred = incident.Approx(marchAt(20, 0, 0), incident.PrecisionYear, false)
			inc.Timeline.Compromised = incident.Approx(marchAt(20, 0, 0), incident.PrecisionMonth, false)
		})),
		validCase(incident.RuleTimelineOrder, "day_detected_same_day_as_exact_reported_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Detected = incident.Approx(marchAt(2, 23, 0), incident.PrecisionDay, true)
		})),
		validCase(incident.RuleTimelineOrder, "equal_instants_are_valid", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Reported = inc.Timeline.Detected
			inc.Timeline.Acknowledged = inc.Timeline.Detected
		})),
		validCase(incident.RuleTimelineOrder, "anchor_after_closed_when_reopened_later_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Closed = incident.At(marchAt(4, 0, 0))
			inc.Timeline.Reopened = []incident.Timestamp{incident.At(marchAt(5, 0, 0))}
			inc.Timeline.Recovered = incident.At(marchAt(6, 0, 0))
		})),
	)

	cs = append(cs,
		// timeline.reopened
		failCase(incident.RuleReopenedOrder, "descending", "timeline.reopened[1]", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Closed = incident.At(marchAt(7, 0, 0))
			inc.Timeline.Reopened = []incident.Timestamp{incident.At(marchAt(6, 0, 0)), incident.At(marchAt(5, 0, 0))}
		})),
		failCase(incident.RuleReopenedOrder, "before_detected", "timeline.reopened[0]", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Reopened = []incident.Timestamp{incident.At(marchAt(1, 0, 0))}
		})),
		failCase(incident.RuleReopenedOrder, "event_before_detected", "timeline.reopened[0]", withEvent(func(ev *incident.Event) {
			ev.Timeline.Reopened = []incident.Timestamp{incident.At(marchAt(1, 0, 0))}
		})),
		failCase(incident.RuleReopenedOrder, "reopened_without_any_close", "timeline.reopened", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Closed = incident.Timestamp{}
			inc.Timeline.Reopened = []incident.Timestamp{incident.At(marchAt(5, 0, 0))}
		})),
		validCase(incident.RuleReopenedOrder, "ascending_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Closed = incident.At(marchAt(4, 12, 0))
			inc.Timeline.Reopened = []incident.Timestamp{incident.At(marchAt(5, 0, 0)), incident.At(marchAt(6, 0, 0))}
		})),

		// timestamp.precision
		failCase(incident.RulePrecision, "month_not_at_start", "timeline.occurred.at", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Occurred = incident.Timestamp{At: marchAt(1, 12, 0), Precision: incident.PrecisionMonth}
		})),
		failCase(incident.RulePrecision, "day_not_at_midnight", "timeline.compromised.at", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Compromised.Precision = incident.PrecisionDay
		})),
		failCase(incident.RulePrecision, "year_not_at_start", "timeline.occurred.at", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Occurred = incident.Timestamp{At: marchAt(1, 0, 0), Precision: incident.PrecisionYear}
		})),
		failCase(incident.RulePrecision, "reopened", "timeline.reopened[0].at", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Reopened = []incident.Timestamp{{At: marchAt(5, 6, 0), Precision: incident.PrecisionDay}}
		})),
		validCase(incident.RulePrecision, "approx_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Timeline.Occurred = incident.Approx(marchAt(1, 17, 45), incident.PrecisionDay, false)
		})),

		// resolution.consistent
		failCase(incident.RuleResolution, "false_positive_with_outcome_incident", "resolution.kind", withIncident(func(inc *incident.Incident) {
			inc.Resolution = &incident.Resolution{Kind: incident.ResolutionFalsePositive, SetBy: "u-carol", SetAt: marchAt(4, 9, 0)}
		})),
		failCase(incident.RuleResolution, "true_positive_with_outcome_not_incident", "resolution.kind", withIncident(func(inc *incident.Incident) {
			inc.Outcome = incident.OutcomeNotIncident
			inc.Resolution = &incident.Resolution{Kind: incident.ResolutionTruePositiveWithoutImpact, SetBy: "u-carol", SetAt: marchAt(4, 9, 0)}
		})),
		failCase(incident.RuleResolution, "true_positive_undetermined", "resolution.kind", withIncident(func(inc *incident.Incident) {
			inc.Outcome = incident.OutcomeUndetermined
			inc.Resolution = &incident.Resolution{Kind: incident.ResolutionTruePositiveWithImpact, SetBy: "u-carol", SetAt: marchAt(4, 9, 0)}
		})),
		failCase(incident.RuleResolution, "duplicate_without_primary", "resolution.duplicate_of", withIncident(func(inc *incident.Incident) {
			inc.Resolution = &incident.Resolution{Kind: incident.ResolutionDuplicate, SetBy: "u-carol", SetAt: marchAt(4, 9, 0)}
		})),
		failCase(incident.RuleResolution, "primary_without_duplicate", "resolution.duplicate_of", withIncident(func(inc *incident.Incident) {
			inc.Resolution = &incident.Resolution{Kind: incident.ResolutionTruePositiveWithImpact, DuplicateOf: valOtherID, SetBy: "u-carol", SetAt: marchAt(4, 9, 0)}
		})),
		failCase(incident.RuleResolution, "duplicate_of_itself", "resolution.duplicate_of", withIncident(func(inc *incident.Incident) {
			inc.Resolution = &incident.Resolution{Kind: incident.ResolutionDuplicate, DuplicateOf: inc.ID, SetBy: "u-carol", SetAt: marchAt(4, 9, 0)}
		})),
		validCase(incident.RuleResolution, "false_positive_not_incident_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Outcome = incident.OutcomeNotIncident
			inc.Resolution = &incident.Resolution{Kind: incident.ResolutionFalsePositive, SetBy: "u-carol", SetAt: marchAt(4, 9, 0)}
		})),
		failCase(incident.RuleResolution, "with_impact_but_near_miss", "resolution.kind", withIncident(func(inc *incident.Incident) {
			inc.Outcome = incident.OutcomeNearMiss
			inc.Resolution = &incident.Resolution{Kind: incident.ResolutionTruePositiveWithImpact, SetBy: "u-carol", SetAt: marchAt(4, 9, 0)}
		})),
		failCase(incident.RuleResolution, "not_applicable_but_incident", "resolution.kind", withIncident(func(inc *incident.Incident) {
			inc.Outcome = incident.OutcomeIncident
			inc.Resolution = &incident.Resolution{Kind: incident.ResolutionNotApplicable, SetBy: "u-carol", SetAt: marchAt(4, 9, 0)}
		})),
		validCase(incident.RuleResolution, "true_positive_near_miss_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Outcome = incident.OutcomeNearMiss
			inc.Resolution = &incident.Resolution{Kind: incident.ResolutionTruePositiveWithoutImpact, SetBy: "u-carol", SetAt: marchAt(4, 9, 0)}
		})),
		validCase(incident.RuleResolution, "duplicate_with_primary_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Resolution = &incident.Resolution{Kind: incident.ResolutionDuplicate, DuplicateOf: valOtherID, SetBy: "u-carol", SetAt: marchAt(4, 9, 0)}
		})),

		// id.duplicate
		failCase(incident.RuleDuplicateID, "event_ids", "event_ids", withIncident(func(inc *incident.Incident) { inc.EventIDs = append(inc.EventIDs, inc.EventIDs[0]) })),
		failCase(incident.RuleDuplicateID, "vulnerability_ids", "vulnerability_ids", withIncident(func(inc *incident.Incident) {
			inc.VulnerabilityIDs = append(inc.VulnerabilityIDs, inc.VulnerabilityIDs[0])
		})),
		failCase(incident.RuleDuplicateID, "tasks", "tasks[1].id", withIncident(func(inc *incident.Incident) { inc.Tasks[1].ID = inc.Tasks[0].ID })),
		failCase(incident.RuleDuplicateID, "notes", "notes[1].id", withIncident(func(inc *incident.Incident) { inc.Notes = append(inc.Notes, inc.Notes[0]) })),
		failCase(incident.RuleDuplicateID, "evidence", "evidence[1].id", withIncident(func(inc *incident.Incident) { inc.Evidence = append(inc.Evidence, inc.Evidence[0]) })),
		failCase(incident.RuleDuplicateID, "contacts", "contacts[1].id", withIncident(func(inc *incident.Incident) { inc.Contacts[1].ID = inc.Contacts[0].ID })),
		failCase(incident.RuleDuplicateID, "obligations", "obligations[1].id", withIncident(func(inc *incident.Incident) { inc.Obligations = append(inc.Obligations, inc.Obligations[0]) })),
		failCase(incident.RuleDuplicateID, "reviews", "reviews[1].id", withIncident(func(inc *incident.Incident) {
			r := incident.ReviewRef{ID: "r1", CompletedAt: marchAt(9, 0, 0), By: "u-carol"}
			inc.Reviews = []incident.ReviewRef{r, r}
		})),
		failCase(incident.RuleDuplicateID, "merged", "merged", withIncident(func(inc *incident.Incident) { inc.Merged = []uuid.UUID{valOtherID, valOtherID} })),
		failCase(incident.RuleDuplicateID, "labels", "labels", withIncident(func(inc *incident.Incident) { inc.Labels = append(inc.Labels, inc.Labels[0]) })),
		failCase(incident.RuleDuplicateID, "impact_assets", "impact.assets[1].id", withIncident(func(inc *incident.Incident) {
			inc.Impact.Assets = append(inc.Impact.Assets, inc.Impact.Assets[0])
		})),
		failCase(incident.RuleDuplicateID, "impact_information", "impact.information", withIncident(func(inc *incident.Incident) {
			inc.Impact.Information = append(inc.Impact.Information, inc.Impact.Information[0])
		})),
		failCase(incident.RuleDuplicateID, "cves", "cves", withVulnerability(func(vu *incident.Vulnerability) { vu.CVEs = append(vu.CVEs, vu.CVEs[0]) })),
		failCase(incident.RuleDuplicateID, "vulnerability_incident_ids", "incident_ids", withVulnerability(func(vu *incident.Vulnerability) {
			vu.IncidentIDs = append(vu.IncidentIDs, vu.IncidentIDs[0])
		})),

		// label.format
		failCase(incident.RuleLabel, "space", "labels[0]", withIncident(func(inc *incident.Incident) { inc.Labels[0] = "file server" })),
		failCase(incident.RuleLabel, "empty", "labels[1]", withIncident(func(inc *incident.Incident) { inc.Labels[1] = "" })),
		failCase(incident.RuleLabel, "too_long", "labels[0]", withIncident(func(inc *incident.Incident) { inc.Labels[0] = long(incident.MaxLabelBytes + 1) })),
		failCase(incident.RuleLabel, "control_character", "labels[0]", withIncident(func(inc *incident.Incident) { inc.Labels[0] = "fs\x0001" })),
		failCase(incident.RuleLabel, "invalid_utf8", "labels[0]", withIncident(func(inc *incident.Incident) { inc.Labels[0] = "fs\xff01" })),
		validCase(incident.RuleLabel, "unicode_at_limit_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Labels[0] = "vorfall-ä"
			inc.Labels[1] = long(incident.MaxLabelBytes)
		})),

		// task.reason
		failCase(incident.RuleTaskReason, "waived_without_reason", "tasks[1].reason", withIncident(func(inc *incident.Incident) { inc.Tasks[1].Status = incident.TaskWaived })),
		failCase(incident.RuleTaskReason, "cancelled_blank_reason", "tasks[0].reason", withIncident(func(inc *incident.Incident) {
			inc.Tasks[0].Status, inc.Tasks[0].Reason = incident.TaskCancelled, "  "
		})),
		validCase(incident.RuleTaskReason, "waived_with_reason_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Tasks[1].Status, inc.Tasks[1].Reason = incident.TaskWaived, "restored from replica instead"
		})),

		// evidence.custody_order
		failCase(incident.RuleCustodyOrder, "before_collection", "evidence[0].custody[0].at", withIncident(func(inc *incident.Incident) {
			inc.Evidence[0].Custody[0].At = inc.Evidence[0].CollectedAt.Add(-time.Minute)
		})),
		failCase(incident.RuleCustodyOrder, "before_previous_transfer", "evidence[0].custody[1].at", withIncident(func(inc *incident.Incident) {
			inc.Evidence[0].Custody[1].At = inc.Evidence[0].Custody[0].At.Add(-time.Minute)
		})),
		validCase(incident.RuleCustodyOrder, "transfer_at_collection_instant_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Evidence[0].Custody[0].At = inc.Evidence[0].CollectedAt
		})),

		// evidence.custody_chain
		failCase(incident.RuleCustodyChain, "first_not_from_collector", "evidence[0].custody[0].from", withIncident(func(inc *incident.Incident) {
			inc.Evidence[0].Custody[0].From = "u-mallory"
		})),
		failCase(incident.RuleCustodyChain, "second_not_from_receiver", "evidence[0].custody[1].from", withIncident(func(inc *incident.Incident) {
			inc.Evidence[0].Custody[1].From = "u-bob"
		})),

		// evidence.sha256
		failCase(incident.RuleDigestFormat, "upper_case", "evidence[0].sha256", withIncident(func(inc *incident.Incident) { inc.Evidence[0].SHA256 = strings.ToUpper(valDigest) })),
		failCase(incident.RuleDigestFormat, "too_short", "evidence[0].sha256", withIncident(func(inc *incident.Incident) { inc.Evidence[0].SHA256 = valDigest[:63] })),
		failCase(incident.RuleDigestFormat, "sha1", "evidence[0].sha256", withIncident(func(inc *incident.Incident) {
			inc.Evidence[0].SHA256 = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"
		})),
		failCase(incident.RuleCustodyChain, "receiver_verified_another_digest", "evidence[0].custody[0].sha256", withIncident(func(inc *incident.Incident) { inc.Evidence[0].Custody[0].SHA256 = valDigest2 })),
		failCase(incident.RuleDigestFormat, "custody", "evidence[0].custody[0].sha256", withIncident(func(inc *incident.Incident) { inc.Evidence[0].Custody[0].SHA256 = "not-hex" })),
		failCase(incident.RuleDigestFormat, "event_evidence", "evidence[0].sha256", withEvent(func(ev *incident.Event) {
			ev.Evidence = []incident.Evidence{{ID: "e1", Description: "EDR telemetry", CollectedBy: "edr", CollectedAt: marchAt(2, 8, 0),
				Location: "s3://evidence/e1", SHA256: "sha256:" + valDigest}}
		})),

		// roles.tenure
		failCase(incident.RuleTenure, "until_before_from", "roles[1].until", withIncident(func(inc *incident.Incident) {
			inc.Roles[1].Until = inc.Roles[1].From.Add(-time.Hour)
		})),
		validCase(incident.RuleTenure, "zero_length_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Roles = append(inc.Roles, incident.RoleAssignment{Role: incident.RoleLegal, Actor: "u-legal", From: marchAt(3, 9, 0), Until: marchAt(3, 9, 0)})
		})),

		// roles.overlap
		failCase(incident.RuleTenureOverlap, "incident_manager_overlap", "roles[2]", withIncident(func(inc *incident.Incident) {
			inc.Roles[2].From = inc.Roles[1].Until.Add(-time.Minute)
		})),
		failCase(incident.RuleTenureOverlap, "two_open_points_of_contact", "roles[3]", withIncident(func(inc *incident.Incident) {
			inc.Roles = append(inc.Roles, incident.RoleAssignment{Role: incident.RolePointOfContact, Actor: "u-erin", From: marchAt(4, 0, 0)})
		})),
		failCase(incident.RuleTenureOverlap, "irt_lead_inside_other_tenure", "roles[4]", withIncident(func(inc *incident.Incident) {
			inc.Roles = append(inc.Roles,
				incident.RoleAssignment{Role: incident.RoleIRTLead, Actor: "u-frank", From: marchAt(2, 0, 0), Until: marchAt(5, 0, 0)},
				incident.RoleAssignment{Role: incident.RoleIRTLead, Actor: "u-gina", From: marchAt(3, 0, 0), Until: marchAt(4, 0, 0)})
		})),
		validCase(incident.RuleTenureOverlap, "handover_same_instant_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Roles = append(inc.Roles,
				incident.RoleAssignment{Role: incident.RoleIncidentCoordinator, Actor: "u-frank", From: marchAt(2, 0, 0), Until: marchAt(3, 12, 0)},
				incident.RoleAssignment{Role: incident.RoleIncidentCoordinator, Actor: "u-gina", From: marchAt(3, 12, 0)})
		})),
		validCase(incident.RuleTenureOverlap, "same_actor_twice_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Roles = append(inc.Roles, incident.RoleAssignment{Role: incident.RolePointOfContact, Actor: "u-dana", From: marchAt(4, 0, 0)})
		})),
		validCase(incident.RuleTenureOverlap, "multi_holder_role_overlap_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Roles = append(inc.Roles,
				incident.RoleAssignment{Role: incident.RoleIRTMember, Actor: "u-frank", From: marchAt(2, 0, 0)},
				incident.RoleAssignment{Role: incident.RoleIRTMember, Actor: "u-gina", From: marchAt(2, 0, 0)})
		})),

		// facts.order
		failCase(incident.RuleFactOrder, "history_after_current", "facts.data_subjects.history[0].known_at", withIncident(func(inc *incident.Incident) {
			inc.Facts.DataSubjects.History[0].KnownAt = inc.Facts.DataSubjects.KnownAt.Add(time.Hour)
		})),
		failCase(incident.RuleFactOrder, "history_out_of_order", "facts.personal_data_categories.history[0].known_at", withIncident(func(inc *incident.Incident) {
			inc.Facts.PersonalDataCategories = incident.Fact[[]string]{Value: []string{"contact", "health"}, KnownAt: marchAt(4, 0, 0),
				History: []incident.FactRevision[[]string]{
					{Value: []string{"contact"}, KnownAt: marchAt(3, 12, 0)},
					{Value: []string{}, KnownAt: marchAt(3, 0, 0)},
				}}
		})),
		validCase(incident.RuleFactOrder, "history_at_current_instant_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Facts.DataSubjects.History[0].KnownAt = inc.Facts.DataSubjects.KnownAt
		})),
		validCase(incident.RuleFactOrder, "fact_set_forward_is_valid", withIncident(func(inc *incident.Incident) {
			// Fact.Set refuses to go back in time, so its result always validates.
			_ = inc.Facts.RansomPaid.Set(false, marchAt(2, 12, 0), "u-bob")
			_ = inc.Facts.RansomPaid.Set(true, marchAt(3, 12, 0), "u-carol")
			_ = inc.Facts.RansomPaid.Set(false, marchAt(2, 0, 0), "u-mallory") // refused: ErrOrder
		})),

		// money.format
		failCase(incident.RuleMoney, "lower_case_currency", "facts.economic_impact.value.currency", withIncident(func(inc *incident.Incident) {
			inc.Facts.EconomicImpact.Value.Currency = "eur"
		})),
		failCase(incident.RuleMoney, "missing_currency", "facts.economic_impact.value.currency", withIncident(func(inc *incident.Incident) {
			inc.Facts.EconomicImpact.Value.Currency = ""
		})),
		failCase(incident.RuleMoney, "negative_amount", "facts.economic_impact.value.minor", withIncident(func(inc *incident.Incident) {
			inc.Facts.EconomicImpact.Value.Minor = -1
		})),
		failCase(incident.RuleMoney, "impact_cost_currency", "impact.cost.currency", withIncident(func(inc *incident.Incident) { inc.Impact.Cost.Currency = "EURO" })),
		failCase(incident.RuleMoney, "impact_cost_negative", "impact.cost.minor", withIncident(func(inc *incident.Incident) { inc.Impact.Cost.Minor = -500 })),

		// facts.country
		failCase(incident.RuleCountryCode, "member_state_lower_case", "facts.member_states.value", withIncident(func(inc *incident.Incident) {
			inc.Facts.MemberStates.Value[1] = "at"
		})),
		failCase(incident.RuleCountryCode, "member_state_alpha3", "facts.member_states.value", withIncident(func(inc *incident.Incident) {
			inc.Facts.MemberStates.Value[0] = "DEU"
		})),
		failCase(incident.RuleCountryCode, "residents_state_name", "facts.residents_by_state.value", withIncident(func(inc *incident.Incident) {
			inc.Facts.ResidentsByState.Value["Bavaria"] = 3
		})),

		// facts.count
		failCase(incident.RuleCount, "negative_in_history", "facts.clients_affected.history[0].value", withIncident(func(inc *incident.Incident) {
			f := &inc.Facts.ClientsAffected
			f.History = append([]incident.FactRevision[int64]{{Value: -5, KnownAt: f.KnownAt.Add(-time.Hour)}}, f.History...)
		})),
		failCase(incident.RuleCount, "data_subjects", "facts.data_subjects.value", withIncident(func(inc *incident.Incident) { inc.Facts.DataSubjects.Value = -1 })),
		failCase(incident.RuleCount, "clients_affected", "facts.clients_affected.value", withIncident(func(inc *incident.Incident) { inc.Facts.ClientsAffected.Value = -40 })),
		failCase(incident.RuleCount, "transactions_affected", "facts.transactions_affected.value", withIncident(func(inc *incident.Incident) {
			inc.Facts.TransactionsAffected = incident.Fact[int64]{Value: math.MinInt64, KnownAt: marchAt(3, 0, 0)}
		})),
		failCase(incident.RuleCount, "residents_by_state", "facts.residents_by_state.value.DE", withIncident(func(inc *incident.Incident) {
			inc.Facts.ResidentsByState.Value["DE"] = -1000
		})),
		failCase(incident.RuleCount, "evidence_size", "evidence[0].size", withIncident(func(inc *incident.Incident) { inc.Evidence[0].Size = -1 })),

		// obligation.order
		failCase(incident.RuleObligationOrder, "due_before_start", "obligations[0].due", withIncident(func(inc *incident.Incident) {
			inc.Obligations[0].Due = inc.Obligations[0].StartAt.Add(-time.Hour)
		})),
		failCase(incident.RuleObligationOrder, "legal_end_before_due", "obligations[0].legal_end", withIncident(func(inc *incident.Incident) {
			inc.Obligations[0].LegalEnd = inc.Obligations[0].Due.Add(-time.Hour)
		})),
		validCase(incident.RuleObligationOrder, "legal_end_equal_due_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Obligations[0].LegalEnd = inc.Obligations[0].Due
		})),
		validCase(incident.RuleObligationOrder, "due_without_start_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Obligations[0].StartAt = time.Time{}
		})),

		// merge.self
		failCase(incident.RuleMerge, "merged_into_own_duplicate", "merged_into", withIncident(func(inc *incident.Incident) {
			inc.Merged = []uuid.UUID{valOtherID}
			inc.MergedInto = valOtherID
		})),
		failCase(incident.RuleMerge, "lists_itself_as_event", "event_ids", withIncident(func(inc *incident.Incident) { inc.EventIDs = append(inc.EventIDs, inc.ID) })),
		failCase(incident.RuleMerge, "merged_into_itself", "merged_into", withIncident(func(inc *incident.Incident) { inc.MergedInto = inc.ID })),
		failCase(incident.RuleMerge, "lists_itself_as_merged", "merged", withIncident(func(inc *incident.Incident) { inc.Merged = []uuid.UUID{valOtherID, inc.ID} })),
		failCase(incident.RuleMerge, "event_is_its_own_incident", "incident_id", withEvent(func(ev *incident.Event) { ev.IncidentID = ev.ID })),
		validCase(incident.RuleMerge, "merged_into_other_is_valid", withIncident(func(inc *incident.Incident) { inc.MergedInto = valOtherID })),

		// contacts.erased
		failCase(incident.RuleErasedContact, "erased_with_name", "contacts[0]", withIncident(func(inc *incident.Incident) { inc.Contacts[0].Erased = true })),
		failCase(incident.RuleErasedContact, "erased_with_phone", "contacts[1]", withIncident(func(inc *incident.Incident) {
			inc.Contacts[1] = incident.Contact{ID: "u-bob", Phone: "+49 30 1234567", Erased: true}
		})),
		failCase(incident.RuleErasedContact, "erased_with_organisation", "contacts[1]", withIncident(func(inc *incident.Incident) {
			inc.Contacts[1] = incident.Contact{ID: "u-bob", Organisation: "Contractor GmbH", Erased: true}
		})),
		validCase(incident.RuleErasedContact, "erased_without_personal_data_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Contacts[0] = incident.Contact{ID: "u-alice", Kind: incident.ActorPerson, Erased: true}
		})),

		// cvss.score
		failCase(incident.RuleCVSS, "score_with_two_decimals", "cvss.score", withVulnerability(func(vu *incident.Vulnerability) { vu.CVSS.Score = 3.91 })),
		validCase(incident.RuleCVSS, "score_with_one_decimal_is_valid", withVulnerability(func(vu *incident.Vulnerability) { vu.CVSS.Score = 9.8 })),
		failCase(incident.RuleCVSS, "score_above_10", "cvss.score", withVulnerability(func(vu *incident.Vulnerability) { vu.CVSS.Score = 10.1 })),
		failCase(incident.RuleCVSS, "score_negative", "cvss.score", withVulnerability(func(vu *incident.Vulnerability) { vu.CVSS.Score = -0.1 })),
		failCase(incident.RuleCVSS, "score_nan", "cvss.score", withVulnerability(func(vu *incident.Vulnerability) { vu.CVSS.Score = math.NaN() })),
		failCase(incident.RuleCVSS, "score_infinite", "cvss.score", withVulnerability(func(vu *incident.Vulnerability) { vu.CVSS.Score = math.Inf(1) })),
		failCase(incident.RuleCVSS, "version", "cvss.version", withVulnerability(func(vu *incident.Vulnerability) { vu.CVSS.Version = "3" })),
		failCase(incident.RuleCVSS, "version_missing", "cvss.version", withVulnerability(func(vu *incident.Vulnerability) { vu.CVSS.Version = "" })),
		validCase(incident.RuleCVSS, "bounds_are_valid", withVulnerability(func(vu *incident.Vulnerability) { vu.CVSS = &incident.CVSS{Version: "4.0", Score: 0} })),

		// cve.format
		failCase(incident.RuleCVE, "lower_case", "cves[0]", withVulnerability(func(vu *incident.Vulnerability) { vu.CVEs[0] = "cve-2024-3094" })),
		failCase(incident.RuleCVE, "three_digits", "cves[0]", withVulnerability(func(vu *incident.Vulnerability) { vu.CVEs[0] = "CVE-2024-309" })),
		failCase(incident.RuleCVE, "two_digit_year", "cves[1]", withVulnerability(func(vu *incident.Vulnerability) { vu.CVEs = append(vu.CVEs, "CVE-24-30940") })),
		failCase(incident.RuleListLength, "labels", "labels", withIncident(func(inc *incident.Incident) {
			inc.Labels = make([]string, incident.MaxListItems+1)
			for i := range inc.Labels {
				inc.Labels[i] = "l" + strconv.Itoa(i)
			}
		})),
		failCase(incident.RuleListLength, "custody", "evidence[0].custody", withIncident(func(inc *incident.Incident) {
			e := &inc.Evidence[0]
			for range incident.MaxListItems + 1 {
				e.Custody = append(e.Custody, e.Custody[len(e.Custody)-1])
			}
		})),
		validCase(incident.RuleListLength, "labels_at_the_limit_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Labels = make([]string, incident.MaxListItems)
			for i := range inc.Labels {
				inc.Labels[i] = "l" + strconv.Itoa(i)
			}
		})),
		failCase(incident.RuleCVE, "letters", "cves[0]", withVulnerability(func(vu *incident.Vulnerability) { vu.CVEs[0] = "CVE-2024-30a4" })),
		failCase(incident.RuleCVE, "empty", "cves[0]", withVulnerability(func(vu *incident.Vulnerability) { vu.CVEs[0] = "" })),
		validCase(incident.RuleCVE, "seven_digits_is_valid", withVulnerability(func(vu *incident.Vulnerability) { vu.CVEs = append(vu.CVEs, "CVE-2021-1234567") })),
	)
	return append(cs, assessmentRuleCases()...)
}

// assessmentRuleCases are the cases of the assess-and-decide judgements
// (Handling.Assessments): the baseline incident has a first assessment and
// its confirmation.
func assessmentRuleCases() []ruleCase {
	long := func(n int) string { return strings.Repeat("x", n) }
	return []ruleCase{
		// required
		failCase(incident.RuleRequired, "assessments_step", "assessments[0].step", withIncident(func(inc *incident.Incident) { inc.Assessments[0].Step = "" })),
		failCase(incident.RuleRequired, "assessments_by", "assessments[1].by", withIncident(func(inc *incident.Incident) { inc.Assessments[1].By = "" })),
		failCase(incident.RuleRequired, "assessments_at", "assessments[0].at", withIncident(func(inc *incident.Incident) { inc.Assessments[0].At = time.Time{} })),
		failCase(incident.RuleRequired, "event_assessments_by", "assessments[0].by", withEvent(func(ev *incident.Event) {
			ev.Assessments = []incident.Assessment{{Step: incident.AssessmentFirst, At: marchAt(2, 8, 20), Outcome: incident.OutcomeIncident}}
		})),
		validCase(incident.RuleRequired, "assessment_minimal_is_valid", withVulnerability(func(vu *incident.Vulnerability) {
			vu.Assessments = []incident.Assessment{{Step: incident.AssessmentFirst, By: "u-alice", At: marchAt(2, 14, 0)}}
		})),
		validCase(incident.RuleRequired, "no_assessments_is_valid", withIncident(func(inc *incident.Incident) { inc.Assessments = nil })),

		// enum
		failCase(incident.RuleEnum, "assessments_step", "assessments[1].step", withIncident(func(inc *incident.Incident) { inc.Assessments[1].Step = "second" })),
		failCase(incident.RuleEnum, "assessments_step_case", "assessments[0].step", withIncident(func(inc *incident.Incident) { inc.Assessments[0].Step = "First" })),
		failCase(incident.RuleEnum, "assessments_outcome", "assessments[0].outcome", withIncident(func(inc *incident.Incident) { inc.Assessments[0].Outcome = "true_positive" })),
		failCase(incident.RuleEnum, "assessments_role", "assessments[1].role", withIncident(func(inc *incident.Incident) { inc.Assessments[1].Role = "ciso" })),
		failCase(incident.RuleEnum, "assessments_priority", "assessments[0].priority", withIncident(func(inc *incident.Incident) { inc.Assessments[0].Priority = "P0" })),
		validCase(incident.RuleEnum, "assessment_undetermined_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Assessments[0].Outcome, inc.Assessments[0].Role, inc.Assessments[0].Priority = incident.OutcomeUndetermined, "", incident.PriorityNone
		})),

		// severity.scale (the default vocabulary;
		// TestValidateWithCustomVocabulary/assessment_severity covers others)
		failCase(incident.RuleSeverity, "assessments_not_on_default_scale", "assessments[1].severity", withIncident(func(inc *incident.Incident) {
			inc.Assessments[1].Severity = incident.SeveritySevere
		})),
		failCase(incident.RuleSeverity, "assessments_upper_case", "assessments[0].severity", withIncident(func(inc *incident.Incident) { inc.Assessments[0].Severity = "Medium" })),
		failCase(incident.RuleCategory, "assessments_unknown_category", "assessments[0].category", withIncident(func(inc *incident.Incident) {
			inc.Assessments[0].Category = incident.Category{Class: "malicious-code", Type: "no-such-type"}
		})),
		validCase(incident.RuleSeverity, "assessment_without_severity_is_valid", withIncident(func(inc *incident.Incident) { inc.Assessments[0].Severity = "" })),

		// text.length
		failCase(incident.RuleTextLength, "assessments_rationale", "assessments[1].rationale", withIncident(func(inc *incident.Incident) {
			inc.Assessments[1].Rationale = long(incident.MaxLongTextBytes + 1)
		})),
		validCase(incident.RuleTextLength, "assessment_rationale_at_limit_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Assessments[1].Rationale = long(incident.MaxLongTextBytes)
		})),

		// time.utc
		failCase(incident.RuleUTC, "assessments_at", "assessments[0].at", withIncident(func(inc *incident.Incident) {
			inc.Assessments[0].At = inc.Assessments[0].At.In(valCET)
		})),

		// timeline.order: ascending, ties allowed
		failCase(incident.RuleTimelineOrder, "assessments_out_of_order", "assessments[1].at", withIncident(func(inc *incident.Incident) {
			inc.Assessments[1].At = inc.Assessments[0].At.Add(-time.Minute)
		})),
		failCase(incident.RuleTimelineOrder, "assessments_third_before_second", "assessments[2].at", withIncident(func(inc *incident.Incident) {
			third := inc.Assessments[1]
			third.At = inc.Assessments[1].At.Add(-time.Nanosecond)
			inc.Assessments = append(inc.Assessments, third)
		})),
		validCase(incident.RuleTimelineOrder, "assessments_same_instant_is_valid", withIncident(func(inc *incident.Incident) {
			inc.Assessments[1].At = inc.Assessments[0].At
		})),
		validCase(incident.RuleTimelineOrder, "assessments_revised_is_valid", withIncident(func(inc *incident.Incident) {
			// A later confirmation revises the classification.
			revised := inc.Assessments[1]
			revised.At, revised.Severity, revised.Rationale = marchAt(3, 10, 0), incident.SeverityCritical, "Payroll data encrypted too."
			inc.Assessments = append(inc.Assessments, revised)
		})),

		// list.length
		failCase(incident.RuleListLength, "assessments", "assessments", withIncident(func(inc *incident.Incident) {
			for range incident.MaxListItems - 1 {
				inc.Assessments = append(inc.Assessments, inc.Assessments[1])
			}
		})),
	}
}

// ruleSentinels maps each documented rule to its sentinel.
func ruleSentinels(t testing.TB) map[incident.Rule]error {
	t.Helper()
	m := make(map[incident.Rule]error)
	for _, r := range incident.Rules() {
		require.NotContains(t, m, r.Rule, "rule %q listed twice in Rules()", r.Rule)
		m[r.Rule] = r.Sentinel
	}
	return m
}

// fieldList renders the problems for failure messages.
func fieldList(ve *incident.ValidationError) string {
	var b strings.Builder
	for _, f := range ve.Fields {
		fmt.Fprintf(&b, "\n\t%s [%s] %s", f.Path, f.Rule, f.Reason)
	}
	return b.String()
}

func TestValidateRules(t *testing.T) {
	sentinels := ruleSentinels(t)
	seen := make(map[string]bool)
	for _, tc := range validateRuleCases() {
		name := string(tc.rule) + "/" + tc.name
		require.False(t, seen[name], "duplicate case name %s", name)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			if tc.bug != "" {
				t.Skip("BUG: " + tc.bug)
			}
			err := tc.build(t).Validate()
			if tc.valid {
				if err != nil {
					var ve *incident.ValidationError
					require.ErrorAs(t, err, &ve)
					t.Fatalf("want valid, got:%s", fieldList(ve))
				}
				return
			}
			require.Error(t, err)

			var ve *incident.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Truef(t, ve.Has(tc.path, tc.rule), "want %s at %q, got:%s", tc.rule, tc.path, fieldList(ve))

			sentinel, ok := sentinels[tc.rule]
			require.True(t, ok, "rule %q is not in Rules()", tc.rule)
			assert.ErrorIs(t, err, sentinel)
			assert.ErrorIs(t, err, incident.ErrInvalid)

			var fe *incident.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Same(t, ve.Fields[0], fe, "errors.As finds the first problem")

			// The problem itself, not just some problem of the record,
			// carries the rule's sentinel and a usable message.
			for _, f := range ve.Fields {
				if f.Path != tc.path || f.Rule != tc.rule {
					continue
				}
				assert.ErrorIs(t, f, sentinel)
				assert.ErrorIs(t, f, incident.ErrInvalid)
				assert.NotEmpty(t, f.Reason)
				assert.True(t, strings.HasPrefix(f.Error(), tc.path+": "), "%q starts with the path", f.Error())
			}
		})
	}
}

func TestRulesHaveSubtests(t *testing.T) {
	documented := make(map[incident.Rule]bool)
	for _, r := range incident.Rules() {
		assert.NotEmpty(t, r.Rule)
		assert.NotNil(t, r.Sentinel, "rule %s has no sentinel", r.Rule)
		assert.NotEmpty(t, r.Description, "rule %s is undocumented", r.Rule)
		documented[r.Rule] = true
	}

	failing := make(map[incident.Rule]int)
	for _, tc := range validateRuleCases() {
		assert.Truef(t, documented[tc.rule], "case %s/%s names rule %q, which Rules() does not list", tc.rule, tc.name, tc.rule)
		if !tc.valid && tc.bug == "" {
			failing[tc.rule]++
		}
	}
	for _, r := range incident.Rules() {
		assert.Positivef(t, failing[r.Rule], "rule %q (%s) has no failing case in TestValidateRules", r.Rule, r.Description)
	}
}

// TestValidateFieldErrorsMatchRules checks, over the whole table, that every
// problem Validate reports names a documented rule and wraps exactly that
// rule's sentinel: hosts map problems by Rule and by errors.Is alike.
func TestValidateFieldErrorsMatchRules(t *testing.T) {
	sentinels := ruleSentinels(t)
	for _, tc := range validateRuleCases() {
		err := tc.build(t).Validate()
		var ve *incident.ValidationError
		if !errors.As(err, &ve) {
			continue
		}
		for _, f := range ve.Fields {
			want, ok := sentinels[f.Rule]
			if assert.Truef(t, ok, "%s/%s: %s reports undocumented rule %q", tc.rule, tc.name, f.Path, f.Rule) {
				assert.Truef(t, errors.Is(f, want), "%s/%s: %s [%s] does not wrap %v", tc.rule, tc.name, f.Path, f.Rule, want)
			}
		}
	}
}

func TestValidateValidRecords(t *testing.T) {
	t.Run("baseline_incident", func(t *testing.T) {
		require.NoError(t, validIncident(t).Validate())
	})
	t.Run("baseline_event", func(t *testing.T) {
		require.NoError(t, validEvent(t).Validate())
	})
	t.Run("baseline_vulnerability", func(t *testing.T) {
		require.NoError(t, validVulnerability(t).Validate())
	})
	t.Run("benchmark_incident", func(t *testing.T) {
		require.NoError(t, benchIncident(t).Validate())
	})
	t.Run("minimal_incident", func(t *testing.T) {
		inc := &incident.Incident{
			Header:   incident.Header{ID: valIncidentID, Ref: "INC-2026-000001", Org: "acme", CreatedAt: marchAt(2, 10, 0), UpdatedAt: marchAt(2, 10, 0)},
			Handling: incident.Handling{Title: "Lost laptop", Phase: incident.PhaseAssessDecide, State: incident.StateTriage},
			EventIDs: []uuid.UUID{valEventID},
		}
		require.NoError(t, inc.Validate())
	})
	t.Run("factory", func(t *testing.T) {
		ctx := context.Background()
		now := time.Date(2026, time.March, 2, 8, 0, 0, 123456789, time.UTC)
		var n byte
		ids := incident.IDFunc(func() (uuid.UUID, error) {
			n++
			id := valOtherID
			id[15] = n
			return id, nil
		})
		f := incident.NewFactory(
			incident.WithClock(incident.ClockFunc(func() time.Time { return now })),
			incident.WithIDs(ids),
		)

		ev, err := f.NewEvent(ctx, "acme", "Phishing mail reported", "u-alice")
		require.NoError(t, err)
		require.NoError(t, ev.Validate())
		assert.Equal(t, incident.Ref("EVT-2026-000001"), ev.Ref)

		ev.Category = incident.Category{Class: "fraud", Type: "phishing"}
		ev.Severity = incident.SeverityMedium
		ev.Labels = []string{"phishing"}
		ev.Timeline.Occurred = incident.Approx(now, incident.PrecisionDay, true)

		now = now.Add(30 * time.Minute)
		inc, err := f.Escalate(ctx, ev)
		require.NoError(t, err)
		require.NoError(t, inc.Validate())
		require.NoError(t, ev.Validate(), "the escalated event stays valid")
		assert.Equal(t, inc.ID, ev.IncidentID)
		assert.Equal(t, []uuid.UUID{ev.ID}, inc.EventIDs)
		assert.Equal(t, incident.Ref("INC-2026-000001"), inc.Ref)

		vu, err := f.NewVulnerability(ctx, "acme", "Outdated VPN appliance", "u-alice")
		require.NoError(t, err)
		require.NoError(t, vu.Validate())
	})
}

func TestValidateAllProblemsAtOnce(t *testing.T) {
	inc := validIncident(t)
	inc.Org = ""                                        // org: required
	inc.Version = -2                                    // version: header.version
	inc.Severity = "urgent"                             // severity: severity.scale
	inc.Labels[1] = "two words"                         // labels[1]: label.format
	inc.Evidence[0].SHA256 = strings.ToUpper(valDigest) // evidence[0].sha256: evidence.sha256

	err := inc.Validate()
	require.Error(t, err)
	var ve *incident.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, incident.KindIncident, ve.Kind)

	type problem struct {
		Path string
		Rule incident.Rule
	}
	var got []problem
	for _, f := range ve.Fields {
		got = append(got, problem{f.Path, f.Rule})
	}
	assert.Equal(t, []problem{
		{"org", incident.RuleRequired},
		{"version", incident.RuleVersion},
		{"severity", incident.RuleSeverity},
		{"labels[1]", incident.RuleLabel},
		{"evidence[0].sha256", incident.RuleDigestFormat},
	}, got, "all problems, in field order")

	for _, sentinel := range []error{incident.ErrInvalid, incident.ErrRequired, incident.ErrUnknownSeverity, incident.ErrFormat} {
		assert.ErrorIs(t, err, sentinel)
	}
	assert.NotErrorIs(t, err, incident.ErrOrder)
	assert.NotErrorIs(t, err, incident.ErrDuplicate)

	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "incident: invalid incident: 5 problems; "), msg)
	assert.Contains(t, msg, "org: required")
	assert.Contains(t, msg, "and 2 more")

	var fe *incident.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "org", fe.Path)

	t.Run("one_problem_is_singular", func(t *testing.T) {
		inc := validIncident(t)
		inc.Version = -1
		err := inc.Validate()
		require.Error(t, err)
		assert.Equal(t, "incident: invalid incident: 1 problem; version: version must not be negative (got -1)", err.Error())
	})
}

// TestValidateStableOrder: ValidationError documents a stable order; two
// validations of the same record must report the same problems in the
// same order.
func TestValidateStableOrder(t *testing.T) {
	t.Run("record", func(t *testing.T) {
		inc := validIncident(t)
		inc.Org, inc.Version, inc.Labels[0] = "", -1, "a b"
		inc.Evidence[0].Custody[0].From = "u-mallory"
		first := inc.Validate().Error()
		for range 20 {
			assert.Equal(t, first, inc.Validate().Error())
		}
	})
	t.Run("residents_by_state", func(t *testing.T) {
		// A map: the problems must not come out in map order.
		inc := validIncident(t)
		inc.Facts.ResidentsByState.Value = map[string]int64{"de": 1, "fr": 2, "it": 3, "es": 4, "pl": 5, "nl": 6, "be": 7, "at": 8}
		all := func() string {
			var ve *incident.ValidationError
			require.ErrorAs(t, inc.Validate(), &ve)
			var b strings.Builder
			for _, f := range ve.Fields {
				fmt.Fprintf(&b, "%s=%v;", f.Path, f.Value)
			}
			return b.String()
		}
		first := all()
		assert.True(t, strings.HasPrefix(first, "facts.residents_by_state.value=at;facts.residents_by_state.value=be;"), first)
		for range 50 {
			require.Equal(t, first, all())
		}
	})
}

// TestValidateValidRecordAllocations: paths are built only when a problem
// is reported and a valid map of residents is not sorted, so validating a
// valid record allocates nothing.
func TestValidateValidRecordAllocations(t *testing.T) {
	inc := benchIncident(t)
	require.NoError(t, inc.Validate())
	allocs := testing.AllocsPerRun(100, func() { _ = inc.Validate() })
	assert.Zero(t, allocs, "allocations per Validate of a valid incident")
}

// valMutation changes one part of a record, drawing from rng.
type valMutation func(rng *rand.Rand, inc *incident.Incident)

func valRandString(rng *rand.Rand) string {
	switch rng.IntN(8) {
	case 0:
		return ""
	case 1:
		return strings.Repeat("ä", rng.IntN(40_000)) // up to 80 KB
	case 2:
		return string([]byte{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))})
	case 3:
		return " \t\n"
	case 4:
		return "CVE-" + fmt.Sprint(rng.IntN(100000)) + "-" + fmt.Sprint(rng.IntN(100000))
	case 5:
		return "INC-" + fmt.Sprint(rng.IntN(10000)) + "-" + fmt.Sprint(rng.Uint64())
	}
	b := make([]byte, rng.IntN(20))
	for i := range b {
		b[i] = byte(rng.IntN(128))
	}
	return string(b)
}

func valRandTime(rng *rand.Rand) time.Time {
	switch rng.IntN(6) {
	case 0:
		return time.Time{}
	case 1:
		return time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)
	case 2:
		return time.Date(9999, time.December, 31, 23, 59, 59, 999999999, time.UTC)
	}
	t := time.Unix(rng.Int64N(4_000_000_000)-1_000_000_000, rng.Int64N(1e9))
	if rng.IntN(2) == 0 {
		return t.UTC()
	}
	off := (rng.IntN(27*60) - 13*60) * 60
	return t.In(time.FixedZone(fmt.Sprintf("Z%d", off), off))
}

func valRandTimestamp(rng *rand.Rand) incident.Timestamp {
	ps := append(incident.Precisions(), "", "week")
	return incident.Timestamp{At: valRandTime(rng), Precision: ps[rng.IntN(len(ps))], Estimated: rng.IntN(2) == 0}
}

func valPick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// valRandEnum returns a valid value of the set or a random string.
func valRandEnum[T ~string](rng *rand.Rand, set []T) T {
	if rng.IntN(3) == 0 {
		return T(valRandString(rng))
	}
	return valPick(rng, set)
}

func noPanicMutations() []valMutation {
	return []valMutation{
		func(r *rand.Rand, inc *incident.Incident) { inc.Phase = valRandEnum(r, incident.Phases()) },
		func(r *rand.Rand, inc *incident.Incident) { inc.State = valRandEnum(r, incident.States()) },
		func(r *rand.Rand, inc *incident.Incident) { inc.Outcome = valRandEnum(r, incident.Outcomes()) },
		func(r *rand.Rand, inc *incident.Incident) { inc.Priority = valRandEnum(r, incident.Priorities()) },
		func(r *rand.Rand, inc *incident.Incident) { inc.TLP = valRandEnum(r, incident.TLPs()) },
		func(r *rand.Rand, inc *incident.Incident) { inc.Severity = incident.Severity(valRandString(r)) },
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Category = incident.Category{Taxonomy: valRandString(r), Class: valRandString(r), Type: valRandString(r)}
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Categories = append(inc.Categories, incident.Category{Class: valRandString(r)}, inc.Category)
		},
		func(r *rand.Rand, inc *incident.Incident) { inc.Ref = incident.Ref(valRandString(r)) },
		func(r *rand.Rand, inc *incident.Incident) { inc.Title = valRandString(r) },
		func(r *rand.Rand, inc *incident.Incident) { inc.Description = valRandString(r) },
		func(r *rand.Rand, inc *incident.Incident) { inc.Org = valRandString(r) },
		func(r *rand.Rand, inc *incident.Incident) { inc.Version = r.Int64() - r.Int64() },
		func(r *rand.Rand, inc *incident.Incident) {
			inc.CreatedAt, inc.UpdatedAt = valRandTime(r), valRandTime(r)
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Timeline.Set(valPick(r, incident.Anchors()), valRandTimestamp(r))
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Timeline.Reopened = append(inc.Timeline.Reopened, valRandTimestamp(r), valRandTimestamp(r))
		},
		func(r *rand.Rand, inc *incident.Incident) { inc.Timeline = incident.Timeline{} },
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Resolution = &incident.Resolution{Kind: valRandEnum(r, incident.ResolutionKinds()), SetAt: valRandTime(r),
				SetBy: incident.ActorID(valRandString(r)), DuplicateOf: valPick(r, []uuid.UUID{uuid.Nil, inc.ID, valOtherID})}
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.EventIDs = valPick(r, [][]uuid.UUID{nil, {}, {uuid.Nil}, {valEventID, valEventID}})
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Tasks, inc.Notes, inc.Evidence, inc.Roles = nil, nil, nil, nil
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Tasks, inc.Notes, inc.Evidence, inc.Roles = []incident.Task{}, []incident.Note{}, []incident.Evidence{}, []incident.RoleAssignment{}
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Tasks = append(inc.Tasks, incident.Task{ID: valRandString(r), Title: valRandString(r), Status: valRandEnum(r, incident.TaskStatuses()),
				Phase: valRandEnum(r, incident.Phases()), Reason: valRandString(r), Due: valRandTime(r), FinishedAt: valRandTime(r)})
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Roles = append(inc.Roles, incident.RoleAssignment{Role: valRandEnum(r, incident.Roles()), Actor: incident.ActorID(valRandString(r)),
				From: valRandTime(r), Until: valRandTime(r)})
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Contacts = append(inc.Contacts, incident.Contact{ID: incident.ActorID(valRandString(r)), Kind: incident.ActorKind(valRandString(r)),
				Name: valRandString(r), Erased: r.IntN(2) == 0})
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Notes = append(inc.Notes, incident.Note{ID: valRandString(r), At: valRandTime(r), Text: valRandString(r), Erased: r.IntN(2) == 0})
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Labels = append(inc.Labels, valRandString(r), valRandString(r))
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Assessments = append(inc.Assessments, incident.Assessment{Step: incident.AssessmentStep(valRandString(r)),
				By: incident.ActorID(valRandString(r)), Role: incident.Role(valRandString(r)), At: valRandTime(r),
				Outcome: valRandEnum(r, incident.Outcomes()), Severity: incident.Severity(valRandString(r)),
				Priority: valRandEnum(r, incident.Priorities()), Category: incident.Category{Class: valRandString(r)}, Rationale: valRandString(r)})
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Links = append(inc.Links, incident.Link{System: valRandString(r), Key: valRandString(r), URL: valRandString(r)})
		},
		func(r *rand.Rand, inc *incident.Incident) {
			e := incident.Evidence{ID: valRandString(r), CollectedAt: valRandTime(r), SHA256: valRandString(r), Size: r.Int64() - r.Int64()}
			for range r.IntN(4) {
				e.Custody = append(e.Custody, incident.CustodyTransfer{At: valRandTime(r), From: incident.ActorID(valRandString(r)),
					To: incident.ActorID(valRandString(r)), SHA256: valRandString(r)})
			}
			inc.Evidence = append(inc.Evidence, e)
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Facts.DataSubjects = incident.Fact[int64]{Value: r.Int64() - r.Int64(), KnownAt: valRandTime(r),
				History: []incident.FactRevision[int64]{{KnownAt: valRandTime(r)}, {KnownAt: valRandTime(r)}}}
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Facts.MemberStates.Value = []string{valRandString(r), valRandString(r)}
			inc.Facts.ResidentsByState.Value = map[string]int64{valRandString(r): r.Int64() - r.Int64(), valRandString(r): -1, "ZZ": 1}
		},
		func(r *rand.Rand, inc *incident.Incident) { inc.Facts = incident.Facts{} },
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Facts.EconomicImpact = incident.Fact[incident.Money]{Value: incident.Money{Currency: valRandString(r), Minor: r.Int64() - r.Int64()},
				KnownAt: valRandTime(r)}
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Impact = incident.Impact{Confidentiality: valRandEnum(r, incident.ImpactLevels()), Functional: valRandEnum(r, incident.ImpactLevels()),
				Information:    []incident.InformationImpact{valRandEnum(r, incident.InformationImpacts()), valRandEnum(r, incident.InformationImpacts())},
				Recoverability: valRandEnum(r, incident.Recoverabilities()),
				Assets:         []incident.Asset{{ID: valRandString(r), Criticality: valRandEnum(r, incident.Criticalities())}},
				Services:       []incident.Service{{Name: valRandString(r)}}, Cost: &incident.Money{Currency: valRandString(r)}}
		},
		func(r *rand.Rand, inc *incident.Incident) { inc.Impact = incident.Impact{} },
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Obligations = append(inc.Obligations, incident.Obligation{ID: valRandString(r), Due: valRandTime(r), StartAt: valRandTime(r),
				LegalEnd: valRandTime(r), SubmittedAt: valRandTime(r), Waived: valRandString(r)})
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Reviews = append(inc.Reviews, incident.ReviewRef{ID: valRandString(r), CompletedAt: valRandTime(r)})
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.MergedInto = valPick(r, []uuid.UUID{uuid.Nil, inc.ID, valOtherID})
			inc.Merged = valPick(r, [][]uuid.UUID{nil, {inc.ID}, {uuid.Nil, uuid.Nil}})
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.DataProtection = incident.DataProtection{RetentionCategory: valRandString(r),
				LegalHold: valPick(r, []*incident.LegalHold{nil, {}, {Since: valRandTime(r)}}),
				Erasures:  []incident.Erasure{{At: valRandTime(r), Reason: valRandString(r)}}}
		},
		func(r *rand.Rand, inc *incident.Incident) {
			inc.Header, inc.Handling = incident.Header{}, incident.Handling{}
		},
		func(r *rand.Rand, inc *incident.Incident) { *inc = incident.Incident{} },
	}
}

// TestValidateNoPanic: whatever a record holds, Validate returns nil or a
// *ValidationError whose problems name documented rules, never panics,
// does not change the record and reports the same problems twice.
func TestValidateNoPanic(t *testing.T) {
	const iterations = 400
	sentinels := ruleSentinels(t)
	muts := noPanicMutations()
	vocabularies := []*incident.Vocabulary{nil, {}, incident.DefaultVocabulary(),
		{Severity: incident.NCISSSeverityScale(), Taxonomies: incident.Taxonomies{"rsit": nil}}}

	build := func(i int) *incident.Incident {
		rng := rand.New(rand.NewPCG(27035, uint64(i)))
		inc := validIncident(t)
		for range 1 + rng.IntN(4) {
			muts[rng.IntN(len(muts))](rng, inc)
		}
		return inc
	}
	check := func(t *testing.T, i int, err error) {
		t.Helper()
		if err == nil {
			return
		}
		var ve *incident.ValidationError
		ok := errors.As(err, &ve)
		require.Truef(t, ok, "iteration %d: error is %T, not *ValidationError", i, err)
		require.NotEmpty(t, ve.Fields)
		_ = ve.Error()
		for _, f := range ve.Fields {
			require.NotNil(t, f)
			want, ok := sentinels[f.Rule]
			require.Truef(t, ok, "iteration %d: %s reports undocumented rule %q", i, f.Path, f.Rule)
			require.Truef(t, errors.Is(f, want), "iteration %d: %s [%s] does not wrap %v", i, f.Path, f.Rule, want)
			_ = f.Error()
		}
	}

	valid := 0
	for i := range iterations {
		inc, same := build(i), build(i)
		var err error
		require.NotPanics(t, func() { err = inc.Validate() }, "iteration %d", i)
		check(t, i, err)
		if err == nil {
			valid++
		}
		require.Truef(t, reflect.DeepEqual(inc, same), "iteration %d: Validate changed the record", i)
		if err != nil {
			require.Equal(t, err.Error(), inc.Validate().Error(), "iteration %d: a second Validate differs", i)
		}
		voc := vocabularies[i%len(vocabularies)]
		require.NotPanics(t, func() { err = inc.ValidateWith(voc) }, "iteration %d with vocabulary %d", i, i%len(vocabularies))
		check(t, i, err)
	}
	t.Logf("%d of %d mutated incidents were valid", valid, iterations)

	t.Run("event_and_vulnerability", func(t *testing.T) {
		for i := range iterations / 2 {
			rng := rand.New(rand.NewPCG(27035, uint64(i)))
			ev, vu := validEvent(t), validVulnerability(t)
			ev.State, vu.Phase = valRandEnum(rng, incident.States()), valRandEnum(rng, incident.Phases())
			ev.Timeline.Set(valPick(rng, incident.Anchors()), valRandTimestamp(rng))
			ev.Evidence = []incident.Evidence{{SHA256: valRandString(rng), Custody: []incident.CustodyTransfer{{At: valRandTime(rng)}}}}
			ev.IncidentID = valPick(rng, []uuid.UUID{uuid.Nil, ev.ID, valIncidentID})
			ev.DetectionMethod, ev.Source = valRandString(rng), valRandString(rng)
			vu.CVEs = []string{valRandString(rng), valRandString(rng), "CVE-2024-3094", "CVE-2024-3094"}
			vu.CVSS = valPick(rng, []*incident.CVSS{nil, {Version: valRandString(rng), Score: rng.NormFloat64() * 10, Vector: valRandString(rng)},
				{Score: math.NaN()}, {Score: math.Inf(-1)}})
			vu.Assets = append(vu.Assets, incident.Asset{Criticality: incident.Criticality(valRandString(rng))})
			vu.IncidentIDs = valPick(rng, [][]uuid.UUID{nil, {uuid.Nil}, {valIncidentID, valIncidentID}})
			var eerr, verr error
			require.NotPanics(t, func() { eerr = ev.Validate() }, "iteration %d", i)
			require.NotPanics(t, func() { verr = vu.Validate() }, "iteration %d", i)
			check(t, i, eerr)
			check(t, i, verr)
			require.NotPanics(t, func() { _ = (&incident.Event{}).ValidateWith(&incident.Vocabulary{}) })
			require.NotPanics(t, func() { _ = (&incident.Vulnerability{}).ValidateWith(nil) })
		}
	})
}

func TestValidateWithCustomVocabulary(t *testing.T) {
	t.Run("nciss_scale", func(t *testing.T) {
		voc := &incident.Vocabulary{Severity: incident.NCISSSeverityScale(), Taxonomies: incident.DefaultTaxonomies()}

		inc := validIncident(t)
		inc.Severity = incident.SeveritySevere
		require.NoError(t, inc.ValidateWith(voc), "severe is an NCISS level")
		err := inc.Validate()
		require.Error(t, err, "severe is not on the default scale")
		var ve *incident.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("severity", incident.RuleSeverity))

		inc.Severity = incident.SeverityCritical
		require.NoError(t, inc.Validate(), "critical is on the default scale")
		err = inc.ValidateWith(voc)
		require.Error(t, err, "critical is not an NCISS level")
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("severity", incident.RuleSeverity), fieldList(ve))
		assert.ErrorIs(t, err, incident.ErrUnknownSeverity)
		assert.Contains(t, err.Error(), incident.NCISSSeverityScaleName, "the message names the scale in force")

		ev := validEvent(t)
		ev.Severity = incident.SeverityEmergency
		require.NoError(t, ev.ValidateWith(voc))
		vu := validVulnerability(t)
		vu.Severity = incident.SeverityBaselineMinor
		require.NoError(t, vu.ValidateWith(voc))
	})

	t.Run("assessment_severity", func(t *testing.T) {
		nciss := &incident.Vocabulary{Severity: incident.NCISSSeverityScale(), Taxonomies: incident.DefaultTaxonomies()}
		inc := validIncident(t)
		inc.Severity = incident.SeveritySevere
		inc.Assessments[0].Severity = incident.SeverityLow
		inc.Assessments[1].Severity = incident.SeveritySevere
		require.NoError(t, inc.ValidateWith(nciss), "low and severe are NCISS levels")

		err := inc.Validate()
		var ve *incident.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("assessments[1].severity", incident.RuleSeverity), fieldList(ve))
		assert.False(t, ve.Has("assessments[0].severity", incident.RuleSeverity), fieldList(ve))

		inc.Severity = incident.SeverityHigh
		inc.Assessments[1].Severity = incident.SeverityCritical
		require.NoError(t, inc.Validate())
		err = inc.ValidateWith(nciss)
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("assessments[1].severity", incident.RuleSeverity), "critical is not an NCISS level: %s", fieldList(ve))
		assert.False(t, ve.Has("severity", incident.RuleSeverity), fieldList(ve))
		assert.ErrorIs(t, err, incident.ErrUnknownSeverity)
		assert.Contains(t, err.Error(), incident.NCISSSeverityScaleName, "the message names the scale in force")

		vu := validVulnerability(t)
		vu.Assessments = []incident.Assessment{{Step: incident.AssessmentFirst, By: "u-alice", At: marchAt(2, 14, 0), Severity: "urgent"}}
		err = vu.ValidateWith(nciss)
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("assessments[0].severity", incident.RuleSeverity), fieldList(ve))
		require.NoError(t, vu.ValidateWith(&incident.Vocabulary{Taxonomies: incident.DefaultTaxonomies()}),
			"a vocabulary without a scale accepts any severity, as for the record's own")
	})

	t.Run("extended_rsit", func(t *testing.T) {
		tax := incident.RSIT()
		require.NoError(t, tax.Extend(
			incident.CategoryClass{Name: "insider", Label: "Insider", Types: []incident.CategoryType{{Name: "hr-case", Label: "HR case"}}},
			incident.CategoryClass{Name: "fraud", Types: []incident.CategoryType{{Name: "ceo-fraud", Label: "CEO fraud"}}},
		))
		voc := &incident.Vocabulary{Severity: incident.DefaultSeverityScale(), Taxonomies: incident.Taxonomies{incident.RSITTaxonomyName: tax}}

		inc := validIncident(t)
		inc.Category = incident.Category{Class: "insider", Type: "hr-case"}
		inc.Categories = []incident.Category{{Class: "fraud", Type: "ceo-fraud"}, {Class: "fraud", Type: "phishing"}}
		require.NoError(t, inc.ValidateWith(voc), "the host's own categories and RSIT's are accepted")

		err := inc.Validate()
		require.Error(t, err, "the default vocabulary does not know the host's categories")
		var ve *incident.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("category", incident.RuleCategory), fieldList(ve))
		assert.True(t, ve.Has("categories[0]", incident.RuleCategory), fieldList(ve))
		assert.False(t, ve.Has("categories[1]", incident.RuleCategory), fieldList(ve))
		assert.ErrorIs(t, err, incident.ErrUnknownCategory)

		inc.Category = incident.Category{Class: "insider", Type: "sabotage"}
		err = inc.ValidateWith(voc)
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("category", incident.RuleCategory), "an extension does not accept every type: %s", fieldList(ve))
	})

	t.Run("own_taxonomy", func(t *testing.T) {
		own := &incident.Taxonomy{Name: "acme", Version: 1, Classes: []incident.CategoryClass{
			{Name: "policy-breach", Label: "Policy breach", Types: []incident.CategoryType{{Name: "shadow-it", Label: "Shadow IT"}}},
		}}
		ts := incident.DefaultTaxonomies()
		require.NoError(t, ts.Add(own))
		voc := &incident.Vocabulary{Severity: incident.DefaultSeverityScale(), Taxonomies: ts}

		inc := validIncident(t)
		inc.Categories = append(inc.Categories, incident.Category{Taxonomy: "acme", Class: "policy-breach", Type: "shadow-it"})
		require.NoError(t, inc.ValidateWith(voc))

		err := inc.Validate()
		var ve *incident.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.True(t, ve.Has("categories[1]", incident.RuleCategory), fieldList(ve))
	})

	t.Run("nil_vocabulary_is_default", func(t *testing.T) {
		inc := validIncident(t)
		require.NoError(t, inc.ValidateWith(nil))
		inc.Severity = incident.SeveritySevere
		err := inc.ValidateWith(nil)
		require.Error(t, err)
		assert.Equal(t, inc.Validate().Error(), err.Error())
	})

	t.Run("default_vocabulary_copy_is_independent", func(t *testing.T) {
		voc := incident.DefaultVocabulary()
		voc.Severity.Levels = voc.Severity.Levels[:1]
		delete(voc.Taxonomies, incident.RSITTaxonomyName)

		inc := validIncident(t)
		require.Error(t, inc.ValidateWith(voc))
		require.NoError(t, inc.Validate(), "changing a DefaultVocabulary copy leaves Validate alone")
		assert.NoError(t, inc.ValidateWith(incident.DefaultVocabulary()))
	})
}

// benchIncident is a realistic incident: 3 events, 5 tasks, 2 evidence items
// with 2 custody transfers each, 4 notes, 3 roles, facts with history, 3
// obligations and a full timeline.
func benchIncident(t testing.TB) *incident.Incident {
	t.Helper()
	inc := validIncident(t)
	inc.EventIDs = []uuid.UUID{valEventID, valEvent2ID, valEvent3ID}
	inc.Tasks = append(inc.Tasks,
		incident.Task{ID: "t3", Title: "Reset domain admin passwords", Status: incident.TaskDone, FinishedAt: marchAt(2, 18, 0)},
		incident.Task{ID: "t4", Title: "Notify the DPA", Status: incident.TaskOpen, Mandatory: true, Due: marchAt(5, 9, 0)},
		incident.Task{ID: "t5", Title: "Take a memory dump", Status: incident.TaskWaived, Reason: "host already rebooted"},
	)
	second := inc.Evidence[0]
	second.ID, second.Description, second.SHA256 = "ev-2", "Firewall logs 1-2 March", valDigest2
	second.Custody = slices.Clone(second.Custody)
	for i := range second.Custody {
		if second.Custody[i].SHA256 != "" {
			second.Custody[i].SHA256 = valDigest2
		}
	}
	inc.Evidence = append(inc.Evidence, second)
	inc.Notes = append(inc.Notes,
		incident.Note{ID: "n2", At: marchAt(2, 13, 0), Author: "u-carol", Text: "Initial access via VPN account of a contractor."},
		incident.Note{ID: "n3", At: marchAt(3, 9, 0), Author: "u-legal", Text: "Police informed; case number 2026/1234."},
		incident.Note{ID: "n4", At: marchAt(3, 15, 0), Author: "u-bob", Text: "", Erased: true, Personal: true},
	)
	inc.Facts.PersonalDataCategories = incident.Fact[[]string]{Value: []string{"contact", "financial"}, KnownAt: marchAt(3, 10, 0),
		History: []incident.FactRevision[[]string]{{Value: []string{"contact"}, KnownAt: marchAt(2, 12, 0)}}}
	inc.Facts.MemberStates.History = []incident.FactRevision[[]string]{{Value: []string{"DE"}, KnownAt: marchAt(2, 12, 0)}}
	inc.Facts.EconomicImpact.History = []incident.FactRevision[incident.Money]{{Value: incident.Money{Currency: "EUR", Minor: 1_000_000}, KnownAt: marchAt(2, 18, 0)}}
	inc.Obligations = append(inc.Obligations,
		incident.Obligation{ID: "nis2-ew", Regime: "nis2", Report: "early_warning", Authority: "BSI", StartEvent: "aware",
			StartAt: marchAt(2, 9, 0), Due: marchAt(3, 9, 0), Article: "NIS2 Art. 23(4)(a)", SubmittedAt: marchAt(2, 20, 0)},
		incident.Obligation{ID: "nis2-n", Regime: "nis2", Report: "notification", Authority: "BSI", StartEvent: "aware",
			StartAt: marchAt(2, 9, 0), Due: marchAt(5, 9, 0), LegalEnd: marchAt(5, 23, 59), Article: "NIS2 Art. 23(4)(b)"},
	)
	inc.Timeline.Recovered = incident.At(marchAt(3, 18, 0))
	inc.Timeline.ServiceRestored = incident.At(marchAt(3, 18, 0))
	inc.Timeline.Closed = incident.At(marchAt(6, 12, 0))
	inc.Timeline.Reopened = []incident.Timestamp{incident.At(marchAt(7, 9, 0))}
	return inc
}

func BenchmarkValidateIncident(b *testing.B) {
	inc := benchIncident(b)
	if err := inc.Validate(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := inc.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateIncidentInvalid(b *testing.B) {
	inc := benchIncident(b)
	inc.Timeline.Contained = incident.At(inc.Timeline.Detected.At.Add(-time.Hour)) // before detected
	inc.Evidence[1].Custody[1].From = "u-mallory"                                  // breaks the chain
	inc.Obligations[2].LegalEnd = inc.Obligations[2].Due.Add(-1)                   // before due
	var ve *incident.ValidationError
	if err := inc.Validate(); !errors.As(err, &ve) || len(ve.Fields) != 3 {
		b.Fatalf("want 3 problems, got %v", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := inc.Validate(); err == nil {
			b.Fatal("want an error")
		}
	}
}
