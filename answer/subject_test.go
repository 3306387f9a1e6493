package answer

import "testing"

func TestYesNoSubject(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{"is the saudi crown prince sitting in on the talks", "prince"},
		{"did the harbour master speak to the strikers?", ""}, // after "did", a bare verb
		{"is the harbour master involved", "master"},
		{"Was the school officially associated with a church?", "school"},
		{"are the talks going ahead", "talks"},
		{"did the EU get invited", ""}, // short words may be spelled out
		{"is Lusk running again", ""},  // no determiner: a name
		{"will the deal include minerals", ""},
		{"is the new deputy harbour master from the city", ""}, // more than three words
		{"was the mayor at the meeting", "mayor"},
		{"when is the vote", ""},
		// What is said of the subject is no part of it.
		{"are the repairs done", "repairs"},
		{"was the repair expensive", "repair"},
		{"is the harbour wall a risk", ""}, // no verb ends it within three words
		{"are the repairs done yet", "repairs"},
	} {
		if got := yesNoSubject(c.q); got != c.want {
			t.Errorf("yesNoSubject(%q) = %q, want %q", c.q, got, c.want)
		}
	}
}

// The subject of a yes/no question must be one the story speaks of: "is
// the harbour master taking part" is not answered by what the port
// authority did.
func TestYesNoSubjectTheStoryLacks(t *testing.T) {
	e := storyEngine(t, "portmere.md", dockStory)
	checkAnswers(t, e, []answerCase{
		{"is the harbour master backing the strike", ""},
		{"was the harbour master at the port when the strike began", ""},
		{"is the port authority raising wages", "6 percent"},
		{"did the union leader say the strike would go on", "weekend"},
	})
}
