// Package lifecycle is NOT IMPLEMENTED YET. It holds no code; its API
// arrives with GitHub issue #4.
//
// It will own the incident lifecycle: the five phases of ISO/IEC
// 27035-1 (plan and prepare; detect and report; assess and decide;
// respond; learn lessons) as a state machine built on
// github.com/looplab/fsm, together with the transition rules, the roles
// allowed to make each transition, the timers that run in each phase and
// a tamper-evident audit trail of every change.
//
// It serves ISO/IEC 27035-1 (the incident management process and its
// phases) and the process steps of ISO/IEC 27035-2.
package lifecycle
