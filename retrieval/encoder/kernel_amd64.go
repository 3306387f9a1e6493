//go:build amd64 && !purego

package encoder

import "golang.org/x/sys/cpu"

// kernelSupported is whether this CPU runs kern4x16 (AVX2 and FMA; x/sys/cpu
// also checks that the OS saves the YMM registers).
var kernelSupported = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kern4x16 adds a[4×k]·b[k×16] to c[4×16]; rows of a, b and c are lda,
// ldb and ldc floats apart. It reads a[r*lda+p], b[p*ldb+j] and
// c[r*ldc+j] for r < 4, p < k, j < 16 and nothing else; the caller
// guarantees the slices hold them. In kernel_amd64.s.
//
//go:noescape
func kern4x16(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int)
