package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/newsbot/newsbot/internal/fakeopenai"
	"github.com/newsbot/newsbot/retrieval"
)

func TestDamagedCacheIsRebuiltWithAWarning(t *testing.T) {
	t.Parallel()
	idx := t.TempDir()
	env := map[string]string{"NEWSBOT_INDEX_DIR": idx}
	if _, _, err := runCLI(t, env, "", "index"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(idx, retrieval.CacheFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	os.WriteFile(path, b, 0o644)
	out, stderr, err := runCLI(t, env, "", "ask", "--json", "Who is the Kremlin spokesman?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "damaged") {
		t.Errorf("no warning about the cache: %q", stderr)
	}
	if a := decodeAnswers(t, out)[0]; !strings.Contains(a.Answer, "Peskov") {
		t.Errorf("answer after damaged cache: %q", a.Answer)
	}
	// And the cache was written anew.
	out, _, err = runCLI(t, env, "", "index")
	if err != nil || !strings.Contains(out, " 0 embedded now") {
		t.Errorf("index after rebuild: %q, %v", out, err)
	}
}

func TestIndexReusesCacheAndReembedsOnlyEditedChunks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src, err := fsReadFile("us-russia-talks-saudi-arabia.md")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "story.md"), src, 0o644)
	env := map[string]string{"NEWSBOT_INDEX_DIR": t.TempDir(), "NEWSBOT_DATA_DIR": dir}
	out, _, err := runCLI(t, env, "", "index")
	if err != nil || !strings.Contains(out, " 0 reused") {
		t.Fatalf("first index: %q %v", out, err)
	}
	out, _, _ = runCLI(t, env, "", "index")
	if !strings.Contains(out, " 0 embedded now") {
		t.Errorf("second index: %q, want nothing embedded", out)
	}
	edited := strings.Replace(string(src), "Ukraine has also expressed hopes of joining the EU", "Ukraine has also long expressed hopes of joining the EU", 1)
	os.WriteFile(filepath.Join(dir, "story.md"), []byte(edited), 0o644)
	out, _, _ = runCLI(t, env, "", "index")
	if !strings.Contains(out, " 1 embedded now") {
		t.Errorf("after editing one paragraph: %q, want 1 chunk embedded", out)
	}
}

// The crash test: `newsbot index` killed with SIGKILL at random points,
// many times, while it embeds and writes the cache; after each kill the
// next start must answer from a valid cache or a rebuilt one, never panic,
// never serve a half-written state.

const (
	crashArticles   = 1500
	crashIterations = 15
	crashSeed       = 4
	crashQuestion   = "How much will the Brightwater dam cost?"
	crashFact       = "The Brightwater dam will cost 4.2 billion dollars, the energy minister Elena Petrov said on Tuesday."
)

func TestIndexSurvivesSIGKILLWhileWritingTheCache(t *testing.T) {
	t.Parallel()
	// The long run (NEWSBOT_LONG_TESTS=1, as .ci/run sets) kills 15 runs
	// over 1,500 articles; the default, 4 runs over 300.
	articles, iterations := crashArticles, crashIterations
	if !longTests() {
		articles, iterations = 300, 4
	}
	bin := buildNewsbot(t)
	corpus, indexDir := t.TempDir(), t.TempDir()
	r := rand.New(rand.NewPCG(crashSeed, 0))
	for i := 0; i < articles; i++ {
		writeCrashArticle(t, corpus, i, r)
	}
	// The lexical embedder: this test is about the cache surviving kills,
	// and needs many runs over a large corpus; the sentence encoder would
	// take minutes per run (BENCHMARKS.md, cold index).
	env := append(os.Environ(), "NEWSBOT_DATA_DIR="+corpus, "NEWSBOT_INDEX_DIR="+indexDir, "NEWSBOT_OFFLINE=1", "NEWSBOT_EMBED_MODEL=local-hash")

	// A clean run, to know how long one takes.
	start := time.Now()
	if out, errOut, err := runNewsbot(t, bin, env, 5*time.Minute, "index"); err != nil {
		t.Fatalf("clean index run: %v\nstdout %s\nstderr %s", err, out, errOut)
	}
	full := time.Since(start)
	t.Logf("clean index run of %d articles: %v", articles, full)
	checkAsk(t, bin, env, corpus, indexDir)

	killedWriting := 0
	for it := 0; it < iterations; it++ {
		// Change some articles so that this run embeds and writes the
		// cache again; every fifth run starts from no cache at all.
		for k := 0; k < articles/10; k++ {
			writeCrashArticle(t, corpus, 1+r.IntN(articles-1), r)
		}
		if it%5 == 4 {
			os.Remove(filepath.Join(indexDir, retrieval.CacheFile))
		}
		stale := map[string]bool{}
		for _, p := range tempCaches(indexDir) {
			stale[p] = true
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		cmd := exec.CommandContext(ctx, bin, "index")
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			cancel()
			t.Fatal(err)
		}
		var when string
		if it%2 == 0 {
			// Anywhere in the run.
			d := time.Duration(r.Int64N(int64(full)))
			time.Sleep(d)
			when = fmt.Sprintf("after %v", d)
		} else {
			// While the new cache file is being written.
			waitForTempCache(indexDir, stale, 2*full)
			// Within a few milliseconds: the short variant's cache is
			// written in about ten, and a later kill often missed it.
			d := time.Duration(r.Int64N(int64(5 * time.Millisecond)))
			time.Sleep(d)
			when = fmt.Sprintf("%v into writing the cache", d)
		}
		writing := false
		for _, p := range tempCaches(indexDir) {
			writing = writing || !stale[p]
		}
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		cancel()
		if writing {
			killedWriting++
		}
		t.Logf("iteration %d: killed %s (while writing the cache: %v): %v", it, when, writing, err)
		if strings.Contains(stderr.String(), "panic") {
			t.Errorf("iteration %d: index panicked:\n%s", it, stderr.String())
		}
		checkAsk(t, bin, env, corpus, indexDir)
	}
	if killedWriting == 0 {
		if longTests() {
			t.Errorf("no kill landed while the cache was being written; make the corpus larger")
		} else {
			// 300 articles' cache is written in about a millisecond: on a
			// loaded machine the short variant may miss it. The long
			// variant (.ci/run) must land one.
			t.Logf("no kill landed while the cache was being written (short variant)")
		}
	}
	if left := tempCaches(indexDir); len(left) > 0 {
		// Not an error for the answers, but each is a partial copy of
		// the cache that nothing removes.
		t.Logf("%d temporary cache files left behind by killed runs", len(left))
	}
}

// checkAsk asks the question as a fresh start would, and checks that the
// cache on disk is either accepted or reported as damaged, that ask
// answers, and that every quote is text of the corpus.
func checkAsk(t *testing.T, bin string, env []string, corpus, indexDir string) {
	t.Helper()
	_, warn, err := retrieval.OpenCache(indexDir)
	if err != nil {
		t.Fatalf("open cache: %v", err)
	}
	out, errOut, err := runNewsbot(t, bin, env, 2*time.Minute, "ask", "--json", crashQuestion)
	if err != nil {
		t.Fatalf("ask after kill: %v\nstdout %s\nstderr %s", err, out, errOut)
	}
	if strings.Contains(errOut, "panic") || strings.Contains(errOut, "internal error") {
		t.Errorf("ask after kill:\n%s", errOut)
	}
	if warn != nil && !strings.Contains(errOut, "damaged") && !strings.Contains(errOut, "unreadable") {
		t.Errorf("cache rejected (%v) but ask printed no warning:\n%s", warn, errOut)
	}
	var a jsonAnswer
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("ask output is not one JSON answer: %v\n%s", err, out)
	}
	if !a.Answered || len(a.Citations) == 0 {
		t.Fatalf("not answered: %+v", a)
	}
	text := corpusText(t, corpus)
	found := false
	for _, c := range a.Citations {
		q := squeeze(strings.TrimSuffix(strings.TrimPrefix(c.Quote, "…"), "…"))
		if q == "" || !strings.Contains(text, q) {
			t.Errorf("quote is not text of the corpus: %q", c.Quote)
		}
		found = found || strings.Contains(c.Quote, "4.2 billion")
	}
	if !found {
		t.Errorf("no quote holds the fact: %+v", a.Citations)
	}
	// The start that just answered wrote a good cache.
	if _, warn, _ := retrieval.OpenCache(indexDir); warn != nil {
		t.Errorf("cache after ask: %v", warn)
	}
}

// buildNewsbot builds the program once per test binary, into testRoot, for
// the tests that run it as a process.
func buildNewsbot(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		built.bin = filepath.Join(testRoot, "bin", "newsbot")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", "build", "-o", built.bin, ".").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

var built struct {
	once sync.Once
	bin  string
	err  error
}

func runNewsbot(t *testing.T, bin string, env []string, timeout time.Duration, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

func tempCaches(dir string) []string {
	m, _ := filepath.Glob(filepath.Join(dir, retrieval.CacheFile+".tmp-*"))
	return m
}

// waitForTempCache polls until a temporary cache file not in before
// appears, or until limit.
func waitForTempCache(dir string, before map[string]bool, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		for _, p := range tempCaches(dir) {
			if !before[p] {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
}

var crashWords = strings.Fields(`government officials said the talks would continue next week after
a meeting in the capital where ministers discussed energy prices trade border security and aid
for the region while opposition leaders called for an inquiry into the budget and the court
delayed a ruling on the new law as protesters gathered outside parliament`)

// writeCrashArticle writes article i with fresh random text; article 0
// holds the fact the test asks about.
func writeCrashArticle(t *testing.T, dir string, i int, r *rand.Rand) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Report number %d\nsource: Test Wire\npublished: 2025-03-01\n---\n\n", i)
	for p := 0; p < 10; p++ {
		if i == 0 && p == 3 {
			b.WriteString(crashFact + "\n\n")
			continue
		}
		for s := 0; s < 4; s++ {
			n := 8 + r.IntN(12)
			for w := 0; w < n; w++ {
				word := crashWords[r.IntN(len(crashWords))]
				if w == 0 {
					word = strings.ToUpper(word[:1]) + word[1:]
				} else {
					b.WriteByte(' ')
				}
				b.WriteString(word)
			}
			fmt.Fprintf(&b, " in %d. ", r.IntN(3000))
		}
		b.WriteString("\n\n")
	}
	name := filepath.Join(dir, fmt.Sprintf("report-%05d.md", i))
	if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func corpusText(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(squeeze(string(data)))
		b.WriteByte(0)
	}
	return b.String()
}

// squeeze drops white space, so quotes compare up to line wrapping.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func TestIndexFailsWhenTheCacheCannotBeWritten(t *testing.T) {
	t.Parallel()
	// A directory cannot be made under a regular file, even by root.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o644)
	_, _, err := runCLI(t, map[string]string{"NEWSBOT_INDEX_DIR": filepath.Join(file, "cache")}, "", "index")
	var buf bytes.Buffer
	if code := exitCode(err, &buf); code != 1 || !strings.Contains(buf.String(), "index directory") {
		t.Errorf("index into an impossible directory: exit %d, %q; want exit 1 naming it", code, buf.String())
	}
	// The cache file's place taken by a directory: the save fails.
	idx := t.TempDir()
	blocker := filepath.Join(idx, retrieval.CacheFile)
	os.MkdirAll(filepath.Join(blocker, "x"), 0o755)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(blocker, old, old)
	_, stderr, err := runCLI(t, map[string]string{"NEWSBOT_INDEX_DIR": idx}, "", "index")
	buf.Reset()
	if code := exitCode(err, &buf); code != 1 || !strings.Contains(buf.String(), "not saved") {
		t.Errorf("index whose cache cannot be saved: exit %d, %q (stderr %q); want exit 1", code, buf.String(), stderr)
	}
}

// writeTownStories writes n short stories of our own into dir, each of
// paras paragraphs long enough to be a chunk of its own.
func writeTownStories(t *testing.T, dir string, n, paras int) {
	t.Helper()
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: \"Council of Town %d votes on the harbour\"\nsource: Test Wire\npublished: 2026-01-%02d\n---\n", i, 1+i%28)
		for p := range paras {
			fmt.Fprintf(&b, "Paragraph %d of story %d. The council of Town %d voted %d to %d on the harbour plan after a debate that ran past midnight, and the mayor said the vote settled a question that had divided residents of Town %d for %d years. Opponents promised to return with a petition signed by %d residents before the %d budget.\n\n", p, i, i, 5+p, p, i, 2+p, 100*p+i, 2027+p)
		}
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("town-%03d.md", i)), []byte(b.String()), 0o644)
	}
}

// TestIndexInterruptedResumes: Ctrl-C while newsbot index embeds through
// a remote endpoint; the next run embeds only the chunks the first did not.
func TestIndexInterruptedResumes(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Options{Latency: 30 * time.Millisecond})
	defer srv.Close()
	data := t.TempDir()
	writeTownStories(t, data, 60, 12)
	env := map[string]string{
		"OPENAI_BASE_URL": srv.URL, "NEWSBOT_DATA_DIR": data, "NEWSBOT_INDEX_DIR": t.TempDir(),
		"NEWSBOT_CHAT_MODEL": "none",
	}
	getenv := func(k string) string { return env[k] }

	// Interrupt once the second batch of the build is being embedded
	// (the first is 4 requests of 128 texts).
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go func() {
		for srv.EmbedRequests() < 5 && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	var out, errb bytes.Buffer
	err := run(ctx, []string{"index"}, getenv, strings.NewReader(""), &out, &errb)
	m := regexp.MustCompile(`interrupted after embedding (\d+) of (\d+) chunks`).FindStringSubmatch(fmt.Sprint(err))
	if m == nil {
		t.Fatalf("got %v (stdout %q, stderr %q), want an interruption", err, out.String(), errb.String())
	}
	first, _ := strconv.Atoi(m[1])
	total, _ := strconv.Atoi(m[2])
	if first == 0 || first >= total {
		t.Fatalf("interrupted after %d of %d chunks: the test wants an interruption midway", first, total)
	}
	firstTexts := countTexts(srv)

	srv.Reset()
	out.Reset()
	if err := run(context.Background(), []string{"index"}, getenv, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%d chunks: %d embedded now, %d reused from cache", total, total-first, first)
	if !strings.Contains(out.String(), want) {
		t.Errorf("resumed run: %q, want %q", out.String(), want)
	}
	if again := countTexts(srv) + firstTexts - total; again > firstTexts-first {
		t.Errorf("%d texts sent twice; at most the %d of the interrupted batch may be", again, firstTexts-first)
	}
	t.Logf("first run embedded %d of %d chunks (%d texts sent); the second sent %d", first, total, firstTexts, countTexts(srv))
}

func countTexts(srv *fakeopenai.Server) int {
	n := 0
	for _, b := range srv.Batches() {
		n += len(b)
	}
	return n
}

func TestProgressBarCountsOnlyChunksToEmbed(t *testing.T) {
	var w bytes.Buffer
	p := progressBar(&w)
	p(300, 1000)
	p(556, 1000)
	time.Sleep(150 * time.Millisecond) // past the bar's throttle
	p(812, 1000)
	s := w.String()
	if !strings.Contains(s, "300 of 1000 chunks cached") || !strings.Contains(s, "/700") {
		t.Errorf("bar %q: want the cached count and 700 chunks to embed", s)
	}
	var quiet bytes.Buffer
	p = progressBar(&quiet)
	p(10, 10)
	if quiet.Len() != 0 {
		t.Errorf("nothing to embed, yet a bar: %q", quiet.String())
	}
}
