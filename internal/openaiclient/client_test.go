package openaiclient_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"go.uber.org/goleak"

	"github.com/newsbot/newsbot/internal/fakeopenai"
	"github.com/newsbot/newsbot/internal/openaiclient"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// retries records the waits the client announces before each retry.
type retries struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *retries) record(_ int, wait time.Duration, _ string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, wait)
}

func (r *retries) get() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

// fastConfig is a Config for url whose backoff is short enough for tests.
func fastConfig(url string, r *retries) openaiclient.Config {
	cfg := openaiclient.Config{
		BaseURL:        url,
		RequestTimeout: 5 * time.Second,
		BaseBackoff:    2 * time.Millisecond,
		MaxBackoff:     10 * time.Millisecond,
	}
	if r != nil {
		cfg.OnRetry = r.record
	}
	return cfg
}

func embed(ctx context.Context, c *openai.Client, inputs ...string) error {
	if len(inputs) == 0 {
		inputs = []string{"some text"}
	}
	_, err := c.CreateEmbeddings(ctx, openai.EmbeddingRequest{Input: inputs, Model: "m"})
	return err
}

func TestRetriesRateLimitHonouringRetryAfterSeconds(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailNext(fakeopenai.Embeddings, 1, fakeopenai.RateLimited("1"))
	var r retries
	start := time.Now()
	if err := embed(context.Background(), openaiclient.New(fastConfig(s.URL, &r))); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("succeeded after %v, before the 1s Retry-After", el)
	}
	if got := r.get(); !reflect.DeepEqual(got, []time.Duration{time.Second}) {
		t.Errorf("waits %v, want [1s]", got)
	}
	if got := s.EmbedRequests(); got != 2 {
		t.Errorf("%d requests, want 2", got)
	}
}

func TestRetryAfterIsCappedByMaxRetryAfter(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailNext(fakeopenai.Embeddings, 1, fakeopenai.RateLimited("3600"))
	var r retries
	cfg := fastConfig(s.URL, &r)
	cfg.MaxRetryAfter = 20 * time.Millisecond
	if err := embed(context.Background(), openaiclient.New(cfg)); err != nil {
		t.Fatal(err)
	}
	if got := r.get(); !reflect.DeepEqual(got, []time.Duration{20 * time.Millisecond}) {
		t.Errorf("waits %v, want [20ms]", got)
	}
}

func TestRetriesServerErrorsWithGrowingBackoffThenSucceeds(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailNext(fakeopenai.Embeddings, 2, fakeopenai.Failing())
	var r retries
	cfg := fastConfig(s.URL, &r)
	cfg.BaseBackoff, cfg.MaxBackoff = 10*time.Millisecond, time.Second
	if err := embed(context.Background(), openaiclient.New(cfg), "a", "b"); err != nil {
		t.Fatal(err)
	}
	if got := s.EmbedRequests(); got != 3 {
		t.Errorf("%d requests, want 3", got)
	}
	// The body was sent again whole: the third attempt embedded both inputs.
	if got := s.Batches(); !reflect.DeepEqual(got, [][]string{{"a", "b"}}) {
		t.Errorf("batches %q", got)
	}
	waits := r.get()
	if len(waits) != 2 {
		t.Fatalf("waits %v, want 2", waits)
	}
	for i, w := range waits {
		full := 10 * time.Millisecond << i
		if w < full/2 || w > full {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, w, full/2, full)
		}
	}
}

func TestGivesUpNamingEndpointURLStatusAndAttempts(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailRandomly(fakeopenai.Embeddings, 1, fakeopenai.RateLimited("0"))
	err := openaiclient.Wrap(embed(context.Background(), openaiclient.New(fastConfig(s.URL, nil))), "embeddings", s.URL)
	want := "embeddings at " + s.URL + ": 429 Too Many Requests after 5 attempts: Rate limit reached for requests. Please try again later."
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
	var e *openaiclient.Error
	if !errors.As(err, &e) || e.StatusCode != 429 || e.Attempts != 5 {
		t.Errorf("got %#v", e)
	}
	if got := s.EmbedRequests(); got != 5 {
		t.Errorf("%d requests, want 5 (1 + 4 retries)", got)
	}
}

func TestNegativeMaxRetriesSendsOnce(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailRandomly(fakeopenai.Embeddings, 1, fakeopenai.Failing())
	cfg := fastConfig(s.URL, nil)
	cfg.MaxRetries = -1
	if err := embed(context.Background(), openaiclient.New(cfg)); err == nil {
		t.Fatal("no error")
	}
	if got := s.EmbedRequests(); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
}

func TestErrorsAreClearAndNameTheURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fault    fakeopenai.Fault
		want     string // the message after "embeddings at URL: "
		requests int
	}{
		{"malformed JSON is not retried", fakeopenai.Malformed(), "malformed JSON in the response: invalid character 'o' looking for beginning of value", 1},
		{"a body cut short", fakeopenai.CutStream(), "the response ended early (unexpected EOF)", 1},
		{"Ollama's plain string error", fakeopenai.Ollama(0, ""), `404 Not Found: model "m" not found, try pulling it first`, 1},
		{"Ollama's error on a 500 is retried", fakeopenai.Ollama(500, "llama runner process has terminated"), "500 Internal Server Error after 5 attempts: llama runner process has terminated", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := fakeopenai.New(fakeopenai.Options{})
			defer s.Close()
			s.FailRandomly(fakeopenai.Embeddings, 1, tt.fault)
			err := openaiclient.Wrap(embed(context.Background(), openaiclient.New(fastConfig(s.URL, nil))), "embeddings", s.URL)
			want := "embeddings at " + s.URL + ": " + tt.want
			if err == nil || err.Error() != want {
				t.Errorf("got  %v\nwant %s", err, want)
			}
			if got := s.EmbedRequests(); got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
		})
	}
}

func TestEndpointDownNamesTheURLAfterRetries(t *testing.T) {
	t.Parallel()
	url := fakeopenai.DownURL
	cfg := fastConfig(url, nil)
	cfg.MaxRetries = 2
	err := openaiclient.Wrap(embed(context.Background(), openaiclient.New(cfg)), "embeddings", url)
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "embeddings at "+url+": ") || !strings.Contains(msg, "connection refused") || !strings.HasSuffix(msg, "after 3 attempts") {
		t.Errorf("got %q, want the URL, the cause and 3 attempts", msg)
	}
	if strings.Contains(msg, "Post ") {
		t.Errorf("got %q: the url.Error prefix repeats the URL", msg)
	}
}

func TestCancellingTheContextStopsRetries(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailRandomly(fakeopenai.Embeddings, 1, fakeopenai.Failing())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := fastConfig(s.URL, nil)
	cfg.BaseBackoff, cfg.MaxBackoff = time.Minute, time.Minute
	cfg.OnRetry = func(int, time.Duration, string) { cancel() }
	start := time.Now()
	err := openaiclient.Wrap(embed(ctx, openaiclient.New(cfg)), "embeddings", s.URL)
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("returned after %v", el)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	want := "embeddings at " + s.URL + ": context canceled (last answer: 500 Internal Server Error): The server had an error while processing your request."
	if err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	if got := s.EmbedRequests(); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
}

func TestRetryAfterPastTheDeadlineGivesUpAtOnce(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailRandomly(fakeopenai.Embeddings, 1, fakeopenai.RateLimited("20"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	err := openaiclient.Wrap(embed(ctx, openaiclient.New(fastConfig(s.URL, nil))), "embeddings", s.URL)
	if el := time.Since(start); el > time.Second {
		t.Errorf("returned after %v, want at once", el)
	}
	if err == nil || !strings.Contains(err.Error(), "429 Too Many Requests") || !strings.Contains(err.Error(), "not retried: waiting 20s would pass the deadline") {
		t.Errorf("got %v", err)
	}
}

func TestAttemptTimeoutRetriesAHangingRequest(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailNext(fakeopenai.Embeddings, 1, fakeopenai.Hanging(0))
	var r retries
	cfg := fastConfig(s.URL, &r)
	cfg.RequestTimeout = 200 * time.Millisecond
	if err := embed(context.Background(), openaiclient.New(cfg)); err != nil {
		t.Fatal(err)
	}
	if got := s.EmbedRequests(); got != 2 {
		t.Errorf("%d requests, want 2", got)
	}
}

func TestAttemptTimeoutNamesTheTimeoutAfterRetries(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailRandomly(fakeopenai.Embeddings, 1, fakeopenai.Hanging(0))
	cfg := fastConfig(s.URL, nil)
	cfg.RequestTimeout, cfg.MaxRetries = 50*time.Millisecond, 1
	err := openaiclient.Wrap(embed(context.Background(), openaiclient.New(cfg)), "embeddings", s.URL)
	want := "embeddings at " + s.URL + ": no response within 50ms: context deadline exceeded after 2 attempts"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestAuthorizationHeaderOnlyWithAKey(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"", "sk-test"} {
		var got []string
		var mu sync.Mutex
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			got = r.Header.Values("Authorization")
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"data":[{"index":0,"embedding":[1]}]}`))
		}))
		cfg := fastConfig(ts.URL+"/v1", nil)
		cfg.APIKey = key
		err := embed(context.Background(), openaiclient.New(cfg))
		ts.Close()
		if err != nil {
			t.Fatalf("key %q: %v", key, err)
		}
		mu.Lock()
		if key == "" && len(got) != 0 {
			t.Errorf("no key: sent Authorization %q", got)
		}
		if key != "" && !reflect.DeepEqual(got, []string{"Bearer " + key}) {
			t.Errorf("key: sent Authorization %q", got)
		}
		mu.Unlock()
	}
}

func TestInsufficientQuotaIsNotRetried(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	n := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","code":"insufficient_quota"}}`))
	}))
	defer ts.Close()
	url := ts.URL + "/v1"
	err := openaiclient.Wrap(embed(context.Background(), openaiclient.New(fastConfig(url, nil))), "embeddings", url)
	want := "embeddings at " + url + ": 429 Too Many Requests: You exceeded your current quota."
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestAttemptTimeoutInterruptsASlowBodyAndSaysSo(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte("data: {}\n\n"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer ts.Close()
	cfg := fastConfig(ts.URL+"/v1", nil)
	cfg.RequestTimeout = 100 * time.Millisecond
	resp, err := openaiclient.NewHTTPClient(cfg).Get(ts.URL + "/v1/chat/completions")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	if err == nil || !strings.Contains(err.Error(), "response not complete within 100ms") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v", err)
	}
}
