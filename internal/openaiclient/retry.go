package openaiclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// maxErrorBody is how much of a failed response's body is kept for the
// error message; the rest is discarded.
const maxErrorBody = 64 << 10

// retryTransport is an http.RoundTripper that retries requests that failed
// for reasons that may pass: 408, 429 and 5xx answers, and transport errors
// such as a refused or reset connection or an attempt that timed out.
type retryTransport struct {
	cfg  Config // with defaults applied
	base http.RoundTripper
}

// RoundTrip sends req, retrying as the Config says. After the last attempt
// it returns an *Error that names the endpoint, the last status and the
// number of attempts. A non-retryable answer (2xx, 4xx other than 408 and
// 429) is returned as it is, for go-openai to decode.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	attempts := max(t.cfg.MaxRetries, 0) + 1
	resend := req.GetBody != nil && req.Body != nil && req.Body != http.NoBody
	if req.Body != nil && req.Body != http.NoBody && !resend {
		// The body can be read once only: no retries.
		attempts = 1
	}
	if resend {
		// Every attempt reads its own copy from GetBody; the RoundTripper
		// contract still makes us close the original.
		defer req.Body.Close()
	}
	fail := &Error{Endpoint: t.endpoint(req.URL), BaseURL: t.cfg.BaseURL}
	for attempt := 1; ; attempt++ {
		fail.Attempts = attempt
		resp, err := t.attempt(ctx, req, resend)
		if ctx.Err() != nil {
			if resp != nil {
				resp.Body.Close()
			}
			fail.Err = ctx.Err()
			return nil, fail
		}
		var wait time.Duration
		var reason string
		switch {
		case err != nil:
			fail.Err, fail.Status, fail.StatusCode, fail.Message = err, "", 0, ""
			if !retryableErr(err) {
				return nil, fail
			}
			reason = err.Error()
			wait = t.backoff(attempt)
		case retryableStatus(resp.StatusCode):
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
			if resp.StatusCode == http.StatusTooManyRequests && bytes.Contains(body, []byte("insufficient_quota")) {
				// OpenAI's "no credit left" is a 429 that waiting won't fix.
				resp.Body = readCloser{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
				return resp, nil
			}
			resp.Body.Close()
			fail.Err, fail.Status, fail.StatusCode, fail.Message = nil, resp.Status, resp.StatusCode, bodyMessage(body)
			reason = resp.Status
			if d, ok := retryAfter(resp.Header, time.Now()); ok {
				wait = min(d, t.cfg.MaxRetryAfter)
			} else {
				wait = t.backoff(attempt)
			}
		default:
			return resp, nil
		}
		if attempt >= attempts {
			return nil, fail
		}
		if deadline, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(deadline) {
			fail.Message = joinMessage(fail.Message, fmt.Sprintf("not retried: waiting %s would pass the deadline", wait.Round(time.Millisecond)))
			return nil, fail
		}
		if t.cfg.OnRetry != nil {
			t.cfg.OnRetry(attempt, wait, reason)
		}
		if err := sleep(ctx, wait); err != nil {
			fail.Err = err
			return nil, fail
		}
	}
}

// attempt sends one copy of req with its own timeout. The timeout covers
// reading the body, so it is released when the body is closed.
func (t *retryTransport) attempt(ctx context.Context, req *http.Request, resend bool) (*http.Response, error) {
	actx, cancel := context.WithTimeout(ctx, t.cfg.RequestTimeout)
	r := req.Clone(actx)
	if resend {
		body, err := req.GetBody()
		if err != nil {
			cancel()
			return nil, fmt.Errorf("rewind request body: %w", err)
		}
		r.Body = body
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		cancel()
		if errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			return nil, fmt.Errorf("no response within %s: %w", t.cfg.RequestTimeout, err)
		}
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel, attempt: actx, parent: ctx, timeout: t.cfg.RequestTimeout}
	return resp, nil
}

// CloseIdleConnections closes the idle connections of the base transport,
// so that http.Client.CloseIdleConnections works through the retries.
func (t *retryTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// endpoint names the API endpoint of u relative to the base URL
// ("embeddings", "chat/completions"), or its path when it is elsewhere.
func (t *retryTransport) endpoint(u *url.URL) string {
	full := u.Scheme + "://" + u.Host + u.Path
	if rest, ok := strings.CutPrefix(full, t.cfg.BaseURL+"/"); ok && rest != "" {
		return rest
	}
	return u.Path
}

// backoff returns the jittered wait after the given failed attempt:
// between half and all of BaseBackoff doubled per attempt, capped.
func (t *retryTransport) backoff(attempt int) time.Duration {
	d := t.cfg.BaseBackoff
	for i := 1; i < attempt && d < t.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, t.cfg.MaxBackoff)
	return d/2 + rand.N(d/2+1)
}

// retryableStatus reports whether an answer with this status may succeed
// if sent again.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests:
		return true
	case http.StatusNotImplemented, http.StatusHTTPVersionNotSupported:
		return false
	}
	return code >= 500 && code <= 599
}

// retryableErr reports whether a transport error may pass: connection
// refused or reset, a timeout, a connection closed mid-answer. A host that
// does not exist or a malformed URL will not get better.
func retryableErr(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return false
	}
	var opErr *net.OpError
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &opErr):
		return true
	case errors.As(err, &netErr):
		return netErr.Timeout()
	}
	return false
}

// retryAfter reads how long the server asks to wait: OpenAI's
// retry-after-ms, or Retry-After in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && ms < 1e9 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s < 0 || s > 1e6 {
			return 0, false
		}
		return time.Duration(s * float64(time.Second)), true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// sleep waits for d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// cancelOnClose releases an attempt's timeout when its body is closed, and
// says so when that timeout, rather than the caller, interrupts a read.
type cancelOnClose struct {
	io.ReadCloser
	cancel          context.CancelFunc
	attempt, parent context.Context
	timeout         time.Duration
}

func (c *cancelOnClose) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	if err != nil && err != io.EOF && errors.Is(c.attempt.Err(), context.DeadlineExceeded) && c.parent.Err() == nil {
		err = fmt.Errorf("response not complete within %s: %w", c.timeout, err)
	}
	return n, err
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// readCloser reads from Reader and closes Closer.
type readCloser struct {
	io.Reader
	io.Closer
}
