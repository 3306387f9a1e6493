package retrieval

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations end with a period that does not end a sentence, matched
// lower-case without the period. Initialisms ("U.S.") and single initials
// ("J.") are recognised by shape instead.
var abbreviations = map[string]bool{}

func init() {
	for _, a := range strings.Fields(`mr mrs ms messrs dr prof sr jr st gen lt col maj capt cmdr adm sgt cpl pvt
gov sen rep rev hon pres supt det insp amb atty
jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
no nos vol fig inc corp ltd co bros dept est approx vs ft mt ave blvd rd`) {
		abbreviations[a] = true
	}
}

// Span is a half-open byte range [Start, End) of a text.
type Span struct{ Start, End int }

// SplitSentences returns the sentences of text as spans, so that every
// sentence is verbatim text and can be quoted. A sentence ends at '.', '!'
// or '?' (with any closing quotes or brackets) followed by white space and
// a capital letter, a digit or an opening quote, or by the end of text;
// abbreviations ("Gen.", "Feb."), initials and initialisms ("U.S.") do not
// end a sentence unless a line break follows them. A line break always ends
// a sentence: in chunk text it separates paragraphs, and a heading has no
// final period. Leading and trailing
// white space is not part of any span.
func SplitSentences(text string) []Span {
	var spans []Span
	start := skipSpace(text, 0)
	i := start
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '\n' {
			// A line break in a chunk separates paragraphs (a heading, a
			// list item, a byline): it ends the sentence.
			if e := trimRightSpace(text, start, i); e > start {
				spans = append(spans, Span{start, e})
			}
			start = skipSpace(text, i)
			i = start
			continue
		}
		if r != '.' && r != '!' && r != '?' && r != '\u2026' {
			i += size
			continue
		}
		end := i + size
		for end < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[end:])
			if r2 == '.' || r2 == '!' || r2 == '?' || isCloser(r2) {
				end += s2
				continue
			}
			break
		}
		next := skipSpace(text, end)
		if next == end && end < len(text) {
			// No white space after the mark: "3.5", "U.S.-Russian", "e.g.,".
			i = end
			continue
		}
		if next < len(text) && !boundaryAfter(text, start, i, r, end, next) {
			i = end
			continue
		}
		spans = append(spans, Span{start, end})
		start = next
		i = next
	}
	if start < len(text) {
		if e := trimRightSpace(text, start, len(text)); e > start {
			spans = append(spans, Span{start, e})
		}
	}
	return spans
}

// trimRightSpace returns the end of text[start:end] without trailing white
// space.
func trimRightSpace(text string, start, end int) int {
	for end > start {
		r, s := utf8.DecodeLastRuneInString(text[:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= s
	}
	return end
}

// boundaryAfter decides whether the mark at text[mark] (rune r), whose
// closing punctuation ends at end, ends a sentence that started at start,
// given that the next word starts at next.
func boundaryAfter(text string, start, mark int, r rune, end, next int) bool {
	nr, _ := utf8.DecodeRuneInString(text[next:])
	if !(unicode.IsUpper(nr) || unicode.IsDigit(nr) || isOpener(nr)) {
		return false
	}
	if r != '.' || end != mark+1 {
		// "?", "!" and a period followed by a closing quote end sentences.
		return true
	}
	if strings.Contains(text[end:next], "\n") {
		return true
	}
	w := start
	for j := mark; j > start; {
		pr, ps := utf8.DecodeLastRuneInString(text[:j])
		if unicode.IsSpace(pr) || pr == '(' || isOpener(pr) {
			w = j
			break
		}
		j -= ps
	}
	word := text[w:mark]
	if word == "" {
		return true
	}
	if abbreviations[strings.ToLower(word)] {
		return false
	}
	if utf8.RuneCountInString(word) == 1 && unicode.IsUpper([]rune(word)[0]) {
		return false // an initial: "J. Smith"
	}
	if strings.Contains(word, ".") {
		// "U.S", "U.N", "e.g": initialisms.
		return false
	}
	return true
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '\u201D', '\u2019', ')', ']', '\u00BB':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '\u201C', '\u2018', '(', '[', '\u00AB':
		return true
	}
	return false
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}
