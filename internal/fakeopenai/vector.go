package fakeopenai

import (
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"unicode"
)

// Vector returns the embedding the server computes for text: a hashed bag
// of its lower-cased words (so texts sharing words are similar, and
// retrieval over fake embeddings means something) plus a small part seeded
// by the whole text (so that no vector is zero and distinct texts differ).
// It is deterministic and deliberately not of unit length: clients must
// normalize.
func Vector(text string, dims int) []float32 {
	if dims <= 0 {
		dims = DefaultDims
	}
	v := make([]float32, dims)
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, w := range words {
		h := hash64(w)
		sign := float32(1)
		if h>>63 == 1 {
			sign = -1
		}
		v[h%uint64(dims)] += sign
	}
	h := hash64(text)
	rng := rand.New(rand.NewPCG(h, h^0x9e3779b97f4a7c15))
	for i := range v {
		v[i] = 3 * (v[i] + 0.05*(2*rng.Float32()-1))
	}
	return v
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
