//go:build amd64 && !purego

#include "textflag.h"

// The packing routines copy one full sliver (mr rows of A or nr columns of
// B) into the micro-kernel's layout; pack.go calls them for the p range
// that is a multiple of their step and packs the rest itself.

// func packA6NAVX(dst, src *float32, lda, kc int, alpha float32)
//
// dst[p·6+r] = alpha·src[r·lda+p] for r < 6 and p < kc, kc a positive
// multiple of 8. Each step loads 8 values of each of the 6 rows and
// transposes them in 4×… blocks: within each 128-bit lane (p0..3 in the
// low lanes, p4..7 in the high lanes)
//
//	t0 = r0p0 r1p0 r0p1 r1p1   t1 = r0p2 r1p2 r0p3 r1p3   (r0, r1 interleaved)
//	t2, t3 likewise from r2, r3; t4, t5 from r4, r5
//	o0 = t0.q0 t2.q0 = p0: r0 r1 r2 r3
//	o1 = t4.q0 t0.q1 = p0: r4 r5, p1: r0 r1
//	o2 = t2.q1 t4.q1 = p1: r2 r3 r4 r5
//	o3, o4, o5 likewise from t1, t3, t5 for p2 and p3
//
// and o0..o5 are the 24 packed values of p0..3 (low lanes) and p4..7
// (high lanes).
TEXT ·packA6NAVX(SB), NOSPLIT, $0-36
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lda+16(FP), BX
	SHLQ $2, BX
	MOVQ kc+24(FP), CX
	VBROADCASTSS alpha+32(FP), Y15
	LEAQ (SI)(BX*1), R8
	LEAQ (SI)(BX*2), R9
	LEAQ (R8)(BX*2), R10
	LEAQ (R9)(BX*2), R11
	LEAQ (R10)(BX*2), R12
	XORQ AX, AX
	SHRQ $3, CX

a6nloop:
	VMULPS (SI)(AX*1), Y15, Y0
	VMULPS (R8)(AX*1), Y15, Y1
	VMULPS (R9)(AX*1), Y15, Y2
	VMULPS (R10)(AX*1), Y15, Y3
	VMULPS (R11)(AX*1), Y15, Y4
	VMULPS (R12)(AX*1), Y15, Y5
	VUNPCKLPS Y1, Y0, Y6
	VUNPCKHPS Y1, Y0, Y7
	VUNPCKLPS Y3, Y2, Y8
	VUNPCKHPS Y3, Y2, Y9
	VUNPCKLPS Y5, Y4, Y10
	VUNPCKHPS Y5, Y4, Y11
	VUNPCKLPD Y8, Y6, Y0
	VSHUFPS $0xE4, Y6, Y10, Y1
	VUNPCKHPD Y10, Y8, Y2
	VUNPCKLPD Y9, Y7, Y3
	VSHUFPS $0xE4, Y7, Y11, Y4
	VUNPCKHPD Y11, Y9, Y5
	VMOVUPS X0, 0(DI)
	VMOVUPS X1, 16(DI)
	VMOVUPS X2, 32(DI)
	VMOVUPS X3, 48(DI)
	VMOVUPS X4, 64(DI)
	VMOVUPS X5, 80(DI)
	VEXTRACTF128 $1, Y0, 96(DI)
	VEXTRACTF128 $1, Y1, 112(DI)
	VEXTRACTF128 $1, Y2, 128(DI)
	VEXTRACTF128 $1, Y3, 144(DI)
	VEXTRACTF128 $1, Y4, 160(DI)
	VEXTRACTF128 $1, Y5, 176(DI)
	ADDQ $32, AX
	ADDQ $192, DI
	DECQ CX
	JNZ  a6nloop
	VZEROUPPER
	RET

// func packA6TAVX(dst, src *float32, lda, kc int, alpha float32)
//
// dst[p·6+r] = alpha·src[p·lda+r] for r < 6 and p < kc, kc positive: each
// p copies 6 contiguous values (16 + 8 bytes), reading nothing beyond them.
TEXT ·packA6TAVX(SB), NOSPLIT, $0-36
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lda+16(FP), BX
	SHLQ $2, BX
	MOVQ kc+24(FP), CX
	VBROADCASTSS alpha+32(FP), X15

a6tloop:
	VMULPS (SI), X15, X0
	VMOVQ  16(SI), X1
	VMULPS X1, X15, X1
	VMOVUPS X0, 0(DI)
	VMOVQ  X1, 16(DI)
	ADDQ BX, SI
	ADDQ $24, DI
	DECQ CX
	JNZ  a6tloop
	RET

// func packB16NAVX(dst, src *float32, ldb, kc int)
//
// dst[p·16+j] = src[p·ldb+j] for j < 16 and p < kc, kc positive.
TEXT ·packB16NAVX(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ldb+16(FP), BX
	SHLQ $2, BX
	MOVQ kc+24(FP), CX

b16nloop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	ADDQ BX, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  b16nloop
	VZEROUPPER
	RET

// TRANS4 transposes, within each 128-bit lane, the 4×4 blocks of the rows
// at R, R+ldb, R+2·ldb, R+3·ldb (R3 = R+3·ldb, BX = ldb in bytes), offset
// AX, and stores the columns as 4-value groups at DI+OFF (p0..3, 64 bytes
// apart) and DI+OFF+256 (p4..7).
#define TRANS4(R, R3, OFF) \
	VMOVUPS (R)(AX*1), Y0; \
	ADDQ BX, R; \
	VMOVUPS (R)(AX*1), Y1; \
	ADDQ BX, R; \
	VMOVUPS (R)(AX*1), Y2; \
	VMOVUPS (R3)(AX*1), Y3; \
	VUNPCKLPS Y1, Y0, Y4; \
	VUNPCKHPS Y1, Y0, Y5; \
	VUNPCKLPS Y3, Y2, Y6; \
	VUNPCKHPS Y3, Y2, Y7; \
	VUNPCKLPD Y6, Y4, Y0; \
	VUNPCKHPD Y6, Y4, Y1; \
	VUNPCKLPD Y7, Y5, Y2; \
	VUNPCKHPD Y7, Y5, Y3; \
	VMOVUPS X0, OFF(DI); \
	VMOVUPS X1, OFF+64(DI); \
	VMOVUPS X2, OFF+128(DI); \
	VMOVUPS X3, OFF+192(DI); \
	VEXTRACTF128 $1, Y0, OFF+256(DI); \
	VEXTRACTF128 $1, Y1, OFF+320(DI); \
	VEXTRACTF128 $1, Y2, OFF+384(DI); \
	VEXTRACTF128 $1, Y3, OFF+448(DI)

// func packB16TAVX(dst, src *float32, ldb, kc int)
//
// dst[p·16+j] = src[j·ldb+p] for j < 16 and p < kc, kc a positive multiple
// of 8: each step transposes 8 values of each of the 16 rows, as four 4-row
// groups.
TEXT ·packB16TAVX(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ldb+16(FP), BX
	SHLQ $2, BX
	MOVQ kc+24(FP), CX
	SHRQ $3, CX
	LEAQ (BX)(BX*2), DX // 3·ldb
	XORQ AX, AX

b16tloop:
	MOVQ SI, R8
	LEAQ (SI)(DX*1), R9
	TRANS4(R8, R9, 0)
	LEAQ (R9)(BX*1), R8
	LEAQ (R8)(DX*1), R9
	TRANS4(R8, R9, 16)
	LEAQ (R9)(BX*1), R8
	LEAQ (R8)(DX*1), R9
	TRANS4(R8, R9, 32)
	LEAQ (R9)(BX*1), R8
	LEAQ (R8)(DX*1), R9
	TRANS4(R8, R9, 48)
	ADDQ $32, AX
	ADDQ $512, DI
	DECQ CX
	JNZ  b16tloop
	VZEROUPPER
	RET

// func packA6TSumAVX(dst, src *float32, lda, kc int, alpha float32, sums *float64)
//
// packA6TAVX that also adds the six rows' sums over p of src (before
// alpha), accumulated in float64 from zero in p order, to sums[0..5].
TEXT ·packA6TSumAVX(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lda+16(FP), BX
	SHLQ $2, BX
	MOVQ kc+24(FP), CX
	VBROADCASTSS alpha+32(FP), X15
	VXORPD Y13, Y13, Y13
	VXORPD X14, X14, X14

a6tsloop:
	VMOVUPS (SI), X0
	VMOVQ  16(SI), X1
	VCVTPS2PD X0, Y2
	VCVTPS2PD X1, X3
	VADDPD Y2, Y13, Y13
	VADDPD X3, X14, X14
	VMULPS X0, X15, X0
	VMULPS X1, X15, X1
	VMOVUPS X0, 0(DI)
	VMOVQ  X1, 16(DI)
	ADDQ BX, SI
	ADDQ $24, DI
	DECQ CX
	JNZ  a6tsloop

	MOVQ sums+40(FP), AX
	VADDPD (AX), Y13, Y13
	VMOVUPD Y13, (AX)
	VADDPD 32(AX), X14, X14
	VMOVUPD X14, 32(AX)
	VZEROUPPER
	RET
