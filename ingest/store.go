package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newsbot/newsbot/retrieval"
)

// MaxUploadBytes bounds an uploaded file, as MaxBodyBytes bounds a fetch.
const MaxUploadBytes = MaxBodyBytes

// Store is the data directory seen as a set of stories. Its methods are
// safe for concurrent use within one process; processes sharing a
// directory see each other's files, written atomically.
type Store struct {
	// Dir is the data directory (created on the first add).
	Dir string
	// Fetcher fetches pages and feeds; nil uses a zero *Fetcher (address
	// guard on).
	Fetcher Getter
	// MaxStories caps the number of stories this store wrote (add, /add,
	// feeds) that are still as it wrote them: each write is recorded with
	// the file's SHA-256 in the state folder (.newsbot/written). After an
	// add past the cap the oldest of them (by publication date, then by
	// when added) are removed, and Retired is told of each. A file put in
	// the directory by hand (even one with an added field, copied from a
	// backup), one in a sub-folder, and one edited since it was written
	// are neither counted nor removed. 0: no cap.
	MaxStories int
	// Retired, if not nil, is called with each story MaxStories removes.
	Retired func(Story)
	// Now is the clock for the added field; nil is time.Now.
	Now func() time.Time

	mu     sync.Mutex // story files
	feedMu sync.Mutex // feed state
}

// Getter fetches pages and feeds; *Fetcher is the real one.
type Getter interface {
	Fetch(ctx context.Context, rawURL string) (*Page, error)
	FetchFeed(ctx context.Context, rawURL, etag, lastModified string) (*Page, error)
}

func (s *Store) getter() Getter {
	if s.Fetcher == nil {
		return &Fetcher{}
	}
	return s.Fetcher
}

// AddURL fetches rawURL and adds its article. It fails with a
// *DuplicateError when the URL (as given, after redirects, or the page's
// canonical URL) or the text is already in the store.
func (s *Store) AddURL(ctx context.Context, rawURL string) (Story, error) {
	return s.AddURLWith(ctx, rawURL, Story{})
}

// AddFile adds an uploaded file by its name's ending: .html or .htm
// through the extractor, .md or .markdown as Markdown, .txt as plain text;
// the last two may carry front matter.
func (s *Store) AddFile(name string, b []byte) (Story, error) {
	if len(b) > MaxUploadBytes {
		return Story{}, fmt.Errorf("%s: over the %d-byte limit", name, MaxUploadBytes)
	}
	ct := ""
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm":
		ct = "text/html"
	case ".md", ".markdown":
		ct = "text/markdown"
	case ".txt":
		ct = "text/plain"
	default:
		return Story{}, fmt.Errorf("%s: not a story file (want .html, .htm, .md, .markdown or .txt)", name)
	}
	st, text, err := fromBody(b, ct, "")
	if err != nil {
		return Story{}, fmt.Errorf("%s: %w", name, err)
	}
	if st.Title == "" {
		st.Title = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	}
	st, err = s.Add(st, text)
	if err != nil {
		return Story{}, fmt.Errorf("%s: %w", name, err)
	}
	return st, nil
}

// fromBody reads a page or file as a story: HTML through ExtractHTML,
// Markdown and text with optional front matter.
func fromBody(b []byte, contentType, pageURL string) (Story, string, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "text/plain", "text/markdown":
		text := strings.ReplaceAll(strings.TrimPrefix(string(b), "\uFEFF"), "\r\n", "\n")
		fm, body, err := retrieval.SplitFrontMatter(text)
		if err != nil {
			return Story{}, "", err
		}
		if mt == "text/markdown" || strings.HasSuffix(strings.ToLower(pageURL), ".md") {
			if fm.Title == "" {
				fm.Title = headingOf(body)
			}
			body = retrieval.PlainText(body)
		}
		st := Story{Title: fm.Title, Source: fm.Source, URL: fm.URL, Published: fm.Published, Byline: fm.Byline, Lang: fm.Lang}
		if st.URL == "" {
			st.URL = pageURL
		}
		return st, body, nil
	}
	a, err := ExtractHTML(b, contentType, pageURL)
	if err != nil {
		return Story{}, "", err
	}
	st := Story{Title: a.Title, Source: a.Site, URL: a.URL, Published: a.Published, Byline: a.Byline, Lang: a.Lang}
	if st.Source == "" {
		if u, err := url.Parse(st.URL); err == nil {
			st.Source = strings.TrimPrefix(u.Hostname(), "www.")
		}
	}
	return st, a.Text, nil
}

func headingOf(md string) string {
	doc, err := retrieval.ParseDocument("x.md", []byte(md))
	if err != nil {
		return ""
	}
	if doc.Title == "x" {
		return ""
	}
	return doc.Title
}

// Add writes a story from its metadata and plain text (paragraphs
// separated by blank lines), under a slug derived from the title, and
// applies MaxStories. It fails with a *DuplicateError when the URL or the
// text is already in the store, and with a plain error when the text is
// not an article once cleaned.
func (s *Store) Add(meta Story, text string) (Story, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	meta.Title = strings.Join(strings.Fields(meta.Title), " ")
	meta.Added = nowUTC(s.Now)
	body, err := storyFile(meta, text)
	if err != nil {
		return Story{}, err
	}
	// The file must read back as an article, as the corpus loader will.
	doc, err := retrieval.ParseDocument("story.md", body)
	if err != nil {
		return Story{}, err
	}
	key := textKey(strings.Join(doc.Paragraphs, "\n\n"))
	stories, keys, _, err := s.listWithKeys()
	if err != nil {
		return Story{}, err
	}
	taken := map[string]bool{}
	for i, st := range stories {
		taken[st.Slug] = true
		if meta.URL != "" && st.URL != "" && canonicalURL(st.URL) == canonicalURL(meta.URL) {
			return Story{}, &DuplicateError{Existing: st, Reason: "same URL"}
		}
		if keys[i] == key {
			return Story{}, &DuplicateError{Existing: st, Reason: "same text"}
		}
	}
	base := slugFor(meta.Title, "story")
	for n := 1; ; n++ {
		slug := base
		if n > 1 {
			slug = base + "-" + strconv.Itoa(n)
		}
		if taken[slug] {
			continue
		}
		meta.Slug = slug
		meta.Path = filepath.Join(s.Dir, slug+".md")
		err := writeNew(meta.Path, body)
		if errors.Is(err, os.ErrExist) && n < 1000 {
			continue // a file we do not read as a story, or another process's
		}
		if err != nil {
			return Story{}, fmt.Errorf("write story %s: %w", meta.Path, err)
		}
		// Without its record the story is only never retired.
		_ = writeAtomic(writtenRecord(followLink(s.Dir), meta.Path), []byte(fileHash(body)+"\n"))
		break
	}
	if s.MaxStories > 0 {
		// Only the stories this store wrote, unchanged since, count and
		// may go; a file someone put or edited here is theirs.
		root := followLink(s.Dir)
		ours := slices.DeleteFunc(slices.Clone(stories), func(st Story) bool { return !wrote(root, st.Path) })
		if len(ours)+1 > s.MaxStories {
			sortNewestFirst(ours)
			for _, old := range ours[max(0, s.MaxStories-1):] {
				if err := os.Remove(old.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
					return meta, fmt.Errorf("retention: remove %s: %w", old.Path, err)
				}
				os.Remove(writtenRecord(root, old.Path))
				if s.Retired != nil {
					s.Retired(old)
				}
			}
		}
	}
	return meta, nil
}

// Remove deletes the story with this slug and returns what it was. A feed
// that carried it does not bring it back: its item stays seen.
func (s *Store) Remove(slug string) (Story, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stories, _, err := s.list()
	if err != nil {
		return Story{}, err
	}
	for _, st := range stories {
		if st.Slug == slug {
			if err := os.Remove(st.Path); err != nil {
				return Story{}, fmt.Errorf("remove %s: %w", st.Path, err)
			}
			os.Remove(writtenRecord(followLink(s.Dir), st.Path))
			return st, nil
		}
	}
	return Story{}, fmt.Errorf("%q: %w", slug, ErrNotFound)
}

// List returns the stories, newest first, and the files that could not be
// read as stories (as *retrieval.FileError). A missing directory holds no
// story.
func (s *Store) List() ([]Story, []error, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, bad, err := s.list()
	sortNewestFirst(st)
	return st, bad, err
}

func (s *Store) list() ([]Story, []error, error) {
	st, _, bad, err := s.listWithKeys()
	return st, bad, err
}

// listWithKeys reads every story file once: the stories, the textKey of
// each, and the files that are not stories.
func (s *Store) listWithKeys() ([]Story, []string, []error, error) {
	var stories []Story
	var keys []string
	var bad []error
	root := followLink(s.Dir)
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, os.ErrNotExist) {
				return filepath.SkipAll
			}
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != root {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !storyExts[strings.ToLower(filepath.Ext(p))] {
			return nil
		}
		st, text, err := readStory(p)
		if err != nil {
			bad = append(bad, &retrieval.FileError{Path: p, Err: err})
			return nil
		}
		stories = append(stories, st)
		keys = append(keys, textKey(text))
		return nil
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read data directory %s: %w", s.Dir, err)
	}
	return stories, keys, bad, nil
}

// findURL looks a URL up among the stories.
func (s *Store) findURL(raw string) (Story, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stories, _, err := s.list()
	if err != nil {
		return Story{}, false, err
	}
	c := canonicalURL(raw)
	for _, st := range stories {
		if st.URL != "" && canonicalURL(st.URL) == c {
			return st, true, nil
		}
	}
	return Story{}, false, nil
}

// writtenDir holds, for each story file the store wrote, a record of the
// file's SHA-256: retention removes only those files, unchanged.
const writtenDir = "written"

// writtenRecord is the path of the record of the story file at path, in
// the data directory root (its links resolved, followLink).
func writtenRecord(root, path string) string {
	return filepath.Join(root, stateDir, writtenDir, filepath.Base(path)+".sha256")
}

// wrote reports whether the store wrote the story file at path, at the top
// of the data directory root (its links resolved), and nobody changed it
// since.
func wrote(root, path string) bool {
	if filepath.Dir(path) != root {
		return false
	}
	rec, err := os.ReadFile(writtenRecord(root, path))
	if err != nil {
		return false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	return strings.TrimSpace(string(rec)) == fileHash(b)
}

// fileHash is the hex SHA-256 of b.
func fileHash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
