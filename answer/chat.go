package answer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/newsbot/newsbot/internal/openaiclient"
)

// DefaultChatMaxTokens bounds the length of a reply unless configured: a
// cited answer about a news story fits with room to spare.
const DefaultChatMaxTokens = 600

// nearZeroTemperature is sent for Temperature 0: go-openai omits a zero
// temperature (omitempty), and the server's default (1.0 at OpenAI, 0.8 in
// Ollama) would apply instead. 0.01 samples as good as greedily, without
// dividing logits by a number so small it could overflow a half float.
const nearZeroTemperature = 0.01

// maxStreamEvents bounds the events read from one stream: a 600-token reply
// takes about as many, so this only stops a server that never ends.
const maxStreamEvents = 100_000

const chatEndpoint = "chat/completions"

// ErrCutOff is wrapped by the error of a reply that ended before the model
// finished it: a stream that ended without a finish reason or broke off, a
// reply stopped by the token limit or a content filter. Such a reply is not
// an answer, however plausible its beginning.
var ErrCutOff = errors.New("the reply was cut off")

// ErrLengthLimit and ErrContentFilter say why a reply stopped early; an
// error wrapping one wraps ErrCutOff too, and the Reply returned with it
// holds the text that arrived, which the engine may still use (the
// complete sentences of a reply cut at the token limit).
var (
	ErrLengthLimit   = errors.New("the reply reached the token limit")
	ErrContentFilter = errors.New("the reply was stopped by a content filter")
)

// ErrEmptyReply is wrapped by the error of a reply with no text once its
// reasoning blocks are removed (or whose text was all in reasoning_content,
// which is never shown): a model or server misconfiguration, not a refusal.
var ErrEmptyReply = errors.New("the model's reply was empty")

// stoppedEarly is ErrCutOff for a known reason; its message is ErrCutOff's.
type stoppedEarly struct{ why error }

func (e stoppedEarly) Error() string   { return ErrCutOff.Error() }
func (e stoppedEarly) Unwrap() []error { return []error{ErrCutOff, e.why} }

// OpenAIChatConfig configures an OpenAIChat.
type OpenAIChatConfig struct {
	// Client says where the server is and how to retry; see openaiclient.
	Client openaiclient.Config
	// Model is the chat model's name, e.g. "gpt-4o-mini" or "llama3.1".
	// Required.
	Model string
	// MaxTokens bounds the reply; 0 means DefaultChatMaxTokens. Reasoning
	// models (o1, o3, o4, gpt-5, gpt-6) get it as max_completion_tokens,
	// which also counts their hidden reasoning.
	MaxTokens int
	// Temperature 0 asks for the most deterministic replies (sent as 0.01,
	// since go-openai drops a zero); a negative value sends none, leaving
	// the server's default. Reasoning models accept none and get none.
	Temperature float32
}

// OpenAIChat is a ChatModel served by an OpenAI-compatible
// /chat/completions endpoint. It is safe for concurrent use.
type OpenAIChat struct {
	client      *openai.Client
	baseURL     string
	model       string
	maxTokens   int
	temperature float32 // 0: send none
}

// NewOpenAIChat returns a chat model for cfg. It sends no request.
func NewOpenAIChat(cfg OpenAIChatConfig) (*OpenAIChat, error) {
	if cfg.Model == "" {
		return nil, errors.New("openai chat: no model name")
	}
	if cfg.MaxTokens < 0 {
		return nil, fmt.Errorf("openai chat: negative max tokens %d", cfg.MaxTokens)
	}
	c := &OpenAIChat{
		client:      openaiclient.New(cfg.Client),
		baseURL:     cfg.Client.URL(),
		model:       cfg.Model,
		maxTokens:   cfg.MaxTokens,
		temperature: cfg.Temperature,
	}
	if c.maxTokens == 0 {
		c.maxTokens = DefaultChatMaxTokens
	}
	switch {
	case c.temperature == 0:
		c.temperature = nearZeroTemperature
	case c.temperature < 0:
		c.temperature = 0
	}
	return c, nil
}

// Name implements ChatModel: the model's name as configured.
func (c *OpenAIChat) Name() string { return c.model }

// BaseURL is the endpoint's base URL, for messages that name it.
func (c *OpenAIChat) BaseURL() string { return c.baseURL }

// Chat implements ChatModel. Without onDelta it makes one plain request;
// with it, it streams (asking for the usage in the last event) and calls
// onDelta with each piece of text in order. Errors name the endpoint's URL;
// a reply that did not finish wraps ErrCutOff, and then Reply holds the
// text that arrived.
func (c *OpenAIChat) Chat(ctx context.Context, msgs []Message, onDelta func(delta string)) (Reply, error) {
	req := c.request(msgs)
	if onDelta == nil {
		return c.plain(ctx, req)
	}
	return c.stream(ctx, req, onDelta)
}

// request builds the request for msgs, within what go-openai lets through
// for the model: reasoning models reject max_tokens and a temperature.
func (c *OpenAIChat) request(msgs []Message) openai.ChatCompletionRequest {
	req := openai.ChatCompletionRequest{Model: c.model}
	for _, m := range msgs {
		req.Messages = append(req.Messages, openai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}
	if reasoningModel(c.model) {
		req.MaxCompletionTokens = c.maxTokens
	} else {
		// max_tokens, deprecated by OpenAI, is what the other compatible
		// servers (Ollama, vLLM, llama.cpp, LM Studio) understand.
		//lint:ignore SA1019 deliberate, see above
		req.MaxTokens = c.maxTokens
		req.Temperature = c.temperature
	}
	return req
}

// reasoningModel reports whether model is one of OpenAI's reasoning models,
// which go-openai validates differently.
func reasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

func (c *OpenAIChat) plain(ctx context.Context, req openai.ChatCompletionRequest) (Reply, error) {
	resp, err := c.client.CreateChatCompletion(ctx, req)
	if err != nil {
		err = openaiclient.Wrap(err, chatEndpoint, c.baseURL)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("%w: %w", err, ErrCutOff)
		}
		return Reply{}, err
	}
	if len(resp.Choices) == 0 {
		return Reply{}, c.errorf("the reply has no choices")
	}
	ch := resp.Choices[0]
	r := Reply{
		Text:         ch.Message.Content,
		FinishReason: string(ch.FinishReason),
		Usage:        Usage{PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens},
	}
	// A plain reply arrived whole (its JSON parsed), so a missing finish
	// reason, which some servers omit, does not mean it was cut.
	return r, c.checkFinish(r)
}

func (c *OpenAIChat) stream(ctx context.Context, req openai.ChatCompletionRequest, onDelta func(string)) (Reply, error) {
	req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	stream, err := c.client.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return Reply{}, openaiclient.Wrap(err, chatEndpoint, c.baseURL)
	}
	defer stream.Close()
	var (
		text    strings.Builder
		r       Reply
		choices bool
	)
	for events := 0; ; events++ {
		if events == maxStreamEvents {
			r.Text = text.String()
			return r, c.errorf("the stream sent more than %d events: %w", maxStreamEvents, ErrCutOff)
		}
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			// go-openai returns io.EOF both after [DONE] and when the body
			// just ends: only the finish reason tells them apart.
			break
		}
		if err != nil {
			r.Text = text.String()
			return r, fmt.Errorf("%w: %w", openaiclient.Wrap(err, chatEndpoint, c.baseURL), ErrCutOff)
		}
		if chunk.Usage != nil {
			r.Usage = Usage{PromptTokens: chunk.Usage.PromptTokens, CompletionTokens: chunk.Usage.CompletionTokens}
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			choices = true
			if d := ch.Delta.Content; d != "" {
				text.WriteString(d)
				onDelta(d)
			}
			if ch.FinishReason != "" {
				r.FinishReason = string(ch.FinishReason)
			}
		}
	}
	r.Text = text.String()
	switch {
	case !choices:
		return r, c.errorf("the reply has no choices")
	case r.FinishReason == "":
		return r, c.errorf("stream cut off after %d characters, before the model finished: %w", len(r.Text), ErrCutOff)
	}
	return r, c.checkFinish(r)
}

// checkFinish turns a finish reason that means the reply is incomplete into
// an error.
func (c *OpenAIChat) checkFinish(r Reply) error {
	switch openai.FinishReason(r.FinishReason) {
	case openai.FinishReasonLength:
		return c.errorf("the reply reached the limit of %d tokens: %w", c.maxTokens, stoppedEarly{ErrLengthLimit})
	case openai.FinishReasonContentFilter:
		return c.errorf("the reply was stopped by a content filter: %w", stoppedEarly{ErrContentFilter})
	}
	return nil
}

// errorf returns an error that names the endpoint's URL.
func (c *OpenAIChat) errorf(format string, args ...any) error {
	return fmt.Errorf("%s at %s: %w", chatEndpoint, c.baseURL, fmt.Errorf(format, args...))
}
