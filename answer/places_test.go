package answer

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestPlaceKey(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"Britain", "country:GBR"},
		{"U.K.", "country:GBR"},
		{"United Kingdom", "country:GBR"},
		{"US", "country:USA"},
		{"U.S.", "country:USA"},
		{"Saudi Arabia", "country:SAU"},
		{"saudi", "country:SAU"},
		{"egypt", "country:EGY"},
		{"Moscow", "capital:Moscow"},
		{"kyiv", "capital:Kyiv"},
		// Short codes count only in capitals: these are words.
		{"us", ""},
		{"at", ""},
		{"An", ""},
		{"Kellogg", ""},
		// The library's telephone services are no place.
		{"disaster", ""},
		{"Disaster Relief", ""},
		{"Gulf", ""},
		{"", ""},
	} {
		if got := placeKey(c.name); got != c.want {
			t.Errorf("placeKey(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestPlacesIn(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"France called a meeting of European Union countries and the U.K. on Monday.", []string{"country:FRA", "country:GBR"}},
		{"Talks in Saudi Arabia, and later in Moscow’s suburbs.", []string{"capital:Moscow", "country:SAU"}},
		// Lower-case words are not read as places in a story: "male" is
		// not Malé, nor "turkey" the country.
		{"The male turkey crossed the road.", nil},
		{"New Zealand and Chad", []string{"country:NZL", "country:TCD"}},
	} {
		got := slices.Sorted(maps.Keys(placesIn(c.text)))
		if !slices.Equal(got, c.want) {
			t.Errorf("placesIn(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestPlaceKeyInReadsACapitalAsItsGovernmentUnlessLocated(t *testing.T) {
	for _, c := range []struct{ q, name, want string }{
		{"When does the envoy arrive in Moscow?", "Moscow", "capital:Moscow"},
		{"who flies to kyiv on friday", "kyiv", "capital:Kyiv"},
		{"Which general represents Washington in the conflict?", "Washington", "country:USA"},
		{"What does Moscow want from the talks?", "Moscow", "country:RUS"},
		{"Why did Germany call the meeting?", "Germany", "country:DEU"},
	} {
		if got := placeKeyIn(c.q, c.name); got != c.want {
			t.Errorf("placeKeyIn(%q, %q) = %q, want %q", c.q, c.name, got, c.want)
		}
	}
}

// envoyStory moves people between capitals and names countries in two
// ways ("the U.K.", "Britain" never).
const envoyStory = `---
title: Envoys shuttle before the river treaty talks
---
The special envoy Marta Quell will arrive in Vienna on Thursday to prepare the river treaty talks.
Quell said the talks could settle a dispute that has lasted a decade.
Austria and Hungary share the river, and both have asked for a larger share of its water.
Quell has met farmers on both banks since January.
The Hungarian foreign minister, Lorant Vesz, will fly to Budapest after the first round.
Italy called an emergency meeting of the river countries and the U.K. on Monday to discuss the talks.
Engineers from Slovakia will measure the river's flow in the spring.
Vesz said Hungary would not sign a deal that cut its share.
Quell plans to publish the engineers' figures before the talks.
Farmers downstream say the river ran lower last summer than in any year on record.
Quell said both sides had agreed to share the figures.
The talks are expected to last three days.
Quell will report to the river commission when they end.
Vesz has asked for the talks to be held in public.
Quell declined, saying frank talks need a closed room.
A second round is planned for the autumn.
`

// Names typed in lower case are the story's names still, and a place the
// question moves something to is checked against the passage that
// answers, whatever the question's case; a place the story names another
// way is not missing.
func TestPlacesAndLowerCaseNamesInTheGate(t *testing.T) {
	e := storyEngine(t, "envoy.md", envoyStory)
	checkRefusals(t, e, []refusalCase{
		{"When will Quell arrive in Vienna?", "Thursday", ""},
		{"when will quell arrive in vienna", "Thursday", ""},
		{"When will Quell arrive in Budapest?", "", "Budapest"},
		{"when will quell arrive in budapest", "", "budapest"},
		{"why did germany call an emergency meeting", "", "germany"},
		{"Which country called a meeting of the river countries and Britain?", "Italy", ""},
		{"what did vesz say abt hungary's share", "not sign", ""},
		// A name is not known by a common word sharing its first
		// letters ("Recordon" is not "record").
		{"What did Recordon say about the talks?", "", "Recordon"},
		// Typed in lower case, a word everyday English lacks is as
		// unlikely to be a form of one: "talkov" is not "talks".
		{"what did talkov say abt the talks", "", "covers"},
		{"what did quell say abt the talks", "Quell said", ""},
		// Coverage: "Britain" is found in "the U.K.".
		{"What nation summoned Britain on Monday?", "Italy", ""},
	})
}

// Words people put around a question in chat ("yo", "quick q", "tbh",
// "actually") are not what it asks about: the story lacking them does not
// make its answer cover less of the question.
func TestChatFillerIsNotAskedAbout(t *testing.T) {
	e := storyEngine(t, "envoy.md", envoyStory)
	checkRefusals(t, e, []refusalCase{
		{"yo quick q when does quell actually arrive in vienna tbh", "Thursday", ""},
		{"ok so how long r the talks supposed to last lol", "three days", ""},
		// An opening "wait" or "anyone know", and a name standing alone
		// with filler: the name is what is asked about.
		{"wait who tf is marta quell", "envoy", ""},
		{"anyone know when quell arrives in vienna?", "Thursday", ""},
		// Shouted, the question is read in lower case.
		{"WHEN WILL QUELL ARRIVE IN VIENNA", "Thursday", ""},
		{"WHEN WILL QUELL ARRIVE IN BUDAPEST", "", "budapest"},
	})
}

func TestShouted(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"WHEN DID THEY MEET IN INDIA", true},
		{"IS UKRAINE EVEN IN THE TALKS???", true},
		{"When did the U.S. envoy land?", false},
		{"NATO?", false}, // one word: an initialism asked about
		{"what did I miss", false},
		{"", false},
	} {
		if got := shouted(c.s); got != c.want {
			t.Errorf("shouted(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

// The thing a "how much" question asks the amount of is its noun, the last
// word before the verb, not an adjective before it: "how much extra
// funding" asks about funding, which the story names.
func TestHowMuchAsksAboutItsNoun(t *testing.T) {
	e := storyEngine(t, "envoy.md", envoyStory+"The commission said the talks would cost the two states 2 million euros in extra funding.\n")
	checkRefusals(t, e, []refusalCase{
		{"How much extra funding will the talks cost the two states?", "2 million", ""},
		{"How much extra electricity will the dam make?", "", "never mentions electricity"},
	})
}

// A question that asks what the bot thinks is refused: no story says it.
// What someone in the story thinks is asked as any other question.
func TestOwnOpinionIsNotAsked(t *testing.T) {
	e := storyEngine(t, "envoy.md", envoyStory)
	checkRefusals(t, e, []refusalCase{
		{"do u think hungary will sign the deal?", "", "opinion"},
		{"What's your take on the river talks?", "", "opinion"},
		{"In your opinion, will the talks last?", "", "opinion"},
		{"What did Vesz say Hungary would not sign?", "deal", ""},
	})
}

// A name made of common words ("Water Council") is checked against the
// passage that answers like any name, when the story writes it so.
func TestNameOfCommonWordsIsAName(t *testing.T) {
	story := envoyStory + "The Water Council pledged 5 million euros to repair the old dam.\n" +
		strings.Repeat("Boats carried grain down the river as they have for centuries.\n", 3) +
		"The Farmers Union said the old dam was safe for another winter.\n"
	e := storyEngine(t, "envoy.md", story)
	checkRefusals(t, e, []refusalCase{
		{"How much did the Water Council pledge to repair the dam?", "5 million", ""},
		{"Did the Water Council say the old dam was safe for another winter?", "", "Water Council"},
		{"Did the Farmers Union say the old dam was safe for another winter?", "Farmers Union said", ""},
	})
}

// "Who did X verb?" asks what X did: a passage that has X only after the
// verb, as the one it was done to, answers another question.
func TestRoleSwapIsRefused(t *testing.T) {
	e := storyEngine(t, "envoy.md", envoyStory+"Vesz agreed to meet Quell in Vienna before the talks.\n")
	checkRefusals(t, e, []refusalCase{
		{"Who did Vesz agree to meet in Vienna?", "Quell", ""},
		{"Who did Quell agree to meet in Vienna?", "", "not the one who does"},
		// "…, said Vesz": a speech verb puts its subject after it.
		{"What did Vesz say about the deal?", "not sign", ""},
	})
}

// A closed compound the story lacks is read as its parts when the story
// has them: "goalscorer" is "goals" and "scorer".
func TestCompoundReadAsItsParts(t *testing.T) {
	story := envoyStory + "Lorant Vesz was once the river league's leading scorer, with 212 goals for Budapest.\n"
	e := storyEngine(t, "envoy.md", story)
	an := e.state.Load().analyzer
	for _, c := range []struct{ stem, l, r string }{
		{"goalscor", "goal", "scorer"},
		{"riverbank", "river", "bank"},
		{"talk", "", ""},
		{"boathous", "", ""}, // no "boat" in the story
	} {
		if l, r := an.compoundParts(c.stem); l != c.l || r != c.r {
			t.Errorf("compoundParts(%q) = %q, %q; want %q, %q", c.stem, l, r, c.l, c.r)
		}
	}
	checkRefusals(t, e, []refusalCase{
		{"Who was the river league's top goalscorer?", "Vesz", ""},
	})
}

// An amount of money is said in any currency: "240,000 crowns", "12
// million zlotys"; "3 days" is not one.
func TestMoneyInAnyCurrency(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"Marsh donated 240,000 crowns for the building.", true},
		{"The bridge cost 12 million zlotys.", true},
		{"It cost $4.5 million.", true},
		{"The talks will last 3 days.", false},
		{"Rovers have won 74 matches.", false},
	} {
		if got := moneyRe().MatchString(c.text); got != c.want {
			t.Errorf("moneyRe on %q = %v, want %v", c.text, got, c.want)
		}
	}
}

// "Followed" is said "succeeded", "shut" is said "closure".
func TestSuccessionAndClosureSynonyms(t *testing.T) {
	story := envoyStory + "The old ferry company was chartered in 1758 and carried grain until its closure in 1911.\n" +
		strings.Repeat("Boats carried grain down the river as they have for centuries.\n", 3) +
		"Anna Lint was the first commissioner of the river.\nShe retired in 1990 and was succeeded by her deputy, Ida Renn.\n"
	e := storyEngine(t, "envoy.md", story)
	checkRefusals(t, e, []refusalCase{
		{"Who followed Anna Lint?", "Ida Renn", ""},
		{"In which year did the ferry company shut down?", "1911", ""},
	})
}

// "Who founded X?" where the story tells who founded something else, and
// speaks of X in other terms, asks what the story does not say; a verb the
// story never uses is a paraphrase, and a synonym is the same deed.
func TestDeedToldOfSomethingElse(t *testing.T) {
	story := envoyStory + "The river commission was founded in 1921 by Ida Renn.\n" +
		strings.Repeat("Boats carried grain down the river as they have for centuries.\n", 3) +
		"Anna Lint led the ferry company for twenty years.\nTom Vale kept the Vienna gauge for a decade.\n" +
		"The river ran lower on Monday than in any spring.\n" +
		strings.Repeat("Boats carried grain down the river as they have for centuries.\n", 3) +
		"Otto Brenn retired on Friday, ending forty years as the lock's keeper.\n"
	e := storyEngine(t, "envoy.md", story)
	checkRefusals(t, e, []refusalCase{
		// The doer's noun says the deed: "the lock's keeper".
		{"Who kept the lock for forty years?", "Otto Brenn", ""},
		{"Who founded the river commission?", "Ida Renn", ""},
		{"Who established the river commission?", "Ida Renn", ""},
		{"Who founded the ferry company?", "", "says of another"},
		{"Who established the ferry company?", "", "says of another"},
		{"Who ran the ferry company for twenty years?", "Anna Lint", ""},
	})
}

// A person is named by two capitalized words or a title, not by a name the
// question itself gives: the viaduct's name does not say who opened it.
func TestNamesSomeoneElse(t *testing.T) {
	q := &question{text: "Who opened the Tessel Viaduct in 1845?"}
	for _, c := range []struct {
		text string
		want bool
	}{
		{"The Tessel Viaduct was listed as a protected structure in 1951.", false},
		{"The viaduct was opened on 9 September 1845 by the Duchess of Wenmarsh.", true},
		{"\"Never this fast,\" said Helena Vasquez-Rourke, the chief hydrologist.", true},
		{"A public inquiry chaired by Sir Aubrey found the chains were weak.", true},
		{"It was opened in 1845.", false},
		{"Sir Aubrey opened the viaduct in 1845.", true},
		{"Queen Victoria opened it.", true},
		{"In Saudi Arabia the viaduct was copied.", false},
		{"Morag Fenn opened it.", true},
	} {
		if got := namesSomeoneElse(q, c.text); got != c.want {
			t.Errorf("namesSomeoneElse(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

// A number with a decimal point is one number: "8.6 metres" is not in a
// story that says "6.8 metres".
func TestDecimalNumberConflicts(t *testing.T) {
	e := storyEngine(t, "envoy.md", envoyStory+"Engineers said the river peaked at 6.8 metres at the Vienna gauge on Friday.\n")
	checkRefusals(t, e, []refusalCase{
		{"When did the river peak at 6.8 metres at the Vienna gauge?", "Friday", ""},
		{"When did the river peak at 8.6 metres at the Vienna gauge?", "", "8.6"},
	})
}

// A name of several words, once written in full, goes by "the" and its
// last word: "the authority's chief engineer" is the Brenholt Water
// Authority's.
func TestNameByItsHeadNoun(t *testing.T) {
	story := "---\ntitle: Dam repairs begin\n---\n" +
		"Work on the old dam on the Lisk begins this spring.\nThe Brenholt Water Authority will pay for the repairs.\n\n" +
		strings.Repeat("Boats carried grain down the river as they have for centuries, and farmers watched the water rise each spring.\n", 12) +
		"\n\"The dam will hold,\" said Ida Renn, the authority’s chief engineer.\n"
	e := storyEngine(t, "dam.md", story)
	checkRefusals(t, e, []refusalCase{
		{"Who is the chief engineer of the Brenholt Water Authority?", "Ida Renn", ""},
	})
	// With another authority in the story, "the authority" is neither.
	e = storyEngine(t, "dam.md", strings.Replace(story, "Work on the old dam", "The Lisk Harbour Authority said work on the old dam", 1))
	checkRefusals(t, e, []refusalCase{
		{"Who is the chief engineer of the Brenholt Water Authority?", "", "Brenholt Water Authority"},
	})
}

// A question asking what share of something is answered by a share ("41
// percent", "a third"), not by any number.
func TestShareIsAnsweredByAShare(t *testing.T) {
	e := storyEngine(t, "envoy.md", envoyStory+"In 1998 the river commission voted to publish the figures.\nAbout 40 percent of the water goes to Hungary.\n"+
		strings.Repeat("Boats carried grain down the river as they have for centuries.\n", 3)+
		"In May, 41 of the 100 farmers downstream voted for the deal.\n")
	checkRefusals(t, e, []refusalCase{
		{"What share of the river's water goes to Hungary?", "40 percent", ""},
		{"What proportion of the farmers downstream voted for the deal?", "41 of the 100", ""},
		{"What percentage of the river commission voted to publish the figures in 1998?", "", "number"},
	})
}

// "When did X die?" where the story tells of someone else's death, and of
// X only in other terms, asks what the story does not say.
func TestWhenDeedToldOfSomeoneElse(t *testing.T) {
	story := envoyStory + "Ida Renn, the first river commissioner, died in 1990.\n" +
		strings.Repeat("Boats carried grain down the river as they have for centuries.\n", 3) +
		"Anna Lint retired from the ferry company in 1985.\n"
	e := storyEngine(t, "envoy.md", story)
	checkRefusals(t, e, []refusalCase{
		{"When did Ida Renn die?", "1990", ""},
		{"When did Anna Lint retire?", "1985", ""},
		{"In what year did Anna Lint die?", "", "says of another"},
		{"in what year did anna lint die", "", "says of another"},
	})
}

// A measure asked by its noun ("the length of") is said by a number and a
// unit ("a 40-metre boat"), and money asked with "pay" or "price" by an
// amount ("bought for 85,000 euros"): the story need not use those words.
func TestMeasuresAndPricesAskedByTheirNoun(t *testing.T) {
	story := envoyStory + "The length of the queue for the commission's new ferry was the talk of the river.\n" +
		strings.Repeat("Boats carried grain down the river as they have for centuries.\n", 3) +
		"The commission's new ferry, a 40-metre boat, was bought from a Danube yard for 85,000 euros.\n" +
		strings.Repeat("Boats carried grain down the river as they have for centuries.\n", 3) +
		"Hungary bought the Lisk Star in 1990 for 40,000 forints.\n"
	e := storyEngine(t, "envoy.md", story)
	checkRefusals(t, e, []refusalCase{
		{"What is the length of the commission's new ferry?", "40-metre", ""},
		{"What price did the commission pay for its new ferry?", "85,000", ""},
		{"What price did Hungary pay for the Lisk Star?", "40,000", ""},
	})
}

// "What did X say about Y?" is answered by what X said: a passage about Y
// next to one quoting X is not it.
func TestWhatSomeoneSaidNamesTheSpeaker(t *testing.T) {
	story := envoyStory + "\nLorant Vesz said on Monday that the talks were a waste of time for Budapest.\nSlovakia has also hoped to join the river commission, but that could take years.\n" +
		strings.Repeat("Boats carried grain down the river as they have for centuries.\n", 3) +
		"“Hungary will never vote for a smaller share of the river.\nWe will not sign,” Vesz said.\n"
	e := storyEngine(t, "envoy.md", story)
	checkRefusals(t, e, []refusalCase{
		{"what did vesz say abt slovakia joining the river commission", "", "does not say what vesz said"},
		// A quotation names its speaker after it.
		{"What did Vesz say about the vote?", "never vote", ""},
		{"What did Vesz say about the talks on Monday?", "waste of time", ""},
		{"What did Quell say about the figures?", "agreed to share", ""},
	})
}

// Named in a quoting sentence, the one asked about is not who speaks
// there: "Vesz also confirmed that … Quell would arrive … for “talks on
// the weir”" does not say what Quell said. One who speaks for them does:
// a spokesman for the ministry.
func TestQuotedBySomeoneElse(t *testing.T) {
	story := "---\ntitle: Envoy to visit the weir\n---\n" +
		"Lorant Vesz also confirmed that the special envoy Marta Quell would arrive in Gyor on Friday for “long talks on the weir.”\n\n" +
		strings.Repeat("Boats carried grain down the river as they have for centuries.\n\n", 3) +
		"Ministry spokesman Pal Ronai said the weir talks would be “mostly about the spring floods.”\n\n" +
		strings.Repeat("Farmers downstream say the river ran lower last summer than in any year on record.\n\n", 3)
	e := storyEngine(t, "weir.md", story)
	checkRefusals(t, e, []refusalCase{
		{"what did quell say after her trip to gyor", "", "quell is not the one who speaks"},
		{"what did vesz confirm about quell", "Gyor", ""},
		{"what does the ministry say the weir talks will be about", "spring floods", ""},
	})
}

// The one asked about speaks though a relative clause stands between the
// name and the verb, or the verb is "replied".
func TestSpeakerAcrossAnAside(t *testing.T) {
	story := "---\ntitle: Ferry to run by summer\n---\n" +
		"“The ferry will run again by summer,” Ana Vrana, who chairs the harbour board, told a rally on Monday, but Piet Dorr said the money was not there.\n\n" +
		strings.Repeat("Boats carried grain down the river as they have for centuries.\n\n", 3) +
		"Asked about the night boat, Vrana replied: “It will sail in May,” though Dorr said it would not.\n\n"
	e := storyEngine(t, "ferry.md", story)
	checkRefusals(t, e, []refusalCase{
		{"what did vrana say about the ferry", "by summer", ""},
		{"what did vrana say about the night boat", "sail in May", ""},
	})
	// "Declared a state of emergency" is no speech: Lind speaks.
	e2 := storyEngine(t, "flood.md", "---\ntitle: Flood\n---\n"+
		"According to Mayor Ana Lind, the flooding is the worst in decades; Governor Piet Varga declared a state of emergency.\n\n"+
		strings.Repeat("Boats carried grain down the river as they have for centuries.\n\n", 3))
	checkRefusals(t, e2, []refusalCase{
		{"what did lind say about the flooding", "worst in decades", ""},
	})
}

// The one told is not the one who speaks: "Toft told Falk".
func TestToldIsNotSpeaking(t *testing.T) {
	if speaks([]string{"falk"}, "“The turbines will drive our young people away from Skarra,” Toft told Falk.") {
		t.Error("Falk, told, read as speaking")
	}
	if !speaks([]string{"toft"}, "“The turbines will drive our young people away from Skarra,” Toft told Falk.") {
		t.Error("Toft, who tells, not read as speaking")
	}
}
