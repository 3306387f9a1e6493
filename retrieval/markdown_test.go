package retrieval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainText(t *testing.T) {
	cases := []struct{ name, md, want string }{
		{"atx heading is a paragraph", "# Talks in Riyadh\nThe envoys met on Tuesday.", "Talks in Riyadh\n\nThe envoys met on Tuesday."},
		{"closing hashes", "## Aftermath ##\n\nText.", "Aftermath\n\nText."},
		{"setext heading", "Harbour reopens\n===============\nShips sailed at dawn.", "Harbour reopens\n\nShips sailed at dawn."},
		{"emphasis", "The mayor was **very** clear and *calm*, __firm__ and _brief_.", "The mayor was very clear and calm, firm and brief."},
		{"underscores inside words stay", "The snake_case name stays.", "The snake_case name stays."},
		{"links keep their text", "Read [the report](https://example.org/r?a=(1)) and [notes][1].\n\n[1]: https://example.org/n", "Read the report and notes."},
		{"images dropped", "![a harbour at dawn](h.jpg) The harbour reopened.", "The harbour reopened."},
		{"list items are paragraphs", "Demands:\n- higher pay\n* shorter hours\n1. safer docks", "Demands:\n\nhigher pay\n\nshorter hours\n\nsafer docks"},
		{"quote marker dropped", "> The sea is rising, she said.", "The sea is rising, she said."},
		{"html and entities", "Mayor &middot; City Hall<br/>\n<script>track()</script>Said <b>no</b>.", "Mayor · City Hall\nSaid no."},
		{"code span and escapes", "Type `newsbot add` \\*now\\*.", "Type newsbot add *now*."},
		{"strikethrough", "The ~~old~~ new harbour.", "The old new harbour."},
		{"thematic break", "One.\n\n---\n\nTwo.", "One.\n\nTwo."},
		{"wrapped lines stay", "A sentence that is wrapped\nacross two lines.", "A sentence that is wrapped\nacross two lines."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := PlainText(c.md); got != c.want {
				t.Errorf("PlainText(%q) =\n%q\nwant\n%q", c.md, got, c.want)
			}
		})
	}
}

func TestMarkdownHeadingEndsASentence(t *testing.T) {
	doc, err := ParseDocument("s.md", []byte("# Harbour reopens\nShips sailed at dawn. The **port** opened at nine."))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "Harbour reopens" {
		t.Errorf("title %q", doc.Title)
	}
	chunks := ChunkDocument(doc, ChunkOptions{})
	text := chunks[0].Text
	var sents []string
	for _, sp := range SplitSentences(text) {
		sents = append(sents, text[sp.Start:sp.End])
	}
	want := []string{"Harbour reopens", "Ships sailed at dawn.", "The port opened at nine."}
	if strings.Join(sents, "|") != strings.Join(want, "|") {
		t.Errorf("sentences %q, want %q", sents, want)
	}
	if !strings.Contains(doc.Raw, "The port opened at nine.") {
		t.Errorf("Raw %q must hold the plain text that quotes are checked against", doc.Raw)
	}
}

func TestTextFilesAreNotReadAsMarkdown(t *testing.T) {
	doc, err := ParseDocument("s.txt", []byte("Prices rose 5 * 2 percent, said *the* minister."))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Paragraphs[0] != "Prices rose 5 * 2 percent, said *the* minister." {
		t.Errorf("paragraphs %q", doc.Paragraphs)
	}
}

func TestLoadDirWithSkipsUnreadableFilesAndConverts(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "good.md"), []byte("---\ntitle: Good\nlang: en\nfeed: https://example.org/feed\n---\nThe harbour reopened.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "binary.txt"), []byte{0xff, 0x00, 0x01}, 0o644)
	os.WriteFile(filepath.Join(dir, "broken.md"), []byte("---\ntitle: [unclosed\n---\nText.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "page.html"), []byte("<p>Ships sailed.</p>"), 0o644)
	var skipped []string
	docs, err := LoadDirWith(dir, LoadOptions{
		Convert: map[string]func(string, []byte) ([]byte, error){
			".html": func(name string, b []byte) ([]byte, error) {
				return []byte("---\ntitle: Converted\n---\nShips sailed.\n"), nil
			},
		},
		Skip: func(fe *FileError) bool { skipped = append(skipped, fe.Path); return true },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].Title != "Good" || docs[1].Title != "Converted" {
		t.Errorf("docs %+v", docs)
	}
	want := []string{filepath.Join(dir, "binary.txt"), filepath.Join(dir, "broken.md")}
	if strings.Join(skipped, "|") != strings.Join(want, "|") {
		t.Errorf("skipped %q, want %q", skipped, want)
	}
	// Strict (no Skip): the first unreadable file fails the load.
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "binary.txt") {
		t.Errorf("strict load: %v", err)
	}
	// Every file skipped: the load fails naming one.
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "x.md"), []byte("---\ntitle: [\n---\n"), 0o644)
	if _, err := LoadDirWith(bad, LoadOptions{Skip: func(*FileError) bool { return true }}); err == nil || !strings.Contains(err.Error(), "x.md") {
		t.Errorf("all skipped: %v", err)
	}
}

// FuzzPlainText: any UTF-8 input gives UTF-8 output without a panic and
// without a leftover escape placeholder.
func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"# H\ntext", "**a** _b_ [c](d) ![e](f)", "- x\n1. y\n> z", "<script>x</script>&amp;", "`a` \\* ~~s~~", "A\n===\n---\n***"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		once := PlainText(s)
		if !utf8.ValidString(once) {
			t.Fatalf("PlainText(%q) = %q is not UTF-8", s, once)
		}
		for _, r := range once {
			if r >= escapeBase && r < escapeBase+128 {
				t.Fatalf("PlainText(%q) = %q leaks an escape placeholder", s, once)
			}
		}
	})
}
