package retrieval

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

// Chunk is a retrievable piece of a document. Text is verbatim source text
// (sentences of one or more paragraphs), so any sentence of it can be quoted.
type Chunk struct {
	ID    string // "<doc-slug>#<n>", stable for unchanged text
	Doc   string // the document's slug
	Title string // the document's title
	N     int    // position in the document, from 0
	Text  string
	// Meta marks the chunk that carries the document's byline, copyright
	// and front matter; it answers questions about the article itself.
	Meta bool
	// Context is extra text that is indexed with the chunk but never quoted
	// (for the meta chunk: title, source, publication date, byline).
	Context string
}

// Hit is a chunk returned by a search, best first.
type Hit struct {
	Chunk Chunk
	// Score is the fused relevance score (higher is better). Lexical and
	// Vector are the component scores, for calibration and debugging.
	Score   float64
	Lexical float64
	Vector  float64
}
