package plot

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// face is the only font: 7 pixels wide, 13 high (11 above the baseline).
var face = basicfont.Face7x13

// textMask returns s drawn as an alpha mask of its own size, face.Height
// pixels high. The font is a bitmap, so mask pixels are 0 or 255.
func textMask(s string) *image.Alpha {
	w := font.MeasureString(face, s).Ceil()
	m := image.NewAlpha(image.Rect(0, 0, w, face.Height))
	d := font.Drawer{Dst: m, Src: image.Opaque, Face: face, Dot: fixed.P(0, face.Ascent)}
	d.DrawString(s)
	return m
}

// textWidth is the width of s in pixels.
func textWidth(s string) int {
	return font.MeasureString(face, s).Ceil()
}

// rotateLeft turns a mask 90° counter-clockwise, so text reads bottom to top.
func rotateLeft(m *image.Alpha) *image.Alpha {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	out := image.NewAlpha(image.Rect(0, 0, h, w))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			out.Pix[(w-1-x)*out.Stride+y] = m.Pix[y*m.Stride+x]
		}
	}
	return out
}

// enlarge scales a mask k times by repeating pixels, which keeps a bitmap
// font crisp.
func enlarge(m *image.Alpha, k int) *image.Alpha {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	out := image.NewAlpha(image.Rect(0, 0, w*k, h*k))
	for y := 0; y < h*k; y++ {
		for x := 0; x < w*k; x++ {
			out.Pix[y*out.Stride+x] = m.Pix[(y/k)*m.Stride+x/k]
		}
	}
	return out
}

// canvas is the figure being drawn.
type canvas struct {
	img *image.RGBA
}

// fill paints r with col.
func (c *canvas) fill(r image.Rectangle, col color.RGBA) {
	draw.Draw(c.img, r, image.NewUniform(col), image.Point{}, draw.Src)
}

// paint blends col into the canvas through mask, whose top-left corner goes
// to at. Pixels outside the mask's rectangle are untouched.
func (c *canvas) paint(mask *image.Alpha, at image.Point, col color.RGBA) {
	r := mask.Rect.Sub(mask.Rect.Min).Add(at)
	draw.DrawMask(c.img, r, image.NewUniform(col), image.Point{}, mask, mask.Rect.Min, draw.Over)
}

// text draws s with its top-left corner at (x, y).
func (c *canvas) text(x, y int, s string, col color.RGBA) {
	c.paint(textMask(s), image.Pt(x, y), col)
}

// stroke accumulates line coverage in an alpha mask whose rectangle is the
// plot area: each pixel keeps the largest coverage any segment gives it, so
// joints and self-crossings of one series are not darker than the line, and
// nothing outside the mask's rectangle is ever touched (the clipping).
type stroke struct {
	m *image.Alpha
}

// segment adds the segment (x0, y0)–(x1, y1), in pixel coordinates where the
// centre of pixel (i, j) is (i+0.5, j+0.5), with half width hw. Coverage
// falls off linearly over the last pixel, which antialiases the edges.
func (s stroke) segment(x0, y0, x1, y1, hw float64) {
	b := s.m.Rect
	margin := hw + 1
	var ok bool
	x0, y0, x1, y1, ok = clipSegment(x0, y0, x1, y1,
		float64(b.Min.X)-margin, float64(b.Min.Y)-margin, float64(b.Max.X)+margin, float64(b.Max.Y)+margin)
	if !ok {
		return
	}
	minX := max(b.Min.X, int(math.Floor(math.Min(x0, x1)-margin)))
	maxX := min(b.Max.X, int(math.Ceil(math.Max(x0, x1)+margin)))
	minY := max(b.Min.Y, int(math.Floor(math.Min(y0, y1)-margin)))
	maxY := min(b.Max.Y, int(math.Ceil(math.Max(y0, y1)+margin)))
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	for py := minY; py < maxY; py++ {
		row := s.m.Pix[(py-b.Min.Y)*s.m.Stride:]
		cy := float64(py) + 0.5
		for px := minX; px < maxX; px++ {
			cx := float64(px) + 0.5
			t := 0.0
			if l2 > 0 {
				t = math.Min(1, math.Max(0, ((cx-x0)*dx+(cy-y0)*dy)/l2))
			}
			d := math.Hypot(cx-(x0+t*dx), cy-(y0+t*dy))
			a := hw + 0.5 - d
			if a <= 0 {
				continue
			}
			v := uint8(255)
			if a < 1 {
				v = uint8(a*255 + 0.5)
			}
			if i := px - b.Min.X; v > row[i] {
				row[i] = v
			}
		}
	}
}

// dot adds a filled disc of radius r centred at (x, y).
func (s stroke) dot(x, y, r float64) {
	s.segment(x, y, x, y, r)
}

// clipSegment clips a segment to the rectangle [xmin, xmax] × [ymin, ymax]
// (Liang–Barsky) and reports whether any of it is left.
func clipSegment(x0, y0, x1, y1, xmin, ymin, xmax, ymax float64) (float64, float64, float64, float64, bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := x1-x0, y1-y0
	for _, pq := range [4][2]float64{{-dx, x0 - xmin}, {dx, xmax - x0}, {-dy, y0 - ymin}, {dy, ymax - y0}} {
		p, q := pq[0], pq[1]
		if p == 0 {
			if q < 0 {
				return 0, 0, 0, 0, false
			}
			continue
		}
		t := q / p
		if p < 0 {
			if t > t1 {
				return 0, 0, 0, 0, false
			}
			t0 = math.Max(t0, t)
		} else {
			if t < t0 {
				return 0, 0, 0, 0, false
			}
			t1 = math.Min(t1, t)
		}
	}
	return x0 + t0*dx, y0 + t0*dy, x0 + t1*dx, y0 + t1*dy, true
}

// Colours of the figure. The frame colour is used for nothing else, so a
// test can find the plot area in a decoded image.
var (
	background = color.RGBA{0xff, 0xff, 0xff, 0xff}
	gridColor  = color.RGBA{0xe4, 0xe4, 0xe4, 0xff}
	frameColor = color.RGBA{0x50, 0x50, 0x50, 0xff}
	textColor  = color.RGBA{0x20, 0x20, 0x20, 0xff}
	noteColor  = color.RGBA{0x90, 0x90, 0x90, 0xff}
)

// palette is matplotlib's "tab10": ten colours that stay apart for common
// forms of colour blindness and on a printout.
var palette = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
	{0xd6, 0x27, 0x28, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff},
	{0xe3, 0x77, 0xc2, 0xff}, {0x7f, 0x7f, 0x7f, 0xff}, {0xbc, 0xbd, 0x22, 0xff},
	{0x17, 0xbe, 0xcf, 0xff},
}

// seriesColor is the colour of the i-th series of a panel: the palette, then
// hues spread by the golden angle.
func seriesColor(i int) color.RGBA {
	if i < len(palette) {
		return palette[i]
	}
	h := math.Mod(float64(i-len(palette))*0.618033988749895+0.1, 1)
	return hsv(h, 0.7, 0.8)
}

// hsv converts a colour with hue h in [0, 1), saturation s and value v.
func hsv(h, s, v float64) color.RGBA {
	i := int(h * 6)
	f := h*6 - float64(i)
	p, q, t := v*(1-s), v*(1-s*f), v*(1-s*(1-f))
	var r, g, b float64
	switch i % 6 {
	case 0:
		r, g, b = v, t, p
	case 1:
		r, g, b = q, v, p
	case 2:
		r, g, b = p, v, t
	case 3:
		r, g, b = p, q, v
	case 4:
		r, g, b = t, p, v
	default:
		r, g, b = v, p, q
	}
	return color.RGBA{uint8(r*255 + 0.5), uint8(g*255 + 0.5), uint8(b*255 + 0.5), 0xff}
}
