package retrieval_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/fakeopenai"
	"github.com/newsbot/newsbot/retrieval"
)

var _ retrieval.Embedder = (*retrieval.OpenAIEmbedder)(nil)

// newEmbedder returns an embedder for the server at url with a backoff short
// enough for tests; adjust changes its config first.
func newEmbedder(t *testing.T, url string, adjust func(*retrieval.OpenAIEmbedderConfig)) *retrieval.OpenAIEmbedder {
	t.Helper()
	cfg := retrieval.OpenAIEmbedderConfig{
		Client: fakeopenai.ClientConfig(url),
		Model:  "test-embed",
	}
	if adjust != nil {
		adjust(&cfg)
	}
	e, err := retrieval.NewOpenAIEmbedder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func texts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Text number %d about talks in Riyadh, paragraph %d.", i, i*7)
	}
	return out
}

func unit(v []float32) []float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	n := math.Sqrt(s)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / n)
	}
	return out
}

// checkVectors fails unless vecs are the fake's normalized vectors of in,
// in order.
func checkVectors(t *testing.T, in []string, vecs [][]float32, dims int) {
	t.Helper()
	if len(vecs) != len(in) {
		t.Fatalf("%d vectors for %d texts", len(vecs), len(in))
	}
	for i, v := range vecs {
		if !reflect.DeepEqual(v, unit(fakeopenai.Vector(in[i], dims))) {
			t.Fatalf("vector %d is not the normalized vector of text %d", i, i)
		}
	}
}

func TestOpenAIEmbedderSends300TextsIn3BatchesOfAtMost128(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	in := texts(300)
	vecs, err := newEmbedder(t, s.URL, nil).Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, vecs, fakeopenai.DefaultDims)
	if got := s.EmbedRequests(); got != 3 {
		t.Errorf("%d requests, want 3", got)
	}
	var sizes []int
	for _, b := range s.Batches() {
		sizes = append(sizes, len(b))
	}
	// Batches are in flight together: they may arrive in any order.
	slices.Sort(sizes)
	if !reflect.DeepEqual(sizes, []int{44, 128, 128}) {
		t.Errorf("batch sizes %v, want 44, 128 and 128", sizes)
	}
}

func TestOpenAIEmbedderBatchSizeIsConfigurable(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	e := newEmbedder(t, s.URL, func(c *retrieval.OpenAIEmbedderConfig) { c.BatchSize = 10 })
	if _, err := e.Embed(context.Background(), texts(25)); err != nil {
		t.Fatal(err)
	}
	if got := s.EmbedRequests(); got != 3 {
		t.Errorf("%d requests, want 3", got)
	}
}

func TestOpenAIEmbedderMapsShuffledResultsByIndex(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{ShuffleEmbeddings: true, Seed: 1})
	defer s.Close()
	in := texts(200)
	vecs, err := newEmbedder(t, s.URL, nil).Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, vecs, fakeopenai.DefaultDims)
}

func TestOpenAIEmbedderConcurrentBatchesKeepTheOrder(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{ShuffleEmbeddings: true, Seed: 2, Latency: 5 * time.Millisecond})
	defer s.Close()
	in := texts(1000)
	e := newEmbedder(t, s.URL, func(c *retrieval.OpenAIEmbedderConfig) { c.BatchSize, c.Concurrency = 50, 4 })
	vecs, err := e.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, vecs, fakeopenai.DefaultDims)
	if got := s.EmbedRequests(); got != 20 {
		t.Errorf("%d requests, want 20", got)
	}
}

func TestOpenAIEmbedderReturnsUnitVectorsOfTheAskedDimensions(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	e := newEmbedder(t, s.URL, func(c *retrieval.OpenAIEmbedderConfig) { c.Dimensions = 32 })
	vecs, err := e.Embed(context.Background(), []string{"one", "two words", ""})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vecs {
		var sum float64
		for _, x := range v {
			sum += float64(x) * float64(x)
		}
		if len(v) != 32 || math.Abs(sum-1) > 1e-5 {
			t.Errorf("vector %d: %d dims, squared norm %v; want 32 and 1", i, len(v), sum)
		}
	}
}

func TestOpenAIEmbedderSendsNoRequestForNoTexts(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	vecs, err := newEmbedder(t, s.URL, nil).Embed(context.Background(), nil)
	if err != nil || len(vecs) != 0 {
		t.Fatalf("got %v, %v", vecs, err)
	}
	if got := s.EmbedRequests(); got != 0 {
		t.Errorf("%d requests, want 0", got)
	}
}

func TestOpenAIEmbedderModelNameChangesWithModelAndDimensions(t *testing.T) {
	t.Parallel()
	names := map[string]bool{}
	for _, c := range []retrieval.OpenAIEmbedderConfig{
		{Model: "text-embedding-3-small"},
		{Model: "text-embedding-3-large"},
		{Model: "text-embedding-3-small", Dimensions: 256},
		{Model: "text-embedding-3-small", Dimensions: 512},
	} {
		e, err := retrieval.NewOpenAIEmbedder(c)
		if err != nil {
			t.Fatal(err)
		}
		names[e.Model()] = true
	}
	if len(names) != 4 {
		t.Errorf("names %v, want 4 different", names)
	}
	e, _ := retrieval.NewOpenAIEmbedder(retrieval.OpenAIEmbedderConfig{Model: "text-embedding-3-small", Dimensions: 256})
	if got := e.Model(); got != "openai:text-embedding-3-small@256" {
		t.Errorf("Model() = %q", got)
	}
	if _, err := retrieval.NewOpenAIEmbedder(retrieval.OpenAIEmbedderConfig{}); err == nil {
		t.Error("no error without a model name")
	}
}

func TestOpenAIEmbedderRetriesRateLimitHonouringRetryAfter(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailNext(fakeopenai.Embeddings, 1, fakeopenai.RateLimited("1"))
	var waits []time.Duration
	var mu sync.Mutex
	e := newEmbedder(t, s.URL, func(c *retrieval.OpenAIEmbedderConfig) {
		c.Client.OnRetry = func(_ int, wait time.Duration, _ string) {
			mu.Lock()
			waits = append(waits, wait)
			mu.Unlock()
		}
	})
	start := time.Now()
	in := texts(3)
	vecs, err := e.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, vecs, fakeopenai.DefaultDims)
	if el := time.Since(start); el < time.Second {
		t.Errorf("done after %v, before Retry-After", el)
	}
	mu.Lock()
	defer mu.Unlock()
	if !reflect.DeepEqual(waits, []time.Duration{time.Second}) {
		t.Errorf("waits %v, want [1s]", waits)
	}
	if got := s.EmbedRequests(); got != 2 {
		t.Errorf("%d requests, want 2", got)
	}
}

func TestOpenAIEmbedderRetriesServerErrorThenSucceeds(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailNext(fakeopenai.Embeddings, 1, fakeopenai.Failing())
	in := texts(130)
	vecs, err := newEmbedder(t, s.URL, nil).Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, vecs, fakeopenai.DefaultDims)
	if got := s.EmbedRequests(); got != 3 {
		t.Errorf("%d requests, want 3 (2 batches, 1 retry)", got)
	}
}

func TestOpenAIEmbedderErrorsNameTheURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault fakeopenai.Fault
		want  string // after "embeddings at URL: "
	}{
		{"malformed JSON", fakeopenai.Malformed(), "malformed JSON in the response: invalid character 'o' looking for beginning of value"},
		{"no data", fakeopenai.NoChoices(), "invalid response: 0 embeddings for 3 inputs"},
		{"Ollama error", fakeopenai.Ollama(0, ""), `404 Not Found: model "test-embed" not found, try pulling it first`},
		{"rate limited for good", fakeopenai.RateLimited("0"), "429 Too Many Requests after 5 attempts: Rate limit reached for requests. Please try again later."},
		{"server error for good", fakeopenai.Failing(), "500 Internal Server Error after 5 attempts: The server had an error while processing your request."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := fakeopenai.New(fakeopenai.Options{})
			defer s.Close()
			s.FailRandomly(fakeopenai.Embeddings, 1, tt.fault)
			_, err := newEmbedder(t, s.URL, nil).Embed(context.Background(), texts(3))
			want := "embeddings at " + s.URL + ": " + tt.want
			if err == nil || err.Error() != want {
				t.Errorf("got  %v\nwant %s", err, want)
			}
		})
	}
}

func TestOpenAIEmbedderFailedBatchSaysWhichTexts(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailRandomly(fakeopenai.Embeddings, 1, fakeopenai.Ollama(400, "input too long"))
	e := newEmbedder(t, s.URL, func(c *retrieval.OpenAIEmbedderConfig) { c.Concurrency = 1 })
	_, err := e.Embed(context.Background(), texts(300))
	want := "embed texts 1-128 of 300: embeddings at " + s.URL + ": 400 Bad Request: input too long"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	if got := s.EmbedRequests(); got != 1 {
		t.Errorf("%d requests, want 1: a failed batch stops the others", got)
	}
}

func TestOpenAIEmbedderFailedBatchStopsConcurrentBatches(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailRandomly(fakeopenai.Embeddings, 1, fakeopenai.Ollama(400, "input too long"))
	e := newEmbedder(t, s.URL, func(c *retrieval.OpenAIEmbedderConfig) { c.BatchSize = 10 })
	_, err := e.Embed(context.Background(), texts(300))
	re := regexp.MustCompile(`^embed texts (\d+)-(\d+) of 300: embeddings at ` + regexp.QuoteMeta(s.URL) + `: 400 Bad Request: input too long$`)
	if err == nil || !re.MatchString(err.Error()) {
		t.Errorf("got %v, want a batch's texts, the URL and the server's message", err)
	}
	// The batches already in flight fail too; no batch starts after the
	// first failure.
	if got := s.EmbedRequests(); got > retrieval.DefaultEmbedConcurrency {
		t.Errorf("%d of 30 requests sent, want at most %d: a failed batch stops the others", got, retrieval.DefaultEmbedConcurrency)
	}
}

func TestOpenAIEmbedderEndpointDownNamesTheURL(t *testing.T) {
	t.Parallel()
	url := fakeopenai.DownURL
	_, err := newEmbedder(t, url, nil).Embed(context.Background(), texts(3))
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "embeddings at "+url+": ") || !strings.Contains(msg, "connection refused after 5 attempts") {
		t.Errorf("got %q", msg)
	}
}

func TestOpenAIEmbedderCancelledContextStopsRetries(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailRandomly(fakeopenai.Embeddings, 1, fakeopenai.Failing())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := newEmbedder(t, s.URL, func(c *retrieval.OpenAIEmbedderConfig) {
		c.Client.BaseBackoff, c.Client.MaxBackoff = time.Minute, time.Minute
		c.Client.OnRetry = func(int, time.Duration, string) { cancel() }
	})
	start := time.Now()
	_, err := e.Embed(ctx, texts(3))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("returned after %v", el)
	}
	if !strings.Contains(err.Error(), s.URL) {
		t.Errorf("got %q, want the URL", err)
	}
	if got := s.EmbedRequests(); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
}

func TestOpenAIEmbedderRejectsInconsistentResponses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string // answer to a request for 2 texts
		dims int
		want string // after "embeddings at URL: invalid response: "
	}{
		{"too few", `{"data":[{"index":0,"embedding":[1,0]}]}`, 0, "1 embeddings for 2 inputs"},
		{"index twice", `{"data":[{"index":1,"embedding":[1,0]},{"index":1,"embedding":[0,1]}]}`, 0, "index 1 appears twice"},
		{"index out of range", `{"data":[{"index":0,"embedding":[1,0]},{"index":2,"embedding":[0,1]}]}`, 0, "index 2 out of range 0-1"},
		{"zero vector", `{"data":[{"index":0,"embedding":[0,0]},{"index":1,"embedding":[0,1]}]}`, 0, "vector for index 0 has no direction (zero, NaN or infinite)"},
		{"empty vector", `{"data":[{"index":0,"embedding":[]},{"index":1,"embedding":[0,1]}]}`, 0, "empty vector for index 0"},
		{"wrong dimensions", `{"data":[{"index":0,"embedding":[1,0]},{"index":1,"embedding":[0,1]}]}`, 3, "vector of 2 dimensions for index 0, asked for 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(tt.body))
			}))
			defer ts.Close()
			url := ts.URL + "/v1"
			e := newEmbedder(t, url, func(c *retrieval.OpenAIEmbedderConfig) { c.Dimensions = tt.dims })
			_, err := e.Embed(context.Background(), []string{"a", "b"})
			want := "embeddings at " + url + ": invalid response: " + tt.want
			if err == nil || err.Error() != want {
				t.Errorf("got  %v\nwant %s", err, want)
			}
		})
	}
}

func TestOpenAIEmbedderRejectsVectorsOfDifferentLengthsAcrossBatches(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	n := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if first {
			w.Write([]byte(`{"data":[{"index":0,"embedding":[1,0]}]}`))
			return
		}
		w.Write([]byte(`{"data":[{"index":0,"embedding":[1,0,0]}]}`))
	}))
	defer ts.Close()
	// One request at a time, so that the first text gets the first answer.
	e := newEmbedder(t, ts.URL+"/v1", func(c *retrieval.OpenAIEmbedderConfig) { c.BatchSize, c.Concurrency = 1, 1 })
	_, err := e.Embed(context.Background(), []string{"a", "b"})
	if err == nil || !strings.Contains(err.Error(), "vectors of different lengths (2 for text 1, 3 for text 2)") {
		t.Errorf("got %v", err)
	}
}

// TestOpenAIEmbedderKeepsDefaultConcurrencyInFlight checks the bound on
// requests in flight: with the default configuration, four requests are
// held open at once (the server waits for the fourth before answering the
// first) and never a fifth.
func TestOpenAIEmbedderKeepsDefaultConcurrencyInFlight(t *testing.T) {
	t.Parallel()
	var (
		mu       sync.Mutex
		inFlight int
		most     int
		requests int
		four     = make(chan struct{})
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Input []string }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		inFlight++
		requests++
		most = max(most, inFlight)
		if inFlight == retrieval.DefaultEmbedConcurrency {
			select {
			case <-four:
			default:
				close(four)
			}
		}
		mu.Unlock()
		defer func() {
			mu.Lock()
			inFlight--
			mu.Unlock()
		}()
		select {
		case <-four:
		case <-time.After(10 * time.Second):
		case <-r.Context().Done():
			return
		}
		type item struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		resp := struct {
			Object string `json:"object"`
			Data   []item `json:"data"`
			Model  string `json:"model"`
		}{Object: "list", Model: "test-embed"}
		for i, s := range req.Input {
			resp.Data = append(resp.Data, item{"embedding", i, fakeopenai.Vector(s, 8)})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	}))
	defer srv.Close()
	e := newEmbedder(t, srv.URL+"/v1", func(c *retrieval.OpenAIEmbedderConfig) { c.BatchSize = 10 })
	in := texts(120)
	vecs, err := e.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, vecs, 8)
	mu.Lock()
	defer mu.Unlock()
	if requests != 12 || most != retrieval.DefaultEmbedConcurrency {
		t.Errorf("%d requests, at most %d in flight; want 12 and %d", requests, most, retrieval.DefaultEmbedConcurrency)
	}
}
