package retrieval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sync"

	openai "github.com/sashabaranov/go-openai"

	"github.com/newsbot/newsbot/internal/openaiclient"
)

// DefaultEmbedBatchSize is how many texts an OpenAIEmbedder sends per
// request unless told otherwise. OpenAI accepts up to 2048.
const DefaultEmbedBatchSize = 128

// DefaultEmbedConcurrency is how many batch requests an OpenAIEmbedder
// keeps in flight unless told otherwise. Four hides most of a remote
// endpoint's latency (1,000 texts in 8 requests take 2 round trips instead
// of 8) while staying far below the request rate limits of OpenAI's
// embedding tiers; a local server that embeds one request at a time just
// queues them.
const DefaultEmbedConcurrency = 4

// OpenAIEmbedderConfig configures an OpenAIEmbedder.
type OpenAIEmbedderConfig struct {
	// Client says where the server is and how to retry; see openaiclient.
	Client openaiclient.Config
	// Model is the embedding model's name, e.g. "text-embedding-3-small"
	// or Ollama's "nomic-embed-text". Required.
	Model string
	// Dimensions asks the model for vectors of this length (OpenAI's
	// text-embedding-3 models support it); 0 takes the model's own.
	Dimensions int
	// BatchSize is the number of texts per request; 0 means
	// DefaultEmbedBatchSize.
	BatchSize int
	// Concurrency is the most batch requests in flight at once; 0 means
	// DefaultEmbedConcurrency, 1 sends batches one after the other.
	Concurrency int
}

// OpenAIEmbedder embeds texts with an OpenAI-compatible /embeddings
// endpoint, many texts per request, with the retries of openaiclient. It is
// safe for concurrent use.
type OpenAIEmbedder struct {
	client      *openai.Client
	baseURL     string
	model       string
	dims        int
	batchSize   int
	concurrency int
}

// NewOpenAIEmbedder returns an embedder for cfg. It sends no request.
func NewOpenAIEmbedder(cfg OpenAIEmbedderConfig) (*OpenAIEmbedder, error) {
	if cfg.Model == "" {
		return nil, errors.New("openai embedder: no model name")
	}
	if cfg.Dimensions < 0 || cfg.BatchSize < 0 || cfg.Concurrency < 0 {
		return nil, fmt.Errorf("openai embedder: negative dimensions, batch size or concurrency (%d, %d, %d)", cfg.Dimensions, cfg.BatchSize, cfg.Concurrency)
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = DefaultEmbedConcurrency
	}
	if dt, ok := http.DefaultTransport.(*http.Transport); ok && cfg.Client.Transport == nil &&
		(cfg.Client.HTTPClient == nil || cfg.Client.HTTPClient.Transport == nil) {
		// http.DefaultTransport keeps 2 idle connections per host: with
		// more requests in flight, every round would close the others and
		// dial (and, over TLS, handshake) again.
		t := dt.Clone()
		t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, cfg.Concurrency)
		cfg.Client.Transport = t
	}
	e := &OpenAIEmbedder{
		client:      openaiclient.New(cfg.Client),
		baseURL:     cfg.Client.URL(),
		model:       cfg.Model,
		dims:        cfg.Dimensions,
		batchSize:   cfg.BatchSize,
		concurrency: cfg.Concurrency,
	}
	if e.batchSize == 0 {
		e.batchSize = DefaultEmbedBatchSize
	}
	return e, nil
}

// Model implements Embedder: "openai:<model>", with "@<dims>" when
// Dimensions is set, so that the cache key changes with either.
func (e *OpenAIEmbedder) Model() string {
	if e.dims > 0 {
		return fmt.Sprintf("openai:%s@%d", e.model, e.dims)
	}
	return "openai:" + e.model
}

// Embed implements Embedder. It sends the texts in batches of BatchSize,
// at most Concurrency requests at a time (each retried by openaiclient),
// places each returned vector by its index (servers may answer out of
// order, and go-openai does not reorder), and checks that every text got
// exactly one vector, all of the same length, before normalizing them. The
// first failed batch cancels the others; its error names the URL.
func (e *OpenAIEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	if len(texts) == 0 {
		return out, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
		slots    = make(chan struct{}, e.concurrency)
	)
	fail := func(err error) {
		once.Do(func() {
			firstErr = err
			cancel()
		})
	}
	batches := (len(texts) + e.batchSize - 1) / e.batchSize
	for b := range batches {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		lo, hi := b*e.batchSize, min((b+1)*e.batchSize, len(texts))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			if err := e.embedBatch(ctx, texts[lo:hi], out[lo:hi]); err != nil {
				if batches > 1 {
					err = fmt.Errorf("embed texts %d-%d of %d: %w", lo+1, hi, len(texts), err)
				}
				fail(err)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, v := range out {
		if len(v) != len(out[0]) {
			return nil, fmt.Errorf("embeddings at %s: vectors of different lengths (%d for text 1, %d for text %d)", e.baseURL, len(out[0]), len(v), i+1)
		}
	}
	return out, nil
}

// embedBatch embeds texts with one request and stores the normalized
// vectors into out, which has the same length.
func (e *OpenAIEmbedder) embedBatch(ctx context.Context, texts []string, out [][]float32) error {
	res, err := e.client.CreateEmbeddings(ctx, openai.EmbeddingRequest{
		Input:      texts,
		Model:      openai.EmbeddingModel(e.model),
		Dimensions: e.dims,
	})
	if err != nil {
		return openaiclient.Wrap(err, "embeddings", e.baseURL)
	}
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("embeddings at %s: invalid response: %s", e.baseURL, fmt.Sprintf(format, args...))
	}
	if len(res.Data) != len(texts) {
		return invalid("%d embeddings for %d inputs", len(res.Data), len(texts))
	}
	for _, d := range res.Data {
		switch {
		case d.Index < 0 || d.Index >= len(texts):
			return invalid("index %d out of range 0-%d", d.Index, len(texts)-1)
		case out[d.Index] != nil:
			return invalid("index %d appears twice", d.Index)
		case len(d.Embedding) == 0:
			return invalid("empty vector for index %d", d.Index)
		case e.dims > 0 && len(d.Embedding) != e.dims:
			return invalid("vector of %d dimensions for index %d, asked for %d", len(d.Embedding), d.Index, e.dims)
		}
		v, ok := unitVector(d.Embedding)
		if !ok {
			return invalid("vector for index %d has no direction (zero, NaN or infinite)", d.Index)
		}
		out[d.Index] = v
	}
	// len(Data) == len(texts) and no index twice: every index is present.
	return nil
}

// unitVector returns v scaled to length 1, or false when v has no length.
func unitVector(v []float32) ([]float32, bool) {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	n := math.Sqrt(sum)
	if n == 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		return nil, false
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / n)
	}
	return out, true
}
