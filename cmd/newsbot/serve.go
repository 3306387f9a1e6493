package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/newsbot/newsbot/bot"
	"github.com/newsbot/newsbot/ingest"
	"github.com/prometheus/client_golang/prometheus"
)

// tokenHelp is what serve says when it has no token.
const tokenHelp = `no Discord bot token: set DISCORD_TOKEN to your bot's token, or DISCORD_TOKEN_FILE to a file holding it.
Get one in the Discord developer portal (https://discord.com/developers/applications): create an application,
open its Bot page and reset the token. README.md, section "Creating the Discord application", walks through it.`

// serveConfig is serve's configuration beyond the engine's, read once from
// the environment by loadServeConfig (rows of group discordGroup in
// settings.go).
type serveConfig struct {
	Bot      bot.Config
	HTTPAddr string // "" serves no HTTP
	LogLevel slog.Level

	token, tokenFile string // DISCORD_TOKEN, DISCORD_TOKEN_FILE: resolved into Bot.Token
}

// loadServeConfig reads the Discord bot's settings, then checks them
// together.
func loadServeConfig(getenv func(string) string) (serveConfig, error) {
	var c config
	if err := loadSettings(&c, discordGroup, getenv); err != nil {
		return serveConfig{}, err
	}
	sc := c.Serve
	b := &sc.Bot
	token, err := readToken(sc.token, sc.tokenFile)
	if err != nil {
		return sc, err
	}
	b.Token = token
	if b.ShardCount < 1 || b.ShardID >= b.ShardCount {
		return sc, usageError{fmt.Sprintf("NEWSBOT_SHARD_ID=%d must be below NEWSBOT_SHARD_COUNT=%d", b.ShardID, b.ShardCount)}
	}
	if b.MaxConcurrent < 1 {
		return sc, usageError{"NEWSBOT_MAX_CONCURRENT must be at least 1"}
	}
	// bot.Config reads zero as "its default" and negative as "none"; here
	// 0 means none, as the README says.
	if b.MaxQueue == 0 {
		b.MaxQueue = -1
	}
	if b.Cooldown == 0 {
		b.Cooldown = -1
	}
	return sc, nil
}

// readToken returns the bot token, given in DISCORD_TOKEN or in the file
// named by DISCORD_TOKEN_FILE (a Docker or Kubernetes secret).
func readToken(token, file string) (string, error) {
	switch {
	case token != "" && file != "":
		return "", usageError{"set DISCORD_TOKEN or DISCORD_TOKEN_FILE, not both"}
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("DISCORD_TOKEN_FILE: %w", err)
		}
		token = strings.TrimSpace(string(b))
		if token == "" {
			return "", usageError{fmt.Sprintf("DISCORD_TOKEN_FILE=%s is empty\n%s", file, tokenHelp)}
		}
	case token == "":
		return "", usageError{tokenHelp}
	}
	return token, nil
}

// serveLogger logs JSON when stderr is not a terminal (a container, a
// supervisor), text otherwise; either way the token is redacted.
func serveLogger(w io.Writer, level slog.Level, token string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	if isTerminal(w) {
		h = slog.NewTextHandler(w, opts)
	} else {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(bot.RedactHandler(h, token, "Bot "+token))
}

// runServe runs the Discord bot until ctx is cancelled (SIGINT, SIGTERM),
// reloading the corpus on SIGHUP.
func runServe(ctx context.Context, e *env, args []string) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{"serve takes no arguments"}
	}
	sc, err := loadServeConfig(e.getenv)
	if err != nil {
		return err
	}
	logger := serveLogger(e.stderr, sc.LogLevel, sc.Bot.Token)
	sc.Bot.Logger = logger

	// SIGHUP reloads the corpus, as /reload does. Listen before building
	// the engine: until then its default action would kill the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	start := time.Now()
	em := newEngineMetrics()
	cfg.metrics = em
	corpus := newCorpusLoader(cfg, logger)
	cfg.load = corpus.Load
	sc.Bot.Collectors = append(sc.Bot.Collectors, em.collectors()...)
	sc.Bot.Collectors = append(sc.Bot.Collectors, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "newsbot_corpus_files_skipped",
		Help: "Files of the data directory the last load skipped because they cannot be read as articles (binary, broken front matter); the log names them.",
	}, func() float64 { return float64(corpus.Skipped()) }))
	eng, st, err := newEngine(ctx, cfg, logger, nil)
	if err != nil {
		return err
	}
	// The admin commands (/add, /remove, /follow, /unfollow) manage the
	// data directory's stories.
	var lib *storyLibrary
	if cfg.storiesDir() != "" {
		store, err := (&storeConfig{config: cfg}).store()
		if err != nil {
			return err
		}
		store.Retired = func(s ingest.Story) {
			logger.Info("story removed to keep NEWSBOT_MAX_STORIES", "max", cfg.MaxStories, "story", s.Slug, "title", s.Title, "path", s.Path)
		}
		lib = &storyLibrary{store: store, eng: eng, log: logger}
		sc.Bot.Library = lib
	}
	info := eng.Info()
	mode := "extractive"
	if info.ChatModel != "" {
		mode = "model " + info.ChatModel
	}
	logger.Info("index ready", "documents", st.Documents, "chunks", st.Chunks, "embedded", st.Embedded,
		"reused", st.Reused, "embedder", info.EmbedModel, "answers", mode, "ms", time.Since(start).Milliseconds())

	b, err := bot.New(sc.Bot, eng)
	if err != nil {
		return err
	}
	if lib != nil {
		lib.announce = b.Announce
	}

	var srv *http.Server
	httpDone := make(chan struct{})
	if sc.HTTPAddr != "" {
		ln, err := net.Listen("tcp", sc.HTTPAddr)
		if err != nil {
			return fmt.Errorf("NEWSBOT_HTTP_ADDR: %w", err)
		}
		srv = &http.Server{Handler: b.Handler(), ReadHeaderTimeout: 5 * time.Second}
		logger.Info("serving /healthz and /metrics", "addr", ln.Addr().String())
		go func() {
			defer close(httpDone)
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("http server", "err", err)
			}
		}()
	} else {
		close(httpDone)
	}

	reloadCtx, stopReloads := context.WithCancel(ctx)
	if dir := cfg.storiesDir(); dir != "" {
		// Stories added by another process (newsbot add, /add on another
		// shard) are picked up as they land; SIGHUP and /reload still work.
		// The default data directory is created so that the first story
		// added to it is seen too.
		if cfg.DataDir == "" {
			os.MkdirAll(dir, 0o755)
		}
		if err := watchCorpus(reloadCtx, dir, logger, func(ctx context.Context) { b.Reload(ctx) }); err != nil {
			logger.Warn("not watching the data directory: use /reload or SIGHUP after changing it", "dir", dir, "err", err)
		}
	}
	// Shard 0 polls the followed feeds (every shard would add each item
	// once, and race); the other shards see its stories through the watcher.
	feedsDone := make(chan struct{})
	if lib != nil && sc.Bot.ShardID == 0 && cfg.FeedInterval > 0 {
		go func() {
			defer close(feedsDone)
			lib.pollFeedsEvery(reloadCtx, cfg.FeedInterval)
		}()
	} else {
		close(feedsDone)
	}
	reloadsDone := make(chan struct{})
	go func() {
		defer close(reloadsDone)
		for {
			select {
			case <-hup:
				logger.Info("SIGHUP: reloading the corpus")
				b.Reload(reloadCtx) // logs and counts the outcome
			case <-reloadCtx.Done():
				return
			}
		}
	}()

	runErr := b.Run(ctx)

	stopReloads()
	<-reloadsDone
	<-feedsDone
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		srv.Shutdown(sctx)
		cancel()
	}
	<-httpDone
	if runErr != nil {
		return fmt.Errorf("serve: %w", runErr)
	}
	return nil
}
