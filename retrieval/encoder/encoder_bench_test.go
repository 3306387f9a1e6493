package encoder

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newsbot/newsbot/retrieval"
)

// The encoder is a retrieval.Embedder.
var _ retrieval.Embedder = (*Encoder)(nil)

// Benchmarks, each against a baseline in the same run (BENCHMARKS.md):
//
//	go test -run '^$' -bench 'Question|Article|Throughput' -benchtime 2s ./retrieval/encoder/
//	go test -run '^$' -bench ColdIndex -benchtime 1x -timeout 30m ./retrieval/encoder/
//
// The baseline of the first two and of the cold index is the lexical
// hashing embedder (retrieval.LocalEmbedder), the offline default before the
// encoder; the baseline of Throughput is the encoder called one sentence at
// a time.

// Word lists for deterministic news-like sentences, written for these
// benchmarks.
var (
	benchSubjects = []string{"The mayor", "Police officers", "The finance minister", "Local farmers", "A spokeswoman for the airline",
		"Union leaders", "The city council", "Rescue workers", "The prime minister", "Hospital staff", "Two senators", "The central bank"}
	benchVerbs = []string{"said on Monday that", "warned reporters that", "announced late on Friday that", "told a news conference that",
		"confirmed in a statement that", "denied claims that", "insisted during the debate that"}
	benchClauses = []string{"the northern bridge would stay closed until the spring", "fuel prices had risen for a third month in a row",
		"talks with the neighbouring country would resume next week", "the harbour repairs were running two million euros over budget",
		"more than 300 families had been moved away from the river", "the new tax on imported cars would be delayed",
		"the strike at the port had cost exporters dearly", "inflation in services was proving harder to bring down",
		"the ferry timetable would change from the first of June", "volunteers had collected four tonnes of litter from the beach"}
)

func benchSentence(r *rand.Rand) string {
	return benchSubjects[r.IntN(len(benchSubjects))] + " " + benchVerbs[r.IntN(len(benchVerbs))] + " " +
		benchClauses[r.IntN(len(benchClauses))] + "."
}

func benchSentences(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([]string, n)
	for i := range out {
		out[i] = benchSentence(r)
	}
	return out
}

// benchChunks returns n chunk-sized texts of five sentences (about 500
// bytes, 100 tokens: the size of newsbot's chunks).
func benchChunks(n int) []string {
	s := benchSentences(5*n, 11)
	out := make([]string, n)
	for i := range out {
		out[i] = strings.Join(s[5*i:5*i+5], " ")
	}
	return out
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per operation since start: on a machine
// shared with other work, wall time measures the machine's load as much as
// the code, CPU time much less so.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

func benchEmbedders(b *testing.B) []retrieval.Embedder {
	e, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	return []retrieval.Embedder{e, retrieval.LocalEmbedder{}}
}

// BenchmarkEmbedQuestion embeds one short question per operation.
func BenchmarkEmbedQuestion(b *testing.B) {
	q := []string{"Who will represent the country at the talks in the capital next week?"}
	for _, emb := range benchEmbedders(b) {
		b.Run(emb.Model(), func(b *testing.B) {
			cpu := cpuTime()
			defer reportCPU(b, cpu)
			for b.Loop() {
				if _, err := emb.Embed(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEmbedArticle embeds a 40-sentence article, sentence by sentence
// (one call with 40 texts), per operation.
func BenchmarkEmbedArticle(b *testing.B) {
	article := benchSentences(40, 3)
	for _, emb := range benchEmbedders(b) {
		b.Run(emb.Model(), func(b *testing.B) {
			cpu := cpuTime()
			defer reportCPU(b, cpu)
			for b.Loop() {
				if _, err := emb.Embed(context.Background(), article); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkThroughput encodes 128 sentences per operation, in one call
// (batched: many sentences per matrix multiply, the batches shared among
// the workers) against a loop of one-sentence calls; sentences/s is the
// figure to compare.
func BenchmarkThroughput(b *testing.B) {
	sentences := benchSentences(128, 5)
	e, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("batched", func(b *testing.B) {
		cpu := cpuTime()
		defer reportCPU(b, cpu)
		for b.Loop() {
			if _, err := e.Embed(ctx, sentences); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(sentences)*b.N)/b.Elapsed().Seconds(), "sentences/s")
	})
	b.Run("one-by-one", func(b *testing.B) {
		cpu := cpuTime()
		defer reportCPU(b, cpu)
		for b.Loop() {
			for _, s := range sentences {
				if _, err := e.Embed(ctx, []string{s}); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(len(sentences)*b.N)/b.Elapsed().Seconds(), "sentences/s")
	})
}

// BenchmarkColdIndex embeds chunk-sized texts with no cache and indexes
// them (vector store and BM25), as `newsbot index` does on a fresh
// machine. Run with -benchtime 1x: 10,000 chunks take minutes.
func BenchmarkColdIndex(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		texts := benchChunks(n)
		chunks := make([]retrieval.Chunk, n)
		for i, t := range texts {
			chunks[i] = retrieval.Chunk{ID: fmt.Sprintf("doc-%d#%d", i/10, i%10), Doc: fmt.Sprintf("doc-%d", i/10), N: i % 10, Text: t}
		}
		for _, emb := range benchEmbedders(b) {
			b.Run(fmt.Sprintf("%s/chunks=%d", emb.Model(), n), func(b *testing.B) {
				if n > 1000 && testing.Short() {
					b.Skip("10,000 chunks: skipped in -short mode")
				}
				cpu := cpuTime()
				defer reportCPU(b, cpu)
				for b.Loop() {
					vecs, err := emb.Embed(context.Background(), texts)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := retrieval.NewIndexFromVectors(context.Background(), chunks, vecs, emb); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "chunks/s")
			})
		}
	}
}
