package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/newsbot/newsbot/answer"
	"github.com/newsbot/newsbot/internal/openaiclient"
	"github.com/newsbot/newsbot/prompts"
	"github.com/newsbot/newsbot/retrieval"
	"github.com/newsbot/newsbot/retrieval/encoder"
)

// config is everything the program needs, read once: flags over
// environment over defaults (settings.go holds the table of settings).
type config struct {
	DataDir string // --data or NEWSBOT_DATA_DIR; empty: UserDataDir
	// UserDataDir is the default data directory (see userDataDir); empty
	// when the environment names no home.
	UserDataDir string
	Strict      bool // index --strict: an unreadable corpus file is fatal
	// Story ingestion (add, follow).
	MaxStories   int           // 0: no cap
	AllowPrivate bool          // let fetches reach loopback and private addresses
	FeedInterval time.Duration // between polls of follow
	IndexDir     string
	PromptsDir   string
	Offline      bool

	APIKey    string
	BaseURL   string // empty: openaiclient.DefaultBaseURL when APIKey is set
	ChatModel string // "none": extractive answers even with an endpoint

	EmbedModel   string // "local": the offline encoder even with an endpoint; "local-hash": the lexical one
	EmbedBaseURL string
	EmbedAPIKey  string
	EmbedDims    int // 0: the model's
	EmbedBatch   int
	EmbedConc    int // batch requests in flight; 0: retrieval's default
	CacheMaxMB   int // embedding cache size cap in MiB; 0: no cap

	RequestTimeout time.Duration
	MaxTokens      int // the longest chat reply, in tokens
	// FallbackMode is what serve does when the chat model fails:
	// "extractive" or "apology" (NEWSBOT_FALLBACK). Fallback is true for
	// "extractive"; ask and eval set it false, to report the failure.
	FallbackMode string
	Fallback     bool

	// Serve is serve's configuration, filled by loadServeConfig only.
	Serve serveConfig

	// load, when set, replaces the corpus directory (eval --sets loads
	// several directories as one corpus).
	load func() ([]retrieval.Document, error)
	// metrics, when set, receives the engine's counts (serve).
	metrics answer.Metrics
}

// loadConfig reads the engine's settings from the environment; flags
// registered by commonFlags and parsed later override them.
func loadConfig(getenv func(string) string) (config, error) {
	var c config
	if err := loadSettings(&c, engineGroup, getenv); err != nil {
		return c, err
	}
	if c.MaxTokens == 0 {
		return c, usageError{"NEWSBOT_MAX_TOKENS=0: want a positive number of tokens"}
	}
	switch strings.ToLower(c.FallbackMode) {
	case "extractive":
		c.Fallback = true
	case "apology":
	default:
		return c, usageError{fmt.Sprintf("NEWSBOT_FALLBACK=%q: want extractive or apology", c.FallbackMode)}
	}
	if c.IndexDir == "" {
		c.IndexDir = filepath.Join(userCacheDir(getenv), "newsbot")
	}
	c.UserDataDir = userDataDir(getenv)
	return c, nil
}

// remote reports whether an OpenAI-compatible endpoint is configured.
func (c config) remote() bool {
	return !c.Offline && (c.APIKey != "" || c.BaseURL != "")
}

func (c config) baseURL() string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	return openaiclient.DefaultBaseURL
}

// Offline embedder names for NEWSBOT_EMBED_MODEL.
const (
	embedLocal     = "local"      // the sentence encoder (retrieval/encoder)
	embedLocalHash = "local-hash" // the lexical feature-hashing embedder, for comparison
)

// embedder returns the configured embedder: the OpenAI-compatible one when
// an endpoint is configured for embeddings, else the offline sentence
// encoder, or the lexical hashing embedder when asked for by name.
func (c config) embedder() (retrieval.Embedder, error) {
	switch {
	case c.EmbedModel == embedLocalHash:
		return retrieval.LocalEmbedder{}, nil
	case c.Offline || c.EmbedModel == embedLocal:
		return encoder.New(encoder.Options{})
	}
	base, key := c.EmbedBaseURL, c.EmbedAPIKey
	if base == "" && key == "" {
		if !c.remote() {
			return encoder.New(encoder.Options{})
		}
		base, key = c.baseURL(), c.APIKey
	}
	if base == "" {
		base = openaiclient.DefaultBaseURL
	}
	return retrieval.NewOpenAIEmbedder(retrieval.OpenAIEmbedderConfig{
		Client:      openaiclient.Config{BaseURL: base, APIKey: key, RequestTimeout: c.RequestTimeout},
		Model:       c.EmbedModel,
		Dimensions:  c.EmbedDims,
		BatchSize:   c.EmbedBatch,
		Concurrency: c.EmbedConc,
	})
}

// sentenceEncoder returns the embedder of sentences, for choosing the
// sentence that answers, summaries and the model-mode claim check: the
// offline sentence encoder, which is local and free, so it serves even
// when chunk embeddings come from a remote endpoint (emb itself when it
// is the encoder, so the weights are decoded once). With
// NEWSBOT_EMBED_MODEL=local-hash, nil: that mode is the purely lexical
// baseline kept for comparison.
func (c config) sentenceEncoder(emb retrieval.Embedder) (retrieval.Embedder, error) {
	if enc, ok := emb.(*encoder.Encoder); ok {
		return enc, nil
	}
	if c.EmbedModel == embedLocalHash {
		return nil, nil
	}
	return encoder.New(encoder.Options{})
}

// chat returns the configured chat model, or nil for extractive answers.
func (c config) chat() (answer.ChatModel, error) {
	if !c.remote() || c.ChatModel == "none" {
		return nil, nil
	}
	return answer.NewOpenAIChat(answer.OpenAIChatConfig{
		Client:    openaiclient.Config{BaseURL: c.baseURL(), APIKey: c.APIKey, RequestTimeout: c.RequestTimeout},
		Model:     c.ChatModel,
		MaxTokens: c.MaxTokens,
	})
}

// loader returns the corpus loader: c.load when set (eval --sets), else
// the data directory once it holds a story, else the embedded article
// (corpusLoader).
func (c config) loader(logger *slog.Logger) func() ([]retrieval.Document, error) {
	if c.load != nil {
		return c.load
	}
	return newCorpusLoader(c, logger).Load
}

// newEngine builds the engine and its index. Warnings (a damaged cache)
// go to logger; progress, if set, reports embedding.
func newEngine(ctx context.Context, c config, logger *slog.Logger, progress func(done, total int)) (*answer.Engine, answer.ReloadStats, error) {
	p, err := prompts.Load(c.PromptsDir)
	if err != nil {
		return nil, answer.ReloadStats{}, err
	}
	maxBytes := int64(c.CacheMaxMB) << 20
	if maxBytes == 0 {
		maxBytes = -1
	}
	cache, warn, err := retrieval.OpenCacheWithOptions(c.IndexDir, retrieval.CacheOptions{
		MaxBytes: maxBytes, SaveEvery: cacheCheckpoint,
	})
	if err != nil {
		// An unusable index directory costs embeddings, not answers.
		logger.Warn("embedding cache disabled", "err", err)
		cache = nil
	}
	if warn != nil {
		logger.Warn(warn.Error())
	}
	emb, err := c.embedder()
	if err != nil {
		return nil, answer.ReloadStats{}, err
	}
	chat, err := c.chat()
	if err != nil {
		return nil, answer.ReloadStats{}, err
	}
	sents, err := c.sentenceEncoder(emb)
	if err != nil {
		return nil, answer.ReloadStats{}, err
	}
	eng, st, err := answer.New(ctx, answer.Config{
		Load:      c.loader(logger),
		Embedder:  emb,
		Sentences: sents,
		Verifier:  answer.VerifierConfig{Encoder: sents},
		Chat:      chat,
		Cache:     cache,
		Prompts:   p,
		Logger:    logger,
		Progress:  progress,
		Fallback:  c.Fallback,
		Metrics:   c.metrics,
	})
	if cache != nil {
		// Also after an error or an interrupt: the vectors embedded so
		// far are kept, and the next run resumes from them. And terms,
		// last uses or a format upgrade that the engine's save (which
		// follows new embeddings only) did not write.
		if serr := cache.SaveIfChanged(); serr != nil {
			logger.Warn("embedding cache not saved", "err", serr)
		}
	}
	return eng, st, err
}

// cacheCheckpoint is how often a long build (newsbot index, or any start
// with much to embed) saves the embedding cache, so that a killed run
// loses at most this much embedding work.
// Each save rewrites the file (about a second per 100,000 vectors of
// 1,536 dimensions), so much more often would slow the build down.
const cacheCheckpoint = 30 * time.Second

// cliLogger logs warnings as plain lines for terminal subcommands.
func cliLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// parseFlags parses args with fs, accepting flags after positional
// arguments too ("ask 'question' --json"), and turning flag errors into
// usage errors.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, helpRequested{fs}
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
