package retrieval

import "sort"

// WeightedSum fuses a vector ranking and a lexical ranking by score rather
// than by rank: each candidate (the union of both lists) scores
//
//	wVec · cos' + (1 − wVec) · bm25'
//
// where cos' and bm25' are the candidate's cosine similarity and BM25 score
// min-max scaled over the candidates to [0, 1] (a candidate the lexical
// list lacks has BM25 0; when a side has one value for all candidates, the
// candidates it holds scale to 1). cos holds the cosine of every candidate;
// bm25 the scores of the lexical list. Scores are in [0, 1], and the best is
// above 0 unless there is no candidate. Best first; ties by ascending
// document.
func WeightedSum(wVec float64, cos, bm25 map[int]float64) []Scored {
	cands := make(map[int]bool, len(cos)+len(bm25))
	for d := range cos {
		cands[d] = true
	}
	for d := range bm25 {
		cands[d] = true
	}
	scale := func(m map[int]float64) func(d int) float64 {
		lo, hi := 0.0, 0.0
		first := true
		for d := range cands {
			v := m[d]
			if first || v < lo {
				lo = v
			}
			if first || v > hi {
				hi = v
			}
			first = false
		}
		return func(d int) float64 {
			if hi <= lo {
				// One value for all: each candidate the list holds is
				// its best.
				if _, ok := m[d]; ok {
					return 1
				}
				return 0
			}
			return (m[d] - lo) / (hi - lo)
		}
	}
	sv, sl := scale(cos), scale(bm25)
	out := make([]Scored, 0, len(cands))
	for d := range cands {
		out = append(out, Scored{Doc: d, Score: wVec*sv(d) + (1-wVec)*sl(d)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Doc < out[j].Doc
	})
	return out
}
