package lessons

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Markdown renders the review and its action items as a Markdown
// document: summary, timeline table, cost and impact (the incident's
// impact, its economic impact, the cost lines and their total), what went
// well and badly, causes, detection and response gaps, decisions, changes
// to preparation, action items (with the control's title from cat when
// it has it) and sign-offs. Empty sections are left out.
func Markdown(r *Review, items []ActionItem, cat Catalog) string {
	var b strings.Builder
	title := r.Title
	if title == "" {
		title = string(r.Subject)
	}
	fmt.Fprintf(&b, "# Review %s: %s\n\n", r.ID, mdEscape(title))
	fmt.Fprintf(&b, "Subject: %s", r.Subject)
	if r.RecordID != uuid.Nil {
		fmt.Fprintf(&b, " %s", r.RecordID)
	}
	b.WriteString("\n")
	if r.Summary != "" {
		fmt.Fprintf(&b, "\n## Summary\n\n%s\n", r.Summary)
	}
	if len(r.Timeline) > 0 {
		b.WriteString("\n## Timeline\n\n| # | At (UTC) | Actor | Action | From | To |\n|---|---|---|---|---|---|\n")
		for _, e := range r.Timeline {
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s |\n", e.Seq, e.At.UTC().Format(time.RFC3339), cell(string(e.Actor)), cell(e.Action), cell(e.From), cell(e.To))
		}
	}
	if v, ok := r.CostImpact.view(); ok {
		b.WriteString("\n## Cost and impact\n\n")
		for _, f := range v.Facts {
			fmt.Fprintf(&b, "- %s: %s\n", f[0], mdEscape(f[1]))
		}
		if len(v.Rows) > 0 {
			if len(v.Facts) > 0 {
				b.WriteString("\n")
			}
			b.WriteString("| Kind | Cost | Hours | Amount | Converted |\n|---|---|---|---|---|\n")
			for _, row := range v.Rows {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", cell(row.Kind), cell(row.Text), cell(row.Hours), cell(row.Amount), cell(row.Converted))
			}
			fmt.Fprintf(&b, "\nTotal: %s\n", mdEscape(v.Total))
		}
	}
	list := func(head string, xs []string) {
		if len(xs) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n## %s\n\n", head)
		for _, x := range xs {
			fmt.Fprintf(&b, "- %s\n", x)
		}
	}
	list("What went well", r.WentWell)
	list("What went badly", r.WentBadly)
	if len(r.Causes) > 0 {
		b.WriteString("\n## Causes\n\n")
		for _, c := range r.Causes {
			kind := "root cause"
			if c.Contributing {
				kind = "contributing factor"
			}
			fmt.Fprintf(&b, "- %s (%s): %s\n", kind, c.Category, c.Text)
		}
	}
	list("Detection and response gaps", strs(r.Gaps))
	list("Decisions", r.Decisions)
	list("Changes to preparation", strs(r.Changes))
	if len(items) > 0 {
		b.WriteString("\n## Action items\n\n| ID | Title | Owner | Due | Priority | Status | Control |\n|---|---|---|---|---|---|---|\n")
		for _, a := range items {
			ctl := a.Control
			if c, ok := cat.Lookup(a.Control); ok {
				ctl = c.ID + " " + c.Title
			}
			due := ""
			if !a.Due.IsZero() {
				due = a.Due.UTC().Format("2006-01-02")
			}
			st := a.Status
			if st == "" {
				st = StatusOpen
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", cell(a.ID), cell(a.Title), cell(string(a.Owner)), due, a.Priority, st, cell(ctl))
		}
	}
	if len(r.SignOffs) > 0 || len(r.Required) > 0 {
		b.WriteString("\n## Sign-off\n\n")
		for _, s := range r.SignOffs {
			fmt.Fprintf(&b, "- %s: %s at %s\n", s.Role, s.By, s.At.UTC().Format(time.RFC3339))
		}
		for _, role := range r.Missing() {
			fmt.Fprintf(&b, "- %s: pending\n", role)
		}
	}
	return b.String()
}

// strs renders each value with its String method.
func strs[T fmt.Stringer](xs []T) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, x.String())
	}
	return out
}

// cell makes host text safe in a Markdown table cell: a pipe cannot open
// a column nor a newline a row, and HTML cannot pass through (renderers
// that allow inline HTML would run it).
func cell(s string) string { return strings.ReplaceAll(mdEscape(s), "|", `\|`) }

// mdEscape makes host text safe on one Markdown line: newlines become
// spaces and '<' an entity, so no inline HTML reaches the renderer.
func mdEscape(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ", "<", "&lt;").Replace(s)
}

var htmlPage = template.Must(template.New("review").Funcs(template.FuncMap{
	"utc": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Review {{.R.ID}}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em}</style>
</head><body>
<h1>Review {{.R.ID}}: {{.R.Title}}</h1>
<p>Subject: {{.R.Subject}}{{if .HasRecord}} {{.R.RecordID}}{{end}}</p>
{{with .R.Summary}}<h2>Summary</h2><p>{{.}}</p>{{end}}
{{with .R.Timeline}}<h2>Timeline</h2><table><tr><th>#</th><th>At (UTC)</th><th>Actor</th><th>Action</th><th>From</th><th>To</th></tr>
{{range .}}<tr><td>{{.Seq}}</td><td>{{utc .At}}</td><td>{{.Actor}}</td><td>{{.Action}}</td><td>{{.From}}</td><td>{{.To}}</td></tr>
{{end}}</table>{{end}}
{{with .Cost}}<h2>Cost and impact</h2>
{{with .Facts}}<ul>{{range .}}<li>{{index . 0}}: {{index . 1}}</li>{{end}}</ul>{{end}}
{{with .Rows}}<table><tr><th>Kind</th><th>Cost</th><th>Hours</th><th>Amount</th><th>Converted</th></tr>
{{range .}}<tr><td>{{.Kind}}</td><td>{{.Text}}</td><td>{{.Hours}}</td><td>{{.Amount}}</td><td>{{.Converted}}</td></tr>
{{end}}</table>{{end}}
{{with .Total}}<p>Total: {{.}}</p>{{end}}{{end}}
{{with .R.WentWell}}<h2>What went well</h2><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .R.WentBadly}}<h2>What went badly</h2><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .R.Causes}}<h2>Causes</h2><ul>{{range .}}<li>{{if .Contributing}}contributing factor{{else}}root cause{{end}} ({{.Category}}): {{.Text}}</li>{{end}}</ul>{{end}}
{{with .R.Gaps}}<h2>Detection and response gaps</h2><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .R.Decisions}}<h2>Decisions</h2><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .R.Changes}}<h2>Changes to preparation</h2><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .Items}}<h2>Action items</h2><table><tr><th>ID</th><th>Title</th><th>Owner</th><th>Due</th><th>Priority</th><th>Status</th><th>Control</th></tr>
{{range .}}<tr><td>{{.ID}}</td><td>{{.Title}}</td><td>{{.Owner}}</td><td>{{if not .Due.IsZero}}{{.Due.UTC.Format "2006-01-02"}}{{end}}</td><td>{{.Priority}}</td><td>{{.Status}}</td><td>{{.Control}}</td></tr>
{{end}}</table>{{end}}
{{with .R.SignOffs}}<h2>Sign-off</h2><ul>{{range .}}<li>{{.Role}}: {{.By}} at {{utc .At}}</li>{{end}}</ul>{{end}}
</body></html>
`))

// HTML renders the review and its action items (with the cost and
// impact section, as Markdown does) as one self-contained HTML page (no
// external resources) to attach to an audit file; every value is escaped
// by html/template.
func HTML(r *Review, items []ActionItem) ([]byte, error) {
	var b bytes.Buffer
	var cost *costView
	if v, ok := r.CostImpact.view(); ok {
		cost = &v
	}
	if err := htmlPage.Execute(&b, struct {
		R         *Review
		Items     []ActionItem
		HasRecord bool
		Cost      *costView
	}{r, items, r.RecordID != uuid.Nil, cost}); err != nil {
		return nil, fmt.Errorf("lessons: rendering review %q: %w", r.ID, err)
	}
	return b.Bytes(), nil
}
