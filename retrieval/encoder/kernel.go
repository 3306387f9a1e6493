package encoder

// Block sizes of sgemmKernel. A kcBlock×16 panel of b (16 KB) stays in
// the L1 cache while every 4-row tile of an mcBlock-row block of a runs
// over it, and the mcBlock×kcBlock block of a (128 KB) stays in L2 while
// it meets every panel of b: b is read from memory once per mcBlock rows
// of a, not once per 4-row tile.
const (
	kcBlock = 256
	mcBlock = 128
	mr      = 4 // rows of kern4x16's tile
)

// sgemmKernel adds a·b to c, where a is m×k, b is k×n and c is m×n, all
// row-major with rows lda, ldb and ldc floats apart (lda ≥ k, ldb ≥ n,
// ldc ≥ n). It tiles the product into 4×16 blocks for kern4x16; tiles at
// the bottom or right edge are computed on zero-padded copies, so any
// m, n, k ≥ 0 work. Only for kernelSupported CPUs.
func sgemmKernel(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	// The assembly reads and writes through pointers: check the lengths
	// here, as gonum does, since a slice expression checks only capacity.
	if lda < k || ldb < n || ldc < n || len(a) < (m-1)*lda+k || len(b) < (k-1)*ldb+n || len(c) < (m-1)*ldc+n {
		panic("encoder: sgemmKernel: bad shape or short slice")
	}
	var (
		aPad [mr * kcBlock]float32 // an edge tile's rows of a, zero-padded to 4
		bPad [kcBlock * 16]float32 // an edge panel of b, zero-padded to 16 columns
		cPad [mr * 16]float32      // the c tile of an edge tile
	)
	for i0 := 0; i0 < m; i0 += mcBlock {
		iEnd := min(i0+mcBlock, m)
		for p0 := 0; p0 < k; p0 += kcBlock {
			kb := min(kcBlock, k-p0)
			for j0 := 0; j0 < n; j0 += 16 {
				w := min(16, n-j0)
				bp, ldbp := b[p0*ldb+j0:], ldb
				if w < 16 {
					clear(bPad[:kb*16])
					for p := 0; p < kb; p++ {
						copy(bPad[p*16:p*16+w], b[(p0+p)*ldb+j0:(p0+p)*ldb+j0+w])
					}
					bp, ldbp = bPad[:], 16
				}
				bp = bp[:(kb-1)*ldbp+16]
				for i := i0; i < iEnd; i += mr {
					h := min(mr, iEnd-i)
					if h == mr && w == 16 {
						kern4x16(kb, a[i*lda+p0:(i+mr-1)*lda+p0+kb], lda, bp, ldbp, c[i*ldc+j0:(i+mr-1)*ldc+j0+16], ldc)
						continue
					}
					clear(aPad[:mr*kb])
					clear(cPad[:])
					for r := 0; r < h; r++ {
						copy(aPad[r*kb:(r+1)*kb], a[(i+r)*lda+p0:(i+r)*lda+p0+kb])
						copy(cPad[r*16:r*16+w], c[(i+r)*ldc+j0:(i+r)*ldc+j0+w])
					}
					kern4x16(kb, aPad[:mr*kb], kb, bp, ldbp, cPad[:], 16)
					for r := 0; r < h; r++ {
						copy(c[(i+r)*ldc+j0:(i+r)*ldc+j0+w], cPad[r*16:r*16+w])
					}
				}
			}
		}
	}
}

// useKernel is whether gemmT uses sgemmKernel rather than gonum; tests set
// it to false to run the gonum path on CPUs that have the kernel.
var useKernel = kernelSupported
