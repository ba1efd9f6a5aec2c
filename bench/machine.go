package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
)

// machine is what each table is measured on.
type machine struct {
	cores  int
	cpu    string
	memGiB float64
	kernel string
	fs     string // file system of the temp folder the files are written in
	goVer  string
}

func readMachine(tmp string) machine {
	m := machine{cores: runtime.NumCPU(), cpu: "unknown CPU", kernel: runtime.GOOS, goVer: runtime.Version()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = "Linux " + strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb float64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %f kB", &kb); err == nil {
			m.memGiB = kb / (1 << 20)
		}
	}
	m.fs = fsType(tmp)
	return m
}

// loadavg is the 1-minute load, since the machine may be shared.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func (m machine) line(load string) string {
	return fmt.Sprintf("Machine: %d cores, %s, %.0f GiB RAM, %s, files on %s, %s; load average %s when this table started.",
		m.cores, m.cpu, m.memGiB, m.kernel, m.fs, m.goVer, load)
}
