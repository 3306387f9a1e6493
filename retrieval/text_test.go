package retrieval

import (
	"reflect"
	"testing"
)

func TestNormalizeFoldsTypographyAndSpace(t *testing.T) {
	cases := map[string]string{
		"won\u2019t  accept":         "won't accept",
		"\u201cjust peace.\u201d":    "\"just peace.\"",
		"Russia \u2014 two\n\nitems": "Russia - two items",
		"  leading and trailing \t ": "leading and trailing",
	}
	for in, want := range cases {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTermsStemsAndDropsStopwords(t *testing.T) {
	got := Terms("Who will represent the U.S. at the G-20? Zelenskyy won\u2019t accept Putin's terms. US and EU and us.")
	want := []string{"repres", "us_", "g20", "zelenskyy", "wont", "accept", "putin", "term", "us_", "eu_"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Terms = %q, want %q", got, want)
	}
}

func TestTermsSplitCompoundsOfWords(t *testing.T) {
	got := Terms("the US-Russia talks, then-U.S. envoy, a full-scale war, the Lavrov-Blinken chat, Covid-19 and the G-20")
	want := []string{"us_", "russia", "talk", "us_", "envoy", "full", "scale", "war", "lavrov", "blinken", "chat", "covid19", "g20"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Terms = %q, want %q", got, want)
	}
}
