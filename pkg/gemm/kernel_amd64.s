//go:build amd64 && !purego

#include "textflag.h"

// STEP performs one rank-1 update of the 6×16 accumulators Y4..Y15 with the
// six A values at AOFF(SI) and the sixteen B values at BOFF(DI).
#define STEP(AOFF, BOFF) \
	VMOVUPS BOFF(DI), Y0; \
	VMOVUPS BOFF+32(DI), Y1; \
	VBROADCASTSS AOFF(SI), Y2; \
	VBROADCASTSS AOFF+4(SI), Y3; \
	VFMADD231PS Y0, Y2, Y4; \
	VFMADD231PS Y1, Y2, Y5; \
	VFMADD231PS Y0, Y3, Y6; \
	VFMADD231PS Y1, Y3, Y7; \
	VBROADCASTSS AOFF+8(SI), Y2; \
	VBROADCASTSS AOFF+12(SI), Y3; \
	VFMADD231PS Y0, Y2, Y8; \
	VFMADD231PS Y1, Y2, Y9; \
	VFMADD231PS Y0, Y3, Y10; \
	VFMADD231PS Y1, Y3, Y11; \
	VBROADCASTSS AOFF+16(SI), Y2; \
	VBROADCASTSS AOFF+20(SI), Y3; \
	VFMADD231PS Y0, Y2, Y12; \
	VFMADD231PS Y1, Y2, Y13; \
	VFMADD231PS Y0, Y3, Y14; \
	VFMADD231PS Y1, Y3, Y15

// STORE writes accumulator pair LO, HI to the row at DX, then advances DX.
#define STORE(LO, HI) \
	VMOVUPS LO, (DX); \
	VMOVUPS HI, 32(DX); \
	ADDQ R8, DX

// ADDSTORE adds accumulator pair LO, HI to the row at DX, then advances DX.
#define ADDSTORE(LO, HI) \
	VADDPS (DX), LO, LO; \
	VADDPS 32(DX), HI, HI; \
	VMOVUPS LO, (DX); \
	VMOVUPS HI, 32(DX); \
	ADDQ R8, DX

// func kernelAVX2(kc int, a, b, c *float32, ldc int, accumulate int)
TEXT ·kernelAVX2(SB), NOSPLIT, $0-48
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8
	MOVQ accumulate+40(FP), R9

	// Start fetching the C tile now so the stores at the end do not wait
	// for memory: 6 rows of 64 bytes, each possibly across two lines.
	MOVQ DX, R10
	PREFETCHT0 (R10)
	PREFETCHT0 60(R10)
	ADDQ R8, R10
	PREFETCHT0 (R10)
	PREFETCHT0 60(R10)
	ADDQ R8, R10
	PREFETCHT0 (R10)
	PREFETCHT0 60(R10)
	ADDQ R8, R10
	PREFETCHT0 (R10)
	PREFETCHT0 60(R10)
	ADDQ R8, R10
	PREFETCHT0 (R10)
	PREFETCHT0 60(R10)
	ADDQ R8, R10
	PREFETCHT0 (R10)
	PREFETCHT0 60(R10)

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

	MOVQ CX, BX
	SHRQ $2, BX
	JZ   tail

loop4:
	STEP(0, 0)
	STEP(24, 64)
	STEP(48, 128)
	STEP(72, 192)
	ADDQ $96, SI
	ADDQ $256, DI
	DECQ BX
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   store

loop1:
	STEP(0, 0)
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loop1

store:
	TESTQ R9, R9
	JNZ   accumulate

	STORE(Y4, Y5)
	STORE(Y6, Y7)
	STORE(Y8, Y9)
	STORE(Y10, Y11)
	STORE(Y12, Y13)
	STORE(Y14, Y15)
	VZEROUPPER
	RET

accumulate:
	ADDSTORE(Y4, Y5)
	ADDSTORE(Y6, Y7)
	ADDSTORE(Y8, Y9)
	ADDSTORE(Y10, Y11)
	ADDSTORE(Y12, Y13)
	ADDSTORE(Y14, Y15)
	VZEROUPPER
	RET
