package answer

import (
	"context"
	"slices"
	"testing"
)

func TestFoldChatSpellsOutChatWording(t *testing.T) {
	cases := []struct{ in, want string }{
		{"wheres it happening", "where is it happening"},
		{"when r they meeting??", "when are they meeting?"},
		{"<@123456789> whats the mayors plan!!!", "what is the mayors plan!"},
		{"@everyone who won <#42> pls", "who won please"},
		{"https://x.example/status/1891 where is he going", "where is he going"},
		{"how long has it been <https://www.example.org/r/news?id=7> going", "how long has it been going"},
		{"www.example.com/a-b.html who won", "who won"},
		{"wat day r the us and russia meeting", "what day are the U.S. and russia meeting"},
		{"is the us-russia thing on", "is the U.S.-russia thing on"},
		{"tell us who won", "tell us who won"},
		{"who\u200b won\u202e the \u2066race\u2069", "who won the race"},
		{"how many ppl came 🎉🎉", "how many people came"},
		{"isnt it closed bc of rain tho", "is not it closed because of rain though"},
		{"Who is U Thant?", "Who is U Thant?"}, // a capital single letter may be an initial
		{"<:pepe:12345> y did it close", "why did it close"},
		{"what did the Justice Dept say", "what did the Justice department say"},
		{"how many ppl died rn", "how many people died now"},
		{"which uni did the 20 yr old go to", "which university did the 20 year old go to"},
		{"who is goin to the summit for the union", "who is going to the summit for the union"},
		{"whatd the mayor say, ya know abt the vote", "what did the mayor say, you know about the vote"},
		{"what did Makin say abt the library", "what did Makin say about the library"},
		{"is Ya Hui on the council", "is Ya Hui on the council"},
		{"@newsbot where r the talks", "where are the talks"},
		{"@News_Bot, who won", "who won"},
		{"what did @buscher say", "what did buscher say"},                    // inside a question, a name
		{"mail press@example.org who won", "mail press@example.org who won"}, // no mention: an address
		{"did they talk b4 this", "did they talk before this"},               // shorthand with a figure
		{"is the vote 2day or 2morrow", "is the vote today or tomorrow"},
		{"was the mtg yday or is it tmr", "was the meeting yesterday or is it tomorrow"},
		{"what happened on the B4 road", "what happened on the B4 road"}, // abbreviations of their own
		{"who runs MTG", "who runs MTG"},
		{"Tmr is the council voting on fees", "tomorrow is the council voting on fees"}, // a phone's capital
		{"who won the 4x4 race in 2024", "who won the 4x4 race in 2024"},
	}
	for _, c := range cases {
		if got := foldChat(c.in); got != c.want {
			t.Errorf("foldChat(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseQuestionKinds(t *testing.T) {
	cases := []struct {
		q    string
		want questionKind
	}{
		{"When does the ferry leave?", kindWhen},
		{"ok so what date was the vote", kindWhen},
		{"How old is the captain?", kindAge},
		{"How long did the strike last?", kindDuration},
		{"How many boats sank?", kindCount},
		{"Where did the fire start?", kindWhere},
		{"What kinds of fish were caught?", kindList},
		{"Why did the bakery close?", kindWhy},
		{"what led to the closure", kindWhy},
		{"What happened after the flood?", kindAfter},
		{"what did the mayor do right after the vote", kindAfter},
		{"what happened just after the flood", kindAfter},
		{"Who runs the mill?", kindWho},
		{"Is the bridge open?", kindYesNo},
		{"What does the mayor think of the plan?", kindOpinion},
		{"How do the fishermen feel about the ban?", kindOpinion},
		{"was the mayor upset about the ban", kindOpinion},
		{"can u sum this whole thing up for me, im lost lol", kindSummary},
		{"What sum did the governor free up from the fund?", kindOther},
		{"what did the mayor say about the vote, like her side of it", kindOther},
		{"Did the fishermen feel betrayed?", kindOpinion},
		{"tl;dr", kindSummary},
		{"can u sum it up", kindSummary},
		{"whats going on", kindSummary},
		{"What happened?", kindSummary},
		{"what's this story about?", kindSummary},
		{"eli5 pls", kindSummary},
		{"What happened to the mill?", kindOther},
		{"What did the council approve?", kindOther},
	}
	for _, c := range cases {
		if got := parseQuestion(c.q).kind; got != c.want {
			t.Errorf("%q: kind %q, want %q", c.q, rule(got).name, rule(c.want).name)
		}
	}
	// Every kind a question can have has its row.
	for _, k := range []questionKind{kindOther, kindWhen, kindCount, kindSummary, kindMeta, kindWhere, kindYesNo,
		kindWho, kindDuration, kindAge, kindList, kindWhy, kindOpinion, kindAfter} {
		if rule(k).kind != k {
			t.Errorf("kind %d has no row", k)
		}
	}
}

func TestQuestionNamesAreRunsOfCapitals(t *testing.T) {
	got := parseQuestion("Did Mayor Ana Ortiz meet the Harbour Board on Tuesday in Lisbon?").names
	want := []string{"Mayor Ana Ortiz", "Harbour Board", "Lisbon"}
	if !slices.Equal(got, want) {
		t.Errorf("names %q, want %q", got, want)
	}
}

func TestEditDistanceAndTypos(t *testing.T) {
	cases := []struct {
		x, y  string
		limit int
		want  int
	}{
		{"kitten", "sitting", 3, 3}, {"massachusett", "masschusett", 2, 1}, {"abc", "abc", 1, 0},
		{"abcdef", "uvwxyz", 2, 3}, {"short", "shorter", 1, 2},
	}
	for _, c := range cases {
		if got := editDistance(c.x, c.y, c.limit); got != c.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", c.x, c.y, c.limit, got, c.want)
		}
	}
}

func TestSmallTalkGetsAFriendlyWordNotARefusal(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{"hi", replyGreeting},
		{"Hey there! 👋", replyGreeting},
		{"<@123> hello", replyGreeting},
		{"good morning", replyGreeting},
		{"thanks!", replyThanks},
		{"thank you so much", replyThanks},
		{"ok cool, thx", replyThanks},
		{"ty", replyThanks},
		// Questions, even short or polite ones, are questions.
		{"hi, who is meeting in Riyadh?", ""},
		{"thanks, and when do they meet?", ""},
		{"who said hello?", ""},
		{"tldr", ""},
		{"okok", ""},
		{"nicety", ""},
		{"ok?", ""},
		{"Cool?", ""},
		{"thanks, cheers", replyThanks},
		{"", ""},
	} {
		if got := smallTalk(c.q); got != c.want {
			t.Errorf("smallTalk(%q) = %q, want %q", c.q, got, c.want)
		}
	}
	e := storyEngine(t, "strike.md", strikeStory)
	a, err := e.Ask(context.Background(), Request{Question: "hi!"})
	if err != nil || a.Answered || !a.SmallTalk || a.Text != replyGreeting || a.Reason == "" || len(a.Citations) != 0 {
		t.Errorf("Ask(hi!) = %+v, %v; want the greeting, not answered, with its reason", a, err)
	}
}

// Taking part asked in other words than "participate" ("in the talks",
// "at the table", "part of this") is read as such (partakeAsked), so that
// "X will not participate" answers it; not of another time, and not a
// topic's or another party's sentence.
func TestPartakeAsk(t *testing.T) {
	for q, want := range map[string]bool{
		"is ukraine even in the talks?":                    true,
		"is ukraine actually at the table for this or nah": true,
		"are the europeans part of this":                   true,
		"is ukraine always in the talks":                   false,
		"is ukraine ever in the talks":                     false,
		"is the meeting in riyadh":                         false,
		"is kellogg in kyiv":                               false,
	} {
		if got := partakeAsked(q); got != want {
			t.Errorf("partakeAsked(%q) = %v, want %v", q, got, want)
		}
	}
	e := storyEngine(t, "tarn.md", "---\ntitle: Tarn talks\n---\n"+
		"Officials of Vell and Osk will hold talks in Tarn on Thursday. "+
		"Traders in Osk have pushed for a seat at the table for the harbour towns.\n\n"+
		"The talks will cover fishing quotas and the river tolls. "+
		"Osk will not participate, a spokesman for Vell said. "+
		"Brenn will participate as an observer.\n\n"+
		"Pia Holm will lead the delegation of Vell.\n")
	checkRefusals(t, e, []refusalCase{
		{"is osk even in the talks??", "Osk will not participate", ""},
		{"is brenn at the table for this", "Brenn will participate", ""},
		{"is holm in the talks?", "Pia Holm", ""},
	})
}
