package plot

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// render draws panels and decodes the PNG again.
func render(t *testing.T, panels []Panel, width, height int) *image.RGBA {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, "test", panels, width, height); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Rect, img, img.Bounds().Min, draw.Src)
	return rgba
}

// plotArea finds the inside of the one frame in img: the rows and columns
// that hold long runs of the frame colour.
func plotArea(t *testing.T, img *image.RGBA) image.Rectangle {
	t.Helper()
	b := img.Rect
	long := func(n int) bool { return n >= 100 }
	var rows, cols []int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		run, best := 0, 0
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.RGBAAt(x, y) == frameColor {
				run++
				best = max(best, run)
			} else {
				run = 0
			}
		}
		if long(best) {
			rows = append(rows, y)
		}
	}
	for x := b.Min.X; x < b.Max.X; x++ {
		run, best := 0, 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			if img.RGBAAt(x, y) == frameColor {
				run++
				best = max(best, run)
			} else {
				run = 0
			}
		}
		if long(best) {
			cols = append(cols, x)
		}
	}
	if len(rows) != 2 || len(cols) != 2 {
		t.Fatalf("frame rows %v, columns %v: want two of each", rows, cols)
	}
	return image.Rect(cols[0]+1, rows[0]+1, cols[1], rows[1])
}

// row is the pixel row where y lies when the plot area pr shows [lo, hi]:
// lo at the centre of the bottom row, hi at the centre of the top one.
func row(pr image.Rectangle, y, lo, hi float64) int {
	return int(float64(pr.Max.Y) - 0.5 - (y-lo)/(hi-lo)*float64(pr.Dy()-1))
}

// column is row for x.
func column(pr image.Rectangle, x, lo, hi float64) int {
	return int(float64(pr.Min.X) + 0.5 + (x-lo)/(hi-lo)*float64(pr.Dx()-1))
}

// near reports whether col is within d pixels of (x, y) in both directions.
func near(img *image.RGBA, x, y, d int, col color.RGBA) bool {
	for yy := y - d; yy <= y+d; yy++ {
		for xx := x - d; xx <= x+d; xx++ {
			if img.RGBAAt(xx, yy) == col {
				return true
			}
		}
	}
	return false
}

// count returns how many pixels of r have colour col.
func count(img *image.RGBA, r image.Rectangle, col color.RGBA) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.RGBAAt(x, y) == col {
				n++
			}
		}
	}
	return n
}

// dense returns n+1 points from x0 to x1 with y = f(x).
func dense(name string, x0, x1 float64, n int, f func(x float64) float64) Series {
	s := Series{Name: name}
	for i := 0; i <= n; i++ {
		x := x0 + (x1-x0)*float64(i)/float64(n)
		s.X = append(s.X, x)
		s.Y = append(s.Y, f(x))
	}
	return s
}

func TestRenderSize(t *testing.T) {
	p := []Panel{{Title: "a", Series: []Series{{Name: "s", X: []float64{0, 1}, Y: []float64{0, 1}}}}}
	if b := render(t, p, 640, 480).Rect; b != image.Rect(0, 0, 640, 480) {
		t.Errorf("640×480 figure has bounds %v", b)
	}
	if b := render(t, p, 0, 0).Rect; b != image.Rect(0, 0, DefaultWidth, DefaultHeight) {
		t.Errorf("default figure has bounds %v", b)
	}
}

// TestRenderLines checks where lines land: a horizontal line at its row
// across the whole plot, a steep line through its points, and both clipped
// to the plot area where they leave the fixed range.
func TestRenderLines(t *testing.T) {
	flat := dense("flat", 0, 10, 1000, func(float64) float64 { return 5 })
	steep := Series{Name: "steep", X: []float64{0, 10}, Y: []float64{-10, 30}} // y = 4x - 10
	wide := Series{Name: "wide", X: []float64{-5, 20}, Y: []float64{2, 2}}     // beyond both x limits
	p := Panel{Title: "lines", XLabel: "x", YLabel: "y", Series: []Series{flat, steep, wide},
		XLim: [2]float64{0, 10}, YLim: [2]float64{0, 10}}
	img := render(t, []Panel{p}, 800, 600)
	pr := plotArea(t, img)
	cFlat, cSteep, cWide := seriesColor(0), seriesColor(1), seriesColor(2)

	y5 := row(pr, 5, 0, 10)
	for x := pr.Min.X; x < pr.Max.X; x++ {
		if near(img, x, y5, 3, cSteep) {
			continue // the steep line crosses over it here
		}
		if img.RGBAAt(x, y5-1) != cFlat && img.RGBAAt(x, y5) != cFlat && img.RGBAAt(x, y5+1) != cFlat {
			t.Fatalf("flat line missing at column %d (row %d±1)", x, y5)
		}
	}
	if n := count(img, image.Rect(pr.Min.X, pr.Min.Y, pr.Max.X, y5-3), cFlat) + count(img, image.Rect(pr.Min.X, y5+4, pr.Max.X, pr.Max.Y), cFlat); n != 0 {
		t.Errorf("flat line has %d pixels away from row %d", n, y5)
	}
	for _, x := range []float64{2.6, 3.5, 4, 6, 7.4} { // y = 0.4 … 19.6
		y := 4*x - 10
		if y > 10 {
			continue
		}
		if !near(img, column(pr, x, 0, 10), row(pr, y, 0, 10), 1, cSteep) {
			t.Errorf("steep line missing at (%g, %g)", x, y)
		}
	}
	y2 := row(pr, 2, 0, 10)
	for _, x := range []int{pr.Min.X, pr.Min.X + 1, pr.Max.X - 2, pr.Max.X - 1} {
		if !near(img, x, y2, 1, cWide) {
			t.Errorf("wide line does not reach column %d at row %d", x, y2)
		}
	}

	// Outside the frame each colour shows only as its legend swatch.
	frame := pr.Inset(-1)
	for _, col := range []color.RGBA{cFlat, cSteep, cWide} {
		outside := count(img, img.Rect, col) - count(img, frame, col)
		if outside != swatchW*swatchH {
			t.Errorf("colour %v: %d pixels outside the plot area, want the %d of its legend swatch", col, outside, swatchW*swatchH)
		}
		if n := count(img, image.Rect(0, frame.Min.Y, img.Rect.Max.X, img.Rect.Max.Y), col) - count(img, frame, col); n != 0 {
			t.Errorf("colour %v: %d pixels beside or below the frame", col, n)
		}
	}
}

func TestRenderGaps(t *testing.T) {
	gappy := dense("gappy", 0, 10, 1000, func(x float64) float64 {
		switch {
		case x > 2.9 && x < 3.1:
			return math.NaN()
		case x > 5.9 && x < 6.1:
			return math.Inf(1)
		}
		return 5
	})
	// One point between NaNs, and one alone in its series: both markers.
	isolated := dense("isolated", 0, 10, 1000, func(x float64) float64 {
		if math.Abs(x-8) < 1e-9 {
			return 8
		}
		return math.NaN()
	})
	single := Series{Name: "single", X: []float64{2}, Y: []float64{8}}
	p := Panel{Series: []Series{gappy, isolated, single}, XLim: [2]float64{0, 10}, YLim: [2]float64{0, 10}}
	img := render(t, []Panel{p}, 800, 600)
	pr := plotArea(t, img)
	y5 := row(pr, 5, 0, 10)
	for _, x := range []float64{3, 6} {
		if near(img, column(pr, x, 0, 10), y5, 3, seriesColor(0)) {
			t.Errorf("no gap at x = %g", x)
		}
	}
	for _, x := range []float64{2.7, 3.3, 5.7, 6.3} {
		if !near(img, column(pr, x, 0, 10), y5, 1, seriesColor(0)) {
			t.Errorf("line missing at x = %g, next to a gap", x)
		}
	}
	for i, x := range []float64{8, 2} {
		cx, cy := column(pr, x, 0, 10), row(pr, 8, 0, 10)
		col := seriesColor(i + 1)
		for _, d := range [][2]int{{0, 0}, {-2, 0}, {2, 0}, {0, -2}, {0, 2}} {
			if img.RGBAAt(cx+d[0], cy+d[1]) != col {
				t.Errorf("marker of series %d: pixel %+d,%+d from (%d, %d) is %v, want %v", i+1, d[0], d[1], cx, cy, img.RGBAAt(cx+d[0], cy+d[1]), col)
			}
		}
		for _, d := range [][2]int{{-6, 0}, {6, 0}, {0, -6}, {0, 6}} {
			if img.RGBAAt(cx+d[0], cy+d[1]) == col {
				t.Errorf("marker of series %d is too large at %+d,%+d", i+1, d[0], d[1])
			}
		}
	}
}

func TestRenderLogY(t *testing.T) {
	ten := dense("ten", 0, 10, 500, func(float64) float64 { return 10 })
	hundred := dense("hundred", 0, 10, 500, func(x float64) float64 {
		if x > 4 && x < 6 {
			return 0 // no place on a log axis: a gap
		}
		return 100
	})
	p := Panel{Series: []Series{ten, hundred}, LogY: true, XLim: [2]float64{0, 10}, YLim: [2]float64{1, 1000}}
	img := render(t, []Panel{p}, 800, 600)
	pr := plotArea(t, img)
	// On [1, 1000] a log axis puts 10 a third of the way up and 100 two thirds.
	for _, x := range []float64{1, 5, 9} {
		if !near(img, column(pr, x, 0, 10), row(pr, 1, 0, 3), 1, seriesColor(0)) {
			t.Errorf("y = 10 missing at x = %g, row %d", x, row(pr, 1, 0, 3))
		}
	}
	for _, x := range []float64{1, 3.5, 6.5, 9} {
		if !near(img, column(pr, x, 0, 10), row(pr, 2, 0, 3), 1, seriesColor(1)) {
			t.Errorf("y = 100 missing at x = %g, row %d", x, row(pr, 2, 0, 3))
		}
	}
	if n := count(img, pr, seriesColor(1)) - count(img, image.Rect(pr.Min.X, row(pr, 2, 0, 3)-2, pr.Max.X, row(pr, 2, 0, 3)+3), seriesColor(1)); n != 0 {
		t.Errorf("y = 0 drew %d pixels on a log axis", n)
	}
	if near(img, column(pr, 5, 0, 10), row(pr, 2, 0, 3), 3, seriesColor(1)) {
		t.Error("no gap where y = 0")
	}
}

func TestRenderNoData(t *testing.T) {
	empty := []Panel{
		{Title: "nothing"},
		{Title: "all NaN", Series: []Series{{Name: "nan", X: []float64{1, 2}, Y: []float64{math.NaN(), math.NaN()}}}},
		{Title: "log of zeros", LogY: true, Series: []Series{{Name: "zero", X: []float64{1, 2}, Y: []float64{0, -1}}}},
	}
	for _, p := range empty {
		img := render(t, []Panel{p}, 400, 300)
		pr := plotArea(t, img)
		mid := image.Rect(pr.Min.X+pr.Dx()/4, pr.Min.Y+pr.Dy()/4, pr.Max.X-pr.Dx()/4, pr.Max.Y-pr.Dy()/4)
		if count(img, mid, noteColor) < 20 {
			t.Errorf("%s: no \"no data\" in the middle of the plot", p.Title)
		}
	}
	full := Panel{Series: []Series{{Name: "s", X: []float64{1, 2}, Y: []float64{3, 4}}}}
	if n := count(render(t, []Panel{full}, 400, 300), image.Rect(0, 0, 400, 300), noteColor); n != 0 {
		t.Errorf("panel with data has %d pixels of the \"no data\" colour", n)
	}
}

// TestRenderGrid checks that four panels go to the four quarters of the
// figure, each with its own line, and that one-value ranges still render.
func TestRenderGrid(t *testing.T) {
	var panels []Panel
	for i := range 4 {
		y := float64(i + 1)
		panels = append(panels, Panel{Title: "p", Series: []Series{{Name: "s", X: []float64{0, 1, 2}, Y: []float64{y, y, y}}}})
	}
	panels[3].Series[0] = Series{Name: "point", X: []float64{7}, Y: []float64{0}}
	img := render(t, panels, 800, 600)
	for _, q := range []image.Rectangle{
		image.Rect(0, 0, 400, 300), image.Rect(400, 0, 800, 300), image.Rect(0, 300, 400, 600), image.Rect(400, 300, 800, 600),
	} {
		if n := count(img, q, seriesColor(0)); n < swatchW*swatchH+20 {
			t.Errorf("quarter %v has %d pixels of the series colour: no line or marker", q, n)
		}
	}
}

func TestRenderDeterministic(t *testing.T) {
	m, err := ReadMetrics(bytes.NewReader(sampleMetrics()))
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := Render(&a, "run", TrainingPanels(m), 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := Render(&b, "run", TrainingPanels(m), 0, 0); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renders of the same figure differ")
	}
}

func TestRenderErrors(t *testing.T) {
	ok := Panel{Series: []Series{{Name: "s", X: []float64{1}, Y: []float64{1}}}}
	for _, tc := range []struct {
		panels        []Panel
		width, height int
		want          string
	}{
		{nil, 0, 0, "no panels"},
		{[]Panel{{Title: "bad", Series: []Series{{Name: "s", X: []float64{1, 2}, Y: []float64{1}}}}}, 0, 0, `series "s" has 2 x and 1 y values`},
		{[]Panel{ok, ok, ok, ok}, 200, 150, "too small"},
		{[]Panel{ok}, -5, 100, "too small"},
	} {
		err := Render(&bytes.Buffer{}, "", tc.panels, tc.width, tc.height)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Render(%d panels, %d×%d) error = %v, want one containing %q", len(tc.panels), tc.width, tc.height, err, tc.want)
		}
	}
}

func TestSeriesColorsDistinct(t *testing.T) {
	seen := map[color.RGBA]int{background: -1, gridColor: -1, frameColor: -1, textColor: -1, noteColor: -1}
	for i := range 30 {
		c := seriesColor(i)
		if j, dup := seen[c]; dup {
			t.Errorf("series %d has colour %v, as %d does (-1: the figure's own)", i, c, j)
		}
		seen[c] = i
	}
}

func TestGridShape(t *testing.T) {
	for _, tc := range []struct{ n, w, h, cols, rows int }{
		{1, 1200, 800, 1, 1}, {2, 1200, 800, 2, 1}, {4, 1200, 800, 2, 2}, {5, 1200, 800, 3, 2},
		{6, 1200, 800, 3, 2}, {6, 800, 1200, 2, 3}, {3, 1200, 400, 3, 1},
	} {
		if c, r := gridShape(tc.n, tc.w, tc.h); c != tc.cols || r != tc.rows {
			t.Errorf("gridShape(%d, %d, %d) = %d×%d, want %d×%d", tc.n, tc.w, tc.h, c, r, tc.cols, tc.rows)
		}
	}
}

// TestRenderDense checks a series with many points per pixel column: the
// raw zigzag in the tint, its mean in the full colour.
func TestRenderDense(t *testing.T) {
	zigzag := dense("zigzag", 0, 10, 20000, func(x float64) float64 {
		if int(math.Round(x*2000))%2 == 0 {
			return 6
		}
		return 4
	})
	p := Panel{Series: []Series{zigzag}, XLim: [2]float64{0, 10}, YLim: [2]float64{0, 10}}
	img := render(t, []Panel{p}, 800, 600)
	pr := plotArea(t, img)
	col, light := seriesColor(0), tint(seriesColor(0))
	y4, y5, y6 := row(pr, 4, 0, 10), row(pr, 5, 0, 10), row(pr, 6, 0, 10)
	for x := pr.Min.X + smoothCols; x < pr.Max.X-smoothCols; x++ {
		if img.RGBAAt(x, y5-1) != col && img.RGBAAt(x, y5) != col && img.RGBAAt(x, y5+1) != col {
			t.Fatalf("mean line missing at column %d (row %d±1)", x, y5)
		}
		for _, y := range []int{y4, y6} {
			if img.RGBAAt(x, y) != light {
				t.Fatalf("raw line at (%d, %d) is %v, want the tint %v", x, y, img.RGBAAt(x, y), light)
			}
		}
	}
	if n := count(img, pr, col) - count(img, image.Rect(pr.Min.X, y5-3, pr.Max.X, y5+4), col); n != 0 {
		t.Errorf("%d pixels of the full colour away from the mean", n)
	}
}

// TestDecimate checks the reduced line of a random walk: a subsequence with
// the same first, last, lowest and highest point in every column, drawn over
// nearly the same pixels, where taking every tenth point is not.
func TestDecimate(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var pts []pt
	y := 50.0
	for i := range 5000 {
		y = math.Max(1, math.Min(99, y+rng.NormFloat64()*3))
		pts = append(pts, pt{float64(i)*0.04 + 0.3, y})
	}
	few := decimate(pts)

	// summary gives per column: count, first y, last y, min y, max y.
	summary := func(pts []pt) map[int][5]float64 {
		out := map[int][5]float64{}
		for _, p := range pts {
			c := int(p.x)
			s, ok := out[c]
			if !ok {
				s = [5]float64{0, p.y, p.y, p.y, p.y}
			}
			s[0]++
			s[2] = p.y
			s[3], s[4] = math.Min(s[3], p.y), math.Max(s[4], p.y)
			out[c] = s
		}
		return out
	}
	all, some := summary(pts), summary(few)
	if len(all) != len(some) {
		t.Fatalf("decimate has points in %d columns, the input in %d", len(some), len(all))
	}
	for c, a := range all {
		s := some[c]
		if s[0] > 4 || s[1] != a[1] || s[2] != a[2] || s[3] != a[3] || s[4] != a[4] {
			t.Errorf("column %d: decimated (n, first, last, min, max) = %v, input %v", c, s, a)
		}
	}
	j := 0
	for _, p := range pts {
		if j < len(few) && p == few[j] {
			j++
		}
	}
	if j != len(few) {
		t.Errorf("decimate's points are not a subsequence of the input")
	}

	// Pixels covered at least half, drawn from all points and from fewer.
	draw := func(pts []pt) *image.Alpha {
		s := stroke{image.NewAlpha(image.Rect(0, 0, 201, 100))}
		s.polyline(pts, false)
		return s.m
	}
	full := draw(pts)
	covered := 0
	for _, v := range full.Pix {
		if v >= 128 {
			covered++
		}
	}
	differ := func(pts []pt) int {
		m, n := draw(pts), 0
		for i := range m.Pix {
			if (m.Pix[i] >= 128) != (full.Pix[i] >= 128) {
				n++
			}
		}
		return n
	}
	var tenth []pt
	for i := 0; i < len(pts); i += 10 {
		tenth = append(tenth, pts[i])
	}
	if n := differ(few); n > covered/10 {
		t.Errorf("decimated line differs in %d pixels of %d covered", n, covered)
	}
	if n := differ(tenth); n < covered/5 {
		t.Errorf("every tenth point differs in only %d pixels of %d covered: the check cannot tell", n, covered)
	}
}

// TestRenderExtremes renders values at the ends of float64's range and a
// range narrower than its resolution: no panic, no endless tick loop.
func TestRenderExtremes(t *testing.T) {
	for _, s := range []Series{
		{Name: "huge", X: []float64{-1e308, 0, 1e308}, Y: []float64{math.MaxFloat64, -math.MaxFloat64, 1}},
		{Name: "tiny", X: []float64{0, 5e-324, 1e-323}, Y: []float64{1, 1 + 2.220446049250313e-16, 1}},
		{Name: "far", X: []float64{1e18, 1e18 + 256}, Y: []float64{3, 4}},
	} {
		for _, log := range []bool{false, true} {
			var b bytes.Buffer
			if err := Render(&b, s.Name, []Panel{{Series: []Series{s}, LogY: log}}, 400, 300); err != nil {
				t.Errorf("%s (log %v): %v", s.Name, log, err)
			}
		}
	}
}
