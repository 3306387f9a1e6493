// Package answer turns a question into a grounded answer: it retrieves
// snippets of the corpus, asks a chat model (or extracts sentences when none
// is configured) and returns the answer with citations whose quotes are
// verbatim text of the article.
package answer

import (
	"context"

	"github.com/newsbot/newsbot"
)

// The domain types live in the root package newsbot; these aliases keep
// the engine's API readable from inside the package.
type (
	Citation    = newsbot.Citation
	Turn        = newsbot.Turn
	Request     = newsbot.Request
	Usage       = newsbot.Usage
	Answer      = newsbot.Answer
	ReloadStats = newsbot.ReloadStats
	DocInfo     = newsbot.Story
	Info        = newsbot.Info
)

// MaxQuestionLen is the longest question accepted, in characters.
const MaxQuestionLen = newsbot.MaxQuestionLen

// Errors returned for questions rejected before any retrieval or model call.
var (
	ErrEmptyQuestion   = newsbot.ErrEmptyQuestion
	ErrQuestionTooLong = newsbot.ErrQuestionTooLong
	ErrReloadRunning   = newsbot.ErrReloadRunning
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
