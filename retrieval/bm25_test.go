package retrieval

import (
	"context"
	"reflect"
	"slices"
	"testing"
)

func TestBM25RanksRareTermsHigher(t *testing.T) {
	docs := [][]string{
		Terms("The talks will be held in Saudi Arabia."),
		Terms("Talks, talks and more talks."),
		Terms("NATO membership for Ukraine was unrealistic."),
	}
	ix := NewBM25(docs)
	got := ix.Search(Terms("NATO talks"), 3)
	if len(got) != 3 || got[0].Doc != 2 {
		t.Fatalf("Search = %+v, want doc 2 first", got)
	}
	if ix.IDF("nato") <= ix.IDF("talk") {
		t.Errorf("IDF(nato)=%f <= IDF(talk)=%f", ix.IDF("nato"), ix.IDF("talk"))
	}
	if r := ix.Search([]string{"absent"}, 3); len(r) != 0 {
		t.Errorf("absent term matched %v", r)
	}
	if r := NewBM25(nil).Search([]string{"x"}, 3); r != nil {
		t.Errorf("empty index returned %v", r)
	}
}

func TestRRFFusesRankings(t *testing.T) {
	got := RRF(60, []int{1, 2, 3}, []int{3, 1})
	if got[0].Doc != 1 || got[1].Doc != 3 || got[2].Doc != 2 {
		t.Errorf("RRF = %+v, want 1, 3, 2", got)
	}
}

func TestSearchClampsToCollectionSize(t *testing.T) {
	ctx := context.Background()
	docs := []Document{{Slug: "a", Title: "A", Paragraphs: []string{"Only one paragraph here."}}}
	ix, st, err := Build(ctx, docs, LocalEmbedder{}, IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Chunks != 1 {
		t.Fatalf("chunks = %d", st.Chunks)
	}
	// chromem errors when asked for more results than it holds.
	hits, err := ix.Search(ctx, "paragraph", 50)
	if err != nil || len(hits) != 1 {
		t.Fatalf("hits = %v, err = %v", hits, err)
	}
	empty, _, err := Build(ctx, nil, LocalEmbedder{}, IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if hits, err := empty.Search(ctx, "anything", 5); err != nil || len(hits) != 0 {
		t.Errorf("empty index: %v, %v", hits, err)
	}
}

func TestLocalEmbedderIsDeterministicAndNormalized(t *testing.T) {
	e := LocalEmbedder{}
	a, _ := e.Embed(context.Background(), []string{"Russia invaded Ukraine", ""})
	b, _ := e.Embed(context.Background(), []string{"Russia invaded Ukraine"})
	for i := range a[0] {
		if a[0][i] != b[0][i] {
			t.Fatal("not deterministic")
		}
	}
	for _, v := range a {
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		if n < 0.999 || n > 1.001 {
			t.Errorf("norm² = %f", n)
		}
	}
}

// TestBM25FromIDsEqualsBM25FromStrings: the index built from vocabulary
// ids (as a warm start does) has the postings, statistics and rankings of
// the one built from the terms themselves, on the synthetic corpus.
func TestBM25FromIDsEqualsBM25FromStrings(t *testing.T) {
	sc := synthetic(t, 2000)
	texts := make([]string, len(sc.Chunks))
	strs := make([][]string, len(sc.Chunks))
	for i, c := range sc.Chunks {
		texts[i] = embedText(c)
		strs[i] = lexicalTerms(texts[i])
	}
	// A vocabulary with terms no document uses, as a cache's may have.
	vocab, ids := fillTerms(nil, nil, texts, []string{"unused-a", "unused-b"}, make([][]uint32, len(texts)))
	a, b := NewBM25(strs), newBM25IDs(vocab, ids)
	if a.avgLen != b.avgLen || len(a.postings) != len(b.postings) {
		t.Fatalf("avgLen %v vs %v, %d vs %d terms", a.avgLen, b.avgLen, len(a.postings), len(b.postings))
	}
	for term, pa := range a.postings {
		if pb := b.postings[term]; !reflect.DeepEqual(pa, pb) {
			t.Fatalf("postings of %q differ: %v vs %v", term, pa, pb)
		}
	}
	for _, q := range sc.Queries {
		if ra, rb := a.Search(queryTerms(q.Text), 20), b.Search(queryTerms(q.Text), 20); !reflect.DeepEqual(ra, rb) || len(ra) == 0 {
			t.Fatalf("%q: %v vs %v", q.Text, ra, rb)
		}
	}
}

func TestDocFreqInCountsOnlyTheSubset(t *testing.T) {
	ix := NewBM25([][]string{{"mill", "river"}, {"mill"}, {"river", "flood"}, {"flood"}})
	first := func(doc int) bool { return doc < 2 }
	for _, c := range []struct {
		term     string
		all, sub int
	}{{"mill", 2, 2}, {"river", 2, 1}, {"flood", 2, 0}, {"absent", 0, 0}} {
		if got := ix.DocFreq(c.term); got != c.all {
			t.Errorf("DocFreq(%q) = %d, want %d", c.term, got, c.all)
		}
		if got := ix.DocFreqIn(c.term, first); got != c.sub {
			t.Errorf("DocFreqIn(%q) = %d, want %d", c.term, got, c.sub)
		}
	}
}

// Irregular verbs meet their other forms: a question's "sank" finds the
// story's "sunk", "ran" finds "run", "said" finds "say".
func TestTermsJoinTheFormsOfIrregularVerbs(t *testing.T) {
	for _, c := range [][2]string{
		{"How many boats sank?", "two were sunk"},
		{"Who ran the campaign?", "she will run the campaign"},
		{"What did Peskov say?", "Peskov said"},
		{"Who fled the city?", "thousands flee the city"},
		{"When was it withdrawn?", "they withdrew it"},
	} {
		q, s := Terms(c[0]), Terms(c[1])
		shared := false
		for _, t := range q {
			shared = shared || slices.Contains(s, t)
		}
		if !shared {
			t.Errorf("%q %v and %q %v share no term", c[0], q, c[1], s)
		}
	}
}

// "uk" and "eu" typed in lower case are the initialisms, which no other
// word spells; "us" stays the pronoun.
func TestTermsReadLowerCaseUKAndEUAsInitialisms(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"can ukraine join the eu", []string{"ukrain", "join", "eu_"}},
		{"joining the EU", []string{"join", "eu_"}},
		{"uk and U.K.", []string{"uk_", "uk_"}},
		{"tell us", nil},
	} {
		got := Terms(c.text)
		if len(got) != len(c.want) {
			t.Errorf("Terms(%q) = %q, want %q", c.text, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("Terms(%q) = %q, want %q", c.text, got, c.want)
				break
			}
		}
	}
}
