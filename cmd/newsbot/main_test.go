package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/data"
	"github.com/newsbot/newsbot/retrieval"
)

// sharedIndexDir is the embedding cache runCLI gives the runs whose test
// names none. The cache is content-addressed and safe for concurrent
// processes, so sharing it is what a user's machine does; it spares each
// test embedding the default story's chunks and sentences with the
// sentence encoder, slow under -race. Tests that count what is embedded
// name a directory of their own.
var sharedIndexDir string

// testRoot holds what the tests of this binary share: the index directory
// above and the program built once for the tests that run it as a process
// (buildNewsbot). It is removed when the tests end.
var testRoot string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "newsbot-test-")
	if err != nil {
		panic(err)
	}
	testRoot = dir
	sharedIndexDir = filepath.Join(dir, "cache")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runCLI runs the program as a user would, with env as its whole
// environment (plus the shared index directory unless env names one), and
// returns its output.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	if _, ok := env["NEWSBOT_INDEX_DIR"]; !ok {
		if env == nil {
			env = map[string]string{}
		}
		env["NEWSBOT_INDEX_DIR"] = sharedIndexDir
	}
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err = run(ctx, args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func decodeAnswers(t *testing.T, out string) []jsonAnswer {
	t.Helper()
	var as []jsonAnswer
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var a jsonAnswer
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("not a JSON line: %q: %v", line, err)
		}
		as = append(as, a)
	}
	return as
}

// articleText is the default article as published, normalized as the
// question set's rules say.
func articleText(t *testing.T) string {
	t.Helper()
	docs, err := retrieval.LoadFS(data.Articles())
	if err != nil {
		t.Fatal(err)
	}
	return norm(docs[0].Raw)
}

func fsRead(fsys fs.FS, name string) ([]byte, error) { return fs.ReadFile(fsys, name) }

func fsReadFile(name string) ([]byte, error) {
	return fsRead(data.Articles(), name)
}

func TestBadInputGetsClearErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken")
	os.MkdirAll(broken, 0o755)
	os.WriteFile(filepath.Join(broken, "a.md"), []byte("---\ntitle: [unclosed\n---\nBody text here.\n"), 0o644)
	binary := filepath.Join(dir, "binary")
	os.MkdirAll(binary, 0o755)
	os.WriteFile(filepath.Join(binary, "b.txt"), []byte{0xff, 0xfe, 0x00, 0x01}, 0o644)
	cases := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"empty question", nil, []string{"ask", "  "}, 2, "empty question"},
		{"no question at all", nil, []string{"ask"}, 2, "no question"},
		{"question too long", nil, []string{"ask", strings.Repeat("why ", 300)}, 2, "longer than 1000"},
		{"missing corpus", nil, []string{"ask", "--data", filepath.Join(dir, "nope"), "Who?"}, 1, filepath.Join(dir, "nope")},
		{"broken front matter", nil, []string{"ask", "--data", broken, "Who?"}, 1, filepath.Join(broken, "a.md")},
		{"not text", nil, []string{"ask", "--data", binary, "Who?"}, 1, filepath.Join(binary, "b.txt")},
		{"unknown subcommand", nil, []string{"frobnicate"}, 2, "unknown subcommand"},
		{"bad flag", nil, []string{"ask", "--nope", "x"}, 2, "nope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := runCLI(t, c.env, "", c.args...)
			var buf bytes.Buffer
			code := exitCode(err, &buf)
			msg := buf.String()
			if code != c.code || !strings.Contains(msg, c.want) || strings.Count(strings.TrimSpace(msg), "\n") > 0 {
				t.Errorf("exit %d, message %q; want exit %d and one line containing %q", code, msg, c.code, c.want)
			}
		})
	}
}

// longTests reports whether the long variants of the soak and the SIGKILL
// test run: NEWSBOT_LONG_TESTS=1 (.ci/run sets it) and not -short. The
// default run, and -short, run their short variants.
func longTests() bool {
	return os.Getenv("NEWSBOT_LONG_TESTS") == "1" && !testing.Short()
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
