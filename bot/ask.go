package bot

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/newsbot/newsbot"
)

// question is one question, from /ask or a mention.
type question struct {
	Source  string // sourceSlash, sourceMention or sourceDM
	User    string
	Text    string
	History []newsbot.Turn
	At      time.Time // when it arrived
	// Story is the slug of the one story asked about, "" for all; with
	// Summary the question is /summary of that story (stories.go).
	Story   string
	Summary bool
	// Expires, when set, is when the question becomes too old to start
	// answering (an /ask whose interaction token would expire); zero for
	// mentions and DMs, which never expire.
	Expires time.Time
}

// responder sends the messages of one reply. first sets the reply's first
// message (creating it or replacing its content); more adds a message after
// it; both return the message's ID and retry what fails. preview shows the
// text of an answer being streamed in the first message, best effort.
type responder interface {
	first(ctx context.Context, m outMessage) (id string, err error)
	more(ctx context.Context, m outMessage) (id string, err error)
	preview(ctx context.Context, content string) error
}

// result is how a question ended.
type result struct {
	Outcome string
	Answer  newsbot.Answer
	FirstID string // the first message of the reply, "" if none was sent
}

// answer runs q through the queue and the engine, streaming the text as it
// arrives when a chat model is configured, and delivers exactly one final
// reply through r: the answer, or a short apology. remember, if not nil, is
// called with an answer (or a refusal) before it is sent, so that a reply
// to it is understood as a follow-up. It never returns an error: what went
// wrong is logged, counted and told to the user.
func (b *Bot) answer(ctx context.Context, q question, r responder, queued func(place int), remember func(newsbot.Answer)) result {
	log := b.log.With("source", q.Source, "user", q.User)
	var (
		a       newsbot.Answer
		err     error
		msgs    []outMessage
		outcome string
	)
	release, gerr := b.gate.acquire(ctx, queued)
	stale := false
	if gerr == nil && !q.Expires.IsZero() && b.cfg.now().After(q.Expires) {
		// Its turn came too late: the answer could not replace the
		// queue note before the token expires. No model call is made.
		release()
		stale = true
	} else if gerr == nil {
		a, err = func() (a newsbot.Answer, err error) {
			defer release()
			defer func() {
				// A panic in the engine must not keep the slot or leave
				// the user without a reply: it becomes the apology.
				if v := recover(); v != nil {
					log.Error("panic while answering", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
					err = fmt.Errorf("internal error: %v", v)
				}
			}()
			return b.ask(ctx, q, r)
		}()
	}
	switch {
	case stale:
		outcome, msgs = outcomeExpired, formatText(expiredText)
		b.metrics.tokenExpired.WithLabelValues("queue").Inc()
		log.Warn("question dropped: it waited in the queue until its interaction was about to expire",
			"waited", b.cfg.now().Sub(q.At).Round(time.Second))
	case errors.Is(gerr, errBusy):
		outcome, msgs = outcomeBusy, formatText(busyText)
	case gerr != nil || (err != nil && b.workCtx.Err() != nil):
		outcome, msgs = outcomeShutdown, formatText(shutdownText)
	case errors.Is(err, newsbot.ErrEmptyQuestion):
		outcome, msgs = outcomeRejected, formatText(emptyText)
	case errors.Is(err, newsbot.ErrQuestionTooLong):
		outcome, msgs = outcomeRejected, formatText(tooLongText())
	case errors.Is(err, newsbot.ErrUnknownStory):
		outcome, msgs = outcomeRejected, formatText(unknownStoryText(q.Story)) // stories.go
	case err != nil:
		outcome, msgs = outcomeModelError, formatText(apologyText)
		kind := modelErrorKind(err)
		b.metrics.modelErrors.WithLabelValues(kind).Inc()
		log.Error("answering failed", "err", err, "kind", kind)
	default:
		switch {
		case a.SmallTalk:
			outcome = outcomeSmallTalk
		case !a.Answered:
			outcome = outcomeRefused
		default:
			outcome = outcomeAnswered
		}
		msgs = formatAnswer(a, b.storyURLs())
		if a.Fallback != "" {
			kind := labelValue(a.Fallback)
			b.metrics.modelErrors.WithLabelValues(kind).Inc()
			b.metrics.fallbacks.WithLabelValues(kind).Inc()
			log.Warn("the chat model failed; answered without it", "kind", kind)
		}
		if remember != nil {
			remember(a)
		}
		b.metrics.tokens.WithLabelValues("prompt").Add(float64(a.Usage.PromptTokens))
		b.metrics.tokens.WithLabelValues("completion").Add(float64(a.Usage.CompletionTokens))
	}

	switch outcome {
	case outcomeBusy, outcomeModelError, outcomeShutdown, outcomeExpired:
		// The apology says to try again: that must be possible as soon as
		// the user reads it, so the cooldown is given back before.
		b.cooldown.refund(q.User, q.At)
	}
	dctx, cancel := deliveryContext(ctx)
	defer cancel()
	id, derr := deliver(dctx, r, msgs)
	if derr != nil {
		log.Error("delivering the reply failed", "err", derr, "outcome", outcome)
		outcome = outcomeFailed
		b.cooldown.refund(q.User, q.At)
	}
	b.count(q.Source, outcome)
	b.metrics.answerSeconds.WithLabelValues(q.Source).Observe(time.Since(q.At).Seconds())
	log.Info("question answered", "outcome", outcome, "mode", a.Mode, "citations", len(a.Citations),
		"ms", time.Since(q.At).Milliseconds())
	return result{Outcome: outcome, Answer: a, FirstID: id}
}

// storyURLs returns a lookup of the loaded stories' own addresses by slug.
func (b *Bot) storyURLs() func(slug string) string {
	urls := map[string]string{}
	for _, d := range b.ans.Info().Docs {
		urls[d.Slug] = d.URL
	}
	return func(slug string) string { return urls[slug] }
}

// ask calls the engine: AskStream with streaming edits in model mode, Ask
// in extractive mode.
func (b *Bot) ask(ctx context.Context, q question, r responder) (newsbot.Answer, error) {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.AnswerTimeout)
	defer cancel()
	if q.Summary {
		return b.summarize(ctx, q.Story) // stories.go
	}
	req := newsbot.Request{Question: q.Text, History: q.History, Story: q.Story}
	if b.ans.Info().ChatModel == "" {
		return b.ans.Ask(ctx, req)
	}
	ed := newStreamEditor(r, b.cfg.EditInterval, b)
	defer ed.stop()
	return b.ans.AskStream(ctx, req, ed.add)
}

// deliver sends msgs through r: the first as the reply's first message,
// the others after it. It returns the first message's ID.
func deliver(ctx context.Context, r responder, msgs []outMessage) (string, error) {
	var firstID string
	for i, m := range msgs {
		var err error
		if i == 0 {
			firstID, err = r.first(ctx, m)
		} else {
			_, err = r.more(ctx, m)
		}
		if err != nil {
			return firstID, err
		}
	}
	return firstID, nil
}

// streamEditor shows a streamed answer as it arrives: at most one preview
// of the reply's first message per interval, always with the latest text;
// a preview that meets a rate limit is dropped, superseded by the next one
// rather than queued. The final reply is sent after stop, which waits for
// a preview in flight: a preview cancelled after it was sent could still
// land after the final reply and overwrite it.
type streamEditor struct {
	r        responder
	interval time.Duration
	b        *Bot

	mu    sync.Mutex
	text  strings.Builder
	adds  int
	edits int

	kick   chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

func newStreamEditor(r responder, interval time.Duration, b *Bot) *streamEditor {
	ctx, cancel := context.WithCancel(context.Background())
	e := &streamEditor{r: r, interval: interval, b: b, kick: make(chan struct{}, 1), ctx: ctx, cancel: cancel, done: make(chan struct{})}
	go e.run()
	return e
}

// add receives a piece of the answer's text; it never blocks.
func (e *streamEditor) add(delta string) {
	e.mu.Lock()
	e.text.WriteString(delta)
	e.adds++
	e.mu.Unlock()
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

func (e *streamEditor) run() {
	defer close(e.done)
	var last time.Time
	sent := ""
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-e.kick:
		}
		if wait := e.interval - time.Since(last); wait > 0 {
			if sleep(e.ctx, wait) != nil {
				return
			}
		}
		e.mu.Lock()
		text := previewText(e.text.String())
		e.mu.Unlock()
		if text == sent {
			continue
		}
		last = time.Now()
		pctx, cancel := context.WithTimeout(context.Background(), previewTimeout)
		err := e.r.preview(pctx, text)
		cancel()
		if err != nil {
			e.b.log.Debug("streaming preview", "err", err)
			continue
		}
		sent = text
		e.mu.Lock()
		e.edits++
		e.mu.Unlock()
	}
}

// previewTimeout bounds one preview, and so how long stop may wait.
const previewTimeout = 5 * time.Second

// stop ends the previews and waits for one in flight to finish, so that
// the final reply cannot be overwritten by a late preview.
func (e *streamEditor) stop() {
	e.cancel()
	<-e.done
	e.mu.Lock()
	if skipped := e.adds - e.edits; skipped > 0 {
		e.b.metrics.editsDropped.Add(float64(skipped))
	}
	e.mu.Unlock()
}

// count records a question's outcome.
func (b *Bot) count(source, outcome string) {
	b.metrics.questions.WithLabelValues(source, outcome).Inc()
}
