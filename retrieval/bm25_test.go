package retrieval

import (
	"context"
	"testing"
)

func TestBM25RanksRareTermsHigher(t *testing.T) {
	docs := [][]string{
		Terms("The talks will be held in Saudi Arabia."),
		Terms("Talks, talks and more talks."),
		Terms("NATO membership for Ukraine was unrealistic."),
	}
	ix := NewBM25(docs)
	got := ix.Search(Terms("NATO talks"), 3)
	if len(got) != 3 || got[0].Doc != 2 {
		t.Fatalf("Search = %+v, want doc 2 first", got)
	}
	if ix.IDF("nato") <= ix.IDF("talk") {
		t.Errorf("IDF(nato)=%f <= IDF(talk)=%f", ix.IDF("nato"), ix.IDF("talk"))
	}
	if r := ix.Search([]string{"absent"}, 3); len(r) != 0 {
		t.Errorf("absent term matched %v", r)
	}
	if r := NewBM25(nil).Search([]string{"x"}, 3); r != nil {
		t.Errorf("empty index returned %v", r)
	}
}

func TestRRFFusesRankings(t *testing.T) {
	got := RRF(60, []int{1, 2, 3}, []int{3, 1})
	if got[0].Doc != 1 || got[1].Doc != 3 || got[2].Doc != 2 {
		t.Errorf("RRF = %+v, want 1, 3, 2", got)
	}
}

func TestSearchClampsToCollectionSize(t *testing.T) {
	ctx := context.Background()
	docs := []Document{{Slug: "a", Title: "A", Paragraphs: []string{"Only one paragraph here."}}}
	ix, st, err := Build(ctx, docs, LocalEmbedder{}, IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Chunks != 1 {
		t.Fatalf("chunks = %d", st.Chunks)
	}
	// chromem errors when asked for more results than it holds.
	hits, err := ix.Search(ctx, "paragraph", 50)
	if err != nil || len(hits) != 1 {
		t.Fatalf("hits = %v, err = %v", hits, err)
	}
	empty, _, err := Build(ctx, nil, LocalEmbedder{}, IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if hits, err := empty.Search(ctx, "anything", 5); err != nil || len(hits) != 0 {
		t.Errorf("empty index: %v, %v", hits, err)
	}
}

func TestLocalEmbedderIsDeterministicAndNormalized(t *testing.T) {
	e := LocalEmbedder{}
	a, _ := e.Embed(context.Background(), []string{"Russia invaded Ukraine", ""})
	b, _ := e.Embed(context.Background(), []string{"Russia invaded Ukraine"})
	for i := range a[0] {
		if a[0][i] != b[0][i] {
			t.Fatal("not deterministic")
		}
	}
	for _, v := range a {
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		if n < 0.999 || n > 1.001 {
			t.Errorf("norm² = %f", n)
		}
	}
}
