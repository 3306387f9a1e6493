package retrieval

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/newsbot/newsbot/data"
)

func TestCleanDropsPromotionsAndKeepsCreditsAsMeta(t *testing.T) {
	body := "First paragraph of news.\nGet breaking National news\nFor news impacting Canada and around the world, sign up for breaking news alerts delivered directly to you when they happen.\nSecond paragraph.\n\u2013Spike reported from Kyiv, Ukraine.\n\u00a9 2025 The Canadian Press"
	paras, meta := Clean(body)
	if len(paras) != 2 || paras[0] != "First paragraph of news." || paras[1] != "Second paragraph." {
		t.Errorf("paragraphs = %q", paras)
	}
	if len(meta) != 2 || !strings.Contains(meta[0], "Spike reported") || !strings.HasPrefix(meta[1], "\u00a9") {
		t.Errorf("meta = %q", meta)
	}
}

func TestCleanJoinsWrappedMarkdownLines(t *testing.T) {
	paras, _ := Clean("# Heading\n\nA sentence that is wrapped\nacross two lines.\n\nNext one.")
	want := []string{"Heading", "A sentence that is wrapped across two lines.", "Next one."}
	if strings.Join(paras, "|") != strings.Join(want, "|") {
		t.Errorf("paragraphs = %q, want %q", paras, want)
	}
}

func TestDefaultCorpusHasNoPromotionInAnyChunk(t *testing.T) {
	docs, err := LoadFS(data.Articles())
	if err != nil {
		t.Fatal(err)
	}
	d := docs[0]
	if d.Source != "The Canadian Press" || d.Published != "2025-02-17" || d.Title == "" || d.Byline == "" {
		t.Errorf("front matter = %+v", d)
	}
	for _, c := range ChunkDocument(d, ChunkOptions{}) {
		l := strings.ToLower(c.Text)
		if strings.Contains(l, "sign up") || strings.Contains(l, "get breaking") {
			t.Errorf("chunk %s holds a promotion: %q", c.ID, c.Text)
		}
	}
}

func TestFrontMatter(t *testing.T) {
	cases := []struct {
		name, src string
		ok        bool
		title     string
		published string
	}{
		{"none", "Just text.", true, "x", ""},
		{"full", "---\ntitle: T\nsource: S\npublished: 2025-02-17\n---\nBody.", true, "T", "2025-02-17"},
		{"quoted date", "---\ntitle: \"T: colon\"\npublished: \"Feb 17\"\n---\nBody.", true, "T: colon", "Feb 17"},
		{"unclosed", "---\ntitle: T\nBody.", false, "", ""},
		{"bad yaml", "---\ntitle: [x\n---\nBody.", false, "", ""},
		{"list title", "---\ntitle: [a, b]\n---\nBody.", false, "", ""},
		{"empty body", "---\ntitle: T\n---\n", false, "", ""},
		{"crlf", "---\r\ntitle: T\r\n---\r\nBody.\r\n", true, "T", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := ParseDocument("x.md", []byte(c.src))
			if (err == nil) != c.ok {
				t.Fatalf("err = %v, want ok=%v", err, c.ok)
			}
			if c.ok && (d.Title != c.title || d.Published != c.published) {
				t.Errorf("title %q published %q", d.Title, d.Published)
			}
		})
	}
}

func TestLoadDirNamesTheFailingFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "good.md"), []byte("Good text."), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.md"), []byte("---\ntitle: T\n"), 0o644)
	_, err := LoadDir(dir)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Path != filepath.Join(dir, "bad.md") {
		t.Errorf("err = %v, want a FileError naming bad.md", err)
	}
	if _, err := LoadDir(t.TempDir()); !errors.Is(err, ErrEmptyCorpus) {
		t.Errorf("empty dir: err = %v", err)
	}
}

func TestSlugsAreStableAndUnique(t *testing.T) {
	fsys := fstest.MapFS{"A Story.md": {Data: []byte("One.")}, "a-story.txt": {Data: []byte("Two.")}}
	if _, err := LoadFS(fsys); err == nil || !strings.Contains(err.Error(), "same document name") {
		t.Errorf("err = %v, want a clash of slugs", err)
	}
	if s := Slug("dir/U.S. Talks!.md"); s != "u-s-talks" {
		t.Errorf("Slug = %q", s)
	}
}

func TestChunkerBoundsSizesAndKeepsSourceText(t *testing.T) {
	long := strings.Repeat("This is a sentence of moderate length for testing. ", 60)
	doc := Document{Slug: "d", Title: "T", Paragraphs: []string{"Short one.", long, "Tail paragraph."}, Meta: []string{"\u00a9 2025 X"}}
	chunks := ChunkDocument(doc, ChunkOptions{})
	ids := map[string]bool{}
	for i, c := range chunks {
		if len(c.Text) > 1000 {
			t.Errorf("chunk %s is %d bytes", c.ID, len(c.Text))
		}
		if ids[c.ID] || c.ID != "d#"+strconv.Itoa(i) || c.Doc != "d" || c.Title != "T" {
			t.Errorf("chunk %d: id %q doc %q title %q", i, c.ID, c.Doc, c.Title)
		}
		ids[c.ID] = true
		for _, s := range SplitSentences(c.Text) {
			sent := c.Text[s.Start:s.End]
			if !c.Meta && !strings.Contains(strings.Join(doc.Paragraphs, "\n"), sent) {
				t.Errorf("sentence %q is not source text", sent)
			}
		}
	}
	if last := chunks[len(chunks)-1]; !last.Meta || last.Text != "\u00a9 2025 X" {
		t.Errorf("last chunk = %+v, want the meta chunk", last)
	}
	// Stable: the same document chunks the same way.
	again := ChunkDocument(doc, ChunkOptions{})
	for i := range chunks {
		if chunks[i].ID != again[i].ID || chunks[i].Text != again[i].Text {
			t.Fatal("chunking is not deterministic")
		}
	}
}

// A plain-text story is titled by its first line when that line reads as
// a headline, else by its file name.
func TestPlainTextTitleIsItsHeadlineLine(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"library.txt", "Town library reopens after flood\n\nThe library reopened on Monday, a month after the flood.\n", "Town library reopens after flood"},
		{"library.txt", "The library reopened on Monday, a month after the flood.\n\nReaders queued at the door.\n", "library"},
		{"library.txt", "Town library reopens\nThe library reopened on Monday.\n", "library"},                    // no line of its own
		{"library.txt", "By Ada Quill\n\nThe library reopened on Monday, a month after the flood.\n", "library"}, // a byline
		{"library.txt", "Reopened\n\nThe library reopened on Monday.\n", "library"},                              // one word
		{"library.txt", "---\ntitle: \"Front matter wins\"\n---\nLibrary reopens\n\nThe library reopened on Monday.\n", "Front matter wins"},
	} {
		d, err := ParseDocument(c.name, []byte(c.text))
		if err != nil {
			t.Fatalf("%q: %v", c.text, err)
		}
		if d.Title != c.want {
			t.Errorf("%q: title %q, want %q", c.text, d.Title, c.want)
		}
	}
}
