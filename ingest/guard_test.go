package ingest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"syscall"
	"testing"
)

// TestCheckAddr decides for addresses of every class without dialing any.
func TestCheckAddr(t *testing.T) {
	cases := []struct {
		addr    string
		allowed bool
	}{
		{"93.184.216.34", true},
		{"8.8.8.8", true},
		{"2606:4700:4700::1111", true},
		{"100.63.255.255", true}, // just below the shared space
		{"100.128.0.0", true},    // just above it
		{"172.32.0.1", true},     // just above 172.16.0.0/12
		{"127.0.0.1", false},     // loopback
		{"127.255.255.254", false},
		{"::1", false},
		{"10.1.2.3", false}, // private
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.168.1.1", false},
		{"fd00::1", false},         // unique local
		{"169.254.169.254", false}, // link-local: cloud metadata
		{"fe80::1", false},
		{"fe80::1%eth0", false},
		{"100.64.0.1", false}, // shared (CGNAT)
		{"100.127.255.255", false},
		{"224.0.0.1", false}, // multicast
		{"239.255.255.250", false},
		{"ff02::1", false},
		{"ff05::2", false},
		{"0.0.0.0", false}, // unspecified
		{"::", false},
		{"255.255.255.255", false},
		{"::ffff:127.0.0.1", false}, // IPv4-mapped loopback
		{"::ffff:10.0.0.1", false},
		{"::ffff:8.8.8.8", true},
	}
	for _, c := range cases {
		err := checkAddr(netip.MustParseAddr(c.addr))
		if (err == nil) != c.allowed {
			t.Errorf("checkAddr(%s) = %v, want allowed=%v", c.addr, err, c.allowed)
		}
		if err != nil && !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("checkAddr(%s) = %v, not ErrForbiddenAddress", c.addr, err)
		}
	}
}

// TestGuardControl checks the dialer hook on the host:port strings the
// dialer hands it, without dialing.
func TestGuardControl(t *testing.T) {
	for addr, ok := range map[string]bool{"93.184.216.34:443": true, "[2606:4700::1]:80": true, "127.0.0.1:80": false,
		"[::1]:443": false, "10.0.0.1:8080": false, "localhost:80": false, "nonsense": false} {
		if err := guardControl("tcp", addr, nil); (err == nil) != ok {
			t.Errorf("guardControl(%s) = %v, want allowed=%v", addr, err, ok)
		}
	}
}

func TestCheckURL(t *testing.T) {
	for raw, ok := range map[string]bool{"https://example.org/a": true, "http://example.org": true, "ftp://example.org/f": false,
		"file:///etc/passwd": false, "example.org/a": false, "https://user:pw@example.org/": false, "gopher://x": false, "": false} {
		if _, err := CheckURL(raw); (err == nil) != ok {
			t.Errorf("CheckURL(%q) = %v, want ok=%v", raw, err, ok)
		}
	}
}

// TestFetchRefusesLoopback: without AllowPrivate a loopback server is
// refused whether named by address or by "localhost", and never receives
// the request.
func TestFetchRefusesLoopback(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<p>secret</p>"))
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndexByte(srv.URL, ':'):]
	f := &Fetcher{}
	for _, u := range []string{srv.URL + "/a", "http://localhost" + port + "/a"} {
		_, err := f.Fetch(context.Background(), u)
		if !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("Fetch(%s) = %v, want ErrForbiddenAddress", u, err)
		}
	}
	if hits != 0 {
		t.Errorf("the loopback server was reached %d times", hits)
	}
}

// TestFetchRedirectToARefusedAddress: a redirect cannot reach a refused
// address, because the guard runs on every connection. The first hop is
// admitted by a test guard that allows exactly one loopback server; the
// redirect points at another loopback server, which must never be reached.
func TestFetchRedirectToARefusedAddress(t *testing.T) {
	hits := 0
	inner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<p>internal</p>"))
	}))
	defer inner.Close()
	outer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, inner.URL+"/admin", http.StatusFound)
	}))
	defer outer.Close()
	allowed := strings.TrimPrefix(outer.URL, "http://")
	f := &Fetcher{control: func(network, address string, c syscall.RawConn) error {
		if address == allowed {
			return nil
		}
		return guardControl(network, address, c)
	}}
	_, err := f.Fetch(context.Background(), outer.URL+"/story")
	if !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("redirect to %s: %v, want ErrForbiddenAddress", inner.URL, err)
	}
	if hits != 0 {
		t.Errorf("the redirect target was reached")
	}
}

func TestFetchLimits(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		if ua := r.Header.Get("User-Agent"); !strings.Contains(ua, "newsbot") {
			t.Errorf("User-Agent %q does not name newsbot", ua)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<p>ok</p>"))
	})
	mux.HandleFunc("/image", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte{0x89, 'P', 'N', 'G'})
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		chunk := []byte(strings.Repeat("a", 1<<16))
		for i := 0; i < (MaxBodyBytes>>16)+2; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/loop/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
	})
	mux.HandleFunc("/ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.invalid/x", http.StatusFound)
	})
	mux.HandleFunc("/404", http.NotFound)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := &Fetcher{AllowPrivate: true}
	ctx := context.Background()
	if p, err := f.Fetch(ctx, srv.URL+"/page"); err != nil || string(p.Body) != "<p>ok</p>" {
		t.Errorf("page: %v", err)
	}
	for path, want := range map[string]string{"/image": "content type", "/big": "limit", "/loop/": "redirects",
		"/ftp": "only http and https", "/404": "404"} {
		_, err := f.Fetch(ctx, srv.URL+path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error about %q", path, err, want)
		}
	}
}

func TestFetchFeedConditional(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` || r.Header.Get("If-Modified-Since") == "Mon, 02 Jan 2006 15:04:05 GMT" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte("<rss/>"))
	}))
	defer srv.Close()
	f := &Fetcher{AllowPrivate: true}
	p, err := f.FetchFeed(context.Background(), srv.URL, "", "")
	if err != nil || p.ETag != `"v1"` {
		t.Fatalf("first fetch: %v %+v", err, p)
	}
	if _, err := f.FetchFeed(context.Background(), srv.URL, p.ETag, ""); !errors.Is(err, ErrNotModified) {
		t.Errorf("with ETag: %v, want ErrNotModified", err)
	}
	if _, err := f.FetchFeed(context.Background(), srv.URL, "", "Mon, 02 Jan 2006 15:04:05 GMT"); !errors.Is(err, ErrNotModified) {
		t.Errorf("with Last-Modified: %v, want ErrNotModified", err)
	}
}
