package llm

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinel errors. Match them with errors.Is; the typed errors below carry
// the details.
var (
	// ErrAuth: the server refused the credentials (HTTP 401 or 403).
	ErrAuth = errors.New("authentication failed")
	// ErrBadRequest: the server rejected the request itself (400, 404,
	// 422, ...); retrying the same request cannot help.
	ErrBadRequest = errors.New("request rejected")
	// ErrRateLimited: HTTP 429, retried with backoff.
	ErrRateLimited = errors.New("rate limited")
	// ErrServer: HTTP 5xx (or 408), retried with backoff.
	ErrServer = errors.New("server error")
	// ErrNetwork: the request did not get an HTTP answer; retried.
	ErrNetwork = errors.New("network error")
	// ErrTimeout: one attempt ran past its per-attempt timeout; retried.
	ErrTimeout = errors.New("attempt timed out")
	// ErrMalformedReply: a 2xx answer whose body is not the expected JSON;
	// retried, since proxies sometimes cut bodies short.
	ErrMalformedReply = errors.New("malformed reply")
	// ErrEmptyReply: a well-formed answer with no choices or no content.
	ErrEmptyReply = errors.New("empty reply")
	// ErrRetriesExhausted wraps the last error once every attempt failed.
	ErrRetriesExhausted = errors.New("retries exhausted")
	// ErrInvalidConfig: a provider was configured with unusable values.
	ErrInvalidConfig = errors.New("invalid provider config")

	// ErrUnsupportedRole: the provider cannot answer requests of this role.
	ErrUnsupportedRole = errors.New("unsupported role")

	// ErrNotRecorded: a replayer was asked for an exchange it does not hold.
	ErrNotRecorded = errors.New("exchange not recorded")
	// ErrCorruptRecording: a recording file has a line that does not decode.
	ErrCorruptRecording = errors.New("corrupt recording")
)

// StatusError is an HTTP error answer from an LLM server. Message is what
// the server said, with the API key redacted.
type StatusError struct {
	StatusCode int
	// Code is the server's error code when it gave one ("insufficient_quota").
	Code    string
	Message string
	// RetryAfter is the raw Retry-After header, if any.
	RetryAfter string
}

func (e *StatusError) Error() string {
	kind := statusKind(e.StatusCode)
	if e.Message == "" {
		return fmt.Sprintf("%v: http %d %s", kind, e.StatusCode, http.StatusText(e.StatusCode))
	}
	return fmt.Sprintf("%v: http %d: %s", kind, e.StatusCode, e.Message)
}

// Is reports the sentinel matching the status class: ErrAuth, ErrRateLimited,
// ErrServer or ErrBadRequest.
func (e *StatusError) Is(target error) bool {
	return target == statusKind(e.StatusCode)
}

// retryable reports whether sending the same request again may succeed.
func (e *StatusError) retryable() bool {
	if e.Code == "insufficient_quota" {
		return false // a 429 that waiting does not cure
	}
	k := statusKind(e.StatusCode)
	return k == ErrRateLimited || k == ErrServer
}

func statusKind(code int) error {
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return ErrAuth
	case code == http.StatusTooManyRequests:
		return ErrRateLimited
	case code == http.StatusRequestTimeout || code >= 500:
		return ErrServer
	default:
		return ErrBadRequest
	}
}

// NotRecordedError says which request a Replayer could not answer.
type NotRecordedError struct {
	Role string
	Key  string
	// Used is how many recorded replies under Key were already played back.
	Used int
}

func (e *NotRecordedError) Error() string {
	if e.Used > 0 {
		return fmt.Sprintf("%v: role %q, key %s: all %d recorded replies already played", ErrNotRecorded, e.Role, e.Key, e.Used)
	}
	return fmt.Sprintf("%v: role %q, key %s", ErrNotRecorded, e.Role, e.Key)
}

func (e *NotRecordedError) Is(target error) bool { return target == ErrNotRecorded }
