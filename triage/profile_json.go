package triage

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"

	"github.com/iso27035/iso27035/internal/strictjson"
)

// MaxProfileBytes is the largest profile document ParseProfile reads
// (1 MiB). Real profiles are a few kilobytes; the limit keeps a hostile or
// mistaken input from costing memory and time.
const MaxProfileBytes = 1 << 20

// ParseProfile reads a profile from JSON, strictly: exactly one JSON
// object, nothing after it, at most MaxProfileBytes, field names spelt
// exactly as Profile's JSON tags (unknown, misspelt and repeated fields
// are refused), levels written as names ("high") and durations as strings
// ("90m", not 5400). It then validates the profile. Any failure is a
// *ProfileError naming every field it can, wrapping ErrInvalidProfile.
//
// Fields left out stay unset: a criterion left out reads nothing, a
// missing severity_scale means incident.DefaultSeverityScale. Empty lists
// and objects read as left out. To adjust the defaults, marshal
// DefaultProfile with encoding/json and edit the result.
func ParseProfile(data []byte) (*Profile, error) {
	if len(data) > MaxProfileBytes {
		return nil, &ProfileError{Problems: []ProfileProblem{{
			Value:  len(data),
			Reason: fmt.Sprintf("profile is %d bytes, over the limit of %d (MaxProfileBytes)", len(data), MaxProfileBytes),
		}}}
	}
	p := new(Profile)
	if problems := strictjson.Parse(data, p, profileJSON); len(problems) > 0 {
		return nil, &ProfileError{Problems: strictjson.Convert[ProfileProblem](problems)}
	}
	p.normalize()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// profileJSON is how ParseProfile reads a profile document: levels and
// durations are text types, read by their UnmarshalText.
var profileJSON = strictjson.Options{
	Document:  "profile",
	NotObject: "a profile must be a JSON object",
	Class:     ErrInvalidProfile,
	Text: func(t reflect.Type) bool {
		return reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
	},
	CheckText: func(t reflect.Type, str string) string {
		u, ok := reflect.New(t).Interface().(encoding.TextUnmarshaler)
		if !ok {
			return ""
		}
		if err := u.UnmarshalText([]byte(str)); err != nil {
			return strings.TrimPrefix(err.Error(), ErrInvalidProfile.Error()+": ")
		}
		return ""
	},
	NotText: func(t reflect.Type, desc string) string { return "want a string, not " + desc + textAdvice(t) },
}

// normalize makes empty lists and maps nil, so that a document reads the
// same whether it writes "[]" or leaves the field out (and marshals back
// to the same value).
func (p *Profile) normalize() {
	im := &p.Impact
	nilMap(&im.Confidentiality)
	nilMap(&im.Integrity)
	nilMap(&im.Availability)
	nilMap(&im.Functional)
	nilMap(&im.Information)
	nilMap(&im.Recoverability)
	nilSlice(&im.Users)
	nilSlice(&im.Organisations)
	nilMap(&im.Criticality)
	nilSlice(&im.PersonalData.DataSubjects)
	nilMap(&im.Safety)
	nilSlice(&p.Urgency.Spread)
	nilMap(&p.Urgency.Exposure)
	nilSlice(&p.Urgency.Deadline)
	nilMap(&p.Matrix.Cells)
	if p.SeverityScale != nil {
		nilSlice(&p.SeverityScale.Levels)
	}
	nilMap(&p.Severity)
	nilSlice(&p.Tiers)
	for i := range p.Tiers {
		nilSlice(&p.Tiers[i].Priorities)
		nilSlice(&p.Tiers[i].Page)
	}
}

func nilMap[M ~map[K]V, K comparable, V any](m *M) {
	if len(*m) == 0 {
		*m = nil
	}
}

func nilSlice[S ~[]E, E any](s *S) {
	if len(*s) == 0 {
		*s = nil
	}
}

// textAdvice says how to write a value of a text type.
func textAdvice(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[Duration]():
		return ": " + durationAdvice
	case reflect.TypeFor[Level]():
		return ": a level is one of none, low, medium, high, critical"
	}
	return ""
}
