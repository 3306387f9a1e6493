package answer_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/answer"
	"github.com/newsbot/newsbot/internal/fakeopenai"
)

var _ answer.ChatModel = (*answer.OpenAIChat)(nil)

const chatReply = "The talks will be held in Riyadh, Saudi Arabia [1]. Officials from both sides will attend [2]."

var chatMsgs = []answer.Message{
	{Role: "system", Content: "Answer only from the snippets."},
	{Role: "user", Content: "[1] Talks in Riyadh.\n\nQuestion: Where will the talks be held?"},
}

// newChat returns a chat model for the server at url with a backoff short
// enough for tests; adjust changes its config first.
func newChat(t *testing.T, url string, adjust func(*answer.OpenAIChatConfig)) *answer.OpenAIChat {
	t.Helper()
	cfg := answer.OpenAIChatConfig{
		Client: fakeopenai.ClientConfig(url),
		Model:  "test-chat",
	}
	if adjust != nil {
		adjust(&cfg)
	}
	c, err := answer.NewOpenAIChat(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func replying(text string) fakeopenai.Options {
	return fakeopenai.Options{Reply: func(fakeopenai.ChatRequest) string { return text }}
}

// modes runs f with a plain and a streamed call.
var modes = []struct {
	name    string
	onDelta func(*[]string) func(string)
}{
	{"plain", func(*[]string) func(string) { return nil }},
	{"streamed", func(d *[]string) func(string) { return func(s string) { *d = append(*d, s) } }},
}

func TestOpenAIChatPlainReplyCarriesTextFinishAndUsage(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(replying(chatReply))
	defer s.Close()
	c := newChat(t, s.URL, nil)
	r, err := c.Chat(context.Background(), chatMsgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := answer.Reply{Text: chatReply, FinishReason: "stop", Usage: answer.Usage{PromptTokens: 16, CompletionTokens: 17}}
	if r != want {
		t.Errorf("got  %+v\nwant %+v", r, want)
	}
	if c.Name() != "test-chat" {
		t.Errorf("Name() = %q", c.Name())
	}
	chats := s.Chats()
	if len(chats) != 1 {
		t.Fatalf("%d chats recorded", len(chats))
	}
	got := chats[0]
	if got.Stream || got.Model != "test-chat" || got.MaxTokens != answer.DefaultChatMaxTokens {
		t.Errorf("request %+v", got)
	}
	wantMsgs := []fakeopenai.Message{{Role: "system", Content: chatMsgs[0].Content}, {Role: "user", Content: chatMsgs[1].Content}}
	if !reflect.DeepEqual(got.Messages, wantMsgs) {
		t.Errorf("the model received %+v", got.Messages)
	}
}

func TestOpenAIChatStreamedDeltasConcatenateToTheText(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(replying(chatReply))
	defer s.Close()
	var deltas []string
	r, err := newChat(t, s.URL, nil).Chat(context.Background(), chatMsgs, func(d string) { deltas = append(deltas, d) })
	if err != nil {
		t.Fatal(err)
	}
	if len(deltas) < 2 || strings.Join(deltas, "") != r.Text || r.Text != chatReply {
		t.Errorf("deltas %q, text %q", deltas, r.Text)
	}
	if r.FinishReason != "stop" || r.Usage != (answer.Usage{PromptTokens: 16, CompletionTokens: 17}) {
		t.Errorf("finish %q usage %+v", r.FinishReason, r.Usage)
	}
	if chats := s.Chats(); len(chats) != 1 || !chats[0].Stream || !chats[0].IncludeUsage {
		t.Errorf("request %+v, want a stream asking for usage", chats)
	}
}

func TestOpenAIChatSendsTemperatureAndTokenLimit(t *testing.T) {
	t.Parallel()
	f64 := func(v float64) *float64 { return &v }
	tests := []struct {
		name        string
		model       string
		temperature float32
		maxTokens   int
		wantTemp    *float64
		wantMax     int
	}{
		{"zero temperature is sent as near zero", "test-chat", 0, 0, f64(0.01), 600},
		{"a set temperature is sent", "test-chat", 0.7, 100, f64(0.7), 100},
		{"a negative temperature sends none", "test-chat", -1, 0, nil, 600},
		{"reasoning models get no temperature", "o3-mini", 0, 0, nil, 600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := fakeopenai.New(fakeopenai.Options{})
			defer s.Close()
			c := newChat(t, s.URL, func(c *answer.OpenAIChatConfig) {
				c.Model, c.Temperature, c.MaxTokens = tt.model, tt.temperature, tt.maxTokens
			})
			if _, err := c.Chat(context.Background(), chatMsgs, nil); err != nil {
				t.Fatal(err)
			}
			got := s.Chats()[0]
			sameTemp := (got.Temperature == nil) == (tt.wantTemp == nil) &&
				(got.Temperature == nil || math.Abs(*got.Temperature-*tt.wantTemp) < 1e-6)
			if !sameTemp || got.MaxTokens != tt.wantMax {
				t.Errorf("temperature %v max tokens %d; want %v and %d", deref(got.Temperature), got.MaxTokens, deref(tt.wantTemp), tt.wantMax)
			}
		})
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestOpenAIChatFailuresAreClearErrorsNamingTheURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fault  fakeopenai.Fault
		plain  string // the error after "chat/completions at URL: "
		stream string
		cutOff bool
	}{
		{"stream cut before [DONE]", fakeopenai.CutStream(),
			"the response ended early (unexpected EOF): the reply was cut off",
			"stream cut off after 40 characters, before the model finished: the reply was cut off", true},
		{"empty choices", fakeopenai.NoChoices(), "the reply has no choices", "the reply has no choices", false},
		{"malformed JSON", fakeopenai.Malformed(),
			"malformed JSON in the response: invalid character 'o' looking for beginning of value",
			"malformed JSON in the response: invalid character 'o' looking for beginning of value: the reply was cut off", false},
		{"Ollama-style error body", fakeopenai.Ollama(0, ""),
			`404 Not Found: model "test-chat" not found, try pulling it first`,
			`404 Not Found: model "test-chat" not found, try pulling it first`, false},
		{"server errors past the retries", fakeopenai.Failing(),
			"500 Internal Server Error after 5 attempts: The server had an error while processing your request.",
			"500 Internal Server Error after 5 attempts: The server had an error while processing your request.", false},
	}
	for _, tt := range tests {
		for _, m := range modes {
			t.Run(tt.name+"/"+m.name, func(t *testing.T) {
				t.Parallel()
				s := fakeopenai.New(replying(chatReply))
				defer s.Close()
				s.FailRandomly(fakeopenai.Chat, 1, tt.fault)
				var deltas []string
				_, err := newChat(t, s.URL, nil).Chat(context.Background(), chatMsgs, m.onDelta(&deltas))
				want := tt.plain
				if m.name == "streamed" {
					want = tt.stream
				}
				want = "chat/completions at " + s.URL + ": " + want
				if err == nil || err.Error() != want {
					t.Errorf("got  %v\nwant %s", err, want)
				}
				if tt.cutOff && !errors.Is(err, answer.ErrCutOff) {
					t.Errorf("%v is not ErrCutOff", err)
				}
			})
		}
	}
}

func TestOpenAIChatStreamCutKeepsWhatArrivedButFails(t *testing.T) {
	t.Parallel()
	s := fakeopenai.New(replying(chatReply))
	defer s.Close()
	s.FailNext(fakeopenai.Chat, 1, fakeopenai.CutStream())
	var deltas []string
	r, err := newChat(t, s.URL, nil).Chat(context.Background(), chatMsgs, func(d string) { deltas = append(deltas, d) })
	if !errors.Is(err, answer.ErrCutOff) {
		t.Fatalf("got %v, want ErrCutOff", err)
	}
	if r.Text == "" || r.Text != strings.Join(deltas, "") || !strings.HasPrefix(chatReply, r.Text) || r.Text == chatReply {
		t.Errorf("partial text %q, deltas %q", r.Text, deltas)
	}
}

func TestOpenAIChatReplyAtTheTokenLimitIsCutOff(t *testing.T) {
	t.Parallel()
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			s := fakeopenai.New(replying(chatReply))
			defer s.Close()
			var deltas []string
			_, err := newChat(t, s.URL, func(c *answer.OpenAIChatConfig) { c.MaxTokens = 5 }).Chat(context.Background(), chatMsgs, m.onDelta(&deltas))
			want := "chat/completions at " + s.URL + ": the reply reached the limit of 5 tokens: the reply was cut off"
			if err == nil || err.Error() != want || !errors.Is(err, answer.ErrCutOff) {
				t.Errorf("got  %v\nwant %s", err, want)
			}
		})
	}
}

func TestOpenAIChatRetriesRateLimitThenAnswers(t *testing.T) {
	t.Parallel()
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			s := fakeopenai.New(replying(chatReply))
			defer s.Close()
			s.FailNext(fakeopenai.Chat, 2, fakeopenai.RateLimited("0"))
			var deltas []string
			r, err := newChat(t, s.URL, nil).Chat(context.Background(), chatMsgs, m.onDelta(&deltas))
			if err != nil {
				t.Fatal(err)
			}
			if r.Text != chatReply || s.ChatRequests() != 3 {
				t.Errorf("text %q after %d requests", r.Text, s.ChatRequests())
			}
		})
	}
}

func TestOpenAIChatEndpointDownNamesTheURL(t *testing.T) {
	t.Parallel()
	url := fakeopenai.DownURL
	for _, m := range modes {
		var deltas []string
		_, err := newChat(t, url, nil).Chat(context.Background(), chatMsgs, m.onDelta(&deltas))
		if err == nil || !strings.HasPrefix(err.Error(), "chat/completions at "+url+": ") || !strings.Contains(err.Error(), "connection refused after 5 attempts") {
			t.Errorf("%s: got %v", m.name, err)
		}
	}
}

func TestOpenAIChatNeedsAModel(t *testing.T) {
	t.Parallel()
	if _, err := answer.NewOpenAIChat(answer.OpenAIChatConfig{}); err == nil {
		t.Error("no error without a model name")
	}
}
