package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// table is a Markdown table, so the output pastes into the README as is.
type table struct {
	title string
	head  []string
	rows  [][]string
	notes []string
	load  string // 1-minute load average when the section started
	raw   string // printed after the notes as a fenced block
}

func newTable(title string, head ...string) *table {
	return &table{title: title, head: head, load: loadavg()}
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) note(format string, args ...any) {
	t.notes = append(t.notes, fmt.Sprintf(format, args...))
}

func (t *table) print(w io.Writer, m machine) {
	fmt.Fprintf(w, "\n### %s\n\n%s\n\n", t.title, m.line(t.load))
	width := make([]int, len(t.head))
	for _, r := range append([][]string{t.head}, t.rows...) {
		for i, c := range r {
			if i < len(width) {
				width[i] = max(width[i], len(c))
			}
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		b.WriteString("|")
		for i := range width {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			fmt.Fprintf(&b, " %-*s |", width[i], c)
		}
		fmt.Fprintln(w, b.String())
	}
	line(t.head)
	sep := make([]string, len(width))
	for i := range sep {
		sep[i] = strings.Repeat("-", width[i])
	}
	line(sep)
	for _, r := range t.rows {
		line(r)
	}
	if len(t.notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range t.notes {
			fmt.Fprintln(w, "- "+n)
		}
	}
	if t.raw != "" {
		fmt.Fprintf(w, "\n```text\n%s\n```\n", strings.TrimRight(t.raw, "\n"))
	}
}

// samples are the durations of repeated runs of one thing.
type samples []time.Duration

func (s samples) sorted() samples {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

func (s samples) median() time.Duration {
	if len(s) == 0 {
		return 0
	}
	c := s.sorted()
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

func (s samples) min() time.Duration {
	if len(s) == 0 {
		return 0
	}
	return s.sorted()[0]
}

func (s samples) max() time.Duration {
	if len(s) == 0 {
		return 0
	}
	return s.sorted()[len(s)-1]
}

// ms formats a duration in milliseconds with three significant digits.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	case v >= 1:
		return fmt.Sprintf("%.2f ms", v)
	default:
		return fmt.Sprintf("%.3f ms", v)
	}
}

// ratio formats a/b as "12.3x"; "-" when b is zero.
func ratio(a, b float64) string {
	if b == 0 || a == 0 {
		return "-"
	}
	r := a / b
	if r >= 100 {
		return fmt.Sprintf("%.0fx", r)
	}
	return fmt.Sprintf("%.1fx", r)
}

func mib(bytes int64) string { return fmt.Sprintf("%.1f MiB", float64(bytes)/(1<<20)) }

func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
