package retrieval

import (
	"io/fs"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot/newsbot/data"
)

// Fuzz targets for the text path from file to chunks. .ci/run runs each
// for a few seconds:
//
//	go test -run '^$' -fuzz FuzzParseDocument -fuzztime 10s ./retrieval/

// fuzzSeeds are the default corpus's articles and edge cases.
func fuzzSeeds(f *testing.F) [][]byte {
	f.Helper()
	var seeds [][]byte
	err := fs.WalkDir(data.Articles(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(data.Articles(), p)
		seeds = append(seeds, b)
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"",
		"---",
		"---\n",
		"---\n---\n",
		"---\ntitle: T\n---\nBody.",
		"---\ntitle: [a, b]\n---\nBody.",
		"---\ntitle: T\n...\nBody.",
		"---\r\ntitle: T\r\n---\r\nBody.\r\n",
		"\uFEFF---\ntitle: T\n---\n# Heading\n\nText.",
		"---\npublished: 2025-02-18\n---\nText.",
		"# \n#\n## Title ##\n\nText one. Text two.",
		"By Jane Doe and John Roe, Reuters\n\nText.\n\n© 2025 Someone\n",
		"Sign up for our newsletter to get news alerts\nText.",
		"Mr. Smith went to Washington. He met Gen. Jones at 3.5 p.m. in the U.S. Capitol.",
		"\"Quote.\" Next sentence! Another? (Aside.) 'Single.' \u201cCurly.\u201d \u2026 End",
		"Wrapped line\nthat goes on\nand ends.\n\nNew paragraph",
		strings.Repeat("word ", 400) + ".",
		strings.Repeat("x", 2500),
		strings.Repeat("日本語の文章。", 300),
		strings.Repeat("A sentence that is long enough. ", 80),
		"\t \n \u00a0\u2003 text \u2028 more\u3000.",
		"a\u0301. B\u200b. C",
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

func FuzzParseDocument(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add("articles/some-story.md", s)
	}
	f.Add("", []byte("Text."))
	f.Add("!!!.md", []byte("Text."))
	f.Add("dir\\Ünïcode Name.MD", []byte("Text."))
	f.Fuzz(func(t *testing.T, name string, b []byte) {
		doc, err := ParseDocument(name, b)
		if err != nil {
			return
		}
		if doc.Slug == "" {
			t.Errorf("empty slug for name %q", name)
		}
		if doc.Title == "" {
			t.Errorf("empty title")
		}
		if len(doc.Paragraphs) == 0 {
			t.Errorf("success with no paragraphs")
		}
		body := squeezeSpace(doc.Raw)
		for i, p := range doc.Paragraphs {
			if strings.TrimSpace(p) == "" {
				t.Errorf("paragraph %d is blank: %q", i, p)
			}
			if !strings.Contains(body, squeezeSpace(p)) {
				t.Errorf("paragraph %d is not text of the body:\nparagraph %q\nbody %q", i, p, doc.Raw)
			}
		}
		for i, m := range doc.Meta {
			if !strings.Contains(body, squeezeSpace(m)) {
				t.Errorf("meta line %d is not text of the body: %q", i, m)
			}
		}
	})
}

// squeezeSpace drops every white space character, so that text compares
// equal up to line wrapping and indentation.
func squeezeSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func FuzzSplitSentences(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(string(s))
	}
	f.Add("\xff. \xfe")
	f.Add("end.\u00a0")
	f.Fuzz(func(t *testing.T, text string) {
		prev := 0
		for i, s := range SplitSentences(text) {
			if s.Start < prev || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("span %d %v out of order, empty or out of bounds (previous end %d, text length %d) in %q", i, s, prev, len(text), text)
			}
			sent := text[s.Start:s.End]
			if strings.TrimSpace(sent) != sent {
				t.Errorf("span %d %q is not trimmed", i, sent)
			}
			prev = s.End
		}
	})
}

func FuzzChunkDocument(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(string(s))
	}
	f.Fuzz(func(t *testing.T, text string) {
		doc, err := ParseDocument("fuzz.md", []byte(text))
		if err != nil {
			return
		}
		const max = 1000 // the default ChunkOptions.Max
		seen := map[string]bool{}
		for i, c := range ChunkDocument(doc, ChunkOptions{}) {
			if len(c.Text) > max {
				t.Errorf("chunk %d is %d bytes, over %d", i, len(c.Text), max)
			}
			if !utf8.ValidString(c.Text) {
				t.Errorf("chunk %d is not valid UTF-8: %q", i, c.Text)
			}
			if seen[c.ID] {
				t.Errorf("chunk ID %q twice", c.ID)
			}
			seen[c.ID] = true
			if c.N != i || c.Doc != doc.Slug {
				t.Errorf("chunk %d: N %d, Doc %q", i, c.N, c.Doc)
			}
		}
	})
}
