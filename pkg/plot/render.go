package plot

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"slices"
)

// Panel is one chart of a figure.
type Panel struct {
	Title, XLabel, YLabel string
	Series                []Series
	LogY                  bool // log-scale y axis; values ≤ 0 leave gaps
	// XLim and YLim fix the range shown when XLim[0] < XLim[1] (YLim[0] <
	// YLim[1], both > 0 with LogY); otherwise the range fits the data and
	// grows to the surrounding ticks. Lines are clipped to the range.
	XLim, YLim [2]float64
}

// Default size of a figure, used when Render is given 0 for width or height.
const (
	DefaultWidth  = 1200
	DefaultHeight = 800
)

// Geometry of a panel, in pixels.
const (
	cellPad      = 8   // space around each panel
	tickLen      = 4   // tick marks outside the frame
	lineHalf     = 1.0 // half the width of a series' line
	markerRadius = 3.0 // points drawn alone or in sparse series
	swatchW      = 18  // legend swatch, a solid bar in the series' colour
	swatchH      = 3
	legendRow    = 15 // height of a legend row
	rightMargin  = 24 // room for half of the last x tick label
	minPlotSide  = 20 // smallest plot area Render accepts
)

// Render draws title above panels laid out in a grid and writes the figure
// to w as a PNG of width × height pixels (DefaultWidth or DefaultHeight
// where one is 0). The grid has as many columns as keeps panels closest to
// 4:3. The same arguments always give the same bytes.
func Render(w io.Writer, title string, panels []Panel, width, height int) error {
	if width == 0 {
		width = DefaultWidth
	}
	if height == 0 {
		height = DefaultHeight
	}
	if len(panels) == 0 {
		return errors.New("plot: no panels to render")
	}
	for _, p := range panels {
		for _, s := range p.Series {
			if len(s.X) != len(s.Y) {
				return fmt.Errorf("plot: panel %q: series %q has %d x and %d y values", p.Title, s.Name, len(s.X), len(s.Y))
			}
		}
	}
	top := 0
	if title != "" {
		top = 2*face.Height + 12
	}
	if width < 120 || height-top < 120 {
		return fmt.Errorf("plot: %d×%d is too small for a figure", width, height)
	}
	cols, rows := gridShape(len(panels), width, height-top)
	cellW, cellH := width/cols, (height-top)/rows
	// The smallest cell must still have room for its margins and a plot.
	if cellW < 120 || cellH < 120 {
		return fmt.Errorf("plot: %d×%d is too small for %d panels (%d×%d grid)", width, height, len(panels), cols, rows)
	}
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, width, height))}
	c.fill(c.img.Rect, background)
	if title != "" {
		m := enlarge(textMask(title), 2)
		c.paint(m, image.Pt((width-m.Rect.Dx())/2, 6), textColor)
	}
	for i := range panels {
		col, row := i%cols, i/cols
		r := image.Rect(col*cellW, top+row*cellH, (col+1)*cellW, top+(row+1)*cellH).Inset(cellPad)
		if err := drawPanel(c, r, &panels[i]); err != nil {
			return err
		}
	}
	if err := (&png.Encoder{}).Encode(w, c.img); err != nil {
		return fmt.Errorf("plot: writing PNG: %w", err)
	}
	return nil
}

// gridShape chooses the columns and rows for n panels in a width × height
// area: the shape whose cells are closest to 4:3, fewer rows on a tie.
func gridShape(n, width, height int) (cols, rows int) {
	best := math.Inf(1)
	for c := 1; c <= n; c++ {
		r := (n + c - 1) / c
		if (c-1)*r >= n { // as many rows hold n with fewer columns
			continue
		}
		aspect := (float64(width) / float64(c)) / (float64(height) / float64(r))
		if d := math.Abs(math.Log(aspect / (4.0 / 3.0))); d < best-1e-9 {
			best, cols, rows = d, c, r
		}
	}
	return cols, rows
}

// drawable reports whether a value can be drawn: finite, and positive on a
// log axis.
func drawable(x, y float64, logY bool) bool {
	return !math.IsNaN(x) && !math.IsInf(x, 0) && !math.IsNaN(y) && !math.IsInf(y, 0) && (!logY || y > 0)
}

// dataRange returns the range of the drawable values of a panel, and false
// when it has none.
func dataRange(p *Panel) (xlo, xhi, ylo, yhi float64, ok bool) {
	xlo, ylo = math.Inf(1), math.Inf(1)
	xhi, yhi = math.Inf(-1), math.Inf(-1)
	for _, s := range p.Series {
		for i := range s.X {
			if drawable(s.X[i], s.Y[i], p.LogY) {
				xlo, xhi = math.Min(xlo, s.X[i]), math.Max(xhi, s.X[i])
				ylo, yhi = math.Min(ylo, s.Y[i]), math.Max(yhi, s.Y[i])
				ok = true
			}
		}
	}
	return
}

// widen gives a one-value range some extent so that it has ticks around it.
func widen(lo, hi float64, log bool) (float64, float64) {
	if lo < hi {
		return lo, hi
	}
	if log {
		return lo / 2, hi * 2
	}
	d := math.Abs(lo) * 0.1
	if d == 0 {
		d = 1
	}
	return lo - d, hi + d
}

// drawPanel draws one panel inside r: title, legend, axes, series.
func drawPanel(c *canvas, r image.Rectangle, p *Panel) error {
	// Title, pseudo-bold, centred on the cell.
	tw := textWidth(p.Title)
	tx := r.Min.X + (r.Dx()-tw)/2
	c.text(tx, r.Min.Y, p.Title, textColor)
	c.text(tx+1, r.Min.Y, p.Title, textColor)

	// Legend rows under the title, wrapped to the cell.
	type entry struct{ x, y int }
	legendX0, legendMax := r.Min.X+24, r.Max.X-8
	x, y := legendX0, r.Min.Y+face.Height+5
	entries := make([]entry, len(p.Series))
	for i, s := range p.Series {
		w := swatchW + 4 + textWidth(s.Name)
		if x > legendX0 && x+w > legendMax {
			x, y = legendX0, y+legendRow
		}
		entries[i] = entry{x, y}
		x += w + 14
	}
	plotTop := r.Min.Y + face.Height + 8
	if len(p.Series) > 0 {
		plotTop = y + legendRow + 4
	}

	// Bottom: tick labels, then the x label.
	bottom := r.Max.Y
	if p.XLabel != "" {
		bottom -= face.Height + 3
	}
	xTickTop := bottom - face.Height
	plotBottom := xTickTop - tickLen - 3 // exclusive; the frame's bottom row

	left := r.Min.X
	if p.YLabel != "" {
		left += face.Height + 6
	}

	xlo, xhi, ylo, yhi, ok := dataRange(p)
	fixedX := p.XLim[0] < p.XLim[1]
	fixedY := p.YLim[0] < p.YLim[1] && (!p.LogY || p.YLim[0] > 0)
	if fixedX {
		xlo, xhi = p.XLim[0], p.XLim[1]
	}
	if fixedY {
		ylo, yhi = p.YLim[0], p.YLim[1]
	}
	if plotBottom-plotTop < minPlotSide {
		return fmt.Errorf("plot: panel %q: %d×%d pixels leave no room for its plot", p.Title, r.Dx(), r.Dy())
	}

	var xa, ya axis
	plotLeft := left + 6*7 + tickLen + 4 // room for a typical tick label when empty
	if ok {
		xlo, xhi = widen(xlo, xhi, false)
		ylo, yhi = widen(ylo, yhi, p.LogY)
		target := max(2, (plotBottom-plotTop)/40)
		if p.LogY {
			ya = logAxis(ylo, yhi, target, fixedY)
		} else {
			ya = linearAxis(ylo, yhi, target, fixedY)
		}
		wmax := 0
		for _, l := range ya.labels {
			wmax = max(wmax, textWidth(l))
		}
		plotLeft = left + wmax + tickLen + 4
	}
	pr := image.Rect(plotLeft, plotTop+1, r.Max.X-rightMargin, plotBottom) // inside the frame
	if pr.Dx() < minPlotSide {
		return fmt.Errorf("plot: panel %q: %d×%d pixels leave no room for its plot", p.Title, r.Dx(), r.Dy())
	}
	if ok {
		// Fewer ticks until the labels have room between them.
		for target := max(2, pr.Dx()/60); ; target-- {
			xa = linearAxis(xlo, xhi, target, fixedX)
			wmax := 0
			for _, l := range xa.labels {
				wmax = max(wmax, textWidth(l))
			}
			if target <= 1 || len(xa.ticks) < 2 || float64(pr.Dx()-1)/float64(len(xa.ticks)-1) >= float64(wmax+12) {
				break
			}
		}
	}

	// Pixel position of a value: lo at the centre of the first pixel, hi at
	// the centre of the last.
	px := func(v float64) float64 { return float64(pr.Min.X) + 0.5 + xa.frac(v)*float64(pr.Dx()-1) }
	py := func(v float64) float64 { return float64(pr.Max.Y) - 0.5 - ya.frac(v)*float64(pr.Dy()-1) }

	// Grid, series, then the frame and ticks over them.
	if ok {
		for _, t := range xa.ticks {
			c.fill(image.Rect(int(px(t)), pr.Min.Y, int(px(t))+1, pr.Max.Y), gridColor)
		}
		for _, t := range ya.ticks {
			c.fill(image.Rect(pr.Min.X, int(py(t)), pr.Max.X, int(py(t))+1), gridColor)
		}
		for i, s := range p.Series {
			drawSeries(c, pr, s, p.LogY, seriesColor(i), px, py)
		}
	}
	frame := pr.Inset(-1)
	c.fill(image.Rect(frame.Min.X, frame.Min.Y, frame.Max.X, frame.Min.Y+1), frameColor)
	c.fill(image.Rect(frame.Min.X, frame.Max.Y-1, frame.Max.X, frame.Max.Y), frameColor)
	c.fill(image.Rect(frame.Min.X, frame.Min.Y, frame.Min.X+1, frame.Max.Y), frameColor)
	c.fill(image.Rect(frame.Max.X-1, frame.Min.Y, frame.Max.X, frame.Max.Y), frameColor)
	if ok {
		for i, t := range xa.ticks {
			x := int(px(t))
			c.fill(image.Rect(x, pr.Max.Y+1, x+1, pr.Max.Y+1+tickLen), frameColor)
			c.text(x-textWidth(xa.labels[i])/2, xTickTop, xa.labels[i], textColor)
		}
		for i, t := range ya.ticks {
			y := int(py(t))
			c.fill(image.Rect(pr.Min.X-1-tickLen, y, pr.Min.X-1, y+1), frameColor)
			c.text(pr.Min.X-1-tickLen-3-textWidth(ya.labels[i]), y-face.Height/2, ya.labels[i], textColor)
		}
	} else {
		msg := "no data"
		c.text(pr.Min.X+(pr.Dx()-textWidth(msg))/2, pr.Min.Y+(pr.Dy()-face.Height)/2, msg, noteColor)
	}

	// Axis labels and legend.
	if p.XLabel != "" {
		c.text(pr.Min.X+(pr.Dx()-textWidth(p.XLabel))/2, r.Max.Y-face.Height, p.XLabel, textColor)
	}
	if p.YLabel != "" {
		m := rotateLeft(textMask(p.YLabel))
		c.paint(m, image.Pt(r.Min.X, pr.Min.Y+(pr.Dy()-m.Rect.Dy())/2), textColor)
	}
	for i, s := range p.Series {
		e := entries[i]
		mid := e.y + face.Height/2
		c.fill(image.Rect(e.x, mid-1, e.x+swatchW, mid-1+swatchH), seriesColor(i))
		c.text(e.x+swatchW+4, e.y, s.Name, textColor)
	}
	return nil
}

// drawSeries draws s inside the plot area pr: a line through consecutive
// drawable points, a marker at a point with no drawable neighbour, and
// markers at every point when the series is sparse (as eval records are).
//
// A dense series, more than denseFactor points per pixel column, would be a
// solid band of noise: its raw line is drawn in a light tint, reduced to the
// first, lowest, highest and last point of each column (which draws the same
// pixels), and its mean over every smoothCols columns goes on top in the
// full colour.
func drawSeries(c *canvas, pr image.Rectangle, s Series, logY bool, col color.RGBA, px, py func(float64) float64) {
	var runs [][]pt // consecutive drawable points, in pixels
	var run []pt
	count := 0
	for i := range s.X {
		if drawable(s.X[i], s.Y[i], logY) {
			p := pt{px(s.X[i]), py(s.Y[i])}
			// A value far outside a fixed range can overflow in pixels.
			if !math.IsInf(p.x, 0) && !math.IsInf(p.y, 0) {
				run = append(run, p)
				count++
				continue
			}
		}
		if len(run) > 0 {
			runs, run = append(runs, run), nil
		}
	}
	if len(run) > 0 {
		runs = append(runs, run)
	}
	if count == 0 {
		return
	}
	if count > denseFactor*pr.Dx() {
		raw, smooth := stroke{image.NewAlpha(pr)}, stroke{image.NewAlpha(pr)}
		for _, r := range runs {
			raw.polyline(decimate(r), false)
			smooth.polyline(columnMeans(r, float64(pr.Min.X), smoothCols), false)
		}
		c.paint(raw.m, pr.Min, tint(col))
		c.paint(smooth.m, pr.Min, col)
		return
	}
	st := stroke{image.NewAlpha(pr)}
	sparse := count <= pr.Dx()/12
	for _, r := range runs {
		st.polyline(r, sparse)
	}
	c.paint(st.m, pr.Min, col)
}

// Dense series: more than denseFactor points per pixel column are drawn
// tinted, under their mean over smoothCols columns.
const (
	denseFactor = 2
	smoothCols  = 4
)

// pt is a point in pixel coordinates.
type pt struct{ x, y float64 }

// polyline draws a line through pts, a marker when there is only one point,
// and a marker at every point when markers is set.
func (s stroke) polyline(pts []pt, markers bool) {
	for i, p := range pts {
		if i+1 < len(pts) {
			s.segment(p.x, p.y, pts[i+1].x, pts[i+1].y, lineHalf)
		}
		if markers || len(pts) == 1 {
			s.dot(p.x, p.y, markerRadius)
		}
	}
}

// decimate keeps, of each stretch of consecutive points in one pixel column,
// the first, the lowest, the highest and the last, in their order: the line
// through them covers the same pixels as the line through all of them
// (M4 aggregation, Jugel et al., VLDB 2014).
func decimate(pts []pt) []pt {
	var out []pt
	for i := 0; i < len(pts); {
		col := math.Floor(pts[i].x)
		j, lo, hi := i, i, i
		for ; j < len(pts) && math.Floor(pts[j].x) == col; j++ {
			if pts[j].y < pts[lo].y {
				lo = j
			}
			if pts[j].y > pts[hi].y {
				hi = j
			}
		}
		last := j - 1
		keep := []int{i, lo, hi, last}
		slices.Sort(keep)
		for k, idx := range keep {
			if k == 0 || idx != keep[k-1] {
				out = append(out, pts[idx])
			}
		}
		i = j
	}
	return out
}

// columnMeans averages each stretch of consecutive points that falls in one
// band of width columns (counted from x0). On a log axis pixel y is log y,
// so the mean is the geometric mean.
func columnMeans(pts []pt, x0 float64, width int) []pt {
	var out []pt
	band := func(p pt) float64 { return math.Floor((p.x - x0) / float64(width)) }
	for i := 0; i < len(pts); {
		b := band(pts[i])
		var sx, sy float64
		j := i
		for ; j < len(pts) && band(pts[j]) == b; j++ {
			sx += pts[j].x
			sy += pts[j].y
		}
		n := float64(j - i)
		out = append(out, pt{sx / n, sy / n})
		i = j
	}
	return out
}

// tint is col mixed with the background, for the raw line under a mean.
func tint(col color.RGBA) color.RGBA {
	mix := func(c uint8) uint8 { return uint8(255 - (255-int(c))*35/100) }
	return color.RGBA{mix(col.R), mix(col.G), mix(col.B), 0xff}
}
