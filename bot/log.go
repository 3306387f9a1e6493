package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bwmarrin/discordgo"
)

// redactHandler is a slog.Handler that replaces secrets (the bot token) in
// messages and string, error and Stringer attributes before they reach the
// handler it wraps. The bot never logs its token on purpose; this catches
// the accidents.
type redactHandler struct {
	inner   slog.Handler
	secrets []string
}

// RedactHandler returns a slog.Handler that passes records to inner with
// every occurrence of the secrets (of 8 bytes or more) in the message and
// in string, error, Stringer and []byte attributes, groups included,
// replaced by "[REDACTED]". The bot wraps its logger in one for its token;
// serve wraps the whole program's.
func RedactHandler(inner slog.Handler, secrets ...string) slog.Handler {
	return newRedactHandler(inner, secrets...)
}

func newRedactHandler(inner slog.Handler, secrets ...string) slog.Handler {
	var s []string
	for _, x := range secrets {
		if len(x) >= 8 { // a short "secret" would redact ordinary words
			s = append(s, x)
		}
	}
	return &redactHandler{inner: inner, secrets: s}
}

func (h *redactHandler) redact(s string) string {
	for _, x := range h.secrets {
		s = strings.ReplaceAll(s, x, "[REDACTED]")
	}
	return s
}

func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.redact(v.String()))
	case slog.KindGroup:
		as := v.Group()
		out := make([]any, len(as))
		for i, x := range as {
			out[i] = h.attr(x)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, h.redact(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, h.redact(x.String()))
		case []byte:
			return slog.String(a.Key, h.redact(string(x)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// Enabled implements slog.Handler.
func (h *redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

// Handle implements slog.Handler.
func (h *redactHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (h *redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = h.attr(a)
	}
	return &redactHandler{inner: h.inner.WithAttrs(red), secrets: h.secrets}
}

// WithGroup implements slog.Handler.
func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{inner: h.inner.WithGroup(name), secrets: h.secrets}
}

// discordgo logs through one package-level function. It is set once, before
// the first session exists (writing it while sessions run would be a data
// race), to forward to the logger of the bot started last; that logger
// redacts its token. Sessions log at LogWarning at most, which never
// includes the identify payload or the Authorization header.
var (
	dgLogOnce sync.Once
	dgLog     atomic.Pointer[slog.Logger]
)

func routeDiscordgoLogs(l *slog.Logger) {
	dgLog.Store(l.With("component", "discordgo"))
	dgLogOnce.Do(func() {
		discordgo.Logger = func(level, _ int, format string, a ...any) {
			l := dgLog.Load()
			if l == nil {
				return
			}
			msg := strings.TrimSpace(fmt.Sprintf(format, a...))
			switch level {
			case discordgo.LogError:
				l.Error(msg)
			case discordgo.LogWarning:
				l.Warn(msg)
			case discordgo.LogInformational:
				l.Info(msg)
			default:
				l.Debug(msg)
			}
		}
	})
}
