package progress

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestHuman(t *testing.T) {
	cases := []struct {
		v    float64
		unit string
		want string
	}{
		{0, "B", "0 B"}, {999, "B", "999 B"}, {1000, "B", "1.0 kB"}, {1.5e6, "B", "1.5 MB"},
		{2.12e8, "B", "212.0 MB"}, {3.2e9, "", "3.2G"}, {42, "", "42"},
	}
	for _, c := range cases {
		if got := Human(c.v, c.unit); got != c.want {
			t.Errorf("Human(%v, %q) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
}

func TestSnapshotRateAndETA(t *testing.T) {
	m := Start("x", 1000, Count, Config{Out: &bytes.Buffer{}, Terminal: ptr(false), Interval: time.Hour})
	defer m.Finish()
	clock := m.start
	m.now = func() time.Time { return clock }
	m.Add(250)
	clock = clock.Add(10 * time.Second)
	s := m.Snapshot()
	if s.Rate != 25 || s.ETA != 30*time.Second {
		t.Fatalf("Snapshot = %+v, want rate 25/s and ETA 30s", s)
	}
}

func TestLogLines(t *testing.T) {
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	m := Start("wiki", 100, Bytes, Config{Terminal: ptr(false), Interval: 10 * time.Millisecond, Logger: logger})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); m.Add(10) }()
	}
	wg.Wait()
	time.Sleep(50 * time.Millisecond)
	m.Finish()
	m.Finish()
	out := buf.String()
	if !strings.Contains(out, "msg=progress task=wiki") || !strings.Contains(out, "pct=40.0") {
		t.Errorf("no periodic progress line in:\n%s", out)
	}
	if strings.Count(out, "msg=finished") != 1 || !strings.Contains(out, "done=\"40 B\"") {
		t.Errorf("want exactly one finished line with done=40 B in:\n%s", out)
	}
}

func TestBar(t *testing.T) {
	var buf syncBuffer
	m := Start("wiki", 200, Count, Config{Out: &buf, Terminal: ptr(true)})
	m.Add(100)
	m.Finish()
	out := buf.String()
	if !strings.Contains(out, "wiki [============>           ]  50%  100 / 200") || !strings.HasSuffix(out, "\n") {
		t.Errorf("bar output %q", out)
	}
}

func ptr[T any](v T) *T { return &v }

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Attributes set while running appear in log lines and the bar; slow
// counts keep a decimal in their rate.
func TestAttrsAndSlowRate(t *testing.T) {
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	m := Start("train", 10, Count, Config{Terminal: ptr(false), Interval: time.Hour, Logger: logger})
	now := m.start
	m.now = func() time.Time { return now.Add(4 * time.Second) }
	m.Set(3)
	m.SetAttrs("loss", "7.123")
	m.Finish()
	if out := buf.String(); !strings.Contains(out, "loss=7.123") || !strings.Contains(out, "rate=0.75/s") {
		t.Errorf("log line %q", out)
	}
	var bar syncBuffer
	m = Start("train", 10, Count, Config{Out: &bar, Terminal: ptr(true)})
	m.SetAttrs("loss", 2.5)
	m.Finish()
	if !strings.Contains(bar.String(), "  loss 2.5") {
		t.Errorf("bar %q", bar.String())
	}
}
