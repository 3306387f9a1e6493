package answer

import (
	"strings"
	"testing"
)

// newsStory is a council story that says things in other words than a
// reader asks them: an attorney, a vote's margin, a river that crested.
var newsStory = "---\ntitle: Judge voids Brenmoor quarry vote\n---\n" +
	"BRENMOOR — A county judge on Thursday voided the Brenmoor council's vote approving a gravel quarry, ruling that members had broken the open meetings law.\n\n" +
	"Judge Ilse Varga wrote that the council's 5-2 vote of June 3 was taken after a closed session that should have been public.\n\n" +
	"Tomas Rell, the town attorney, argued that the session was lawful because the town was negotiating a land sale.\n\n" +
	"Chief Executive Dana Corr of Hallam Aggregates said the quarry would employ 40 people.\n\n" +
	"New hires at the quarry will earn a starting wage of $21 an hour, the company said.\n\n" +
	strings.Repeat("Residents have opposed the quarry since it was proposed in 2022, citing dust and heavy traffic on Mill Road.\n\n", 3) +
	"Hallam will close its Tarnby plant next year.\n\n" +
	"Enrolment at the quarry school fell 19 percent last year.\n\n" +
	"Quarry workers at Hallam's other site won a 3 percent raise in 2021 after a nine-day strike.\n\n" +
	"The Brenn River, which borders the site, crested at 3.1 meters last spring.\n"

// Questions in other words than the story's: a lawyer is its attorney, how
// high a river rose is where it crested; a margin is a tally; a salary is
// an amount of money.
func TestNewsParaphrases(t *testing.T) {
	e := storyEngine(t, "brenmoor.md", newsStory)
	checkAnswers(t, e, []answerCase{
		{"Which lawyer defended the town in court?", "Rell"},
		{"How high did the Brenn River rise?", "3.1"},
		{"What was the margin of the council vote?", "5-2"},
		{"What is Dana Corr's annual salary?", ""},
		{"what is the starting wage at the quarry", "$21"},
		{"What pay increase did workers at the other site win?", "3 percent"},
		{"Which facility will the company close?", "Tarnby plant"},
		{"how much did enrolment drop by", "19 percent"},
		{"How many people will the quarry employ?", "40"},
	})
}

// A margin or a score is said as one ("5-2", "by 12 votes to 3"); another
// number does not give it, and "score" as a verb asks a count.
func TestTallyIsSaidAsOne(t *testing.T) {
	checkTyped(t, []typedCase{
		{"What was the margin of the vote?", "The council's 5-2 vote of June 3 was voided.", true},
		{"what was the final tally", "Members backed the deal by 1,612 votes to 498.", true},
		{"What was the vote tally on the compromise?", "The branch will open three days a week, using $600,000 from reserves.", false},
		{"How many goals did he score last season?", "He scored 27 goals last season.", true},
	})
}

// "How many people …" is answered by a count of people ("five people",
// "12 members", "killed five"), not by another number of the same event,
// nor by the sentence before, unless the answer goes on about it.
func TestPeopleAreCountedAsPeople(t *testing.T) {
	story := "---\ntitle: Floods on the Tarn\n---\n" +
		"The Tarn has flooded the valley many times.\n\n" +
		"In 1998, the river crested at 5.1 meters in a flood that killed five people. A flood in 2011 damaged about 300 homes.\n\n" +
		strings.Repeat("The county has since built a levee along the eastern bank.\n\n", 4) +
		"A new flood board of 12 members will meet monthly.\n"
	e := storyEngine(t, "tarn.md", story)
	checkAnswers(t, e, []answerCase{
		{"How many people died in the 1998 flood?", "five people"},
		{"How many people died in the 2011 flood?", ""},
		{"How many people sit on the flood board?", "12 members"},
		{"How many residents signed up for the flood board?", ""},
	})
	checkTyped(t, []typedCase{
		{"how many ppl got their data stolen", "Hackers took data on about 2.3 million customers.", true},
		{"how many ppl got their data stolen", "The data was stolen from 14 servers.", false},
	})
	for text, want := range map[string]bool{
		"The blaze killed five.":                true,
		"Crews rescued 14 residents and staff.": true,
		"The storm damaged about 300 homes.":    false,
		"Three dead after the bridge fell.":     true,
	} {
		if got := peopleCount.MatchString(text); got != want {
			t.Errorf("peopleCount(%q) = %v, want %v", text, got, want)
		}
	}
}

// A dateline's date is when the report was filed, not when what it tells
// happened: it does not answer "on what date …".
func TestDatelineIsNoAnswerToWhen(t *testing.T) {
	checkTyped(t, []typedCase{
		{"On what date did the council meet in private?", "BRENMOOR, March 12 (Valley Wire) - A county judge voided the council's vote.", false},
		{"On what date did the council meet in private?", "BRENMOOR (VW) — The council met in private on Oct. 9, the judge found.", true},
		{"When did the judge void the vote?", "BRENMOOR, March 12 (Valley Wire) - A county judge on Thursday voided the vote.", true},
		{"what year was the quarry proposed", "HALLAM, Ore. — The quarry was proposed in 2022.", true},
	})
	if got := dateline.ReplaceAllString("WASHINGTON (AP) — The Senate voted on Friday.", ""); got != "The Senate voted on Friday." {
		t.Errorf("dateline stripped to %q", got)
	}
}

// "Who wrote …?" asks for the story's credit only when what was written is
// the story: "who wrote the internal memo?" asks about its content.
func TestWhoWroteTheStory(t *testing.T) {
	for q, want := range map[string]bool{
		"who wrote this": true,
		"Who wrote the article about the quarry?": true,
		"who reported it?":                        true,
		"Who wrote the internal memo?":            false,
		"who reported the fire to the police":     false,
		"who reported that the dam was leaking":   false,
	} {
		if got := metaAsk.MatchString(q); got != want {
			t.Errorf("metaAsk(%q) = %v, want %v", q, got, want)
		}
		if got := parseQuestion(q).meta; got != want {
			t.Errorf("parseQuestion(%q).meta = %v, want %v", q, got, want)
		}
	}
}

// A title's initials ("cto") are the title the story writes out; a rare
// word whose letters happen to open other words ("mbs") is not.
func TestAcronymIsTheTitleWrittenOut(t *testing.T) {
	story := "---\ntitle: Hackers take data on 2 million users\n---\n" +
		"Orlen Systems said on Tuesday that hackers had taken data on about 2 million users.\n\n" +
		strings.Repeat("The company makes a home-security app sold in most supermarkets.\n\n", 4) +
		"Priya Vance, the company's chief technology officer, said passwords were stored in a hashed form.\n\n" +
		"Most big sellers stopped stocking the cameras after the breach, chief executive Tomas Hale said.\n"
	e := storyEngine(t, "orlen.md", story)
	checkAnswers(t, e, []answerCase{
		{"whos the cto again", "Priya Vance"},
		{"who's the ceo", "Tomas Hale"},
	})
	words := wordRe.FindAllString(story, -1)
	if got := initialsIn("cto", words); got != "chief technology officer" {
		t.Errorf(`initialsIn("cto") = %q`, got)
	}
	if got := initialsIn("mbs", words); got != "" {
		t.Errorf(`initialsIn("mbs") = %q, want ""`, got)
	}
}

// "Ended up in" is how something came to be somewhere: "end" is no word of
// what is asked, and the count of what came there answers.
func TestEndUpIsNoWordOfTheQuestion(t *testing.T) {
	story := "---\ntitle: Diesel leaks into Ashby Creek\n---\n" +
		"About 18,000 litres of diesel leaked from a ruptured pipeline into Ashby Creek over the weekend, officials said.\n\n" +
		strings.Repeat("The pipeline carries fuel from the port to depots in the north.\n\n", 4) +
		"Ida Moll, 34, who rents kayaks on the creek, said she had cancelled bookings through the end of July.\n"
	e := storyEngine(t, "ashby.md", story)
	checkAnswers(t, e, []answerCase{
		{"ok so how much fuel actually ended up in the creek", "18,000"},
	})
	if q := parseQuestion("how much fuel ended up in the creek"); strings.Contains(q.text, "end") {
		t.Errorf("parseQuestion: %q still holds the verb", q.text)
	}
}

// "How many N" needs the Ns counted, not named: a number before them or
// a word of their kind ("eleven separate academic units—ten faculties").
func TestCountedHead(t *testing.T) {
	a := &analyzer{}
	for _, c := range []struct {
		stem, text string
		want       bool
	}{
		{"station", "A gas main near the planned Dunmere station added four months.", false},
		{"station", "The line will have 14 stations, five of them underground.", true},
		{"unit", "The University is organized into eleven separate academic units—ten faculties and an institute.", true},
		{"plant", "Talks cover about 1,900 workers at Ostrand's two smaller plants.", true},
		{"home", "The storm destroyed 42 houses on the coast.", true},
	} {
		if got := a.countedHead(c.stem, c.text); got != c.want {
			t.Errorf("countedHead(%q, %q) = %v, want %v", c.stem, c.text, got, c.want)
		}
	}
}

// A year says when, not how many: it does not answer "how much" or "how
// many", while a count beside a year does.
func TestYearIsNoCount(t *testing.T) {
	checkTyped(t, []typedCase{
		{"How much higher did the bids come in?", "The budget was raised in 2022 after bids came in higher than expected.", false},
		{"How much higher did the bids come in?", "In 2022 the bids came in $40 million higher than expected.", true},
		{"how many residents were moved out in 2019", "About 2019 residents were moved out.", true},
		{"How many goals did he score in 2021?", "He scored 27 goals in 2021.", true},
		{"How many pupils attended the school in 1861?", "Under the headmaster Charles Ellery (1861–1889) it became a boarding school.", false},
		{"How many police were deployed?", "Some 2000 police were deployed for the summit.", true},
		{"How many farmers took part in the blockades?", "Farmers in Sellick blocked highways for several days.", false},
		{"How many farmers took part in the blockades?", "One of the farmers said the blockades would go on.", false},
		{"How many farmers took part in the blockades?", "About 300 farmers blocked the highways.", true},
	})
}

// A who-question that asks for names is not answered by a passage that
// names no one.
func TestNamesAskedNeedNames(t *testing.T) {
	story := "---\ntitle: Spy chiefs meet in Varna\n---\n" +
		"In the fall of 2022, Maravian and Ostrian spymasters met in Varna.\n\n" +
		strings.Repeat("The two countries have not held formal talks since the border war.\n\n", 4) +
		"Maravian intelligence chief Ilse Kova met her Ostrian counterpart again in March.\n"
	e := storyEngine(t, "varna.md", story)
	checkAnswers(t, e, []answerCase{
		{"who were the spymasters that met in varna, like names", ""},
		{"who met in varna in 2022", "spymasters"},
	})
}

// A word typed in lower case where a person's name stands ("did vesz meet
// orbanek", "what did harrold say") that neither the story nor everyday
// English knows names someone the story never names; a rare word
// elsewhere ("bilateral talks", "the groundwork") or a name misspelt
// ("kalvnen") does not.
func TestLowerCaseNamesInPlace(t *testing.T) {
	story := "---\ntitle: Vesz meets farmers over the dam\n---\n" +
		"Agriculture Minister Jan Vesz met farmers in Varna on Monday to discuss the Wend dam.\n\n" +
		strings.Repeat("The dam has held back the Wend since 1931 and needs repairs every decade.\n\n", 4) +
		"Mayor Orla Kalvenn said the talks had laid the groundwork for a bilateral deal.\n"
	e := storyEngine(t, "vesz.md", story)
	checkAnswers(t, e, []answerCase{
		{"did vesz meet orbanek while he was in varna", ""},
		{"what did harrold say abt the dam", ""},
		{"what did kalven say abt the talks", "groundwork"},
		{"were there any bilateral talks", "bilateral"},
		{"did vesz meet farmers in varna", "Vesz"},
	})
	for q, want := range map[string]string{
		"did vesz meet orbanek while he was in varna":      "orbanek",
		"what did harrold say abt the dam":                 "harrold",
		"what did kalvnen say abt the talks":               "",
		"did they lay the groundwork for a bilateral deal": "",
	} {
		got := strings.Join(e.state.Load().analyzer.lowerNames(q, "vesz"), " ")
		if got != want {
			t.Errorf("lowerNames(%q) = %q, want %q", q, got, want)
		}
	}
}

// "Expected to", "supposed to", "due to" ask about what will happen.
func TestExpectedToIsFuture(t *testing.T) {
	for q, want := range map[string]bool{
		"When is the levee expected to be finished?":      true,
		"when r the trains supposed to start running now": true,
		"When was the levee finished?":                    false,
	} {
		if got := parseQuestion(q).future; got != want {
			t.Errorf("parseQuestion(%q).future = %v, want %v", q, got, want)
		}
	}
}
