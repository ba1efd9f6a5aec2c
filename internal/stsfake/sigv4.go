package stsfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	sigAlgorithm = "AWS4-HMAC-SHA256"
	amzDateFmt   = "20060102T150405Z"
	maxSkew      = 15 * time.Minute
)

// authHeader is a parsed SigV4 Authorization header.
type authHeader struct {
	accessKeyID   string
	date          string // yyyymmdd from the credential scope
	region        string
	service       string
	signedHeaders []string
	signature     string
}

// parseAuth parses "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/sts/aws4_request,
// SignedHeaders=a;b, Signature=hex". Errors never echo the header.
func parseAuth(h string) (authHeader, *apiError) {
	var a authHeader
	alg, rest, ok := strings.Cut(h, " ")
	if !ok || alg != sigAlgorithm {
		return a, errIncomplete("Authorization header requires the " + sigAlgorithm + " algorithm.")
	}
	var cred, signed string
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, errIncomplete("Authorization header is not a list of key=value pairs.")
		}
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			a.signature = v
		}
	}
	if cred == "" || signed == "" || a.signature == "" {
		return a, errIncomplete("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.")
	}
	f := strings.Split(cred, "/")
	if len(f) != 5 || f[0] == "" || f[4] != "aws4_request" {
		return a, errIncomplete("Credential must have the form KEY/DATE/REGION/SERVICE/aws4_request.")
	}
	a.accessKeyID, a.date, a.region, a.service = f[0], f[1], f[2], f[3]
	a.signedHeaders = strings.Split(signed, ";")
	if !sort.StringsAreSorted(a.signedHeaders) || !contains(a.signedHeaders, "host") {
		return a, errIncomplete("SignedHeaders must be sorted and include 'host'.")
	}
	return a, nil
}

// verifySig recomputes the SigV4 signature of r (whose body was already read
// into body) with secret and compares it with the one in the header. The
// request date is checked against the real time, not the fake clock.
func verifySig(r *http.Request, body []byte, a authHeader, secret string, realNow time.Time) *apiError {
	if a.service != "sts" {
		return errSignature("Credential should be scoped to correct service: 'sts'.")
	}
	amzDate := r.Header.Get("X-Amz-Date")
	ts, err := time.Parse(amzDateFmt, amzDate)
	if err != nil {
		return errIncomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if ts.Format("20060102") != a.date {
		return errSignature("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.")
	}
	if d := realNow.Sub(ts); d > maxSkew || d < -maxSkew {
		return errSignature(fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			amzDate, realNow.UTC().Add(-maxSkew).Format(amzDateFmt), realNow.UTC().Format(amzDateFmt)))
	}
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" && h != payloadHash {
		return errSignature("")
	}

	var ch strings.Builder
	for _, name := range a.signedHeaders {
		ch.WriteString(name)
		ch.WriteByte(':')
		ch.WriteString(headerValue(r, name))
		ch.WriteByte('\n')
	}
	canonical := strings.Join([]string{
		r.Method,
		canonicalURI(r.URL),
		canonicalQuery(r.URL.RawQuery),
		ch.String(),
		strings.Join(a.signedHeaders, ";"),
		payloadHash,
	}, "\n")
	scope := strings.Join([]string{a.date, a.region, a.service, "aws4_request"}, "/")
	crSum := sha256.Sum256([]byte(canonical))
	toSign := sigAlgorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(crSum[:])

	key := hmacSHA256([]byte("AWS4"+secret), a.date)
	key = hmacSHA256(key, a.region)
	key = hmacSHA256(key, a.service)
	key = hmacSHA256(key, "aws4_request")
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(a.signature))) {
		return errSignature("")
	}
	return nil
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// headerValue is the canonical value of a signed header: values trimmed,
// inner runs of spaces collapsed, joined by commas. The server moves Host and
// may move Content-Length out of r.Header, so those come from r.
func headerValue(r *http.Request, name string) string {
	var vals []string
	switch name {
	case "host":
		vals = []string{r.Host}
	case "content-length":
		vals = r.Header.Values("Content-Length")
		if len(vals) == 0 && r.ContentLength >= 0 {
			vals = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	default:
		vals = r.Header.Values(name)
	}
	for i, v := range vals {
		vals[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(vals, ",")
}

// canonicalURI escapes the already-escaped path once more, as SigV4 does for
// every service but S3.
func canonicalURI(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' || c == '-' || c == '_' || c == '.' || c == '~' ||
			'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	return b.String()
}

func canonicalQuery(raw string) string {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	for _, v := range q {
		sort.Strings(v)
	}
	return strings.ReplaceAll(q.Encode(), "+", "%20")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
