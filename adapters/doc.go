// Package adapters is the root of the nested adapters module,
// github.com/iso27035/iso27035/adapters. It holds no code of its own; its
// subpackages connect the SDK to concrete infrastructure: SQL databases
// (adapters/sqlite, adapters/postgres), a message bus (adapters/nats) and
// a metrics system (adapters/prometheus).
//
// # Why a nested module
//
// Drivers pull in large dependency trees. Keeping them in their own
// module keeps the dependency list of the root module,
// github.com/iso27035/iso27035, short, so vendors that embed the SDK get
// a small software bill of materials (SBOM) and only take on a driver's
// dependencies when they import that adapter.
//
// # Development
//
// The go.work file at the repository root puts both modules in one
// workspace, and adapters/go.mod replaces the root module with the
// parent directory (replace github.com/iso27035/iso27035 => ../), so
// changes to the root module are seen here at once, with or without the
// workspace.
//
// # Release order
//
//  1. Tag the root module: vX.Y.Z.
//  2. In adapters/go.mod, bump the requirement on
//     github.com/iso27035/iso27035 to that tag and drop the replace
//     directive.
//  3. Tag this module: adapters/vX.Y.Z.
package adapters
