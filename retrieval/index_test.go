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
