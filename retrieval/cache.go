package retrieval

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/gofrs/flock"
)

// CacheFile is the name of the embedding cache inside the index directory.
const CacheFile = "embeddings.cache"

// lockFile guards the cache file against concurrent Saves by several
// processes sharing the index directory.
const lockFile = CacheFile + ".lock"

// DefaultCacheMaxBytes is the cache's size cap when CacheOptions.MaxBytes is
// 0: 256 MiB. Every process holds the whole cache in memory, so the cap is
// also what stale vectors may cost each process in RAM; 256 MiB keeps about
// 40,000 chunks of 1,536 dimensions (OpenAI's text-embedding-3-small, about
// 1,000 articles) or 120,000 of 512, i.e. months of a daily feed that has
// rotated out of the corpus, or several corpora one switches between.
const DefaultCacheMaxBytes = 256 << 20

const (
	cacheMagic = "NBEMB\x00"
	// cacheVersion 2 added each entry's last use and lexical terms, and the
	// file's term vocabulary; version 1 files are read and upgraded.
	cacheVersion = 2
	maxCacheDims = 1 << 16
	// noTerms marks an entry whose terms are not stored (a sentence vector,
	// or an entry read from a version 1 file).
	noTerms = math.MaxUint32
	// staleUse is how old an entry's stored last use may get before a
	// build that uses it marks the cache changed, so that the use is
	// written at the next save and other processes' evictions see it.
	staleUse = 24 * time.Hour
	// lockWait bounds how long Save waits for another process's Save.
	lockWait = 2 * time.Minute
)

// CacheKey is the content address of an embedding: SHA-256 of the
// embedder's model name (which carries its dimensions) and the text.
type CacheKey [sha256.Size]byte

// KeyFor returns the cache key of text embedded by model.
func KeyFor(model, text string) CacheKey {
	h := sha256.New()
	io.WriteString(h, model)
	h.Write([]byte{0})
	io.WriteString(h, text)
	var k CacheKey
	h.Sum(k[:0])
	return k
}

// CacheOptions configures OpenCacheWithOptions.
type CacheOptions struct {
	// MaxBytes caps the file's size: past it, Retain and Save evict the
	// entries least recently used. Entries used since the latest Build
	// began (by it, or by the Gets and Puts of other vectors meanwhile) are
	// never evicted, so a corpus larger than the cap keeps every vector it
	// needs and nothing else. 0 means DefaultCacheMaxBytes; negative, no
	// cap.
	MaxBytes int64
	// SaveEvery, when positive, makes Build save the cache while it embeds,
	// after a batch once this long has passed since the last save, so that
	// an interrupted build resumes where it stopped.
	SaveEvery time.Duration
}

// cacheEntry is one vector and, when known, the lexical terms of its text
// as ids into Cache.vocab.
type cacheEntry struct {
	vec      []float32
	terms    []uint32
	hasTerms bool
	used     int64 // last use, Unix seconds
	saved    int64 // last use as written to the file
}

// size is the entry's size in the file, in bytes.
func (e *cacheEntry) size() int64 {
	return int64(sha256.Size+8+4+4) + 4*int64(len(e.vec)) + 4*int64(len(e.terms))
}

// Cache is a content-addressed store of embeddings, with the lexical terms
// of each chunk's text beside its vector, kept in one file. It is safe for
// concurrent use, and several processes may share the file: Save takes a
// lock file, merges what others saved meanwhile, and replaces the file
// atomically (temporary file, fsync, rename), so a crash leaves the old
// file or the new one, and a checksum lets Open tell a damaged file from a
// good one. Past its size cap, the least recently used entries go first.
type Cache struct {
	path string
	opt  CacheOptions

	mu      sync.Mutex
	entries map[CacheKey]*cacheEntry
	bytes   int64 // sum of entries' sizes
	vocab   []string
	vocabID map[string]uint32
	// recent is when the latest build began (before any, when the cache
	// was opened), in Unix seconds: entries used since are never evicted.
	recent  int64
	changed bool             // something to save since the last load or save
	disk    os.FileInfo      // the file as last read or written
	saved   time.Time        // last save (or open)
	now     func() time.Time // the clock of last uses; tests set it
}

// OpenCache is OpenCacheWithOptions with the default options.
func OpenCache(dir string) (c *Cache, warn error, err error) {
	return OpenCacheWithOptions(dir, CacheOptions{})
}

// OpenCacheWithOptions loads the cache in dir, creating dir if needed. A
// missing file is an empty cache. A file that cannot be read or is damaged
// is also an empty cache, reported in warn (the caller logs it; the file is
// rewritten on the next Save): a bad cache costs embeddings, never an
// answer. A file of the previous format is read and upgraded at the next
// Save; its terms, or those made by another version of the tokenizer, are
// recomputed by the next Build, which is also reported in warn.
func OpenCacheWithOptions(dir string, opt CacheOptions) (c *Cache, warn error, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("index directory %s: %w", dir, err)
	}
	if opt.MaxBytes == 0 {
		opt.MaxBytes = DefaultCacheMaxBytes
	}
	c = &Cache{
		path:    filepath.Join(dir, CacheFile),
		opt:     opt,
		entries: map[CacheKey]*cacheEntry{},
		vocabID: map[string]uint32{},
		saved:   time.Now(),
		recent:  time.Now().Unix(),
	}
	removeStaleTemps(dir)
	f, err := os.Open(c.path)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil, nil
	}
	if err != nil {
		return c, fmt.Errorf("embedding cache %s unreadable, rebuilding it: %w", c.path, err), nil
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return c, fmt.Errorf("embedding cache %s unreadable, rebuilding it: %w", c.path, err), nil
	}
	fc, err := readCache(bufio.NewReaderSize(f, 1<<20), info, nil)
	if err != nil {
		return c, fmt.Errorf("embedding cache %s is damaged, rebuilding it: %w", c.path, err), nil
	}
	c.disk = info
	c.vocab = fc.vocab
	for i, t := range c.vocab {
		c.vocabID[t] = uint32(i)
	}
	c.entries = fc.entries
	for _, e := range c.entries {
		c.bytes += e.size()
	}
	switch {
	case fc.version != cacheVersion:
		c.changed = true
		warn = fmt.Errorf("embedding cache %s is of format version %d: its %d vectors are kept and it is upgraded to version %d at the next save", c.path, fc.version, len(c.entries), cacheVersion)
	case fc.termsTag != termsTag():
		for _, e := range c.entries {
			c.bytes -= e.size()
			e.terms, e.hasTerms = nil, false
			c.bytes += e.size()
		}
		c.vocab, c.vocabID = nil, map[string]uint32{}
		c.changed = true
		warn = fmt.Errorf("embedding cache %s holds terms of another tokenizer version: its %d vectors are kept, the terms are made again", c.path, len(c.entries))
	}
	return c, warn, nil
}

// unixNow is the time of a use, in Unix seconds.
func (c *Cache) unixNow() int64 {
	if c.now != nil {
		return c.now().Unix()
	}
	return time.Now().Unix()
}

// Path is the cache file's path.
func (c *Cache) Path() string { return c.path }

// Len is the number of embeddings held.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Bytes is the size the entries take in the file.
func (c *Cache) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// Get returns the embedding stored under k, and counts it as used. The
// slice is shared: do not modify it.
func (c *Cache) Get(k CacheKey) ([]float32, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		return nil, false
	}
	c.useLocked(e, c.unixNow())
	return e.vec, true
}

// Put stores v under k.
func (c *Cache) Put(k CacheKey, v []float32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(k, v, nil)
}

func (c *Cache) putLocked(k CacheKey, v []float32, terms []string) {
	now := c.unixNow()
	e, ok := c.entries[k]
	if ok {
		c.bytes -= e.size()
	} else {
		e = &cacheEntry{}
		c.entries[k] = e
	}
	e.vec, e.used = v, now
	if terms != nil {
		e.terms, e.hasTerms = c.internLocked(terms), true
	}
	c.bytes += e.size()
	c.changed = true
}

// useLocked records a use of e at now (Unix seconds).
func (c *Cache) useLocked(e *cacheEntry, now int64) {
	e.used = now
	if now-e.saved > int64(staleUse/time.Second) {
		c.changed = true
	}
}

// internLocked returns the vocabulary ids of terms, adding new terms.
func (c *Cache) internLocked(terms []string) []uint32 {
	ids := make([]uint32, len(terms))
	for i, t := range terms {
		id, ok := c.vocabID[t]
		if !ok {
			id = uint32(len(c.vocab))
			c.vocab = append(c.vocab, t)
			c.vocabID[t] = id
		}
		ids[i] = id
	}
	return ids
}

// lookup returns, for each key, the stored vector (nil when missing) and
// terms (nil when unknown), counting each found entry as used; and the
// vocabulary the terms' ids index.
func (c *Cache) lookup(keys []CacheKey) (vecs [][]float32, terms [][]uint32, vocab []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.unixNow()
	c.recent = now
	vecs = make([][]float32, len(keys))
	terms = make([][]uint32, len(keys))
	for i, k := range keys {
		e, ok := c.entries[k]
		if !ok {
			continue
		}
		c.useLocked(e, now)
		vecs[i] = e.vec
		if e.hasTerms {
			terms[i] = e.terms
			if terms[i] == nil {
				terms[i] = []uint32{}
			}
		}
	}
	return vecs, terms, c.vocab
}

// putTerms stores the terms of the entries under keys (those present) and
// returns their ids and the vocabulary they index.
func (c *Cache) putTerms(keys []CacheKey, terms [][]string) (ids [][]uint32, vocab []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ids = make([][]uint32, len(keys))
	for i, k := range keys {
		ids[i] = c.internLocked(terms[i])
		if e, ok := c.entries[k]; ok {
			c.bytes -= e.size()
			e.terms, e.hasTerms = ids[i], true
			c.bytes += e.size()
			c.changed = true
		}
	}
	return ids, c.vocab
}

// Retain records that the entries under keep are in use (by the index just
// built). Then, if the cache is over its size cap, it evicts the least
// recently used entries among those not used since the latest build began.
// Vectors of texts no longer in the corpus thus stay, up to the cap, so that
// switching corpora or adding a story back embeds nothing again.
func (c *Cache) Retain(keep map[CacheKey]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.unixNow()
	for k := range keep {
		if e, ok := c.entries[k]; ok {
			c.useLocked(e, now)
		}
	}
	c.evictLocked()
}

// evictLocked drops the least recently used entries not used since the
// latest build began, until the cache is within its cap.
func (c *Cache) evictLocked() {
	if c.opt.MaxBytes < 0 || c.bytes <= c.opt.MaxBytes {
		return
	}
	type aged struct {
		k    CacheKey
		used int64
	}
	var cands []aged
	for k, e := range c.entries {
		if e.used < c.recent {
			cands = append(cands, aged{k, e.used})
		}
	}
	slices.SortFunc(cands, func(a, b aged) int {
		if a.used != b.used {
			return cmp.Compare(a.used, b.used)
		}
		return bytes.Compare(a.k[:], b.k[:])
	})
	for _, a := range cands {
		if c.bytes <= c.opt.MaxBytes {
			break
		}
		c.bytes -= c.entries[a.k].size()
		delete(c.entries, a.k)
		c.changed = true
	}
}

// SaveIfChanged saves the cache if anything in it changed since it was
// opened or last saved: new vectors or terms, an eviction, an upgrade of
// the format, or uses that the file does not show yet.
func (c *Cache) SaveIfChanged() error {
	c.mu.Lock()
	changed := c.changed
	c.mu.Unlock()
	if !changed {
		return nil
	}
	return c.Save()
}

// checkpoint saves the cache during a build when Options.SaveEvery has
// passed since the last save. A failed checkpoint is not fatal: the build
// goes on and the next save tries again.
func (c *Cache) checkpoint() {
	c.mu.Lock()
	due := c.opt.SaveEvery > 0 && c.changed && time.Since(c.saved) >= c.opt.SaveEvery
	c.mu.Unlock()
	if !due {
		return
	}
	if err := c.save(false, 0); err != nil {
		// Not again before another SaveEvery: a checkpoint must not
		// stall the build behind another process's save.
		c.mu.Lock()
		c.saved = time.Now()
		c.mu.Unlock()
	}
}

// Save writes the cache atomically: a temporary file in the same directory,
// fsync, rename over the old file, fsync of the directory. It holds the
// directory's lock file meanwhile, and first merges the entries that other
// processes saved since this one last read or wrote the file, so that no
// process's vectors are lost.
func (c *Cache) Save() error {
	return c.save(true, lockWait)
}

// save saves the cache, evicting past the cap if evict, waiting at most
// wait for the lock (0: not at all).
func (c *Cache) save(evict bool, wait time.Duration) error {
	dir := filepath.Dir(c.path)
	lock := flock.New(filepath.Join(dir, lockFile))
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	ok, err := lock.TryLock()
	if !ok && err == nil && wait > 0 {
		ok, err = lock.TryLockContext(ctx, 20*time.Millisecond)
	}
	if !ok {
		if err == nil {
			err = errors.New("another process holds the lock")
		}
		return fmt.Errorf("save embedding cache: lock %s: %w", lock.Path(), err)
	}
	defer lock.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mergeFromDiskLocked()
	if evict {
		c.evictLocked()
	}
	tmp, err := os.CreateTemp(dir, CacheFile+".tmp-*")
	if err != nil {
		return fmt.Errorf("save embedding cache: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename this is a no-op
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := c.writeLocked(w); err != nil {
		tmp.Close()
		return fmt.Errorf("save embedding cache: %w", err)
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("save embedding cache: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save embedding cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save embedding cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), c.path); err != nil {
		return fmt.Errorf("save embedding cache: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	c.disk, _ = os.Stat(c.path)
	for _, e := range c.entries {
		e.saved = e.used
	}
	c.changed = false
	c.saved = time.Now()
	return nil
}

// mergeFromDiskLocked adds the entries of the file on disk that this cache
// lacks, when another process has replaced the file since this one last
// read or wrote it, and keeps the later use of entries both hold. A file
// that cannot be read is replaced by this cache's entries.
func (c *Cache) mergeFromDiskLocked() {
	f, err := os.Open(c.path)
	if err != nil {
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || c.disk != nil && os.SameFile(info, c.disk) && info.ModTime().Equal(c.disk.ModTime()) && info.Size() == c.disk.Size() {
		return
	}
	fc, err := readCache(bufio.NewReaderSize(f, 1<<20), info, func(k CacheKey) bool {
		_, ok := c.entries[k]
		return !ok
	})
	if err != nil {
		return
	}
	sameTerms := fc.version == cacheVersion && fc.termsTag == termsTag()
	remap := make([]uint32, len(fc.vocab))
	for i := range remap {
		remap[i] = noTerms
	}
	for k, e := range fc.entries {
		if mine, ok := c.entries[k]; ok {
			mine.used = max(mine.used, e.used)
			continue
		}
		if sameTerms && e.hasTerms {
			for i, id := range e.terms {
				if remap[id] == noTerms {
					remap[id] = c.internLocked(fc.vocab[id : id+1])[0]
				}
				e.terms[i] = remap[id]
			}
		} else {
			e.terms, e.hasTerms = nil, false
		}
		c.entries[k] = e
		c.bytes += e.size()
	}
	for k, used := range fc.uses {
		if mine, ok := c.entries[k]; ok {
			mine.used = max(mine.used, used)
		}
	}
}

// The file, version 2, little-endian throughout:
//
//	magic "NBEMB\x00", version (uint32), terms tag (uint64), vocabulary
//	size V (uint32), vocabulary bytes B (uint64), entry count N (uint64);
//	V term lengths (uint32), then the B bytes of the terms;
//	N entries: key (32 bytes), last use (int64, Unix seconds), dims D
//	(uint32), term count T (uint32, 0xFFFFFFFF when not stored), D
//	float32s, T term ids (uint32) into the vocabulary;
//	the CRC-32C of all that.
//
// Version 1 had no terms tag, vocabulary, last use or term count.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// littleEndian: the machine stores float32s and uint32s as the file does.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// writeLocked writes every entry, with a vocabulary holding only the terms
// they use.
func (c *Cache) writeLocked(w io.Writer) error {
	crc := crc32.New(castagnoli)
	bw := &binWriter{w: io.MultiWriter(w, crc)}
	remap := make([]uint32, len(c.vocab))
	for i := range remap {
		remap[i] = noTerms
	}
	var vocab []string
	var blob int
	for _, e := range c.entries {
		for _, id := range e.terms {
			if remap[id] == noTerms {
				remap[id] = uint32(len(vocab))
				vocab = append(vocab, c.vocab[id])
				blob += len(c.vocab[id])
			}
		}
	}
	bw.bytes([]byte(cacheMagic))
	bw.u32(cacheVersion)
	bw.u64(termsTag())
	bw.u32(uint32(len(vocab)))
	bw.u64(uint64(blob))
	bw.u64(uint64(len(c.entries)))
	for _, t := range vocab {
		bw.u32(uint32(len(t)))
	}
	for _, t := range vocab {
		bw.str(t)
	}
	var ids []uint32
	for k, e := range c.entries {
		bw.bytes(k[:])
		bw.u64(uint64(e.used))
		bw.u32(uint32(len(e.vec)))
		if e.hasTerms {
			bw.u32(uint32(len(e.terms)))
		} else {
			bw.u32(noTerms)
		}
		bw.f32s(e.vec)
		ids = ids[:0]
		for _, id := range e.terms {
			ids = append(ids, remap[id])
		}
		bw.u32s(ids)
	}
	if bw.err != nil {
		return bw.err
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], crc.Sum32())
	_, err := w.Write(sum[:])
	return err
}

// binWriter writes little-endian values, keeping the first error.
type binWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func (b *binWriter) bytes(p []byte) {
	if b.err == nil {
		_, b.err = b.w.Write(p)
	}
}

func (b *binWriter) str(s string) { b.bytes(unsafe.Slice(unsafe.StringData(s), len(s))) }

func (b *binWriter) u32(x uint32) { b.bytes(binary.LittleEndian.AppendUint32(b.buf[:0], x)) }

func (b *binWriter) u64(x uint64) { b.bytes(binary.LittleEndian.AppendUint64(b.buf[:0], x)) }

func (b *binWriter) f32s(v []float32) {
	if littleEndian && len(v) > 0 {
		b.bytes(unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v)))
		return
	}
	b.buf = b.buf[:0]
	for _, x := range v {
		b.buf = binary.LittleEndian.AppendUint32(b.buf, math.Float32bits(x))
	}
	b.bytes(b.buf)
}

func (b *binWriter) u32s(v []uint32) {
	if littleEndian && len(v) > 0 {
		b.bytes(unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v)))
		return
	}
	b.buf = b.buf[:0]
	for _, x := range v {
		b.buf = binary.LittleEndian.AppendUint32(b.buf, x)
	}
	b.bytes(b.buf)
}

// fileCache is a cache file's content.
type fileCache struct {
	version  uint32
	termsTag uint64
	vocab    []string
	entries  map[CacheKey]*cacheEntry
	// uses holds the last use of the entries that want declined, for
	// merging.
	uses map[CacheKey]int64
}

// readCache reads a cache file of version 1 or 2, described by info (whose
// size bounds what the header may claim). Entries of a version 1 file get
// the file's modification time as their last use. When want is not nil, only the
// entries it wants are kept (the others' vectors are read and checked, not
// stored). The whole file's checksum is verified before anything is
// returned.
func readCache(r io.Reader, info os.FileInfo, want func(CacheKey) bool) (*fileCache, error) {
	crc := crc32.New(castagnoli)
	br := &binReader{r: io.TeeReader(r, crc)}
	magic := br.bytes(len(cacheMagic))
	if br.err != nil {
		return nil, fmt.Errorf("header: %w", br.err)
	}
	if string(magic) != cacheMagic {
		return nil, errors.New("not an embedding cache")
	}
	fc := &fileCache{version: br.u32()}
	var nvocab uint32
	var blob uint64
	switch fc.version {
	case 1:
	case cacheVersion:
		fc.termsTag = br.u64()
		nvocab = br.u32()
		blob = br.u64()
	default:
		if br.err != nil {
			return nil, fmt.Errorf("header: %w", br.err)
		}
		return nil, fmt.Errorf("version %d, want %d or older", fc.version, cacheVersion)
	}
	n := br.u64()
	if br.err != nil {
		return nil, fmt.Errorf("header: %w", br.err)
	}
	// Every entry takes at least 40 bytes and every term 4: a damaged
	// header must not make us allocate more than the file could hold.
	if size := uint64(info.Size()); n > size/40 || uint64(nvocab) > size/4 || blob > size {
		return nil, fmt.Errorf("implausible header for a file of %d bytes: %d entries, %d terms of %d bytes", size, n, nvocab, blob)
	}
	lens := make([]uint32, nvocab)
	br.u32s(lens)
	text := string(br.bytes(int(blob)))
	if br.err != nil {
		return nil, fmt.Errorf("vocabulary: %w", br.err)
	}
	fc.vocab = make([]string, nvocab)
	off := uint64(0)
	for i, l := range lens {
		if off+uint64(l) > blob {
			return nil, errors.New("vocabulary: term lengths exceed its size")
		}
		fc.vocab[i] = text[off : off+uint64(l)]
		off += uint64(l)
	}
	if off != blob {
		return nil, errors.New("vocabulary: term lengths do not add up to its size")
	}
	fc.entries = make(map[CacheKey]*cacheEntry, min(n, 1<<20))
	if want != nil {
		fc.uses = map[CacheKey]int64{}
	}
	// Vectors and terms of one file share large backing arrays: one
	// allocation per few thousand entries instead of one per entry.
	var arena []float32
	var termArena []uint32
	var scratch []float32
	var scratchIDs []uint32
	ents := make([]cacheEntry, min(n, 4096))
	for i := uint64(0); i < n; i++ {
		var k CacheKey
		br.read(k[:])
		used := info.ModTime().Unix()
		if fc.version >= 2 {
			used = int64(br.u64())
		}
		dims := br.u32()
		nterms := uint32(noTerms)
		if fc.version >= 2 {
			nterms = br.u32()
		}
		if br.err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, br.err)
		}
		if dims == 0 || dims > maxCacheDims {
			return nil, fmt.Errorf("entry %d: implausible dimensions %d", i, dims)
		}
		if nterms != noTerms && nterms > 1<<20 {
			return nil, fmt.Errorf("entry %d: implausible term count %d", i, nterms)
		}
		keep := want == nil || want(k)
		var v []float32
		if keep {
			if len(arena) < int(dims) {
				arena = make([]float32, int(dims)*max(1, min(4096, int(n-i))))
			}
			v = arena[:dims:dims]
			arena = arena[dims:]
		} else {
			if cap(scratch) < int(dims) {
				scratch = make([]float32, dims)
			}
			v = scratch[:dims]
		}
		br.f32s(v)
		var ids []uint32
		if nterms != noTerms {
			if keep {
				if len(termArena) < int(nterms) {
					termArena = make([]uint32, max(int(nterms), 1<<16))
				}
				ids = termArena[:nterms:nterms]
				termArena = termArena[nterms:]
			} else {
				if cap(scratchIDs) < int(nterms) {
					scratchIDs = make([]uint32, nterms)
				}
				ids = scratchIDs[:nterms]
			}
			br.u32s(ids)
			for _, id := range ids {
				if id >= nvocab {
					return nil, fmt.Errorf("entry %d: term id %d out of a vocabulary of %d", i, id, nvocab)
				}
			}
		}
		if br.err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, br.err)
		}
		if !keep {
			fc.uses[k] = used
			continue
		}
		if len(ents) == 0 {
			ents = make([]cacheEntry, min(n-i, 4096))
		}
		e := &ents[0]
		ents = ents[1:]
		*e = cacheEntry{vec: v, terms: ids, hasTerms: nterms != noTerms, used: used, saved: used}
		fc.entries[k] = e
	}
	want32 := crc.Sum32()
	var sum [4]byte
	if _, err := io.ReadFull(r, sum[:]); err != nil {
		return nil, fmt.Errorf("checksum: %w", err)
	}
	if binary.LittleEndian.Uint32(sum[:]) != want32 {
		return nil, errors.New("checksum mismatch")
	}
	var extra [1]byte
	if m, _ := r.Read(extra[:]); m != 0 {
		return nil, errors.New("trailing bytes after checksum")
	}
	return fc, nil
}

// binReader reads little-endian values, keeping the first error.
type binReader struct {
	r   io.Reader
	buf [8]byte
	err error
}

func (b *binReader) read(p []byte) {
	if b.err == nil {
		_, b.err = io.ReadFull(b.r, p)
	}
}

func (b *binReader) bytes(n int) []byte {
	p := make([]byte, n)
	b.read(p)
	return p
}

func (b *binReader) u32() uint32 {
	b.read(b.buf[:4])
	return binary.LittleEndian.Uint32(b.buf[:4])
}

func (b *binReader) u64() uint64 {
	b.read(b.buf[:8])
	return binary.LittleEndian.Uint64(b.buf[:8])
}

func (b *binReader) f32s(v []float32) {
	if len(v) == 0 {
		return
	}
	if littleEndian {
		// The file's layout is the machine's: read straight into memory.
		b.read(unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v)))
		return
	}
	raw := make([]byte, 4*len(v))
	b.read(raw)
	for j := range v {
		v[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
	}
}

func (b *binReader) u32s(v []uint32) {
	if len(v) == 0 {
		return
	}
	if littleEndian {
		b.read(unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v)))
		return
	}
	raw := make([]byte, 4*len(v))
	b.read(raw)
	for j := range v {
		v[j] = binary.LittleEndian.Uint32(raw[4*j:])
	}
}

// termsProbe exercises the tokenizer's rules (stop words, negations,
// stemming, irregular verbs, initialisms, numbers, prefix keys, non-ASCII),
// so that its terms change when the tokenizer does.
const termsProbe = "The U.S. envoy didn't say when talks in Riyadh would resume; " +
	"officials met on Feb. 18, 2025, and said 3.5 million people weren't told. " +
	"Russia's foreign minister Sergey Lavrov flew to Saudi Arabia — négociations, Zelenskyy's invasion, thinking, ran."

// termsTagVersion is bumped when lexicalTerms changes in a way the probe
// might not show.
const termsTagVersion = 4

// termsTag identifies the tokenizer whose terms a cache file holds: a hash
// of termsTagVersion and the terms of termsProbe. Terms stored under
// another tag are made again.
var termsTag = sync.OnceValue(func() uint64 {
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00", termsTagVersion)
	writeTerms(h, lexicalTerms(termsProbe))
	var sum [sha256.Size]byte
	return binary.LittleEndian.Uint64(h.Sum(sum[:0]))
})

func writeTerms(h hash.Hash, terms []string) {
	for _, t := range terms {
		io.WriteString(h, t)
		h.Write([]byte{0})
	}
}

// staleTempAge is how old a temporary cache file must be before OpenCache
// takes it for the leftover of a killed Save rather than one being written.
const staleTempAge = 10 * time.Minute

// removeStaleTemps deletes temporary files that a process killed during
// Save left behind; each can be as large as the cache.
func removeStaleTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasPrefix(e.Name(), CacheFile+".tmp-") {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTempAge {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
