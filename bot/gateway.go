package bot

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// The gateway, and what discordgo v0.29.0 gets wrong about it:
//
//   - On a read error discordgo closes the websocket with code 1000 before
//     reconnecting; Discord takes a 1000 close as "log me out" and
//     invalidates the session, so the resume that follows is refused (op 9)
//     and discordgo identifies from scratch, losing the events in between.
//     gwConn swallows every close frame discordgo writes on its own (the
//     TCP connection is still closed), so Discord sees an abnormal closure
//     and the session stays resumable; only an intentional shutdown sends
//     the 1000.
//   - If op 7 (reconnect) arrives during the handshake, Open deadlocks: it
//     holds the session lock and the op 7 handler takes it again (upstream
//     issue 513). Nothing can free that goroutine. runGateway notices a
//     session that does not become ready in time, abandons it and builds a
//     new one; after too many failures in a row Run returns an error so
//     that serve exits non-zero and a supervisor restarts it.
//   - discordgo's own reconnect loop never gives up and cannot be stopped
//     from outside, so it is turned off (ShouldReconnectOnError = false)
//     and runGateway reopens the session itself after a Disconnect; Open
//     then resumes.
//   - discordgo only notices missing heartbeat ACKs after five intervals;
//     the watchdog closes the connection after HeartbeatTimeout.

// errDeadlocked means discordgo's Open never returned, even with its
// connection closed: the session is abandoned.
var errDeadlocked = errors.New("gateway session stuck in Open (discordgo issue 513)")

// errNotReady means the gateway accepted the connection but sent no READY
// or RESUMED in time.
var errNotReady = errors.New("gateway session did not become ready")

// gatewaySession is one discordgo Session used for the gateway only (REST
// goes through the bot's own session), with the connections it dialed.
type gatewaySession struct {
	s          *discordgo.Session
	allowClose atomic.Bool // set before an intentional Close, so the close frame goes out

	mu          sync.Mutex
	conns       map[*gwConn]struct{}
	connected   bool
	disconnects int           // Disconnect events seen
	notify      chan struct{} // signalled (cap 1) when connected changes
}

func (b *Bot) newGatewaySession() *gatewaySession {
	g := &gatewaySession{conns: map[*gwConn]struct{}{}, notify: make(chan struct{}, 1)}
	s, _ := discordgo.New(b.auth) // New never fails
	s.Client = b.httpClient
	s.UserAgent = userAgent
	s.Dialer = g.dialer()
	s.ShouldReconnectOnError = false // runGateway reconnects
	s.StateEnabled = false
	// Handlers run in the gateway's read loop, in order; each one is quick
	// and hands real work to a goroutine of its own.
	s.SyncEvents = true
	// Never LogDebug or Debug: they log the identify payload and the
	// Authorization header.
	s.LogLevel = discordgo.LogWarning
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if b.cfg.ShardCount > 1 {
		s.ShardID, s.ShardCount = b.cfg.ShardID, b.cfg.ShardCount
	}

	s.AddHandler(func(s *discordgo.Session, r *discordgo.Ready) {
		if r.User != nil {
			id := r.User.ID
			b.botID.Store(&id)
		}
		if r.Application != nil && r.Application.ID != "" {
			id := r.Application.ID
			b.appID.Store(&id)
		} else if r.User != nil {
			id := r.User.ID
			b.appID.Store(&id)
		}
		g.setConnected(true)
	})
	s.AddHandler(func(s *discordgo.Session, r *discordgo.Resumed) { g.setConnected(true) })
	s.AddHandler(func(s *discordgo.Session, d *discordgo.Disconnect) {
		g.mu.Lock()
		g.disconnects++
		g.mu.Unlock()
		g.setConnected(false)
	})
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		if b.gw.Load() == g {
			b.onInteraction(ic.Interaction, b.cfg.now())
		}
	})
	s.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
		if b.gw.Load() == g {
			b.onMessage(m.Message, time.Now())
		}
	})
	g.s = s
	return g
}

func (g *gatewaySession) setConnected(v bool) {
	g.mu.Lock()
	g.connected = v
	g.mu.Unlock()
	select {
	case g.notify <- struct{}{}:
	default:
	}
}

func (g *gatewaySession) isConnected() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.connected
}

// dialer returns the websocket dialer of this session: its connections are
// wrapped in gwConn and remembered, so the watchdog can close them.
func (g *gatewaySession) dialer() *websocket.Dialer {
	nd := &net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}
	return &websocket.Dialer{
		HandshakeTimeout: 15 * time.Second,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := nd.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return g.track(c), nil
		},
		// TLS is done here so that gwConn sees websocket frames, not TLS records.
		NetDialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			raw, err := nd.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				host = addr
			}
			tc := tls.Client(raw, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
			if err := tc.HandshakeContext(ctx); err != nil {
				raw.Close()
				return nil, err
			}
			return g.track(tc), nil
		},
	}
}

func (g *gatewaySession) track(c net.Conn) net.Conn {
	w := &gwConn{Conn: c, g: g}
	g.mu.Lock()
	g.conns[w] = struct{}{}
	g.mu.Unlock()
	return w
}

// killConns closes the session's network connections, which fails any read
// or write blocked on them.
func (g *gatewaySession) killConns() {
	g.mu.Lock()
	conns := make([]*gwConn, 0, len(g.conns))
	for c := range g.conns {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

// drop closes the current connection the way a network failure would (no
// close frame, so the session stays resumable) and waits, a few seconds at
// most, for discordgo to notice and emit its Disconnect.
func (g *gatewaySession) drop() {
	g.mu.Lock()
	n := g.disconnects
	g.mu.Unlock()
	g.killConns()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		g.mu.Lock()
		done := g.disconnects > n
		g.mu.Unlock()
		if done {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// heartbeatAge is the time since the last heartbeat ACK. ok is false when
// the session lock is held (Open running, or stuck): then it cannot be read
// without blocking.
func (g *gatewaySession) heartbeatAge() (age time.Duration, ok bool) {
	if !g.s.TryRLock() {
		return 0, false
	}
	last := g.s.LastHeartbeatAck
	g.s.RUnlock()
	return time.Since(last), true
}

// close closes the session for good, sending the normal close frame. It
// gives up after a few seconds on a session whose lock is stuck, and then
// only closes its connections.
func (g *gatewaySession) close(log *slog.Logger) {
	g.allowClose.Store(true)
	deadline := time.Now().Add(3 * time.Second)
	for !g.s.TryLock() {
		if time.Now().After(deadline) {
			log.Warn("gateway session stuck; closing its connection only")
			g.killConns()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	g.s.Unlock()
	done := make(chan struct{})
	go func() {
		if err := g.s.Close(); err != nil {
			log.Debug("close gateway session", "err", err)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		g.killConns()
		<-done
	}
	g.killConns()
}

// gwConn is a gateway network connection. It drops the close frames
// discordgo writes when it is about to reconnect (see the comment at the top
// of this file); frames are recognised exactly, since the websocket library
// writes each client frame, header and masked payload, in one Write.
type gwConn struct {
	net.Conn
	g    *gatewaySession
	once sync.Once
}

// Write implements net.Conn.
func (c *gwConn) Write(p []byte) (int, error) {
	if isCloseFrame(p) && !c.g.allowClose.Load() {
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// Close implements net.Conn.
func (c *gwConn) Close() error {
	var err error
	c.once.Do(func() {
		err = c.Conn.Close()
		c.g.mu.Lock()
		delete(c.g.conns, c)
		c.g.mu.Unlock()
	})
	return err
}

// isCloseFrame reports whether p is exactly one masked client close frame.
func isCloseFrame(p []byte) bool {
	if len(p) < 6 || p[0] != 0x88 || p[1]&0x80 == 0 {
		return false
	}
	n := int(p[1] & 0x7f)
	return n <= 125 && len(p) == 6+n
}

// runGateway keeps the bot connected to the gateway until ctx is done, then
// closes the session. It returns an error only when it gives up: after
// MaxGatewayFailures attempts in a row that did not end ready.
func (b *Bot) runGateway(ctx context.Context) error {
	var g *gatewaySession
	failures, sameSession, flaps := 0, 0, 0
	defer func() {
		b.setGatewayUp(false)
		if g != nil {
			g.close(b.log)
		}
	}()
	for {
		if g == nil || sameSession >= 3 {
			if g != nil {
				b.log.Warn("rebuilding the gateway session")
				g.close(b.log)
				b.metrics.gatewayResets.WithLabelValues("rebuild").Inc()
			}
			g = b.newGatewaySession()
			b.gw.Store(g)
			sameSession = 0
		}
		err := b.connect(ctx, g)
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			failures, sameSession = 0, 0
			b.setGatewayUp(true)
			b.log.Info("gateway ready", "shard", b.cfg.ShardID)
			readyAt := time.Now()
			b.registerCommands(ctx)
			b.watch(ctx, g)
			b.setGatewayUp(false)
			if ctx.Err() != nil {
				return nil
			}
			b.metrics.gatewayResets.WithLabelValues("resume").Inc()
			b.log.Warn("gateway connection lost; reconnecting", "after", time.Since(readyAt).Round(time.Millisecond))
			// Resume at once, unless connections keep dropping right
			// after they are made: then wait a little, never long, since
			// questions wait meanwhile (Discord replays them on resume).
			if time.Since(readyAt) < 10*time.Second {
				flaps++
			} else {
				flaps = 0
			}
			if flaps >= 3 && sleep(ctx, min(backoff(flaps-2, b.cfg.ReconnectBackoff), 5*time.Second)) != nil {
				return nil
			}
			continue
		}
		failures++
		sameSession++
		if errors.Is(err, errDeadlocked) {
			b.log.Error("abandoning a gateway session stuck in discordgo's Open (a goroutine stays blocked)", "err", err)
			b.metrics.gatewayResets.WithLabelValues("rebuild").Inc()
			g.killConns()
			g = nil // a stuck session cannot even be closed
		} else {
			b.log.Warn("gateway connection failed", "err", err, "attempt", failures)
		}
		if failures >= b.cfg.MaxGatewayFailures {
			return fmt.Errorf("discord gateway: %d attempts in a row failed: %w", failures, err)
		}
		if sleep(ctx, backoff(failures, b.cfg.ReconnectBackoff)) != nil {
			return nil
		}
	}
}

// backoff is the wait before attempt n+1: base, doubling, at most 30 s.
func backoff(n int, base time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < 30*time.Second; i++ {
		d *= 2
	}
	return min(d, 30*time.Second)
}

// connect opens (or resumes) g and waits until it is ready: READY or
// RESUMED received within ReadyTimeout.
func (b *Bot) connect(ctx context.Context, g *gatewaySession) error {
	g.mu.Lock()
	g.connected = false
	g.mu.Unlock()
	select {
	case <-g.notify:
	default:
	}
	opened := make(chan error, 1) // buffered: a deadlocked Open never sends, a late one must not block
	go func() { opened <- g.s.Open() }()
	open := opened
	timer := time.NewTimer(b.cfg.ReadyTimeout)
	defer timer.Stop()
	for {
		select {
		case err := <-open:
			if err != nil {
				return fmt.Errorf("open gateway: %w", err)
			}
			open = nil // Open returned; READY may still be on its way (after an invalid session)
			if g.isConnected() {
				return nil
			}
		case <-g.notify:
			if g.isConnected() {
				return nil
			}
		case <-timer.C:
			g.killConns() // fails a read waiting for a packet that never comes
			if open == nil {
				g.drop()
				return fmt.Errorf("%w within %s", errNotReady, b.cfg.ReadyTimeout)
			}
			select {
			case err := <-open:
				if err == nil {
					g.drop()
					err = errNotReady
				}
				return fmt.Errorf("gateway not ready within %s: %w", b.cfg.ReadyTimeout, err)
			case <-time.After(2 * time.Second):
				return errDeadlocked
			}
		case <-ctx.Done():
			if open != nil {
				g.killConns()
				select {
				case <-open:
				case <-time.After(2 * time.Second):
				}
			}
			return ctx.Err()
		}
	}
}

// watch returns when g loses its connection or ctx is done. It closes the
// connection itself when heartbeat ACKs stop coming.
func (b *Bot) watch(ctx context.Context, g *gatewaySession) {
	tick := time.NewTicker(b.cfg.WatchdogInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-g.notify:
			if !g.isConnected() {
				return
			}
		case <-tick.C:
			if age, ok := g.heartbeatAge(); ok && age > b.cfg.HeartbeatTimeout {
				b.log.Warn("no heartbeat ACK from the gateway; reconnecting", "since", age.Round(time.Millisecond))
				g.drop()
				return
			}
		}
	}
}

func (b *Bot) setGatewayUp(up bool) {
	b.connected.Store(up)
	if up {
		b.metrics.gatewayUp.Set(1)
	} else {
		b.metrics.gatewayUp.Set(0)
	}
}
