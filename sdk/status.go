package sdk

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// toStatus turns an error of an implementation into a gRPC status, so the
// other side can tell the kinds apart by code, never by message.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok && errors.Unwrap(err) == nil {
		return err
	}
	code := codes.Unknown
	switch {
	case errors.Is(err, context.Canceled):
		code = codes.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		code = codes.DeadlineExceeded
	case errors.Is(err, ErrNoExecutor):
		code = codes.FailedPrecondition
	case errors.Is(err, ErrNotConfigured):
		code = codes.Unimplemented
	}
	return status.Error(code, err.Error())
}

// fromStatus turns a gRPC error back into an error that errors.Is matches
// against the sentinels and context errors, and status.Code still reads.
// what names the call.
func fromStatus(what string, err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return fmt.Errorf("%s: %w", what, err)
	}
	var sentinel error
	switch st.Code() {
	case codes.Canceled:
		sentinel = context.Canceled
	case codes.DeadlineExceeded:
		sentinel = context.DeadlineExceeded
	case codes.FailedPrecondition:
		sentinel = ErrNoExecutor
	case codes.Unimplemented:
		sentinel = ErrNotConfigured
	}
	return &remoteError{what: what, st: st, sentinel: sentinel}
}

// remoteError is an error that crossed the wire.
type remoteError struct {
	what     string
	st       *status.Status
	sentinel error // nil when the code maps to none
}

func (e *remoteError) Error() string { return e.what + ": " + e.st.Message() }

// GRPCStatus lets status.Code read the original code.
func (e *remoteError) GRPCStatus() *status.Status { return e.st }

func (e *remoteError) Unwrap() error { return e.sentinel }
