package answer

import (
	"strings"
	"unicode"

	"github.com/abadojack/whatlanggo"

	"github.com/newsbot/newsbot/retrieval"
)

// Language detection decides whether a question is in English. The
// detector is whatlanggo (trigram profiles of 84 languages); on a short
// question it guesses, and its confidence is the margin over the runner-up
// (low between Spanish and Portuguese, say), so a Latin-script question
// counts as another language when the detector says so and few of its
// words are common English.
const (
	// maxEnglishShare is the share of a question's words found among common
	// English words (SUBTLEX, rarity under commonRarity) from which it is
	// English whatever the detector says: "Who is Lavrov?" reads as
	// Tagalog to trigrams.
	maxEnglishShare = 0.5
	commonRarity    = 0.6
)

// QuestionLanguage reports whether q is written in a language other than
// English, and that language's English name ("French", "Mandarin") when the
// detector is sure of it ("" otherwise: a short question in Cyrillic may be
// Russian or Macedonian). A question too short to tell is English. It
// needs no network and no model.
func QuestionLanguage(q string) (name string, other bool) {
	lang, other, sure := detectLanguage(q)
	if !other || !sure {
		return "", other
	}
	return lang, true
}

func detectLanguage(q string) (name string, other, sure bool) {
	q = RemoveInvisible(q)
	letters, latin := 0, 0
	for _, r := range q {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Latin, r) {
				latin++
			}
		}
	}
	if letters < 4 {
		return "", false, false
	}
	if latin*2 >= letters && englishShare(q) >= maxEnglishShare {
		return "", false, false // English whatever the detector would say
	}
	info := whatlanggo.Detect(q)
	if latin*2 < letters {
		// Another script: the detector is sure of the script, and the
		// script alone rules English out.
		return info.Lang.String(), info.Lang != whatlanggo.Eng, info.IsReliable()
	}
	if info.Lang == whatlanggo.Eng || englishShare(q) >= maxEnglishShare {
		return "", false, false
	}
	return info.Lang.String(), true, info.IsReliable()
}

// englishShare is the share of the words of q that are common English
// words. Capitalized words after the first are names, in any language, and
// are left out.
func englishShare(q string) float64 {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	n, common := 0, 0
	for i, w := range words {
		if i > 0 && unicode.IsUpper([]rune(w)[0]) {
			continue
		}
		n++
		w = strings.ToLower(w)
		if !isASCII(w) {
			continue
		}
		if englishFunctionWords[w] {
			common++
			continue
		}
		ts := retrieval.Terms(w)
		if len(ts) == 0 || retrieval.Rarity(ts[0]) < commonRarity {
			common++ // a stopword ("again", "who's") or a common word
		}
	}
	if n == 0 {
		return 1 // names only: nothing says it is not English
	}
	return float64(common) / float64(n)
}

// englishFunctionWords are counted as English although Terms drops them.
var englishFunctionWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the of to in on at for with by from about and or but not is are was were be been
will would can could did does do has have had who whom whose what when where why how which that this these those
he she it they we you i his her its their our your him them us me`) {
		m[w] = true
	}
	return m
}()

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
