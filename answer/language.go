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
// be everyday English (a function word, or a word of the SUBTLEX table) for
// it to count as English whatever the detector says: chat English ("when r
// they meeting") is too short for trigrams.
const minEnglishShare = 0.5

// minForeignConfidence is the least confidence of the detector in another
// language than English, for a Latin-script question.
const minForeignConfidence = 0.5

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
	if info.Lang == whatlanggo.Eng || info.Confidence < minForeignConfidence || englishShare(q) >= minEnglishShare {
		return ""
	}
	return info.Lang.String()
}

// englishShare is the share of q's words that are English function words or
// words of everyday English.
func englishShare(q string) float64 {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	if len(words) == 0 {
		return 1
	}
	n := 0
	for _, w := range words {
		ts := retrieval.Terms(w)
		if len(ts) == 0 || retrieval.Rarity(ts[0]) < 1 {
			n++
		}
	}
	return float64(n) / float64(len(words))
}
