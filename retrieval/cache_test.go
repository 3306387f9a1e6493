package retrieval

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

// textEmbedder is a deterministic embedder for cache tests: each text's
// vector follows from its hash. It records every text it embeds, and calls
// hook (if set) before each batch.
type textEmbedder struct {
	mu    sync.Mutex
	texts []string
	hook  func(batch int) error
	calls int
}

func (e *textEmbedder) Model() string { return "test-hash-16" }

func (e *textEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls++
	if e.hook != nil {
		if err := e.hook(e.calls); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e.texts = append(e.texts, texts...)
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = testVector(t)
	}
	return out, nil
}

func (e *textEmbedder) embedded() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.texts)
}

func testVector(t string) []float32 {
	h := fnv.New64a()
	h.Write([]byte(t))
	x := h.Sum64()
	v := make([]float32, 16)
	for j := range v {
		x = x*6364136223846793005 + 1442695040888963407
		v[j] = float32(int64(x>>33)%1000) / 1000
	}
	v[0] += 2 // never the zero vector
	normalize32(v)
	return v
}

// testStory is a short story of our own, n paragraphs, about topic.
func testStory(slug, topic string, n int) Document {
	d := Document{Slug: slug, Title: "The " + topic + " story", Source: "Test Wire", Published: "2026-01-02"}
	for i := range n {
		d.Paragraphs = append(d.Paragraphs, fmt.Sprintf(
			"Paragraph %d of the %s story: the council of %s voted %d to %d on the harbour plan. Residents said the vote on the %s plan came late.",
			i, topic, topic, 5+i, i, topic))
	}
	return d
}

func openTestCache(t *testing.T, dir string, opt CacheOptions) *Cache {
	t.Helper()
	c, warn, err := OpenCacheWithOptions(dir, opt)
	if err != nil || warn != nil {
		t.Fatalf("open cache: warn %v, err %v", warn, err)
	}
	return c
}

// build builds docs with c and, as the engine does, retains the index's
// keys and saves the cache.
func build(t *testing.T, c *Cache, emb Embedder, docs ...Document) (*Index, BuildStats) {
	t.Helper()
	ix, st, err := Build(context.Background(), docs, emb, IndexOptions{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	if c != nil {
		c.Retain(ix.Keys())
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
	}
	return ix, st
}

func TestCacheRoundTripAndReuse(t *testing.T) {
	dir := t.TempDir()
	docs := []Document{testStory("a", "Elmford", 4)}
	c := openTestCache(t, dir, CacheOptions{})
	emb := &textEmbedder{}
	_, st := build(t, c, emb, docs...)
	if st.Embedded != st.Chunks || emb.embedded() != st.Chunks || st.Chunks == 0 {
		t.Fatalf("first build: %+v, %d texts embedded", st, emb.embedded())
	}
	c2 := openTestCache(t, dir, CacheOptions{})
	if c2.Len() != c.Len() {
		t.Fatalf("reopened cache has %d entries, want %d", c2.Len(), c.Len())
	}
	emb2 := &textEmbedder{}
	_, st = build(t, c2, emb2, docs...)
	if st.Embedded != 0 || emb2.embedded() != 0 || st.Reused != st.Chunks {
		t.Errorf("warm build: %+v, %d texts embedded", st, emb2.embedded())
	}
	// Another model does not reuse these vectors.
	other := &otherModel{}
	if _, st, _ := Build(context.Background(), docs, other, IndexOptions{Cache: c2}); st.Reused != 0 {
		t.Errorf("other model reused %d vectors", st.Reused)
	}
}

type otherModel struct{ textEmbedder }

func (*otherModel) Model() string { return "test-hash-16-other" }

// TestWarmStartReadsTermsInsteadOfTokenizing: after a build and a save,
// every chunk's terms are in the file, and the index built from them ranks
// exactly as one built by tokenizing.
func TestWarmStartReadsTermsInsteadOfTokenizing(t *testing.T) {
	dir := t.TempDir()
	docs := []Document{testStory("a", "Elmford", 6), testStory("b", "Wexley", 6), testStory("c", "Harrow", 3)}
	build(t, openTestCache(t, dir, CacheOptions{}), &textEmbedder{}, docs...)

	c := openTestCache(t, dir, CacheOptions{})
	keys := make([]CacheKey, 0)
	for _, ch := range chunkAll(docs, ChunkOptions{}) {
		keys = append(keys, KeyFor((&textEmbedder{}).Model(), embedText(ch)))
	}
	vecs, terms, vocab := c.lookup(keys)
	for i := range keys {
		if vecs[i] == nil || terms[i] == nil {
			t.Fatalf("chunk %d: vector %v, terms %v: not both stored", i, vecs[i] != nil, terms[i] != nil)
		}
		var got []string
		for _, id := range terms[i] {
			got = append(got, vocab[id])
		}
		if want := lexicalTerms(embedText(chunkAll(docs, ChunkOptions{})[i])); !slices.Equal(got, want) {
			t.Fatalf("chunk %d: stored terms %q, tokenizer says %q", i, got, want)
		}
	}
	warm, st, err := Build(context.Background(), docs, &textEmbedder{}, IndexOptions{Cache: c})
	if err != nil || st.Embedded != 0 {
		t.Fatalf("warm build: %+v, %v", st, err)
	}
	cold, _, err := Build(context.Background(), docs, &textEmbedder{}, IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"Elmford council vote", "harbour plan residents", "Wexley voted 9 to 4", "late"} {
		a := warm.Lexical().Search(queryTerms(q), 10)
		b := cold.Lexical().Search(queryTerms(q), 10)
		if !reflect.DeepEqual(a, b) || len(a) == 0 {
			t.Errorf("%q: BM25 from stored terms %v, from the tokenizer %v", q, a, b)
		}
	}
}

func TestDamagedCacheIsEmptyWithWarning(t *testing.T) {
	// A good file, to damage.
	good := t.TempDir()
	build(t, openTestCache(t, good, CacheOptions{}), &textEmbedder{}, testStory("a", "Elmford", 3))
	raw, err := os.ReadFile(filepath.Join(good, CacheFile))
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(raw)
	flipped[len(flipped)/2] ^= 0x40
	huge := bytes.Clone(raw)
	binary.LittleEndian.PutUint64(huge[len(cacheMagic)+4+8+4+8:], 1<<27) // entry count
	for name, content := range map[string][]byte{
		"garbage":      []byte("not a cache at all"),
		"truncated":    raw[:len(raw)-9],
		"header only":  []byte(cacheMagic + "\x02\x00"),
		"empty":        {},
		"bit flipped":  flipped,
		"huge count":   huge,
		"future":       append([]byte(cacheMagic), 9, 0, 0, 0),
		"trailing":     append(bytes.Clone(raw), 0),
		"checksum off": append(bytes.Clone(raw[:len(raw)-4]), 1, 2, 3, 4),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, CacheFile), content, 0o644)
			c, warn, err := OpenCache(dir)
			if err != nil || warn == nil || c.Len() != 0 {
				t.Fatalf("err %v warn %v len %d", err, warn, c.Len())
			}
			// The next build and save replace it with a good file.
			build(t, c, &textEmbedder{}, testStory("a", "Elmford", 3))
			if c2 := openTestCache(t, dir, CacheOptions{}); c2.Len() != c.Len() {
				t.Errorf("rewritten cache has %d entries, want %d", c2.Len(), c.Len())
			}
		})
	}
}

// writeV1 writes a cache file of format version 1 (no terms, no uses).
func writeV1(t *testing.T, dir string, entries map[CacheKey][]float32) {
	t.Helper()
	var buf bytes.Buffer
	buf.WriteString(cacheMagic)
	binary.Write(&buf, binary.LittleEndian, uint32(1))
	binary.Write(&buf, binary.LittleEndian, uint64(len(entries)))
	for k, v := range entries {
		buf.Write(k[:])
		binary.Write(&buf, binary.LittleEndian, uint32(len(v)))
		for _, x := range v {
			binary.Write(&buf, binary.LittleEndian, math.Float32bits(x))
		}
	}
	binary.Write(&buf, binary.LittleEndian, crc32.Checksum(buf.Bytes(), castagnoli))
	if err := os.WriteFile(filepath.Join(dir, CacheFile), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestVersion1CacheIsUpgraded: the vectors of a cache written before terms
// were stored are kept (they may have cost money); the upgrade is reported,
// and the next save writes the current format with terms.
func TestVersion1CacheIsUpgraded(t *testing.T) {
	dir := t.TempDir()
	docs := []Document{testStory("a", "Elmford", 5)}
	emb := &textEmbedder{}
	old := map[CacheKey][]float32{}
	for _, ch := range chunkAll(docs, ChunkOptions{}) {
		old[KeyFor(emb.Model(), embedText(ch))] = testVector(embedText(ch))
	}
	writeV1(t, dir, old)
	c, warn, err := OpenCache(dir)
	if err != nil || warn == nil || !strings.Contains(warn.Error(), "version 1") || c.Len() != len(old) {
		t.Fatalf("open: len %d, warn %v, err %v", c.Len(), warn, err)
	}
	_, st, err := Build(context.Background(), docs, emb, IndexOptions{Cache: c})
	if err != nil || st.Embedded != 0 || st.Reused != len(old) {
		t.Fatalf("build on the old cache: %+v, %v", st, err)
	}
	if err := c.SaveIfChanged(); err != nil {
		t.Fatal(err)
	}
	c2 := openTestCache(t, dir, CacheOptions{})
	_, terms, _ := c2.lookup(slices.Collect(func(yield func(CacheKey) bool) {
		for k := range old {
			if !yield(k) {
				return
			}
		}
	}))
	for i, ts := range terms {
		if ts == nil {
			t.Fatalf("entry %d has no terms after the upgrade", i)
		}
	}
}

// TestTermsOfAnotherTokenizerAreMadeAgain: a file whose terms tag differs
// keeps its vectors and drops its terms.
func TestTermsOfAnotherTokenizerAreMadeAgain(t *testing.T) {
	dir := t.TempDir()
	docs := []Document{testStory("a", "Elmford", 3)}
	build(t, openTestCache(t, dir, CacheOptions{}), &textEmbedder{}, docs...)
	path := filepath.Join(dir, CacheFile)
	raw, _ := os.ReadFile(path)
	tagAt := len(cacheMagic) + 4
	binary.LittleEndian.PutUint64(raw[tagAt:], termsTag()+1)
	binary.LittleEndian.PutUint32(raw[len(raw)-4:], crc32.Checksum(raw[:len(raw)-4], castagnoli))
	os.WriteFile(path, raw, 0o644)
	c, warn, err := OpenCache(dir)
	if err != nil || warn == nil || !strings.Contains(warn.Error(), "tokenizer") {
		t.Fatalf("warn %v, err %v", warn, err)
	}
	emb := &textEmbedder{}
	_, st, err := Build(context.Background(), docs, emb, IndexOptions{Cache: c})
	if err != nil || st.Embedded != 0 {
		t.Fatalf("vectors not kept: %+v, %v", st, err)
	}
}

// TestCacheKeepsOtherCorporaUpToTheCap: switching corpora, or removing a
// story and adding it back, embeds nothing again; past the cap the least
// recently used go first, never what the current index uses.
func TestCacheKeepsOtherCorporaUpToTheCap(t *testing.T) {
	dir := t.TempDir()
	a, b, c3 := testStory("a", "Elmford", 6), testStory("b", "Wexley", 6), testStory("c", "Harrow", 6)
	emb := &textEmbedder{}
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(c *Cache, when time.Time) { c.now = func() time.Time { return when } }

	c := openTestCache(t, dir, CacheOptions{MaxBytes: -1})
	at(c, clock)
	_, st := build(t, c, emb, a, b)
	perStory := c.Bytes() / 2
	at(c, clock.Add(time.Hour))
	build(t, c, emb, a) // b removed
	at(c, clock.Add(2*time.Hour))
	if _, st2 := build(t, c, emb, a, b); st2.Embedded != 0 { // and added back
		t.Errorf("story added back: %d chunks embedded again", st2.Embedded)
	}
	if emb.embedded() != st.Chunks {
		t.Fatalf("%d texts embedded, want %d", emb.embedded(), st.Chunks)
	}

	// A cap of about two stories: switching to c evicts the least
	// recently used of a and b (a: used at 2h and b at 2h too, so the
	// order is by key), and never c.
	c = openTestCache(t, dir, CacheOptions{MaxBytes: perStory*2 + perStory/2})
	at(c, clock.Add(3*time.Hour))
	build(t, c, emb, a)
	at(c, clock.Add(4*time.Hour))
	before := emb.embedded()
	_, st = build(t, c, emb, c3)
	if emb.embedded()-before != st.Chunks {
		t.Fatalf("new story: %d embedded, want %d", emb.embedded()-before, st.Chunks)
	}
	if c.Bytes() > perStory*2+perStory/2 {
		t.Errorf("cache holds %d bytes, cap %d", c.Bytes(), perStory*2+perStory/2)
	}
	// a was used at 3h, b last at 2h: b went first.
	at(c, clock.Add(5*time.Hour))
	before = emb.embedded()
	if _, st := build(t, c, emb, a); st.Embedded != 0 {
		t.Errorf("a, the more recently used, was evicted: %d embedded", emb.embedded()-before)
	}
	at(c, clock.Add(6*time.Hour))
	// Eviction stops once under the cap: some of b's chunks went.
	if _, st := build(t, c, emb, b); st.Embedded == 0 {
		t.Errorf("b, the least recently used, was kept whole: %d of %d embedded", st.Embedded, st.Chunks)
	}

	// A corpus larger than the cap keeps every vector it uses.
	c = openTestCache(t, dir, CacheOptions{MaxBytes: perStory / 2})
	at(c, clock.Add(7*time.Hour))
	build(t, c, emb, a, b, c3)
	reopened := openTestCache(t, dir, CacheOptions{MaxBytes: perStory / 2})
	if _, st := build(t, reopened, emb, a, b, c3); st.Embedded != 0 {
		t.Errorf("corpus over the cap lost %d of its vectors", st.Embedded)
	}
}

// TestTwoWritersMergeOnSave: two caches on one directory (as two processes
// sharing a volume) each embed their own stories and save, in turns and at
// once; the file ends up with both, and a third start embeds nothing.
func TestTwoWritersMergeOnSave(t *testing.T) {
	dir := t.TempDir()
	w1 := openTestCache(t, dir, CacheOptions{})
	w2 := openTestCache(t, dir, CacheOptions{})
	emb := &textEmbedder{}
	var docs []Document
	var wg sync.WaitGroup
	for round := range 3 {
		d1 := testStory(fmt.Sprintf("one-%d", round), fmt.Sprintf("Elmford%d", round), 3)
		d2 := testStory(fmt.Sprintf("two-%d", round), fmt.Sprintf("Wexley%d", round), 3)
		docs = append(docs, d1, d2)
		wg.Add(2)
		for _, w := range []struct {
			c *Cache
			d Document
		}{{w1, d1}, {w2, d2}} {
			go func() {
				defer wg.Done()
				ix, _, err := Build(context.Background(), []Document{w.d}, emb, IndexOptions{Cache: w.c})
				if err != nil {
					t.Error(err)
					return
				}
				w.c.Retain(ix.Keys())
				if err := w.c.Save(); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	third := &textEmbedder{}
	_, st := build(t, openTestCache(t, dir, CacheOptions{}), third, docs...)
	if st.Embedded != 0 {
		t.Errorf("a third process embedded %d of %d chunks again: a writer's vectors were lost", st.Embedded, st.Chunks)
	}
}

// TestWriterProcess is the body of one writer process of
// TestTwoWriterProcesses; it does nothing unless run by it.
func TestWriterProcess(t *testing.T) {
	dir, name := os.Getenv("NEWSBOT_TEST_CACHE_DIR"), os.Getenv("NEWSBOT_TEST_WRITER")
	if dir == "" || name == "" {
		t.Skip("run by TestTwoWriterProcesses")
	}
	c, _, err := OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		d := testStory(fmt.Sprintf("%s-%d", name, round), fmt.Sprintf("%s%d", name, round), 4)
		ix, _, err := Build(context.Background(), []Document{d}, &textEmbedder{}, IndexOptions{Cache: c})
		if err != nil {
			t.Fatal(err)
		}
		c.Retain(ix.Keys())
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTwoWriterProcesses runs two processes that save to one cache
// directory at the same time, five times each; none loses the other's
// vectors.
func TestTwoWriterProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	names := []string{"Elmford", "Wexley"}
	errs := make(chan error, len(names))
	for _, name := range names {
		go func() {
			cmd := exec.Command(exe, "-test.run=^TestWriterProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), "NEWSBOT_TEST_CACHE_DIR="+dir, "NEWSBOT_TEST_WRITER="+name)
			out, err := cmd.CombinedOutput()
			if err != nil {
				err = fmt.Errorf("writer %s: %v\n%s", name, err, out)
			}
			errs <- err
		}()
	}
	for range names {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var docs []Document
	for _, name := range names {
		for round := range 5 {
			docs = append(docs, testStory(fmt.Sprintf("%s-%d", name, round), fmt.Sprintf("%s%d", name, round), 4))
		}
	}
	emb := &textEmbedder{}
	_, st := build(t, openTestCache(t, dir, CacheOptions{}), emb, docs...)
	if st.Embedded != 0 {
		t.Errorf("%d of %d chunks embedded again: a writer's vectors were lost", st.Embedded, st.Chunks)
	}
}

// TestInterruptedBuildResumes cancels a build after three batches, with
// checkpoints on; a new process then embeds only what was not saved.
func TestInterruptedBuildResumes(t *testing.T) {
	dir := t.TempDir()
	var docs []Document
	for i := range 40 {
		docs = append(docs, testStory(fmt.Sprintf("s%d", i), fmt.Sprintf("Town%d", i), 5))
	}
	const batch = 16
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := &textEmbedder{hook: func(call int) error {
		if call == 4 {
			cancel() // Ctrl-C during the fourth batch
		}
		return nil
	}}
	c := openTestCache(t, dir, CacheOptions{SaveEvery: time.Nanosecond})
	_, st, err := Build(ctx, docs, first, IndexOptions{Cache: c, BatchSize: batch})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if st.Embedded != 3*batch || first.embedded() != 3*batch {
		t.Fatalf("before the interrupt: %+v, %d texts embedded; want 3 batches", st, first.embedded())
	}
	// No final save: the process was interrupted. The checkpoints hold
	// the three batches.
	second := &textEmbedder{}
	c2 := openTestCache(t, dir, CacheOptions{})
	_, st2 := build(t, c2, second, docs...)
	if st2.Reused != 3*batch || second.embedded() != st2.Chunks-3*batch {
		t.Errorf("resumed: %+v, %d texts embedded; want the %d not embedded before", st2, second.embedded(), st2.Chunks-3*batch)
	}
	for _, s := range second.texts {
		if slices.Contains(first.texts, s) {
			t.Errorf("embedded again: %.50q", s)
			break
		}
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

// TestCacheFileRoundTripsEntriesExactly reads back what was written:
// vectors bit for bit, terms, last uses.
func TestCacheFileRoundTripsEntriesExactly(t *testing.T) {
	dir := t.TempDir()
	c := openTestCache(t, dir, CacheOptions{})
	c.now = func() time.Time { return time.Unix(1_800_000_000, 0) }
	k1, k2 := KeyFor("m", "one"), KeyFor("m", "two")
	c.Put(k1, []float32{1, float32(math.Inf(1)), -0.5})
	c.putTerms([]CacheKey{k1}, [][]string{{"alpha", "beta", "alpha"}})
	c.Put(k2, []float32{0.25})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(c.Path())
	defer f.Close()
	info, _ := f.Stat()
	fc, err := readCache(bufio.NewReader(f), info, nil)
	if err != nil {
		t.Fatal(err)
	}
	e1, e2 := fc.entries[k1], fc.entries[k2]
	if e1 == nil || e2 == nil || !slices.Equal(e1.vec, []float32{1, float32(math.Inf(1)), -0.5}) || !slices.Equal(e2.vec, []float32{0.25}) {
		t.Fatalf("vectors: %+v %+v", e1, e2)
	}
	var terms []string
	for _, id := range e1.terms {
		terms = append(terms, fc.vocab[id])
	}
	if !slices.Equal(terms, []string{"alpha", "beta", "alpha"}) || e2.hasTerms || e1.used != 1_800_000_000 {
		t.Errorf("terms %q (second has terms: %v), used %d", terms, e2.hasTerms, e1.used)
	}
}

// TestCheckpointDoesNotWaitForAnotherProcessSave: while another process
// holds the lock, a build's checkpoints are skipped instead of stalling
// it; the final Save waits its turn.
func TestCheckpointDoesNotWaitForAnotherProcessSave(t *testing.T) {
	dir := t.TempDir()
	other := flock.New(filepath.Join(dir, lockFile))
	if err := other.Lock(); err != nil {
		t.Fatal(err)
	}
	var docs []Document
	for i := range 10 {
		docs = append(docs, testStory(fmt.Sprintf("s%d", i), fmt.Sprintf("Town%d", i), 5))
	}
	c := openTestCache(t, dir, CacheOptions{SaveEvery: time.Nanosecond})
	done := make(chan error, 1)
	go func() {
		_, _, err := Build(context.Background(), docs, &textEmbedder{}, IndexOptions{Cache: c, BatchSize: 4})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("build stalled behind the other process's lock")
	}
	if _, err := os.Stat(c.Path()); !os.IsNotExist(err) {
		t.Errorf("a checkpoint wrote the file while another process held the lock: %v", err)
	}
	saved := make(chan error, 1)
	go func() { saved <- c.Save() }()
	time.Sleep(50 * time.Millisecond)
	other.Unlock()
	if err := <-saved; err != nil {
		t.Fatal(err)
	}
	if c2 := openTestCache(t, dir, CacheOptions{}); c2.Len() != c.Len() {
		t.Errorf("saved %d entries, want %d", c2.Len(), c.Len())
	}
}
