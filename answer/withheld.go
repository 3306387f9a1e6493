package answer

import (
	"regexp"
	"slices"
	"strings"

	"github.com/newsbot/newsbot/retrieval"
)

// News reports say what they do not know: "authorities did not release his
// name", "it was too early to estimate the cost of the damage", "did not
// return calls seeking comment", "it was not clear when". A passage that
// says so of what a question asks does not answer it; quoting it as an
// answer would pass off the gap as the fact.
var (
	// withheldRe is a statement that something was not given: group 1 is
	// the verb, group 2 the words after it (what was not given).
	withheldRe = regexp.MustCompile(`(?i)\b(?:(?:did|does|do|would|will|could|can|has|have|had|ca|wo)(?:\s+(?:also|still|so\s+far))?\s*(?:not|n't|n’t)|declined\s+to|refused\s+to|(?:was|were|is|are)\s+unable\s+to|too\s+early\s+to|(?:has|have|had)\s+yet\s+to)\s+(?:immediately\s+|publicly\s+|yet\s+|officially\s+|also\s+)?(release|disclose|reveal|identif(?:y|ied|ies)|name|give|provide|say|specif(?:y|ied|ies)|estimate|confirm|comment|respond|return|announce|set|determine|explain|said|given)(?:d|ed|s|n)?\b((?:\s+[^\s.,;:!?]+){0,6})`)
	// unknownRe is a statement that something is not known: "it was not
	// clear when", "no date has been set"; group 1 is what is not known.
	unknownRe = regexp.MustCompile(`(?i)\b(?:(?:it|that)\s+(?:is|was|remains|remained)\s+(?:not\s+(?:yet\s+|immediately\s+)?(?:clear|known)|unclear|unknown)|(?:was|were|is|are)\s+not\s+(?:immediately\s+)?(?:known|released|disclosed|made public))\b((?:\s+[^\s.,;:!?]+){0,6})|\bno\s+(date|time|timetable|timeline|figure|cause|reason|motive|name|names|details?)\s+(?:has|have|had|was|were)\s+(?:yet\s+)?(?:been\s+)?(?:set|given|released|announced|disclosed|determined|made public)`)
	// kindWords are the words by which a withheld statement names the kind
	// of thing not given: "did not say when", "did not release the names".
	kindWords = map[questionKind][]string{
		kindWhen:     {"when", "date", "time", "day", "timetable", "timeline", "schedule"},
		kindWhere:    {"where", "location", "whereabouts"},
		kindWho:      {"who", "name", "names", "identity", "identities", "identify", "whom"},
		kindWhy:      {"why", "reason", "reasons", "cause", "motive", "explain"},
		kindCount:    {"how many", "how much", "number", "figure", "figures", "amount", "toll", "total"},
		kindDuration: {"how long", "duration"},
	}
)

// withheld returns why the passage text does not answer q, or "": text says
// that what q asks was not given or is not known ("authorities did not
// release his name" for "what is the name of the missing man?"). What was
// not given must be what is asked: one of the question's terms, or the
// word for its kind ("when", "the names"); a passage saying someone did not
// comment does not answer what they think of it.
func withheld(q *question, terms []qterm, text string) string {
	for _, m := range withheldRe.FindAllStringSubmatchIndex(text, -1) {
		verb := strings.ToLower(text[m[2]:m[3]])
		what := text[m[4]:m[5]]
		if f := strings.Fields(strings.ToLower(what)); len(f) > 0 && particles[f[0]] {
			continue // "did not give up the lead": another verb
		}
		if verb == "comment" || verb == "respond" || verb == "return" {
			// Declining to comment withholds a view, and the reasons
			// for what one did, of the one who declines ("the
			// developer declined to comment" says nothing of the mayor).
			if (verb != "return" || callsRe.MatchString(what)) && (q.kind == kindOpinion || q.kind == kindWhy || saidQ.MatchString(q.text)) && asksOf(q, terms, subjectBefore(text[:m[0]])) {
				return "the story says this was not given: " + strings.TrimSpace(text[m[0]:m[1]])
			}
			continue
		}
		if strings.HasPrefix(verb, "name") || strings.HasPrefix(verb, "identif") {
			what = "name " + what
		}
		if asksAbout(q, terms, what) {
			return "the story says this was not given: " + strings.TrimSpace(text[m[0]:m[1]])
		}
	}
	for _, m := range unknownRe.FindAllStringSubmatchIndex(text, -1) {
		what := ""
		if m[2] >= 0 {
			what = text[m[2]:m[3]]
		} else {
			what = text[m[4]:m[5]]
		}
		if asksAbout(q, terms, what) {
			return "the story says this is not known: " + strings.TrimSpace(text[m[0]:m[1]])
		}
	}
	return ""
}

// saidQ asks what someone said or made of something: a view that a
// refusal to comment does not give.
var saidQ = regexp.MustCompile(`(?i)\b(say|said|says|saying|comment|commented|react|reacted|reaction|respond|responded|response|make of|take on|think|thinks|thought)\b`)

// asksAbout reports whether the words what, which a passage says were not
// given, are what q asks. A clause ("when the pool would open", "which
// departments would be merged", "whether Kyiv takes part") must ask q's
// kind of thing about something q asks about; a noun ("his name", "the
// price of the plant", "the cost of the damage") must be q's kind's word
// ("name", "date", "reason") or one of q's terms other than a name (a name
// is who, not what).
func asksAbout(q *question, terms []qterm, what string) bool {
	f := strings.Fields(strings.ToLower(what))
	if len(f) > 1 && (f[0] == "by" || f[0] == "about" || f[0] == "on") {
		f = f[1:] // "did not say by how much"
	}
	if len(f) == 0 {
		return false
	}
	kinds := append([]questionKind{q.kind}, q.also...)
	if k, ok := clauseKind(f); ok {
		if k == kindOther {
			// "which departments would be merged": the same words.
			return len(f) >= 2 && strings.Contains(" "+strings.ToLower(q.text)+" ", " "+f[0]+" "+f[1]+" ")
		}
		if !slices.Contains(kinds, k) {
			return false
		}
		// "did not say when." withholds a time of what the sentence is
		// about; a clause that goes on says of what.
		head := 1
		if f[0] == "how" {
			head = 2 // "how many", "how long"
		}
		return len(f) <= head || sharesTerm(q, terms, strings.Join(f[head:], " "))
	}
	obj := objectOf(f)
	for _, w := range obj {
		for _, k := range kinds {
			if slices.Contains(kindWords[k], w) {
				return true
			}
		}
		if (w == "name" || w == "names") && (namesAsked.MatchString(q.text) || q.kind == kindWho) {
			// "did not release his name" answers who someone is.
			return true
		}
	}
	return sharesTerm(q, terms, strings.Join(obj, " "))
}

// clauseKind returns the kind of thing a clause asks by its first words
// ("when …", "how many …", "whether …"), kindOther for "which N" and
// "what N", and whether f opens a clause at all.
func clauseKind(f []string) (questionKind, bool) {
	next := ""
	if len(f) > 1 {
		next = f[1]
	}
	switch f[0] {
	case "when":
		return kindWhen, true
	case "where":
		return kindWhere, true
	case "why":
		return kindWhy, true
	case "who", "whom":
		return kindWho, true
	case "whether", "if":
		return kindYesNo, true
	case "which", "what":
		return kindOther, true
	case "how":
		switch next {
		case "many", "much":
			return kindCount, true
		case "long":
			return kindDuration, true
		}
		return kindOther, true
	}
	return kindOther, false
}

// objectOf returns the words of a noun phrase up to its first preposition
// or clause: "the price" of "the price of the plant, which it bought".
func objectOf(f []string) []string {
	for i, w := range f {
		if i > 0 && objectEnd[w] {
			return f[:i]
		}
	}
	return f
}

// objectEnd ends the head of what was not given.
var objectEnd = map[string]bool{"of": true, "for": true, "to": true, "in": true, "on": true, "at": true, "with": true,
	"which": true, "that": true, "who": true, "whose": true, "after": true, "before": true, "because": true, "but": true,
	"and": true, "or": true, "as": true, "from": true, "by": true, "until": true, "while": true}

// sharesTerm reports whether text holds one of q's terms that is no name
// and no light word.
func sharesTerm(q *question, terms []qterm, text string) bool {
	name := q.nameStems()
	have := map[string]bool{}
	for _, t := range retrieval.Terms(text) {
		have[t] = true
	}
	return slices.ContainsFunc(terms, func(t qterm) bool {
		return have[t.stem] && !name[t.stem] && !lightTerms[t.stem] && t.weight > 0
	})
}

// subjectBefore returns the words of text's last clause, at most six: who
// declines in "…, while the developer declined to comment".
func subjectBefore(text string) string {
	// An aside between the subject and its verb is no subject: "Ruth
	// Abney, who voted against the barrier in 2023, did not return calls".
	text = aside.ReplaceAllString(text, "")
	if i := strings.LastIndexAny(text, ",;:—–"); i >= 0 {
		text = text[i+1:]
	}
	f := strings.Fields(text)
	for i := len(f) - 1; i >= 0; i-- {
		if clauseOpen[strings.ToLower(f[i])] {
			f = f[i+1:]
			break
		}
	}
	return strings.Join(f[max(0, len(f)-6):], " ")
}

// aside is a relative clause or an apposition set off by commas at the end
// of a text.
var aside = regexp.MustCompile(`(?i),\s*(?:who|which|whose|a|an|the|aged|\d)[^,]*,\s*$`)

// clauseOpen opens a clause: what stands before it is another's.
var clauseOpen = map[string]bool{"while": true, "and": true, "but": true, "whereas": true, "although": true, "though": true}

// asksOf reports whether subject is whom q asks about: one of its names or
// holders, or a role it names ("the mayor").
func asksOf(q *question, terms []qterm, subject string) bool {
	ts := retrieval.Terms(subject)
	if slices.ContainsFunc(ts, func(t string) bool { return slices.Contains(q.holder, t) }) {
		return true
	}
	for _, n := range q.names {
		for _, t := range retrieval.Terms(n) {
			if slices.Contains(ts, t) && !lightTerms[t] {
				return true
			}
		}
	}
	return slices.ContainsFunc(terms, func(t qterm) bool { return roleNouns[t.stem] && slices.Contains(ts, t.stem) })
}

// callsRe is what one does not return when declining to comment.
var callsRe = regexp.MustCompile(`(?i)\b(calls?|messages?|requests?|emails?|comment)\b`)

// doneTo are verbs after which "to V" was done: "voted on Tuesday to
// approve the plan" approved it.
var doneTo = map[string]bool{"voted": true, "agreed": true, "decided": true, "chose": true, "opted": true,
	"moved": true, "managed": true, "began": true, "started": true, "continued": true, "went": true, "used": true,
	// "had to close the mill", "the first woman to win": it was done.
	"had": true, "has": true, "have": true, "forced": true, "able": true, "first": true, "last": true, "only": true,
	"second": true, "third": true}

// pastAsk asks what was done: "what did …", "who did …".
var pastAsk = regexp.MustCompile(`(?i)^\s*(?:what|who|whom|how|where|when|why)\s+did\b`)

// meantOnly returns why text does not answer q, or "": q asks what was
// done ("what did the Europeans decide at the meeting?") and text says it
// only as what was meant, after "to" ("called a meeting to decide how to
// respond"), which does not say what came of it.
func meantOnly(q *question, terms []qterm, text string, storyDone map[string]bool) string {
	if !pastAsk.MatchString(q.text) {
		return ""
	}
	// What the question itself asks as meant ("why did he threaten to
	// pull out") may be said so.
	askedMeant := map[string]bool{}
	qw := strings.Fields(strings.ToLower(q.text))
	for i := 1; i < len(qw); i++ {
		if qw[i-1] == "to" {
			for _, t := range retrieval.Terms(qw[i]) {
				askedMeant[t] = true
			}
		}
	}
	for _, t := range terms {
		if lightTerms[t.stem] || t.weight == 0 || speechVerbs[t.stem] || askedMeant[t.stem] {
			continue
		}
		if meant, done := meantOrDone(t.stem, text); meant && !done {
			if storyDone[t.stem] {
				// The story says it done elsewhere, its headline
				// ("Council approves night buses") or another
				// sentence: "met to approve the plan" reports it.
				continue
			}
			return "the passage says what was meant, not what was done: to " + t.stem
		}
	}
	return ""
}

// meantOrDone reports whether text says the stem as meant, after "to"
// ("to decide"), and whether it says it otherwise, as done.
func meantOrDone(stem, text string) (meant, done bool) {
	words := strings.Fields(text)
	for i, w := range words {
		if ts := retrieval.Terms(w); len(ts) != 1 || ts[0] != stem {
			continue
		}
		if meantAt(words, i) {
			meant = true
		} else {
			done = true
		}
	}
	return meant, done
}

// doneStems returns the stems that text says as done somewhere, not only
// after "to" (meantAt).
func doneStems(text string) map[string]bool {
	out := map[string]bool{}
	words := strings.Fields(text)
	for i, w := range words {
		if ts := retrieval.Terms(w); len(ts) == 1 && !meantAt(words, i) {
			out[ts[0]] = true
		}
	}
	return out
}

// meantAt reports whether words[i] is said as meant: after "to", not after
// a verb that does it ("voted on Tuesday to approve"), and no name ("to
// Kim") or headline word ("Council Approves …").
func meantAt(words []string, i int) bool {
	return !capitalized(words[i]) && i > 0 && strings.EqualFold(words[i-1], "to") &&
		!slices.ContainsFunc(words[max(0, i-5):i-1], func(w string) bool { return doneTo[strings.ToLower(strings.Trim(w, punct))] })
}

// nameOfAsk asks the name of a thing: "what's the name of the care home",
// group 1 the words after it.
var nameOfAsk = regexp.MustCompile(`(?i)\bname\s+of\s+(?:the|that|this|their|its|his|her)\s+((?:[\p{L}-]+\s+){0,3}[\p{L}-]+)`)

// whatNounAsk asks which thing by "what N": "what forensic firm r they
// using", group 1 the words after "what".
var whatNounAsk = regexp.MustCompile(`(?i)^\s*what\s+((?:[\p{L}-]+\s+){0,3}[\p{L}-]+)\s+(?:is|are|was|were|did|does|do|will|would|has|have|had|r)\b`)

// namingRe gives a thing's name anywhere in a sentence.
var namingRe = regexp.MustCompile(`\b(?:called|named|known as|under the name|dubbed|nicknamed|titled|entitled)\s+["“‘']?\p{Lu}`)

// listAfter open the list of the things of a kind that a sentence names.
var listAfter = map[string]bool{"including": true, "such": true, "namely": true, "among": true, "chiefly": true,
	"mainly": true, "mostly": true, "especially": true, "notably": true}

// bareAfter reports whether the words of a sentence after a thing hold
// nothing that may name it: no place by it ("its plant in Georgetown"), no
// quotation or number in the next words, no list ("include lithium,
// titanium and graphite").
func bareAfter(rest []string) bool {
	next := rest[:min(len(rest), 4)]
	for i, w := range next {
		lw := strings.ToLower(strings.Trim(w, punct))
		if strings.ContainsAny(w, `"“‘0123456789`) || placedBy[lw] && i+1 < len(next) && capitalized(strings.Trim(next[i+1], punct)) {
			return false
		}
	}
	return !slices.ContainsFunc(rest, func(w string) bool { return strings.HasPrefix(strings.ToLower(w), "includ") })
}

// placedBy puts a thing in a named place: "its plant in Georgetown".
var placedBy = map[string]bool{"in": true, "at": true, "near": true, "of": true, "from": true, "outside": true, "called": true, "named": true}

// describes opens what tells a thing of a kind from others: "a firm that
// audits banks", "a business with two shops".
var describes = map[string]bool{"that": true, "which": true, "who": true, "with": true, "whose": true, "where": true}

// nameAfter are the words that give a thing's name after its kind.
var nameAfter = map[string]bool{"called": true, "named": true, "known": true, "dubbed": true, "nicknamed": true}

// indefiniteBefore is an article that makes what follows one of a kind
// ("a care home", "an outside forensic firm"), not a named one.
var indefiniteBefore = map[string]bool{"a": true, "an": true, "another": true, "some": true, "one": true}

// possessiveBefore reports whether w, right before a noun, is a possessive
// that says whose the thing is but not which ("his country's mineral
// resources", "its plants"). It does so only of a thing the story has not
// spoken of before (a possessive may point back: "her company" after "her
// company, Arden Foods"), with nothing after it in the sentence that may
// name it (bareAfter).
func possessiveBefore(w string) bool {
	switch w {
	case "his", "her", "their", "its", "our", "your":
		return true
	}
	return strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "’s")
}

// unnamedThing returns why text does not answer q, or "": q asks which
// thing, or its name ("what forensic firm …", "the name of the care home"),
// and text speaks of such a thing only as one of its kind ("an outside
// forensic firm", "a care home on Weller Street") with no name by it.
// spokenBefore, when not nil, reports whether the story spoke of a stem
// before text: a possessive ("her company") then points back to it.
func unnamedThing(q *question, text string, spokenBefore func(stem string) bool) string {
	var head string
	if m := nameOfAsk.FindStringSubmatch(q.text); m != nil {
		head = nounHead(strings.Fields(m[1]), false)
	} else if m := whatNounAsk.FindStringSubmatch(q.text); m != nil {
		head = nounHead(strings.Fields(m[1]), false)
	} else {
		head = whichHead(q.text)
	}
	hs := retrieval.Terms(head)
	if len(hs) != 1 || answerNouns[strings.ToLower(head)] || lightTerms[hs[0]] || timeUnits[hs[0]] || peopleWords[strings.ToLower(head)] {
		return ""
	}
	if namingRe.MatchString(text) {
		return "" // "a red dye … under the name Cawl Crimson"
	}
	words := strings.Fields(text)
	seen := false
	for i, w := range words {
		ts := retrieval.Terms(w)
		if len(ts) != 1 || ts[0] != hs[0] {
			continue
		}
		seen = true
		named := false
		if strings.HasSuffix(w, ",") && slices.ContainsFunc(words[i+1:min(len(words), i+4)], capitalized) {
			named = true // "a care home, Willow House,", "actors, from Russian …"
		}
		for j, n := range words[i+1 : min(len(words), i+5)] {
			if numberRe.MatchString(n) || moneyRe().MatchString(n) || j == 0 && nameAfter[strings.ToLower(n)] || listAfter[strings.ToLower(strings.Trim(n, punct))] || strings.HasSuffix(n, ":") {
				named = true // "a sum of £1,200", "a firm called Veritas", "actors, including Russia"
			}
		}
		indefinite := false
		for j := max(0, i-4); j < i; j++ {
			b := words[j]
			if lb := strings.ToLower(strings.Trim(b, punct)); indefiniteBefore[lb] || j == i-1 && possessiveBefore(lb) && !(spokenBefore != nil && spokenBefore(hs[0])) && bareAfter(words[i+1:]) {
				indefinite = true
			}
			if capitalized(b) && j > 0 {
				named = true // "the Willow care home"; not a sentence's "A"
			}
		}
		if i+1 < len(words) {
			if n := strings.ToLower(strings.Trim(words[i+1], punct)); strings.HasSuffix(n, "ing") || describes[n] {
				named = true // "a small business selling sourdough bread"
			}
		}
		if !indefinite || named {
			return ""
		}
	}
	if !seen {
		return ""
	}
	return "the passage speaks of a " + head + " but does not name it"
}

// agentless returns why text does not answer q, or "": q asks who did
// something to a thing ("Who circulated the draft plan?") and text tells
// of it done once, with no doer ("A draft plan circulated to deans in
// March", "the plan was circulated to deans"): no "by" after the deed, and
// the deed told nowhere else in the sentence ("…, who drafted it").
func agentless(q *question, text string) string {
	loc := whoDid.FindStringSubmatchIndex(q.text)
	if loc == nil {
		return ""
	}
	verb := q.text[loc[2]:loc[3]]
	if auxiliaries[strings.ToLower(verb)] || phrasal(q.text, verb) {
		return ""
	}
	vs := retrieval.Terms(verb)
	obj := ""
	for _, w := range strings.Fields(strings.ToLower(q.text[loc[3]:])) {
		w = strings.Trim(w, punct)
		if objectEnd[w] || temporal.MatchString(w) || w == "last" || w == "next" || w == "this" {
			break
		}
		if ts := retrieval.Terms(w); len(ts) == 1 && !lightTerms[ts[0]] {
			obj = ts[0] // the last word before a preposition or a time: the thing's head
		}
	}
	if len(vs) != 1 || obj == "" {
		return ""
	}
	words := strings.Fields(text)
	at := -1
	for i, w := range words {
		if ts := retrieval.Terms(w); len(ts) == 1 && ts[0] == vs[0] {
			if at >= 0 {
				return "" // told twice: "the report, drafted …, who drafted it"
			}
			at = i
		}
	}
	if at < 0 || slices.ContainsFunc(words[at+1:], func(b string) bool { return strings.EqualFold(b, "by") }) {
		return ""
	}
	j := at - 1
	for j >= 0 && passiveAux[strings.ToLower(words[j])] {
		j--
	}
	if j < 0 || j == at-1 && !strings.HasSuffix(strings.ToLower(words[at]), "ed") {
		return ""
	}
	if ts := retrieval.Terms(words[j]); len(ts) != 1 || ts[0] != obj {
		return ""
	}
	return "the passage says it was " + strings.ToLower(strings.Trim(words[at], punct)) + " but not by whom"
}

// passiveAux stand between a thing and what was done to it: "the plan was
// circulated", "had been sent" ("has acquired" is done by the thing).
var passiveAux = map[string]bool{"was": true, "were": true, "is": true, "are": true, "been": true, "being": true}

// prospectRe opens a phrase naming an event still to come, which the
// sentence's own time and place do not date: "are meant to pave the way for
// a meeting between Trump and Putin", "met on Monday ahead of a vote on the
// budget". The phrase runs to the end of its clause (prospectSpans).
var prospectRe = regexp.MustCompile(`(?i)\b(?:pav(?:e|es|ed|ing)\s+the\s+way\s+(?:for|to)|la(?:y|ys|id|ying)\s+the\s+groundwork\s+(?:for|to)|set(?:s|ting)?\s+the\s+stage\s+for|ahead\s+of|in\s+preparation\s+for|prepar(?:e|es|ed|ing)\s+(?:the\s+ground\s+)?for|in\s+the\s+run-up\s+to|with\s+a\s+view\s+to)\b`)

// clauseEnd ends a prospect phrase: a comma, a semicolon, a colon or a
// bracket. A dash does not: "ahead of a vote on the levy — now set for
// March 14 —" dates the vote.
var clauseEnd = regexp.MustCompile(`[,;:()]`)

// eventOf returns the stem of the noun a prospect phrase opens on ("vote"
// in "a vote on the flood levy"), and the stems of the question's names
// in it (those in asked that named marks), or "".
func eventOf(phrase string, asked, named map[string]bool) (string, []string) {
	head := ""
	var names []string
	for _, w := range strings.Fields(phrase) {
		ts := retrieval.Terms(w)
		if len(ts) != 1 {
			continue
		}
		if head == "" {
			head = ts[0]
		}
		if asked[ts[0]] && named[ts[0]] {
			names = append(names, ts[0])
		}
	}
	return head, names
}

// wordRun is a run of non-space characters: a word with its punctuation.
var wordRun = regexp.MustCompile(`\S+`)

// prospectSpans returns the byte spans of text's prospect phrases, each
// from the end of its opener (prospectRe) to the end of its clause or
// sentence.
func prospectSpans(text string) [][2]int {
	var out [][2]int
	for _, s := range retrieval.SplitSentences(text) {
		sent := text[s.Start:s.End]
		for _, m := range prospectRe.FindAllStringIndex(sent, -1) {
			end := len(sent)
			if e := clauseEnd.FindStringIndex(sent[m[1]:]); e != nil {
				end = m[1] + e[0]
			}
			out = append(out, [2]int{s.Start + m[1], s.Start + end})
		}
	}
	return out
}

// prospectOnly returns why the passage text does not say when or where
// what q asks happens, or "": what q asks of is found in text only as an
// event still to come (prospectRe), and the time or place text gives is
// another event's. "When is the Trump-Putin summit?" is not answered by
// "The talks, scheduled for Tuesday in Saudi Arabia, are meant to pave the
// way for a meeting between Trump and Putin": Tuesday is the talks' day.
// Some term of q must be found only in such a phrase, and none only
// outside them; a phrase that gives a time ("ahead of Tuesday's vote")
// dates its event, as does a sentence of story (its sentences) that names
// the event with a time.
func prospectOnly(q *question, terms []qterm, text string, story []string) string {
	when := q.kind == kindWhen || slices.Contains(q.also, kindWhen)
	where := q.kind == kindWhere || slices.Contains(q.also, kindWhere)
	if !when && !where {
		return ""
	}
	spans := prospectSpans(text)
	if len(spans) == 0 {
		return ""
	}
	asked := map[string]bool{}
	for _, t := range terms {
		if t.weight > 0 && !lightTerms[t.stem] {
			asked[t.stem] = true
		}
	}
	in, out, named := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, w := range wordRun.FindAllStringIndex(text, -1) {
		// A word is in a phrase by where it starts: "Reel," ends the
		// phrase at its comma.
		inside := slices.ContainsFunc(spans, func(s [2]int) bool { return w[0] >= s[0] && w[0] < s[1] })
		word := strings.Trim(text[w[0]:w[1]], punct)
		for _, t := range retrieval.Terms(word) {
			if !asked[t] {
				continue
			}
			if inside {
				in[t] = true
				named[t] = named[t] || capitalized(word)
			} else {
				out[t] = true
			}
		}
	}
	// The phrase must single out the event asked of: by a name the
	// question asks too ("a meeting between Trump and Putin"), or by two
	// words found only there ("a vote on the budget"). One common word
	// ("where are they meeting") may ask, by another name, of the event
	// the sentence dates.
	var only []string
	name := false
	for t := range in {
		name = name || named[t]
		if !out[t] {
			only = append(only, t)
		}
	}
	if len(only) == 0 || !name && len(only) < 2 {
		return ""
	}
	for t := range out {
		if !in[t] {
			return "" // the passage also speaks of what is asked outside it
		}
	}
	dated := func(s string) bool {
		// Any time, not only the unit asked ("Thursday's vote" for "what
		// is the date of the vote"): the phrase then has its own.
		return when && temporal.MatchString(stripRates(s)) || where && placeRe.MatchString(s)
	}
	for _, s := range spans {
		if dated(text[s[0]:s[1]]) {
			return "" // "ahead of Tuesday's vote": the phrase dates its event
		}
	}
	// Another sentence of the passage or story that speaks of the
	// phrase's event, by its noun and the question's names in it, with a
	// time or a place of its own, may date it: "… in preparation for a
	// vote on the levy. The vote is now set for March 14."
	for _, s := range spans {
		head, names := eventOf(text[s[0]:s[1]], in, named)
		if head == "" {
			continue
		}
		for _, sent := range story {
			if strings.Contains(sent, text[s[0]:s[1]]) || !dated(sent) {
				continue
			}
			ts := retrieval.Terms(sent)
			if slices.Contains(ts, head) && !slices.ContainsFunc(names, func(n string) bool { return !slices.Contains(ts, n) }) {
				return ""
			}
		}
	}
	for _, s := range spans {
		if slices.Contains(retrieval.Terms(text[s[0]:s[1]]), only[0]) {
			phrase := strings.Trim(strings.TrimSpace(text[s[0]:s[1]]), punct)
			if when {
				return "the story gives no time for what is still to come: " + phrase
			}
			return "the story gives no place for what is still to come: " + phrase
		}
	}
	return ""
}

// forNamed is a purpose given by name: "travelled to Lisbon for the
// Atlantic Ports Forum".
var forNamed = regexp.MustCompile(`\bfor\s+(?:the\s+|a\s+|an\s+)?\p{Lu}`)

// echoOnly returns why the passage text does not answer the why-question
// q, or "": text says nothing but what q asks about (its words, names,
// times and places) and no cause. "In the fall of 2022, U.S. and Russian
// spymasters met in Turkey" does not say why they met. A word of the
// passage that q lacks (a word for a cause, or anything more) keeps it.
func (a *analyzer) echoOnly(q *question, terms []qterm, text string) string {
	if q.kind != kindWhy || causalRe.MatchString(text) || forNamed.MatchString(text) {
		return ""
	}
	asked := map[string]bool{}
	for _, t := range terms {
		asked[t.stem] = true
	}
	for _, w := range strings.Fields(text) {
		if capitalized(strings.Trim(w, punct)) {
			continue // a name, or the sentence's first word
		}
		for _, t := range retrieval.Terms(w) {
			if lightTerms[t] || isNumber(t) || temporal.MatchString(t) || calendarWord.MatchString(t) || a.stemInSet(t, asked) {
				continue
			}
			return ""
		}
	}
	return "the passage says what is asked about, not why"
}

// reasonWords ask for a reason in so many words ("whats the reason"),
// and are no part of the event a why-question asks about.
var reasonWords = stemSet("reason reasons cause causes motive motives motivation purpose rationale why")

// reasonGiven marks a reason given the way news writing gives one: in a
// participle after the deed ("fired Comey, citing …", "blaming what he
// said was …"), by a clause of what happened ("was shut as engineers
// found cracks", "closed when its heating broke down"; not "as planned",
// "when they met"), by what drove it ("climbed 12%, driven by buyers from
// Orvik") or as a purpose ("the renovation was needed to fix a leaking
// roof").
var reasonGiven = regexp.MustCompile(`(?i)\b(?:citing|blaming|blamed|driven\s+by|fuell?ed\s+by|spurred\s+by|sparked\s+by|thanks\s+to|(?:needed|necessary|meant|designed|intended|aimed|aiming|seeking|sought|wants|wanted|hoping|hoped)\s+to\s+\p{L}+)\b|` +
	`\b(?:as|when)\s+(?:(?:the|its|his|her|their|a|an)\s+)?\p{L}+\s+(?:\p{L}+\s+)?(?:\p{L}+ed|found|broke|fell|rose|began|ran|hit|struck|took|lost|won|left|quit)\b`)

// reasonless returns why the passage text (with prev, the sentence before
// it) does not answer the why-question q, or "": it gives no reason
// (causalRe, reasonGiven, forNamed), and it does not tell of the deed asked
// about, holding under half of the question's words that are not names,
// places, times or numbers. "Why did Ukraine agree to take part in the
// talks?" is not answered by Zelenskyy's trip "unrelated to the talks",
// while "Why was Comey fired?" is answered by "… when he fired Comey", the
// reason said around the deed.
func reasonless(q *question, terms []qterm, prev, text string) string {
	if q.kind != kindWhy || causalRe.MatchString(text) || reasonGiven.MatchString(text) || forNamed.MatchString(text) {
		return ""
	}
	named := q.nameStems()
	have := map[string]bool{}
	for _, t := range retrieval.Terms(prev + " " + text) {
		have[t] = true
	}
	deed, told := 0, 0
	for _, t := range terms {
		if named[t.stem] || lightTerms[t.stem] || chatFiller[t.stem] || reasonWords[t.stem] || isNumber(t.stem) ||
			temporal.MatchString(t.stem) || calendarWord.MatchString(t.stem) {
			continue
		}
		deed++
		if have[t.stem] {
			told++
		}
	}
	if deed == 0 || 2*told >= deed {
		return ""
	}
	return "the passage gives no reason and does not tell of what is asked about"
}

// topicAsk asks what people talked about at a meeting: "what did the
// spymasters talk abt in turkey", "what did they discuss", "what were
// they chatting about".
var topicAsk = regexp.MustCompile(`(?i)^\s*(?:and\s+|so\s+)?what\s+(?:did|do|does|will|would|are|were|was|is|have|has)\s+(?:[\p{L}'’.-]+\s+){1,5}?(?:talk|talked|talking|discuss|discussed|discussing|chat|chatted|chatting|speak|spoke|speaking)\b`)

// talkVerb tells of a meeting or a talk in a passage; what follows it may
// give its topic ("talks on improving ties", "discussed Syria").
var talkVerb = regexp.MustCompile(`(?i)\b(?:met|meet|meets|meeting|talked|talk|talks|spoke|speak|chatted|discussed|discuss|discusses|conversation|conversations|call|called|phoned|phone)\b`)

// topicReach is how many words after a talk verb its topic may open:
// "spoke by phone with Strand on Sunday about …".
const topicReach = 8

// notTopic is what may follow "on", "over" or "to" after a talk verb and
// is no topic: a time ("on Monday", "over two days", "on March 12"), the
// means or the setting of the talk ("on the phone", "on the sidelines",
// "over lunch", "on board"), or more talk ("on meeting").
var notTopic = regexp.MustCompile(`(?i)^(?:on|over)\s+(?:the\s+|a\s+|an\s+|their\s+|its\s+|his\s+|her\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|week|day|days|morning|afternoon|evening|night|phone|telephone|call|sidelines|margins|eve|way|visit|camera|television|tv|video|zoom|lunch|dinner|breakfast|coffee|drinks|board|behalf|foot|time|record|rainy|sunny|cold|hot|meet|meeting|talk|speak|discuss|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december|one|two|three|four|five|six|several|\d)`)

// purposeVerbs are what a talk is for, after "to": "met … to negotiate
// next year's quota", "phoned him to inform him about …".
var purposeVerbs = wordSet(`discuss inform brief tell update ask press urge warn negotiate congratulate thank seek agree
	settle resolve review plan prepare address consider finalize finalise sign explore coordinate demand request
	persuade convince offer propose present explain outline hammer work iron`)

// topicAfter reports whether rest, what follows a talk verb, opens its
// topic within topicReach words: "about the war", "on improving ties",
// "over pay", "to negotiate next year's quota", "to inform him about"; not
// "on Monday", "over lunch", "to Vigo".
func topicAfter(rest string) bool {
	words := strings.Fields(rest)
	for i, w := range words[:min(len(words), topicReach)] {
		lw := strings.ToLower(strings.Trim(w, punct))
		switch lw {
		case "about", "regarding", "concerning":
			return true
		case "on", "over", "to":
			if i+1 >= len(words) || lw != "to" && notTopic.MatchString(lw+" "+strings.Join(words[i+1:min(len(words), i+3)], " ")) {
				continue
			}
			next := strings.ToLower(strings.Trim(words[i+1], punct))
			if lw == "to" && !purposeVerbs[next] {
				continue // "flew to Vigo", "spoke to reporters": no purpose
			}
			return true
		}
		if strings.ContainsAny(w, ".;") {
			break // the clause ends
		}
	}
	return false
}

// topicSaid gives a meeting's topic anywhere in a passage: "the talks
// will be primarily focused on …", "on the agenda".
var topicSaid = regexp.MustCompile(`(?i)\b(?:focus|focused|focuses|focusing|centred|centered|agenda|aimed\s+at|dedicated\s+to|devoted\s+to|dominated|covered|covering|thanked|congratulated|promising|promised|urging|urged|pressed|raised|raising|pledged|vowed|warned|called\s+for)\b`)

// topicGiven reports whether text gives what was talked about: it quotes
// someone, names a topic anywhere (topicSaid), or follows a talk verb with
// one (topicAfter, "discussed Syria").
func topicGiven(text string) bool {
	if strings.ContainsAny(text, "“\"") || topicSaid.MatchString(text) {
		return true
	}
	for _, loc := range talkVerb.FindAllStringIndex(text, -1) {
		verb := strings.ToLower(text[loc[0]:loc[1]])
		rest := text[loc[1]:]
		if strings.HasPrefix(verb, "discuss") && !strings.HasPrefix(strings.TrimSpace(rest), ".") {
			return true // "discussed Syria and Libya"
		}
		if topicAfter(rest) {
			return true
		}
	}
	return false
}

// topicless returns why the passage text does not answer q, or "": q asks
// what was talked about (topicAsk), and text tells of the meeting ("U.S.
// and Russian spymasters met in Turkey", talkVerb) without its topic
// (topicGiven).
func topicless(q *question, text string) string {
	if !topicAsk.MatchString(q.text) || !untoldTopic(text) {
		return ""
	}
	return "the passage tells of the meeting, not what was talked about"
}

// untoldTopic reports whether text tells of a meeting or a talk (talkVerb)
// without what was talked about (topicGiven).
func untoldTopic(text string) bool {
	return talkVerb.MatchString(text) && !topicGiven(text)
}

var (
	// elseAsk asks for someone besides those named: "who else is in
	// the delegation", "besides lavrov and ushakov, who is going".
	elseAsk = regexp.MustCompile(`(?i)\bwho\s+else\b|\b(?:besides|apart\s+from|aside\s+from|other\s+than)\b`)
	whoWord = regexp.MustCompile(`(?i)\bwho\b`)
	// capitalRun is a run of capitalized words: a name with its titles.
	capitalRun = regexp.MustCompile(`\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*)*`)
)

// noOneElse returns why the passage text does not answer the who-question
// q, or "": q asks who else (elseAsk), and text names no one the question
// does not, but for the one who speaks ("Kremlin spokesman Dmitry Peskov
// said that … Lavrov and … Ushakov will fly" names no one besides Lavrov
// and Ushakov who flies).
func noOneElse(q *question, text string) string {
	if !elseAsk.MatchString(q.text) || !whoWord.MatchString(q.text) {
		return ""
	}
	asked := strings.ToLower(q.text)
	for i, loc := range capitalRun.FindAllStringIndex(text, -1) {
		m := text[loc[0]:loc[1]]
		f := strings.Fields(m)
		last := strings.ToLower(strings.Trim(f[len(f)-1], punct))
		if i == 0 && loc[0] == 0 && len(f) == 1 || strings.Contains(asked, last) || placeKey(m) != "" || placeKey(f[len(f)-1]) != "" ||
			!nameLike(f) || locative.MatchString(text[:loc[0]]) {
			continue // the sentence's first word, one asked about, a place ("to Gyor")
		}
		if speaks(retrieval.Terms(last), text) {
			continue // who tells of them, not one of them
		}
		return ""
	}
	return "the passage names no one else"
}

// attendAsk asks who came to something that took place: "which eu
// countries showed up to …", "who attended the summit", "who turned up?";
// not who will ("who is attending") nor where one came from ("which club
// did he come from").
var attendAsk = regexp.MustCompile(`(?i)^\s*(?:\S+\s+){0,3}?(?:who|which\s+[\p{L}-]+(?:\s+[\p{L}-]+)?)\b.*\b(?:showed\s+up|turned\s+up|attended|came|went|were\s+there|was\s+there|took\s+part|joined)\b(?:\s+(?:to|at|for|in|the)\b|\s*[?.!]*\s*$)`)

// attendSaid tells who came: "attended", "took part", "were present",
// "joined by", "among those at", "gathered", "met".
var attendSaid = regexp.MustCompile(`(?i)\b(?:attend\w*|took\s+part|taking\s+part|present|joined|gathered|met|among|arrived|came|participat\w*|delegates|showed\s+up|turned\s+up)\b`)

// unattended returns why the passage text does not answer q, or "": q asks
// who came to something (attendAsk), and text does not tell of anyone
// coming ("France called an emergency meeting of European Union countries
// and the U.K." says who was asked, not who came).
func unattended(q *question, text string) string {
	if !attendAsk.MatchString(q.text) || attendSaid.MatchString(text) {
		return ""
	}
	return "the passage does not tell who came"
}

// outcomeAsk asks how something already happening ended or what it
// achieved: "what did the talks agree on in the end", "how did the talks
// go", "what was the outcome of the talks"; group 1 or 2 is the verb or
// noun of the outcome.
var outcomeAsk = regexp.MustCompile(`(?i)\b(?:did|have|has|had)\b.*?\b(agree|decide|achieve|conclude|produce|producing|reach|sign|result|yield|accomplish|end(?:\s+up)?\s+(?:with|in|without))\b|\bhow\s+did\b.*\b(go|turn out|end)\b|\bwhat\s+(?:was|were|is|are)\s+the\s+(?:final\s+)?(outcome|result|results|upshot)\b|\bwhat\s+came\s+(?:out\s+)?of\b`)

// stillToCome returns why the passage text does not answer q, or "": q
// asks what something achieved or how it ended ("what did the talks agree
// on in the end"), and text, or another sentence of the story (story),
// tells of it as still to come ("will hold talks on improving their ties",
// futureOf) without text saying anything done (outcomeDone). A story that
// tells of the talks as to come has no outcome of them to give, whichever
// of its sentences matches the question best ("his trip was unrelated to
// the talks" for "did the talks end up producing a deal").
func stillToCome(q *question, terms []qterm, text string, story []string) string {
	m := outcomeAsk.FindStringSubmatchIndex(q.text)
	if m == nil {
		return ""
	}
	if !futureOf(terms, text) {
		heads := outcomeHeads(q.text, m)
		// Another sentence tells of what is asked about as to come, and
		// none tells of it as done ("The mayors struck a deal", "Brekka
		// beat Holt"): its head noun, not any word of the question
		// ("Judge Lund will sentence Holm" is no jury to come).
		if !slices.ContainsFunc(heads, func(h string) bool {
			return slices.ContainsFunc(story, func(s string) bool { return laterFutureOf(h, s) }) &&
				!slices.ContainsFunc(story, func(s string) bool { return toldDone(h, s) })
		}) {
			return ""
		}
	}
	verb := ""
	for g := 2; g+1 < len(m); g += 2 {
		if m[g] < 0 {
			continue
		}
		verb = strings.ToLower(q.text[m[g]:m[g+1]])
		if predicted.MatchString(q.text[:m[g]]) {
			return "" // "what did zelensky predict the talks would achieve"
		}
	}
	if vs := retrieval.Terms(verb); len(vs) == 1 {
		if meant, done := meantOrDone(vs[0], text); done || meant && !strings.Contains(strings.ToLower(text), "to "+verb) {
			return "" // "agreed to have our teams start negotiations"
		}
	}
	if outcomeSaid(text) {
		return ""
	}
	return "the story tells of it as still to come"
}

// outcomeHeads returns what an outcome question m asks the outcome of:
// the head noun of its subject, the last content word before its verb
// ("talks" of "did the saudi talks end up producing any deal", "talks"
// after "what was the outcome of"), and any event it names ("did the US
// and Russia agree on a ceasefire at the Riyadh talks": eventNouns).
func outcomeHeads(q string, m []int) []string {
	subject := ""
	for g := 2; g+1 < len(m); g += 2 {
		if m[g] < 0 {
			continue
		}
		if aux := auxBefore.FindAllStringIndex(q[:m[g]], -1); len(aux) > 0 {
			subject = q[aux[len(aux)-1][1]:m[g]]
		} else {
			subject = q[m[g+1]:]
		}
		break
	}
	if subject == "" {
		subject = q[m[1]:] // "what came of the talks"
	}
	var heads []string
	head := ""
	for _, t := range retrieval.Terms(subject) {
		if !lightTerms[t] && !chatFiller[t] {
			head = t
		}
	}
	if head != "" {
		heads = append(heads, head)
	}
	for _, t := range retrieval.Terms(q) {
		if eventNouns[t] && !slices.Contains(heads, t) {
			heads = append(heads, t)
		}
	}
	return heads
}

// eventNouns name events that have an outcome: what a story may tell of
// as still to come.
var eventNouns = stemSet(`talks negotiations meeting summit conference vote election referendum trial hearing
inquiry match final game race tournament session round ballot poll`)

// auxBefore is the auxiliary before an outcome verb: "did", "have".
var auxBefore = regexp.MustCompile(`(?i)\b(?:did|have|has|had)\b`)

// toldDone reports whether sentence s tells of the stem head as done: a
// verb in the past in its clause, up to doneReach words before or after
// it ("The talks broke up", "the mayors struck a deal", "Leaders of Brenn
// and Holt met"), not one of speech ("the talks, the Kremlin said") nor
// one of plans ("scheduled", "invited"), nor in a clause told as to come;
// or after an event word ("During two days of talks in Lisk, negotiators
// argued": eventTime).
func toldDone(head, s string) bool {
	words := strings.Fields(s)
	for i, w := range words {
		if !slices.Contains(retrieval.Terms(w), head) {
			continue
		}
		if slices.ContainsFunc(words[max(0, i-4):i], func(p string) bool { return eventTime[strings.ToLower(strings.Trim(p, punct))] }) &&
			(i+1 >= len(words) || strings.ContainsAny(w, ",;:") || !modifies(words[i+1])) && // not "at the summit briefing"
			!slices.ContainsFunc(words[i+1:min(len(words), i+4)], func(n string) bool { return notDone[strings.ToLower(strings.Trim(n, punct))] }) && // "after the vote was postponed"
			!slices.ContainsFunc(words, func(n string) bool { return futureRe.MatchString(n) }) &&
			slices.ContainsFunc(words[i+1:], func(n string) bool {
				return pastDeed(n) || speechWord(n) && strings.HasSuffix(strings.ToLower(strings.Trim(n, punct)), "d")
			}) {
			// "During two days of talks in Lisk, negotiators argued",
			// "At the talks, Holt offered", "After the talks, Falk said":
			// what happened at it, so it was held.
			return true
		}
		// Its verb before it ("the mayors struck", "took 41 percent of
		// the vote in Sunday's election") or after it, to the end of the
		// clause ("Leaders of Brenn and Holt met").
		// A clause told as to come ("the talks will be focused on")
		// tells of nothing done.
		for j := i - 1; j >= max(0, i-doneReach); j-- {
			if strings.ContainsAny(words[j], ",;:") || speechWord(words[j]) || futureRe.MatchString(words[j]) {
				break
			}
			if pastDeed(words[j]) {
				return true
			}
		}
		for j := i + 1; j < min(len(words), i+1+doneReach) && !strings.ContainsAny(words[j-1], ",;:.") && !speechWord(words[j]) && !futureRe.MatchString(words[j]); j++ {
			if pastDeed(words[j]) {
				return true
			}
		}
	}
	return false
}

// modifies reports whether w, after a noun, is the noun it modifies
// ("summit briefing"): a plain lower-case word (nounLike) that is no
// preposition.
func modifies(w string) bool {
	return nounLike(w) && !subjectPreps[strings.ToLower(strings.Trim(w, punct))]
}

// eventTime holds the words that set what follows in the time of an
// event: "during the talks", "at the talks", "after the talks".
var eventTime = wordSet(`during at after following throughout`)

// doneReach is how many words from what is asked about its verb may
// stand, within the clause.
const doneReach = 8

// laterFutureOf is futureOf for the head of an outcome question, leaving
// out another event of its kind ("a run-off election is scheduled",
// "another round of talks"; otherEvent) and the head as a modifier ("the election
// commission will publish the results").
func laterFutureOf(head, s string) bool {
	words := strings.Fields(s)
	for i, w := range words {
		if !slices.Contains(retrieval.Terms(w), head) {
			continue
		}
		other := false
		for _, p := range words[max(0, i-3):i] {
			if otherEvent[strings.ToLower(strings.Trim(p, punct))] {
				other = true
			}
		}
		if other || i+1 < len(words) && !strings.ContainsAny(w, ",;:.") && nounAfter(words[i+1]) {
			continue
		}
		if futureRe.MatchString(strings.Join(words[max(0, i-3):min(len(words), i+4)], " ")) {
			return true // "will hold talks", "the talks are set to resume"
		}
	}
	return false
}

// otherEvent holds the words that make another event of one of its kind:
// "another round of talks", "a run-off election", "a second trial".
var otherEvent = wordSet(`another second third new next further fresh run-off runoff follow-up`)

// nounAfter reports whether w, after a noun, makes a compound with it
// ("election commission"): a plain lower-case word (nounLike) that is no
// verb form in -ed or -ing.
func nounAfter(w string) bool {
	l := strings.ToLower(strings.Trim(w, punct))
	return nounLike(w) && !strings.HasSuffix(l, "ed") && !strings.HasSuffix(l, "ing")
}

// nounLike reports whether w may be a noun after another: a lower-case
// content word that opens no clause and is no auxiliary, future marker,
// verb of the past or verb of speech.
func nounLike(w string) bool {
	t := strings.Trim(w, punct)
	l := strings.ToLower(t)
	return l != "" && !capitalized(t) && !clauseWords[l] && !auxiliaries[l] && !futureRe.MatchString(l) &&
		len(retrieval.Terms(l)) > 0 && !pastDeed(w) && !speechWord(w)
}

// pastDeed reports whether w is a verb in the past that tells of something
// done: "agreed", "broke", "met"; not a name ("United"), a verb of speech
// or of what is planned.
func pastDeed(w string) bool {
	if capitalized(w) || speechWord(w) {
		return false
	}
	w = strings.ToLower(strings.Trim(w, punct))
	if w == "" {
		return false // "…"
	}
	if irregularPast[w] && w != "meant" || outcomeDone.FindString(w) == w {
		// The whole word: "won’t" is no "won".
		return true
	}
	return len(w) > 4 && strings.HasSuffix(w, "ed") && !notDone[w]
}

// notDone holds the words in "-ed" that tell of a plan or a state, not of
// something done.
var notDone = wordSet(`scheduled planned expected supposed slated proposed intended aimed hoped wanted invited called asked based needed related unrelated concerned involved interested limited so-called
postponed delayed adjourned cancelled canceled suspended deferred rescheduled`)

// predicted ends the words before an outcome asked as a prediction: "would
// achieve", "will produce", "to reach".
var predicted = regexp.MustCompile(`(?i)\b(?:would|will|could|might|can|to)\s+$`)

// outcomeSaid reports whether text says an outcome (outcomeDone) in a
// word of its own: "won’t" is no "won".
func outcomeSaid(text string) bool {
	for _, loc := range outcomeDone.FindAllStringIndex(text, -1) {
		if rest := text[loc[1]:]; !strings.HasPrefix(rest, "’") && !strings.HasPrefix(rest, "'") {
			return true
		}
	}
	return false
}

// outcomeDone says something came to an end, to an agreement or to a
// decision: a passage that says one reports an outcome.
var outcomeDone = regexp.MustCompile(`(?i)\b(agreed|decided|concluded|ended|reached|signed|resulted|yielded|produced|achieved|failed|collapsed|broke down|won|lost|rejected|approved|passed|ruled|held|awarded|elected|voted|chose|named|sentenced|convicted|acquitted|settled|dismissed|accepted|adopted|vetoed|overturned|upheld|struck down|finished)\b`)

// futureOf reports whether text tells of one of the question's terms as
// still to come: a future marker ("will hold talks", "the talks,
// scheduled for") with the term within three words of it. "Yost won the
// race for governor and will take office in January" tells of the office,
// not the race, as to come.
func futureOf(terms []qterm, text string) bool {
	asked := map[string]bool{}
	for _, t := range terms {
		if t.weight > 0 && !lightTerms[t.stem] {
			asked[t.stem] = true
		}
	}
	words := strings.Fields(text)
	for i, w := range words {
		if !futureRe.MatchString(w) {
			continue
		}
		for _, n := range words[max(0, i-3):min(len(words), i+4)] {
			if slices.ContainsFunc(retrieval.Terms(n), func(t string) bool { return asked[t] }) {
				return true
			}
		}
	}
	return false
}

// weekdayRe is a day of the week, group 1 its name.
var weekdayRe = regexp.MustCompile(`(?i)\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:'s|’s)?\b`)

// dayReach is how many words apart a weekday and the word it dates may
// stand: "the talks, scheduled for Tuesday", "Tuesday's talks".
const dayReach = 4

// sameClause reports whether ws[i] and a word with the stem t stand in one
// sentence with no "but", "though", "although", "while" or "whereas"
// between them: "began on Monday, and … would resume Wednesday" may put
// the talks on Wednesday; "to Saudi Arabia on Wednesday, but … unrelated
// to the U.S.-Russia talks" does not.
func sameClause(ws []string, i int, t string) bool {
	for _, step := range []int{-1, 1} {
		for j := i + step; j >= 0 && j < len(ws); j += step {
			if slices.Contains(retrieval.Terms(ws[j]), t) {
				return true
			}
			switch strings.ToLower(strings.Trim(ws[j], punct)) {
			case "but", "though", "although", "while", "whereas":
				j = -2 // stop this direction
			}
			if j < -1 {
				break
			}
		}
	}
	return false
}

// dayConflict returns why the story doc does not answer q, or "": q puts
// something on a weekday ("are the talks on wednesday"), and the story
// puts it on another day only ("the talks, scheduled for Tuesday"), never
// on that one. A word of q within dayReach words of its weekday is what
// the day dates; the story pairs a word and a day as closely. Any such
// word the story puts on the day asked ("will the talks resume wednesday"
// of "began Monday … would resume Wednesday") clears it; the day a thing
// was said ("said Tuesday") dates nothing.
func dayConflict(q *question, terms []qterm, story []string) string {
	qw := strings.Fields(strings.ToLower(q.text))
	day := ""
	at := -1
	for i, w := range qw {
		if m := weekdayRe.FindStringSubmatch(w); m != nil {
			if day != "" {
				return "" // two days asked: leave it to the passages
			}
			day, at = strings.ToLower(m[1]), i
		}
	}
	if day == "" {
		return ""
	}
	asked := map[string]bool{}
	for _, t := range terms {
		if t.weight > 0 && !lightTerms[t.stem] && !calendarWord.MatchString(t.stem) {
			asked[t.stem] = true
		}
	}
	var dated []string          // the question's words the day dates, as stems
	word := map[string]string{} // and as typed
	for _, w := range qw[max(0, at-dayReach):min(len(qw), at+dayReach+1)] {
		for _, t := range retrieval.Terms(w) {
			if asked[t] && !slices.Contains(dated, t) {
				dated = append(dated, t)
				word[t] = strings.Trim(w, punct)
			}
		}
	}
	conflict := ""
	for _, t := range dated {
		other, same := "", false
		for _, s := range story {
			ws := strings.Fields(s)
			for i, w := range ws {
				m := weekdayRe.FindStringSubmatch(w)
				if m == nil || reportedOn(ws, i) {
					continue
				}
				has := func(reach int) bool {
					near := ws[max(0, i-reach):min(len(ws), i+reach+1)]
					return slices.ContainsFunc(near, func(n string) bool { return slices.Contains(retrieval.Terms(n), t) })
				}
				switch {
				case strings.EqualFold(m[1], day):
					// Said further off in its clause, the day may still
					// be the word's: "travel to Turkey on Monday and to
					// Saudi Arabia on Wednesday".
					same = same || has(dayReach) || sameClause(ws, i, t)
				case other == "" && has(dayReach):
					other = m[1]
				}
			}
		}
		if same {
			return "" // "resume" is put on the day asked, whatever "talks" is
		}
		if other != "" && conflict == "" {
			conflict = "the story puts the " + word[t] + " on " + other + ", not " + day
		}
	}
	return conflict
}

// reportedOn reports whether the weekday ws[i] is the day something was
// said ("officials said Tuesday that the talks …"), not the day of what
// was said.
func reportedOn(ws []string, i int) bool {
	for j := max(0, i-2); j < i; j++ {
		switch strings.ToLower(strings.Trim(ws[j], punct)) {
		case "said", "says", "announced", "told", "reported", "confirmed", "added", "warned", "wrote", "statement":
			return true
		}
	}
	return false
}

// officeNouns are offices a country has one or few of, named by the
// country ("the French president", "Russian Foreign Minister Sergey
// Lavrov"); "diplomats", "officials" and "leaders" are many and are said of
// several countries at once ("U.S. and Russian officials").
var officeNouns = stemSet(`president minister secretary chancellor premier king queen prince princess emir
	ambassador spokesman spokeswoman spokesperson envoy`)

// nationOf returns the country a nationality or country word names, as
// placeKey's "country:" key ("french" and "France" are FRA, "u.s." and
// "american" USA, "ukraine's" UKR), or "".
func nationOf(w string) string {
	w = strings.Trim(w, punct)
	for _, suffix := range []string{"'s", "’s"} {
		w = strings.TrimSuffix(w, suffix) // "ukraine's foreign minister"
	}
	l := strings.ToLower(w)
	switch l {
	case "":
		return ""
	case "us", "u.s", "usa", "america", "american":
		return "country:USA"
	case "uk", "u.k", "britain", "british":
		return "country:GBR"
	}
	if w == l && len(l) <= 3 {
		return "" // "us", "in": words, not codes, in lower case
	}
	for _, c := range []string{w, strings.TrimSuffix(l, "s")} {
		// "Ukraine", and "ukraines" typed without the apostrophe.
		if k := placeKey(c); strings.HasPrefix(k, "country:") {
			return k
		}
	}
	if _, ok := demonyms[l]; ok || strings.HasSuffix(l, "n") {
		// "french", "ukrainian": the country by its name.
		if k := placeKey(sideName(l)); strings.HasPrefix(k, "country:") {
			return k
		}
	}
	return ""
}

// roleNation returns why the story doc (its sentences) does not answer q,
// or "": q asks of a role held for a country ("the french president", "the
// saudi foreign minister"), and the story gives that role only for other
// countries ("U.S. President Donald Trump", "Russian Foreign Minister
// Sergey Lavrov"), and never for that one. "The president" in lower case
// stands for one the story has introduced with a country; a title with a
// name and no country ("President Trump") takes the country the story gives
// that name elsewhere, or, with none, may be the one asked.
func roleNation(q *question, story []string) string {
	qw := strings.Fields(q.text)
	for i, w := range qw {
		nation := nationOf(w)
		if nation == "" || i+1 >= len(qw) {
			continue
		}
		// The role right after the country, or after one word of it
		// ("saudi foreign minister", "us defense secretary").
		role, asked := "", ""
		for k, r := range qw[i+1 : min(len(qw), i+3)] {
			if ts := retrieval.Terms(r); len(ts) == 1 && officeNouns[ts[0]] {
				role, asked = ts[0], strings.Trim(strings.Join(qw[i:i+k+2], " "), punct)
				break
			}
		}
		if role == "" {
			continue
		}
		// Each time the story names the office: the countries it is
		// given for, before it ("Russian Foreign Minister") or after
		// ("the president of France"), and the names of its holders.
		holders := map[string]string{} // a holder's last name -> the country
		type use struct {
			nation, holder string
			titled         bool // capitalized, as a title: "President Trump"
		}
		var uses []use
		for _, s := range story {
			ws := strings.Fields(s)
			for j, sw := range ws {
				if ts := retrieval.Terms(sw); len(ts) != 1 || ts[0] != role {
					continue
				}
				u := use{titled: capitalized(strings.Trim(sw, punct))}
				for _, b := range ws[max(0, j-3):j] {
					if n := nationOf(b); n != "" {
						u.nation = n
					}
				}
				if j+2 < len(ws) && strings.EqualFold(ws[j+1], "of") {
					if n := nationOf(ws[j+2]); n != "" {
						u.nation = n
					}
				}
				// The holder: the last of the capitalized words after
				// the title ("President Donald Trump").
				for _, n := range ws[j+1 : min(len(ws), j+5)] {
					w := strings.Trim(n, punct)
					if !capitalized(w) || strings.EqualFold(w, "of") {
						break
					}
					u.holder = w
					if w != n {
						break
					}
				}
				if u.nation != "" && u.holder != "" {
					holders[u.holder] = u.nation
				}
				uses = append(uses, u)
			}
		}
		other, same := "", false
		for _, u := range uses {
			n := u.nation
			if n == "" && u.holder != "" {
				n = holders[u.holder] // "President Trump", of "U.S. President Donald Trump"
			}
			switch {
			case n == nation:
				same = true
			case n != "":
				other = n
			case u.titled:
				// "President Donald Trump", a title with no country
				// and no holder named with one: it may be the one asked.
				same = true
			}
		}
		if other != "" && !same {
			return "the story names no " + asked
		}
	}
	return ""
}

// notYetMade is a thing said to be still to make: "until we develop a
// plan", "unless they draw up a proposal"; group 1 is the thing. "Before
// it unveils its plan" and "until they drew up a plan" tell of one made.
var notYetMade = regexp.MustCompile(`(?i)\b(?:until|unless)\s+(?:\p{L}+\s+){1,2}?(?:develop|draw up|come up with|work out|agree on|reach|prepare|draft|write|finalize|finalise)s?\s+(?:a|an|the|their|our|its|his|her)\s+(?:\p{L}+\s+)?(plan|proposal|deal|agreement|framework|roadmap|strategy|settlement|treaty|offer)\b`)

// describedAfter opens what tells a thing after its noun: "a plan that
// raises the levee", "its plan, which would cap insulin".
var describedAfter = regexp.MustCompile(`^\s*(?:,\s*)?(?:that|which|under which|calling for)\b`)

// whatOrHow opens a question on what or how: "what does the plan look
// like", "how would the plan work".
var whatOrHow = regexp.MustCompile(`(?i)^\s*(?:what|wat|how)\b`)

// unmade returns why the passage text does not answer q, or "": q asks of
// a thing (its words: "what does yermak's plan look like") that text says
// is still to be made ("no possibility of talks until we develop a
// plan"), and text says nothing else of it.
func unmade(q *question, terms []qterm, text string) string {
	if q.kind != kindOther || !whatOrHow.MatchString(q.text) {
		return "" // "which aide ruled out talks until a plan exists" asks a person
	}
	for _, m := range notYetMade.FindAllStringSubmatchIndex(text, -1) {
		thing := retrieval.Terms(text[m[2]:m[3]])
		if len(thing) != 1 || !slices.ContainsFunc(terms, func(t qterm) bool { return t.stem == thing[0] }) {
			continue
		}
		if strings.Count(strings.ToLower(text), strings.ToLower(text[m[2]:m[3]])) > 1 || describedAfter.MatchString(text[m[3]:]) {
			continue // it is spoken of elsewhere in the passage too, or told
		}
		return "the story says the " + text[m[2]:m[3]] + " is still to be made: " + strings.TrimSpace(text[m[0]:m[1]])
	}
	return ""
}

// inPersonAsk asks of a meeting in person; byPhone tells of contact by
// telephone or video, not in person.
var (
	inPersonAsk = regexp.MustCompile(`(?i)\b(?:face to face|face-to-face|in person|in-person)\b`)
	byPhone     = regexp.MustCompile(`(?i)\b(?:tele)?phone(?:d)?\b|\bvideo (?:call|link|conference)\b|\bby (?:tele)?phone\b|\bconference call\b`)
)

// notInPerson returns why the passage text does not answer q, or "": q
// asks when or whether people met face to face, or when or where they meet,
// and text tells only of a call ("last week's telephone call between Trump
// and Putin").
func notInPerson(q *question, text string) string {
	asked := inPersonAsk.MatchString(q.text) ||
		meetAsk.MatchString(q.text) && !meetAsk.MatchString(text) && (q.kind == kindWhen || q.kind == kindWhere || slices.Contains(q.also, kindWhen))
	if !asked || !byPhone.MatchString(text) || inPersonAsk.MatchString(text) || metIn.MatchString(text) {
		return ""
	}
	return "the passage tells of a call, not of meeting in person"
}

// meetAsk asks of a meeting: "when do trump and putin meet", "is there a
// date for the summit"; when or where one is, a call does not say, unless
// the passage speaks of the meeting too ("agreed in a phone call to hold
// the summit on June 3").
var meetAsk = regexp.MustCompile(`(?i)\b(?:meet|meets|meeting|summit|sit down)\b`)

// metIn tells of a meeting in person: "met for the first time", "talked on
// the sidelines of", "held his first talks with him at the White House",
// "hosted".
var metIn = regexp.MustCompile(`(?i)\bmet\b|\b(?:meet|meets|meeting)\s+(?:in|at|on|for)\b|\bsidelines\b|\bvisit(?:ed|s)?\b|\bhost(?:ed|s)?\b|\bheld\s+(?:\p{L}+\s+){0,2}talks\b|\bsat down\b`)
