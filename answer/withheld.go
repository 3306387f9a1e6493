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
	withheldRe = regexp.MustCompile(`(?i)\b(?:(?:did|does|do|would|will|could|can|has|have|had)(?:\s+(?:also|still|so\s+far))?\s*(?:not|n't|n’t)|declined\s+to|refused\s+to|(?:was|were|is|are)\s+unable\s+to|too\s+early\s+to|(?:has|have|had)\s+yet\s+to)\s+(?:immediately\s+|publicly\s+|yet\s+|officially\s+|also\s+)?(release|disclose|reveal|identify|name|give|provide|say|specify|estimate|confirm|comment|respond|return|announce|set|determine|explain|said|given)(?:d|ed|s|n)?\b((?:\s+[^\s.,;:!?]+){0,6})`)
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
		if verb == "comment" || verb == "respond" || verb == "return" {
			// Declining to comment withholds a view, and the reasons
			// for what one did.
			if (verb != "return" || callsRe.MatchString(what)) && (q.kind == kindOpinion || q.kind == kindWhy || saidQ.MatchString(q.text)) && holds(q.holder, text) {
				return "the story says this was not given: " + strings.TrimSpace(text[m[0]:m[1]])
			}
			continue
		}
		if verb == "name" || verb == "identify" {
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
// given, are what q asks: the word for q's kind, or one of its terms other
// than a name (a name is who, not what).
func asksAbout(q *question, terms []qterm, what string) bool {
	lw := " " + strings.ToLower(what) + " "
	for _, k := range append([]questionKind{q.kind}, q.also...) {
		for _, w := range kindWords[k] {
			if strings.Contains(lw, " "+w+" ") {
				return true
			}
		}
	}
	if whClause.MatchString(what) {
		// "not clear why the barrier failed" withholds a reason, not
		// everything about the barrier; "has not said which
		// departments would be merged" withholds which departments.
		f := strings.Fields(strings.ToLower(what))
		return len(f) >= 2 && strings.Contains(" "+strings.ToLower(q.text)+" ", " "+f[0]+" "+f[1]+" ")
	}
	if strings.Contains(lw, " name ") || strings.Contains(lw, " names ") {
		// "did not release his name" answers no who-question but one that
		// asks for the name.
		if nameAsked.MatchString(q.text) {
			return true
		}
	}
	name := map[string]bool{}
	for _, n := range q.names {
		for _, t := range retrieval.Terms(n) {
			name[t] = true
		}
	}
	have := map[string]bool{}
	for _, t := range retrieval.Terms(what) {
		have[t] = true
	}
	for _, t := range terms {
		if have[t.stem] && !name[t.stem] && !lightTerms[t.stem] && t.weight > 0 {
			return true
		}
	}
	return false
}

// callsRe is what one does not return when declining to comment.
var callsRe = regexp.MustCompile(`(?i)\b(calls?|messages?|requests?|emails?|comment)\b`)

// whClause opens a clause that says which kind of thing is not known.
var whClause = regexp.MustCompile(`(?i)^\s*(when|where|why|who|whom|how|what|which)\b`)

// nameAsked is a question asking for a name in so many words.
var nameAsked = regexp.MustCompile(`(?i)\bnames?\b|\bidentif|\bwho\b`)

// doneTo are verbs after which "to V" was done: "voted on Tuesday to
// approve the plan" approved it.
var doneTo = map[string]bool{"voted": true, "agreed": true, "decided": true, "chose": true, "opted": true,
	"moved": true, "managed": true, "began": true, "started": true, "continued": true, "went": true, "used": true}

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
var listAfter = map[string]bool{"including": true, "such": true, "namely": true, "among": true}

// nameAfter are the words that give a thing's name after its kind.
var nameAfter = map[string]bool{"called": true, "named": true, "known": true, "dubbed": true, "nicknamed": true}

// indefiniteBefore is an article that makes what follows one of a kind
// ("a care home", "an outside forensic firm"), not a named one.
var indefiniteBefore = map[string]bool{"a": true, "an": true, "another": true, "some": true, "one": true}

// unnamedThing returns why text does not answer q, or "": q asks which
// thing, or its name ("what forensic firm …", "the name of the care home"),
// and text speaks of such a thing only as one of its kind ("an outside
// forensic firm", "a care home on Weller Street") with no name by it.
func unnamedThing(q *question, text string) string {
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
		for _, b := range words[max(0, i-4):i] {
			if indefiniteBefore[strings.ToLower(b)] {
				indefinite = true
			}
			if capitalized(b) {
				named = true // "the Willow care home"
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
