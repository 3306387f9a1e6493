package answer

import (
	"context"
	"testing"

	"github.com/newsbot/newsbot/data"
	"github.com/newsbot/newsbot/retrieval"
)

// BenchmarkAskExtractive measures one question on the default corpus once
// the index is loaded: retrieval, gate and extractive answer.
func BenchmarkAskExtractive(b *testing.B) {
	ctx := context.Background()
	e, _, err := New(ctx, Config{
		Load:     func() ([]retrieval.Document, error) { return retrieval.LoadFS(data.Articles()) },
		Embedder: retrieval.LocalEmbedder{},
	})
	if err != nil {
		b.Fatal(err)
	}
	qs := []string{
		"Where will the talks be held?",
		"What did Hegseth say about NATO membership for Ukraine?",
		"Who won the 2022 FIFA World Cup?",
		"When will Keith Kellogg arrive in Kyiv?",
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Ask(ctx, Request{Question: qs[i%len(qs)]}); err != nil {
			b.Fatal(err)
		}
	}
}
