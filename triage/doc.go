// Package triage is NOT IMPLEMENTED YET. It holds no code; its API arrives
// with GitHub issues #6 and #7.
//
// It will own risk-based assessment and decision: classifying an event,
// deciding whether it is an incident, setting severity and priority,
// walking decision trees, and running the regulatory reporting clocks
// (deadlines for notifying authorities) that start when an incident is
// declared.
//
// It serves the "assess and decide" phase of ISO/IEC 27035-1 and the
// incident assessment and decision activities of ISO/IEC 27035-3,
// clause 9.
package triage
