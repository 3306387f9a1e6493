// Package openaiclient builds go-openai clients for any OpenAI-compatible
// server (OpenAI, Ollama, vLLM, LM Studio, llama.cpp) with what go-openai
// lacks: retries with backoff on 429 and 5xx, a per-attempt timeout, and
// errors that name the endpoint and say what went wrong in one line.
package openaiclient

import (
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Defaults applied by New to the zero fields of a Config.
const (
	DefaultBaseURL        = "https://api.openai.com/v1"
	DefaultRequestTimeout = 60 * time.Second
	DefaultMaxRetries     = 4
	DefaultBaseBackoff    = 500 * time.Millisecond
	DefaultMaxBackoff     = 8 * time.Second
	DefaultMaxRetryAfter  = 30 * time.Second
)

// Config describes how to reach an OpenAI-compatible server. The zero value
// talks to api.openai.com without a key; every zero field takes its default.
type Config struct {
	// BaseURL is the API root, ending in /v1 for most servers (for Ollama:
	// http://localhost:11434/v1). Errors name it.
	BaseURL string
	// APIKey is sent as a bearer token. Empty sends no Authorization
	// header, which is what Ollama and most local servers expect.
	APIKey string
	// RequestTimeout bounds each attempt, from sending the request to
	// reading the last byte of its response (a whole stream included).
	RequestTimeout time.Duration
	// MaxRetries is the number of retries after the first attempt; 0 means
	// DefaultMaxRetries, a negative value disables retries.
	MaxRetries int
	// BaseBackoff is the wait before the first retry; each retry doubles it
	// up to MaxBackoff, and the wait is jittered between half and all of it.
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	// MaxRetryAfter caps the wait a server asks for with Retry-After, so
	// that a server asking for an hour does not hang the caller for an hour.
	MaxRetryAfter time.Duration
	// HTTPClient, when set, is copied and its Transport wrapped with the
	// retries. Its Timeout, if any, bounds the whole call, retries included.
	HTTPClient *http.Client
	// Transport is the RoundTripper the retries go through; nil means
	// HTTPClient's Transport, or http.DefaultTransport.
	Transport http.RoundTripper
	// OnRetry, when set, is called before each retry with the attempt that
	// failed (from 1), the wait before the next one and why; for logging.
	OnRetry func(attempt int, wait time.Duration, reason string)
}

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.MaxRetries == 0 {
		// A negative value stays: it means no retries, and applying the
		// defaults twice must not turn it into the default.
		c.MaxRetries = DefaultMaxRetries
	}
	if c.BaseBackoff <= 0 {
		c.BaseBackoff = DefaultBaseBackoff
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = max(DefaultMaxBackoff, c.BaseBackoff)
	}
	if c.MaxRetryAfter <= 0 {
		c.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return c
}

// URL returns the base URL that requests go to and errors name: BaseURL
// without its trailing slash, or DefaultBaseURL.
func (c Config) URL() string {
	return c.withDefaults().BaseURL
}

// New returns a go-openai client for cfg whose requests are retried and
// time-limited as cfg says.
func New(cfg Config) *openai.Client {
	cfg = cfg.withDefaults()
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	oc.HTTPClient = NewHTTPClient(cfg)
	return openai.NewClientWithConfig(oc)
}

// NewHTTPClient returns the *http.Client that New gives go-openai: cfg's
// HTTPClient (or a new one) with its transport wrapped by the retries.
func NewHTTPClient(cfg Config) *http.Client {
	cfg = cfg.withDefaults()
	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	base := cfg.Transport
	if base == nil {
		base = hc.Transport
	}
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = &retryTransport{cfg: cfg, base: base}
	return &hc
}
