package retrieval

import "testing"

func TestWeightedSumFusesScaledScores(t *testing.T) {
	cos := map[int]float64{1: 0.9, 2: 0.5, 3: 0.1, 4: 0.3}
	bm25 := map[int]float64{3: 12, 4: 6}
	got := WeightedSum(0.5, cos, bm25)
	// Scaled: cos 1: 1, 2: 0.5, 3: 0, 4: 0.25; bm25 3: 1, 4: 0.5, others 0.
	want := []Scored{{Doc: 1, Score: 0.5}, {Doc: 3, Score: 0.5}, {Doc: 4, Score: 0.375}, {Doc: 2, Score: 0.25}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i].Doc != want[i].Doc || abs(got[i].Score-want[i].Score) > 1e-12 {
			t.Errorf("rank %d: %+v, want %+v (all %+v)", i, got[i], want[i], got)
		}
	}
	// The weight moves the balance: mostly lexical puts 3 first.
	if g := WeightedSum(0.2, cos, bm25); g[0].Doc != 3 {
		t.Errorf("weight 0.2: first %d, want 3", g[0].Doc)
	}
}

func TestWeightedSumDegenerateInputs(t *testing.T) {
	if got := WeightedSum(0.5, nil, nil); len(got) != 0 {
		t.Errorf("no candidates: %+v", got)
	}
	// One candidate, or all alike: the best still scores above 0, so a
	// caller may divide by it.
	for _, tc := range []struct{ cos, bm25 map[int]float64 }{
		{map[int]float64{7: 0.2}, nil},
		{map[int]float64{7: -0.1}, map[int]float64{7: 3}},
		{map[int]float64{1: 0.4, 2: 0.4}, map[int]float64{}},
	} {
		got := WeightedSum(0.5, tc.cos, tc.bm25)
		if len(got) == 0 || !(got[0].Score > 0) || got[0].Score > 1 {
			t.Errorf("WeightedSum(%v, %v) = %+v: best not in (0, 1]", tc.cos, tc.bm25, got)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
