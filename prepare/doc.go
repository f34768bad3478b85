// Package prepare is NOT IMPLEMENTED YET. It holds no code; its API
// arrives with GitHub issue #10.
//
// It will own the "plan and prepare" phase: the incident management
// policy and plan, incident response teams and their members, on-call
// rotations, playbooks, and readiness checks that tell whether the
// preparation is complete and current.
//
// It serves the plan and prepare phase of ISO/IEC 27035-1 and the
// guidelines for planning and preparing for incident response in
// ISO/IEC 27035-2.
package prepare
