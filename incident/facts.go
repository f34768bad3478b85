package incident

import (
	"reflect"
	"time"
)

// Fact is a value that became known at a time and may change later.
// Regulatory deadlines run from when a fact became known (GDPR Art. 33 from
// awareness of a personal-data breach, HIPAA from discovery), so every
// change keeps the previous value in History instead of overwriting it.
type Fact[T any] struct {
	// Value is the current value.
	Value T `json:"value"`
	// KnownAt is when the current value became known (UTC).
	KnownAt time.Time `json:"known_at"`
	// Source says who or what established it (an actor ID, a tool).
	Source string `json:"source,omitempty"`
	// History holds the earlier values, oldest first.
	History []FactRevision[T] `json:"history,omitempty"`
}

// FactRevision is an earlier value of a Fact.
type FactRevision[T any] struct {
	Value   T         `json:"value"`
	KnownAt time.Time `json:"known_at"`
	Source  string    `json:"source,omitempty"`
}

// Known reports whether a value has been established.
func (f *Fact[T]) Known() bool { return !f.KnownAt.IsZero() }

// Set records v as known at t, keeping the previous value in History. It
// returns ErrOrder when t is before the current value's time: facts are
// learnt forward in time, and an older observation belongs in the record
// of that time, not on top of a newer one.
func (f *Fact[T]) Set(v T, at time.Time, source string) error {
	at = at.UTC()
	if f.Known() {
		if at.Before(f.KnownAt) {
			return &FieldError{Path: "known_at", Value: at, Rule: RuleFactOrder,
				Reason: "a fact cannot become known before its current value", Err: ErrOrder}
		}
		f.History = append(f.History, FactRevision[T]{Value: f.Value, KnownAt: f.KnownAt, Source: f.Source})
	}
	f.Value, f.KnownAt, f.Source = v, at, source
	return nil
}

// FirstKnown returns when a value satisfying pred first became known,
// looking through History and the current value. Deadlines use it: "when
// did we first know personal data was involved?".
func (f *Fact[T]) FirstKnown(pred func(T) bool) (time.Time, bool) {
	for _, r := range f.History {
		if pred(r.Value) {
			return r.KnownAt, true
		}
	}
	if f.Known() && pred(f.Value) {
		return f.KnownAt, true
	}
	return time.Time{}, false
}

// IsZero reports whether the fact holds nothing at all (no value, time,
// source or history), so JSON omits it. A value without KnownAt is not zero:
// it is kept, and Validate reports the missing time.
func (f Fact[T]) IsZero() bool { return factZero(&f) }

// factZero is Fact.IsZero without copying the fact.
func factZero[T any](f *Fact[T]) bool {
	return f.KnownAt.IsZero() && len(f.History) == 0 && f.Source == "" && emptyValue(&f.Value)
}

// emptyValue treats an empty slice or map as empty, like omitempty does.
// The value types of Facts are compared directly; reflection is left for
// any other type a caller instantiates Fact with.
func emptyValue[T any](p *T) bool {
	switch x := any(p).(type) {
	case *bool:
		return !*x
	case *int64:
		return *x == 0
	case *[]string:
		return len(*x) == 0
	case *map[string]int64:
		return len(*x) == 0
	case *Money:
		return *x == Money{}
	}
	return emptyReflect(reflect.ValueOf(p).Elem())
}

func emptyReflect(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return v.IsZero()
}

// IsZero reports whether no fact is known, so JSON omits the facts.
func (f *Facts) IsZero() bool {
	return factZero(&f.PersonalData) && factZero(&f.PersonalDataCategories) && factZero(&f.SpecialCategories) &&
		factZero(&f.DataSubjects) && factZero(&f.ResidentsByState) && factZero(&f.MemberStates) &&
		factZero(&f.ClientsAffected) && factZero(&f.TransactionsAffected) && factZero(&f.EconomicImpact) &&
		factZero(&f.CriticalServicesAffected) && factZero(&f.RansomPaid) && factZero(&f.EntityTypes)
}

// Money is an amount in a currency's minor unit (cents), never a float.
type Money struct {
	// Currency is the ISO 4217 code, such as EUR.
	Currency string `json:"currency"`
	// Minor is the amount in the currency's minor unit.
	Minor int64 `json:"minor"`
}

// Facts are the regulatory facts of an incident, each with the time it
// became known. Lists of codes use ISO 3166-1 alpha-2 for States and Member
// States and upper-case ISO 4217 for currencies.
type Facts struct {
	// PersonalData: personal data are involved (GDPR Art. 4(12) personal
	// data breach; Art. 33 runs from awareness of it).
	PersonalData Fact[bool] `json:"personal_data,omitzero"`
	// PersonalDataCategories: the categories of personal data concerned
	// (GDPR Art. 33(3)(a)).
	PersonalDataCategories Fact[[]string] `json:"personal_data_categories,omitzero"`
	// SpecialCategories: special categories of personal data (GDPR Art. 9)
	// involved.
	SpecialCategories Fact[[]string] `json:"special_categories,omitzero"`
	// DataSubjects: approximate number of data subjects concerned (GDPR
	// Art. 33(3)(a); HIPAA counts individuals).
	DataSubjects Fact[int64] `json:"data_subjects,omitzero"`
	// ResidentsByState: affected individuals per State or US state code
	// (HIPAA 164.406: media notice above 500 residents of one State).
	ResidentsByState Fact[map[string]int64] `json:"residents_by_state,omitzero"`
	// MemberStates: EU Member States affected (NIS2 Art. 23(4)(a)
	// cross-border impact; DORA RTS 2024/1772 Art. 9: two or more).
	MemberStates Fact[[]string] `json:"member_states,omitzero"`
	// ClientsAffected: number of clients or counterparts affected (DORA RTS
	// 2024/1772 Art. 1).
	ClientsAffected Fact[int64] `json:"clients_affected,omitzero"`
	// TransactionsAffected: number of transactions affected (DORA).
	TransactionsAffected Fact[int64] `json:"transactions_affected,omitzero"`
	// EconomicImpact: direct and indirect costs and losses (DORA RTS
	// 2024/1772 Art. 7; EUR 100 000 threshold in Art. 9).
	EconomicImpact Fact[Money] `json:"economic_impact,omitzero"`
	// CriticalServicesAffected: services supporting critical or important
	// functions are affected (DORA Art. 3(22)).
	CriticalServicesAffected Fact[bool] `json:"critical_services_affected,omitzero"`
	// RansomPaid: a ransom payment was made (CIRCIA proposed rule: report
	// within 24 hours of payment).
	RansomPaid Fact[bool] `json:"ransom_paid,omitzero"`
	// EntityTypes: regulatory entity types of the affected organisation
	// (DORA financial entity type, NIS2 essential or important entity).
	EntityTypes Fact[[]string] `json:"entity_types,omitzero"`
}

// unshareFact replaces f's history, a shallow copy of another fact's, by
// a copy of its own; clone, when not nil, copies values that are slices or
// maps. A nil history stays nil and an empty one empty.
func unshareFact[T any](f *Fact[T], clone func(T) T) {
	if clone != nil {
		f.Value = clone(f.Value)
	}
	if f.History == nil {
		return
	}
	h := make([]FactRevision[T], len(f.History))
	copy(h, f.History)
	if clone != nil {
		for i := range h {
			h[i].Value = clone(h[i].Value)
		}
	}
	f.History = h
}

func cloneMap(m map[string]int64) map[string]int64 {
	if m == nil {
		return nil
	}
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// cloneStrings copies the string lists of Facts.
func cloneStrings(s []string) []string { return cloneSlice(s) }

// unshareFacts replaces every slice and map of f, a shallow copy of other
// facts, by a copy of its own, in place (no copy of the struct itself).
func unshareFacts(f *Facts) {
	unshareFact(&f.PersonalData, nil)
	unshareFact(&f.PersonalDataCategories, cloneStrings)
	unshareFact(&f.SpecialCategories, cloneStrings)
	unshareFact(&f.DataSubjects, nil)
	unshareFact(&f.ResidentsByState, cloneMap)
	unshareFact(&f.MemberStates, cloneStrings)
	unshareFact(&f.ClientsAffected, nil)
	unshareFact(&f.TransactionsAffected, nil)
	unshareFact(&f.EconomicImpact, nil)
	unshareFact(&f.CriticalServicesAffected, nil)
	unshareFact(&f.RansomPaid, nil)
	unshareFact(&f.EntityTypes, cloneStrings)
}

// Clone returns a deep copy, so a caller can change facts without touching
// the original.
func (f Facts) Clone() Facts {
	unshareFacts(&f)
	return f
}
