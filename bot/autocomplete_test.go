package bot

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/internal/fakediscord"
)

// choices dispatches an autocomplete interaction and returns its choices.
func (h *harness) choices(command string, opts ...fakediscord.Option) []*discordgo.ApplicationCommandOptionChoice {
	h.t.Helper()
	d, err := h.fd.Autocomplete(command, opts...)
	if err != nil {
		h.t.Fatal(err)
	}
	st, err := h.fd.WaitChoices(h.ctx(), d.ID)
	if err != nil {
		h.t.Fatalf("no choices for /%s: %v\nlogs:\n%s", command, err, h.logs.String())
	}
	if st.RejectedAcks != 0 {
		h.t.Errorf("the fake refused %d autocomplete results", st.RejectedAcks)
	}
	return st.Choices
}

func choiceValues(cs []*discordgo.ApplicationCommandOptionChoice) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprint(c.Value))
	}
	return out
}

func TestStoryAutocompleteRanksFuzzyTitleMatchesAndNeverAsks(t *testing.T) {
	t.Parallel()
	stories := testStories()
	long := strings.Repeat("A very long headline about the budget ", 6) // over 100 characters
	for n := range 30 {
		stories = append(stories, newsbot.Story{Slug: fmt.Sprintf("market-%02d", n), Title: fmt.Sprintf("Market update %d", n),
			Published: "2026-01-01", Added: fmt.Sprintf("2026-01-01T00:%02d:00Z", n)})
	}
	stories = append(stories, newsbot.Story{Slug: "budget", Title: long, Published: "2026-02-02"})
	h, _, _ := startStories(t, stories, true, nil)

	for _, tc := range []struct {
		command, typed string
		want           []string // the first choices, in order
		n              int      // how many choices; -1: any
	}{
		{"ask", "cafe", []string{"cafe-rent"}, 1},                       // diacritics aside
		{"ask", "CAFÉ OWN", []string{"cafe-rent"}, 1},                   // case aside, word prefixes
		{"ask", "prot", []string{"protesters-capital", "cafe-rent"}, 2}, // the title's first word first
		{"ask", "rent", []string{"rent-prices", "cafe-rent"}, 2},        // starts the title, then a whole word
		{"ask", "rnt prcs", []string{"rent-prices"}, 1},                 // letters in order
		{"summary", "talks", []string{"talks"}, 1},
		{"remove", "market update 29", []string{"market-29"}, 1},
		{"ask", "budget", []string{"budget"}, 1},
		{"ask", "zebra", nil, 0},
		{"ask", "market", []string{"market-29", "market-28"}, 25}, // 30 match: newest first, 25 at most
		{"ask", "", []string{"cafe-rent", "protesters-capital", "rent-prices"}, 25},
	} {
		var opts []fakediscord.Option
		if tc.command == "ask" {
			opts = append(opts, fakediscord.StringOption("question", "what happened?"))
		}
		opts = append(opts, fakediscord.FocusedOption("story", tc.typed), fakediscord.AsAdmin())
		got := h.choices(tc.command, opts...)
		vals := choiceValues(got)
		if tc.n >= 0 && len(got) != tc.n {
			t.Errorf("/%s story:%q: %d choices %v, want %d", tc.command, tc.typed, len(got), vals, tc.n)
		}
		if len(vals) < len(tc.want) || !slices.Equal(vals[:len(tc.want)], tc.want) {
			t.Errorf("/%s story:%q: choices %v, want first %v", tc.command, tc.typed, vals, tc.want)
		}
		for _, c := range got {
			if n := len([]rune(c.Name)); n < 1 || n > 100 {
				t.Errorf("choice name of %d characters: %q", n, c.Name)
			}
		}
	}
	if got := h.choices("ask", fakediscord.FocusedOption("story", "budget")); !strings.HasSuffix(got[0].Name, "… · 2026-02-02") {
		t.Errorf("long title's choice = %q, want it cut before its date", got[0].Name)
	}
	if got := h.choices("ask", fakediscord.FocusedOption("story", "talks")); got[0].Name != "US and Russia to hold talks · 2025-02-17" {
		t.Errorf("choice name = %q", got[0].Name)
	}
	h.ans.mu.Lock()
	asked := len(h.ans.requests)
	h.ans.mu.Unlock()
	if asked != 0 {
		t.Errorf("autocompletion called the engine's Ask %d times", asked)
	}
}

func TestRankAndFolding(t *testing.T) {
	t.Parallel()
	if got := foldedWords("  Pequeño CAFÉ—São Paulo's 2nd   ÉLAN "); !slices.Equal(got, []string{"pequeno", "cafe", "sao", "paulo", "s", "2nd", "elan"}) {
		t.Errorf("foldedWords = %q", got)
	}
	keys := []string{"Rain in Spain", "Spain wins the final", "Sprint planning", "Nothing here"}
	for _, tc := range []struct {
		q    string
		want []int
	}{
		{"spain", []int{1, 0, 2}}, // starts the title, a word later on, then s-p-a-i-n scattered over "sprint planning"
		{"spa", []int{1, 0, 2}},   // word prefixes first
		{"spn", []int{0, 1, 2}},   // subsequences, in the keys' order
		{"pain", []int{0, 1, 2}},  // inside a word (equal, in order) beats scattered from a word's start
		{"ain", []int{0, 1}},      // inside words only: no word of "sprint planning" starts with "a"
		{"pin", []int{2}},         // "planning"; "spain" has the letters but not from a word's start
		{"final spain", []int{1}}, // every word must match
		{"", []int{0, 1, 2, 3}},
		{"xyz", nil},
	} {
		got := rank(keys, tc.q)
		if !slices.Equal(got, tc.want) {
			t.Errorf("rank(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
	long := strings.Repeat("x", 150)
	if v := choiceValue(long); len(v) > 100 || v == choiceValue(long+"y") || !strings.HasPrefix(v, "#") {
		t.Errorf("choiceValue of a long key = %q", v)
	}
	if v := choiceValue("short"); v != "short" {
		t.Errorf("choiceValue(short) = %q", v)
	}
	if n := choiceName(strings.Repeat("é", 300), "2026-01-01"); len([]rune(n)) != 100 {
		t.Errorf("choiceName is %d characters", len([]rune(n)))
	}
}

func TestUnfollowAutocompleteAnswersInTimeWhenTheLibraryHangs(t *testing.T) {
	t.Parallel()
	h, lib, _ := startStories(t, testStories(), false, nil)
	gate := make(chan struct{})
	t.Cleanup(func() { close(gate) })
	lib.with(func(l *fakeLibrary) {
		l.feeds = []newsbot.Feed{{URL: "https://news.example/feed.xml", Title: "Example feed"}}
		l.feedsGate = gate
	})
	d, err := h.fd.Autocomplete("unfollow", fakediscord.FocusedOption("feed", "ex"), fakediscord.AsAdmin())
	if err != nil {
		t.Fatal(err)
	}
	st, err := h.fd.WaitInteraction(h.ctx(), d.ID, func(st fakediscord.InteractionState) bool { return st.Acks+st.RejectedAcks > 0 })
	if err != nil {
		t.Fatal(err)
	}
	if st.Acks != 1 || st.AckType != discordgo.InteractionApplicationCommandAutocompleteResult || len(st.Choices) != 0 {
		t.Errorf("autocomplete with a hanging library: acks %d (refused %d), type %d, choices %d",
			st.Acks, st.RejectedAcks, st.AckType, len(st.Choices))
	}
}
