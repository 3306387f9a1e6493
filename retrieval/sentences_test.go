package retrieval

import (
	"reflect"
	"testing"
)

func sentences(text string) []string {
	var out []string
	for _, s := range SplitSentences(text) {
		out = append(out, text[s.Start:s.End])
	}
	return out
}

func TestSplitSentences(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string
	}{
		{"plain", "One sentence. Two sentences! Three?", []string{"One sentence.", "Two sentences!", "Three?"}},
		{"initialism does not end", "The U.S. President spoke. Then he left.", []string{"The U.S. President spoke.", "Then he left."}},
		{"title abbreviation", "Retired Gen. Keith Kellogg arrives on Feb. 20 in Kyiv. He will stay.", []string{"Retired Gen. Keith Kellogg arrives on Feb. 20 in Kyiv.", "He will stay."}},
		{"closing quote", "He said \u201cno.\u201d Then silence.", []string{"He said \u201cno.\u201d", "Then silence."}},
		{"quote mid sentence", "It would \u201cyield no results,\u201d he said. Next.", []string{"It would \u201cyield no results,\u201d he said.", "Next."}},
		{"lower case after period", "It cost 3.5 million. and more", []string{"It cost 3.5 million. and more"}},
		{"hyphenated initialism", "U.S.-Russian ties fell. They rose.", []string{"U.S.-Russian ties fell.", "They rose."}},
		{"line break after initialism", "help from the U.S.\nNext paragraph.", []string{"help from the U.S.", "Next paragraph."}},
		{"trailing space and no mark", "  Leading space. no end  ", []string{"Leading space. no end"}},
		{"empty", "   ", nil},
		{"initial", "Written by J. Smith today. Done.", []string{"Written by J. Smith today.", "Done."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := sentences(c.text); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
}
