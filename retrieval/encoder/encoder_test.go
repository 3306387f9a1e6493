package encoder

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"slices"
	"testing"
)

// reference is testdata/reference.json, written by
// internal/tools/usereference from TF.js for the inputs of
// testdata/inputs.json (all written for these tests).
type reference struct {
	Source string `json:"source"`
	Cases  []struct {
		Text   string    `json:"text"`
		IDs    []int     `json:"ids"`
		Vector []float64 `json:"vector"`
	} `json:"cases"`
}

func loadReference(t testing.TB) reference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	var inputs []string
	b, err = os.ReadFile("testdata/inputs.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &inputs); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) != len(inputs) || len(ref.Cases) < 50 {
		t.Fatalf("reference has %d cases for %d inputs; want the same, at least 50", len(ref.Cases), len(inputs))
	}
	for i, c := range ref.Cases {
		if c.Text != inputs[i] {
			t.Fatalf("reference case %d is %q, input %q: regenerate with internal/tools/usereference/run.sh", i, c.Text, inputs[i])
		}
	}
	return ref
}

func newEncoder(t testing.TB) *Encoder {
	t.Helper()
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func cosine(a []float32, b []float64) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * b[i]
		na += float64(a[i]) * float64(a[i])
		nb += b[i] * b[i]
	}
	return dot / math.Sqrt(na*nb)
}

func TestTokenizerMatchesReference(t *testing.T) {
	ref := loadReference(t)
	tok := newEncoder(t).Tokenizer()
	var long, unknown, empty bool
	for _, c := range ref.Cases {
		got := tok.Encode(c.Text)
		if !slices.Equal(got, c.IDs) && !(len(got) == 0 && len(c.IDs) == 0) {
			t.Errorf("Encode(%q)\n got %v\nwant %v", c.Text, got, c.IDs)
		}
		long = long || len(c.IDs) > MaxTokens
		unknown = unknown || slices.Contains(c.IDs, UnknownID)
		empty = empty || c.Text == ""
	}
	if !long || !unknown || !empty {
		t.Errorf("inputs lack a case: over %d tokens %v, unknown piece %v, empty %v", MaxTokens, long, unknown, empty)
	}
}

// TestEncoderMatchesReference runs on both matrix paths: the AVX2 kernel
// (when the CPU has it) and gonum.
func TestEncoderMatchesReference(t *testing.T) {
	onBothPaths(t, testEncoderMatchesReference)
}

func testEncoderMatchesReference(t *testing.T) {
	ref := loadReference(t)
	e := newEncoder(t)
	texts := make([]string, len(ref.Cases))
	for i, c := range ref.Cases {
		texts[i] = c.Text
	}
	vecs, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	lowest, worst := 2.0, ""
	for i, c := range ref.Cases {
		if len(vecs[i]) != Dims {
			t.Fatalf("vector %d has %d dimensions", i, len(vecs[i]))
		}
		cos := cosine(vecs[i], c.Vector)
		if cos < 0.999 {
			t.Errorf("cosine with TF.js %.5f < 0.999 for %q", cos, c.Text)
		}
		if cos < lowest {
			lowest, worst = cos, c.Text
		}
	}
	t.Logf("lowest cosine with TF.js over %d inputs: %.5f (%.40q)", len(ref.Cases), lowest, worst)
}

// TestFloat32WeightsMatchReference measures the conversion without the
// quantization, when a float32 weights file is at hand (genuse -float32).
func TestFloat32WeightsMatchReference(t *testing.T) {
	path := os.Getenv("USE_FLOAT32_WEIGHTS")
	if path == "" {
		t.Skip("USE_FLOAT32_WEIGHTS (a file from genuse -float32) not set")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := newModel(b)
	if err != nil {
		t.Fatal(err)
	}
	e := &Encoder{m: m}
	ref := loadReference(t)
	lowest := 2.0
	for _, c := range ref.Cases {
		v, err := e.Embed(context.Background(), []string{c.Text})
		if err != nil {
			t.Fatal(err)
		}
		lowest = min(lowest, cosine(v[0], c.Vector))
	}
	if lowest < 0.9999 {
		t.Errorf("float32 weights: lowest cosine with TF.js %.6f < 0.9999", lowest)
	}
	t.Logf("float32 weights: lowest cosine with TF.js %.6f", lowest)
}

func TestBatchedEqualsOneByOne(t *testing.T) {
	ref := loadReference(t)
	texts := make([]string, len(ref.Cases))
	for i, c := range ref.Cases {
		texts[i] = c.Text
	}
	// A small budget and two workers make many batches of varied sizes.
	e, err := New(Options{Workers: 2, BatchTokens: 64})
	if err != nil {
		t.Fatal(err)
	}
	batched, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range texts {
		one, err := e.Embed(context.Background(), []string{text})
		if err != nil {
			t.Fatal(err)
		}
		var dot float64
		for j := range one[0] {
			dot += float64(one[0][j]) * float64(batched[i][j])
		}
		if dot < 0.99999 {
			t.Errorf("%q: batched and alone differ (cosine %.6f)", text, dot)
		}
	}
}

func TestEmbedHonoursCancellation(t *testing.T) {
	e := newEncoder(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Embed(ctx, []string{"a", "b"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Embed on a cancelled context: %v, want context.Canceled", err)
	}
	// Cancelled while running: many batches, cancelled after the first
	// forward passes have begun.
	texts := make([]string, 400)
	for i := range texts {
		texts[i] = "The council met again on Thursday to discuss the harbour repairs and the ferry timetable."
	}
	ctx, cancel = context.WithCancel(context.Background())
	e2, _ := New(Options{Workers: 2, BatchTokens: 32})
	done := make(chan error, 1)
	go func() {
		_, err := e2.Embed(ctx, texts)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Embed cancelled midway: %v, want context.Canceled", err)
	}
}

func TestEmbedEdges(t *testing.T) {
	e := newEncoder(t)
	if e.Model() != ModelName {
		t.Fatalf("Model() = %q", e.Model())
	}
	vs, err := e.Embed(context.Background(), nil)
	if err != nil || len(vs) != 0 {
		t.Fatalf("Embed(nil) = %v, %v", vs, err)
	}
	// Invalid UTF-8 and control characters are text like any other.
	vs, err = e.Embed(context.Background(), []string{"\xff\xfe bad bytes", "\x00\x01"})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		if math.Abs(n-1) > 1e-4 {
			t.Errorf("vector norm² %v, want 1", n)
		}
	}
}

// TestSimilarityRanksParaphrasesFirst checks that the vectors carry
// meaning: a question is closer to the sentence that answers it in other
// words than to sentences sharing its words.
func TestSimilarityRanksParaphrasesFirst(t *testing.T) {
	e := newEncoder(t)
	texts := []string{
		"Who is the country's top diplomat at the talks?",
		"The foreign minister will lead the delegation to the negotiations.",
		"The country's football team lost at the top of the table.",
		"Heavy rain flooded the streets of the old town.",
	}
	vs, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	sim := func(i, j int) (s float64) {
		for k := range vs[i] {
			s += float64(vs[i][k]) * float64(vs[j][k])
		}
		return s
	}
	if !(sim(0, 1) > sim(0, 2) && sim(0, 1) > sim(0, 3)) {
		t.Errorf("similarities to the question: answer %.3f, shared words %.3f, unrelated %.3f", sim(0, 1), sim(0, 2), sim(0, 3))
	}
}

func TestCutBatches(t *testing.T) {
	seqsOf := func(lens ...int) [][]int {
		s := make([][]int, len(lens))
		for i, n := range lens {
			s[i] = make([]int, n)
		}
		return s
	}
	repeat := func(n, times int) []int {
		out := make([]int, times)
		for i := range out {
			out[i] = n
		}
		return out
	}
	for _, c := range []struct {
		name            string
		lens            []int
		budget, workers int
		want            int // batches
	}{
		{"none", nil, 2048, 2, 0},
		{"one text", []int{22}, 2048, 2, 1},
		{"empty texts", []int{0, 0, 0}, 2048, 2, 1},
		{"an article shares the workers", repeat(22, 40), 2048, 2, 4}, // 880 tokens: batches of 256+
		{"a quarter of each share", repeat(22, 128), 2048, 2, 8},      // 2,816 tokens: batches of 352+
		{"the budget caps", repeat(100, 100), 300, 1, 34},             // 3 texts a batch
		{"a text over the budget is alone", []int{10, 500, 10}, 64, 1, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			seqs := seqsOf(c.lens...)
			bs := cutBatches(seqs, c.budget, c.workers)
			if len(bs) != c.want {
				t.Errorf("%d batches %v, want %d", len(bs), bs, c.want)
			}
			next := 0
			for _, b := range bs {
				if b.lo != next || b.hi <= b.lo {
					t.Fatalf("batches %v do not cover the texts in order", bs)
				}
				tokens := 0
				for _, s := range seqs[b.lo:b.hi] {
					tokens += len(s)
				}
				if tokens > c.budget && b.hi-b.lo > 1 {
					t.Errorf("batch %v has %d tokens, over the budget %d", b, tokens, c.budget)
				}
				next = b.hi
			}
			if next != len(seqs) {
				t.Fatalf("batches %v end at %d of %d texts", bs, next, len(seqs))
			}
		})
	}
}
