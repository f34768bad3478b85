// Package coordination is NOT IMPLEMENTED YET. It holds no code; its API
// arrives with GitHub issue #12.
//
// It will own incidents that span organisations: linking an incident to
// its counterparts at partners, sharing information under the Traffic
// Light Protocol (TLP 2.0), and exchanging indicators and reports as
// STIX 2.1 objects.
//
// It serves ISO/IEC 27035-4:2024 (coordination of incident management
// across organisations).
package coordination
