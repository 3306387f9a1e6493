package retrieval

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// corpusExts are the file name endings read as articles.
var corpusExts = map[string]bool{".md": true, ".markdown": true, ".txt": true}

// markdownExts are the endings whose body is Markdown, turned into plain
// text by PlainText before cleaning.
var markdownExts = map[string]bool{".md": true, ".markdown": true}

// FrontMatter is the optional YAML header of a corpus file, between two
// lines of "---".
type FrontMatter struct {
	Title     string `yaml:"title"`
	Source    string `yaml:"source"`
	URL       string `yaml:"url"`
	Published string `yaml:"published"`
	Byline    string `yaml:"byline"`
	Lang      string `yaml:"lang"`  // BCP 47 tag of the text
	Added     string `yaml:"added"` // when the story was added (RFC 3339)
	Feed      string `yaml:"feed"`  // the feed it came from, if any
}

// LoadOptions changes how a corpus is read.
type LoadOptions struct {
	// Convert maps a file name ending (".html") to a function that turns
	// such a file into a Markdown story with front matter; those files
	// are then read as articles too.
	Convert map[string]func(name string, b []byte) ([]byte, error)
	// Skip is asked about each file that cannot be read as an article;
	// true skips it (the caller warns), false fails the load with it. A
	// nil Skip fails on the first such file.
	Skip func(*FileError) bool
}

// LoadDir reads every article (*.md, *.markdown, *.txt) below dir. It fails,
// naming the path, when dir is missing or holds no article, and naming the
// file when one is not text or has broken front matter: a corpus is loaded
// whole or not at all.
func LoadDir(dir string) ([]Document, error) {
	return LoadDirWith(dir, LoadOptions{})
}

// LoadDirWith is LoadDir with options: converters for other file types and
// a policy for files that cannot be read. Paths in errors and in the
// FileErrors given to opt.Skip are joined to dir.
func LoadDirWith(dir string, opt LoadOptions) ([]Document, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("corpus directory %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("corpus directory %s: not a directory", dir)
	}
	if skip := opt.Skip; skip != nil {
		opt.Skip = func(fe *FileError) bool {
			full := &FileError{Path: path.Join(dir, fe.Path), Err: fe.Err}
			return skip(full)
		}
	}
	docs, err := LoadFSWith(os.DirFS(dir), opt)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Path = path.Join(dir, pe.Path)
		}
		var fe *FileError
		if errors.As(err, &fe) {
			fe.Path = path.Join(dir, fe.Path)
		}
		if errors.Is(err, ErrEmptyCorpus) {
			return nil, fmt.Errorf("corpus directory %s: %w", dir, err)
		}
		return nil, err
	}
	for i := range docs {
		docs[i].Path = path.Join(dir, docs[i].Path)
	}
	return docs, nil
}

// ErrEmptyCorpus is returned when a corpus holds no article.
var ErrEmptyCorpus = errors.New("no articles (*.md, *.markdown, *.txt) found")

// FileError is a corpus file that could not be used.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// LoadFS reads every article of fsys, in lexical order of path, failing on
// the first file that cannot be read as one.
func LoadFS(fsys fs.FS) ([]Document, error) {
	return LoadFSWith(fsys, LoadOptions{})
}

// LoadFSWith reads every article of fsys, in lexical order of path, with
// options. When every article file was skipped it fails with the first
// one's FileError.
func LoadFSWith(fsys fs.FS, opt LoadOptions) ([]Document, error) {
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(path.Ext(p))
		if strings.HasPrefix(d.Name(), ".") || (!corpusExts[ext] && opt.Convert[ext] == nil) {
			return nil
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	if len(paths) == 0 {
		return nil, ErrEmptyCorpus
	}
	sort.Strings(paths)
	docs := make([]Document, 0, len(paths))
	seen := map[string]string{}
	var firstSkipped *FileError
	for _, p := range paths {
		doc, err := readDocument(fsys, p, opt)
		if err == nil {
			if other, dup := seen[doc.Slug]; dup {
				err = fmt.Errorf("same document name %q as %s", doc.Slug, other)
			}
		}
		if err != nil {
			fe := &FileError{Path: p, Err: err}
			if opt.Skip == nil || !opt.Skip(fe) {
				return nil, fe
			}
			if firstSkipped == nil {
				firstSkipped = fe
			}
			continue
		}
		seen[doc.Slug] = p
		docs = append(docs, doc)
	}
	if len(docs) == 0 && firstSkipped != nil {
		return nil, firstSkipped
	}
	return docs, nil
}

// readDocument reads and parses one file of a corpus, converting it first
// when opt has a converter for its ending.
func readDocument(fsys fs.FS, p string, opt LoadOptions) (Document, error) {
	b, err := fs.ReadFile(fsys, p)
	if err != nil {
		return Document{}, err
	}
	if conv := opt.Convert[strings.ToLower(path.Ext(p))]; conv != nil {
		if b, err = conv(p, b); err != nil {
			return Document{}, err
		}
		// The converter's output is Markdown, whatever the file's name.
		return parseDocument(p, b, true)
	}
	return ParseDocument(p, b)
}

// ParseDocument parses one corpus file: front matter, then the body, which
// is cleaned into paragraphs and metadata lines. name is the file's path,
// used for the slug and, without front matter, the title.
func ParseDocument(name string, b []byte) (Document, error) {
	return parseDocument(name, b, markdownExts[strings.ToLower(path.Ext(name))])
}

func parseDocument(name string, b []byte, markdown bool) (Document, error) {
	if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
		return Document{}, errors.New("not a text file (it is not UTF-8 or holds NUL bytes)")
	}
	text := strings.TrimPrefix(string(b), "\uFEFF")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	fm, body, err := SplitFrontMatter(text)
	if err != nil {
		return Document{}, err
	}
	mdTitle := ""
	if markdown {
		mdTitle = headingTitle(body)
		body = PlainText(body)
	}
	doc := Document{
		Slug:      Slug(name),
		Path:      name,
		Title:     strings.TrimSpace(fm.Title),
		Source:    strings.TrimSpace(fm.Source),
		URL:       strings.TrimSpace(fm.URL),
		Published: strings.TrimSpace(fm.Published),
		Byline:    strings.TrimSpace(fm.Byline),
		Raw:       body,
	}
	doc.Paragraphs, doc.Meta = Clean(body)
	if doc.Title == "" {
		doc.Title = mdTitle
	}
	if doc.Title == "" {
		doc.Title = titleFromBody(body, name)
	}
	if len(doc.Paragraphs) == 0 {
		return Document{}, errors.New("no article text after cleaning")
	}
	return doc, nil
}

// SplitFrontMatter separates an optional YAML front matter block from the
// body of a story file (UTF-8, "\n" line ends). A file that opens a block
// and never closes it is an error, not a body that starts with "---"; so is
// a known key whose value is not a single scalar.
func SplitFrontMatter(text string) (FrontMatter, string, error) {
	var fm FrontMatter
	if !strings.HasPrefix(text, "---\n") && text != "---" {
		return fm, text, nil
	}
	rest := strings.TrimPrefix(text, "---\n")
	var header, body string
	for off := 0; ; {
		line, next, found := strings.Cut(rest[off:], "\n")
		if t := strings.TrimRight(line, " \t"); t == "---" || t == "..." {
			header, body = rest[:off], next
			break
		}
		if !found {
			return fm, "", errors.New("front matter: opening --- has no closing ---")
		}
		off += len(line) + 1
	}
	var raw map[string]any
	if err := yaml.Unmarshal([]byte(header), &raw); err != nil {
		return fm, "", fmt.Errorf("front matter: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	for k, v := range raw {
		s, ok := scalarString(v)
		switch k {
		case "title", "source", "url", "published", "byline", "lang", "added", "feed":
			if !ok {
				return fm, "", fmt.Errorf("front matter: %s must be a single value, not %T", k, v)
			}
		}
		switch k {
		case "title":
			fm.Title = s
		case "source":
			fm.Source = s
		case "url":
			fm.URL = s
		case "published":
			fm.Published = s
		case "byline":
			fm.Byline = s
		case "lang":
			fm.Lang = s
		case "added":
			fm.Added = s
		case "feed":
			fm.Feed = s
		}
	}
	return fm, body, nil
}

// scalarString renders a YAML scalar as text; dates come back as
// YYYY-MM-DD, as they were written.
func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return x, true
	case int, int64, uint64, float64, bool:
		return fmt.Sprint(x), true
	case interface{ Format(string) string }:
		s := x.Format("2006-01-02T15:04:05Z07:00")
		return strings.TrimSuffix(s, "T00:00:00Z"), true
	}
	return "", false
}

// Slug derives a document's identifier from its path: base name without
// extension, lower case, runs of other characters folded to '-'.
func Slug(name string) string {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(base) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "article"
	}
	return b.String()
}

func titleFromBody(body, name string) string {
	lines := strings.Split(body, "\n")
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") {
			if t := strings.TrimSpace(strings.TrimLeft(line, "#")); t != "" {
				return t
			}
		}
	}
	// A plain-text story's first line, when it reads as a headline: short,
	// a few words, no final punctuation, a line of its own.
	for i, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		next := ""
		if i+1 < len(lines) {
			next = strings.TrimSpace(lines[i+1])
		}
		if headlineLike(line) && next == "" {
			return line
		}
		break
	}
	return Slug(name)
}

// headlineLike reports whether a line reads as a headline: 2 to 20 words,
// at most maxHeadline bytes, not ending as a sentence or clause does, not a
// byline.
func headlineLike(line string) bool {
	n := len(strings.Fields(line))
	if n < 2 || n > 20 || len(line) > maxHeadline || byline.MatchString(line) {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(line)
	return !strings.ContainsRune(".,;:!…", r)
}

// maxHeadline is the longest line, in bytes, read as a plain-text story's
// headline.
const maxHeadline = 150

// headingTitle is the text of a Markdown body's first ATX heading, if any.
func headingTitle(body string) string {
	for _, line := range strings.Split(body, "\n") {
		if m := mdATXHeading.FindStringSubmatch(line); m != nil {
			if t := inline(m[2]); t != "" {
				return t
			}
		}
	}
	return ""
}

// promotion matches lines that sell something rather than report: newsletter
// and alert sign-ups, subscription and app prompts, share buttons,
// advertisement markers. They must never be retrieved or quoted.
var promotion = regexp.MustCompile(`(?i)^(get (the )?(breaking|latest|daily|top)\b.*\b(news|headlines|alerts|updates)\b|.*\bsign up (for|to)\b.*\b(news|newsletters?|alerts|updates|emails?)\b|.*\bsubscribe (to|for|now|today)\b|.*\bdownload (our|the) app\b|advertisement$|sponsored( content)?$|share (this|on) \w+|click here\b|read more:|related:|follow us on\b)`)

// byline matches lines that credit reporters rather than report: the
// wire-service sign-off ("–Spike reported from Kyiv"), a leading "By ...",
// "... contributed to this report".
var byline = regexp.MustCompile(`(?i)^([-\x{2013}\x{2014}]+\s*\p{Lu}.*\breported\b.*|by\s+\p{Lu}[\p{L}.'-]*(\s+\p{Lu}[\p{L}.'-]*){0,3}(\s*(,|and)\s*\p{Lu}[\p{L}.'-]*(\s+\p{Lu}[\p{L}.'-]*){0,3})*,?(\s+[\p{L} ]+)?|.*\bcontributed (to )?this (report|story)\.?)$`)

// copyright matches the copyright line.
var copyright = regexp.MustCompile(`(?i)^(\x{00A9}|\(c\)|copyright\b).{0,200}$`)

// Clean splits a body into content paragraphs and metadata lines (byline,
// copyright). Promotions are dropped. Markdown headings lose their '#'
// markers; lines of one paragraph that were wrapped are joined with a
// space. Every paragraph is text of the body, so every sentence of it can be
// quoted (up to white space).
func Clean(body string) (paragraphs, meta []string) {
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paragraphs = append(paragraphs, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			flush()
			continue
		}
		if strings.HasPrefix(line, "#") {
			flush()
			if h := strings.TrimSpace(strings.TrimLeft(line, "#")); h != "" {
				paragraphs = append(paragraphs, h)
			}
			continue
		}
		if len(line) < 300 && promotion.MatchString(line) {
			flush()
			continue
		}
		if len(line) < 300 && (byline.MatchString(line) || copyright.MatchString(line)) {
			flush()
			meta = append(meta, line)
			continue
		}
		cur = append(cur, line)
		if endsParagraph(line) {
			flush()
		}
	}
	flush()
	return paragraphs, meta
}

// endsParagraph reports whether a line ends as a sentence does: in a file
// with one paragraph per line every line does, while a hard-wrapped Markdown
// paragraph's inner lines mostly do not.
func endsParagraph(line string) bool {
	r, _ := utf8.DecodeLastRuneInString(line)
	switch r {
	case '.', '!', '?', '"', '\u201D', '\u2019', ')', ':':
		return true
	}
	return false
}
