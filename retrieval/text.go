package retrieval

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// Normalize folds typographic variants to ASCII (curly quotes, dashes,
// non-breaking spaces) and collapses runs of white space, so that text
// copied from a web page compares equal to the same text typed by hand. It
// does not change case.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch r {
		case '\u2018', '\u2019', '\u201B', '\u2032':
			r = '\''
		case '\u201C', '\u201D', '\u201F', '\u2033':
			r = '"'
		case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
			r = '-'
		case '\u2026':
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteString("...")
			continue
		}
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// stopwords are function words that carry no topic. Question words are
// included: "who" or "when" say what kind of answer is wanted, not what it
// is about.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all am an and any are as at be because
been before being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not of off on once only or other our ours ourselves out over own same
she should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with would
you your yours yourself yourselves s t d ll m re ve also may might must shall us upon per via yet
whose whether else ever let lets get got tell told please
anyone anybody someone somebody everyone everybody anything something everything`) {
		m[w] = true
	}
	return m
}()

// negations are kept as terms although they are short function words:
// "will not participate" must not match a question about participating
// any worse than "will participate" would, but it matters for answers.
var negations = map[string]bool{"no": true, "not": true, "nor": true, "never": true}

// stemCache memoizes stems: a corpus says the same words again and again.
// It is bounded; when full it starts over, so a long-running bot that
// reloads changing corpora does not keep every word it has ever seen.
var stemCache = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

const maxStemCache = 1 << 18

// stem returns the Snowball (Porter2) stem of a lower-case word.
func stem(w string) string {
	stemCache.RLock()
	s, ok := stemCache.m[w]
	stemCache.RUnlock()
	if ok {
		return s
	}
	s = english.Stem(w, true)
	stemCache.Lock()
	if len(stemCache.m) >= maxStemCache {
		stemCache.m = make(map[string]string, 1024)
	}
	stemCache.m[w] = s
	stemCache.Unlock()
	return s
}

// stemWord stems w, and joins the nouns in -sion after a vowel to their
// verbs in -de, which Snowball keeps apart: "invasion"/"invade",
// "decision"/"decide", "conclusion"/"conclude" (not "mission", "tension").
func stemWord(w string) string {
	if base, ok := irregular[w]; ok {
		w = base
	}
	s := stem(w)
	if n := len(w); n > 6 && strings.HasSuffix(w, "sion") && strings.ContainsRune("aeiou", rune(w[n-5])) &&
		strings.HasSuffix(s, "s") && len(s) >= 5 {
		return s[:len(s)-1] + "d"
	}
	return s
}

// joinParts removes in-word hyphens and dots ("g-20" -> "g20").
var joinParts = strings.NewReplacer("-", "", ".", "")

// words splits text into lower-case word tokens: letters and digits, with
// in-word apostrophes removed ("won't" -> "wont", "Putin's" -> "putin"),
// dotted forms and short hyphenated ones kept together ("u.s." -> "us",
// "g-20" -> "g20"), compounds of words split ("full-scale" -> "full",
// "scale").
func words(text string) []string {
	text = Normalize(text)
	out := make([]string, 0, len(text)/6+1)
	var cur []byte
	runes := 0
	// special: cur holds capitals, non-ASCII letters, or in-word marks, and
	// needs the slow path; most words are plain lower-case ASCII.
	special := false
	flush := func() {
		if len(cur) == 0 {
			return
		}
		if !special {
			w := string(cur)
			if w == "uk" || w == "eu" {
				// As chat types them: no other word ("us" and "un" are).
				w += "_"
			}
			out = append(out, w)
			cur, runes = cur[:0], 0
			return
		}
		w := string(cur)
		cur, runes, special = cur[:0], 0, false
		if parts := strings.Split(w, "-"); len(parts) > 1 && compound(parts) {
			// "US-Russia", "Lavrov-Blinken", "full-scale": the words of a
			// compound count one by one, as they would written apart.
			for _, p := range parts {
				out = appendWord(out, p)
			}
			return
		}
		out = appendWord(out, w)
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
			cur = append(cur, byte(r))
			runes++
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			special = true
			cur = utf8.AppendRune(cur, r)
			runes++
		case (r == '\'' || r == '-' || r == '.') && len(cur) > 0 && alnumAt(text, i+size):
			// Inside a word: keep it for now, decided in flush.
			special = true
			cur = append(cur, byte(r))
			runes++
		case r == '.' && runes == 1 && unicode.IsLetter(rune(cur[0])):
			// The last dot of an initialism such as "U.S.": keep it attached.
			special = true
			cur = append(cur, '.')
			runes++
		default:
			flush()
		}
		i += size
	}
	flush()
	return out
}

// appendWord appends the token of one word (no hyphen joins it to another):
// an initialism as one marked token, anything else in lower case without
// apostrophes, "'s" or in-word dots.
func appendWord(out []string, w string) []string {
	if initialism(w) {
		// "U.S.", "U.K." and their undotted capitals: one token that no
		// stopword ("us") can swallow.
		out = append(out, strings.ToLower(strings.Trim(strings.ReplaceAll(w, ".", ""), "'"))+"_")
		return out
	}
	w = strings.ToLower(w)
	w = strings.TrimSuffix(w, "'s")
	w = strings.ReplaceAll(w, "'", "")
	w = strings.Trim(w, "-.")
	if strings.ContainsAny(w, "-.") {
		w = joinParts.Replace(w)
	}
	if w != "" {
		out = append(out, w)
	}
	return out
}

// compound reports whether the parts of a hyphenated word are words of
// their own ("full-scale", "U.S.-Russian") rather than one token written
// with a hyphen ("G-20", "Covid-19" keep theirs: a part of one letter, or
// digits, joins).
func compound(parts []string) bool {
	for _, p := range parts {
		p = strings.Trim(p, ".'")
		letters := 0
		for _, r := range p {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters < 2 || letters != utf8.RuneCountInString(strings.ReplaceAll(strings.ReplaceAll(p, ".", ""), "'", "")) {
			return false
		}
	}
	return true
}

// alnumAt reports whether the rune at s[i] is a letter or digit.
func alnumAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// Terms returns the index terms of text: stems of its content words, in
// order, stopwords dropped. Numbers are kept as they are.
func Terms(text string) []string {
	ws := words(text)
	out := ws[:0]
	for _, w := range ws {
		if strings.HasSuffix(w, "_") {
			out = append(out, w)
			continue
		}
		if stopwords[w] && !negations[w] {
			continue
		}
		out = append(out, stemWord(w))
	}
	return out
}

// initialism reports whether w is a dotted initialism ("U.S.", "U.N") or a
// two- or three-letter all-capitals word that doubles as a pronoun or
// stopword in lower case ("US", "IT" is left alone as too ambiguous).
// "uk" and "eu" typed in lower case, no other word, are marked so in words.
func initialism(w string) bool {
	if w == "US" || w == "UK" || w == "UN" || w == "EU" {
		return true
	}
	if !strings.Contains(w, ".") {
		return false
	}
	letters := 0
	for i, r := range w {
		if r == '.' {
			continue
		}
		if !unicode.IsUpper(r) || (i+1 < len(w) && w[i+1] != '.') {
			return false
		}
		letters++
	}
	return letters >= 2
}

// queryTerms are the terms a query is searched with: its lexical terms and
// the synonyms of its stems, marked with a '=' prefix so BM25 weighs them
// down.
func queryTerms(text string) []string {
	ts := lexicalTerms(text)
	n := len(ts)
	for _, t := range ts[:n] {
		for _, syn := range synonyms[t] {
			ts = append(ts, "="+syn)
		}
	}
	return ts
}

// lexicalTerms are the terms BM25 indexes: the stems, and for each stem of
// five letters or more a prefix key ("~russ" for "russia" and "russian",
// "~inva" for "invad" and "invas") that lets related forms meet at a
// discount where the stemmer keeps them apart.
func lexicalTerms(text string) []string {
	ts := Terms(text)
	out := make([]string, 0, 2*len(ts))
	for _, t := range ts {
		out = append(out, t)
		if k := prefixKey(t); k != "" {
			out = append(out, k)
		}
	}
	return out
}

func prefixKey(stem string) string {
	if len(stem) < 5 || strings.HasSuffix(stem, "_") || stem[0] >= '0' && stem[0] <= '9' {
		return ""
	}
	r := []rune(stem)
	if len(r) < 5 {
		return ""
	}
	return "~" + string(r[:4])
}

// irregular maps irregular past forms of common verbs to their base, which
// no suffix-stripping stemmer can do: "What did Peskov say?" must find
// "Peskov said".
var irregular = func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(`say said says
tell told
meet met
speak spoke spoken
go went gone
win won
hold held
lead led
fly flew flown
take took taken
give gave given
make made
come came
see saw seen
know knew known
think thought
bring brought
buy bought
begin began begun
break broke broken
choose chose chosen
fight fought
keep kept
pay paid
send sent
seek sought
sell sold
stand stood
write wrote written
rise rose risen
drive drove driven
forget forgot forgotten
grow grew grown
teach taught
catch caught
build built
spend spent
lose lost
hear heard
feel felt
shake shook shaken
strike struck
steal stole stolen
swear swore sworn
undertake undertook undertaken
sink sank sunk
shoot shot
fall fell fallen
freeze froze frozen
hide hid hidden
ride rode ridden
run ran
sit sat
sleep slept
swim swam swum
throw threw thrown
wear wore worn
bear bore borne
beat beaten
bite bit bitten
blow blew blown
draw drew drawn
drink drank drunk
eat ate eaten
flee fled
forbid forbade forbidden
forgive forgave forgiven
get got gotten
hang hung
lend lent
light lit
mean meant
ring rang rung
shrink shrank shrunk
sing sang sung
slide slid
stick stuck
sting stung
swing swung
tear tore torn
wake woke woken
withdraw withdrew withdrawn
overcome overcame
undergo underwent undergone
uphold upheld
withhold withheld
arise arose arisen
bend bent
breed bred
deal dealt
dig dug
feed fed
kneel knelt
leap leapt
mislead misled
rebuild rebuilt
rewrite rewrote rewritten
slay slew slain
spin spun
spring sprang sprung
stride strode
sweep swept
swell swollen
understand understood
weave wove woven
oversee oversaw overseen
foresee foresaw foreseen
outrun outran
forsake forsook forsaken`, "\n") {
		f := strings.Fields(line)
		for _, w := range f[1:] {
			m[w] = f[0]
		}
	}
	return m
}()
