package main

import (
	"bufio"
	"io"
	"strings"
)

// ANSI colours for a terminal; colour is never the only sign of a state.
const (
	colorRed    = "31"
	colorGreen  = "32"
	colorYellow = "33"
	colorBold   = "1"
)

// cell is one table cell: its text and, on a terminal, its colour.
type cell struct {
	text  string
	color string
}

// table lays out rows in columns as wide as their widest plain text, so
// that colour codes never upset the alignment.
type table struct {
	header []string
	rows   [][]cell
	// maxWidth, when set, drops columns from the right, down to keep, until
	// the table fits; then, if it still does not, cuts the text of column
	// cut with an ellipsis, down to minCut runes, so that no row wraps.
	maxWidth, keep int
	cut, minCut    int
}

func (t *table) add(cells ...cell) { t.rows = append(t.rows, cells) }

// write prints the table, two spaces between columns and no trailing
// spaces, with colour when color is set.
func (t *table) write(w *bufio.Writer, color bool) {
	width := make([]int, len(t.header))
	for i, h := range t.header {
		width[i] = textWidth(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			width[i] = max(width[i], textWidth(c.text))
		}
	}
	cols := len(width)
	for t.maxWidth > 0 && cols > t.keep && tableWidth(width[:cols]) > t.maxWidth {
		cols--
	}
	if over := tableWidth(width[:cols]) - t.maxWidth; t.maxWidth > 0 && over > 0 && t.cut < cols {
		width[t.cut] = max(width[t.cut]-over, min(width[t.cut], t.minCut))
	}
	line := func(cells []cell) {
		cells = cells[:min(cols, len(cells))]
		for i, c := range cells {
			text := ellipsize(c.text, width[i])
			if i == len(cells)-1 {
				writeColored(w, text, c.color, color)
				break
			}
			writeColored(w, text, c.color, color)
			w.WriteString(strings.Repeat(" ", width[i]-textWidth(text)+2))
		}
		w.WriteByte('\n')
	}
	head := make([]cell, len(t.header))
	for i, h := range t.header {
		head[i] = cell{h, colorBold}
	}
	line(head)
	for _, r := range t.rows {
		line(r)
	}
}

func writeColored(w io.StringWriter, text, code string, color bool) {
	if !color || code == "" {
		w.WriteString(text)
		return
	}
	w.WriteString("\x1b[" + code + "m" + text + "\x1b[0m")
}

func tableWidth(width []int) int {
	n := 2 * (len(width) - 1)
	for _, w := range width {
		n += w
	}
	return n
}

// ellipsize cuts s to n columns with "…" in the middle, keeping its start
// and its end, where names that share a prefix differ (team-prod-admin,
// team-prod-readonly). A wide character that would cross the cut is
// left out, so the result may be a column short.
func ellipsize(s string, n int) string {
	if textWidth(s) <= n || n < 1 {
		return s
	}
	r := []rune(s)
	tail := (n - 1) / 2
	head := n - 1 - tail
	i, w := 0, 0
	for ; i < len(r) && w+runeWidth(r[i]) <= head; i++ {
		w += runeWidth(r[i])
	}
	j, w := len(r), 0
	for ; j > i && w+runeWidth(r[j-1]) <= tail; j-- {
		w += runeWidth(r[j-1])
	}
	return string(r[:i]) + "…" + string(r[j:])
}
