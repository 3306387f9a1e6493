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

// minLatinWords is the fewest words a Latin-script question needs before
// the detector is asked: shorter ones ("tldr?", "eli5", "who?") carry too
// few trigrams to tell a language by, and are read as English. Refusing an
// English question as foreign is worse than answering a two-word foreign
// one with the English rules.
const minLatinWords = 3

// questionLanguage returns the name of q's language when it is plainly not
// English ("another language" when the detector is unsure which), or "".
// It is the same decision as QuestionLanguage's: one test of what counts
// as English for the offline refusal and for model mode's routing.
func questionLanguage(q string, known func(stem string) bool) string {
	name, other, sure := detectLanguage(q, known)
	switch {
	case !other:
		return ""
	case !sure || name == "":
		return "another language"
	}
	return name
}

// QuestionLanguage reports whether q is written in a language other than
// English, and that language's English name ("French", "Mandarin") when the
// detector is sure of it ("" otherwise: a short question in Cyrillic may be
// Russian or Macedonian). Model mode sends such a question to the model
// with the instruction to answer in its language, and checks the claims of
// the answer on names, numbers and dates. It needs no network and no
// model; invisible characters are ignored.
//
// It uses the same detector as the offline check (questionLanguage) but
// counts as English only words common in everyday English: the offline
// check must not refuse an English question with rare words, while here a
// question taken for English meets the English-only gate, which would
// refuse it ("la", "les" and "entre" are in the subtitles too).
func QuestionLanguage(q string) (name string, other bool) {
	return questionLanguageIn(q, nil)
}

// questionLanguageIn is QuestionLanguage with the words of the corpus asked
// about as evidence of English (known; nil for none).
func questionLanguageIn(q string, known func(stem string) bool) (name string, other bool) {
	lang, other, sure := detectLanguage(RemoveInvisible(q), known)
	if !other || !sure {
		return "", other
	}
	return lang, true
}

// Language detection decides whether a question is in English. The
// detector is whatlanggo (trigram profiles of 84 languages); on a short
// question it guesses, and its confidence is the margin over the runner-up
// (low between Spanish and Portuguese, say), so a Latin-script question
// counts as another language when the detector says so and few of its
// words are common English.
const (
	// minCommonEnglishShare is the share of a question's words found among common
	// English words (SUBTLEX, rarity under commonRarity) from which it is
	// English whatever the detector says: "Who is Lavrov?" reads as
	// Tagalog to trigrams.
	minCommonEnglishShare = 0.5
	commonRarity          = 0.6
)

func detectLanguage(q string, known func(stem string) bool) (name string, other, sure bool) {
	// Chat spellings ("whos", "w", "abt") and mentions are not evidence of
	// another language.
	q = foldChat(RemoveInvisible(q))
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
	if latin*2 >= letters && commonEnglishShare(q) >= minCommonEnglishShare {
		return "", false, false // English whatever the detector would say
	}
	if latin*2 >= letters && len(strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) })) < minLatinWords {
		return "", false, false // too short to tell (minLatinWords)
	}
	info := whatlanggo.Detect(q)
	if latin*2 < letters {
		// Another script: the detector is sure of the script, and the
		// script alone rules English out.
		return info.Lang.String(), info.Lang != whatlanggo.Eng, info.IsReliable()
	}
	if info.Lang == whatlanggo.Eng || commonEnglishShare(q) >= minCommonEnglishShare || knownEnglishShare(q, known) >= minKnownEnglishShare {
		return "", false, false
	}
	return info.Lang.String(), true, info.IsReliable()
}

// minKnownEnglishShare is the share of a question's words that English has
// at all (in the SUBTLEX table, however rare, or in the English stories
// asked about) from which it is English: "kremlin spokesman name?" has few
// common words but every one is the story's, while "¿dónde se van a
// reunir eeuu y rusia?" shares only "a", "se" and "van" with English.
const minKnownEnglishShare = 0.75

// knownEnglishShare is the share of the words of q, names aside, that the
// English word table has (retrieval.Rarity under 1) or known accepts (a
// word of the corpus; nil accepts none).
func knownEnglishShare(q string, known func(stem string) bool) float64 {
	return englishShare(q, func(t string) bool { return retrieval.Rarity(t) < 1 || known != nil && known(t) })
}

// commonEnglishShare is the share of the words of q that are common English
// words (rarity under commonRarity).
func commonEnglishShare(q string) float64 {
	return englishShare(q, func(t string) bool { return retrieval.Rarity(t) < commonRarity })
}

// englishShare is the share of the words of q that are English function
// words, stop words ("again", "who's") or words whose stem english
// accepts. Capitalized words after the first are names, in any language,
// and are left out; a question of names only counts as English, since
// nothing says it is not.
func englishShare(q string, english func(stem string) bool) float64 {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	n, found := 0, 0
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
			found++
			continue
		}
		if ts := retrieval.Terms(w); len(ts) == 0 || english(ts[0]) {
			found++
		}
	}
	if n == 0 {
		return 1
	}
	return float64(found) / float64(n)
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
