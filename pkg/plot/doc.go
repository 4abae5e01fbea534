// Package plot draws training curves to a PNG that a person can look at
// without other tools: `train plot OUT` reads OUT/metrics.jsonl with
// ReadMetrics, arranges the standard figure with TrainingPanels and writes it
// with Render.
//
// The metrics file has one JSON object per line. Training records and eval
// records share it, and each numeric field becomes a series over "step":
//
//	{"step":10,"loss":7.1,"mlm_loss":6.4,"nsp_loss":0.69,"mlm_accuracy":0.05,"lr":0.0001,"phase":"phase1"}
//	{"step":100,"eval_mlm_accuracy":0.2,"eval_mlm_loss":5.0,"eval_nsp_accuracy":0.7}
//
// A figure is a title over a grid of panels. Each panel has axes with tick
// labels at 1, 2 or 5 × 10^k (decades on a log axis), a legend and one colour
// per series; lines are clipped to the plot area, a NaN, ±Inf (or, on a log
// axis, non-positive) value leaves a gap, a point with no neighbour is drawn
// as a marker, and a panel without data says "no data". A series with more
// points than its panel has pixels to show them (a long run logged every few
// steps) is drawn in a light tint under its mean over every few pixel
// columns, so the trend shows through the noise. Text uses the 7×13
// bitmap font of golang.org/x/image/font/basicfont, so the same input always
// gives the same bytes.
package plot
