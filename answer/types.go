// Package answer turns a question into a grounded answer: it retrieves
// snippets of the corpus, asks a chat model (or extracts sentences when none
// is configured) and returns the answer with citations whose quotes are
// verbatim text of the article.
package answer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/newsbot/newsbot/retrieval"
)

// MaxQuestionLen is the longest question accepted, in characters.
const MaxQuestionLen = 1000

// Citation is one source of an answer.
type Citation struct {
	Ref   int    `json:"ref"`   // the [n] marker in the answer text
	Chunk string `json:"chunk"` // chunk ID
	Doc   string `json:"doc"`   // document slug
	Title string `json:"title"` // document title
	// Quote is verbatim text of the article (at most 300 characters) that
	// supports the claims marked [Ref].
	Quote string `json:"quote"`
}

// Turn is an earlier question and answer of the same conversation, used to
// understand follow-up questions.
type Turn struct {
	Question string
	Answer   string
}

// Request is one question.
type Request struct {
	Question string
	// History holds earlier turns, oldest first. The engine uses at most the
	// last few of them.
	History []Turn
	// K is the number of snippets to retrieve; 0 means the engine's default.
	K int
}

// Usage counts the tokens a model call consumed.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
}

// Answer is the engine's reply to a Request.
type Answer struct {
	Question string
	// Answered is false when the engine refused: the article does not
	// answer the question, the question is off-topic or hostile. A refusal
	// has no citations; Text explains it.
	Answered  bool
	Text      string
	Citations []Citation
	Retrieved []retrieval.Hit
	Mode      string // "extractive" or "model"
	Model     string // chat model name, empty in extractive mode
	Usage     Usage
	Timings   map[string]float64 // milliseconds by stage
}

// ReloadStats describes a completed reload or index build.
type ReloadStats struct {
	Documents int
	Chunks    int
	Embedded  int // chunks embedded now
	Reused    int // chunks whose vectors came from the cache
	Duration  time.Duration
}

// DocInfo describes one article of the loaded corpus.
type DocInfo struct {
	Slug      string
	Title     string
	Source    string
	Published string
}

// Info describes the engine's current state.
type Info struct {
	Docs       []DocInfo
	Chunks     int
	EmbedModel string
	ChatModel  string // empty in extractive mode
	LoadedAt   time.Time
}

// Errors returned for questions rejected before any retrieval or model call.
var (
	ErrEmptyQuestion   = errors.New("the question is empty")
	ErrQuestionTooLong = fmt.Errorf("the question is longer than %d characters", MaxQuestionLen)
	// ErrReloadRunning is returned by Reload while another reload runs.
	ErrReloadRunning = errors.New("a reload is already running")
)

// Message is one chat message sent to a model.
type Message struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Reply is a chat model's complete reply.
type Reply struct {
	Text         string
	FinishReason string
	Usage        Usage
}

// ChatModel is an OpenAI-compatible chat endpoint.
type ChatModel interface {
	// Chat sends msgs and returns the whole reply. When onDelta is not nil
	// the reply is streamed and onDelta is called with each piece of text
	// as it arrives (the pieces concatenated equal Reply.Text). A reply cut
	// off before its end is an error, not a short answer.
	Chat(ctx context.Context, msgs []Message, onDelta func(delta string)) (Reply, error)
	// Name is the model's name, as shown to users.
	Name() string
}
