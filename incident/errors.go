package incident

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error the package returns wraps one of them, so
// callers test with errors.Is whatever the detail; the detail itself is a
// *FieldError (errors.As) naming the field, the value and the reason.
var (
	// ErrInvalid is the class of every validation failure. A *ValidationError
	// and every *FieldError match it.
	ErrInvalid = errors.New("incident: invalid")
	// ErrRequired reports a field that must be set and is empty.
	ErrRequired = errors.New("incident: required field missing")
	// ErrUnknownValue reports an enum value outside its documented set.
	ErrUnknownValue = errors.New("incident: unknown value")
	// ErrUnknownCategory reports a category not in the taxonomy in force.
	ErrUnknownCategory = errors.New("incident: unknown category")
	// ErrUnknownSeverity reports a severity not on the scale in force.
	ErrUnknownSeverity = errors.New("incident: unknown severity")
	// ErrOrder reports two timestamps in an impossible order (detected
	// before occurred, a custody transfer before collection, …).
	ErrOrder = errors.New("incident: impossible order")
	// ErrFormat reports a value with the wrong shape (a reference, a
	// digest, a currency code).
	ErrFormat = errors.New("incident: malformed value")
	// ErrDuplicate reports an identifier or label listed twice.
	ErrDuplicate = errors.New("incident: duplicate")
	// ErrInconsistent reports fields that contradict each other (state
	// closed without a close time, a duplicate resolution without its
	// primary, …).
	ErrInconsistent = errors.New("incident: inconsistent fields")
	// ErrTooLarge is returned by the decoders when the input exceeds the
	// configured maximum; they read at most limit+1 bytes to find out.
	ErrTooLarge = errors.New("incident: input too large")
	// ErrUnsupportedVersion is returned for a schema_version this code does
	// not know (newer than it, or never defined).
	ErrUnsupportedVersion = errors.New("incident: unsupported schema version")
	// ErrSyntax is returned by the decoders for input that is not the
	// JSON the schema describes (bad syntax, wrong types, unknown fields in
	// strict mode).
	ErrSyntax = errors.New("incident: malformed JSON")
	// ErrDigestMismatch is returned by Evidence.Verify when the content
	// does not hash to the recorded SHA-256.
	ErrDigestMismatch = errors.New("incident: evidence digest mismatch")
	// ErrLegalHold is returned when an operation that deletes or erases
	// data meets a record under legal hold.
	ErrLegalHold = errors.New("incident: record under legal hold")
)

// FieldError is one validation problem: which field, what value, why.
// Path uses the JSON names (timeline.detected, evidence[2].sha256), so it
// points into the documents hosts send and store.
type FieldError struct {
	Path   string // JSON path of the field, e.g. "tasks[0].title"
	Value  any    // the offending value, nil when missing
	Rule   Rule   // the documented rule that failed; see Rules
	Reason string // human explanation
	Err    error  // the sentinel class: ErrRequired, ErrOrder, …
}

// Error implements error.
func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(e.Reason)
	if e.Value != nil {
		fmt.Fprintf(&b, " (got %v)", e.Value)
	}
	return b.String()
}

// Unwrap returns the sentinel class and ErrInvalid, so both
// errors.Is(err, ErrOrder) and errors.Is(err, ErrInvalid) hold.
func (e *FieldError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalid}
	}
	if errors.Is(e.Err, ErrInvalid) {
		return []error{e.Err}
	}
	return []error{e.Err, ErrInvalid}
}

// ValidationError carries every problem Validate found, in a stable order
// (the order of the fields in the record). It unwraps to its *FieldError
// values, so errors.As(err, &fe) finds the first and errors.Is(err,
// ErrOrder) asks whether any of them is an ordering problem.
type ValidationError struct {
	Kind   Kind // the record kind validated
	Fields []*FieldError
}

// Error implements error: the first few problems on one line.
func (e *ValidationError) Error() string {
	const shown = 3
	var b strings.Builder
	fmt.Fprintf(&b, "incident: invalid %s: %d problem", e.Kind, len(e.Fields))
	if len(e.Fields) != 1 {
		b.WriteString("s")
	}
	for i, f := range e.Fields {
		if i == shown {
			fmt.Fprintf(&b, "; and %d more", len(e.Fields)-shown)
			break
		}
		b.WriteString("; ")
		b.WriteString(f.Error())
	}
	return b.String()
}

// Unwrap returns the field errors.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		errs[i] = f
	}
	return errs
}

// Has reports whether any problem was found for path under rule; tests and
// hosts that map problems onto form fields use it.
func (e *ValidationError) Has(path string, rule Rule) bool {
	for _, f := range e.Fields {
		if f.Path == path && f.Rule == rule {
			return true
		}
	}
	return false
}
