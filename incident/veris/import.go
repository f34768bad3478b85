package veris

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/iso27035/iso27035/incident"
)

// Namespace is the default UUID namespace of the name-based (SHA-1, v5)
// identifiers Import derives from incident_id, so re-importing a record
// gives the same IDs.
var Namespace = uuid.MustParse("6f6b0c1e-5d3a-5b8e-9c51-7e2a52a8f0b1")

// Importer maps VERIS incidents onto incident.Incident. The zero value is
// usable: organisation "veris", the system clock, a process-wide sequence.
type Importer struct {
	// Org is the organisation owning the imported records ("veris" if
	// empty).
	Org string
	// Now is the import time: CreatedAt, UpdatedAt and the KnownAt of
	// Facts. An incident that occurred after it is rejected.
	Now func() time.Time
	// Sequence numbers the references (a process-wide MemorySequence if
	// nil).
	Sequence incident.Sequence
	// Namespace for the derived IDs (Namespace if zero).
	Namespace uuid.UUID
	// MaxBytes bounds the input (DefaultMaxBytes if zero).
	MaxBytes int64
}

// Result is one imported incident and the report of the import.
type Result struct {
	// Incident is the mapped record; it passes ValidateWith(Vocabulary()).
	Incident *incident.Incident
	// Version is the record's schema_version.
	Version Version
	// Durations are the four timeline durations with their precision,
	// including the ones no Timeline anchor could hold.
	Durations Durations
	// Upgraded lists the 1.3 shapes read as their 1.4 form.
	Upgraded []Note
	// Unmapped lists every field of the input that has no counterpart in
	// the Incident, and anchors that could not be placed.
	Unmapped []Note
}

var defaultSequence = &incident.MemorySequence{}

// Import reads one VERIS incident JSON with the zero Importer.
func Import(r io.Reader) (*Result, error) { return Importer{}.Import(r) }

// Import reads one VERIS incident JSON (the object itself, not the
// {incident, should, message} wrapper of the test vectors). A record that
// is not valid for its schema_version is rejected with an *Error listing
// every problem as a *FieldError naming the field.
func (im Importer) Import(r io.Reader) (*Result, error) {
	limit := im.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	doc, err := decodeDoc(r, limit)
	if err != nil {
		return nil, err
	}
	ver, upgraded, err := validate(doc)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("veris: re-encode: %w", err)
	}
	var rec record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, reject("", ProblemInvalid, nil, "decode: "+err.Error())
	}
	m := mapper{im: im, rec: &rec, res: &Result{Version: ver, Upgraded: upgraded}, used: map[string]string{}}
	if err := m.run(); err != nil {
		return nil, err
	}
	m.unmapped("", doc)
	return m.res, nil
}

// record is the part of a VERIS incident the mapping reads.
type record struct {
	IncidentID       string `json:"incident_id"`
	SecurityIncident string `json:"security_incident"`
	Summary          string `json:"summary"`
	Notes            string `json:"notes"`
	Confidence       string `json:"confidence"`
	Timeline         struct {
		Incident struct {
			Year  int `json:"year"`
			Month int `json:"month"`
			Day   int `json:"day"`
		} `json:"incident"`
		Compromise   *unitValue `json:"compromise"`
		Exfiltration *unitValue `json:"exfiltration"`
		Discovery    *unitValue `json:"discovery"`
		Containment  *unitValue `json:"containment"`
	} `json:"timeline"`
	Action    map[string]struct{ Variety []string } `json:"action"`
	Attribute struct {
		Confidentiality *struct {
			DataDisclosure string `json:"data_disclosure"`
			Data           []struct {
				Variety string `json:"variety"`
			} `json:"data"`
		} `json:"confidentiality"`
		Integrity *struct {
			Variety []string `json:"variety"`
		} `json:"integrity"`
	} `json:"attribute"`
	Asset struct {
		Assets []struct {
			Variety string `json:"variety"`
			Amount  *int64 `json:"amount"`
		} `json:"assets"`
	} `json:"asset"`
	Impact *struct {
		OverallRating   string   `json:"overall_rating"`
		OverallAmount   *float64 `json:"overall_amount"`
		ISOCurrencyCode string   `json:"iso_currency_code"`
	} `json:"impact"`
}

type mapper struct {
	im  Importer
	rec *record
	res *Result
	// used maps a consumed VERIS path (and everything beneath it) to ""
	// or to the reason it was read but not mapped.
	used map[string]string
}

func (m *mapper) use(paths ...string) {
	for _, p := range paths {
		m.used[p] = ""
	}
}

func (m *mapper) skip(path, reason string) { m.used[path] = reason }

func (m *mapper) now() time.Time {
	if m.im.Now != nil {
		return m.im.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}

func (m *mapper) run() error {
	rec, now := m.rec, m.now()
	ns := m.im.Namespace
	if ns == uuid.Nil {
		ns = Namespace
	}
	org := m.im.Org
	if org == "" {
		org = "veris"
	}
	seq := m.im.Sequence
	if seq == nil {
		seq = defaultSequence
	}
	n, err := seq.Next(context.Background(), org, incident.KindIncident, now.Year())
	if err != nil {
		return fmt.Errorf("veris: sequence: %w", err)
	}
	ref, err := incident.FormatRef(incident.KindIncident, now.Year(), n)
	if err != nil {
		return fmt.Errorf("veris: reference: %w", err)
	}
	inc := &incident.Incident{}
	inc.ID = uuid.NewSHA1(ns, []byte("veris:incident:"+rec.IncidentID))
	inc.EventIDs = []uuid.UUID{uuid.NewSHA1(ns, []byte("veris:event:"+rec.IncidentID))}
	inc.Ref, inc.Org, inc.CreatedAt, inc.UpdatedAt = ref, org, now, now
	inc.Phase, inc.State = incident.PhaseLearnLessons, incident.StateConclusion
	m.use("incident_id", "schema_version")
	if rec.IncidentID != "" {
		inc.Links = []incident.Link{{System: "veris", Key: rec.IncidentID}}
	}
	inc.Title = title(rec.Summary, rec.IncidentID)
	inc.Description = strings.TrimSpace(rec.Summary)
	m.use("summary")
	inc.Outcome = map[string]incident.Outcome{
		"Confirmed": incident.OutcomeIncident, "Near miss": incident.OutcomeNearMiss,
		"False positive": incident.OutcomeNotIncident, "Suspected": incident.OutcomeUndetermined,
	}[rec.SecurityIncident]
	m.use("security_incident")
	inc.Labels = []string{"source:veris", "veris-schema:" + m.res.Version.String()}
	if rec.Confidence != "" {
		inc.Labels = append(inc.Labels, "veris-confidence:"+MachineName(rec.Confidence))
		m.use("confidence")
	}
	if err := m.timeline(inc, now); err != nil {
		return err
	}
	m.categories(inc)
	m.impact(inc, now)
	m.res.Incident = inc
	voc, err := sharedVocabulary()
	if err != nil {
		return err
	}
	if err := inc.ValidateWith(voc); err != nil {
		// The mapping produced something the model rejects: say so
		// rather than hand out a wrong record.
		return fmt.Errorf("veris: mapped incident %q is invalid: %w", rec.IncidentID, err)
	}
	return nil
}

// title is the first line of the summary, cut at a rune boundary to fit
// incident.MaxTitleBytes, or "VERIS incident <id>".
func title(summary, id string) string {
	s := strings.TrimSpace(summary)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if s == "" {
		s = "VERIS incident " + id
	}
	for len(s) > incident.MaxTitleBytes {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// timeline anchors the record: Occurred from timeline.incident at year,
// month or day precision (not estimated: it is what the record says);
// Compromised = Occurred + compromise; Discovered and Detected =
// Compromised + discovery; Contained = Discovered + containment. Derived
// anchors are estimated and as coarse as their interval needs.
func (m *mapper) timeline(inc *incident.Incident, now time.Time) error {
	ti := m.rec.Timeline.Incident
	occ := time.Date(ti.Year, time.January, 1, 0, 0, 0, 0, time.UTC)
	p := incident.PrecisionYear
	m.use("timeline.incident.year")
	if ti.Month != 0 {
		occ, p = time.Date(ti.Year, time.Month(ti.Month), 1, 0, 0, 0, 0, time.UTC), incident.PrecisionMonth
		m.use("timeline.incident.month")
		if ti.Day != 0 {
			d := time.Date(ti.Year, time.Month(ti.Month), ti.Day, 0, 0, 0, 0, time.UTC)
			if d.Month() != time.Month(ti.Month) {
				return reject("timeline.incident.day", ProblemRange, ti.Day, "not a day of "+occ.Format("January 2006"))
			}
			occ, p = d, incident.PrecisionDay
			m.use("timeline.incident.day")
		}
	} else if ti.Day != 0 {
		return reject("timeline.incident.day", ProblemInvalid, ti.Day, "a day without a month")
	}
	m.skip("timeline.incident.time", "a time of day without a time zone: occurred is kept at day precision")
	inc.Timeline.Occurred = incident.Approx(occ, p, false)
	if inc.Timeline.Occurred.Earliest().After(now) {
		return reject("timeline.incident", ProblemRange, occ.Format(time.DateOnly), "after the import time "+now.Format(time.RFC3339))
	}
	var err error
	ds := &m.res.Durations
	tl := m.rec.Timeline
	if ds.Compromise, err = parseDuration("timeline.compromise", tl.Compromise); err != nil {
		return err
	}
	if ds.Exfiltration, err = parseDuration("timeline.exfiltration", tl.Exfiltration); err != nil {
		return err
	}
	if ds.Discovery, err = parseDuration("timeline.discovery", tl.Discovery); err != nil {
		return err
	}
	if ds.Containment, err = parseDuration("timeline.containment", tl.Containment); err != nil {
		return err
	}
	comp := spanOf(inc.Timeline.Occurred).after(ds.Compromise)
	disc := comp.after(ds.Discovery)
	cont := disc.after(ds.Containment)
	m.place("timeline.compromise", ds.Compromise, comp, &inc.Timeline.Compromised)
	var detected incident.Timestamp
	m.place("timeline.discovery", ds.Discovery, disc, &detected)
	inc.Timeline.Discovered, inc.Timeline.Detected = detected, detected
	m.place("timeline.containment", ds.Containment, cont, &inc.Timeline.Contained)
	if tl.Exfiltration != nil {
		m.skip("timeline.exfiltration", "no Timeline anchor for exfiltration: see Result.Durations.Exfiltration")
	}
	return nil
}

// place sets an anchor from its span, or records why it could not.
func (m *mapper) place(field string, d Duration, s span, into *incident.Timestamp) {
	if d.Kind == DurationAbsent {
		return
	}
	if t, ok := s.timestamp(); ok {
		*into = t
		m.use(field)
		return
	}
	var reason string
	switch {
	case d.Kind == DurationNever:
		reason = "unit Never: the step did not happen, so no anchor is set (see Result.Durations)"
	case d.Kind == DurationNA:
		reason = "unit NA: the step does not apply, so no anchor is set"
	case d.Kind == DurationUnknown:
		reason = "unit Unknown: the anchor is unknown (never zero)"
	case d.Unbounded:
		reason = "bucket " + d.Unit + " has no upper bound: no anchor is set (see Result.Durations)"
	case !s.ok:
		reason = "an earlier step is unknown, so this anchor cannot be placed (see Result.Durations)"
	default:
		reason = "the estimated interval spans more than a calendar year: no Timestamp holds it (see Result.Durations)"
	}
	m.skip(field, reason)
}

// categories sets the primary category (RSIT where rsitRules map, else the
// first VERIS action) and the further ones (every VERIS action variety).
func (m *mapper) categories(inc *incident.Incident) {
	var cats []incident.Category
	for _, rule := range rsitRules {
		a, ok := m.rec.Action[rule.action]
		if ok && (rule.variety == "" || slices.Contains(a.Variety, rule.variety)) {
			cats = append(cats, incident.Category{Class: rule.class, Type: rule.typ})
		}
	}
	for _, name := range actionOrder {
		a, ok := m.rec.Action[name]
		if !ok {
			continue
		}
		m.use("action." + name + ".variety")
		if len(a.Variety) == 0 {
			cats = append(cats, incident.Category{Taxonomy: TaxonomyName, Class: name})
			if name == "unknown" {
				m.use("action.unknown")
			}
		}
		for _, v := range a.Variety {
			cats = append(cats, incident.Category{Taxonomy: TaxonomyName, Class: name, Type: MachineName(v)})
		}
	}
	var uniq []incident.Category
	for _, c := range cats {
		if !slices.Contains(uniq, c) {
			uniq = append(uniq, c)
		}
	}
	if len(uniq) > incident.MaxListItems {
		uniq = uniq[:incident.MaxListItems]
	}
	if len(uniq) > 0 {
		inc.Category, inc.Categories = uniq[0], uniq[1:]
	}
}

// personal lists the VERIS data varieties that are personal data.
var personal = []string{"Personal", "Sensitive Personal", "Medical", "Bank", "Payment"}

// twoDecimals and noDecimals list the currencies whose minor unit is known
// here; other codes (including VERIS's cryptocurrencies) are not mapped.
var (
	twoDecimals = []string{"USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK", "NZD", "SGD", "HKD", "INR", "BRL", "MXN", "ZAR", "CNY", "PLN"}
	noDecimals  = []string{"JPY", "KRW"}
)

// impact maps attribute, asset and impact.
func (m *mapper) impact(inc *incident.Incident, now time.Time) {
	rec := m.rec
	if c := rec.Attribute.Confidentiality; c != nil {
		m.use("attribute.confidentiality.data_disclosure")
		var pers, other []string
		for i, d := range c.Data {
			m.use("attribute.confidentiality.data." + strconv.Itoa(i) + ".variety")
			switch {
			case slices.Contains(personal, d.Variety):
				pers = append(pers, d.Variety)
			case d.Variety != "Unknown":
				other = append(other, d.Variety)
			}
		}
		if c.DataDisclosure == "Yes" {
			if len(pers) > 0 {
				inc.Impact.Information = append(inc.Impact.Information, incident.InformationPrivacyBreach)
			}
			if len(other) > 0 {
				inc.Impact.Information = append(inc.Impact.Information, incident.InformationProprietaryBreach)
			}
		}
		if (c.DataDisclosure == "Yes" || c.DataDisclosure == "Potentially") && len(pers) > 0 {
			src := "veris:attribute.confidentiality"
			_ = inc.Facts.PersonalData.Set(true, now, src)
			_ = inc.Facts.PersonalDataCategories.Set(pers, now, src)
		}
	}
	if in := rec.Attribute.Integrity; in != nil && slices.Contains(in.Variety, "Modify data") {
		inc.Impact.Information = append(inc.Impact.Information, incident.InformationIntegrityLoss)
		m.use("attribute.integrity.variety")
	}
	for i, a := range rec.Asset.Assets {
		kind := map[byte]string{'S': "server", 'N': "network", 'U': "user-device", 'M': "media", 'P': "person", 'T': "terminal", 'E': "embedded"}[a.Variety[0]]
		name := a.Variety
		if a.Amount != nil {
			name += " ×" + strconv.FormatInt(*a.Amount, 10)
			m.use("asset.assets." + strconv.Itoa(i) + ".amount")
		}
		inc.Impact.Assets = append(inc.Impact.Assets, incident.Asset{ID: "veris-asset-" + strconv.Itoa(i+1), Name: name, Kind: kind})
		m.use("asset.assets." + strconv.Itoa(i) + ".variety")
	}
	if ip := rec.Impact; ip != nil {
		if ip.OverallRating != "" {
			inc.Labels = append(inc.Labels, "veris-overall-rating:"+MachineName(ip.OverallRating))
			m.use("impact.overall_rating")
		}
		if ip.OverallAmount != nil && ip.ISOCurrencyCode != "" {
			var scale float64
			switch {
			case slices.Contains(twoDecimals, ip.ISOCurrencyCode):
				scale = 100
			case slices.Contains(noDecimals, ip.ISOCurrencyCode):
				scale = 1
			}
			if minor := *ip.OverallAmount * scale; scale > 0 && minor >= 0 && minor < 9e15 {
				inc.Impact.Cost = &incident.Money{Currency: ip.ISOCurrencyCode, Minor: int64(minor + 0.5)}
				m.use("impact.overall_amount", "impact.iso_currency_code")
			}
		}
	}
}

// reasons for whole sections that have no counterpart.
var sectionReasons = map[string]string{
	"actor":            "threat actors have no field in incident.Incident",
	"victim":           "the victim organisation is not modelled; Importer.Org names the owner",
	"plus":             "VERIS plus section (analyst bookkeeping)",
	"ioc":              "indicators of compromise have no field in incident.Incident",
	"reference":        "free-text references are not parsed into links",
	"discovery_method": "how it was discovered belongs to an incident.Event (DetectionMethod); no Event is produced",
}

// unmapped walks the document and reports every leaf (arrays of scalars as
// one) that the mapping did not use.
func (m *mapper) unmapped(path string, v any) {
	if reason, ok := m.used[path]; ok {
		if reason != "" {
			m.res.Unmapped = append(m.res.Unmapped, Note{Field: path, Reason: reason})
		}
		return
	}
	switch v := v.(type) {
	case map[string]any:
		if len(v) > 0 {
			for _, k := range slices.Sorted(maps.Keys(v)) {
				m.unmapped(join(path, k), v[k])
			}
			return
		}
	case []any:
		if len(v) > 0 {
			if _, scalar := v[0].(map[string]any); scalar {
				for i, x := range v {
					m.unmapped(join(path, strconv.Itoa(i)), x)
				}
				return
			}
		}
	}
	if path == "" {
		return
	}
	top, _, _ := strings.Cut(path, ".")
	reason := sectionReasons[top]
	if reason == "" {
		reason = "no counterpart in incident.Incident"
	}
	m.res.Unmapped = append(m.res.Unmapped, Note{Field: path, Reason: reason})
}
