package session

import (
	"context"
	"errors"
	"io/fs"
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// awsFiles is one read of both shared files; every Manager call takes a
// fresh one so edits by other tools are always seen.
type awsFiles struct {
	cfgPath, credPath string
	cfgFrom, credFrom string // the environment variable that set each path, or ""
	cfg, cred         *inifile.File
}

// load reads both files under ctx: their waits for a file that another
// program is writing end with ctx, and share its operation's bound.
func (m *Manager) load(ctx context.Context) (*awsFiles, error) {
	f := &awsFiles{}
	f.cfgPath, f.credPath = m.Paths()
	f.cfgFrom, f.credFrom = m.pathSources()
	var err error
	if f.cfg, err = inifile.LoadContext(ctx, f.cfgPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, f.named(readError("config file", f.cfgPath, err))
	}
	if f.cred, err = inifile.LoadContext(ctx, f.credPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, f.named(readError("credentials file", f.credPath, err))
	}
	return f, nil
}

// named says, after the first mention of a file's path in err's
// sentence, which environment variable set that path, if one did; err
// stays in the chain for errors.Is and As.
func (f *awsFiles) named(err error) error {
	if err == nil {
		return nil
	}
	for _, content := range []error{inifile.ErrUnsafeEdit, inifile.ErrInvalid, ErrDuplicateSection, ErrLongTermSection} {
		if errors.Is(err, content) {
			return err // about the file's content, not where it is
		}
	}
	text := err.Error()
	changed := false
	for _, p := range [][2]string{{f.credPath, f.credFrom}, {f.cfgPath, f.cfgFrom}} {
		path, from := p[0], p[1]
		if from == "" || path == "" || strings.Contains(text, from) {
			continue
		}
		if i := strings.Index(text, path); i >= 0 {
			end := i + len(path)
			text = text[:end] + " (" + from + ")" + text[end:]
			changed = true
		}
	}
	if !changed {
		return err
	}
	return &sentenceErr{err: errors.New(text), kind: err}
}

// credPlace names the credentials file for a sentence: its path, and the
// environment variable that set it, if one did.
func (f *awsFiles) credPlace() string {
	if f.credFrom != "" {
		return f.credPath + " (" + f.credFrom + ")"
	}
	return f.credPath
}

// readError keeps the reader's own sentence, which names the file and the
// fix, and says which file it is; other errors become fileError's.
func readError(what, path string, err error) error {
	switch {
	case errors.Is(err, context.Canceled):
		// Ctrl-C (or the tray quitting) ended a wait for the file.
		return &sentenceErr{err: ErrCanceled, kind: err}
	case errors.Is(err, context.DeadlineExceeded):
		return sentence(err, "gave up waiting for the %s %s, which another program is writing: try again when it is done", what, path)
	}
	var ie *inifile.Error
	if errors.As(err, &ie) {
		return ie.Naming(what)
	}
	return fileError(what, path, err)
}

// configSections are the config-file sections that describe profile name,
// strongest first: the SDKs read [profile x], and the original awsmfa
// script (and botocore for default) also use bare [x].
func configSections(name string) []string {
	return []string{"profile " + name, name}
}

// cfgGet reads key for profile name from the config file.
func (f *awsFiles) cfgGet(name, key string) (string, bool) {
	for _, sec := range configSections(name) {
		if v, ok := f.cfg.Get(sec, key); ok && v != "" {
			return v, true
		}
	}
	return "", false
}

// cfgSection reports which config section, if any, describes name.
func (f *awsFiles) cfgSection(name string) (string, bool) {
	for _, sec := range configSections(name) {
		if f.cfg.Count(sec) > 0 {
			return sec, true
		}
	}
	return "", false
}

func (f *awsFiles) exists(name string) bool {
	_, inCfg := f.cfgSection(name)
	return inCfg || f.cred.Count(name) > 0
}

// credGet reads key of [name] in the credentials file.
func (f *awsFiles) credGet(name, key string) string {
	v, _ := f.cred.Get(name, key)
	return v
}

// profileNames lists every name either file mentions as a profile.
func (f *awsFiles) profileNames() []string {
	seen := map[string]bool{}
	var names []string
	add := func(n string) {
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	for _, sec := range f.cfg.Sections() {
		if rest, ok := strings.CutPrefix(sec, "profile "); ok {
			add(strings.TrimSpace(rest))
		} else if !strings.ContainsAny(sec, " \t") {
			add(sec) // bare [x]; "sso-session x", "services x" are not profiles
		}
	}
	for _, sec := range f.cred.Sections() {
		if !strings.ContainsAny(sec, " \t") {
			add(sec)
		}
	}
	return names
}

// lastingSections are the sections of the credentials file as f read it
// that no other awsmfa removes meanwhile: all but those holding a session
// (which a logout may take away). A write that started from f needs them
// all (inifile.Needing): a read without one of them, the long-term keys
// above all, is a torn read of a file the AWS CLI is rewriting, and is
// never written over.
func (f *awsFiles) lastingSections() []string {
	var names []string
	for _, name := range f.cred.Sections() {
		if !hasSessionToken(f, name) && f.credGet(name, createdMarker) == "" {
			names = append(names, name)
		}
	}
	return names
}
