package answer

import (
	"fmt"

	"github.com/newsbot/newsbot/retrieval"
)

// summary answers "what is this about" with the opening sentence of the
// most relevant article, its lead, citing the chunk that holds it (added
// to the retrieved snippets when retrieval did not bring it).
func (a *analyzer) summary(ans *Answer, hits []retrieval.Hit) {
	for _, h := range hits {
		if h.Chunk.Meta {
			continue
		}
		lead, ok := a.leads[h.Chunk.Doc]
		if !ok {
			continue
		}
		spans := retrieval.SplitSentences(lead.Text)
		if len(spans) == 0 {
			continue
		}
		ref := 0
		for i, x := range ans.Retrieved {
			if x.Chunk.ID == lead.ID {
				ref = i + 1
			}
		}
		if ref == 0 {
			ans.Retrieved = append([]retrieval.Hit{{Chunk: lead, Score: h.Score}}, ans.Retrieved...)
			if len(ans.Retrieved) > len(hits) {
				ans.Retrieved = ans.Retrieved[:len(hits)]
			}
			ref = 1
		}
		s := lead.Text[spans[0].Start:spans[0].End]
		ans.Text = fmt.Sprintf("%s [%d]", s, ref)
		ans.Citations = []Citation{citationFor(ans.Retrieved[ref-1], ref, quoteOf(s, nil))}
		ans.Answered = true
		return
	}
	ans.Text = refusalNotInArticle
}
