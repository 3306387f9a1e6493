package fakeopenai

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

type embedding struct {
	Object    string    `json:"object"`
	Index     int       `json:"index"`
	Embedding []float32 `json:"embedding"`
}

type embeddingResponse struct {
	Object string      `json:"object"`
	Data   []embedding `json:"data"`
	Model  string      `json:"model"`
	Usage  usage       `json:"usage"`
}

// embeddings serves POST /v1/embeddings: input is a string or an array of
// strings, as OpenAI accepts (chromem sends a string, go-openai an array).
func (s *Server) embeddings(w http.ResponseWriter, r *http.Request, body []byte, f Fault) {
	var req struct {
		Input          json.RawMessage `json:"input"`
		Model          string          `json:"model"`
		Dimensions     int             `json:"dimensions"`
		EncodingFormat string          `json:"encoding_format"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "We could not parse the JSON body of your request: "+err.Error(), "invalid_request_error", "")
		return
	}
	var inputs []string
	var one string
	switch {
	case json.Unmarshal(req.Input, &one) == nil:
		inputs = []string{one}
	case json.Unmarshal(req.Input, &inputs) == nil && len(inputs) > 0:
	default:
		writeError(w, http.StatusBadRequest, "'input' must be a string or a non-empty array of strings", "invalid_request_error", "")
		return
	}
	if req.Model == "" {
		writeError(w, http.StatusBadRequest, "you must provide a model parameter", "invalid_request_error", "")
		return
	}
	if req.EncodingFormat != "" && req.EncodingFormat != "float" {
		writeError(w, http.StatusBadRequest, "this fake serves encoding_format float only", "invalid_request_error", "")
		return
	}
	switch f.Kind {
	case MalformedJSON:
		writeRaw(w, `{"object": "list", "data": [oops]}`)
		return
	case EmptyChoices:
		writeJSON(w, http.StatusOK, embeddingResponse{Object: "list", Data: []embedding{}, Model: req.Model})
		return
	}
	dims := s.opts.Dims
	if req.Dimensions > 0 {
		dims = req.Dimensions
	}
	resp := embeddingResponse{Object: "list", Model: req.Model, Data: make([]embedding, len(inputs))}
	for i, in := range inputs {
		resp.Data[i] = embedding{Object: "embedding", Index: i, Embedding: Vector(in, dims)}
		resp.Usage.PromptTokens += words(in)
	}
	resp.Usage.TotalTokens = resp.Usage.PromptTokens
	if s.opts.ShuffleEmbeddings {
		s.shuffle(resp.Data)
	}
	if f.Kind == StreamCut {
		b, _ := json.Marshal(resp)
		writeRaw(w, string(b[:len(b)/2]))
		return
	}
	s.mu.Lock()
	s.inputs += len(inputs)
	s.batches = append(s.batches, inputs)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

// shuffle reorders data so that no element keeps its place when there are
// two or more, so that a client that ignores the index always fails.
func (s *Server) shuffle(data []embedding) {
	if len(data) < 2 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Sattolo's algorithm: a random cyclic permutation has no fixed point.
	for i := len(data) - 1; i > 0; i-- {
		j := s.rng.IntN(i)
		data[i], data[j] = data[j], data[i]
	}
}

type chatBody struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Stream        bool `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	Temperature         *float64 `json:"temperature"`
	MaxTokens           int      `json:"max_tokens"`
	MaxCompletionTokens int      `json:"max_completion_tokens"`
}

// content reads a message's content: a string, or an array of parts whose
// text parts are joined.
func content(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	_ = json.Unmarshal(raw, &parts)
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

// chat serves POST /v1/chat/completions, plain or streamed.
func (s *Server) chat(w http.ResponseWriter, r *http.Request, body []byte, f Fault) {
	var req chatBody
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "We could not parse the JSON body of your request: "+err.Error(), "invalid_request_error", "")
		return
	}
	if req.Model == "" || len(req.Messages) == 0 {
		writeError(w, http.StatusBadRequest, "model and messages are required", "invalid_request_error", "")
		return
	}
	cr := ChatRequest{
		Model:        req.Model,
		Stream:       req.Stream,
		IncludeUsage: req.StreamOptions != nil && req.StreamOptions.IncludeUsage,
		Temperature:  req.Temperature,
		MaxTokens:    req.MaxTokens,
	}
	if req.MaxCompletionTokens > 0 {
		cr.MaxTokens = req.MaxCompletionTokens
	}
	u := usage{}
	for _, m := range req.Messages {
		c := content(m.Content)
		cr.Messages = append(cr.Messages, Message{Role: m.Role, Content: c})
		u.PromptTokens += words(c)
	}
	text := GroundedReply(cr)
	if s.opts.Reply != nil {
		text = s.opts.Reply(cr)
	}
	// Words stand for tokens: a reply longer than max tokens is cut there
	// and finishes with "length", as a real model's would.
	pieces := strings.SplitAfter(text, " ")
	finish := "stop"
	if cr.MaxTokens > 0 && len(pieces) > cr.MaxTokens {
		pieces, finish = pieces[:cr.MaxTokens], "length"
		text = strings.Join(pieces, "")
	}
	u.CompletionTokens = len(pieces)
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	if s.opts.FinishReason != "" {
		finish = s.opts.FinishReason
	}
	if n := s.opts.StreamPieceBytes; n > 0 {
		pieces = bytePieces(text, n)
	}
	reasoning := ""
	if s.opts.ReasoningContent != nil {
		reasoning = s.opts.ReasoningContent(cr)
	}

	s.mu.Lock()
	s.ids++
	id := fmt.Sprintf("chatcmpl-fake-%d", s.ids)
	if f.Kind == NoFault {
		s.chats = append(s.chats, cr)
	}
	s.mu.Unlock()

	if req.Stream {
		s.stream(w, id, cr, reasoning, pieces, finish, u, f)
		return
	}
	switch f.Kind {
	case MalformedJSON:
		writeRaw(w, `{"id": "`+id+`", "choices": [oops]}`)
		return
	case EmptyChoices:
		writeJSON(w, http.StatusOK, map[string]any{
			"id": id, "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
			"choices": []any{}, "usage": u,
		})
		return
	}
	resp := map[string]any{
		"id": id, "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
		"choices": []any{map[string]any{
			"index":         0,
			"message":       message(text, reasoning),
			"finish_reason": finish,
		}},
		"usage": u,
	}
	if f.Kind == StreamCut {
		b, _ := json.Marshal(resp)
		writeRaw(w, string(b[:len(b)/2]))
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

type chunkChoice struct {
	Index        int               `json:"index"`
	Delta        map[string]string `json:"delta"`
	FinishReason *string           `json:"finish_reason"`
}

type chunk struct {
	ID      string        `json:"id"`
	Object  string        `json:"object"`
	Created int64         `json:"created"`
	Model   string        `json:"model"`
	Choices []chunkChoice `json:"choices"`
	Usage   *usage        `json:"usage,omitempty"`
}

// stream answers with server-sent events: a chunk giving the role, one per
// piece of the reply, one with the finish reason, the usage when asked
// for, then [DONE]; or the fault's broken version of that.
func (s *Server) stream(w http.ResponseWriter, id string, cr ChatRequest, reasoning string, pieces []string, finish string, u usage, f Fault) {
	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	created := time.Now().Unix()
	send := func(data string) bool {
		if _, err := fmt.Fprintf(w, "data: %s\n\n", data); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	sendChunk := func(choices []chunkChoice, u *usage) bool {
		b, _ := json.Marshal(chunk{ID: id, Object: "chat.completion.chunk", Created: created, Model: cr.Model, Choices: choices, Usage: u})
		return send(string(b))
	}
	delta := func(d map[string]string) []chunkChoice { return []chunkChoice{{Delta: d}} }

	switch f.Kind {
	case EmptyChoices:
		if sendChunk([]chunkChoice{}, nil) && (!cr.IncludeUsage || sendChunk([]chunkChoice{}, &u)) {
			send("[DONE]")
		}
		return
	case MalformedJSON:
		if sendChunk(delta(map[string]string{"role": "assistant"}), nil) {
			if send(`{"id": "` + id + `", "choices": [oops]}`) {
				send("[DONE]")
			}
		}
		return
	case StreamCut:
		// Half the reply, then the body ends cleanly: no finish_reason, no
		// [DONE]. go-openai reports this as a plain io.EOF.
		pieces = pieces[:len(pieces)/2]
	}
	if !sendChunk(delta(map[string]string{"role": "assistant", "content": ""}), nil) {
		return
	}
	for _, p := range strings.SplitAfter(reasoning, " ") {
		if p != "" && !sendChunk(delta(map[string]string{"reasoning_content": p}), nil) {
			return
		}
	}
	for _, p := range pieces {
		if !sendChunk(delta(map[string]string{"content": p}), nil) {
			return
		}
	}
	if f.Kind == StreamCut {
		return
	}
	if !sendChunk([]chunkChoice{{Delta: map[string]string{}, FinishReason: &finish}}, nil) {
		return
	}
	if cr.IncludeUsage && !sendChunk([]chunkChoice{}, &u) {
		return
	}
	send("[DONE]")
}

// writeRaw writes a 200 JSON answer with body as it is.
func writeRaw(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(body))
}

// message is a plain reply's message, with reasoning_content when there
// is reasoning.
func message(text, reasoning string) map[string]string {
	m := map[string]string{"role": "assistant", "content": text}
	if reasoning != "" {
		m["reasoning_content"] = reasoning
	}
	return m
}

// bytePieces splits s into pieces of n bytes, each ending on a rune
// boundary.
func bytePieces(s string, n int) []string {
	var out []string
	for len(s) > 0 {
		end := min(n, len(s))
		for end < len(s) && !utf8.RuneStart(s[end]) {
			end++
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out
}
