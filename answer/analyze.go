package answer

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
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
	minCoverageModel  = 0.2
	secondSentenceMin = 0.8 // a second sentence joins when it scores this share of the best
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
	leads    map[string]retrieval.Chunk // each document's first chunk
	// roles: doc slug -> surname term -> role terms, learnt on first use
	// of a document (learning them all at start would cost seconds at
	// 100,000 chunks).
	rolesMu sync.Mutex
	roles   map[string]map[string][]string
	maxIDF  float64
}

func newAnalyzer(ix *retrieval.Index) *analyzer {
	a := &analyzer{lex: ix.Lexical(), stems: map[string]bool{}, byPrefix: map[string][]string{},
		docs: map[string]retrieval.Document{}, leads: map[string]retrieval.Chunk{}}
	for _, d := range ix.Docs() {
		a.docs[d.Slug] = d
	}
	a.roles = map[string]map[string][]string{}
	for _, c := range ix.Chunks() {
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
		if len(t) >= 4 {
			a.byPrefix[t[:4]] = append(a.byPrefix[t[:4]], t)
		}
	})
	n := float64(a.lex.Len())
	a.maxIDF = math.Log(1 + (n+0.5)/0.5)
	return a
}

// qterm is a content term of the question with its weight.
type qterm struct {
	stem   string
	weight float64
}

// candidate is a passage of a retrieved snippet that may answer.
type candidate struct {
	hit      int // index into hits
	span     retrieval.Span
	text     string
	coverage float64
	score    float64
	// typed: the passage holds the kind of thing the question asks for
	// (a time for "when", a place next to the subject for "where", ...).
	typed bool
}

// verdict is the gate's decision with what the answerer needs.
type verdict struct {
	answerable bool
	why        string
	terms      []qterm
	cands      []candidate // best first
	kind       questionKind
	aux        string // the auxiliary a yes/no question opens with
	clock      bool   // a when-question asking for the time of day
	unit       string // a when-question asking for a "day", "date", "year" or "month"
	// also are the kinds of a question's other parts: "when was it, and
	// for how long?" also asks how long.
	also []questionKind
}

type questionKind int

const (
	kindOther questionKind = iota
	kindWhen
	kindCount
	kindSummary
	kindMeta
	kindWhere
	kindYesNo
	kindWho
	kindDuration
	kindAge
	kindList
)

// dateExpr is a day of a month: "Feb. 24", "24 February", "2025-02-17".
const dateExpr = `\b(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s+\d{1,2}\b|\b(january|february|march|april|may|june|july|august|september|october|november|december)\s+\d{1,2}\b|\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b\d{4}-\d\d-\d\d\b`

var (
	whenQ = regexp.MustCompile(`(?i)^\s*(when)\b|\b(?:what|which) (day|date|time|year|month)\b|\bhow long ago\b`)
	// opener is what people put before a question: "ok so", "remind me,".
	opener = regexp.MustCompile(`(?i)^\s*(?:(?:ok|okay|so|and|but|hey|hi|well|also|quick question|remind me|tell me|i wonder|do you know|any idea|btw)\b[,:]?\s*)+`)
	// unitRe: what answers "what day", "what date", "what year", "what
	// month": a weekday or a date, a date, a year, a month.
	unitRe = map[string]*regexp.Regexp{
		"day":   regexp.MustCompile(`(?i)\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|yesterday)\b|` + dateExpr),
		"date":  regexp.MustCompile(`(?i)` + dateExpr + `|\b(1[89]|20)\d\d\b`),
		"year":  regexp.MustCompile(`\b(1[89]|20)\d\d\b`),
		"month": regexp.MustCompile(`(?i)\b(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.|\b(january|february|march|april|may|june|july|august|september|october|november|december)\b`),
	}
	countQ = regexp.MustCompile(`(?i)\bhow (many|much)\s+([\p{L}-]+)`)
	// countHead is the noun a "how many" question counts, the last word
	// before its verb: "how many Ukrainian soldiers have …" counts soldiers.
	countHead = regexp.MustCompile(`(?i)\bhow many\s+(?:[\p{L}-]+\s+){0,2}?([\p{L}-]+)\s+(?:have|has|had|were|was|are|is|did|do|does|will|would|could|can|died|been)\b`)
	// measureQ asks for a quantity that is not counted: an age, a distance,
	// a size, a frequency. A number must be in the answer.
	measureQ = regexp.MustCompile(`(?i)\bhow (far|big|large|tall|high|often|fast|heavy|expensive)\b|\bwhat (percentage|percent|share|proportion)\b`)
	// ageQ asks someone's age, which is said in a recognisable way.
	ageQ  = regexp.MustCompile(`(?i)\bhow old\b|\b(what is|what's) (the|his|her|their) age\b`)
	ageRe = regexp.MustCompile(`(?i)\b\d{1,3}[- ]years?[- ]old\b|\baged? \d{1,3}\b|, \d{1,3},|\b(born|birthday)\b`)
	// durationQ asks how long something lasted or will last.
	// clockQ asks for a time of day, which only a clock time answers.
	clockQ  = regexp.MustCompile(`(?i)\b(what|which) time\b|\bat what hour\b`)
	clockRe = regexp.MustCompile(`(?i)\b\d{1,2}(:\d\d)?\s*(a\.?m\b\.?|p\.?m\b\.?)|\b\d{1,2}:\d\d\b|\b(noon|midnight|o'clock|dawn|dusk)\b|\b(in the|this|that|tomorrow|tuesday|monday|wednesday|thursday|friday|saturday|sunday) (morning|afternoon|evening|night)\b`)
	// anaphor opens a sentence that goes on about the one before it:
	// "They chatted for about 10 minutes" after "Lavrov and Blinken talked".
	anaphor   = regexp.MustCompile(`^\s*(They|He|She|It|Those|These|This|That|His|Her|Their|Its|The two|Both)\b`)
	durationQ = regexp.MustCompile(`(?i)\bhow long\b|\bfor how (long|many (minutes|hours|days|weeks|months|years))\b`)
	duration  = regexp.MustCompile(`(?i)\b(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few|many)\s+(more\s+)?(seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\b|\b(take|takes|took|taking|last|lasts|lasted|for)\s+(up to\s+)?(seconds|minutes|hours|days|weeks|months|years|decades)\b`)
	// howWord is the word after "how" in "how long", "how old": part of
	// the question's form, not of its topic.
	whenUnit = regexp.MustCompile(`(?i)\b(what|which)\s+(day|date|time|year|month)\b`)
	howWord  = regexp.MustCompile(`(?i)\bhow\s+(long|old|far|big|large|tall|high|often|fast|heavy|expensive|many|much|soon)\b`)
	// whichQ: "Which airline flew them?" asks for an airline; an article
	// that never mentions one cannot say which.
	whichQ = regexp.MustCompile(`(?i)^\s*which\s+([\p{L}-]+)\s`)
	// verbQ: "What did the call upend?" ends on the verb that the answer
	// must be about.
	verbQ = regexp.MustCompile(`^\s*(?i:what|who|whom|which)\s+(?i:did|does|do|will|would|could|can|should|has|have|had)\s+.+\s+(\p{Ll}[\p{L}-]*)(\s+(?i:on|about|to|for|with|in|at|from|by|of|up|out))?\s*\??\s*$`)
	// futureQ asks about what will happen; futureRe and pastRe mark
	// sentences about the future and the past, so that "where will they
	// meet" prefers "scheduled for Tuesday in Saudi Arabia" to "met in
	// Turkey in 2022".
	futureQ  = regexp.MustCompile(`(?i)\b(will|going to|(are|is) \w+ing|upcoming|next)\b|^\s*\w+\s+(are|is)\b.*\b\w+ing\s*\??\s*$`)
	futureRe = regexp.MustCompile(`(?i)\b(will|scheduled|upcoming|planned|set to|to be held|next (week|month|year)|tomorrow)\b`)
	pastRe   = regexp.MustCompile(`(?i)\b(ago|last (week|month|year)|in (the (fall|spring|summer|winter|autumn) of )?(19|20)\d\d|yesterday|previously)\b`)
	// possessiveQ: "What is Putin's favourite food?" asks for the last
	// noun ("food") of someone.
	possessiveQ = regexp.MustCompile(`(?i)^\s*(what|which)\s*(is|are|was|were|'s)\s+[\p{L}. -]+'s\s+(?:[\p{L}-]+\s+)?([\p{L}-]+)\s*\??\s*$`)
	focusQ      = regexp.MustCompile(`(?i)^\s*(what|which|who)\s*(is|are|was|were|'s)\s+(the|its|their|his|her)\s+(?:[\p{L}-]+\s+)?([\p{L}-]+)\s+(of|in|for|at|on|to)\b`)
	summaryQ    = regexp.MustCompile(`(?i)\b(summari[sz]e|summary|main points|gist|tl;?dr)\b|\bwhat('s| is| was)\s+(this|the)\s+(article|story|report|news)\s+about\b|^\s*what happened\s*\??\s*$`)
	metaQ       = regexp.MustCompile(`(?i)\b(article|story|report|piece|byline|copyright)\b|\b(published|wrote|written|authored)\b|\bwho reported\b|\bwho (is|are) the (authors?|reporters?|writers?|journalists?)\b`)
	temporal    = regexp.MustCompile(`(?i)\b(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.|\b(january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tomorrow|tonight|ago|week|weekend|month|year|years|decade|decades|spring|summer|fall|autumn|winter|morning|evening|night|later|earlier|soon|since|until)\b|\b(1[89]|20)\d\d\b`)
	whereQ      = regexp.MustCompile(`(?i)^\s*where\b|\bin (which|what) (city|country|place)\b|^\s*(which|what) (city|country|nation|place|venue|location)\b`)
	// listQ asks for the kinds of something, answered by a list.
	listQ = regexp.MustCompile(`(?i)\bwhat (kinds?|types?|sorts?|forms?) of\b`)
	// listRe is a sentence that lists: "could include NATO membership,
	// weapons and economic support".
	listRe = regexp.MustCompile(`(?i)\b(include|includes|included|including|such as|like|ranging from)\b[^.]*(,|\band\b|\bor\b)`)
	// sinceQ: "how long has it been since …", which "three years ago"
	// answers.
	sinceQ   = regexp.MustCompile(`(?i)\bsince\b`)
	yesNoQ   = regexp.MustCompile(`(?i)^\s*(will|would|is|are|was|were|does|do|did|can|could|has|have|had|should)\b`)
	whoQ     = regexp.MustCompile(`(?i)^\s*who\b`)
	personRe = regexp.MustCompile(`\p{Lu}\p{Ll}+\s+(\p{Lu}\.\s+)?\p{Lu}\p{Ll}+`)
	placeRe  = regexp.MustCompile(`\b(in|at|to|from|near|outside)\s+(the\s+)?\p{Lu}\p{L}+`)
	numberRe = regexp.MustCompile(`(?i)\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|millions?|billions?|several|few|many)\b`)
)

// judge decides whether the retrieved snippets answer the question, and
// ranks the passages that may answer it.
func (a *analyzer) judge(q string, history []Turn, hits []retrieval.Hit, minCov float64) verdict {
	v := verdict{kind: kindOther}
	// "Remind me, on what date …", "ok so when …": the kind of question is
	// in what follows the opening words.
	q = opener.ReplaceAllString(q, "")
	switch {
	case summaryQ.MatchString(q):
		v.kind = kindSummary
	case whenQ.MatchString(q):
		v.kind = kindWhen
		v.clock = clockQ.MatchString(q)
		v.unit = strings.ToLower(whenQ.FindStringSubmatch(q)[2])
	case ageQ.MatchString(q):
		v.kind = kindAge
	case durationQ.MatchString(q):
		v.kind = kindDuration
	case countQ.MatchString(q), measureQ.MatchString(q):
		v.kind = kindCount
	case whereQ.MatchString(q):
		v.kind = kindWhere
	case listQ.MatchString(q):
		v.kind = kindList
	case whoQ.MatchString(q):
		v.kind = kindWho
	case yesNoQ.MatchString(q):
		v.kind = kindYesNo
		v.aux = strings.ToLower(yesNoQ.FindStringSubmatch(q)[1])
	}
	v.also = alsoKinds(q, v.kind)
	if len(hits) == 0 {
		v.why = "nothing retrieved"
		return v
	}
	if v.kind == kindSummary {
		v.answerable = true
		return v
	}
	if m := a.missingName(q); m != "" {
		v.why = "the article never names " + m
		return v
	}
	if f := a.missingFocus(q); f != "" {
		v.why = "the article never mentions " + f
		return v
	}
	v.terms = a.questionTerms(q, history)
	if len(v.terms) == 0 {
		v.why = "no content words in the question"
		return v
	}
	metaIntent := metaQ.MatchString(q)
	future := futureQ.MatchString(q)
	for hi, h := range hits {
		if h.Chunk.Meta {
			if !metaIntent {
				continue
			}
			// The meta chunk answers as a whole: its lines are short and
			// its front matter (in Context) is what such questions match.
			cov := a.coverage(v.terms, retrieval.Terms(h.Chunk.Context+" "+h.Chunk.Text))
			v.cands = append(v.cands, candidate{hit: hi, span: retrieval.Span{Start: 0, End: len(h.Chunk.Text)}, text: h.Chunk.Text, coverage: cov, score: cov + 0.05})
			continue
		}
		var prevTerms []string
		roles := a.rolesOf(h.Chunk.Doc)
		for _, s := range retrieval.SplitSentences(h.Chunk.Text) {
			text := h.Chunk.Text[s.Start:s.End]
			terms := retrieval.Terms(text)
			cov := a.coverage(v.terms, terms)
			if extra := rolesIn(roles, terms); extra != nil {
				// "Peskov said …" answers for "the Kremlin spokesman".
				terms = append(slices.Clip(terms), extra...)
				cov = max(cov, roleCredit*a.coverage(v.terms, terms))
			}
			if anaphor.MatchString(text) && prevTerms != nil {
				// "They", "He": what the sentence is about is in the one
				// before it. Found there, a term counts a little less.
				cov = max(cov, anaphorCredit*a.coverage(v.terms, append(slices.Clip(terms), prevTerms...)))
			}
			prevTerms = terms
			score := cov + bigramBonus(v.terms, terms)
			if future {
				if futureRe.MatchString(text) {
					score += 0.1
				} else if pastRe.MatchString(text) {
					score -= 0.2
				}
			}
			typed := false
			switch v.kind {
			case kindWhen:
				// A sentence with no time in it cannot say when; one with
				// no time of day cannot say at what time.
				switch {
				case whenTyped(v, text):
					score += 0.1
					typed = true
				case (v.clock || v.unit != "") && temporal.MatchString(text):
					// "on Tuesday" for "what date": the nearest thing
					// the article may have; a passage with the date
					// itself, if any, is added to it.
					score -= 0.2
				default:
					score -= 0.6
				}
			case kindCount:
				if numberRe.MatchString(text) {
					score += 0.1
					typed = true
				} else {
					score -= 0.6
				}
			case kindAge:
				if ageRe.MatchString(text) {
					score += 0.1
					typed = true
				} else {
					score -= 0.6
				}
			case kindList:
				if listRe.MatchString(text) {
					score += 0.3
					typed = true
				}
			case kindDuration:
				if hasDuration(text, sinceQ.MatchString(q)) {
					score += 0.1
					typed = true
				} else {
					score -= 0.6
				}
			case kindWhere:
				switch {
				case placeNear(text, v.terms):
					score += 0.3
					typed = true
				case placeRe.MatchString(text):
					score += 0.1
				default:
					score -= 0.1
				}
			case kindWho:
				// Who is answered with a name: two capitalised words.
				if personRe.MatchString(text[min(len(text), 1):]) {
					score += 0.1
					typed = true
				} else {
					score -= 0.1
				}
			case kindYesNo:
				// "Will Ukraine take part?" is answered by a sentence that
				// says what Ukraine will or won't do.
				if auxPhrase(text, v.aux, v.terms) {
					score += 0.3
				}
			}
			v.cands = append(v.cands, candidate{hit: hi, span: s, text: text, coverage: cov, score: score, typed: typed})
		}
	}
	sort.SliceStable(v.cands, func(i, j int) bool { return v.cands[i].score > v.cands[j].score })
	if len(v.cands) == 0 {
		v.why = "no passage to answer from"
		return v
	}
	best := v.cands[0]
	if hits[best.hit].Chunk.Meta {
		v.kind = kindMeta
	}
	switch {
	case best.coverage < minCov && !(best.typed && best.coverage >= minTypedCoverage && maxCoverage(v.cands) >= minCov):
		// A passage that holds the kind of answer asked for ("Feb. 24,
		// 2022" for "what date") may say less of the question than one
		// that does not, as long as the question's subject is found.
		v.why = fmt.Sprintf("best passage covers %.2f of the question", best.coverage)
	case v.kind == kindCount && !numberRe.MatchString(best.text):
		v.why = "no number where one is asked for"
	case v.kind == kindAge && !best.typed:
		v.why = "no age where one is asked for"
	case (v.kind == kindDuration || v.kind == kindWhen && v.clock) && !typedAbove(v.cands, minCov):
		v.why = "no length or time of day where one is asked for"
	default:
		v.answerable = true
	}
	return v
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

// whenTyped reports whether text holds what a when-question asks for.
func whenTyped(v verdict, text string) bool {
	switch {
	case v.clock:
		return clockRe.MatchString(text)
	case unitRe[v.unit] != nil:
		return unitRe[v.unit].MatchString(text)
	}
	return temporal.MatchString(text)
}

// maxCoverage is the best coverage of any passage.
func maxCoverage(cands []candidate) float64 {
	m := 0.0
	for _, c := range cands {
		m = max(m, c.coverage)
	}
	return m
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

// typedAbove reports whether a passage that holds the kind of answer asked
// for covers at least minCov of the question.
func typedAbove(cands []candidate, minCov float64) bool {
	return slices.ContainsFunc(cands, func(c candidate) bool { return c.typed && c.coverage >= minCov })
}

// questionTerms returns the question's content terms weighted by IDF; a
// term the corpus lacks weighs up to as much as the rarest one, by its
// rarity in everyday English. A follow-up adds
// the previous question's terms at half weight.
func (a *analyzer) questionTerms(q string, history []Turn) []qterm {
	var out []qterm
	seen := map[string]bool{}
	add := func(text string, scale float64) {
		for _, t := range retrieval.Terms(text) {
			if seen[t] || t == "no" || t == "not" || t == "nor" || t == "never" {
				continue
			}
			seen[t] = true
			// A term the corpus lacks weighs as much as its rarest term when
			// it is rare in English too ("borscht"), less when it is an
			// everyday word a paraphrase may bring ("sitting down with").
			if a.lex.DocFreq(t) == 0 {
				// "Zelensky" for "Zelenskyy": a name spelled another way.
				if v := a.variant(t); v != "" && !seen[v] {
					seen[v] = true
					t = v
				}
			}
			w := a.maxIDF * retrieval.Rarity(t)
			if a.lex.DocFreq(t) > 0 {
				w = a.lex.IDF(t) * (0.5 + 0.5*retrieval.Rarity(t))
			}
			out = append(out, qterm{stem: t, weight: w * scale})
		}
	}
	// "how long", "what date": the kind of answer, not what it is about.
	add(whenUnit.ReplaceAllString(howWord.ReplaceAllString(q, "how"), "when"), 1)
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
		if slices.ContainsFunc(retrieval.Synonyms(t.stem), func(s string) bool { return set[s] }) {
			got += t.weight * synonymCredit
			continue
		}
		for p := range set {
			if similarStem(t.stem, p) {
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

// missingName returns a name the question uses that the corpus never does
// ("Xi Jinping", "FIFA"), or "". Names are capitalised words after the
// first; an article that never names someone cannot say what they did.
func (a *analyzer) missingName(q string) string {
	// Each sentence of the question ("… since the war began? Where?")
	// starts with a capital that names nothing.
	for _, sent := range sentenceEnd.Split(retrieval.Normalize(q), -1) {
		fields := strings.FieldsFunc(sent, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '-' && r != '.'
		})
		for i, f := range fields {
			f = strings.Trim(f, "'-.")
			f = strings.TrimSuffix(strings.TrimSuffix(f, "'s"), "'")
			if i == 0 || f == "" || !isName(f) {
				continue
			}
			if a.known(f) {
				continue
			}
			return f
		}
	}
	return ""
}

// sentenceEnd splits a question into its sentences.
var sentenceEnd = regexp.MustCompile(`[?!.]+\s+`)

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

// known reports whether a word, or a form of it, is in the corpus. Case
// matters only for initialisms: "US" is "U.S.", "us" is a pronoun.
func (a *analyzer) known(w string) bool {
	for _, t := range retrieval.Terms(w) {
		if a.stems[t] || slices.ContainsFunc(retrieval.Synonyms(t), func(s string) bool { return a.stems[s] }) {
			return true
		}
		if len(t) < 4 {
			continue
		}
		// similarStem needs a common prefix of four: look in that bucket.
		for _, s := range a.byPrefix[t[:4]] {
			if similarStem(t, s) {
				return true
			}
		}
	}
	return false
}

// missingFocus returns the thing a question asks the value of ("what is
// the population of ...", "how many soldiers ...") when the corpus never
// mentions it, or "".
func (a *analyzer) missingFocus(q string) string {
	var focus string
	if m := focusQ.FindStringSubmatch(q); m != nil {
		focus = m[4]
	} else if m := possessiveQ.FindStringSubmatch(q); m != nil {
		focus = m[3]
	} else if m := countHead.FindStringSubmatch(q); m != nil {
		focus = m[1]
	} else if m := countQ.FindStringSubmatch(q); m != nil {
		focus = m[2]
	} else if m := whichQ.FindStringSubmatch(q); m != nil && !isName(m[1]) {
		focus = m[1]
	}
	if focus == "" || answerNouns[strings.ToLower(focus)] {
		return ""
	}
	ts := retrieval.Terms(focus)
	if len(ts) == 0 || a.known(focus) {
		return ""
	}
	return focus
}

// answerNouns name the kind of answer rather than a topic: "what is the
// name of the spokesman" asks who the spokesman is.
var answerNouns = map[string]bool{
	"name": true, "names": true, "title": true, "role": true, "job": true, "position": true, "identity": true,
	"meaning": true, "point": true, "purpose": true, "reason": true, "result": true, "outcome": true,
	"significance": true, "status": true, "response": true, "reaction": true, "view": true, "position's": true,
}

// extract fills a with an answer built from the best passages.
func (a *analyzer) extract(ans *Answer, v verdict, hits []retrieval.Hit) {
	if v.kind == kindSummary {
		a.summary(ans, hits)
		return
	}
	best := v.cands[0]
	if v.kind == kindMeta {
		a.metaAnswer(ans, hits, best.hit)
		return
	}
	picked := []candidate{best}
	if typedKinds[v.kind] && !best.typed {
		// The best match does not hold what was asked ("where", "when"):
		// add the best passage that does, if it is about the question, and
		// put it first, so the answer opens with what was asked for,
		// unless the best match holds something close ("on Tuesday" for
		// "what date").
		for _, c := range v.cands[1:] {
			if c.typed && c.coverage >= minTypedCoverage && c.hit != best.hit && !hits[c.hit].Chunk.Meta {
				if v.kind == kindWhen && temporal.MatchString(best.text) {
					picked = append(picked, c)
				} else {
					picked = []candidate{c, best}
				}
				break
			}
		}
	}
	most := 2 // sentences in the answer: two, and one per other part answered
	for _, k := range v.also {
		// The question's other part ("…, and for how long?"): add the
		// best passage that answers it, unless one picked already does.
		if slices.ContainsFunc(picked, func(c candidate) bool { return kindTyped(k, c.text, v.terms) }) {
			continue
		}
		for _, c := range v.cands[1:] {
			if kindTyped(k, c.text, v.terms) && c.coverage >= minTypedCoverage && !hits[c.hit].Chunk.Meta &&
				!slices.ContainsFunc(picked, func(p candidate) bool { return sameText(p.text, c.text) }) {
				picked = append(picked, c)
				most++
				break
			}
		}
	}
	for _, c := range v.cands[1:] {
		if len(picked) >= most || c.score < secondSentenceMin*best.score || c.coverage < minCoverage {
			break
		}
		if c.hit == best.hit || hits[c.hit].Chunk.Meta || sameText(c.text, best.text) {
			continue
		}
		picked = append(picked, c)
	}
	// The snippets the answer cites come first, in the answer's order, so
	// its markers read [1], [2], … (hits is the answer's Retrieved list).
	moveToFront(hits, picked)
	var b strings.Builder
	for _, c := range picked {
		ref := c.hit + 1
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s [%d]", c.text, ref)
		ans.Citations = append(ans.Citations, citationFor(hits[c.hit], ref, quoteOf(c.text, v.terms)))
	}
	ans.Text = b.String()
	ans.Answered = true
}

// moveToFront reorders hits so that those of picked come first, in the
// order picked cites them, the others after in their order, and points
// picked at the new positions.
func moveToFront(hits []retrieval.Hit, picked []candidate) {
	pos := make([]int, len(hits)) // old index -> new index
	for i := range pos {
		pos[i] = -1
	}
	order := make([]int, 0, len(hits)) // new index -> old index
	for _, c := range picked {
		if pos[c.hit] < 0 {
			pos[c.hit] = len(order)
			order = append(order, c.hit)
		}
	}
	for i := range hits {
		if pos[i] < 0 {
			pos[i] = len(order)
			order = append(order, i)
		}
	}
	old := slices.Clone(hits)
	for n, i := range order {
		hits[n] = old[i]
	}
	for k := range picked {
		picked[k].hit = pos[picked[k].hit]
	}
}

func sameText(x, y string) bool {
	return retrieval.Normalize(x) == retrieval.Normalize(y)
}

func citationFor(h retrieval.Hit, ref int, quote string) Citation {
	return Citation{Ref: ref, Chunk: h.Chunk.ID, Doc: h.Chunk.Doc, Title: h.Chunk.Title, Quote: quote}
}

// summary answers "what is this about" with the opening sentence of the
// most relevant article, its lead, citing the chunk that holds it (added
// to the retrieved snippets when retrieval did not bring it).
func (a *analyzer) summary(ans *Answer, hits []retrieval.Hit) {
	for _, h := range hits {
		if h.Chunk.Meta {
			continue
		}
		lead, ok := a.leads[h.Chunk.Doc]
		if !ok {
			continue
		}
		spans := retrieval.SplitSentences(lead.Text)
		if len(spans) == 0 {
			continue
		}
		ref := 0
		for i, x := range ans.Retrieved {
			if x.Chunk.ID == lead.ID {
				ref = i + 1
			}
		}
		if ref == 0 {
			ans.Retrieved = append([]retrieval.Hit{{Chunk: lead, Score: h.Score}}, ans.Retrieved...)
			if len(ans.Retrieved) > len(hits) {
				ans.Retrieved = ans.Retrieved[:len(hits)]
			}
			ref = 1
		}
		s := lead.Text[spans[0].Start:spans[0].End]
		ans.Text = fmt.Sprintf("%s [%d]", s, ref)
		ans.Citations = []Citation{citationFor(ans.Retrieved[ref-1], ref, quoteOf(s, nil))}
		ans.Answered = true
		return
	}
	ans.Text = refusalNotInArticle
}

// metaAnswer answers a question about the article itself from its front
// matter, citing the byline and copyright lines it was written from.
func (a *analyzer) metaAnswer(ans *Answer, hits []retrieval.Hit, hi int) {
	h := hits[hi]
	d := a.docs[h.Chunk.Doc]
	var parts []string
	title := d.Title
	if title == "" {
		title = "The article"
	} else {
		title = fmt.Sprintf("%q", title)
	}
	switch {
	case d.Source != "" && d.Published != "":
		parts = append(parts, fmt.Sprintf("%s was published by %s on %s.", title, d.Source, d.Published))
	case d.Source != "":
		parts = append(parts, fmt.Sprintf("%s was published by %s.", title, d.Source))
	case d.Published != "":
		parts = append(parts, fmt.Sprintf("%s was published on %s.", title, d.Published))
	}
	if d.Byline != "" {
		parts = append(parts, "Byline: "+strings.TrimSuffix(d.Byline, ".")+".")
	} else {
		// No byline in the front matter: the credit lines say it.
		for _, line := range d.Meta {
			if !strings.HasPrefix(line, "\u00a9") && !strings.HasPrefix(strings.ToLower(line), "copyright") {
				parts = append(parts, strings.TrimLeft(line, "-\u2013\u2014 "))
			}
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "The article carries this credit line:")
	}
	ref := hi + 1
	ans.Text = fmt.Sprintf("%s [%d]", strings.Join(parts, " "), ref)
	ans.Citations = []Citation{citationFor(h, ref, quoteOf(h.Chunk.Text, nil))}
	ans.Answered = true
}

// quoteOf returns text, or when it is longer than maxQuote, the window of
// whole words of it that holds the most question terms: always a verbatim
// piece of the article.
func quoteOf(text string, terms []qterm) string {
	text = strings.TrimSpace(text)
	if len(text) <= maxQuote {
		return text
	}
	// Word boundaries as byte offsets.
	var starts []int
	for i, r := range text {
		if i == 0 || (unicode.IsSpace(rune(text[i-1])) && !unicode.IsSpace(r)) {
			starts = append(starts, i)
		}
	}
	want := map[string]float64{}
	for _, t := range terms {
		want[t.stem] = t.weight
	}
	bestStart, bestEnd, bestScore := 0, 0, -1.0
	for si, s := range starts {
		end := s
		for _, e := range starts[si+1:] {
			if e-s > maxQuote {
				break
			}
			end = e
		}
		if end == s || (si+1 < len(starts) && len(text)-s <= maxQuote) {
			end = len(text)
		}
		if end-s > maxQuote {
			continue
		}
		piece := strings.TrimSpace(text[s:end])
		score := 0.0
		seen := map[string]bool{}
		for _, t := range retrieval.Terms(piece) {
			if !seen[t] {
				score += want[t]
				seen[t] = true
			}
		}
		if score > bestScore {
			bestStart, bestEnd, bestScore = s, end, score
		}
		if end == len(text) {
			break
		}
	}
	q := strings.TrimSpace(text[bestStart:bestEnd])
	if q == "" {
		q = strings.TrimSpace(text[:maxQuote])
		for !utf8.ValidString(q) {
			q = q[:len(q)-1]
		}
	}
	return q
}

// injection matches questions that are instructions to the bot rather than
// questions about the news: attempts to override its rules, extract its
// prompt, change its role, or have it produce unrelated content.
var injection = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b(ignore|disregard|forget|override|bypass|skip)\b.{0,40}\b(instructions?|rules|prompts?|guidelines|directions|constraints|everything|previous|above|prior|system)\b`),
	regexp.MustCompile(`(?i)\b(system prompt|your (prompt|instructions|rules|guidelines)|jailbreak|developer mode|do anything now)\b`),
	regexp.MustCompile(`(?i)\b(you are now|you're now|act as|pretend (to be|that|you)|role-?play|from now on|new persona)\b`),
	regexp.MustCompile(`(?i)^\s*(please\s+)?(write|compose|generate|draft|translate|code|sing|rap)\b`),
	regexp.MustCompile(`(?i)^\s*(please\s+)?(tell me a (joke|story|poem)|repeat after me|say exactly|print|output|reveal|echo)\b`),
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

// auxPhrase reports whether text uses the auxiliary verb aux (or its
// contracted negative, "won't" for "will") followed within three words by
// one of the question's terms: "Will Ukraine participate?" is answered by
// "Ukraine will not participate."
func auxPhrase(text, aux string, terms []qterm) bool {
	forms := map[string][]string{
		"will": {"will", "won't"}, "would": {"would", "wouldn't"}, "is": {"is", "isn't"}, "are": {"are", "aren't"},
		"was": {"was", "wasn't"}, "were": {"were", "weren't"}, "does": {"does", "doesn't"}, "do": {"do", "don't"},
		"did": {"did", "didn't"}, "can": {"can", "can't", "cannot"}, "could": {"could", "couldn't"},
		"has": {"has", "hasn't"}, "have": {"have", "haven't"}, "had": {"had", "hadn't"}, "should": {"should", "shouldn't"},
	}[aux]
	want := map[string]bool{}
	for _, t := range terms {
		want[t.stem] = true
	}
	ws := strings.Fields(strings.ToLower(retrieval.Normalize(text)))
	for i, w := range ws {
		w = strings.Trim(w, ".,;:!?\"()")
		if !slices.Contains(forms, w) {
			continue
		}
		for _, next := range ws[i+1 : min(len(ws), i+4)] {
			for _, t := range retrieval.Terms(next) {
				if want[t] {
					return true
				}
			}
		}
	}
	return false
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

// placeNear reports whether a place phrase ("in Saudi Arabia") follows one
// of the question's terms within six words: "The talks, scheduled for
// Tuesday in Saudi Arabia" says where the talks are.
func placeNear(text string, terms []qterm) bool {
	want := map[string]bool{}
	for _, t := range terms {
		want[t.stem] = true
	}
	for _, loc := range placeRe.FindAllStringIndex(text, -1) {
		before := strings.Fields(text[:loc[0]])
		for _, w := range before[max(0, len(before)-6):] {
			for _, t := range retrieval.Terms(w) {
				if want[t] {
					return true
				}
			}
		}
	}
	return false
}

var (
	alsoWhere    = regexp.MustCompile(`(?i)\bwhere\b`)
	alsoWhen     = regexp.MustCompile(`(?i)\bwhen\b|\b(what|which) (day|date|year|month)\b`)
	alsoDuration = regexp.MustCompile(`(?i)\b(for )?how long\b`)
)

// alsoKinds returns the kinds of the parts of q other than its main kind
// ("when and where …", "…? Where?").
func alsoKinds(q string, main questionKind) []questionKind {
	var out []questionKind
	if main != kindWhere && alsoWhere.MatchString(q) {
		out = append(out, kindWhere)
	}
	if main != kindWhen && alsoWhen.MatchString(q) {
		out = append(out, kindWhen)
	}
	if main != kindDuration && alsoDuration.MatchString(q) && !strings.Contains(strings.ToLower(q), "how long ago") {
		out = append(out, kindDuration)
	}
	return out
}

// kindTyped reports whether text holds an answer of kind k: a time, a
// place near the question's subject, a length of time.
func kindTyped(k questionKind, text string, terms []qterm) bool {
	switch k {
	case kindWhen:
		return temporal.MatchString(text)
	case kindWhere:
		return placeNear(text, terms)
	case kindDuration:
		return hasDuration(text, false)
	}
	return false
}

// typedKinds are the kinds of question whose answer has a recognisable
// form.
var typedKinds = map[questionKind]bool{kindWhen: true, kindWhere: true, kindCount: true, kindWho: true, kindDuration: true, kindAge: true, kindList: true}

// hasDuration reports whether text gives a length of time ("for about 10
// minutes"), as opposed to a point in time ("two years ago"), unless
// agoToo: "how long has it been since …" is answered by "three years ago".
func hasDuration(text string, agoToo bool) bool {
	for _, loc := range duration.FindAllStringIndex(text, -1) {
		rest := strings.TrimSpace(strings.ToLower(text[loc[1]:]))
		if (agoToo || !strings.HasPrefix(rest, "ago")) && !strings.HasPrefix(rest, "old") {
			return true
		}
	}
	return false
}
