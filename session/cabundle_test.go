package session_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// testCA is a self-signed CA and a server certificate it signed.
type testCA struct {
	pemPath string // the CA certificate, PEM
	leaf    tls.Certificate
}

func newTestCA(t *testing.T, dir, name string, hosts ...string) testCA {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey, leafKey := key(), key()
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name + " test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: hosts[0]},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			leafTmpl.IPAddresses = append(leafTmpl.IPAddresses, ip)
		} else {
			leafTmpl.DNSNames = append(leafTmpl.DNSNames, h)
		}
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name+".pem")
	writeFile(t, p, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})))
	return testCA{pemPath: p, leaf: tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: leafKey}}
}

// tlsEnv is newEnv with the fake on HTTPS, its certificate signed by good.
func tlsEnv(t *testing.T, config, cred string, hosts ...string) (*testEnv, testCA, testCA) {
	t.Helper()
	e := newEnv(t, config, cred)
	if len(hosts) == 0 {
		hosts = []string{"127.0.0.1"}
	}
	good := newTestCA(t, e.dir, "good", hosts...)
	other := newTestCA(t, e.dir, "other", "127.0.0.1")
	e.srv.Close()
	e.srv = stsfake.New(stsfake.WithUsers(e.user), stsfake.WithClock(e.clock.Now))
	if err := e.srv.StartTLS(good.leaf); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.srv.Close)
	t.Setenv("AWS_ENDPOINT_URL_STS", e.srv.URL)
	t.Setenv("AWS_CA_BUNDLE", "")
	return e, good, other
}

// sdkTrusts reports whether aws-sdk-go-v2, loading its config the way every
// Go tool does for profile, reaches the fake over TLS.
func sdkTrusts(t *testing.T, e *testEnv, profile string) bool {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithSharedConfigProfile(profile), config.WithRegion("eu-west-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(e.user.AccessKeyID, e.user.SecretAccessKey, "")))
	if err != nil {
		return false // e.g. a bundle it cannot load
	}
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	return err == nil
}

// Our STS client trusts exactly what aws-sdk-go-v2 trusts with the same
// environment and files: AWS_CA_BUNDLE first, then the profile's ca_bundle,
// the credentials file's over the config's, its certificates replacing the
// system's roots.
func TestCABundleMatchesSDK(t *testing.T) {
	type where struct{ env, config, cred, bare string } // "good", "other", "missing", "empty" or ""
	tests := []struct {
		name string
		w    where
		want bool
	}{
		{"no bundle: the system roots", where{}, false},
		{"AWS_CA_BUNDLE", where{env: "good"}, true},
		{"AWS_CA_BUNDLE of another CA", where{env: "other"}, false},
		{"ca_bundle in the config", where{config: "good"}, true},
		{"ca_bundle in the credentials file", where{cred: "good"}, true},
		{"AWS_CA_BUNDLE wins over the config", where{env: "other", config: "good"}, false},
		{"AWS_CA_BUNDLE wins, the other way", where{env: "good", config: "other"}, true},
		{"the credentials file wins over the config", where{config: "other", cred: "good"}, true},
		{"the credentials file wins, the other way", where{config: "good", cred: "other"}, false},
		{"a bare [myaccount] in the config, which the SDK ignores", where{bare: "good"}, false},
		{"a missing bundle", where{env: "missing"}, false},
		{"a bundle without certificates", where{config: "empty"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, good, other := tlsEnv(t, "-", "-")
			empty := filepath.Join(e.dir, "empty.pem")
			writeFile(t, empty, "not a certificate\n")
			path := map[string]string{"good": good.pemPath, "other": other.pemPath, "missing": filepath.Join(e.dir, "nope.pem"), "empty": empty}
			cfg, cred := permConfig, permCreds
			if v := tt.w.config; v != "" {
				cfg += "ca_bundle = " + path[v] + "\n" // under [profile myaccount], the last section
			}
			if v := tt.w.bare; v != "" {
				cfg += "[myaccount]\nca_bundle = " + path[v] + "\n"
			}
			if v := tt.w.cred; v != "" {
				cred += "[myaccount]\nca_bundle = " + path[v] + "\n"
			}
			writeFile(t, e.cfgPath, cfg)
			writeFile(t, e.credPath, strings.NewReplacer("KEYID", e.user.AccessKeyID, "SECRET", e.user.SecretAccessKey).Replace(cred))
			if v := tt.w.env; v != "" {
				t.Setenv("AWS_CA_BUNDLE", path[v])
			}
			before := readFile(t, e.credPath)
			code := e.code()
			_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: code})
			sdk := sdkTrusts(t, e, "myaccount")
			if (err == nil) != tt.want || sdk != tt.want {
				t.Fatalf("login err = %v, SDK reached the fake: %v; want both %v", err, sdk, tt.want)
			}
			if err != nil {
				e.assertOneSentence(err.Error(), code)
				if readFile(t, e.credPath) != before {
					t.Error("a failed login changed the file")
				}
				if len(e.srv.Calls()) != 0 {
					t.Error("an untrusted endpoint got the request")
				}
			}
		})
	}
}

func TestTLSFailuresAreOneSentence(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, e *testEnv, good, other testCA)
		hosts []string
		want  string
	}{
		{"unknown CA", nil, nil, "is not signed by a CA this computer trusts: if a proxy or private endpoint is in the way, set AWS_CA_BUNDLE"},
		{"bundle of another CA", func(t *testing.T, e *testEnv, _, other testCA) { t.Setenv("AWS_CA_BUNDLE", other.pemPath) }, nil,
			"check that the CA bundle "},
		{"wrong host name", func(t *testing.T, e *testEnv, good, _ testCA) { t.Setenv("AWS_CA_BUNDLE", good.pemPath) }, []string{"sts.example.test"},
			"is for another host name: check the endpoint setting"},
		{"https to a plain HTTP port", func(t *testing.T, e *testEnv, _, _ testCA) {
			plain := stsfake.NewTest(t, stsfake.WithUsers(e.user))
			t.Setenv("AWS_ENDPOINT_URL_STS", strings.Replace(plain.URL, "http://", "https://", 1))
		}, nil, "does not speak TLS: check whether its URL should start with http:// or https://"},
		{"missing bundle", func(t *testing.T, e *testEnv, _, _ testCA) {
			t.Setenv("AWS_CA_BUNDLE", filepath.Join(e.dir, "nope.pem"))
		}, nil,
			"(AWS_CA_BUNDLE) does not exist: fix the path, or remove the setting"},
		{"bundle is a folder", func(t *testing.T, e *testEnv, _, _ testCA) { t.Setenv("AWS_CA_BUNDLE", e.dir) }, nil,
			"(AWS_CA_BUNDLE) is not a regular file"},
		{"bundle without certificates", func(t *testing.T, e *testEnv, _, _ testCA) {
			p := filepath.Join(e.dir, "junk.pem")
			writeFile(t, p, strings.Repeat("junk\n", 1000))
			t.Setenv("AWS_CA_BUNDLE", p)
		}, nil, "(AWS_CA_BUNDLE) holds no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, good, other := tlsEnv(t, permConfig, permCreds, tt.hosts...)
			if tt.setup != nil {
				tt.setup(t, e, good, other)
			}
			before := readFile(t, e.credPath)
			code := e.code()
			_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: code})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			e.assertOneSentence(err.Error(), code)
			if readFile(t, e.credPath) != before {
				t.Error("a failed login changed the file")
			}
		})
	}
}

func TestCABundleIsReadAtEachLogin(t *testing.T) {
	e, good, _ := tlsEnv(t, permConfig, permCreds)
	bundle := filepath.Join(e.dir, "bundle.pem")
	t.Setenv("AWS_CA_BUNDLE", bundle)
	writeFile(t, bundle, "")
	if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code()}); err == nil {
		t.Fatal("an empty bundle was trusted")
	}
	b, err := os.ReadFile(good.pemPath)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, bundle, string(b))
	if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code()}); err != nil {
		t.Fatalf("after fixing the bundle: %v", err)
	}
}
