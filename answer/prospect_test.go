package answer

import (
	"strings"
	"testing"

	"github.com/newsbot/newsbot/retrieval"
)

// prospectStory dates one event and names others still to come.
var prospectStory = "---\ntitle: Ministers meet in Valmora before a summit\n---\n" +
	"VALMORA — The trade ministers of Ostrava and Belmund met on Monday in Valmora, in talks meant to pave the way for a summit between President Ilse Varga and Prime Minister Tomas Reel.\n\n" +
	"The ministers also agreed to meet again ahead of Thursday's vote on the tariff bill in the Ostravan parliament.\n\n" +
	"The council met on Tuesday in preparation for a vote on the harbour levy.\n\n" +
	strings.Repeat("Trade between the two countries has fallen by a third since the border dispute began.\n\n", 3) +
	"Varga and Reel last spoke by telephone in March, officials said.\n"

// A time or place that a sentence gives its own event does not date an
// event it names as still to come; a phrase that dates its event answers.
func TestProspectIsNotDated(t *testing.T) {
	e := storyEngine(t, "valmora.md", prospectStory)
	checkAnswers(t, e, []answerCase{
		{"when is the varga reel summit", ""},
		{"whats the actual date for the summit between varga and reel", ""},
		{"where will varga and reel hold their summit", ""},
		{"When did the trade ministers meet?", "Monday"},
		{"Where did the trade ministers meet?", "Valmora"},
		{"When is the vote on the tariff bill?", "Thursday"},
	})
}

func TestProspectOnly(t *testing.T) {
	const summit = "The ministers met on Monday in Valmora, in talks meant to pave the way for a summit between President Ilse Varga and Prime Minister Tomas Reel."
	for _, c := range []struct {
		q, text string
		want    bool
	}{
		{"when is the varga reel summit", summit, true},
		{"where will the varga reel summit be held", summit, true},
		{"when did the ministers meet", summit, false},
		// One common word may name, otherwise, the event the sentence
		// dates ("talks", "meeting").
		{"when is the summit", summit, false},
		// Two words found only in the phrase single out its event.
		{"when is the vote on the harbour levy", "The council met on Tuesday in preparation for a vote on the harbour levy.", true},
		{"when did the council meet", "The council met on Tuesday in preparation for a vote on the harbour levy.", false},
		// The phrase dates its event.
		{"when is the vote on the tariff bill", "They will meet again ahead of Thursday's vote on the tariff bill.", false},
		// The clause ends the phrase: what follows the comma is not to come.
		{"when did varga and reel speak", "Ahead of the summit, Varga and Reel spoke on Friday.", false},
		// A word of the question found outside the phrase ("met") may
		// ask of the event the sentence dates: the answer stands.
		{"where will varga and reel meet", summit, false},
		// A who-question is not asking for a time or a place.
		{"who will attend the varga reel summit", summit, false},
	} {
		q := parseQuestion(c.q)
		var terms []qterm
		for _, s := range retrieval.Terms(c.q) {
			terms = append(terms, qterm{stem: s, weight: 1})
		}
		if got := prospectOnly(&q, terms, c.text) != ""; got != c.want {
			t.Errorf("%q on %q: refused %v, want %v", c.q, c.text, got, c.want)
		}
	}
}

// dockStory speaks of the strike throughout; its minister speaks of
// wages, not of the army.
var dockStory = "---\ntitle: Dock strike enters second week in Portmere\n---\n" +
	"PORTMERE — The dock strike in Portmere entered its second week on Monday, with 40 ships waiting off the harbour.\n\n" +
	"Labour Minister Aldo Krenn said the strike would end only when the port authority raised wages by at least 6 percent.\n\n" +
	"The port authority said the strike had already cost exporters 12 million crowns.\n\n" +
	"Union leader Bea Morrow said the strike would go on through the weekend.\n\n" +
	"Shipping firms said the strike had forced them to send cargo by rail.\n"

// A topic the story speaks of throughout ("the strike") does not single
// out what someone said; a word it seldom uses ("army") must be in the
// passage that answers.
func TestSaidAboutARareTopic(t *testing.T) {
	e := storyEngine(t, "portmere.md", dockStory)
	checkAnswers(t, e, []answerCase{
		{"what did krenn say abt sending the army in to end the strike", ""},
		{"what did krenn say about wages and the strike", "6 percent"},
		{"What did Krenn say about the strike?", "wages"},
	})
}

// dayStory says a week, a weekday and a day of the week that recurs.
var dayStory = "---\ntitle: Fenwick market returns\n---\n" +
	"FENWICK — Mayor Ada Lusk said last week that the town's market would return in the spring.\n\n" +
	"The market will be held on Saturdays on Quay Street, the council said on Tuesday.\n\n" +
	strings.Repeat("Fenwick's market closed in 2019 when the quay was rebuilt.\n\n", 3)

// "What day" asks a day: a weekday or a date, not "last week".
func TestWhatDayAsksADay(t *testing.T) {
	e := storyEngine(t, "fenwick.md", dayStory)
	checkAnswers(t, e, []answerCase{
		{"wat day exactly did lusk say the market was coming back", ""},
		{"When did Lusk say the market would return?", "last week"},
		{"What day of the week is the market held?", "Saturdays"},
		{"what day did the council announce the market", "Tuesday"},
	})
}
