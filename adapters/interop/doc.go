// Package interop holds interoperability tests that need third-party
// validators, such as a JSON Schema implementation to check the schemas
// of package incident and the documents the SDK writes against them.
//
// They live in the adapters module, not in the root module, so that the
// root module keeps its short dependency list: the validators are test
// dependencies of this package only. The package has no code of its own.
package interop
