package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/internal/fakediscord"
)

// fakeLibrary is a newsbot.Library over a list of stories kept newest
// first; Add puts a story from the source at the front.
type fakeLibrary struct {
	mu         sync.Mutex
	stories    []newsbot.Story
	feeds      []newsbot.Feed
	adds       []newsbot.Source
	removed    []string
	followed   []string
	unfollowed []string
	addErr     error           // the next Add fails with it
	followAdds []newsbot.Story // what Follow's first read adds
	feedsGate  chan struct{}   // if not nil, Feeds waits for it, ignoring its context
	calls      int             // every call that changes something
}

func (l *fakeLibrary) Stories(ctx context.Context) ([]newsbot.Story, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.stories), nil
}

func (l *fakeLibrary) Add(ctx context.Context, src newsbot.Source) (newsbot.Story, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	l.adds = append(l.adds, src)
	if err := l.addErr; err != nil {
		l.addErr = nil
		return newsbot.Story{}, err
	}
	s := newsbot.Story{Slug: "added-story", Title: "Added story", Source: "Newswire", Published: "2026-11-29",
		URL: src.URL, Added: time.Now().UTC().Format(time.RFC3339), Chunks: 7}
	if src.Name != "" {
		s.Slug, s.Title = "uploaded", "Uploaded: "+src.Name
	}
	l.stories = append([]newsbot.Story{s}, l.stories...)
	return s, nil
}

func (l *fakeLibrary) Remove(ctx context.Context, slug string) (newsbot.Story, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	l.removed = append(l.removed, slug)
	for i, s := range l.stories {
		if s.Slug == slug {
			l.stories = slices.Delete(l.stories, i, i+1)
			return s, nil
		}
	}
	return newsbot.Story{}, fmt.Errorf("remove %q: %w", slug, newsbot.ErrUnknownStory)
}

func (l *fakeLibrary) Follow(ctx context.Context, url string) (newsbot.Feed, []newsbot.Story, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	l.followed = append(l.followed, url)
	f := newsbot.Feed{URL: url, Title: "City Desk", Stories: len(l.followAdds), LastPolled: time.Now()}
	l.feeds = append(l.feeds, f)
	l.stories = append(slices.Clone(l.followAdds), l.stories...)
	return f, slices.Clone(l.followAdds), nil
}

func (l *fakeLibrary) Unfollow(ctx context.Context, url string) (newsbot.Feed, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	l.unfollowed = append(l.unfollowed, url)
	for i, f := range l.feeds {
		if f.URL == url {
			l.feeds = slices.Delete(l.feeds, i, i+1)
			return f, nil
		}
	}
	return newsbot.Feed{}, fmt.Errorf("not following %s", url)
}

func (l *fakeLibrary) Feeds(ctx context.Context) ([]newsbot.Feed, error) {
	l.mu.Lock()
	gate := l.feedsGate
	l.mu.Unlock()
	if gate != nil {
		<-gate
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.feeds), nil
}

// with runs fn with the library locked, for tests to read or set it.
func (l *fakeLibrary) with(fn func(l *fakeLibrary)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fn(l)
}

func (l *fakeLibrary) changes() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls
}

// storyIndex is a fakeAnswerer whose index holds the library's stories, as
// the engine's does once Add or Remove has returned.
type storyIndex struct {
	*fakeAnswerer
	lib *fakeLibrary
}

func (s storyIndex) Info() newsbot.Info {
	info := s.fakeAnswerer.Info()
	s.lib.mu.Lock()
	info.Docs = slices.Clone(s.lib.stories)
	s.lib.mu.Unlock()
	return info
}

// summarizingIndex is a storyIndex that also summarizes.
type summarizingIndex struct {
	storyIndex
	mu    sync.Mutex
	slugs []string // every Summarize call's slug
}

func (s *summarizingIndex) Summarize(ctx context.Context, slug string) (newsbot.Answer, error) {
	s.mu.Lock()
	s.slugs = append(s.slugs, slug)
	s.mu.Unlock()
	s.lib.mu.Lock()
	stories := slices.Clone(s.lib.stories)
	s.lib.mu.Unlock()
	if slug == "" {
		slug = stories[0].Slug
	}
	for _, st := range stories {
		if st.Slug == slug {
			return newsbot.Answer{Answered: true, Mode: "extractive",
				Text: "First point [1]. Second point [2].",
				Citations: []newsbot.Citation{
					{Ref: 1, Chunk: slug + "#0", Doc: slug, Title: st.Title, Quote: "The first point, verbatim."},
					{Ref: 2, Chunk: slug + "#1", Doc: slug, Title: st.Title, Quote: "The second point, verbatim."},
				}}, nil
		}
	}
	return newsbot.Answer{}, newsbot.ErrUnknownStory
}

// testStories are a few stories, newest first.
func testStories() []newsbot.Story {
	return []newsbot.Story{
		{Slug: "cafe-rent", Title: "Café owners protest the new rent law", Source: "El Diario", Published: "2026-11-28",
			URL: "https://news.example/cafe-rent", Added: "2026-11-28T09:00:00Z"},
		{Slug: "protesters-capital", Title: "Protesters gather in the capital", Source: "Wire", Published: "2026-11-27",
			URL: "https://news.example/protest", Added: "2026-11-27T09:00:00Z"},
		{Slug: "rent-prices", Title: "Rent prices rise again", Source: "Wire", Published: "2026-11-26",
			Added: "2026-11-26T09:00:00Z"},
		{Slug: "talks", Title: "US and Russia to hold talks", Source: "AP", Published: "2025-02-17"},
	}
}

// startStories runs a bot with a Library over stories (and, with
// summarize, an Answerer that summarizes) against a new fake Discord.
func startStories(t *testing.T, stories []newsbot.Story, summarize bool, cfg func(*Config)) (*harness, *fakeLibrary, *summarizingIndex) {
	t.Helper()
	lib := &fakeLibrary{stories: stories}
	fa := newFakeAnswerer()
	idx := storyIndex{fakeAnswerer: fa, lib: lib}
	sum := &summarizingIndex{storyIndex: idx}
	var a Answerer = idx
	if summarize {
		a = sum
	}
	// Discord refuses an interaction's first response after 3 s; so does
	// the fake here, autocompletion included.
	fd := fakediscord.Start(t, fakediscord.Options{HeartbeatInterval: 200 * time.Millisecond, AckDeadline: 3 * time.Second,
		Logf: func(string, ...any) {}})
	h := &harness{t: t, fd: fd, ans: fa, logs: &syncBuffer{}}
	c := Config{
		Token: fd.Token(), APIURL: fd.URL(), Cooldown: -1, EditInterval: 100 * time.Millisecond,
		ReadyTimeout: 3 * time.Second, HeartbeatTimeout: 5 * time.Second, WatchdogInterval: 100 * time.Millisecond,
		ReconnectBackoff: 50 * time.Millisecond, ShutdownTimeout: 5 * time.Second, Logger: newTestLogger(h.logs),
		Library: lib,
	}
	if cfg != nil {
		cfg(&c)
	}
	b, err := New(c, a)
	if err != nil {
		t.Fatal(err)
	}
	h.bot = b
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	h.stop = func() error { cancel(); return <-done }
	t.Cleanup(func() {
		if err := h.stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
		if t.Failed() {
			t.Logf("bot logs:\n%s", h.logs.String())
		}
	})
	h.waitReady()
	return h, lib, sum
}

// choices dispatches an autocomplete interaction and returns its choices.
func (h *harness) choices(command string, opts ...fakediscord.Option) []*discordgo.ApplicationCommandOptionChoice {
	h.t.Helper()
	d, err := h.fd.Autocomplete(command, opts...)
	if err != nil {
		h.t.Fatal(err)
	}
	st, err := h.fd.WaitChoices(h.ctx(), d.ID)
	if err != nil {
		h.t.Fatalf("no choices for /%s: %v\nlogs:\n%s", command, err, h.logs.String())
	}
	if st.RejectedAcks != 0 {
		h.t.Errorf("the fake refused %d autocomplete results", st.RejectedAcks)
	}
	return st.Choices
}

func choiceValues(cs []*discordgo.ApplicationCommandOptionChoice) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprint(c.Value))
	}
	return out
}

func TestStoryAutocompleteRanksFuzzyTitleMatchesAndNeverAsks(t *testing.T) {
	stories := testStories()
	long := strings.Repeat("A very long headline about the budget ", 6) // over 100 characters
	for n := range 30 {
		stories = append(stories, newsbot.Story{Slug: fmt.Sprintf("market-%02d", n), Title: fmt.Sprintf("Market update %d", n),
			Published: "2026-01-01", Added: fmt.Sprintf("2026-01-01T00:%02d:00Z", n)})
	}
	stories = append(stories, newsbot.Story{Slug: "budget", Title: long, Published: "2026-02-02"})
	h, _, _ := startStories(t, stories, true, nil)

	for _, tc := range []struct {
		command, typed string
		want           []string // the first choices, in order
		n              int      // how many choices; -1: any
	}{
		{"ask", "cafe", []string{"cafe-rent"}, 1},                       // diacritics aside
		{"ask", "CAFÉ OWN", []string{"cafe-rent"}, 1},                   // case aside, word prefixes
		{"ask", "prot", []string{"protesters-capital", "cafe-rent"}, 2}, // the title's first word first
		{"ask", "rent", []string{"rent-prices", "cafe-rent"}, 2},        // starts the title, then a whole word
		{"ask", "rnt prcs", []string{"rent-prices"}, 1},                 // letters in order
		{"summary", "talks", []string{"talks"}, 1},
		{"remove", "market update 29", []string{"market-29"}, 1},
		{"ask", "budget", []string{"budget"}, 1},
		{"ask", "zebra", nil, 0},
		{"ask", "market", []string{"market-29", "market-28"}, 25}, // 30 match: newest first, 25 at most
		{"ask", "", []string{"cafe-rent", "protesters-capital", "rent-prices"}, 25},
	} {
		var opts []fakediscord.Option
		if tc.command == "ask" {
			opts = append(opts, fakediscord.StringOption("question", "what happened?"))
		}
		opts = append(opts, fakediscord.FocusedOption("story", tc.typed), fakediscord.AsAdmin())
		got := h.choices(tc.command, opts...)
		vals := choiceValues(got)
		if tc.n >= 0 && len(got) != tc.n {
			t.Errorf("/%s story:%q: %d choices %v, want %d", tc.command, tc.typed, len(got), vals, tc.n)
		}
		if len(vals) < len(tc.want) || !slices.Equal(vals[:len(tc.want)], tc.want) {
			t.Errorf("/%s story:%q: choices %v, want first %v", tc.command, tc.typed, vals, tc.want)
		}
		for _, c := range got {
			if n := len([]rune(c.Name)); n < 1 || n > 100 {
				t.Errorf("choice name of %d characters: %q", n, c.Name)
			}
		}
	}
	if got := h.choices("ask", fakediscord.FocusedOption("story", "budget")); !strings.HasSuffix(got[0].Name, "… · 2026-02-02") {
		t.Errorf("long title's choice = %q, want it cut before its date", got[0].Name)
	}
	if got := h.choices("ask", fakediscord.FocusedOption("story", "talks")); got[0].Name != "US and Russia to hold talks · 2025-02-17" {
		t.Errorf("choice name = %q", got[0].Name)
	}
	h.ans.mu.Lock()
	asked := len(h.ans.requests)
	h.ans.mu.Unlock()
	if asked != 0 {
		t.Errorf("autocompletion called the engine's Ask %d times", asked)
	}
}

func TestRankAndFolding(t *testing.T) {
	if got := words("  Pequeño CAFÉ—São Paulo's 2nd   ÉLAN "); !slices.Equal(got, []string{"pequeno", "cafe", "sao", "paulo", "s", "2nd", "elan"}) {
		t.Errorf("words = %q", got)
	}
	keys := []string{"Rain in Spain", "Spain wins the final", "Sprint planning", "Nothing here"}
	for _, tc := range []struct {
		q    string
		want []int
	}{
		{"spain", []int{1, 0, 2}}, // starts the title, a word later on, then s-p-a-i-n scattered over "sprint planning"
		{"spa", []int{1, 0, 2}},   // word prefixes first
		{"spn", []int{0, 1, 2}},   // subsequences, in the keys' order
		{"pain", []int{0, 1, 2}},  // inside a word (equal, in order) beats scattered from a word's start
		{"ain", []int{0, 1}},      // inside words only: no word of "sprint planning" starts with "a"
		{"pin", []int{2}},         // "planning"; "spain" has the letters but not from a word's start
		{"final spain", []int{1}}, // every word must match
		{"", []int{0, 1, 2, 3}},
		{"xyz", nil},
	} {
		got := rank(keys, tc.q)
		if !slices.Equal(got, tc.want) {
			t.Errorf("rank(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
	long := strings.Repeat("x", 150)
	if v := choiceValue(long); len(v) > 100 || v == choiceValue(long+"y") || !strings.HasPrefix(v, "#") {
		t.Errorf("choiceValue of a long key = %q", v)
	}
	if v := choiceValue("short"); v != "short" {
		t.Errorf("choiceValue(short) = %q", v)
	}
	if n := choiceName(strings.Repeat("é", 300), "2026-01-01"); len([]rune(n)) != 100 {
		t.Errorf("choiceName is %d characters", len([]rune(n)))
	}
}

func TestAskStoryOptionReachesTheRequest(t *testing.T) {
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
		if !strings.Contains(st.Original.Content, "First point [1]") || len(fieldValues(st.Original)) != 2 ||
			!strings.Contains(fieldValues(st.Original)[0], "The first point, verbatim.") {
			t.Errorf("/summary story:%q reply = %q, fields %q", tc.story, st.Original.Content, fieldValues(st.Original))
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
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	var names []string
	for _, c := range h.fd.Commands("") {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	if want := []string{"about", "ask", "help", "reload", "stories"}; !slices.Equal(names, want) {
		t.Errorf("commands = %v, want %v", names, want)
	}
	// A stale registration of an admin command is answered, not ignored.
	st := h.command("add", fakediscord.StringOption("url", "https://news.example/a"), fakediscord.AsAdmin())
	if !st.Ephemeral || !strings.Contains(st.Original.Content, "not enabled") {
		t.Errorf("/add without a library = %q", st.Original.Content)
	}
}

func TestAdminCommandsAreRegisteredForAdminsOnly(t *testing.T) {
	h, _, _ := startStories(t, testStories(), false, nil)
	got := map[string]*discordgo.ApplicationCommand{}
	for _, c := range h.fd.Commands("") {
		got[c.Name] = c
	}
	for _, name := range []string{"add", "remove", "follow", "unfollow"} {
		c := got[name]
		if c == nil {
			t.Errorf("/%s not registered", name)
			continue
		}
		if c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != discordgo.PermissionManageGuild ||
			c.DMPermission == nil || *c.DMPermission {
			t.Errorf("/%s: default permissions %v, DM %v; want Manage Server, no DMs", name, c.DefaultMemberPermissions, c.DMPermission)
		}
	}
	if c := got["stories"]; c == nil || c.DefaultMemberPermissions != nil {
		t.Errorf("/stories = %+v, want it open to everyone", c)
	}
}

func TestEveryAdminCommandRefusesMembersAndServesAdmins(t *testing.T) {
	h, lib, _ := startStories(t, testStories(), false, nil)
	lib.with(func(l *fakeLibrary) {
		l.feeds = []newsbot.Feed{{URL: "https://news.example/feed.xml", Title: "Example feed"}}
	})
	for _, tc := range []struct {
		name string
		opts []fakediscord.Option
	}{
		{"add", []fakediscord.Option{fakediscord.StringOption("url", "https://news.example/a")}},
		{"add", []fakediscord.Option{fakediscord.AttachmentOption("file", "a.md", "text/markdown", []byte("# A\n\nText."))}},
		{"remove", []fakediscord.Option{fakediscord.StringOption("story", "rent-prices")}},
		{"follow", []fakediscord.Option{fakediscord.StringOption("url", "https://news.example/other.xml")}},
		{"unfollow", []fakediscord.Option{fakediscord.StringOption("feed", "https://news.example/feed.xml")}},
	} {
		for _, who := range []struct {
			label string
			opts  []fakediscord.Option
			admin bool
		}{
			{"member", nil, false},
			{"member with Manage Messages", []fakediscord.Option{fakediscord.WithPermissions(fakediscord.DefaultMemberPermissions | discordgo.PermissionManageMessages)}, false},
			{"in a DM", []fakediscord.Option{fakediscord.InDM()}, false},
			{"admin", []fakediscord.Option{fakediscord.AsAdmin()}, true},
		} {
			before := lib.changes()
			st := h.command(tc.name, append(slices.Clone(tc.opts), who.opts...)...)
			changed := lib.changes() != before
			if !st.Ephemeral {
				t.Errorf("/%s by %s: the reply is public", tc.name, who.label)
			}
			if who.admin {
				if !changed || st.AckType != discordgo.InteractionResponseDeferredChannelMessageWithSource ||
					strings.Contains(st.Original.Content, "only server admins") {
					t.Errorf("/%s by an admin: library changed %v, ack %d, reply %q", tc.name, changed, st.AckType, st.Original.Content)
				}
				continue
			}
			if changed || !strings.Contains(st.Original.Content, "only server admins") {
				t.Errorf("/%s by %s: library changed %v, reply %q", tc.name, who.label, changed, st.Original.Content)
			}
		}
	}
}

func TestAddRepliesWhatWasAddedOrWhyNot(t *testing.T) {
	h, lib, _ := startStories(t, testStories(), false, nil)
	admin := fakediscord.AsAdmin()

	st := h.command("add", fakediscord.StringOption("url", "https://news.example/new"), admin)
	c := st.Original.Content
	if !strings.Contains(c, "Added **Added story** (Newswire, 2026-11-29) <https://news.example/new>: 7 chunks, in ") ||
		!strings.Contains(c, "`added-story`") {
		t.Errorf("/add url reply = %q", c)
	}
	lib.with(func(l *fakeLibrary) {
		if l.adds[0].URL != "https://news.example/new" {
			t.Errorf("Library.Add got %+v", l.adds[0])
		}
	})

	// The file is downloaded from the attachment's URL, without the token.
	body := []byte("# Harbour reopens\n\nThe harbour reopened on Monday.\n")
	st = h.command("add", fakediscord.AttachmentOption("file", "harbour.md", "text/markdown", body), admin)
	if !strings.Contains(st.Original.Content, "Added **Uploaded") || !strings.Contains(st.Original.Content, "harbour.md") {
		t.Errorf("/add file reply = %q", st.Original.Content)
	}
	lib.with(func(l *fakeLibrary) {
		if got := l.adds[1]; got.Name != "harbour.md" || string(got.Body) != string(body) || got.URL != "" {
			t.Errorf("Library.Add got name %q body %q url %q", got.Name, got.Body, got.URL)
		}
	})
	reqs := h.fd.RequestsTo(fakediscord.RouteAttachment)
	if len(reqs) != 1 || reqs[0].Header.Get("Authorization") != "" {
		t.Errorf("attachment downloads = %d, Authorization %q", len(reqs), reqs[0].Header.Get("Authorization"))
	}

	// Why not: a duplicate, the Library's own error, a file too large.
	lib.with(func(l *fakeLibrary) {
		l.addErr = fmt.Errorf("add https://news.example/new: same canonical URL as rent-prices: %w", newsbot.ErrDuplicateStory)
	})
	st = h.command("add", fakediscord.StringOption("url", "https://news.example/new"), admin)
	if st.Original.Content != "Not added: that story is already in the corpus. Add https\\://news.example/new\\: same canonical URL as rent-prices\\: the story is already in the corpus." {
		t.Errorf("duplicate reply = %q", st.Original.Content)
	}
	lib.with(func(l *fakeLibrary) { l.addErr = errors.New("refusing 127.0.0.1: a loopback address") })
	st = h.command("add", fakediscord.StringOption("url", "http://127.0.0.1/"), admin)
	if st.Original.Content != "Not added. Refusing 127.0.0.1\\: a loopback address." {
		t.Errorf("unsafe URL reply = %q", st.Original.Content)
	}
	before := lib.changes()
	big := make([]byte, maxUploadBytes+1)
	st = h.command("add", fakediscord.AttachmentOption("file", "big.txt", "text/plain", big), admin)
	if !strings.Contains(st.Original.Content, "the limit is 5 MB") || lib.changes() != before {
		t.Errorf("big file: reply %q, library called %v", st.Original.Content, lib.changes() != before)
	}
	if n := len(h.fd.RequestsTo(fakediscord.RouteAttachment)); n != 1 {
		t.Errorf("the big file was downloaded (%d downloads)", n)
	}

	// Neither or both: told at once.
	st = h.command("add", admin)
	if !strings.Contains(st.Original.Content, "`url:`") || st.AckType != discordgo.InteractionResponseChannelMessageWithSource {
		t.Errorf("/add without a source = %q", st.Original.Content)
	}
	st = h.command("add", fakediscord.StringOption("url", "https://news.example/x"),
		fakediscord.AttachmentOption("file", "x.md", "text/markdown", []byte("x")), admin)
	if !strings.Contains(st.Original.Content, "not both") {
		t.Errorf("/add with both = %q", st.Original.Content)
	}
}

func TestAttachmentsAreOnlyFetchedFromDiscord(t *testing.T) {
	b := &Bot{cfg: Config{APIURL: "http://127.0.0.1:4000"}}
	for _, tc := range []struct {
		url  string
		want bool
	}{
		{"https://cdn.discordapp.com/attachments/1/2/a.md", true},
		{"https://media.discordapp.net/attachments/1/2/a.md", true},
		{"http://cdn.discordapp.com/attachments/1/2/a.md", false},
		{"https://cdn.discordapp.com.evil.example/a.md", false},
		{"http://127.0.0.1:4000/attachments/1/2/a.md", true}, // the configured API host (a fake, a proxy)
		{"http://127.0.0.1:4001/attachments/1/2/a.md", false},
		{"http://169.254.169.254/latest/meta-data", false},
	} {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := b.attachmentHost(u); got != tc.want {
			t.Errorf("%s: attachmentHost = %v, want %v", tc.url, got, tc.want)
		}
		if tc.want {
			continue
		}
		// A refused address is never requested (b has no HTTP client).
		_, err = b.downloadAttachment(context.Background(), &discordgo.MessageAttachment{URL: tc.url, Filename: "a.md"})
		if err == nil || !strings.Contains(err.Error(), "not Discord's") {
			t.Errorf("%s: download error %v", tc.url, err)
		}
	}
	b.cfg.APIURL = ""
	if u, _ := url.Parse("http://127.0.0.1:4000/a.md"); b.attachmentHost(u) {
		t.Error("loopback allowed without an API URL override")
	}
}

func TestRemoveFollowUnfollowReplies(t *testing.T) {
	h, lib, _ := startStories(t, testStories(), false, nil)
	admin := fakediscord.AsAdmin()

	st := h.command("remove", fakediscord.StringOption("story", "rent-prices"), admin)
	if st.Original.Content != "Removed **Rent prices rise again** (Wire, 2026-11-26) (`rent-prices`)." {
		t.Errorf("/remove reply = %q", st.Original.Content)
	}
	st = h.command("remove", fakediscord.StringOption("story", "gone"), admin)
	if !strings.Contains(st.Original.Content, "Not removed: there is no story “gone”") {
		t.Errorf("/remove unknown = %q", st.Original.Content)
	}

	lib.with(func(l *fakeLibrary) {
		l.followAdds = []newsbot.Story{
			{Slug: "f1", Title: "Bridge closes for repairs", Chunks: 3},
			{Slug: "f2", Title: "Library extends hours", Chunks: 4},
		}
	})
	st = h.command("follow", fakediscord.StringOption("url", "https://news.example/city.xml"), admin)
	c := st.Original.Content
	if !strings.HasPrefix(c, "Following **City Desk** <https://news.example/city.xml>.\nRead it in ") ||
		!strings.Contains(c, "added 2 stories (7 chunks):\n• **Bridge closes for repairs**\n• **Library extends hours**") {
		t.Errorf("/follow reply = %q", c)
	}

	// /unfollow autocompletes the feeds; a URL longer than a choice value
	// travels as a digest and is mapped back.
	longURL := "https://news.example/feeds/" + strings.Repeat("section/", 15) + "rss.xml"
	lib.with(func(l *fakeLibrary) {
		l.feeds = append(l.feeds, newsbot.Feed{URL: longURL, Title: "Deep section", Stories: 1})
	})
	cs := h.choices("unfollow", fakediscord.FocusedOption("feed", "deep"), admin)
	if len(cs) < 1 || !strings.HasPrefix(cs[0].Name, "Deep section · https://news.example/feeds/") {
		t.Fatalf("/unfollow choices = %+v", cs)
	}
	st = h.command("unfollow", fakediscord.StringOption("feed", fmt.Sprint(cs[0].Value)), admin)
	if !strings.HasPrefix(st.Original.Content, "Stopped following **Deep section**") || !strings.HasSuffix(st.Original.Content, "The 1 story it added stays.") {
		t.Errorf("/unfollow reply = %q", st.Original.Content)
	}
	lib.with(func(l *fakeLibrary) {
		if got := l.unfollowed[len(l.unfollowed)-1]; got != longURL {
			t.Errorf("Library.Unfollow(%q), want the full URL", got)
		}
	})
	if cs := h.choices("unfollow", fakediscord.FocusedOption("feed", ""), admin); len(cs) != 1 || cs[0].Value != "https://news.example/city.xml" {
		t.Errorf("/unfollow choices after unfollowing = %+v", cs)
	}
}

func TestStoriesListsNewestFirstInPages(t *testing.T) {
	var stories []newsbot.Story
	for n := 23; n >= 1; n-- {
		stories = append(stories, newsbot.Story{Slug: fmt.Sprintf("s%02d", n), Title: fmt.Sprintf("Story *%d*", n),
			Source: "Wire", Published: fmt.Sprintf("2026-10-%02d", n), URL: fmt.Sprintf("https://news.example/%d", n)})
	}
	h, _, _ := startStories(t, stories, false, nil)
	st := h.command("stories")
	c := st.Original.Content
	if !st.Ephemeral || st.AckType != discordgo.InteractionResponseChannelMessageWithSource {
		t.Errorf("/stories: ephemeral %v, ack %d", st.Ephemeral, st.AckType)
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
	want := "New story: **\\@everyone look\\: \\<\\@123\\> \\*wins\\* \\[prize\\]\\(https\\://evil.example\\)** (Wire, 2026-11-29) <https://news.example/x>"
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

func TestUnfollowAutocompleteAnswersInTimeWhenTheLibraryHangs(t *testing.T) {
	h, lib, _ := startStories(t, testStories(), false, nil)
	gate := make(chan struct{})
	t.Cleanup(func() { close(gate) })
	lib.with(func(l *fakeLibrary) {
		l.feeds = []newsbot.Feed{{URL: "https://news.example/feed.xml", Title: "Example feed"}}
		l.feedsGate = gate
	})
	d, err := h.fd.Autocomplete("unfollow", fakediscord.FocusedOption("feed", "ex"), fakediscord.AsAdmin())
	if err != nil {
		t.Fatal(err)
	}
	st, err := h.fd.WaitInteraction(h.ctx(), d.ID, func(st fakediscord.InteractionState) bool { return st.Acks+st.RejectedAcks > 0 })
	if err != nil {
		t.Fatal(err)
	}
	if st.Acks != 1 || st.AckType != discordgo.InteractionApplicationCommandAutocompleteResult || len(st.Choices) != 0 {
		t.Errorf("autocomplete with a hanging library: acks %d (refused %d), type %d, choices %d",
			st.Acks, st.RejectedAcks, st.AckType, len(st.Choices))
	}
}
