package session_test

import (
	"reflect"
	"testing"
	"time"
)

// SnapshotAndKeys is exactly Snapshot plus KeychainStatus(false), from one
// read: keys in the file, in the keychain, missing, a session, and the
// role profiles that lean on them.
func TestSnapshotAndKeysAgreesWithTheTwoReads(t *testing.T) {
	exp := time.Now().Add(3 * time.Hour).UTC().Format(time.RFC3339)
	e := newEnv(t, `[profile aPerm]
mfa_serial = arn:aws:iam::123456789012:mfa/a
[profile bPerm]
mfa_serial = arn:aws:iam::123456789012:mfa/b
[profile cPerm]
mfa_serial = arn:aws:iam::123456789012:mfa/c
[profile prod-admin]
role_arn = arn:aws:iam::222233334444:role/admin
source_profile = aPerm
`, `[aPerm]
aws_access_key_id = KEYID
aws_secret_access_key = SECRET
[a]
aws_access_key_id = ASIAEXAMPLE
aws_secret_access_key = x
aws_session_token = y
expiration = `+exp+`
[bPerm]
awsmfa_keychain = true
[cPerm]
region = us-east-1
`)
	snap, keys, err := e.m.SnapshotAndKeys()
	if err != nil {
		t.Fatal(err)
	}
	wantSnap, err := e.m.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	wantKeys, err := e.m.KeychainStatus(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Roles) != 1 || snap.Roles[0].Role.MFAProfile != "a" || !snap.Roles[0].Ready {
		t.Errorf("roles %+v, want prod-admin ready on a's session", snap.Roles)
	}
	if !reflect.DeepEqual(snap, wantSnap) {
		t.Errorf("snapshot\n%+v\nwant\n%+v", snap, wantSnap)
	}
	if len(keys) != 3 || !reflect.DeepEqual(keys, wantKeys) {
		t.Errorf("key locations\n%+v\nwant\n%+v", keys, wantKeys)
	}
}
