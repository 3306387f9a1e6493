package bot

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// discordLen is the length of s as counted against Discord's limits.
// Counting UTF-16 code units is never less than counting code points, so a
// piece that fits by this count fits whichever way Discord counts.
func discordLen(s string) int {
	n := 0
	for _, r := range s {
		n += runeLen(r)
	}
	return n
}

// longerThan reports whether discordLen(s) > max, looking at no more of s
// than it needs to.
func longerThan(s string, max int) bool {
	n := 0
	for _, r := range s {
		if n += runeLen(r); n > max {
			return true
		}
	}
	return false
}

func runeLen(r rune) int {
	if n := utf16.RuneLen(r); n > 0 {
		return n
	}
	return 1 // invalid UTF-8 decodes to RuneError, which is one unit
}

// truncate shortens s to at most max units (discordLen), cutting at a word
// boundary when there is one nearby and never inside a rune or a citation
// marker, and ends a shortened text with an ellipsis.
func truncate(s string, max int) string {
	if !longerThan(s, max) {
		return s
	}
	if max < 1 {
		return ""
	}
	parts := splitText(s, max-1)
	if len(parts) == 0 {
		return ""
	}
	return parts[0] + "…"
}

// splitText splits s into pieces of at most max units (discordLen) each. It
// prefers to cut between paragraphs, then between lines, then after a
// sentence (keeping the sentence's citation markers with it), then between
// words; it never cuts inside a rune or a citation marker such as [12].
// Whitespace at the cuts is dropped, so joining the pieces with single spaces
// gives back s up to whitespace at the cuts. Bytes that are not UTF-8
// become U+FFFD first (Discord takes nothing else, and two halves of a cut
// must not join into a new character). max must be at least 16.
func splitText(s string, max int) []string {
	if max < 16 {
		max = 16
	}
	s = strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
	var parts []string
	for s != "" && longerThan(s, max) {
		cut := cutPoint(s, max)
		part := strings.TrimRightFunc(s[:cut], unicode.IsSpace)
		if part == "" { // only whitespace before the cut: cannot happen after TrimSpace, but never loop
			part = s[:cut]
		}
		parts = append(parts, part)
		s = strings.TrimLeftFunc(s[cut:], unicode.IsSpace)
	}
	if s != "" {
		parts = append(parts, s)
	}
	return parts
}

// cutPoint returns the byte offset, in (0, len(s)), at which to cut s so that
// s[:cut] holds at most max units.
func cutPoint(s string, max int) int {
	// limit: the longest prefix that fits, on a rune boundary.
	limit, units := 0, 0
	for i, r := range s {
		w := runeLen(r)
		if units+w > max {
			break
		}
		units += w
		limit = i + utf8.RuneLen(r)
		if r == utf8.RuneError {
			_, size := utf8.DecodeRuneInString(s[i:])
			limit = i + size
		}
	}
	if limit == 0 { // cannot happen for max >= 2, kept for safety
		_, size := utf8.DecodeRuneInString(s)
		return size
	}
	// Markers may straddle the limit; look a little beyond it.
	end := limit + 32
	if end > len(s) {
		end = len(s)
	}
	markers := markerSpans(s[:end])
	inMarker := func(p int) bool {
		for _, m := range markers {
			if m[0] < p && p < m[1] {
				return true
			}
		}
		return false
	}
	// Never between a Markdown escape's backslash and the character it
	// escapes: the next piece would start with live syntax.
	ok := func(p int) bool {
		return p > 0 && p <= limit && utf8.RuneStart(s[p]) && !inMarker(p) && !afterEscape(s, p)
	}

	window := s[:limit]
	half := limit / 2
	// Paragraph, then line breaks: cut just after the break.
	for _, sep := range []string{"\n\n", "\n"} {
		for i := strings.LastIndex(window, sep); i >= 0; i = strings.LastIndex(window[:i], sep) {
			p := i + len(sep)
			if p < half {
				break
			}
			if p < len(s) && ok(p) {
				return p
			}
		}
	}
	// Sentence ends.
	if p := lastSentenceEnd(s, limit, half, markers); p > 0 && ok(p) {
		return p
	}
	// Words.
	for i := len(window) - 1; i > limit/4; i-- {
		if window[i] == ' ' || window[i] == '\t' {
			if ok(i) {
				return i
			}
		}
	}
	// Anything that is not inside a rune or a marker.
	for p := limit; p > 0; p-- {
		if p < len(s) && ok(p) {
			return p
		}
	}
	return limit
}

// lastSentenceEnd returns the largest offset p in [min, limit] that ends a
// sentence: after '.', '!', '?' or '…', any closing quotes or brackets and
// any citation markers that follow, where whitespace comes next. It returns
// 0 if there is none.
func lastSentenceEnd(s string, limit, min int, markers [][2]int) int {
	best := 0
	for i := 0; i < limit; {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r != '.' && r != '!' && r != '?' && r != '…' {
			continue
		}
		p := i
		// closing quotes and brackets
		for p < len(s) {
			c, sz := utf8.DecodeRuneInString(s[p:])
			if !strings.ContainsRune(`"')]”’»`, c) {
				break
			}
			p += sz
		}
		// markers that belong to the sentence: ". [2]" or ".[2]"
		for {
			q := p
			for q < len(s) && s[q] == ' ' {
				q++
			}
			m := markerAt(q, markers)
			if m == 0 {
				break
			}
			p = m
		}
		if p >= len(s) || p > limit {
			continue
		}
		if c, _ := utf8.DecodeRuneInString(s[p:]); unicode.IsSpace(c) && p >= min {
			best = p
		}
	}
	return best
}

func markerAt(p int, markers [][2]int) int {
	for _, m := range markers {
		if m[0] == p {
			return m[1]
		}
	}
	return 0
}

// markerSpans returns the byte spans [start, end) of the citation markers in
// s: "[" digits (with commas, spaces or dashes between numbers) "]", at most
// 24 bytes long, as in [3], [1, 2] or [4-6].
func markerSpans(s string) [][2]int {
	var spans [][2]int
	for i := 0; i < len(s); i++ {
		if s[i] != '[' {
			continue
		}
		j := i + 1
		digits := 0
		for j < len(s) && j-i < 24 {
			c := s[j]
			if c >= '0' && c <= '9' {
				digits++
			} else if c != ',' && c != ' ' && c != '-' {
				break
			}
			j++
		}
		if digits > 0 && j < len(s) && s[j] == ']' {
			spans = append(spans, [2]int{i, j + 1})
			i = j
		}
	}
	return spans
}

// afterEscape reports whether s[:p] ends with an odd number of backslashes,
// so that s[p] is escaped by the one before it.
func afterEscape(s string, p int) bool {
	n := 0
	for p-n > 0 && s[p-n-1] == '\\' {
		n++
	}
	return n%2 == 1
}
