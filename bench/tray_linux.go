package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/bench/profilegen"
)

// Targets from issue 12, by number of profiles: RSS, and CPU over 5 idle
// minutes.
type trayTarget struct {
	rss int64 // bytes
	cpu time.Duration
}

const idleTarget = 5 * time.Minute

func targetFor(n int) trayTarget {
	if n <= 20 {
		return trayTarget{rss: 12 << 20, cpu: 50 * time.Millisecond}
	}
	return trayTarget{rss: 20 << 20, cpu: 20 * time.Millisecond}
}

// procStat is what /proc says about one process at one instant.
type procStat struct {
	rss, hwm  int64         // bytes
	anon      int64         // bytes of RSS not backed by a file (heap, stacks)
	threads   int           //
	cpu       time.Duration // utime+stime of every thread, live or gone (10 ms ticks)
	onCPU     time.Duration // sum of live threads' schedstat run time (ns)
	switches  int64         // voluntary + involuntary context switches of live threads
	taskCount int
}

func readProc(pid int) (procStat, error) {
	var s procStat
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, err
	}
	for _, l := range strings.Split(string(status), "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmRSS":
			s.rss = n * 1024
		case "VmHWM":
			s.hwm = n * 1024
		case "Threads":
			s.threads = int(n)
		}
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid)); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "Anonymous:"); ok {
				n, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
				s.anon = n * 1024
			}
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, err
	}
	// Fields after the ")" that ends the command name: state is field 3,
	// utime 14 and stime 15, in clock ticks (USER_HZ, 100 on Linux).
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(f) < 13 {
		return s, fmt.Errorf("short /proc/%d/stat", pid)
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	s.cpu = time.Duration(ut+st) * 10 * time.Millisecond
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return s, err
	}
	s.taskCount = len(tasks)
	for _, t := range tasks {
		dir := fmt.Sprintf("/proc/%d/task/%s/", pid, t.Name())
		if b, err := os.ReadFile(dir + "schedstat"); err == nil {
			if f := strings.Fields(string(b)); len(f) > 0 {
				ns, _ := strconv.ParseInt(f[0], 10, 64)
				s.onCPU += time.Duration(ns)
			}
		}
		if b, err := os.ReadFile(dir + "status"); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				if k, v, ok := strings.Cut(l, ":"); ok && strings.HasSuffix(k, "ctxt_switches") {
					n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
					s.switches += n
				}
			}
		}
	}
	return s, nil
}

// childNamed finds the child of parent whose command is name.
func childNamed(parent int, name string) (int, bool) {
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", parent))
	for _, t := range tasks {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", parent, t.Name()))
		for _, c := range strings.Fields(string(b)) {
			pid, _ := strconv.Atoi(c)
			if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); strings.TrimSpace(string(comm)) == name {
				return pid, true
			}
		}
	}
	return 0, false
}

// traySection starts the real awsmfa-tray under dbus-run-session with n
// profiles, lets it settle, then watches it sit idle.
func traySection(bins binaries, tmp string, o options, n int) (*table, error) {
	target := targetFor(n)
	drs, err := exec.LookPath("dbus-run-session")
	if err != nil {
		t := newTable("Tray at rest", "measure", "value", "target")
		t.add("all", "not measured: dbus-run-session not found (apt-get install dbus)", "")
		return t, nil
	}
	home := filepath.Join(tmp, fmt.Sprintf("tray-%d", n))
	config, cred := profilegen.Files(n, time.Now())
	if err := writeAWSFiles(home, config, cred); err != nil {
		return nil, err
	}
	logPath := filepath.Join(tmp, fmt.Sprintf("tray-%d-stderr.log", n))
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(drs, "--", bins.tray)
	cmd.Env = append(awsEnv(home, o.trayEnv...), "LANG=C.UTF-8")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start dbus-run-session: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var pid int
	defer func() {
		// Stop what we started: SIGTERM the tray (it exits 0 on it), and
		// dbus-run-session ends with it; kill it only if it lingers.
		if pid != 0 {
			syscall.Kill(pid, syscall.SIGTERM)
		}
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}()
	start := time.Now()
	for deadline := start.Add(10 * time.Second); ; {
		var ok bool
		if pid, ok = childNamed(cmd.Process.Pid, "awsmfa-tray"); ok {
			break
		}
		select {
		case err := <-exited:
			exited <- err
			return nil, fmt.Errorf("dbus-run-session exited early (%v); see %s", err, logPath)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, errors.New("awsmfa-tray did not start under dbus-run-session within 10 s")
		}
	}
	wait := func(d time.Duration) error {
		select {
		case err := <-exited:
			exited <- err
			b, _ := os.ReadFile(logPath)
			return fmt.Errorf("awsmfa-tray exited while measured (%v): %s", err, lastLine(string(b)))
		case <-time.After(d):
			return nil
		}
	}
	if err := wait(o.traySettle - time.Since(start)); err != nil {
		return nil, err
	}
	settled, err := readProc(pid)
	if err != nil {
		return nil, err
	}
	if err := wait(o.trayIdle); err != nil {
		return nil, err
	}
	after, err := readProc(pid)
	if err != nil {
		return nil, err
	}

	t := newTable(fmt.Sprintf("Tray at rest: awsmfa-tray with %s profiles under dbus-run-session", thousands(n)),
		"measure", "value", "target")
	verdict := func(ok bool, target string) string {
		if ok {
			return target + ": met"
		}
		return target + ": **missed**"
	}
	t.add(fmt.Sprintf("RSS (VmRSS) %s after start", dur(o.traySettle)),
		mib(settled.rss), verdict(settled.rss <= target.rss, "≤ "+mib(target.rss)))
	t.add("  of which anonymous (heap, stacks; the rest is the binary's pages)", mib(settled.anon), "")
	t.add("peak RSS (VmHWM) so far", mib(after.hwm), "")
	t.add(fmt.Sprintf("CPU time in the first %s, start-up included (schedstat)", dur(o.traySettle)), ms(settled.onCPU), "")
	idleCPU := after.onCPU - settled.onCPU
	scaled := time.Duration(float64(idleCPU) * float64(idleTarget) / float64(o.trayIdle))
	label := fmt.Sprintf("CPU time over %s idle (schedstat)", dur(o.trayIdle))
	if o.trayIdle != idleTarget {
		t.add(label, ms(idleCPU), "")
		t.add("the same, scaled to 5 minutes", ms(scaled), verdict(scaled <= target.cpu, "≤ "+ms(target.cpu)))
	} else {
		t.add(label, ms(idleCPU), verdict(idleCPU <= target.cpu, "≤ "+ms(target.cpu)))
	}
	// At rest is all of it, not only the first minute: pages the idle
	// minutes touch come back, and the heap grows between collections.
	t.add(fmt.Sprintf("RSS at the end of the %s idle", dur(o.trayIdle)),
		mib(after.rss), verdict(after.rss <= target.rss, "≤ "+mib(target.rss)))
	t.add("  of which anonymous", mib(after.anon), "")
	t.add("user+sys ticks over the same window (/proc/PID/stat, 10 ms steps)", ms(after.cpu-settled.cpu), "")
	sw := after.switches - settled.switches
	t.add(fmt.Sprintf("wake-ups (context switches) over %s idle", dur(o.trayIdle)),
		fmt.Sprintf("%d (%.1f a minute)", sw, float64(sw)/o.trayIdle.Minutes()), "")
	t.add("OS threads", fmt.Sprint(after.threads), "")
	t.note("Profiles: a third each active, expired, logged out; no StatusNotifierWatcher or notification daemon on the private bus, so the app logs that and serves its menu on D-Bus as on a desktop.")
	t.note("Idle CPU is mostly the once-a-minute tick, which reads no file: it counts the time-left labels down from the last read and sends the labels that changed as one D-Bus signal (internal/systray's Batch).")
	if len(o.trayEnv) > 0 {
		t.note("Extra environment: %s.", strings.Join(o.trayEnv, " "))
	}
	return t, nil
}

func dur(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d s", int(d/time.Second))
}
