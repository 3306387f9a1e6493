package answer

import (
	"slices"
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
		// A dash does not end the phrase: its aside dates the vote.
		{"when is the vote on the flood levy", "Councillors met on Tuesday ahead of a vote on the flood levy — now set for March 14 — after a wet winter.", false},
		// Another sentence of the passage dates what the phrase names.
		{"when is the vote on the flood levy", "Councillors met on Tuesday in preparation for a vote on the flood levy. The vote is now set for March 14.", false},
		// The phrase's event dated elsewhere: another sentence names it
		// and a time, but a meeting of others on Monday does not date
		// the summit between Varga and Reel.
		{"when is the summit between varga and reel", summit + " Varga and Reel will hold the summit in June.", false},
		{"when is the summit between varga and reel", summit + " The summit of the two unions was held on Monday.", true},
		// A word is in the phrase by where it starts ("Reel," at its end).
		{"when is the summit between varga and reel", "The ministers met in Kesh on Wednesday, in talks meant to pave the way for a summit between President Ilse Varga and Prime Minister Tomas Reel, officials said.", true},
		// A who-question is not asking for a time or a place.
		{"who will attend the varga reel summit", summit, false},
	} {
		q := parseQuestion(c.q)
		terms := flatTerms(c.q)
		var story []string
		for _, sp := range retrieval.SplitSentences(c.text) {
			story = append(story, c.text[sp.Start:sp.End])
		}
		if got := prospectOnly(&q, terms, c.text, story) != ""; got != c.want {
			t.Errorf("%q on %q: refused %v, want %v", c.q, c.text, got, c.want)
		}
	}
}

// dockStory speaks of the strike throughout; its minister speaks of
// wages, and the army comes up once, elsewhere.
var dockStory = "---\ntitle: Dock strike enters second week in Portmere\n---\n" +
	"PORTMERE — The dock strike in Portmere entered its second week on Monday, with 40 ships waiting off the harbour and cranes standing idle along the eastern quays.\n\n" +
	"Labour Minister Aldo Krenn said the strike would end only when the port authority raised wages by at least 6 percent, the figure the dockers' union has sought since January.\n\n" +
	"The port authority said the strike had already cost exporters 12 million crowns, most of it in perishable fruit that rotted in containers waiting to be unloaded.\n\n" +
	"Union leader Bea Morrow said the strike would go on through the weekend and that her members had voted by a wide margin to stay out until a written offer arrived.\n\n" +
	"Shipping firms said the strike had forced them to send cargo by rail to the port of Lindqvist, adding two days and about 800 crowns to each container's journey.\n\n" +
	"Opposition lawmakers have urged the government to send the army to unload food shipments, a step no government has taken since the dock riots of 1974.\n\n" +
	"Shopkeepers in the old town said deliveries of coffee, rice and cooking oil had slowed, and some shelves stood empty by Sunday evening as the strike dragged on.\n\n" +
	"Portmere handles about a fifth of the country's imports, and its eastern quays were rebuilt in 2016 with a loan from a regional development bank.\n\n" +
	"The last long stoppage at the port, in 2009, lasted 19 days and ended with a three-year pay deal brokered by a retired judge.\n\n" +
	"Ferry services to the islands, run from the western terminal by a separate company, were not affected, their operator said.\n"

// A topic the story speaks of throughout ("the strike") does not single
// out what someone said; a word it seldom uses ("army") must be in the
// passage that answers.
func TestSaidAboutARareTopic(t *testing.T) {
	e := storyEngine(t, "portmere.md", dockStory)
	checkAnswers(t, e, []answerCase{
		{"what did krenn say about the army and the strike", ""},
		{"what did krenn say abt using the army in the strike", ""},
		{"what did krenn say about wages and the strike", "6 percent"},
		{"What did Krenn say about the strike?", "wages"},
	})
}

// dayStory says a week, a weekday and a day of the week that recurs.
var dayStory = "---\ntitle: Fenwick market returns\n---\n" +
	"FENWICK — Mayor Ada Lusk said last week that the town's market would return in the spring.\n\n" +
	"The market will be held on Saturdays on Quay Street, the council said on Tuesday.\n\n" +
	"A winter market will open on Christmas Eve, and the first market after the rebuilding opened on the 3rd of May.\n\n" +
	strings.Repeat("Fenwick's market closed in 2019 when the quay was rebuilt.\n\n", 3)

// "What day" asks a day: a weekday or a date, not "last week".
func TestWhatDayAsksADay(t *testing.T) {
	e := storyEngine(t, "fenwick.md", dayStory)
	checkAnswers(t, e, []answerCase{
		{"wat day exactly did lusk say the market was coming back", ""},
		{"When did Lusk say the market would return?", "last week"},
		{"What day of the week is the market held?", "Saturdays"},
		{"what day did the council announce the market", "Tuesday"},
		{"what day does the winter market open", "Christmas Eve"},
		{"what day did the first market open", "3rd of May"},
		{"what day-one plans does the council have for the market", "Saturdays"},
	})
}

// "Did X say anything about T?" asks what X said: it is answered only
// where X is the one who says it.
func TestDidSaySomethingAsksWhatWasSaid(t *testing.T) {
	e := storyEngine(t, "portmere.md", dockStory)
	checkAnswers(t, e, []answerCase{
		{"did morrow say anything abt wages", ""},
		{"did krenn say anything about wages", "6 percent"},
	})
}

// A pronoun that opens the answering sentence names its person a few
// sentences back: "She said …" two sentences after "Wu spoke …".
func TestSaidByAPronounNamedEarlier(t *testing.T) {
	story := "---\ntitle: Mayor rejects bus cuts\n---\n" +
		"Mayor Lena Wu spoke at a news conference at city hall on Tuesday.\n\n" +
		"The budget includes $40 million for road repairs and a new fire station in the harbour district. " +
		"She said the bus cuts would hurt low-income families most.\n\n" +
		strings.Repeat("The city runs 41 bus routes and carried 90 million riders last year.\n\n", 3)
	e := storyEngine(t, "wu.md", story)
	checkAnswers(t, e, []answerCase{
		{"did wu say anything about low-income families", "low-income families"},
		{"what did wu say about the bus cuts", "low-income families"},
	})
}

// A weekday the question puts on something the story puts on another day,
// and never on that one, is a false premise.
func TestDayConflict(t *testing.T) {
	story := []string{
		"The talks, scheduled for Tuesday in Kesh, are the first in two years.",
		"Officials said Sunday that the strike, which has shut the port, will end Thursday.",
		"The mediation began on Monday, and negotiators said they would resume Wednesday.",
		"The council vote, originally set for Tuesday, was moved to Friday after two members fell ill.",
		"Varga said she would travel to Ostrava on Monday and to Belmund on Wednesday, but that the trip was unrelated to the talks.",
		"The ministers met on Friday and again on Saturday.",
	}
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"are the talks on wednesday", true},
		{"why did they move the talks to thursday", true},
		{"are the talks on tuesday", false},
		{"where did varga say she would travel on wednesday", false}, // a list gives the day further off
		{"did the ministers meet on saturday", false},
		{"what happens on thursday", false},               // nothing the story dates
		{"will the strike end thursday", false},           // "said Sunday" is when it was said
		{"will the mediation resume on wednesday", false}, // "resume" is put on Wednesday
		{"why was the council vote moved to friday", false},
		{"is the mediation on friday", true},
		{"is the mediation back on wednesday", false}, // one sentence, no "but" between
		{"is the council vote on friday", false},
	} {
		q := parseQuestion(c.q)
		terms := flatTerms(q.text)
		if got := dayConflict(&q, terms, story) != ""; got != c.want {
			t.Errorf("%q: refused %v, want %v", c.q, got, c.want)
		}
	}
}

// A possessive may point back to a thing named before ("her company"
// after "her company, Arden Foods"); a pronoun stands for the person last
// named, not for one named before someone else.
func TestPointingBack(t *testing.T) {
	story := "---\ntitle: Council splits over farm tax\n---\n" +
		"Council chair Amy Wu spoke first and urged members to back the farm tax. " +
		"Councilwoman Grace Lee disagreed with the proposal. " +
		"She said the tax would drive small farmers out of business.\n\n" +
		"Rosa Diaz founded her company, Arden Foods, in 2009. " +
		"She runs her company from a farm near Lusk.\n\n" +
		strings.Repeat("The county has 1,200 farms, most of them under 50 hectares.\n\n", 3)
	e := storyEngine(t, "farmtax.md", story)
	checkAnswers(t, e, []answerCase{
		{"what did wu say about the tax on farmers", ""},
		{"what did lee say about the tax", "small farmers"},
		{"which company does diaz run", "Arden Foods"},
	})
}

// An office asked for one country, which the story gives only for others,
// is one it never names.
func TestRoleNation(t *testing.T) {
	story := []string{
		"Polish President Ilse Varga and Czech Foreign Minister Tomas Reel met in Brno.",
		"The president said the talks went well.",
		"French and German officials were not invited.",
	}
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"what did the french president say", true},
		{"is the czech president going to brno", true},
		{"is the polish foreign minister there", true},
		{"what did the polish president say", false},
		{"who is the czech foreign minister", false},
		{"what did the french officials say", false}, // officials are many, of several countries
		{"whos czechias president rn", true},         // a possessive typed without its apostrophe
		{"who is poland's president", false},
	} {
		q := parseQuestion(c.q)
		if got := roleNation(&q, story) != ""; got != c.want {
			t.Errorf("%q: refused %v, want %v", c.q, got, c.want)
		}
	} // An office given after the name ("the president of Czechia"), or as
	// a title with no country ("President Ema Dolna"), may be the one
	// asked.
	more := append(slices.Clip(story), "Karel Nemec, the president of Czechia, warned of delays.", "President Ema Dolna did not attend.")
	for _, q := range []string{"what did the czech president warn", "what did the slovak president say"} {
		pq := parseQuestion(q)
		if r := roleNation(&pq, more); r != "" {
			t.Errorf("%q: refused (%s), want an answer", q, r)
		}
	}
}

// "X age?" asks an age, which a story says in a recognisable way.
func TestAgeAskedInChat(t *testing.T) {
	story := "---\ntitle: Veteran diplomat leads the talks\n---\n" +
		"The talks are led by Ilse Varga, 61, a former ambassador to Chile.\n\n" +
		"Her deputy, Tomas Brekke, joined the ministry in 2004.\n\n" +
		"A pension bill raises the retirement age from 62 to 64.\n\n" +
		strings.Repeat("The talks are the first in two years.\n\n", 3)
	e := storyEngine(t, "varga.md", story)
	checkAnswers(t, e, []answerCase{
		{"varga age?", "61"},
		{"retirement age?", "64"}, // not a name's age
		{"what is varga's age", "61"},
		{"brekke age?", ""},
	})
}

// flatTerms returns the terms of q, each of weight 1: what the gate's
// checks read, without the corpus weights.
func flatTerms(q string) []qterm {
	var out []qterm
	for _, s := range retrieval.Terms(q) {
		out = append(out, qterm{stem: s, weight: 1})
	}
	return out
}

// "Which officials …" asks who, and is answered by the sentence that names
// them rather than the one that speaks of officials.
func TestWhichPeopleAsksWho(t *testing.T) {
	story := "---\ntitle: Border talks next week\n---\n" +
		"Senior officials from both countries will hold talks next week on reopening the border, officials said.\n\n" +
		strings.Repeat("The border has been closed to trucks since a dispute over tolls began.\n\n", 2) +
		"Foreign Minister Ilse Varga, trade envoy Piet Hals and adviser Ana Lind will sit down with the other side, a spokeswoman said.\n"
	e := storyEngine(t, "border.md", story)
	checkAnswers(t, e, []answerCase{
		{"Which officials will meet the other side?", "Varga"},
	})
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"which us officials r going", true},
		{"which ministers attended", true},
		{"which minister attended", false}, // one, by role: the kinds rule reads it
		{"which border is closed", false},
	} {
		if got := whichPeople(c.q); got != c.want {
			t.Errorf("whichPeople(%q) = %v, want %v", c.q, got, c.want)
		}
	}
}
