package fakediscord_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/newsbot/newsbot/internal/fakediscord"
)

// wsClient is a bare gateway client, for what discordgo does not let a test
// control.
type wsClient struct {
	t *testing.T
	c *websocket.Conn
}

type payload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

func dial(t *testing.T, srv *fakediscord.Server) *wsClient {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial(srv.GatewayURL()+"?v=9&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	w := &wsClient{t: t, c: c}
	if hello := w.read(); hello.Op != 10 {
		t.Fatalf("first payload op %d, want Hello", hello.Op)
	}
	return w
}

func (w *wsClient) read() payload {
	w.t.Helper()
	p, err := w.tryRead(5 * time.Second)
	if err != nil {
		w.t.Fatalf("read: %v", err)
	}
	return p
}

func (w *wsClient) tryRead(d time.Duration) (payload, error) {
	var p payload
	w.c.SetReadDeadline(time.Now().Add(d))
	_, b, err := w.c.ReadMessage()
	if err != nil {
		return p, err
	}
	return p, json.Unmarshal(b, &p)
}

func (w *wsClient) send(op int, d any) {
	w.t.Helper()
	if err := w.c.WriteJSON(map[string]any{"op": op, "d": d}); err != nil {
		w.t.Fatalf("send op %d: %v", op, err)
	}
}

func (w *wsClient) identify(token string, intents discordgo.Intent) (sessionID string) {
	w.t.Helper()
	w.send(2, map[string]any{"token": token, "intents": intents, "properties": map[string]string{"os": "linux"}})
	p := w.read()
	if p.Op != 0 || p.T == nil || *p.T != "READY" {
		w.t.Fatalf("after Identify got op %d %v, want READY", p.Op, p.T)
	}
	var r discordgo.Ready
	if err := json.Unmarshal(p.D, &r); err != nil {
		w.t.Fatal(err)
	}
	if intents&discordgo.IntentsGuilds != 0 {
		if g := w.read(); g.T == nil || *g.T != "GUILD_CREATE" {
			w.t.Fatalf("after READY got %v, want GUILD_CREATE", g.T)
		}
	}
	return r.SessionID
}

func (w *wsClient) expectDispatch(typ string) payload {
	w.t.Helper()
	p := w.read()
	if p.Op != 0 || p.T == nil || *p.T != typ {
		w.t.Fatalf("got op %d type %v, want dispatch %s", p.Op, p.T, typ)
	}
	return p
}

func TestGatewayHandshakeAndHeartbeat(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{HeartbeatInterval: 250 * time.Millisecond})
	c, _, err := websocket.DefaultDialer.Dial(srv.GatewayURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w := &wsClient{t: t, c: c}
	hello := w.read()
	var h struct {
		Interval int64 `json:"heartbeat_interval"`
	}
	if json.Unmarshal(hello.D, &h); hello.Op != 10 || h.Interval != 250 {
		t.Fatalf("hello = %+v", hello)
	}
	// The token without the "Bot " prefix is accepted too.
	w.send(2, map[string]any{"token": srv.Token(), "intents": 0, "shard": []int{0, 1}})
	p := w.expectDispatch("READY")
	var r struct {
		discordgo.Ready
		ResumeURL string `json:"resume_gateway_url"`
	}
	if err := json.Unmarshal(p.D, &r); err != nil {
		t.Fatal(err)
	}
	if r.SessionID == "" || r.ResumeURL != srv.GatewayURL() || r.User.ID != fakediscord.DefaultBotUserID ||
		len(r.Guilds) != 1 || r.Guilds[0].ID != srv.GuildID() || r.Shard == nil || *r.Shard != [2]int{0, 1} || *p.S != 1 {
		t.Fatalf("READY = %s (seq %d)", p.D, *p.S)
	}
	for range 3 {
		w.send(1, 1)
		if ack := w.read(); ack.Op != 11 {
			t.Fatalf("heartbeat answered with op %d", ack.Op)
		}
	}
	st := srv.GatewayStats()
	if st.Connections != 1 || st.Live != 1 || st.Heartbeats != 3 || st.HeartbeatACKs != 3 || st.Identifies != 1 {
		t.Errorf("stats = %+v", st)
	}
	if ids := srv.Identifies(); ids[0].Shard == nil || ids[0].Token != srv.Token() {
		t.Errorf("identify record = %+v", ids[0])
	}
}

func TestGatewayRejectsWrongToken(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	w := dial(t, srv)
	w.send(2, map[string]any{"token": "Bot not-the-token", "intents": 0})
	_, err := w.tryRead(5 * time.Second)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4004 {
		t.Fatalf("err = %v, want close 4004", err)
	}
}

func TestGatewayResumeReplaysMissedDispatches(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	w := dial(t, srv)
	sid := w.identify("Bot "+srv.Token(), discordgo.IntentsGuildMessages)
	first, err := srv.Mention("first")
	if err != nil || first.Live != 1 {
		t.Fatalf("first = %+v, %v", first, err)
	}
	if p := w.expectDispatch("MESSAGE_CREATE"); *p.S != first.Seq {
		t.Fatalf("seq %d, want %d", *p.S, first.Seq)
	}
	w.c.Close()
	ctx := ctxFor(t, 5*time.Second)
	if _, err := srv.WaitGateway(ctx, func(st fakediscord.GatewayStats) bool { return st.Connections == 0 }); err != nil {
		t.Fatal(err)
	}
	missed, err := srv.Mention("missed")
	if err != nil || missed.Buffered != 1 || missed.Live != 0 || !missed.SentAt.IsZero() {
		t.Fatalf("missed = %+v, %v", missed, err)
	}

	w2 := dial(t, srv)
	w2.send(6, map[string]any{"token": "Bot " + srv.Token(), "session_id": sid, "seq": first.Seq})
	p := w2.expectDispatch("MESSAGE_CREATE")
	var m discordgo.Message
	json.Unmarshal(p.D, &m)
	if m.ID != missed.ID || *p.S != missed.Seq {
		t.Fatalf("replayed %s seq %d, want %s seq %d", m.ID, *p.S, missed.ID, missed.Seq)
	}
	w2.expectDispatch("RESUMED")
	if rs := srv.Resumes(); len(rs) != 1 || !rs[0].Accepted || rs[0].Replayed != 1 {
		t.Errorf("resumes = %+v", rs)
	}

	w3 := dial(t, srv)
	w3.send(6, map[string]any{"token": "Bot " + srv.Token(), "session_id": "no-such-session", "seq": 1})
	if p := w3.read(); p.Op != 9 || string(p.D) != "false" {
		t.Errorf("resume of unknown session answered %+v, want op 9 false", p)
	}
}

func TestGatewayIntentsDecideWhatArrives(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	w := dial(t, srv)
	w.identify(srv.Token(), discordgo.IntentsGuildMessages|discordgo.IntentsDirectMessages)

	content := func() string {
		var m discordgo.Message
		json.Unmarshal(w.expectDispatch("MESSAGE_CREATE").D, &m)
		return m.Content
	}
	tests := []struct {
		name string
		msg  *discordgo.Message
		want string
	}{
		{"guild message without mention is blanked", srv.UserMessage("secret"), ""},
		{"mention keeps its content", srv.MentionMessage("hello"), "<@" + fakediscord.DefaultBotUserID + "> hello"},
		{"DM keeps its content", srv.UserMessage("in private", fakediscord.InDM()), "in private"},
	}
	for _, tt := range tests {
		if _, err := srv.DispatchMessage(tt.msg); err != nil {
			t.Fatal(err)
		}
		if got := content(); got != tt.want {
			t.Errorf("%s: content %q, want %q", tt.name, got, tt.want)
		}
	}
	// A bot's own message keeps its content; a stored copy keeps it anyway.
	if got, _ := srv.MessageByID(tests[0].msg.ID); got.Content != "secret" {
		t.Errorf("stored content %q", got.Content)
	}

	w2 := dial(t, srv)
	w2.identify(srv.Token(), discordgo.IntentsDirectMessages)
	d, err := srv.Mention("guild only")
	if err != nil || d.Live != 1 || d.Filtered != 1 {
		t.Errorf("dispatch = %+v, %v: want one session filtered out for lack of the guild messages intent", d, err)
	}
}

func TestGatewaySharding(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	for shard := range 2 {
		w := dial(t, srv)
		w.send(2, map[string]any{"token": srv.Token(), "intents": discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages, "shard": []int{shard, 2}})
		w.expectDispatch("READY")
	}
	d, err := srv.Mention("which shard?")
	if err != nil || d.Live != 1 || d.Filtered != 1 {
		t.Fatalf("guild dispatch = %+v, %v", d, err)
	}
	dm, err := srv.Mention("dm", fakediscord.InDM())
	if err != nil || dm.Live != 1 || dm.Filtered != 1 {
		t.Fatalf("DM dispatch = %+v, %v (DMs go to shard 0 only)", dm, err)
	}
}

func TestGatewayHandshakeFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fault  fakediscord.HandshakeFault
		wantOp int // -1: nothing
	}{
		{fakediscord.HandshakeReconnect, 7},
		{fakediscord.HandshakeInvalidSession, 9},
		{fakediscord.HandshakeSilent, -1},
	}
	for _, tt := range tests {
		srv := fakediscord.Start(t, fakediscord.Options{})
		srv.FailHandshakes(tt.fault, 1)
		w := dial(t, srv)
		w.send(2, map[string]any{"token": srv.Token(), "intents": 0})
		p, err := w.tryRead(300 * time.Millisecond)
		switch {
		case tt.wantOp < 0 && err == nil:
			t.Errorf("fault %d: got op %d, want silence", tt.fault, p.Op)
		case tt.wantOp >= 0 && (err != nil || p.Op != tt.wantOp):
			t.Errorf("fault %d: got op %d (%v), want %d", tt.fault, p.Op, err, tt.wantOp)
		}
		// The fault is used up: the next connection identifies normally.
		w2 := dial(t, srv)
		w2.identify(srv.Token(), 0)
		if st := srv.GatewayStats(); st.Identifies != 2 || st.Live != 1 {
			t.Errorf("fault %d: stats %+v", tt.fault, st)
		}
	}
}

func TestGatewayControl(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	if _, err := srv.Ask("nobody listening"); !errors.Is(err, fakediscord.ErrNoSession) {
		t.Errorf("dispatch without a session: %v, want ErrNoSession", err)
	}
	w := dial(t, srv)
	w.identify(srv.Token(), 0)

	if n := srv.SendReconnect(); n != 1 {
		t.Fatalf("SendReconnect reached %d", n)
	}
	if p := w.read(); p.Op != 7 {
		t.Fatalf("got op %d, want 7", p.Op)
	}
	if n := srv.SendInvalidSession(false); n != 1 {
		t.Fatalf("SendInvalidSession reached %d", n)
	}
	if p := w.read(); p.Op != 9 || string(p.D) != "false" {
		t.Fatalf("got %+v, want op 9 false", p)
	}
	if st := srv.GatewayStats(); st.Sessions != 0 {
		t.Errorf("%d sessions after invalidation", st.Sessions)
	}
	w.identify(srv.Token(), 0) // same connection, as discordgo does
	if d, err := srv.Ask("back?"); err != nil || d.Live != 1 {
		t.Errorf("dispatch after re-identify = %+v, %v", d, err)
	}
	if n := srv.CloseConnections(4000, "Unknown error"); n != 1 {
		t.Fatalf("CloseConnections reached %d", n)
	}
	for range 3 { // skip the dispatch that may precede the close frame
		_, err := w.tryRead(5 * time.Second)
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			if ce.Code != 4000 {
				t.Errorf("close code %d", ce.Code)
			}
			return
		}
		if err != nil {
			t.Fatalf("read: %v, want close 4000", err)
		}
	}
	t.Error("no close frame")
}

func TestEchoBotMessages(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{EchoBotMessages: true})
	w := dial(t, srv)
	w.identify(srv.Token(), discordgo.IntentsGuildMessages)
	s := newSession(t, srv)
	sent, err := s.ChannelMessageSendComplex(srv.ChannelID(), &discordgo.MessageSend{Content: "news", AllowedMentions: noMentions})
	if err != nil {
		t.Fatal(err)
	}
	var m discordgo.Message
	json.Unmarshal(w.expectDispatch("MESSAGE_CREATE").D, &m)
	if m.ID != sent.ID || !m.Author.Bot || m.Content != "news" {
		t.Errorf("echo = %+v", m)
	}
}
