package render

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/vector"
)

// Button colours: the grey level of an idle and a pressed body.
const (
	IdleGrey    = 0x33
	PressedGrey = 0x66
)

// DefaultRadius is the corner radius of a button body ([Style]
// CornerRadius's default).
const DefaultRadius = 8

// bodyPad is how far the body reaches above 15 % and below 85 % of the
// bar height.
const bodyPad = 8

// bodyMask is the coverage of a button body in landscape button pixels:
// a rounded rectangle [0, width) × [0.15h−8, 0.85h+8] whose straight sides
// run from 15 % to 85 % of the height and whose corners have radius 8. The
// fractional right edge is antialiased.
func bodyMask(width float64, h int) *image.Alpha {
	cols := int(math.Ceil(width))
	m := image.NewAlpha(image.Rect(0, 0, max(cols, 0), max(h, 0)))
	drawBody(m, nil, width, DefaultRadius)
	return m
}

// drawBody draws the body of a button of the given width into m (its
// bounds: ceil(width) × h) with the rasteriser z (nil: a new one), with
// corners of the given radius (the box stays [0.15h−8, 0.85h+8] high). z's
// buffer is reused when it is large enough, so a renderer that keeps one
// rasterises all its buttons without new garbage.
func drawBody(m *image.Alpha, z *vector.Rasterizer, width, radius float64) *vector.Rasterizer {
	cols, h := m.Rect.Dx(), m.Rect.Dy()
	if cols <= 0 || h <= 0 {
		return z
	}
	top, bot := 0.15*float64(h), 0.85*float64(h)
	y0, y1 := top-bodyPad, bot+bodyPad
	ry := math.Max(0, math.Min(radius, (y1-y0)/2))
	rx := math.Min(ry, width/2)
	// Where the straight sides end: 15 % and 85 % with the default radius
	// (computed as before, so the default body is the same to the bit).
	st, sb := top, bot
	if ry != bodyPad {
		st, sb = y0+ry, y1-ry
	}
	const k = 0.5522847498 // cubic approximation of a quarter circle
	if z == nil {
		z = vector.NewRasterizer(cols, h)
	} else {
		z.Reset(cols, h)
	}
	f := func(v float64) float32 { return float32(v) }
	x0, x1 := 0.0, width
	z.MoveTo(f(x0), f(st))
	z.CubeTo(f(x0), f(st-k*ry), f(x0+rx-k*rx), f(y0), f(x0+rx), f(y0))
	z.LineTo(f(x1-rx), f(y0))
	z.CubeTo(f(x1-rx+k*rx), f(y0), f(x1), f(st-k*ry), f(x1), f(st))
	z.LineTo(f(x1), f(sb))
	z.CubeTo(f(x1), f(sb+k*ry), f(x1-rx+k*rx), f(y1), f(x1-rx), f(y1))
	z.LineTo(f(x0+rx), f(y1))
	z.CubeTo(f(x0+rx-k*rx), f(y1), f(x0), f(sb+k*ry), f(x0), f(sb))
	z.ClosePath()
	z.DrawOp = draw.Src
	z.Draw(m, m.Bounds(), image.Opaque, image.Point{})
	return z
}

// layer is something drawn over a button body: a mask in a colour or a
// picture, at an offset in landscape button pixels.
type layer struct {
	mask *image.Alpha // drawn in col (nil: white) where set
	img  *image.RGBA  // and this premultiplied picture over it
	at   image.Point
	col  image.Image // the mask's colour; nil: white
	fade uint8       // the picture's opacity; 0: opaque
}

// drawLayers clears canvas and draws the layers on it (premultiplied).
func drawLayers(canvas *image.RGBA, layers []layer) {
	clear(canvas.Pix)
	for _, l := range layers {
		if l.mask != nil {
			src := l.col
			if src == nil {
				src = image.White
			}
			r := l.mask.Rect.Add(l.at)
			draw.DrawMask(canvas, r, src, image.Point{}, l.mask, l.mask.Rect.Min, draw.Over)
		}
		if l.img != nil {
			r := l.img.Rect.Add(l.at)
			if l.fade != 0 {
				draw.DrawMask(canvas, r, l.img, l.img.Rect.Min, image.NewUniform(color.Alpha{l.fade}), image.Point{}, draw.Over)
				continue
			}
			draw.Draw(canvas, r, l.img, l.img.Rect.Min, draw.Over)
		}
	}
}

// composeTile puts content (a premultiplied landscape picture) over the
// body (filled with fill scaled by coverage, unless fill is nil) over black,
// and stores the result in dst in panel orientation: one panel row per
// landscape column, stride bytes a row, column h−1−y for landscape row y.
// Only the columns of content's bounds are composed (content may be a strip
// of the button; its bounds are in button pixels, rows 0…h−1).
//
// bg, when not nil, is an opaque background instead of black ([Style]
// Background); nil keeps the black path exact.
func composeTile(dst []byte, stride int, body *image.Alpha, fill *color.RGBA, content *image.RGBA, bg *color.RGBA) {
	if bg != nil {
		composeTileOver(dst, stride, body, fill, content, bg)
		return
	}
	h := body.Rect.Dy()
	x0, x1 := max(content.Rect.Min.X, 0), min(content.Rect.Max.X, body.Rect.Dx())
	var fr, fg, fb uint32
	if fill != nil {
		fr, fg, fb = uint32(fill.R), uint32(fill.G), uint32(fill.B)
	}
	for x := x0; x < x1; x++ {
		row := dst[x*stride : (x+1)*stride]
		clear(row[4*h:])
		bo, co := x, content.PixOffset(x, 0)
		for y := 0; y < h; y++ {
			s := content.Pix[co : co+4 : co+4]
			d := row[4*(h-1-y) : 4*(h-y) : 4*(h-y)]
			cov := uint32(body.Pix[bo])
			if cov == 0 || fill == nil {
				d[0], d[1], d[2], d[3] = s[2], s[1], s[0], 0
			} else {
				k := cov * (255 - uint32(s[3])) // ≤ 255²
				d[0] = s[2] + uint8((fb*k+32512)/65025)
				d[1] = s[1] + uint8((fg*k+32512)/65025)
				d[2] = s[0] + uint8((fr*k+32512)/65025)
				d[3] = 0
			}
			bo += body.Stride
			co += content.Stride
		}
	}
}

// composeTileOver is composeTile over an opaque background colour.
func composeTileOver(dst []byte, stride int, body *image.Alpha, fill *color.RGBA, content *image.RGBA, bg *color.RGBA) {
	h := body.Rect.Dy()
	x0, x1 := max(content.Rect.Min.X, 0), min(content.Rect.Max.X, body.Rect.Dx())
	var fr, fg, fb uint32
	if fill != nil {
		fr, fg, fb = uint32(fill.R), uint32(fill.G), uint32(fill.B)
	}
	br, bgg, bb := uint32(bg.R), uint32(bg.G), uint32(bg.B)
	for x := x0; x < x1; x++ {
		row := dst[x*stride : (x+1)*stride]
		clear(row[4*h:])
		bo, co := x, content.PixOffset(x, 0)
		for y := 0; y < h; y++ {
			s := content.Pix[co : co+4 : co+4]
			d := row[4*(h-1-y) : 4*(h-y) : 4*(h-y)]
			cov := uint32(body.Pix[bo])
			if fill == nil {
				cov = 0
			}
			// Under the content: fill at coverage over the background.
			ur := (fr*cov + br*(255-cov) + 127) / 255
			ug := (fg*cov + bgg*(255-cov) + 127) / 255
			ub := (fb*cov + bb*(255-cov) + 127) / 255
			k := 255 - uint32(s[3])
			d[0] = s[2] + uint8((ub*k+127)/255)
			d[1] = s[1] + uint8((ug*k+127)/255)
			d[2] = s[0] + uint8((ur*k+127)/255)
			d[3] = 0
			bo += body.Stride
			co += content.Stride
		}
	}
}

// fillRows paints frame rows [from, to) in an opaque colour (the
// background), or blackens them when c is nil.
func fillRows(f *Frame, from, to int, c *color.RGBA) {
	if c == nil {
		clearRows(f, from, to)
		return
	}
	from, to = max(0, from), min(f.Height, to)
	if from >= to {
		return
	}
	row := f.Pix[from*f.Stride : (from+1)*f.Stride]
	for col := 0; col < f.BarHeight; col++ {
		row[4*col], row[4*col+1], row[4*col+2], row[4*col+3] = c.B, c.G, c.R, 0
	}
	clear(row[4*f.BarHeight:])
	for r := from + 1; r < to; r++ {
		copy(f.Pix[r*f.Stride:(r+1)*f.Stride], row)
	}
}

// blit copies a tile (rows rows of stride bytes in panel orientation) into
// the frame with its first row at row0, moved dy landscape pixels down
// (dy panel columns to the left). Rows outside the frame are dropped.
func blit(f *Frame, tile []byte, rows, row0, dy int) {
	start, end := max(0, row0), min(f.Height, row0+rows)
	if start >= end {
		return
	}
	st := f.Stride
	src := tile[(start-row0)*st : (end-row0)*st]
	dst := f.Pix[start*st : end*st]
	if dy == 0 {
		copy(dst, src)
		return
	}
	sh := 4 * dy
	if sh >= st || -sh >= st {
		clear(dst)
		return
	}
	for r := 0; r < end-start; r++ {
		d, s := dst[r*st:(r+1)*st], src[r*st:(r+1)*st]
		if sh > 0 {
			n := copy(d, s[sh:])
			clear(d[n:])
		} else {
			copy(d[-sh:], s)
			clear(d[:-sh])
		}
	}
}

// clearRows blackens frame rows [from, to).
func clearRows(f *Frame, from, to int) {
	from, to = max(0, from), min(f.Height, to)
	if from < to {
		clear(f.Pix[from*f.Stride : to*f.Stride])
	}
}
