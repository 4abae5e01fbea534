// Package bz2 decompresses bzip2 data, several times faster than
// compress/bzip2, for reading Wikipedia dumps.
//
// The 51 bytes of a bzip2 stream (as from "printf 'hello, world\n' | bzip2")
//
//	42 5a 68 39 31 41 59 26  53 59 54 a4 97 84 00 00   BZh91AY&SYT.....
//	02 d1 80 00 10 40 04 06  44 90 80 20 00 31 00 30   .....@..D.. .1.0
//	20 68 62 00 49 d4 b2 1f  3f 17 72 45 38 50 90 54   hb.I...?.rE8P.T
//	a4 97 84                                           ...
//
// read as "hello, world\n": a stream header ("BZh9": blocks of up to
// 900 kB), one block (marker "1AY&SY", the CRC of its data, its Huffman
// tables and Huffman-coded data) and an end-of-stream marker ("\x17rE8P\x90")
// with the stream's CRC. A Reader decodes any number of concatenated
// streams, as bzip2, pbzip2 and lbzip2 write them and as Wikipedia's
// multistream dumps hold them, and checks every CRC. Bad input is a
// *FormatError that names the problem (ErrMagic, ErrHeader, ErrData,
// ErrChecksum or io.ErrUnexpectedEOF) and its offset in the compressed input.
//
// Decoding a block takes four steps; the comments of each say what makes it
// fast:
//
//   - Huffman decoding (block.go): table lookups of 10 bits from a 64-bit bit
//     buffer refilled 8 bytes at a time, with a slow path for longer codes.
//     The move-to-front list packs eight bytes to a machine word, and the
//     output is kept as runs, so that a zero run, coded as RUNA/RUNB digits,
//     costs one store.
//   - The inverse BWT (bwt.go): one counting-sort pass builds the vector,
//     then the text is spelled by following it from several starting rows
//     at once, since each step is a cache miss that would otherwise wait for
//     the one before.
//   - The final run-length decoding, while copying to the caller (output.go).
//   - CRC-32 eight bytes at a time (crc.go).
//
// On one core of a shared 2-core AMD EPYC VM, 24 MB of Wikipedia-like XML
// (bzip2 -9, 4.8:1) decodes at about 50 MB/s: five times as fast as
// compress/bzip2 and four to five times "bzip2 -dc" (BenchmarkDecode).
//
// Differences from compress/bzip2, none of which affects the output of any
// bzip2 encoder:
//
//   - A Huffman table whose code lengths do not form a complete prefix code
//     is decoded as the reference bzip2 decodes it: codes are assigned in
//     order of length, then symbol, counting up from zero. compress/bzip2
//     assigns such codes differently and rejects some such tables even if no
//     symbol uses them.
//   - After four equal bytes and a run-length count of 0, a new run starts,
//     as in the reference bzip2; compress/bzip2 counts the next three equal
//     bytes as completing another run of four.
//
// Like compress/bzip2, and unlike the bzip2 command, a Reader rejects
// randomized blocks, which bzip2 has not written since version 0.9.5 (1999),
// and bytes after the last stream.
package bz2
