package lessons_test

import (
	"context"
	"testing"

	"github.com/iso27035/iso27035/lessons"
)

// TestTimelineStagesMatchBefore reads every audit record of an incident
// handled through the engine with the current and the former decoding of
// its data.
func TestTimelineStagesMatchBefore(t *testing.T) {
	ctx := context.Background()
	e, st := engine()
	key, err := handled(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	n, moved := 0, 0
	for a, err := range st.AuditTrail(ctx, "acme", key.ID, 0) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		from, to, bf, bto := lessons.StagesMatch(a.Data)
		if from != bf || to != bto {
			t.Errorf("record %d (%s): %q, %q; before: %q, %q", a.Seq, a.Data, from, to, bf, bto)
		}
		if to != "" {
			moved++
		}
	}
	if n == 0 || moved == 0 {
		t.Fatalf("%d audit records, %d with a stage: nothing compared", n, moved)
	}
}
