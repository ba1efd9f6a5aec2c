package session

import "strings"

// Shapes of the values STS and IAM issue, checked byte by byte. As
// regular expressions, `{16,128}` and `\d{12}` compile into a program per
// repetition: the secret's pattern alone was half of a login's
// instructions (3.8 million of 7.7), and searching each line of a section
// for a long-term key id with one took another 1.3 million. shapes_test.go holds each one's
// regular expression and checks that both agree.

// byteSet is a set of ASCII bytes.
type byteSet [256]bool

func newByteSet(ranges ...string) *byteSet {
	var s byteSet
	for _, r := range ranges {
		if len(r) == 3 && r[1] == '-' {
			for b := int(r[0]); b <= int(r[2]); b++ {
				s[b] = true
			}
			continue
		}
		for i := 0; i < len(r); i++ {
			s[r[i]] = true
		}
	}
	return &s
}

// all says whether every byte of v is in s (true for "").
func (s *byteSet) all(v string) bool {
	for i := 0; i < len(v); i++ {
		if !s[v[i]] {
			return false
		}
	}
	return true
}

var (
	upperDigits = newByteSet("A-Z", "0-9")
	base64Chars = newByteSet("A-Z", "a-z", "0-9", "+/=")
	digits      = newByteSet("0-9")
	lowerDash   = newByteSet("a-z", "-")
	// IAM's names and paths: \w and +=,.@- (and / in paths).
	iamPathChars = newByteSet("A-Z", "a-z", "0-9", "_+=,.@/-")
	iamNameChars = newByteSet("A-Z", "a-z", "0-9", "_+=,.@-")
	externalIDCh = newByteSet("A-Z", "a-z", "0-9", "_+=,.@:/-")
	errorCodeCh  = newByteSet("A-Z", "a-z", "0-9", "._:-")
)

// isSessionKeyID: ASIA and 16 capital letters or digits.
func isSessionKeyID(s string) bool {
	return len(s) == 20 && s[:4] == "ASIA" && upperDigits.all(s[4:])
}

// hasAKIAID says whether s holds an IAM user's long-term access key id
// (AKIA and 16 capital letters or digits) as a word of its own.
func hasAKIAID(s string) bool {
	for i := 0; ; i++ {
		j := strings.Index(s[i:], "AKIA")
		if j < 0 {
			return false
		}
		i += j
		end := i + 20
		if (i == 0 || !upperDigits[s[i-1]]) && end <= len(s) && upperDigits.all(s[i+4:end]) && (end == len(s) || !upperDigits[s[end]]) {
			return true
		}
	}
}

// isSecretKey: 16 to 128 characters of base64's alphabet (STS issues 40).
func isSecretKey(s string) bool {
	return len(s) >= 16 && len(s) <= 128 && base64Chars.all(s)
}

// isSessionToken: base64's alphabet, at least one character; the caller
// bounds the length.
func isSessionToken(s string) bool { return s != "" && base64Chars.all(s) }

// isIAMARN: arn:aws[a-z-]*:iam::<12 digits>:<kind>/<path>, the path of
// IAM's name characters and slashes: an MFA device (kind "mfa") or a
// role ("role").
func isIAMARN(s, kind string) bool {
	rest, ok := strings.CutPrefix(s, "arn:aws")
	if !ok {
		return false
	}
	partition, rest, ok := strings.Cut(rest, ":")
	if !ok || !lowerDash.all(partition) {
		return false
	}
	rest, ok = strings.CutPrefix(rest, "iam::")
	if !ok || len(rest) < 12 || !digits.all(rest[:12]) {
		return false
	}
	path, ok := strings.CutPrefix(rest[12:], ":"+kind+"/")
	return ok && path != "" && iamPathChars.all(path)
}

// isRoleSessionName: 2 to 64 of IAM's name characters.
func isRoleSessionName(s string) bool {
	return len(s) >= 2 && len(s) <= 64 && iamNameChars.all(s)
}

// isExternalIDChars: IAM's name characters plus : and /, at least one;
// the caller bounds the length.
func isExternalIDChars(s string) bool { return s != "" && externalIDCh.all(s) }

// isErrorCode: what an AWS error code looks like (InvalidClientTokenId,
// Sender:AccessDenied), 1 to 64 characters.
func isErrorCode(s string) bool {
	return len(s) >= 1 && len(s) <= 64 && errorCodeCh.all(s)
}
