package prometheus

import (
	"context"
	"sync"

	"github.com/iso27035/iso27035/metrics"
)

// Reports keeps the latest KPI report of each tenant, for hosts that
// compute reports on their own schedule and let scrapes read the latest:
// call Set when a report is ready and pass the Report method to
// WithReports. The zero value is ready to use; a Reports is safe for
// concurrent use.
type Reports struct {
	mu sync.RWMutex
	m  map[string]*metrics.Report
}

// Set makes rep the tenant's latest report; nil removes it. rep must not
// be changed afterwards: scrapes read it without a lock.
func (r *Reports) Set(tenant string, rep *metrics.Report) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rep == nil {
		delete(r.m, tenant)
		return
	}
	if r.m == nil {
		r.m = make(map[string]*metrics.Report)
	}
	r.m[tenant] = rep
}

// Report returns the tenant's latest report, nil when none was set. It is a
// ReportFunc and never fails.
func (r *Reports) Report(_ context.Context, tenant string) (*metrics.Report, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.m[tenant], nil
}
