package retrieval

import (
	"math"
	"sort"
	"strings"
)

// PrefixWeight scales the score of prefix keys (terms that start with '~').
const PrefixWeight = 0.5

// SynonymWeight scales the score of synonyms added to a query (terms that
// start with '=').
const SynonymWeight = 0.6

// BM25 is an Okapi BM25 ranker over a fixed set of documents, with an
// inverted index so that a query costs time in proportion to the postings
// of its terms, not to the number of documents.
type BM25 struct {
	K1, B    float64
	postings map[string][]posting
	lengths  []float64
	avgLen   float64
}

type posting struct {
	doc int32
	tf  float32
}

// NewBM25 indexes docs, each given as its terms (see Terms). The zero
// values of K1 and B are replaced by the usual 1.2 and 0.75.
func NewBM25(docs [][]string) *BM25 {
	ix := &BM25{K1: 1.2, B: 0.75, postings: map[string][]posting{}, lengths: make([]float64, len(docs))}
	total := 0.0
	for i, terms := range docs {
		tf := map[string]int{}
		for _, t := range terms {
			tf[t]++
		}
		for t, n := range tf {
			ix.postings[t] = append(ix.postings[t], posting{doc: int32(i), tf: float32(n)})
		}
		ix.lengths[i] = float64(len(terms))
		total += float64(len(terms))
	}
	if len(docs) > 0 {
		ix.avgLen = total / float64(len(docs))
	}
	if ix.avgLen == 0 {
		ix.avgLen = 1
	}
	return ix
}

// Len is the number of documents indexed.
func (ix *BM25) Len() int { return len(ix.lengths) }

// DocFreq is the number of documents that contain term.
func (ix *BM25) DocFreq(term string) int { return len(ix.postings[term]) }

// IDF is the BM25 inverse document frequency of term (always positive).
func (ix *BM25) IDF(term string) float64 {
	n := float64(len(ix.lengths))
	df := float64(len(ix.postings[term]))
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// Scored is a document index with its score.
type Scored struct {
	Doc   int
	Score float64
}

// Search returns up to n documents that contain at least one query term,
// best first (ties by document order).
func (ix *BM25) Search(query []string, n int) []Scored {
	if n <= 0 || len(ix.lengths) == 0 {
		return nil
	}
	scores := map[int32]float64{}
	seen := map[string]bool{}
	for _, t := range query {
		if seen[t] {
			continue
		}
		seen[t] = true
		scale := 1.0
		switch {
		case strings.HasPrefix(t, "~"):
			// A prefix key is weaker evidence than the word itself.
			scale = PrefixWeight
		case strings.HasPrefix(t, "="):
			// So is a synonym from the thesaurus.
			t, scale = t[1:], SynonymWeight
			if seen[t] {
				continue
			}
		}
		ps := ix.postings[t]
		if len(ps) == 0 {
			continue
		}
		idf := ix.IDF(t) * scale
		for _, p := range ps {
			tf := float64(p.tf)
			norm := ix.K1 * (1 - ix.B + ix.B*ix.lengths[p.doc]/ix.avgLen)
			scores[p.doc] += idf * tf * (ix.K1 + 1) / (tf + norm)
		}
	}
	out := make([]Scored, 0, len(scores))
	for d, s := range scores {
		out = append(out, Scored{Doc: int(d), Score: s})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Doc < out[j].Doc
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// RRF fuses rankings by reciprocal rank fusion: each document scores the
// sum over rankings of 1/(k+rank), rank counted from 1. k is usually 60.
// The result is best first, ties by document index.
func RRF(k float64, rankings ...[]int) []Scored {
	scores := map[int]float64{}
	for _, r := range rankings {
		for i, d := range r {
			scores[d] += 1 / (k + float64(i+1))
		}
	}
	out := make([]Scored, 0, len(scores))
	for d, s := range scores {
		out = append(out, Scored{Doc: d, Score: s})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Doc < out[j].Doc
	})
	return out
}
