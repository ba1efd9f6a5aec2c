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
// Update adds the file-system side: a sidecar lock, a 0600 temp file in the
// target's own folder, fsync, a re-read to catch the AWS CLI (which takes no
// lock) writing meanwhile, rename, and fsync of the folder.
package inifile
