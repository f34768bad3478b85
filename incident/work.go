package incident

import "time"

// TaskStatus is where a task stands.
type TaskStatus string

// Task statuses. Closing a record needs every mandatory task done or
// waived with a reason; open optional tasks are cancelled.
const (
	TaskOpen       TaskStatus = "open"
	TaskInProgress TaskStatus = "in_progress"
	TaskDone       TaskStatus = "done"
	TaskWaived     TaskStatus = "waived"
	TaskCancelled  TaskStatus = "cancelled"
)

// TaskStatuses lists the defined statuses.
func TaskStatuses() []TaskStatus {
	return []TaskStatus{TaskOpen, TaskInProgress, TaskDone, TaskWaived, TaskCancelled}
}

// Valid reports whether s is defined.
func (s TaskStatus) Valid() bool { return member(s, TaskStatuses()) }

// Finished reports whether the task no longer needs work.
func (s TaskStatus) Finished() bool { return s == TaskDone || s == TaskWaived || s == TaskCancelled }

// Task is a piece of work on a record, from a playbook or added by hand.
type Task struct {
	ID       string     `json:"id"`
	Title    string     `json:"title"`
	Assignee ActorID    `json:"assignee,omitempty"`
	Due      time.Time  `json:"due,omitzero"`
	Status   TaskStatus `json:"status"`
	// Mandatory tasks block closing until done or waived.
	Mandatory bool  `json:"mandatory,omitempty"`
	Phase     Phase `json:"phase,omitempty"`
	// Reason explains a waiver or cancellation; required for a waiver.
	Reason     string    `json:"reason,omitempty"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
}

// Note is a free-text entry on a record.
type Note struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Author ActorID   `json:"author"`
	Text   string    `json:"text"`
	// Personal marks a note that contains personal data, so erasure
	// removes its text.
	Personal bool `json:"personal,omitempty"`
	// Erased marks a note whose text was erased.
	Erased bool `json:"erased,omitempty"`
}

// Link points to a record in another system (a ticket, a case, a CVE).
type Link struct {
	System string `json:"system"` // jira, servicenow, thehive, cve, …
	Key    string `json:"key"`
	URL    string `json:"url,omitempty"`
}
