package memory

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestArenaClonesAreFullSlices(t *testing.T) {
	a := newArena(5)
	x, n, e, y := a.clone([]byte("ab")), a.clone(nil), a.clone([]byte{}), a.clone([]byte("cde"))
	assert.Equal(t, []byte("ab"), x)
	assert.Nil(t, n)
	assert.NotNil(t, e)
	assert.Empty(t, e)
	assert.Equal(t, []byte("cde"), y)
	assert.Equal(t, len(x), cap(x), "an append to one copy must not run into the next")
	_ = append(x, 'Z')
	assert.Equal(t, []byte("cde"), y)
	assert.Nil(t, newArena(0).b)
}
