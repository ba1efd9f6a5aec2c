// Package inifile reads and edits the AWS shared config and credentials
// files without disturbing a single byte it was not asked to change.
//
// Reading follows aws-sdk-go-v2's internal/ini exactly (section headers,
// inline comments, ':' separators, nested "s3 =" blocks, duplicate sections
// merged with the later key winning), so Get answers what the Go SDK will
// see. Writing splices lines the way the AWS CLI's own config writer does:
// only the lines of the edited key change, and every edit is re-parsed and
// refused if it would change how a reader sees anything else.
//
// Tx (Begin, Commit, Close) adds the file-system side: a sidecar lock, one
// read guarded against torn reads (the AWS CLI rewrites the file in place
// without a lock), a 0600 temp file in the target's own folder carrying the
// old file's mode, owner, ACL and xattrs, fsync, a check that nobody wrote
// the file since the read and that the path still names it, rename, and
// fsync of the folder. Check tells beforehand whether such a write can
// happen; Update is Begin, Commit and Close in one call; Load is the
// guarded read alone.
package inifile
