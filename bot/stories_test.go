package bot

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/internal/fakediscord"
)

func TestAskStoryOptionReachesTheRequest(t *testing.T) {
	t.Parallel()
	h, _, _ := startStories(t, testStories(), false, nil)
	for _, story := range []string{"rent-prices", "Rent Prices Rise Again"} { // a chosen slug, a title typed in full
		st := h.ask("why do rent prices rise?", fakediscord.StringOption("story", story))
		if st.Original == nil || st.Original.Content == "" {
			t.Fatalf("no answer for story:%q", story)
		}
		if got := h.ans.lastRequest().Story; got != "rent-prices" {
			t.Errorf("story:%q: Request.Story = %q, want rent-prices", story, got)
		}
	}
	h.ask("where are the talks, Riyadh?")
	if got := h.ans.lastRequest().Story; got != "" {
		t.Errorf("without the option Request.Story = %q", got)
	}

	// An unknown story is told at once, ephemerally, and never asked.
	h.ans.mu.Lock()
	before := len(h.ans.requests)
	h.ans.mu.Unlock()
	st := h.command("ask", fakediscord.StringOption("question", "what?"), fakediscord.StringOption("story", "no-such-story"))
	if !st.Ephemeral || st.AckType != discordgo.InteractionResponseChannelMessageWithSource ||
		!strings.Contains(st.Original.Content, "I don't know a story called “no-such-story”") {
		t.Errorf("unknown story reply = %q (ephemeral %v, ack %d)", st.Original.Content, st.Ephemeral, st.AckType)
	}
	h.ans.mu.Lock()
	after := len(h.ans.requests)
	h.ans.mu.Unlock()
	if after != before {
		t.Error("an unknown story reached the engine")
	}
}

func TestAskUnknownStoryFromTheEngineIsExplained(t *testing.T) {
	t.Parallel()
	// The story was removed between the option's check and the answer: the
	// engine says ErrUnknownStory, and the user is told so.
	h, _, _ := startStories(t, testStories(), false, nil)
	h.ans.set(func(f *fakeAnswerer) {
		f.answerFn = func(newsbot.Request) (newsbot.Answer, error) { return newsbot.Answer{}, newsbot.ErrUnknownStory }
	})
	st := h.ask("why?", fakediscord.StringOption("story", "talks"))
	if !strings.Contains(st.Original.Content, "I don't know a story called") {
		t.Errorf("reply = %q", st.Original.Content)
	}
}

func TestSummaryRendersCitationsAndDefaultsToTheNewest(t *testing.T) {
	t.Parallel()
	h, _, sum := startStories(t, testStories(), true, nil)
	if !slices.ContainsFunc(h.fd.Commands(""), func(c *discordgo.ApplicationCommand) bool { return c.Name == "summary" }) {
		t.Fatal("/summary not registered although the answerer summarizes")
	}
	for _, tc := range []struct{ story, want string }{{"talks", "talks"}, {"", ""}} {
		var opts []fakediscord.Option
		if tc.story != "" {
			opts = append(opts, fakediscord.StringOption("story", tc.story))
		}
		d, err := h.fd.DispatchInteraction(h.fd.CommandInteraction("summary", opts...))
		if err != nil {
			t.Fatal(err)
		}
		st := h.waitFinal(d.ID)
		if st.AckType != discordgo.InteractionResponseDeferredChannelMessageWithSource {
			t.Errorf("/summary was not deferred: ack %d", st.AckType)
		}
		// An extractive summary is rendered as an extractive answer: its
		// sources name the story and link it (format.go).
		var story newsbot.Story
		for _, s := range testStories() {
			if s.Slug == tc.want {
				story = s
			}
		}
		src := sourcesText(st.Original)
		if !strings.Contains(st.Original.Content, "First point [1]") || !strings.Contains(src, "[1]") ||
			!strings.Contains(src, story.Title) || (story.URL != "" && !strings.Contains(src, "<"+story.URL+">")) {
			t.Errorf("/summary story:%q reply = %q, sources %q", tc.story, st.Original.Content, src)
		}
		sum.mu.Lock()
		last := sum.slugs[len(sum.slugs)-1]
		sum.mu.Unlock()
		if last != tc.want {
			t.Errorf("Summarize(%q), want %q", last, tc.want)
		}
	}
}

func TestSummaryIsNotRegisteredWithoutASummarizerNorAdminCommandsWithoutALibrary(t *testing.T) {
	t.Parallel()
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	var names []string
	for _, c := range h.fd.Commands("") {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	if want := []string{"about", "ask", "help", "reload", "stories"}; !slices.Equal(names, want) {
		t.Errorf("commands = %v, want %v", names, want)
	}
	// Without a Library, /stories lists the index, at once.
	st := h.command("stories")
	if !st.Ephemeral || st.AckType != discordgo.InteractionResponseChannelMessageWithSource ||
		!strings.Contains(st.Original.Content, "1. **US and Russia to hold talks** — AP · 2025-02-17 · `doc`") {
		t.Errorf("/stories from the index = %q (ack %d)", st.Original.Content, st.AckType)
	}
	// A stale registration of an admin command is answered, not ignored.
	st = h.command("add", fakediscord.StringOption("url", "https://news.example/a"), fakediscord.AsAdmin())
	if !st.Ephemeral || !strings.Contains(st.Original.Content, "not enabled") {
		t.Errorf("/add without a library = %q", st.Original.Content)
	}
}

func TestStoriesListsNewestFirstInPages(t *testing.T) {
	t.Parallel()
	var stories []newsbot.Story
	for n := 23; n >= 1; n-- {
		stories = append(stories, newsbot.Story{Slug: fmt.Sprintf("s%02d", n), Title: fmt.Sprintf("Story *%d*", n),
			Source: "Wire", Published: fmt.Sprintf("2026-10-%02d", n), URL: fmt.Sprintf("https://news.example/%d", n)})
	}
	h, _, _ := startStories(t, stories, false, nil)
	st := h.command("stories")
	c := st.Original.Content
	if !st.Ephemeral {
		t.Error("/stories is public")
	}
	if !strings.HasPrefix(c, "**Stories** (23, newest first), page 1 of 3\n1. **Story \\*23\\*** — Wire · 2026-10-23 · `s23` · <https://news.example/23>\n") ||
		!strings.Contains(c, "\n10. **Story \\*14\\***") || strings.Contains(c, "\n11.") || !strings.Contains(c, "…and 13 more: `/stories page:2`.") {
		t.Errorf("/stories page 1 = %q", c)
	}
	if len([]rune(c)) > 2000 {
		t.Errorf("page of %d characters", len([]rune(c)))
	}
	c = h.command("stories", fakediscord.IntegerOption("page", 3)).Original.Content
	if !strings.Contains(c, "page 3 of 3\n21. **Story \\*3\\***") || strings.Contains(c, "more:") {
		t.Errorf("/stories page 3 = %q", c)
	}
	if c := h.command("stories", fakediscord.IntegerOption("page", 9)).Original.Content; !strings.Contains(c, "only 3 pages") {
		t.Errorf("/stories page 9 = %q", c)
	}
}

func TestStoriesPageFitsLongStories(t *testing.T) {
	t.Parallel()
	var stories []newsbot.Story
	for n := range 40 {
		stories = append(stories, newsbot.Story{Slug: strings.Repeat("s", 90) + fmt.Sprint(n), Title: strings.Repeat("Ü", 400),
			Source: strings.Repeat("src ", 50), Published: "2026-10-01", URL: "https://news.example/" + strings.Repeat("p", 280)})
	}
	seen := 0
	for page := 1; ; page++ {
		p := storiesPage(stories, page)
		if discordLen(p) > maxContent {
			t.Fatalf("page %d is %d characters", page, discordLen(p))
		}
		n := strings.Count(p, "\n") - 1 // header and the closing hint
		if strings.Contains(p, "more:") {
			n--
		}
		if n < 1 {
			t.Fatalf("page %d holds no story: %q", page, p)
		}
		seen += n
		if !strings.Contains(p, "more:") {
			break
		}
	}
	if seen != len(stories) {
		t.Errorf("the pages hold %d stories, want %d", seen, len(stories))
	}
	if got := storiesPage(nil, 1); !strings.Contains(got, "No stories yet") {
		t.Errorf("empty list = %q", got)
	}
}

func TestAnnouncePostsTheStoryWithoutPings(t *testing.T) {
	t.Parallel()
	h, _, _ := startStories(t, nil, false, func(c *Config) { c.AnnounceChannelID = fakediscord.DefaultChannelID })
	s := newsbot.Story{Slug: "x", Title: "@everyone look: <@123> *wins* [prize](https://evil.example)", Source: "Wire",
		Published: "2026-11-29", URL: "https://news.example/x"}
	if err := h.bot.Announce(h.ctx(), s); err != nil {
		t.Fatal(err)
	}
	msgs := h.fd.BotMessages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	// escapeMarkdown leaves "@everyone" as typed: the empty allowed_mentions
	// parse (checked below) is what keeps it from pinging.
	want := "New story: **@everyone look: \\<@123\\> \\*wins\\* \\[prize\\]\\(https\\://evil.example\\)** (Wire, 2026-11-29) <https://news.example/x>"
	if m.ChannelID != fakediscord.DefaultChannelID || m.Content != want {
		t.Errorf("announcement in %s = %q, want %q", m.ChannelID, m.Content, want)
	}
	if m.AllowedMentions == nil || m.AllowedMentions.Parse == nil || len(m.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed mentions = %+v, want parse []", m.AllowedMentions)
	}
	if p := h.fd.Pings(); len(p) != 0 {
		t.Errorf("the announcement pinged: %+v", p)
	}

	// Without a channel, Announce does nothing.
	h2, _, _ := startStories(t, nil, false, nil)
	if err := h2.bot.Announce(h2.ctx(), s); err != nil || len(h2.fd.BotMessages()) != 0 {
		t.Errorf("Announce without a channel: %v, %d messages", err, len(h2.fd.BotMessages()))
	}
}

func TestQueuedStoryAskAndSummaryExpireLikeAsk(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	h, _, sum := startStories(t, testStories(), true, func(c *Config) {
		c.MaxConcurrent = 1
		c.now = clock.now
	})
	gate := make(chan struct{})
	started := make(chan newsbot.Request, 4)
	h.ans.set(func(f *fakeAnswerer) { f.gate, f.started = gate, started })
	first, err := h.fd.Ask("where are the talks, Riyadh?")
	if err != nil {
		t.Fatal(err)
	}
	<-started // the first question holds the only slot
	var queued []string
	for i, in := range []*discordgo.Interaction{
		h.fd.AskInteraction("who leads the delegation?", fakediscord.StringOption("story", "talks")),
		h.fd.CommandInteraction("summary", fakediscord.StringOption("story", "talks")),
	} {
		d, err := h.fd.DispatchInteraction(in)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"next in line", "number 2 in line"}[i]
		if _, err := h.fd.WaitInteraction(h.ctx(), d.ID, func(st fakediscord.InteractionState) bool {
			return st.Original != nil && strings.Contains(st.Original.Content, want)
		}); err != nil {
			t.Fatalf("queued question %d: no note saying %q: %v", i+1, want, err)
		}
		queued = append(queued, d.ID)
	}
	clock.advance(14 * time.Minute)
	close(gate)
	if st := h.waitFinal(first.ID); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Errorf("the question that was running got %q", st.Original.Content)
	}
	for _, id := range queued {
		if st := h.waitFinal(id); st.Original.Content != expiredText {
			t.Errorf("expired question got %q, want %q", st.Original.Content, expiredText)
		}
	}
	h.ans.mu.Lock()
	calls := len(h.ans.requests)
	h.ans.mu.Unlock()
	sum.mu.Lock()
	summaries := len(sum.slugs)
	sum.mu.Unlock()
	if calls != 1 || summaries != 0 {
		t.Errorf("%d questions and %d summaries reached the engine, want 1 and 0", calls, summaries)
	}
	h.waitMetrics(`newsbot_questions_total{outcome="expired",source="slash"} 2`)
}

func TestFollowUpKeepsTheStoryTheQuestionWasAskedAbout(t *testing.T) {
	t.Parallel()
	h, lib, _ := startStories(t, testStories(), false, nil)
	st := h.ask("why do rent prices rise?", fakediscord.StringOption("story", "rent-prices"))
	_, reply := h.mention("and by how much?", fakediscord.ReplyTo(st.Original.Message, true))
	if reply == nil {
		t.Fatal("no reply to the follow-up")
	}
	r := h.ans.lastRequest()
	if r.Story != "rent-prices" || len(r.History) != 1 || r.History[0].Story != "rent-prices" {
		t.Errorf("follow-up: Request.Story = %q, history %+v; want rent-prices", r.Story, r.History)
	}
	// A follow-up of the follow-up keeps it too.
	_, reply2 := h.mention("since when?", fakediscord.ReplyTo(reply.Message, true))
	if reply2 == nil || h.ans.lastRequest().Story != "rent-prices" {
		t.Errorf("second follow-up: Request.Story = %q, want rent-prices", h.ans.lastRequest().Story)
	}

	// A question about every story keeps to none.
	st = h.ask("where are the talks, Riyadh?")
	h.mention("who goes?", fakediscord.ReplyTo(st.Original.Message, true))
	if got := h.ans.lastRequest().Story; got != "" {
		t.Errorf("follow-up to a question about every story: Request.Story = %q, want \"\"", got)
	}

	// The story removed since: the follow-up is answered from every story,
	// not refused as about an unknown story.
	st = h.ask("why do rent prices rise?", fakediscord.StringOption("story", "rent-prices"))
	lib.mu.Lock()
	lib.stories = slices.DeleteFunc(lib.stories, func(s newsbot.Story) bool { return s.Slug == "rent-prices" })
	lib.mu.Unlock()
	h.mention("and by how much?", fakediscord.ReplyTo(st.Original.Message, true))
	if got := h.ans.lastRequest().Story; got != "" {
		t.Errorf("follow-up on a removed story: Request.Story = %q, want \"\"", got)
	}
}
