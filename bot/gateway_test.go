package bot

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
	"github.com/newsbot/newsbot/internal/fakediscord"
	"go.uber.org/goleak"
)

func TestShardIdentifiesWithItsShardAndLeavesCommandsToShardZero(t *testing.T) {
	t.Parallel()
	fd := fakediscord.Start(t, fakediscord.Options{Logf: func(string, ...any) {}})
	h := startOn(t, fd, newFakeAnswerer(), func(c *Config) { c.ShardID, c.ShardCount = 1, 2 })
	ids := fd.Identifies()
	if len(ids) != 1 || ids[0].Shard == nil || *ids[0].Shard != [2]int{1, 2} {
		t.Fatalf("identify = %+v", ids)
	}
	if want := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages; ids[0].Intents != want {
		t.Errorf("intents = %d, want %d (no privileged intent)", ids[0].Intents, want)
	}
	if err := fd.WaitFor(h.ctx(), func() bool { return strings.Contains(h.logs.String(), "registered by shard 0") }); err != nil {
		t.Fatalf("shard 1 never passed registration: %v", err)
	}
	if n := len(fd.RequestsTo(fakediscord.RouteGlobalCommands)); n != 0 {
		t.Errorf("shard 1 registered commands %d times", n)
	}
}

func TestGatewayDropIsSurvivedByResuming(t *testing.T) {
	t.Parallel()
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	for round := 0; round < 2; round++ {
		// Drop a settled connection (the fake's docs say why): otherwise
		// discordgo may still be finishing its Open and reconnect twice.
		if err := h.fd.WaitConnected(h.ctx()); err != nil {
			t.Fatal(err)
		}
		if n := h.fd.DropConnections(); n != 1 {
			t.Fatalf("dropped %d connections", n)
		}
		// A question asked while the bot is away is replayed on resume.
		st := h.ask("where are the talks, Riyadh?")
		if !strings.Contains(st.Original.Content, "Riyadh") {
			t.Fatalf("round %d: %q", round, st.Original.Content)
		}
	}
	// The fake counts a resume after replaying what it buffered, so the
	// replayed question can be answered before the count moves.
	gs, _ := h.fd.WaitGateway(h.ctx(), func(st fakediscord.GatewayStats) bool { return st.ResumesAccepted >= 2 })
	if gs.Identifies != 1 || gs.ResumesAccepted != 2 {
		t.Errorf("identifies %d, resumes accepted %d: want the session resumed, not re-identified", gs.Identifies, gs.ResumesAccepted)
	}
	if slices.Contains(gs.ClientCloseCodes, 1000) {
		t.Errorf("the bot sent close 1000 when reconnecting (close codes %v): Discord invalidates the session", gs.ClientCloseCodes)
	}
	h.waitMetrics(`newsbot_gateway_reconnects_total{kind="resume"} 2`)
}

func TestGatewayCloseAndReconnectRequestAreResumed(t *testing.T) {
	t.Parallel()
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	h.fd.CloseConnections(4000, "Unknown error")
	if st := h.ask("where are the talks, Riyadh?"); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Fatalf("after close 4000: %q", st.Original.Content)
	}
	if err := h.fd.WaitConnected(h.ctx()); err != nil {
		t.Fatal(err)
	}
	h.fd.SendReconnect()
	if st := h.ask("and the Kremlin spokesman?"); !strings.Contains(st.Original.Content, "Peskov") {
		t.Fatalf("after op 7: %q", st.Original.Content)
	}
	h.fd.SendInvalidSession(false)
	if _, err := h.fd.WaitGateway(h.ctx(), func(gs fakediscord.GatewayStats) bool { return gs.Identifies == 2 && gs.Live == 1 }); err != nil {
		t.Fatal(err)
	}
	if st := h.ask("and Rubio?"); !strings.Contains(st.Original.Content, "Rubio") {
		t.Fatalf("after op 9: %q", st.Original.Content)
	}
	gs := h.fd.GatewayStats()
	if gs.ResumesAccepted < 2 || slices.Contains(gs.ClientCloseCodes, 1000) {
		t.Errorf("resumes accepted %d, close codes %v", gs.ResumesAccepted, gs.ClientCloseCodes)
	}
}

func TestMissingHeartbeatACKsReconnectAndResume(t *testing.T) {
	t.Parallel()
	// discordgo itself would notice after 5 intervals (2.5 s); the
	// watchdog notices first.
	h := start(t, newFakeAnswerer(), fakediscord.Options{HeartbeatInterval: 500 * time.Millisecond},
		func(c *Config) { c.HeartbeatTimeout = 800 * time.Millisecond })
	h.fd.SetHeartbeatACKs(false)
	_, err := h.fd.WaitGateway(h.ctx(), func(gs fakediscord.GatewayStats) bool { return gs.Resumes > 0 })
	if err != nil {
		t.Fatal(err)
	}
	h.fd.SetHeartbeatACKs(true)
	if st := h.ask("where are the talks, Riyadh?"); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Fatalf("after missing ACKs: %q", st.Original.Content)
	}
	gs := h.fd.GatewayStats()
	if gs.ResumesAccepted == 0 || slices.Contains(gs.ClientCloseCodes, 1000) {
		t.Errorf("resumes accepted %d, close codes %v: want a resume, no 1000", gs.ResumesAccepted, gs.ClientCloseCodes)
	}
	if !strings.Contains(h.logs.String(), "no heartbeat ACK from the gateway") {
		t.Error("the watchdog did not notice the missing ACKs")
	}
}

func TestOp7DuringHandshakeRebuildsTheSession(t *testing.T) {
	t.Parallel()
	// discordgo deadlocks in Open on this (upstream issue 513); the bot
	// must notice and carry on with a new session.
	fd := fakediscord.Start(t, fakediscord.Options{Logf: func(string, ...any) {}})
	fd.FailHandshakes(fakediscord.HandshakeReconnect, 1)
	h := startOn(t, fd, newFakeAnswerer(), func(c *Config) { c.ReadyTimeout = 500 * time.Millisecond })
	if st := h.ask("where are the talks, Riyadh?"); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Fatalf("%q", st.Original.Content)
	}
	if gs := fd.GatewayStats(); gs.Identifies != 2 {
		t.Errorf("%d identifies, want 2 (the stuck one and the new session's)", gs.Identifies)
	}
	h.waitMetrics(`newsbot_gateway_reconnects_total{kind="rebuild"} 1`)
	if !strings.Contains(h.logs.String(), "stuck in discordgo's Open") {
		t.Error("the stuck session was not logged")
	}
}

func TestSilentOrInvalidHandshakesAreRetried(t *testing.T) {
	t.Parallel()
	for _, f := range []fakediscord.HandshakeFault{fakediscord.HandshakeSilent, fakediscord.HandshakeInvalidSession} {
		t.Run(fmt.Sprint(f), func(t *testing.T) {
			fd := fakediscord.Start(t, fakediscord.Options{Logf: func(string, ...any) {}, HeartbeatInterval: 200 * time.Millisecond})
			fd.FailHandshakes(f, 2)
			h := startOn(t, fd, newFakeAnswerer(), func(c *Config) { c.ReadyTimeout = 500 * time.Millisecond })
			if st := h.ask("where are the talks, Riyadh?"); !strings.Contains(st.Original.Content, "Riyadh") {
				t.Fatalf("%q", st.Original.Content)
			}
		})
	}
}

func TestGatewayThatNeverBecomesReadyMakesRunFail(t *testing.T) {
	// Not parallel: goleak.VerifyNone would see other tests' goroutines.
	defer goleak.VerifyNone(t, append(leakOpts, goleak.IgnoreCurrent())...)
	fd := fakediscord.Start(t, fakediscord.Options{Logf: func(string, ...any) {}})
	defer fd.Close()
	fd.FailHandshakes(fakediscord.HandshakeSilent, 1000)
	logs := &syncBuffer{}
	b, err := New(Config{
		Token: fd.Token(), APIURL: fd.URL(), ReadyTimeout: 200 * time.Millisecond,
		MaxGatewayFailures: 3, ReconnectBackoff: 10 * time.Millisecond, Logger: newTestLogger(logs),
	}, newFakeAnswerer())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = b.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "3 attempts in a row failed") {
		t.Fatalf("Run = %v, want it to give up after 3 attempts", err)
	}
	if ctx.Err() != nil {
		t.Fatal("Run only returned at the deadline")
	}
	if ok, _ := b.Healthy(); ok {
		t.Error("healthy without a gateway")
	}
}

func TestBackoffDoublesUpTo30s(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 10: 30 * time.Second} {
		if got := backoff(n, time.Second); got != want {
			t.Errorf("backoff(%d) = %v, want %v", n, got, want)
		}
	}
}

// TestCloseFramesAreRecognisedExactly checks isCloseFrame against the frames
// gorilla/websocket really writes as a client.
func TestCloseFramesAreRecognisedExactly(t *testing.T) {
	t.Parallel()
	writes := captureClientWrites(t, func(c *websocket.Conn) {
		c.WriteMessage(websocket.TextMessage, []byte(`{"op":1,"d":null}`))
		c.WriteMessage(websocket.TextMessage, bytes.Repeat([]byte("x"), 70000))
		c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	})
	var closes int
	for _, w := range writes {
		if isCloseFrame(w) {
			closes++
		}
	}
	if closes != 1 {
		t.Errorf("%d of %d writes look like a close frame, want 1", closes, len(writes))
	}
}

// captureClientWrites dials a websocket server through a net.Conn that
// records every Write after the handshake, runs f, and returns the writes.
func captureClientWrites(t *testing.T, f func(*websocket.Conn)) [][]byte {
	t.Helper()
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	rec := &recordingConn{}
	d := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		rec.Conn = c
		return rec, err
	}}
	c, _, err := d.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	rec.writes = nil // the HTTP upgrade request
	rec.mu.Unlock()
	f(c)
	c.Close()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.writes
}

type recordingConn struct {
	net.Conn
	mu     sync.Mutex
	writes [][]byte
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes = append(c.writes, append([]byte(nil), p...))
	c.mu.Unlock()
	return c.Conn.Write(p)
}
