package fakediscord

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Gateway opcodes.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opPresence       = 3
	opVoiceState     = 4
	opResume         = 6
	opReconnect      = 7
	opRequestMembers = 8
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatACK   = 11
)

const (
	writeTimeout = 5 * time.Second
	maxReplay    = 1000 // dispatches a session keeps for replay on resume
	maxCloseLog  = 1000
)

// HandshakeFault is a way for the gateway to misbehave when a client
// identifies or resumes.
type HandshakeFault int

// Handshake faults.
const (
	// HandshakeReconnect answers op 7 Reconnect instead of READY/RESUMED.
	// discordgo v0.29.0 then deadlocks inside Open (upstream issue 513):
	// Open holds the session lock while onEvent's op 7 handling calls
	// CloseWithCode, which takes it again. Open never returns.
	HandshakeReconnect HandshakeFault = iota + 1
	// HandshakeInvalidSession answers op 9 Invalid Session (not resumable);
	// discordgo answers it with a new Identify on the same connection.
	HandshakeInvalidSession
	// HandshakeSilent never answers; the fake closes the connection when
	// the client has sent nothing for 3 heartbeat intervals plus 2 s.
	// discordgo's Open blocks reading until then.
	HandshakeSilent
)

// IdentifyRecord is one Identify (op 2) the gateway received.
type IdentifyRecord struct {
	At         time.Time
	Token      string // as sent, "Bot " prefix and all
	Intents    discordgo.Intent
	Shard      *[2]int // [shard_id, num_shards]; nil if not sent
	Properties discordgo.IdentifyProperties
	Raw        json.RawMessage // the whole "d" payload
	Accepted   bool            // token right, READY sent (false if a HandshakeFault answered or the token was wrong)
	Session    string          // the session it created, if accepted
}

// ResumeRecord is one Resume (op 6) the gateway received.
type ResumeRecord struct {
	At        time.Time
	SessionID string
	Seq       int64
	Accepted  bool // RESUMED sent (false: op 9 sent, a HandshakeFault answered or the token was wrong)
	Replayed  int  // dispatches replayed before RESUMED
}

// GatewayStats is a snapshot of the gateway's counters.
type GatewayStats struct {
	Connections      int   // websocket connections open now
	Live             int   // sessions with a live connection (READY or RESUMED sent)
	Settled          int   // live sessions whose connection has sent a heartbeat since (see WaitConnected)
	Sessions         int   // sessions live or resumable
	Identifies       int   // Identify payloads received
	Resumes          int   // Resume payloads received
	ResumesAccepted  int   // Resumes answered with RESUMED
	Heartbeats       int   // op 1 received
	HeartbeatACKs    int   // op 11 sent
	Dispatches       int   // dispatches made while at least one session existed
	ReconnectsSent   int   // op 7 sent (by SendReconnect or HandshakeReconnect)
	InvalidSent      int   // op 9 sent
	ClientCloseCodes []int // close codes clients sent, in order
}

// Dispatched says what became of a dispatch.
type Dispatched struct {
	Type      string
	ID        string // the interaction's or the message's ID
	Token     string // the interaction's token; "" for messages
	ChannelID string
	GuildID   string
	// Seq is the sequence number in the first session that got it.
	Seq int64
	// SentAt is when it left for the first live connection (taken just
	// before the write); zero if it only waits in session buffers for a
	// resume.
	SentAt time.Time
	// Live counts connections it was written to; Buffered counts sessions,
	// disconnected, that will replay it on resume; Filtered counts sessions
	// whose intents or shard exclude it.
	Live, Buffered, Filtered int
}

type gateway struct {
	mu          sync.Mutex
	conns       map[*gwConn]struct{}
	sessions    map[string]*gwSession
	identifies  []IdentifyRecord
	resumes     []ResumeRecord
	stats       GatewayStats // counters only; Connections, Live, Sessions computed
	fault       HandshakeFault
	faultLeft   int
	closed      bool
	wg          sync.WaitGroup
	noACK       atomic.Bool
	sessCounter int64
	lastChange  time.Time // a connection opened or closed, an Identify or Resume came
}

func (g *gateway) init() {
	g.conns = map[*gwConn]struct{}{}
	g.sessions = map[string]*gwSession{}
}

func (g *gateway) closeAll() {
	g.mu.Lock()
	g.closed = true
	conns := make([]*gwConn, 0, len(g.conns))
	for c := range g.conns {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	for _, c := range conns {
		c.kill()
	}
}

type gwConn struct {
	ws         *websocket.Conn
	writeMu    sync.Mutex
	session    atomic.Pointer[gwSession]
	heartbeats atomic.Int64
}

func (c *gwConn) write(b []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

// kill closes the TCP connection without a close frame.
func (c *gwConn) kill() { _ = c.ws.Close() }

type gwEvent struct {
	seq           int64
	frame         []byte
	interactionID string
}

type gwSession struct {
	id      string
	order   int64
	intents discordgo.Intent
	shardID int
	shards  int // 0 or 1: unsharded

	mu             sync.Mutex
	seq            int64
	conn           *gwConn
	buffer         []gwEvent
	dropped        int64 // highest seq dropped from buffer
	acked          int64 // highest seq the client confirmed (heartbeat or resume)
	invalid        bool
	disconnectedAt time.Time
}

// push adds a dispatch to the replay buffer; sess.mu held.
func (g *gwSession) push(ev gwEvent) {
	if len(g.buffer) >= maxReplay {
		g.dropped = g.buffer[0].seq
		g.buffer = append(g.buffer[:0:0], g.buffer[1:]...)
	}
	g.buffer = append(g.buffer, ev)
}

func frame(op int, d any, seq int64, typ string) []byte {
	f := struct {
		Op int     `json:"op"`
		D  any     `json:"d"`
		S  *int64  `json:"s"`
		T  *string `json:"t"`
	}{Op: op, D: d}
	if op == opDispatch {
		f.S, f.T = &seq, &typ
	}
	b, _ := json.Marshal(f)
	return b
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) heartbeatMS() int64 { return max(1, s.opts.HeartbeatInterval.Milliseconds()) }

func (s *Server) idleTimeout() time.Duration { return 3*s.opts.HeartbeatInterval + 2*time.Second }

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	g := &s.gw
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	g.wg.Add(1)
	g.mu.Unlock()
	defer g.wg.Done()

	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		ws.Close()
		return
	}
	g.conns[c] = struct{}{}
	g.lastChange = time.Now()
	g.mu.Unlock()
	s.broadcast()

	closeCode := 0
	defer func() {
		c.kill()
		normal := closeCode == websocket.CloseNormalClosure || closeCode == websocket.CloseGoingAway
		s.detach(c, normal && !s.opts.ResumableAfterClose)
		g.mu.Lock()
		delete(g.conns, c)
		g.lastChange = time.Now()
		g.mu.Unlock()
		s.broadcast()
	}()

	if c.write(frame(opHello, map[string]int64{"heartbeat_interval": s.heartbeatMS()}, 0, "")) != nil {
		return
	}
	for {
		_ = ws.SetReadDeadline(time.Now().Add(s.idleTimeout()))
		_, data, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				closeCode = ce.Code
				g.mu.Lock()
				if len(g.stats.ClientCloseCodes) < maxCloseLog {
					g.stats.ClientCloseCodes = append(g.stats.ClientCloseCodes, ce.Code)
				}
				g.mu.Unlock()
			}
			return
		}
		var p struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if json.Unmarshal(data, &p) != nil {
			s.closeWith(c, 4002, "Error while decoding payload.")
			return
		}
		switch p.Op {
		case opHeartbeat:
			c.heartbeats.Add(1)
			var seq int64
			if json.Unmarshal(p.D, &seq) == nil {
				if sess := c.session.Load(); sess != nil {
					sess.mu.Lock()
					s.ackUpTo(sess, seq)
					sess.mu.Unlock()
				}
			}
			ack := !g.noACK.Load()
			g.mu.Lock()
			g.stats.Heartbeats++
			if ack {
				g.stats.HeartbeatACKs++
			}
			g.mu.Unlock()
			s.broadcast()
			if ack && c.write(frame(opHeartbeatACK, nil, 0, "")) != nil {
				return
			}
		case opIdentify:
			if !s.identify(c, p.D) {
				return
			}
		case opResume:
			if !s.resume(c, p.D) {
				return
			}
		case opPresence, opVoiceState, opRequestMembers:
			// Accepted and ignored.
		default:
			s.logf("gateway: unknown opcode %d from client", p.Op)
			s.closeWith(c, 4001, "Unknown opcode.")
			return
		}
	}
}

// closeWith sends a close frame with code and drops the connection.
func (s *Server) closeWith(c *gwConn, code int, reason string) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	c.kill()
}

// detach unbinds a closed connection from its session, invalidating the
// session if asked (the client closed with 1000 or 1001, which ends a
// session on Discord).
func (s *Server) detach(c *gwConn, invalidate bool) {
	sess := c.session.Load()
	if sess == nil {
		return
	}
	sess.mu.Lock()
	mine := sess.conn == c
	if mine {
		sess.conn = nil
		sess.disconnectedAt = time.Now()
		if invalidate {
			sess.invalid = true
		}
	}
	sess.mu.Unlock()
	if mine && invalidate {
		s.dropSession(sess)
	}
}

func (s *Server) dropSession(sess *gwSession) {
	s.gw.mu.Lock()
	if s.gw.sessions[sess.id] == sess {
		delete(s.gw.sessions, sess.id)
	}
	s.gw.mu.Unlock()
}

// takeFault consumes one handshake fault, if any is armed.
func (s *Server) takeFault() HandshakeFault {
	g := &s.gw
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.faultLeft <= 0 {
		return 0
	}
	g.faultLeft--
	return g.fault
}

// answerFault misbehaves as f says; it reports whether to keep reading.
func (s *Server) answerFault(c *gwConn, f HandshakeFault) bool {
	switch f {
	case HandshakeReconnect:
		s.gw.mu.Lock()
		s.gw.stats.ReconnectsSent++
		s.gw.mu.Unlock()
		s.logf("gateway: answering the handshake with op 7 Reconnect")
		return c.write(frame(opReconnect, nil, 0, "")) == nil
	case HandshakeInvalidSession:
		s.gw.mu.Lock()
		s.gw.stats.InvalidSent++
		s.gw.mu.Unlock()
		s.logf("gateway: answering the handshake with op 9 Invalid Session")
		return c.write(frame(opInvalidSession, false, 0, "")) == nil
	default:
		s.logf("gateway: not answering the handshake")
		return true
	}
}

func (s *Server) tokenOK(t string) bool {
	return t == s.opts.Token || t == "Bot "+s.opts.Token
}

// identify handles op 2; it reports whether to keep reading.
func (s *Server) identify(c *gwConn, d json.RawMessage) bool {
	// Not discordgo.Identify: its presence field does not decode what
	// discordgo itself encodes, which would lose the fields after it.
	var id struct {
		Token      string                       `json:"token"`
		Intents    discordgo.Intent             `json:"intents"`
		Shard      *[2]int                      `json:"shard"`
		Properties discordgo.IdentifyProperties `json:"properties"`
	}
	_ = json.Unmarshal(d, &id)
	rec := IdentifyRecord{
		At: time.Now(), Token: id.Token, Intents: id.Intents, Shard: id.Shard, Properties: id.Properties,
		Raw: append(json.RawMessage(nil), d...),
	}
	fault := HandshakeFault(0)
	ok := s.tokenOK(id.Token)
	badShard := id.Shard != nil && (id.Shard[1] < 1 || id.Shard[0] < 0 || id.Shard[0] >= id.Shard[1])
	if ok && !badShard {
		fault = s.takeFault()
	}
	if !ok || badShard || fault != 0 {
		s.gw.mu.Lock()
		s.gw.stats.Identifies++
		s.gw.identifies = append(s.gw.identifies, rec)
		s.gw.lastChange = rec.At
		s.gw.mu.Unlock()
		s.broadcast()
		switch {
		case !ok:
			s.logf("gateway: Identify with a wrong token: closing 4004")
			s.closeWith(c, 4004, "Authentication failed.")
			return false
		case badShard:
			s.closeWith(c, 4010, "Invalid shard.")
			return false
		}
		return s.answerFault(c, fault)
	}

	// A second Identify on a connection (after op 9) abandons its session.
	if old := c.session.Load(); old != nil {
		old.mu.Lock()
		if old.conn == c {
			old.conn = nil
			old.invalid = true
		}
		old.mu.Unlock()
		s.dropSession(old)
	}
	sess := &gwSession{id: randomHex(16), intents: id.Intents}
	if id.Shard != nil {
		sess.shardID, sess.shards = id.Shard[0], id.Shard[1]
	}
	rec.Accepted, rec.Session = true, sess.id

	sess.mu.Lock()
	defer sess.mu.Unlock()
	s.gw.mu.Lock()
	s.gw.sessCounter++
	sess.order = s.gw.sessCounter
	s.gw.sessions[sess.id] = sess
	s.gw.stats.Identifies++
	s.gw.identifies = append(s.gw.identifies, rec)
	s.gw.lastChange = rec.At
	s.gw.mu.Unlock()

	guilds := s.guildsFor(sess)
	unavailable := make([]map[string]any, 0, len(guilds))
	for _, g := range guilds {
		unavailable = append(unavailable, map[string]any{"id": g.ID, "unavailable": true})
	}
	ready := map[string]any{
		"v":                  9,
		"user":               s.botUser,
		"guilds":             unavailable,
		"session_id":         sess.id,
		"session_type":       "normal",
		"resume_gateway_url": s.wsURL,
		"application":        map[string]any{"id": s.opts.ApplicationID, "flags": 0},
		"private_channels":   []any{},
	}
	if id.Shard != nil {
		ready["shard"] = id.Shard
	}
	// Bound before READY is written, so that the moment the client has READY
	// the connection counts as live; dispatches wait for sess.mu meanwhile.
	sess.conn = c
	c.session.Store(sess)
	failed := func() bool {
		sess.conn = nil
		sess.disconnectedAt = time.Now()
		return false
	}
	sess.seq++
	if c.write(frame(opDispatch, ready, sess.seq, "READY")) != nil {
		return failed()
	}
	if id.Intents&discordgo.IntentsGuilds != 0 {
		for _, g := range guilds {
			sess.seq++
			if c.write(frame(opDispatch, g, sess.seq, "GUILD_CREATE")) != nil {
				return failed()
			}
		}
	}
	s.logf("gateway: session %s… identified (intents %d)", sess.id[:6], id.Intents)
	s.broadcast()
	return true
}

// guildsFor returns the guilds (as GUILD_CREATE payloads) in a session's
// shard.
func (s *Server) guildsFor(sess *gwSession) []*discordgo.Guild {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.Guild
	for _, g := range s.guilds {
		if !sess.inShard(g.ID) {
			continue
		}
		cp := copyJSON(g)
		bot := s.botUser
		cp.Members = []*discordgo.Member{{GuildID: g.ID, User: &bot, Roles: []string{}}}
		if cp.MemberCount == 0 {
			cp.MemberCount = 2
		}
		out = append(out, cp)
	}
	slices.SortFunc(out, func(a, b *discordgo.Guild) int { return compareIDs(a.ID, b.ID) })
	return out
}

func compareIDs(a, b string) int {
	x, _ := strconv.ParseUint(a, 10, 64)
	y, _ := strconv.ParseUint(b, 10, 64)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// inShard applies Discord's sharding formula; DMs go to shard 0.
func (g *gwSession) inShard(guildID string) bool {
	if g.shards <= 1 {
		return true
	}
	if guildID == "" {
		return g.shardID == 0
	}
	id, _ := strconv.ParseUint(guildID, 10, 64)
	return int((id>>22)%uint64(g.shards)) == g.shardID
}

// resume handles op 6; it reports whether to keep reading.
func (s *Server) resume(c *gwConn, d json.RawMessage) bool {
	var p struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	_ = json.Unmarshal(d, &p)
	rec := ResumeRecord{At: time.Now(), SessionID: p.SessionID, Seq: p.Seq}
	logResume := func() {
		s.gw.mu.Lock()
		s.gw.stats.Resumes++
		if rec.Accepted {
			s.gw.stats.ResumesAccepted++
		}
		s.gw.resumes = append(s.gw.resumes, rec)
		s.gw.lastChange = time.Now()
		s.gw.mu.Unlock()
		s.broadcast()
	}
	if !s.tokenOK(p.Token) {
		logResume()
		s.closeWith(c, 4004, "Authentication failed.")
		return false
	}
	if f := s.takeFault(); f != 0 {
		logResume()
		return s.answerFault(c, f)
	}
	invalid := func() bool {
		logResume()
		s.gw.mu.Lock()
		s.gw.stats.InvalidSent++
		s.gw.mu.Unlock()
		s.logf("gateway: cannot resume session %q at seq %d: op 9", p.SessionID, p.Seq)
		return c.write(frame(opInvalidSession, false, 0, "")) == nil
	}
	s.gw.mu.Lock()
	sess := s.gw.sessions[p.SessionID]
	s.gw.mu.Unlock()
	if sess == nil {
		return invalid()
	}
	sess.mu.Lock()
	expired := sess.conn == nil && !sess.disconnectedAt.IsZero() && time.Since(sess.disconnectedAt) > s.opts.ResumeTimeout
	if sess.invalid || expired || p.Seq > sess.seq || p.Seq < sess.dropped {
		sess.invalid = true
		sess.mu.Unlock()
		s.dropSession(sess)
		return invalid()
	}
	if old := sess.conn; old != nil && old != c {
		old.kill() // Discord lets one connection hold a session
	}
	sess.conn = c
	c.session.Store(sess)
	s.ackUpTo(sess, p.Seq) // the client had everything up to p.Seq
	ok := true
	for _, ev := range sess.buffer {
		if ev.seq <= p.Seq {
			continue
		}
		t := time.Now()
		if c.write(ev.frame) != nil {
			ok = false
			break
		}
		rec.Replayed++
		s.markSent(ev.interactionID, t)
	}
	if ok {
		// Recorded before RESUMED is written, so a client holding RESUMED
		// finds the record.
		rec.Accepted = true
		logResume()
		sess.seq++
		ok = c.write(frame(opDispatch, map[string]any{}, sess.seq, "RESUMED")) == nil
	} else {
		logResume()
	}
	if ok {
		sess.disconnectedAt = time.Time{}
		s.logf("gateway: session %s… resumed at seq %d, %d replayed", sess.id[:6], p.Seq, rec.Replayed)
	} else {
		sess.conn = nil
		sess.disconnectedAt = time.Now()
	}
	sess.mu.Unlock()
	return ok
}

// ackUpTo marks the interactions among a session's dispatches up to seq as
// delivered: the client's heartbeat or resume carried that sequence
// number, so it read them. sess.mu held.
func (s *Server) ackUpTo(sess *gwSession, seq int64) {
	if seq <= sess.acked {
		return
	}
	var ids []string
	for _, ev := range sess.buffer {
		if ev.seq > sess.acked && ev.seq <= seq && ev.interactionID != "" {
			ids = append(ids, ev.interactionID)
		}
	}
	sess.acked = seq
	if len(ids) == 0 {
		return
	}
	s.mu.Lock()
	for _, id := range ids {
		if rec := s.interactions[id]; rec != nil {
			rec.delivered = true
		}
	}
	s.mu.Unlock()
	s.broadcast()
}

// markSent records when an interaction first left the gateway.
func (s *Server) markSent(interactionID string, t time.Time) {
	if interactionID == "" {
		return
	}
	s.mu.Lock()
	if rec := s.interactions[interactionID]; rec != nil && rec.dispatchedAt.IsZero() {
		rec.dispatchedAt = t
	}
	s.mu.Unlock()
}
