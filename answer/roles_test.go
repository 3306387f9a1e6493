package answer

import (
	"reflect"
	"sort"
	"testing"

	"github.com/newsbot/newsbot/retrieval"
)

func TestLearnRolesFromTitlesAndAppositives(t *testing.T) {
	text := "Kremlin spokesman Dmitry Peskov said that Russian Foreign Minister Sergey Lavrov will fly there. " +
		"Andriy Yermak, a top Zelenskyy adviser, has said there is no plan. " +
		"The talks, scheduled for Tuesday in Saudi Arabia, follow a call. " +
		"Mayor Jane Doe said the work took six weeks."
	got := map[string][]string{}
	learnRoles(text, got)
	want := map[string][]string{
		"peskov": terms("Kremlin spokesman"),
		"lavrov": terms("Russian Foreign Minister"),
		"yermak": terms("top Zelenskyy adviser"),
		"doe":    terms("Mayor"),
	}
	for k := range got {
		sort.Strings(got[k])
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("roles = %v\nwant    %v", got, want)
	}
}

func terms(s string) []string {
	ts := retrieval.Terms(s)
	sort.Strings(ts)
	return ts
}
