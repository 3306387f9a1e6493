package answer

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot/newsbot/retrieval"
)

// Reading the question, once: what people type in a chat is folded into
// plain written English (mentions, emoji and invisible characters dropped,
// "wheres" and "r" spelled out), and the kind of question is looked up in
// the table of kinds (kinds.go). Everything after this reads the question
// structure, never the raw text.

// question is a question as the gate and the answerer read it.
type question struct {
	raw  string // as asked
	text string // chat wording folded, the opening words ("ok so") dropped
	kind questionKind
	// also are the kinds of the question's other parts: "when was it, and
	// for how long?" also asks how long.
	also    []questionKind
	aux     string // the auxiliary a yes/no question opens with
	clock   bool   // a when-question asking for the time of day
	unit    string // a when-question asking for a "day", "date", "year" or "month"
	meta    bool   // the words of a question about the article itself
	future  bool   // asks about what will happen
	partake bool   // asks whether someone takes part, not in so many words (partakeAsked)
	// opinion: asks what the bot itself thinks ("do u think …", "what's
	// your take"), which no story says.
	opinion bool
	// names are the words written as names after the first of a sentence
	// ("Lavrov", "FIFA"), as asked.
	names []string
	// placeOf: a name that is a place -> its placeKeyIn; places: such a
	// place -> the stems the question writes it with, for passages that
	// name it otherwise ("Britain" and "the U.K."). Both set per story by
	// the gate (forStory).
	placeOf map[string]string
	places  map[string][]string
	// holder: the stems of whose view an opinion question asks ("what
	// does zelensky think …"), spelled as the story spells them; set per
	// story by the gate (forStory).
	holder []string
	topic  []string // and the stems of what it is a view of
	// vec is the question's sentence vector, nil without a sentence
	// embedder.
	vec []float32
}

// nameStems returns the stems of the words of q's names: what a rule
// leaves out when it weighs the rest of the question.
func (q *question) nameStems() map[string]bool {
	out := map[string]bool{}
	for _, n := range q.names {
		for _, t := range retrieval.Terms(n) {
			out[t] = true
		}
	}
	return out
}

var (
	// mention is a Discord user, role or channel mention, a custom emoji,
	// a mass ping, or a plain-text @name opening the question (the bot
	// addressed as "@newsbot" without Discord resolving it).
	mention = regexp.MustCompile(`<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|@(?:everyone|here)\b|^\s*@[\p{L}\p{N}_.-]+[,:]?`)
	// atName is a plain-text @ before a word inside a question ("what
	// did @buscher say"): the word is kept, a name the story may have.
	atName = regexp.MustCompile(`(\s)@([\p{L}\p{N}])`)
	// link is a web address pasted with a question, bare or in the
	// angle brackets that stop Discord's preview: its words and numbers
	// ("status/1891", "r/worldnews") are no part of what is asked.
	link = regexp.MustCompile(`(?i)<?\b(?:https?://|www\.)[^\s>]+>?`)
	// repeatedPunct is "??", "?!?", "!!!": one mark says as much.
	repeatedPunct = regexp.MustCompile(`([?!])[?!.]+|([,;:])[,;:]+`)
	// backThen is "back" before a time ("back in 2022", "back then"):
	// when, not a word of what is asked.
	backThen = regexp.MustCompile(`(?i)\bback\s+(in\s+(?:\d{4}|the)\b|then\b|when\b)`)
	// theUS is "the us" or "us-" typed in lower case for the U.S.: after
	// "the", or joined to another word, "us" is no pronoun. ("US" in
	// capitals is read as the initialism already.)
	theUS = regexp.MustCompile(`\b(?:the|The) us\b|\bus-`)
	// chatWord finds the words chatWords spells out.
	chatWord = regexp.MustCompile(`(?i)\b[a-z0-9]+\b`)
)

// chatWords are chat spellings and apostrophe-less contractions, spelled
// out. Only words that are not English words of their own are here ("its",
// "were", "well" and "ill" are left alone).
var chatWords = map[string]string{
	"wheres": "where is", "whats": "what is", "whos": "who is", "hows": "how is", "whens": "when is",
	"whys": "why is", "thats": "that is", "theres": "there is", "isnt": "is not", "arent": "are not",
	"wasnt": "was not", "werent": "were not", "doesnt": "does not", "dont": "do not", "didnt": "did not",
	"cant": "cannot", "wont": "will not", "hasnt": "has not", "havent": "have not", "hadnt": "had not",
	"shouldnt": "should not", "couldnt": "could not", "wouldnt": "would not", "im": "I am",
	"theyre": "they are", "youre": "you are", "hes": "he is", "shes": "she is",
	"r": "are", "u": "you", "ur": "your", "n": "and", "abt": "about", "pls": "please", "plz": "please",
	"bc": "because", "cuz": "because", "coz": "because", "tho": "though", "wat": "what", "wut": "what",
	"wht": "what", "wen": "when", "ppl": "people", "gonna": "going to", "wanna": "want to", "gotta": "got to",
	"govt": "government", "y": "why", "w": "with", "b4": "before", "thx": "thanks", "ty": "thanks",
	"tmrw": "tomorrow", "2day": "today", "2morrow": "tomorrow", "bout": "about", "sth": "something",
	"rn": "now", "thru": "through", "yr": "year", "yrs": "years", "mins": "minutes", "hrs": "hours",
	"smth": "something", "esp": "especially", "prob": "probably", "convo": "conversation",
	"kinda": "kind of", "sorta": "sort of", "info": "information",
	"whatd": "what did", "whered": "where did", "whod": "who did", "howd": "how did", "whyd": "why did",
	"whend": "when did", "whatre": "what are", "tryna": "trying to", "lemme": "let me", "dunno": "do not know",
	"bcuz": "because", "becuz": "because", "ya": "you", "bcoz": "because",
	"yday": "yesterday", "tmr": "tomorrow", "tonite": "tonight", "2nite": "tonight", "mtg": "meeting",
	"wks": "weeks",
	// Dropped g's: "goin", "sayin".
	"goin": "going", "doin": "doing", "sayin": "saying", "comin": "coming", "gettin": "getting",
	"talkin": "talking", "tryin": "trying", "lookin": "looking", "nothin": "nothing", "somethin": "something",
	"meetin": "meeting", "happenin": "happening", "headin": "heading", "sendin": "sending", "makin": "making",
	"takin": "taking", "plannin": "planning", "fightin": "fighting", "leavin": "leaving", "flyin": "flying",
	// Abbreviations people type for institutions and titles.
	"dept": "department", "univ": "university", "uni": "university", "admin": "administration",
	"intl": "international", "gov": "government", "prez": "president", "pres": "president",
}

// lowerOnly are chat spellings read as such only in lower case: written
// otherwise they are abbreviations of their own (the "B4" road, "MTG",
// "WKS").
var lowerOnly = wordSet("b4 2day 2morrow 2nite yday tmr tonite mtg wks bcoz")

// nameToo are chat spellings that are also names: "Makin", "Wen", "Ya",
// and every dropped g ("goin" for "going").
var nameToo = func() map[string]bool {
	m := wordSet("ya wen ty bout tho wat")
	for k, v := range chatWords {
		if k+"g" == v {
			m[k] = true
		}
	}
	return m
}()

// titleCase reports whether w opens with a capital and goes on in lower
// case ("Makin", not "WHATS").
func titleCase(w string) bool {
	r := []rune(w)
	return unicode.IsUpper(r[0]) && strings.ToLower(string(r[1:])) == string(r[1:]) && strings.ToUpper(string(r[1:])) != string(r[1:])
}

// foldChat returns s with Discord mentions, links and custom emoji, pictographs,
// zero-width and bidirectional control characters removed, repeated
// punctuation folded, and chat spellings written out.
func foldChat(s string) string {
	s = mention.ReplaceAllString(s, " ")
	s = atName.ReplaceAllString(s, "$1$2")
	s = link.ReplaceAllString(s, " ")
	s = strings.Map(func(r rune) rune {
		switch {
		case invisible(r):
			return -1
		case unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) && r > 0x2000 || r >= 0x1F000:
			// Emoji and their skin-tone modifiers: no words in them.
			return ' '
		}
		return r
	}, s)
	s = retrieval.Normalize(s)
	s = repeatedPunct.ReplaceAllString(s, "$1$2")
	s = backThen.ReplaceAllString(s, "$1")
	s = theUS.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasSuffix(m, "-") {
			return "U.S.-"
		}
		return m[:4] + "U.S."
	})
	var b strings.Builder
	last := 0
	for _, loc := range chatWord.FindAllStringIndex(s, -1) {
		w := s[loc[0]:loc[1]]
		out, ok := chatWords[strings.ToLower(w)]
		// Single letters only in lower case, and not in an initialism:
		// "U" may be an initial, "u.s." is the U.S.
		if !ok || len(w) == 1 && (w != strings.ToLower(w) || loc[1] < len(s) && s[loc[1]] == '.' || loc[0] > 0 && s[loc[0]-1] == '.') {
			continue
		}
		if lowerOnly[strings.ToLower(w)] && w != strings.ToLower(w) && !(titleCase(w) && strings.TrimSpace(s[:loc[0]]) == "") {
			continue // "MoS", "Northern Rly", "the B4 road": abbreviations of their own
		}
		if nameToo[strings.ToLower(w)] && titleCase(w) && strings.TrimSpace(s[:loc[0]]) != "" {
			// Capitalized inside the question, it is a name ("what did
			// Makin say", "Ya Hui"), not a chat spelling.
			continue
		}
		b.WriteString(s[last:loc[0]])
		b.WriteString(out)
		last = loc[1]
	}
	b.WriteString(s[last:])
	return strings.TrimSpace(b.String())
}

// shouted reports whether s is written in capitals throughout: at least
// two words of two letters or more, and no lower-case letter.
func shouted(s string) bool {
	words := 0
	for _, f := range strings.Fields(s) {
		letters := 0
		for _, r := range f {
			if unicode.IsLower(r) {
				return false
			}
			if unicode.IsUpper(r) {
				letters++
			}
		}
		if letters >= 2 {
			words++
		}
	}
	return words >= 2
}

// invisible reports zero-width characters, bidirectional controls and
// variation selectors: they change how text looks, not what it says.
func invisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x2069,
		r == 0xFEFF, r == 0x00AD, r >= 0xFE00 && r <= 0xFE0F, r == 0x061C:
		return true
	}
	return false
}

// parseQuestion reads q into a question.
func parseQuestion(q string) question {
	text := foldChat(q)
	if shouted(text) {
		// "WHEN DID THEY MEET IN INDIA": capitals say nothing of names
		// here; read in lower case, the story's names are found as in
		// any question typed so (casedNames). Chat spellings are read
		// in lower case too: "HOW MANY DAYS R THE TALKS".
		text = foldChat(strings.ToLower(q))
	}
	// "Remind me, on what date …", "ok so when …": the kind of question is
	// in what follows the opening words.
	text = strings.TrimSpace(opener.ReplaceAllString(text, ""))
	if text == "" {
		text = strings.TrimSpace(foldChat(q))
	}
	text = delegationAsk(text)
	text = forALiving.ReplaceAllString(text, "")
	text = endUp.ReplaceAllString(text, "")
	text = anytimeSoon.ReplaceAllString(text, "")
	pq := question{raw: q, text: text, kind: kindOther}
	for _, row := range kinds {
		if row.match != nil && row.match(text) {
			pq.kind = row.kind
			break
		}
	}
	switch pq.kind {
	case kindWhen:
		pq.clock = clockQ.MatchString(text)
		if m := whenQ.FindStringSubmatch(text); m != nil {
			for _, u := range m[2:] {
				if u != "" {
					pq.unit = strings.ToLower(u) // "what date", "the exact date"
					break
				}
			}
		}
	case kindYesNo:
		pq.aux = strings.ToLower(yesNoQ.FindStringSubmatch(text)[1])
	}
	pq.also = alsoKinds(text, pq.kind)
	pq.meta = metaQ.MatchString(text)
	pq.future = futureQ.MatchString(text)
	pq.partake = partakeAsked(text)
	pq.opinion = askedOpinion.MatchString(text)
	pq.names = questionNames(text)
	return pq
}

// askedOpinion is a question that asks the bot's own view: "do you think",
// "do u reckon", "your opinion", "what's your take".
var askedOpinion = regexp.MustCompile(`(?i)\b(?:do|would|d'?you|don'?t) (?:you|u|ya) (?:think|reckon|believe|guess|feel)\b|\byour (?:opinion|view|views|take|guess|thoughts)\b|\bin your (?:opinion|view)\b`)

// maxDescriptorRarity is the most a capitalized word may weigh in everyday
// English (retrieval.Rarity) and still be read as a description rather than
// a name when it stands alone before a lower-case noun ("the Gulf kingdom",
// "the Atlantic alliance"). Such a word is often a region or an adjective
// the story says another way ("Saudi Arabia", "NATO"), so the story lacking
// it is weighed in coverage (by its rarity, as questionTerms weighs every
// word the story lacks) instead of refusing. Words the table lacks or
// barely has ("Pompeo" 1, "Warsaw" 0.91) stay names wherever they stand, as
// does any capitalized word before a function word ("Who founded Cambridge
// in 1650?"), a possessive or another capitalized word.
const maxDescriptorRarity = 0.9

// minDescriptorRarity is the least: a capitalized word as common as
// "London" (0.49) or "Paris" (0.44) is in the table because film dialogue
// names it, and a misspelt name can stem to a common word ("Nors" to
// "nor"); neither describes anything.
const minDescriptorRarity = 0.5

// auxiliaries open a question's subject: after "did (the)", a capitalized
// word is the one who acts and the next word its verb ("What did the Pope
// say", "What did China announce"), not a description of a noun.
var auxiliaries = map[string]bool{}

func init() {
	for _, w := range strings.Fields("do does did will would can could should shall may might must has have had is was are were") {
		auxiliaries[w] = true
	}
}

// afterAuxiliary reports whether the words before a capitalized word end in
// an auxiliary, an article between them allowed.
func afterAuxiliary(before []string) bool {
	n := len(before)
	if n > 0 && articles[strings.ToLower(before[n-1])] {
		n--
	}
	return n > 0 && auxiliaries[strings.ToLower(before[n-1])]
}

// articles may stand between an auxiliary and its subject.
var articles = map[string]bool{"the": true, "a": true, "an": true}

// descriptor reports whether the capitalized word w, followed in the
// question by next, describes the noun next rather than naming something:
// w is a single Titlecase word (not an initialism) of middling rarity in
// everyday English (minDescriptorRarity to maxDescriptorRarity), and next
// is a lower-case content word. The caller rules out possessives and
// subjects (afterAuxiliary).
func descriptor(w, next string) bool {
	if strings.ToUpper(w) == w {
		return false
	}
	first, _ := utf8.DecodeRuneInString(next)
	if !unicode.IsLower(first) {
		return false
	}
	ns := retrieval.Terms(next)
	if len(ns) == 0 {
		return false // "Cambridge in 1650": a function word follows a name
	}
	ts := retrieval.Terms(w)
	if len(ts) != 1 {
		return false
	}
	r := retrieval.Rarity(ts[0])
	return r >= minDescriptorRarity && r < maxDescriptorRarity
}

// questionNames returns the names of q: runs of capitalised words after
// the first word of each sentence ("Hillary Clinton", "Kim Jong Un"), and
// initialisms of four letters or more, weekdays and months left out.
func questionNames(q string) []string {
	var out []string
	for _, sent := range sentenceEnd.Split(q, -1) {
		fields := strings.FieldsFunc(sent, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '-' && r != '.'
		})
		run := ""
		flush := func() {
			if run != "" {
				out = append(out, run)
				run = ""
			}
		}
		for i, f := range fields {
			f = strings.Trim(f, "'-.")
			f = strings.TrimSuffix(strings.TrimSuffix(f, "'s"), "'")
			if i == 0 || f == "" || !isName(f) || f == "I" || temporal.MatchString(f) {
				flush()
				continue
			}
			if run == "" && i+1 < len(fields) && !strings.HasSuffix(fields[i], "'s") && !afterAuxiliary(fields[:i]) && descriptor(f, fields[i+1]) {
				continue
			}
			if run != "" {
				run += " "
			}
			run += f
		}
		flush()
	}
	return out
}

// smallTalkRe is a whole message that only greets, thanks or acknowledges:
// "hi", "hey there", "thanks!", "thank you so much", "ok cool", "good bot".
var (
	greetingRe = regexp.MustCompile(`(?i)^(hi|hello|hey|hiya|howdy|yo|greetings|good (morning|afternoon|evening|day))( (there|all|everyone|folks|bot|newsbot))?$`)
	thanksRe   = regexp.MustCompile(`(?i)^(thanks|thank you|thank u|thx|ty|cheers|ok|okay|cool|nice|great|awesome|perfect|got it|good bot)( (so much|a lot|very much|again|bot|newsbot))?((,? | ?, ?)(thanks|thank you|thank u|thx|ty|cheers|ok|okay|cool|nice|great|awesome|perfect|got it|good bot)( (so much|a lot|very much|again|bot|newsbot))?)*$`)
)

// smallTalk returns the reply to a message that is only a greeting or a
// thank-you (after the chat folding of parseQuestion, punctuation and
// emoji aside), or "" for anything else.
func smallTalk(q string) string {
	if strings.HasSuffix(strings.TrimSpace(q), "?") {
		return "" // "ok?", "cool?": asked, so a question
	}
	t := strings.Trim(foldChat(q), " .,!?~:;()-\u2026")
	t = strings.Join(strings.Fields(t), " ")
	switch {
	case t == "":
		return ""
	case greetingRe.MatchString(t):
		return replyGreeting
	case thanksRe.MatchString(t):
		return replyThanks
	}
	return ""
}

// delegationQ asks who speaks for a side at talks, the side in group 1 or
// later: "who is russia sending", "who's on the american side", "who is
// going to the talks for the US", "what about the us side, who's going".
// Such a question asks who will represent it, which the thesaurus
// (represent: delegation, envoy, minister) and the nationality of a
// person's title ("Russian Foreign Minister Sergey Lavrov",
// ofNamedCountry) answer.
var delegationQ = regexp.MustCompile(`(?i)(?:^|[?.!]\s+)who(?:'s|’s| is| are| will| does| did)\s+(?:the\s+)?([\p{L}.]+)\s+(?:(?:actually|really|even|exactly|officially|now|finally)\s+)?(?:sending|going to send|gonna send|send)\b|(?:^|[?.!]\s+)who(?:'s|’s| is| are| will be)?\s+(?:going|flying|travell?ing|heading|on|from|in|for)\s+(?:to\s+(?:the\s+)?[\p{L}]+\s+)?(?:for\s+|from\s+)?(?:the\s+)?([\p{L}.]+)\s+(?:side|team|delegation)\b|\bthe\s+([\p{L}.]+)\s+(?:side|team)\b[^?.!]*?\bwho(?:'s|’s| is| are)?\s+(?:going|flying|heading|attending)\b|(?:^|[?.!]\s+)who\s+from\s+(?:the\s+)?([\p{L}.]+)(?:\s+(?:side|government|team|delegation|camp))?(?:\s*(?:[?.!,]|$)|\s+(?:is\s+|are\s+|will\s+be\s+|will\s+)?(?:going|attending|attend|coming|come|flying|fly|travell?ing|travel|heading|head|there|at|in|on|involved|taking\s+part|take\s+part|participating|participate|representing|represent|present|sits?|sitting|meets?|meeting|negotiat\p{L}*|talk\p{L}*|sent)\b)`)

// delegationFor asks who goes for a country, named last: "who's going for
// the US", "who is flying from russia?". It must be a country
// (isCountry): "who is going for the weekend", "who is flying from
// london" ask no side.
var delegationFor = regexp.MustCompile(`(?i)\bwho(?:'s|’s| is| are| will be)?\s+(?:going|flying|travell?ing|heading)\s+(?:for|from)\s+(?:the\s+)?([\p{L}.]+?)\.?\s*[?.!]*\s*$`)

// delegationAsk returns q asked as "who will represent X?" when it asks
// who speaks for the side X (delegationQ), or q. What comes before that
// question ("the americans? who's going …") is dropped with the rest.
func delegationAsk(q string) string {
	for _, re := range []*regexp.Regexp{delegationFor, delegationAt} {
		if m := re.FindStringSubmatch(q); m != nil {
			side := m[1]
			if side == "" && len(m) > 2 {
				side = m[2]
			}
			name := sideName(strings.TrimSuffix(strings.TrimSuffix(side, "'s"), "’s"))
			if isCountry(name) || re == delegationAt && strings.HasPrefix(placeKey(name), "capital:") {
				return "who will represent " + name + "?" // a capital for its country: placeKeyIn
			}
		}
	}
	loc := delegationQ.FindStringSubmatchIndex(q)
	if loc == nil {
		return q
	}
	side, group := "", 0
	for g := 2; g < len(loc); g += 2 {
		if loc[g] >= 0 {
			side, group = q[loc[g]:loc[g+1]], g/2
		}
	}
	if asked := strings.ToLower(q[loc[0]:loc[1]]); (group == 3 || strings.Contains(asked, " going to ")) && !isCountry(sideName(side)) {
		// "The defence team, who is going to call witnesses?" asks who
		// will do something: read as a side only for a country.
		return q
	}
	// What follows ("to this thing", "at the table") says no more than
	// "represent" does.
	if notSide[strings.ToLower(side)] {
		return q // "who is heading the delegation": no side named
	}
	name := sideName(side)
	if asked := strings.ToLower(q[loc[0]:loc[1]]); (strings.Contains(asked, " did ") || strings.Contains(asked, " does ")) &&
		placeKey(name) == "" && placeKey(strings.TrimPrefix(name, "the ")) == "" {
		// "Who did the council send to inspect the bridge?" asks whom
		// it sent, not who represents a country.
		return q
	}
	return "who will represent " + name + "?"
}

// delegationAt asks who sits at the table for a country or its capital:
// "who are the americans at the table", "who is on washington's side of
// the table" (not "who is on ukraine's side", which asks for allies).
var delegationAt = regexp.MustCompile(`(?i)\bwho(?:'s|’s| is| are)?\s+(?:the\s+)?([\p{L}.]+?)\s+(?:at|around|across|on)\s+(?:the\s+)?(?:negotiating\s+)?table\b|\bwho(?:'s|’s| is| are)?\s+on\s+([\p{L}.]+?(?:'s|’s))\s+side\s+of\s+the\s+table\b`)

// isCountry reports whether name is a country's (placeKey): "the U.S.",
// "Denmark"; not a city ("London").
func isCountry(name string) bool {
	return strings.HasPrefix(placeKey(name), "country:") || strings.HasPrefix(placeKey(strings.TrimPrefix(name, "the ")), "country:")
}

// notSide are words that stand where a side's name would and name none.
var notSide = map[string]bool{"the": true, "a": true, "an": true, "our": true, "their": true, "his": true, "her": true,
	"its": true, "this": true, "that": true, "your": true, "my": true, "is": true, "are": true, "will": true, "be": true,
	"other": true, "same": true, "whole": true}

// sideName is the country a side of talks is named by: "american" and "us"
// are the U.S., "russian" Russia.
func sideName(s string) string {
	l := strings.ToLower(strings.Trim(s, "."))
	switch l {
	case "us", "u.s", "usa", "america", "american", "americans":
		return "the U.S."
	case "uk", "u.k", "britain", "british":
		return "Britain"
	}
	if c, ok := demonyms[strings.TrimSuffix(l, "s")]; ok {
		l = c
	} else if d := strings.TrimSuffix(strings.TrimSuffix(l, "s"), "n"); d != l && placeKey(d) != "" {
		l = d // "russians", "russian": Russia
	}
	r, n := utf8.DecodeRuneInString(l)
	return string(unicode.ToUpper(r)) + l[n:]
}

// endUp is "end up", "wind up": how something came to be somewhere ("how
// much fuel ended up in the creek"), which says no more than the rest of
// the question; "end" is no word of what is asked.
var endUp = regexp.MustCompile(`(?i)\s+(?:actually\s+)?(?:end|ends|ended|ending|wind|winds|wound)\s+up\b`)

// partakeYesNo asks whether someone takes part, in other words than
// "participate": "is ukraine even in the talks", "is ukraine actually at
// the table for this or nah", "are the europeans part of this"; group 1
// the one asked about.
var partakeYesNo = regexp.MustCompile(`(?i)^\s*(?:is|are|will)\s+((?:the\s+)?[\p{L}'’.-]+(?:\s+[\p{L}'’.-]+)??)\s+(?:(?:even|actually|really|still|gonna|going\s+to|be|being)\s+)*` +
	`(?:(?:in\s+(?:on\s+)?|(?:a\s+)?part\s+of\s+)(?:(?:the\s+)?(?:[\p{L}.-]+\s+)?(?:talks|negotiations|meeting|summit|conference)|this|it|that)|at\s+the\s+(?:negotiating\s+)?table)\b`)

// partakeAsked reports whether q asks whether someone takes part, in
// other words than "participate" (partakeYesNo), of now or what is to
// come: retrieval then also looks for "participate", and "X will not
// participate" is a near answer of it (partakeTerms). The question's own
// words stay what the passage must cover: "is holm in the talks" is not
// answered by "the United Nations will not take part".
func partakeAsked(q string) bool {
	m := partakeYesNo.FindStringSubmatch(q)
	if m == nil {
		return false
	}
	// "was ukraine always included …", "is ukraine ever in the talks"
	// ask of another time.
	return !slices.ContainsFunc(strings.Fields(strings.ToLower(m[1])), func(w string) bool { return notNow[w] })
}

// notNow are words that set a yes/no question in another time than the
// news: "always", "ever", "usually".
var notNow = wordSet(`always ever usually previously once normally traditionally`)

// anytimeSoon is "anytime soon", "any time soon": a hedge on a yes/no
// question ("is ukraine getting into the eu anytime soon") that asks no
// more than the question without it; neither word is one the story needs.
var anytimeSoon = regexp.MustCompile(`(?i)\s+any\s?time\s+soon\b`)

// forALiving is the idiom "do … for a living": what someone works as,
// which the rest of the question asks ("what did his father do"), and no
// word of it the story needs to say.
var forALiving = regexp.MustCompile(`(?i)\s+for a living\b`)
