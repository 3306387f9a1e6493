package prompts

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseCitations(t *testing.T) {
	cases := []struct {
		name, in string
		n        int
		want     string
		refs     []int
	}{
		{"valid kept", "Talks are in Riyadh [1]. Lavrov goes [2].", 3, "Talks are in Riyadh [1]. Lavrov goes [2].", []int{1, 2}},
		{"out of range removed", "Talks are in Riyadh [7]. Lavrov goes [2].", 3, "Talks are in Riyadh. Lavrov goes [2].", []int{2}},
		{"zero removed", "Nothing [0].", 3, "Nothing.", nil},
		{"list filtered", "Both [1, 9] and [3,2].", 3, "Both [1] and [3, 2].", []int{1, 3, 2}},
		{"adjacent markers", "Claim [2][1].", 2, "Claim [2][1].", []int{2, 1}},
		{"snippet word", "Claim [Snippet 2].", 2, "Claim [2].", []int{2}},
		// Snippets named in words, without brackets.
		{"according to snippet n", "According to snippet 1, Lavrov flies to Riyadh.", 2, "According to [1], Lavrov flies to Riyadh.", []int{1}},
		{"(snippets n and m)", "Lavrov flies to Riyadh (Snippets 1 and 3).", 3, "Lavrov flies to Riyadh [1, 3].", []int{1, 3}},
		{"(see snippet n)", "Lavrov flies to Riyadh (see snippet 2).", 2, "Lavrov flies to Riyadh [2].", []int{2}},
		{"snippet out of range", "According to snippet 7, it rains.", 2, "According to, it rains.", nil},
		{"no markers", "The article does not say.", 3, "The article does not say.", nil},
		{"deeply nested removals", "a " + strings.Repeat("[0", 40) + strings.Repeat("]", 40) + " b [1].", 1, "a b [1].", []int{1}},
		{"nested valid inside invalid", "x [0[1]] y", 2, "x [0[1]] y", []int{1}},
		{"huge number", "x [99999999999999999999].", 3, "x [99999999999999999999].", nil},
		// Every style models use reads as [n].
		{"range", "Both sides [1-3].", 4, "Both sides [1, 2, 3].", []int{1, 2, 3}},
		{"range with en dash and list", "Both [1–2, 4].", 4, "Both [1, 2, 4].", []int{1, 2, 4}},
		{"range too wide keeps its ends", "Both [1-400].", 3, "Both [1].", []int{1}},
		{"semicolons", "Both [2; 1].", 2, "Both [2, 1].", []int{2, 1}},
		{"double brackets", "Riyadh [[1]]. Tuesday [[2]][[1]].", 2, "Riyadh [1]. Tuesday [2][1].", []int{1, 2}},
		{"full-width brackets", "Riyadh【1】. Tuesday【2†source】.", 2, "Riyadh[1]. Tuesday[2].", []int{1, 2}},
		{"full-width with a long source", "Riyadh 【3†L1-L5 the article】.", 3, "Riyadh [3].", []int{3}},
		{"footnote", "Riyadh [^1]. Tuesday [^2].\n\n[^1]: snippet 1\n[^2]: snippet 2", 2, "Riyadh [1]. Tuesday [2].", []int{1, 2}},
		{"doc", "Riyadh [doc1]. Tuesday [Doc 2]. Lavrov [document 3].", 3, "Riyadh [1]. Tuesday [2]. Lavrov [3].", []int{1, 2, 3}},
		{"source and snippet words", "Riyadh [source 2]. Tuesday [Snippets 1 and 2].", 2, "Riyadh [2]. Tuesday [1, 2].", []int{2, 1}},
		{"markdown link on a marker", "Riyadh [1](https://example.com/a_(b)). Tuesday [2](#s2).", 2, "Riyadh [1]. Tuesday [2].", []int{1, 2}},
		{"invalid doc removed", "Riyadh [doc9].", 3, "Riyadh.", nil},
		{"mismatched brackets are text", "x [1】 y", 3, "x [1】 y", nil},
		{"paren at clause end", "The talks are on Tuesday (1). Lavrov will go (2, 3), officials said.", 3, "The talks are on Tuesday [1]. Lavrov will go [2, 3], officials said.", []int{1, 2, 3}},
		{"paren at line end", "The talks are on Tuesday (2)\nMore", 3, "The talks are on Tuesday [2]\nMore", []int{2}},
		{"paren with a word anywhere", "Officials (source 2) said so", 3, "Officials [2] said so", []int{2}},
		{"enumeration is text", "Three steps: (1) a ceasefire, (2) talks, (3) a treaty.", 3, "Three steps: (1) a ceasefire, (2) talks, (3) a treaty.", nil},
		{"paren out of range is text", "It rose (7).", 3, "It rose (7).", nil},
		{"square brackets in ordinary text stay", "He said [sic] it [was] fine [1].", 2, "He said [sic] it [was] fine [1].", []int{1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, refs := ParseCitations(c.in, c.n)
			if got != c.want || !reflect.DeepEqual(refs, c.refs) {
				t.Errorf("ParseCitations(%q, %d) = %q, %v; want %q, %v", c.in, c.n, got, refs, c.want, c.refs)
			}
		})
	}
}

func TestClaimsAttachTextToMarkers(t *testing.T) {
	claims := Claims("Talks are in Riyadh [1]. Lavrov and Ushakov go [2][1].", 2)
	if !strings.Contains(claims[1], "Riyadh") || !strings.Contains(claims[1], "Ushakov") {
		t.Errorf("claims[1] = %q, want both claims", claims[1])
	}
	if !strings.Contains(claims[2], "Ushakov") || strings.Contains(claims[2], "Riyadh") {
		t.Errorf("claims[2] = %q, want only the second claim", claims[2])
	}
}

func TestLoadOverridesFromDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := writeFile(dir+"/"+SystemFile, "custom system"); err != nil {
		t.Fatal(err)
	}
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	sys, _ := s.System()
	if sys != "custom system" {
		t.Errorf("system = %q", sys)
	}
	u, err := s.User(Data{Question: "Q?", Snippets: []Snippet{{N: 1, Title: "T", Text: "body"}}})
	if err != nil || !strings.Contains(u, "[1]") || !strings.Contains(u, "body") || !strings.Contains(u, "Question: Q?") {
		t.Errorf("user = %q, %v", u, err)
	}
	if err := writeFile(dir+"/"+UserFile, "{{.Nope"); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), UserFile) {
		t.Errorf("broken template: err = %v, want one naming %s", err, UserFile)
	}
}

func FuzzParseCitations(f *testing.F) {
	for _, s := range []string{"a [1] b [2, 3]", "[", "[1,", "x [0][99]", "[snippet 2]", "\xff[1]",
		"[1-3]", "[[1]]", "【1】", "【1†source】", "[^1]\n[^1]: x", "[doc1]", "[Doc 1]", "[source 1]", "[1](http://x)",
		"a (1). b (snippet 2)", "【[0]1】", "[doc[0]1]", "([0]1).", "[[0][1]]", "[1-2-3]", "[ (1).]"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = n % 50
		out, refs := ParseCitations(s, n)
		for _, r := range refs {
			if r < 1 || r > n {
				t.Fatalf("ref %d out of 1..%d", r, n)
			}
		}
		again, refs2 := ParseCitations(out, n)
		if again != out || !reflect.DeepEqual(refs, refs2) {
			t.Fatalf("not idempotent: %q -> %q", out, again)
		}
		Claims(s, n)
		for _, r := range MarkerRefs(out) {
			if r < 1 || r > n {
				t.Fatalf("marker %d left in %q", r, out)
			}
		}
	})
}
