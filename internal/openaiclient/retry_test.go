package openaiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2025, 2, 17, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
		ok     bool
	}{
		{"none", nil, 0, false},
		{"seconds", map[string]string{"Retry-After": "2"}, 2 * time.Second, true},
		{"fractional seconds", map[string]string{"Retry-After": "0.25"}, 250 * time.Millisecond, true},
		{"zero", map[string]string{"Retry-After": "0"}, 0, true},
		{"HTTP date", map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, 90 * time.Second, true},
		{"HTTP date in the past", map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, 0, true},
		{"negative", map[string]string{"Retry-After": "-3"}, 0, false},
		{"garbage", map[string]string{"Retry-After": "soon"}, 0, false},
		{"OpenAI's milliseconds win", map[string]string{"Retry-After": "2", "Retry-After-Ms": "150"}, 150 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			got, ok := retryAfter(h, now)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestBackoffDoublesWithJitterUpToTheCap(t *testing.T) {
	tr := &retryTransport{cfg: Config{BaseBackoff: 100 * time.Millisecond, MaxBackoff: 350 * time.Millisecond}.withDefaults()}
	for attempt, full := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 350 * time.Millisecond, 10: 350 * time.Millisecond} {
		for range 50 {
			if d := tr.backoff(attempt); d < full/2 || d > full {
				t.Fatalf("attempt %d: %v outside [%v, %v]", attempt, d, full/2, full)
			}
		}
	}
}

func TestRetryableStatusesAndErrors(t *testing.T) {
	for code, want := range map[int]bool{200: false, 400: false, 401: false, 404: false, 408: true, 429: true, 500: true, 501: false, 502: true, 503: true, 504: true} {
		if got := retryableStatus(code); got != want {
			t.Errorf("status %d: retryable %v, want %v", code, got, want)
		}
	}
	for err, want := range map[error]bool{
		syscall.ECONNREFUSED:                         true,
		fmt.Errorf("read: %w", syscall.ECONNRESET):   true,
		context.DeadlineExceeded:                     true,
		errors.New("unsupported protocol scheme"):    false,
		&url.Error{Op: "Post", Err: errors.New("x")}: false,
	} {
		if got := retryableErr(err); got != want {
			t.Errorf("%v: retryable %v, want %v", err, got, want)
		}
	}
}

func TestWrapExplainsGoOpenAIErrors(t *testing.T) {
	const base = "http://127.0.0.1:9/v1"
	var syntaxErr error = json.Unmarshal([]byte("{oops"), &struct{}{})
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"API error", &openai.APIError{Message: "Incorrect API key provided: sk-x.", HTTPStatus: "401 Unauthorized", HTTPStatusCode: 401}, "chat/completions at " + base + ": 401 Unauthorized: Incorrect API key provided: sk-x."},
		{"API error without status text", &openai.APIError{Message: "bad", HTTPStatusCode: 400}, "chat/completions at " + base + ": 400 Bad Request: bad"},
		{"error event in a stream", fmt.Errorf("error, %w", &openai.APIError{Message: "overloaded"}), "chat/completions at " + base + ": error reported in the stream: overloaded"},
		{"Ollama body", &openai.RequestError{HTTPStatus: "404 Not Found", HTTPStatusCode: 404, Body: []byte(`{"error":"model \"llama3\" not found, try pulling it first"}`)}, "chat/completions at " + base + `: 404 Not Found: model "llama3" not found, try pulling it first`},
		{"FastAPI detail", &openai.RequestError{HTTPStatus: "422 Unprocessable Entity", HTTPStatusCode: 422, Body: []byte(`{"detail":"field required"}`)}, "chat/completions at " + base + ": 422 Unprocessable Entity: field required"},
		{"HTML page", &openai.RequestError{HTTPStatus: "502 Bad Gateway", HTTPStatusCode: 502, Body: []byte("<html>\n  <body>Bad Gateway</body>\n</html>")}, "chat/completions at " + base + ": 502 Bad Gateway: <html> <body>Bad Gateway</body> </html>"},
		{"transport error", &url.Error{Op: "Post", URL: base + "/chat/completions", Err: errors.New("dial tcp 127.0.0.1:9: connect: connection refused")}, "chat/completions at " + base + ": dial tcp 127.0.0.1:9: connect: connection refused"},
		{"malformed JSON", syntaxErr, "chat/completions at " + base + ": malformed JSON in the response: invalid character 'o' looking for beginning of object key string"},
		{"cancelled", context.Canceled, "chat/completions at " + base + ": context canceled"},
		{"already explained", &url.Error{Op: "Post", URL: "x", Err: &Error{Endpoint: "embeddings", BaseURL: base, Status: "503 Service Unavailable", Attempts: 5}}, "embeddings at " + base + ": 503 Service Unavailable after 5 attempts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Wrap(tt.err, "chat/completions", base+"/")
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
			if !errors.Is(err, tt.err) {
				var e *Error
				if !errors.As(tt.err, &e) {
					t.Errorf("the wrapped error does not unwrap to the original")
				}
			}
		})
	}
}

func TestOneLineShortensLongBodies(t *testing.T) {
	long := make([]byte, 1000)
	for i := range long {
		long[i] = 'x'
	}
	if got := []rune(oneLine(string(long))); len(got) != 301 || got[300] != '…' {
		t.Errorf("got %d runes", len(got))
	}
}
