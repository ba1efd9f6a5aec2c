package session

import (
	"os"
	"path/filepath"
	"strings"
)

// Paths returns the config and credentials file paths in use.
func (m *Manager) Paths() (configFile, credentialsFile string) {
	configFile = m.cfg.ConfigFile
	if configFile == "" {
		configFile = sharedPath("AWS_CONFIG_FILE", "config")
	}
	credentialsFile = m.cfg.CredentialsFile
	if credentialsFile == "" {
		credentialsFile = sharedPath("AWS_SHARED_CREDENTIALS_FILE", "credentials")
	}
	return configFile, credentialsFile
}

// pathSources name the environment variable that set each path Paths
// returns, or "" for one that Config or the default set: messages name it,
// since a stale AWS_SHARED_CREDENTIALS_FILE is easily forgotten.
func (m *Manager) pathSources() (configFrom, credentialsFrom string) {
	if m.cfg.ConfigFile == "" && os.Getenv("AWS_CONFIG_FILE") != "" {
		configFrom = "AWS_CONFIG_FILE"
	}
	if m.cfg.CredentialsFile == "" && os.Getenv("AWS_SHARED_CREDENTIALS_FILE") != "" {
		credentialsFrom = "AWS_SHARED_CREDENTIALS_FILE"
	}
	return configFrom, credentialsFrom
}

// sharedPath mirrors the SDKs: the env var wins, else ~/.aws/<name>. A
// leading ~ is expanded as botocore does, so one setting serves both.
func sharedPath(env, name string) string {
	if p := os.Getenv(env); p != "" {
		return expandHome(p)
	}
	return filepath.Join(homeDir(), ".aws", name)
}

func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		return filepath.Join(homeDir(), p[1:])
	}
	return p
}

func homeDir() string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return "."
}

// DefaultProfile is AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default".
func DefaultProfile() string {
	for _, env := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		if p := strings.TrimSpace(os.Getenv(env)); p != "" {
			return p
		}
	}
	return "default"
}
