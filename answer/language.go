package answer

import (
	"strings"
	"unicode"

	"github.com/abadojack/whatlanggo"

	"github.com/newsbot/newsbot/retrieval"
)

// Offline answers are extracted from English stories by English rules: a
// question in another language would find no words in common and be told
// "the article does not say", which would be a false statement about the
// article. Such a question gets a plain note that offline answers are in
// English instead.
//
// The detector is github.com/abadojack/whatlanggo (trigram profiles of 84
// languages, 0.45 MB of binary, answers in microseconds).
// github.com/pemistahl/lingua-go is more accurate on short text but, with
// every language loaded, adds 131 MB to the binary, takes 28 s to start and
// 1.2 GB of memory (measured with a one-call program, -ldflags='-s -w').

// minEnglishShare is the share of a Latin-script question's words that must
// be English (a function word, or a word of the SUBTLEX table of English
// subtitles; capitalised words, names in any language, are not counted) for it to count as English whatever the detector says: questions
// are too short for trigrams ("Is Kyiv taking part?" comes out as Tagalog).
const minEnglishShare = 0.5

// minNamedConfidence is the least confidence of the detector for the
// reason to name the language; below it, "another language".
const minNamedConfidence = 0.5

// questionLanguage returns the name of q's language when it is plainly not
// English, or "".
func questionLanguage(q string) string {
	letters, latin := 0, 0
	for _, r := range q {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Latin, r) {
				latin++
			}
		}
	}
	if letters == 0 {
		return ""
	}
	info := whatlanggo.Detect(q)
	if latin*2 < letters {
		// Cyrillic, Arabic, Chinese…: whatever the language, not English.
		if info.Lang == whatlanggo.Eng {
			return "another language"
		}
		return info.Lang.String()
	}
	if info.Lang == whatlanggo.Eng || englishShare(foldChat(q)) >= minEnglishShare {
		return ""
	}
	if info.Confidence < minNamedConfidence {
		return "another language"
	}
	return info.Lang.String()
}

// englishShare is the share of q's words that are English function words or
// words of everyday English.
func englishShare(q string) float64 {
	n, total := 0, 0
	for i, w := range strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
		if r := []rune(w)[0]; i > 0 && unicode.IsUpper(r) {
			continue
		}
		total++
		ts := retrieval.Terms(strings.ToLower(w))
		if len(ts) == 0 || retrieval.Rarity(ts[0]) < 1 {
			n++
		}
	}
	if total == 0 {
		return 1
	}
	return float64(n) / float64(total)
}
