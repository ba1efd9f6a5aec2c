package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/bench/profilegen"
	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
)

const benchRoleARN = "arn:aws:iam::000000000000:role/bench-admin"

// rolesSection times "awsmfa credential-process" for a role profile set up
// the way "awsmfa setup" leaves it: answered from the role cache (what the
// SDKs get on almost every call; no network), against the bare start-up of
// a Go program and of awsmfa, and a cache miss (one AssumeRole against the
// STS fake on 127.0.0.1).
func rolesSection(bins binaries, tmp string, o options) (*table, error) {
	fake, err := startFake(profilegen.User(loginIndex))
	if err != nil {
		return nil, err
	}
	defer fake.close()
	fake.srv.AddRole(stsfake.Role{ARN: benchRoleARN, RequireMFA: true})
	home := filepath.Join(tmp, "roles")
	config, cred := profilegen.Files(1, time.Now())
	x := profilegen.Name(loginIndex)
	config = append(config, []byte("\n[profile bench-role]\nawsmfa_role_arn = "+benchRoleARN+
		"\nawsmfa_source_profile = "+x+"\ncredential_process = "+bins.awsmfa+" credential-process --profile bench-role\n")...)
	if err := writeAWSFiles(home, config, cred); err != nil {
		return nil, err
	}
	env := awsEnv(home, "AWS_ENDPOINT_URL_STS="+fake.URL, "XDG_RUNTIME_DIR="+filepath.Join(home, "run"))
	code, err := fake.nextCode()
	if err != nil {
		return nil, err
	}
	if _, err := timed(env, bins.awsmfa, "--profile", x, "login", "--token-code", code, "--force"); err != nil {
		return nil, err
	}
	credProcess := func() (result, error) {
		r, err := timed(env, bins.awsmfa, "credential-process", "--profile", "bench-role")
		if err != nil {
			return r, err
		}
		var out struct{ AccessKeyId string }
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.AccessKeyId == "" {
			return r, fmt.Errorf("credential-process printed no credentials")
		}
		return r, nil
	}
	cache := filepath.Join(home, ".cache", "awsmfa", "roles")

	var nop, version, hit, miss samples
	n := max(o.runs, 5)
	for range n {
		r, err := timed(env, bins.nop, "x")
		if err != nil {
			return nil, err
		}
		nop = append(nop, r.wall)
		if r, err = timed(env, bins.awsmfa, "version"); err != nil {
			return nil, err
		}
		version = append(version, r.wall)
		// A miss: no cache entry, so one AssumeRole; it fills the cache.
		if err := os.RemoveAll(cache); err != nil {
			return nil, err
		}
		before := len(fake.srv.Calls())
		if r, err = credProcess(); err != nil {
			return nil, err
		}
		if len(fake.srv.Calls()) != before+1 {
			return nil, fmt.Errorf("a cache miss made %d STS calls, want 1", len(fake.srv.Calls())-before)
		}
		miss = append(miss, r.wall)
		// A hit: the entry just written.
		before = len(fake.srv.Calls())
		if r, err = credProcess(); err != nil {
			return nil, err
		}
		if len(fake.srv.Calls()) != before {
			return nil, fmt.Errorf("a cache hit made %d STS calls, want none", len(fake.srv.Calls())-before)
		}
		hit = append(hit, r.wall)
	}
	t := newTable("`awsmfa credential-process`: a cache hit against start-up", "process", "runs", "median", "min", "max")
	row := func(name string, s samples) {
		t.add(name, fmt.Sprint(len(s)), ms(s.median()), ms(s.min()), ms(s.max()))
	}
	row("an empty Go program (fork, exec, runtime start, exit)", nop)
	row("`awsmfa version`", version)
	row("**`awsmfa credential-process`, cache hit** (no network)", hit)
	row("`awsmfa credential-process`, cache miss (one AssumeRole on 127.0.0.1)", miss)
	t.add("**cache hit − `awsmfa version` (medians)**", "", "**"+ms(hit.median()-version.median())+"**", "", "")
	t.note("The role profile is set up as `awsmfa setup` leaves it; its MFA profile has a live session, so no run asks for a code.")
	t.note("A hit reads both shared files, resolves the role, reads its 0600 cache entry and prints it; the bench checks that it made no STS call and that each miss made exactly one.")
	return t, nil
}
