package coordination_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/iso27035/iso27035/coordination"
)

// FuzzImportBundle: ImportBundle never panics, and whatever it accepts
// exports again (as the items of a case, with what they refer to).
func FuzzImportBundle(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "stix", "*", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join("testdata", "stix", "*", "*", "*.json"))
	top, _ := filepath.Glob(filepath.Join("testdata", "stix", "*.json"))
	for _, name := range append(append(files, more...), top...) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	dir := stixDirectory(f)
	exported, err := coordination.ExportBundle(stixCase(3), dir, coordination.ExportOptions{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(exported)
	f.Add([]byte(`{"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := coordination.ImportBundle(data, coordination.ImportOptions{})
		if err != nil {
			return
		}
		c := &coordination.Case{ID: "fuzz", Title: "fuzz", Status: coordination.CaseOpen, Opened: time.Unix(0, 0), Items: imp.Items}
		if _, err := coordination.ExportBundle(c, nil, coordination.ExportOptions{Extra: imp.Kept()}); err != nil {
			t.Fatalf("accepted but does not export: %v", err)
		}
	})
}
