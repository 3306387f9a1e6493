package answer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/retrieval"
)

// A story of our own for widening an answer to its neighbours.
const councilStory = `---
title: Council approves night buses
published: 2024-06-11
---
The town council met on Monday to approve the plan.
The plan adds four night bus routes from the station to the hospital.
Councillor Ruth Abara has pushed for the routes since 2021.
"Nurses walk home in the dark after late shifts," she said.
The routes start in September because the new buses arrive in August.
After the vote, the bus company said it would hire twelve drivers.
Ferry services will not change.
`

func TestAnswersWidenToTheSentenceThatAnswers(t *testing.T) {
	e := storyEngine(t, "council.md", councilStory)
	cases := []answerCase{
		// The echo: the first sentence restates the question; the plan is
		// in the next one.
		{"What did the council approve?", "four night bus routes"},
		// A quote said by "she": the sentence before names her.
		{"Who said nurses walk home in the dark?", "Ruth Abara"},
		// Why: the sentence with the cause.
		{"Why do the routes start in September?", "because the new buses arrive"},
		// What happened after: what follows.
		{"What happened after the vote?", "hire twelve drivers"},
	}
	checkAnswers(t, e, cases)
}

func TestYesNoOpensWithYesOrNoOnlyWhenPlain(t *testing.T) {
	e := storyEngine(t, "council.md", councilStory)
	cases := []struct{ q, prefix string }{
		{"Will ferry services change?", "No. "},
		{"Did the council approve the plan?", ""}, // said, but not with "did": the evidence first
	}
	for _, c := range cases {
		a, err := e.Ask(context.Background(), Request{Question: c.q})
		if err != nil || !a.Answered {
			t.Fatalf("%q: %q %v", c.q, a.Text, err)
		}
		if c.prefix != "" && !strings.HasPrefix(a.Text, c.prefix) {
			t.Errorf("%q: %q, want it to open with %q", c.q, a.Text, c.prefix)
		}
		if c.prefix == "" && (strings.HasPrefix(a.Text, "Yes") || strings.HasPrefix(a.Text, "No")) {
			t.Errorf("%q: %q opens with yes or no without saying it plainly", c.q, a.Text)
		}
	}
}

func TestSummarizeGivesCitedPointsOfOneStory(t *testing.T) {
	e := storiesEngine(t, map[string]string{"mill.md": millStory, "flood.md": floodStory}, nil)
	ctx := context.Background()
	a, err := e.Summarize(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	// The newest story (published 2024-03-05) is the flood.
	if !strings.HasPrefix(a.Text, "• The River Sele burst its banks") {
		t.Errorf("newest story's summary: %q", a.Text)
	}
	points := strings.Split(a.Text, "\n")
	if len(points) < 3 || len(points) > 5 || len(a.Citations) != len(points) {
		t.Fatalf("%d points, %d citations:\n%s", len(points), len(a.Citations), a.Text)
	}
	for i, c := range a.Citations {
		if c.Doc != "flood" || !strings.Contains(floodStory, c.Quote) || !strings.Contains(points[i], c.Quote) {
			t.Errorf("point %d cites %+v", i, c)
		}
	}
	for i, c := range a.Citations {
		if c.Ref != i+1 || !strings.HasSuffix(points[i], fmt.Sprintf("[%d]", i+1)) {
			t.Errorf("point %d is cited as [%d] (%q): want each point its own number, in order", i+1, c.Ref, points[i])
		}
	}
	a, err = e.Summarize(ctx, "mill")
	if err != nil || !strings.Contains(a.Text, "Carrow mill") {
		t.Errorf("mill: %q %v", a.Text, err)
	}
	// A point stands alone: not the quote that opens on "It", which
	// needs the sentence before it.
	if strings.Contains(a.Text, "It feels like") {
		t.Errorf("mill summary has a point that needs the sentence before it: %q", a.Text)
	}
	if _, err := e.Summarize(ctx, "no-such-story"); err == nil {
		t.Error("unknown story: no error")
	}
	// Asked in chat words, about one story.
	a, _ = e.Ask(ctx, Request{Question: "tldr of the flood in Brenna pls"})
	if !a.Answered || !strings.Contains(a.Text, "River Sele") || strings.Contains(a.Text, "mill") {
		t.Errorf("tldr: %q", a.Text)
	}
}

func TestSummaryPointsDiffer(t *testing.T) {
	// Three sentences say the same thing: MMR takes one of them.
	story := "---\ntitle: Storm\n---\n" + strings.Repeat("A storm hit the coast of Varda on Sunday night and cut power to the town. ", 1) +
		"The storm hit the coast of Varda on Sunday night, cutting power to the town.\n" +
		"On Sunday night the storm hit Varda's coast and cut the town's power.\n" +
		"Fishermen kept their boats in the harbour for three days.\n" +
		"The school gym became a shelter for forty families.\n" +
		"Repair crews restored power on Wednesday.\n"
	e := storyEngine(t, "storm.md", story)
	a, err := e.Summarize(context.Background(), "storm")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(a.Text, "hit the coast") + strings.Count(a.Text, "hit Varda"); n > 1 {
		t.Errorf("%d points say the storm hit:\n%s", n, a.Text)
	}
}

func TestOfflineQuestionInAnotherLanguage(t *testing.T) {
	e := storyEngine(t, "council.md", councilStory)
	for _, q := range []string{"¿Cuándo empiezan las nuevas rutas de autobús nocturno?", "Wann beginnen die neuen Nachtbuslinien?", "Когда начнутся ночные автобусы?"} {
		a, err := e.Ask(context.Background(), Request{Question: q})
		if err != nil || a.Answered || a.Text != refusalNotEnglish || !strings.Contains(a.Reason, "not English") {
			t.Errorf("%q: %q (reason %q, %v)", q, a.Text, a.Reason, err)
		}
	}
	for _, q := range []string{"when r the new routes starting", "wheres the bus going", "tldr?", "eli5 pls", "summary??", "night buses?"} {
		if a, _ := e.Ask(context.Background(), Request{Question: q}); a.Text == refusalNotEnglish {
			t.Errorf("%q taken for another language", q)
		}
	}
}

// conceptEmbedder is a stand-in sentence encoder: each listed word adds to
// the dimension of its concept, so paraphrases meet.
type conceptEmbedder map[string]int

func (c conceptEmbedder) Model() string { return "concepts" }

func (c conceptEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, text := range texts {
		v := make([]float32, 8)
		v[7] = 0.1
		for _, w := range strings.Fields(strings.ToLower(text)) {
			if d, ok := c[strings.Trim(w, ".,?\"")]; ok {
				v[d]++
			}
		}
		out[i] = v
	}
	return out, nil
}

func TestSemanticSignalPrefersTheSentenceClosestInMeaning(t *testing.T) {
	story := "---\ntitle: Harbour works\n---\n" +
		"Divers inspected the harbour wall on Monday and found cracks.\n" +
		"Divers inspected the harbour wall again on Friday and found it sound.\n"
	q := "What did the divers find when they first inspected the harbour wall?"
	emb := conceptEmbedder{"first": 0, "monday": 0, "again": 1, "friday": 1}
	with := storiesEngine(t, map[string]string{"mill.md": story}, emb)
	a, err := with.Ask(context.Background(), Request{Question: q})
	if err != nil || !strings.HasPrefix(a.Text, "Divers inspected the harbour wall on Monday") {
		t.Errorf("with the encoder: %q %v", a.Text, err)
	}
	emb = conceptEmbedder{"first": 1, "monday": 0, "again": 1, "friday": 0}
	with = storiesEngine(t, map[string]string{"mill.md": story}, emb)
	a, err = with.Ask(context.Background(), Request{Question: q})
	if err != nil || !strings.HasPrefix(a.Text, "Divers inspected the harbour wall again on Friday") {
		t.Errorf("with the encoder reversed: %q %v", a.Text, err)
	}
	_ = retrieval.LocalEmbedder{}
}

// A story of our own where the person is named in full, then by surname,
// then not at all, and the answer is about "she" two sentences later.
const ferryStory = `---
title: Ferry captain steps down
published: 2024-09-02
---
Captain Ilse Varga brought the Marrow Sound ferry into harbour for the last time on Sunday, after twenty-two years at its wheel.

Varga said she would miss the early crossings most, when the water is still and the gulls follow the boat.

The ferry company presented a brass bell engraved with the names of every vessel that has served the route.

She will settle in Port Elwin, where she grew up, and restore an old sailing dinghy.
`

// TestPronounSubjectReadsAsThePersonLastNamed: a sentence whose subject
// is a pronoun answers for the person named sentences before (in full, or
// by surname), rather than the first sentence that names them.
func TestPronounSubjectReadsAsThePersonLastNamed(t *testing.T) {
	e := storyEngine(t, "ferry.md", ferryStory)
	checkAnswers(t, e, []answerCase{
		{"Where will Ilse Varga settle?", "Port Elwin"},
		{"What will Captain Varga restore?", "sailing dinghy"},
		// The first sentence still answers what it says.
		{"How long was Ilse Varga at the ferry's wheel?", "twenty-two years"},
	})
}

func TestMarkCutShowsASentenceCutShort(t *testing.T) {
	long := strings.Repeat("the pumps reached the villages along the river ", 6)
	for _, c := range []struct{ in, want string }{
		{"Ukraine will not take part.", "Ukraine will not take part."},
		{"Kremlin sets talks for Tuesday", "Kremlin sets talks for Tuesday"}, // a headline
		{long + "and the", long + "and the …"},
		{long + "end.", long + "end."},
		{long + "end,” she said.", long + "end,” she said."},
		{long + "as “the best”", long + "as “the best”"},
	} {
		if got := markCut(c.in); got != c.want {
			t.Errorf("markCut(…%q) = …%q, want …%q", tail(c.in), tail(got), tail(c.want))
		}
	}
	// An answer from a story whose one sentence is longer than a chunk.
	story := "---\ntitle: Pumps\n---\n" + "The ministry said that " + strings.Repeat("the relief agency delivered pumps to the flooded villages of the north, ", 30) + "and more are due.\n"
	e := storiesEngine(t, map[string]string{"ferry.md": story}, nil)
	a, err := e.Ask(context.Background(), Request{Question: "What did the relief agency deliver to the flooded villages?"})
	if err != nil || !a.Answered {
		t.Fatalf("answered %v, %v: %q", a.Answered, err, a.Reason)
	}
	if !strings.Contains(a.Text, " … [1]") {
		t.Errorf("the answer does not show that its sentence was cut: …%q", tail(a.Text))
	}
}

// A long line without final punctuation inside a chunk (a list item) is
// whole: only a chunk's last sentence can have been cut.
func TestMarkCutLeavesALongLineInsideAChunkAlone(t *testing.T) {
	item := "The relief agency delivered pumps, generators and tents to the flooded villages of the north, the east, the hill towns beyond the river, the farms of the plain, the fishing ports of the coast and the islands offshore"
	story := "---\ntitle: Relief\n---\n" + item + "\n\nThe agency said more aid would follow next week.\n"
	e := storiesEngine(t, map[string]string{"ferry.md": story}, nil)
	a, err := e.Ask(context.Background(), Request{Question: "What did the relief agency deliver to the flooded villages?"})
	if err != nil || !a.Answered || !strings.Contains(a.Text, "islands offshore") {
		t.Fatalf("answered %v, %v: %q (%s)", a.Answered, err, a.Text, a.Reason)
	}
	if strings.Contains(a.Text, "offshore …") {
		t.Errorf("a whole line was marked as cut: …%q", tail(a.Text))
	}
}

func tail(s string) string {
	if len(s) > 30 {
		return s[len(s)-30:]
	}
	return s
}

// A why question is answered by the sentence that gives a cause, put
// first, as other kinds lead with the sentence that holds what they ask
// for; the sentence that only restates the event ("opened early") follows.
func TestWhyLeadsWithTheSentenceThatGivesTheCause(t *testing.T) {
	story := "---\ntitle: Ashford bridge opens early\n---\n" +
		"The new road bridge over the river Tamm in Ashford opened to traffic on Monday, two months ahead of schedule, the county said.\n\n" +
		"The bridge cost 25 million pounds and was paid for by the county council and a national transport fund, which covered two thirds of the bill.\n\n" +
		"About 12,000 cars a day are expected to use it, council engineer Priya Nair said, easing queues on the old ring road through the town centre.\n\n" +
		"The old crossing, built in 1931, was closed last year after inspectors found deep cracks in two of its stone piers during a routine survey.\n\n" +
		"Shops on the high street had complained for months that the closure kept customers away, and some had cut their opening hours.\n\n" +
		"Work on the new bridge finished early because a mild winter let crews pour concrete through January, Nair said.\n"
	e := storyEngine(t, "bridge.md", story)
	if n := len(e.Index().Chunks()); n < 2 {
		t.Fatalf("the story is %d chunk(s): the case needs the cause in another chunk than the event", n)
	}
	a, err := e.Ask(context.Background(), Request{Question: "Why did the Ashford bridge open early?"})
	if err != nil || !a.Answered {
		t.Fatalf("answered %v, %v (%s)", a.Answered, err, a.Reason)
	}
	if !strings.HasPrefix(a.Text, "Work on the new bridge finished early because") {
		t.Errorf("the answer does not open with the cause: %q", a.Text)
	}
}

// "How long is the bridge?" asks a length; "how long did the work take?"
// a time. A length answers the first, a time the second.
func TestHowLongTakesALengthForAThing(t *testing.T) {
	story := "---\ntitle: Rivermouth bridge opens\n---\n" +
		"The Rivermouth footbridge opened on Wednesday after a delay caused by a shortage of steel cables.\n\n" +
		"The bridge is 240 metres long and crosses the estuary at its narrowest point.\n\n" +
		"The work took 18 months, the city engineer said.\n"
	e := storyEngine(t, "bridge.md", story)
	checkAnswers(t, e, []answerCase{
		{"How long is the bridge?", "240 metres"},
		{"How long did the work take?", "18 months"},
	})
}

// "Was anyone hurt?": "anyone" names nothing to look for, and "Nobody was
// hurt" is a no.
func TestYesNoReadsNobodyAsNo(t *testing.T) {
	story := "---\ntitle: Storm damages Port Elswick harbour\n---\n" +
		"A storm damaged nine boats in Port Elswick harbour overnight, and two were sunk at their moorings.\n\n" +
		"Nobody was hurt, the harbour master said.\n\n" +
		"Repairs to the harbour wall will take about nine days, the council said.\n"
	e := storyEngine(t, "harbour.md", story)
	a, err := e.Ask(context.Background(), Request{Question: "Was anyone hurt?"})
	if err != nil || !a.Answered || !strings.HasPrefix(a.Text, "No.") || !strings.Contains(a.Text, "Nobody was hurt") {
		t.Errorf("answer %q (%v, reason %q), want it to open with No. and quote 'Nobody was hurt'", a.Text, err, a.Reason)
	}
}

// "Who did X verb?" is answered where X does it to someone named, though
// another sentence repeats more of the question's words.
func TestWhoDidXVerbLeadsWithTheOneItWasDoneTo(t *testing.T) {
	story := "---\ntitle: Mayors talk ferry fees\n---\n" +
		"Friday's meeting follows last week's telephone call between Mayor Ana Lind and Governor Piet Varga in which the governor said they talked about fees.\n\n" +
		"After the call, Lind phoned harbour master Tomas Eberle to tell him about their talk.\n\n" +
		strings.Repeat("The ferry between Arlen and Posk carries 900 passengers a day.\n\n", 3) +
		"Port director Ines Rask said last week that the fees were too high and that Governor Varga should cut them.\n\n"
	e := storyEngine(t, "fees.md", story)
	checkAnswers(t, e, []answerCase{
		{"who did lind phone right after talking to varga", "Eberle"},
	})
	q := parseQuestion("Who did Vrana call after the vote?")
	q.names = questionNames(q.text)
	deeds := askedDeeds(&q)
	for text, want := range map[string]bool{
		"Vrana called the harbour master Tomas Eberle after the vote.":     true,
		"Vrana has also called for Finance Minister Ada Kesk to resign.":   false, // "called for"
		"After the vote, Eberle called Finance Minister Ada Kesk.":         false, // someone else calls
		"Vrana phoned Finance Minister Ada Kesk after the vote.":           true,  // a synonym
		"Her plan met with criticism from Senator Jo Varn after the vote.": false,
	} {
		if got := deedObject(deeds, &q, text); got != want {
			t.Errorf("deedObject(%q) = %v, want %v", text, got, want)
		}
	}
}

// "Is X participating?" asks what "X will not participate" says: the
// present of what is planned, answered where the story says it.
func TestIsDoingIsAnsweredByWill(t *testing.T) {
	story := "---\ntitle: Ferry talks in Vigo\n---\n" +
		"The ferry talks between Arlen and Posk open in Vigo on Tuesday.\n\n" +
		"Mayor Ana Lind will lead the Arlen team, aides said. The port union will not participate.\n\n" +
		strings.Repeat("The ferry carries 900 passengers a day.\n\n", 3) +
		"The port union's participation in any talks had been a demand of the dockers for years.\n\n"
	e := storyEngine(t, "vigo.md", story)
	checkAnswers(t, e, []answerCase{
		{"is the port union participating in the talks in vigo", "will not participate"},
	})
	for q, want := range map[string]string{
		"is the port union participating":                       "particip",
		"is Lind's visit connected to the talks involving Posk": "",
		"will the union participate":                            "",
		"is the friday meeting in vigo still on":                "", // a noun in -ing
		"is lind meeting varga in vigo":                         "meet",
	} {
		got := ""
		if ts := doingTerms(q); len(ts) > 0 {
			got = ts[0].stem
		}
		if got != want {
			t.Errorf("doingTerms(%q) = %q, want %q", q, got, want)
		}
	}
}

// "Does X think the talks will achieve anything?" is answered where the
// talks are what will or would do something, not by another view of X's.
func TestPredictionOfTheThingAsked(t *testing.T) {
	story := "---\ntitle: Ferry talks in Vigo\n---\n" +
		"Mayor Ana Lind said on Monday her town had not been invited to the ferry talks and would not accept their outcome.\n\n" +
		strings.Repeat("The ferry between Arlen and Posk carries 900 passengers a day.\n\n", 3) +
		"The ferry talks would “yield no results,” given the absence of any Arlen officials, Lind told reporters.\n\n" +
		"Lind said she thinks the governor will visit Arlen in the spring.\n\n"
	e := storyEngine(t, "vigo.md", story)
	checkAnswers(t, e, []answerCase{
		{"does lind think the ferry talks will achieve anything", "yield no results"},
	})
	// A thing that will or would do something, in no one's words or in
	// another's, is no prediction of the one asked.
	for text, want := range map[string]bool{
		"The ferry talks would “yield no results,” Lind told reporters.":    true,
		"The ferry talks would be the first since 1998.":                    false,
		"The ferry talks will open with a closed session, organisers said.": false,
	} {
		thing, who := predictedThing("does lind think the ferry talks will achieve anything")
		if got := predictedOf(thing, who, text); got != want {
			t.Errorf("predictedOf(lind, %q) = %v, want %v", text, got, want)
		}
	}
	for q, want := range map[string]bool{
		"what does lind think the talks will achieve":     true,
		"what did lind predict the talks would do":        true,
		"what do the talks mean for lind":                 false,
		"does dorr think the talks will achieve anything": false, // Lind's words, not Dorr's
	} {
		thing, who := predictedThing(q)
		if got := predictedOf(thing, who, "The ferry talks would “achieve nothing” without Arlen, Lind said."); got != want {
			t.Errorf("predictedOf(%q) = %v, want %v", q, got, want)
		}
	}
}

// "Will the talks end?" is not said by "will hold talks on ending the
// strike": the word after "will" there is the question's subject, not
// what it asks the subject will do.
func TestYesNoNeedsThePredicate(t *testing.T) {
	const text = "The ferry board will hold talks on ending the strike on Friday."
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"Will the talks end soon?", false},
		{"will the strike actually end", false},
		{"Will the board hold talks?", true},
		{"will they hold talks", true},
		// A subject of more words than one.
		{"will friday's talks end the strike?", false},
		{"will the ferry board talks end the strike", false},
	} {
		q := parseQuestion(c.q)
		if got, _ := saysPlainly(&q, flatTerms(q.text), text); got != c.want {
			t.Errorf("%q on %q: said plainly %v, want %v", c.q, text, got, c.want)
		}
	}
	e := storyEngine(t, "ferry.md", "---\ntitle: Ferry strike talks\n---\n"+
		"The ferry board will hold talks on ending the strike on Friday. "+
		"The strike has stopped all sailings to the islands since May.\n")
	a, err := e.Ask(context.Background(), Request{Question: "Will the talks end the strike?"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(a.Text, "Yes") || strings.HasPrefix(a.Text, "No") {
		t.Errorf("%q opens with yes or no without saying it plainly", a.Text)
	}
	// The verb after "will" must be the one asked about: "Eng will miss
	// the final" does not say whether he will play, nor "the ferry will
	// leave" whether Eide will.
	for _, c := range []struct{ q, text string }{
		{"will Jonas Eng play in the final?", "Eng will miss the final with a knee injury."},
		{"will Jon Eide leave", "The harbour master, Jon Eide, said the first ferry will leave at six."},
		// The one asked about is not the subject: roles reversed, what
		// the subject is of, or a pronoun for someone.
		{"will Tor Dahl replace Jonas Eng", "Jonas Eng will replace the coach, Tor Dahl, in July."},
		{"will Mats Uhr attend the hearing", "A lawyer for the striker Mats Uhr will attend the hearing."},
		{"will Moe fly to Tarn", "They will then fly to Tarn."},
	} {
		q := parseQuestion(c.q)
		if said, _ := saysPlainly(&q, flatTerms(q.text), c.text); said {
			t.Errorf("%q on %q: said plainly, want not", c.q, c.text)
		}
	}
	// Said plainly: a light verb and what it takes ("will have no mail"),
	// and a subject that is not a name, whoever does it to them.
	for _, c := range []struct{ q, text string }{
		{"will the islands get mail", "The islands will have no mail service until the strike ends."},
		{"will the workers be paid for the strike", "The board will pay striking workers nothing for the days lost."},
		{"will New Harbour get a second ferry?", "New Harbour will get a second ferry in the autumn, the board said."},
		{"will Britt Oland sign the agreement", "Oland and Hald will sign the agreement on Friday."},
		{"will Per Hagen ask the court to review it", "Hagen said he will ask the regional court to review the decision."},
	} {
		q := parseQuestion(c.q)
		if said, _ := saysPlainly(&q, flatTerms(q.text), c.text); !said {
			t.Errorf("%q on %q: not said plainly, want it said", c.q, c.text)
		}
	}
}

// "No." only when what the question asks is negated, not when another
// clause of the passage is: "Vik will attend. He will not vote."
func TestYesNoNegatedClause(t *testing.T) {
	for _, c := range []struct {
		q, text string
		neg     bool
	}{
		{"will Vik attend the meeting", "Vik will attend the meeting, but he will not vote.", false},
		{"will Vik attend the meeting", "Vik will not attend the meeting.", true},
		{"will Vik attend the meeting", "Vik won't attend the meeting.", true},
		{"was anyone hurt", "Nobody was hurt, the harbour master said.", true},
		{"will the board pay the workers", "The board will pay striking workers nothing for the days lost.", true},
	} {
		q := parseQuestion(c.q)
		said, neg := saysPlainly(&q, flatTerms(q.text), c.text)
		if !said || neg != c.neg {
			t.Errorf("%q on %q: said %v negated %v, want said, negated %v", c.q, c.text, said, neg, c.neg)
		}
	}
}

// A negated subject ("No councillors", "None of the engineers", "Neither
// Karro nor Orr") says no; "not only" does not; a possessive is not the
// subject ("Vell's deputy will attend" is no Yes for Vell); a "nothing"
// of another clause is not this one's.
func TestYesNoSubjectsAndNegation(t *testing.T) {
	for _, c := range []struct {
		q, text   string
		said, neg bool
	}{
		{"will the councillors attend the hearing", "No councillors will attend the hearing.", true, true},
		{"will the engineers testify", "None of the engineers will testify at the inquiry.", true, true},
		{"will Karro take questions", "Neither Karro nor Orr will take questions.", true, true},
		{"will the ferries run on time", "The ferries will not only run on time but will also run more often.", true, false},
		{"will Vell attend the opening", "Vell's deputy will attend the opening.", false, false},
		{"will the council pay the overtime", "The council will pay the overtime, but nothing else will change.", true, false},
	} {
		q := parseQuestion(c.q)
		said, neg := saysPlainly(&q, flatTerms(q.text), c.text)
		if said != c.said || said && neg != c.neg {
			t.Errorf("%q on %q: said %v negated %v, want %v %v", c.q, c.text, said, neg, c.said, c.neg)
		}
	}
}

// A pronoun subject ("are they participating") is whoever they are: the
// lift for "They will not participate" stays.
func TestPronounSubjectDoing(t *testing.T) {
	q := parseQuestion("are they participating")
	if subjectStems(&q) != nil {
		t.Errorf("subjectStems(%q) = %v, want nil for a pronoun", q.text, subjectStems(&q))
	}
	if !rule(q.kind).near(&q, flatTerms(q.text), "They will not participate.") {
		t.Error("\"They will not participate.\" is no near answer of \"are they participating\"")
	}
}
