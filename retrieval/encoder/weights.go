package encoder

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

//go:generate go run ../../internal/tools/genuse -out use-lite-int8.bin

// weightsFile is Universal Sentence Encoder Lite with int8 matrices; see
// NOTICE and internal/tools/genuse for its origin and format.
//
//go:embed use-lite-int8.bin
var weightsFile []byte

// matrix is a dense row-major float32 matrix.
type matrix struct {
	rows, cols int
	data       []float32
	t          []float32 // data transposed, [cols, rows], for weights (data is then nil)
}

// qmatrix is an int8 matrix with one scale per row: row r is
// scale[r] * q[r*cols:(r+1)*cols].
type qmatrix struct {
	rows, cols int
	scale      []float32
	q          []int8
}

// row dequantizes row r into dst (len cols).
func (m *qmatrix) row(r int, dst []float32) {
	s := m.scale[r]
	for j, x := range m.q[r*m.cols : (r+1)*m.cols] {
		dst[j] = s * float32(x)
	}
}

// dequantize returns m as float32.
func (m *qmatrix) dequantize() matrix {
	out := matrix{rows: m.rows, cols: m.cols, data: make([]float32, m.rows*m.cols)}
	for r := 0; r < m.rows; r++ {
		m.row(r, out.data[r*m.cols:(r+1)*m.cols])
	}
	return out
}

// reader reads the weights file; the first error sticks.
type reader struct {
	b   []byte
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.err = errors.New("truncated")
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) u8() int {
	b := r.take(1)
	if b == nil {
		return 0
	}
	return int(b[0])
}

func (r *reader) u32() int {
	b := r.take(4)
	if b == nil {
		return 0
	}
	return int(binary.LittleEndian.Uint32(b))
}

func (r *reader) f64() float64 {
	b := r.take(8)
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

func (r *reader) f32s(n int) []float32 {
	b := r.take(4 * n)
	if b == nil {
		return nil
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// tensors holds the file's tensors by name: float32 ones in f, int8 ones
// in q.
type tensors struct {
	f map[string]matrix
	q map[string]*qmatrix
}

// parseWeights reads the file genuse writes: the vocabulary, then the
// tensors.
func parseWeights(b []byte) (pieces []string, scores []float64, ts tensors, err error) {
	r := &reader{b: b}
	if string(r.take(8)) != "USELITE1" {
		return nil, nil, ts, errors.New("weights: not a USELITE1 file")
	}
	n := r.u32()
	if n > 1<<20 {
		return nil, nil, ts, fmt.Errorf("weights: %d pieces", n)
	}
	for i := 0; i < n && r.err == nil; i++ {
		pieces = append(pieces, string(r.take(r.u8())))
		scores = append(scores, r.f64())
	}
	ts = tensors{f: map[string]matrix{}, q: map[string]*qmatrix{}}
	count := r.u32()
	for i := 0; i < count && r.err == nil; i++ {
		name := string(r.take(r.u8()))
		kind, rows, cols := r.u8(), r.u32(), r.u32()
		if rows*cols > 1<<26 {
			return nil, nil, ts, fmt.Errorf("weights: tensor %s is %dx%d", name, rows, cols)
		}
		switch kind {
		case 0:
			ts.f[name] = matrix{rows: rows, cols: cols, data: r.f32s(rows * cols)}
		case 1:
			m := &qmatrix{rows: rows, cols: cols, scale: r.f32s(rows)}
			raw := r.take(rows * cols)
			m.q = make([]int8, len(raw))
			for j, x := range raw {
				m.q[j] = int8(x)
			}
			ts.q[name] = m
		default:
			return nil, nil, ts, fmt.Errorf("weights: tensor %s has kind %d", name, kind)
		}
	}
	if r.err != nil {
		return nil, nil, ts, fmt.Errorf("weights: %w", r.err)
	}
	if len(r.b) != 0 {
		return nil, nil, ts, fmt.Errorf("weights: %d bytes after the last tensor", len(r.b))
	}
	return pieces, scores, ts, nil
}
