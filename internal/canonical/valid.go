package canonical

import "encoding/binary"

// Valid reports whether data is one JSON value (RFC 8259), optionally
// surrounded by whitespace. It accepts exactly what encoding/json.Valid
// accepts — including invalid UTF-8 inside strings, which encoding/json
// also lets through, and nesting up to encoding/json's limit of 10 000 —
// so a store may call it in place of json.Valid without changing what it
// refuses (FuzzValid compares the two). It is not the canonical form's
// check: AppendJSON is stricter.
//
// It exists because json.Valid runs encoding/json's scanner, a function
// call per byte; this is one loop over the bytes that does not allocate,
// some five times faster on the payloads the lifecycle engine writes.
func Valid(data []byte) bool {
	// inObject has bit d set when the container opened at depth d is an
	// object (clear: an array). 10 048 bits on the stack.
	var inObject [(validMaxDepth + 63) / 64]uint64
	depth := 0
	i := skipWS(data, 0)
	for {
		// A value starts at i.
		if i >= len(data) {
			return false
		}
		switch c := data[i]; {
		case c == '{' || c == '[':
			if depth >= validMaxDepth {
				return false
			}
			word, bit := depth/64, uint64(1)<<(depth%64)
			if c == '{' {
				inObject[word] |= bit
			} else {
				inObject[word] &^= bit
			}
			i = skipWS(data, i+1)
			if i < len(data) && (c == '{' && data[i] == '}' || c == '[' && data[i] == ']') {
				i++
				break // an empty container is a complete value
			}
			depth++
			if c == '{' {
				var ok bool
				if i, ok = validKey(data, i); !ok {
					return false
				}
			}
			continue // its first element
		case c == '"':
			var ok bool
			if i, ok = validString(data, i); !ok {
				return false
			}
		case c == '-' || c >= '0' && c <= '9':
			var ok bool
			if i, ok = validNumber(data, i); !ok {
				return false
			}
		case c == 't':
			if !hasLiteral(data, i, "true") {
				return false
			}
			i += 4
		case c == 'f':
			if !hasLiteral(data, i, "false") {
				return false
			}
			i += 5
		case c == 'n':
			if !hasLiteral(data, i, "null") {
				return false
			}
			i += 4
		default:
			return false
		}
		// A value ended before i: close containers until one continues
		// with a further element.
		for {
			i = skipWS(data, i)
			if depth == 0 {
				return i == len(data)
			}
			if i >= len(data) {
				return false
			}
			obj := inObject[(depth-1)/64]&(uint64(1)<<((depth-1)%64)) != 0
			c := data[i]
			if c == ',' {
				i = skipWS(data, i+1)
				if obj {
					var ok bool
					if i, ok = validKey(data, i); !ok {
						return false
					}
				}
				break
			}
			if obj && c == '}' || !obj && c == ']' {
				depth--
				i++
				continue
			}
			return false
		}
	}
}

// validMaxDepth is encoding/json's nesting limit (maxNestingDepth):
// deeper input is not valid there.
const validMaxDepth = 10000

// validKey checks an object key, its colon and the whitespace after it at
// data[i:], and returns where the member's value starts.
func validKey(data []byte, i int) (int, bool) {
	if i >= len(data) || data[i] != '"' {
		return i, false
	}
	i, ok := validString(data, i)
	if !ok {
		return i, false
	}
	i = skipWS(data, i)
	if i >= len(data) || data[i] != ':' {
		return i, false
	}
	return skipWS(data, i+1), true
}

// plain marks the bytes a string holds as they are: not '"', not '\' and
// not a control character.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// validString checks the string starting with the quote at data[i] and
// returns the index after its closing quote.
func validString(data []byte, i int) (int, bool) {
	i++
	for {
		// Eight bytes at a time while none of them is special.
		for len(data)-i >= 8 && !special8(binary.LittleEndian.Uint64(data[i:])) {
			i += 8
		}
		for i < len(data) && plain[data[i]] {
			i++
		}
		if i >= len(data) {
			return i, false
		}
		switch data[i] {
		case '"':
			return i + 1, true
		case '\\':
			i++
			if i >= len(data) {
				return i, false
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if len(data)-i < 5 {
					return i, false
				}
				for _, h := range data[i+1 : i+5] {
					if !isHex(h) {
						return i, false
					}
				}
				i += 5
			default:
				return i, false
			}
		default: // a control character
			return i, false
		}
	}
}

// special8 reports whether any of the eight bytes in x is '"', '\\' or a
// control character (below 0x20). Each test is the exact "some byte is
// zero" or "some byte is below n" bit trick; which lane it flags may be
// wrong, so the caller rescans those eight bytes one by one.
func special8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	below := (x - ones*0x20) &^ x & highs
	q := x ^ (ones * '"')
	quote := (q - ones) &^ q & highs
	bs := x ^ (ones * '\\')
	backslash := (bs - ones) &^ bs & highs
	return below|quote|backslash != 0
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// validNumber checks the number starting at data[i] and returns the index
// after it: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. A digit right
// after a leading 0 ends the number, and the caller then refuses the
// digit as it would any other byte after a value.
func validNumber(data []byte, i int) (int, bool) {
	if data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return i, false
	case data[i] == '0':
		i++
	case data[i] >= '1' && data[i] <= '9':
		i = digits(data, i+1)
	default:
		return i, false
	}
	if i < len(data) && data[i] == '.' {
		j := digits(data, i+1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := digits(data, i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

func digits(data []byte, i int) int {
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	return i
}

func hasLiteral(data []byte, i int, lit string) bool {
	return len(data)-i >= len(lit) && string(data[i:i+len(lit)]) == lit
}

func skipWS(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}
