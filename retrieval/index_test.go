package retrieval

import (
	"context"
	"testing"
)

// TestStorySavedTwiceIsIndexedOnce: a second copy of a story under another
// slug adds no chunk, so its copies cannot fill the result slots.
func TestStorySavedTwiceIsIndexedOnce(t *testing.T) {
	ctx := context.Background()
	orig := testStory("harbour-vote", "Elmford", 8)
	other := testStory("wexley", "Wexley", 8)
	copied := orig
	copied.Slug, copied.Path = "harbour-vote-copy", "copy.md"

	emb := &textEmbedder{}
	single, _, err := Build(ctx, []Document{orig, other}, emb, IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ix, st, err := Build(ctx, []Document{orig, other, copied}, emb, IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() != single.Len() || st.Duplicates != len(ChunkDocument(copied, ChunkOptions{})) || st.Chunks != ix.Len() {
		t.Fatalf("with the copy: %d chunks indexed (%+v), without it %d", ix.Len(), st, single.Len())
	}
	for _, c := range ix.Chunks() {
		if c.Doc == copied.Slug {
			t.Errorf("chunk %s of the copy indexed", c.ID)
		}
	}
	hits, err := ix.Search(ctx, "Elmford council harbour plan vote", 5)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, h := range hits {
		if seen[h.Chunk.Text] {
			t.Errorf("two hits with the same text: %.60q", h.Chunk.Text)
		}
		seen[h.Chunk.Text] = true
	}
	if len(hits) == 0 || hits[0].Chunk.Doc != orig.Slug {
		t.Errorf("top hit %+v, want the original story", hits)
	}
}

// TestSameBylineInTwoStoriesKeepsBothMetaChunks: two stories of one source
// on one day share their byline and copyright chunk, but not their title:
// each keeps it. A copy of a story (same title) does not.
func TestSameBylineInTwoStoriesKeepsBothMetaChunks(t *testing.T) {
	a, b := testStory("a", "Elmford", 2), testStory("b", "Wexley", 2)
	a.Meta = []string{"By Test Wire staff"}
	b.Meta = []string{"By Test Wire staff"}
	ix, st, err := Build(context.Background(), []Document{a, b}, &textEmbedder{}, IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	metas := 0
	for _, c := range ix.Chunks() {
		if c.Meta {
			metas++
		}
	}
	if metas != 2 || st.Duplicates != 0 {
		t.Errorf("%d meta chunks, %d duplicates; want 2 and 0", metas, st.Duplicates)
	}
	copied := a
	copied.Slug = "a-copy"
	ix, st, err = Build(context.Background(), []Document{a, b, copied}, &textEmbedder{}, IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ChunkDocument(copied, ChunkOptions{})); st.Duplicates != n || ix.Len() != st.Chunks {
		t.Errorf("copy of a: %d duplicates (%+v), want its %d chunks", st.Duplicates, st, n)
	}
}

// hintedEmbedder is a textEmbedder that asks Build for small batches.
type hintedEmbedder struct {
	textEmbedder
	hint  int
	sizes []int
}

func (e *hintedEmbedder) BatchHint() int { return e.hint }

func (e *hintedEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	e.sizes = append(e.sizes, len(texts))
	return e.textEmbedder.Embed(ctx, texts)
}

// An embedder's BatchHint sets how many chunks Build hands it at once, so
// progress is reported (and the cache checkpointed) after each of them;
// IndexOptions.BatchSize still wins.
func TestBuildHandsAnEmbedderTheBatchesItHints(t *testing.T) {
	docs := []Document{testStory("a", "harbour", 40), testStory("b", "ferry", 40)}
	emb := &hintedEmbedder{hint: 4}
	var reports []int
	ix, st, err := Build(context.Background(), docs, emb, IndexOptions{Progress: func(done, total int) { reports = append(reports, done) }})
	if err != nil {
		t.Fatal(err)
	}
	if st.Embedded != ix.Len() || st.Embedded < 10 {
		t.Fatalf("embedded %d of %d chunks: the stories are too short to test batching", st.Embedded, ix.Len())
	}
	for _, n := range emb.sizes {
		if n > 4 {
			t.Fatalf("batch sizes %v, want at most the hint, 4", emb.sizes)
		}
	}
	if want := (st.Embedded+3)/4 + 1; len(reports) != want {
		t.Errorf("%d progress reports %v, want %d (one at the start, one per batch)", len(reports), reports, want)
	}
	emb2 := &hintedEmbedder{hint: 4}
	if _, _, err := Build(context.Background(), docs, emb2, IndexOptions{BatchSize: 1000}); err != nil || len(emb2.sizes) != 1 {
		t.Errorf("IndexOptions.BatchSize 1000: batches %v (%v), want one", emb2.sizes, err)
	}
}
