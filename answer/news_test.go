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
