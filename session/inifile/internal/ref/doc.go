// Package ref is a frozen copy of the inifile parser and editor as they
// were before the block-wise rewrite (commit 1b60748): the straightforward
// version that re-parses the whole file after every edit. It exists only
// so inifile's differential fuzz test can check that the fast version
// reads every file the same way and makes the same edits with the same
// refusals. Do not change it except to expose what that test compares.
package ref
