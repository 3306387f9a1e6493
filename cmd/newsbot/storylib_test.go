package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/answer"
	"github.com/newsbot/newsbot/internal/fakediscord"
)

// startServeProcess runs `newsbot serve` as a process of its own (the
// binary bin) against the fake Discord fd, with env on top of startServe's
// defaults, and waits until it is ready. The returned server's stop sends
// SIGTERM and waits for the exit.
func startServeProcess(t *testing.T, bin string, fd *fakediscord.Server, env map[string]string) *server {
	t.Helper()
	full := serveEnv(t, fd, map[string]string{"HOME": t.TempDir(), "PATH": os.Getenv("PATH")})
	for k, v := range env {
		full[k] = v
	}
	var environ []string
	for k, v := range full {
		environ = append(environ, k+"="+v)
	}
	s := &server{t: t, fd: fd, env: full, stderr: &lockedBuffer{}}
	cmd := exec.Command(bin, "serve")
	cmd.Env = environ
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var stopped bool
	var runErr error
	s.stop = func() error {
		if !stopped {
			stopped = true
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case runErr = <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				runErr = <-done
			}
		}
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
	deadline := time.Now().Add(60 * time.Second)
	for s.addr == "" || func() bool { code, _ := s.get("/healthz"); return code != http.StatusOK }() {
		if time.Now().After(deadline) {
			t.Fatalf("serve never became ready:\n%s", s.stderr.String())
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, s.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		s.addr = logField(s.stderr.String(), "serving /healthz and /metrics", "addr")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := fd.WaitFor(ctx, func() bool { return fd.Commands("") != nil }); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestThreeProcessesShareOneDataDirectory runs three serve processes on one
// data directory and one embedding cache, as shards on a shared volume
// would. A story an admin adds through the first is answered by the other
// two within 5 seconds, with no restart and no message between them: each
// watches the directory. (Each process has a fake Discord of its own, so a
// question is answered by the process asked.)
func TestThreeProcessesShareOneDataDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts three processes")
	}
	t.Parallel()
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(harbourPage))
	}))
	t.Cleanup(page.Close)

	bin := buildNewsbot(t)
	shared := map[string]string{
		"NEWSBOT_DATA_DIR":           t.TempDir(),
		"NEWSBOT_INDEX_DIR":          t.TempDir(),
		"NEWSBOT_ALLOW_PRIVATE_URLS": "1", // the page is on loopback
		"NEWSBOT_OFFLINE":            "1",
	}
	var servers []*server
	for range 3 {
		servers = append(servers, startServeProcess(t, bin, fakediscord.Start(t, fakediscord.Options{}), shared))
	}

	// Before: the default story only.
	if st := servers[1].ask("Who is the harbour master at Tidewater?"); strings.Contains(st.Original.Content, "Calder") {
		t.Fatalf("answered before the story was added: %q", st.Original.Content)
	}

	added := servers[0].command("add", fakediscord.StringOption("url", page.URL+"/harbour"), fakediscord.AsAdmin())
	if c := added.Original.Content; !strings.Contains(c, "Harbour reopens after storm") {
		t.Fatalf("/add replied %q", c)
	}
	addedAt := time.Now()
	if st := servers[0].ask("Who is the harbour master at Tidewater?"); !strings.Contains(st.Original.Content, "Calder") {
		t.Errorf("the process that added the story: %q", st.Original.Content)
	}
	for i, s := range servers[1:] {
		var last string
		for {
			st := s.ask("Who is the harbour master at Tidewater?")
			last = st.Original.Content
			if strings.Contains(last, "Ines Calder") {
				break
			}
			if time.Since(addedAt) > 5*time.Second {
				t.Fatalf("process %d still answers %q 5 s after the story was added", i+2, last)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if d := time.Since(addedAt); d > 5*time.Second {
		t.Errorf("the other processes answered after %v, want within 5 s", d)
	}
}

// An RSS feed of our own carrying its items' full text.
const lighthouseFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Tidewater Gazette</title><link>https://tidewater.example/</link><description>News</description>
<item><title>Lighthouse keeper retires after forty years</title><link>https://tidewater.example/keeper</link>
<guid>keeper-1</guid><pubDate>Sat, 01 Feb 2025 09:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>Morag Fenn climbed the one hundred and twelve steps of the Tidewater light for the last time on Friday, ending forty years as its keeper.</p>
<p>Fenn said she would miss the view from the lamp room more than the work itself, and that the light would now be run from the mainland by a remote control system installed last spring.</p>
<p>The harbour board thanked her for keeping the lamp lit through three hurricanes and the great blackout of 1998, when the town lost power for nine days.</p>
<p>She plans to move to her sister's farm near Kilbrannan, where she intends to keep bees and write a history of the light.</p>]]></content:encoded></item>
</channel></rss>`

// TestFeedPollAddsReloadsAndAnnounces follows a feed, then polls it after a
// new item appears: the new story is answerable at once and announced once;
// the first read (the feed's back catalogue) is not announced.
func TestFeedPollAddsReloadsAndAnnounces(t *testing.T) {
	t.Parallel()
	var feed atomic.Value
	feed.Store(emptyFeed(lighthouseFeed))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(feed.Load().(string)))
	}))
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"NEWSBOT_DATA_DIR": dir, "NEWSBOT_INDEX_DIR": t.TempDir(), "NEWSBOT_OFFLINE": "1",
			"NEWSBOT_ALLOW_PRIVATE_URLS": "1", "HOME": t.TempDir()}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	eng, _, err := newEngine(context.Background(), cfg, logger, nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := (&storeConfig{config: cfg}).store()
	if err != nil {
		t.Fatal(err)
	}
	var announced []string
	lib := &storyLibrary{store: store, eng: eng, log: logger,
		announce: func(_ context.Context, st newsbot.Story) error { announced = append(announced, st.Title); return nil }}

	f, added, err := lib.Follow(context.Background(), srv.URL+"/feed.xml")
	if err != nil || f.Title != "Tidewater Gazette" || len(added) != 0 {
		t.Fatalf("Follow = %+v, %d added, %v", f, len(added), err)
	}
	feed.Store(lighthouseFeed)
	got := lib.pollFeeds(context.Background())
	if len(got) != 1 || got[0].Chunks == 0 || got[0].Feed == "" {
		t.Fatalf("poll added %+v, want the keeper's story with its chunks and feed", got)
	}
	if len(announced) != 1 || announced[0] != "Lighthouse keeper retires after forty years" {
		t.Errorf("announced %q", announced)
	}
	a, err := eng.Ask(context.Background(), answer.Request{Question: "Who kept the Tidewater light for forty years?"})
	if err != nil || !strings.Contains(a.Text, "Morag Fenn") || len(a.Citations) == 0 || a.Citations[0].Doc != got[0].Slug {
		t.Errorf("after the poll: %q %+v %v", a.Text, a.Citations, err)
	}
	// "She plans to move …": the subject is the keeper, named two
	// sentences before, not the first sentence that names her.
	a, err = eng.Ask(context.Background(), answer.Request{Question: "Where will Morag Fenn move to?"})
	if err != nil || !strings.Contains(a.Text, "Kilbrannan") {
		t.Errorf("where will she move: %q %v", a.Text, err)
	}
	if again := lib.pollFeeds(context.Background()); len(again) != 0 || len(announced) != 1 {
		t.Errorf("a second poll added %d and announced %d, want nothing new", len(again), len(announced))
	}
	feeds, err := lib.Feeds(context.Background())
	if err != nil || len(feeds) != 1 || feeds[0].Stories != 1 {
		t.Errorf("Feeds = %+v %v", feeds, err)
	}
}

// emptyFeed is the feed with its items removed.
func emptyFeed(feed string) string {
	i, j := strings.Index(feed, "<item>"), strings.LastIndex(feed, "</item>")
	return feed[:i] + feed[j+len("</item>"):]
}
