package answer

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot/newsbot/retrieval"
)

// extract fills a with an answer built from the best passages.
func (a *analyzer) extract(ans *Answer, v verdict, hits []retrieval.Hit) {
	if v.kind == kindSummary {
		a.summary(ans, hits)
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
	// The snippets the answer cites come first, in the answer's order, so
	// its markers read [1], [2], … (hits is the answer's Retrieved list).
	moveToFront(hits, picked)
	var b strings.Builder
	for _, c := range picked {
		ref := c.hit + 1
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s [%d]", c.text, ref)
		ans.Citations = append(ans.Citations, citationFor(hits[c.hit], ref, quoteOf(c.text, v.terms)))
	}
	ans.Text = b.String()
	ans.Answered = true
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
	d := a.docs[h.Chunk.Doc]
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
	if len(parts) == 0 {
		parts = append(parts, "The article carries this credit line:")
	}
	ref := hi + 1
	ans.Text = fmt.Sprintf("%s [%d]", strings.Join(parts, " "), ref)
	ans.Citations = []Citation{citationFor(h, ref, quoteOf(h.Chunk.Text, nil))}
	ans.Answered = true
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
