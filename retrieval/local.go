package retrieval

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
)

// LocalEmbedder is the offline default: a deterministic, pure-Go lexical
// embedding by feature hashing. Each text becomes a sparse bag of features,
// hashed with a sign into Dims buckets and L2-normalized:
//   - word stems (Snowball), weight 1, with sub-linear term frequency;
//   - pairs of adjacent stems, weight 0.5, for phrases ("security guarantees");
//   - character 4-grams of each word with its boundaries, weight 0.25 in all
//     per word, so that related forms meet ("invade"/"invasion",
//     "Russia"/"Russian") where stemming keeps them apart.
//
// It needs no network and no model files; it knows nothing of synonyms.
type LocalEmbedder struct {
	Dims int // 0 means 1024
}

// Model implements Embedder.
func (e LocalEmbedder) Model() string { return fmt.Sprintf("local-hash-v2-%d", e.dims()) }

func (e LocalEmbedder) dims() int {
	if e.Dims <= 0 {
		return 1024
	}
	return e.Dims
}

// Embed implements Embedder. It never fails unless ctx is done.
func (e LocalEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[i] = e.embed(t)
	}
	return out, nil
}

func (e LocalEmbedder) embed(text string) []float32 {
	dims := e.dims()
	feats := map[string]float64{}
	var prev string
	for _, w := range words(text) {
		if stopwords[w] && !negations[w] {
			prev = ""
			continue
		}
		s := w
		if !strings.HasSuffix(w, "_") {
			s = stemWord(w)
		}
		feats["w:"+s]++
		if prev != "" {
			feats["b:"+prev+" "+s] += 0.5
		}
		prev = s
		grams := charGrams(strings.TrimSuffix(w, "_"), 4)
		for _, g := range grams {
			feats["c:"+g] += 0.25 / float64(len(grams))
		}
	}
	v := make([]float64, dims)
	for f, n := range feats {
		h := fnv.New64a()
		h.Write([]byte(f))
		x := h.Sum64()
		sign := 1.0
		if x>>63 == 1 {
			sign = -1
		}
		// Sub-linear frequency: a word said five times is not five times
		// as relevant.
		weight := n
		if n > 1 {
			weight = 1 + math.Log(n)
		}
		v[x%uint64(dims)] += sign * weight
	}
	out := make([]float32, dims)
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	if norm == 0 {
		// An empty text still needs a unit vector: point it at a fixed
		// bucket that no feature is more likely to share than another.
		out[0] = 1
		return out
	}
	norm = math.Sqrt(norm)
	for i, x := range v {
		out[i] = float32(x / norm)
	}
	return out
}

// charGrams returns the character n-grams of w padded with '^' and '$'.
func charGrams(w string, n int) []string {
	rs := []rune("^" + w + "$")
	if len(rs) <= n {
		return []string{string(rs)}
	}
	out := make([]string, 0, len(rs)-n+1)
	for i := 0; i+n <= len(rs); i++ {
		out = append(out, string(rs[i:i+n]))
	}
	return out
}
