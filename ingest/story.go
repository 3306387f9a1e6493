// Package ingest adds news stories to newsbot's data directory: from a URL
// (fetched safely: public addresses only, bounded size and time), from an
// uploaded file (.html, .htm, .md, .markdown, .txt) or from a feed item.
// Each story is one Markdown file with front matter, written atomically
// under a stable slug; the retrieval package reads the directory as the
// corpus. The Store is what the CLI and the Discord commands call.
package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/retrieval"
)

// Story is the front matter of a story file plus where it lives. Domain
// gives the newsbot.Story the other layers use.
type Story struct {
	Slug      string `json:"slug"`
	Title     string `json:"title"`
	Source    string `json:"source,omitempty"`
	URL       string `json:"url,omitempty"`
	Published string `json:"published,omitempty"` // YYYY-MM-DD when known
	Byline    string `json:"byline,omitempty"`
	Lang      string `json:"lang,omitempty"`
	Added     string `json:"added,omitempty"` // RFC 3339, UTC
	Feed      string `json:"feed,omitempty"`  // the feed it came from
	Path      string `json:"path"`            // the story file
}

// Domain returns the story as the root package describes it; Chunks is
// left for the caller, which knows the index.
func (s Story) Domain() newsbot.Story {
	return newsbot.Story{Slug: s.Slug, Title: s.Title, Source: s.Source, URL: s.URL, Published: s.Published,
		Byline: s.Byline, Lang: s.Lang, Added: s.Added, Feed: s.Feed}
}

// ErrDuplicate is returned (wrapped in a *DuplicateError) when a story is
// already in the data directory: same canonical URL, or same text.
var ErrDuplicate = newsbot.ErrDuplicateStory

// ErrNotFound is returned by Remove for a slug no story has.
var ErrNotFound = newsbot.ErrUnknownStory

// DuplicateError names the story a new one duplicates.
type DuplicateError struct {
	Existing Story
	Reason   string // "same URL" or "same text"
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("already added as %s (%s, %s)", e.Existing.Slug, e.Existing.Title, e.Reason)
}

func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }

// storyExts are the endings of files the Store treats as stories. Other
// files (state, temporary files, anything hidden) are left alone.
var storyExts = map[string]bool{".md": true, ".markdown": true, ".txt": true, ".html": true, ".htm": true}

// stateDir is the Store's own folder inside the data directory: hidden, so
// the corpus loader never reads it.
const stateDir = ".newsbot"

// HasStories reports whether dir holds at least one story file (hidden
// files and folders aside). A missing dir holds none. dir may be a
// symbolic link to the folder (as a mounted volume often is): it is
// followed, while links inside it are not.
func HasStories(dir string) (bool, error) {
	dir = followLink(dir)
	found := false
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, os.ErrNotExist) {
				return filepath.SkipAll
			}
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && storyExts[strings.ToLower(filepath.Ext(p))] {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found, err
}

// followLink returns dir with its symbolic links resolved, or dir itself
// when that fails (a missing directory). filepath.WalkDir does not follow
// a root that is a link: it would see one entry, the link, and no story.
func followLink(dir string) string {
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		return r
	}
	return dir
}

// storyFile renders a story file: YAML front matter, a blank line, the
// text.
func storyFile(s Story, text string) ([]byte, error) {
	fm := yaml.Node{Kind: yaml.MappingNode}
	add := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			fm.Content = append(fm.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Value: k},
				&yaml.Node{Kind: yaml.ScalarNode, Value: v, Style: yaml.DoubleQuotedStyle})
		}
	}
	add("title", s.Title)
	add("source", s.Source)
	add("url", s.URL)
	add("published", s.Published)
	add("byline", s.Byline)
	add("lang", s.Lang)
	add("added", s.Added)
	add("feed", s.Feed)
	head, err := yaml.Marshal(&fm)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("---\n")
	b.Write(head)
	b.WriteString("---\n")
	b.WriteString(strings.TrimSpace(text))
	b.WriteString("\n")
	return []byte(b.String()), nil
}

// writeNew publishes b at path like writeAtomic, but never replaces a file
// already there: the temporary file is hard-linked into place, which fails
// with os.ErrExist when another writer (another process sharing the
// directory) took the name first. Where hard links are not supported it
// falls back to a check and a rename.
func writeNew(path string, b []byte) error {
	tmp, err := writeTemp(path, b)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return os.ErrExist
		}
		if _, serr := os.Lstat(path); serr == nil {
			return os.ErrExist
		}
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
	}
	syncDir(filepath.Dir(path))
	return nil
}

// writeAtomic writes b to path through a temporary file in the same
// directory, synced then renamed, so a reader sees the old file or the new
// one, never part of one.
func writeAtomic(path string, b []byte) error {
	tmp, err := writeTemp(path, b)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // a no-op after the rename
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// writeTemp writes b, synced and readable by all (0644), to a new
// temporary file beside path (its folder created if need be) and returns
// the temporary file's path; the caller moves it into place or removes it.
func writeTemp(path string, b []byte) (string, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// syncDir flushes a folder's entries (a file just moved into it), best
// effort: not every system can sync a directory.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// slugFor derives a story's slug: its title's words, lower case, folded
// to ASCII-ish letters and digits, at most 60 bytes, or "story".
func slugFor(title, fallback string) string {
	s := retrieval.Slug(strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, title) + ".x")
	if s == "article" || s == "" {
		s = retrieval.Slug(fallback)
	}
	if len(s) > 60 {
		cut := strings.LastIndexByte(s[:60], '-')
		if cut < 20 {
			cut = 60
		}
		for cut > 0 && cut < len(s) && (s[cut]&0xC0) == 0x80 {
			cut--
		}
		s = strings.Trim(s[:cut], "-")
	}
	if s == "" || s == "article" {
		s = "story"
	}
	return s
}

// canonicalURL normalises a URL for duplicate detection: lower-case scheme
// and host, no fragment, no default port, no trailing slash, no common
// tracking parameters (utm_*, fbclid, gclid).
func canonicalURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return strings.TrimSpace(raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme == "http" {
		u.Scheme = "https" // the same story, whichever way it was reached
	}
	host := strings.ToLower(u.Hostname())
	host = strings.TrimPrefix(host, "www.")
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	u.Host = host
	u.Fragment = ""
	u.RawFragment = ""
	q := u.Query()
	for k := range q {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "utm_") || lk == "fbclid" || lk == "gclid" || lk == "ocid" {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u.String()
}

// textKey is the fingerprint of a story's text for duplicate detection:
// SHA-256 of its words, lower-cased, white space and punctuation ignored.
func textKey(text string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		b.WriteString(w)
		b.WriteByte(' ')
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// readStory reads a story file's front matter and body (plain text: the
// retrieval loader's reading, HTML files through the extractor).
func readStory(path string) (Story, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Story{}, "", err
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".html" || ext == ".htm" {
		a, err := ExtractHTML(b, "", "")
		if err != nil {
			return Story{}, "", err
		}
		return Story{Slug: retrieval.Slug(path), Title: a.Title, Source: a.Site, URL: a.URL, Published: a.Published,
			Byline: a.Byline, Lang: a.Lang, Path: path}, a.Text, nil
	}
	doc, err := retrieval.ParseDocument(path, b)
	if err != nil {
		return Story{}, "", err
	}
	fm, _, _ := retrieval.SplitFrontMatter(strings.ReplaceAll(strings.TrimPrefix(string(b), "\uFEFF"), "\r\n", "\n"))
	return Story{Slug: doc.Slug, Title: doc.Title, Source: doc.Source, URL: doc.URL, Published: doc.Published,
		Byline: doc.Byline, Lang: fm.Lang, Added: fm.Added, Feed: fm.Feed, Path: path}, strings.Join(doc.Paragraphs, "\n\n"), nil
}

// sortNewestFirst orders stories by publication date, then by when they
// were added, newest first, then by slug.
func sortNewestFirst(s []Story) {
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Published != b.Published {
			return a.Published > b.Published
		}
		if a.Added != b.Added {
			return a.Added > b.Added
		}
		return a.Slug < b.Slug
	})
}

func nowUTC(now func() time.Time) string {
	if now == nil {
		now = time.Now
	}
	return now().UTC().Format(time.RFC3339)
}

// HTMLStoryFile converts a saved HTML page into the story file AddFile
// would write for it (front matter and main text), without writing
// anything: the corpus loader reads .html and .htm files of the data
// directory through it.
func HTMLStoryFile(b []byte) ([]byte, error) {
	st, text, err := fromBody(b, "text/html", "")
	if err != nil {
		return nil, err
	}
	return storyFile(st, text)
}
