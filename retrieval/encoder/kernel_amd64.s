//go:build amd64 && !purego

#include "textflag.h"

// func kern4x16(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int)
//
// c[r*ldc+j] += sum over p < k of a[r*lda+p] * b[p*ldb+j], for r < 4 and
// j < 16. The 4x16 block of c lives in Y0-Y7 (two registers a row) for
// the whole loop; each step loads one 16-float row of b (Y8, Y9) and
// broadcasts one float of each row of a. Requires AVX2 and FMA; the Go
// caller checks the slices' lengths.
TEXT ·kern4x16(SB), NOSPLIT, $0-104
	MOVQ k+0(FP), CX
	MOVQ a_base+8(FP), SI
	MOVQ lda+32(FP), R8
	SHLQ $2, R8
	LEAQ (SI)(R8*1), R10
	LEAQ (R10)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	MOVQ b_base+40(FP), DI
	MOVQ ldb+64(FP), BX
	SHLQ $2, BX
	MOVQ c_base+72(FP), AX
	MOVQ ldc+96(FP), R9
	SHLQ $2, R9

	MOVQ    AX, R13
	VMOVUPS (R13), Y0
	VMOVUPS 32(R13), Y1
	ADDQ    R9, R13
	VMOVUPS (R13), Y2
	VMOVUPS 32(R13), Y3
	ADDQ    R9, R13
	VMOVUPS (R13), Y4
	VMOVUPS 32(R13), Y5
	ADDQ    R9, R13
	VMOVUPS (R13), Y6
	VMOVUPS 32(R13), Y7

	XORQ  DX, DX
	TESTQ CX, CX
	JLE   store

loop:
	VMOVUPS      (DI), Y8
	VMOVUPS      32(DI), Y9
	ADDQ         BX, DI
	VBROADCASTSS (SI)(DX*4), Y10
	VFMADD231PS  Y8, Y10, Y0
	VFMADD231PS  Y9, Y10, Y1
	VBROADCASTSS (R10)(DX*4), Y11
	VFMADD231PS  Y8, Y11, Y2
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS (R11)(DX*4), Y12
	VFMADD231PS  Y8, Y12, Y4
	VFMADD231PS  Y9, Y12, Y5
	VBROADCASTSS (R12)(DX*4), Y13
	VFMADD231PS  Y8, Y13, Y6
	VFMADD231PS  Y9, Y13, Y7
	INCQ         DX
	CMPQ         DX, CX
	JLT          loop

store:
	VMOVUPS Y0, (AX)
	VMOVUPS Y1, 32(AX)
	ADDQ    R9, AX
	VMOVUPS Y2, (AX)
	VMOVUPS Y3, 32(AX)
	ADDQ    R9, AX
	VMOVUPS Y4, (AX)
	VMOVUPS Y5, 32(AX)
	ADDQ    R9, AX
	VMOVUPS Y6, (AX)
	VMOVUPS Y7, 32(AX)
	VZEROUPPER
	RET
