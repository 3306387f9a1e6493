package encoder

import (
	"strings"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"
)

// separator stands for a space in SentencePiece pieces (U+2581).
const separator = "\u2581"

// reservedPieces are the control pieces at the head of the vocabulary
// (unknown, <s>, </s>, three extras); the tokenizer never produces them,
// except UnknownID for a character no piece starts with.
const reservedPieces = 6

// UnknownID is the token id of a character that no piece covers. A run of
// unknown characters becomes one UnknownID.
const UnknownID = 0

// Tokenizer is a SentencePiece unigram tokenizer: Viterbi segmentation
// maximizing the sum of the pieces' log-probability scores.
//
// It reproduces the tokenizer of @energetic-ai/embeddings 0.2.0 (itself the
// one of TensorFlow.js's universal-sentence-encoder), quirks included, so
// that ids match the ones the model was run with there: NFKC normalization;
// only U+0020 becomes the separator, and one separator is prepended; a
// position no piece starts at becomes an unknown piece of score 0; a score
// of exactly 0 on a position counts as "not reached yet"; ties go to the
// candidate seen last. Safe for concurrent use.
type Tokenizer struct {
	pieces []string
	// back is each piece's length in UTF-16 code units, which is how far
	// the reference steps back over it when reading the best path.
	back   []int
	scores []float64
	root   *trieNode
}

type trieNode struct {
	children map[rune]*trieNode
	end      bool
	id       int
	score    float64
	length   int // in code points
}

func newTokenizer(pieces []string, scores []float64) *Tokenizer {
	t := &Tokenizer{pieces: pieces, scores: scores, back: make([]int, len(pieces)), root: &trieNode{}}
	for i, p := range pieces {
		t.back[i] = len(utf16.Encode([]rune(p)))
		if i < reservedPieces {
			continue
		}
		n := t.root
		rs := []rune(p)
		for j, r := range rs {
			c := n.children[r]
			if c == nil {
				if n.children == nil {
					n.children = map[rune]*trieNode{}
				}
				c = &trieNode{length: j + 1}
				n.children[r] = c
			}
			n = c
		}
		// A repeated piece keeps the last id and score, as the reference's
		// trie does.
		n.end, n.id, n.score = true, i, scores[i]
	}
	return t
}

// VocabSize is the number of pieces (token ids are 0..VocabSize()-1).
func (t *Tokenizer) VocabSize() int { return len(t.pieces) }

// Piece returns the text of token id (with U+2581 for spaces).
func (t *Tokenizer) Piece(id int) string {
	if id < 0 || id >= len(t.pieces) {
		return ""
	}
	return t.pieces[id]
}

type candidate struct {
	id     int
	length int // code points
	score  float64
}

// Encode returns the token ids of text, in order; nil for an empty text.
// It does not clip to the model's 128 tokens.
func (t *Tokenizer) Encode(text string) []int {
	s := norm.NFKC.String(text)
	if s == "" {
		return nil
	}
	syms := []rune(separator + strings.ReplaceAll(s, " ", separator))
	n := len(syms)
	// ends[e] holds the candidates ending at e, by ascending start, then
	// by ascending length, the order the reference visits them in.
	ends := make([][]candidate, n+1)
	for i := range syms {
		found := false
		node := t.root.children[syms[i]]
		for j := i; node != nil; {
			if node.end {
				ends[i+node.length] = append(ends[i+node.length], candidate{id: node.id, length: node.length, score: node.score})
				found = true
			}
			j++
			if j >= n {
				break
			}
			node = node.children[syms[j]]
		}
		if !found {
			ends[i+1] = append(ends[i+1], candidate{id: UnknownID, length: 1})
		}
	}
	best := make([]float64, n+1)
	words := make([]int, n+1)
	for e := 0; e <= n; e++ {
		for _, c := range ends[e] {
			score := c.score + best[e-c.length]
			if best[e] == 0 || score >= best[e] {
				best[e], words[e] = score, c.id
			}
		}
	}
	var rev []int
	for i := n; i > 0; i -= t.back[words[i]] {
		rev = append(rev, words[i])
	}
	out := make([]int, 0, len(rev))
	prevUnknown := false
	for _, id := range rev {
		if !(prevUnknown && id == UnknownID) {
			out = append(out, id)
		}
		prevUnknown = id == UnknownID
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
