package coordination

import (
	"fmt"
	"strings"

	"github.com/iso27035/iso27035/incident"
)

// Label is a Traffic Light Protocol 2.0 label (FIRST, August 2022,
// https://www.first.org/tlp/). TLP is not a clearance level: the source of
// an item chooses its first recipients, and the label governs who else
// may receive it from them (Decide). The zero Label is no label and is
// invalid on an item.
//
// Label is the ordinal of incident.TLP, the marking records carry
// (Label.TLP, LabelOf convert), so the access decision compares integers
// and its JSON names labels as records do.
//
// Labels are ordered from the least to the most restrictive, so the
// strictest of several is their maximum (Strictest): CLEAR < GREEN <
// AMBER < AMBER+STRICT < RED.
type Label uint8

// The TLP 2.0 labels.
const (
	// TLPClear: "Recipients can spread this to the world, there is no
	// limit on disclosure."
	TLPClear Label = iota + 1
	// TLPGreen: "Recipients can spread this within their community (not
	// via publicly accessible channels)."
	TLPGreen
	// TLPAmber: "Recipients can only spread this on a need-to-know basis
	// within their organization and its clients."
	TLPAmber
	// TLPAmberStrict: "Recipients can only spread this on a need-to-know
	// basis within their organization."
	TLPAmberStrict
	// TLPRed: "For the eyes and ears of individual recipients only, no
	// further disclosure."
	TLPRed
)

// Labels lists the labels from the least to the most restrictive.
func Labels() []Label { return []Label{TLPClear, TLPGreen, TLPAmber, TLPAmberStrict, TLPRed} }

// tlps maps labels to the TLP values of package incident, which records
// carry; Label is their ordinal, so a decision compares integers.
var tlps = [...]incident.TLP{incident.TLPUnset, incident.TLPClear, incident.TLPGreen, incident.TLPAmber, incident.TLPAmberStrict, incident.TLPRed}

// Valid reports whether l is one of the five labels.
func (l Label) Valid() bool { return l >= TLPClear && l <= TLPRed }

// String returns the label in its written form ("TLP:AMBER+STRICT"), or
// "TLP:?" for an invalid label.
func (l Label) String() string {
	if !l.Valid() {
		return "TLP:?"
	}
	return tlps[l].String()
}

// TLP returns the label as the incident.TLP value records carry
// (incident.TLPUnset for an invalid label).
func (l Label) TLP() incident.TLP {
	if !l.Valid() {
		return incident.TLPUnset
	}
	return tlps[l]
}

// LabelOf returns the label of a record's TLP marking; 0 (no label) when
// t is unset or not a TLP 2.0 value.
func LabelOf(t incident.TLP) Label {
	for l := TLPClear; l <= TLPRed; l++ {
		if tlps[l] == t {
			return l
		}
	}
	return 0
}

// ParseLabel reads a label in the written form ("TLP:AMBER+STRICT") or
// the JSON form of records ("amber+strict"), case ignored, with
// incident.ParseTLP. TLP 2.0 says labels "MUST not contain spaces":
// spaces are refused. TLP:WHITE (TLP 1.0) reads as TLP:CLEAR, its TLP 2.0
// successor.
func ParseLabel(s string) (Label, error) {
	t, err := incident.ParseTLP(s)
	if err != nil || strings.ContainsAny(s, " \t") {
		return 0, fmt.Errorf("%w: %q is not a TLP 2.0 label (TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED)", ErrInvalid, s)
	}
	return LabelOf(t), nil
}

// MarshalText writes the label as records do ("amber+strict"), so cases
// and incidents name labels alike; an invalid label is an error.
func (l Label) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("%w: label %d is not a TLP 2.0 label", ErrInvalid, l)
	}
	return []byte(tlps[l]), nil
}

// UnmarshalText reads a label with ParseLabel.
func (l *Label) UnmarshalText(b []byte) error {
	v, err := ParseLabel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Strictest returns the most restrictive of labels: combining items keeps
// the strictest label. It returns 0 when labels is empty.
func Strictest(labels ...Label) Label {
	var out Label
	for _, l := range labels {
		out = max(out, l)
	}
	return out
}
