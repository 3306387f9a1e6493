package answer

import (
	"context"
	"testing"

	"github.com/newsbot/newsbot/data"
	"github.com/newsbot/newsbot/retrieval"
	"github.com/newsbot/newsbot/retrieval/encoder"
)

// BenchmarkAskExtractive measures one question on the default corpus once
// the index is loaded: retrieval, gate and extractive answer.
func BenchmarkAskExtractive(b *testing.B) {
	enc, err := encoder.New(encoder.Options{})
	if err != nil {
		b.Fatal(err)
	}
	// The baseline: the lexical hashing embedder and no sentence vectors;
	// then the offline default, the encoder for chunks and sentences.
	b.Run("local-hash", func(b *testing.B) { benchAsk(b, retrieval.LocalEmbedder{}, nil) })
	b.Run("encoder", func(b *testing.B) { benchAsk(b, enc, enc) })
}

func benchAsk(b *testing.B, emb, sentences retrieval.Embedder) {
	ctx := context.Background()
	e, _, err := New(ctx, Config{
		Load:      func() ([]retrieval.Document, error) { return retrieval.LoadFS(data.Articles()) },
		Embedder:  emb,
		Sentences: sentences,
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
	// Once loaded: the story's sentence vectors are embedded on its first
	// question, once per index.
	if _, err := e.Ask(ctx, Request{Question: qs[0]}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Ask(ctx, Request{Question: qs[i%len(qs)]}); err != nil {
			b.Fatal(err)
		}
	}
}
