package encoder

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// naiveGemm adds a·b to c by the definition, in float64.
func naiveGemm(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += float64(a[i*lda+p]) * float64(b[p*ldb+j])
			}
			c[i*ldc+j] += float32(s)
		}
	}
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// gemmShapes are (m, n, k) with rows and columns on and off the 4×16 tile
// and the blocks (kcBlock, mcBlock), one row, and empty products.
var gemmShapes = [][3]int{
	{0, 16, 8}, {5, 0, 8}, {5, 16, 0}, {1, 1, 1}, {1, 16, 7}, {1, 33, 5},
	{3, 15, 9}, {4, 16, 1}, {4, 16, 256}, {7, 17, 257}, {13, 48, 300},
	{22, 768, 256}, {mcBlock + 5, 40, 2*kcBlock + 3}, {130, 64, 512},
}

// TestKernelMatchesNaive compares sgemmKernel with the triple loop on
// every shape, with strides wider than the matrices, and checks that it
// writes nothing outside c's m×n block.
func TestKernelMatchesNaive(t *testing.T) {
	if !kernelSupported {
		t.Skip("no AVX2+FMA kernel on this CPU or architecture")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range gemmShapes {
		m, n, k := s[0], s[1], s[2]
		t.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(t *testing.T) {
			lda, ldb, ldc := k+3, n+5, n+2
			a := randSlice(r, m*lda)
			b := randSlice(r, k*ldb)
			c := randSlice(r, (m+1)*ldc) // a guard row after the product
			want := append([]float32(nil), c...)
			naiveGemm(m, n, k, a, lda, b, ldb, want, ldc)
			sgemmKernel(m, n, k, a, lda, b, ldb, c[:m*ldc], ldc)
			for i := 0; i <= m; i++ {
				for j := 0; j < ldc; j++ {
					got, w := c[i*ldc+j], want[i*ldc+j]
					if (i == m || j >= n) && got != w {
						t.Fatalf("c[%d][%d] (outside the product) changed: %v, was %v", i, j, got, w)
					}
					// Float32 sums of k products of unit normals: error
					// grows like sqrt(k) ulps of the terms.
					if tol := 1e-5 * float64(k+1); math.Abs(float64(got-w)) > tol {
						t.Fatalf("c[%d][%d] = %v, want %v", i, j, got, w)
					}
				}
			}
		})
	}
}

// TestGemmTPaths checks gemmT on both paths, the assembly kernel (when the
// CPU has it) and gonum, against the triple loop on the encoder's layout:
// y[t, rows] = x[t, cols]·wᵀ + bias with w.t stored [cols, rows].
func TestGemmTPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	onBothPaths(t, func(t *testing.T) {
		for _, s := range gemmShapes {
			tt, rows, cols := s[0], s[1], s[2]
			if rows == 0 || cols == 0 {
				continue // no weight matrix is empty; gonum rejects its stride
			}
			w := matrix{rows: rows, cols: cols, t: randSlice(r, cols*rows)}
			x := randSlice(r, tt*cols)
			bias := randSlice(r, rows)
			want := make([]float32, tt*rows)
			for i := 0; i < tt; i++ {
				copy(want[i*rows:], bias)
			}
			naiveGemm(tt, rows, cols, x, cols, w.t, rows, want, rows)
			got := make([]float32, tt*rows)
			gemmT(x, tt, w, bias, got)
			for i := range got {
				if math.Abs(float64(got[i]-want[i])) > 1e-5*float64(cols+1) {
					t.Fatalf("%v: y[%d] = %v, want %v", s, i, got[i], want[i])
				}
			}
		}
	})
}

// onBothPaths runs f as a subtest on each matrix path: the AVX2 kernel
// (when the CPU has it), then gonum.
func onBothPaths(t *testing.T, f func(t *testing.T)) {
	for _, kernel := range []bool{true, false} {
		if kernel && !kernelSupported {
			t.Log("no AVX2+FMA kernel here: gonum path only")
			continue
		}
		t.Run(fmt.Sprintf("kernel=%v", kernel), func(t *testing.T) {
			defer func(v bool) { useKernel = v }(useKernel)
			useKernel = kernel
			f(t)
		})
	}
}

// encoderGemmShapes are the encoder's dense layers as (in, out): the first
// layer's qkv, output and residual projections, then the feed-forward and
// the second layer's qkv.
var encoderGemmShapes = [][2]int{{256, 768}, {256, 512}, {512, 1536}, {1536, 512}, {512, 512}}

// BenchmarkGemm multiplies t rows by each of the encoder's weight shapes,
// with the assembly kernel against gonum's blas32.Gemm in the same run,
// for one sentence (22 rows) and a batch (2,048 rows, the default token
// budget). GFLOP/s is the figure to compare; both run on one goroutine's
// call (gonum splits large products over the cores itself).
func BenchmarkGemm(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, rowsT := range []int{22, 2048} {
		for _, s := range encoderGemmShapes {
			in, out := s[0], s[1]
			x := randSlice(r, rowsT*in)
			w := randSlice(r, in*out)
			y := make([]float32, rowsT*out)
			flops := 2 * float64(rowsT) * float64(in) * float64(out)
			name := fmt.Sprintf("t=%d/%dx%d", rowsT, in, out)
			if kernelSupported {
				b.Run(name+"/kernel", func(b *testing.B) {
					cpu := cpuTime()
					defer reportCPU(b, cpu)
					for b.Loop() {
						sgemmKernel(rowsT, out, in, x, in, w, out, y, out)
					}
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
			b.Run(name+"/gonum", func(b *testing.B) {
				cpu := cpuTime()
				defer reportCPU(b, cpu)
				for b.Loop() {
					blas32.Gemm(blas.NoTrans, blas.NoTrans, 1,
						blas32.General{Rows: rowsT, Cols: in, Stride: in, Data: x},
						blas32.General{Rows: in, Cols: out, Stride: out, Data: w},
						1, blas32.General{Rows: rowsT, Cols: out, Stride: out, Data: y})
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// A short slice with spare capacity is refused before the assembly runs:
// a slice expression checks capacity only.
func TestKernelRefusesShortSlices(t *testing.T) {
	if !kernelSupported {
		t.Skip("no AVX2+FMA kernel here")
	}
	a, b, c := make([]float32, 8*8), make([]float32, 8*16), make([]float32, 8*16, 8*16+64)
	for name, f := range map[string]func(){
		"short c": func() { sgemmKernel(8, 16, 8, a, 8, b, 16, c[:8*16-1], 16) },
		"short a": func() { sgemmKernel(8, 16, 8, a[:8*8-1], 8, b, 16, c, 16) },
		"lda < k": func() { sgemmKernel(8, 16, 8, a, 7, b, 16, c, 16) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
	sgemmKernel(8, 16, 8, a, 8, b, 16, c, 16) // exact lengths pass
}
