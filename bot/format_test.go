package bot

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/internal/fakediscord"
)

func TestNoMentionsSerializesAnEmptyParseList(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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

func TestModelAnswerShowsTheVerbatimQuoteThatAddsToIt(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	ans.chat = "test-model"
	quote := ans.sentences[0]
	ans.answerFn = func(req answerRequest) (answerAnswer, error) {
		return answerAnswer{Question: req.Question, Answered: true, Mode: "model", Text: "In the Saudi capital [1].",
			Citations: []answerCitation{{Ref: 1, Chunk: "doc#0", Doc: "doc", Title: ans.title, Quote: quote}}}, nil
	}
	h := start(t, ans, fakediscord.Options{}, nil)
	o := h.ask("Where will the talks be held?").Original
	vals := fieldValues(o)
	if len(vals) != 1 || !strings.Contains(vals[0], quote) || !strings.Contains(vals[0], "<"+testStoryURL+">") {
		t.Fatalf("sources = %q, want the verbatim quote %q and the story's link", vals, quote)
	}
	if name := o.Embeds[0].Fields[0].Name; !strings.HasPrefix(name, "[1] ") || !strings.Contains(name, ans.title) {
		t.Errorf("source name = %q, want [1] and the article's title", name)
	}
}

func TestRefusalIsTextWithoutSources(t *testing.T) {
	t.Parallel()
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	st := h.ask("Who won the football world cup?")
	if st.Original.Content != "The articles do not say." || len(st.Original.Embeds) != 0 {
		t.Errorf("refusal = %q with %d embeds", st.Original.Content, len(st.Original.Embeds))
	}
}

func TestEveryoneInQuestionPingsNobody(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer("Protesters shouted @everyone and @here at <@900000000000000300> and <@&900000000000000777> outside the Riyadh venue.")
	h := start(t, ans, fakediscord.Options{}, nil)
	st := h.ask("@everyone @here <@900000000000000300> what happened outside the Riyadh venue?")
	if !strings.Contains(st.Original.Content, "@everyone") {
		t.Fatalf("the test needs an answer that repeats the mentions, got %q", st.Original.Content)
	}
	_, _ = h.mention("@everyone what happened outside the Riyadh venue?")
	// The fake records a request once its handler has run, after the
	// message it created can be seen: wait for the reply's request too.
	if _, err := h.fd.WaitForRequest(h.ctx(), func(r fakediscord.Request) bool { return r.Route == fakediscord.RouteMessageCreate }); err != nil {
		t.Fatal(err)
	}
	if pings := h.fd.Pings(); len(pings) != 0 {
		t.Errorf("the bot's messages pinged %+v", pings)
	}
	// Every message and edit the bot sent says parse: [] explicitly.
	checked := 0
	for _, r := range h.fd.Requests() {
		switch r.Route {
		case fakediscord.RouteInteractionCallback, fakediscord.RouteWebhookMessageEdit, fakediscord.RouteFollowupCreate,
			fakediscord.RouteMessageCreate, fakediscord.RouteMessageEdit:
		default:
			continue
		}
		var body struct {
			AllowedMentions *json.RawMessage `json:"allowed_mentions"`
			Data            *struct {
				AllowedMentions *json.RawMessage `json:"allowed_mentions"`
			} `json:"data"`
		}
		if err := r.JSON(&body); err != nil {
			t.Fatal(err)
		}
		am := body.AllowedMentions
		if body.Data != nil {
			am = body.Data.AllowedMentions
		}
		if am == nil || !strings.Contains(string(*am), `"parse":[]`) {
			t.Errorf("%s sent allowed_mentions %s, want parse: []", r.Route, ptrString(am))
		}
		checked++
	}
	if checked < 3 {
		t.Errorf("checked only %d writes", checked)
	}
}

func ptrString(r *json.RawMessage) string {
	if r == nil {
		return "(absent)"
	}
	return string(*r)
}

func TestLongAnswerIsSplitWithinDiscordLimits(t *testing.T) {
	t.Parallel()
	var sb strings.Builder
	for i := 1; sb.Len() < 5200; i++ {
		fmt.Fprintf(&sb, "Sentence number %d of a long answer about the Riyadh talks, with a citation [%d]. ", i, i%30+1)
		if i%7 == 0 {
			sb.WriteString("Ünïcödé ✓ 🇺🇦 text. \n\n")
		}
	}
	text := strings.TrimSpace(sb.String())
	long := answerAnswer{Answered: true, Mode: "model", Text: text} // model mode: each quote adds to the text, one field each
	for i := 1; i <= 30; i++ {
		long.Citations = append(long.Citations, answerCitation{Ref: i, Doc: "doc", Title: strings.Repeat("Long title ", 30), Quote: strings.Repeat("Quoted words from the article. ", 9)})
	}
	parts := len(formatAnswer(long, nil))
	ans := newFakeAnswerer()
	ans.answerFn = func(req answerRequest) (answerAnswer, error) { return long, nil }
	h := start(t, ans, fakediscord.Options{}, nil)
	check := func(msgs []*fakediscord.Message) {
		t.Helper()
		var got []string
		fields := 0
		for _, m := range msgs {
			if n := len([]rune(m.Content)); n > maxContent {
				t.Errorf("message of %d characters", n)
			}
			if m.Content != "" {
				got = append(got, m.Content)
			}
			for _, e := range m.Embeds {
				fields += len(e.Fields)
			}
		}
		if len(got) < 3 {
			t.Fatalf("%d messages with text, want at least 3", len(got))
		}
		if noSpace(strings.Join(got, "")) != noSpace(text) {
			t.Error("the parts do not add up to the answer")
		}
		for _, p := range got {
			if strings.Count(p, "[") != strings.Count(p, "]") {
				t.Errorf("a part splits a citation marker: …%s", p[max(0, len(p)-40):])
			}
		}
		if fields != 30 {
			t.Errorf("%d source fields, want 30", fields)
		}
	}
	st := h.ask("where are the talks, Riyadh?")
	st, _ = h.fd.WaitInteraction(h.ctx(), st.Interaction.ID, func(st fakediscord.InteractionState) bool {
		return len(st.Followups) == parts-1
	})
	check(append([]*fakediscord.Message{st.Original}, st.Followups...))

	q, _ := h.mention("where are the talks, Riyadh?")
	var replies []*fakediscord.Message
	h.fd.WaitFor(h.ctx(), func() bool {
		replies = nil
		for _, m := range h.fd.BotMessages() {
			if m.MessageReference != nil && m.MessageReference.MessageID == q.ID {
				replies = append(replies, m)
			}
		}
		return len(replies) == parts
	})
	check(replies)
	for _, r := range h.fd.Requests() {
		if r.Status >= 400 {
			t.Errorf("Discord refused %s: %s", r.Route, r.Response)
		}
	}
}
