// Package bot is newsbot on Discord: the slash commands (/ask, /about,
// /help, /reload), answers to mentions with follow-ups, the formatting of
// answers for Discord's limits, cooldowns and the queue, the gateway
// watchdog, and the /healthz and /metrics endpoints. It knows Discord and
// nothing about retrieval: answers come from an Answerer.
package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/newsbot/newsbot"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Answerer is what the bot needs of the engine: newsbot.Answerer, which
// *answer.Engine implements.
type Answerer = newsbot.Answerer

// Config is the bot's configuration. Only Token is required: a zero
// duration or count means the default given with its field.
type Config struct {
	// Token is the bot token from the Discord developer portal, with or
	// without its "Bot " prefix. It is never logged.
	Token string
	// GuildID, when set, registers the commands in that server only
	// (instant, for development) instead of globally.
	GuildID string
	// AdminRoleIDs and AdminUserIDs may /reload besides members with
	// Manage Server.
	AdminRoleIDs []string
	AdminUserIDs []string
	// Threads answers mentions in a new thread, which then holds the
	// conversation.
	Threads bool
	// APIURL replaces https://discord.com for every REST call (a REST
	// proxy, or a fake Discord in tests).
	APIURL string
	// GatewayURL replaces the gateway URL Discord hands out.
	GatewayURL string
	// ShardID and ShardCount shard the gateway, one process per shard.
	ShardID, ShardCount int

	// Cooldown is the time a user waits between questions: default 10 s,
	// negative for none.
	Cooldown time.Duration
	// MaxConcurrent caps the questions answered at once (model calls):
	// default 4.
	MaxConcurrent int
	// MaxQueue caps the questions waiting for a slot: default 100;
	// negative for no queue (a question that finds every slot taken is
	// told to try again).
	MaxQueue int
	// HistoryTurns bounds the earlier turns a follow-up carries: default 3.
	HistoryTurns int
	// EditInterval is the time between streaming edits of one answer:
	// default 1.5 s.
	EditInterval time.Duration
	// AnswerTimeout bounds one answer: default 3 minutes.
	AnswerTimeout time.Duration
	// ShutdownTimeout is how long Run lets questions in flight finish once
	// its context is cancelled: default 10 s.
	ShutdownTimeout time.Duration

	// ReadyTimeout is how long a gateway connection may take to become
	// ready: default 30 s.
	ReadyTimeout time.Duration
	// HeartbeatTimeout is how long the gateway may leave a heartbeat
	// unacknowledged before the connection is dropped and resumed:
	// default 100 s (Discord's interval is about 41 s).
	HeartbeatTimeout time.Duration
	// WatchdogInterval is how often the watchdog looks: default 1 s.
	WatchdogInterval time.Duration
	// MaxGatewayFailures is how many connection attempts in a row may fail
	// before Run gives up with an error: default 10.
	MaxGatewayFailures int
	// ReconnectBackoff is the first wait after a failed attempt, doubling
	// up to 30 s: default 1 s.
	ReconnectBackoff time.Duration

	// Logger receives the bot's logs; nil discards them.
	Logger *slog.Logger
	// Collectors are other layers' Prometheus metrics (the engine's claim
	// checks, the corpus loader's skipped files), served on /metrics with
	// the bot's own. Names must not clash with the bot's.
	Collectors []prometheus.Collector

	// Stories (stories.go). Library, when set, adds the admin commands
	// /add, /remove, /follow and /unfollow and lists /stories from it; nil
	// leaves those four unregistered (/stories then lists the index).
	// AnnounceChannelID is the channel Announce posts new stories to;
	// empty turns Announce off.
	Library           newsbot.Library
	AnnounceChannelID string
	// now is the clock that dates interactions and judges their age
	// (time.Now; tests move it forward).
	now func() time.Time
}

// interactionMaxAge is how old a queued /ask may be when its turn comes.
// Discord's interaction tokens last 15 minutes; an older question is
// dropped before any model call, leaving two minutes to tell the asker.
const interactionMaxAge = 13 * time.Minute

func (c *Config) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	defInt := func(n *int, v int) {
		if *n <= 0 {
			*n = v
		}
	}
	def(&c.Cooldown, 10*time.Second)
	defInt(&c.MaxConcurrent, 4)
	switch {
	case c.MaxQueue == 0:
		c.MaxQueue = 100
	case c.MaxQueue < 0:
		c.MaxQueue = 0
	}
	defInt(&c.HistoryTurns, 3)
	def(&c.EditInterval, 1500*time.Millisecond)
	def(&c.AnswerTimeout, 3*time.Minute)
	def(&c.ShutdownTimeout, 10*time.Second)
	def(&c.ReadyTimeout, 30*time.Second)
	def(&c.HeartbeatTimeout, 100*time.Second)
	def(&c.WatchdogInterval, time.Second)
	defInt(&c.MaxGatewayFailures, 10)
	def(&c.ReconnectBackoff, time.Second)
	if c.ShardCount <= 0 {
		c.ShardCount = 1
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// userAgent identifies the bot to Discord, in the form Discord asks for.
const userAgent = "DiscordBot (https://github.com/newsbot/newsbot, 1)"

// Bot is a running newsbot on Discord. Make one with New, start it with
// Run, and serve Handler for /healthz and /metrics.
type Bot struct {
	cfg  Config
	ans  Answerer
	log  *slog.Logger
	auth string // "Bot <token>"

	httpClient *http.Client
	transport  *http.Transport
	rest       *discordgo.Session // REST only; never opened
	ic         *restClient        // interaction calls
	metrics    *metrics
	cooldown   *cooldown
	gate       *gate
	convs      *conversations
	handlers   map[string]func(ctx context.Context, x *interaction)
	adminRoles map[string]bool
	adminUsers map[string]bool

	work       tracker
	workCtx    context.Context // cancelled when shutdown gives up waiting
	cancelWork context.CancelFunc

	gw         atomic.Pointer[gatewaySession] // the current gateway session
	botID      atomic.Pointer[string]
	appID      atomic.Pointer[string]
	events     atomic.Int64 // MESSAGE_CREATE and INTERACTION_CREATE events taken, their work registered
	connected  atomic.Bool
	registered atomic.Bool
	started    atomic.Bool
}

// New returns a bot that answers with a, configured by cfg. It does not
// connect; Run does.
func New(cfg Config, a Answerer) (*Bot, error) {
	if a == nil {
		return nil, errors.New("bot: no answerer")
	}
	token := strings.TrimSpace(cfg.Token)
	if f := strings.Fields(token); len(f) > 0 && f[0] == "Bot" {
		token = strings.TrimSpace(strings.TrimPrefix(token, "Bot"))
	}
	if token == "" {
		return nil, errors.New("bot: no Discord token")
	}
	if cfg.ShardCount > 1 && (cfg.ShardID < 0 || cfg.ShardID >= cfg.ShardCount) {
		return nil, fmt.Errorf("bot: shard ID %d out of range for %d shards", cfg.ShardID, cfg.ShardCount)
	}
	cfg.setDefaults()
	client, tr, err := newHTTPClient(cfg.APIURL, cfg.GatewayURL)
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	b := &Bot{
		cfg:        cfg,
		ans:        a,
		log:        slog.New(newRedactHandler(cfg.Logger.Handler(), token)),
		auth:       "Bot " + token,
		httpClient: client,
		transport:  tr,
		cooldown:   newCooldown(cfg.Cooldown),
		gate:       newGate(cfg.MaxConcurrent, cfg.MaxQueue),
		convs:      newConversations(2000, 2*cfg.HistoryTurns),
		adminRoles: set(cfg.AdminRoleIDs),
		adminUsers: set(cfg.AdminUserIDs),
	}
	b.workCtx, b.cancelWork = context.WithCancel(context.Background())
	b.metrics = newMetrics(
		func() float64 { return float64(b.ans.Info().Chunks) },
		func() float64 { _, w := b.gate.inUse(); return float64(w) },
	)
	for _, c := range cfg.Collectors {
		if err := b.metrics.reg.Register(c); err != nil {
			return nil, fmt.Errorf("bot: metrics: %w", err)
		}
	}
	routeDiscordgoLogs(b.log)
	rest, _ := discordgo.New(b.auth) // New never fails
	rest.Client = client
	rest.UserAgent = userAgent
	rest.StateEnabled = false
	rest.LogLevel = discordgo.LogWarning
	rest.MaxRestRetries = 3
	b.rest = rest
	b.ic = &restClient{client: client, auth: b.auth, userAgent: userAgent,
		onError: func(op string) { b.metrics.restErrors.WithLabelValues(op).Inc() }}
	b.handlers = b.commandHandlers(commandTable)
	return b, nil
}

func set(ids []string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" {
			m[id] = true
		}
	}
	return m
}

// Run connects to the gateway and answers questions until ctx is
// cancelled, then shuts down gracefully: it stops taking questions (new
// ones get a short "restarting" reply), lets those in flight finish for up
// to ShutdownTimeout, and closes the session. It returns nil after a
// shutdown, or an error when the gateway could not be kept connected (after
// MaxGatewayFailures attempts in a row), so that the process exits non-zero
// and a supervisor restarts it. Run may be called once.
func (b *Bot) Run(ctx context.Context) error {
	if !b.started.CompareAndSwap(false, true) {
		return errors.New("bot: Run called twice")
	}
	gwCtx, stopGateway := context.WithCancel(context.Background())
	defer stopGateway()
	gwDone := make(chan error, 1)
	go func() { gwDone <- b.runGateway(gwCtx) }()

	var err error
	select {
	case <-ctx.Done():
		b.log.Info("shutting down", "in_flight", b.work.inFlight())
	case err = <-gwDone:
		gwDone = nil
		b.log.Error("giving up on the Discord gateway", "err", err)
	}

	idle := b.work.drain()
	grace := time.NewTimer(b.cfg.ShutdownTimeout)
	select {
	case <-idle:
	case <-grace.C:
		b.log.Warn("questions still in flight at the end of the grace period; cancelling them",
			"in_flight", b.work.inFlight())
		b.cancelWork()
		select {
		case <-idle:
		case <-time.After(5 * time.Second):
			b.log.Warn("some replies were not delivered before shutdown", "in_flight", b.work.inFlight())
		}
	}
	grace.Stop()
	b.cancelWork()
	stopGateway()
	if gwDone != nil {
		<-gwDone
	}
	b.transport.CloseIdleConnections()
	b.log.Info("stopped")
	return err
}

// Reload reloads the corpus (for /reload and SIGHUP), logs and counts the
// outcome. On error the previous index keeps serving; newsbot.ErrReloadRunning
// means another reload is running.
func (b *Bot) Reload(ctx context.Context) (newsbot.ReloadStats, error) {
	st, err := b.ans.Reload(ctx)
	switch {
	case errors.Is(err, newsbot.ErrReloadRunning):
		b.metrics.reloads.WithLabelValues("busy").Inc()
		b.log.Warn("reload refused: one is already running")
	case err != nil:
		b.metrics.reloads.WithLabelValues("error").Inc()
		b.log.Error("reload failed; the previous index keeps serving", "err", err)
	default:
		b.metrics.reloads.WithLabelValues("ok").Inc()
		b.log.Info("reloaded", "documents", st.Documents, "chunks", st.Chunks,
			"embedded", st.Embedded, "reused", st.Reused, "ms", st.Duration.Milliseconds())
	}
	return st, err
}

// Healthy reports whether the bot can answer: the gateway is connected and
// an index is loaded.
func (b *Bot) Healthy() (ok bool, why string) {
	if !b.connected.Load() {
		return false, "discord gateway not connected"
	}
	if b.ans.Info().Chunks == 0 {
		return false, "no index loaded"
	}
	return true, "ok"
}

// Handler serves GET /healthz (200 when Healthy, 503 otherwise) and GET
// /metrics (Prometheus, this bot's registry).
func (b *Bot) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ok, why := b.Healthy()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprintln(w, why)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(b.metrics.reg, promhttp.HandlerOpts{}))
	return mux
}
