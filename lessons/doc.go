// Package lessons is NOT IMPLEMENTED YET. It holds no code; its API
// arrives with GitHub issue #11.
//
// It will own the "learn lessons" phase: post-incident reviews, root
// causes, action items and their follow-up, and near misses.
//
// It serves the lessons learned phase of ISO/IEC 27035-1:2023, 5.6, and
// ISO/IEC 27035-2, clause 12.
package lessons
