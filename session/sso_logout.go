package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/sso/types"
)

// SSOLogout ends session name as "aws sso logout" does for every session:
// it asks the portal to end the sign-in, removes the token file, and
// removes the AWS CLI's cached role credentials of the session's profiles.
// The client registration stays, as the CLI keeps it. A portal that cannot
// be reached is reported in the result; the local token goes anyway.
func (m *Manager) SSOLogout(ctx context.Context, name string) (SSOLogoutResult, error) {
	var res SSOLogoutResult
	l, err := m.prepareSSO(ctx, name, SSOLoginOptions{})
	if err != nil {
		return res, err
	}
	// A logout does not wait for a login that may wait ten minutes for the
	// browser: it says so instead.
	unlock, ok, err := m.tryLockSSO(l.s)
	if err != nil {
		return res, err
	}
	if !ok {
		return res, fmt.Errorf("a login of %s is running (in the tray or another terminal): finish or cancel it, then log out", l.s.Name)
	}
	defer unlock()
	tok, exists, err := readSSOToken(l.s.TokenFile)
	if err != nil {
		var fe *SSOTokenFileError
		if errors.As(err, &fe) {
			return res, fmt.Errorf("%w; it was left as it is: remove it by hand if nothing else wrote it", err)
		}
		return res, err
	}
	if exists {
		res.PortalErr = m.portalLogout(ctx, l, tok)
		if err := os.Remove(l.s.TokenFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("remove the SSO token %s: %w", l.s.TokenFile, err)
		}
		res.Removed = true
	}
	res.CLICredentials = m.removeCLICredentials(l.s)
	return res, nil
}

// portalLogout calls the portal's Logout with the token's own region, as
// the CLI does. A token the portal no longer knows is already logged out.
func (m *Manager) portalLogout(ctx context.Context, l *ssoLogin, tok ssoToken) error {
	region := tok.Region
	if region == "" {
		region = l.s.Region
	}
	if region == "" || tok.AccessToken == "" {
		return nil
	}
	l.region = region
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err := m.portal(l).Logout(cctx, &sso.LogoutInput{AccessToken: aws.String(tok.AccessToken)})
	var ue *types.UnauthorizedException
	if err == nil || errors.As(err, &ue) {
		return nil
	}
	return fmt.Errorf("the token was removed, but the access portal was not told to end the sign-in (%w)", m.explainSSO(err, "Logout", l, tok.AccessToken))
}

func (m *Manager) cliCacheDir() string {
	if m.cfg.SSO.CLICacheDir != "" {
		return m.cfg.SSO.CLICacheDir
	}
	return filepath.Join(homeDir(), ".aws", "cli", "cache")
}

// removeCLICredentials removes the role credentials the AWS CLI cached for
// the session's profiles, named as botocore's SSOCredentialFetcher names
// them, and only files that say they came from SSO.
func (m *Manager) removeCLICredentials(s SSOSession) int {
	n := 0
	for _, p := range s.Profiles {
		if p.AccountID == "" || p.RoleName == "" {
			continue
		}
		last := `"sessionName":` + pyJSONString(s.Name)
		if s.Legacy {
			last = `"startUrl":` + pyJSONString(s.StartURL)
		}
		key := `{"accountId":` + pyJSONString(p.AccountID) + `,"roleName":` + pyJSONString(p.RoleName) + `,` + last + `}`
		path := filepath.Join(m.cliCacheDir(), sha1Hex(key)+".json")
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var c struct{ ProviderType string }
		if json.Unmarshal(data, &c) == nil && c.ProviderType == "sso" && os.Remove(path) == nil {
			n++
		}
	}
	return n
}
