package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// result is one timed process.
type result struct {
	start, end     time.Time
	wall, cpu      time.Duration
	stdout, stderr string
}

// timed runs name with args in env and times it from fork to reaped exit.
func timed(env []string, name string, args ...string) (result, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	end := time.Now()
	r := result{start: start, end: end, wall: end.Sub(start), stdout: out.String(), stderr: errb.String()}
	if cmd.ProcessState != nil {
		r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		// Output may hold fake credentials only; still, show just the end.
		return r, fmt.Errorf("%s %s: %w: %s", filepath.Base(name), args[0], err, lastLine(r.stderr))
	}
	return r, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// awsEnv is a clean environment for awsmfa and the AWS CLI: no AWS_*
// variable of the caller (a stray AWS_PROFILE or keys would change what
// is measured), HOME in home, and the shared files under it. AWS_PROFILE
// stays unset: awscli v1 would take AWS_PROFILE="" as a profile named "".
// awscli v1 reads AWS_DEFAULT_REGION only, v2 and the Go SDK AWS_REGION.
func awsEnv(home string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "AWS_"), k == "HOME", k == "XDG_CACHE_HOME", k == "XDG_CONFIG_HOME",
			k == "DBUS_SESSION_BUS_ADDRESS", k == "DISPLAY", k == "GODEBUG", k == "GOGC", k == "GOMEMLIMIT":
			continue
		}
		env = append(env, kv)
	}
	if os.Getenv("PYENV_ROOT") == "" {
		// A pyenv shim finds its root through HOME, which we replace.
		if h, err := os.UserHomeDir(); err == nil {
			if _, err := os.Stat(filepath.Join(h, ".pyenv")); err == nil {
				env = append(env, "PYENV_ROOT="+filepath.Join(h, ".pyenv"))
			}
		}
	}
	env = append(env,
		"HOME="+home,
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"AWS_CONFIG_FILE="+filepath.Join(home, ".aws", "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, ".aws", "credentials"),
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_PAGER=",
		"AWS_EC2_METADATA_DISABLED=true",
	)
	return append(env, extra...)
}

// writeAWSFiles puts config and credentials into home/.aws.
func writeAWSFiles(home string, config, credentials []byte) error {
	dir := filepath.Join(home, ".aws")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), config, 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "credentials"), credentials, 0o600)
}
