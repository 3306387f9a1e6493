package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// synopses are the usage lines `newsbot SUBCOMMAND --help` prints above the
// flags, keyed by the subcommand's FlagSet name. A subcommand without one
// gets "newsbot NAME [flags]".
var synopses = map[string]string{
	"ask": `newsbot ask [flags] [QUESTION]

Answers QUESTION, or each line of stdin in order, citing the article.`,
	"index": `newsbot index [flags]

Builds or refreshes the embedding cache, then prints one summary line.
Exits 1 when the cache cannot be written.`,
	"eval": `newsbot eval --questions FILE [flags]

Scores a question set (JSON lines; see testdata/README.md) and exits 1 under
the thresholds given.`,
	"serve": `newsbot serve [flags]

Runs the Discord bot until SIGINT or SIGTERM; SIGHUP reloads the corpus.
"newsbot help env" lists its environment variables.`,
	"add": `newsbot add [flags] URL|FILE...

Adds each article (a web page's URL, or a Markdown, text or HTML file) to the
data directory as a story; one that is already there is refused, naming it.`,
	"remove": `newsbot remove [flags] SLUG

Removes the story with this slug (see newsbot stories).`,
	"stories": `newsbot stories [flags]

Lists the stories of the data directory, newest first.`,
	"follow": `newsbot follow [flags] [FEED_URL...]

Follows each feed (RSS, Atom, JSON Feed) and adds its new stories every
NEWSBOT_FEED_INTERVAL until interrupted; without FEED_URL, the feeds followed
already.`,
	"healthcheck": `newsbot healthcheck [flags]

Exits 0 when a running bot's /healthz answers 200 (the Docker HEALTHCHECK).`,
}

// helpRequested is returned by parseFlags for -h, -help or --help; run
// prints the FlagSet's usage to stdout and exits 0.
type helpRequested struct{ fs *flag.FlagSet }

func (h helpRequested) Error() string { return "help requested" }

// printFlagUsage writes a subcommand's synopsis and flags.
func printFlagUsage(w io.Writer, fs *flag.FlagSet) {
	syn, ok := synopses[fs.Name()]
	if !ok {
		syn = "newsbot " + fs.Name() + " [flags]"
	}
	fmt.Fprintf(w, "Usage: %s\n\nFlags:\n", syn)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// runHelp is `newsbot help [SUBCOMMAND | env]`.
func runHelp(ctx context.Context, e *env, args []string) error {
	switch {
	case len(args) == 0:
		fmt.Fprint(e.stdout, usage)
		return nil
	case len(args) > 1:
		return usageError{"usage: newsbot help [SUBCOMMAND | env]"}
	case args[0] == "env" || args[0] == "settings":
		printSettings(e.stdout)
		return nil
	case args[0] == "help" || strings.HasPrefix(args[0], "-"):
		fmt.Fprint(e.stdout, usage)
		return nil
	}
	return run(ctx, []string{args[0], "--help"}, e.getenv, e.stdin, e.stdout, e.stderr)
}

// revision is the VCS revision given at link time (-ldflags "-X
// main.revision=…") when the build has no VCS information: the Docker
// build, whose context leaves .git out.
var revision string

// version describes this build: the module version and, when the binary
// was built from a VCS checkout, the revision, its time and whether the
// tree had local changes.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "newsbot (no build information)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)" // a test binary
	}
	s := "newsbot " + v + " " + bi.GoVersion
	var rev, at, modified string
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.time":
			at = kv.Value
		case "vcs.modified":
			modified = kv.Value
		}
	}
	if rev == "" {
		rev = revision
	}
	if rev != "" {
		s += ", revision " + rev
		if at != "" {
			s += " (" + at + ")"
		}
		if modified == "true" {
			s += ", with local changes"
		}
	} else {
		s += ", no VCS revision recorded"
	}
	return s
}
