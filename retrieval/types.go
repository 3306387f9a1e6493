package retrieval

import "github.com/newsbot/newsbot"

// Document is one article of the corpus after loading and cleaning.
type Document struct {
	// Slug identifies the document: its file name without extension,
	// lower-cased, non-alphanumerics folded to '-'. Unique in a corpus.
	Slug      string
	Path      string // where it was loaded from, for error messages
	Title     string
	Source    string
	URL       string
	Published string // as written in front matter, normally YYYY-MM-DD
	Byline    string
	// Raw is the body as published (front matter removed), the text that
	// every quote must be found in.
	Raw string
	// Paragraphs is the cleaned content: promotions removed, byline and
	// copyright lines kept apart in Meta.
	Paragraphs []string
	// Meta holds the verbatim lines of the body that are about the article
	// rather than content (byline, copyright), in order of appearance.
	Meta []string
}

// Chunk is a retrievable piece of a document (see newsbot.Chunk).
type Chunk = newsbot.Chunk

// Hit is a chunk returned by a search, best first (see newsbot.Passage).
type Hit = newsbot.Passage
