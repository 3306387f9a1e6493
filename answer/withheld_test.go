package answer

import (
	"context"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/retrieval"
)

// withheldStory says, of several things, that they were not given.
var withheldStory = "---\ntitle: Storm floods Harrowfield\n---\n" +
	"HARROWFIELD — Floodwater from the Ambry reached the ground floor of a care home on Mill Lane overnight, and crews rescued 11 residents by boat, fire chief Nell Tasker said.\n\n" +
	"A 31-year-old fisherman who was swept from the quay on Friday had not been found by Sunday; police did not release his name.\n\n" +
	"Mayor Piers Odell said it was too early to estimate the cost of the damage, but that about 200 homes had been flooded.\n\n" +
	"Councillor Ruth Abney, who voted against the flood barrier in 2023, did not return calls seeking comment.\n\n" +
	"Work on a second barrier has begun, though the council has yet to set a date for its completion.\n\n" +
	strings.Repeat("The Ambry has flooded the low town in most wet winters since the mill race was filled in.\n\n", 4) +
	"The 2019 flood damaged 90 homes and cost the town £2 million in repairs, Odell said.\n"

// A passage that says what is asked was not given does not answer it; the
// same passage still answers what it does give.
func TestWithheldIsNotAnAnswer(t *testing.T) {
	e := storyEngine(t, "harrowfield.md", withheldStory)
	checkAnswers(t, e, []answerCase{
		{"What is the name of the missing fisherman?", ""},
		{"How old is the missing fisherman?", "31-year-old"},
		{"What is the estimated cost of the damage?", ""},
		{"How many homes were flooded?", "200"},
		{"What does Ruth Abney make of the flooding?", ""},
		{"Why did Abney vote against the barrier?", ""},
		{"When will the second barrier be finished?", ""},
		{"How many residents were rescued from the care home?", "11"},
		{"How much did the 2019 flood cost?", "£2 million"},
	})
}

// The verb that withholds and what it withholds must be what is asked:
// "did not release his name" is no reason to refuse the fisherman's age, and
// a refusal to comment says nothing of a count.
func TestWithheldMustBeWhatIsAsked(t *testing.T) {
	const name = "A fisherman had not been found by Sunday; police did not release his name."
	const comment = "Councillor Ruth Abney did not return calls seeking comment."
	for _, c := range []struct {
		q, text string
		want    bool
	}{
		{"What is the fisherman's name?", name, true},
		{"who was the missing fisherman", name, true},
		{"When was the fisherman last seen?", name, false},
		{"What did Abney say about the barrier?", comment, true},
		{"What does Abney make of the barrier?", comment, true},
		{"How many calls did Abney get?", comment, false},
		{"When will the barrier open?", "The council did not say when the barrier would open.", true},
		{"Why did the barrier fail?", "It was not clear why the barrier failed.", true},
		{"Who built the barrier?", "It was not clear why the barrier failed.", false},
		{"which departments r getting merged", "The university has also not said which departments would be merged.", true},
		{"which departments r getting cut", "The university has also not said when the departments would be merged.", false},
		{"How many dead fish have been found?", "Dead fish were found along the creek, though the department had not yet estimated how many.", true},
		{"When will the barrier open?", "The council has not said when the barrier would open.", true},
		{"by how much r they growing the relief fund", "The authority will expand a relief fund, created with $3 million, but did not say by how much.", true},
		{"When did the council approve the budget?", "The council approved the budget on Monday but did not say when the pool would open.", false},
		{"When did Ostrow buy the plant?", "Ostrow did not disclose the price of the plant, which it bought in 2019.", false},
	} {
		q := parseQuestion(c.q)
		q.holder = nil
		if m := holderQ.FindStringSubmatch(q.text); m != nil {
			q.holder = []string{strings.ToLower(strings.Fields(m[1])[0])}
		}
		q.names = questionNames(q.text)
		var terms []qterm
		for _, w := range strings.Fields(strings.ToLower(strings.Trim(q.text, "?"))) {
			terms = append(terms, qterm{stem: stemOf(w), weight: 1})
		}
		if got := withheld(&q, terms, c.text) != ""; got != c.want {
			t.Errorf("withheld(%q, %q) = %v, want %v", c.q, c.text, got, c.want)
		}
	}
}

// "What does X make of Y" asks X's view; another's view does not answer it.
func TestMakeOfIsAView(t *testing.T) {
	q := parseQuestion("what does vesz make of the sluice gates")
	if q.kind != kindOpinion {
		t.Fatalf("kind %v, want opinion", q.kind)
	}
	q.holder = []string{"vesz"}
	row := rule(q.kind)
	for text, want := range map[string]bool{
		"Mayor Orla Kalvenn said she hoped the sluice gates would be fixed.": false,
		"Minister Jan Vesz said he opposed the sluice gates.":                true,
	} {
		if got := row.typed(&q, nil, text); got != want {
			t.Errorf("typed(%q) = %v, want %v", text, got, want)
		}
	}
	if q := parseQuestion("What is the bridge made of?"); q.kind == kindOpinion {
		t.Errorf("%q read as an opinion question", q.raw)
	}
}

// What was done is not said by what was meant: "called a meeting to
// decide how to respond" does not say what was decided. What the question
// itself asks as meant, and "to" before a name, are no such thing.
func TestMeantIsNotDone(t *testing.T) {
	story := "---\ntitle: Ministers meet over the Wend dam\n---\n" +
		"Maravia called an emergency meeting of river states on Monday to decide how to share the Wend's water.\n\n" +
		strings.Repeat("The Wend dam has held back the river since 1931 and needs repairs every decade.\n\n", 4) +
		"Minister Jan Vesz threatened on Friday to pull out of the water treaty, citing low summer flows.\n\n" +
		"The council voted on Tuesday to approve the repair plan, which will cost $4 million.\n"
	e := storyEngine(t, "wend.md", story)
	checkAnswers(t, e, []answerCase{
		{"what did the river states decide at the emergency meeting", ""},
		{"When did Vesz threaten to pull out of the treaty?", "Friday"},
		{"What did the council approve?", "repair plan"},
	})
}

// "What forensic firm …", "the name of the care home": a passage that
// speaks of one only as one of its kind, or as someone's ("the town's
// mineral resources"), does not name it; a name in apposition, "called
// …", a list or an amount does.
func TestUnnamedThingIsNoName(t *testing.T) {
	for _, c := range []struct {
		q, text string
		want    bool
	}{
		{"what forensic firm r they using", "The company was working with an outside forensic firm, she said.", true},
		{"What's the name of the care home on Mill Lane?", "Crews rescued 11 residents from a care home on Mill Lane.", true},
		{"What's the name of the care home on Mill Lane?", "Crews rescued 11 residents from a care home, Alder House, on Mill Lane.", false},
		{"What's the name of the care home on Mill Lane?", "Crews rescued 11 residents from the Alder care home on Mill Lane.", false},
		{"what forensic firm r they using", "It hired a firm called Veritas Forensics.", false},
		{"What sum did she leave to the university?", "She left a sum of £1,200 to the university.", false},
		{"What foreign actors are trying to disrupt elections?", "Officials warned of a variety of foreign actors, including Russia and Iran.", false},
		{"What dye was made at the works?", "The works made a red dye that she patented under the name Cawl Crimson.", false},
		// A possessive says whose, not which.
		{"which minerals exactly does the mayor want, lithium or what", "The mayor wants to open up the town's mineral resources to investors.", true},
		{"which minerals exactly does the mayor want", "The mayor wants the town's minerals, chiefly lithium and cobalt.", false},
		{"what company does she run", "She runs her company, Arden Foods, from a farm near Lusk.", false},
		{"which plant is the carmaker closing", "The carmaker said it will close its plant in Georgetown, Kentucky.", false},
		{"what minerals does the country have", "The country's minerals include lithium, titanium and graphite.", false},
		{"what novel did the nurse write", "The nurse wrote her novel \u201cThe Night Ward\u201d during late shifts.", false},
		{"which company does voss want to buy", "Voss said she is looking for a company she would like to buy outright.", true},
	} {
		q := parseQuestion(c.q)
		if got := unnamedThing(&q, c.text, nil) != ""; got != c.want {
			t.Errorf("unnamedThing(%q, %q) = %v, want %v", c.q, c.text, got, c.want)
		}
	}
}

// "Who circulated the plan?" is not answered by the plan circulated with no
// one doing it; by whom, or a doer before the verb, answers.
func TestAgentlessIsNoWho(t *testing.T) {
	for _, c := range []struct {
		q, text string
		want    bool
	}{
		{"Who circulated the draft plan to the deans?", "A draft plan circulated to deans in March referred to consolidation.", true},
		{"Who circulated the draft plan to the deans?", "The draft plan was circulated to deans in March, a spokeswoman said.", true},
		{"Who circulated the draft plan to the deans?", "The draft plan was circulated by Provost Ada Lee in March.", false},
		{"Who circulated the draft plan to the deans?", "Provost Ada Lee circulated the draft plan in March.", false},
		{"Who painted the mural?", "The mural, painted in 1952, was restored last year.", true},
		{"Who painted the mural?", "The mural, painted by Ines Varga in 1952, was restored last year.", false},
		{"Who circulated the draft merger plan?", "The draft merger plan was circulated to all fourteen college deans by Provost Ada Lee in March.", false},
		{"Who drafted the report?", "The report, drafted over the winter, was the work of Provost Ada Lee, who drafted it with two aides.", false},
		{"Who painted the mural last year?", "The mural was painted in the summer of 1952.", true},
		{"Who acquired the company?", "The company has acquired three rivals.", false},
	} {
		q := parseQuestion(c.q)
		if got := agentless(&q, c.text) != ""; got != c.want {
			t.Errorf("agentless(%q, %q) = %v, want %v", c.q, c.text, got, c.want)
		}
	}
}

// echoStory tells one meeting with its cause and one without.
var echoStory = "---\ntitle: Mayors of Arlen and Posk meet again\n---\n" +
	"In the spring of 2019, the mayors of Arlen and Posk met in Lisbon.\n\n" +
	"They met again in Vigo in 2021 because talks on the shared ferry had stalled.\n\n" +
	"In May 2023, the mayors travelled to Oporto for the Atlantic Ports Forum.\n\n" +
	strings.Repeat("The ferry between Arlen and Posk carries 900 passengers a day.\n\n", 3)

// A passage that says only what a why-question asks about, with no cause,
// does not answer it.
func TestWhyIsNotAnsweredByTheEcho(t *testing.T) {
	e := storyEngine(t, "arlen.md", echoStory)
	checkAnswers(t, e, []answerCase{
		{"why did the mayors meet in lisbon back in 2019 tho", ""},
		{"Why did the mayors meet in Vigo in 2021?", "stalled"},
		{"Where did the mayors meet in 2019?", "Lisbon"},
		// A purpose given by name ("for the Atlantic Ports Forum").
		{"why did the mayors travel to oporto in 2023", "Atlantic Ports Forum"},
	})
}

// An outcome asked of what the passage tells as still to come.
func TestStillToCome(t *testing.T) {
	const coming = "The foreign ministers of Ostrava and Belmund will hold talks in Kesh on Friday on reopening the border."
	for _, c := range []struct {
		q, text string
		want    bool
	}{
		{"so what did the talks actually agree on in the end", coming, true},
		{"how did the talks in kesh go", coming, true},
		{"what was the outcome of the talks", coming, true},
		{"did the talks in kesh actually end w a deal", coming, true},
		// "End" asked of something else than an outcome.
		{"did keel end his visit to orvik early", "Keel will cut short his visit to Orvik and fly home on Tuesday.", false},
		{"did the talks in kesh end with a deal", "The talks in Kesh ended on Friday with a deal to reopen the border.", false},
		{"when will the talks be held", coming, false},
		// Asked as a prediction, it is a view, not an outcome.
		{"what did the ministers predict the talks would achieve", coming, false},
		// Told as done, the outcome is said.
		{"what did the ministers agree on", "The foreign ministers agreed on Friday to reopen the border, and will meet again in May.", false},
		{"what did the talks agree on", "The talks, held on Friday, ended without a deal; the ministers will meet again in May.", false},
		// What is to come is something else ("will take office").
		{"how did the ohio governor race turn out", "In Ohio, Dave Yost won the race for governor with 55 percent of the vote and will take office in January.", false},
		{"what did the fed decide on rates", "The Federal Reserve kept interest rates steady and said it will keep watching inflation.", false},
		{"what was the result of the vote on the farm bill", "The Senate passed the farm bill by a vote of 58 to 41, and the measure will now go to the House.", false},
	} {
		q := parseQuestion(c.q)
		terms := flatTerms(q.text)
		if got := stillToCome(&q, terms, c.text, nil) != ""; got != c.want {
			t.Errorf("%q on %q: refused %v, want %v", c.q, c.text, got, c.want)
		}
	}
}

// A story that tells of the talks as still to come gives no outcome of
// them, whichever of its sentences matches the question best; one that
// tells of them as held does.
func TestStillToComeInTheStory(t *testing.T) {
	coming := "---\ntitle: Border talks in Kesh\n---\n" +
		"The mayors of Orvik and Kesh will hold talks in Kesh on Thursday about the border crossing. " +
		"The crossing has been closed since a flood in March.\n\n" +
		"Orvik's mayor, Pell Anders, said on Monday that his trip to Lisbon on Friday was unrelated to the Kesh talks and to any deal on the crossing. " +
		"Traders on both sides want a deal that reopens the crossing before the harvest.\n"
	e := storyEngine(t, "kesh.md", coming)
	checkRefusals(t, e, []refusalCase{
		{"did the kesh talks end up producing any deal on the crossing??", "", "still to come"},
		{"did the talks in kesh reach a deal on the crossing", "", "still to come"},
		{"when will the mayors hold talks", "Thursday", ""},
	})
	// Put off, it is still to come; "a referendum" is the one asked about.
	for _, c := range []struct{ story, q string }{
		{"The board postponed its vote on the harbour plan on Monday. The vote will now take place on 20 March.", "what was the result of the vote on the harbour plan"},
		{"A referendum on independence will be held in Osk on 12 June. Opinion polls suggest that most voters back independence.", "did the independence referendum produce a yes vote"},
	} {
		e := storyEngine(t, "later.md", "---\ntitle: Later\n---\n"+c.story+"\n")
		a, err := e.Ask(context.Background(), Request{Question: c.q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Answered || !strings.Contains(a.Reason, "still to come") {
			t.Errorf("%q on %q: %q (reason %q), want a refusal as still to come", c.q, c.story, a.Text, a.Reason)
		}
	}
	held := strings.Replace(coming, "will hold talks in Kesh on Thursday about the border crossing.", "held talks in Kesh on Thursday and reached a deal to reopen the border crossing; they will meet again in May.", 1)
	e = storyEngine(t, "kesh.md", held)
	checkRefusals(t, e, []refusalCase{
		{"did the kesh talks reach a deal to reopen the crossing", "reached a deal", ""},
	})
}

// A thing the story says is still to be made has no content to tell, and
// a call is no meeting in person.
func TestUnmadeAndNotInPerson(t *testing.T) {
	const plan = "Aide Ana Lind has said there is no chance of direct talks until we develop a plan to end the dispute."
	const call = "Tuesday's talks follow last week's telephone call between Varga and Reel."
	for _, c := range []struct {
		q, text string
		want    bool
	}{
		{"what does linds plan to end the dispute look like", plan, true},
		{"what is in the plan", plan, true},
		{"which aide ruled out talks until a plan exists", plan, false},
		{"what does the plan look like", "The council unveiled a plan on Monday to cut bus fares by half.", false},
		{"when did varga n reel last meet face to face", call, true},
		{"when did varga and reel last talk", call, false},
		{"ok so when do varga n reel actually meet", call, true},
		{"is there a date for the varga reel summit yet", call, true},
		{"who did varga meet", call, false}, // a who-question: the call may name them
		{"when is the varga reel summit", "Varga and Reel agreed in a phone call on Monday to hold the summit on June 3.", false},
		{"did varga and reel meet in person", "Varga and Reel met in person in Lisbon last year, after a phone call in May.", false},
		{"when did carney and trump meet in person", "Carney, who had spoken with Trump by phone several times, held his first talks with him at the White House on Tuesday.", false},
		{"what would the plan do", "The ministry will wait before it unveils its plan, which would cap rents for three years.", false},
		{"what is in the plan", "They worked through the night until they drew up a plan that raises the levee by a metre.", false},
	} {
		q := parseQuestion(c.q)
		terms := flatTerms(q.text)
		got := unmade(&q, terms, c.text) != "" || notInPerson(&q, c.text) != ""
		if got != c.want {
			t.Errorf("%q on %q: refused %v, want %v", c.q, c.text, got, c.want)
		}
	}
}

// A why-question is answered by a passage that gives a reason or tells of
// the deed asked about; one that shares only its names and nouns does
// neither.
func TestReasonless(t *testing.T) {
	for _, c := range []struct {
		q, prev, text string
		want          bool
	}{
		// Neither a reason nor the deed ("cancel the ferry contract").
		{"why did Arlen cancel the ferry contract signed in Posk", "",
			"Lind said she would travel to Posk on Wednesday, but that her trip was unrelated to the ferry talks.", true},
		{"why is varga leading the arlen team and not someone else", "",
			"Varga and Posk's mayor talked briefly at a ports forum two years ago.", true},
		// The deed told, the reason around it.
		{"Why was the harbour master fired?", "",
			"The council said it fired the harbour master, who it called an ineffective leader, on Friday.", false},
		// A reason given as a purpose or a participle.
		{"Why did the presiding officer oppose postponing the work?", "",
			"Council President Ana Lind said the renovation was needed to fix a leaking roof.", false},
		{"why did the ferry stop running", "",
			"The operator halted the service on Monday, citing a shortage of crew.", false},
		// "As planned" gives no reason.
		{"why did Lind cancel the Posk ferry deal", "",
			"Lind said she would travel to Posk on Wednesday as planned, but that her trip was unrelated to the ferry talks.", true},
		// A reason given by a clause of what happened.
		{"why was the Kelby Road bridge closed to drivers", "",
			"The Kelby Road bridge was shut to all traffic on Wednesday as engineers found cracks in two of its supports.", false},
		{"why were pupils at Kelby Primary sent home", "",
			"Kelby Primary School was closed on Monday when its heating system broke down.", false},
		{"why are house prices in Dalmore rising", "",
			"Prices in Dalmore have climbed 12% this year, driven by buyers from Orvik.", false},
		// The deed in the sentence before.
		{"why did the ferry stop running", "The ferry stopped running on Monday.",
			"Crews had walked out over pay.", false},
		// Not a why-question.
		{"did Arlen cancel the ferry contract signed in Posk", "",
			"Lind said she would travel to Posk on Wednesday, but that her trip was unrelated to the ferry talks.", false},
	} {
		q := parseQuestion(c.q)
		q.names = questionNames(c.q)
		if got := reasonless(&q, flatTerms(q.text), c.prev, c.text) != ""; got != c.want {
			t.Errorf("%q on %q: refused %v, want %v", c.q, c.text, got, c.want)
		}
	}
}

// "What did they talk about?" is not answered by a passage that tells of
// the meeting without its topic; a topic after the verb, anywhere in the
// passage or in a quotation is one.
func TestTopicless(t *testing.T) {
	for _, c := range []struct {
		q, text string
		want    bool
	}{
		{"what did the spymasters talk abt in posk", "In the fall of 2022, Arlen and Posk spymasters met in Vigo.", true},
		{"what did the mayors discuss in lisbon", "The mayors of Arlen and Posk met in Lisbon on Monday.", true},
		{"what will they talk about on tuesday", "The mayors will hold talks on Tuesday in Vigo.", true},
		// The topic given.
		{"what will they talk about on tuesday", "The mayors will hold talks on reopening the ferry on Tuesday.", false},
		{"what did the mayors discuss in lisbon", "The mayors discussed the ferry and the port fees in Lisbon.", false},
		{"what did lind talk to varga about", "After the vote, Lind phoned Varga to inform him about the result.", false},
		{"what will the talks be about", "Lind said the talks will be primarily focused on the ferry.", false},
		{"what did they talk about", "The mayors met on Monday and said they “agreed to start work at once.”", false},
		{"what did keel and strand talk about", "Keel and Strand held talks on the ferry subsidy in Vigo.", false},
		{"what did keel and strand discuss", "Keel met Strand in Vigo on Monday to negotiate next year's herring quota.", false},
		{"what did keel and strand talk about", "Keel spoke by phone with Strand on Sunday and thanked her for Posmark's help.", false},
		{"what did keel and strand talk about", "Keel spoke by phone with Strand, a call that covered energy prices.", false},
		{"what did keel and strand talk about", "Keel phoned Lena Strand on Sunday to congratulate her on her re-election.", false},
		{"what did keel and strand talk about", "Keel met Strand over lunch on Monday.", true},
		{"what did keel and strand talk about", "Keel met Strand in Oslo before flying to Vigo.", true},
		{"what did keel and strand talk about", "Keel met Strand in Vigo on March 12.", true},
		{"what did keel and strand talk about", "Keel spoke to reporters after meeting Strand for an hour.", true},
		{"what did keel and strand talk about", "Keel and Strand met on board the Kelby ferry.", true},
		// No meeting told of: other rules judge it.
		{"what did the mayors discuss", "The ferry carries 900 passengers a day.", false},
		// Not asked what was said.
		{"where did the mayors meet", "The mayors of Arlen and Posk met in Lisbon on Monday.", false},
	} {
		q := parseQuestion(c.q)
		if got := topicless(&q, c.text) != ""; got != c.want {
			t.Errorf("%q on %q: refused %v, want %v", c.q, c.text, got, c.want)
		}
	}
}

// Asked what was talked about, the answer is the sentence that gives the
// topic, not the one that tells of the talks.
func TestTopicLeadsTheAnswer(t *testing.T) {
	story := "---\ntitle: Mayors of Arlen and Posk to meet in Vigo\n---\n" +
		"The mayors of Arlen and Posk will hold talks in Vigo on Tuesday, their first meeting in four years.\n\n" +
		strings.Repeat("The ferry between Arlen and Posk carries 900 passengers a day.\n\n", 2) +
		"A spokeswoman said the mayors’ talks in Vigo would be focused on reopening the night service.\n\n" +
		strings.Repeat("Port fees have risen twice since 2021.\n\n", 2)
	e := storyEngine(t, "vigo.md", story)
	checkAnswers(t, e, []answerCase{
		{"what will the mayors talk about in vigo", "night service"},
		{"when will the mayors meet in vigo", "Tuesday"},
	})
}

// "What day is X doing D" is not answered by a day the story gives to
// something else when it tells of D, by that verb, done by others.
func TestWhatDayIsSomeoneDoing(t *testing.T) {
	story := "---\ntitle: Ferry talks in Vigo\n---\n" +
		"The ferry talks, scheduled for Tuesday in Vigo, are meant to settle the fees dispute with Governor Piet Varga.\n\n" +
		strings.Repeat("The ferry between Arlen and Posk carries 900 passengers a day.\n\n", 3) +
		"Mayor Ana Lind and aide Tomas Eberle will fly to Vigo on Monday.\n\n" +
		strings.Repeat("Port fees have risen twice since 2021.\n\n", 2) +
		"Varga is expected to arrive in Vigo on Tuesday morning.\n\n"
	e := storyEngine(t, "vigo.md", story)
	checkRefusals(t, e, []refusalCase{
		{"what day is varga flying to vigo for the talks", "", `does not say "flying"`},
		{"what day is lind flying to vigo", "Monday", ""},
		{"when is varga arriving in vigo", "Tuesday", ""},
	})
	// The story tells of Varga flying too, in a sentence that gives no
	// day: the deed is his, the day the other sentence's.
	story2 := strings.Replace(story, "Varga is expected to arrive in Vigo on Tuesday morning.",
		"Varga, who is flying in from Arlen, lands in Vigo on Tuesday morning.", 1)
	e2 := storyEngine(t, "vigo.md", story2)
	checkRefusals(t, e2, []refusalCase{
		{"what day is varga flying to vigo", "Tuesday", ""},
	})
}

// "Who else" is not answered by a passage that names no one besides those
// asked about, but for the one who tells of them.
func TestNoOneElse(t *testing.T) {
	for _, c := range []struct {
		q, text string
		want    bool
	}{
		{"besides vesz and kis who else is in the delegation",
			"Ministry spokesman Pal Ronai said that Foreign Minister Lorant Vesz and adviser Ana Kis will fly to Gyor later in the day.", true},
		{"besides vesz and kis who else is in the delegation",
			"Vesz, Kis and deputy minister Tomas Eberle will fly to Gyor, ministry spokesman Pal Ronai said.", false},
		{"who else is going apart from vesz",
			"Foreign Minister Lorant Vesz and adviser Ana Kis will fly to Gyor later in the day.", false},
		// Not asked who else.
		{"who is in the delegation",
			"Ministry spokesman Pal Ronai said that Foreign Minister Lorant Vesz and adviser Ana Kis will fly to Gyor.", false},
	} {
		q := parseQuestion(c.q)
		if got := noOneElse(&q, c.text) != ""; got != c.want {
			t.Errorf("%q on %q: refused %v, want %v", c.q, c.text, got, c.want)
		}
	}
}

// "Who showed up" is not answered by a passage that tells who was asked to
// come, not who came.
func TestUnattended(t *testing.T) {
	const called = "Italy called an emergency meeting of the river countries and the U.K. on Monday to discuss the talks."
	for _, c := range []struct {
		q, text string
		want    bool
	}{
		{"which river countries actually showed up to italys emergency meeting", called, true},
		{"who attended the emergency meeting", called, true},
		{"who attended the emergency meeting", "Ministers from Austria and Hungary attended the meeting in Rome on Monday.", false},
		{"who turned up?", "Only Austria and Hungary sent ministers; Slovakia was not present.", false},
		// Who will come, or where one came from, is asked otherwise.
		{"who is attending the emergency meeting", called, false},
		{"which club did he come from", "He joined from Zeeland in May.", false},
	} {
		q := parseQuestion(c.q)
		if got := unattended(&q, c.text) != ""; got != c.want {
			t.Errorf("%q on %q: refused %v, want %v", c.q, c.text, got, c.want)
		}
	}
}

// "The American president said" is not the Russian president speaking,
// though both are presidents; it is the American one.
func TestRoleOfAnotherCountry(t *testing.T) {
	e := storyEngine(t, "call.md", "---\ntitle: Presidents agree to talks\n---\n"+
		"U.S. President Dan Ferris and Russian President Ilya Marrow spoke by phone last week. "+
		"The talks follow the telephone call between Ferris and Marrow in which the American president said they “agreed to have our teams start negotiations at once.” "+
		"The talks will be held in Vienna.\n")
	checkRefusals(t, e, []refusalCase{
		{"did marrow himself say anything about the talks", "", "is not the one who speaks"},
		{"What did Ferris say he and Marrow agreed on during the call?", "start negotiations", ""},
	})
	for _, c := range []struct {
		voices []string
		text   string
		want   bool
	}{
		{[]string{"marrow", "russian", "presid"}, "in which the American president said they agreed", true},
		{[]string{"ferri", "us_", "presid"}, "in which the American president said they agreed", false},
		{[]string{"marrow", "presid"}, "in which the American president said they agreed", false}, // no country of theirs known
		{[]string{"marrow", "russian", "presid"}, "the former president said", false},
		// The one asked about speaks too, or is the one the role is of.
		{[]string{"aalto", "finnish", "presid"}, "Aalto, the Finnish president, said the quotas were too high, while the Estonian president said they were fair", false},
		{[]string{"wrenn", "presid"}, "Wrenn, the Polish president, said the talks were a good first step", false},
		{[]string{"lepp", "estonian", "presid"}, "Kivi, the Finnish president, said funding would rise", true},
	} {
		if got := roleOfOther(c.voices, c.text); got != c.want {
			t.Errorf("roleOfOther(%v, %q) = %v, want %v", c.voices, c.text, got, c.want)
		}
	}
}

// The one asked about does a deed as one of several ("Orr and the
// adviser Ida Renn will fly"), or as "he" after being named, and by the
// story's spelling of the name (doneBy): "what day is X flying" is then
// not refused as a deed of others.
func TestDoneByAcrossSubjects(t *testing.T) {
	e := storyEngine(t, "tarn.md", "---\ntitle: Envoys fly to Tarn\n---\n"+
		"Foreign Minister Pavel Orr and the adviser Ida Renn will fly to Tarn on Monday, a spokesman said. "+
		"The envoy Marta Vell said the talks would be hard.\n\n"+
		"The trade minister, Jonas Brisk, spoke to reporters in Osk. "+
		"He will fly to Tarn on Wednesday.\n")
	checkRefusals(t, e, []refusalCase{
		{"what day is orr flying to tarn", "Monday", ""},
		{"what day is renn flying to tarn", "Monday", ""},
		{"what day is brisk flying to tarn", "Wednesday", ""},
		{"what day is vell flying to tarn", "", `"flying" of others`},
	})
}

// A story of something done that also tells of a next step ("will hold
// another round of talks", "the election commission will publish", "a
// run-off election is scheduled") does not tell of the thing asked about
// as still to come.
func TestDoneWithANextStep(t *testing.T) {
	for _, c := range []struct {
		story, q string
		answered bool // else refused, for another reason than what is to come
	}{
		{"Leaders of Brenn and Holt met in Lisk on Friday for talks on the valley. The talks broke up late on Friday without an agreement. " +
			"The two leaders will hold another round of talks in October.", "did the leaders reach a deal on the valley", false},
		{"Leaders of Brenn and Holt met in Lisk on Friday for talks on the valley. The talks broke up late on Friday without an agreement. " +
			"The two leaders will hold another round of talks in October.", "how did the lisk talks go", true},
		{"The Green Party took 41 percent of the vote in Sunday's municipal election in Lissvik. The election commission will publish the final results on Monday. " +
			"A run-off election in the northern district is scheduled for 12 May.", "how did the election go", true},
		{"A jury in Tarn found the developer Leif Holm guilty of fraud on Wednesday. Judge Eva Lund will sentence Holm on 3 June.", "did the jury decide holm was guilty", true},
		{"The mayors of Orvik and Kesh struck a deal on Thursday to reopen the border crossing. The two mayors will meet again next month to sign the accord.", "did the mayors reach a deal on the crossing?", true},
		{"During two days of talks in Lisk, negotiators from Brenn and Holt argued over grazing rights. Talks will resume in Tarn in September.", "how did the talks go", true},
	} {
		e := storyEngine(t, "done.md", "---\ntitle: Done\n---\n"+c.story+"\n")
		a, err := e.Ask(context.Background(), Request{Question: c.q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Answered != c.answered || strings.Contains(a.Reason, "still to come") {
			t.Errorf("%q on %q: answered %v %q (reason %q), want answered %v and not as still to come", c.q, c.story, a.Answered, a.Text, a.Reason, c.answered)
		}
	}
}

// An ellipsis is no verb of the past ("The talks … will resume"), and a
// role reached through a pronoun is the one it is of ("The minister met
// traders. He will fly to Tarn" after "Trade Minister Jonas Brisk").
func TestDoneByEllipsisAndRolePronoun(t *testing.T) {
	if toldDone(retrieval.Terms("talks")[0], "The talks … will resume in May.") {
		t.Error("an ellipsis read as a verb of the past")
	}
	e := storyEngine(t, "osk.md", "---\ntitle: Trade talks in Osk\n---\n"+
		"Trade Minister Jonas Brisk arrived in Osk on Saturday. "+
		"The minister met traders in the harbour. "+
		"He will fly to Tarn on Wednesday.\n\n"+
		"The envoy Marta Vell will stay in Osk.\n")
	checkRefusals(t, e, []refusalCase{
		{"what day is brisk flying to tarn", "Wednesday", ""},
	})
}
