package veris

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is wrapped by every *FieldError: the input is not a valid VERIS
// incident of a supported schema version.
var ErrInvalid = errors.New("veris: invalid incident")

// Problem classifies why a field was rejected. The names follow the wording
// of the official VERIS validation vectors (missing, empty, duplicate,
// invalid, unrecognized, out of range).
type Problem string

// Problems.
const (
	// ProblemSyntax: the input is not one JSON object.
	ProblemSyntax Problem = "syntax"
	// ProblemMissing: a required field is absent (JSON Schema "required").
	ProblemMissing Problem = "missing"
	// ProblemEmpty: a field is present but empty: "", [] or {} where the
	// schema asks for at least one character, item or property.
	ProblemEmpty Problem = "empty"
	// ProblemDuplicate: an array holds the same value twice
	// ("uniqueItems").
	ProblemDuplicate Problem = "duplicate"
	// ProblemInvalid: a value of the wrong JSON type, outside its
	// enumeration or not matching its pattern.
	ProblemInvalid Problem = "invalid"
	// ProblemUnrecognized: a field the schema does not define
	// ("additionalProperties": false).
	ProblemUnrecognized Problem = "unrecognized"
	// ProblemRange: a number below its minimum or above its maximum, or a
	// string or array shorter or longer than allowed (but not empty).
	ProblemRange Problem = "range"
	// ProblemUnsupported: a schema_version this package does not read.
	ProblemUnsupported Problem = "unsupported"
)

// FieldError is one rejected field. Field is the VERIS path in the dotted
// form the VERIS tools and test vectors use, array indices as segments
// ("asset.assets.0.variety"); "" is the document itself.
type FieldError struct {
	Field   string
	Problem Problem
	// Value is the offending value when there is one (a string, number,
	// bool, or a description for objects and arrays).
	Value any
	// Reason says what the schema asked for.
	Reason string
}

// Error implements error.
func (e *FieldError) Error() string {
	f := e.Field
	if f == "" {
		f = "(document)"
	}
	return fmt.Sprintf("veris: %s: %s: %s", f, e.Problem, e.Reason)
}

// Unwrap returns ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Error is returned when an incident is rejected: every problem found, in
// document order (capped at MaxProblems). errors.As finds the *Error and,
// through Unwrap, the first *FieldError.
type Error struct {
	Problems []*FieldError
}

// MaxProblems caps the problems one Error lists.
const MaxProblems = 100

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		if i == 5 {
			fmt.Fprintf(&b, "and %d more", len(e.Problems)-5)
			break
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns the problems, so errors.As(err, &fieldErr) and
// errors.Is(err, ErrInvalid) work.
func (e *Error) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

// Has reports whether some problem is about field (or a field beneath it)
// and of kind p.
func (e *Error) Has(field string, p Problem) bool {
	for _, q := range e.Problems {
		if q.Problem == p && under(q.Field, field) {
			return true
		}
	}
	return false
}

// under reports whether path is field or lies beneath it.
func under(path, field string) bool {
	return field == "" || path == field || strings.HasPrefix(path, field+".")
}
