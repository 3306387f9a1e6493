package retrieval_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/philippgille/chromem-go"

	"github.com/newsbot/newsbot/internal/fakeopenai"
	"github.com/newsbot/newsbot/internal/openaiclient"
	"github.com/newsbot/newsbot/retrieval"
)

// BenchmarkEmbed1000 embeds 1,000 chunks through a fake endpoint that adds
// 20 ms to every request: our OpenAIEmbedder (128 texts per request) with
// its default of 4 requests in flight and, as the baseline, one at a time;
// and chromem's OpenAI-compatible embedding func, which sends one request
// per document, as Collection.AddDocuments calls it (here with concurrency
// 1; AddDocuments with concurrency c divides its time by at most c).
func BenchmarkEmbed1000(b *testing.B) {
	s := fakeopenai.New(fakeopenai.Options{Latency: 20 * time.Millisecond})
	defer s.Close()
	chunks := make([]string, 1000)
	for i := range chunks {
		chunks[i] = fmt.Sprintf("Chunk %d. Top U.S. and Russian officials will meet in Saudi Arabia to discuss ending the war in Ukraine; paragraph %d of the story.", i, i)
	}
	ctx := context.Background()

	for _, conc := range []int{0, 1} {
		name := "newsbot"
		if conc == 1 {
			name = "newsbot-serial"
		}
		b.Run(name, func(b *testing.B) {
			e, err := retrieval.NewOpenAIEmbedder(retrieval.OpenAIEmbedderConfig{
				Client:      openaiclient.Config{BaseURL: s.URL},
				Model:       "bench-embed",
				Concurrency: conc,
			})
			if err != nil {
				b.Fatal(err)
			}
			s.Reset()
			for b.Loop() {
				vecs, err := e.Embed(ctx, chunks)
				if err != nil {
					b.Fatal(err)
				}
				if len(vecs) != len(chunks) {
					b.Fatalf("%d vectors", len(vecs))
				}
			}
			b.ReportMetric(float64(s.EmbedRequests())/float64(b.N), "requests/op")
		})
	}

	b.Run("chromem", func(b *testing.B) {
		embed := chromem.NewEmbeddingFuncOpenAICompat(s.URL, "", "bench-embed", nil)
		s.Reset()
		for b.Loop() {
			for _, c := range chunks {
				if _, err := embed(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(s.EmbedRequests())/float64(b.N), "requests/op")
	})
}
