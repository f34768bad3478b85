package lessons_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/lessons"
)

func TestHTMLEscapesAndIsSelfContained(t *testing.T) {
	at := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	r := lessons.Review{ID: "PIR-1", Subject: lessons.SubjectIncident, RecordID: uuid.MustParse("019cae00-0000-7000-8000-000000000001"),
		Title: "<script>alert(1)</script>", Summary: "a & b",
		Timeline: []lessons.Entry{{Seq: 1, At: at, Actor: "alice", Action: "create", To: "respond/analysis"}}}
	b, err := lessons.HTML(&r, []lessons.ActionItem{{ID: "AI-1", Title: "x", Owner: "o", Due: at}})
	require.NoError(t, err)
	s := string(b)
	assert.NotContains(t, s, "<script>")
	assert.Contains(t, s, "&lt;script&gt;")
	assert.Contains(t, s, "019cae00-0000-7000-8000-000000000001")
	assert.Contains(t, s, "2026-03-03T09:00:00Z")
	assert.NotContains(t, s, "http")
	assert.True(t, strings.HasPrefix(s, "<!DOCTYPE html>"))

	md := lessons.Markdown(&r, nil, nil)
	assert.Contains(t, md, "| 1 | 2026-03-03T09:00:00Z | alice | create |  | respond/analysis |")

	r.Gaps = []lessons.Gap{{Name: "time_to_contain", Status: lessons.GapMeasured, Duration: 2 * time.Minute}, {Name: "time_to_recover", Status: lessons.GapOpen}}
	r.Changes = []lessons.Decision{{ProposalID: "CP-1", Kind: "playbook_step", Target: "phishing", Status: "accepted", By: "ciso", At: at, Version: 2}}
	md = lessons.Markdown(&r, nil, nil)
	assert.Contains(t, md, "## Detection and response gaps\n\n- time_to_contain 2m0s\n- time_to_recover open\n")
	assert.Contains(t, md, "## Changes to preparation\n\n- CP-1 accepted playbook_step \"phishing\" by ciso at 2026-03-03T09:00:00Z (version 2)\n")
	b, err = lessons.HTML(&r, nil)
	require.NoError(t, err)
	assert.Contains(t, string(b), "<li>time_to_recover open</li>")
}
