package retrieval

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	chromem "github.com/philippgille/chromem-go"
)

// Benchmarks at scale on the synthetic corpus (synth_test.go). One run
//
//	go test -run '^$' -bench 'Search|ChromemQuery|WarmStart' -benchtime 20x ./retrieval/
//
// gives the project's search and bare chromem side by side for each size.

var scaleSizes = []int{1000, 10000, 100000}

// skipLarge skips the 100,000-chunk cases in -short mode and under the
// race detector, where they would take minutes.
func skipLarge(tb testing.TB, n int) {
	tb.Helper()
	if n < 100000 {
		return
	}
	if testing.Short() {
		tb.Skip("100,000 chunks: skipped in -short mode")
	}
	if raceEnabled() {
		tb.Skip("100,000 chunks: skipped under the race detector")
	}
}

func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// BenchmarkSearch is the project's full search (chromem's vector ranking,
// BM25 over the inverted index, reciprocal rank fusion) given the query's
// vector and text, top 5.
func BenchmarkSearch(b *testing.B) {
	for _, n := range scaleSizes {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) {
			skipLarge(b, n)
			sc := synthetic(b, n)
			ctx := context.Background()
			ix, err := NewIndexFromVectors(ctx, sc.Chunks, sc.Vecs, synthFailingEmbedder{b})
			if err != nil {
				b.Fatal(err)
			}
			// Pay for the garbage of building now, not inside the loop.
			runtime.GC()
			i := 0
			for b.Loop() {
				q := sc.Queries[i%len(sc.Queries)]
				i++
				hits, err := ix.SearchVector(ctx, q.Vec, q.Text, 5)
				if err != nil || len(hits) != 5 {
					b.Fatalf("%d hits, err %v", len(hits), err)
				}
			}
		})
	}
}

// BenchmarkChromemQuery is bare chromem-go on the same vectors: one
// collection, QueryEmbedding top 5.
func BenchmarkChromemQuery(b *testing.B) {
	for _, n := range scaleSizes {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) {
			skipLarge(b, n)
			sc := synthetic(b, n)
			ctx := context.Background()
			coll := bareCollection(b, sc)
			runtime.GC()
			i := 0
			for b.Loop() {
				q := sc.Queries[i%len(sc.Queries)]
				i++
				res, err := coll.QueryEmbedding(ctx, q.Vec, 5, nil, nil)
				if err != nil || len(res) != 5 {
					b.Fatalf("%d results, err %v", len(res), err)
				}
			}
		})
	}
}

func bareCollection(tb testing.TB, sc *synthCorpus) *chromem.Collection {
	tb.Helper()
	coll, err := chromem.NewDB().CreateCollection("bare", nil, func(context.Context, string) ([]float32, error) {
		return nil, errors.New("no embedding function")
	})
	if err != nil {
		tb.Fatal(err)
	}
	ids := make([]string, len(sc.Chunks))
	contents := make([]string, len(sc.Chunks))
	for i, c := range sc.Chunks {
		ids[i] = strconv.Itoa(i)
		contents[i] = c.Text
	}
	if err := coll.AddConcurrently(context.Background(), ids, sc.Vecs, nil, contents, runtime.GOMAXPROCS(0)); err != nil {
		tb.Fatal(err)
	}
	return coll
}

// BenchmarkWarmStart is a start with a warm cache: open the cache file that
// holds every vector, and Build, with an embedder that fails if called.
// terms=stored is the cache as a build leaves it, with each chunk's lexical
// terms beside its vector; the baseline terms=recomputed holds vectors only
// (as a cache of format version 1 did), so Build tokenizes every chunk.
// cpu-s/op is the CPU time of all threads per start, which other jobs on
// the machine do not inflate as they do ns/op. heap/raw is the live heap
// the cache and index add (after GC, the
// documents being already loaded) over the raw vector and chunk text bytes.
func BenchmarkWarmStart(b *testing.B) {
	for _, n := range []int{100000} {
		for _, stored := range []bool{true, false} {
			name := fmt.Sprintf("chunks=%d/terms=stored", n)
			if !stored {
				name = fmt.Sprintf("chunks=%d/terms=recomputed", n)
			}
			b.Run(name, func(b *testing.B) {
				skipLarge(b, n)
				sc := synthetic(b, n)
				dir := b.TempDir()
				writeSynthCache(b, dir, sc, stored)
				benchWarmStart(b, sc, dir)
			})
		}
	}
}

func benchWarmStart(b *testing.B, sc *synthCorpus, dir string) {
	n := len(sc.Chunks)
	ctx := context.Background()
	var before, after runtime.MemStats
	var ix *Index
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		ix = nil
		runtime.GC()
		runtime.ReadMemStats(&before)
		cpu0 := processCPU()
		b.StartTimer()

		c, warn, err := OpenCache(dir)
		if err != nil || warn != nil || c.Len() != n {
			b.Fatalf("cache: %d entries, warn %v, err %v", c.Len(), warn, err)
		}
		var st BuildStats
		ix, st, err = Build(ctx, sc.Docs, synthFailingEmbedder{b}, IndexOptions{Cache: c})
		if err != nil || st.Reused != n || st.Embedded != 0 {
			b.Fatalf("build: %+v, err %v", st, err)
		}

		b.StopTimer()
		cpu += processCPU() - cpu0
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(c)
		b.StartTimer()
	}
	runtime.KeepAlive(ix)
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	raw := float64(sc.VecBytes() + sc.TextBytes)
	heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	b.ReportMetric(heap/raw, "heap/raw")
	b.ReportMetric(heap/(1<<20), "heap-MiB")
	b.ReportMetric(raw/(1<<20), "raw-MiB")
}

// writeSynthCache saves a cache in dir holding every vector of sc under the
// key Build looks it up by and, if terms, every chunk's terms, as a build
// leaves it.
func writeSynthCache(tb testing.TB, dir string, sc *synthCorpus, terms bool) {
	tb.Helper()
	c, warn, err := OpenCache(dir)
	if err != nil || warn != nil {
		tb.Fatalf("open cache: warn %v, err %v", warn, err)
	}
	fillSynthCache(c, sc)
	if terms {
		if _, _, err := Build(context.Background(), sc.Docs, synthFailingEmbedder{tb}, IndexOptions{Cache: c}); err != nil {
			tb.Fatal(err)
		}
	}
	if err := c.Save(); err != nil {
		tb.Fatal(err)
	}
}

func fillSynthCache(c *Cache, sc *synthCorpus) {
	for i, ch := range sc.Chunks {
		c.Put(KeyFor(synthModel, embedText(ch)), sc.Vecs[i])
	}
}

// synthFailingEmbedder is an embedder that must not be called.
type synthFailingEmbedder struct{ tb testing.TB }

func (e synthFailingEmbedder) Model() string { return synthModel }

func (e synthFailingEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	e.tb.Errorf("embedder called with %d texts; every vector should come from the cache", len(texts))
	return nil, errors.New("synthFailingEmbedder called")
}

// synthCountingEmbedder records the texts it embeds and returns pseudo-random
// normalized vectors.
type synthCountingEmbedder struct {
	mu    sync.Mutex
	texts []string
}

func (e *synthCountingEmbedder) Model() string { return synthModel }

func (e *synthCountingEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	e.mu.Lock()
	e.texts = append(e.texts, texts...)
	e.mu.Unlock()
	return synthVectors(len(texts), uint64(len(e.texts))), nil
}

// TestRebuildEmbedsOnlyChangedDocument is /reload at 100,000 chunks: with
// every vector cached, a rebuild after one document changed embeds that
// document's changed chunks and nothing else.
func TestRebuildEmbedsOnlyChangedDocument(t *testing.T) {
	const n = 100000
	skipLarge(t, n)
	sc := synthetic(t, n)
	ctx := context.Background()
	c, _, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fillSynthCache(c, sc)
	emb := &synthCountingEmbedder{}
	_, st, err := Build(ctx, sc.Docs, emb, IndexOptions{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	if st.Embedded != 0 || len(emb.texts) != 0 || st.Reused != n {
		t.Fatalf("first build: %+v, %d texts embedded; want all %d reused", st, len(emb.texts), n)
	}
	cases := []struct {
		name   string
		doc    int
		change func(d Document) Document
		min    int // chunks that must be embedded again
	}{
		{"one paragraph edited", 4242, func(d Document) Document {
			d.Paragraphs = append([]string(nil), d.Paragraphs...)
			d.Paragraphs[4] = strings.Replace(d.Paragraphs[4], ".", ". Officials later corrected this figure.", 1)
			return d
		}, 1},
		{"every paragraph edited", 777, func(d Document) Document {
			d.Paragraphs = append([]string(nil), d.Paragraphs...)
			for i := range d.Paragraphs {
				d.Paragraphs[i] = "Updated. " + d.Paragraphs[i]
			}
			return d
		}, synthPerDoc},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			emb.texts = nil
			docs := append([]Document(nil), sc.Docs...)
			docs[tc.doc] = tc.change(docs[tc.doc])
			want := map[string]bool{}
			for _, ch := range ChunkDocument(docs[tc.doc], ChunkOptions{}) {
				want[embedText(ch)] = true
			}
			_, st, err := Build(ctx, docs, emb, IndexOptions{Cache: c})
			if err != nil {
				t.Fatal(err)
			}
			if len(emb.texts) < tc.min || len(emb.texts) > len(want) {
				t.Errorf("embedded %d texts, want between %d and %d (the changed document's chunks)", len(emb.texts), tc.min, len(want))
			}
			for _, s := range emb.texts {
				if !want[s] {
					t.Errorf("embedded a text not of the changed document: %.60q", s)
				}
			}
			if st.Embedded != len(emb.texts) || st.Reused+st.Embedded != st.Chunks {
				t.Errorf("stats %+v, %d texts embedded", st, len(emb.texts))
			}
			t.Logf("%s: %d of %d chunks embedded", tc.name, st.Embedded, st.Chunks)
		})
	}
}
