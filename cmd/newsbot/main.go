// Command newsbot answers questions about news articles with grounded,
// cited answers: from the terminal (ask, eval), and as a Discord bot (serve).
//
// main only calls run, which takes the program's OS dependencies as
// parameters, so tests drive the real program.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError is a mistake in how the program was called: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// exitCode prints err, if any, as one line and returns the exit status.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ue usageError
	var se silentError
	switch {
	case errors.As(err, &se):
		return se.code
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "newsbot: %s\n", ue.msg)
		return 2
	default:
		fmt.Fprintf(stderr, "newsbot: %s\n", err)
		return 1
	}
}

// silentError exits with code after its subcommand has said what to say.
type silentError struct{ code int }

func (e silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

const usage = `newsbot answers questions about news articles, citing the article.

Usage:
  newsbot ask [--json] [--explain] [--k N] [QUESTION]
                                            answer QUESTION, or one question per line of stdin;
                                            --explain says why after a refusal
  newsbot index                             build or refresh the embedding cache
  newsbot eval --questions FILE [--json]    score a question set (see README)
  newsbot eval --sets DIR [--misses]        score folders of articles with their questions
  newsbot serve                             run the Discord bot
  newsbot healthcheck                       probe a running bot's /healthz
  newsbot help [SUBCOMMAND | env]           a subcommand's flags, or every setting
  newsbot --version                         the module version and VCS revision
  newsbot add [--data DIR] URL|FILE...      add stories (.html, .htm, .md, .txt files or http(s) URLs)
  newsbot remove [--data DIR] SLUG          remove a story
  newsbot stories [--data DIR] [--json]     list the stories, newest first
  newsbot follow [--data DIR] [--once] FEED_URL...   follow RSS, Atom or JSON feeds

Common flags (before or after the subcommand's own):
  --data DIR        data directory where stories live (env NEWSBOT_DATA_DIR; default: the user
                    data directory; the embedded story is served until one is added)
  --index-dir DIR   embedding cache directory (env NEWSBOT_INDEX_DIR)
  --offline         local embedder and extractive answers, whatever the environment says
  --prompts DIR     prompt templates overriding the embedded ones (env NEWSBOT_PROMPTS_DIR)

"newsbot SUBCOMMAND --help" lists a subcommand's flags; "newsbot help env" lists every
environment variable with its default.
`

// run is the whole program.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	defer func() {
		// No panic reaches a user as a stack trace.
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"missing subcommand"}
	}
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, isTerminal: isTerminal}
	defer func() {
		// `newsbot SUBCOMMAND --help`: the subcommand's usage, exit 0.
		var h helpRequested
		if errors.As(err, &h) {
			printFlagUsage(stdout, h.fs)
			err = nil
		}
	}()
	switch args[0] {
	case "ask":
		return runAsk(ctx, e, args[1:])
	case "index":
		return runIndex(ctx, e, args[1:])
	case "eval":
		return runEval(ctx, e, args[1:])
	case "serve":
		return runServe(ctx, e, args[1:])
	case "healthcheck":
		return runHealthcheck(ctx, e, args[1:])
	case "add":
		return runAdd(ctx, e, args[1:])
	case "remove":
		return runRemove(ctx, e, args[1:])
	case "stories":
		return runStories(ctx, e, args[1:])
	case "follow":
		return runFollow(ctx, e, args[1:])
	case "help", "-h", "--help":
		return runHelp(ctx, e, args[1:])
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, version())
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usageError{fmt.Sprintf("unknown subcommand %q", args[0])}
	}
}

// env is what run was given of the operating system.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// isTerminal reports whether stdin, stdout or stderr is a terminal
	// (tests replace it).
	isTerminal func(any) bool
}
