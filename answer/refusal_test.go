package answer

import (
	"context"
	"strings"
	"testing"
)

// collegeStory names its subject, Brookfield, in most sentences (not in
// its title) and Elmwood Seminary in one of its twelve.
const collegeStory = `---
title: A valley school marks two centuries
---
Brookfield College was founded in 1824 by a group of farmers in the valley.
Brookfield began with twelve students and one teacher.
In 1870 Brookfield College opened its library to the public.
President Ada Morrow led Brookfield from 1901 to 1930 and built the science hall.
Today Brookfield enrolls about 4,000 students.
The endowment is worth 80 million dollars.
Brookfield runs a farm where students grow apples.
Its choir toured Europe in 1990.
The college merged with Elmwood Seminary in 1952.
Brookfield College will celebrate its anniversary with a concert on Friday.
The mayor of the valley praised the choir.
Alumni donated a new boathouse in 2019.
`

// refusalCase is a question and what the answer must say, or, with want
// "", the words the reason for refusing must hold.
type refusalCase struct{ q, want, reason string }

func checkRefusals(t *testing.T, e *Engine, cases []refusalCase) {
	t.Helper()
	for _, c := range cases {
		a, err := e.Ask(context.Background(), Request{Question: c.q})
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		if c.want != "" {
			if !a.Answered || !strings.Contains(a.Text, c.want) {
				t.Errorf("%q: %q (reason %q), want it to say %q", c.q, a.Text, a.Reason, c.want)
			}
			continue
		}
		if a.Answered || len(a.Citations) != 0 || !strings.Contains(a.Reason, c.reason) {
			t.Errorf("%q: answered=%v %q, reason %q; want a refusal because %q", c.q, a.Answered, a.Text, a.Reason, c.reason)
		}
	}
}

// The name the story is about need not be in the passage that answers
// (implicit).
func TestSubjectNeedNotBeNamed(t *testing.T) {
	e := storyEngine(t, "college.md", collegeStory)
	checkRefusals(t, e, []refusalCase{
		{"Who led Brookfield from 1901 to 1930?", "Ada Morrow", ""},
		{"When did Brookfield College merge with Elmwood Seminary?", "1952", ""},
		// The subject, unnamed in the sentence that answers.
		{"How much is the Brookfield endowment worth?", "80 million", ""},
	})
}

// A weekday or a month the story has does not tie the question to it:
// what is asked (a meal) must be in the story (missingRelation).
func TestADayDoesNotStandForTheRelation(t *testing.T) {
	e := storyEngine(t, "college.md", collegeStory)
	checkRefusals(t, e, []refusalCase{
		{"What will Brookfield College do on Friday?", "concert", ""},
		{"What did Ada Morrow eat on Friday?", "", "never mentions eat"},
	})
}

// A name whose last word is an everyday noun the story never uses names a
// thing the story lacks (headKnown).
func TestNameHeadMustBeInTheStory(t *testing.T) {
	e := storyEngine(t, "college.md", collegeStory)
	checkRefusals(t, e, []refusalCase{
		{"When did Elmwood Seminary join the college?", "1952", ""},
		{"How tall is the Brookfield Tower?", "", "never names Brookfield Tower"},
	})
}

func TestHeadKnown(t *testing.T) {
	e := storyEngine(t, "college.md", collegeStory)
	a := e.state.Load().analyzer
	cases := []struct {
		head string
		want bool
	}{
		{"Seminary", true},  // in the story
		{"Tower", false},    // an everyday noun the story lacks
		{"Morrowe", true},   // a spelling of a name the story writes otherwise: may be it
		{"Kowalczyk", true}, // rare in English: a name, which the other checks weigh
		{"Un", true},        // no content term
	}
	for _, c := range cases {
		if got := a.headKnown(c.head, "college"); got != c.want {
			t.Errorf("headKnown(%q) = %v, want %v", c.head, got, c.want)
		}
	}
}

// harborStory names its subject, Tarrow, in half its sentences, and
// Kessing, a city upstream, in two of fifteen, both in one paragraph; its
// credit line names the place it was reported from.
const harborStory = `---
title: A river town rebuilds its harbor
byline: Reported from Vellmoor
---
Tarrow is a river town of 9,000 people. Tarrow was founded in 1890 by fishermen from the coast. The town council of Tarrow voted on Monday to rebuild the old harbor wall, after two winters of floods. Work on the wall will begin in April and cost 3 million dollars. Tarrow last rebuilt its harbor in 1955.

Engineers from Kessing will lead the work on the wall and the piers. Kessing is a city upstream, known for its shipyards and its bridges. The harbor will reopen to boats in the autumn of next year. Fishermen said the old wall had cracked in several places during the floods. Tarrow plans a festival on the quay when the harbor reopens.

Tarrow also runs a ferry across the river to the village of Ostby. The ferry carries about 300 passengers a day, most of them workers. Tarrow's mayor said the ferry would keep running during the work. A new bridge to Ostby was proposed in 2010 but never built. Tarrow will hold a vote on the bridge next year.
`

// A name the story mentions in one paragraph stands for the passages of
// that paragraph only; the credit line's place for every passage
// (implicit, conflict).
func TestSideNameCountsInItsParagraph(t *testing.T) {
	e := storyEngine(t, "harbor.md", harborStory)
	checkRefusals(t, e, []refusalCase{
		{"When was Tarrow founded?", "1890", ""},
		{"When will the harbor rebuilt by the Kessing engineers reopen?", "autumn", ""},
		{"How many passengers does the Vellmoor ferry carry?", "300", ""},
		// The sentence that answers is about Tarrow, in another paragraph.
		{"When was Kessing founded?", "", "does not name Kessing"},
	})
}

// "What precipitated X?" asks why X happened; the verb is the form of the
// question, not a word the story must have (causeAsk).
func TestCauseVerbIsTheFormOfAWhyQuestion(t *testing.T) {
	e := storyEngine(t, "flood.md", floodStory)
	a := e.state.Load().analyzer
	for _, q := range []string{"What precipitated the Brenna closures?", "what sparked the Brenna closures", "Why the Brenna closures?"} {
		var got []string
		for _, term := range a.questionTerms(q, nil, "flood") {
			got = append(got, term.stem)
		}
		if strings.Join(got, " ") != "brenna closur" {
			t.Errorf("questionTerms(%q) = %v, want [brenna closur]", q, got)
		}
	}
	checkRefusals(t, e, []refusalCase{
		{"What precipitated the school closures in Brenna?", "because the roads", ""},
	})
}

// A question about how someone feels is answered by a feeling, not by
// what they warned of (feelQ, feelRe); other views by any view (viewRe).
func TestFeelingsAreAnsweredByFeelings(t *testing.T) {
	const story = `---
title: Council votes to repair the old bridge
---
Councillor Mira Vos warned at the meeting on Monday that the old bridge could close within a year.
The council then voted to repair the bridge before the winter.
Residents were relieved by the vote, said Jon Pell, who runs the bakery by the bridge.
The repairs will cost 400,000 euros.
`
	e := storyEngine(t, "bridge.md", story)
	checkRefusals(t, e, []refusalCase{
		{"How did the residents feel about the vote?", "relieved", ""},
		{"What does Mira Vos think about the bridge?", "could close", ""},
		{"How did Mira Vos feel after the meeting?", "", "no such view"},
	})
}

// libraryStory names the Hallam Trust once in 21 sentences: too seldom to
// be what any passage is about (implicitShare).
const libraryStory = `---
title: The Orrin Library turns one hundred
---
The Orrin Library opened in 1921 in the town of Delve.
It was built with money from a mill owner.
The library holds about 80,000 books.
In 1960 the Hallam Trust listed the reading room as a protected site.
Other sights of Delve include the clock tower, the market hall and the river bridge.
The library is open six days a week.
Its garden has a pond with carp.
The roof was repaired in 2005.
A cafe opened on the ground floor in 2012.
The library lends tools as well as books.
Children's clubs meet there on Saturdays.
The building has three floors.
Its archive keeps old maps of the valley.
Volunteers run a repair workshop in the basement.
The town council pays for the staff.
Visitors come from across the region.
The library hosts a poetry festival every spring.
Its oldest book was printed in 1650.
A new wing is planned for 2027.
The librarians offer computer lessons.
Entry is free for everyone.
`

// A name in the sentence before the one that answers counts only when the
// answering sentence goes on about it ("It", "he said"): otherwise the
// sentence is about something else (conflict).
func TestNameInThePreviousSentenceCountsForAPronounOnly(t *testing.T) {
	e := storyEngine(t, "library.md", libraryStory)
	checkRefusals(t, e, []refusalCase{
		{"What did the Hallam Trust list as a protected site?", "reading room", ""},
		{"What other sights does Delve include?", "clock tower", ""},
		{"What other sights does Delve include for the Hallam Trust?", "", "does not name Hallam Trust"},
	})
}

// What something cost is answered by an amount of money, not by any
// number (moneyQ, moneyRe).
func TestCostIsAnsweredInMoney(t *testing.T) {
	checkRefusals(t, storyEngine(t, "mill.md", millStory), []refusalCase{
		{"How much did the renovation cost?", "2 million euros", ""},
	})
	checkRefusals(t, storyEngine(t, "flood.md", floodStory), []refusalCase{
		{"How much did the broken gas pipe cost?", "", "no number"},
	})
	cases := []struct {
		text string
		want bool
	}{
		{"The renovation cost 2 million euros.", true},
		{"Tickets are $12 for adults.", true},
		{"a grant of 300,000 pounds", true},
		{"The hall seats 2,000 people.", false},
		{"It closed in 1984.", false},
	}
	for _, c := range cases {
		if got := moneyRe().MatchString(c.text); got != c.want {
			t.Errorf("moneyRe(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
