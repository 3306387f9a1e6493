package ingest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/newsbot/newsbot/retrieval"
)

// A short story of our own, as a publisher's page would carry it.
const harbourHTML = `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Harbour reopens after storm | Tidewater Gazette</title>
<meta property="og:title" content="Harbour reopens after storm">
<meta property="og:site_name" content="Tidewater Gazette">
<link rel="canonical" href="https://gazette.example/news/harbour-reopens">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Harbour reopens after storm",
"datePublished":"2025-03-04T08:15:00+00:00","author":[{"@type":"Person","name":"Ada Quill"},{"@type":"Person","name":"Ben Marsh"}]}</script>
<script>var tracker = "do not keep this";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
<article>
<h1>Harbour reopens after storm</h1>
<p>The harbour at Tidewater reopened on Tuesday morning, three days after a winter storm tore two fishing boats from their moorings and left the outer wall cracked along forty metres.</p>
<p>Harbour master Ines Calder said divers had inspected the wall overnight and found the damage above the waterline, so the port could take ships of up to five thousand tonnes while repairs went on.</p>
<p>The first vessel to enter was the ferry Saint Brennan, which had waited in the bay since Saturday with two hundred passengers and a cargo of fresh vegetables for the island shops.</p>
<p>Repairs to the wall are expected to cost about two million pounds and to take until the end of May, the council said in a statement, adding that the fish market would open again on Thursday.</p>
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Council tax to rise</a></li><li><a href="/b">Lighthouse for sale</a></li></ul></aside>
<footer>Sign up for our newsletter. Copyright Tidewater Gazette.</footer>
</body></html>`

const harbourMD = `---
title: Lighthouse keeper retires after forty years
source: Tidewater Gazette
published: 2025-02-01
---
# Lighthouse keeper retires after forty years

**Morag Fenn** climbed the *one hundred and twelve* steps of the Tidewater light for the last time on Friday.

She kept the lamp through [three storms](https://gazette.example/storms) that the town still talks about:
- the gale of 1987
- the flood of 2003

Fenn said she would miss the view more than the work.
`

func newStore(t *testing.T) *Store {
	t.Helper()
	return &Store{Dir: filepath.Join(t.TempDir(), "data"), Fetcher: &Fetcher{AllowPrivate: true},
		Now: func() time.Time { return time.Date(2025, 3, 5, 10, 0, 0, 0, time.UTC) }}
}

func TestAddURLWritesAStoryWithFrontMatter(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, harbourHTML)
	}))
	defer srv.Close()
	s := newStore(t)
	st, err := s.AddURL(context.Background(), srv.URL+"/news/harbour?utm_source=x")
	if err != nil {
		t.Fatal(err)
	}
	want := Story{Slug: "harbour-reopens-after-storm", Title: "Harbour reopens after storm", Source: "Tidewater Gazette",
		URL: "https://gazette.example/news/harbour-reopens", Published: "2025-03-04", Byline: "Ada Quill, Ben Marsh",
		Lang: "en-GB", Added: "2025-03-05T10:00:00Z", Path: filepath.Join(s.Dir, "harbour-reopens-after-storm.md")}
	if st != want {
		t.Errorf("story\n%+v\nwant\n%+v", st, want)
	}
	b, err := os.ReadFile(st.Path)
	if err != nil {
		t.Fatal(err)
	}
	file := string(b)
	for _, bad := range []string{"tracker", "Most read", "Lighthouse for sale", "Sport", "newsletter", "<p>"} {
		if strings.Contains(file, bad) {
			t.Errorf("story file keeps %q:\n%s", bad, file)
		}
	}
	if !strings.Contains(file, "Harbour master Ines Calder said divers") || !strings.HasPrefix(file, "---\ntitle: \"Harbour reopens after storm\"\n") {
		t.Errorf("story file:\n%s", file)
	}
	docs, err := retrieval.LoadDir(s.Dir)
	if err != nil || len(docs) != 1 || docs[0].Slug != st.Slug || docs[0].Byline != "Ada Quill, Ben Marsh" {
		t.Fatalf("the corpus loader reads %+v, %v", docs, err)
	}
	// The same page again, at another address: caught by its canonical URL.
	_, err = s.AddURL(context.Background(), srv.URL+"/amp/harbour")
	if !errors.Is(err, ErrDuplicate) {
		t.Errorf("second add: %v, want ErrDuplicate", err)
	}
	if n := countStories(t, s); n != 1 {
		t.Errorf("%d stories after duplicate adds", n)
	}
}

func countStories(t *testing.T, s *Store) int {
	t.Helper()
	st, bad, err := s.List()
	if err != nil || len(bad) > 0 {
		t.Fatalf("List: %v %v", bad, err)
	}
	return len(st)
}

func TestAddFileMarkdownIsStoredAsPlainText(t *testing.T) {
	s := newStore(t)
	st, err := s.AddFile("keeper.md", []byte(harbourMD))
	if err != nil {
		t.Fatal(err)
	}
	if st.Slug != "lighthouse-keeper-retires-after-forty-years" || st.Published != "2025-02-01" || st.Source != "Tidewater Gazette" {
		t.Errorf("story %+v", st)
	}
	b, _ := os.ReadFile(st.Path)
	body := string(b)
	for _, bad := range []string{"**", "*one", "](", "- the gale", "# Lighthouse"} {
		if strings.Contains(body, bad) {
			t.Errorf("stored file keeps Markdown %q:\n%s", bad, body)
		}
	}
	if !strings.Contains(body, "Morag Fenn climbed the one hundred and twelve steps") || !strings.Contains(body, "the gale of 1987") {
		t.Errorf("stored file lost text:\n%s", body)
	}
	// The same text under another name and without front matter is a duplicate.
	_, text, _ := strings.Cut(harbourMD[4:], "---\n")
	if _, err := s.AddFile("copy.md", []byte(text)); !errors.Is(err, ErrDuplicate) {
		t.Errorf("same text again: %v, want ErrDuplicate", err)
	}
	// Not a story file, not text, nothing left after cleaning: clear errors, nothing written.
	for name, b := range map[string][]byte{"photo.png": {0x89, 'P'}, "bin.txt": {0xff, 0x00, 0xfe}, "promo.txt": []byte("Subscribe now\n")} {
		if _, err := s.AddFile(name, b); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("AddFile(%s) = %v, want an error naming it", name, err)
		}
	}
	if n := countStories(t, s); n != 1 {
		t.Errorf("%d stories", n)
	}
}

func TestSlugsAreStableAndUnique(t *testing.T) {
	s := newStore(t)
	a, err := s.Add(Story{Title: "Storm: what we know"}, "The storm reached the coast at noon.")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Add(Story{Title: "Storm: what we know"}, "A second storm reached the coast at dusk.")
	if err != nil {
		t.Fatal(err)
	}
	if a.Slug != "storm-what-we-know" || b.Slug != "storm-what-we-know-2" {
		t.Errorf("slugs %q, %q", a.Slug, b.Slug)
	}
	long := slugFor(strings.Repeat("Extraordinarily ", 10), "x")
	if len(long) > 60 || strings.HasSuffix(long, "-") {
		t.Errorf("long slug %q", long)
	}
	if got := slugFor("Águas de março: São Paulo", "x"); got != "águas-de-março-são-paulo" {
		t.Errorf("slug %q", got)
	}
	if got := slugFor("!!!", "upload"); got != "upload" {
		t.Errorf("slug %q", got)
	}
}

func TestRemoveAndRetention(t *testing.T) {
	s := newStore(t)
	s.MaxStories = 2
	var retired []string
	s.Retired = func(st Story) { retired = append(retired, st.Slug) }
	for i, d := range []string{"2025-01-03", "2025-01-01", "2025-01-02"} {
		if _, err := s.Add(Story{Title: fmt.Sprintf("Story %d", i), Published: d}, fmt.Sprintf("Text number %d of the tide tables.", i)); err != nil {
			t.Fatal(err)
		}
	}
	st, _, _ := s.List()
	var slugs []string
	for _, x := range st {
		slugs = append(slugs, x.Slug)
	}
	if strings.Join(slugs, ",") != "story-0,story-2" {
		t.Errorf("after retention: %v (the oldest, story-1, must go)", slugs)
	}
	if len(retired) != 1 || retired[0] != "story-1" {
		t.Errorf("Retired told of %v, want [story-1]", retired)
	}
	if _, err := s.Remove("story-0"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remove("story-0"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second remove: %v", err)
	}
	if n := countStories(t, s); n != 1 {
		t.Errorf("%d stories", n)
	}
}

func TestCanonicalURL(t *testing.T) {
	same := [][2]string{
		{"https://www.Example.org/a/?utm_source=x&id=3#top", "http://example.org/a?id=3"},
		{"https://example.org:443/a", "https://example.org/a/"},
	}
	for _, p := range same {
		if canonicalURL(p[0]) != canonicalURL(p[1]) {
			t.Errorf("%s and %s differ: %s vs %s", p[0], p[1], canonicalURL(p[0]), canonicalURL(p[1]))
		}
	}
	if canonicalURL("https://example.org/a?id=3") == canonicalURL("https://example.org/a?id=4") {
		t.Error("different ids are the same story")
	}
}

// TestAddFileOnSharedPages adds every saved page of the shared corpus as an
// uploaded file: each becomes a story the corpus loader reads, with a
// title, and with the T pages' required snippets in its text.
func TestAddFileOnSharedPages(t *testing.T) {
	dir := filepath.Join(needWebCorpus(t), "pages")
	entries, _ := os.ReadDir(dir)
	s := newStore(t)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name(), "source.html"))
		if err != nil {
			continue
		}
		st, err := s.AddFile(e.Name()+".html", b)
		if err != nil {
			t.Errorf("%s: %v", e.Name(), err)
			continue
		}
		if st.Title == "" || st.Title == e.Name() {
			t.Errorf("%s: no title", e.Name())
		}
	}
	docs, err := retrieval.LoadDir(s.Dir)
	if err != nil || len(docs) != len(entries) {
		t.Errorf("loader read %d of %d stories: %v", len(docs), len(entries), err)
	}
}

// TestConcurrentAddsNeverOverwrite: stores sharing a directory (as
// processes would) adding stories of the same title at once each get
// their own file.
func TestConcurrentAddsNeverOverwrite(t *testing.T) {
	dir := t.TempDir()
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := &Store{Dir: dir} // one Store each: no shared mutex
			_, err := s.Add(Story{Title: "Storm warning"}, fmt.Sprintf("Report %d: the storm warning covers the coast tonight.", i))
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	s := &Store{Dir: dir}
	if got := countStories(t, s); got != n {
		t.Errorf("%d stories on disk, want %d", got, n)
	}
}

// TestAddFileSpanishWindows1252Page: an uploaded page of our own in
// Spanish, in windows-1252 declared only by its <meta>, with the byline and
// date only in <meta> tags: the text is decoded and stripped of its
// boilerplate, and byline, date and language reach the front matter.
func TestAddFileSpanishWindows1252Page(t *testing.T) {
	page := `<html lang="es"><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<title>El puerto reabre tras el temporal</title>
<meta name="author" content="Lucía Ordóñez"><meta property="article:published_time" content="2025-03-04T09:30:00+01:00">
</head><body><div class="menu"><a href="/">Portada</a> <a href="/deportes">Deportes</a></div>
<div class="nota"><h1>El puerto reabre tras el temporal</h1>
<p>El puerto de Mareaviva reabrió el martes por la mañana, tres días después de que un temporal de invierno arrancara dos pesqueros de sus amarres.</p>
<p>La capitana del puerto, Inés Calderón, señaló que los buzos revisaron el dique durante la noche y que los daños están por encima de la línea de flotación.</p>
<p>Las obras costarán unos dos millones de euros y durarán hasta finales de mayo de este año, según informó el ayuntamiento en un comunicado.</p></div>
<div class="boletin">Suscríbase a nuestro boletín diario</div>
<ul class="relacionadas"><li><a href="/a">Sube el precio del pescado</a></li></ul></body></html>`
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	s := newStore(t)
	st, err := s.AddFile("puerto.html", b)
	if err != nil {
		t.Fatal(err)
	}
	if st.Byline != "Lucía Ordóñez" || st.Published != "2025-03-04" || st.Lang != "es" || st.Title != "El puerto reabre tras el temporal" {
		t.Errorf("story %+v", st)
	}
	file, _ := os.ReadFile(st.Path)
	if !strings.Contains(string(file), "La capitana del puerto, Inés Calderón, señaló") {
		t.Errorf("text not decoded:\n%s", file)
	}
	for _, bad := range []string{"Suscríbase", "Deportes", "Sube el precio"} {
		if strings.Contains(string(file), bad) {
			t.Errorf("boilerplate %q kept:\n%s", bad, file)
		}
	}
}

// FuzzAddFileHTML: any bytes uploaded as a page give a story or an error,
// never a panic, and a story always reads back through the corpus loader.
func FuzzAddFileHTML(f *testing.F) {
	f.Add([]byte(harbourHTML))
	f.Add([]byte("<p>short</p>"))
	f.Add([]byte("<html><meta charset=\"x-unknown\"><body><article><p>" + strings.Repeat("word ", 80) + "</p></article>"))
	f.Add([]byte{0xff, 0xfe, 0, '<'})
	f.Fuzz(func(t *testing.T, b []byte) {
		s := &Store{Dir: t.TempDir()}
		st, err := s.AddFile("page.html", b)
		if err != nil {
			return
		}
		body, err := os.ReadFile(st.Path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := retrieval.ParseDocument(st.Path, body); err != nil {
			t.Fatalf("stored story does not read back: %v", err)
		}
	})
}

func TestHasStories(t *testing.T) {
	story := "---\ntitle: \"A\"\n---\nText.\n"
	cases := []struct {
		name  string
		setup func(root string) string // returns the dir to ask about
		want  bool
	}{
		{"missing folder", func(root string) string { return filepath.Join(root, "none") }, false},
		{"empty folder", func(root string) string { return root }, false},
		{"a story", func(root string) string {
			os.WriteFile(filepath.Join(root, "a.md"), []byte(story), 0o644)
			return root
		}, true},
		{"only hidden files and state", func(root string) string {
			os.MkdirAll(filepath.Join(root, ".newsbot"), 0o755)
			os.WriteFile(filepath.Join(root, ".newsbot", "a.md"), []byte(story), 0o644)
			os.WriteFile(filepath.Join(root, ".b.md"), []byte(story), 0o644)
			return root
		}, false},
		{"a story in a sub-folder", func(root string) string {
			os.MkdirAll(filepath.Join(root, "sub"), 0o755)
			os.WriteFile(filepath.Join(root, "sub", "a.txt"), []byte("Text.\n"), 0o644)
			return root
		}, true},
		{"the folder is a symbolic link to one with a story", func(root string) string {
			real := filepath.Join(root, "real")
			os.MkdirAll(real, 0o755)
			os.WriteFile(filepath.Join(real, "a.md"), []byte(story), 0o644)
			link := filepath.Join(root, "link")
			if err := os.Symlink(real, link); err != nil {
				t.Skip("no symbolic links here:", err)
			}
			return link
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := HasStories(c.setup(t.TempDir()))
			if err != nil || got != c.want {
				t.Errorf("HasStories = %v, %v; want %v, nil", got, err, c.want)
			}
		})
	}
}

// Files put in the data directory by hand are the user's: retention
// neither counts nor removes them, however old they are.
func TestRetentionNeverRemovesFilesPutThereByHand(t *testing.T) {
	s := newStore(t)
	s.MaxStories = 1
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mine := map[string]string{
		"bridge.md":   "---\ntitle: \"Bridge opens\"\npublished: 2020-01-01\n---\nThe bridge opened on Monday after two years of work.\n",
		"library.txt": "The town library reopened after a flood closed it for a month.\n",
		// Copied from a backup, with the added field newsbot writes.
		"restored.md": "---\ntitle: \"Ferry returns\"\npublished: 2019-01-01\nadded: 2019-01-02T00:00:00Z\n---\nThe ferry returned to the island after a winter in dry dock.\n",
		// In a sub-folder, also with the field.
		"archive/old.md": "---\ntitle: \"Old news\"\npublished: 2018-01-01\nadded: 2018-01-02T00:00:00Z\n---\nThe old market hall was sold to the town for one pound.\n",
	}
	for name, text := range mine {
		os.MkdirAll(filepath.Dir(filepath.Join(s.Dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(s.Dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var retired []string
	s.Retired = func(st Story) { retired = append(retired, st.Slug) }
	s.MaxStories = 0
	edited, err := s.Add(Story{Title: "Edited later", Published: "2017-01-01"}, "A story the store wrote and the user edited afterwards.")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(edited.Path)
	os.WriteFile(edited.Path, append(b, []byte("\nA paragraph the user added by hand.\n")...), 0o644)
	s.MaxStories = 1
	for i := range 3 {
		if _, err := s.Add(Story{Title: fmt.Sprintf("Added %d", i), Published: fmt.Sprintf("2025-02-0%d", i+1)}, fmt.Sprintf("Added text %d about the harbour.", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(edited.Path); err != nil {
		t.Errorf("a story edited since the store wrote it is gone: %v", err)
	}
	for name := range mine {
		if _, err := os.Stat(filepath.Join(s.Dir, name)); err != nil {
			t.Errorf("%s, put there by hand, is gone: %v", name, err)
		}
	}
	st, _, _ := s.List()
	var added []string
	for _, x := range st {
		if strings.HasPrefix(x.Slug, "added-") {
			added = append(added, x.Slug)
		}
	}
	if strings.Join(added, ",") != "added-2" || strings.Join(retired, ",") != "added-0,added-1" {
		t.Errorf("added stories kept %v, retired %v; want [added-2] kept, [added-0 added-1] retired", added, retired)
	}
}

// A data directory given as a symbolic link is the directory it points
// to: its stories are listed, duplicates refused, removals found.
func TestStoreFollowsADataDirectoryThatIsALink(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "real")
	s := &Store{Dir: real}
	if _, err := s.Add(Story{Title: "Harbour reopens"}, "The harbour reopened on Thursday after the storm."); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	l := &Store{Dir: link}
	if st, _, err := l.List(); err != nil || len(st) != 1 {
		t.Fatalf("List through the link: %d stories, %v; want 1", len(st), err)
	}
	var dup *DuplicateError
	if _, err := l.Add(Story{Title: "Harbour reopens"}, "The harbour reopened on Thursday after the storm."); !errors.As(err, &dup) {
		t.Errorf("the same story added through the link: %v, want a *DuplicateError", err)
	}
	if _, err := l.Remove("harbour-reopens"); err != nil {
		t.Errorf("Remove through the link: %v", err)
	}
}
