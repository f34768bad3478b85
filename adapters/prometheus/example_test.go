package prometheus_test

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	prom "github.com/prometheus/client_golang/prometheus"

	"github.com/iso27035/iso27035/adapters/prometheus"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/metrics"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
)

// A host computes the KPI report on its own schedule and hands the latest
// to the collector through Reports; scrapes read the outbox directly. A
// real host serves reg with promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).
func ExampleNew() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

	// One notification waiting for the relay since 11:55.
	st := memory.New()
	id := uuid.Must(uuid.NewV7())
	err := st.Commit(ctx, "acme", &store.Write{Outbox: []store.OutboxEntry{{ID: id, Type: "incident.declared",
		RecordID: id, Seq: 1, IdempotencyKey: id.String(), CreatedAt: now.Add(-5 * time.Minute)}}})
	if err != nil {
		panic(err)
	}

	// The latest report: one incident contained after 90 minutes, one
	// still open. (A host computes it over st.List on a ticker.)
	contained := &incident.Incident{}
	contained.CreatedAt = now.Add(-3 * time.Hour)
	contained.Timeline.Detected = incident.At(now.Add(-3 * time.Hour))
	contained.Timeline.Contained = incident.At(now.Add(-90 * time.Minute))
	open := &incident.Incident{}
	open.CreatedAt = now.Add(-time.Hour)
	open.Timeline.Detected = incident.At(now.Add(-time.Hour))
	rep, err := metrics.Compute(func(yield func(incident.Record, error) bool) {
		_ = yield(contained, nil) && yield(open, nil)
	}, metrics.Options{Until: now})
	if err != nil {
		panic(err)
	}
	var latest prometheus.Reports
	latest.Set("acme", rep)

	c, err := prometheus.New(st, []string{"acme"},
		prometheus.WithReports(latest.Report),
		prometheus.WithClock(func() time.Time { return now }))
	if err != nil {
		panic(err)
	}
	reg := prom.NewRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		panic(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			switch mf.GetName() {
			case "iso27035_outbox_pending", "iso27035_outbox_oldest_age_seconds":
				fmt.Println(mf.GetName(), m.GetGauge().GetValue())
			case "iso27035_incidents_left_out":
				if m.GetGauge().GetValue() > 0 && m.GetLabel()[0].GetValue() == metrics.TimeToContain {
					fmt.Println(mf.GetName(), m.GetLabel()[1].GetValue(), m.GetGauge().GetValue())
				}
			case "iso27035_incident_duration_seconds":
				if m.GetLabel()[0].GetValue() == metrics.TimeToContain {
					fmt.Println(mf.GetName(), "count", m.GetSummary().GetSampleCount(), "sum", m.GetSummary().GetSampleSum())
				}
			}
		}
	}
	// Output:
	// iso27035_incident_duration_seconds count 1 sum 5400
	// iso27035_incidents_left_out open 1
	// iso27035_outbox_oldest_age_seconds 300
	// iso27035_outbox_pending 1
}
