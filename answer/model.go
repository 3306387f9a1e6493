package answer

import (
	"context"
	"fmt"
	"sort"
	"strings"

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

// modelAnswer asks the chat model with the snippets and validates its
// citations: markers that point at no snippet are dropped, and every kept
// one gets the snippet's sentence that best supports the claim it follows.
func (e *Engine) modelAnswer(ctx context.Context, st *state, a *Answer, q string, history []Turn, hits []retrieval.Hit, onDelta func(string)) error {
	data := prompts.Data{Question: q}
	for i, h := range hits {
		data.Snippets = append(data.Snippets, prompts.Snippet{N: i + 1, Title: h.Chunk.Title, Text: snippetText(h.Chunk)})
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
	reply, err := e.cfg.Chat.Chat(ctx, []Message{{Role: "system", Content: sys}, {Role: "user", Content: user}}, onDelta)
	if err != nil {
		return fmt.Errorf("chat model: %w", err)
	}
	a.Usage = reply.Usage
	text, refs := prompts.ParseCitations(reply.Text, len(hits))
	if len(refs) == 0 {
		if saysNotInArticle(text) {
			a.Text = refusalNotInArticle
		} else {
			a.Text = refusalUngrounded
		}
		return nil
	}
	claims := prompts.Claims(reply.Text, len(hits))
	sort.Ints(refs)
	for _, r := range refs {
		h := hits[r-1]
		a.Citations = append(a.Citations, citationFor(h, r, supportingQuote(h.Chunk, claims[r]+" "+q)))
	}
	a.Text = text
	a.Answered = true
	return nil
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
