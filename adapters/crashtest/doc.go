// Package crashtest holds the crash and concurrency tests of the SQLite and
// PostgreSQL stores under the lifecycle engine (issue 5, "Atomicity under
// crashes"). It has no API: everything is in its tests.
//
// The crash tests re-execute the test binary as a driver process (see
// TestMain) that drives engine changes on a store and prints one line per
// acknowledged write, after its Commit returned. The test kills the driver
// with SIGKILL at random points, again and again on the same database, and
// after every kill checks that:
//
//   - every acknowledged write is present (the record's version is at least
//     the acknowledged one);
//   - every record's audit chain verifies and ends at the record's version
//     (no state change without its audit record);
//   - the outbox holds exactly one entry per audit record, with the
//     idempotency key "<record-id>/<seq>", and nothing else but the
//     engine's lessons-learned and checkpoint notifications;
//   - the timers the records name exist, and no timer names a missing record
//     or task;
//   - a checkpoint signed now verifies against the store, and so do all the
//     checkpoints signed after the earlier kills.
//
// For PostgreSQL a further test crashes the server itself (pg_ctl stop -m
// immediate) under load, on a throwaway cluster it creates, and checks the
// same after recovery.
//
// The PostgreSQL tests need ISO27035_POSTGRES_DSN (as those of package
// postgres do); the server crash test needs root and the PostgreSQL server
// binaries too. Without them they are skipped, unless CI=true, when they
// fail. ISO27035_CRASHTEST_KILLS sets the number of kills of each crash
// test (more for a soak run); -short runs fewer.
package crashtest
