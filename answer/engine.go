package answer

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
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
	// Verifier configures the check of a model's claims against the
	// snippets they cite; the zero value checks them lexically.
	Verifier VerifierConfig
	// Fallback, when true, answers extractively (with a note that the
	// language model is unavailable) when the chat model fails after its
	// retries: down, 5xx, timeout, an empty reply. When false the error is
	// returned (the CLI exits non-zero; the bot apologizes).
	Fallback bool
	// Metrics, if set, counts removed claims and replies stopped early.
	Metrics Metrics
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
	if cfg.Metrics == nil {
		cfg.Metrics = noMetrics{}
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
		c.Retain(ix.Keys())
		// Also when only sentence vectors were added since the last save
		// (they are embedded on a story's first question).
		if err := c.SaveIfChanged(); err != nil {
			// The index is good; only the next start pays again.
			e.cfg.Logger.Warn("embedding cache not saved", "err", err)
		}
	}
	e.state.Store(&state{ix: ix, analyzer: newAnalyzer(ix, e.cfg.Sentences, e.cfg.Cache), loadedAt: time.Now()})
	stats.Duration = time.Since(start)
	return stats, nil
}

// SaveCache saves the embedding cache if it holds vectors the file lacks:
// sentence vectors are embedded on a story's first question, after the
// build saved the cache. A one-shot command calls it before exiting.
func (e *Engine) SaveCache() error {
	if e.cfg.Cache == nil {
		return nil
	}
	return e.cfg.Cache.SaveIfChanged()
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
// the whole text). Reasoning blocks are never streamed, and the stream
// stops at MaxAnswerChars. The final Answer holds the checked text, which
// may differ from the streamed pieces: markers in other styles read [n],
// and unsupported or uncited claims and foreign links are removed.
func (e *Engine) AskStream(ctx context.Context, req Request, onDelta func(string)) (Answer, error) {
	if onDelta == nil {
		onDelta = func(string) {}
	}
	return e.ask(ctx, req, onDelta)
}

func (e *Engine) ask(ctx context.Context, req Request, onDelta func(string)) (Answer, error) {
	start := time.Now()
	// Invisible characters go before any check: "ig\u200bnore" is
	// "ignore".
	q := strings.TrimSpace(RemoveInvisible(req.Question))
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
	if reply := smallTalk(q); reply != "" {
		// "hi", "thanks!": no question to look up. A friendly word back,
		// not "the article does not say", which would be about nothing.
		a.Text, a.SmallTalk = reply, true
		a.Reason = "small talk, not a question"
		a.Timings["total"] = ms(time.Since(start))
		e.deliver(onDelta, a.Text)
		return a, nil
	}
	if reason := hostile(FoldForMatching(q)); reason != "" {
		a.Text = refusalOffTopic
		a.Reason = "an instruction, not a question: " + reason
		e.cfg.Logger.Debug("refused", "question", q, "reason", a.Reason)
		a.Timings["total"] = ms(time.Since(start))
		e.deliver(onDelta, a.Text)
		return a, nil
	}
	if e.cfg.Chat == nil {
		if lang := questionLanguage(q, st.analyzer.knows); lang != "" {
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
	var pq question
	parsed := false
	var hits []retrieval.Hit
	var err error
	if e.cfg.Chat == nil {
		// The extractive answerer reads the question, with its sentence
		// vector, before retrieval: when the sentence embedder is the
		// index's embedder, that vector also searches, so the question is
		// embedded once (about 9 ms with the encoder).
		pq, parsed = e.parse(ctx, q, true), true
	}
	words := pq.text
	if parsed && pq.partake {
		// "is ukraine even in the talks": the story's word for it is
		// likely "participate" (partakeAsked).
		words += " " + partakeWord
		query += " " + partakeWord
	}
	if parsed && pq.vec != nil && len(history) == 0 && e.sameEmbedder() {
		// The words searched are the question as read (parseQuestion):
		// links and mentions gone, chat spelled out, "who is russia
		// sending" asked as "who will represent Russia?".
		hits, err = st.ix.SearchVector(ctx, pq.vec, words, depth)
	} else {
		hits, err = st.ix.Search(ctx, query, depth)
	}
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
	searched := slices.Clone(hits)
	lang, foreign := "", false
	if e.cfg.Chat != nil {
		lang, foreign = questionLanguageIn(q, st.analyzer.knows)
	}
	var v verdict
	if foreign {
		// The lexical gate reads English; a question in another language
		// goes to the model, which says itself when the snippets do not
		// answer, and whose claims are checked on names, numbers and dates.
		hits = hits[:min(k, len(hits))]
	} else {
		if !parsed {
			pq = e.parse(ctx, q, false)
		}
		v = st.analyzer.judge(ctx, &pq, history, hits, minCov)
		hits = rerank(&v, hits, k)
	}
	a.Retrieved = hits
	a.Timings["gate"] = ms(time.Since(t))
	if !foreign && !v.answerable {
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
	a, err = e.byModel(ctx, st, a, modelQuestion{text: q, lang: lang, foreign: foreign}, history, hits, searched, k, onDelta)
	if err != nil {
		return Answer{}, err
	}
	a.Timings["model"] = ms(time.Since(t))
	a.Timings["total"] = ms(time.Since(start))
	return a, nil
}

// byModel answers with the chat model. When it fails, the error is a
// *ModelError saying its kind; with Config.Fallback the answer is made
// extractively instead, from the hits searched for the question, with
// Fallback set to the kind and a Note saying the model is unavailable.
func (e *Engine) byModel(ctx context.Context, st *state, a Answer, q modelQuestion, history []Turn, hits, searched []retrieval.Hit, k int, onDelta func(string)) (Answer, error) {
	err := e.modelAnswer(ctx, st, &a, q, history, hits, onDelta)
	if err == nil {
		return a, nil
	}
	kind := ModelErrorKind(err)
	if !e.cfg.Fallback || ctx.Err() != nil {
		return Answer{}, &ModelError{Kind: kind, Err: err}
	}
	e.cfg.Logger.Warn("chat model failed; answering extractively", "err", err, "kind", kind, "model", a.Model)
	a = e.fallbackAnswer(ctx, st, a, q.text, history, searched, k, kind)
	e.deliver(onDelta, a.Text)
	return a, nil
}

// FallbackNote is the Note of an answer made without the language model.
const FallbackNote = "The language model is unavailable right now, so this answer quotes the article directly."

// fallbackAnswer answers extractively, after the chat model failed with an
// error of the given kind, from the hits searched for the question,
// through the extractive gate.
func (e *Engine) fallbackAnswer(ctx context.Context, st *state, a Answer, q string, history []Turn, searched []retrieval.Hit, k int, kind string) Answer {
	a = Answer{Question: a.Question, Mode: "extractive", Timings: a.Timings, Fallback: kind, Note: FallbackNote}
	pq := e.parse(ctx, q, true)
	v := st.analyzer.judge(ctx, &pq, history, searched, minCoverage)
	hits := rerank(&v, searched, k)
	a.Retrieved = hits
	if v.answerable {
		st.analyzer.extract(ctx, &a, v, hits)
	} else {
		a.Text = refusalNotInArticle
		a.Reason = v.why
	}
	return a
}

// parse reads q for the gate, with its sentence vector when there is a
// sentence embedder and withVec (the extractive answerer uses it).
func (e *Engine) parse(ctx context.Context, q string, withVec bool) question {
	pq := parseQuestion(q)
	if e.cfg.Sentences != nil && withVec {
		if vs, err := e.cfg.Sentences.Embed(ctx, []string{pq.text}); err == nil && len(vs) == 1 {
			pq.vec = vs[0]
		} else if err != nil {
			e.cfg.Logger.Warn("sentence embedder failed; answering without the semantic signal", "err", err)
		}
	}
	return pq
}

// sameEmbedder reports whether sentences are embedded by the index's own
// model, so that the question's sentence vector is also its search vector.
func (e *Engine) sameEmbedder() bool {
	return e.cfg.Sentences != nil && e.cfg.Sentences.Model() == e.cfg.Embedder.Model()
}

func (e *Engine) deliver(onDelta func(string), text string) {
	if onDelta != nil {
		onDelta(text)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// The refusals. They carry no citations.
const (
	replyGreeting       = "Hello! I answer questions about the news stories I have, quoting them. Ask me one: who, what, when, where, why, or \"summarize\"."
	replyThanks         = "Glad to help! Ask me anything else about the stories."
	refusalNotInArticle = "The article does not say. I can only answer from the article, and I found nothing in it about that."
	refusalOffTopic     = "I can only answer questions about the news article, and I don't take instructions to do anything else."
	refusalUngrounded   = "I couldn't find a well-sourced answer to that in the article."
	refusalFiltered     = "I can't answer that one: the language model's content filter stopped its reply. Try asking about the story in other words."
	// refusalNotEnglish says nothing about the article: it was not read.
	refusalNotEnglish = "Offline, I can only answer questions asked in English. Please ask again in English."
)

// Index returns the index now serving. It is immutable; a reload replaces
// it rather than changing it.
func (e *Engine) Index() *retrieval.Index { return e.state.Load().ix }

// The engine is the newsbot.Answerer the bot uses.
var _ newsbot.Answerer = (*Engine)(nil)
