// Package inifile reads and edits the AWS shared config and credentials
// files without disturbing a single byte it was not asked to change.
//
// Reading follows aws-sdk-go-v2's internal/ini exactly (section headers,
// inline comments, ':' separators, nested "s3 =" blocks, duplicate sections
// merged with the later key winning), so Get answers what the Go SDK will
// see. Writing splices lines the way the AWS CLI's own config writer does:
// only the lines of the edited key change.
//
// botocore (the AWS CLI, boto3) reads the same lines differently: it is
// Python's configparser, where a line indented deeper than the key line
// above it continues that key's value whatever it looks like, names are
// not trimmed, a header or key seen twice is an error, and DEFAULT applies
// to every section. botocore.go models that reading (held to the real
// botocore by the tests); BotocoreRefuses says from it whether botocore
// reads a file at all, and if not, which line it refuses. Every edit is read back both ways before it is
// made (check.go) and made only when each reader sees exactly the intended
// change: the one key of the one section set or gone, or the one empty
// section gone, and nothing else, no new error included. The line an edit
// writes takes an indentation both readers accept (its own, its
// neighbours', or none); where none exists the edit is refused with
// ErrUnsafeEdit and a sentence naming the line to fix. The check looks
// only at the lines around the edit, so an edit of a large file stays
// cheap. CheckSplice makes the same check, reading the files whole, for a
// splice made outside the editor.
//
// Edits keep the file's shape: a missing final newline stays missing, a
// header never lands on the first line after a byte-order mark, and
// RemoveEmptySection undoes the section Set appended, wherever it now is.
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
