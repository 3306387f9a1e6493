package retrieval

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ChunkOptions sets the sizes of chunks, in bytes of text.
type ChunkOptions struct {
	// Target is the size paragraphs are grouped up to (default 600).
	Target int
	// Max is the hard limit no chunk exceeds (default 1000).
	Max int
	// Overlap is how much of the end of a chunk, in whole sentences, is
	// repeated at the start of the next one (default 160; 0 uses the
	// default, a negative value turns overlap off).
	Overlap int
}

func (o ChunkOptions) withDefaults() ChunkOptions {
	if o.Target <= 0 {
		o.Target = 600
	}
	if o.Max <= 0 {
		o.Max = 1000
	}
	if o.Target > o.Max {
		o.Target = o.Max
	}
	if o.Overlap == 0 {
		o.Overlap = 160
	}
	return o
}

// unit is a run of text that is kept whole inside a chunk: a paragraph, or
// a group of sentences of a paragraph too long for one chunk.
type unit struct {
	text      string
	sentences []string
	newPara   bool // starts a paragraph
}

// ChunkDocument splits a document into chunks: paragraphs grouped up to
// opt.Target, long paragraphs split between sentences, none over opt.Max,
// each (but the first) opening with the last sentence of the one before
// when that sentence is short. A document with metadata lines (byline,
// copyright) gets one more chunk holding them, marked Meta.
func ChunkDocument(doc Document, opt ChunkOptions) []Chunk {
	opt = opt.withDefaults()
	var units []unit
	for _, p := range doc.Paragraphs {
		units = append(units, splitParagraph(p, opt.Max)...)
	}
	var chunks []Chunk
	var cur []unit
	size := 0
	emit := func() {
		if len(cur) == 0 {
			return
		}
		var b strings.Builder
		for i, u := range cur {
			if i > 0 {
				if u.newPara {
					b.WriteByte('\n')
				} else {
					b.WriteByte(' ')
				}
			}
			b.WriteString(u.text)
		}
		chunks = append(chunks, Chunk{
			ID:    fmt.Sprintf("%s#%d", doc.Slug, len(chunks)),
			Doc:   doc.Slug,
			Title: doc.Title,
			N:     len(chunks),
			Text:  b.String(),
		})
		last := cur[len(cur)-1]
		cur, size = nil, 0
		if opt.Overlap > 0 && len(last.sentences) > 1 {
			s := last.sentences[len(last.sentences)-1]
			if len(s) <= opt.Overlap {
				cur = []unit{{text: s, sentences: []string{s}, newPara: true}}
				size = len(s)
			}
		}
	}
	for _, u := range units {
		fresh := len(cur) == 0 || (len(cur) == 1 && size < opt.Overlap+1 && isOverlap(chunks, cur[0]))
		if !fresh && size+1+len(u.text) > opt.Target {
			emit()
		}
		if size+1+len(u.text) > opt.Max {
			// Only the overlap can be in the way: drop it.
			cur, size = nil, 0
		}
		if len(cur) > 0 {
			size++
		}
		cur = append(cur, u)
		size += len(u.text)
	}
	if len(cur) > 0 && !(len(cur) == 1 && isOverlap(chunks, cur[0])) {
		emit()
	}
	if len(doc.Meta) > 0 {
		meta := strings.Join(doc.Meta, "\n")
		if len(meta) > opt.Max {
			meta = truncateUTF8(meta, opt.Max)
		}
		chunks = append(chunks, Chunk{
			ID:      fmt.Sprintf("%s#%d", doc.Slug, len(chunks)),
			Doc:     doc.Slug,
			Title:   doc.Title,
			N:       len(chunks),
			Text:    meta,
			Meta:    true,
			Context: metaContext(doc),
		})
	}
	return chunks
}

// isOverlap reports whether u is the overlap carried from the last chunk.
func isOverlap(chunks []Chunk, u unit) bool {
	return len(chunks) > 0 && strings.HasSuffix(chunks[len(chunks)-1].Text, u.text)
}

// metaContext is what the meta chunk is found by: the front matter in words
// a reader would use to ask about the article itself.
func metaContext(doc Document) string {
	var b strings.Builder
	// Not the title: it describes the content, which the other chunks
	// hold; here it would pull this chunk into content questions.
	b.WriteString("About this article, story or report.")
	if doc.Source != "" {
		fmt.Fprintf(&b, " Source and publisher: %s.", doc.Source)
	}
	if doc.Published != "" {
		fmt.Fprintf(&b, " Published on %s (publication date).", doc.Published)
	}
	if doc.Byline != "" {
		fmt.Fprintf(&b, " Byline, reporters, authors, written by: %s.", doc.Byline)
	}
	b.WriteString(" Copyright.")
	return b.String()
}

// splitParagraph returns p as one unit, or, when it is longer than max, as
// groups of its sentences each at most max long (a single sentence longer
// than max is cut between words).
func splitParagraph(p string, max int) []unit {
	var sents []string
	for _, s := range SplitSentences(p) {
		sents = append(sents, p[s.Start:s.End])
	}
	if len(p) <= max {
		return []unit{{text: p, sentences: sents, newPara: true}}
	}
	var pieces []string
	for _, s := range sents {
		for len(s) > max {
			cut := strings.LastIndexByte(s[:max], ' ')
			if cut <= 0 {
				cut = len(truncateUTF8(s, max))
			}
			pieces = append(pieces, strings.TrimSpace(s[:cut]))
			s = strings.TrimSpace(s[cut:])
		}
		if s != "" {
			pieces = append(pieces, s)
		}
	}
	var units []unit
	var cur []string
	size := 0
	for _, s := range pieces {
		if len(cur) > 0 && size+1+len(s) > max {
			units = append(units, unit{text: strings.Join(cur, " "), sentences: cur})
			cur, size = nil, 0
		}
		if len(cur) > 0 {
			size++
		}
		cur = append(cur, s)
		size += len(s)
	}
	if len(cur) > 0 {
		units = append(units, unit{text: strings.Join(cur, " "), sentences: cur})
	}
	units[0].newPara = true
	return units
}

// truncateUTF8 cuts s to at most n bytes without splitting a rune.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
