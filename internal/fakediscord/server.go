package fakediscord

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Defaults used when Options leaves a field empty. The IDs are valid
// snowflakes, older than any ID the fake generates, so they never collide.
const (
	DefaultToken         = "fake-discord-bot-token"
	DefaultBotUserID     = "900000000000000001"
	DefaultBotUsername   = "newsbot"
	DefaultGuildID       = "900000000000000100"
	DefaultGuildName     = "Newsroom"
	DefaultChannelID     = "900000000000000200"
	DefaultUserID        = "900000000000000300"
	DefaultUsername      = "reader"
	DefaultDMChannelID   = "900000000000000400"
	DefaultHeartbeat     = 5 * time.Second
	DefaultRetryAfter    = 100 * time.Millisecond
	DefaultWait          = 10 * time.Second
	DefaultMaxRecorded   = 10000
	DefaultResumeTimeout = time.Minute
)

// DefaultMemberPermissions are the channel permissions of an ordinary member
// invoking a command: enough to talk, not enough to administer.
const DefaultMemberPermissions int64 = discordgo.PermissionViewChannel |
	discordgo.PermissionSendMessages |
	discordgo.PermissionReadMessageHistory |
	discordgo.PermissionEmbedLinks |
	discordgo.PermissionAddReactions |
	discordgo.PermissionUseApplicationCommands |
	discordgo.PermissionSendMessagesInThreads |
	discordgo.PermissionCreatePublicThreads

// ErrClosed is returned by waits and dispatches on a closed Server.
var ErrClosed = errors.New("fakediscord: server closed")

// ErrNoSession is returned by dispatches when no gateway session has
// identified yet (or every one was invalidated): there is nobody to send to.
var ErrNoSession = errors.New("fakediscord: no gateway session to dispatch to")

// Options configures a Server. The zero value works: every empty field takes
// the Default* value.
type Options struct {
	// Token is the bot token the fake accepts, without the "Bot " prefix.
	// REST calls must carry "Authorization: Bot <Token>"; Identify and Resume
	// must carry the token with or without the prefix.
	Token string
	// BotUserID and BotUsername describe the bot's own user, sent in READY
	// and from GET /users/@me.
	BotUserID   string
	BotUsername string
	// ApplicationID is the bot's application; it defaults to BotUserID, as it
	// is for every bot Discord has created in recent years.
	ApplicationID string
	// GuildID, GuildName and ChannelID describe the one guild the bot is in
	// and its text channel; the event builders put events there by default.
	GuildID   string
	GuildName string
	ChannelID string
	// HeartbeatInterval is sent in Hello. Discord sends about 41 s. Short
	// intervals widen races in discordgo between its heartbeat goroutine and
	// Close (see the package docs), so keep it at seconds unless a test is
	// about heartbeats. discordgo reconnects when no ACK came for 5 intervals.
	HeartbeatInterval time.Duration
	// AckDeadline, when positive, makes interaction callbacks that arrive
	// later than this after the INTERACTION_CREATE left the gateway fail
	// with 404 "Unknown interaction" (10062), as Discord does after 3 s.
	// Zero accepts late callbacks (the latency is still recorded).
	AckDeadline time.Duration
	// EchoBotMessages makes the gateway dispatch MESSAGE_CREATE for every
	// non-ephemeral message the bot creates, as Discord does; a correct bot
	// ignores them.
	EchoBotMessages bool
	// ResumableAfterClose keeps a session resumable when its client closes
	// with 1000 or 1001. Discord ends such sessions, and so does the fake by
	// default. discordgo v0.29.0 can close its own fresh connection with 1000
	// right after reconnecting from a drop (see the package docs), after
	// which, on Discord, the dispatches of the outage are lost; set this for
	// tests that must not lose them to that race.
	ResumableAfterClose bool
	// ResumeTimeout is how long a session whose connection dropped stays
	// resumable (and buffers dispatches for replay).
	ResumeTimeout time.Duration
	// Seed seeds the random choices of rate-based faults, so a soak run is
	// reproducible. Zero means 1.
	Seed uint64
	// MaxRecorded bounds the REST requests kept by Requests; the oldest are
	// forgotten first. Zero means DefaultMaxRecorded.
	MaxRecorded int
	// Addr is the loopback address to listen on; empty means a free port on
	// 127.0.0.1. Anything other than a loopback IP is refused.
	Addr string
	// Logf, if set, receives a line for gateway events and refused requests
	// (never a token). t.Logf fits.
	Logf func(format string, args ...any)
}

// Server is a fake Discord: REST under URL()+"/api/v9/" and the gateway at
// GatewayURL(). All methods are safe for concurrent use. Close it when done;
// close discordgo sessions first, or their reconnect loops spin forever.
type Server struct {
	opts    Options
	botUser discordgo.User
	hs      *httptest.Server
	mux     *http.ServeMux
	baseURL string
	wsURL   string

	done      chan struct{}
	closeOnce sync.Once

	notifyMu sync.Mutex
	notify   chan struct{} // closed and replaced on every change

	idMu   sync.Mutex
	lastID uint64

	mu           sync.Mutex // REST state below
	rng          *rand.Rand
	requests     []Request
	reqSeq       int64
	faults       []*faultRule
	faultHits    int
	messages     map[string]*msgRecord
	nonces       map[string]nonceEntry // channel + nonce of messages created with enforce_nonce
	msgOrder     []string
	msgVersion   int64
	channels     map[string]*discordgo.Channel
	guilds       map[string]*discordgo.Guild
	members      map[string]*discordgo.Member // key guild+"/"+user
	users        map[string]*discordgo.User
	interactions map[string]*interactionRecord
	byToken      map[string]*interactionRecord
	interOrder   []string
	commands     map[string][]*discordgo.ApplicationCommand // key guild ID, "" for global
	commandIDs   map[string]string                          // key scope+"/"+name
	pings        []Ping
	attachments  map[string]storedAttachment // by attachment ID

	gw gateway
}

// New starts a fake Discord listening on loopback.
func New(opts Options) (*Server, error) {
	opts = withDefaults(opts)
	s := &Server{
		opts:         opts,
		mux:          http.NewServeMux(),
		done:         make(chan struct{}),
		notify:       make(chan struct{}),
		rng:          rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		messages:     map[string]*msgRecord{},
		nonces:       map[string]nonceEntry{},
		channels:     map[string]*discordgo.Channel{},
		guilds:       map[string]*discordgo.Guild{},
		members:      map[string]*discordgo.Member{},
		users:        map[string]*discordgo.User{},
		interactions: map[string]*interactionRecord{},
		byToken:      map[string]*interactionRecord{},
		commands:     map[string][]*discordgo.ApplicationCommand{},
		commandIDs:   map[string]string{},
	}
	s.botUser = discordgo.User{ID: opts.BotUserID, Username: opts.BotUsername, Discriminator: "0", Bot: true}
	s.gw.init()
	s.seedWorld()
	s.routes()

	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("fakediscord: listen address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("fakediscord: listen address %q is not a loopback IP", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("fakediscord: listen %s: %w", addr, err)
	}
	s.hs = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.hs.Listener.Close()
	s.hs.Listener = ln
	// Set before serving: handlers read them.
	s.baseURL = "http://" + ln.Addr().String()
	s.wsURL = "ws://" + ln.Addr().String() + "/"
	s.hs.Start()
	return s, nil
}

// Start is New for tests: it fails tb on error and closes the server in
// tb.Cleanup. Register it before anything that must be cleaned up first
// (a discordgo session), since cleanups run last-registered first.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	if opts.Logf == nil {
		opts.Logf = tb.Logf
	}
	s, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

func withDefaults(o Options) Options {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&o.Token, DefaultToken)
	def(&o.BotUserID, DefaultBotUserID)
	def(&o.BotUsername, DefaultBotUsername)
	def(&o.ApplicationID, o.BotUserID)
	def(&o.GuildID, DefaultGuildID)
	def(&o.GuildName, DefaultGuildName)
	def(&o.ChannelID, DefaultChannelID)
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = DefaultHeartbeat
	}
	if o.HeartbeatInterval < time.Millisecond {
		o.HeartbeatInterval = time.Millisecond // discordgo's ticker panics on 0
	}
	if o.ResumeTimeout <= 0 {
		o.ResumeTimeout = DefaultResumeTimeout
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.MaxRecorded <= 0 {
		o.MaxRecorded = DefaultMaxRecorded
	}
	return o
}

// seedWorld creates the guild, its text channel, the default user and the
// DM channel between that user and the bot.
func (s *Server) seedWorld() {
	o := s.opts
	everyone := &discordgo.Role{ID: o.GuildID, Name: "@everyone", Permissions: DefaultMemberPermissions}
	text := &discordgo.Channel{ID: o.ChannelID, GuildID: o.GuildID, Name: "news", Type: discordgo.ChannelTypeGuildText}
	s.guilds[o.GuildID] = &discordgo.Guild{
		ID: o.GuildID, Name: o.GuildName, OwnerID: DefaultUserID,
		Roles: []*discordgo.Role{everyone}, Channels: []*discordgo.Channel{text},
		MemberCount: 2,
	}
	s.channels[o.ChannelID] = text
	u := DefaultUser()
	s.users[u.ID] = u
	s.users[s.botUser.ID] = &s.botUser
	bot := s.botUser
	s.channels[DefaultDMChannelID] = &discordgo.Channel{
		ID: DefaultDMChannelID, Type: discordgo.ChannelTypeDM, Recipients: []*discordgo.User{u, &bot},
	}
}

// Close stops the server: it drops every gateway connection, wakes every
// waiter with ErrClosed, and waits for its goroutines. It is idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.broadcast()
		s.gw.closeAll()
		s.hs.Close()
		s.gw.wg.Wait()
	})
}

// URL is the base URL that replaces https://discord.com: REST lives under
// URL()+"/api/v9/".
func (s *Server) URL() string { return s.baseURL }

// GatewayURL is the ws:// URL of the gateway, as GET /api/v9/gateway returns
// it (with a trailing slash; discordgo appends "?v=9&encoding=json").
func (s *Server) GatewayURL() string { return s.wsURL }

// Token is the bot token the fake accepts, without "Bot ".
func (s *Server) Token() string { return s.opts.Token }

// ApplicationID is the bot's application ID (interactions carry it, webhook
// routes need it).
func (s *Server) ApplicationID() string { return s.opts.ApplicationID }

// GuildID is the guild the bot is in.
func (s *Server) GuildID() string { return s.opts.GuildID }

// ChannelID is the guild's text channel, where events happen by default.
func (s *Server) ChannelID() string { return s.opts.ChannelID }

// BotUser returns a copy of the bot's own user.
func (s *Server) BotUser() *discordgo.User {
	u := s.botUser
	return &u
}

// DefaultUser returns a new copy of the human user who, by default, sends the
// messages and invokes the commands the builders make.
func DefaultUser() *discordgo.User {
	return &discordgo.User{ID: DefaultUserID, Username: DefaultUsername, GlobalName: "Reader", Discriminator: "0"}
}

// HTTPClient returns a client whose transport sends https://discord.com to
// this server and refuses every other host, so a test never touches the
// internet. Give it to discordgo as Session.Client.
func (s *Server) HTTPClient() *http.Client {
	return &http.Client{Transport: s.Transport(), Timeout: 20 * time.Second}
}

// Transport returns a RoundTripper that rewrites requests for discord.com to
// this server (keeping path and query) and fails requests for any other host
// except the server itself.
func (s *Server) Transport() http.RoundTripper {
	target, _ := url.Parse(s.baseURL)
	return &rewriteTransport{target: target, base: &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     30 * time.Second,
	}}
}

type rewriteTransport struct {
	target *url.URL
	base   *http.Transport
}

func (t *rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	switch r.URL.Host {
	case "discord.com":
		r = r.Clone(r.Context())
		r.URL.Scheme = t.target.Scheme
		r.URL.Host = t.target.Host
		r.Host = ""
	case t.target.Host:
	default:
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("fakediscord: refusing request to %s (only discord.com goes to the fake)", r.URL.Host)
	}
	return t.base.RoundTrip(r)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// underlying transport.
func (t *rewriteTransport) CloseIdleConnections() { t.base.CloseIdleConnections() }

// newID returns a fresh snowflake: increasing, and carrying the current time
// as Discord's do, so discordgo.SnowflakeTimestamp works on it.
func (s *Server) newID() string {
	s.idMu.Lock()
	defer s.idMu.Unlock()
	const discordEpochMS = 1420070400000
	id := uint64(time.Now().UnixMilli()-discordEpochMS) << 22
	if id <= s.lastID {
		id = s.lastID + 1
	}
	s.lastID = id
	return strconv.FormatUint(id, 10)
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf("fakediscord: "+format, args...)
	}
}

// broadcast wakes every waiter; called after any change a wait may be
// watching.
func (s *Server) broadcast() {
	s.notifyMu.Lock()
	close(s.notify)
	s.notify = make(chan struct{})
	s.notifyMu.Unlock()
}

func (s *Server) changed() <-chan struct{} {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	return s.notify
}

// WaitFor calls cond after every change in the fake (a request recorded, a
// gateway connection or session changing) until it returns true, ctx ends or
// the server closes. Without a deadline on ctx, DefaultWait applies. cond
// may call the Server's methods.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultWait)
		defer cancel()
	}
	for {
		ch := s.changed()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-s.done:
			if cond() {
				return nil
			}
			return ErrClosed
		case <-ctx.Done():
			return fmt.Errorf("fakediscord: wait: %w", ctx.Err())
		}
	}
}

// sleep waits d unless the server closes or ctx ends first.
func (s *Server) sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.done:
	case <-ctx.Done():
	}
}
