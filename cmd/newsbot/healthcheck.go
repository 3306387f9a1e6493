package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// runHealthcheck probes a running bot's GET /healthz, for the Dockerfile's
// HEALTHCHECK (no curl in the image): exit status 0 when it answers 200, 1
// otherwise.
func runHealthcheck(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	addr := fs.String("addr", e.getenv("NEWSBOT_HTTP_ADDR"), "the bot's HTTP `address` (default $NEWSBOT_HTTP_ADDR)")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{"healthcheck takes no arguments"}
	}
	if strings.TrimSpace(*addr) == "" {
		return usageError{"healthcheck: NEWSBOT_HTTP_ADDR is not set (or pass --addr host:port)"}
	}
	url, err := healthURL(*addr)
	if err != nil {
		return usageError{err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	// One request: no connection worth keeping.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	why := strings.TrimSpace(string(body))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: unhealthy (%s): %s", resp.Status, why)
	}
	fmt.Fprintln(e.stdout, why)
	return nil
}

// healthURL turns a listen address (":8080", "0.0.0.0:8080",
// "127.0.0.1:8080") into the URL of its /healthz on this machine.
func healthURL(addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	if strings.HasPrefix(addr, "http://") || strings.HasPrefix(addr, "https://") {
		return strings.TrimSuffix(addr, "/") + "/healthz", nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("healthcheck: address %q: want host:port or :port", addr)
	}
	switch host {
	case "", "0.0.0.0", "::", "[::]":
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}
