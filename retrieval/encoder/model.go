package encoder

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// Shapes of Universal Sentence Encoder Lite.
const (
	// Dims is the length of an output vector.
	Dims = 512
	// MaxTokens is how many tokens of a text the model reads; the rest are
	// ignored, as in the reference graph.
	MaxTokens = 128
	embDims   = 256
	heads     = 4
	ffnDims   = 1536
)

// layer is one pre-LayerNorm transformer layer; matrices are [out, in].
type layer struct {
	dIn, d            int // input and model width
	ln1Scale, ln1Bias []float32
	qkv               matrix // [3d, dIn]
	qkvB              []float32
	qScale            float32
	out               matrix // [d, d]
	outB              []float32
	res               *matrix // [d, dIn] when dIn != d, else nil (identity)
	resB              []float32
	ln2Scale, ln2Bias []float32
	ffn1, ffn2        matrix // [ffnDims, d], [d, ffnDims]
	ffn1B, ffn2B      []float32
}

// model is the whole network with its weights.
type model struct {
	tok    *Tokenizer
	embRow func(id int, dst []float32) // dequantized token embedding
	vocab  int
	inv    []float32 // timing signal inverse timescales, [embDims/2]
	lnEps  float32
	l2Eps  float32
	layers [2]layer
	tanh   matrix // [Dims, Dims]
	tanhB  []float32
}

// newModel builds the model from a weights file (see internal/tools/genuse).
func newModel(file []byte) (*model, error) {
	pieces, scores, ts, err := parseWeights(file)
	if err != nil {
		return nil, err
	}
	g := getter{ts: ts}
	m := &model{tok: newTokenizer(pieces, scores)}
	if q, ok := ts.q["emb"]; ok {
		m.vocab = q.rows
		m.embRow = func(id int, dst []float32) { q.row(id, dst) }
		if q.cols != embDims {
			return nil, fmt.Errorf("weights: emb has %d columns", q.cols)
		}
	} else {
		e, ok := ts.f["emb"]
		if !ok || e.cols != embDims {
			return nil, fmt.Errorf("weights: no token embeddings of %d columns", embDims)
		}
		m.vocab = e.rows
		m.embRow = func(id int, dst []float32) { copy(dst, e.data[id*embDims:(id+1)*embDims]) }
	}
	if m.vocab < len(pieces) {
		return nil, fmt.Errorf("weights: %d embeddings for %d pieces", m.vocab, len(pieces))
	}
	m.inv = g.vec("timing.inv", embDims/2)
	m.lnEps = g.scalar("ln.eps")
	m.l2Eps = g.scalar("l2.eps")
	for i := range m.layers {
		l := &m.layers[i]
		l.dIn, l.d = Dims, Dims
		if i == 0 {
			l.dIn = embDims
		}
		p := fmt.Sprintf("l%d.", i)
		l.ln1Scale, l.ln1Bias = g.vec(p+"ln1.scale", l.dIn), g.vec(p+"ln1.bias", l.dIn)
		l.qkv, l.qkvB = g.mat(p+"qkv.w", 3*l.dIn, l.dIn), g.vec(p+"qkv.b", 3*l.dIn)
		l.qScale = g.scalar(p + "qscale")
		l.out, l.outB = g.mat(p+"out.w", l.d, l.dIn), g.vec(p+"out.b", l.d)
		if l.dIn != l.d {
			r := g.mat(p+"res.w", l.d, l.dIn)
			l.res, l.resB = &r, g.vec(p+"res.b", l.d)
		}
		l.ln2Scale, l.ln2Bias = g.vec(p+"ln2.scale", l.d), g.vec(p+"ln2.bias", l.d)
		l.ffn1, l.ffn1B = g.mat(p+"ffn1.w", ffnDims, l.d), g.vec(p+"ffn1.b", ffnDims)
		l.ffn2, l.ffn2B = g.mat(p+"ffn2.w", l.d, ffnDims), g.vec(p+"ffn2.b", l.d)
	}
	m.tanh, m.tanhB = g.mat("tanh.w", Dims, Dims), g.vec("tanh.b", Dims)
	if g.err != nil {
		return nil, fmt.Errorf("weights: %w", g.err)
	}
	return m, nil
}

// getter fetches tensors by name and shape; the first error sticks.
type getter struct {
	ts  tensors
	err error
}

func (g *getter) fail(format string, a ...any) {
	if g.err == nil {
		g.err = fmt.Errorf(format, a...)
	}
}

// mat returns the matrix name ([rows, cols], that is [out, in]),
// dequantized, with only its transposed copy (t) kept.
func (g *getter) mat(name string, rows, cols int) matrix {
	var m matrix
	if q, ok := g.ts.q[name]; ok {
		m = q.dequantize()
	} else if f, ok := g.ts.f[name]; ok {
		m = f
	} else {
		g.fail("no tensor %s", name)
		return matrix{rows: rows, cols: cols, t: make([]float32, rows*cols)}
	}
	if m.rows != rows || m.cols != cols {
		g.fail("%s is %dx%d, want %dx%d", name, m.rows, m.cols, rows, cols)
	}
	// Only the transposed copy is used: drop the other.
	m.t, m.data = transpose(m), nil
	return m
}

func (g *getter) vec(name string, n int) []float32 {
	f, ok := g.ts.f[name]
	if !ok || len(f.data) != n {
		g.fail("%s: want a float32 vector of %d", name, n)
		return make([]float32, n)
	}
	return f.data
}

func (g *getter) scalar(name string) float32 { return g.vec(name, 1)[0] }

// gemmT sets y[T, w.rows] = x[T, w.cols] · wᵀ + bias, reading w from its
// transposed copy w.t ([in, out]). Where the CPU has AVX2 and FMA it runs
// sgemmKernel, on one core (Encoder.Embed runs one forward pass per
// worker); elsewhere gonum's Sgemm, for which the [in, out] layout takes
// the axpy kernel, 8–12% less CPU than its dot-product kernel on
// [out, in] (BENCHMARKS.md).
func gemmT(x []float32, t int, w matrix, bias []float32, y []float32) {
	for i := 0; i < t; i++ {
		copy(y[i*w.rows:(i+1)*w.rows], bias)
	}
	if useKernel {
		sgemmKernel(t, w.rows, w.cols, x, w.cols, w.t, w.rows, y, w.rows)
		return
	}
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1,
		blas32.General{Rows: t, Cols: w.cols, Stride: w.cols, Data: x},
		blas32.General{Rows: w.cols, Cols: w.rows, Stride: w.rows, Data: w.t},
		1, blas32.General{Rows: t, Cols: w.rows, Stride: w.rows, Data: y})
}

// transpose returns m's data as [cols, rows].
func transpose(m matrix) []float32 {
	t := make([]float32, len(m.data))
	for i := 0; i < m.rows; i++ {
		for j := 0; j < m.cols; j++ {
			t[j*m.rows+i] = m.data[i*m.cols+j]
		}
	}
	return t
}

// layerNorm writes LayerNorm(x) row by row: (x - mean) / sqrt(var + eps)
// · scale + bias, over rows of len(scale).
func layerNorm(x []float32, scale, bias []float32, eps float32, y []float32) {
	d := len(scale)
	for off := 0; off+d <= len(x); off += d {
		row := x[off : off+d]
		var mean float64
		for _, v := range row {
			mean += float64(v)
		}
		mean /= float64(d)
		var variance float64
		for _, v := range row {
			dv := float64(v) - mean
			variance += dv * dv
		}
		variance /= float64(d)
		inv := float32(1 / math.Sqrt(variance+float64(eps)))
		m := float32(mean)
		out := y[off : off+d]
		for j, v := range row {
			out[j] = (v-m)*inv*scale[j] + bias[j]
		}
	}
}

// forward encodes a batch of token sequences (each at most MaxTokens long,
// possibly empty) into unit vectors of Dims, one per sequence. All tokens
// of the batch go through each dense layer in one matrix multiply;
// attention is per sequence. check is called between stages and stops the
// pass when it returns an error.
func (m *model) forward(seqs [][]int, check func() error) ([][]float32, error) {
	starts := make([]int, len(seqs)+1)
	for i, s := range seqs {
		starts[i+1] = starts[i] + len(s)
	}
	t := starts[len(seqs)]
	x := make([]float32, t*embDims)
	for i, s := range seqs {
		for p, id := range s {
			row := x[(starts[i]+p)*embDims : (starts[i]+p+1)*embDims]
			if id < 0 || id >= m.vocab {
				id = UnknownID
			}
			m.embRow(id, row)
			half := embDims / 2
			for k, inv := range m.inv {
				a := float32(p) * inv
				row[k] = 2*row[k] + float32(math.Sin(float64(a)))
				row[half+k] = 2*row[half+k] + float32(math.Cos(float64(a)))
			}
		}
	}
	last := len(m.layers) - 1
	for li := range m.layers[:last] {
		if err := check(); err != nil {
			return nil, err
		}
		x = m.layers[li].apply(x, t, starts, m.lnEps)
	}
	if err := check(); err != nil {
		return nil, err
	}
	pooled := m.layers[last].applyPooled(x, t, starts, m.lnEps)
	proj := make([]float32, len(seqs)*Dims)
	gemmT(pooled, len(seqs), m.tanh, m.tanhB, proj)
	out := make([][]float32, len(seqs))
	for i := range seqs {
		v := proj[i*Dims : (i+1)*Dims : (i+1)*Dims]
		var ss float64
		for j, x := range v {
			v[j] = float32(math.Tanh(float64(x)))
			ss += float64(v[j]) * float64(v[j])
		}
		inv := float32(1 / math.Sqrt(math.Max(ss, float64(m.l2Eps))))
		for j := range v {
			v[j] *= inv
		}
		out[i] = v
	}
	return out, nil
}

// apply runs the layer over x [t, dIn] (sequences at starts) and returns
// [t, d].
func (l *layer) apply(x []float32, t int, starts []int, eps float32) []float32 {
	y, f := l.attention(x, t, starts, eps)
	f2 := make([]float32, t*l.d)
	gemmT(f, t, l.ffn2, l.ffn2B, f2)
	for i := range y {
		y[i] += f2[i]
	}
	return y
}

// applyPooled runs the layer like apply and returns the mean of each
// sequence's output rows ([len(starts)-1, d]; zeros for an empty
// sequence). The feed-forward's second multiply is linear, so the mean
// is taken before it, mean(y + f·W2ᵀ + b2) = mean(y) + mean(f)·W2ᵀ + b2,
// which spares that multiply for all tokens but one row per sequence
// (a sixth of the encoder's arithmetic).
func (l *layer) applyPooled(x []float32, t int, starts []int, eps float32) []float32 {
	y, f := l.attention(x, t, starts, eps)
	seqs := len(starts) - 1
	meanY := make([]float32, seqs*l.d)
	meanF := make([]float32, seqs*ffnDims)
	for i := 0; i < seqs; i++ {
		n := starts[i+1] - starts[i]
		if n == 0 {
			continue
		}
		my, mf := meanY[i*l.d:(i+1)*l.d], meanF[i*ffnDims:(i+1)*ffnDims]
		for p := starts[i]; p < starts[i+1]; p++ {
			for j, v := range y[p*l.d : (p+1)*l.d] {
				my[j] += v
			}
			for j, v := range f[p*ffnDims : (p+1)*ffnDims] {
				mf[j] += v
			}
		}
		for j := range my {
			my[j] /= float32(n)
		}
		for j := range mf {
			mf[j] /= float32(n)
		}
	}
	out := make([]float32, seqs*l.d)
	gemmT(meanF, seqs, l.ffn2, l.ffn2B, out)
	for i := 0; i < seqs; i++ {
		row := out[i*l.d : (i+1)*l.d]
		if starts[i+1] == starts[i] {
			clear(row) // no tokens: a zero mean, as the graph divides a zero sum by max(n, 1)
			continue
		}
		for j := range row {
			row[j] += meanY[i*l.d+j]
		}
	}
	return out
}

// attention runs the layer up to the feed-forward's ReLU: it returns y,
// the output of the attention block with its residual ([t, d]), and f,
// ReLU(LayerNorm(y)·W1ᵀ + b1) ([t, ffnDims]).
func (l *layer) attention(x []float32, t int, starts []int, eps float32) (y, f []float32) {
	h := make([]float32, t*l.dIn)
	layerNorm(x, l.ln1Scale, l.ln1Bias, eps, h)
	qkv := make([]float32, t*3*l.dIn)
	gemmT(h, t, l.qkv, l.qkvB, qkv)
	att := make([]float32, t*l.dIn)
	for i := 0; i+1 < len(starts); i++ {
		l.attend(qkv, att, starts[i], starts[i+1]-starts[i])
	}
	y = make([]float32, t*l.d)
	gemmT(att, t, l.out, l.outB, y)
	if l.res != nil {
		r := make([]float32, t*l.d)
		gemmT(x, t, *l.res, l.resB, r)
		for i := range y {
			y[i] += r[i]
		}
	} else {
		for i := range y {
			y[i] += x[i]
		}
	}
	h2 := make([]float32, t*l.d)
	layerNorm(y, l.ln2Scale, l.ln2Bias, eps, h2)
	f = make([]float32, t*ffnDims)
	gemmT(h2, t, l.ffn1, l.ffn1B, f)
	for i, v := range f {
		if v < 0 {
			f[i] = 0
		}
	}
	return y, f
}

// attend computes multi-head self-attention for the n tokens from row
// start of qkv ([t, 3·dIn]: queries, keys, values) into att ([t, dIn]).
func (l *layer) attend(qkv, att []float32, start, n int) {
	if n == 0 {
		return
	}
	d := l.dIn
	dh := d / heads
	stride := 3 * d
	scores := make([]float32, n*n)
	base := start * stride
	for h := 0; h < heads; h++ {
		q := blas32.General{Rows: n, Cols: dh, Stride: stride, Data: qkv[base+h*dh:]}
		k := blas32.General{Rows: n, Cols: dh, Stride: stride, Data: qkv[base+d+h*dh:]}
		v := blas32.General{Rows: n, Cols: dh, Stride: stride, Data: qkv[base+2*d+h*dh:]}
		s := blas32.General{Rows: n, Cols: n, Stride: n, Data: scores}
		blas32.Gemm(blas.NoTrans, blas.Trans, l.qScale, q, k, 0, s)
		for i := 0; i < n; i++ {
			row := scores[i*n : (i+1)*n]
			mx := row[0]
			for _, x := range row {
				mx = max(mx, x)
			}
			var sum float32
			for j, x := range row {
				e := float32(math.Exp(float64(x - mx)))
				row[j] = e
				sum += e
			}
			for j := range row {
				row[j] /= sum
			}
		}
		o := blas32.General{Rows: n, Cols: dh, Stride: d, Data: att[start*d+h*dh:]}
		blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, s, v, 0, o)
	}
}
