// Package pyrandom reproduces the streams of CPython's random.Random for an
// integer seed, draw for draw, so that Go can rebuild data that Python
// scripts such as create_pretraining_data.py made with a seeded generator.
//
// The same seed and the same calls give the same values in both languages:
//
//	Python 3                               Go
//	rng = random.Random(12345)             rng := pyrandom.New(12345)
//	rng.random()                           rng.Random()           // 0.41661987254534116
//	rng.randint(2, 128)                    rng.RandInt(2, 128)
//	rng.randrange(0, 10)                   rng.RandRange(0, 10)
//	rng.getrandbits(40)                    rng.GetRandBits(40)
//	rng.shuffle(x)                         rng.Shuffle(len(x), func(i, j int) { x[i], x[j] = x[j], x[i] })
//	rng.shuffle(x)                         rng.ShuffleInt32(x)    // x []int32, no call per element
//	rng.choice(x)                          x[rng.Choice(len(x))]
//	rng.sample(x, k)                       for _, i := range rng.Sample(len(x), k) { ... x[i] ... }
//	round(len(tokens) * 0.15)              pyrandom.Round(float64(len(tokens)) * 0.15)
//
// The generator is MT19937 (Matsumoto and Nishimura, 1998). Seeding follows
// CPython's random_seed: the absolute value of the seed is split into 32-bit
// words, least significant first (one zero word for seed 0), and fed to
// init_by_array. Integer draws go through getrandbits and rejection, as in
// Random._randbelow_with_getrandbits, and Shuffle, Choice and Sample consume
// the stream exactly as Python 3.11's methods do (unchanged since 3.2 for
// randrange with a unit step, shuffle and choice).
//
// testdata/vectors.json holds reference draws written by
// testdata/gen/vectors.py under CPython 3.11; the tests replay them.
package pyrandom
