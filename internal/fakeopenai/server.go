// Package fakeopenai is an OpenAI-compatible server on httptest for the
// tests of every package that talks to one: batched embeddings, chat plain
// and streamed, counters of what it received, and injected faults.
package fakeopenai

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/newsbot/newsbot/internal/openaiclient"
)

// DefaultDims is the length of the vectors when Options.Dims is 0 and the
// request asks for no dimensions.
const DefaultDims = 64

// Endpoint names an endpoint of the server, relative to its URL.
type Endpoint string

// The endpoints served.
const (
	Embeddings Endpoint = "embeddings"
	Chat       Endpoint = "chat/completions"
)

// Options configure a Server; the zero value works.
type Options struct {
	// Dims is the length of the vectors (DefaultDims when 0), unless a
	// request asks for its own "dimensions".
	Dims int
	// Latency is added to every request before it is answered.
	Latency time.Duration
	// ShuffleEmbeddings returns the embeddings of a request out of order
	// (each with its index), as a server may.
	ShuffleEmbeddings bool
	// Reply produces the chat model's reply; nil replies with
	// DefaultReply. It may be called from several requests at once.
	Reply func(ChatRequest) string
	// ReasoningContent, when set, produces a reasoning_content field sent
	// with the reply, as DeepSeek's API, vLLM and LM Studio do for
	// reasoning models: next to content in a plain reply, as deltas before
	// the content in a stream.
	ReasoningContent func(ChatRequest) string
	// FinishReason, when set, replaces the finish reason of every chat
	// reply ("content_filter", "length").
	FinishReason string
	// StreamPieceBytes, when above 0, streams the content in pieces of that
	// many bytes (whole runes) rather than word by word, so that tags and
	// markers are split across chunks.
	StreamPieceBytes int
	// Seed seeds the random faults and the shuffling.
	Seed uint64
	// APIKey, when set, is required as the bearer token (401 otherwise).
	APIKey string
}

// DefaultReply is the reply when Options.Reply is nil and the request
// shows no numbered snippet: a short answer citing the first snippet. With
// snippets ("[1] (from …)" followed by its text, as newsbot's prompt
// numbers them) the reply is GroundedReply's: a claim the snippet supports.
const DefaultReply = "The article answers this in the first snippet [1]."

// snippetOne finds the text of snippet [1] in a prompt.
var snippetOne = regexp.MustCompile(`(?m)^\[1\][^\n]*\n([^\n]+)`)

// groundedWords is the length of GroundedReply's claim, about that of
// DefaultReply, so that streams stay as short as they were.
const groundedWords = 10

// GroundedReply returns the first words of snippet [1] of the last user
// message of r, cited "[1]", or DefaultReply when there is none.
func GroundedReply(r ChatRequest) string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role != "user" {
			continue
		}
		m := snippetOne.FindStringSubmatch(r.Messages[i].Content)
		if m == nil {
			break
		}
		// The first words of the snippet, as many as a short reply has:
		// every word is the snippet's, so the claim is supported.
		words := strings.Fields(m[1])
		words = words[:min(len(words), groundedWords)]
		return strings.TrimRight(strings.Join(words, " "), ".,;:") + " [1]."
	}
	return DefaultReply
}

// Message is one chat message as the server received it.
type Message struct {
	Role    string
	Content string
}

// ChatRequest is a chat completion request as the server received it.
type ChatRequest struct {
	Model        string
	Messages     []Message
	Stream       bool
	IncludeUsage bool     // stream_options.include_usage
	Temperature  *float64 // nil when the request had none
	// MaxTokens is max_tokens, or max_completion_tokens when that is set.
	MaxTokens int
}

// Server is a fake OpenAI-compatible server listening on 127.0.0.1. It is
// safe for concurrent use.
type Server struct {
	// URL is the API's base URL, ending in /v1.
	URL string

	opts      Options
	ts        *httptest.Server
	closing   chan struct{}
	closeOnce sync.Once

	mu       sync.Mutex
	rng      *rand.Rand
	scripts  map[Endpoint]*script
	requests map[Endpoint]int
	inputs   int
	batches  [][]string
	chats    []ChatRequest
	ids      int
}

// New starts a server; Close stops it.
func New(opts Options) *Server {
	if opts.Dims <= 0 {
		opts.Dims = DefaultDims
	}
	s := &Server{
		opts:     opts,
		closing:  make(chan struct{}),
		rng:      rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed)),
		scripts:  map[Endpoint]*script{Embeddings: {}, Chat: {}},
		requests: map[Endpoint]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/embeddings", s.endpoint(Embeddings, s.embeddings))
	mux.HandleFunc("/v1/chat/completions", s.endpoint(Chat, s.chat))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Unknown request URL: "+r.Method+" "+r.URL.Path, "invalid_request_error", "")
	})
	s.ts = httptest.NewServer(mux)
	s.URL = s.ts.URL + "/v1"
	return s
}

// Close stops the server, releasing requests that hang or wait.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.ts.Close()
	})
}

// FailNext makes the next n requests to ep fail with f, after any faults
// already planned.
func (s *Server) FailNext(ep Endpoint, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := s.scripts[ep]
	for range n {
		sc.next = append(sc.next, f)
	}
}

// FailRandomly makes each request to ep (once the planned faults are
// used) fail with f with probability rate, drawn from the seeded RNG.
func (s *Server) FailRandomly(ep Endpoint, rate float64, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := s.scripts[ep]
	sc.rate, sc.random = rate, f
}

// ClearFaults removes every planned and random fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ep := range s.scripts {
		s.scripts[ep] = &script{}
	}
}

// Requests returns how many requests ep received, faulty ones included.
func (s *Server) Requests(ep Endpoint) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[ep]
}

// EmbedRequests returns how many requests the embeddings endpoint received,
// faulty ones included.
func (s *Server) EmbedRequests() int { return s.Requests(Embeddings) }

// ChatRequests returns how many requests the chat endpoint received,
// faulty ones included.
func (s *Server) ChatRequests() int { return s.Requests(Chat) }

// InputsEmbedded returns how many inputs were answered with a vector.
func (s *Server) InputsEmbedded() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inputs
}

// Batches returns the inputs of each embeddings request answered with
// vectors, in the order they were answered.
func (s *Server) Batches() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([][]string, len(s.batches))
	for i, b := range s.batches {
		out[i] = append([]string(nil), b...)
	}
	return out
}

// Chats returns each chat request that was answered normally, in order.
func (s *Server) Chats() []ChatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ChatRequest, len(s.chats))
	for i, c := range s.chats {
		c.Messages = append([]Message(nil), c.Messages...)
		out[i] = c
	}
	return out
}

// Reset zeroes the counters and forgets the recorded requests; planned
// faults stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = map[Endpoint]int{}
	s.inputs, s.batches, s.chats = 0, nil, nil
}

// handler serves one endpoint's request once counted, authorized, delayed
// and given its fault.
type handler func(w http.ResponseWriter, r *http.Request, body []byte, f Fault)

func (s *Server) endpoint(ep Endpoint, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests[ep]++
		s.mu.Unlock()
		if r.Method != http.MethodPost {
			writeError(w, http.StatusMethodNotAllowed, "use POST", "invalid_request_error", "")
			return
		}
		if s.opts.APIKey != "" && r.Header.Get("Authorization") != "Bearer "+s.opts.APIKey {
			writeError(w, http.StatusUnauthorized, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		if err != nil {
			return
		}
		if s.opts.Latency > 0 && !s.wait(r, s.opts.Latency) {
			return
		}
		f := s.fault(ep)
		switch f.Kind {
		case RateLimit:
			switch f.RetryAfter {
			case "-":
			case "":
				w.Header().Set("Retry-After", "1")
			default:
				w.Header().Set("Retry-After", f.RetryAfter)
			}
			writeError(w, http.StatusTooManyRequests, "Rate limit reached for requests. Please try again later.", "requests", "rate_limit_exceeded")
			return
		case ServerError:
			msg := f.Message
			if msg == "" {
				msg = "The server had an error while processing your request."
			}
			writeError(w, orDefault(f.Status, http.StatusInternalServerError), msg, "server_error", "")
			return
		case OllamaError:
			msg := f.Message
			if msg == "" {
				var req struct {
					Model string `json:"model"`
				}
				_ = json.Unmarshal(body, &req)
				msg = fmt.Sprintf("model %q not found, try pulling it first", req.Model)
			}
			writeJSON(w, orDefault(f.Status, http.StatusNotFound), map[string]string{"error": msg})
			return
		case Hang:
			if !s.wait(r, f.Delay) || f.Delay <= 0 {
				return
			}
			f = Fault{}
		}
		h(w, r, body, f)
	}
}

// fault returns the fault planned for the next request to ep.
func (s *Server) fault(ep Endpoint) Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := s.scripts[ep]
	if len(sc.next) > 0 {
		f := sc.next[0]
		sc.next = sc.next[1:]
		return f
	}
	if sc.rate > 0 && s.rng.Float64() < sc.rate {
		return sc.random
	}
	return Fault{}
}

// wait holds a request for d; d <= 0 holds it until the client gives up
// or the server closes. It reports whether the whole time passed.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-r.Context().Done():
		return false
	case <-s.closing:
		return false
	}
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// writeJSON writes v as a JSON answer with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// writeError writes an error in OpenAI's shape.
func writeError(w http.ResponseWriter, status int, message, typ, code string) {
	e := map[string]any{"message": message, "type": typ, "param": nil, "code": nil}
	if code != "" {
		e["code"] = code
	}
	writeJSON(w, status, map[string]any{"error": e})
}

// words counts the words of s, the fake's idea of tokens.
func words(s string) int { return len(strings.Fields(s)) }

// ClientConfig returns a client configuration for the server at baseURL
// (a Server's URL, or any test server) with retry waits short enough for
// tests: milliseconds, not seconds. Retry-After is still honoured.
func ClientConfig(baseURL string) openaiclient.Config {
	return openaiclient.Config{
		BaseURL:        baseURL,
		RequestTimeout: 5 * time.Second,
		BaseBackoff:    time.Millisecond,
		MaxBackoff:     5 * time.Millisecond,
	}
}

// DownURL is the base URL of an endpoint that is down: loopback port 1,
// where nothing listens on a test machine, so a request is refused. A
// closed server's own URL is not one: its port goes back to the pool of
// ephemeral ports, and a server another test starts in parallel may be
// given it (a test then "reached" the down endpoint and a parallel test
// counted a request it never sent). Port 1 is below that pool.
const DownURL = "http://127.0.0.1:1"
