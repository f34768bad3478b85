package lessons

import (
	"encoding/json"
	"testing"
)

// stagesBefore is how Timeline read an audit record's data before it
// decoded into a struct: a map of raw values, each value decoded again.
// The reference stages must agree with.
func stagesBefore(data []byte) (from, to string) {
	var d map[string]json.RawMessage
	if json.Unmarshal(data, &d) == nil {
		from, to = strBefore(d["from"]), strBefore(d["to"])
		if to == "" && from == "" {
			to = strBefore(d["stage"])
		}
	}
	return from, to
}

func strBefore(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// StagesMatch reports stages and stagesBefore on data (for the external
// tests that build audit trails through the engine).
func StagesMatch(data []byte) (from, to, fromBefore, toBefore string) {
	from, to = stages(data)
	fromBefore, toBefore = stagesBefore(data)
	return from, to, fromBefore, toBefore
}

var stagesSeeds = []string{
	`{"from":"detect/report","to":"assess/triage"}`,
	`{"stage":"detect/report"}`,
	`{"from":"a","to":"b","stage":"c"}`,
	`{"from":"","to":"","stage":"c"}`,
	`{"from":null,"stage":"c"}`,
	`{"from":"a","from":null}`,
	`{"from":"a","from":5}`,
	`{"from":5,"to":{"x":1},"stage":["y"]}`,
	`{"From":"a","TO":"b","Stage":"c"}`,
	`{"from":"a","FROM":"b"}`,
	`{"fr\u006fm":"a"}`,
	`{"\u0046rom":"a"}`,
	`{"ſtage":"a"}`,
	`{"to":"\u00e9\ud83d\ude00","x":"\xff"}`,
	`{"note":"to","reason":"TO"}`,
	`null`, `[]`, `"x"`, `5`, `{`, `{"from":"a"} x`, ``, `{"from":"a\nb"}`,
}

func TestStagesMatchesBefore(t *testing.T) {
	for _, s := range stagesSeeds {
		f, to := stages([]byte(s))
		bf, bto := stagesBefore([]byte(s))
		if f != bf || to != bto {
			t.Errorf("stages(%s) = %q, %q; before: %q, %q", s, f, to, bf, bto)
		}
	}
}

func FuzzStages(f *testing.F) {
	for _, s := range stagesSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		from, to := stages(data)
		bf, bto := stagesBefore(data)
		if from != bf || to != bto {
			t.Errorf("stages(%q) = %q, %q; before: %q, %q", data, from, to, bf, bto)
		}
	})
}
