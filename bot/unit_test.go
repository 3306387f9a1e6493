package bot

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/newsbot/newsbot"
)

func TestCooldownAllowsOneQuestionPerPeriodPerUser(t *testing.T) {
	now := time.Unix(1000, 0)
	c := newCooldown(10 * time.Second)
	c.now = func() time.Time { return now }
	if ok, _, _ := c.allow("a", true); !ok {
		t.Fatal("first question refused")
	}
	now = now.Add(4 * time.Second)
	ok, wait, first := c.allow("a", true)
	if ok || wait != 6*time.Second || !first {
		t.Errorf("second question: ok %v, wait %v, first %v", ok, wait, first)
	}
	if _, _, first := c.allow("a", true); first {
		t.Error("told twice in one period")
	}
	if ok, _, _ := c.allow("b", true); !ok {
		t.Error("another user refused")
	}
	now = now.Add(6 * time.Second)
	if ok, _, _ := c.allow("a", true); !ok {
		t.Error("refused after the period")
	}
	if ok, _, _ := newCooldown(-1).allow("a", false); !ok {
		t.Error("a disabled cooldown refused")
	}
}

func TestCooldownRefundLetsTheUserAskAgainAtOnce(t *testing.T) {
	now := time.Unix(1000, 0)
	c := newCooldown(10 * time.Second)
	c.now = func() time.Time { return now }
	asked := now
	c.allow("a", true)
	now = now.Add(time.Second)
	c.allow("a", true) // refused and warned
	c.refund("a", asked)
	ok, _, _ := c.allow("a", true)
	if !ok {
		t.Fatal("refused after a refund")
	}
	// A refund that comes after a newer question was accepted leaves that
	// question's period alone.
	now = now.Add(30 * time.Second)
	c.allow("a", true)
	c.refund("a", asked)
	if ok, _, _ := c.allow("a", true); ok {
		t.Error("an old refund cancelled a newer period")
	}
}

func TestCooldownForgetsOldUsers(t *testing.T) {
	now := time.Unix(1000, 0)
	c := newCooldown(time.Second)
	c.now = func() time.Time { return now }
	for i := 0; i < 5000; i++ {
		c.allow(string(rune('a'+i%26))+strings.Repeat("x", i), false)
	}
	now = now.Add(2 * time.Second)
	c.allow("new", false)
	if len(c.last) > 10 {
		t.Errorf("%d users remembered after their periods ended", len(c.last))
	}
}

func TestGateCapsConcurrencyAndQueueInOrder(t *testing.T) {
	g := newGate(2, 2)
	ctx := context.Background()
	r1, _ := g.acquire(ctx, nil)
	r2, _ := g.acquire(ctx, nil)
	places := make(chan int, 2)
	got := make(chan func(), 2)
	for i := 0; i < 2; i++ {
		go func() {
			r, err := g.acquire(ctx, func(p int) { places <- p })
			if err != nil {
				t.Error(err)
			}
			got <- r
		}()
		<-places // the first waiter is queued before the second asks
	}
	if !g.full() {
		t.Error("gate with 2 running and 2 waiting is not full")
	}
	if _, err := g.acquire(ctx, nil); !errors.Is(err, errBusy) {
		t.Errorf("fifth acquire: %v, want errBusy", err)
	}
	r1()
	r3 := <-got
	r2()
	r4 := <-got
	r3()
	r4()
	if running, waiting := g.inUse(); running != 0 || waiting != 0 {
		t.Errorf("after release: %d running, %d waiting", running, waiting)
	}
	cctx, cancel := context.WithCancel(ctx)
	a, _ := g.acquire(ctx, nil)
	b, _ := g.acquire(ctx, nil)
	cancel()
	if _, err := g.acquire(cctx, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("acquire with a cancelled context: %v", err)
	}
	a()
	b()
}

func TestTrackerDrainWaitsForWorkInFlight(t *testing.T) {
	var tr tracker
	if !tr.enter() {
		t.Fatal("refused before draining")
	}
	idle := tr.drain()
	if tr.enter() {
		t.Error("accepting while draining")
	}
	tr.leave()
	select {
	case <-idle:
		t.Fatal("idle with work in flight")
	default:
	}
	tr.leave()
	select {
	case <-idle:
	case <-time.After(time.Second):
		t.Fatal("not idle after all work left")
	}
	var empty tracker
	select {
	case <-empty.drain():
	default:
		t.Error("an idle tracker's drain is not closed")
	}
}

func TestConversationsWalkEarlierTurnsAndStayBounded(t *testing.T) {
	c := newConversations(3, 2)
	c.remember("k1", "", newsbot.Turn{Question: "q1", Answer: "a1"})
	c.remember("k2", "k1", newsbot.Turn{Question: "q2", Answer: "a2"})
	c.remember("k3", "k2", newsbot.Turn{Question: "q3", Answer: strings.Repeat("x", 5000)})
	h := c.history("k3", 5)
	if len(h) != 3 || h[0].Question != "q1" || h[2].Question != "q3" || len(h[2].Answer) > maxRememberedAnswer+3 {
		t.Errorf("history = %+v", h)
	}
	if h := c.history("k3", 2); len(h) != 2 || h[0].Question != "q2" {
		t.Errorf("bounded history = %+v", h)
	}
	c.remember("k4", "k3", newsbot.Turn{Question: "q4"})
	if c.history("k1", 3) != nil {
		t.Error("the oldest turn was not forgotten")
	}
	c.addThread("t")
	for i := 0; i < 5; i++ {
		c.appendThread("t", newsbot.Turn{Question: string(rune('a' + i))})
	}
	if turns, ok := c.thread("t", 10); !ok || len(turns) != 2 || turns[1].Question != "e" {
		t.Errorf("thread = %+v, %v", turns, ok)
	}
	if _, ok := c.thread("other", 3); ok {
		t.Error("an unknown channel is a thread of the bot's")
	}
}

func TestRewriteTransportSendsDiscordToTheConfiguredBase(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Host+" "+r.URL.RequestURI())
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	client, tr, err := newHTTPClient(srv.URL+"/proxy/", "ws://127.0.0.1:1/gw")
	if err != nil {
		t.Fatal(err)
	}
	defer tr.CloseIdleConnections()
	resp, err := client.Get("https://discord.com/api/v9/channels/1/messages?limit=2")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	if len(got) != 1 || got[0] != host+" /proxy/api/v9/channels/1/messages?limit=2" {
		t.Errorf("request arrived as %q", got)
	}
	resp, err = client.Get("https://discord.com/api/v9/gateway")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"url":"ws://127.0.0.1:1/gw"}` || len(got) != 1 {
		t.Errorf("gateway answer %s (requests %q)", body, got)
	}
	for _, bad := range []string{"discord.example", "ftp://x", "http://"} {
		if _, _, err := newHTTPClient(bad, ""); err == nil {
			t.Errorf("API URL %q accepted", bad)
		}
	}
}

func TestRetryAfterReadsBodyThenHeader(t *testing.T) {
	h := http.Header{}
	if d := retryAfter(h, []byte(`{"retry_after": 0.25}`)); d != 250*time.Millisecond {
		t.Errorf("body: %v", d)
	}
	h.Set("Retry-After", "2")
	if d := retryAfter(h, []byte(`nope`)); d != 2*time.Second {
		t.Errorf("header: %v", d)
	}
	if d := retryAfter(http.Header{}, nil); d != time.Second {
		t.Errorf("default: %v", d)
	}
	if d := retryAfter(http.Header{}, []byte(`{"retry_after": 9999}`)); d != time.Minute {
		t.Errorf("cap: %v", d)
	}
}

func TestBackoffDoublesUpTo30s(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 10: 30 * time.Second} {
		if got := backoff(n, time.Second); got != want {
			t.Errorf("backoff(%d) = %v, want %v", n, got, want)
		}
	}
}

// TestCloseFramesAreRecognisedExactly checks isCloseFrame against the frames
// gorilla/websocket really writes as a client.
func TestCloseFramesAreRecognisedExactly(t *testing.T) {
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

func TestRedactHandlerHidesSecretsEverywhere(t *testing.T) {
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

func TestNewRejectsBadConfiguration(t *testing.T) {
	a := newFakeAnswerer()
	for _, c := range []Config{
		{},
		{Token: "Bot "},
		{Token: "x", APIURL: "not a url"},
		{Token: "x", ShardCount: 2, ShardID: 2},
	} {
		if _, err := New(c, a); err == nil {
			t.Errorf("New(%+v) accepted", c)
		}
	}
	if _, err := New(Config{Token: "x"}, nil); err == nil {
		t.Error("New without an answerer accepted")
	}
	b, err := New(Config{Token: "Bot abc"}, a)
	if err != nil || b.auth != "Bot abc" || b.cfg.Cooldown != 10*time.Second || b.cfg.MaxConcurrent != 4 {
		t.Errorf("New: %v, auth %q, %+v", err, b.auth, b.cfg)
	}
}

func TestNoQueueRefusesWhenEverySlotIsTaken(t *testing.T) {
	b, err := New(Config{Token: "t", MaxConcurrent: 1, MaxQueue: -1}, newFakeAnswerer())
	if err != nil {
		t.Fatal(err)
	}
	release, err := b.gate.acquire(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if !b.gate.full() {
		t.Error("with no queue and the only slot taken, the gate is not full")
	}
	if _, err := b.gate.acquire(context.Background(), nil); !errors.Is(err, errBusy) {
		t.Errorf("second acquire: %v, want errBusy", err)
	}
}
