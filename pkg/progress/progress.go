// Package progress reports how far long work has got: a live bar when the
// output is a terminal, and otherwise (Slurm, a pipe, a log file) one
// structured log line per interval with rate and ETA:
//
//	wikipedia [=========>          ]  48%  9.6 GB / 20.0 GB  212 MB/s  ETA 49s
//	time=… level=INFO msg=progress task=wikipedia done=9.6GB total=20.0GB pct=48.0 rate=212MB/s eta=49s
//
// A Meter is safe for concurrent use: workers call Add from any goroutine.
package progress

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// Unit says how amounts are printed.
type Unit int

const (
	Bytes Unit = iota // 1.5 MB, 212 MB/s
	Count             // 1.5k, 212/s
)

// Config tunes a Meter. The zero value writes to os.Stderr, draws a bar when
// it is a terminal and logs every 30 s otherwise.
type Config struct {
	Out      io.Writer     // default os.Stderr
	Terminal *bool         // force bar (true) or log lines (false); default: detect on Out
	Interval time.Duration // between log lines; default 30s (bars redraw every 200ms)
	Logger   *slog.Logger  // default slog.Default()
}

// Meter tracks done out of total (total ≤ 0: unknown).
type Meter struct {
	label    string
	unit     Unit
	done     atomic.Int64
	total    atomic.Int64
	start    time.Time
	out      io.Writer
	terminal bool
	logger   *slog.Logger
	stop     chan struct{}
	wg       sync.WaitGroup
	once     sync.Once
	now      func() time.Time
	mu       sync.Mutex
	attrs    []any // key, value pairs shown after the rate (SetAttrs)
}

// Start begins reporting on a task named label.
func Start(label string, total int64, unit Unit, cfg Config) *Meter {
	m := &Meter{label: label, unit: unit, out: cfg.Out, logger: cfg.Logger, stop: make(chan struct{}), now: time.Now}
	if m.out == nil {
		m.out = os.Stderr
	}
	if m.logger == nil {
		m.logger = slog.Default()
	}
	if cfg.Terminal != nil {
		m.terminal = *cfg.Terminal
	} else if f, ok := m.out.(*os.File); ok {
		m.terminal = term.IsTerminal(int(f.Fd()))
	}
	interval := cfg.Interval
	if interval <= 0 {
		interval = 30 * time.Second
	}
	if m.terminal {
		interval = 200 * time.Millisecond
	}
	m.total.Store(total)
	m.start = m.now()
	m.wg.Add(1)
	go m.loop(interval)
	return m
}

// Add records n more units done.
func (m *Meter) Add(n int64) { m.done.Add(n) }

// Set records that n units are done in all.
func (m *Meter) Set(n int64) { m.done.Store(n) }

// SetTotal changes the expected total, once it becomes known.
func (m *Meter) SetTotal(n int64) { m.total.Store(n) }

// SetAttrs replaces the key, value pairs reported after the rate, such as
// a training loss: attributes of the log line, "key value" in the bar.
func (m *Meter) SetAttrs(kv ...any) {
	m.mu.Lock()
	m.attrs = kv
	m.mu.Unlock()
}

func (m *Meter) extra() []any {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.attrs
}

// Done returns the units done so far.
func (m *Meter) Done() int64 { return m.done.Load() }

// Finish stops reporting and prints a final line. It is safe to call twice.
func (m *Meter) Finish() {
	m.once.Do(func() {
		close(m.stop)
		m.wg.Wait()
		m.report(true)
	})
}

func (m *Meter) loop(interval time.Duration) {
	defer m.wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			m.report(false)
		}
	}
}

// Status is a snapshot of a Meter.
type Status struct {
	Done, Total int64
	Elapsed     time.Duration
	Rate        float64       // units per second
	ETA         time.Duration // -1 when unknown
}

// Snapshot returns the current status.
func (m *Meter) Snapshot() Status {
	s := Status{Done: m.done.Load(), Total: m.total.Load(), Elapsed: m.now().Sub(m.start), ETA: -1}
	if sec := s.Elapsed.Seconds(); sec > 0 {
		s.Rate = float64(s.Done) / sec
	}
	if s.Total > 0 && s.Rate > 0 && s.Done <= s.Total {
		s.ETA = time.Duration(float64(s.Total-s.Done) / s.Rate * float64(time.Second))
	}
	return s
}

func (m *Meter) report(final bool) {
	s := m.Snapshot()
	if m.terminal {
		line := m.barLine(s, 24)
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(m.out, "\r%s\x1b[K%s", line, end)
		return
	}
	attrs := []any{"task", m.label, "done", m.amount(float64(s.Done))}
	if s.Total > 0 {
		attrs = append(attrs, "total", m.amount(float64(s.Total)), "pct", fmt.Sprintf("%.1f", pct(s)))
	}
	attrs = append(attrs, "rate", m.rate(s.Rate)+"/s")
	attrs = append(attrs, m.extra()...)
	if s.ETA >= 0 && !final {
		attrs = append(attrs, "eta", s.ETA.Round(time.Second).String())
	}
	msg := "progress"
	if final {
		attrs = append(attrs, "elapsed", s.Elapsed.Round(time.Millisecond).String())
		msg = "finished"
	}
	m.logger.Info(msg, attrs...)
}

func (m *Meter) barLine(s Status, width int) string {
	var b strings.Builder
	b.WriteString(m.label)
	if s.Total > 0 {
		filled := int(pct(s) / 100 * float64(width))
		filled = min(max(filled, 0), width)
		b.WriteString(" [")
		b.WriteString(strings.Repeat("=", filled))
		if filled < width {
			b.WriteString(">")
			b.WriteString(strings.Repeat(" ", width-filled-1))
		}
		fmt.Fprintf(&b, "] %3.0f%%  %s / %s", pct(s), m.amount(float64(s.Done)), m.amount(float64(s.Total)))
	} else {
		fmt.Fprintf(&b, "  %s", m.amount(float64(s.Done)))
	}
	fmt.Fprintf(&b, "  %s/s", m.rate(s.Rate))
	if s.ETA >= 0 {
		fmt.Fprintf(&b, "  ETA %s", s.ETA.Round(time.Second))
	}
	kv := m.extra()
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, "  %v %v", kv[i], kv[i+1])
	}
	return b.String()
}

func pct(s Status) float64 {
	if s.Total <= 0 {
		return 0
	}
	return 100 * float64(s.Done) / float64(s.Total)
}

// rate formats a rate; slow counts (training steps) keep a decimal.
func (m *Meter) rate(v float64) string {
	if m.unit != Bytes && v > 0 && v < 10 {
		return fmt.Sprintf("%.2g", v)
	}
	return m.amount(v)
}

func (m *Meter) amount(v float64) string {
	if m.unit == Bytes {
		return Human(v, "B")
	}
	return Human(v, "")
}

// Human formats v with a decimal SI prefix: 1.5 kB, 212 MB, 3.2G.
func Human(v float64, suffix string) string {
	prefixes := []string{"", "k", "M", "G", "T", "P"}
	i := 0
	for v >= 999.5 && i < len(prefixes)-1 {
		v /= 1000
		i++
	}
	sep := ""
	if suffix != "" {
		sep = " "
	}
	if i == 0 {
		return fmt.Sprintf("%.0f%s%s", v, sep, suffix)
	}
	return fmt.Sprintf("%.1f%s%s%s", v, sep, prefixes[i], suffix)
}
