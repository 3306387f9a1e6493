package answer

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot/newsbot/retrieval"
)

// maxQuote is the longest quote a citation carries, in bytes.
const maxQuote = 300

// Calibration of the relevance gate, set on the development question set
// (see answer/README or the eval command) and checked by the end-to-end
// tests. coverage is the IDF-weighted share of the question's content terms
// found in the best sentence of the retrieved snippets.
const (
	minCoverage = 0.34
	// minCoverageModel is the gate in model mode: lower, because a model
	// can follow a paraphrase that shares few words with the question, and
	// says so itself when the snippets do not answer.
	minCoverageModel = 0.2
	// secondSentenceMin: a second sentence joins the answer, with its own
	// citation, when it scores this share of the best. Set on the
	// development sets: 0.8, the first setting, left out the sentence that
	// answers where it came second by a little (stories, stories_o and
	// external each gained one answer at 0.7, none lost one; 0.6 gained
	// one more, on external). On the default story's sets (extra, B), 42
	// of 101 answers are two sentences long at 0.7, 33 at 0.8.
	secondSentenceMin = 0.7
	// rerankRetrievalWeight is how much the retrieval score counts, next
	// to the best passage's score, when hits are reordered.
	rerankRetrievalWeight = 0.3
	// verbFocusBoost multiplies the weight of the verb a "what did X do"
	// question ends on.
	verbFocusBoost = 2.0
	// minTypedCoverage is the least coverage of a passage added because it
	// holds the kind of answer asked for.
	minTypedCoverage = 0.15
	// synonymCredit is the share of a term's weight that a synonym of it
	// earns.
	synonymCredit = 0.7
	// anaphorCredit is the share of its coverage a sentence that opens with
	// "They" or "He" keeps when the terms come from the sentence before.
	anaphorCredit = 0.9
	// roleCredit is the share of its coverage a sentence keeps when terms
	// come from the role of a person it names ("Peskov": "Kremlin
	// spokesman").
	roleCredit = 0.9
	// rerankDepth is how many hits are retrieved for reranking.
	rerankDepth = 12
)

// analyzer holds what the gate and the extractive answerer need to know of
// one index: its vocabulary and term statistics, and its documents.
type analyzer struct {
	lex      *retrieval.BM25
	stems    map[string]bool
	byPrefix map[string][]string // stems by their first four bytes
	docs     map[string]retrieval.Document
	order    []string                   // the slugs in the order the stories were loaded
	leads    map[string]retrieval.Chunk // each document's first chunk
	// roles: doc slug -> surname term -> role terms, learnt on first use
	// of a document (learning them all at start would cost seconds at
	// 100,000 chunks).
	rolesMu sync.Mutex
	roles   map[string]map[string][]string
	// vocab: doc slug -> the stems of the story, learnt on first use;
	// share: doc slug -> stem -> the share of the story's sentences that
	// hold it.
	vocab map[string]map[string]bool
	share map[string]map[string]float64
	// proper: doc slug -> the stems the story writes capitalized wherever
	// they stand after a sentence's first word, and at least once there:
	// its names, known also when a question types them in lower case.
	proper map[string]map[string]bool
	// places: doc slug -> the places the story names (placeKey), under
	// whichever of their names.
	places map[string]map[string]bool
	// sentPlaces: a passage's sentence -> the places it names, learnt on
	// first use (placesIn looks up every run of capitalized words).
	sentPlaces map[string]map[string]bool
	// told: doc slug -> the stems of the story's words that stand near a
	// name (toldStems): the deeds it tells who did.
	told map[string]map[string]bool
	// topName: doc slug -> the largest share of the story's sentences
	// that one name (a capitalized word not common in everyday English,
	// minSubjectRarity) is in: how often the story names its subject.
	topName map[string]float64
	// entry: doc slug -> the stem of the kind of thing the story's
	// subject is, when the story is an encyclopedia entry (entryKindOf),
	// else "".
	entry map[string]string
	// chunks: doc slug -> its chunks, in order.
	chunks map[string][]retrieval.Chunk
	// sentences embeds sentences for the semantic similarity signal and
	// for summaries; nil: term vectors for summaries, no semantic signal.
	sentences retrieval.Embedder
	// cache, if set, keeps sentence vectors beside the chunk vectors
	// (content-addressed by model and text), so a restart embeds none again.
	cache *retrieval.Cache
	// sentVecs: doc slug -> normalized sentence -> its vector, learnt on
	// first use of a story.
	sentVecs map[string]map[string][]float32
	// storyOf: chunk position in the index -> its story's slug; storyLen:
	// slug -> its number of chunks. The gate weighs a question's words by
	// their rarity within the story it judges (storyIDF).
	storyOf  []string
	storyLen map[string]int
	// byLen: stems by length in bytes, for typo tolerance.
	byLen  map[int][]string
	maxIDF float64
	// words: doc slug -> the words of its body (wordRe), for the
	// initials of titles (spellOutAcronyms); done: doc slug -> the stems
	// it says as done, not only after "to" (meantOnly). Learnt on first
	// use of a story.
	words map[string][]string
	done  map[string]map[string]bool
	// sentStems: doc slug -> its sentences and the stems of each, for what
	// else it says of an event (prospectOnly) and what it has spoken of
	// before a sentence (spokenBefore).
	sentStems map[string]sentenceStems
}

func newAnalyzer(ix *retrieval.Index, sentences retrieval.Embedder, cache *retrieval.Cache) *analyzer {
	a := &analyzer{lex: ix.Lexical(), stems: map[string]bool{}, byPrefix: map[string][]string{},
		docs: map[string]retrieval.Document{}, leads: map[string]retrieval.Chunk{}}
	for _, d := range ix.Docs() {
		a.docs[d.Slug] = d
		a.order = append(a.order, d.Slug)
	}
	a.roles = map[string]map[string][]string{}
	a.vocab = map[string]map[string]bool{}
	a.share = map[string]map[string]float64{}
	a.proper = map[string]map[string]bool{}
	a.words = map[string][]string{}
	a.done = map[string]map[string]bool{}
	a.sentStems = map[string]sentenceStems{}
	a.places = map[string]map[string]bool{}
	a.sentPlaces = map[string]map[string]bool{}
	a.topName = map[string]float64{}
	a.entry = map[string]string{}
	a.told = map[string]map[string]bool{}
	a.chunks = map[string][]retrieval.Chunk{}
	a.sentVecs = map[string]map[string][]float32{}
	a.sentences = sentences
	a.cache = cache
	a.byLen = map[int][]string{}
	a.storyLen = map[string]int{}
	for _, c := range ix.Chunks() {
		a.storyOf = append(a.storyOf, c.Doc)
		a.storyLen[c.Doc]++
		a.chunks[c.Doc] = append(a.chunks[c.Doc], c)
		if _, ok := a.leads[c.Doc]; !ok && !c.Meta {
			a.leads[c.Doc] = c
		}
	}
	retrieval.Rarity("") // load the word table now rather than on the first question
	// The vocabulary comes from the lexical index, which has tokenized
	// every chunk already.
	a.lex.EachTerm(func(t string) {
		if strings.HasPrefix(t, "~") {
			return
		}
		a.stems[t] = true
		a.byLen[len(t)] = append(a.byLen[len(t)], t)
		if len(t) >= 4 {
			a.byPrefix[t[:4]] = append(a.byPrefix[t[:4]], t)
		}
	})
	// The index gives its terms in map order; sorted, a tie between two
	// spellings as close and as frequent ("closest", "variant") is broken
	// the same way on every run, so the same question gets the same
	// answer.
	for _, ts := range a.byLen {
		slices.Sort(ts)
	}
	for _, ts := range a.byPrefix {
		slices.Sort(ts)
	}
	n := float64(a.lex.Len())
	a.maxIDF = math.Log(1 + (n+0.5)/0.5)
	return a
}

// qterm is a content term of the question with its weight.
type qterm struct {
	stem   string
	weight float64
	hint   bool // added by the reading of the question, not typed in it: ranks, not gated on
}

// candidate is a passage of a retrieved snippet that may answer.
type candidate struct {
	hit      int // index into hits
	span     retrieval.Span
	text     string
	prev     string // the sentence before it in the chunk, "" for the first
	coverage float64
	score    float64
	// typed: the passage holds the kind of thing the question asks for
	// (a time for "when", a place next to the subject for "where", ...).
	typed bool
	// sim is the cosine similarity of the sentence's vector to the
	// question's (0 without a sentence embedder).
	sim float64
}

// rolesOf returns doc's roles (surname term -> role terms), learning them
// on the document's first use.
func (a *analyzer) rolesOf(doc string) map[string][]string {
	a.rolesMu.Lock()
	defer a.rolesMu.Unlock()
	roles, ok := a.roles[doc]
	if !ok {
		roles = map[string][]string{}
		for _, p := range a.docs[doc].Paragraphs {
			learnRoles(p, roles)
		}
		a.roles[doc] = roles
	}
	return roles
}

// rolesIn returns the role terms of the people that terms name.
func rolesIn(roles map[string][]string, terms []string) []string {
	var out []string
	for _, t := range terms {
		out = append(out, roles[t]...)
	}
	return out
}

// variant returns the corpus term that t is another spelling of, or "":
// both long, the same but for their last two letters at most, and t rare
// in everyday English (so a name, not a word of its own).
func (a *analyzer) variant(t string) string {
	if len(t) < 6 || retrieval.Rarity(t) < 1 {
		return ""
	}
	for _, s := range a.byPrefix[t[:4]] {
		if n := commonPrefix(s, t); n >= len(t)-2 && n >= len(s)-2 && len(s) >= 6 && n >= 5 {
			return s
		}
	}
	return ""
}

// questionTerms returns the question's content terms weighted by IDF; a
// term the corpus lacks weighs up to as much as the rarest one, by its
// rarity in everyday English. A follow-up adds
// the previous question's terms at half weight.
// storyIDF is the BM25 inverse document frequency of t among the chunks
// of doc, and whether doc has t: the weight t would have were doc the
// whole corpus, so that a story is judged on its own whatever else the
// corpus holds.
func (a *analyzer) storyIDF(t, doc string) (float64, bool) {
	n := float64(a.storyLen[doc])
	df := float64(a.lex.DocFreqIn(t, func(i int) bool { return i < len(a.storyOf) && a.storyOf[i] == doc }))
	return math.Log(1 + (n-df+0.5)/(df+0.5)), df > 0
}

// sentenceStems are a story's sentences and the stems of each.
type sentenceStems struct {
	texts []string
	stems []map[string]bool
}

// sentencesIn returns the sentences of the story doc and their stems,
// learnt on the story's first use.
func (a *analyzer) sentencesIn(doc string) sentenceStems {
	a.rolesMu.Lock()
	ss, ok := a.sentStems[doc]
	a.rolesMu.Unlock()
	if ok {
		return ss
	}
	for _, s := range a.sentencesOf(doc) {
		set := map[string]bool{}
		for _, st := range retrieval.Terms(s.text) {
			set[st] = true
		}
		ss.texts = append(ss.texts, s.text)
		ss.stems = append(ss.stems, set)
	}
	a.rolesMu.Lock()
	a.sentStems[doc] = ss
	a.rolesMu.Unlock()
	return ss
}

// sentenceTexts returns the sentences of the story doc.
func (a *analyzer) sentenceTexts(doc string) []string { return a.sentencesIn(doc).texts }

func (a *analyzer) questionTerms(q string, history []Turn, doc string) []qterm {
	var out []qterm
	seen := map[string]bool{}
	add := func(text string, scale float64) {
		for _, t := range retrieval.Terms(text) {
			if seen[t] || t == "no" || t == "not" || t == "nor" || t == "never" || chatFiller[t] ||
				fillerTypo(t) && a.lex.DocFreq(t) == 0 && !capitalizedIn(text, t) {
				// A misspelt filler word, but not a name ("Thanh" is
				// one edit from "thank").
				continue
			}
			seen[t] = true
			// A term the corpus lacks weighs as much as its rarest term when
			// it is rare in English too ("borscht"), less when it is an
			// everyday word a paraphrase may bring ("sitting down with").
			ts := []string{t}
			if a.lex.DocFreq(t) == 0 {
				// "Zelensky" for "Zelenskyy": a name spelled another way.
				if v := a.variant(t); v != "" && !seen[v] {
					seen[v] = true
					ts[0] = v
				} else if v := a.typo(t); v != "" && !seen[v] {
					seen[v] = true
					ts[0] = v
				} else if l, r := a.compoundParts(t); l != "" && !seen[l] && !seen[r] {
					// "goalscorer" for "goals" and "scorer".
					seen[l], seen[r] = true, true
					ts = []string{l, r}
				}
			}
			for _, t := range ts {
				// Weighed within the story judged (storyIDF): its absent
				// terms as the story's rarest.
				idf, has := a.storyIDF(t, doc)
				w := idf * retrieval.Rarity(t)
				if has {
					w = idf * (0.5 + 0.5*retrieval.Rarity(t))
				}
				out = append(out, qterm{stem: t, weight: w * scale})
			}
		}
	}
	// "how long", "what date": the kind of answer, not what it is about.
	// "what led to", "what precipitated": the form of a why question.
	add(causeAsk.ReplaceAllString(whenUnit.ReplaceAllString(howWord.ReplaceAllString(q, "how"), "when"), "why"), 1)
	if m := verbQ.FindStringSubmatch(q); m != nil {
		for _, t := range retrieval.Terms(m[1]) {
			for i := range out {
				if out[i].stem == t {
					out[i].weight *= verbFocusBoost
				}
			}
		}
	}
	if len(history) > 0 {
		add(history[len(history)-1].Question, 0.5)
	}
	return out
}

// compoundParts returns the corpus stems a closed compound the corpus
// lacks is made of ("goalscor" of "goal" and "scorer", "spymast" of "spi"
// and "master"), or "", "": a first part of three letters or more that is
// a corpus stem, and a rest of four or more that begins a corpus stem as
// its forms do (similarStem).
func (a *analyzer) compoundParts(t string) (string, string) {
	for i := 3; i+4 <= len(t); i++ {
		l, r := t[:i], t[i:]
		if !a.stems[l] {
			continue
		}
		if a.stems[r] {
			return l, r
		}
		for _, s := range a.byPrefix[r[:4]] {
			if similarStem(r, s) {
				return l, s
			}
		}
	}
	return "", ""
}

// chatFiller are the stems of words people put around a question in chat
// that say nothing of what it asks: greetings and interjections ("yo",
// "lol"), hedges and asides ("tbh", "idk", "actually", "exactly"), and
// "q" for question ("please", and "pls" written out as it, are stop
// words already). Weighed as question words, the story lacking them
// made "quick q when r the us russia talks tho" cover 0.17 of the passage
// that answers it.
var chatFiller = stemSet(`yo hey hi hello heya hiya oh ah um uh hmm lol lmao lmfao rofl omg wow
bruh bro dude guys yall ya tbh idk imo imho btw fyi ngl smh iirc afaik thanks thank tf wtf
quick q question actually exactly really basically literally honestly even anyway anyways though
although kinda sorta like nah yeah yea yep yup nope`)

// fillerTypo reports whether t, a word everyday English lacks, is one
// edit from a chat filler word of five letters or more: "actualy" is
// "actually", "basicly" "basically".
func fillerTypo(t string) bool {
	if len(t) < minTypoLen || retrieval.Rarity(t) < 1 {
		return false
	}
	for f := range chatFiller {
		if len(f) >= 5 && editDistance(t, f, 1) <= 1 {
			return true
		}
	}
	return false
}

// capitalizedIn reports whether text writes a word of stem t capitalized
// (a name: "Thanh").
func capitalizedIn(text, t string) bool {
	return slices.ContainsFunc(strings.Fields(text), func(w string) bool {
		return capitalized(w) && slices.Contains(retrieval.Terms(w), t)
	})
}

// wordSet returns the set of the space-separated words, as written (no
// stems): for lists of words that must match exactly.
func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// stemSet returns the stems of the words in words (separated by white
// space) as a set: the word lists the gate looks terms up in.
func stemSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		for _, t := range retrieval.Terms(w) {
			m[t] = true
		}
	}
	return m
}

// causeAsk asks for a cause with a verb that says only that: "what led
// to", "what precipitated" (whyQ).
var causeAsk = regexp.MustCompile(`(?i)\bwhat (led to|caused|prompted|triggered|precipitated|sparked)\b`)

// coverage is the weighted share of terms found in the passage's terms: a
// stem found exactly counts whole, one that shares a long prefix with a
// passage term ("invad"/"invas", "russia"/"russian") counts half.
func (a *analyzer) coverage(terms []qterm, passage []string) float64 {
	set := make(map[string]bool, len(passage))
	for _, t := range passage {
		set[t] = true
	}
	var got, total float64
	for _, t := range terms {
		total += t.weight
		if set[t.stem] {
			got += t.weight
			continue
		}
		if akinIn(t.stem, set) {
			got += t.weight * synonymCredit
			continue
		}
		unknown := retrieval.Rarity(t.stem) >= 1
		for p := range set {
			// A word everyday English lacks (a name: "starmer") is not a
			// form of an everyday word that starts the same ("start").
			if similarStem(t.stem, p) && !(unknown && retrieval.Rarity(p) < 1) {
				got += t.weight / 2
				break
			}
		}
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// similarStem reports whether two different stems are likely forms of one
// word: a common prefix of at least four letters covering most of the
// shorter one.
func similarStem(x, y string) bool {
	n := commonPrefix(x, y)
	short := min(len(x), len(y))
	return n >= 4 && float64(n) >= 0.75*float64(short)
}

// relatedStem is similarStem for deciding whether a story mentions a
// thing at all: the shorter stem must also be most of the longer one, so
// that "break" does not stand for "breakfast".
func relatedStem(x, y string) bool {
	return similarStem(x, y) && 10*min(len(x), len(y)) >= 7*max(len(x), len(y))
}

// commonPrefix is the length of the longest common prefix of x and y.
func commonPrefix(x, y string) int {
	n := 0
	for n < len(x) && n < len(y) && x[n] == y[n] {
		n++
	}
	return n
}

// bigramBonus rewards passages where two adjacent terms of the question
// stand adjacent too ("security guarantees", "mineral resources").
func bigramBonus(terms []qterm, passage []string) float64 {
	if len(terms) < 2 {
		return 0
	}
	pairs := map[string]bool{}
	for i := 1; i < len(passage); i++ {
		pairs[passage[i-1]+" "+passage[i]] = true
	}
	bonus := 0.0
	for i := 1; i < len(terms); i++ {
		if pairs[terms[i-1].stem+" "+terms[i].stem] {
			bonus += 0.1
		}
	}
	return math.Min(bonus, 0.2)
}

// isName: Titlecase ("Jinping") or all capitals of four letters or more
// ("FIFA"; short ones like "TV" or "US" are too often common nouns).
func isName(w string) bool {
	r, size := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) {
		return false
	}
	rest := w[size:]
	if rest == "" {
		return false
	}
	if strings.ToUpper(rest) == rest {
		return utf8.RuneCountInString(w) >= 4 && !strings.ContainsAny(w, ".")
	}
	return true
}

// nameKnownIn reports whether the story doc names the name word w: its
// stem, a synonym, or a spelling one typo away ("Zelensky"), a variant or
// a related form ("Russian" for "Russia") of one of the story's own names;
// not a common word that shares its first letters ("Starmer" is not
// "start", "Recordon" not "record"), unless the name is a common word
// itself ("Congress", "congressional").
func (a *analyzer) nameKnownIn(w, doc string) bool {
	vocab := a.vocabOf(doc)
	for _, t := range retrieval.Terms(w) {
		// Another form of the word counts when it is one of the story's
		// names, or when the name is a common word itself.
		nameLike := func(s string) bool { return a.properIn(doc, s) || retrieval.Rarity(t) < minNameRarity }
		if a.formIn(t, vocab, nameLike) {
			return true
		}
		if v := a.variant(t); v != "" && vocab[v] && nameLike(v) {
			return true
		}
	}
	return false
}

// knownIn reports whether a word, or a form of it, is in the story doc.
// Case matters only for initialisms: "US" is "U.S.", "us" is a pronoun.
func (a *analyzer) knownIn(w, doc string) bool {
	for _, t := range retrieval.Terms(w) {
		if a.stemIn(t, doc) {
			return true
		}
	}
	return false
}

// stemIn reports whether the stem t, a synonym, a related form ("invad",
// "invas") or a spelling one typo away is in the story doc.
func (a *analyzer) stemIn(t, doc string) bool {
	vocab := a.vocabOf(doc)
	if a.formIn(t, vocab, func(string) bool { return true }) {
		return true
	}
	if l, r := a.compoundParts(t); l != "" && vocab[l] && vocab[r] {
		return true // "goalscorer": "goals" and "scorer"
	}
	return false
}

// formIn reports whether the stem t, a synonym or a member of the kind it
// names (retrieval.Hyponyms) is in vocab, or a form of
// it that ok accepts: a related form ("invad", "invas") or a spelling one
// typo away.
func (a *analyzer) formIn(t string, vocab map[string]bool, ok func(string) bool) bool {
	if vocab[t] || akinIn(t, vocab) {
		return true
	}
	if len(t) >= 4 {
		// similarStem needs a common prefix of four: look in that bucket.
		for _, s := range a.byPrefix[t[:4]] {
			if vocab[s] && relatedStem(t, s) && ok(s) {
				return true
			}
		}
	}
	v := a.typo(t)
	return v != "" && vocab[v] && ok(v)
}

// spelling returns the story's spelling of the stem t: t itself, a variant
// ("zelenski" for "zelenskyy") or the word one typo away.
func (a *analyzer) spelling(t, doc string) string {
	vocab := a.vocabOf(doc)
	if vocab[t] {
		return t
	}
	if v := a.variant(t); v != "" && vocab[v] {
		return v
	}
	if v := a.typo(t); v != "" && vocab[v] {
		return v
	}
	return t
}

// subjectShare returns the share of the story's sentences its most named
// name is in (topName).
func (a *analyzer) subjectShare(doc string) float64 {
	a.vocabOf(doc)
	a.rolesMu.Lock()
	defer a.rolesMu.Unlock()
	return a.topName[doc]
}

// capWord is a capitalized word: a name, or a sentence's first word,
// which topName tells apart by its rarity in everyday English.
var capWord = regexp.MustCompile(`\p{Lu}[\p{L}'-]+`)

// wordRe is a word as the story's names are told apart: letters, with
// inner apostrophes, hyphens and periods ("U.S.", "O'Brien").
var wordRe = regexp.MustCompile(`\p{L}[\p{L}'.-]*`)

// properIn reports whether the story doc writes the stem t as a name
// (proper).
func (a *analyzer) properIn(doc, t string) bool {
	a.vocabOf(doc)
	a.rolesMu.Lock()
	defer a.rolesMu.Unlock()
	return a.proper[doc][t]
}

// placeIn reports whether the story doc names the place key (placeKey).
func (a *analyzer) placeIn(doc, key string) bool {
	a.vocabOf(doc)
	a.rolesMu.Lock()
	defer a.rolesMu.Unlock()
	return a.places[doc][key]
}

// placesOf returns placesIn(sentence) for a sentence of the corpus,
// remembered.
func (a *analyzer) placesOf(sentence string) map[string]bool {
	a.rolesMu.Lock()
	p, ok := a.sentPlaces[sentence]
	a.rolesMu.Unlock()
	if !ok {
		p = placesIn(sentence)
		a.rolesMu.Lock()
		a.sentPlaces[sentence] = p
		a.rolesMu.Unlock()
	}
	return p
}

// shareOf returns the share of the story's sentences that hold the stem t.
func (a *analyzer) shareOf(doc, t string) float64 {
	a.vocabOf(doc)
	a.rolesMu.Lock()
	defer a.rolesMu.Unlock()
	return a.share[doc][t]
}

// stemInSet reports whether the stem t, a synonym, a member of the kind it
// names (retrieval.Hyponyms), a related form or a spelling of it is in
// set.
func (a *analyzer) stemInSet(t string, set map[string]bool) bool {
	if set[t] || akinIn(t, set) {
		return true
	}
	if v := a.variant(t); v != "" && set[v] {
		return true
	}
	if v := a.typo(t); v != "" && set[v] {
		return true
	}
	for s := range set {
		if relatedStem(t, s) {
			return true
		}
	}
	return false
}

// vocabOf returns the stems of the story doc (its text, title and front
// matter), learning them on the story's first use.
func (a *analyzer) vocabOf(doc string) map[string]bool {
	a.rolesMu.Lock()
	defer a.rolesMu.Unlock()
	v, ok := a.vocab[doc]
	if !ok {
		d := a.docs[doc]
		v = map[string]bool{}
		texts := []string{d.Title, d.Source, d.Byline}
		for _, c := range a.chunks[doc] {
			texts = append(texts, c.Context, c.Text)
		}
		for _, p := range texts {
			for _, t := range retrieval.Terms(p) {
				v[t] = true
			}
			if parentOf.MatchString(p) {
				// "the son of a tanner" speaks of a father.
				for _, t := range parentStems {
					v[t] = true
				}
			}
		}
		a.vocab[doc] = v
		share, n := map[string]float64{}, 0
		names := map[string]bool{}
		capital, lower := map[string]int{}, map[string]int{}
		places := placesIn(d.Title)
		for _, p := range d.Paragraphs {
			for k := range placesIn(p) {
				places[k] = true
			}
			for _, sp := range retrieval.SplitSentences(p) {
				n++
				seen := map[string]bool{}
				sent := p[sp.Start:sp.End]
				for i, w := range wordRe.FindAllString(sent, -1) {
					if i == 0 {
						continue
					}
					upper := capitalized(w)
					for _, t := range retrieval.Terms(w) {
						if upper {
							capital[t]++
						} else {
							lower[t]++
						}
					}
				}
				for _, t := range retrieval.Terms(sent) {
					if !seen[t] {
						seen[t] = true
						share[t]++
					}
				}
				for _, w := range capWord.FindAllString(sent, -1) {
					for _, t := range retrieval.Terms(w) {
						names[t] = true
					}
				}
			}
		}
		top := 0.0
		for t := range share {
			share[t] /= float64(max(n, 1))
			if names[t] && retrieval.Rarity(t) >= minSubjectRarity {
				top = max(top, share[t])
			}
		}
		a.share[doc] = share
		a.topName[doc] = top
		a.entry[doc] = entryKindOf(d)
		proper := map[string]bool{}
		for t, c := range capital {
			if c > 0 && lower[t] == 0 {
				proper[t] = true
			}
		}
		a.proper[doc] = proper
		a.places[doc] = places
		a.told[doc] = toldStems(a.sentencesOf(doc), proper)
	}
	return v
}

// Typo tolerance: a question's word the corpus lacks is read as the corpus
// word at most maxTypo edits away ("Masschusetts"). Short words are left
// alone: one edit makes another word of them too often.
const (
	minTypoLen  = 5 // one edit from this length on
	minTypo2Len = 8 // two edits from this length on
	// maxTypoCommonness: a word whose retrieval.Rarity is below this is
	// an everyday word, never read as a typo ("thanks" 0.10, "bread"
	// 0.56); British spellings, rarer in the American word table
	// ("judgement" 0.83, "colour" 0.66, "defence" 0.72), still meet their
	// American forms.
	maxTypoCommonness = 0.6
)

// typo returns the corpus stem that t is a misspelling of, or "": the
// closest within one edit (two for long words), the most frequent of
// equally close ones.
func (a *analyzer) typo(t string) string {
	if len(t) < minTypoLen || a.stems[t] || isNumber(t) || strings.HasSuffix(t, "_") {
		return ""
	}
	if retrieval.Rarity(t) < maxTypoCommonness {
		// A word of everyday English is what it says, not a misspelling
		// of the corpus word one letter away: "thanks" is not "think",
		// "bread" is not "break".
		return ""
	}
	limit := 1
	if len(t) >= minTypo2Len {
		limit = 2
	}
	best, _ := a.closest(t, limit)
	if best == "" {
		// Doubled letters are the commonest slip in names, and each
		// costs an edit: "kelog" is "Kellogg", "zelensky" "Zelenskyy".
		best = a.undoubled(t)
	}
	return best
}

// undoubled returns the corpus stem that is t once doubled letters are
// written single in both, the most frequent of several, or "".
func (a *analyzer) undoubled(t string) string {
	want := single(t)
	best, bestF := "", 0
	for n := len(t); n <= len(t)+3; n++ {
		for _, s := range a.byLen[n] {
			if single(s) != want {
				continue
			}
			if f := a.lex.DocFreq(s); f > bestF {
				best, bestF = s, f
			}
		}
	}
	return best
}

// single returns w with each run of a repeated letter written once.
func single(w string) string {
	b := []byte(w)
	out := b[:0:0]
	for i, c := range b {
		if i > 0 && c == b[i-1] {
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

// closest returns the corpus stem within limit edits of t (editDistance),
// the closest, the most frequent of equally close ones, and its distance;
// "" when none is.
func (a *analyzer) closest(t string, limit int) (string, int) {
	best, bestD, bestF := "", limit+1, 0
	for n := len(t) - limit; n <= len(t)+limit; n++ {
		for _, s := range a.byLen[n] {
			d := editDistance(t, s, limit)
			if d > limit {
				continue
			}
			if f := a.lex.DocFreq(s); d < bestD || d == bestD && f > bestF {
				best, bestD, bestF = s, d, f
			}
		}
	}
	return best, bestD
}

// editDistance is the Levenshtein distance of x and y in bytes, or limit+1
// when it is larger than limit.
func editDistance(x, y string, limit int) int {
	if d := len(x) - len(y); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(y)]
}

// hostile returns why q is an instruction rather than a question, or "".
func hostile(q string) string {
	n := retrieval.Normalize(q)
	for _, re := range injection {
		if m := re.FindString(n); m != "" {
			return m
		}
	}
	return ""
}

// rerank orders hits by how well their best passage answers (v.cands),
// blended with the retrieval score, and keeps k. Candidates are renumbered
// to the new order; those of dropped hits are dropped.
func rerank(v *verdict, hits []retrieval.Hit, k int) []retrieval.Hit {
	if len(hits) == 0 {
		return hits
	}
	maxFused := hits[0].Score
	// Greedy: take the hit whose best passage not yet used by a hit taken
	// before scores highest. Overlapping chunks share sentences; the second
	// one must earn its place with something else.
	byHit := make([][]candidate, len(hits))
	for _, c := range v.cands {
		byHit[c.hit] = append(byHit[c.hit], c)
	}
	used := map[string]bool{}
	taken := make([]bool, len(hits))
	var order []int
	for len(order) < len(hits) {
		bestI, bestS := -1, math.Inf(-1)
		for i, h := range hits {
			if taken[i] {
				continue
			}
			s := 0.0
			for _, c := range byHit[i] {
				if !used[c.text] {
					s = math.Max(s, c.score)
				}
			}
			if maxFused > 0 {
				s += rerankRetrievalWeight * h.Score / maxFused
			}
			if s > bestS {
				bestI, bestS = i, s
			}
		}
		taken[bestI] = true
		order = append(order, bestI)
		for _, c := range byHit[bestI] {
			if c.score >= bestS-rerankRetrievalWeight {
				used[c.text] = true
			}
		}
	}
	if len(order) > k {
		order = order[:k]
	}
	if alt := v.alt - 1; alt >= 0 && k >= 3 && !slices.Contains(order[:min(3, len(order))], alt) {
		// The story that came a close second keeps a snippet in the first
		// three: the question may be about it.
		order = slices.DeleteFunc(order, func(i int) bool { return i == alt })
		order = slices.Insert(order, min(2, len(order)), alt)
		if len(order) > k {
			order = order[:k]
		}
	}
	pos := make(map[int]int, len(order))
	out := make([]retrieval.Hit, len(order))
	for newI, oldI := range order {
		pos[oldI] = newI
		out[newI] = hits[oldI]
	}
	cands := v.cands[:0]
	for _, c := range v.cands {
		if p, ok := pos[c.hit]; ok {
			c.hit = p
			cands = append(cands, c)
		}
	}
	v.cands = cands
	return out
}

// sentenceEnd splits a question into its sentences.
var sentenceEnd = regexp.MustCompile(`[?!.]+\s+`)

// injection matches questions that are instructions to the bot rather than
// questions about the news: attempts to override its rules, extract its
// prompt, change its role, or have it produce unrelated content.
var injection = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b(ignore|disregard|forget|override|bypass|skip)\b.{0,40}\b(instructions?|rules|prompts?|guidelines|directions|constraints|everything|previous|above|prior|system)\b`),
	regexp.MustCompile(`(?i)\b(system prompt|your (prompt|instructions|rules|guidelines)|jailbreak|developer mode|do anything now)\b`),
	regexp.MustCompile(`(?i)\b(you are now|you're now|pretend (to be|that|you)|role-?play|from now on|new persona)\b`),
	// "Act as …" said to the bot, not "did the brass-founder act as
	// treasurer?".
	regexp.MustCompile(`(?i)(?:^\s*(?:please\s+|now\s+|ok\s+|okay\s+)?|\byou\s+(?:will\s+|must\s+|should\s+|can\s+|now\s+)?|\bi want you to\s+)act as\b`),
	regexp.MustCompile(`(?i)^\s*(please\s+)?(write|compose|generate|draft|translate|code|sing|rap)\b`),
	regexp.MustCompile(`(?i)^\s*(please\s+)?(tell me a (joke|story|poem)|repeat after me|say exactly|print|output|reveal|echo)\b`),
}

// onlyStory keeps the hits of the story doc, at most n; when retrieval
// brought none of them, the story's first n chunks stand in, so a question
// about one story is judged on that story alone.
func (a *analyzer) onlyStory(hits []retrieval.Hit, doc string, n int) []retrieval.Hit {
	var out []retrieval.Hit
	for _, h := range hits {
		if h.Chunk.Doc == doc && len(out) < n {
			out = append(out, h)
		}
	}
	if len(out) == 0 {
		for _, c := range a.chunks[doc] {
			if len(out) < n {
				out = append(out, retrieval.Hit{Chunk: c})
			}
		}
	}
	return out
}

// minSubjectRarity is the least rarity in everyday English
// (retrieval.Rarity) of a capitalized word for topName to count it a name:
// "Harvard" (rarer than 0.3) is, the first words of sentences ("Today",
// "The") are not.
const minSubjectRarity = 0.3

// akinIn reports whether set holds a synonym of the stem t
// (retrieval.Synonyms) or a member of the kind t names (retrieval.Hyponyms,
// "ship" for "vessel"): what coverage credits at synonymCredit, and what
// counts as the story mentioning t.
func akinIn(t string, set map[string]bool) bool {
	in := func(s string) bool { return set[s] }
	return slices.ContainsFunc(retrieval.Synonyms(t), in) || slices.ContainsFunc(retrieval.Hyponyms(t), in)
}

// knows reports whether the corpus has the stem t.
func (a *analyzer) knows(t string) bool { return a.stems[t] }
