package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Fetch limits, from issue 10.
const (
	FetchTimeout     = 15 * time.Second // whole request, redirects and body included
	MaxBodyBytes     = 5 << 20          // a longer body is refused, not truncated
	MaxRedirects     = 5
	DefaultUserAgent = "newsbot/1 (+https://github.com/newsbot/newsbot; article ingestion)"
)

// ErrNotModified is returned by a conditional fetch when the server answers
// 304 Not Modified.
var ErrNotModified = errors.New("not modified")

// pageTypes are the media types a page fetch accepts.
var pageTypes = []string{"text/html", "application/xhtml+xml", "text/plain", "text/markdown"}

// feedTypes are the media types a feed fetch accepts: feeds are served
// under many names, HTML included (misconfigured servers).
var feedTypes = []string{"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
	"application/feed+json", "application/json", "text/plain", "text/html"}

// Fetcher downloads pages and feeds under the limits above, refusing to
// connect to non-public addresses unless AllowPrivate is set. The zero
// value is ready to use; it is safe for concurrent use.
type Fetcher struct {
	// AllowPrivate lifts the address guard (NEWSBOT_ALLOW_PRIVATE_URLS=1):
	// for tests on loopback and intranet sources.
	AllowPrivate bool
	// UserAgent defaults to DefaultUserAgent.
	UserAgent string
	// Timeout defaults to FetchTimeout.
	Timeout time.Duration

	// control replaces guardControl in tests.
	control func(network, address string, c syscall.RawConn) error
}

// Page is a fetched document.
type Page struct {
	URL          string // after redirects
	ContentType  string // the Content-Type header as sent
	Body         []byte
	ETag         string
	LastModified string
}

// Fetch GETs rawURL as a page: an HTML, XHTML or text body.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*Page, error) {
	return f.get(ctx, rawURL, pageTypes, "", "")
}

// FetchFeed GETs a feed, conditionally when etag or lastModified (from an
// earlier Page) is set; a 304 answer is ErrNotModified.
func (f *Fetcher) FetchFeed(ctx context.Context, rawURL, etag, lastModified string) (*Page, error) {
	return f.get(ctx, rawURL, feedTypes, etag, lastModified)
}

// CheckURL reports whether rawURL is one newsbot may fetch by its form:
// absolute, http or https, with a host. Addresses are checked at connect
// time.
func CheckURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, fmt.Errorf("bad URL %q: %w", rawURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("URL %q: only http and https are fetched", rawURL)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("URL %q has no host", rawURL)
	}
	if u.User != nil {
		return nil, fmt.Errorf("URL %q: credentials in URLs are not accepted", rawURL)
	}
	return u, nil
}

func (f *Fetcher) client() *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if !f.AllowPrivate {
		dialer.Control = guardControl
		if f.control != nil {
			dialer.Control = f.control
		}
	}
	tr := &http.Transport{
		// No proxy: the guard judges the address really dialed, which
		// behind a proxy would be the proxy's.
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
		MaxIdleConns:          4,
		IdleConnTimeout:       30 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > MaxRedirects {
				return fmt.Errorf("more than %d redirects", MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %s: only http and https are fetched", req.URL.Scheme)
			}
			return nil
		},
	}
}

func (f *Fetcher) get(ctx context.Context, rawURL string, accept []string, etag, lastModified string) (*Page, error) {
	u, err := CheckURL(rawURL)
	if err != nil {
		return nil, err
	}
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = FetchTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	ua := f.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Accept", strings.Join(accept, ", ")+", */*;q=0.1")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	c := f.client()
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the method and URL
		}
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return nil, ErrNotModified
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("fetch %s: %s", rawURL, resp.Status)
	}
	ct := resp.Header.Get("Content-Type")
	if !acceptable(ct, accept) {
		return nil, fmt.Errorf("fetch %s: content type %q is not one of %s", rawURL, ct, strings.Join(accept, ", "))
	}
	if resp.ContentLength > MaxBodyBytes {
		return nil, fmt.Errorf("fetch %s: body of %d bytes is over the %d-byte limit", rawURL, resp.ContentLength, MaxBodyBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if len(body) > MaxBodyBytes {
		return nil, fmt.Errorf("fetch %s: body is over the %d-byte limit", rawURL, MaxBodyBytes)
	}
	return &Page{
		URL:          resp.Request.URL.String(),
		ContentType:  ct,
		Body:         body,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
	}, nil
}

// acceptable reports whether the Content-Type header ct names one of the
// accepted media types. A missing header is accepted: the body is sniffed
// later.
func acceptable(ct string, accept []string) bool {
	if strings.TrimSpace(ct) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	for _, a := range accept {
		if mt == a {
			return true
		}
	}
	return false
}
