package retrieval

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// The synthetic corpus: deterministic (seeded) news-like text and
// normalized vectors of OpenAI text-embedding-3-small's size, for
// benchmarks and tests at scale.

const (
	synthDims      = 1536
	synthModel     = "synthetic-1536"
	synthPerDoc    = 10 // chunks per document: one paragraph each
	synthSeed      = 20260401
	synthQueries   = 64
	synthVocabSize = 4000
)

// synthCorpus is a generated corpus: Docs chunk (with ChunkDocument and the
// default options) into exactly Chunks, and Vecs[i] is Chunks[i]'s vector.
type synthCorpus struct {
	Docs      []Document
	Chunks    []Chunk
	Vecs      [][]float32
	TextBytes int // sum of the chunks' text lengths
	Queries   []synthQuery
}

type synthQuery struct {
	Vec  []float32
	Text string
}

// VecBytes is the size of the raw vectors.
func (sc *synthCorpus) VecBytes() int { return len(sc.Vecs) * synthDims * 4 }

var synthCache struct {
	mu sync.Mutex
	m  map[int]*synthOnce
}

type synthOnce struct {
	once sync.Once
	sc   *synthCorpus
}

// synthetic returns the corpus of n chunks (n a multiple of synthPerDoc),
// generated once per process.
func synthetic(tb testing.TB, n int) *synthCorpus {
	tb.Helper()
	synthCache.mu.Lock()
	if synthCache.m == nil {
		synthCache.m = map[int]*synthOnce{}
	}
	o := synthCache.m[n]
	if o == nil {
		o = &synthOnce{}
		synthCache.m[n] = o
	}
	synthCache.mu.Unlock()
	o.once.Do(func() { o.sc = genSynthetic(n, synthSeed) })
	if len(o.sc.Chunks) != n {
		tb.Fatalf("synthetic corpus: %d chunks, want %d", len(o.sc.Chunks), n)
	}
	return o.sc
}

// commonWords head the vocabulary, so the most frequent words (by Zipf
// rank) are real function and news words; the tail is invented words.
var commonWords = strings.Fields(`the of and to in a said that for on is was with by as at from
has it he have be are an his which but not officials after will its they were their government
president minister talks war who this had been would also more than new people one two year
security ceasefire peace forces military troops border agreement deal sanctions economy
election vote parliament court police report city state country region week talks meeting
foreign leaders aid energy prices oil gas market bank officials statement spokesman
according ministry defense attack strike missile drone civilians refugees crisis
negotiations delegation summit envoy treaty alliance support weapons funding budget
opposition protest rally campaign investigation charges trial judge law policy reform`)

var firstNames = strings.Fields(`Anna Boris Carlos Dmitri Elena Farid Grace Hassan Ingrid James
Keiko Lars Maria Nikolai Olga Pedro Qasim Rosa Sergei Tamara Umar Viktor Wang Xenia Yusuf Zofia`)

var lastNames = strings.Fields(`Abbott Baranov Castillo Dubois Eriksen Fischer Garcia Haddad Ivanova
Jensen Kowalski Lindqvist Moreau Nakamura Okafor Petrov Quinn Rahman Schmidt Tanaka Usman Volkov
Walsh Xu Yilmaz Zhang`)

var places = strings.Fields(`Kyiv Riyadh Moscow Washington Brussels Geneva Ankara Warsaw Berlin
Paris London Beijing Tokyo Cairo Doha Istanbul Vienna Helsinki Oslo Madrid`)

var syllables = strings.Fields(`ka ra to mi ne lo sa vi den ter mon bar cal dor fen gal hol
jur kel lan mar nor pol quin ros sul tar ul ven wes yor zan ex in re con pro ment tion al er`)

// synthVocab returns synthVocabSize words: the common words, then invented
// ones.
func synthVocab(r *rand.Rand) []string {
	vocab := append([]string(nil), commonWords...)
	seen := map[string]bool{}
	for _, w := range vocab {
		seen[w] = true
	}
	for len(vocab) < synthVocabSize {
		var b strings.Builder
		for k := 2 + r.IntN(3); k > 0; k-- {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	return vocab
}

type synthWriter struct {
	r     *rand.Rand
	zipf  *rand.Zipf
	vocab []string
}

func (g *synthWriter) word() string {
	switch x := g.r.IntN(40); {
	case x == 0:
		return firstNames[g.r.IntN(len(firstNames))] + " " + lastNames[g.r.IntN(len(lastNames))]
	case x == 1:
		return places[g.r.IntN(len(places))]
	case x == 2:
		return fmt.Sprint(g.r.IntN(2000))
	case x == 3:
		return fmt.Sprintf("%d.%d%%", g.r.IntN(20), g.r.IntN(10))
	}
	return g.vocab[g.zipf.Uint64()]
}

// sentence is 8 to 25 words, capitalized, ending with a period.
func (g *synthWriter) sentence() string {
	var b strings.Builder
	n := 8 + g.r.IntN(18)
	for i := 0; i < n; i++ {
		w := g.word()
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		} else {
			b.WriteByte(' ')
			if g.r.IntN(12) == 0 {
				b.WriteString(", ")
			}
		}
		b.WriteString(w)
	}
	b.WriteByte('.')
	return strings.ReplaceAll(b.String(), " , ", ", ")
}

// paragraph is 380 to 580 bytes of sentences: under the chunker's target
// (600), so each paragraph becomes exactly one chunk even with the
// previous one's last sentence in front (at most 160 + 1 + 580 < 1000).
func (g *synthWriter) paragraph() string {
	var b strings.Builder
	for b.Len() < 380 {
		s := g.sentence()
		if b.Len()+1+len(s) > 580 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	return b.String()
}

func genSynthetic(n int, seed uint64) *synthCorpus {
	if n%synthPerDoc != 0 {
		panic(fmt.Sprintf("synthetic corpus: %d chunks is not a multiple of %d", n, synthPerDoc))
	}
	r := rand.New(rand.NewPCG(seed, 1))
	g := &synthWriter{r: r, vocab: synthVocab(r)}
	g.zipf = rand.NewZipf(r, 1.07, 2, uint64(len(g.vocab)-1))
	sc := &synthCorpus{}
	for d := 0; d < n/synthPerDoc; d++ {
		paras := make([]string, synthPerDoc)
		for i := range paras {
			paras[i] = g.paragraph()
		}
		doc := Document{
			Slug:       fmt.Sprintf("synth-%06d", d),
			Path:       fmt.Sprintf("synth-%06d.md", d),
			Title:      g.sentence(),
			Source:     "Synthetic Wire",
			Raw:        strings.Join(paras, "\n\n"),
			Paragraphs: paras,
		}
		sc.Docs = append(sc.Docs, doc)
		for _, c := range ChunkDocument(doc, ChunkOptions{}) {
			sc.Chunks = append(sc.Chunks, c)
			sc.TextBytes += len(c.Text)
		}
	}
	if len(sc.Chunks) != n {
		panic(fmt.Sprintf("synthetic corpus: %d chunks, want %d", len(sc.Chunks), n))
	}
	sc.Vecs = synthVectors(n, seed)
	for q := 0; q < synthQueries; q++ {
		j := r.IntN(n)
		// A question near chunk j: its vector plus noise, its words.
		v := make([]float32, synthDims)
		for i := range v {
			v[i] = sc.Vecs[j][i] + 0.03*(2*r.Float32()-1)
		}
		normalize32(v)
		ws := strings.Fields(strings.Trim(sc.Chunks[j].Text, "."))
		var qw []string
		for k := 0; k < 6; k++ {
			qw = append(qw, strings.Trim(ws[r.IntN(len(ws))], ".,"))
		}
		sc.Queries = append(sc.Queries, synthQuery{Vec: v, Text: "What did they say about " + strings.Join(qw, " ") + "?"})
	}
	return sc
}

// synthVectors returns n normalized random vectors sharing one backing
// array, generated in blocks on all processors; block b is seeded by
// (seed, b), so the result does not depend on the number of processors.
func synthVectors(n int, seed uint64) [][]float32 {
	const block = 1024
	backing := make([]float32, n*synthDims)
	vecs := make([][]float32, n)
	blocks := (n + block - 1) / block
	parallel(blocks, func(b int) {
		r := rand.New(rand.NewPCG(seed, uint64(b)+2))
		for i := b * block; i < min(n, (b+1)*block); i++ {
			v := backing[i*synthDims : (i+1)*synthDims : (i+1)*synthDims]
			for j := range v {
				v[j] = 2*r.Float32() - 1
			}
			normalize32(v)
			vecs[i] = v
		}
	})
	return vecs
}

func normalize32(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	inv := 1 / math.Sqrt(s)
	for i := range v {
		v[i] = float32(float64(v[i]) * inv)
	}
}

func TestSyntheticCorpusIsDeterministicAndNormalized(t *testing.T) {
	a, b := genSynthetic(1000, 7), genSynthetic(1000, 7)
	if len(a.Chunks) != 1000 || len(a.Docs) != 100 {
		t.Fatalf("%d chunks in %d docs, want 1000 in 100", len(a.Chunks), len(a.Docs))
	}
	for i := range a.Chunks {
		if a.Chunks[i] != b.Chunks[i] {
			t.Fatalf("chunk %d differs between two generations", i)
		}
		for j := range a.Vecs[i] {
			if a.Vecs[i][j] != b.Vecs[i][j] {
				t.Fatalf("vector %d differs between two generations", i)
			}
		}
		var s float64
		for _, x := range a.Vecs[i] {
			s += float64(x) * float64(x)
		}
		if math.Abs(math.Sqrt(s)-1) > 1e-5 {
			t.Fatalf("vector %d has norm %v", i, math.Sqrt(s))
		}
	}
	if a.Queries[0].Text != b.Queries[0].Text {
		t.Fatalf("queries differ: %q, %q", a.Queries[0].Text, b.Queries[0].Text)
	}
}
