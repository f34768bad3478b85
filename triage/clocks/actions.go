package clocks

import (
	"time"

	"github.com/iso27035/iso27035/incident"
)

// Action kinds.
const (
	// ActionDueSoon: an unsubmitted report falls due within the lead time.
	ActionDueSoon = "due_soon"
	// ActionOverdue: an unsubmitted report is past its Due instant (a
	// report at exactly Due is on time); the legal end may still be
	// ahead.
	ActionOverdue = "overdue"
	// ActionSubmittedLate: a report was submitted after its deadline
	// (LegalEnd, else Due).
	ActionSubmittedLate = "submitted_late"
)

// Action is something a team must do about an obligation now.
type Action struct {
	ObligationID string
	Kind         string
	// Deadline is the obligation's last acceptable instant.
	Deadline time.Time
	// Advice says what the law asks in this situation.
	Advice string
}

// Actions returns what the obligations call for at now, with lead the
// due-soon window (lifecycle's Rules.ReportDueSoon). It is pure. For DORA
// reports at risk it surfaces RTS 2025/301 Art. 5(3) [C]: an entity that
// cannot meet a time limit informs the competent authority without undue
// delay and no later than the limit, with reasons; for GDPR Art. 33(1), a
// notification after 72 hours carries the reasons for the delay.
func Actions(obs []incident.Obligation, now time.Time, lead time.Duration) []Action {
	var out []Action
	for _, o := range obs {
		if o.Waived != "" {
			continue
		}
		dl := o.Deadline()
		switch {
		case !o.SubmittedAt.IsZero():
			if o.SubmittedAt.After(dl) {
				out = append(out, Action{o.ID, ActionSubmittedLate, dl, advice(o, true)})
			}
		case now.After(o.Due):
			out = append(out, Action{o.ID, ActionOverdue, dl, advice(o, true)})
		case !now.Before(o.Due.Add(-lead)):
			out = append(out, Action{o.ID, ActionDueSoon, dl, advice(o, false)})
		}
	}
	return out
}

func advice(o incident.Obligation, late bool) string {
	switch {
	case o.Regime == "dora":
		return "RTS 2025/301 Art. 5(3): if the " + o.Report + " report cannot be submitted in time, inform the competent authority before " +
			o.Deadline().Format(time.RFC3339) + ", with the reasons"
	case o.ID == "gdpr-33-1" && late:
		return "GDPR Art. 33(1): a notification not made within 72 hours must be accompanied by reasons for the delay"
	case late:
		return "past due: submit now and record why it was late"
	}
	return "submit before " + o.Due.Format(time.RFC3339)
}
