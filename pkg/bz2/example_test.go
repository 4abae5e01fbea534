package bz2_test

import (
	"bytes"
	"fmt"
	"io"
	"log"

	"github.com/bertline/bertline/pkg/bz2"
)

func ExampleNewReader() {
	// printf 'hello, world\n' | bzip2
	comp := []byte("BZh91AY&SYT\xa4\x97\x84\x00\x00\x02\xd1\x80\x00\x10\x40\x04\x06" +
		"\x44\x90\x80\x20\x00\x31\x00\x30\x20\x68\x62\x00\x49\xd4\xb2\x1f" +
		"\x3f\x17\x72\x45\x38\x50\x90\x54\xa4\x97\x84")
	text, err := io.ReadAll(bz2.NewReader(bytes.NewReader(comp)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", text)

	// The same stream with its last byte, part of the stream CRC, changed.
	comp[len(comp)-1] ^= 1
	_, err = io.ReadAll(bz2.NewReader(bytes.NewReader(comp)))
	fmt.Println(err)
	// Output:
	// "hello, world\n"
	// bz2: offset 51: checksum mismatch: stream CRC 0x54a49785, computed 0x54a49784
}
