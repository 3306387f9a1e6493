package answer

import (
	"regexp"
	"slices"
	"strings"

	"github.com/newsbot/newsbot/retrieval"
)

// News stories name a person once with their role ("Kremlin spokesman
// Dmitry Peskov", "Andriy Yermak, a top Zelenskyy adviser,") and later by
// surname alone ("Peskov said the talks …"). Readers ask by role ("what did
// the Kremlin spokesman say?"), so the analyzer learns each document's
// roles and lets a sentence that names the person answer for the role.

// roleNouns are the words that make a title a person's role.
var roleNouns = stemSet(`minister secretary spokesman spokeswoman spokesperson adviser advisor
		envoy president gen general chief director leader ambassador official head chancellor premier
		mayor governor senator commander king queen prince princess emir chairman chairwoman chair
		aide diplomat negotiator representative deputy prosecutor judge justice ceo founder
		executive officer coach captain manager lawyer attorney economist analyst professor
		spy spymaster pope bishop lieutenant colonel admiral sergeant inspector commissioner
		councillor councilor speaker lawmaker legislator mp congressman congresswoman`)

var (
	// personRun is a run of capitalised words (with "of", initials and
	// initialisms) ending in a first name and a surname.
	personRun = regexp.MustCompile(`((?:(?:\p{Lu}[\p{L}.'’-]*|of)\s+)*)(\p{Lu}\p{Ll}+)\s+(?:\p{Lu}\.\s+)?(\p{Lu}\p{Ll}[\p{L}'’-]*)`)
	// appositive is ", a top Zelenskyy adviser," right after a name.
	appositive = regexp.MustCompile(`^,\s+(?:a|an|the)\s+([^,.;:()“”"]{1,80}),`)
	// titleStop ends a title read backwards from a name: the words before
	// it belong to the clause, not to the person.
	titleStop = map[string]bool{"said": true, "says": true, "told": true, "that": true, "and": true, "or": true,
		"with": true, "by": true, "to": true, "for": true, "from": true, "on": true, "in": true, "at": true,
		"as": true, "when": true, "who": true, "which": true, "while": true, "but": true, "if": true,
		"after": true, "before": true, "between": true, "including": true, "the": true, "a": true, "an": true,
		"his": true, "her": true, "their": true, "its": true}
)

// learnRoles returns, for each surname's term in text, the terms of the
// roles the text gives that person.
func learnRoles(text string, into map[string][]string) {
	for _, sp := range retrieval.SplitSentences(text) {
		sent := text[sp.Start:sp.End]
		for _, m := range personRun.FindAllStringSubmatchIndex(sent, -1) {
			surname := retrieval.Terms(sent[m[6]:m[7]])
			if len(surname) != 1 {
				continue
			}
			name := map[string]bool{surname[0]: true}
			for _, t := range retrieval.Terms(sent[m[4]:m[5]]) {
				name[t] = true
			}
			// The title: capitalised words of the run, and the lower-case
			// words just before it, back to punctuation or a clause word.
			title := sent[m[2]:m[3]]
			before := sent[:m[2]]
			if i := strings.LastIndexAny(before, ",;:()“”\"—–"); i >= 0 {
				before = before[i+1:]
			}
			words := strings.Fields(before)
			for k := len(words) - 1; k >= 0 && k >= len(words)-4; k-- {
				if titleStop[strings.ToLower(strings.Trim(words[k], ".’'"))] {
					break
				}
				title = words[k] + " " + title
			}
			if app := appositive.FindStringSubmatch(sent[m[1]:]); app != nil {
				title += " " + app[1]
			}
			addRole(into, surname[0], retrieval.Terms(title), name)
		}
	}
}

// addRole records the title's terms for surname when the title holds a
// role noun.
func addRole(into map[string][]string, surname string, title []string, name map[string]bool) {
	role := false
	for _, t := range title {
		if roleNouns[t] {
			role = true
			break
		}
	}
	if !role {
		return
	}
	for _, t := range title {
		if !name[t] && !slices.Contains(into[surname], t) {
			into[surname] = append(into[surname], t)
		}
	}
}
