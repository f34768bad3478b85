package triage

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzParseSSVCCSV checks that no input makes ParseSSVCCSV panic, that every
// error is an *SSVCError wrapping ErrInvalidTable, and that an accepted table
// decides each of its rows to the row's outcome and survives a round trip
// through WriteCSV.
func FuzzParseSSVCCSV(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "ssvc", "*.csv"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil && len(b) < 4096 {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"", "row\n", "row,A,Out\n0,a,x\n", "A,Out\na,x\nb,y\n", "row,A,Out\n0,a,x\n0,a,x\n",
		"row,A v1.0.0,B v1.0.0 (ns),\"Out, two v2.0.0\"\n0,a,b,x\n1,c,b,\"q\"\"q\"\n2,a,d,x\n3,c,d,y\n",
		"row,A,Out\n0,\"a\nb\",x\n", "\ufeffrow,A,Out\n0,a,x\n", "row,A,B,Out\n0,a,b\n", "row,A,A,Out\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := ParseSSVCCSV(bytes.NewReader(data))
		if err != nil {
			var se *SSVCError
			if !errors.Is(err, ErrInvalidTable) || !errors.As(err, &se) {
				t.Fatalf("error %v (%T) is not an *SSVCError wrapping ErrInvalidTable", err, err)
			}
			_ = err.Error()
			return
		}
		rows := tab.Rows()
		if len(rows) != tab.Len() {
			t.Fatalf("%d rows, Len %d", len(rows), tab.Len())
		}
		for _, r := range rows {
			got, err := tab.DecideValues(r.Values...)
			if err != nil || got != r.Outcome {
				t.Fatalf("row %d %q: %q, %v; want %q", r.Row, r.Values, got, err, r.Outcome)
			}
		}
		var buf bytes.Buffer
		if err := tab.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		again, err := ParseSSVCCSV(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("WriteCSV output rejected: %v\n%q", err, buf.String())
		}
		if !reflect.DeepEqual(again.DecisionPoints(), tab.DecisionPoints()) ||
			!reflect.DeepEqual(again.Outcome(), tab.Outcome()) ||
			!reflect.DeepEqual(again.Rows(), rows) {
			t.Fatalf("round trip changed the table:\n%q", buf.String())
		}
	})
}
