package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// discordHost is the host discordgo sends every REST call to.
var discordHost = func() string {
	u, err := url.Parse(discordgo.EndpointDiscord)
	if err != nil {
		return "discord.com"
	}
	return u.Host
}()

// gatewayPath is the REST path discordgo asks the gateway URL from.
var gatewayPath = "/api/v" + discordgo.APIVersion + "/gateway"

// rewriteTransport sends the requests discordgo makes to https://discord.com
// to another base URL instead (a REST proxy, or a fake Discord in tests),
// and can answer the gateway URL query itself. It is installed in the http
// client of one bot; discordgo's package-level endpoint variables are left
// alone, since writing them while sessions run would be a data race.
type rewriteTransport struct {
	base    http.RoundTripper
	api     *url.URL // nil: leave requests as they are
	gateway string   // not empty: answer GET <api>/gateway with {"url": gateway}
}

// RoundTrip implements http.RoundTripper.
func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != discordHost {
		return t.base.RoundTrip(req)
	}
	if t.gateway != "" && req.Method == http.MethodGet && req.URL.Path == gatewayPath {
		if req.Body != nil {
			req.Body.Close()
		}
		body, _ := json.Marshal(map[string]string{"url": t.gateway})
		return &http.Response{
			Status:        "200 OK",
			StatusCode:    http.StatusOK,
			Proto:         "HTTP/1.1",
			ProtoMajor:    1,
			ProtoMinor:    1,
			Header:        http.Header{"Content-Type": {"application/json"}},
			Body:          io.NopCloser(bytes.NewReader(body)),
			ContentLength: int64(len(body)),
			Request:       req,
		}, nil
	}
	if t.api == nil {
		return t.base.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	u := *req.URL
	u.Scheme = t.api.Scheme
	u.Host = t.api.Host
	if p := strings.TrimSuffix(t.api.Path, "/"); p != "" {
		u.Path = p + req.URL.Path
		if req.URL.RawPath != "" {
			u.RawPath = p + req.URL.RawPath
		}
	}
	r.URL = &u
	r.Host = u.Host
	return t.base.RoundTrip(r)
}

// newHTTPClient returns the http client of one bot: its own transport (so
// that closing idle connections at shutdown affects nobody else), pointed at
// apiURL when it is not empty.
func newHTTPClient(apiURL, gatewayURL string) (*http.Client, *http.Transport, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	rt := &rewriteTransport{base: tr, gateway: gatewayURL}
	if apiURL != "" {
		u, err := url.Parse(apiURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, nil, fmt.Errorf("discord API URL %q: want http(s)://host[:port][/path]", apiURL)
		}
		rt.api = u
	}
	return &http.Client{Transport: rt, Timeout: 30 * time.Second}, tr, nil
}

// restError is a Discord REST call that failed. It names the operation, not
// the URL: interaction URLs carry the interaction's token.
type restError struct {
	Op      string
	Status  int
	Code    int // Discord's JSON error code, 0 if none
	Message string
}

func (e *restError) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("discord %s: HTTP %d: %s (code %d)", e.Op, e.Status, e.Message, e.Code)
	}
	return fmt.Sprintf("discord %s: HTTP %d: %s", e.Op, e.Status, e.Message)
}

// Discord JSON error codes the bot reacts to.
const (
	codeUnknownInteraction  = 10062 // the interaction was not acknowledged within 3 s, or has expired
	codeAlreadyAcked        = 40060
	codeInvalidWebhookToken = 50027 // the interaction's token has expired (15 minutes)
)

// restClient makes the interaction calls (acknowledgement, edits of the
// original response, follow-ups) itself rather than through discordgo. In
// discordgo v0.29.0 every interaction edit shares one rate-limit bucket
// (WebhookMessageEdit keys it on an empty token, upstream issue 1384), so
// one answer waiting out a 429 would stall everyone's edits; here each
// interaction has its own limiter (an interactionLimit, which lives as long
// as the interaction and so keeps no state once it is answered), every wait
// honours the context, 429s are waited out and 5xx retried a few times.
type restClient struct {
	client    *http.Client
	auth      string // "Bot <token>"
	userAgent string
	onError   func(op string)
}

// interactionLimit is the rate-limit state of one interaction's token.
type interactionLimit struct {
	mu    sync.Mutex
	until time.Time // no call before this time
}

func (l *interactionLimit) wait(ctx context.Context) error {
	l.mu.Lock()
	d := time.Until(l.until)
	l.mu.Unlock()
	return sleep(ctx, d)
}

func (l *interactionLimit) set(until time.Time) {
	l.mu.Lock()
	if until.After(l.until) {
		l.until = until
	}
	l.mu.Unlock()
}

const restAttempts = 5

// do sends one call and decodes the response into out (if not nil). A 429
// is waited out (Retry-After) and a 5xx or a transport error retried with
// backoff, up to restAttempts attempts in all.
func (c *restClient) do(ctx context.Context, lim *interactionLimit, op, method, urlStr string, body, out any) error {
	err := c.try(ctx, lim, restAttempts, op, method, urlStr, body, out)
	if err != nil && c.onError != nil && ctx.Err() == nil {
		c.onError(op)
	}
	return err
}

// errBehind is returned by doOnce when the interaction is rate limited.
var errBehind = errors.New("rate limited: skipped")

// doOnce makes one attempt at a call that may be dropped (a streaming
// preview): if the interaction is rate limited it returns errBehind at
// once, and a 429 or a 5xx is not retried.
func (c *restClient) doOnce(ctx context.Context, lim *interactionLimit, op, method, urlStr string, body, out any) error {
	lim.mu.Lock()
	behind := time.Now().Before(lim.until)
	lim.mu.Unlock()
	if behind {
		return errBehind
	}
	return c.try(ctx, lim, 1, op, method, urlStr, body, out)
}

func (c *restClient) try(ctx context.Context, lim *interactionLimit, attempts int, op, method, urlStr string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("discord %s: encode: %w", op, err)
		}
	}
	backoff := 250 * time.Millisecond
	var last error
	for attempt := 0; attempt < attempts; attempt++ {
		if err := lim.wait(ctx); err != nil {
			return fmt.Errorf("discord %s: %w", op, err)
		}
		req, err := http.NewRequestWithContext(ctx, method, urlStr, bytes.NewReader(payload))
		if err != nil {
			return fmt.Errorf("discord %s: %w", op, err)
		}
		req.Header.Set("Authorization", c.auth)
		req.Header.Set("User-Agent", c.userAgent)
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := c.client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("discord %s: %w", op, ctx.Err())
			}
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // the URL holds the interaction token
			}
			last = fmt.Errorf("discord %s: %w", op, err)
			if err := sleep(ctx, backoff); err != nil {
				return last
			}
			backoff *= 2
			continue
		}
		data, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		c.noteLimits(lim, resp.Header)
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			d := retryAfter(resp.Header, data)
			last = &restError{Op: op, Status: resp.StatusCode, Message: "rate limited"}
			lim.set(time.Now().Add(d))
			continue
		case resp.StatusCode >= 500:
			last = apiError(op, resp.StatusCode, data)
			if err := sleep(ctx, backoff); err != nil {
				return last
			}
			backoff *= 2
			continue
		case resp.StatusCode >= 300:
			return apiError(op, resp.StatusCode, data)
		}
		if rerr != nil {
			return fmt.Errorf("discord %s: read response: %w", op, rerr)
		}
		if out != nil && len(data) > 0 {
			if err := json.Unmarshal(data, out); err != nil {
				return fmt.Errorf("discord %s: decode response: %w", op, err)
			}
		}
		return nil
	}
	return last
}

// noteLimits reads Discord's rate-limit headers: with no call left in the
// bucket, the next waits for the reset.
func (c *restClient) noteLimits(lim *interactionLimit, h http.Header) {
	if h.Get("X-RateLimit-Remaining") != "0" {
		return
	}
	if f, err := strconv.ParseFloat(h.Get("X-RateLimit-Reset-After"), 64); err == nil && f > 0 {
		lim.set(time.Now().Add(time.Duration(f * float64(time.Second))))
	}
}

// retryAfter is how long a 429 asks to wait: the JSON body's retry_after
// (seconds, fractional), else the Retry-After header, else one second;
// never more than a minute.
func retryAfter(h http.Header, body []byte) time.Duration {
	d := time.Second
	var b struct {
		RetryAfter float64 `json:"retry_after"`
	}
	if json.Unmarshal(body, &b) == nil && b.RetryAfter > 0 {
		d = time.Duration(b.RetryAfter * float64(time.Second))
	} else if f, err := strconv.ParseFloat(h.Get("Retry-After"), 64); err == nil && f >= 0 {
		d = time.Duration(f * float64(time.Second))
	}
	return min(d, time.Minute)
}

func apiError(op string, status int, body []byte) error {
	e := &restError{Op: op, Status: status, Message: http.StatusText(status)}
	var b struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &b) == nil {
		e.Code = b.Code
		if b.Message != "" {
			e.Message = truncate(b.Message, 200)
		}
	}
	return e
}

// isCode reports whether err is a Discord API error with the given JSON
// error code, from restClient or from discordgo.
func isCode(err error, code int) bool {
	var re *restError
	if errors.As(err, &re) {
		return re.Code == code
	}
	var de *discordgo.RESTError
	if errors.As(err, &de) && de.Message != nil {
		return de.Message.Code == code
	}
	return false
}

// retryable reports whether a failed discordgo call is worth another try:
// a 5xx (discordgo retries only 502) or a transport error.
func retryable(err error) bool {
	var de *discordgo.RESTError
	if errors.As(err, &de) {
		return de.Response != nil && de.Response.StatusCode >= 500
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Interaction endpoints, built from discordgo's (read, never written).

func callbackURL(i *discordgo.Interaction) string {
	return discordgo.EndpointInteractionResponse(i.ID, i.Token)
}

func originalURL(i *discordgo.Interaction) string {
	return discordgo.EndpointWebhookMessage(i.AppID, i.Token, "@original")
}

func followupURL(i *discordgo.Interaction) string {
	return discordgo.EndpointWebhookToken(i.AppID, i.Token) + "?wait=true"
}
