package stsfake

import (
	"encoding/xml"
	"net/http"
	"strconv"
)

const xmlns = "https://sts.amazonaws.com/doc/2011-06-15/"

// apiError is an AWS Query protocol error reply.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// The messages real STS sends for these codes.
const (
	msgInvalidToken   = "The security token included in the request is invalid."
	msgExpiredToken   = "The security token included in the request is expired"
	msgSignature      = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgMissingAuth    = "Request is missing Authentication Token"
	msgSessionCreds   = "Cannot call GetSessionToken with session credentials"
	msgMFASerial      = "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."
	msgMFACode        = "MultiFactorAuthentication failed with invalid MFA one time pass code."
	msgThrottling     = "Rate exceeded"
	msgInternal       = "The request processing has failed because of an unknown error, exception or failure."
	msgUnavailable    = "The request has failed due to a temporary failure of the server."
	versionSTS        = "2011-06-15"
	rfc3339UTCSeconds = "2006-01-02T15:04:05Z"
)

func errInvalidToken() *apiError {
	return &apiError{http.StatusForbidden, "InvalidClientTokenId", msgInvalidToken}
}
func errExpiredToken() *apiError {
	return &apiError{http.StatusForbidden, "ExpiredToken", msgExpiredToken}
}
func errSignature(msg string) *apiError {
	if msg == "" {
		msg = msgSignature
	}
	return &apiError{http.StatusForbidden, "SignatureDoesNotMatch", msg}
}
func errIncomplete(msg string) *apiError {
	return &apiError{http.StatusBadRequest, "IncompleteSignature", msg}
}
func errAccessDenied(msg string) *apiError {
	return &apiError{http.StatusForbidden, "AccessDenied", msg}
}
func errValidation(msg string) *apiError {
	return &apiError{http.StatusBadRequest, "ValidationError", msg}
}

// faultError builds the reply for an injected fault.
func faultError(f fault) *apiError {
	msg := f.code
	switch f.code {
	case "Throttling", "ThrottlingException", "RequestLimitExceeded":
		msg = msgThrottling
	case "InternalFailure", "InternalError":
		msg = msgInternal
	case "ServiceUnavailable":
		msg = msgUnavailable
	}
	return &apiError{f.status, f.code, msg}
}

type errorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

type credentialsXML struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type getSessionTokenResponse struct {
	XMLName     xml.Name         `xml:"GetSessionTokenResponse"`
	Xmlns       string           `xml:"xmlns,attr"`
	Credentials credentialsXML   `xml:"GetSessionTokenResult>Credentials"`
	Metadata    responseMetadata `xml:"ResponseMetadata"`
}

type getCallerIdentityResponse struct {
	XMLName  xml.Name         `xml:"GetCallerIdentityResponse"`
	Xmlns    string           `xml:"xmlns,attr"`
	Arn      string           `xml:"GetCallerIdentityResult>Arn"`
	UserID   string           `xml:"GetCallerIdentityResult>UserId"`
	Account  string           `xml:"GetCallerIdentityResult>Account"`
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

// writeXML sends a reply the way STS does: text/xml with the request id also
// in x-amzn-RequestId. It returns the body bytes written.
func writeXML(w http.ResponseWriter, status int, requestID string, v any) int64 {
	body, err := xml.Marshal(v)
	if err != nil {
		// Only plain structs of strings are marshalled; this cannot happen.
		status = http.StatusInternalServerError
		body = []byte("<ErrorResponse/>")
	}
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-amzn-RequestId", requestID)
	w.WriteHeader(status)
	n, _ := w.Write(body) // the client may be gone; nothing to do
	return int64(n)
}

// errorBody is the ErrorResponse document for e.
func errorBody(requestID string, e *apiError) errorResponse {
	typ := "Sender"
	if e.status >= 500 {
		typ = "Receiver"
	}
	return errorResponse{Xmlns: xmlns, Type: typ, Code: e.code, Message: e.message, RequestID: requestID}
}
