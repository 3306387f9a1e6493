package bot

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/fakediscord"
)

func TestTokenIsNeverLogged(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	ans.fail = 1
	fd := fakediscord.Start(t, fakediscord.Options{Logf: func(string, ...any) {}, HeartbeatInterval: 100 * time.Millisecond})
	h := startOn(t, fd, ans, func(c *Config) { c.Token = "Bot " + fd.Token() })
	h.ask("where are the talks, Riyadh?")
	h.fd.DropConnections()
	h.fd.InjectFault(fakediscord.Fault{Route: fakediscord.RouteMessageCreate, Status: http.StatusForbidden, Count: 1})
	h.fd.Mention("Peskov?")
	h.ask("where are the talks, Riyadh?")
	h.bot.log.Info("a careless log line", "token", fd.Token(), "auth", "Bot "+fd.Token(), "err", fmt.Errorf("wrapped %s", fd.Token()))
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	logs := h.logs.String()
	if strings.Contains(logs, fd.Token()) {
		t.Errorf("the token is in the logs:\n%s", logs)
	}
	if !strings.Contains(logs, "[REDACTED]") || !strings.Contains(logs, "answering failed") {
		t.Errorf("the logs do not show the errors the test caused:\n%s", logs)
	}
}

func TestRedactHandlerHidesSecretsEverywhere(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	const secret = "MTIzNDU2.secret-token-value"
	l := slog.New(newRedactHandler(slog.NewJSONHandler(&buf, nil), secret))
	l = l.With("ctx", "Bot "+secret)
	l.WithGroup("g").Info("message with "+secret, "s", secret, "err", errors.New("auth "+secret),
		slog.Group("inner", "k", secret), "b", []byte(secret), "n", 3)
	if strings.Contains(buf.String(), secret) || strings.Count(buf.String(), "[REDACTED]") != 6 {
		t.Errorf("log line: %s", buf.String())
	}
}
