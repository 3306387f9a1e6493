package retrieval

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// CacheFile is the name of the embedding cache inside the index directory.
const CacheFile = "embeddings.cache"

const (
	cacheMagic   = "NBEMB\x00"
	cacheVersion = 1
	maxCacheDims = 1 << 16
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

// Cache is a content-addressed store of embeddings kept in one file. It is
// safe for concurrent use. The file is replaced atomically on Save (temporary
// file, fsync, rename), so a crash leaves the old file or the new one, and a
// checksum lets Open tell a damaged file from a good one.
type Cache struct {
	path    string
	mu      sync.Mutex
	entries map[CacheKey][]float32
}

// OpenCache loads the cache in dir, creating dir if needed. A missing file
// is an empty cache. A file that cannot be read or is damaged is also an
// empty cache, and is reported in warn (the caller logs it; the cache is
// rebuilt on the next Save): a bad cache costs embeddings, never an answer.
func OpenCache(dir string) (c *Cache, warn error, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("index directory %s: %w", dir, err)
	}
	c = &Cache{path: filepath.Join(dir, CacheFile), entries: map[CacheKey][]float32{}}
	removeStaleTemps(dir)
	f, err := os.Open(c.path)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil, nil
	}
	if err != nil {
		return c, fmt.Errorf("embedding cache %s unreadable, rebuilding it: %w", c.path, err), nil
	}
	defer f.Close()
	entries, err := readCache(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return c, fmt.Errorf("embedding cache %s is damaged, rebuilding it: %w", c.path, err), nil
	}
	c.entries = entries
	return c, nil, nil
}

// Path is the cache file's path.
func (c *Cache) Path() string { return c.path }

// Len is the number of embeddings held.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Get returns the embedding stored under k. The slice is shared: do not
// modify it.
func (c *Cache) Get(k CacheKey) ([]float32, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[k]
	return v, ok
}

// Put stores v under k.
func (c *Cache) Put(k CacheKey, v []float32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[k] = v
}

// Retain drops every entry whose key is not in keep, so the file holds what
// the current index uses and does not grow without bound.
func (c *Cache) Retain(keep map[CacheKey]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.entries {
		if !keep[k] {
			delete(c.entries, k)
		}
	}
}

// Save writes the cache atomically: a temporary file in the same directory,
// fsync, rename over the old file, fsync of the directory.
func (c *Cache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	dir := filepath.Dir(c.path)
	tmp, err := os.CreateTemp(dir, CacheFile+".tmp-*")
	if err != nil {
		return fmt.Errorf("save embedding cache: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename this is a no-op
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := writeCache(w, c.entries); err != nil {
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
	return nil
}

// The file: magic, version (uint32), count (uint64), then count entries of
// key (32 bytes), dims (uint32), dims float32s; then the CRC-32C of all
// that. Little-endian throughout.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// littleEndian: the machine stores float32s as the file does.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

func writeCache(w io.Writer, entries map[CacheKey][]float32) error {
	crc := crc32.New(castagnoli)
	mw := io.MultiWriter(w, crc)
	var hdr [len(cacheMagic) + 4 + 8]byte
	copy(hdr[:], cacheMagic)
	binary.LittleEndian.PutUint32(hdr[len(cacheMagic):], cacheVersion)
	binary.LittleEndian.PutUint64(hdr[len(cacheMagic)+4:], uint64(len(entries)))
	if _, err := mw.Write(hdr[:]); err != nil {
		return err
	}
	buf := make([]byte, 0, 4+4*1536)
	for k, v := range entries {
		if _, err := mw.Write(k[:]); err != nil {
			return err
		}
		buf = binary.LittleEndian.AppendUint32(buf[:0], uint32(len(v)))
		for _, x := range v {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
		}
		if _, err := mw.Write(buf); err != nil {
			return err
		}
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], crc.Sum32())
	_, err := w.Write(sum[:])
	return err
}

func readCache(r io.Reader) (map[CacheKey][]float32, error) {
	crc := crc32.New(castagnoli)
	tr := io.TeeReader(r, crc)
	var hdr [len(cacheMagic) + 4 + 8]byte
	if _, err := io.ReadFull(tr, hdr[:]); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if string(hdr[:len(cacheMagic)]) != cacheMagic {
		return nil, errors.New("not an embedding cache")
	}
	if v := binary.LittleEndian.Uint32(hdr[len(cacheMagic):]); v != cacheVersion {
		return nil, fmt.Errorf("version %d, want %d", v, cacheVersion)
	}
	n := binary.LittleEndian.Uint64(hdr[len(cacheMagic)+4:])
	if n > 1<<28 {
		return nil, fmt.Errorf("implausible entry count %d", n)
	}
	entries := make(map[CacheKey][]float32, n)
	// Vectors of one file share large backing arrays: one allocation per
	// few thousand vectors instead of one per vector.
	var arena []float32
	var head [sha256.Size + 4]byte
	var raw []byte
	for i := uint64(0); i < n; i++ {
		if _, err := io.ReadFull(tr, head[:]); err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		dims := binary.LittleEndian.Uint32(head[sha256.Size:])
		if dims == 0 || dims > maxCacheDims {
			return nil, fmt.Errorf("entry %d: implausible dimensions %d", i, dims)
		}
		if len(arena) < int(dims) {
			arena = make([]float32, int(dims)*max(1, min(4096, int(n-i))))
		}
		v := arena[:dims:dims]
		arena = arena[dims:]
		if littleEndian {
			// The file's layout is the machine's: read straight into the
			// vector's memory.
			if _, err := io.ReadFull(tr, unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))); err != nil {
				return nil, fmt.Errorf("entry %d: %w", i, err)
			}
		} else {
			if cap(raw) < int(dims)*4 {
				raw = make([]byte, dims*4)
			}
			raw = raw[:dims*4]
			if _, err := io.ReadFull(tr, raw); err != nil {
				return nil, fmt.Errorf("entry %d: %w", i, err)
			}
			for j := range v {
				v[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
			}
		}
		var k CacheKey
		copy(k[:], head[:sha256.Size])
		entries[k] = v
	}
	want := crc.Sum32()
	var sum [4]byte
	if _, err := io.ReadFull(r, sum[:]); err != nil {
		return nil, fmt.Errorf("checksum: %w", err)
	}
	if binary.LittleEndian.Uint32(sum[:]) != want {
		return nil, errors.New("checksum mismatch")
	}
	var extra [1]byte
	if m, _ := r.Read(extra[:]); m != 0 {
		return nil, errors.New("trailing bytes after checksum")
	}
	return entries, nil
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
