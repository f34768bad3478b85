// Package prometheus is NOT IMPLEMENTED YET. It holds no code; its API
// arrives with GitHub issue #8.
//
// It will own an exporter that publishes the incident management measures
// of package github.com/iso27035/iso27035/metrics (MTTD, MTTA, MTTC,
// MTTR, closure and reopen rates) as Prometheus metrics.
//
// It serves the performance evaluation of incident management in
// ISO/IEC 27035-2:2023, 11.3.2, through package metrics.
package prometheus
