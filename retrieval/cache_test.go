package retrieval

import (
	"context"
	"os"
	"testing"
	"time"
)

type countingEmbedder struct {
	LocalEmbedder
	texts int
}

func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.texts += len(texts)
	return c.LocalEmbedder.Embed(ctx, texts)
}

func TestCacheRoundTripAndReuse(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	docs := []Document{{Slug: "a", Title: "A", Paragraphs: []string{"First paragraph.", "Second paragraph."}}}
	c, warn, err := OpenCache(dir)
	if err != nil || warn != nil {
		t.Fatal(err, warn)
	}
	emb := &countingEmbedder{}
	ix, st, err := Build(ctx, docs, emb, IndexOptions{Cache: c})
	if err != nil || st.Embedded != st.Chunks || emb.texts != st.Chunks {
		t.Fatalf("first build: %+v %v", st, err)
	}
	c.Retain(ix.Keys())
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c2, warn, err := OpenCache(dir)
	if err != nil || warn != nil || c2.Len() != c.Len() {
		t.Fatalf("reopen: %v %v len %d", err, warn, c2.Len())
	}
	emb.texts = 0
	_, st, err = Build(ctx, docs, emb, IndexOptions{Cache: c2})
	if err != nil || st.Embedded != 0 || emb.texts != 0 || st.Reused != st.Chunks {
		t.Errorf("warm build: %+v, %d texts embedded", st, emb.texts)
	}
	// Another model does not reuse these vectors.
	emb2 := &countingEmbedder{LocalEmbedder: LocalEmbedder{Dims: 256}}
	if _, st, _ := Build(ctx, docs, emb2, IndexOptions{Cache: c2}); st.Reused != 0 {
		t.Errorf("other model reused %d vectors", st.Reused)
	}
}

func TestDamagedCacheIsEmptyWithWarning(t *testing.T) {
	for name, content := range map[string][]byte{
		"garbage":   []byte("not a cache at all"),
		"truncated": []byte(cacheMagic + "\x01\x00"),
		"empty":     {},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(dir+"/"+CacheFile, content, 0o644)
			c, warn, err := OpenCache(dir)
			if err != nil || warn == nil || c.Len() != 0 {
				t.Errorf("err %v warn %v len %d", err, warn, c.Len())
			}
		})
	}
}

func TestOpenCacheRemovesStaleTempFilesOnly(t *testing.T) {
	dir := t.TempDir()
	stale := dir + "/" + CacheFile + ".tmp-111"
	fresh := dir + "/" + CacheFile + ".tmp-222"
	os.WriteFile(stale, []byte("partial"), 0o644)
	os.WriteFile(fresh, []byte("being written"), 0o644)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stale, old, old)
	if _, _, err := OpenCache(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temp file still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temp file removed: %v", err)
	}
}
