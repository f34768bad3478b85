package veris

import (
	"fmt"
	"strings"
	"sync"

	"github.com/iso27035/iso27035/incident"
)

// TaxonomyName is the name of the VERIS action taxonomy Taxonomy builds;
// categories in it read veris:hacking="sqli".
const TaxonomyName = "veris"

// actionOrder is the order of the VERIS action categories (the "4 A's"
// action list of the schema).
var actionOrder = []string{"hacking", "malware", "social", "error", "misuse", "physical", "environmental", "unknown"}

// MachineName turns a VERIS enumeration value into an RSIT-style machine
// name: lower case, every run of other characters a single hyphen ("Use of
// stolen creds" → "use-of-stolen-creds").
func MachineName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// Taxonomy returns the VERIS action taxonomy: one class per action category
// (hacking, malware, social, error, misuse, physical, environmental,
// unknown), its types the machine names of that category's
// action.<category>.variety enumeration in the embedded schema. It is built
// anew on each call.
func Taxonomy() (*incident.Taxonomy, error) {
	sc, err := loadSchemas()
	if err != nil {
		return nil, err
	}
	t := &incident.Taxonomy{Name: TaxonomyName, Version: 1041,
		Source: "VERIS 1.4.1 action varieties, vz-risk/veris verisc-merged.json @ 45d9d7ac (CC BY-SA 4.0)"}
	for _, a := range actionOrder {
		c := incident.CategoryClass{Name: a, Label: strings.ToUpper(a[:1]) + a[1:]}
		seen := map[string]string{}
		if v := sc.current.at("action", a, "variety", "[]"); v != nil {
			for _, e := range v.enum {
				m := MachineName(e)
				if prev, dup := seen[m]; dup {
					return nil, fmt.Errorf("veris: varieties %q and %q of %s share machine name %q", prev, e, a, m)
				}
				seen[m] = e
				c.Types = append(c.Types, incident.CategoryType{Name: m, Label: e})
			}
		}
		t.Classes = append(t.Classes, c)
	}
	return t, t.Validate()
}

// Vocabulary returns incident.DefaultVocabulary with the VERIS taxonomy
// added: the vocabulary imported incidents validate against.
func Vocabulary() (*incident.Vocabulary, error) {
	t, err := Taxonomy()
	if err != nil {
		return nil, err
	}
	v := incident.DefaultVocabulary()
	if err := v.Taxonomies.Add(t); err != nil {
		return nil, err
	}
	return v, nil
}

var sharedVocabulary = sync.OnceValues(Vocabulary)

// rsitRule maps VERIS to RSIT where the RSIT definition covers the VERIS
// value without guessing.
type rsitRule struct {
	action, variety string // variety "" matches any
	class, typ      string
}

// rsitRules, in priority order (the first match is the primary category):
//
//   - action.malware (any variety): malicious-code / infected-system, "system
//     infected with malware";
//   - action.social.variety Phishing: fraud / phishing;
//   - action.hacking or action.malware variety DoS: availability / dos.
//
// Nothing else is mapped: VERIS error, misuse, environmental and physical
// actions have no RSIT class, and hacking varieties do not say whether an
// intrusion succeeded (RSIT separates intrusion-attempts from intrusions).
var rsitRules = []rsitRule{
	{"malware", "", "malicious-code", "infected-system"},
	{"social", "Phishing", "fraud", "phishing"},
	{"hacking", "DoS", "availability", "dos"},
	{"malware", "DoS", "availability", "dos"},
}
