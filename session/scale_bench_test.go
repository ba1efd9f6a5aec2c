package session_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/awsmfa-tray/awsmfa-tray/bench/profilegen"
	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// The file sizes of the scale benchmarks; bench/ runs them all and reports
// the growth per 10x.
var benchSizes = []int{10, 100, 1000, 10000}

// benchFiles is one generated pair of shared files in a fresh folder.
type benchFiles struct {
	cfgPath, credPath string
	cred              []byte // the credentials file as generated
	m                 *session.Manager
}

func newBenchFiles(b *testing.B, n int, cfg session.Config) *benchFiles {
	b.Helper()
	dir := b.TempDir()
	config, cred := profilegen.Files(n, time.Now())
	f := &benchFiles{cfgPath: filepath.Join(dir, "config"), credPath: filepath.Join(dir, "credentials"), cred: cred}
	for path, data := range map[string][]byte{f.cfgPath: config, f.credPath: cred} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	cfg.ConfigFile, cfg.CredentialsFile = f.cfgPath, f.credPath
	f.m = session.New(cfg)
	return f
}

func forSizes(b *testing.B, run func(b *testing.B, n int)) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("profiles=%d", n), func(b *testing.B) { run(b, n) })
	}
}

// BenchmarkSnapshot is what `awsmfa status` and every tray refresh do:
// read and parse both files and resolve every profile's state.
func BenchmarkSnapshot(b *testing.B) {
	forSizes(b, func(b *testing.B, n int) {
		f := newBenchFiles(b, n, session.Config{})
		b.SetBytes(int64(len(f.cred)))
		for b.Loop() {
			s, err := f.m.Snapshot()
			if err != nil {
				b.Fatal(err)
			}
			if len(s.Profiles) != n {
				b.Fatalf("%d profiles, want %d", len(s.Profiles), n)
			}
		}
	})
}

// stubSTS answers GetSessionToken from memory with a new token each call,
// so the login benchmarks time the core and the writer, not the network.
type stubSTS struct{ calls *int }

func (s stubSTS) GetSessionToken(_ context.Context, in *sts.GetSessionTokenInput, _ ...func(*sts.Options)) (*sts.GetSessionTokenOutput, error) {
	*s.calls++
	return &sts.GetSessionTokenOutput{Credentials: &types.Credentials{
		AccessKeyId:     aws.String(fmt.Sprintf("ASIASTUB%012d", *s.calls)),
		SecretAccessKey: aws.String(fmt.Sprintf("stub/secret/%028d", *s.calls)),
		SessionToken:    aws.String(fmt.Sprintf("stubtoken%0360d", *s.calls)),
		Expiration:      aws.Time(time.Now().Add(time.Duration(aws.ToInt32(in.DurationSeconds)) * time.Second)),
	}}, nil
}

// BenchmarkLoginWrite is a whole Manager.Login with STS answered from
// memory: read both files, resolve the profile, then the locked, fsync'd
// write of the session (inifile.Update).
func BenchmarkLoginWrite(b *testing.B) {
	forSizes(b, func(b *testing.B, n int) {
		calls := 0
		f := newBenchFiles(b, n, session.Config{NewSTS: func(context.Context, session.Profile, session.Keys) (session.STSAPI, error) {
			return stubSTS{&calls}, nil
		}})
		name := profilegen.Name(profilegen.WithSession(n))
		b.SetBytes(int64(len(f.cred)))
		for b.Loop() {
			if _, err := f.m.Login(context.Background(), name, session.LoginOptions{TokenCode: "123456", Force: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkWriter is the writer alone: the same edit as a login's
// (four Sets and a Delete) through inifile.Update, with nothing else.
func BenchmarkWriter(b *testing.B) {
	forSizes(b, func(b *testing.B, n int) {
		f := newBenchFiles(b, n, session.Config{})
		name := profilegen.Name(profilegen.WithSession(n))
		b.SetBytes(int64(len(f.cred)))
		i := 0
		for b.Loop() {
			i++
			err := inifile.Update(f.credPath, func(file *inifile.File) error {
				for _, k := range []string{"aws_access_key_id", "aws_secret_access_key", "aws_session_token", "expiration"} {
					if err := file.Set(name, k, fmt.Sprintf("%s-%d", k, i)); err != nil {
						return err
					}
				}
				_, err := file.Delete(name, "aws_security_token")
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReadWrite is the floor the writer is compared with: one read of
// the credentials file and one durable write of it (temp file, fsync,
// rename, fsync of the folder), with no lock, parse or edit.
func BenchmarkReadWrite(b *testing.B) {
	forSizes(b, func(b *testing.B, n int) {
		f := newBenchFiles(b, n, session.Config{})
		b.SetBytes(int64(len(f.cred)))
		for b.Loop() {
			data, err := os.ReadFile(f.credPath)
			if err != nil {
				b.Fatal(err)
			}
			if err := durableWrite(f.credPath, data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func durableWrite(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".bench-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// BenchmarkLogout removes one profile's session. The file is put back
// between iterations, off the clock.
func BenchmarkLogout(b *testing.B) {
	forSizes(b, func(b *testing.B, n int) {
		f := newBenchFiles(b, n, session.Config{})
		name := profilegen.Name(profilegen.WithSession(n))
		b.SetBytes(int64(len(f.cred)))
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			if err := os.WriteFile(f.credPath, f.cred, 0o600); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if had, err := f.m.Logout(name); err != nil || !had {
				b.Fatalf("logout: %v, %v", had, err)
			}
		}
	})
}

// BenchmarkLoginLoopback is a whole login in-process with the real SDK
// client against the STS fake on 127.0.0.1: SigV4, one HTTP round trip,
// XML, then the write. The clock moves 30 s per login, since the fake
// (like STS) refuses a TOTP step it has already accepted.
func BenchmarkLoginLoopback(b *testing.B) {
	const n = 10
	clock := session.NewFakeClock(time.Now())
	i := profilegen.WithSession(n)
	srv := stsfake.New(stsfake.WithUsers(profilegen.User(i)), stsfake.WithClock(clock.Now))
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	b.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
	// A bundle the machine sets (some CI images point AWS_CA_BUNDLE at
	// the system's 200 KB of roots) would be read and parsed by every
	// login, which the bench's processes never see; the fake speaks http.
	b.Setenv("AWS_CA_BUNDLE", "")
	f := newBenchFiles(b, n, session.Config{Clock: clock})
	for b.Loop() {
		clock.Advance(30 * time.Second)
		code, err := totp.Code(profilegen.TOTPSecret, clock.Now())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.m.Login(context.Background(), profilegen.Name(i), session.LoginOptions{TokenCode: code, Force: true}); err != nil {
			b.Fatal(err)
		}
	}
}
