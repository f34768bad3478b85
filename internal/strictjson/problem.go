// Package strictjson reads JSON documents strictly against the Go type
// they decode into, and reports what is wrong with them as problems that
// name each bad value by its JSON path.
//
// Parse walks the bytes of a document alongside its Go type before
// decoding it, so that every unknown, misspelt, repeated or mistyped
// field is reported with its full path ("statuses[2].state",
// `acknowledge_within[""]`), where encoding/json stops at the first and
// names no array index. The packages that read configuration documents
// (lifecycle rules, triage profiles) convert its Problems into their own
// exported problem types.
package strictjson

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxListed is how many problems Message spells out.
const MaxListed = 5

// Problem is one thing wrong with a document.
type Problem struct {
	// Field is the JSON path of the bad value; empty for the document as
	// a whole.
	Field string
	// Value is the offending value, when there is one to show.
	Value any
	// Reason says what is wrong and, where it helps, what would be right.
	Reason string
}

// String is "field: reason", or the reason alone for the whole document.
func (p Problem) String() string {
	if p.Field == "" {
		return p.Reason
	}
	return p.Field + ": " + p.Reason
}

// ProblemType is satisfied by every type defined as a Problem is: a
// struct of Field, Value and Reason. The packages' exported problem types
// are such types, so Problems convert to them and back.
type ProblemType interface {
	~struct {
		Field  string
		Value  any
		Reason string
	}
}

// Convert converts problems to another problem type; nil stays nil.
func Convert[To, From ProblemType](problems []From) []To {
	if problems == nil {
		return nil
	}
	out := make([]To, len(problems))
	for i, p := range problems {
		out[i] = To(p)
	}
	return out
}

// Message is an error message for problems: prefix, the number of
// problems when there is more than one, the first MaxListed problems and
// how many more there are ("lifecycle: invalid rules (7 problems): a: …;
// b: …; …; and 2 more").
func Message[P ProblemType](prefix string, problems []P) string {
	var b strings.Builder
	b.WriteString(prefix)
	switch n := len(problems); {
	case n == 0:
		return b.String()
	case n > 1:
		fmt.Fprintf(&b, " (%d problems)", n)
	}
	for i, p := range problems {
		if i == MaxListed {
			fmt.Fprintf(&b, "; and %d more", len(problems)-i)
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(Problem(p).String())
	}
	return b.String()
}

// JoinKey appends an object key to a JSON path: path.key for plain keys,
// path["key"] for any other (the empty key, spaces, dots).
func JoinKey(path, key string) string {
	plain := key != ""
	for i, c := range key {
		letter := c == '_' || c == '-' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		digit := '0' <= c && c <= '9'
		if !letter && (i == 0 || !digit) {
			plain = false
			break
		}
	}
	switch {
	case !plain:
		return path + "[" + strconv.Quote(key) + "]"
	case path == "":
		return key
	}
	return path + "." + key
}
