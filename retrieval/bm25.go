package retrieval

import (
	"container/heap"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
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
	scratch  sync.Pool // *[]float64 of len(lengths): per-query scores
}

type posting struct {
	doc int32
	tf  float32
}

// NewBM25 indexes docs, each given as its terms (see Terms). The zero
// values of K1 and B are replaced by the usual 1.2 and 0.75.
func NewBM25(docs [][]string) *BM25 {
	ix := &BM25{K1: 1.2, B: 0.75, lengths: make([]float64, len(docs))}
	// Each worker indexes a contiguous range of documents; the ranges'
	// posting lists are then joined in order, so lists stay sorted by doc.
	workers := runtime.GOMAXPROCS(0)
	if len(docs) < 1024 {
		workers = 1
	}
	parts := make([]map[string][]posting, workers)
	per := (len(docs) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			lo, hi := min(len(docs), w*per), min(len(docs), (w+1)*per)
			m := map[string][]posting{}
			tf := map[string]int{}
			for i := lo; i < hi; i++ {
				clear(tf)
				for _, t := range docs[i] {
					tf[t]++
				}
				for t, n := range tf {
					m[t] = append(m[t], posting{doc: int32(i), tf: float32(n)})
				}
				ix.lengths[i] = float64(len(docs[i]))
			}
			parts[w] = m
		}(w)
	}
	wg.Wait()
	ix.postings = parts[0]
	for _, m := range parts[1:] {
		for t, ps := range m {
			ix.postings[t] = append(ix.postings[t], ps...)
		}
	}
	ix.finish()
	return ix
}

// EachTerm calls f with every term indexed, in no particular order.
func (ix *BM25) EachTerm(f func(term string)) {
	for t := range ix.postings {
		f(t)
	}
}

// Len is the number of documents indexed.
func (ix *BM25) Len() int { return len(ix.lengths) }

// DocFreq is the number of documents that contain term.
func (ix *BM25) DocFreq(term string) int { return len(ix.postings[term]) }

// DocFreqIn is DocFreq counted over the documents for which in is true:
// the document frequency of term within a subset, such as one story's
// chunks.
func (ix *BM25) DocFreqIn(term string, in func(doc int) bool) int {
	n := 0
	for _, p := range ix.postings[term] {
		if in(int(p.doc)) {
			n++
		}
	}
	return n
}

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
	// Scores accumulate in a dense array reused across queries; only the
	// documents touched are visited again and reset.
	buf := ix.scratch.Get().(*[]float64)
	defer ix.scratch.Put(buf)
	scores := *buf
	var touched []int32
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
			if scores[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			scores[p.doc] += idf * tf * (ix.K1 + 1) / (tf + norm)
		}
	}
	// Keep the best n in a min-heap: no sort of every matching document.
	h := make(scoredHeap, 0, n+1)
	for _, d := range touched {
		sc := Scored{Doc: int(d), Score: scores[d]}
		scores[d] = 0
		if len(h) < n {
			heap.Push(&h, sc)
		} else if better(sc, h[0]) {
			h[0] = sc
			heap.Fix(&h, 0)
		}
	}
	out := make([]Scored, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		out[i] = heap.Pop(&h).(Scored)
	}
	return out
}

// better orders results: higher score first, then lower document index.
func better(a, b Scored) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.Doc < b.Doc
}

// scoredHeap is a min-heap by better: its root is the worst kept result.
type scoredHeap []Scored

func (h scoredHeap) Len() int           { return len(h) }
func (h scoredHeap) Less(i, j int) bool { return better(h[j], h[i]) }
func (h scoredHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *scoredHeap) Push(x any)        { *h = append(*h, x.(Scored)) }
func (h *scoredHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
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

// newBM25IDs is NewBM25 for documents given as ids into vocab: each term is
// hashed once for the whole corpus instead of once per occurrence, which is
// what makes a warm start with stored terms fast.
func newBM25IDs(vocab []string, docs [][]uint32) *BM25 {
	ix := &BM25{K1: 1.2, B: 0.75, lengths: make([]float64, len(docs))}
	// Two passes over the corpus: count each term's documents, then fill
	// one array of postings in which every term's list is a slice, sorted
	// by document.
	df := make([]int32, len(vocab))
	tf := make([]int32, len(vocab))
	total := 0
	for i, d := range docs {
		for _, id := range d {
			if tf[id] == 0 {
				df[id]++
				total++
			}
			tf[id]++
		}
		for _, id := range d {
			tf[id] = 0
		}
		ix.lengths[i] = float64(len(d))
	}
	all := make([]posting, total)
	start := make([]int, len(vocab))
	off := 0
	for id, n := range df {
		start[id] = off
		off += int(n)
	}
	next := slices.Clone(start)
	for i, d := range docs {
		for _, id := range d {
			tf[id]++
		}
		for _, id := range d {
			if n := tf[id]; n > 0 {
				all[next[id]] = posting{doc: int32(i), tf: float32(n)}
				next[id]++
				tf[id] = 0
			}
		}
	}
	terms := 0
	for _, n := range df {
		if n > 0 {
			terms++
		}
	}
	ix.postings = make(map[string][]posting, terms)
	for id, n := range df {
		if n > 0 {
			ix.postings[vocab[id]] = all[start[id] : start[id]+int(n) : start[id]+int(n)]
		}
	}
	ix.finish()
	return ix
}

// finish computes the average length and sets up the per-query scratch.
func (ix *BM25) finish() {
	total := 0.0
	for _, l := range ix.lengths {
		total += l
	}
	if len(ix.lengths) > 0 {
		ix.avgLen = total / float64(len(ix.lengths))
	}
	if ix.avgLen == 0 {
		ix.avgLen = 1
	}
	ix.scratch.New = func() any {
		s := make([]float64, len(ix.lengths))
		return &s
	}
}
