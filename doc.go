// Package iso27035 is the map of an SDK for information security incident
// management as ISO/IEC 27035 (parts 1 to 4) describes it. It holds no code:
// it tells which package implements which part of the standard.
//
// # The standard's process and where it lives
//
// ISO/IEC 27035-1:2023 (principles and process) names five phases; ISO/IEC
// 27035-3:2020 (ICT incident response operations) names the operational
// steps inside them; ISO/IEC 27035-2:2023 covers the first and last phase
// in depth; ISO/IEC 27035-4:2024 covers incidents handled by several
// organisations together.
//
//	phase / part                          clause                 package        status
//	------------------------------------  ---------------------  -------------  ---------------
//	records: event, incident,             27035-1 3 (27002:2022  incident       implemented
//	  vulnerability, outcome, timeline,     3.1.14, 3.1.15,
//	  facts, impact, evidence, tasks        3.1.38); 27037; 5.28
//	1 Plan and prepare                    27035-1 5.2; 27035-2   prepare        implemented (issue 10)
//	                                        4-11
//	2 Detect and report                   27035-1 5.3; 27035-3   lifecycle      implemented (issue 4)
//	                                        7-8
//	3 Assess and decide                   27035-1 5.4; 27035-3 9 lifecycle,     implemented (issues 4,
//	                                                               triage         6)
//	4 Respond                             27035-1 5.5; 27035-3   lifecycle      implemented (issue 4)
//	                                        10-12
//	5 Learn lessons                       27035-1 5.6; 27035-2   lessons        implemented (issue 11)
//	                                        12
//	Regulatory reporting clocks           GDPR, NIS2, DORA, CRA, triage/clocks  implemented (issue 7)
//	                                        SEC, HIPAA, CIRCIA
//	Performance measurement               27035-2 11.3.2         metrics        implemented (issue 8)
//	Coordination across organisations     27035-4; TLP 2.0;      coordination   implemented (issue 12)
//	                                        STIX 2.1
//	Audit trail (records of actions,      27035-1 5; CSF         lifecycle      implemented (hash chain,
//	  their integrity and provenance)       RS.AN-06                             checkpoints, exports)
//	Roles and what they may do (rules)    27035-2 7.2-7.3        lifecycle      implemented (issue 4)
//	Storage and notification contracts    -                      store, notify  implemented
//	In-memory store, conformance suites   -                      store/memory,  implemented
//	                                                               storetest,
//	                                                               notifytest
//	Outbox delivery                       -                      relay          implemented
//
// The phases, the operational states, outcomes, priorities, TLP markings and
// the obligations owed on an incident are values of package incident, so
// every other package and every store names them the same way.
//
// # Coverage and its limits
//
// Implemented: the domain model (incident), the storage and notification
// contracts with the in-memory store and conformance suites, the relay, and
// lifecycle: the engine that moves records through the phases, with its
// rules, roles, timers and audit trail; triage (decisions, SSVC, CVSS); the
// SQLite and PostgreSQL stores (module adapters); the regulatory clocks
// (triage/clocks, an engine lifecycle.ObligationSource); metrics; lessons
// learned (reviews with cost and impact and the plan's sign-off roles,
// action items, recurring causes fed back as change proposals);
// preparation (teams, on-call, playbooks as the engine's
// lifecycle.TaskSource, readiness, change proposals); coordination across
// organisations (cases, TLP 2.0 enforced on every share, view and export,
// STIX 2.1 exchange). Every package of the map is implemented. The
// webhook notifier and the NATS adapter are implemented (issue 9). The ISO texts themselves were not
// available to the authors:
// machine names are the SDK's own, the clause numbers of the three middle
// phases of 27035-1:2023 follow the 2016 edition and are unconfirmed, and
// the example severity classes of 27035-2 are unconfirmed and shipped only
// as a replaceable scale.
//
// # Layout
//
// Imports go down floors only: incident (floor 0) imports nothing of the
// SDK; store and notify (floor 1) are contracts; the process packages
// (floor 2) take contracts as parameters; store/memory, store/storetest,
// notify/webhook and notify/notifytest (floor 3) are reference
// implementations and conformance suites using the standard library only;
// drivers live in the nested module github.com/iso27035/iso27035/adapters
// so this module's dependency list stays short. ARCHITECTURE.md explains
// the floors.
package iso27035
