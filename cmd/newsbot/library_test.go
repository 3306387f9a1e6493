package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// A page of our own, as a publisher would serve it.
const harbourPage = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour reopens after storm | Tidewater Gazette</title>
<meta property="og:site_name" content="Tidewater Gazette">
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Harbour reopens after storm","datePublished":"2025-03-04T08:15:00Z","author":{"@type":"Person","name":"Ada Quill"}}</script>
</head><body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav><article><h1>Harbour reopens after storm</h1>
<p>The harbour at Tidewater reopened on Tuesday morning, three days after a winter storm tore two fishing boats from their moorings and cracked the outer wall.</p>
<p>Harbour master Ines Calder said divers had inspected the wall overnight and found the damage above the waterline, so ships of up to five thousand tonnes could enter while repairs went on.</p>
<p>The first vessel to enter was the ferry Saint Brennan, which had waited in the bay since Saturday with two hundred passengers on board.</p>
</article><footer>Sign up for our newsletter</footer></body></html>`

const keeperMD = `---
title: Lighthouse keeper retires after forty years
source: Tidewater Gazette
published: 2025-02-01
---
# Lighthouse keeper retires after forty years

**Morag Fenn** climbed the *one hundred and twelve* steps of the Tidewater light for the last time on Friday.

Fenn said she would miss the view from the lamp room more than the work itself.
`

func TestEmptyDataDirServesTheDefaultStory(t *testing.T) {
	env := map[string]string{"NEWSBOT_DATA_DIR": t.TempDir(), "NEWSBOT_OFFLINE": "1"}
	out, _, err := runCLI(t, env, "", "ask", "Who is the Kremlin spokesman?")
	if err != nil || !strings.Contains(out, "Peskov") {
		t.Errorf("ask on an empty data directory: %v %q", err, out)
	}
	// A data directory in the user's home, when nothing names one.
	home := t.TempDir()
	out, errOut, err := runCLI(t, map[string]string{"HOME": home}, "", "stories", "--json")
	if err != nil || !strings.Contains(out, `"default": true`) || !strings.Contains(errOut, filepath.Join(home, ".local", "share", "newsbot")) {
		t.Errorf("stories without a data directory: %v %q %q", err, out, errOut)
	}
}

// TestAddStoriesAskRemove drives the story commands through run: a URL
// served on loopback (NEWSBOT_ALLOW_PRIVATE_URLS=1) and a Markdown file
// are added, listed with their chunks, answered about, and removed.
func TestAddStoriesAskRemove(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, harbourPage)
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "data")
	md := filepath.Join(t.TempDir(), "keeper.md")
	os.WriteFile(md, []byte(keeperMD), 0o644)
	env := map[string]string{"NEWSBOT_DATA_DIR": dir, "NEWSBOT_ALLOW_PRIVATE_URLS": "1", "NEWSBOT_OFFLINE": "1"}

	out, errOut, err := runCLI(t, env, "", "add", srv.URL+"/news/harbour", md)
	if err != nil {
		t.Fatalf("add: %v\n%s", err, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "added harbour-reopens-after-storm: ") ||
		!strings.HasPrefix(lines[1], "added lighthouse-keeper-retires-after-forty-years: ") {
		t.Errorf("add printed %q", out)
	}

	// The same again: nothing added, exit 1, the reason named.
	_, errOut, err = runCLI(t, env, "", "add", md)
	var buf bytes.Buffer
	if code := exitCode(err, &buf); code != 1 || !strings.Contains(errOut, "already added as lighthouse-keeper-retires-after-forty-years") {
		t.Errorf("duplicate add: exit %d, stderr %q", code, errOut)
	}

	out, _, err = runCLI(t, env, "", "stories", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []storyRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("stories --json: %v\n%s", err, out)
	}
	if len(rows) != 2 || rows[0].Slug != "harbour-reopens-after-storm" || rows[0].Published != "2025-03-04" ||
		rows[0].Source != "Tidewater Gazette" || rows[0].Chunks < 1 || rows[1].Title != "Lighthouse keeper retires after forty years" {
		t.Errorf("stories: %+v", rows)
	}

	out, _, err = runCLI(t, env, "", "ask", "How many steps did Morag Fenn climb?")
	if err != nil || !strings.Contains(out, "one hundred and twelve steps") || strings.Contains(out, "**") {
		t.Errorf("ask about an added story: %v %q", err, out)
	}

	out, _, err = runCLI(t, env, "", "remove", "lighthouse-keeper-retires-after-forty-years")
	if err != nil || !strings.HasPrefix(out, "removed lighthouse-keeper-retires-after-forty-years") {
		t.Errorf("remove: %v %q", err, out)
	}
	_, _, err = runCLI(t, env, "", "remove", "lighthouse-keeper-retires-after-forty-years")
	buf.Reset()
	if code := exitCode(err, &buf); code != 1 || !strings.Contains(buf.String(), "no story") {
		t.Errorf("remove again: exit %d, %q", code, buf.String())
	}
}

// TestAddRefusesLoopbackURLs: without NEWSBOT_ALLOW_PRIVATE_URLS, a
// loopback URL is refused, given as an address or as a name, and the
// server is never reached.
func TestAddRefusesLoopbackURLs(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	port := srv.URL[strings.LastIndexByte(srv.URL, ':'):]
	env := map[string]string{"NEWSBOT_DATA_DIR": t.TempDir()}
	for _, u := range []string{srv.URL + "/a", "http://localhost" + port + "/a", "http://[::1]" + port + "/a"} {
		_, errOut, err := runCLI(t, env, "", "add", u)
		if err == nil || !strings.Contains(errOut, "loopback") || !strings.Contains(errOut, "not allowed") {
			t.Errorf("add %s: %v %q", u, err, errOut)
		}
	}
	if hits != 0 {
		t.Errorf("the loopback server was reached %d times", hits)
	}
}

// TestFollowOnceLatin1Feed: the shared ISO-8859-1 feed, its links pointed
// at a loopback server serving pages of our own, is followed once: every
// item is stored, with its Portuguese title decoded; a second run is a
// 304.
func TestFollowOnceLatin1Feed(t *testing.T) {
	feed, err := os.ReadFile("../../../shared/corpus/web/feeds/jn-ultimas-iso-8859-1.xml")
	if err != nil {
		t.Skip("shared feed missing:", err)
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/feed.xml" {
			if r.Header.Get("If-None-Match") == `"1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"1"`)
			w.Header().Set("Content-Type", "application/rss+xml")
			// ASCII replacements keep the Latin-1 bytes as they are.
			b := bytes.ReplaceAll(feed, []byte("https://www.jn.pt/"), []byte(srv.URL+"/jn/"))
			b = bytes.ReplaceAll(b, []byte("http://feeds.jn.pt/"), []byte(srv.URL+"/proxy/"))
			w.Write(b)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><body><article>")
		for i := 0; i < 3; i++ {
			fmt.Fprintf(w, "<p>Parágrafo %d da notícia publicada em %s: a câmara reuniu-se na sala do porto e ouviu os pescadores sobre a época de pesca.</p>", i, r.URL.Path)
		}
		fmt.Fprintf(w, "</article></body></html>")
	}))
	defer srv.Close()
	dir := t.TempDir()
	env := map[string]string{"NEWSBOT_DATA_DIR": dir, "NEWSBOT_ALLOW_PRIVATE_URLS": "1"}
	out, errOut, err := runCLI(t, env, "", "follow", "--once", srv.URL+"/feed.xml")
	if err != nil {
		t.Fatalf("follow --once: %v\n%s\n%s", err, out, errOut)
	}
	if !strings.Contains(out, `added m-e-de-utente`) && !strings.Contains(out, `"Mãe de utente é a nova presidente da Raríssimas"`) {
		t.Errorf("the first item is not listed with its decoded title:\n%s", out)
	}
	if !strings.Contains(out, "25 added, 0 failed") {
		t.Errorf("follow --once:\n%s", out)
	}
	out, _, err = runCLI(t, env, "", "follow", "--once")
	if err != nil || !strings.Contains(out, "not modified") {
		t.Errorf("second run: %v %q", err, out)
	}
	out, _, _ = runCLI(t, env, "", "stories", "--json")
	var rows []storyRow
	json.Unmarshal([]byte(out), &rows)
	if len(rows) != 25 || rows[0].Published != "2018-01-03" || !strings.HasPrefix(rows[0].URL, srv.URL+"/jn/") {
		t.Errorf("%d stories, first %+v", len(rows), rows[0])
	}
}

// TestUnreadableCorpusFileIsSkippedUnlessStrict: a binary file among the
// stories is a warning naming it; index --strict makes it fatal.
func TestUnreadableCorpusFileIsSkippedUnlessStrict(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "keeper.md"), []byte(keeperMD), 0o644)
	os.WriteFile(filepath.Join(dir, "photo.txt"), []byte{0x89, 'P', 'N', 'G', 0, 0}, 0o644)
	os.WriteFile(filepath.Join(dir, "page.html"), []byte(harbourPage), 0o644)
	env := map[string]string{"NEWSBOT_DATA_DIR": dir, "NEWSBOT_OFFLINE": "1"}
	out, errOut, err := runCLI(t, env, "", "index")
	if err != nil || !strings.Contains(errOut, filepath.Join(dir, "photo.txt")) || !strings.Contains(out, "indexed 2 documents") {
		t.Errorf("index: %v, stdout %q, stderr %q", err, out, errOut)
	}
	out, _, err = runCLI(t, env, "", "ask", "Who is the harbour master?")
	if err != nil || !strings.Contains(out, "Ines Calder") {
		t.Errorf("the .html story is not answered from: %v %q", err, out)
	}
	_, _, err = runCLI(t, env, "", "index", "--strict")
	var buf bytes.Buffer
	if code := exitCode(err, &buf); code != 1 || !strings.Contains(buf.String(), "photo.txt") {
		t.Errorf("index --strict: exit %d, %q", code, buf.String())
	}
}

// TestFollowPollsUntilInterrupted: without --once, follow polls every
// NEWSBOT_FEED_INTERVAL and returns cleanly when its context ends.
func TestFollowPollsUntilInterrupted(t *testing.T) {
	var mu sync.Mutex
	polls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/feed.json" {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, "<article><p>%s</p></article>", strings.Repeat("The ferry timetable changes on Monday for the spring season. ", 8))
			return
		}
		mu.Lock()
		polls++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/feed+json")
		fmt.Fprintf(w, `{"version":"https://jsonfeed.org/version/1.1","title":"Gazette","items":[{"id":"1","url":"%s/a","title":"Ferry timetable changes"}]}`, "http://"+r.Host)
	}))
	defer srv.Close()
	env := map[string]string{"NEWSBOT_DATA_DIR": t.TempDir(), "NEWSBOT_ALLOW_PRIVATE_URLS": "1", "NEWSBOT_FEED_INTERVAL": "50ms"}
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	var out, errb bytes.Buffer
	err := run(ctx, []string{"follow", srv.URL + "/feed.json"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	if err != nil {
		t.Fatalf("follow: %v\n%s", err, errb.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if polls < 3 || strings.Count(out.String(), "added ferry-timetable-changes") != 1 {
		t.Errorf("%d polls; output:\n%s", polls, out.String())
	}
}

// NEWSBOT_MAX_STORIES removes the oldest story add wrote and says so; a
// file put in the data directory by hand stays.
func TestAddWithMaxStoriesNamesWhatItRemovesAndKeepsHandPlacedFiles(t *testing.T) {
	dir := t.TempDir()
	hand := filepath.Join(dir, "library.txt")
	os.WriteFile(hand, []byte("The town library reopened after a flood closed it for a month.\n"), 0o644)
	src := t.TempDir()
	env := map[string]string{"NEWSBOT_DATA_DIR": dir, "NEWSBOT_MAX_STORIES": "1", "NEWSBOT_OFFLINE": "1"}
	for i, title := range []string{"Ferry returns", "Mill reopens"} {
		p := filepath.Join(src, fmt.Sprintf("s%d.md", i))
		os.WriteFile(p, []byte(fmt.Sprintf("---\ntitle: %q\npublished: 2025-03-0%d\n---\n%s after the winter, officials said on Monday.\n", title, i+1, title)), 0o644)
		_, errOut, err := runCLI(t, env, "", "add", p)
		if err != nil {
			t.Fatalf("add %s: %v %s", title, err, errOut)
		}
		if i == 1 && !strings.Contains(errOut, "removed ferry-returns") {
			t.Errorf("the second add did not name the story it removed: %q", errOut)
		}
	}
	if _, err := os.Stat(hand); err != nil {
		t.Errorf("the hand-placed library.txt is gone: %v", err)
	}
	out, _, err := runCLI(t, env, "", "stories")
	if err != nil || !strings.Contains(out, "mill-reopens") || strings.Contains(out, "ferry-returns") || !strings.Contains(out, "library") {
		t.Errorf("stories after the cap: %v\n%s", err, out)
	}
}

// A data directory named on purpose that is not there is a typo for
// stories as for ask: both fail naming it.
func TestStoriesAndAskFailAlikeOnAMissingDataDirectory(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	for _, args := range [][]string{{"stories", "--data", missing}, {"ask", "--data", missing, "Who goes?"}} {
		_, _, err := runCLI(t, map[string]string{"NEWSBOT_OFFLINE": "1"}, "", args...)
		if err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("%s on a missing --data: %v, want an error naming %s", args[0], err, missing)
		}
	}
}
