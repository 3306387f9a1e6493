// Package newsbot holds the domain every layer shares: the stories of the
// corpus, the passages retrieved from them, the answers with their
// citations, the turns of a conversation, and the Answerer that produces
// answers. It imports nothing of the project, so the Discord layer (bot)
// can depend on it without linking retrieval, embeddings or model clients.
//
// The layering follows WTF Dial (github.com/benbjohnson/wtf): domain types
// at the root, one package per thing they are implemented with.
package newsbot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// MaxQuestionLen is the longest question accepted, in characters (runes).
const MaxQuestionLen = 1000

// Story describes one article of the corpus.
type Story struct {
	// Slug identifies the story in its corpus: its file name without
	// extension, lower-cased, non-alphanumerics folded to '-'.
	Slug   string
	Title  string
	Source string // publisher, e.g. "Associated Press"; may be empty
	URL    string // canonical address; may be empty
	// Published is the publication date as written in front matter,
	// normally YYYY-MM-DD; may be empty.
	Published string
	Byline    string
	Lang      string // BCP 47 language tag, e.g. "en"; may be empty
	Added     string // when it was added, RFC 3339; empty for the default story
	Feed      string // the feed it came from, if any
	Chunks    int    // chunks the story is split into in the current index
}

// Chunk is a retrievable piece of a story. Text is verbatim source text
// (sentences of one or more paragraphs), so any sentence of it can be quoted.
type Chunk struct {
	ID    string // "<story-slug>#<n>", stable for unchanged text
	Doc   string // the story's slug
	Title string // the story's title
	N     int    // position in the story, from 0
	Text  string
	// Meta marks the chunk that carries the story's byline, copyright and
	// front matter; it answers questions about the article itself.
	Meta bool
	// Context is extra text that is indexed with the chunk but never quoted
	// (for the meta chunk: title, source, publication date, byline).
	Context string
}

// Passage is a chunk returned by retrieval for a question, best first.
type Passage struct {
	Chunk Chunk
	// Score is the fused relevance score (higher is better). Lexical and
	// Vector are the component scores, for calibration and debugging.
	Score   float64
	Lexical float64
	Vector  float64
}

// Citation is one source of an answer.
type Citation struct {
	Ref   int    `json:"ref"`   // the [n] marker in the answer text, from 1
	Chunk string `json:"chunk"` // chunk ID
	Doc   string `json:"doc"`   // story slug
	Title string `json:"title"` // story title
	// Quote is verbatim text of the article (at most 300 characters) that
	// supports the claims marked [Ref].
	Quote string `json:"quote"`
}

// Turn is an earlier question and answer of the same conversation, used to
// understand follow-up questions.
type Turn struct {
	Question string
	Answer   string
	// Story is the slug of the one story the question was asked about
	// (Request.Story), "" for all: a follow-up keeps to that story.
	Story string
}

// Request is one question.
type Request struct {
	Question string
	// History holds earlier turns, oldest first. The engine uses at most the
	// last few of them.
	History []Turn
	// K is the number of passages to retrieve; 0 means the engine's default.
	K int
	// Story, when set, is the slug of the one story the question is about
	// (the /ask story option): only its passages are retrieved and quoted.
	// An unknown slug is ErrUnknownStory.
	Story string
}

// Usage counts the tokens a model call consumed.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
}

// Answer is the reply to a Request.
type Answer struct {
	Question string
	// Answered is false when the engine refused: the article does not
	// answer the question, the question is off-topic or hostile. A refusal
	// has no citations; Text explains it.
	Answered bool
	// Reason says why the engine refused, in words for a log or an
	// --explain line ("the story never names Xi Jinping", "the question is
	// not in English", every claim of a model's reply unsupported or
	// uncited). For a model answer that is presented, it says what the
	// claim check removed from the reply ("…": unsupported: [2] "friday" is
	// not in the snippet), one item per removal; empty when nothing was.
	// The user-facing refusal is in Text.
	Reason    string
	Text      string
	Citations []Citation
	// Retrieved holds the passages the answer was drawn from; Citation.Ref
	// n refers to Retrieved[n-1].
	Retrieved []Passage
	Mode      string // "extractive" or "model"
	Model     string // chat model name, empty in extractive mode
	Usage     Usage
	Timings   map[string]float64 // milliseconds by stage
	// Fallback is set when the chat model failed after its retries and the
	// answer was made without it (extractive): the kind of failure, as in
	// newsbot_model_errors_total ("down", "timeout", "empty", "http_5xx",
	// ...). Empty when the model answered, and in extractive mode.
	Fallback string
	// Note is one line to show with the answer, such as "The language model
	// is unavailable; this answer quotes the article directly." Empty when
	// there is none.
	Note string
	// SmallTalk is set when the message only greeted or thanked ("hi",
	// "thanks!"): Text is a short friendly reply, Answered is false, and
	// nothing was looked up.
	SmallTalk bool
}

// ReloadStats describes a completed reload or index build.
type ReloadStats struct {
	Documents int
	Chunks    int
	Embedded  int // chunks embedded now
	Reused    int // chunks whose vectors came from the cache
	Duration  time.Duration
}

// Info describes an Answerer's current state.
type Info struct {
	Docs       []Story
	Chunks     int
	EmbedModel string
	ChatModel  string // empty in extractive mode
	LoadedAt   time.Time
}

// Errors returned for questions rejected before any retrieval or model call,
// and by Reload.
var (
	ErrEmptyQuestion   = errors.New("the question is empty")
	ErrQuestionTooLong = fmt.Errorf("the question is longer than %d characters", MaxQuestionLen)
	// ErrReloadRunning is returned by Reload while another reload runs.
	ErrReloadRunning = errors.New("a reload is already running")
	// ErrUnknownStory is returned for a Request.Story or a slug that names
	// no story of the corpus.
	ErrUnknownStory = errors.New("no such story")
	// ErrDuplicateStory is returned by Library.Add when the story is
	// already in the corpus (same canonical URL or same text); the error
	// wraps it with the existing story's slug.
	ErrDuplicateStory = errors.New("the story is already in the corpus")
)

// Answerer answers questions about a corpus and reloads it. The engine in
// package answer is the implementation; the Discord bot depends only on
// this interface. Implementations are safe for concurrent use.
type Answerer interface {
	// Ask answers req. It returns ErrEmptyQuestion or ErrQuestionTooLong
	// for questions rejected before any work; a refusal is an Answer with
	// Answered false, not an error.
	Ask(ctx context.Context, req Request) (Answer, error)
	// AskStream answers req like Ask, calling onDelta with the text as it
	// arrives (model mode; extractive answers arrive in one piece).
	AskStream(ctx context.Context, req Request, onDelta func(string)) (Answer, error)
	// Reload re-reads the corpus; on error the previous index keeps
	// serving. It returns ErrReloadRunning while another reload runs.
	Reload(ctx context.Context) (ReloadStats, error)
	// Info describes the loaded corpus and the models.
	Info() Info
}

// Summarizer summarizes one story in a few cited points. The answer's Text
// holds the points, one sentence of the story each, every one with its [n]
// marker; Citations quote them.
type Summarizer interface {
	// Summarize summarizes the story with the given slug, or, when slug is
	// empty, the newest story. ErrUnknownStory for a slug not in the
	// corpus.
	Summarize(ctx context.Context, slug string) (Answer, error)
}

// Source is what an admin adds to the corpus: a URL, or an uploaded file.
type Source struct {
	URL  string // http or https address of an article page
	Name string // an uploaded file's name (.html, .htm, .md, .txt)
	Body []byte // an uploaded file's content
}

// Feed is a followed RSS, Atom or JSON feed.
type Feed struct {
	URL        string
	Title      string
	Stories    int       // stories added from it so far
	LastPolled time.Time // zero before the first poll
	LastError  string    // the last poll's error, "" when it succeeded
}

// Library manages the stories of the corpus: the admin commands of the bot
// and the CLI. Every change is visible to the Answerer once Add, Remove or
// Follow has returned (the implementation reloads the index), and to other
// processes sharing the data directory shortly after.
type Library interface {
	// Stories lists the stories, newest first.
	Stories(ctx context.Context) ([]Story, error)
	// Add ingests src and returns the story as indexed (Chunks set).
	// Errors wrap ErrDuplicateStory, or say why the source could not be
	// fetched or read; nothing is changed then.
	Add(ctx context.Context, src Source) (Story, error)
	// Remove deletes the story with the given slug and returns it.
	Remove(ctx context.Context, slug string) (Story, error)
	// Follow starts following a feed and reads it once, returning the
	// feed and the stories that read added.
	Follow(ctx context.Context, url string) (Feed, []Story, error)
	// Unfollow stops following the feed; its stories stay.
	Unfollow(ctx context.Context, url string) (Feed, error)
	// Feeds lists the followed feeds.
	Feeds(ctx context.Context) ([]Feed, error)
}
