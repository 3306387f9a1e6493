package retrieval

import "testing"

func TestRarityOrdersCommonBelowRareWords(t *testing.T) {
	if n := len(englishCounts()); n < 10000 {
		t.Fatalf("the embedded word table has %d stems, want the whole table", n)
	}
	stem := func(w string) string { return Terms(w)[0] }
	common, middling, rare := Rarity(stem("going")), Rarity(stem("delegation")), Rarity(stem("borscht"))
	if !(common < middling && middling <= rare) {
		t.Errorf("rarity going %.2f, delegation %.2f, borscht %.2f: want increasing", common, middling, rare)
	}
	if common != 0.1 || rare != 1 {
		t.Errorf("the bounds: going %.2f (want 0.1), borscht %.2f (want 1)", common, rare)
	}
	if Rarity("zzzqqq") != 1 {
		t.Error("an unknown word must count as rare")
	}
}
