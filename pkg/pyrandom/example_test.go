package pyrandom_test

import (
	"fmt"

	"github.com/bertline/bertline/pkg/pyrandom"
)

// The same draws as Python's
//
//	rng = random.Random(12345)
//	rng.random(); rng.randint(2, 128); rng.shuffle(x)
func ExampleNew() {
	rng := pyrandom.New(12345)
	fmt.Println(rng.Random())
	fmt.Println(rng.RandInt(2, 128))
	x := []string{"a", "b", "c", "d", "e", "f"}
	rng.Shuffle(len(x), func(i, j int) { x[i], x[j] = x[j], x[i] })
	fmt.Println(x)
	// Output:
	// 0.41661987254534116
	// 3
	// [a e d b f c]
}

func ExampleRound() {
	fmt.Println(pyrandom.Round(0.15*10), pyrandom.Round(0.15*70), pyrandom.Round(2.5))
	// Output: 2 10 2
}
