package answer

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot/newsbot/retrieval"
)

// extract fills a with an answer built from the best passages.
func (a *analyzer) extract(ctx context.Context, ans *Answer, v verdict, hits []retrieval.Hit) {
	if v.kind == kindSummary {
		a.summarize(ctx, ans, v.doc)
		return
	}
	if v.front {
		a.frontMatterAnswer(ans, v.doc)
		return
	}
	best := v.cands[0]
	if v.kind == kindMeta {
		a.metaAnswer(ans, hits, best.hit)
		return
	}
	picked := []candidate{best}
	if rule(v.kind).lead && !best.typed {
		// The best match does not hold what was asked ("where", "when"):
		// add the best passage that does, if it is about the question, and
		// put it first, so the answer opens with what was asked for,
		// unless the best match holds something close ("on Tuesday" for
		// "what date").
		for _, c := range v.cands[1:] {
			if v.q.future && pastRe.MatchString(c.text) && !futureRe.MatchString(c.text) {
				// "Where is the meeting happening?" is not answered by
				// where they met in 2022.
				continue
			}
			if c.typed && c.coverage >= minTypedCoverage && c.hit != best.hit && !hits[c.hit].Chunk.Meta {
				if v.kind == kindWhen && temporal.MatchString(best.text) {
					picked = append(picked, c)
				} else {
					picked = []candidate{c, best}
				}
				break
			}
		}
	}
	picked[0] = widen(v, picked[0], hits)
	most := 2 // sentences in the answer: two, and one per other part answered
	for _, k := range v.q.also {
		// The question's other part ("…, and for how long?"): add the
		// best passage that answers it, unless one picked already does.
		if slices.ContainsFunc(picked, func(c candidate) bool { return kindTyped(k, c.text, v.terms) }) {
			continue
		}
		for _, c := range v.cands[1:] {
			if kindTyped(k, c.text, v.terms) && c.coverage >= minTypedCoverage && !hits[c.hit].Chunk.Meta &&
				!slices.ContainsFunc(picked, func(p candidate) bool { return sameText(p.text, c.text) }) {
				picked = append(picked, c)
				most++
				break
			}
		}
	}
	for _, c := range v.cands[1:] {
		if len(picked) >= most || c.score < secondSentenceMin*best.score || c.coverage < minCoverage {
			break
		}
		if c.hit == best.hit || hits[c.hit].Chunk.Meta || sameText(c.text, best.text) {
			continue
		}
		picked = append(picked, c)
	}
	// A passage widened to its neighbour may hold another one picked.
	picked = slices.DeleteFunc(picked, func(c candidate) bool {
		return c != picked[0] && strings.Contains(retrieval.Normalize(picked[0].text), retrieval.Normalize(c.text))
	})
	// The snippets the answer cites come first, in the answer's order, so
	// its markers read [1], [2], … (hits is the answer's Retrieved list).
	moveToFront(hits, picked)
	var b strings.Builder
	for _, c := range picked {
		ref := c.hit + 1
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		text := c.text
		if endsChunk(hits[c.hit].Chunk.Text, c.span) {
			text = markCut(text)
		}
		fmt.Fprintf(&b, "%s [%d]", text, ref)
		ans.Citations = append(ans.Citations, citationFor(hits[c.hit], ref, quoteOf(c.text, v.terms)))
	}
	ans.Text = yesNoOpener(v, picked[0].text) + b.String()
	ans.Answered = true
}

// markCut returns text with " …" after it when it is a sentence cut
// short: longer than a headline (minCutLen bytes) and ending without the
// punctuation that ends a sentence. The chunker cuts a sentence longer
// than a chunk (ChunkOptions.Max) at a word, and the reader must see that
// the sentence goes on. Callers ask only about a chunk's last sentence,
// where such a cut falls (a long list item inside a chunk is whole).
func markCut(text string) string {
	t := strings.TrimSpace(text)
	if len(t) < minCutLen {
		return text
	}
	r, _ := utf8.DecodeLastRuneInString(t)
	if strings.ContainsRune(".!?…:;\"”’')]»", r) {
		return text
	}
	return t + " …"
}

// endsChunk reports whether span is the last sentence of chunk text: only
// there can the chunker have cut a sentence.
func endsChunk(text string, span retrieval.Span) bool {
	return span.End >= len(strings.TrimRight(text, " \t\n"))
}

// minCutLen is the length, in bytes, from which a passage without final
// punctuation is taken for a sentence cut short rather than a headline or
// a list item.
const minCutLen = 200

var (
	// saidEnd is a sentence that ends on who said it, by pronoun: "'A
	// strike is coming,' she said."
	saidEnd = regexp.MustCompile(`(?i)[,.!?]["”'’]?\s+(he|she|they|it)\s+(said|says|added|adds|told \w+|wrote|warned|insisted)\.?\s*$`)
	// pronoun: a sentence that speaks of people by pronoun, which for
	// "who" needs the sentence before that names them.
	pronoun = regexp.MustCompile(`(?i)\b(he|she|they|they're|they’re|him|her|them)\b`)
)

// echoShare is the share of a sentence's content words that are the
// question's own beyond which the sentence only restates the question, and
// the answer is likely in the next one ("The council met to approve the
// plan." for "What did the council approve?"); set on the development sets
// between 0.6 and 0.75, which scored the same: the higher widens less.
const echoShare = 0.75

// widen joins the passage c to its neighbour in the chunk where the
// question needs it: the sentence before, when c speaks of someone by
// pronoun; the sentence after, for why (when c gives no cause and the next
// one does), for what happened after, and when c only echoes the question.
func widen(v verdict, c candidate, hits []retrieval.Hit) candidate {
	text := hits[c.hit].Chunk.Text
	spans := retrieval.SplitSentences(text)
	i := slices.Index(spans, c.span)
	if i < 0 {
		return c
	}
	var next string
	if i+1 < len(spans) {
		next = text[spans[i+1].Start:spans[i+1].End]
	}
	switch {
	case i > 0 && (anaphor.MatchString(c.text) || saidEnd.MatchString(c.text) || v.kind == kindWho && pronoun.MatchString(c.text)) &&
		personRe.MatchString(c.prev) && !personRe.MatchString(c.text[min(len(c.text), 1):]):
		c.span.Start = spans[i-1].Start
	case next == "":
	case v.kind == kindWhy && !causalRe.MatchString(c.text) && causalRe.MatchString(next),
		v.kind == kindAfter,
		(v.kind == kindOther || v.kind == kindOpinion) && (echoes(v.terms, c.text) || continues(v.terms, c.text, next)):
		c.span.End = spans[i+1].End
	}
	c.text = text[c.span.Start:c.span.End]
	return c
}

// continues reports whether next goes on about what text ends on, which
// the question did not name: "… to approve the plan." "The plan adds four
// routes …" for "What did the council approve?".
func continues(terms []qterm, text, next string) bool {
	m := openerNP.FindStringSubmatch(next)
	if m == nil {
		return false
	}
	head := retrieval.Terms(m[1])
	if len(head) != 1 || slices.ContainsFunc(terms, func(q qterm) bool { return q.stem == head[0] }) {
		return false
	}
	ts := retrieval.Terms(text)
	return len(ts) > 0 && ts[len(ts)-1] == head[0]
}

// openerNP is a sentence opening on a definite noun: "The plan adds …".
var openerNP = regexp.MustCompile(`^\s*(?:The|This|That|These|Those)\s+([\p{L}-]+)\b`)

// echoes reports whether most of text's content words are the question's.
func echoes(terms []qterm, text string) bool {
	ts := retrieval.Terms(text)
	if len(ts) == 0 {
		return false
	}
	n := 0
	for _, t := range ts {
		if slices.ContainsFunc(terms, func(q qterm) bool { return q.stem == t || similarStem(q.stem, t) }) {
			n++
		}
	}
	return float64(n) >= echoShare*float64(len(ts))
}

// yesNoOpener returns "Yes. " or "No. " when a yes/no question is answered
// plainly by the sentence (it says what the question asks with the same
// auxiliary, "Ukraine will not participate" for "Will Ukraine take
// part?"), else "": the answer opens with the evidence.
func yesNoOpener(v verdict, text string) string {
	if v.kind != kindYesNo {
		return ""
	}
	said, negated := saysPlainly(v.q, v.terms, text)
	switch {
	case !said:
		return ""
	case negated:
		return "No. "
	}
	return "Yes. "
}

// moveToFront reorders hits so that those of picked come first, in the
// order picked cites them, the others after in their order, and points
// picked at the new positions.
func moveToFront(hits []retrieval.Hit, picked []candidate) {
	pos := make([]int, len(hits)) // old index -> new index
	for i := range pos {
		pos[i] = -1
	}
	order := make([]int, 0, len(hits)) // new index -> old index
	for _, c := range picked {
		if pos[c.hit] < 0 {
			pos[c.hit] = len(order)
			order = append(order, c.hit)
		}
	}
	for i := range hits {
		if pos[i] < 0 {
			pos[i] = len(order)
			order = append(order, i)
		}
	}
	old := slices.Clone(hits)
	for n, i := range order {
		hits[n] = old[i]
	}
	for k := range picked {
		picked[k].hit = pos[picked[k].hit]
	}
}

func sameText(x, y string) bool {
	return retrieval.Normalize(x) == retrieval.Normalize(y)
}

func citationFor(h retrieval.Hit, ref int, quote string) Citation {
	return Citation{Ref: ref, Chunk: h.Chunk.ID, Doc: h.Chunk.Doc, Title: h.Chunk.Title, Quote: quote}
}

// metaAnswer answers a question about the article itself from its front
// matter, citing the byline and copyright lines it was written from.
func (a *analyzer) metaAnswer(ans *Answer, hits []retrieval.Hit, hi int) {
	h := hits[hi]
	parts := a.frontMatter(h.Chunk.Doc)
	if len(parts) == 0 {
		parts = append(parts, "The article carries this credit line:")
	}
	ref := hi + 1
	ans.Text = fmt.Sprintf("%s [%d]", strings.Join(parts, " "), ref)
	ans.Citations = []Citation{citationFor(h, ref, quoteOf(h.Chunk.Text, nil))}
	ans.Answered = true
}

// frontMatterAnswer answers a question about a story that has no credit
// lines in its text from its front matter alone. There is nothing of the
// article's text to quote, so it cites nothing.
func (a *analyzer) frontMatterAnswer(ans *Answer, doc string) {
	parts := a.frontMatter(doc)
	if d := a.docs[doc]; d.URL != "" {
		parts = append(parts, "Link: "+d.URL)
	}
	ans.Text = strings.Join(parts, " ")
	ans.Answered = true
}

// frontMatter says who published the story, when, and who wrote it, from
// its front matter (and its credit lines when the byline is not there).
func (a *analyzer) frontMatter(doc string) []string {
	d := a.docs[doc]
	var parts []string
	title := d.Title
	if title == "" {
		title = "The article"
	} else {
		title = fmt.Sprintf("%q", title)
	}
	switch {
	case d.Source != "" && d.Published != "":
		parts = append(parts, fmt.Sprintf("%s was published by %s on %s.", title, d.Source, d.Published))
	case d.Source != "":
		parts = append(parts, fmt.Sprintf("%s was published by %s.", title, d.Source))
	case d.Published != "":
		parts = append(parts, fmt.Sprintf("%s was published on %s.", title, d.Published))
	}
	if d.Byline != "" {
		parts = append(parts, "Byline: "+strings.TrimSuffix(d.Byline, ".")+".")
	} else {
		// No byline in the front matter: the credit lines say it.
		for _, line := range d.Meta {
			if !strings.HasPrefix(line, "\u00a9") && !strings.HasPrefix(strings.ToLower(line), "copyright") {
				parts = append(parts, strings.TrimLeft(line, "-\u2013\u2014 "))
			}
		}
	}
	return parts
}

// quoteOf returns text, or when it is longer than maxQuote, the window of
// whole words of it that holds the most question terms: always a verbatim
// piece of the article.
func quoteOf(text string, terms []qterm) string {
	text = strings.TrimSpace(text)
	if len(text) <= maxQuote {
		return text
	}
	// Word boundaries as byte offsets.
	var starts []int
	for i, r := range text {
		if i == 0 || (unicode.IsSpace(rune(text[i-1])) && !unicode.IsSpace(r)) {
			starts = append(starts, i)
		}
	}
	want := map[string]float64{}
	for _, t := range terms {
		want[t.stem] = t.weight
	}
	bestStart, bestEnd, bestScore := 0, 0, -1.0
	for si, s := range starts {
		end := s
		for _, e := range starts[si+1:] {
			if e-s > maxQuote {
				break
			}
			end = e
		}
		if end == s || (si+1 < len(starts) && len(text)-s <= maxQuote) {
			end = len(text)
		}
		if end-s > maxQuote {
			continue
		}
		piece := strings.TrimSpace(text[s:end])
		score := 0.0
		seen := map[string]bool{}
		for _, t := range retrieval.Terms(piece) {
			if !seen[t] {
				score += want[t]
				seen[t] = true
			}
		}
		if score > bestScore {
			bestStart, bestEnd, bestScore = s, end, score
		}
		if end == len(text) {
			break
		}
	}
	q := strings.TrimSpace(text[bestStart:bestEnd])
	if q == "" {
		q = strings.TrimSpace(text[:maxQuote])
		for !utf8.ValidString(q) {
			q = q[:len(q)-1]
		}
	}
	return q
}
