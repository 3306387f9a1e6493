package fakeopenai_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"go.uber.org/goleak"

	"github.com/newsbot/newsbot/internal/fakeopenai"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func client(s *fakeopenai.Server) *openai.Client {
	cfg := openai.DefaultConfig("")
	cfg.BaseURL = s.URL
	return openai.NewClientWithConfig(cfg)
}

// post sends body to the endpoint and returns the status, headers and body.
func post(t *testing.T, s *fakeopenai.Server, ep fakeopenai.Endpoint, body string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Post(s.URL+"/"+string(ep), "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func TestEmbeddingsAreDeterministicAndCounted(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	inputs := []string{"Talks in Riyadh", "A second text"}
	res, err := client(s).CreateEmbeddings(context.Background(), openai.EmbeddingRequest{Input: inputs, Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Data) != 2 {
		t.Fatalf("got %d embeddings, want 2", len(res.Data))
	}
	for _, d := range res.Data {
		if want := fakeopenai.Vector(inputs[d.Index], fakeopenai.DefaultDims); !reflect.DeepEqual(d.Embedding, want) {
			t.Errorf("embedding %d differs from Vector", d.Index)
		}
	}
	if got := s.EmbedRequests(); got != 1 {
		t.Errorf("EmbedRequests = %d, want 1", got)
	}
	if got := s.InputsEmbedded(); got != 2 {
		t.Errorf("InputsEmbedded = %d, want 2", got)
	}
	if got := s.Batches(); !reflect.DeepEqual(got, [][]string{inputs}) {
		t.Errorf("Batches = %q", got)
	}
	s.Reset()
	if s.EmbedRequests() != 0 || s.InputsEmbedded() != 0 || len(s.Batches()) != 0 {
		t.Error("Reset kept counters")
	}
}

func TestEmbeddingsAcceptOneStringAsChromemSendsIt(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{Dims: 8})
	defer s.Close()
	status, _, body := post(t, s, fakeopenai.Embeddings, `{"input":"hello","model":"m"}`)
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var res struct {
		Data []struct {
			Embedding []float32 `json:"embedding"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Data) != 1 || len(res.Data[0].Embedding) != 8 {
		t.Fatalf("got %+v, want one vector of 8", res)
	}
}

func TestEmbeddingsHonourRequestedDimensions(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	res, err := client(s).CreateEmbeddings(context.Background(), openai.EmbeddingRequest{Input: []string{"x"}, Model: "m", Dimensions: 12})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Data[0].Embedding); n != 12 {
		t.Errorf("got %d dimensions, want 12", n)
	}
}

func TestShuffledEmbeddingsMoveEveryItemButKeepItsIndex(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{ShuffleEmbeddings: true, Seed: 3})
	defer s.Close()
	inputs := []string{"a", "b", "c", "d", "e"}
	res, err := client(s).CreateEmbeddings(context.Background(), openai.EmbeddingRequest{Input: inputs, Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for pos, d := range res.Data {
		if d.Index == pos {
			t.Errorf("item %d kept its place", pos)
		}
		seen[d.Index] = true
		if !reflect.DeepEqual(d.Embedding, fakeopenai.Vector(inputs[d.Index], fakeopenai.DefaultDims)) {
			t.Errorf("index %d carries another input's vector", d.Index)
		}
	}
	if len(seen) != len(inputs) {
		t.Errorf("indexes %v, want all of 0..%d", seen, len(inputs)-1)
	}
}

func TestVectorIsDeterministicNotUnitAndSharedWordsAreCloser(t *testing.T) {
	a := fakeopenai.Vector("talks between Russia and the United States", 64)
	if !reflect.DeepEqual(a, fakeopenai.Vector("talks between Russia and the United States", 64)) {
		t.Fatal("Vector is not deterministic")
	}
	if n := norm(a); math.Abs(n-1) < 0.01 {
		t.Errorf("norm %v: fake vectors should not be unit length", n)
	}
	near := fakeopenai.Vector("Russia and United States talks", 64)
	far := fakeopenai.Vector("recipe for a lemon cake", 64)
	if cos(a, near) <= cos(a, far) {
		t.Errorf("cos(near) %v <= cos(far) %v", cos(a, near), cos(a, far))
	}
}

func TestChatPlainAndStreamedGiveTheSameReplyWithUsage(t *testing.T) {
	reply := "Riyadh, Saudi Arabia [1]. Nothing else [2]."
	s := fakeopenai.New(fakeopenai.Options{Reply: func(fakeopenai.ChatRequest) string { return reply }})
	defer s.Close()
	c := client(s)
	msgs := []openai.ChatCompletionMessage{{Role: "system", Content: "be brief"}, {Role: "user", Content: "where?"}}

	res, err := c.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Model: "m", Messages: msgs})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Choices[0].Message.Content; got != reply {
		t.Errorf("plain reply %q, want %q", got, reply)
	}
	if res.Choices[0].FinishReason != openai.FinishReasonStop || res.Usage.PromptTokens != 3 || res.Usage.CompletionTokens != 7 {
		t.Errorf("finish %q usage %+v", res.Choices[0].FinishReason, res.Usage)
	}

	stream, err := c.CreateChatCompletionStream(context.Background(), openai.ChatCompletionRequest{
		Model: "m", Messages: msgs, StreamOptions: &openai.StreamOptions{IncludeUsage: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var text strings.Builder
	var finish openai.FinishReason
	var usage *openai.Usage
	for range 100 {
		ch, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range ch.Choices {
			text.WriteString(c.Delta.Content)
			if c.FinishReason != "" {
				finish = c.FinishReason
			}
		}
		if ch.Usage != nil {
			usage = ch.Usage
		}
	}
	if text.String() != reply || finish != openai.FinishReasonStop {
		t.Errorf("streamed %q finish %q", text.String(), finish)
	}
	if usage == nil || usage.CompletionTokens != 7 {
		t.Errorf("stream usage %+v", usage)
	}
	chats := s.Chats()
	if len(chats) != 2 || !chats[1].Stream || !chats[1].IncludeUsage || chats[0].Messages[1] != (fakeopenai.Message{Role: "user", Content: "where?"}) {
		t.Errorf("recorded %+v", chats)
	}
}

func TestChatCutsReplyAtMaxTokensWithLength(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{Reply: func(fakeopenai.ChatRequest) string { return "one two three four" }})
	defer s.Close()
	res, err := client(s).CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{
		Model: "m", MaxTokens: 2, Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "q"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Choices[0]; got.Message.Content != "one two " || got.FinishReason != openai.FinishReasonLength {
		t.Errorf("got %q finish %q", got.Message.Content, got.FinishReason)
	}
}

func TestPlannedFaultsComeInOrderThenNormalService(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	s.FailNext(fakeopenai.Embeddings, 1, fakeopenai.RateLimited("2"))
	s.FailNext(fakeopenai.Embeddings, 1, fakeopenai.Failing())
	s.FailNext(fakeopenai.Embeddings, 1, fakeopenai.Malformed())
	s.FailNext(fakeopenai.Embeddings, 1, fakeopenai.Ollama(0, ""))
	s.FailNext(fakeopenai.Embeddings, 1, fakeopenai.NoChoices())
	body := `{"input":["x"],"model":"nomic"}`

	status, h, _ := post(t, s, fakeopenai.Embeddings, body)
	if status != 429 || h.Get("Retry-After") != "2" {
		t.Errorf("1st: %d Retry-After %q, want 429 and 2", status, h.Get("Retry-After"))
	}
	if status, _, _ = post(t, s, fakeopenai.Embeddings, body); status != 500 {
		t.Errorf("2nd: %d, want 500", status)
	}
	status, _, b := post(t, s, fakeopenai.Embeddings, body)
	if status != 200 || json.Valid([]byte(b)) {
		t.Errorf("3rd: %d %q, want 200 and invalid JSON", status, b)
	}
	status, _, b = post(t, s, fakeopenai.Embeddings, body)
	if status != 404 || b != `{"error":"model \"nomic\" not found, try pulling it first"}` {
		t.Errorf("4th: %d %s, want Ollama's 404", status, b)
	}
	status, _, b = post(t, s, fakeopenai.Embeddings, body)
	if status != 200 || !strings.Contains(b, `"data":[]`) {
		t.Errorf("5th: %d %s, want no data", status, b)
	}
	if status, _, _ = post(t, s, fakeopenai.Embeddings, body); status != 200 {
		t.Errorf("6th: %d, want 200", status)
	}
	if s.EmbedRequests() != 6 || s.InputsEmbedded() != 1 {
		t.Errorf("requests %d inputs %d, want 6 and 1", s.EmbedRequests(), s.InputsEmbedded())
	}
}

func TestRandomFaultsAreReproducibleWithTheSameSeed(t *testing.T) {
	pattern := func() []int {
		s := fakeopenai.New(fakeopenai.Options{Seed: 42})
		defer s.Close()
		s.FailRandomly(fakeopenai.Embeddings, 0.5, fakeopenai.Failing())
		var out []int
		for range 20 {
			status, _, _ := post(t, s, fakeopenai.Embeddings, `{"input":"x","model":"m"}`)
			out = append(out, status)
		}
		return out
	}
	a, b := pattern(), pattern()
	if !reflect.DeepEqual(a, b) {
		t.Errorf("patterns differ:\n%v\n%v", a, b)
	}
	fails := 0
	for _, st := range a {
		if st == 500 {
			fails++
		}
	}
	if fails == 0 || fails == len(a) {
		t.Errorf("%d of %d failed, want some", fails, len(a))
	}
}

func TestCutStreamEndsWithoutFinishReasonOrDone(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{Reply: func(fakeopenai.ChatRequest) string { return "a b c d" }})
	defer s.Close()
	s.FailNext(fakeopenai.Chat, 1, fakeopenai.CutStream())
	_, _, body := post(t, s, fakeopenai.Chat, `{"model":"m","stream":true,"messages":[{"role":"user","content":"q"}]}`)
	if strings.Contains(body, "[DONE]") || strings.Contains(body, `"finish_reason":"`) {
		t.Errorf("cut stream has an end:\n%s", body)
	}
	if !strings.Contains(body, `"content":"a "`) {
		t.Errorf("cut stream has no content:\n%s", body)
	}
}

func TestCloseReleasesAHangingRequest(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{})
	s.FailNext(fakeopenai.Chat, 1, fakeopenai.Hanging(0))
	done := make(chan error, 1)
	go func() {
		resp, err := http.Post(s.URL+"/chat/completions", "application/json", strings.NewReader(`{}`))
		if err == nil {
			_, err = bufio.NewReader(resp.Body).ReadByte()
			resp.Body.Close()
		}
		done <- err
	}()
	for s.ChatRequests() == 0 {
		time.Sleep(time.Millisecond)
	}
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on a hanging request")
	}
	if err := <-done; err == nil {
		t.Error("hanging request got an answer")
	}
}

func TestAPIKeyIsRequiredWhenSet(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{APIKey: "sk-test"})
	defer s.Close()
	_, err := client(s).CreateEmbeddings(context.Background(), openai.EmbeddingRequest{Input: []string{"x"}, Model: "m"})
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 401 {
		t.Fatalf("no key: got %v, want 401", err)
	}
	cfg := openai.DefaultConfig("sk-test")
	cfg.BaseURL = s.URL
	if _, err := openai.NewClientWithConfig(cfg).CreateEmbeddings(context.Background(), openai.EmbeddingRequest{Input: []string{"x"}, Model: "m"}); err != nil {
		t.Fatalf("with key: %v", err)
	}
}

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func cos(a, b []float32) float64 {
	var d float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
	}
	return d / norm(a) / norm(b)
}
