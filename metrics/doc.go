// Package metrics is NOT IMPLEMENTED YET. It holds no code; its API
// arrives with GitHub issue #8.
//
// It will own the measures of incident management performance computed
// from incident histories: mean time to detect (MTTD), acknowledge
// (MTTA), contain (MTTC) and resolve (MTTR), and closure and reopen
// rates.
//
// It serves the performance evaluation of incident management in
// ISO/IEC 27035-2:2023, 11.3.2.
package metrics
