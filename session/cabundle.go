package session

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// CABundle is a PEM file of CA certificates that the STS call trusts
// instead of the system's roots, as the SDKs do for a TLS-inspecting proxy
// or a private endpoint. The zero value means the system's roots.
type CABundle struct {
	Path string
	From string // where it was set, for messages: "AWS_CA_BUNDLE", "ca_bundle in [profile x] of FILE"
}

// maxCABundle bounds the bundle read; the system's own is about 200 KB.
const maxCABundle = 16 << 20

// caBundle resolves the bundle with aws-sdk-go-v2's precedence:
// AWS_CA_BUNDLE, then ca_bundle of the profile, where the credentials
// file's [x] wins over the config's [profile x]. As for the endpoint, L is
// read after X, since users put settings beside the keys.
func (f *awsFiles) caBundle(x, l string) CABundle {
	if v := os.Getenv("AWS_CA_BUNDLE"); v != "" {
		return CABundle{Path: v, From: "AWS_CA_BUNDLE"}
	}
	for _, n := range []string{x, l} {
		if v := f.credGet(n, "ca_bundle"); v != "" {
			return CABundle{Path: v, From: fmt.Sprintf("ca_bundle in [%s] of %s", n, f.credPath)}
		}
		// The SDK reads [profile n] of the config, and [default] for
		// default, but not a bare [n].
		secs := []string{"profile " + n}
		if n == "default" {
			secs = append(secs, n)
		}
		for _, sec := range secs {
			if v, ok := f.cfg.Get(sec, "ca_bundle"); ok && v != "" {
				return CABundle{Path: v, From: fmt.Sprintf("ca_bundle in [%s] of %s", sec, f.cfgPath)}
			}
		}
	}
	return CABundle{}
}

// read returns the bundle's bytes (nil for the system's roots). It reads
// only a regular file, and at most maxCABundle of it.
func (b CABundle) read() ([]byte, error) {
	if b.Path == "" {
		return nil, nil
	}
	fi, err := os.Stat(b.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("the CA bundle %s (%s) does not exist: fix the path, or remove the setting to trust the system's CAs", b.Path, b.From)
	case err != nil:
		return nil, fmt.Errorf("cannot read the CA bundle %s (%s): %w", b.Path, b.From, osCause(err))
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("the CA bundle %s (%s) is not a regular file: point it at a PEM file of CA certificates", b.Path, b.From)
	}
	fh, err := os.Open(b.Path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the CA bundle %s (%s): %w", b.Path, b.From, osCause(err))
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxCABundle+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("cannot read the CA bundle %s (%s): %w", b.Path, b.From, osCause(err))
	case len(data) > maxCABundle:
		return nil, fmt.Errorf("the CA bundle %s (%s) is larger than %d MiB: point it at a PEM file of CA certificates", b.Path, b.From, maxCABundle>>20)
	}
	return data, nil
}

// osCause drops the path an *fs.PathError repeats: the sentence names it.
func osCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
