package answer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/newsbot/newsbot/data"
	"github.com/newsbot/newsbot/internal/fakeopenai"
	"github.com/newsbot/newsbot/internal/openaiclient"
	"github.com/newsbot/newsbot/retrieval"
)

func dirLoader(dir string) func() ([]retrieval.Document, error) {
	return func() ([]retrieval.Document, error) { return retrieval.LoadDir(dir) }
}

func writeArticle(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReloadSwapsIndexAndKeepsOldOneOnBrokenCorpus(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeArticle(t, dir, "a.md", "---\ntitle: Harbour\n---\nThe harbour bridge will reopen on Friday after repairs.\n")
	cache, _, _ := retrieval.OpenCache(t.TempDir())
	e, st, err := New(ctx, Config{Load: dirLoader(dir), Embedder: retrieval.LocalEmbedder{}, Cache: cache})
	if err != nil || st.Embedded != st.Chunks {
		t.Fatalf("%+v %v", st, err)
	}
	a, _ := e.Ask(ctx, Request{Question: "When will the bridge reopen?"})
	if !a.Answered || !strings.Contains(a.Text, "Friday") {
		t.Fatalf("before reload: %q", a.Text)
	}
	writeArticle(t, dir, "b.md", "---\ntitle: Zoo\n---\nThe city zoo welcomed a baby giraffe named Amara on Tuesday.\n")
	st, err = e.Reload(ctx)
	if err != nil || st.Documents != 2 || st.Reused != 1 || st.Embedded != 1 {
		t.Fatalf("reload: %+v %v, want one chunk reused and one embedded", st, err)
	}
	if a, _ := e.Ask(ctx, Request{Question: "What is the baby giraffe called?"}); !strings.Contains(a.Text, "Amara") {
		t.Errorf("new text not answerable: %q", a.Text)
	}
	writeArticle(t, dir, "c.md", "---\ntitle: [broken\n---\nText.\n")
	if _, err := e.Reload(ctx); err == nil || !strings.Contains(err.Error(), "c.md") {
		t.Fatalf("broken corpus: err = %v, want one naming c.md", err)
	}
	if a, _ := e.Ask(ctx, Request{Question: "What is the baby giraffe called?"}); !strings.Contains(a.Text, "Amara") {
		t.Errorf("old index not serving after a failed reload: %q", a.Text)
	}
	if got := len(e.Info().Docs); got != 2 {
		t.Errorf("Info after failed reload: %d docs", got)
	}
}

func TestReloadRefusesToRunTwiceAtOnce(t *testing.T) {
	ctx := context.Background()
	e, _, err := New(ctx, Config{Load: func() ([]retrieval.Document, error) { return retrieval.LoadFS(data.Articles()) }, Embedder: retrieval.LocalEmbedder{}})
	if err != nil {
		t.Fatal(err)
	}
	e.reloadMu.Lock()
	_, err = e.Reload(ctx)
	e.reloadMu.Unlock()
	if !errors.Is(err, ErrReloadRunning) {
		t.Errorf("err = %v, want ErrReloadRunning", err)
	}
}

func TestQuestionLimits(t *testing.T) {
	ctx := context.Background()
	e, _, _ := New(ctx, Config{Load: func() ([]retrieval.Document, error) { return retrieval.LoadFS(data.Articles()) }, Embedder: retrieval.LocalEmbedder{}})
	if _, err := e.Ask(ctx, Request{Question: " \n"}); !errors.Is(err, ErrEmptyQuestion) {
		t.Errorf("empty: %v", err)
	}
	if _, err := e.Ask(ctx, Request{Question: strings.Repeat("é", MaxQuestionLen+1)}); !errors.Is(err, ErrQuestionTooLong) {
		t.Errorf("long: %v", err)
	}
}

func TestAskStreamDeliversDeltasAndValidatedAnswer(t *testing.T) {
	ctx := context.Background()
	srv := fakeopenai.New(fakeopenai.Options{Reply: func(fakeopenai.ChatRequest) string {
		return "NATO membership for Ukraine was called unrealistic by Hegseth [1] [9]."
	}})
	defer srv.Close()
	cc := openaiclient.Config{BaseURL: srv.URL, MaxRetries: -1}
	chat, err := NewOpenAIChat(OpenAIChatConfig{Client: cc, Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	emb, err := retrieval.NewOpenAIEmbedder(retrieval.OpenAIEmbedderConfig{Client: cc, Model: "e"})
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := New(ctx, Config{Load: func() ([]retrieval.Document, error) { return retrieval.LoadFS(data.Articles()) }, Embedder: emb, Chat: chat})
	if err != nil {
		t.Fatal(err)
	}
	var streamed strings.Builder
	a, err := e.AskStream(ctx, Request{Question: "What did Hegseth say about NATO membership for Ukraine?"}, func(d string) { streamed.WriteString(d) })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(streamed.String(), "unrealistic") {
		t.Errorf("streamed %q", streamed.String())
	}
	if !a.Answered || strings.Contains(a.Text, "[9]") || len(a.Citations) != 1 || a.Mode != "model" || a.Model != "m" {
		t.Fatalf("answer %+v", a)
	}
	if q := a.Citations[0].Quote; !strings.Contains(q, "unrealistic") {
		t.Errorf("quote %q does not support the claim", q)
	}
	srv.FailNext(fakeopenai.Chat, 1, fakeopenai.CutStream())
	if _, err := e.AskStream(ctx, Request{Question: "What did Hegseth say about NATO membership for Ukraine?"}, func(string) {}); err == nil {
		t.Error("a stream cut before [DONE] gave an answer")
	}
}

func TestInfoDescribesEachStory(t *testing.T) {
	dir := t.TempDir()
	writeArticle(t, dir, "a.md", "---\ntitle: Harbour\nurl: https://example.com/harbour\nbyline: Sam Writer\n---\nThe harbour bridge will reopen on Friday after repairs.\n")
	writeArticle(t, dir, "b.md", "---\ntitle: Zoo\n---\nThe city zoo welcomed a baby giraffe named Amara on Tuesday.\n")
	e, _, err := New(context.Background(), Config{Load: dirLoader(dir), Embedder: retrieval.LocalEmbedder{}})
	if err != nil {
		t.Fatal(err)
	}
	info := e.Info()
	if info.Docs[0].URL != "https://example.com/harbour" || info.Docs[0].Byline != "Sam Writer" {
		t.Errorf("story a: %+v, want its url and byline", info.Docs[0])
	}
	if len(info.Docs) == 0 {
		t.Fatal("Info lists no stories")
	}
	total := 0
	for _, d := range info.Docs {
		if d.Slug == "" || d.Title == "" || d.Chunks == 0 {
			t.Errorf("story %+v lacks a slug, a title or its chunk count", d)
		}
		total += d.Chunks
	}
	if total != info.Chunks {
		t.Errorf("stories' chunks add up to %d, the index holds %d", total, info.Chunks)
	}
}

// countingEmbedder counts the texts it embeds.
type countingEmbedder struct {
	retrieval.Embedder
	texts *atomic.Int64
}

func (c countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.texts.Add(int64(len(texts)))
	return c.Embedder.Embed(ctx, texts)
}

// TestSentenceVectorsAreEmbeddedOncePerIndex: a story's sentence vectors
// are embedded on its first question, not again on the next, and kept in
// the embedding cache so that a restart embeds only questions.
func TestSentenceVectorsAreEmbeddedOncePerIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var n atomic.Int64
	sents := countingEmbedder{Embedder: conceptEmbedder{"harbour": 0}, texts: &n}
	start := func() *Engine {
		cache, _, err := retrieval.OpenCache(dir)
		if err != nil {
			t.Fatal(err)
		}
		e, _, err := New(ctx, Config{Load: func() ([]retrieval.Document, error) { return retrieval.LoadFS(data.Articles()) },
			Embedder: retrieval.LocalEmbedder{}, Sentences: sents, Cache: cache})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	e := start()
	ask := func(q string) {
		if _, err := e.Ask(ctx, Request{Question: q}); err != nil {
			t.Fatal(err)
		}
	}
	ask("Where will the talks be held?")
	first := n.Load()
	if first < 10 {
		t.Fatalf("first question embedded %d texts, want the question and the story's sentences", first)
	}
	ask("Who will represent Russia at the talks?")
	if got := n.Load() - first; got != 1 {
		t.Errorf("second question embedded %d texts, want 1 (the question)", got)
	}
	if err := e.SaveCache(); err != nil {
		t.Fatal(err)
	}
	n.Store(0)
	e = start()
	ask("Where will the talks be held?")
	if got := n.Load(); got != 1 {
		t.Errorf("after a restart the first question embedded %d texts, want 1 (sentences from the cache)", got)
	}
}
