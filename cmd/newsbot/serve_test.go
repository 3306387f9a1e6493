package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/newsbot/newsbot/data"
	"github.com/newsbot/newsbot/internal/fakediscord"
	"github.com/newsbot/newsbot/internal/fakeopenai"
	"github.com/newsbot/newsbot/retrieval"
	"go.uber.org/goleak"
)

// noLeaks checks, after every cleanup of the test has run, that the test
// left no goroutine behind. Call it first.
func noLeaks(t *testing.T) {
	opts := []goleak.Option{goleak.IgnoreCurrent()}
	t.Cleanup(func() { goleak.VerifyNone(t, opts...) })
}

// lockedBuffer collects a program's output as it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// server is `newsbot serve` running through run against a fake Discord.
type server struct {
	t      *testing.T
	fd     *fakediscord.Server
	env    map[string]string
	stderr *lockedBuffer
	addr   string // the HTTP address it listens on
	stop   func() error
}

// startServe runs `newsbot serve` with env (on top of a token, the fake
// Discord's URL, a private index directory, an HTTP address and no
// cooldown) and waits until /healthz says it is ready.
func startServe(t *testing.T, fd *fakediscord.Server, env map[string]string) *server {
	t.Helper()
	full := serveEnv(t, fd, env)
	s := &server{t: t, fd: fd, env: full, stderr: &lockedBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return full[k] }, strings.NewReader(""), io.Discard, s.stderr)
	}()
	var once sync.Once
	var runErr error
	s.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(30 * time.Second):
				runErr = errors.New("serve did not stop within 30 s of cancel")
			}
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
		if t.Failed() {
			t.Logf("serve's stderr:\n%s", s.stderr.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for s.addr == "" {
		if time.Now().After(deadline) {
			t.Fatalf("serve never said where it listens:\n%s", s.stderr.String())
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, s.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		s.addr = logField(s.stderr.String(), "serving /healthz and /metrics", "addr")
	}
	for {
		if code, _ := s.get("/healthz"); code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz never answered 200:\n%s", s.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Commands are registered right after READY.
	if err := fd.WaitFor(s.ctx(), func() bool { return fd.Commands("") != nil || fd.Commands(full["NEWSBOT_GUILD_ID"]) != nil }); err != nil {
		t.Fatal(err)
	}
	return s
}

// serveEnv is serve's environment for the tests: a token, the fake
// Discord's URL, a private index directory, an HTTP address on loopback, no
// cooldown and debug logs, with env on top.
func serveEnv(t *testing.T, fd *fakediscord.Server, env map[string]string) map[string]string {
	full := map[string]string{
		"DISCORD_TOKEN":           fd.Token(),
		"NEWSBOT_DISCORD_API_URL": fd.URL(),
		"NEWSBOT_INDEX_DIR":       t.TempDir(),
		"NEWSBOT_HTTP_ADDR":       "127.0.0.1:0",
		"NEWSBOT_COOLDOWN":        "0",
		"NEWSBOT_READY_TIMEOUT":   "3s",
		"NEWSBOT_LOG_LEVEL":       "debug",
	}
	for k, v := range env {
		full[k] = v
	}
	return full
}

// logField returns field of the first JSON log line whose msg is msg.
func logField(logs, msg, field string) string {
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == msg {
			s, _ := m[field].(string)
			return s
		}
	}
	return ""
}

func (s *server) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	s.t.Cleanup(cancel)
	return ctx
}

// get fetches path from serve's HTTP server.
func (s *server) get(path string) (int, string) {
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + s.addr + path)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// ask dispatches /ask and returns the interaction once its original
// response is final (not loading, not a streaming preview).
func (s *server) ask(question string, opts ...fakediscord.Option) fakediscord.InteractionState {
	s.t.Helper()
	d, err := s.fd.Ask(question, opts...)
	if err != nil {
		s.t.Fatal(err)
	}
	return s.waitFinal(d.ID)
}

func (s *server) waitFinal(id string) fakediscord.InteractionState {
	s.t.Helper()
	st, err := s.fd.WaitInteraction(s.ctx(), id, func(st fakediscord.InteractionState) bool {
		return st.Original != nil && st.Original.Flags&discordgo.MessageFlagsLoading == 0 && final(st.Original)
	})
	if err != nil {
		s.t.Fatalf("no final answer to %s: %v\n%s", id, err, s.stderr.String())
	}
	return st
}

// final tells a reply from a streaming preview (which ends with "…"): a
// reply has sources, or is a refusal or an apology, which end a sentence.
func final(m *fakediscord.Message) bool {
	c := strings.TrimSpace(m.Content)
	if strings.HasSuffix(c, "…") {
		return false
	}
	return len(m.Embeds) > 0 || strings.HasSuffix(c, ".") || strings.HasSuffix(c, "?") || strings.HasSuffix(c, "!")
}

// command dispatches /name and waits for its (immediate or edited)
// response.
func (s *server) command(name string, opts ...fakediscord.Option) fakediscord.InteractionState {
	s.t.Helper()
	d, err := s.fd.DispatchInteraction(s.fd.CommandInteraction(name, opts...))
	if err != nil {
		s.t.Fatal(err)
	}
	st, err := s.fd.WaitInteraction(s.ctx(), d.ID, func(st fakediscord.InteractionState) bool {
		return st.Original != nil && st.Original.Flags&discordgo.MessageFlagsLoading == 0
	})
	if err != nil {
		s.t.Fatalf("/%s: %v\n%s", name, err, s.stderr.String())
	}
	return st
}

// mention dispatches a message mentioning the bot and returns it and the
// bot's reply to it.
func (s *server) mention(text string, opts ...fakediscord.Option) (*discordgo.Message, *fakediscord.Message) {
	s.t.Helper()
	m := s.fd.MentionMessage(text, opts...)
	if _, err := s.fd.DispatchMessage(m); err != nil {
		s.t.Fatal(err)
	}
	reply, err := s.fd.WaitMessage(s.ctx(), func(r *fakediscord.Message) bool {
		return !r.FromGateway && r.MessageReference != nil && r.MessageReference.MessageID == m.ID && final(r)
	})
	if err != nil {
		s.t.Fatalf("no reply to the mention: %v\n%s", err, s.stderr.String())
	}
	return m, reply
}

// quotes returns the article text an answer shows as such: the quotes of
// its source fields (model mode), or, when it has none (extractive mode,
// whose sources list titles and links), the sentences of the answer itself,
// cut at their [n] markers. Discord Markdown escapes are undone.
func quotes(m *fakediscord.Message) []string {
	var out []string
	for _, e := range m.Embeds {
		for _, f := range e.Fields {
			q, _, _ := strings.Cut(f.Value, "\n<") // the story's link follows the quote
			out = append(out, unescapeMarkdown(strings.TrimSuffix(strings.TrimPrefix(q, "“"), "”")))
		}
	}
	if len(out) > 0 || len(m.Embeds) == 0 {
		return out
	}
	content := m.Content
	if strings.HasPrefix(content, "*") {
		// An italic note comes first (a fallback answer's "The language
		// model is unavailable…"); it is the bot's, not a quote.
		if _, rest, ok := strings.Cut(content, "*\n\n"); ok {
			content = rest
		}
	}
	for _, s := range markerRE.Split(unescapeMarkdown(content), -1) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

var markerRE = regexp.MustCompile(`\s*\[\d+(?:[,-] ?\d+)*\]`)

// unescapeMarkdown undoes Discord's backslash escapes of ASCII punctuation.
func unescapeMarkdown(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i+1]) >= 0 {
			i++
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

// corpusOf returns the normalized text of the articles in dir ("" for the
// embedded corpus), which every quote must be found in.
func corpusOf(t *testing.T, dir string) string {
	t.Helper()
	var docs []retrieval.Document
	var err error
	if dir == "" {
		docs, err = retrieval.LoadFS(data.Articles())
	} else {
		docs, err = retrieval.LoadDir(dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for _, d := range docs {
		sb.WriteString(norm(d.Raw) + "\n")
	}
	return sb.String()
}

func checkVerbatim(t *testing.T, m *fakediscord.Message, corpus string) {
	t.Helper()
	qs := quotes(m)
	if len(qs) == 0 {
		t.Fatalf("answer %q has no sources", m.Content)
	}
	for _, q := range qs {
		if !strings.Contains(corpus, norm(q)) {
			t.Errorf("quote %q is not verbatim article text", q)
		}
	}
}

// copyCorpus copies the embedded article into a new directory.
func copyCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	fsys := data.Articles()
	names, err := fsGlob(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, err := fsRead(fsys, n)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(n)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// fsGlob returns the article files of fsys.
func fsGlob(fsys fs.FS) ([]string, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && strings.HasSuffix(p, ".md") {
			names = append(names, p)
		}
		return err
	})
	return names, err
}

const newArticle = `---
title: "Delegations tour Diriyah after the Riyadh talks"
source: Test Wire
published: 2025-02-19
---
After the talks, the American and Russian delegations toured the Diriyah heritage site together, hosted by Saudi officials.
The visit to Diriyah lasted two hours and ended with a lunch of lamb kabsa.
`

func TestServeWithoutTokenSaysHowToGetOne(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"serve"}, func(string) string { return "" }, strings.NewReader(""), io.Discard, &stderr)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(ue.msg, "DISCORD_TOKEN") || !strings.Contains(ue.msg, "README.md") ||
		!strings.Contains(ue.msg, "developers/applications") {
		t.Fatalf("serve without a token: %v", err)
	}
	if code := exitCode(err, &stderr); code != 2 {
		t.Errorf("exit status %d, want 2", code)
	}
	file := filepath.Join(t.TempDir(), "token")
	os.WriteFile(file, []byte("\n"), 0o600)
	err = run(context.Background(), []string{"serve"}, func(k string) string {
		return map[string]string{"DISCORD_TOKEN_FILE": file}[k]
	}, strings.NewReader(""), io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Errorf("empty token file: %v", err)
	}
}

func TestServeAnswersAskAndMentionsOfflineWithVerbatimQuotes(t *testing.T) {
	noLeaks(t)
	fd := fakediscord.Start(t, fakediscord.Options{AckDeadline: 3 * time.Second, EchoBotMessages: true})
	s := startServe(t, fd, nil)
	corpus := corpusOf(t, "")

	st := s.ask("Who is the Kremlin spokesman?")
	if st.AckType != discordgo.InteractionResponseDeferredChannelMessageWithSource || st.AckLatency() > 3*time.Second {
		t.Errorf("acknowledged with type %d after %v", st.AckType, st.AckLatency())
	}
	if !strings.Contains(st.Original.Content, "Peskov") || !strings.Contains(st.Original.Content, "[1]") {
		t.Errorf("answer = %q", st.Original.Content)
	}
	checkVerbatim(t, st.Original, corpus)

	q, reply := s.mention("Where will the talks be held?")
	if reply.MessageReference.MessageID != q.ID || !strings.Contains(reply.Content, "Saudi") {
		t.Errorf("mention reply %q references %+v", reply.Content, reply.MessageReference)
	}
	checkVerbatim(t, reply, corpus)

	if st := s.command("about"); !strings.Contains(st.Original.Embeds[0].Description, "Saudi Arabia") {
		t.Errorf("/about = %+v", st.Original.Embeds[0])
	}
	code, metrics := s.get("/metrics")
	if code != 200 || !strings.Contains(metrics, "newsbot_index_chunks") || !strings.Contains(metrics, "newsbot_ack_seconds_bucket") {
		t.Errorf("/metrics: %d\n%s", code, metrics)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("serve after SIGTERM: %v", err)
	}
	if !strings.Contains(s.stderr.String(), `"msg":"stopped"`) {
		t.Error("serve did not shut down gracefully")
	}
}

func TestServeReadsTheTokenFromAFile(t *testing.T) {
	t.Parallel()
	fd := fakediscord.Start(t, fakediscord.Options{})
	file := filepath.Join(t.TempDir(), "token")
	os.WriteFile(file, []byte(fd.Token()+"\n"), 0o600)
	s := startServe(t, fd, map[string]string{"DISCORD_TOKEN": "", "DISCORD_TOKEN_FILE": file, "NEWSBOT_GUILD_ID": fd.GuildID()})
	if len(fd.Commands(fd.GuildID())) < 5 /* ask, about, help, reload, stories, and more with a Library */ || fd.Commands("") != nil {
		t.Error("commands not registered in NEWSBOT_GUILD_ID only")
	}
	s.ask("Who is the Kremlin spokesman?")
}

func TestServeReloadsOnSIGHUP(t *testing.T) {
	noLeaks(t)
	fd := fakediscord.Start(t, fakediscord.Options{})
	dir := copyCorpus(t)
	s := startServe(t, fd, map[string]string{"NEWSBOT_DATA_DIR": dir})
	os.WriteFile(filepath.Join(dir, "diriyah.md"), []byte(newArticle), 0o644)
	// serve is handling SIGHUP: it registered before it connected.
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for logField(s.stderr.String(), "reloaded", "msg") == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no reload after SIGHUP:\n%s", s.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	st := s.ask("What did the delegations tour in Diriyah?")
	if !strings.Contains(strings.Join(quotes(st.Original), " "), "Diriyah heritage site") {
		t.Errorf("after SIGHUP: %q", st.Original.Content)
	}
}

// modelEnv is the environment of model mode against fo, with the lexical
// offline embedder: the tests are about the chat model and Discord, and
// the sentence encoder, about 10 ms of CPU a question, costs ten times that
// under the race detector: with it, the soak once lost its gateway on the
// loaded machine (index built in 12 s). The offline tests use the encoder.
func modelEnv(fo *fakeopenai.Server) map[string]string {
	return map[string]string{
		"OPENAI_BASE_URL":     fo.URL,
		"OPENAI_API_KEY":      "sk-test",
		"NEWSBOT_EMBED_MODEL": "local-hash",
	}
}

func TestServeFollowUpSendsTheEarlierTurnToTheModel(t *testing.T) {
	t.Parallel()
	fo := fakeopenai.New(fakeopenai.Options{})
	t.Cleanup(fo.Close)
	fd := fakediscord.Start(t, fakediscord.Options{})
	s := startServe(t, fd, modelEnv(fo))
	_, first := s.mention("Who is the Kremlin spokesman?")
	_, second := s.mention("And what did he say about the talks?", fakediscord.ReplyTo(first.Message, true))
	if second.MessageReference == nil {
		t.Fatal("the follow-up got no reply")
	}
	chats := fo.Chats()
	if len(chats) != 2 {
		t.Fatalf("%d chat requests, want 2", len(chats))
	}
	var sent strings.Builder
	for _, m := range chats[1].Messages {
		sent.WriteString(m.Content + "\n")
	}
	if !strings.Contains(sent.String(), "Who is the Kremlin spokesman?") {
		t.Errorf("the follow-up's prompt lacks the earlier question:\n%s", sent.String())
	}
}

// snippetWith returns the number under which the prompt of r shows the
// snippet holding phrase (0 when none does), so that a fake reply cites
// the snippet that supports it, as a faithful model would.
func snippetWith(r fakeopenai.ChatRequest, phrase string) int {
	user := r.Messages[len(r.Messages)-1].Content
	if end := strings.Index(user, "\nQuestion: "); end >= 0 {
		user = user[:end]
	}
	heads := regexp.MustCompile(`(?m)^\[(\d+)\] \(from [^\n]*\)\n`).FindAllStringSubmatchIndex(user, -1)
	for i, h := range heads {
		end := len(user)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		if strings.Contains(user[h[1]:end], phrase) {
			n, _ := strconv.Atoi(user[h[2]:h[3]])
			return n
		}
	}
	return 0
}

// A streamed reply that opens with a reasoning block and then says the
// same sentence 45 times (the 17 KB replies of runaway local models) is
// posted once, collapsed, in one message; nothing of the block is ever
// sent to Discord, not even in the streaming edits.
func TestServeStreamsModelAnswersAndBoundsLongOnes(t *testing.T) {
	noLeaks(t)
	fo := fakeopenai.New(fakeopenai.Options{StreamPieceBytes: 5, Reply: func(r fakeopenai.ChatRequest) string {
		n := snippetWith(r, "Kremlin spokesman Dmitry Peskov")
		return "<think>Perhaps the spokesman is someone in Geneva.</think>" +
			strings.Repeat(fmt.Sprintf("Kremlin spokesman Dmitry Peskov said that Lavrov and Ushakov will fly to the Saudi capital [%d]. ", n), 45)
	}})
	t.Cleanup(fo.Close)
	fd := fakediscord.Start(t, fakediscord.Options{})
	s := startServe(t, fd, modelEnv(fo))
	st := s.ask("Who is the Kremlin spokesman?")
	if c := st.Original.Content; strings.Count(c, "Dmitry Peskov said") != 1 || len([]rune(c)) > 2000 || len(st.Followups) != 0 {
		t.Errorf("answer %q with %d follow-ups", c, len(st.Followups))
	}
	for _, r := range fd.Requests() {
		if r.Status >= 400 {
			t.Errorf("Discord refused %s: %s", r.Route, r.Response)
		}
		if strings.Contains(string(r.Body), "Geneva") || strings.Contains(string(r.Body), "think>") {
			t.Errorf("the reasoning block reached Discord: %s", r.Body)
		}
	}
	// The engine's counts reach the bot's /metrics.
	if _, metrics := s.get("/metrics"); !strings.Contains(metrics, `newsbot_claims_dropped_total{reason="repeated"}`) {
		t.Errorf("/metrics lacks the collapsed repeats:\n%s", grepLines(metrics, "newsbot_claims"))
	}
}

// grepLines returns the lines of text that contain sub.
func grepLines(text, sub string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// With NEWSBOT_FALLBACK at its default, a model that stays down gets an
// extractive answer with a note, not an apology.
func TestServeModelDownFallsBackToExtractiveAnswers(t *testing.T) {
	noLeaks(t)
	fo := fakeopenai.New(fakeopenai.Options{})
	t.Cleanup(fo.Close)
	fd := fakediscord.Start(t, fakediscord.Options{})
	s := startServe(t, fd, modelEnv(fo))
	fo.FailNext(fakeopenai.Chat, 5, fakeopenai.Failing())
	st := s.ask("Who is the Kremlin spokesman?")
	if c := st.Original.Content; !strings.Contains(c, "Peskov") || !strings.Contains(c, "language model is unavailable") || len(st.Original.Embeds) == 0 {
		t.Errorf("after the model failed: %q", c)
	}
	if _, metrics := s.get("/metrics"); !strings.Contains(metrics, "newsbot_model_fallbacks_total{kind=") {
		t.Errorf("/metrics lacks the fallback:\n%s", grepLines(metrics, "newsbot_model"))
	}
}

func TestServeNeverLogsTheToken(t *testing.T) {
	t.Parallel()
	fo := fakeopenai.New(fakeopenai.Options{})
	t.Cleanup(fo.Close)
	fd := fakediscord.Start(t, fakediscord.Options{HeartbeatInterval: 200 * time.Millisecond})
	env := modelEnv(fo)
	env["NEWSBOT_FALLBACK"] = "apology" // the model's failure must reach the logs
	s := startServe(t, fd, env)
	fo.FailNext(fakeopenai.Chat, 5, fakeopenai.Failing())
	s.ask("Who is the Kremlin spokesman?")
	fd.DropConnections()
	fd.InjectFault(fakediscord.Fault{Route: fakediscord.RouteMessageCreate, Status: http.StatusUnauthorized, Count: 1})
	fd.Mention("Who is the Kremlin spokesman?")
	s.ask("Who is the Kremlin spokesman?")
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	logs := s.stderr.String()
	if strings.Contains(logs, fd.Token()) {
		t.Errorf("the token is in the logs:\n%s", logs)
	}
	if !strings.Contains(logs, "answering failed") || !strings.Contains(logs, "gateway connection lost") {
		t.Errorf("the logs do not show the faults the test caused:\n%s", logs)
	}
}

func TestServeConfigurationIsReadFromTheEnvironment(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"DISCORD_TOKEN":          "tok",
		"NEWSBOT_ADMIN_ROLE_IDS": "1, 2,3",
		"NEWSBOT_THREADS":        "1",
		"NEWSBOT_SHARD_ID":       "1",
		"NEWSBOT_SHARD_COUNT":    "2",
		"NEWSBOT_COOLDOWN":       "2.5",
		"NEWSBOT_MAX_CONCURRENT": "8",
		"NEWSBOT_QUEUE_SIZE":     "9",
		"NEWSBOT_READY_TIMEOUT":  "1m",

		"NEWSBOT_ANNOUNCE_CHANNEL_ID": " 42 ",
	}
	c, err := loadServeConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	b := c.Bot
	if b.Token != "tok" || fmt.Sprint(b.AdminRoleIDs) != "[1 2 3]" || !b.Threads || b.ShardID != 1 || b.ShardCount != 2 ||
		b.Cooldown != 2500*time.Millisecond || b.MaxConcurrent != 8 || b.MaxQueue != 9 || b.ReadyTimeout != time.Minute ||
		b.AnnounceChannelID != "42" {
		t.Errorf("config = %+v", b)
	}
	env["NEWSBOT_COOLDOWN"] = "0"
	if c, _ := loadServeConfig(func(k string) string { return env[k] }); c.Bot.Cooldown >= 0 {
		t.Errorf("NEWSBOT_COOLDOWN=0 gives %v, want none", c.Bot.Cooldown)
	}
	env["NEWSBOT_QUEUE_SIZE"] = "0"
	if c, _ := loadServeConfig(func(k string) string { return env[k] }); c.Bot.MaxQueue >= 0 {
		t.Errorf("NEWSBOT_QUEUE_SIZE=0 gives %v, want no queue", c.Bot.MaxQueue)
	}
	for k, v := range map[string]string{
		"NEWSBOT_SHARD_ID": "2", "NEWSBOT_COOLDOWN": "soon", "NEWSBOT_THREADS": "maybe",
		"NEWSBOT_LOG_LEVEL": "loud", "DISCORD_TOKEN_FILE": "/x", "NEWSBOT_MAX_CONCURRENT": "0",
	} {
		bad := map[string]string{}
		for k2, v2 := range env {
			bad[k2] = v2
		}
		bad[k] = v
		if _, err := loadServeConfig(func(k string) string { return bad[k] }); err == nil {
			t.Errorf("%s=%q accepted", k, v)
		}
	}
}

// BenchmarkServeAckLatency is BenchmarkAckLatency of package bot through
// the whole program: `newsbot serve` with the real engine in model mode,
// the fake OpenAI server taking 2 s per request, 50 /ask dispatched at
// once per iteration. It reports the p50, p99 and max of the time from
// INTERACTION_CREATE leaving the fake gateway to the deferred
// acknowledgement reaching the fake REST API.
//
//	go test -run '^$' -bench ServeAckLatency -benchtime 2x ./cmd/newsbot/
func BenchmarkServeAckLatency(b *testing.B) {
	const burst = 50
	fo := fakeopenai.New(fakeopenai.Options{Latency: 2 * time.Second})
	defer fo.Close()
	fd, err := fakediscord.New(fakediscord.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer fd.Close()
	env := modelEnv(fo)
	env["DISCORD_TOKEN"] = fd.Token()
	env["NEWSBOT_DISCORD_API_URL"] = fd.URL()
	env["NEWSBOT_INDEX_DIR"] = b.TempDir()
	env["NEWSBOT_COOLDOWN"] = "0"
	env["NEWSBOT_SHUTDOWN_TIMEOUT"] = "60s"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	if err := fd.WaitFor(wctx, func() bool { return fd.GatewayStats().Live > 0 && fd.Commands("") != nil }); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		ids, err := fd.AskConcurrently(burst, "Who is the Kremlin spokesman?", nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, id := range ids {
			st, err := fd.WaitAcknowledged(wctx, id)
			if err != nil {
				b.Fatal(err)
			}
			lat = append(lat, st.AckLatency())
		}
		b.StopTimer()
		actx, acancel := context.WithTimeout(context.Background(), 2*time.Minute)
		for _, id := range ids {
			if _, err := fd.WaitInteraction(actx, id, func(st fakediscord.InteractionState) bool {
				return st.Original != nil && len(st.Original.Embeds) > 0
			}); err != nil {
				b.Fatalf("question %s not answered: %v", id, err)
			}
		}
		acancel()
		b.StartTimer()
	}
	b.StopTimer()
	fakediscord.ReportAckLatencies(b, lat)
}
