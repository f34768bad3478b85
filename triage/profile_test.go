package triage

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iso27035/iso27035/incident"
)

var updateProfiles = flag.Bool("update", false, "rewrite testdata/profiles/default.json from DefaultProfile")

const defaultProfileGolden = "testdata/profiles/default.json"

// marshalProfile is the form the golden file holds.
func marshalProfile(t testing.TB, p *Profile) []byte {
	t.Helper()
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(data, '\n')
}

func TestDefaultProfileIsValid(t *testing.T) {
	if err := DefaultProfile().Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestDefaultProfileGolden checks DefaultProfile against its JSON form in
// testdata, and that the file reads back to the same profile. Run with
// -update after changing the default on purpose.
func TestDefaultProfileGolden(t *testing.T) {
	got := marshalProfile(t, DefaultProfile())
	if *updateProfiles {
		if err := os.WriteFile(defaultProfileGolden, got, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(defaultProfileGolden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestDefaultProfileGolden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("DefaultProfile differs from %s (run with -update if the change is intended):\n%s", defaultProfileGolden, got)
	}
	p, err := ParseProfile(want)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, DefaultProfile()) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", p, DefaultProfile())
	}
}

// TestProfileTestdata parses every profile in testdata/profiles: files
// named invalid-*.json must be refused, the others accepted.
func TestProfileTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/profiles/*.json")
	if err != nil || len(files) < 3 {
		t.Fatalf("want profiles in testdata/profiles: %v %v", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p, err := ParseProfile(data)
			if strings.HasPrefix(filepath.Base(f), "invalid-") {
				if err == nil {
					t.Fatal("accepted")
				}
				if !errors.Is(err, ErrInvalidProfile) {
					t.Fatalf("%v does not wrap ErrInvalidProfile", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := Decide(p, benchInput()); d.Outcome == incident.OutcomeUndetermined {
				t.Errorf("no outcome: %+v", d)
			}
		})
	}
}

// problemFields lists the fields a *ProfileError names.
func problemFields(t *testing.T, err error) []string {
	t.Helper()
	var pe *ProfileError
	if !errors.As(err, &pe) {
		t.Fatalf("want *ProfileError, got %T %v", err, err)
	}
	if !errors.Is(err, ErrInvalidProfile) {
		t.Fatalf("%v does not wrap ErrInvalidProfile", err)
	}
	fields := make([]string, len(pe.Problems))
	for i, p := range pe.Problems {
		fields[i] = p.Field
	}
	return fields
}

func TestValidateNamesEachBadField(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *Profile)
		fields []string
	}{
		{"empty name", func(p *Profile) { p.Name = " " }, []string{"name"}},
		{"control character in name", func(p *Profile) { p.Name = "a\nb" }, []string{"name"}},
		{"long name", func(p *Profile) { p.Name = strings.Repeat("x", 201) }, []string{"name"}},
		{"bad utf-8 name", func(p *Profile) { p.Name = "\xff" }, []string{"name"}},
		{"unknown impact key", func(p *Profile) { p.Impact.Confidentiality["severe"] = LevelHigh }, []string{"impact.confidentiality.severe"}},
		{"unknown key is never graded", func(p *Profile) { p.Impact.Integrity[""] = LevelLow }, []string{`impact.integrity[""]`}},
		{"undefined level", func(p *Profile) { p.Impact.Availability[incident.ImpactHigh] = Level(9) }, []string{"impact.availability.high"}},
		{"functional", func(p *Profile) { p.Impact.Functional["total"] = LevelHigh }, []string{"impact.functional.total"}},
		{"information", func(p *Profile) { p.Impact.Information["leak"] = LevelHigh }, []string{"impact.information.leak"}},
		{"recoverability", func(p *Profile) { p.Impact.Recoverability["never"] = LevelHigh }, []string{"impact.recoverability.never"}},
		{"users below 1", func(p *Profile) { p.Impact.Users[0].AtLeast = 0 }, []string{"impact.users[0].at_least"}},
		{"users not increasing", func(p *Profile) { p.Impact.Users[2].AtLeast = 100 }, []string{"impact.users[2].at_least"}},
		{"users level falls", func(p *Profile) { p.Impact.Users[3].Level = LevelLow }, []string{"impact.users[3].level"}},
		{"organisations level undefined", func(p *Profile) { p.Impact.Organisations[1].Level = 7 }, []string{"impact.organisations[1].level"}},
		{"criticality", func(p *Profile) { p.Impact.Criticality["vital"] = LevelHigh }, []string{"impact.criticality.vital"}},
		{"personal data level", func(p *Profile) { p.Impact.PersonalData.Unprotected = 6 }, []string{"impact.personal_data.unprotected"}},
		{"protected level", func(p *Profile) { p.Impact.PersonalData.Protected = 6 }, []string{"impact.personal_data.protected"}},
		{"special categories level", func(p *Profile) { p.Impact.PersonalData.SpecialCategories = 6 }, []string{"impact.personal_data.special_categories"}},
		{"data subjects", func(p *Profile) { p.Impact.PersonalData.DataSubjects[1].AtLeast = 500 }, []string{"impact.personal_data.data_subjects[1].at_least"}},
		{"safety", func(p *Profile) { p.Impact.Safety["fatal"] = LevelCritical }, []string{"impact.safety.fatal"}},
		{"ongoing level", func(p *Profile) { p.Urgency.Ongoing = 8 }, []string{"urgency.ongoing"}},
		{"ongoing within negative", func(p *Profile) { p.Urgency.OngoingWithin = -1 }, []string{"urgency.ongoing_within"}},
		{"spread", func(p *Profile) { p.Urgency.Spread[1].AtLeast = 1 }, []string{"urgency.spread[1].at_least"}},
		{"lateral movement", func(p *Profile) { p.Urgency.LateralMovement = 8 }, []string{"urgency.lateral_movement"}},
		{"exposure", func(p *Profile) { p.Urgency.Exposure["internet"] = LevelHigh }, []string{"urgency.exposure.internet"}},
		{"deadline not positive", func(p *Profile) { p.Urgency.Deadline[0].Within = 0 }, []string{"urgency.deadline[0].within"}},
		{"deadline not increasing", func(p *Profile) { p.Urgency.Deadline[2].Within = Duration(time.Hour) }, []string{"urgency.deadline[2].within"}},
		{"farther deadline graded higher", func(p *Profile) { p.Urgency.Deadline[2].Level = LevelCritical }, []string{"urgency.deadline[2].level"}},
		{"incident at none", func(p *Profile) { p.Outcome.IncidentAt = LevelNone }, []string{"outcome.incident_at"}},
		{"watch at undefined", func(p *Profile) { p.Outcome.WatchAt = 9 }, []string{"outcome.watch_at"}},
		{"no matrix", func(p *Profile) { p.Matrix.Cells = nil }, []string{"matrix.cells"}},
		{"matrix row none", func(p *Profile) {
			p.Matrix.Cells[LevelNone] = map[Level]incident.Priority{LevelLow: incident.P5, LevelMedium: incident.P5, LevelHigh: incident.P4}
		}, []string{"matrix.cells.none"}},
		{"matrix missing cell", func(p *Profile) { delete(p.Matrix.Cells[LevelMedium], LevelLow) }, []string{"matrix.cells.medium.low"}},
		{"matrix extra cell", func(p *Profile) { p.Matrix.Cells[LevelHigh][LevelCritical] = incident.P1 }, []string{"matrix.cells.high.critical"}},
		{"matrix bad priority", func(p *Profile) { p.Matrix.Cells[LevelLow][LevelLow] = "P9" }, []string{"matrix.cells.low.low"}},
		{"matrix empty priority", func(p *Profile) { p.Matrix.Cells[LevelLow][LevelLow] = "" }, []string{"matrix.cells.low.low"}},
		{"matrix empty row", func(p *Profile) { p.Matrix.Cells[LevelCritical] = map[Level]incident.Priority{} }, []string{"matrix.cells.critical"}},
		{"matrix not monotone in impact", func(p *Profile) { p.Matrix.Cells[LevelHigh][LevelLow] = incident.P5 }, []string{"matrix.cells.high.low"}},
		{"matrix not monotone in urgency", func(p *Profile) { p.Matrix.Cells[LevelLow][LevelHigh] = incident.P5 }, []string{"matrix.cells.low.high"}},
		{"bad scale", func(p *Profile) { p.SeverityScale = &incident.SeverityScale{} }, []string{"severity_scale"}},
		{"severity missing", func(p *Profile) { delete(p.Severity, LevelHigh) }, []string{"severity.high"}},
		{"severity none key", func(p *Profile) { p.Severity[LevelNone] = incident.SeverityLow }, []string{"severity.none"}},
		{"severity not on scale", func(p *Profile) { p.Severity[LevelCritical] = incident.SeverityEmergency }, []string{"severity.critical"}},
		{"severity falls", func(p *Profile) { p.Severity[LevelCritical] = incident.SeverityLow }, []string{"severity.critical"}},
		{"severity on another scale", func(p *Profile) { p.SeverityScale = incident.NCISSSeverityScale() }, []string{"severity.critical"}},
		{"no tiers", func(p *Profile) { p.Tiers = nil }, []string{"tiers"}},
		{"tier without name", func(p *Profile) { p.Tiers[1].Name = "" }, []string{"tiers[1].name"}},
		{"tier name repeated", func(p *Profile) { p.Tiers[2].Name = "major" }, []string{"tiers[2].name"}},
		{"tier without priorities", func(p *Profile) { p.Tiers[3].Priorities = nil }, []string{"tiers[3].priorities", "tiers", "tiers"}},
		{"tier bad priority", func(p *Profile) { p.Tiers[0].Priorities = append(p.Tiers[0].Priorities, "P0") }, []string{"tiers[0].priorities[1]"}},
		{"priority in two tiers", func(p *Profile) { p.Tiers[1].Priorities = append(p.Tiers[1].Priorities, incident.P1) }, []string{"tiers[1].priorities[1]"}},
		{"tier pages unknown role", func(p *Profile) { p.Tiers[0].Page[1] = "ciso" }, []string{"tiers[0].page[1]"}},
		{"tier negative acknowledge", func(p *Profile) { p.Tiers[2].Acknowledge = -1 }, []string{"tiers[2].acknowledge"}},
		{"tier negative contain", func(p *Profile) { p.Tiers[2].Contain = -1 }, []string{"tiers[2].contain"}},
		{"priority without tier", func(p *Profile) { p.Tiers = p.Tiers[:3] }, []string{"tiers", "tiers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultProfile()
			tt.change(p)
			err := p.Validate()
			if err == nil {
				t.Fatal("accepted")
			}
			got := problemFields(t, err)
			if !slices.Equal(got, tt.fields) {
				t.Errorf("fields %q, want %q\n%v", got, tt.fields, err)
			}
		})
	}
}

// TestValidateNamesEveryBadField breaks many fields at once: Validate
// names every one, in the order of the fields of Profile.
func TestValidateNamesEveryBadField(t *testing.T) {
	p := DefaultProfile()
	p.Name = ""
	p.Impact.Users[0].AtLeast = -3
	p.Urgency.Exposure["cloud"] = LevelHigh
	p.Outcome.IncidentAt = LevelNone
	p.Matrix.Cells[LevelLow][LevelLow] = "P7"
	p.Severity[LevelLow] = "tiny"
	p.Tiers[0].Page = append(p.Tiers[0].Page, "boss")
	err := p.Validate()
	want := []string{"name", "impact.users[0].at_least", "urgency.exposure.cloud", "outcome.incident_at",
		"matrix.cells.low.low", "severity.low", "tiers[0].page[3]"}
	if got := problemFields(t, err); !slices.Equal(got, want) {
		t.Errorf("fields %q, want %q", got, want)
	}
	msg := err.Error()
	for _, s := range []string{"triage: invalid profile (7 problems)", "name: a name is required", "and 2 more"} {
		if !strings.Contains(msg, s) {
			t.Errorf("message %q lacks %q", msg, s)
		}
	}
	var pe *ProfileError
	if errors.As(err, &pe) && !pe.Has("severity.low") {
		t.Error("Has(severity.low) is false")
	}
	if err := (*Profile)(nil).Validate(); !errors.Is(err, ErrInvalidProfile) {
		t.Errorf("nil profile: %v", err)
	}
}

func TestParseProfileRejects(t *testing.T) {
	valid := string(marshalProfile(t, DefaultProfile()))
	// replace edits the default document.
	replace := func(old, new string) string {
		if !strings.Contains(valid, old) {
			t.Fatalf("default profile JSON lacks %q", old)
		}
		return strings.Replace(valid, old, new, 1)
	}
	tests := []struct {
		name   string
		doc    string
		fields []string
		reason string
	}{
		{"not JSON", "{", []string{""}, "unexpected end"},
		{"not an object", "[]", []string{""}, "must be a JSON object"},
		{"syntax error", `{"name": "x",}`, []string{""}, "invalid JSON at byte 13"},
		{"trailing data", valid + "{}", []string{""}, "unexpected data after"},
		{"unknown top-level field", replace(`"name": "default"`, `"name": "default", "title": "x"`), []string{"title"}, "unknown field"},
		{"field in wrong case", replace(`"name": "default"`, `"Name": "default"`), []string{"Name"}, `did you mean "name"?`},
		{"unknown nested field", replace(`"users": [`, `"userz": 1, "users": [`), []string{"impact.userz"}, "unknown field"},
		{"repeated key", replace(`"name": "default"`, `"name": "default", "name": "again"`), []string{"name"}, "repeated key"},
		{"level not a name", replace(`"ongoing": "high"`, `"ongoing": "severe"`), []string{"urgency.ongoing"}, `unknown level "severe"`},
		{"level as number", replace(`"ongoing": "high"`, `"ongoing": 3`), []string{"urgency.ongoing"}, "a level is one of"},
		{"duration as number", replace(`"ongoing_within": "1h0m0s"`, `"ongoing_within": 3600`), []string{"urgency.ongoing_within"}, "a duration is a string with a unit"},
		{"duration without unit", replace(`"ongoing_within": "1h0m0s"`, `"ongoing_within": "60"`), []string{"urgency.ongoing_within"}, "is not a duration"},
		{"bad level key", replace(`"cells": {`, `"cells": {"extreme": {"high": "P1"},`), []string{"matrix.cells.extreme"}, "bad key"},
		{"count as string", replace(`"at_least": 100,`, `"at_least": "100",`), []string{"impact.users[1].at_least"}, "want an integer"},
		{"count too large", replace(`"at_least": 100,`, `"at_least": 1e99,`), []string{"impact.users[1].at_least"}, "fits 64 bits"},
		{"list as object", replace(`"priorities": [`, `"priorities": {"a": 1}, "x": [`), []string{"tiers[0].priorities", "tiers[0].x"}, "want a list"},
		{"bool as string", replace(`"watch_unknown": true`, `"watch_unknown": "yes"`), []string{"outcome.watch_unknown"}, "want true or false"},
		{"string as number", replace(`"name": "default"`, `"name": 1`), []string{"name"}, "want a string"},
		{"object as string", replace(`"matrix": {`, `"matrix": "itil", "m": {`), []string{"matrix", "m"}, "want an object"},
		{"valid JSON, invalid profile", replace(`"at_least": 100,`, `"at_least": 1,`), []string{"impact.users[1].at_least"}, "thresholds must increase"},
		{"several problems at once", replace(`"name": "default"`, `"name": "", "bogus": 1`), []string{"bogus"}, "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProfile([]byte(tt.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			if got := problemFields(t, err); !slices.Equal(got, tt.fields) {
				t.Errorf("fields %q, want %q\n%v", got, tt.fields, err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("%v lacks %q", err, tt.reason)
			}
		})
	}
}

func TestParseProfileTooLarge(t *testing.T) {
	doc := make([]byte, MaxProfileBytes+1)
	_, err := ParseProfile(doc)
	if !errors.Is(err, ErrInvalidProfile) || !strings.Contains(err.Error(), "MaxProfileBytes") {
		t.Fatalf("got %v", err)
	}
}

// TestParseProfileDeepNesting makes sure skipped values are skipped
// without recursion.
func TestParseProfileDeepNesting(t *testing.T) {
	doc := `{"x": ` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + `}`
	_, err := ParseProfile([]byte(doc))
	if got := problemFields(t, err); !slices.Contains(got, "x") {
		t.Fatalf("fields %q", got)
	}
}

func TestParseProfileEmptyListsReadAsLeftOut(t *testing.T) {
	p := DefaultProfile()
	p.Impact.Safety = nil
	p.Urgency.Deadline = nil
	p.Tiers[0].Page = nil
	doc := marshalProfile(t, p)
	doc = bytes.Replace(doc, []byte(`"name": "major",`), []byte(`"name": "major", "page": [],`), 1)
	doc = bytes.Replace(doc, []byte(`"name": "default",`), []byte(`"name": "default", "severity_scale": null,`), 1)
	doc = bytes.Replace(doc, []byte(`"lateral_movement": "high",`), []byte(`"lateral_movement": "high", "deadline": [],`), 1)
	got, err := ParseProfile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("got %+v\nwant %+v", got, p)
	}
}

func TestProfileWithOwnScale(t *testing.T) {
	p := DefaultProfile()
	p.SeverityScale = incident.ISO27035ExampleSeverityScale()
	p.Severity = map[Level]incident.Severity{
		LevelLow: incident.SeverityInformation, LevelMedium: incident.SeverityWarning,
		LevelHigh: incident.SeverityCritical, LevelCritical: incident.SeverityEmergency,
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	q, err := ParseProfile(marshalProfile(t, p))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, q) {
		t.Error("round trip differs")
	}
	if d := Decide(q, benchInput()); d.Severity != incident.SeverityEmergency {
		t.Errorf("severity %q", d.Severity)
	}
}

func TestProfileClone(t *testing.T) {
	p := DefaultProfile()
	p.SeverityScale = incident.DefaultSeverityScale()
	c := p.Clone()
	if !reflect.DeepEqual(p, c) {
		t.Fatal("clone differs")
	}
	c.Impact.Confidentiality[incident.ImpactLow] = LevelHigh
	c.Impact.Users[0].Level = LevelHigh
	c.Matrix.Cells[LevelLow][LevelLow] = incident.P1
	c.SeverityScale.Levels[0].Name = "x"
	c.Tiers[0].Page[0] = "x"
	c.Urgency.Exposure[ExposureOpen] = LevelLow
	want := DefaultProfile()
	want.SeverityScale = incident.DefaultSeverityScale()
	if !reflect.DeepEqual(p, want) {
		t.Error("changing the clone changed the original")
	}
	if (*Profile)(nil).Clone() != nil {
		t.Error("Clone of nil")
	}
}

func TestProfileTier(t *testing.T) {
	p := DefaultProfile()
	tier, ok := p.Tier("urgent")
	if !ok || !slices.Equal(tier.Priorities, []incident.Priority{incident.P2}) {
		t.Errorf("Tier(urgent) = %+v, %v", tier, ok)
	}
	if _, ok := p.Tier("nope"); ok {
		t.Error("Tier(nope) found")
	}
}

func TestLevelText(t *testing.T) {
	for _, l := range Levels() {
		text, err := l.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Level
		if err := back.UnmarshalText(text); err != nil || back != l {
			t.Errorf("%v: round trip %v %v", l, back, err)
		}
	}
	if _, err := Level(5).MarshalText(); !errors.Is(err, ErrInvalidProfile) {
		t.Errorf("undefined level marshalled: %v", err)
	}
	if s := Level(5).String(); s != "Level(5)" {
		t.Errorf("String = %q", s)
	}
	if _, err := ParseLevel("High"); err == nil {
		t.Error("level names are lower case")
	}
	var d Duration
	if err := d.UnmarshalText([]byte("1h30m")); err != nil || time.Duration(d) != 90*time.Minute {
		t.Errorf("duration %v %v", d, err)
	}
	if err := d.UnmarshalText([]byte("90")); !errors.Is(err, ErrInvalidProfile) {
		t.Errorf("duration without unit: %v", err)
	}
	for _, e := range append(Exposures(), ExposureUnknown) {
		if !e.Valid() {
			t.Errorf("%q invalid", e)
		}
	}
	if Exposure("internet").Valid() || Safety("fatal").Valid() {
		t.Error("undefined values valid")
	}
	for _, s := range append(Safeties(), SafetyUnknown) {
		if !s.Valid() {
			t.Errorf("%q invalid", s)
		}
	}
}

// FuzzParseProfile feeds ParseProfile arbitrary documents, seeded with the
// profiles in testdata/profiles. Whatever it accepts must be valid, must
// survive a round trip through JSON, and must decide without panicking.
func FuzzParseProfile(f *testing.F) {
	files, err := filepath.Glob("testdata/profiles/*.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"matrix": {"cells": {"low": {"low": "P5"}}}}`))
	in := benchInput()
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProfile(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidProfile) {
				t.Fatalf("error %v does not wrap ErrInvalidProfile", err)
			}
			var pe *ProfileError
			if !errors.As(err, &pe) || len(pe.Problems) == 0 {
				t.Fatalf("error %v is not a *ProfileError with problems", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted an invalid profile: %v", err)
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		q, err := ParseProfile(again)
		if err != nil {
			t.Fatalf("round trip refused: %v\n%s", err, again)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip differs:\n%+v\n%+v", p, q)
		}
		d := DecideExplained(p, in)
		plain := Decide(p, in)
		d.Explanation = nil
		if !reflect.DeepEqual(d, plain) {
			t.Fatalf("Decide %+v, DecideExplained %+v", plain, d)
		}
	})
}
