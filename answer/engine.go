package answer

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/prompts"
	"github.com/newsbot/newsbot/retrieval"
)

// DefaultK is the number of snippets retrieved for a question.
const DefaultK = 5

// storySearchFactor: a question about one story (Request.Story) retrieves
// this many times the usual passages before keeping that story's.
const storySearchFactor = 8

// maxHistory is how many earlier turns of a conversation are used.
const maxHistory = 3

// Config holds an Engine's dependencies.
type Config struct {
	// Load returns the corpus; it is called at start and on every Reload.
	Load     func() ([]retrieval.Document, error)
	Embedder retrieval.Embedder
	// Chat answers in model mode; nil selects the extractive answerer.
	Chat ChatModel
	// Sentences, if set, embeds sentences (L2-normalized vectors) for the
	// extractive answerer: how close a sentence is in meaning to the
	// question counts in choosing the one that answers, and summaries pick
	// central and different sentences by these vectors. nil: term
	// vectors for summaries and no semantic signal.
	Sentences retrieval.Embedder
	// Cache, if set, supplies and keeps chunk embeddings.
	Cache   *retrieval.Cache
	Chunk   retrieval.ChunkOptions
	Prompts *prompts.Set // nil: the embedded templates
	K       int          // snippets per question; 0 means DefaultK
	Logger  *slog.Logger
	// Progress, if set, reports embedding progress during index builds.
	Progress func(done, total int)
}

// Engine answers questions about the corpus. It is safe for concurrent use;
// Reload swaps the index atomically, so questions in flight finish on the
// index they started with.
type Engine struct {
	cfg      Config
	state    atomic.Pointer[state]
	reloadMu sync.Mutex
}

type state struct {
	ix       *retrieval.Index
	analyzer *analyzer
	loadedAt time.Time
}

// New builds the index and returns a ready engine.
func New(ctx context.Context, cfg Config) (*Engine, ReloadStats, error) {
	if cfg.Load == nil || cfg.Embedder == nil {
		return nil, ReloadStats{}, fmt.Errorf("answer: Config needs Load and Embedder")
	}
	if cfg.Prompts == nil {
		p, err := prompts.Load("")
		if err != nil {
			return nil, ReloadStats{}, err
		}
		cfg.Prompts = p
	}
	if cfg.K <= 0 {
		cfg.K = DefaultK
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	e := &Engine{cfg: cfg}
	st, err := e.build(ctx)
	if err != nil {
		return nil, st, err
	}
	return e, st, nil
}

// Reload re-reads the corpus, embeds only chunks whose text is new, and
// swaps the index. On any error the old index keeps serving. Only one
// reload runs at a time; another one meanwhile gets ErrReloadRunning.
func (e *Engine) Reload(ctx context.Context) (ReloadStats, error) {
	if !e.reloadMu.TryLock() {
		return ReloadStats{}, ErrReloadRunning
	}
	defer e.reloadMu.Unlock()
	return e.build(ctx)
}

func (e *Engine) build(ctx context.Context) (ReloadStats, error) {
	start := time.Now()
	docs, err := e.cfg.Load()
	if err != nil {
		return ReloadStats{}, err
	}
	ix, bs, err := retrieval.Build(ctx, docs, e.cfg.Embedder, retrieval.IndexOptions{
		Chunk: e.cfg.Chunk, Cache: e.cfg.Cache, Progress: e.cfg.Progress,
	})
	stats := ReloadStats{Documents: bs.Documents, Chunks: bs.Chunks, Embedded: bs.Embedded, Reused: bs.Reused}
	if err != nil {
		return stats, err
	}
	if c := e.cfg.Cache; c != nil {
		before := c.Len()
		c.Retain(ix.Keys())
		if bs.Embedded > 0 || c.Len() != before {
			if err := c.Save(); err != nil {
				// The index is good; only the next start pays again.
				e.cfg.Logger.Warn("embedding cache not saved", "err", err)
			}
		}
	}
	e.state.Store(&state{ix: ix, analyzer: newAnalyzer(ix, e.cfg.Sentences), loadedAt: time.Now()})
	stats.Duration = time.Since(start)
	return stats, nil
}

// Info describes the loaded corpus and models.
func (e *Engine) Info() Info {
	st := e.state.Load()
	info := Info{Chunks: st.ix.Len(), EmbedModel: e.cfg.Embedder.Model(), LoadedAt: st.loadedAt}
	if e.cfg.Chat != nil {
		info.ChatModel = e.cfg.Chat.Name()
	}
	chunks := map[string]int{}
	for _, c := range st.ix.Chunks() {
		chunks[c.Doc]++
	}
	for _, d := range st.ix.Docs() {
		info.Docs = append(info.Docs, DocInfo{Slug: d.Slug, Title: d.Title, Source: d.Source, URL: d.URL,
			Published: d.Published, Byline: d.Byline, Chunks: chunks[d.Slug]})
	}
	return info
}

// Mode is "model" when a chat model is configured, else "extractive".
func (e *Engine) Mode() string {
	if e.cfg.Chat != nil {
		return "model"
	}
	return "extractive"
}

// Ask answers one question.
func (e *Engine) Ask(ctx context.Context, req Request) (Answer, error) {
	return e.ask(ctx, req, nil)
}

// AskStream answers one question like Ask, calling onDelta with pieces of
// the answer text as a model produces them (in extractive mode, once with
// the whole text). The final Answer holds the validated text, which may
// differ from the streamed pieces: markers that point at no snippet are
// removed.
func (e *Engine) AskStream(ctx context.Context, req Request, onDelta func(string)) (Answer, error) {
	if onDelta == nil {
		onDelta = func(string) {}
	}
	return e.ask(ctx, req, onDelta)
}

func (e *Engine) ask(ctx context.Context, req Request, onDelta func(string)) (Answer, error) {
	start := time.Now()
	q := strings.TrimSpace(req.Question)
	if q == "" {
		return Answer{}, ErrEmptyQuestion
	}
	if utf8.RuneCountInString(q) > MaxQuestionLen {
		return Answer{}, ErrQuestionTooLong
	}
	st := e.state.Load()
	if req.Story != "" {
		if _, ok := st.analyzer.docs[req.Story]; !ok {
			return Answer{}, fmt.Errorf("%w: %q", newsbot.ErrUnknownStory, req.Story)
		}
	}
	a := Answer{Question: q, Mode: e.Mode(), Timings: map[string]float64{}}
	if e.cfg.Chat != nil {
		a.Model = e.cfg.Chat.Name()
	}
	k := req.K
	if k <= 0 {
		k = e.cfg.K
	}
	history := req.History
	if len(history) > maxHistory {
		history = history[len(history)-maxHistory:]
	}
	if reason := hostile(q); reason != "" {
		a.Text = refusalOffTopic
		a.Reason = "an instruction, not a question: " + reason
		e.cfg.Logger.Debug("refused", "question", q, "reason", a.Reason)
		a.Timings["total"] = ms(time.Since(start))
		e.deliver(onDelta, a.Text)
		return a, nil
	}
	if e.cfg.Chat == nil {
		if lang := questionLanguage(q); lang != "" {
			a.Text = refusalNotEnglish
			a.Reason = "the question is in " + lang + ", not English"
			e.cfg.Logger.Debug("refused", "question", q, "reason", a.Reason)
			a.Timings["total"] = ms(time.Since(start))
			e.deliver(onDelta, a.Text)
			return a, nil
		}
	}
	t := time.Now()
	query := q
	if len(history) > 0 {
		// A follow-up ("and what about NATO?") leans on the question
		// before it for what it is about.
		query = q + "\n" + history[len(history)-1].Question
	}
	depth := max(k, rerankDepth)
	if req.Story != "" {
		depth *= storySearchFactor
	}
	hits, err := st.ix.Search(ctx, query, depth)
	if err != nil {
		return Answer{}, fmt.Errorf("retrieve: %w", err)
	}
	if req.Story != "" {
		hits = st.analyzer.onlyStory(hits, req.Story, max(k, rerankDepth))
	}
	a.Timings["retrieve"] = ms(time.Since(t))

	t = time.Now()
	minCov := minCoverage
	if e.cfg.Chat != nil {
		minCov = minCoverageModel
	}
	pq := parseQuestion(q)
	if e.cfg.Sentences != nil && e.cfg.Chat == nil {
		if vs, err := e.cfg.Sentences.Embed(ctx, []string{pq.text}); err == nil && len(vs) == 1 {
			pq.vec = vs[0]
		} else if err != nil {
			e.cfg.Logger.Warn("sentence embedder failed; answering without the semantic signal", "err", err)
		}
	}
	v := st.analyzer.judge(ctx, &pq, history, hits, minCov)
	hits = rerank(&v, hits, k)
	a.Retrieved = hits
	a.Timings["gate"] = ms(time.Since(t))
	if !v.answerable {
		a.Text = refusalNotInArticle
		a.Reason = v.why
		e.cfg.Logger.Debug("refused", "question", q, "reason", v.why, "kind", rule(v.kind).name, "story", v.doc)
		a.Timings["total"] = ms(time.Since(start))
		e.deliver(onDelta, a.Text)
		return a, nil
	}
	if e.cfg.Chat == nil {
		t = time.Now()
		st.analyzer.extract(ctx, &a, v, hits)
		a.Timings["answer"] = ms(time.Since(t))
		a.Timings["total"] = ms(time.Since(start))
		e.deliver(onDelta, a.Text)
		return a, nil
	}
	t = time.Now()
	if err := e.modelAnswer(ctx, st, &a, q, history, hits, onDelta); err != nil {
		return Answer{}, err
	}
	a.Timings["model"] = ms(time.Since(t))
	a.Timings["total"] = ms(time.Since(start))
	return a, nil
}

func (e *Engine) deliver(onDelta func(string), text string) {
	if onDelta != nil {
		onDelta(text)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// The refusals. They carry no citations.
const (
	refusalNotInArticle = "The article does not say. I can only answer from the article, and I found nothing in it about that."
	refusalOffTopic     = "I can only answer questions about the news article, and I don't take instructions to do anything else."
	refusalUngrounded   = "I couldn't find a well-sourced answer to that in the article."
	// refusalNotEnglish says nothing about the article: it was not read.
	refusalNotEnglish = "Offline, I can only answer questions asked in English. Please ask again in English."
)

// Index returns the index now serving. It is immutable; a reload replaces
// it rather than changing it.
func (e *Engine) Index() *retrieval.Index { return e.state.Load().ix }

// The engine is the newsbot.Answerer the bot uses.
var _ newsbot.Answerer = (*Engine)(nil)
