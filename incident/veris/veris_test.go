package veris

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// vectorClock is the import clock for the official vectors: they were
// written for schema 1.3 in 2014 (every incident year in them is 2014,
// except year_low's 1949 and year_high's 2020, which was in the future).
var vectorClock = func() time.Time { return time.Date(2014, 12, 31, 0, 0, 0, 0, time.UTC) }

// rejected lists every vector that must be rejected, with the field the
// error must name and the kind of problem. Where a vector's file name and
// its content disagree, the content decides and a comment says so.
var rejected = map[string]struct {
	field   string
	problem Problem
}{
	"action.environmental.notes_empty.json":                  {"action.environmental.notes", ProblemEmpty},
	"action.environmental.variety_duplicate.json":            {"action.environmental.variety", ProblemDuplicate},
	"action.environmental.variety_empty.json":                {"action.environmental.variety", ProblemEmpty},
	"action.environmental.variety_invalid.json":              {"action.environmental.variety", ProblemInvalid},
	"action.environmental.variety_missing.json":              {"action.environmental.variety", ProblemMissing},
	"action.environmental_unrecognized.json":                 {"action.environmental", ProblemUnrecognized},
	"action.error.notes_empty.json":                          {"action.error.notes", ProblemEmpty},
	"action.error.variety_duplicate.json":                    {"action.error.variety", ProblemDuplicate},
	"action.error.variety_empty.json":                        {"action.error.variety", ProblemEmpty},
	"action.error.variety_invalid.json":                      {"action.error.variety", ProblemInvalid},
	"action.error.variety_missing.json":                      {"action.error.variety", ProblemMissing},
	"action.error.vector_duplicate.json":                     {"action.error.vector", ProblemDuplicate},
	"action.error.vector_empty.json":                         {"action.misuse.vector", ProblemEmpty}, // content is action.misuse, the name says action.error
	"action.error.vector_invalid.json":                       {"action.error.vector", ProblemInvalid},
	"action.error.vector_missing.json":                       {"action.misuse.vector", ProblemMissing}, // content is action.misuse, the name says action.error
	"action.error_unrecognized.json":                         {"action.error", ProblemUnrecognized},
	"action.hacking.notes_empty.json":                        {"action.hacking.notes", ProblemEmpty},
	"action.hacking.variety_duplicate.json":                  {"action.hacking.variety", ProblemDuplicate},
	"action.hacking.variety_empty.json":                      {"action.hacking.variety", ProblemEmpty},
	"action.hacking.variety_invalid.json":                    {"action.hacking.variety", ProblemInvalid},
	"action.hacking.variety_missing.json":                    {"action.hacking.variety", ProblemMissing},
	"action.hacking.vector_duplicate.json":                   {"action.hacking.vector", ProblemDuplicate},
	"action.hacking.vector_empty.json":                       {"action.hacking.vector", ProblemEmpty},
	"action.hacking.vector_missing.json":                     {"action.hacking.vector", ProblemMissing},
	"action.hacking_unrecognized.json":                       {"action.hacking", ProblemUnrecognized},
	"action.malware.notes_empty.json":                        {"action.malware.notes", ProblemEmpty},
	"action.malware.variety_duplicate.json":                  {"action.malware.variety", ProblemDuplicate},
	"action.malware.variety_empty.json":                      {"action.malware.variety", ProblemEmpty},
	"action.malware.variety_invalid.json":                    {"action.malware.variety", ProblemInvalid},
	"action.malware.variety_missing.json":                    {"action.malware.variety", ProblemMissing},
	"action.malware.vector_duplicate.json":                   {"action.malware.vector", ProblemDuplicate},
	"action.malware.vector_empty.json":                       {"action.malware.vector", ProblemEmpty},
	"action.malware.vector_missing.json":                     {"action.malware.vector", ProblemMissing},
	"action.malware_unrecognized.json":                       {"action.malware", ProblemUnrecognized},
	"action.misuse.notes_empty.json":                         {"action.misuse.notes", ProblemEmpty},
	"action.misuse.variety_duplicate.json":                   {"action.misuse.variety", ProblemDuplicate},
	"action.misuse.variety_empty.json":                       {"action.misuse.variety", ProblemEmpty},
	"action.misuse.variety_invalid.json":                     {"action.misuse.variety", ProblemInvalid},
	"action.misuse.variety_missing.json":                     {"action.misuse.variety", ProblemMissing},
	"action.misuse.vector_duplicate.json":                    {"action.misuse.vector", ProblemDuplicate},
	"action.misuse.vector_empty.json":                        {"action.misuse.vector", ProblemEmpty},
	"action.misuse.vector_missing.json":                      {"action.misuse.vector", ProblemMissing},
	"action.misuse_unrecognized.json":                        {"action.misuse", ProblemUnrecognized},
	"action.physical.location_duplicate.json":                {"action.physical.location", ProblemUnrecognized},
	"action.physical.location_empty.json":                    {"action.physical.location", ProblemUnrecognized},
	"action.physical.location_present.json":                  {"action.physical.location", ProblemUnrecognized},
	"action.physical.notes_empty.json":                       {"action.physical.notes", ProblemEmpty},
	"action.physical.variety_duplicate.json":                 {"action.physical.variety", ProblemDuplicate},
	"action.physical.variety_empty.json":                     {"action.physical.variety", ProblemEmpty},
	"action.physical.variety_missing.json":                   {"action.physical.variety", ProblemMissing},
	"action.physical.vector_duplicate.json":                  {"action.physical.vector", ProblemDuplicate},
	"action.physical.vector_empty.json":                      {"action.physical.vector", ProblemEmpty},
	"action.physical.vector_invalid.json":                    {"action.physical.vector", ProblemInvalid},
	"action.physical.vector_missing.json":                    {"action.physical.vector", ProblemMissing},
	"action.physical_unrecognized.json":                      {"action.social.test", ProblemUnrecognized}, // content is action.social, the name says action.physical
	"action.social.notes_empty.json":                         {"action.social.notes", ProblemEmpty},
	"action.social.target_duplicate.json":                    {"action.social.target", ProblemDuplicate},
	"action.social.target_empty.json":                        {"action.social.target", ProblemEmpty},
	"action.social.target_missing.json":                      {"action.social.target", ProblemMissing},
	"action.social.variety_duplicate.json":                   {"action.social.variety", ProblemDuplicate},
	"action.social.variety_empty.json":                       {"action.social.variety", ProblemEmpty},
	"action.social.variety_missing.json":                     {"action.social.variety", ProblemMissing},
	"action.social.vector_duplicate.json":                    {"action.social.vector", ProblemDuplicate},
	"action.social.vector_empty.json":                        {"action.social.vector", ProblemEmpty},
	"action.social.vector_missing.json":                      {"action.social.vector", ProblemMissing},
	"action_empty.json":                                      {"action", ProblemEmpty},
	"action_missing.json":                                    {"action", ProblemMissing},
	"actor.external.country_duplicate.json":                  {"actor.external.country", ProblemDuplicate},
	"actor.external.country_empty.json":                      {"actor.external.country", ProblemEmpty},
	"actor.external.country_missing.json":                    {"actor.external.country", ProblemMissing},
	"actor.external.motive_duplicate.json":                   {"actor.external.motive", ProblemDuplicate},
	"actor.external.motive_empty.json":                       {"actor.external.motive", ProblemEmpty},
	"actor.external.motive_missing.json":                     {"actor.external.motive", ProblemMissing},
	"actor.external.name_duplicate.json":                     {"actor.external.name", ProblemDuplicate},
	"actor.external.name_empty.json":                         {"actor.external.name", ProblemEmpty},
	"actor.external.notes_empty.json":                        {"actor.external.notes", ProblemEmpty},
	"actor.external.region_long.json":                        {"actor.external.region", ProblemInvalid},
	"actor.external.region_short.json":                       {"actor.external.region", ProblemInvalid},
	"actor.external.variety_duplicate.json":                  {"actor.external.variety", ProblemDuplicate},
	"actor.external.variety_empty.json":                      {"actor.external.variety", ProblemEmpty},
	"actor.external.variety_missing.json":                    {"actor.external.variety", ProblemMissing},
	"actor.external_empty.json":                              {"actor.external", ProblemMissing},
	"actor.external_unrecognized.json":                       {"actor.external", ProblemUnrecognized},
	"actor.internal.job_change_duplicate.json":               {"actor.internal.job_change", ProblemDuplicate},
	"actor.internal.job_change_empty.json":                   {"actor.internal.job_change", ProblemEmpty},
	"actor.internal.job_change_not_array.json":               {"actor.internal.job_change", ProblemInvalid},
	"actor.internal.motive_duplicate.json":                   {"actor.internal.motive", ProblemDuplicate},
	"actor.internal.motive_empty.json":                       {"actor.internal.motive", ProblemEmpty},
	"actor.internal.motive_missing.json":                     {"actor.internal.motive", ProblemMissing},
	"actor.internal.notes_empty.json":                        {"actor.internal.notes", ProblemEmpty},
	"actor.internal.variety_duplicate.json":                  {"actor.internal.variety", ProblemDuplicate},
	"actor.internal.variety_empty.json":                      {"actor.internal.variety", ProblemEmpty},
	"actor.internal.variety_missing.json":                    {"actor.internal.variety", ProblemMissing},
	"actor.internal_unrecognized.json":                       {"actor.internal", ProblemUnrecognized},
	"actor.partner.country_duplicate.json":                   {"actor.partner.country", ProblemDuplicate},
	"actor.partner.country_empty.json":                       {"actor.partner.country", ProblemEmpty},
	"actor.partner.country_missing.json":                     {"actor.partner.country", ProblemMissing},
	"actor.partner.motive_duplicate.json":                    {"actor.partner.motive", ProblemDuplicate},
	"actor.partner.motive_empty.json":                        {"actor.partner.motive", ProblemEmpty},
	"actor.partner.motive_missing.json":                      {"actor.partner.motive", ProblemMissing},
	"actor.partner.notes_empty.json":                         {"actor.partner.notes", ProblemEmpty},
	"actor.partner.region_long.json":                         {"actor.partner.region", ProblemInvalid},
	"actor.partner.region_short.json":                        {"actor.partner.region", ProblemInvalid},
	"actor.partner_unrecognized.json":                        {"actor.partner", ProblemUnrecognized},
	"actor.unknown.notes_empty.json":                         {"actor.unknown.notes", ProblemEmpty},
	"actor_empty.json":                                       {"actor", ProblemEmpty},
	"actor_missing.json":                                     {"actor", ProblemMissing},
	"actor_unrecognized.json":                                {"actor", ProblemUnrecognized},
	"asset.assets.0_empty.json":                              {"asset.assets.0", ProblemMissing},
	"asset.assets.0_unrecognized.json":                       {"asset.assets.0", ProblemUnrecognized},
	"asset.assets_empty.json":                                {"asset.assets", ProblemEmpty},
	"asset.country_duplicate.json":                           {"asset.country", ProblemDuplicate},
	"asset.country_empty.json":                               {"asset.country", ProblemEmpty},
	"asset.country_numbers.json":                             {"asset.country", ProblemInvalid},
	"asset.governance_duplicate.json":                        {"asset.governance", ProblemDuplicate},
	"asset.governance_empty.json":                            {"asset.governance", ProblemEmpty},
	"asset.notes_empty.json":                                 {"asset.notes", ProblemEmpty},
	"asset_empty.json":                                       {"asset", ProblemEmpty},
	"asset_missing.json":                                     {"asset", ProblemMissing},
	"asset_unrecognized.json":                                {"asset", ProblemUnrecognized},
	"attribute.availability.duration.unit_missing.json":      {"attribute.availability.duration.unit", ProblemMissing},
	"attribute.availability.duration_empty.json":             {"attribute.availability.duration", ProblemMissing},
	"attribute.availability.duration_unrecognized.json":      {"attribute.availability.duration", ProblemUnrecognized},
	"attribute.availability.notes_empty.json":                {"attribute.availability.notes", ProblemEmpty},
	"attribute.availability.variety_duplicate.json":          {"attribute.availability.variety", ProblemDuplicate},
	"attribute.availability.variety_empty.json":              {"attribute.availability.variety", ProblemEmpty},
	"attribute.availability.variety_missing.json":            {"attribute.availability.variety", ProblemMissing},
	"attribute.availability_unrecognized.json":               {"attribute.test", ProblemUnrecognized}, // the unknown key sits on attribute
	"attribute.confidentiality.data.0.variety_missing.json":  {"attribute.confidentiality.data.0.variety", ProblemMissing},
	"attribute.confidentiality.data.0_empty.json":            {"attribute.confidentiality.data.0", ProblemMissing},
	"attribute.confidentiality.data.0_unrecognized.json":     {"attribute.confidentiality.data.0", ProblemUnrecognized},
	"attribute.confidentiality.data_disclosure_missing.json": {"attribute.confidentiality.data_disclosure", ProblemMissing},
	"attribute.confidentiality.data_empty.json":              {"attribute.confidentiality.data", ProblemEmpty},
	"attribute.confidentiality.data_victim_duplicate.json":   {"attribute.confidentiality.data_victim", ProblemDuplicate},
	"attribute.confidentiality.data_victim_empty.json":       {"attribute.confidentiality.data_victim", ProblemEmpty},
	"attribute.confidentiality.data_victim_invalid.json":     {"attribute.confidentiality.data_victim", ProblemInvalid},
	"attribute.confidentiality.notes_empty.json":             {"attribute.confidentiality.notes", ProblemEmpty},
	"attribute.confidentiality.state_duplicate.json":         {"attribute.confidentiality.state", ProblemDuplicate},
	"attribute.confidentiality.state_empty.json":             {"attribute.confidentiality.state", ProblemEmpty},
	"attribute.confidentiality_unrecognized.json":            {"attribute.confidentiality", ProblemUnrecognized},
	"attribute.integrity.notes_empty.json":                   {"attribute.integrity.notes", ProblemEmpty},
	"attribute.integrity.variety_duplicate.json":             {"attribute.integrity.variety", ProblemDuplicate},
	"attribute.integrity.variety_empty.json":                 {"attribute.integrity.variety", ProblemEmpty},
	"attribute.integrity.variety_missing.json":               {"attribute.integrity.variety", ProblemMissing},
	"attribute.integrity_unrecognized.json":                  {"attribute.integrity", ProblemUnrecognized},
	"attribute_empty.json":                                   {"attribute", ProblemEmpty},
	"attribute_unrecognized.json":                            {"attribute", ProblemUnrecognized},
	"discovery_method_missing.json":                          {"discovery_method", ProblemMissing},
	"discovery_notes_empty.json":                             {"discovery_notes", ProblemEmpty},
	"impact.loss.0.variety_missing.json":                     {"impact.loss.0.variety", ProblemMissing},
	"impact.loss.0_unrecognized.json":                        {"impact.loss.0", ProblemUnrecognized},
	"impact.loss.overall_rating_missing.json":                {"impact.overall_rating", ProblemMissing}, // overall_rating belongs to impact
	"impact.notes_empty.json":                                {"impact.notes", ProblemEmpty},
	"impact_unrecognized.json":                               {"test", ProblemUnrecognized}, // the unknown key sits at the top level
	"incident_id_missing.json":                               {"incident_id", ProblemMissing},
	"ioc.0.variety_missing.json":                             {"ioc.0.indicator", ProblemMissing}, // the required field of an ioc is indicator
	"ioc.0_empty.json":                                       {"ioc.0", ProblemMissing},
	"ioc.0_unrecognized.json":                                {"ioc.0", ProblemUnrecognized},
	"ioc_empty.json":                                         {"ioc", ProblemEmpty},
	"notes_empty.json":                                       {"notes", ProblemEmpty},
	"related_incidents.json":                                 {"related_incidents", ProblemUnrecognized},
	"root_unrecognized.json":                                 {"", ProblemUnrecognized},
	"schema_version_missing.json":                            {"schema_version", ProblemMissing},
	"security_incident_missing.json":                         {"security_incident", ProblemMissing},
	"timeline.compromise_unrecognized.json":                  {"timeline.compromise", ProblemUnrecognized},
	"timeline.containment_unrecognized.json":                 {"timeline.containment", ProblemUnrecognized},
	"timeline.discovery_unrecognized.json":                   {"timeline.discovery", ProblemUnrecognized},
	"timeline.exfiltration_unrecognized.json":                {"timeline.exfiltration", ProblemUnrecognized},
	"timeline.incident.day.high.json":                        {"timeline.incident.day", ProblemRange},
	"timeline.incident.day.low.json":                         {"timeline.incident.day", ProblemRange},
	"timeline.incident.month.high.json":                      {"timeline.incident.month", ProblemRange},
	"timeline.incident.month.low.json":                       {"timeline.incident.month", ProblemRange},
	"timeline.incident.year_high.json":                       {"timeline.incident", ProblemRange}, // 2020 is after the import clock of the vectors, 2014-12-31
	"timeline.incident.year_low.json":                        {"timeline.incident.year", ProblemRange},
	"timeline.incident.year_missing.json":                    {"timeline.incident.year", ProblemMissing},
	"timeline.incident_missing.json":                         {"timeline.incident", ProblemMissing},
	"timeline.incident_unrecognized.json":                    {"timeline.incident", ProblemUnrecognized},
	"timeline_unrecognized.json":                             {"timeline", ProblemUnrecognized},
	"victim.country_duplicate.json":                          {"victim.country", ProblemDuplicate},
	"victim.country_empty.json":                              {"victim.country", ProblemEmpty},
	"victim.country_missing.json":                            {"victim.country", ProblemMissing},
	"victim.employee_count_missing.json":                     {"victim.employee_count", ProblemMissing},
	"victim.industry_alpha.json":                             {"victim.industry", ProblemInvalid},
	"victim.industry_long.json":                              {"victim.industry", ProblemRange},
	"victim.industry_missing.json":                           {"victim.industry", ProblemMissing},
	"victim.industry_short.json":                             {"victim.industry", ProblemRange},
	"victim.notes_empty.json":                                {"victim.notes", ProblemEmpty},
	"victim.region_long.json":                                {"victim.region", ProblemInvalid},
	"victim.region_short.json":                               {"victim.region", ProblemInvalid},
	"victim.revenue_empty.json":                              {"victim.revenue", ProblemEmpty},
	"victim.revenue_unrecognized.json":                       {"victim.revenue", ProblemUnrecognized},
	"victim.secondary.victim_id_empty.json":                  {"victim.secondary.victim_id", ProblemEmpty},
	"victim.secondary_empty.json":                            {"victim.secondary", ProblemEmpty},
	"victim.secondary_unrecognized.json":                     {"victim.secondary", ProblemUnrecognized},
	"victim_empty.json":                                      {"victim", ProblemMissing},
	"victim_unrecognized.json":                               {"victim", ProblemInvalid},
}

type vector struct {
	Incident json.RawMessage `json:"incident"`
	Should   string          `json:"should"`
	Message  string          `json:"message"`
}

func TestVectors(t *testing.T) {
	files, err := filepath.Glob("testdata/vectors/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 222 {
		t.Fatalf("%d vectors, want 222", len(files))
	}
	voc, err := Vocabulary()
	if err != nil {
		t.Fatal(err)
	}
	im := Importer{Now: vectorClock}
	var accepted, refused int
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var v vector
			if err := json.Unmarshal(data, &v); err != nil {
				t.Fatal(err)
			}
			want, mustFail := rejected[name]
			if mustFail != (v.Should == "fail") {
				t.Fatalf("table says reject=%v, vector says %q", mustFail, v.Should)
			}
			res, err := im.Import(bytes.NewReader(v.Incident))
			if !mustFail {
				if err != nil {
					t.Fatalf("%s: %v", v.Message, err)
				}
				accepted++
				if err := res.Incident.ValidateWith(voc); err != nil {
					t.Fatalf("imported incident invalid: %v", err)
				}
				return
			}
			refused++
			if res != nil {
				t.Fatalf("%s: got a result with the error %v", v.Message, err)
			}
			var ve *Error
			if !errors.As(err, &ve) {
				t.Fatalf("%s: want *Error, got %T %v", v.Message, err, err)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("errors.As *FieldError / errors.Is ErrInvalid fail on %v", err)
			}
			if !ve.Has(want.field, want.problem) {
				t.Fatalf("%s: want %s %q, got %v", v.Message, want.problem, want.field, err)
			}
		})
	}
	t.Logf("accepted %d, rejected %d", accepted, refused)
	if accepted != 26 || refused != 196 {
		t.Errorf("accepted %d, rejected %d; want 26 and 196", accepted, refused)
	}
}

func TestRejectedNamesExist(t *testing.T) {
	for name := range rejected {
		if _, err := os.Stat(filepath.Join("testdata/vectors", name)); err != nil {
			t.Error(err)
		}
	}
}

func mustImport(t *testing.T, doc string) *Result {
	t.Helper()
	res, err := Importer{Now: vectorClock}.Import(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

const base14 = `{"schema_version":"1.4.0","incident_id":"x","security_incident":"Confirmed","summary":"s",
"action":{"malware":{"variety":["Ransomware"],"vector":["Email attachment"]}},
"actor":{"external":{"variety":["Organized crime"],"motive":["Financial"]}},
"asset":{"assets":[{"variety":"S - Database"}],"cloud":["Unknown"]},
"discovery_method":{"internal":{"variety":["Log review"]}},`

func TestTimelineAnchors(t *testing.T) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name, timeline string
		check          func(t *testing.T, r *Result)
	}{
		{"values chain at day precision", `{"incident":{"year":2014,"month":3,"day":10},"compromise":{"unit":"Hours","value":0},"discovery":{"unit":"Days","value":2},"containment":{"unit":"Weeks","value":1}}`,
			func(t *testing.T, r *Result) {
				tl := r.Incident.Timeline
				if !tl.Compromised.At.Equal(day(2014, 3, 10)) || tl.Compromised.Precision != "day" || !tl.Compromised.Estimated {
					t.Errorf("compromised %+v", tl.Compromised)
				}
				if !tl.Discovered.At.Equal(day(2014, 3, 12)) || tl.Detected != tl.Discovered {
					t.Errorf("discovered %+v detected %+v", tl.Discovered, tl.Detected)
				}
				if !tl.Contained.At.Equal(day(2014, 3, 19)) {
					t.Errorf("contained %+v", tl.Contained)
				}
				if tl.Occurred.Estimated || tl.Occurred.Precision != "day" {
					t.Errorf("occurred %+v", tl.Occurred)
				}
			}},
		{"bucket widens precision", `{"incident":{"year":2014,"month":3,"day":10},"compromise":{"unit":"Minutes"},"discovery":{"unit":"Days"}}`,
			func(t *testing.T, r *Result) {
				tl := r.Incident.Timeline
				// compromise in [10 Mar 00:01, 11 Mar 01:00): two days, same month.
				if tl.Compromised.Precision != "month" || !tl.Compromised.At.Equal(day(2014, 3, 1)) {
					t.Errorf("compromised %+v", tl.Compromised)
				}
				d := r.Durations.Discovery
				if d.Kind != DurationBucket || d.Min != Day || d.Max != Week {
					t.Errorf("discovery %+v", d)
				}
				if tl.Discovered.Precision != "month" {
					t.Errorf("discovered %+v", tl.Discovered)
				}
			}},
		{"unknown is never zero", `{"incident":{"year":2014,"month":3},"compromise":{"unit":"Unknown"},"discovery":{"unit":"Days","value":1}}`,
			func(t *testing.T, r *Result) {
				tl := r.Incident.Timeline
				if !tl.Compromised.IsZero() || !tl.Discovered.IsZero() || !tl.Detected.IsZero() {
					t.Errorf("anchors set from an unknown duration: %+v", tl)
				}
				if r.Durations.Compromise.Kind != DurationUnknown || r.Durations.Compromise.Known() {
					t.Errorf("compromise %+v", r.Durations.Compromise)
				}
				if !hasNote(r.Unmapped, "timeline.discovery") || !hasNote(r.Unmapped, "timeline.compromise") {
					t.Errorf("unplaced anchors not reported: %+v", r.Unmapped)
				}
			}},
		{"never contained", `{"incident":{"year":2014},"compromise":{"unit":"Never"},"containment":{"unit":"Never"}}`,
			func(t *testing.T, r *Result) {
				if !r.Incident.Timeline.Contained.IsZero() || r.Durations.Containment.Kind != DurationNever {
					t.Errorf("%+v %+v", r.Incident.Timeline, r.Durations)
				}
			}},
		{"years bucket is unbounded", `{"incident":{"year":2010},"compromise":{"unit":"Seconds","value":5},"discovery":{"unit":"Years"}}`,
			func(t *testing.T, r *Result) {
				if !r.Durations.Discovery.Unbounded || !r.Incident.Timeline.Discovered.IsZero() {
					t.Errorf("%+v", r.Durations.Discovery)
				}
				// 2010 + 5 s may end in 2011: no single Timestamp holds it.
				if c := r.Incident.Timeline.Compromised; !c.IsZero() || !hasNote(r.Unmapped, "timeline.compromise") {
					t.Errorf("compromised %+v", c)
				}
			}},
		{"crossing a year is not placed", `{"incident":{"year":2013,"month":12,"day":30},"compromise":{"unit":"Days","value":0},"discovery":{"unit":"Days"}}`,
			func(t *testing.T, r *Result) {
				if !r.Incident.Timeline.Discovered.IsZero() || !hasNote(r.Unmapped, "timeline.discovery") {
					t.Errorf("%+v", r.Incident.Timeline.Discovered)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, mustImport(t, base14+`"timeline":`+tt.timeline+`}`))
		})
	}
}

func hasNote(ns []Note, field string) bool {
	for _, n := range ns {
		if n.Field == field {
			return true
		}
	}
	return false
}

func TestRejections(t *testing.T) {
	tests := []struct {
		name, doc, field string
		problem          Problem
	}{
		{"negative value", base14 + `"timeline":{"incident":{"year":2014},"discovery":{"unit":"Days","value":-1}}}`, "timeline.discovery.value", ProblemRange},
		{"huge value", base14 + `"timeline":{"incident":{"year":2014},"discovery":{"unit":"Years","value":1e300}}}`, "timeline.discovery.value", ProblemRange},
		{"31 February", base14 + `"timeline":{"incident":{"year":2014,"month":2,"day":31}}}`, "timeline.incident.day", ProblemRange},
		{"day without month", base14 + `"timeline":{"incident":{"year":2014,"day":3}}}`, "timeline.incident.day", ProblemInvalid},
		{"future", base14 + `"timeline":{"incident":{"year":2015}}}`, "timeline.incident", ProblemRange},
		{"version 2.0", `{"schema_version":"2.0"}`, "schema_version", ProblemUnsupported},
		{"version 1.2", `{"schema_version":"1.2.1"}`, "schema_version", ProblemUnsupported},
		{"summary required in 1.4", strings.Replace(base14, `"summary":"s",`, ``, 1) + `"timeline":{"incident":{"year":2014}}}`, "summary", ProblemMissing},
		{"not an object", `[1]`, "", ProblemSyntax},
		{"trailing data", `{} {}`, "", ProblemSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Importer{Now: vectorClock}.Import(strings.NewReader(tt.doc))
			var ve *Error
			if !errors.As(err, &ve) || !ve.Has(tt.field, tt.problem) {
				t.Fatalf("want %s %q, got %v", tt.problem, tt.field, err)
			}
		})
	}
}

func TestMapping(t *testing.T) {
	doc := base14 + `"timeline":{"incident":{"year":2014,"month":5}},
"attribute":{"confidentiality":{"data_disclosure":"Yes","data":[{"variety":"Personal"},{"variety":"Secrets"}]}},
"impact":{"overall_rating":"Painful","overall_amount":1234.5,"iso_currency_code":"EUR"}}`
	r := mustImport(t, doc)
	inc := r.Incident
	if inc.Category.Class != "malicious-code" || inc.Category.Type != "infected-system" || inc.Category.Taxonomy != "" {
		t.Errorf("category %+v", inc.Category)
	}
	if len(inc.Categories) != 1 || inc.Categories[0].String() != `veris:malware="ransomware"` {
		t.Errorf("categories %v", inc.Categories)
	}
	if !inc.Facts.PersonalData.Value || len(inc.Facts.PersonalDataCategories.Value) != 1 {
		t.Errorf("facts %+v", inc.Facts)
	}
	if inc.Impact.Cost == nil || inc.Impact.Cost.Minor != 123450 || inc.Impact.Cost.Currency != "EUR" {
		t.Errorf("cost %+v", inc.Impact.Cost)
	}
	if len(inc.Impact.Information) != 2 {
		t.Errorf("information %v", inc.Impact.Information)
	}
	if !hasNote(r.Unmapped, "actor.external.variety") || !hasNote(r.Unmapped, "action.malware.vector") {
		t.Errorf("unmapped %+v", r.Unmapped)
	}
	if hasNote(r.Unmapped, "action.malware.variety") || hasNote(r.Unmapped, "impact.overall_amount") {
		t.Errorf("mapped fields reported unmapped: %+v", r.Unmapped)
	}
	again := mustImport(t, doc)
	if again.Incident.ID != inc.ID {
		t.Error("IDs are not derived from incident_id")
	}
}

func TestTaxonomy(t *testing.T) {
	tx, err := Taxonomy()
	if err != nil {
		t.Fatal(err)
	}
	classes, types := tx.Len()
	if classes != 8 || types < 150 {
		t.Errorf("%d classes, %d types", classes, types)
	}
	if MachineName("Use of stolen creds") != "use-of-stolen-creds" || MachineName("M - SIM card") != "m-sim-card" {
		t.Error("MachineName")
	}
}

func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob("testdata/vectors/*.json")
	for _, p := range files[:min(len(files), 40)] {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		var v vector
		if json.Unmarshal(data, &v) == nil {
			f.Add([]byte(v.Incident))
		}
	}
	f.Add([]byte(base14 + `"timeline":{"incident":{"year":2014},"discovery":{"unit":"Months"}}}`))
	voc, err := Vocabulary()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Importer{Now: vectorClock}.Import(bytes.NewReader(data))
		if err != nil {
			if res != nil {
				t.Fatal("result with error")
			}
			var ve *Error
			if errors.As(err, &ve) && len(ve.Problems) == 0 {
				t.Fatal("empty *Error")
			}
			return
		}
		if err := res.Incident.ValidateWith(voc); err != nil {
			t.Fatalf("accepted an invalid incident: %v", err)
		}
		tl := res.Incident.Timeline
		for _, d := range []Duration{res.Durations.Compromise, res.Durations.Discovery, res.Durations.Containment} {
			if d.Kind == DurationUnknown && d.Known() {
				t.Fatal("unknown duration with bounds")
			}
		}
		if tl.Occurred.IsZero() {
			t.Fatal("no occurred anchor")
		}
	})
}
