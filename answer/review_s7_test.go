package answer

import (
	"strings"
	"testing"
)

// Cases a fresh-eyes review of the seventh session's rules found answered
// before them and refused after; each story is the reviewer's kind of
// news, written here.
func TestSessionRulesKeepTheseAnswers(t *testing.T) {
	pad := strings.Repeat("The town has grown by a third since the new road opened.\n\n", 4)
	for _, c := range []struct {
		story string
		cases []answerCase
	}{
		{"---\ntitle: Council passes budget\n---\nThe council approved the budget on Monday but did not say when the new swimming pool would open.\n\n" + pad,
			[]answerCase{{"When did the council approve the budget?", "Monday"}}},
		{"---\ntitle: Ostrow Foods sells Dunmere plant\n---\nOstrow Foods did not disclose the price of the Dunmere plant, which it bought in 2019.\n\n" + pad,
			[]answerCase{{"When did Ostrow Foods buy the plant?", "2019"}}},
		{"---\ntitle: Harlow Town hold on\n---\nHarlow Town did not give up the lead until the 80th minute, when Pell scored.\n\n" + pad,
			[]answerCase{{"When did Harlow Town give up the lead?", "80th minute"}}},
		{"---\ntitle: Mayor attacks tower plan\n---\nMayor Anna Voss called the tower plan reckless on Tuesday, while the developer declined to comment.\n\n" + pad,
			[]answerCase{{"What did the mayor say about the tower plan?", "reckless"}}},
		{"---\ntitle: Mill shuts\n---\nOwner Ida Kern said the company had to close the mill because demand for newsprint had fallen by half.\n\n" + pad,
			[]answerCase{{"Why did the company close the mill?", "demand"}}},
		{"---\ntitle: Lenz makes history\n---\nIn 2019, Mara Lenz became the first woman to win the Halden Open.\n\n" + pad,
			[]answerCase{{"When did Mara Lenz win the Halden Open?", "2019"}}},
		{"---\ntitle: Mill closure\n---\nThe closure of the Arden mill will cost 480 jobs, the union said.\n\nThe mill has made paper since 1948, and workers were told of the decision on Monday.\n\n" + pad,
			[]answerCase{{"How many workers will lose their jobs?", "480"}}},
		{"---\ntitle: March ends in arrests\n---\nPolice arrested 14 protesters after the march through Hale on Saturday.\n\nPeople from across the county joined the march.\n\n" + pad,
			[]answerCase{{"How many people were arrested?", "14"}}},
		{"---\ntitle: School closures\n---\nThe number of schools slated to close has risen to 12, the district said.\n\n" + pad,
			[]answerCase{{"How many schools will close?", "12"}}},
		{"---\ntitle: Summit security\n---\nSome 2000 police were deployed in Varna for the summit.\n\n" + pad,
			[]answerCase{{"How many police were deployed?", "2000"}}},
		{"---\ntitle: Fennick results\n---\nFennick reported a profit margin of 12 percent for last year.\n\n" + pad,
			[]answerCase{{"What was Fennick's profit margin last year?", "12 percent"}}},
		{"---\ntitle: From mill to bakery\n---\nDana Ruiz, who lost her job at the mill in March, has now opened a small business selling sourdough bread and cakes.\n\n" + pad,
			[]answerCase{{"What business did Ruiz open?", "sourdough"}}},
		{"---\ntitle: Bridge inspected\n---\nThe county council sent two engineers to inspect the damaged bridge on Friday.\n\n" + pad,
			[]answerCase{{"Who did the council send to inspect the bridge?", "engineers"}}},
	} {
		e := storyEngine(t, "review.md", c.story)
		checkAnswers(t, e, c.cases)
	}
}

// And what those rules are for still holds with the fixes.
func TestWithheldAfterReview(t *testing.T) {
	pad := strings.Repeat("The town has grown by a third since the new road opened.\n\n", 4)
	e := storyEngine(t, "hale.md", "---\ntitle: Man found in river\n---\n"+
		"Police have not identified the man found in the Hale river on Sunday.\n\n"+pad+
		"A forensic firm hired by the council began work on Monday.\n")
	checkAnswers(t, e, []answerCase{
		{"Who was the man found in the river?", ""},
		{"what forensic firm did the council hire", ""},
	})
}
