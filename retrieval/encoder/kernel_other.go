//go:build !amd64 || purego

package encoder

// kernelSupported is false: the assembly kernel is amd64 only, and gemmT
// uses gonum.
var kernelSupported = false

func kern4x16(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	panic("encoder: kern4x16 called without the amd64 kernel")
}
