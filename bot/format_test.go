package bot

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/newsbot/newsbot"
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
	s := truncate(strings.Repeat("word ", 100), 50)
	if discordLen(s) > 50 || !strings.HasSuffix(s, "…") {
		t.Errorf("truncate = %q", s)
	}
	if truncate("short", 50) != "short" {
		t.Error("short text changed")
	}
}

func TestNoMentionsSerializesAnEmptyParseList(t *testing.T) {
	// A nil Parse slice would be sent as "parse": null, which restricts
	// nothing; discordgo sends what the struct holds.
	b, err := json.Marshal(&discordgo.WebhookEdit{AllowedMentions: noMentions()})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"allowed_mentions":{"parse":[]`) {
		t.Errorf("serialized %s", b)
	}
	zero, _ := json.Marshal(&discordgo.MessageAllowedMentions{})
	if !strings.Contains(string(zero), `"parse":null`) {
		t.Errorf("the zero struct serializes as %s; the comment on noMentions is out of date", zero)
	}
}

func TestFormatAnswerRespectsDiscordLimits(t *testing.T) {
	long := func(n int) string { return strings.Repeat("quoted words ", n/13+1)[:n] }
	cases := []struct {
		name      string
		text      string
		citations int
		title     string
		quote     string
	}{
		{"short", "Short [1].", 1, "Title", "A quote."},
		{"many citations", "Text [1].", 60, "Title", long(300)},
		{"huge fields", "Text.", 40, long(400), long(1500)},
		{"long text", strings.Repeat("A sentence [1]. ", 600), 12, "Title", long(300)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newsbot.Answer{Answered: true, Text: c.text}
			for i := 1; i <= c.citations; i++ {
				a.Citations = append(a.Citations, newsbot.Citation{Ref: i, Title: c.title, Quote: c.quote})
			}
			msgs := formatAnswer(a, nil)
			fields := 0
			for i, m := range msgs {
				if discordLen(m.Content) > maxContent {
					t.Errorf("message %d: content of %d", i, discordLen(m.Content))
				}
				if m.Content == "" && len(m.Embeds) == 0 {
					t.Errorf("message %d is empty", i)
				}
				if len(m.Embeds) > maxEmbeds || embedsLen(m.Embeds) > maxEmbedsTotal {
					t.Errorf("message %d: %d embeds, %d characters", i, len(m.Embeds), embedsLen(m.Embeds))
				}
				for _, e := range m.Embeds {
					if len(e.Fields) > maxFields || discordLen(e.Title) > maxEmbedTitle {
						t.Errorf("message %d: embed with %d fields", i, len(e.Fields))
					}
					for _, f := range e.Fields {
						fields++
						if discordLen(f.Name) > maxFieldName || discordLen(f.Value) > maxFieldValue || f.Name == "" || f.Value == "" {
							t.Errorf("field %q: %d/%d", f.Name[:10], discordLen(f.Name), discordLen(f.Value))
						}
					}
				}
			}
			if fields != c.citations {
				t.Errorf("%d fields for %d citations", fields, c.citations)
			}
			if c.name == "short" && (len(msgs) != 1 || msgs[0].Embeds[0].Title != "Sources" || !strings.Contains(msgs[0].Embeds[0].Fields[0].Value, "A quote.")) {
				t.Errorf("short answer = %+v", msgs)
			}
		})
	}
}

func TestFormatRefusalHasNoSources(t *testing.T) {
	msgs := formatAnswer(newsbot.Answer{Answered: false, Text: "The articles do not say.", Citations: []newsbot.Citation{{Ref: 1, Quote: "x"}}}, nil)
	if len(msgs) != 1 || len(msgs[0].Embeds) != 0 || msgs[0].Content != "The articles do not say." {
		t.Errorf("refusal = %+v", msgs)
	}
	if msgs := formatAnswer(newsbot.Answer{}, nil); msgs[0].Content == "" {
		t.Error("an empty refusal sends an empty message")
	}
}

func TestFormatExtractiveAnswerListsTitlesAndLinksNotTheSentencesAgain(t *testing.T) {
	t.Parallel()
	long := "U.S. and Russian officials to hold talks in Saudi Arabia on ties and the war in Ukraine"
	a := newsbot.Answer{Answered: true, Mode: "extractive",
		Text: "The talks will be held in Riyadh [1]. Rubio will lead the delegation [2]. Peskov spoke [3].",
		Citations: []newsbot.Citation{
			{Ref: 1, Doc: "talks", Title: long, Quote: "The talks will be held in Riyadh."},
			{Ref: 2, Doc: "talks", Title: long, Quote: "Rubio will lead the delegation."},
			{Ref: 3, Doc: "kremlin", Title: "Kremlin_view", Quote: "Peskov spoke."},
		}}
	urls := map[string]string{"talks": "https://news.example/talks", "kremlin": "javascript:alert(1)"}
	msgs := formatAnswer(a, func(slug string) string { return urls[slug] })
	if len(msgs) != 1 || len(msgs[0].Embeds) != 1 {
		t.Fatalf("messages = %+v", msgs)
	}
	e := msgs[0].Embeds[0]
	if len(e.Fields) != 0 {
		t.Errorf("fields %+v repeat the answer's sentences", e.Fields)
	}
	lines := strings.Split(e.Description, "\n")
	if len(lines) != 2 {
		t.Fatalf("description = %q, want one line per story", e.Description)
	}
	if want := "**[1] [2]** "; !strings.HasPrefix(lines[0], want) || !strings.HasSuffix(lines[0], " — <https://news.example/talks>") {
		t.Errorf("line 1 = %q, want %q…title… — <url>", lines[0], want)
	}
	title := strings.TrimSuffix(strings.TrimPrefix(lines[0], "**[1] [2]** "), " — <https://news.example/talks>")
	if n := utf8.RuneCountInString(title); n > maxSourceTitle || !strings.HasSuffix(title, "…") || !strings.HasPrefix(long, strings.TrimSuffix(title, "…")) {
		t.Errorf("title = %q (%d characters), want the headline cut to %d with …", title, n, maxSourceTitle)
	}
	if lines[1] != `**[3]** Kremlin\_view` {
		t.Errorf("line 2 = %q: an escaped title and no link for a javascript: url", lines[1])
	}
	for _, c := range a.Citations {
		if strings.Contains(e.Description, strings.TrimSuffix(c.Quote, ".")) {
			t.Errorf("sources repeat the sentence %q", c.Quote)
		}
	}
}

func TestFormatModelAnswerShowsOnlyTheQuotesThatAddSomething(t *testing.T) {
	t.Parallel()
	a := newsbot.Answer{Answered: true, Mode: "model",
		Text: "The talks will be held in Riyadh, Saudi Arabia [1]. They are about restoring relations [2].",
		Citations: []newsbot.Citation{
			{Ref: 1, Doc: "talks", Title: "Talks", Quote: "The talks will be held in Riyadh, Saudi Arabia."},
			{Ref: 2, Doc: "talks", Title: "Talks", Quote: "Kremlin spokesman Dmitry Peskov said the meeting would focus on restoring relations."},
		}}
	msgs := formatAnswer(a, func(string) string { return "https://news.example/talks" })
	e := msgs[0].Embeds[0]
	if len(e.Fields) != 1 || e.Fields[0].Name != "[2] Talks" || !strings.Contains(e.Fields[0].Value, "Dmitry Peskov") ||
		!strings.HasSuffix(e.Fields[0].Value, "\n<https://news.example/talks>") {
		t.Errorf("fields = %+v, want only [2], with its quote and link", e.Fields)
	}
	if e.Description != "**[1]** Talks — <https://news.example/talks>" {
		t.Errorf("description = %q, want the repeated quote's reference as a line", e.Description)
	}
}

func TestQuoteAddsToAnswer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		quote, answer string
		want          bool
	}{
		{"The talks will be held in Riyadh.", "The talks will be held in Riyadh [1].", false},
		{"The talks will be held in Riyadh.", "The talks, will be held in Riyadh [1]!", false},
		{"Peskov said the meeting would focus on restoring relations.", "The meeting is about relations [1].", true},
		{"Rubio will lead the delegation.", "Rubio will lead [1].", true},
		{"", "anything", false},
	}
	for _, c := range cases {
		if got := quoteAddsToAnswer(c.quote, c.answer); got != c.want {
			t.Errorf("quoteAddsToAnswer(%q, %q) = %v, want %v", c.quote, c.answer, got, c.want)
		}
	}
}

func TestFormatAnswerShowsArticleMarkdownAsText(t *testing.T) {
	t.Parallel()
	text := "# Breaking\n- The **deal** was [signed](https://evil.example/x) in _Riyadh_ [1].\n> quoted <@&123>"
	quote := "The **deal** was [signed](https://evil.example/x) ~~today~~."
	a := newsbot.Answer{Answered: true, Mode: "model", Note: "The language *model* is unavailable.", Text: text,
		Citations: []newsbot.Citation{{Ref: 1, Doc: "d", Title: "[Click](https://evil.example) *now*", Quote: quote}}}
	msgs := formatAnswer(a, func(string) string { return "https://news.example/story" })
	content := msgs[0].Content
	note, body, ok := strings.Cut(content, "\n\n")
	if !ok || note != `*The language \*model\* is unavailable.*` {
		t.Fatalf("content = %q, want the note in italics first", content)
	}
	if renderPlain(body) != text || activeMarkdown(body) != "" {
		t.Errorf("answer text %q is not shown as written (active: %q)", body, activeMarkdown(body))
	}
	f := msgs[0].Embeds[0].Fields[0]
	value, link, _ := strings.Cut(f.Value, "\n")
	if link != "<https://news.example/story>" {
		t.Errorf("link line = %q", link)
	}
	if inner := strings.TrimSuffix(strings.TrimPrefix(value, "“"), "”"); renderPlain(inner) != quote || activeMarkdown(inner) != "" {
		t.Errorf("quote %q is not shown as written", value)
	}
	if name := strings.TrimPrefix(f.Name, "[1] "); renderPlain(name) != "[Click](https://evil.example) *now*" || activeMarkdown(name) != "" {
		t.Errorf("title %q is not shown as written", f.Name)
	}
	for _, s := range []string{content, f.Name, f.Value, msgs[0].Embeds[0].Description} {
		if hasMaskedLink(s) || strings.Contains(s, "https://evil") {
			t.Errorf("%q renders a link that is not the story's", s)
		}
	}
}
