package bot

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/internal/fakediscord"
)

// The only goroutine allowed to outlive a test is the one discordgo
// deadlocks in Open when the gateway answers the handshake with op 7
// (upstream issue 513); TestOp7DuringHandshakeRebuildsTheSession provokes
// it on purpose.
var leakOpts = []goleak.Option{
	goleak.IgnoreAnyFunction("github.com/bwmarrin/discordgo.(*Session).CloseWithCode"),
}

// parallelTests is how many parallel tests run at once unless -parallel
// says otherwise. The bot's end-to-end tests spend their time waiting (on
// loopback round trips, edit intervals, and the second discordgo sleeps in
// Close), not computing, so more of them than GOMAXPROCS share the CPUs
// well.
const parallelTests = 8

func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", strconv.Itoa(max(parallelTests, runtime.GOMAXPROCS(0))))
	}
	goleak.VerifyTestMain(m, leakOpts...)
}

// fakeAnswerer is an Answerer over a tiny "corpus" of sentences: it answers
// with the first sentence sharing a word of four letters or more with the
// question, quoting it verbatim, and refuses otherwise.
type fakeAnswerer struct {
	mu        sync.Mutex
	sentences []string
	title     string
	chat      string // ChatModel; "" is extractive mode
	delay     time.Duration
	fail      int // the next fail questions fail as a model error would
	answerFn  func(newsbot.Request) (newsbot.Answer, error)
	deltas    []string // AskStream sends these, deltaGap apart, before answering
	deltaGap  time.Duration
	next      []string          // the corpus the next Reload loads
	reloadErr error             // the next Reload fails with it
	requests  []newsbot.Request // every request, in order
	reloads   int
	loadedAt  time.Time
	gate      chan struct{}        // if not nil, questions wait for it
	started   chan newsbot.Request // if not nil, receives every request as it starts
}

// testStoryURL is the fake story's own address (never dialed).
const testStoryURL = "https://news.example/us-russia-talks"

func newFakeAnswerer(sentences ...string) *fakeAnswerer {
	if len(sentences) == 0 {
		sentences = []string{
			"The talks between the United States and Russia will be held in Riyadh, Saudi Arabia.",
			"Kremlin spokesman Dmitry Peskov said the meeting would focus on restoring relations.",
			"Secretary of State Marco Rubio will lead the American delegation.",
		}
	}
	return &fakeAnswerer{sentences: sentences, title: "US and Russia to hold talks", loadedAt: time.Now()}
}

func (f *fakeAnswerer) Ask(ctx context.Context, req newsbot.Request) (newsbot.Answer, error) {
	return f.AskStream(ctx, req, nil)
}

func (f *fakeAnswerer) AskStream(ctx context.Context, req newsbot.Request, onDelta func(string)) (newsbot.Answer, error) {
	f.mu.Lock()
	f.requests = append(f.requests, req)
	delay, deltas, gap, gate, started := f.delay, f.deltas, f.deltaGap, f.gate, f.started
	fail := f.fail > 0
	if fail {
		f.fail--
	}
	fn := f.answerFn
	sentences := append([]string(nil), f.sentences...)
	title := f.title
	f.mu.Unlock()
	if started != nil {
		started <- req
	}
	if strings.TrimSpace(req.Question) == "" {
		return newsbot.Answer{}, newsbot.ErrEmptyQuestion
	}
	if len([]rune(req.Question)) > newsbot.MaxQuestionLen {
		return newsbot.Answer{}, newsbot.ErrQuestionTooLong
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return newsbot.Answer{}, ctx.Err()
		}
	}
	if err := sleep(ctx, delay); err != nil {
		return newsbot.Answer{}, err
	}
	if onDelta != nil {
		for _, d := range deltas {
			onDelta(d)
			if err := sleep(ctx, gap); err != nil {
				return newsbot.Answer{}, err
			}
		}
	}
	if fail {
		return newsbot.Answer{}, fmt.Errorf("chat model: %w", kindedError{kind: "http_5xx", msg: "HTTP 500 after 3 attempts"})
	}
	if fn != nil {
		return fn(req)
	}
	mode := "extractive"
	if f.chat != "" {
		mode = "model"
	}
	for _, s := range sentences {
		if sharesWord(req.Question, s) {
			return newsbot.Answer{
				Question: req.Question, Answered: true, Mode: mode,
				Text:      strings.TrimSuffix(s, ".") + " [1].",
				Citations: []newsbot.Citation{{Ref: 1, Chunk: "doc#0", Doc: "doc", Title: title, Quote: s}},
				Usage:     newsbot.Usage{PromptTokens: 100, CompletionTokens: 20},
			}, nil
		}
	}
	return newsbot.Answer{Question: req.Question, Mode: mode, Text: "The articles do not say."}, nil
}

// kindedError is a model error that names its kind, as the engine's do.
type kindedError struct{ kind, msg string }

func (e kindedError) Error() string          { return e.msg }
func (e kindedError) ModelErrorKind() string { return e.kind }

func sharesWord(q, s string) bool {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !('a' <= r && r <= 'z') })
	ql := strings.ToLower(q)
	for _, w := range words {
		if len(w) >= 4 && strings.Contains(ql, w) {
			return true
		}
	}
	return false
}

func (f *fakeAnswerer) Reload(ctx context.Context) (newsbot.ReloadStats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reloads++
	if err := f.reloadErr; err != nil {
		f.reloadErr = nil
		return newsbot.ReloadStats{}, err
	}
	if f.next != nil {
		f.sentences, f.next = f.next, nil
	}
	f.loadedAt = time.Now()
	return newsbot.ReloadStats{Documents: 1, Chunks: len(f.sentences), Embedded: 1, Reused: len(f.sentences) - 1, Duration: 3 * time.Millisecond}, nil
}

func (f *fakeAnswerer) Info() newsbot.Info {
	f.mu.Lock()
	defer f.mu.Unlock()
	return newsbot.Info{
		Docs:       []newsbot.Story{{Slug: "doc", Title: f.title, Source: "AP", URL: testStoryURL, Published: "2025-02-17"}},
		Chunks:     len(f.sentences),
		EmbedModel: "local",
		ChatModel:  f.chat,
		LoadedAt:   f.loadedAt,
	}
}

func (f *fakeAnswerer) set(fn func(f *fakeAnswerer)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeAnswerer) lastRequest() newsbot.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) == 0 {
		return newsbot.Request{}
	}
	return f.requests[len(f.requests)-1]
}

// Short names for the engine's types in test tables.
type (
	answerRequest  = newsbot.Request
	answerAnswer   = newsbot.Answer
	answerCitation = newsbot.Citation
)

func newTestLogger(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// syncBuffer is a bytes.Buffer safe for concurrent writes (logs).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is a bot running against a fake Discord.
type harness struct {
	t    testing.TB
	fd   *fakediscord.Server
	bot  *Bot
	ans  *fakeAnswerer
	logs *syncBuffer
	stop func() error // cancels Run and returns its error
}

// start runs a bot with ans against a new fake Discord. The bot logs at
// debug level into h.logs; cfg adjusts its configuration (cooldowns are off
// unless cfg sets one).
func start(t testing.TB, ans *fakeAnswerer, opts fakediscord.Options, cfg func(*Config)) *harness {
	t.Helper()
	if opts.HeartbeatInterval == 0 {
		opts.HeartbeatInterval = 200 * time.Millisecond
	}
	if opts.Logf == nil && testing.Verbose() {
		opts.Logf = t.Logf
	} else if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	return startOn(t, fakediscord.Start(t, opts), ans, cfg)
}

// startOn runs a bot with ans against fd.
func startOn(t testing.TB, fd *fakediscord.Server, ans *fakeAnswerer, cfg func(*Config)) *harness {
	t.Helper()
	return startAnswerer(t, fd, ans, ans, cfg)
}

// startAnswerer runs a bot with a against fd; ans is the fakeAnswerer that
// a wraps (h.ans), or a itself.
func startAnswerer(t testing.TB, fd *fakediscord.Server, a Answerer, ans *fakeAnswerer, cfg func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, fd: fd, ans: ans, logs: &syncBuffer{}}
	c := Config{
		Token:            fd.Token(),
		APIURL:           fd.URL(),
		Cooldown:         -1,
		EditInterval:     100 * time.Millisecond,
		ReadyTimeout:     3 * time.Second,
		HeartbeatTimeout: 5 * time.Second,
		WatchdogInterval: 100 * time.Millisecond,
		ReconnectBackoff: 50 * time.Millisecond,
		ShutdownTimeout:  5 * time.Second,
		Logger:           newTestLogger(h.logs),
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
	var once sync.Once
	var runErr error
	h.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(30 * time.Second):
				runErr = errors.New("Run did not return within 30 s of cancel")
			}
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := h.stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
		if t.Failed() {
			t.Logf("bot logs:\n%s", h.logs.String())
		}
	})
	h.waitReady()
	return h
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	h.t.Cleanup(cancel)
	return ctx
}

// longCtx is a context for waits that may take a minute.
func longCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// waitReady waits until the bot is connected and its commands registered.
func (h *harness) waitReady() {
	h.t.Helper()
	err := h.fd.WaitFor(h.ctx(), func() bool {
		return h.bot.connected.Load() && (h.bot.registered.Load() || h.bot.cfg.ShardID != 0) && h.fd.GatewayStats().Live > 0
	})
	if err != nil {
		h.t.Fatalf("bot never became ready: %v\nlogs:\n%s", err, h.logs.String())
	}
}

// ask dispatches /ask and waits for its original response to be final (no
// longer loading, not a streaming preview: it has the answer's citations,
// or the text of a refusal or an apology).
func (h *harness) ask(question string, opts ...fakediscord.Option) fakediscord.InteractionState {
	h.t.Helper()
	d, err := h.fd.Ask(question, opts...)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.waitFinal(d.ID)
}

func (h *harness) waitFinal(id string) fakediscord.InteractionState {
	h.t.Helper()
	st, err := h.fd.WaitInteraction(h.ctx(), id, func(st fakediscord.InteractionState) bool {
		return st.Original != nil && isFinal(st.Original.Message.Content, len(st.Original.Embeds))
	})
	if err != nil {
		h.t.Fatalf("no final answer to interaction %s: %v\nlogs:\n%s", id, err, h.logs.String())
	}
	return st
}

// isFinal tells a final reply from the "thinking" placeholder and streaming
// previews (which have no embeds and do not end a sentence).
func isFinal(content string, embeds int) bool {
	if content == "" {
		return false
	}
	if embeds > 0 {
		return true
	}
	c := strings.TrimSpace(content)
	if strings.HasSuffix(c, "…") { // a streaming preview
		return false
	}
	return strings.HasSuffix(c, ".") || strings.HasSuffix(c, "?") || strings.HasSuffix(c, "!") || strings.HasSuffix(c, "*")
}

// mention dispatches a mention and waits for the bot's reply to it.
func (h *harness) mention(text string, opts ...fakediscord.Option) (*fakediscord.Message, *fakediscord.Message) {
	h.t.Helper()
	m := h.fd.MentionMessage(text, opts...)
	if _, err := h.fd.DispatchMessage(m); err != nil {
		h.t.Fatal(err)
	}
	reply := h.waitReplyTo(m.ID)
	q, _ := h.fd.MessageByID(m.ID)
	return q, reply
}

func (h *harness) waitReplyTo(id string) *fakediscord.Message {
	h.t.Helper()
	msg, err := h.fd.WaitMessage(h.ctx(), func(m *fakediscord.Message) bool {
		return !m.FromGateway && m.MessageReference != nil && m.MessageReference.MessageID == id &&
			isFinal(m.Content, len(m.Embeds))
	})
	if err != nil {
		h.t.Fatalf("no reply to message %s: %v\nlogs:\n%s", id, err, h.logs.String())
	}
	return msg
}

// healthz returns the status of GET /healthz.
func (h *harness) healthz() int {
	rec := httptest.NewRecorder()
	h.bot.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	return rec.Code
}

// settle waits until the bot has taken n message and interaction events
// (every one the test dispatched, echoes included) and finished the work
// they started: the barrier before asserting that something did not
// happen.
func (h *harness) settle(n int64) {
	h.t.Helper()
	if !eventually(func() bool { return h.bot.events.Load() >= n && h.bot.work.inFlight() == 0 }) {
		h.t.Fatalf("the bot took %d of %d events; %d handlers still running", h.bot.events.Load(), n, h.bot.work.inFlight())
	}
}

// eventually polls cond every 10 ms for up to 10 s.
func eventually(cond func() bool) bool {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// waitMetrics waits until GET /metrics shows every line in want (the bot
// counts a question just after Discord has its reply), and reports the
// ones it never showed.
func (h *harness) waitMetrics(want ...string) {
	h.t.Helper()
	var m string
	eventually(func() bool {
		m = h.metrics()
		for _, w := range want {
			if !strings.Contains(m, w) {
				return false
			}
		}
		return true
	})
	for _, w := range want {
		if !strings.Contains(m, w) {
			h.t.Errorf("metrics lack %q", w)
		}
	}
}

// metrics returns the text of GET /metrics.
func (h *harness) metrics() string {
	rec := httptest.NewRecorder()
	h.bot.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

func fieldValues(m *fakediscord.Message) []string {
	var out []string
	for _, e := range m.Embeds {
		for _, f := range e.Fields {
			out = append(out, f.Value)
		}
	}
	return out
}

// sourcesText returns the descriptions of a message's embeds.
func sourcesText(m *fakediscord.Message) string {
	var sb strings.Builder
	for _, e := range m.Embeds {
		sb.WriteString(e.Description)
	}
	return sb.String()
}

// checkExtractiveSources checks the sources of an extractive answer: the
// story's title and its own link in <…>, and no quote repeating the answer.
func checkExtractiveSources(t *testing.T, m *fakediscord.Message, title string) {
	t.Helper()
	if vals := fieldValues(m); len(vals) != 0 {
		t.Errorf("extractive answer repeats its sentences as quotes: %q", vals)
	}
	src := sourcesText(m)
	if !strings.Contains(src, "[1]") || !strings.Contains(src, title) || !strings.Contains(src, "<"+testStoryURL+">") {
		t.Errorf("sources = %q, want [1], the title %q and <%s>", src, title, testStoryURL)
	}
}

// Story fakes (stories_test.go, admin_test.go, autocomplete_test.go).

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
	h := startAnswerer(t, fd, a, fa, func(c *Config) {
		c.Library = lib
		if cfg != nil {
			cfg(c)
		}
	})
	return h, lib, sum
}
