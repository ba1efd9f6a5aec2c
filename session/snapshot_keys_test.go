package session_test

import (
	"reflect"
	"testing"
	"time"
)

// SnapshotAndKeys is exactly Snapshot plus KeychainStatus(false), from one
// read: keys in the file, in the keychain, missing, and a session.
func TestSnapshotAndKeysAgreesWithTheTwoReads(t *testing.T) {
	exp := time.Now().Add(3 * time.Hour).UTC().Format(time.RFC3339)
	e := newEnv(t, `[profile aPerm]
mfa_serial = arn:aws:iam::123456789012:mfa/a
[profile bPerm]
mfa_serial = arn:aws:iam::123456789012:mfa/b
[profile cPerm]
mfa_serial = arn:aws:iam::123456789012:mfa/c
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
	if !reflect.DeepEqual(snap, wantSnap) {
		t.Errorf("snapshot\n%+v\nwant\n%+v", snap, wantSnap)
	}
	if len(keys) != 3 || !reflect.DeepEqual(keys, wantKeys) {
		t.Errorf("key locations\n%+v\nwant\n%+v", keys, wantKeys)
	}
}
