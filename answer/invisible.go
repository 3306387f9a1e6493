package answer

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// RemoveInvisible returns s without the characters that print as nothing:
// zero-width spaces and joiners, bidi controls and isolates (U+200E,
// U+202A–U+202E, U+2066–U+2069), the byte order mark, soft hyphens, word
// joiners, tag characters and the rest of Unicode's format class (Cf),
// variation selectors, the combining grapheme joiner and the Hangul
// fillers; control characters other than tab and newline become spaces.
// "ig\u200bnore" reads "ignore" afterwards. Printed text is unchanged.
// The engine applies it to every question before any check.
func RemoveInvisible(s string) string {
	if !strings.ContainsFunc(s, printsAsNothing) && !strings.ContainsFunc(s, control) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case printsAsNothing(r):
		case control(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func printsAsNothing(r rune) bool {
	switch {
	case unicode.Is(unicode.Cf, r):
		return true
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF: // variation selectors
		return true
	case r == 0x034F, r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0, r == 0x17B4, r == 0x17B5:
		return true
	}
	return false
}

func control(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

// FoldForMatching returns s as instruction detection should read it: the
// invisible characters removed, then compatibility forms folded (NFKC:
// full-width "ｉｇｎｏｒｅ" and mathematical "𝐢𝐠𝐧𝐨𝐫𝐞" read "ignore").
// The text shown to users is not folded.
func FoldForMatching(s string) string {
	return norm.NFKC.String(RemoveInvisible(s))
}
