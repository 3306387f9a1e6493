package answer

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// quelmarStory is a story of our own: it names its places and company but
// never calls them by a region or an adjective.
const quelmarStory = `---
title: New ferry links Tavira and Quelmar
published: 2024-04-11
---
The ferry company Ostrava Lines will start a daily crossing between Tavira and the island of Quelmar in June.
Chief executive Mirela Dusk said the ship, the Saltwind, carries 300 passengers and 80 cars.
The island council of Quelmar paid for a new pier, which opened on Monday.
Fishermen in Tavira fear the ferry will crowd the small harbour in summer.
`

func TestQuestionNamesLeavesOutDescriptions(t *testing.T) {
	cases := []struct {
		q    string
		want []string
	}{
		// A region or adjective before a lower-case noun describes it.
		{"Which Gulf port will the ferry serve?", nil},
		{"Is the island joining the Atlantic alliance?", nil},
		// Before a function word, a possessive or another capital: a name.
		{"Who founded Cambridge in 1650?", []string{"Cambridge"}},
		{"What did Harvard's president say?", []string{"Harvard"}},
		{"What did the Harvard Crimson report?", []string{"Harvard Crimson"}},
		// Words the everyday-English table lacks stay names wherever they stand.
		{"What did the Quelmar council pay for?", []string{"Quelmar"}},
		{"Did the Pompeo visit go well?", []string{"Pompeo"}},
		// The subject after an auxiliary, before its verb: a name.
		{"What did the Senate decide about the pier?", []string{"Senate"}},
		{"What did Harvard announce?", []string{"Harvard"}},
		// Capitalized words as common as "London" are names in the table.
		{"Why is the ferry company moving its office to London soon?", []string{"London"}},
		{"Which London borough owns the pier?", []string{"London"}},
		// Initialisms are names.
		{"What did the NATO summit decide?", []string{"NATO"}},
	}
	for _, c := range cases {
		if got := questionNames(c.q); !slices.Equal(got, c.want) {
			t.Errorf("questionNames(%q) = %q, want %q", c.q, got, c.want)
		}
	}
}

func TestMissingNameRefusesNamesNotDescriptions(t *testing.T) {
	e := storiesEngine(t, map[string]string{"ferry.md": quelmarStory}, nil)
	cases := []struct {
		q, want, reason string // want "" is a refusal whose Reason holds reason
	}{
		// "Atlantic" describes the island; the story lacking it weighs in
		// coverage, and the rest of the question is well covered.
		{"Which Atlantic island council paid for a new pier?", "Quelmar", ""},
		// A rare name swapped into a true sentence still refuses.
		{"Who is the chief executive of Varnholm Lines?", "", "Varnholm"},
		{"What did Varnholm say about the new pier?", "", "never names Varnholm"},
		{"When will the daily crossing between Tavira and Sorrelby start?", "", "never names Sorrelby"},
		// A name that is also in the everyday table refuses before a
		// function word: it names a place, it does not describe one.
		{"Who paid for a new pier in Cambridge?", "", "never names Cambridge"},
	}
	for _, c := range cases {
		a, err := e.Ask(context.Background(), Request{Question: c.q})
		if err != nil {
			t.Fatal(err)
		}
		if c.want != "" {
			if !a.Answered || !strings.Contains(a.Text, c.want) {
				t.Errorf("%q: answered=%v %q (reason %q), want it to say %q", c.q, a.Answered, a.Text, a.Reason, c.want)
			}
			continue
		}
		if a.Answered || !strings.Contains(a.Reason, c.reason) {
			t.Errorf("%q: answered=%v %q, reason %q; want a refusal because %q", c.q, a.Answered, a.Text, a.Reason, c.reason)
		}
	}
}

func TestMissingFocusWeighsAModifierOfALightNoun(t *testing.T) {
	e := storiesEngine(t, map[string]string{"ferry.md": quelmarStory}, nil)
	cases := []struct {
		q, want, reason string // want "" is a refusal whose Reason holds reason
	}{
		// "board member": the question asks for a person; "board" only
		// describes her, in a word the story never uses.
		{"Which board member said the ship carries 300 passengers?", "Mirela Dusk", ""},
		// A thing asked for that the story never mentions still refuses.
		{"Which airline flies to Quelmar?", "", "never mentions airline"},
	}
	for _, c := range cases {
		a, err := e.Ask(context.Background(), Request{Question: c.q})
		if err != nil {
			t.Fatal(err)
		}
		if c.want != "" {
			if !a.Answered || !strings.Contains(a.Text, c.want) {
				t.Errorf("%q: answered=%v %q (reason %q), want it to say %q", c.q, a.Answered, a.Text, a.Reason, c.want)
			}
			continue
		}
		if a.Answered || !strings.Contains(a.Reason, c.reason) {
			t.Errorf("%q: answered=%v %q, reason %q; want a refusal because %q", c.q, a.Answered, a.Text, a.Reason, c.reason)
		}
	}
}
