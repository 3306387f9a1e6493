package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/newsbot/newsbot/answer"
	"github.com/newsbot/newsbot/data"
	"github.com/newsbot/newsbot/internal/openaiclient"
	"github.com/newsbot/newsbot/prompts"
	"github.com/newsbot/newsbot/retrieval"
)

// Defaults for the OpenAI-compatible endpoint.
const (
	defaultBaseURL    = "https://api.openai.com/v1"
	defaultChatModel  = "gpt-4o-mini"
	defaultEmbedModel = "text-embedding-3-small"
)

// config is everything the engine needs, read once: flags over environment
// over defaults.
type config struct {
	DataDir    string // empty: the embedded corpus
	IndexDir   string
	PromptsDir string
	Offline    bool

	APIKey    string
	BaseURL   string
	ChatModel string // "none": extractive answers even with an endpoint

	EmbedModel   string // "local": the offline embedder even with an endpoint
	EmbedBaseURL string
	EmbedAPIKey  string
	EmbedDims    int
	EmbedBatch   int

	RequestTimeout time.Duration
}

// commonFlags registers the flags every engine-using subcommand takes.
func commonFlags(fs *flag.FlagSet, c *config) {
	fs.StringVar(&c.DataDir, "data", c.DataDir, "corpus `directory` (default: the embedded article)")
	fs.StringVar(&c.IndexDir, "index-dir", c.IndexDir, "embedding cache `directory`")
	fs.StringVar(&c.PromptsDir, "prompts", c.PromptsDir, "prompt templates `directory`")
	fs.BoolVar(&c.Offline, "offline", c.Offline, "use the local embedder and extractive answers")
}

// loadConfig reads the environment; flags parsed later override it.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		DataDir:      getenv("NEWSBOT_DATA_DIR"),
		IndexDir:     getenv("NEWSBOT_INDEX_DIR"),
		PromptsDir:   getenv("NEWSBOT_PROMPTS_DIR"),
		APIKey:       getenv("OPENAI_API_KEY"),
		BaseURL:      getenv("OPENAI_BASE_URL"),
		ChatModel:    getenv("NEWSBOT_CHAT_MODEL"),
		EmbedModel:   getenv("NEWSBOT_EMBED_MODEL"),
		EmbedBaseURL: getenv("NEWSBOT_EMBED_BASE_URL"),
		EmbedAPIKey:  getenv("NEWSBOT_EMBED_API_KEY"),
	}
	var err error
	if c.Offline, err = envBool(getenv, "NEWSBOT_OFFLINE"); err != nil {
		return c, err
	}
	if c.EmbedDims, err = envInt(getenv, "NEWSBOT_EMBED_DIMENSIONS", 0); err != nil {
		return c, err
	}
	if c.EmbedBatch, err = envInt(getenv, "NEWSBOT_EMBED_BATCH", 128); err != nil {
		return c, err
	}
	secs, err := envInt(getenv, "NEWSBOT_REQUEST_TIMEOUT", 60)
	if err != nil {
		return c, err
	}
	c.RequestTimeout = time.Duration(secs) * time.Second
	if c.IndexDir == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		c.IndexDir = filepath.Join(dir, "newsbot")
	}
	return c, nil
}

func envBool(getenv func(string) string, name string) (bool, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, usageError{fmt.Sprintf("%s=%q: want true or false", name, v)}
	}
	return b, nil
}

func envInt(getenv func(string) string, name string, def int) (int, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, usageError{fmt.Sprintf("%s=%q: want a whole number", name, v)}
	}
	return n, nil
}

// remote reports whether an OpenAI-compatible endpoint is configured.
func (c config) remote() bool {
	return !c.Offline && (c.APIKey != "" || c.BaseURL != "")
}

func (c config) baseURL() string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	return defaultBaseURL
}

// embedder returns the configured embedder: the OpenAI-compatible one when
// an endpoint is configured for embeddings, else the local one.
func (c config) embedder() (retrieval.Embedder, error) {
	if c.Offline || c.EmbedModel == "local" {
		return retrieval.LocalEmbedder{}, nil
	}
	base, key := c.EmbedBaseURL, c.EmbedAPIKey
	if base == "" && key == "" {
		if !c.remote() {
			return retrieval.LocalEmbedder{}, nil
		}
		base, key = c.baseURL(), c.APIKey
	}
	if base == "" {
		base = defaultBaseURL
	}
	model := c.EmbedModel
	if model == "" {
		model = defaultEmbedModel
	}
	return retrieval.NewOpenAIEmbedder(retrieval.OpenAIEmbedderConfig{
		Client:     openaiclient.Config{BaseURL: base, APIKey: key, RequestTimeout: c.RequestTimeout},
		Model:      model,
		Dimensions: c.EmbedDims,
		BatchSize:  c.EmbedBatch,
	})
}

// chat returns the configured chat model, or nil for extractive answers.
func (c config) chat() (answer.ChatModel, error) {
	if !c.remote() || c.ChatModel == "none" {
		return nil, nil
	}
	model := c.ChatModel
	if model == "" {
		model = defaultChatModel
	}
	return answer.NewOpenAIChat(answer.OpenAIChatConfig{
		Client: openaiclient.Config{BaseURL: c.baseURL(), APIKey: c.APIKey, RequestTimeout: c.RequestTimeout},
		Model:  model,
	})
}

// loader returns the corpus loader: the directory when one is configured,
// else the embedded article.
func (c config) loader() func() ([]retrieval.Document, error) {
	if c.DataDir != "" {
		dir := c.DataDir
		return func() ([]retrieval.Document, error) { return retrieval.LoadDir(dir) }
	}
	return func() ([]retrieval.Document, error) { return retrieval.LoadFS(data.Articles()) }
}

// newEngine builds the engine and its index. Warnings (a damaged cache)
// go to logger; progress, if set, reports embedding.
func newEngine(ctx context.Context, c config, logger *slog.Logger, progress func(done, total int)) (*answer.Engine, answer.ReloadStats, error) {
	p, err := prompts.Load(c.PromptsDir)
	if err != nil {
		return nil, answer.ReloadStats{}, err
	}
	cache, warn, err := retrieval.OpenCache(c.IndexDir)
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
	return answer.New(ctx, answer.Config{
		Load:     c.loader(),
		Embedder: emb,
		Chat:     chat,
		Cache:    cache,
		Prompts:  p,
		Logger:   logger,
		Progress: progress,
	})
}

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
				return nil, err
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
