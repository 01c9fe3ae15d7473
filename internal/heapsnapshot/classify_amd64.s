//go:build amd64 && !purego

#include "textflag.h"

// BYTES fills every byte of y with the constant c (x, its low half, is
// the way in). AX is scratch.
#define BYTES(c, x, y) \
	MOVQ         c, AX \
	MOVQ         AX, x \
	VPBROADCASTB x, y

// CLASSIFY32 classifies the 32 bytes at src into three 32-bit masks:
// digits, commas, and valid (digits, commas, whitespace). Y0-Y5 hold
// '0', 9, ',', ' ', '\n' and '\r' in every byte (9 is also '\t'). A
// digit is a byte x with min(x - '0', 9) == x - '0' (bytes wrap).
// Y6-Y10 are scratch.
#define CLASSIFY32(src, digits, commas, valid) \
	VMOVDQU   src, Y6 \
	VPSUBB    Y0, Y6, Y7 \
	VPMINUB   Y1, Y7, Y8 \
	VPCMPEQB  Y8, Y7, Y7 \
	VPCMPEQB  Y2, Y6, Y8 \
	VPCMPEQB  Y3, Y6, Y9 \
	VPCMPEQB  Y4, Y6, Y10 \
	VPOR      Y10, Y9, Y9 \
	VPCMPEQB  Y5, Y6, Y10 \
	VPOR      Y10, Y9, Y9 \
	VPCMPEQB  Y1, Y6, Y10 \
	VPOR      Y10, Y9, Y9 \
	VPOR      Y7, Y9, Y9 \
	VPOR      Y8, Y9, Y9 \
	VPMOVMSKB Y7, digits \
	VPMOVMSKB Y8, commas \
	VPMOVMSKB Y9, valid

// func classifyAVX2(src *byte, blocks int, d, c, v *uint64)
TEXT ·classifyAVX2(SB), NOSPLIT, $0-40
	MOVQ src+0(FP), SI
	MOVQ blocks+8(FP), CX
	MOVQ d+16(FP), DI
	MOVQ c+24(FP), R8
	MOVQ v+32(FP), R9

	BYTES($0x30, X0, Y0) // '0'
	BYTES($0x09, X1, Y1) // 9, and '\t'
	BYTES($0x2c, X2, Y2) // ','
	BYTES($0x20, X3, Y3) // ' '
	BYTES($0x0a, X4, Y4) // '\n'
	BYTES($0x0d, X5, Y5) // '\r'

loop:
	TESTQ CX, CX
	JZ    done

	CLASSIFY32(0(SI), AX, BX, DX)
	CLASSIFY32(32(SI), R10, R11, R12)

	SHLQ $32, R10
	ORQ  R10, AX
	SHLQ $32, R11
	ORQ  R11, BX
	SHLQ $32, R12
	ORQ  R12, DX
	MOVQ AX, (DI)
	MOVQ BX, (R8)
	MOVQ DX, (R9)

	ADDQ $64, SI
	ADDQ $8, DI
	ADDQ $8, R8
	ADDQ $8, R9
	DECQ CX
	JMP  loop

done:
	VZEROUPPER
	RET

// DIGITS8 turns the eight digit values (0-9) in the bytes of BX, the
// first digit in the lowest byte, into their number, by SWAR: pairs, then
// fours, then all eight. R12 holds 0x00FF00FF00FF00FF; AX is scratch.
#define DIGITS8 \
	IMUL3Q  $2561, BX, BX \
	SHRQ    $8, BX \
	ANDQ    R12, BX \
	IMUL3Q  $6553601, BX, BX \
	SHRQ    $16, BX \
	MOVQ    $0x0000FFFF0000FFFF, AX \
	ANDQ    AX, BX \
	MOVQ    $42949672960001, AX \
	IMULQ   AX, BX \
	SHRQ    $32, BX

// func blockNumbersAsm(at, o unsafe.Pointer, starts, ends uint64, across uintptr) (n int, ok bool)
// blockNumbers in assembly: the same loop with the constants in registers
// and shifts that need no CL (BMI2).
TEXT ·blockNumbersAsm(SB), NOSPLIT, $0-49
	MOVQ at+0(FP), SI
	MOVQ o+8(FP), DI
	MOVQ starts+16(FP), R8
	MOVQ ends+24(FP), R9
	MOVQ across+32(FP), R10
	MOVQ DI, R13 // o, to count what was stored
	MOVQ $0x0F0F0F0F0F0F0F0F, R11
	MOVQ $0x00FF00FF00FF00FF, R12

loop:
	TESTQ   R8, R8
	JZ      done
	TZCNTQ  R8, CX      // p: where the number starts
	BLSRQ   R8, R8
	TZCNTQ  R9, DX      // e: its last digit (64: in the next block)
	BLSRQ   R9, R9
	CMPQ    DX, $64
	CMOVQEQ R10, DX
	SUBQ    CX, DX      // digits - 1
	MOVQ    (SI)(CX*1), BX
	ANDQ    R11, BX
	CMPQ    DX, $8
	JAE     long
	MOVQ    $7, AX
	SUBQ    DX, AX
	SHLQ    $3, AX
	SHLXQ   AX, BX, BX  // the digits at the top: leading zeros below
	DIGITS8
	MOVL    BX, (DI)
	ADDQ    $4, DI
	JMP     loop

long:
	// 9 or 10 digits: the first 8 from BX, then one by one.
	CMPQ    DX, $9
	JA      bail
	DIGITS8
	MOVBQZX 8(SI)(CX*1), AX
	SUBQ    $48, AX
	LEAQ    (BX)(BX*4), BX
	LEAQ    (AX)(BX*2), BX
	CMPQ    DX, $9
	JNE     checked
	MOVBQZX 9(SI)(CX*1), AX
	SUBQ    $48, AX
	LEAQ    (BX)(BX*4), BX
	LEAQ    (AX)(BX*2), BX

checked:
	MOVL    $0xFFFFFFFF, AX
	CMPQ    BX, AX
	JA      bail
	MOVL    BX, (DI)
	ADDQ    $4, DI
	JMP     loop

done:
	SUBQ R13, DI
	SHRQ $2, DI
	MOVQ DI, n+40(FP)
	MOVB $1, ok+48(FP)
	RET

bail:
	SUBQ R13, DI
	SHRQ $2, DI
	MOVQ DI, n+40(FP)
	MOVB $0, ok+48(FP)
	RET
