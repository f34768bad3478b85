package lessons

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/iso27035/iso27035/incident"
)

// ErrMixedCurrency is wrapped when a cost line is in another currency
// than the review's and carries no conversion into it.
var ErrMixedCurrency = errors.New("lessons: mixed currencies without conversion")

// CostKind says what a cost line counts.
type CostKind string

// The kinds of cost lines.
const (
	// CostResponse: the organisation's own response effort (hours of
	// the response teams, at an internal rate).
	CostResponse CostKind = "response"
	// CostExternal: fees of outside parties (forensics, lawyers,
	// incident response retainers).
	CostExternal CostKind = "external"
	// CostLoss: losses (lost revenue, fines, ransom, compensation).
	CostLoss CostKind = "loss"
	// CostOther: anything else.
	CostOther CostKind = "other"
)

// Valid reports whether k is one of the kinds.
func (k CostKind) Valid() bool {
	return k == CostResponse || k == CostExternal || k == CostLoss || k == CostOther
}

// CostLine is one cost the review counts, added by the host after the
// review meeting.
type CostLine struct {
	Kind CostKind `json:"kind"`
	// Text says what the cost is ("IRT effort, 12 h at 95 EUR").
	Text string `json:"text,omitempty"`
	// Hours is the effort behind a response cost, when there is one.
	Hours float64 `json:"hours,omitempty"`
	// Amount is the cost in the currency it was incurred in.
	Amount incident.Money `json:"amount"`
	// Converted is Amount in the review's currency (CostImpact.Currency),
	// needed when Amount is in another; the host does the conversion.
	Converted *incident.Money `json:"converted,omitempty"`
}

// inCurrency returns the line's amount in currency cur, and whether it
// has one.
func (l CostLine) inCurrency(cur string) (incident.Money, bool) {
	if l.Amount.Currency == cur {
		return l.Amount, true
	}
	if l.Converted != nil && l.Converted.Currency == cur {
		return *l.Converted, true
	}
	return incident.Money{}, false
}

// CostImpact is the cost and impact section of a review: the incident's
// impact as recorded (Draft copies it), the economic impact of its
// regulatory facts, and the cost lines the host adds.
type CostImpact struct {
	// Impact is the incident's impact summary at the draft: the C/I/A
	// levels, functional and information impact, recoverability, the
	// assets and services affected, and the cost recorded on it.
	Impact incident.Impact `json:"impact,omitzero"`
	// EconomicImpact is the current value of the incident's
	// Facts.EconomicImpact at the draft, when it was known.
	EconomicImpact *incident.Money `json:"economic_impact,omitempty"`
	// Currency is the ISO 4217 code the lines are totalled in. Draft sets
	// it from the recorded cost or the economic impact; when empty, the
	// first line's currency is used.
	Currency string `json:"currency,omitempty"`
	// Lines are the costs the review counts (response hours, external
	// fees, losses).
	Lines []CostLine `json:"lines,omitempty"`
}

// IsZero reports whether the section is empty, so JSON omits it.
func (c *CostImpact) IsZero() bool {
	return c.Impact.IsZero() && c.EconomicImpact == nil && c.Currency == "" && len(c.Lines) == 0
}

// currency is the currency the lines are totalled in.
func (c *CostImpact) currency() string {
	if c.Currency == "" && len(c.Lines) > 0 {
		return c.Lines[0].Amount.Currency
	}
	return c.Currency
}

// CostError is a cost line or amount of a review that cannot be counted.
type CostError struct {
	// Field is the JSON path of the bad value in the review
	// ("cost_impact.lines[1].amount").
	Field string
	// Reason says what is wrong.
	Reason string
	// Err is ErrInvalid or ErrMixedCurrency.
	Err error
}

// Error is "lessons: field: reason".
func (e *CostError) Error() string { return fmt.Sprintf("lessons: %s: %s", e.Field, e.Reason) }

// Unwrap returns Err.
func (e *CostError) Unwrap() error { return e.Err }

// Validate checks the section: known kinds, well-formed currency codes,
// no negative amounts or hours, and every line in Currency or converted
// into it (ErrMixedCurrency otherwise). Each problem is a *CostError
// naming its field.
func (c *CostImpact) Validate() error {
	var errs []error
	bad := func(err error, field, format string, a ...any) {
		errs = append(errs, &CostError{Field: "cost_impact." + field, Reason: fmt.Sprintf(format, a...), Err: err})
	}
	money := func(field string, m *incident.Money) {
		if m == nil {
			return
		}
		if !currencyCode(m.Currency) {
			bad(ErrInvalid, field+".currency", "%q is not an ISO 4217 code such as EUR", m.Currency)
		}
		if m.Minor < 0 {
			bad(ErrInvalid, field+".minor", "amount %d is negative", m.Minor)
		}
	}
	money("impact.cost", c.Impact.Cost)
	money("economic_impact", c.EconomicImpact)
	if c.Currency != "" && !currencyCode(c.Currency) {
		bad(ErrInvalid, "currency", "%q is not an ISO 4217 code such as EUR", c.Currency)
	}
	cur := c.currency()
	for i, l := range c.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		if !l.Kind.Valid() {
			bad(ErrInvalid, f+".kind", "%q is not a cost kind", l.Kind)
		}
		if l.Hours < 0 || math.IsNaN(l.Hours) || math.IsInf(l.Hours, 0) {
			bad(ErrInvalid, f+".hours", "hours %v are not a non-negative number", l.Hours)
		}
		money(f+".amount", &l.Amount)
		money(f+".converted", l.Converted)
		if _, ok := l.inCurrency(cur); !ok {
			bad(ErrMixedCurrency, f, "amount in %s and no conversion into %s", l.Amount.Currency, cur)
		}
	}
	return errors.Join(errs...)
}

// Total returns the sum of the lines in the section's currency (Validate
// first: a *CostError when a line cannot be counted). The recorded cost
// and the economic impact are shown beside it, not added to it.
func (c *CostImpact) Total() (incident.Money, error) {
	if err := c.Validate(); err != nil {
		return incident.Money{}, err
	}
	total := incident.Money{Currency: c.currency()}
	for i, l := range c.Lines {
		m, _ := l.inCurrency(total.Currency)
		if total.Minor > math.MaxInt64-m.Minor {
			return incident.Money{}, &CostError{Field: fmt.Sprintf("cost_impact.lines[%d]", i), Reason: "total overflows", Err: ErrInvalid}
		}
		total.Minor += m.Minor
	}
	return total, nil
}

// currencyCode reports whether s is three upper-case ASCII letters.
func currencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := range 3 {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// minorDigits is the number of digits of a currency's minor unit (ISO
// 4217 list one): 2 unless listed. Codes whose minor unit ISO 4217 gives
// as "N.A." (precious metals, SDR, testing and no-currency codes) count
// in whole units.
var minorDigits = map[string]int{
	"CLF": 4, "UYW": 4,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"UYI": 0, "XAG": 0, "XAU": 0, "XBA": 0, "XBB": 0, "XBC": 0, "XBD": 0, "XDR": 0, "XPD": 0, "XPT": 0, "XSU": 0, "XTS": 0, "XUA": 0, "XXX": 0,
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}

// FormatMoney renders m as "EUR 1234.50", with as many decimals as the
// currency's minor unit has.
func FormatMoney(m incident.Money) string {
	d, ok := minorDigits[m.Currency]
	if !ok {
		d = 2
	}
	s := strconv.FormatInt(m.Minor, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if d > 0 {
		if len(s) <= d {
			s = strings.Repeat("0", d-len(s)+1) + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	if neg {
		s = "-" + s
	}
	return strings.TrimSpace(m.Currency + " " + s)
}

// costRow is one cost line as rendered.
type costRow struct {
	Kind, Text, Hours, Amount, Converted string
}

// costView is the cost and impact section as rendered by Markdown and
// HTML: label and value pairs, the lines and the total.
type costView struct {
	Facts [][2]string
	Rows  []costRow
	Total string
}

// view renders the section; ok is false when it is empty.
func (c *CostImpact) view() (costView, bool) {
	if c.IsZero() {
		return costView{}, false
	}
	var v costView
	add := func(label, value string) {
		if value != "" {
			v.Facts = append(v.Facts, [2]string{label, value})
		}
	}
	im := &c.Impact
	add("Confidentiality", string(im.Confidentiality))
	add("Integrity", string(im.Integrity))
	add("Availability", string(im.Availability))
	add("Functional impact", string(im.Functional))
	info := make([]string, len(im.Information))
	for i, x := range im.Information {
		info[i] = string(x)
	}
	add("Information impact", strings.Join(info, ", "))
	add("Recoverability", string(im.Recoverability))
	assets := make([]string, len(im.Assets))
	for i, a := range im.Assets {
		assets[i] = a.ID + detail(a.Name, a.Kind, string(a.Criticality))
	}
	add("Assets affected", strings.Join(assets, ", "))
	services := make([]string, len(im.Services))
	for i, s := range im.Services {
		services[i] = s.Name + detail(string(s.Criticality), s.Function)
	}
	add("Services affected", strings.Join(services, ", "))
	if im.Cost != nil {
		add("Cost recorded on the incident", FormatMoney(*im.Cost))
	}
	if c.EconomicImpact != nil {
		add("Economic impact (regulatory facts)", FormatMoney(*c.EconomicImpact))
	}
	cur := c.currency()
	for _, l := range c.Lines {
		row := costRow{Kind: string(l.Kind), Text: l.Text, Amount: FormatMoney(l.Amount)}
		if l.Hours != 0 {
			row.Hours = strconv.FormatFloat(l.Hours, 'f', -1, 64)
		}
		if l.Amount.Currency != cur && l.Converted != nil {
			row.Converted = FormatMoney(*l.Converted)
		}
		v.Rows = append(v.Rows, row)
	}
	if len(c.Lines) > 0 {
		if t, err := c.Total(); err == nil {
			v.Total = FormatMoney(t)
		} else {
			v.Total = "not computable: " + strings.ReplaceAll(err.Error(), "\n", "; ")
		}
	}
	return v, true
}

// detail returns " (a, b)" of the non-empty parts, or "".
func detail(parts ...string) string {
	var xs []string
	for _, p := range parts {
		if p != "" {
			xs = append(xs, p)
		}
	}
	if len(xs) == 0 {
		return ""
	}
	return " (" + strings.Join(xs, ", ") + ")"
}
