package answer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/newsbot/newsbot/prompts"
	"github.com/newsbot/newsbot/retrieval"
)

// notInArticle matches a model's way of saying the snippets lack the answer.
func saysNotInArticle(text string) bool {
	l := strings.ToLower(retrieval.Normalize(text))
	for _, p := range []string{"does not say", "doesn't say", "does not mention", "doesn't mention", "not in the article",
		"does not contain", "doesn't contain", "no information", "not mentioned", "cannot answer", "can't answer",
		"does not provide", "doesn't provide", "not provided", "not stated"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// modelQuestion is the question as the model gets it.
type modelQuestion struct {
	text    string
	lang    string // the language's name when it is known and not English
	foreign bool   // not English
}

// maxStreamPreview bounds the text streamed to onDelta: the final answer
// is cut at MaxAnswerChars anyway, and a runaway reply must not fill a
// channel while it lasts.
const maxStreamPreview = MaxAnswerChars

// modelAnswer asks the chat model with the snippets and keeps what its
// citations support (verifyReply): reasoning blocks are removed, in the
// stream too; markers that point at no snippet, unsupported citations,
// uncited sentences and foreign links are dropped; every kept marker gets
// the snippet's sentence that best supports its claims as a verbatim
// quote. A reply with nothing supported left is a refusal whose Reason
// says why. Errors are the model's, or ErrEmptyReply.
func (e *Engine) modelAnswer(ctx context.Context, st *state, a *Answer, q modelQuestion, history []Turn, hits []retrieval.Hit, onDelta func(string)) error {
	data := prompts.Data{Question: q.text, OtherLanguage: q.foreign, Language: q.lang}
	snippets := make([]string, len(hits))
	for i, h := range hits {
		snippets[i] = snippetText(h.Chunk)
		data.Snippets = append(data.Snippets, prompts.Snippet{N: i + 1, Title: h.Chunk.Title, Text: snippets[i]})
	}
	for _, t := range history {
		data.History = append(data.History, prompts.Turn{Question: t.Question, Answer: t.Answer})
	}
	sys, err := e.cfg.Prompts.System()
	if err != nil {
		return err
	}
	user, err := e.cfg.Prompts.User(data)
	if err != nil {
		return err
	}
	var stream func(string)
	var checkedOut *checkedStream
	if onDelta != nil {
		// What streams is what the claim check keeps of the sentences
		// complete so far: a preview never shows a claim the final answer
		// would remove.
		checkedOut = newCheckedStream(func(text string) string {
			return verifyReply(ctx, e.cfg.Verifier, text, replyOptions{question: q.text, snippets: snippets, storyURLs: storyURLs(st, hits), foreign: q.foreign}).text
		}, onDelta)
		stream = newStreamCleaner(checkedOut.write, maxStreamPreview).write
	}
	reply, err := e.cfg.Chat.Chat(ctx, []Message{{Role: "system", Content: sys}, {Role: "user", Content: user}}, stream)
	if checkedOut != nil && err == nil {
		checkedOut.flush() // the last sentence, which no white space followed
	}
	truncated := false
	switch {
	case errors.Is(err, ErrContentFilter):
		e.cfg.Metrics.ModelStopped(ModelErrContentFilter)
		a.Usage = reply.Usage
		a.Text, a.Reason = refusalFiltered, "the model's reply was stopped by a content filter"
		e.logDropped(a, nil)
		return nil
	case errors.Is(err, ErrLengthLimit):
		// The complete sentences that arrived may still answer.
		e.cfg.Metrics.ModelStopped(ModelErrLength)
		truncated = true
	case err != nil:
		return fmt.Errorf("chat model: %w", err)
	}
	a.Usage = reply.Usage
	text := StripReasoning(reply.Text)
	if text == "" {
		return e.emptyReply()
	}
	urls := storyURLs(st, hits)
	c := verifyReply(ctx, e.cfg.Verifier, text, replyOptions{question: q.text, snippets: snippets, storyURLs: urls, foreign: q.foreign, truncated: truncated})
	e.countDropped(c)
	if c.text == "" {
		if saysNotInArticle(text) {
			a.Text = refusalNotInArticle
		} else {
			a.Text = refusalUngrounded
		}
		a.Reason = "no supported claim: " + strings.Join(c.dropped, "; ")
		if len(c.dropped) == 0 {
			a.Reason = "the reply cites no snippet"
		}
		if truncated && len(c.dropped) == 0 {
			a.Reason = "the reply reached the token limit before a complete cited sentence"
		}
		e.logDropped(a, c.dropped)
		return nil
	}
	refs := slices.Clone(c.refs)
	sort.Ints(refs)
	for _, r := range refs {
		h := hits[r-1]
		a.Citations = append(a.Citations, citationFor(h, r, supportingQuote(h.Chunk, c.claims[r]+" "+q.text)))
	}
	a.Text = c.text
	if truncated || c.cut {
		a.Text += " " + CutShortNote
	}
	a.Answered = true
	a.Reason = strings.Join(c.dropped, "; ")
	e.logDropped(a, c.dropped)
	return nil
}

// emptyReply is the error of a reply with no text: it names the model and,
// when known, its URL.
func (e *Engine) emptyReply() error {
	where := ""
	if u, ok := e.cfg.Chat.(interface{ BaseURL() string }); ok {
		where = " at " + u.BaseURL()
	}
	return fmt.Errorf("chat model %q%s: %w (nothing but reasoning, or an empty content field)", e.cfg.Chat.Name(), where, ErrEmptyReply)
}

// countDropped counts what the claim check removed, by reason.
func (e *Engine) countDropped(c checked) {
	for reason, n := range c.droppedBy {
		e.cfg.Metrics.ClaimsDropped(reason, n)
	}
}

func (e *Engine) logDropped(a *Answer, dropped []string) {
	if a.Reason == "" {
		return
	}
	e.cfg.Logger.Info("model reply checked", "answered", a.Answered, "model", a.Model, "reason", a.Reason, "removed", len(dropped))
}

// storyURLs are the addresses of the stories the hits come from: the only
// ones an answer may carry.
func storyURLs(st *state, hits []retrieval.Hit) []string {
	var urls []string
	for _, d := range st.ix.Docs() {
		for _, h := range hits {
			if h.Chunk.Doc == d.Slug && d.URL != "" {
				urls = append(urls, d.URL)
				break
			}
		}
	}
	return urls
}

// streamCleaner passes a streamed reply on without its reasoning blocks,
// up to a bound.
type streamCleaner struct {
	f     reasoningFilter
	out   func(string)
	left  int
	begun bool
}

func newStreamCleaner(out func(string), limit int) *streamCleaner {
	return &streamCleaner{out: out, left: limit}
}

func (s *streamCleaner) write(piece string) {
	text := s.f.Write(piece)
	if !s.begun {
		text = strings.TrimLeft(text, " \t\r\n")
	}
	if text == "" || s.left <= 0 {
		return
	}
	if len(text) > s.left {
		text = text[:s.left]
		for !utf8.ValidString(text) {
			text = text[:len(text)-1]
		}
	}
	s.left -= len(text)
	s.begun = true
	s.out(text)
}

// checkedStream forwards, of a streamed reply, only what the claim check
// keeps: each time a sentence or a line is complete, the reply so far (up
// to there) is checked, and the part of the checked text not forwarded
// yet goes on. When a later sentence changes what came before (a repeat
// collapsed), nothing more is forwarded: the final answer replaces the
// preview anyway.
type checkedStream struct {
	check func(text string) string // the checked text of a reply
	out   func(string)
	buf   strings.Builder
	upTo  int    // bytes of buf checked
	sent  string // the checked text forwarded so far
	stuck bool
}

func newCheckedStream(check func(string) string, out func(string)) *checkedStream {
	return &checkedStream{check: check, out: out}
}

func (c *checkedStream) write(piece string) {
	if c.stuck {
		return
	}
	c.buf.WriteString(piece)
	text := c.buf.String()
	end := lastBoundary(text)
	if end <= c.upTo {
		return
	}
	c.forward(end)
}

// forward checks the reply's first end bytes and sends what of the checked
// text was not sent yet; when the check changed what was sent, it stops.
func (c *checkedStream) forward(end int) {
	c.upTo = end
	checked := c.check(c.buf.String()[:end])
	if !strings.HasPrefix(checked, c.sent) {
		c.stuck = true
		return
	}
	if d := checked[len(c.sent):]; d != "" {
		c.sent = checked
		c.out(d)
	}
}

// flush checks and forwards the whole reply received, once it is complete.
func (c *checkedStream) flush() {
	if c.stuck || c.buf.Len() == c.upTo {
		return
	}
	c.forward(c.buf.Len())
}

// lastBoundary is the end of the last complete sentence or line of text:
// after a line break, or after '.', '!', '?' (and closing quotes or a
// citation marker) followed by white space; 0 when there is none.
func lastBoundary(text string) int {
	if i := strings.LastIndexByte(text, '\n'); i >= 0 && strings.TrimSpace(text[i:]) == "" {
		return len(text)
	}
	for i := len(text) - 1; i > 0; i-- {
		if text[i] == '\n' || (text[i] == ' ' || text[i] == '\t') && strings.ContainsAny(text[i-1:i], ".!?\"')]") {
			return i
		}
	}
	return 0
}

// snippetText is what the model sees of a chunk: for the meta chunk, its
// front matter too, so that "who published this" can be answered.
func snippetText(c retrieval.Chunk) string {
	if c.Meta && c.Context != "" {
		return c.Context + "\n" + c.Text
	}
	return c.Text
}

// supportingQuote returns the sentence (or two adjacent ones) of chunk c
// that shares the most terms with claim, cut to maxQuote: verbatim text.
func supportingQuote(c retrieval.Chunk, claim string) string {
	want := map[string]bool{}
	for _, t := range retrieval.Terms(claim) {
		want[t] = true
	}
	var terms []qterm
	for t := range want {
		terms = append(terms, qterm{stem: t, weight: 1})
	}
	spans := retrieval.SplitSentences(c.Text)
	if len(spans) == 0 {
		return quoteOf(c.Text, terms)
	}
	best, bestScore := spans[0], -1
	for _, s := range spans {
		score := 0
		seen := map[string]bool{}
		for _, t := range retrieval.Terms(c.Text[s.Start:s.End]) {
			if want[t] && !seen[t] {
				score++
				seen[t] = true
			}
		}
		if score > bestScore {
			best, bestScore = s, score
		}
	}
	return quoteOf(c.Text[best.Start:best.End], terms)
}
