package bot

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkParts checks the promises of splitText for s and its pieces.
func checkParts(t *testing.T, s string, max int, parts []string) {
	t.Helper()
	for i, p := range parts {
		if p == "" {
			t.Errorf("part %d is empty", i)
		}
		if n := discordLen(p); n > max {
			t.Errorf("part %d is %d units long, max %d", i, n, max)
		}
		if utf8.ValidString(s) && !utf8.ValidString(p) {
			t.Errorf("part %d cuts a rune: %q", i, p)
		}
	}
	// Cuts never fall inside a marker: every marker of s is whole in one part.
	want := markerTexts(s)
	var got []string
	for _, p := range parts {
		got = append(got, markerTexts(p)...)
	}
	if strings.Join(got, "") != strings.Join(want, "") {
		t.Errorf("markers %q became %q", want, got)
	}
	if noSpace(strings.Join(parts, "")) != noSpace(s) {
		t.Errorf("parts do not add up to the text")
	}
}

// noSpace drops whitespace: the pieces of a split add up to the text up to
// the whitespace at the cuts.
func noSpace(s string) string { return strings.Join(strings.Fields(s), "") }

func markerTexts(s string) []string {
	var out []string
	for _, m := range markerSpans(s) {
		out = append(out, s[m[0]:m[1]])
	}
	return out
}

func TestSplitTextPrefersParagraphsLinesSentencesThenWords(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in string
		max      int
		want     []string
	}{
		{"fits", "Short answer [1].", 50, []string{"Short answer [1]."}},
		{"paragraph", "First paragraph here.\n\nSecond one is here too.", 30, []string{"First paragraph here.", "Second one is here too."}},
		{"line", "One line of text here\nand another line here", 30, []string{"One line of text here", "and another line here"}},
		{"sentence keeps its marker", "The talks begin today [1]. They end tomorrow [2].", 30, []string{"The talks begin today [1].", "They end tomorrow [2]."}},
		{"marker after the period", "The talks begin today. [1] They end tomorrow. [2]", 30, []string{"The talks begin today. [1]", "They end tomorrow. [2]"}},
		{"words", "alpha beta gamma delta epsilon zeta eta theta", 20, []string{"alpha beta gamma", "delta epsilon zeta", "eta theta"}},
		{"never inside a marker", "aaaaaaaaaaaaaaaaaa[12]bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 20, []string{"aaaaaaaaaaaaaaaaaa", "[12]bbbbbbbbbbbbbbbb", "bbbbbbbbbbbbbbbb"}},
		{"multibyte", strings.Repeat("é", 40), 16, []string{strings.Repeat("é", 16), strings.Repeat("é", 16), strings.Repeat("é", 8)}},
		{"astral runes count twice", strings.Repeat("🇺", 10), 16, []string{strings.Repeat("🇺", 8), strings.Repeat("🇺", 2)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := splitText(c.in, c.max)
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", c.want) {
				t.Errorf("splitText(%q, %d) =\n%q\nwant\n%q", c.in, c.max, got, c.want)
			}
			checkParts(t, c.in, c.max, got)
		})
	}
}

func TestSplitTextOfALongAnswerKeepsEveryPromise(t *testing.T) {
	t.Parallel()
	var sb strings.Builder
	for i := 0; sb.Len() < 20000; i++ {
		fmt.Fprintf(&sb, "Claim number %d about the talks [%d, %d]. ", i, i%9+1, i%4+1)
		if i%5 == 0 {
			sb.WriteString("Ünïcödé 🇺🇦 “quoted” words.\n")
		}
		if i%11 == 0 {
			sb.WriteString(strings.Repeat("x", 300) + " ")
		}
	}
	for _, max := range []int{16, 100, 1024, 2000} {
		checkParts(t, sb.String(), max, splitText(sb.String(), max))
	}
}

func FuzzSplitText(f *testing.F) {
	f.Add("The talks begin today [1]. They end tomorrow [2].", 20)
	f.Add(strings.Repeat("🇺🇦 [3]", 50), 17)
	f.Add("a\n\nb\nc. d! e? [1] f", 16)
	f.Add("[1][2][3][4][5][6][7][8][9][10][11][12]", 16)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 16 || max > 4096 || len(s) > 20000 {
			return
		}
		parts := splitText(s, max)
		for i, p := range parts {
			if p == "" || discordLen(p) > max {
				t.Fatalf("part %d = %q (%d units, max %d)", i, p, discordLen(p), max)
			}
		}
		if noSpace(strings.Join(parts, "")) != noSpace(strings.ToValidUTF8(s, "\uFFFD")) {
			t.Fatalf("parts %q do not add up to %q", parts, s)
		}
	})
}

func TestTruncateEndsWithEllipsisWithinLimit(t *testing.T) {
	t.Parallel()
	s := truncate(strings.Repeat("word ", 100), 50)
	if discordLen(s) > 50 || !strings.HasSuffix(s, "…") {
		t.Errorf("truncate = %q", s)
	}
	if truncate("short", 50) != "short" {
		t.Error("short text changed")
	}
}
