package answer

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/retrieval"
)

// A summary is 3 to 5 sentences of one story, each with its citation,
// chosen by maximal marginal relevance (Carbonell and Goldstein, 1998): each
// next point is the sentence most central to the story and least like the
// points already chosen. News puts the most important first (the inverted
// pyramid), so earlier sentences get a bonus.

// Summary weights. mmrLambda trades centrality for novelty as in most MMR
// summarizers (0.7: centrality first); leadWeight is the bonus of the first
// sentence, falling as 1/(1+position), enough that the lead is the first
// point of every story of the development sets tried (the default story,
// the 24 of ../shared/eval/external).
const (
	mmrLambda  = 0.7
	leadWeight = 0.3
	minPoints  = 3
	maxPoints  = 5
	// sentencesPerPoint: a story of n sentences gets n/sentencesPerPoint
	// points, within [minPoints, maxPoints].
	sentencesPerPoint = 6
	// maxRedundancy: a sentence this close to a point already chosen (cosine
	// of the sentence vectors) says the same thing and is never chosen. The
	// sentence encoder puts any two sentences of one news story at a cosine
	// of 0.3 to 0.7 and paraphrases above 0.8; TF-IDF term vectors put
	// sentences that share no rare word near 0.
	maxRedundancy        = 0.5
	maxRedundancyEncoder = 0.8
	// minPointLen is the shortest sentence, in bytes, that makes a point
	// ("Ukraine will not participate." is 29).
	minPointLen = 25
)

// storySentence is a sentence of a story with where it is.
type storySentence struct {
	chunk retrieval.Chunk
	span  retrieval.Span
	text  string
}

// sentencesOf returns the sentences of a story's content chunks in order,
// each once (overlapping chunks repeat some).
func (a *analyzer) sentencesOf(doc string) []storySentence {
	var out []storySentence
	seen := map[string]bool{}
	for _, c := range a.chunks[doc] {
		if c.Meta {
			continue
		}
		for _, sp := range retrieval.SplitSentences(c.Text) {
			text := c.Text[sp.Start:sp.End]
			key := retrieval.Normalize(text)
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, storySentence{chunk: c, span: sp, text: text})
		}
	}
	return out
}

// summarize fills ans with a summary of doc: its points, their citations,
// and the chunks they cite as Retrieved.
func (a *analyzer) summarize(ctx context.Context, ans *Answer, doc string) {
	sents := a.sentencesOf(doc)
	var pool, standalone []int
	for i, s := range sents {
		if len(strings.TrimSpace(s.text)) >= minPointLen {
			pool = append(pool, i)
			if !anaphor.MatchString(s.text) {
				standalone = append(standalone, i)
			}
		}
	}
	if len(standalone) >= minPoints {
		// A point must stand alone: "They chatted for ten minutes" says
		// nothing without the sentence before it.
		pool = standalone
	}
	if len(pool) == 0 {
		ans.Text = refusalNotInArticle
		ans.Reason = "the story has no sentence to summarize"
		return
	}
	vecs, encoded := a.summaryVectors(ctx, doc, sents)
	maxRed := maxRedundancy
	if encoded {
		maxRed = maxRedundancyEncoder
	}
	centroid := make([]float64, len(vecs[0]))
	for _, i := range pool {
		for k, x := range vecs[i] {
			centroid[k] += x
		}
	}
	unit(centroid)
	n := min(maxPoints, max(minPoints, len(sents)/sentencesPerPoint), len(pool))
	chosen := mmr(pool, vecs, centroid, n, maxRed)
	// The points in story order: a summary reads as the story does.
	sortInts(chosen)
	var b strings.Builder
	ans.Retrieved = ans.Retrieved[:0]
	for _, i := range chosen {
		// Each point is its own citation, numbered in order, even when two
		// points come from one chunk: a reader matches [2] to the second
		// quote.
		s := sents[i]
		ans.Retrieved = append(ans.Retrieved, retrieval.Hit{Chunk: s.chunk})
		ref := len(ans.Retrieved)
		// "•" rather than "-": a bullet that is not Markdown, so it reads
		// the same in a terminal and on Discord, where the article's text
		// is escaped.
		point := strings.TrimSpace(s.text)
		if endsChunk(s.chunk.Text, s.span) {
			point = markCut(point)
		}
		fmt.Fprintf(&b, "• %s [%d]\n", point, ref)
		ans.Citations = append(ans.Citations, citationFor(ans.Retrieved[ref-1], ref, quoteOf(s.text, nil)))
	}
	ans.Text = strings.TrimRight(b.String(), "\n")
	ans.Answered = true
}

// mmr picks n of pool by maximal marginal relevance to centroid, with the
// lead bonus.
func mmr(pool []int, vecs [][]float64, centroid []float64, n int, maxRed float64) []int {
	var chosen []int
	used := map[int]bool{}
	for len(chosen) < n {
		best, bestScore := -1, math.Inf(-1)
		for rank, i := range pool {
			if used[i] {
				continue
			}
			redundancy := 0.0
			for _, j := range chosen {
				redundancy = max(redundancy, dot(vecs[i], vecs[j]))
			}
			if redundancy >= maxRed {
				continue
			}
			score := mmrLambda*(dot(vecs[i], centroid)+leadWeight/float64(1+rank)) - (1-mmrLambda)*redundancy
			if score > bestScore {
				best, bestScore = i, score
			}
		}
		if best < 0 {
			break
		}
		used[best] = true
		chosen = append(chosen, best)
	}
	return chosen
}

// summaryVectors returns a unit vector per sentence: from the sentence
// embedder when there is one (and it works; encoded is then true), else
// TF-IDF term vectors.
func (a *analyzer) summaryVectors(ctx context.Context, doc string, sents []storySentence) (vecs [][]float64, encoded bool) {
	if a.sentences != nil {
		texts := make([]string, len(sents))
		for i, s := range sents {
			texts[i] = s.text
		}
		if vs, err := a.sentences.Embed(ctx, texts); err == nil && len(vs) == len(texts) {
			out := make([][]float64, len(vs))
			for i, v := range vs {
				out[i] = make([]float64, len(v))
				for k, x := range v {
					out[i][k] = float64(x)
				}
				unit(out[i])
			}
			return out, true
		}
	}
	dims := map[string]int{}
	terms := make([][]string, len(sents))
	for i, s := range sents {
		terms[i] = retrieval.Terms(s.text)
		for _, t := range terms[i] {
			if _, ok := dims[t]; !ok {
				dims[t] = len(dims)
			}
		}
	}
	out := make([][]float64, len(sents))
	for i := range sents {
		out[i] = make([]float64, max(len(dims), 1))
		for _, t := range terms[i] {
			out[i][dims[t]] += a.lex.IDF(t)
		}
		unit(out[i])
	}
	return out, false
}

func dot(x, y []float64) float64 {
	s := 0.0
	for i := range min(len(x), len(y)) {
		s += x[i] * y[i]
	}
	return s
}

// unit scales v to length 1 (a zero vector stays zero).
func unit(v []float64) {
	n := math.Sqrt(dot(v, v))
	if n == 0 {
		return
	}
	for i := range v {
		v[i] /= n
	}
}

func sortInts(xs []int) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// newestStory returns the slug of the story published last (by its
// front matter's date, the last loaded among equals).
func (a *analyzer) newestStory() string {
	best, bestDate := "", ""
	for _, slug := range a.order {
		if d := a.docs[slug].Published; best == "" || d >= bestDate {
			best, bestDate = slug, d
		}
	}
	return best
}

// Summarize implements newsbot.Summarizer: 3 to 5 points of the story with
// the given slug (the newest story when slug is empty), each one sentence of
// the story with its citation. It returns newsbot.ErrUnknownStory for a
// slug not in the corpus.
func (e *Engine) Summarize(ctx context.Context, slug string) (Answer, error) {
	st := e.state.Load()
	if slug == "" {
		slug = st.analyzer.newestStory()
	}
	if _, ok := st.analyzer.docs[slug]; !ok {
		return Answer{}, fmt.Errorf("%w: %q", newsbot.ErrUnknownStory, slug)
	}
	a := Answer{Question: "summary of " + slug, Mode: "extractive", Timings: map[string]float64{}}
	st.analyzer.summarize(ctx, &a, slug)
	return a, nil
}

var _ newsbot.Summarizer = (*Engine)(nil)

// sentenceVector returns the vector of a sentence of doc from the sentence
// embedder, embedding the story's sentences on its first use; nil when
// there is no embedder or it failed.
func (a *analyzer) sentenceVector(ctx context.Context, doc, text string) []float32 {
	if a.sentences == nil {
		return nil
	}
	a.rolesMu.Lock()
	vecs, ok := a.sentVecs[doc]
	a.rolesMu.Unlock()
	if !ok {
		sents := a.sentencesOf(doc)
		texts := make([]string, len(sents))
		for i, s := range sents {
			texts[i] = s.text
		}
		vs, err := a.embedSentences(ctx, texts)
		if err != nil {
			return nil // tried again on the next question
		}
		vecs = map[string][]float32{}
		for i, t := range texts {
			vecs[retrieval.Normalize(t)] = vs[i]
		}
		a.rolesMu.Lock()
		a.sentVecs[doc] = vecs
		a.rolesMu.Unlock()
	}
	return vecs[retrieval.Normalize(text)]
}

// embedSentences returns the vectors of texts, from the cache where it
// has them; the others are embedded in one batch and stored.
func (a *analyzer) embedSentences(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	var miss []int
	var missText []string
	keys := make([]retrieval.CacheKey, len(texts))
	for i, t := range texts {
		if a.cache != nil {
			keys[i] = retrieval.KeyFor(a.sentences.Model(), t)
			if v, ok := a.cache.Get(keys[i]); ok {
				out[i] = v
				continue
			}
		}
		miss = append(miss, i)
		missText = append(missText, t)
	}
	if len(miss) == 0 {
		return out, nil
	}
	vs, err := a.sentences.Embed(ctx, missText)
	if err != nil {
		return nil, err
	}
	if len(vs) != len(missText) {
		return nil, fmt.Errorf("sentence embedder: %d vectors for %d texts", len(vs), len(missText))
	}
	for j, i := range miss {
		out[i] = vs[j]
		if a.cache != nil {
			a.cache.Put(keys[i], vs[j])
		}
	}
	return out, nil
}

// cosine is the cosine similarity of two vectors (their dot product when
// both are unit vectors, as embedders return them).
func cosine(x, y []float32) float64 {
	var dxy, dxx, dyy float64
	for i := range min(len(x), len(y)) {
		dxy += float64(x[i]) * float64(y[i])
		dxx += float64(x[i]) * float64(x[i])
		dyy += float64(y[i]) * float64(y[i])
	}
	if dxx == 0 || dyy == 0 {
		return 0
	}
	return dxy / (math.Sqrt(dxx) * math.Sqrt(dyy))
}
