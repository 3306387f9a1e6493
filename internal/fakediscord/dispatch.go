package fakediscord

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// eventMeta is what routing needs to know about a dispatch.
type eventMeta struct {
	GuildID string `json:"guild_id"`
	Author  *struct {
		ID string `json:"id"`
	} `json:"author"`
	Mentions []struct {
		ID string `json:"id"`
	} `json:"mentions"`
}

func intentFor(typ string, guild bool) discordgo.Intent {
	switch typ {
	case "MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK":
		if guild {
			return discordgo.IntentsGuildMessages
		}
		return discordgo.IntentsDirectMessages
	case "GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE", "CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE",
		"THREAD_CREATE", "THREAD_UPDATE", "THREAD_DELETE", "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE", "GUILD_ROLE_DELETE":
		return discordgo.IntentsGuilds
	case "TYPING_START":
		if guild {
			return discordgo.IntentsGuildMessageTyping
		}
		return discordgo.IntentsDirectMessageTyping
	}
	return 0
}

// redactContent blanks what Discord withholds from a bot without the
// Message Content intent.
func redactContent(raw []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	m["content"] = json.RawMessage(`""`)
	for _, k := range []string{"embeds", "attachments", "components"} {
		m[k] = json.RawMessage(`[]`)
	}
	delete(m, "poll")
	out, _ := json.Marshal(m)
	return out
}

// Dispatch sends a gateway event (op 0) of type eventType with data
// (anything JSON-encodable, or json.RawMessage) to every session whose
// intents and shard want it: written now to live connections, buffered for
// replay in sessions waiting for a resume. MESSAGE_CREATE and
// INTERACTION_CREATE payloads are also registered, so REST knows the
// message or the interaction; prefer DispatchMessage and DispatchInteraction,
// which fill in IDs. Messages in guild channels reach a session without the
// Message Content intent with content, embeds, attachments and components
// blanked, unless they mention the bot or are the bot's own, as on Discord.
func (s *Server) Dispatch(eventType string, data any) (Dispatched, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return Dispatched{}, err
	}
	interactionID := ""
	switch eventType {
	case "INTERACTION_CREATE":
		var i discordgo.Interaction
		if json.Unmarshal(raw, &i) == nil {
			s.mu.Lock()
			s.learnInteraction(&i)
			s.mu.Unlock()
			interactionID = i.ID
		}
	case "MESSAGE_CREATE":
		var m discordgo.Message
		if json.Unmarshal(raw, &m) == nil {
			s.mu.Lock()
			s.learnMessage(&m)
			s.mu.Unlock()
		}
	}
	return s.dispatchRaw(eventType, raw, interactionID)
}

func (s *Server) dispatchRaw(typ string, raw []byte, interactionID string) (Dispatched, error) {
	d := Dispatched{Type: typ}
	select {
	case <-s.done:
		return d, ErrClosed
	default:
	}
	var meta eventMeta
	_ = json.Unmarshal(raw, &meta)
	d.GuildID = meta.GuildID
	isMessage := typ == "MESSAGE_CREATE" || typ == "MESSAGE_UPDATE"
	keepContent := meta.GuildID == "" || (meta.Author != nil && meta.Author.ID == s.botUser.ID) ||
		slices.ContainsFunc(meta.Mentions, func(u struct {
			ID string `json:"id"`
		}) bool {
			return u.ID == s.botUser.ID
		})
	var redacted []byte

	s.gw.mu.Lock()
	sessions := make([]*gwSession, 0, len(s.gw.sessions))
	for _, sess := range s.gw.sessions {
		sessions = append(sessions, sess)
	}
	s.gw.mu.Unlock()
	slices.SortFunc(sessions, func(a, b *gwSession) int { return int(a.order - b.order) })

	eligible := 0
	for _, sess := range sessions {
		sess.mu.Lock()
		if sess.invalid {
			sess.mu.Unlock()
			continue
		}
		if sess.conn == nil && time.Since(sess.disconnectedAt) > s.opts.ResumeTimeout {
			sess.invalid = true
			sess.mu.Unlock()
			s.dropSession(sess)
			continue
		}
		eligible++
		if need := intentFor(typ, meta.GuildID != ""); (need != 0 && sess.intents&need == 0) || !sess.inShard(meta.GuildID) {
			d.Filtered++
			sess.mu.Unlock()
			continue
		}
		payload := raw
		if isMessage && !keepContent && sess.intents&discordgo.IntentsMessageContent == 0 {
			if redacted == nil {
				redacted = redactContent(raw)
			}
			payload = redacted
		}
		sess.seq++
		ev := gwEvent{seq: sess.seq, frame: frame(opDispatch, json.RawMessage(payload), sess.seq, typ), interactionID: interactionID}
		sess.push(ev)
		if d.Seq == 0 {
			d.Seq = ev.seq
		}
		if c := sess.conn; c != nil {
			t := time.Now()
			if err := c.write(ev.frame); err == nil {
				if d.SentAt.IsZero() {
					d.SentAt = t
				}
				d.Live++
				s.markSent(interactionID, t)
			} else {
				sess.conn = nil
				sess.disconnectedAt = time.Now()
				c.kill()
				d.Buffered++
			}
		} else {
			d.Buffered++
		}
		sess.mu.Unlock()
	}
	if eligible == 0 {
		return d, ErrNoSession
	}
	s.gw.mu.Lock()
	s.gw.stats.Dispatches++
	s.gw.mu.Unlock()
	s.broadcast()
	return d, nil
}

// conns returns the open gateway connections.
func (s *Server) conns() []*gwConn {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	out := make([]*gwConn, 0, len(s.gw.conns))
	for c := range s.gw.conns {
		out = append(out, c)
	}
	return out
}

// DropConnections closes every gateway connection abruptly (TCP closed, no
// close frame), as a network failure would, and returns how many it closed.
// Sessions stay resumable. Call WaitConnected first: a discordgo session
// dropped before its first heartbeat tends to reconnect twice, the second
// time closing its fresh connection with 1000 (see the package docs).
func (s *Server) DropConnections() int {
	cs := s.conns()
	for _, c := range cs {
		c.kill()
	}
	s.logf("gateway: dropped %d connection(s)", len(cs))
	return len(cs)
}

// CloseConnections sends a close frame with code and reason on every gateway
// connection, then closes it, and returns how many. Codes 4007 (invalid seq)
// and 4009 (session timed out) also invalidate the sessions, as on Discord.
// discordgo v0.29.0 treats every code alike: it reconnects and tries to
// resume, even after 4004 (authentication failed).
func (s *Server) CloseConnections(code int, reason string) int {
	cs := s.conns()
	for _, c := range cs {
		if sess := c.session.Load(); sess != nil && (code == 4007 || code == 4009) {
			sess.mu.Lock()
			sess.invalid = true
			sess.mu.Unlock()
			s.dropSession(sess)
		}
		s.closeWith(c, code, reason)
	}
	return len(cs)
}

// SendReconnect sends op 7 Reconnect on every identified connection and
// returns how many. discordgo closes with 1012 and resumes on a new one.
func (s *Server) SendReconnect() int {
	n := 0
	for _, c := range s.conns() {
		if c.session.Load() != nil && c.write(frame(opReconnect, nil, 0, "")) == nil {
			n++
		}
	}
	s.gw.mu.Lock()
	s.gw.stats.ReconnectsSent += n
	s.gw.mu.Unlock()
	return n
}

// SendInvalidSession sends op 9 on every identified connection and returns
// how many. Unless resumable, their sessions are invalidated first.
// discordgo answers either kind with a fresh Identify on the same
// connection.
func (s *Server) SendInvalidSession(resumable bool) int {
	n := 0
	for _, c := range s.conns() {
		sess := c.session.Load()
		if sess == nil {
			continue
		}
		if !resumable {
			sess.mu.Lock()
			sess.invalid = true
			sess.mu.Unlock()
			s.dropSession(sess)
		}
		if c.write(frame(opInvalidSession, resumable, 0, "")) == nil {
			n++
		}
	}
	s.gw.mu.Lock()
	s.gw.stats.InvalidSent += n
	s.gw.mu.Unlock()
	return n
}

// FailHandshakes makes the next n Identify or Resume payloads (with a valid
// token) be answered per f instead of READY/RESUMED. n <= 0 disarms.
func (s *Server) FailHandshakes(f HandshakeFault, n int) {
	s.gw.mu.Lock()
	s.gw.fault, s.gw.faultLeft = f, n
	s.gw.mu.Unlock()
}

// SetHeartbeatACKs turns heartbeat ACKs (op 11) on (the default) or off.
// Off, discordgo notices after 5 heartbeat intervals: it closes with 1000
// (which invalidates the session), reconnects, fails to resume (op 9) and
// identifies again, and keeps doing so while ACKs stay off.
func (s *Server) SetHeartbeatACKs(on bool) { s.gw.noACK.Store(!on) }

// GatewayStats returns a snapshot of the gateway's counters.
func (s *Server) GatewayStats() GatewayStats {
	s.gw.mu.Lock()
	st := s.gw.stats
	st.ClientCloseCodes = slices.Clone(st.ClientCloseCodes)
	st.Connections = len(s.gw.conns)
	sessions := make([]*gwSession, 0, len(s.gw.sessions))
	for _, sess := range s.gw.sessions {
		sessions = append(sessions, sess)
	}
	s.gw.mu.Unlock()
	for _, sess := range sessions {
		sess.mu.Lock()
		if !sess.invalid {
			st.Sessions++
			if sess.conn != nil {
				st.Live++
				if sess.conn.heartbeats.Load() > 0 {
					st.Settled++
				}
			}
		}
		sess.mu.Unlock()
	}
	return st
}

// Identifies returns every Identify received, in order.
func (s *Server) Identifies() []IdentifyRecord {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return slices.Clone(s.gw.identifies)
}

// Resumes returns every Resume received, in order.
func (s *Server) Resumes() []ResumeRecord {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return slices.Clone(s.gw.resumes)
}

// WaitGateway waits until pred is true of the gateway's stats and returns
// them.
func (s *Server) WaitGateway(ctx context.Context, pred func(GatewayStats) bool) (GatewayStats, error) {
	var st GatewayStats
	err := s.WaitFor(ctx, func() bool {
		st = s.GatewayStats()
		return pred(st)
	})
	return st, err
}

// WaitConnected waits until a session is live and settled: READY or
// RESUMED was sent on a connection that is still open and that has since
// sent a heartbeat. A dispatch now is written at once, and the client's
// heartbeat loop is running: discordgo v0.29.0 starts it at the very end of
// Open, and a connection dropped before its first heartbeat makes both its
// reader and its heartbeat goroutine reconnect (see the package docs).
func (s *Server) WaitConnected(ctx context.Context) error {
	_, err := s.WaitGateway(ctx, func(st GatewayStats) bool { return st.Settled > 0 })
	return err
}

// WaitSteady waits until a session is settled (see WaitConnected) and the
// gateway has been quiet for the given time: no connection opened or
// closed, no Identify or Resume. Call it before closing a discordgo session
// that has been through reconnects: Session.Close does not stop a
// reconnect in flight, which then dials on forever with backoff.
// discordgo's own Close sleeps 1 s, so quiet should exceed that.
func (s *Server) WaitSteady(ctx context.Context, quiet time.Duration) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultWait)
		defer cancel()
	}
	for {
		ch := s.changed()
		st := s.GatewayStats()
		s.gw.mu.Lock()
		since := time.Since(s.gw.lastChange)
		s.gw.mu.Unlock()
		wait := quiet - since
		if st.Settled > 0 && wait <= 0 {
			return nil
		}
		if wait <= 0 {
			wait = quiet
		}
		t := time.NewTimer(wait)
		select {
		case <-ch:
		case <-t.C:
		case <-s.done:
			t.Stop()
			return ErrClosed
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("fakediscord: wait steady: %w", ctx.Err())
		}
		t.Stop()
	}
}
