package strictjson

import "reflect"

// RefParse is refParse, the implementation before the one-pass scanner,
// for the external equivalence tests.
var RefParse = refParse

// FastPath reports whether Parse checks data with the one-pass scanner,
// without falling back to the tokens.
func FastPath(data []byte, v any, o Options) bool {
	_, ok := scanBytes(data, reflect.TypeOf(v), &o)
	return ok
}
