package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/fakediscord"
)

func TestHealthcheckProbesARunningBot(t *testing.T) {
	t.Parallel()
	fd := fakediscord.Start(t, fakediscord.Options{})
	s := startServe(t, fd, nil)
	healthcheck := func() error {
		return run(context.Background(), []string{"healthcheck"}, func(k string) string {
			return map[string]string{"NEWSBOT_HTTP_ADDR": s.addr}[k]
		}, strings.NewReader(""), io.Discard, io.Discard)
	}
	if err := healthcheck(); err != nil {
		t.Fatalf("healthcheck of a ready bot: %v", err)
	}
	fd.FailHandshakes(fakediscord.HandshakeSilent, 1000)
	fd.DropConnections()
	deadline := time.Now().Add(10 * time.Second)
	for healthcheck() == nil {
		if time.Now().After(deadline) {
			t.Fatal("healthcheck still passes with the gateway down")
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.stop()
	if err := healthcheck(); err == nil {
		t.Error("healthcheck passes with the bot stopped")
	}
	for addr, want := range map[string]string{":8080": "http://127.0.0.1:8080/healthz", "0.0.0.0:80": "http://127.0.0.1:80/healthz", "[::1]:9": "http://[::1]:9/healthz"} {
		if got, _ := healthURL(addr); got != want {
			t.Errorf("healthURL(%q) = %q, want %q", addr, got, want)
		}
	}
}
