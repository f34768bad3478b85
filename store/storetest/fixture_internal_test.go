package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

// The suite's records must be valid, or a store that validates on Commit
// would fail cases for the suite's fault.
func TestFixtureRecordsValidate(t *testing.T) {
	fx := newFixture()
	recs := []incident.Record{fx.incident(tenantA), fx.event(tenantA), fx.vulnerability(tenantA)}
	recs = append(recs, fx.corpus(tenantA)...)
	for _, r := range recs {
		assert.NoError(t, r.Validate(), "%s %s", r.Kind(), r.Head().ID)
	}
}

func TestFixtureIDsAscend(t *testing.T) {
	fx := newFixture()
	a, b := fx.id(), fx.id()
	assert.Negative(t, slices.Compare(a[:], b[:]))
	low, high := idIn(bandLow, 99), idIn(bandHigh, 0)
	assert.Negative(t, slices.Compare(low[:], a[:]))
	assert.Positive(t, slices.Compare(high[:], b[:]))
	assert.Equal(t, "019a4000-0000-7000-8000-000000000001", a.String())
}

func TestCaseNamesUniqueAndDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range allCases() {
		require.False(t, seen[c.name], "duplicate case %s", c.name)
		seen[c.name] = true
		assert.NotEmpty(t, c.contract, c.name)
		assert.NotContains(t, c.contract, "\n", c.name)
		assert.GreaterOrEqual(t, len(strings.Split(c.name, "/")), 2, "%s has no group", c.name)
	}
	for _, name := range []string{
		"Commit/CreateDuplicate_ErrExists", "Commit/StaleUpdate_ErrConflict", "Commit/Atomic_ConflictStoresNothing",
		"Commit/Atomic_OutboxWithState", "Concurrency/ManyWritersOneIncident", "Tenants/GetIsolation",
		"Tenants/ListIsolation", "Tenants/CountIsolation", "Tenants/UpdateIsolation", "Tenants/OutboxClaimIsolation",
		"Tenants/TimerIsolation", "Tenants/DocumentIsolation", "List/Pagination_StableDuringWrites",
		"List/NoLockWhileYielding", "List/AfterAndLimit", "List/Restricted", "Audit/Order", "Audit/SeqGap_ErrConflict",
		"Outbox/Claim", "Outbox/LeaseExpiry", "Outbox/Ack", "Outbox/AckWrongLease_ErrLeaseLost", "Outbox/Nack_Retry",
		"Outbox/Nack_DeadLetterAfterMaxAttempts", "Outbox/Nack_Permanent", "Outbox/Requeue", "Outbox/Stats",
		"Timers/Due", "Timers/FireOnce", "Context/Cancelled",
		"BadInput/TypedNilRecord", "BadInput/OrgMismatch", "Commit/SetsOnlyVersions", "Tenants/SameRecordIDInTwoTenants", "Tenants/SameOutboxIDInTwoTenants",
		"Audit/NoLockWhileYielding", "Documents/NoLockWhileYielding", "Outbox/DeadLettersNoLockWhileYielding",
		"Outbox/OldestFirst_CreatedAtThenID", "Outbox/LeaseExpiresAtLeaseUntil", "Outbox/NotClaimableBeforeCreatedAt",
		"Outbox/Commit_ResetsManagedFields", "Outbox/DuplicateID_ErrExists", "Outbox/NackWithoutNow_ErrInvalid",
		"Outbox/ExpiredLeaseNotReclaimed_Accepted", "Outbox/LeaseExpiry_DeadLetterAfterMaxAttempts",
	} {
		assert.True(t, seen[name], "missing case %s", name)
	}
	// Every Query field but After and Limit (List/AfterAndLimit) has a
	// filter case.
	for _, f := range []string{"Kind", "Phases", "States", "Outcomes", "Severities", "Categories", "CreatedFrom", "CreatedUntil", "Labels", "Restricted"} {
		assert.True(t, seen["List/Filters/"+f], "no filter case for Query.%s", f)
	}
}
