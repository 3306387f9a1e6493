// Package retrieval turns a corpus of news articles into a searchable index:
// loading and cleaning articles, splitting them into chunks, embedding the
// chunks (offline or through an OpenAI-compatible endpoint, with a
// content-addressed cache), and hybrid search that fuses chromem-go's
// vector search with BM25.
package retrieval

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"

	chromem "github.com/philippgille/chromem-go"
)

// BatchHinter is an Embedder that says how many texts Build should hand it
// at once: a slow local embedder asks for small batches, so that progress
// shows and checkpoints come every few seconds.
type BatchHinter interface {
	BatchHint() int
}

// IndexOptions configures Build.
type IndexOptions struct {
	Chunk ChunkOptions
	// Cache supplies and receives embeddings; nil embeds everything.
	Cache *Cache
	// BatchSize is the number of texts handed to the embedder at once
	// (default: the embedder's BatchHint if it has one, else 512). The
	// embedder may split a batch into smaller requests. Progress and cache
	// checkpoints come between batches, and an interrupted build keeps
	// every batch done before it.
	BatchSize int
	// Progress, if set, is called after each batch with the number of
	// chunks whose vectors are ready and the total.
	Progress func(done, total int)
}

// BuildStats counts what Build did.
type BuildStats struct {
	Documents int
	Chunks    int // chunks indexed
	Embedded  int // chunks embedded by this build
	Reused    int // chunks whose vectors came from the cache
	// Duplicates counts chunks left out because an earlier chunk (of the
	// same or another document) has the same text (and context): a story
	// saved twice is indexed once, and its copies cannot fill the result
	// slots.
	Duplicates int
}

// Index is an immutable, searchable corpus. It is safe for concurrent use.
type Index struct {
	docs     []Document
	chunks   []Chunk
	byID     map[string]int
	keys     map[CacheKey]bool
	coll     *chromem.Collection
	lex      *BM25
	embedder Embedder
	dims     int
	// vecs are the chunks' unit vectors (shared with chromem, which keeps
	// normalized vectors as given), for the cosine of a lexical candidate
	// the vector search did not return.
	vecs [][]float32
}

// embedText is what a chunk is embedded and lexically indexed as.
func embedText(c Chunk) string {
	if c.Context == "" {
		return c.Text
	}
	return c.Context + "\n" + c.Text
}

// Build chunks docs, drops chunks whose text an earlier chunk has, embeds
// every chunk whose vector is not in the cache, and indexes the result.
// The cache receives the new vectors and every chunk's lexical terms, so
// that a warm start neither embeds nor tokenizes; saving it is the
// caller's choice, except for the checkpoints of CacheOptions.SaveEvery.
// On error (ctx cancelled, the embedder failing) the vectors of the
// batches embedded so far are in the cache.
func Build(ctx context.Context, docs []Document, emb Embedder, opt IndexOptions) (*Index, BuildStats, error) {
	chunks, dups := uniqueChunks(chunkAll(docs, opt.Chunk))
	stats := BuildStats{Documents: len(docs), Chunks: len(chunks), Duplicates: dups}
	model := emb.Model()
	texts := make([]string, len(chunks))
	keys := make([]CacheKey, len(chunks))
	parallel(len(chunks), func(i int) {
		texts[i] = embedText(chunks[i])
		keys[i] = KeyFor(model, texts[i])
	})
	var (
		vecs  [][]float32
		terms [][]uint32
		vocab []string
	)
	if opt.Cache != nil {
		vecs, terms, vocab = opt.Cache.lookup(keys)
	} else {
		vecs, terms = make([][]float32, len(chunks)), make([][]uint32, len(chunks))
	}
	var missing []int
	for i, v := range vecs {
		if v == nil {
			missing = append(missing, i)
		}
	}
	stats.Reused = len(chunks) - len(missing)
	batch := opt.BatchSize
	if h, ok := emb.(BatchHinter); ok && batch <= 0 {
		batch = h.BatchHint()
	}
	if batch <= 0 {
		batch = 512
	}
	if opt.Progress != nil {
		opt.Progress(stats.Reused, len(chunks))
	}
	for start := 0; start < len(missing); start += batch {
		end := min(start+batch, len(missing))
		in := make([]string, 0, end-start)
		for _, i := range missing[start:end] {
			in = append(in, texts[i])
		}
		out, err := emb.Embed(ctx, in)
		if err != nil {
			return nil, stats, fmt.Errorf("embed chunks: %w", err)
		}
		if len(out) != len(in) {
			return nil, stats, fmt.Errorf("embed chunks: %d vectors for %d texts", len(out), len(in))
		}
		for j, i := range missing[start:end] {
			vecs[i] = out[j]
			if opt.Cache != nil {
				opt.Cache.Put(keys[i], out[j])
			}
		}
		stats.Embedded += len(in)
		if opt.Progress != nil {
			opt.Progress(stats.Reused+stats.Embedded, len(chunks))
		}
		if opt.Cache != nil {
			opt.Cache.checkpoint()
		}
	}
	vocab, terms = fillTerms(opt.Cache, keys, texts, vocab, terms)
	ix, err := newIndex(ctx, docs, chunks, vecs, emb, vocab, terms)
	if err != nil {
		return nil, stats, err
	}
	ix.keys = make(map[CacheKey]bool, len(keys))
	for _, k := range keys {
		ix.keys[k] = true
	}
	return ix, stats, nil
}

// chunkAll chunks every document, in parallel, keeping document order.
func chunkAll(docs []Document, opt ChunkOptions) []Chunk {
	per := make([][]Chunk, len(docs))
	parallel(len(docs), func(i int) { per[i] = ChunkDocument(docs[i], opt) })
	n := 0
	for _, cs := range per {
		n += len(cs)
	}
	out := make([]Chunk, 0, n)
	for _, cs := range per {
		out = append(out, cs...)
	}
	return out
}

// uniqueChunks drops every chunk whose text an earlier one has, and says
// how many it dropped. The text compared is what is embedded and, for a
// meta chunk, the title too: two stories of one source on one day share a
// byline and a copyright line, and each keeps the chunk that answers "who
// wrote this story"; a copy of a story (same title) does not.
func uniqueChunks(chunks []Chunk) ([]Chunk, int) {
	seen := make(map[string]bool, len(chunks))
	out := chunks[:0]
	for _, c := range chunks {
		t := embedText(c)
		if c.Meta {
			t = c.Title + "\x00" + t
		}
		if seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, c)
	}
	return out, len(chunks) - len(out)
}

// fillTerms makes the lexical terms of the texts whose terms are nil,
// stores them in the cache (when there is one) beside the vectors, and
// returns every text's terms as ids into the returned vocabulary.
func fillTerms(cache *Cache, keys []CacheKey, texts []string, vocab []string, terms [][]uint32) ([]string, [][]uint32) {
	var need []int
	for i, t := range terms {
		if t == nil {
			need = append(need, i)
		}
	}
	if len(need) == 0 {
		return vocab, terms
	}
	made := make([][]string, len(need))
	parallel(len(need), func(j int) { made[j] = lexicalTerms(texts[need[j]]) })
	if cache != nil {
		ks := make([]CacheKey, len(need))
		for j, i := range need {
			ks[j] = keys[i]
		}
		ids, v := cache.putTerms(ks, made)
		for j, i := range need {
			terms[i] = ids[j]
		}
		return v, terms
	}
	id := make(map[string]uint32, len(vocab))
	for i, t := range vocab {
		id[t] = uint32(i)
	}
	for j, i := range need {
		ids := make([]uint32, len(made[j]))
		for k, t := range made[j] {
			n, ok := id[t]
			if !ok {
				n = uint32(len(vocab))
				vocab = append(vocab, t)
				id[t] = n
			}
			ids[k] = n
		}
		terms[i] = ids
	}
	return vocab, terms
}

// NewIndexFromVectors indexes chunks whose vectors are already known (one
// per chunk, normalized, all of one length). Benchmarks and tools use it;
// Build is the usual way in.
func NewIndexFromVectors(ctx context.Context, chunks []Chunk, vecs [][]float32, emb Embedder) (*Index, error) {
	texts := make([]string, len(chunks))
	for i, c := range chunks {
		texts[i] = embedText(c)
	}
	vocab, terms := fillTerms(nil, nil, texts, nil, make([][]uint32, len(chunks)))
	return newIndex(ctx, nil, chunks, vecs, emb, vocab, terms)
}

// newIndex indexes chunks with their vectors, and their lexical terms
// given as ids into vocab.
func newIndex(ctx context.Context, docs []Document, chunks []Chunk, vecs [][]float32, emb Embedder, vocab []string, terms [][]uint32) (*Index, error) {
	if len(chunks) != len(vecs) || len(chunks) != len(terms) {
		return nil, fmt.Errorf("index: %d vectors and %d term lists for %d chunks", len(vecs), len(terms), len(chunks))
	}
	ix := &Index{docs: docs, chunks: chunks, byID: make(map[string]int, len(chunks)), embedder: emb}
	db := chromem.NewDB()
	coll, err := db.CreateCollection("chunks", nil, func(context.Context, string) ([]float32, error) {
		return nil, errors.New("the index embeds queries itself")
	})
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	for i, c := range chunks {
		if _, dup := ix.byID[c.ID]; dup {
			return nil, fmt.Errorf("index: duplicate chunk ID %q", c.ID)
		}
		if len(vecs[i]) == 0 {
			return nil, fmt.Errorf("index: chunk %s has no vector", c.ID)
		}
		if ix.dims == 0 {
			ix.dims = len(vecs[i])
		} else if len(vecs[i]) != ix.dims {
			return nil, fmt.Errorf("index: chunk %s has %d dimensions, others %d", c.ID, len(vecs[i]), ix.dims)
		}
		ix.byID[c.ID] = i
	}
	// AddDocument on a few workers, not AddConcurrently, which starts a
	// goroutine per document. chromem keys documents by ID; ours are
	// positions, so lookups back into chunks need no map of strings at
	// query time.
	errs := make([]error, len(chunks))
	parallel(len(chunks), func(i int) {
		errs[i] = coll.AddDocument(ctx, chromem.Document{ID: strconv.Itoa(i), Embedding: vecs[i], Content: chunks[i].Text})
	})
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	ix.coll = coll
	ix.vecs = vecs
	ix.lex = newBM25IDs(vocab, terms)
	return ix, nil
}

// parallel runs f(0..n-1) on all processors.
func parallel(n int, f func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 256 || workers == 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	done := make(chan struct{})
	per := (n + workers - 1) / workers
	for w := 0; w < workers; w++ {
		go func(lo, hi int) {
			defer func() { done <- struct{}{} }()
			for i := lo; i < hi; i++ {
				f(i)
			}
		}(w*per, min(n, (w+1)*per))
	}
	for w := 0; w < workers; w++ {
		<-done
	}
}

// Docs returns the indexed documents. Do not modify them.
func (ix *Index) Docs() []Document { return ix.docs }

// Chunks returns the indexed chunks in document order. Do not modify them.
func (ix *Index) Chunks() []Chunk { return ix.chunks }

// Len is the number of chunks.
func (ix *Index) Len() int { return len(ix.chunks) }

// Keys returns the cache keys of the chunks' vectors, for Cache.Retain.
func (ix *Index) Keys() map[CacheKey]bool { return ix.keys }

// EmbedderModel is the model name of the index's embedder.
func (ix *Index) EmbedderModel() string { return ix.embedder.Model() }

// Lexical exposes the BM25 ranker, whose statistics (document frequency,
// IDF) tell how informative a query term is in this corpus.
func (ix *Index) Lexical() *BM25 { return ix.lex }

// Search embeds query and returns the k best chunks (see SearchVector).
func (ix *Index) Search(ctx context.Context, query string, k int) ([]Hit, error) {
	if len(ix.chunks) == 0 || k <= 0 {
		return nil, nil
	}
	vs, err := ix.embedder.Embed(ctx, []string{query})
	if err != nil {
		return nil, fmt.Errorf("embed question: %w", err)
	}
	if len(vs) != 1 {
		return nil, fmt.Errorf("embed question: %d vectors for 1 text", len(vs))
	}
	return ix.SearchVector(ctx, vs[0], query, k)
}

// SearchVector returns the k best chunks for a query given as its vector
// and its text: the vector ranking (chromem, cosine) and the BM25 ranking
// of the text, each over the best candidates, fused by a weighted sum of
// their scaled scores (WeightedSum). Hit.Score is the fused score, in
// [0, 1].
func (ix *Index) SearchVector(ctx context.Context, qvec []float32, query string, k int) ([]Hit, error) {
	n := len(ix.chunks)
	if n == 0 || k <= 0 {
		return nil, nil
	}
	if len(qvec) != ix.dims {
		return nil, fmt.Errorf("search: query has %d dimensions, index %d", len(qvec), ix.dims)
	}
	depth := min(n, max(3*k, 20))
	// chromem errors when nResults exceeds the collection's count: depth
	// is clamped above.
	res, err := ix.coll.QueryEmbedding(ctx, qvec, depth, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	vecScore := make(map[int]float64, len(res))
	for _, r := range res {
		i, err := strconv.Atoi(r.ID)
		if err != nil || i < 0 || i >= n {
			return nil, fmt.Errorf("search: unknown chunk %q", r.ID)
		}
		vecScore[i] = float64(r.Similarity)
	}
	lexHits := ix.lex.Search(queryTerms(query), depth)
	lexScore := make(map[int]float64, len(lexHits))
	for _, h := range lexHits {
		lexScore[h.Doc] = h.Score
	}
	// The lexical list's candidates get their cosine too, so every
	// candidate has both scores.
	for _, h := range lexHits {
		if _, ok := vecScore[h.Doc]; !ok {
			vecScore[h.Doc] = dot(qvec, ix.vecs[h.Doc])
		}
	}
	fused := WeightedSum(fusionVectorWeight, vecScore, lexScore)
	if len(fused) > k {
		fused = fused[:k]
	}
	hits := make([]Hit, len(fused))
	for j, f := range fused {
		hits[j] = Hit{Chunk: ix.chunks[f.Doc], Score: f.Score, Lexical: lexScore[f.Doc], Vector: vecScore[f.Doc]}
	}
	return hits, nil
}

// fusionVectorWeight is the vector side's weight in SearchVector's
// weighted score sum (the lexical side's is 1 − it): an equal sum, not a
// tuned value. With the sentence encoder on the development sets (README,
// "Retrieval fusion"), the equal sum beat reciprocal rank fusion and the
// sums weighted 0.3 and 0.7.
const fusionVectorWeight = 0.5

// dot is the dot product of two vectors of one length (the cosine of unit
// vectors).
func dot(a, b []float32) float64 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return float64(s)
}
