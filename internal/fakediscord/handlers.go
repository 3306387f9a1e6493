package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Flags a bot may set on a message it sends or edits.
const (
	settableFlags  = discordgo.MessageFlagsSuppressEmbeds | discordgo.MessageFlagsSuppressNotifications
	ephemeralFlags = settableFlags | discordgo.MessageFlagsEphemeral
)

// newBotMessage builds a message authored by the bot from a create body;
// s.mu held. It validates everything but the reference, except for a
// placeholder (a deferred response), which may be empty.
func (s *Server) newBotMessage(b *messageBody, channelID, guildID string, flagsAllowed discordgo.MessageFlags, now time.Time, placeholder bool) (*msgRecord, *httpErr) {
	if e := validateAllowedMentions(b.AllowedMentions); e != nil {
		return nil, e
	}
	author := s.botUser
	m := &discordgo.Message{
		ID:        s.newID(),
		ChannelID: channelID,
		GuildID:   guildID,
		Author:    &author,
		Timestamp: now,
		TTS:       b.TTS,
	}
	if b.Content != nil {
		m.Content = *b.Content
	}
	if b.Embeds != nil {
		m.Embeds = withRichType(*b.Embeds)
	}
	if b.Flags != nil {
		m.Flags = *b.Flags & flagsAllowed
	}
	m.Attachments = b.files
	rec := &msgRecord{msg: m, allowed: b.AllowedMentions}
	if present(b.Components) {
		rec.components = b.Components
	}
	hasOther := len(b.files) > 0 || nonEmptyArray(b.Components) || len(b.StickerIDs) > 0 || present(b.Poll) || nonEmptyArray(b.Attachments)
	if placeholder {
		return rec, nil
	}
	if e := validateMessage(m.Content, m.Embeds, hasOther); e != nil {
		return nil, e
	}
	return rec, nil
}

func withRichType(embeds []*discordgo.MessageEmbed) []*discordgo.MessageEmbed {
	out := make([]*discordgo.MessageEmbed, 0, len(embeds))
	for _, e := range embeds {
		if e == nil {
			continue
		}
		if e.Type == "" {
			e.Type = discordgo.EmbedTypeRich
		}
		out = append(out, e)
	}
	return out
}

// applyEdit applies a partial edit to a bot message and validates the
// result; s.mu held. Fields left out of the body stay as they were.
func (s *Server) applyEdit(rec *msgRecord, b *messageBody, now time.Time) *httpErr {
	if e := validateAllowedMentions(b.AllowedMentions); e != nil {
		return e
	}
	next := *rec.msg
	components := rec.components
	if b.Content != nil {
		next.Content = *b.Content
	}
	if b.Embeds != nil {
		next.Embeds = withRichType(*b.Embeds)
	}
	if b.Components != nil {
		components = b.Components
	}
	if b.Flags != nil {
		next.Flags = next.Flags&^discordgo.MessageFlagsSuppressEmbeds | *b.Flags&discordgo.MessageFlagsSuppressEmbeds
	}
	if present(b.Attachments) || len(b.files) > 0 {
		next.Attachments = b.files
	}
	hasOther := len(next.Attachments) > 0 || nonEmptyArray(components)
	if e := validateMessage(next.Content, next.Embeds, hasOther); e != nil {
		return e
	}
	// The first edit of a deferred response is its real send: Discord gives
	// it no edited_timestamp (it still counts as an edit here).
	if next.Flags&discordgo.MessageFlagsLoading == 0 {
		t := now
		next.EditedTimestamp = &t
	}
	next.Flags &^= discordgo.MessageFlagsLoading
	rec.edits++
	*rec.msg = next
	rec.components = components
	rec.allowed = b.AllowedMentions
	s.applyPings(rec, now)
	s.touch(rec)
	return nil
}

func (s *Server) handleMessageCreate(w http.ResponseWriter, r *http.Request, body []byte) {
	now := receivedAt(r)
	var b messageBody
	files, err := decodeBody(r, body, &b)
	if err != nil {
		badJSON(w)
		return
	}
	b.files = files
	cid := r.PathValue("channel")
	s.mu.Lock()
	ch, ok := s.channels[cid]
	if !ok {
		s.mu.Unlock()
		errNotFound(codeUnknownChannel, "Unknown Channel").write(w)
		return
	}
	// enforce_nonce: a message this author created with the same nonce in
	// the last few minutes is returned instead of creating another.
	nonceKey := ""
	if b.EnforceNonce && present(b.Nonce) {
		nonceKey = cid + "\x00" + string(b.Nonce)
		if prev, ok := s.nonces[nonceKey]; ok && now.Sub(prev.at) < nonceWindow && !prev.rec.deleted {
			out := prev.rec.encode()
			s.mu.Unlock()
			writeRawJSON(w, http.StatusOK, out)
			return
		}
	}
	rec, e := s.newBotMessage(&b, cid, ch.GuildID, settableFlags, now, false)
	if e == nil && b.Reference != nil {
		e = s.attachReference(rec, b.Reference, ch)
	}
	if e != nil {
		s.mu.Unlock()
		e.write(w)
		return
	}
	s.applyPings(rec, now)
	s.storeMessage(rec)
	if nonceKey != "" {
		if len(s.nonces) > 10000 { // forget what Discord would have forgotten
			for k, e := range s.nonces {
				if now.Sub(e.at) >= nonceWindow {
					delete(s.nonces, k)
				}
			}
		}
		s.nonces[nonceKey] = nonceEntry{rec: rec, at: now}
	}
	out := rec.encode()
	s.mu.Unlock()
	s.echo(rec, out)
	writeRawJSON(w, http.StatusOK, out)
}

// nonceWindow is how long Discord remembers a nonce for enforce_nonce ("the
// past few minutes").
const nonceWindow = 5 * time.Minute

type nonceEntry struct {
	rec *msgRecord
	at  time.Time
}

// attachReference makes rec a reply; s.mu held.
func (s *Server) attachReference(rec *msgRecord, ref *discordgo.MessageReference, ch *discordgo.Channel) *httpErr {
	target, ok := s.messages[ref.MessageID]
	if !ok || target.deleted || target.msg.ChannelID != ch.ID {
		if ref.FailIfNotExists != nil && !*ref.FailIfNotExists {
			return nil
		}
		return errForm("message_reference", "REPLIES_UNKNOWN_MESSAGE", "Unknown message")
	}
	rec.msg.Type = discordgo.MessageTypeReply
	rec.msg.MessageReference = &discordgo.MessageReference{
		Type: discordgo.MessageReferenceTypeDefault, MessageID: ref.MessageID, ChannelID: ch.ID, GuildID: ch.GuildID,
	}
	refMsg := copyJSON(target.msg)
	refMsg.ReferencedMessage = nil
	rec.msg.ReferencedMessage = refMsg
	return nil
}

// echo dispatches MESSAGE_CREATE for a message the bot created, when
// Options.EchoBotMessages asks for it. s.mu must not be held.
func (s *Server) echo(rec *msgRecord, encoded []byte) {
	if !s.opts.EchoBotMessages || rec.ephemeral() {
		return
	}
	_, _ = s.dispatchRaw("MESSAGE_CREATE", encoded, "")
}

// channelMessage finds a message of a channel; s.mu held.
func (s *Server) channelMessage(r *http.Request) (*msgRecord, *httpErr) {
	cid, mid := r.PathValue("channel"), r.PathValue("message")
	if _, ok := s.channels[cid]; !ok {
		return nil, errNotFound(codeUnknownChannel, "Unknown Channel")
	}
	rec, ok := s.messages[mid]
	if !ok || rec.deleted || rec.msg.ChannelID != cid {
		return nil, errNotFound(codeUnknownMessage, "Unknown Message")
	}
	return rec, nil
}

// serveLocked answers a read: lookup runs under s.mu and returns the JSON
// to send, or the error to send instead.
func (s *Server) serveLocked(w http.ResponseWriter, lookup func() ([]byte, *httpErr)) {
	s.mu.Lock()
	out, e := lookup()
	s.mu.Unlock()
	if e != nil {
		e.write(w)
		return
	}
	writeRawJSON(w, http.StatusOK, out)
}

// marshalFound encodes v, or returns the not-found error when ok is false.
func marshalFound(v any, ok bool, code int, msg string) ([]byte, *httpErr) {
	if !ok {
		return nil, errNotFound(code, msg)
	}
	out, _ := json.Marshal(v)
	return out, nil
}

func (s *Server) handleMessageGet(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.serveLocked(w, func() ([]byte, *httpErr) {
		rec, e := s.channelMessage(r)
		if e != nil {
			return nil, e
		}
		return rec.encode(), nil
	})
}

func (s *Server) handleChannelMessages(w http.ResponseWriter, r *http.Request, _ []byte) {
	cid := r.PathValue("channel")
	q := r.URL.Query()
	limit := 50
	if v, err := strconv.Atoi(q.Get("limit")); err == nil && v >= 1 && v <= 100 {
		limit = v
	}
	before, _ := strconv.ParseUint(q.Get("before"), 10, 64)
	after, _ := strconv.ParseUint(q.Get("after"), 10, 64)
	s.mu.Lock()
	if _, ok := s.channels[cid]; !ok {
		s.mu.Unlock()
		errNotFound(codeUnknownChannel, "Unknown Channel").write(w)
		return
	}
	out := []json.RawMessage{}
	for i := len(s.msgOrder) - 1; i >= 0 && len(out) < limit; i-- { // newest first
		rec := s.messages[s.msgOrder[i]]
		if rec.deleted || rec.msg.ChannelID != cid {
			continue
		}
		id, _ := strconv.ParseUint(rec.msg.ID, 10, 64)
		if (before != 0 && id >= before) || (after != 0 && id <= after) {
			continue
		}
		out = append(out, rec.encode())
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleMessageEdit(w http.ResponseWriter, r *http.Request, body []byte) {
	now := receivedAt(r)
	var b messageBody
	files, err := decodeBody(r, body, &b)
	if err != nil {
		badJSON(w)
		return
	}
	b.files = files
	s.mu.Lock()
	rec, e := s.channelMessage(r)
	if e == nil && (rec.fromGateway || rec.msg.Author == nil || rec.msg.Author.ID != s.botUser.ID) {
		e = &httpErr{status: http.StatusForbidden, code: codeCannotEditOthers, msg: "Cannot edit a message authored by another user"}
	}
	if e == nil {
		e = s.applyEdit(rec, &b, now)
	}
	var out []byte
	if e == nil {
		out = rec.encode()
	}
	s.mu.Unlock()
	if e != nil {
		e.write(w)
		return
	}
	writeRawJSON(w, http.StatusOK, out)
}

func (s *Server) handleMessageDelete(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.mu.Lock()
	rec, e := s.channelMessage(r)
	if e == nil {
		rec.deleted = true
		s.touch(rec)
	}
	s.mu.Unlock()
	if e != nil {
		e.write(w)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// callbackBody is an interaction response.
type callbackBody struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data *messageBody                      `json:"data"`
}

func (s *Server) handleCallback(w http.ResponseWriter, r *http.Request, body []byte) {
	now := receivedAt(r)
	var cb callbackBody
	files, err := decodeBody(r, body, &cb)
	if err != nil {
		badJSON(w)
		return
	}
	s.mu.Lock()
	rec, ok := s.interactions[r.PathValue("interaction")]
	if !ok || rec.i.Token != r.PathValue("token") || rec.expired {
		s.mu.Unlock()
		errNotFound(codeUnknownInteraction, "Unknown interaction").write(w)
		return
	}
	// The deadline is checked when the callback is handled, after any
	// injected latency: a slow network makes an acknowledgement late.
	if d := s.opts.AckDeadline; d > 0 && !rec.dispatchedAt.IsZero() && time.Since(rec.dispatchedAt) > d {
		rec.rejected++
		s.mu.Unlock()
		s.logf("callback for interaction %s came %v after dispatch: Unknown interaction", rec.i.ID, time.Since(rec.dispatchedAt))
		errNotFound(codeUnknownInteraction, "Unknown interaction").write(w)
		return
	}
	if rec.acks > 0 {
		rec.rejected++
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, codeAlreadyAcknowledged, "Interaction has already been acknowledged.")
		return
	}
	if e := checkResponseType(rec.i, cb.Type); e != nil {
		rec.rejected++
		s.mu.Unlock()
		e.write(w)
		return
	}
	if cb.Type == discordgo.InteractionApplicationCommandAutocompleteResult {
		choices, e := decodeChoices(body)
		if e != nil {
			rec.rejected++
			s.mu.Unlock()
			e.write(w)
			return
		}
		rec.choices = choices
	}
	data := cb.Data
	if data == nil {
		data = &messageBody{}
	}
	data.files = files
	var msg *msgRecord
	switch cb.Type {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource:
		deferred := cb.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource
		if deferred {
			// Only the flags of a deferred response count; the message is a
			// "thinking..." placeholder until the first edit.
			data = &messageBody{Flags: data.Flags}
		}
		var e *httpErr
		msg, e = s.newBotMessage(data, rec.i.ChannelID, rec.i.GuildID, ephemeralFlags, now, deferred)
		if e != nil {
			s.mu.Unlock()
			e.write(w)
			return
		}
		if deferred {
			msg.msg.Flags |= discordgo.MessageFlagsLoading
		}
		s.asInteractionMessage(msg, rec, discordgo.MessageTypeChatInputCommand)
		rec.originalID = msg.msg.ID
		rec.ephemeral = msg.ephemeral()
		s.applyPings(msg, now)
		s.storeMessage(msg)
	case discordgo.InteractionResponsePong, discordgo.InteractionResponseDeferredMessageUpdate,
		discordgo.InteractionResponseUpdateMessage, discordgo.InteractionApplicationCommandAutocompleteResult,
		discordgo.InteractionResponseModal:
	default:
		s.mu.Unlock()
		errForm("type", "BASE_TYPE_CHOICES", fmt.Sprintf("Value must be a valid interaction response type, got %d.", cb.Type)).write(w)
		return
	}
	rec.acks++
	rec.ackType = cb.Type
	rec.ackedAt = now
	var out []byte
	if msg != nil {
		out = msg.encode()
	}
	s.mu.Unlock()
	if msg != nil {
		s.echo(msg, out)
	}
	w.WriteHeader(http.StatusNoContent)
}

// asInteractionMessage marks a bot message as answering rec; s.mu held.
func (s *Server) asInteractionMessage(msg *msgRecord, rec *interactionRecord, typ discordgo.MessageType) {
	msg.interactionID = rec.i.ID
	msg.msg.Type = typ
	msg.msg.WebhookID = s.opts.ApplicationID
	user := rec.i.User
	if rec.i.Member != nil {
		user = rec.i.Member.User
	}
	name := ""
	if d, ok := rec.i.Data.(discordgo.ApplicationCommandInteractionData); ok {
		name = d.Name
	}
	msg.msg.InteractionMetadata = &discordgo.MessageInteractionMetadata{ID: rec.i.ID, Type: rec.i.Type, User: user}
	msg.msg.Interaction = &discordgo.MessageInteraction{ID: rec.i.ID, Type: rec.i.Type, Name: name, User: user}
	if typ != discordgo.MessageTypeChatInputCommand {
		msg.msg.InteractionMetadata.OriginalResponseMessageID = rec.originalID
	}
}

// webhookInteraction finds the interaction behind a webhook route; s.mu held.
func (s *Server) webhookInteraction(r *http.Request) (*interactionRecord, *httpErr) {
	rec, ok := s.byToken[r.PathValue("token")]
	if !ok || r.PathValue("app") != s.opts.ApplicationID {
		return nil, errNotFound(codeUnknownWebhook, "Unknown Webhook")
	}
	if rec.expired {
		// What Discord answers once the 15 minutes of a token are over.
		return nil, &httpErr{status: http.StatusUnauthorized, code: codeInvalidWebhookToken, msg: "Invalid Webhook Token"}
	}
	return rec, nil
}

// webhookMessage finds "@original" or a follow-up of the interaction; s.mu held.
func (s *Server) webhookMessage(r *http.Request) (*interactionRecord, *msgRecord, *httpErr) {
	rec, e := s.webhookInteraction(r)
	if e != nil {
		return nil, nil, e
	}
	id := r.PathValue("message")
	if id == "@original" {
		id = rec.originalID
	} else if id != rec.originalID && !slices.Contains(rec.followups, id) {
		id = ""
	}
	msg, ok := s.messages[id]
	if id == "" || !ok || msg.deleted {
		return rec, nil, errNotFound(codeUnknownMessage, "Unknown Message")
	}
	return rec, msg, nil
}

func (s *Server) handleWebhookMessageGet(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.serveLocked(w, func() ([]byte, *httpErr) {
		_, msg, e := s.webhookMessage(r)
		if e != nil {
			return nil, e
		}
		return msg.encode(), nil
	})
}

func (s *Server) handleWebhookMessageEdit(w http.ResponseWriter, r *http.Request, body []byte) {
	now := receivedAt(r)
	var b messageBody
	files, err := decodeBody(r, body, &b)
	if err != nil {
		badJSON(w)
		return
	}
	b.files = files
	b.Flags = nil // webhook edits cannot change flags in the fake
	s.mu.Lock()
	rec, msg, e := s.webhookMessage(r)
	if e == nil {
		e = s.applyEdit(msg, &b, now)
	}
	var out []byte
	if e == nil {
		if msg.msg.ID == rec.originalID {
			rec.originalEdits++
		}
		out = msg.encode()
	}
	s.mu.Unlock()
	if e != nil {
		e.write(w)
		return
	}
	writeRawJSON(w, http.StatusOK, out)
}

func (s *Server) handleWebhookMessageDelete(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.mu.Lock()
	_, msg, e := s.webhookMessage(r)
	if e == nil {
		msg.deleted = true
		s.touch(msg)
	}
	s.mu.Unlock()
	if e != nil {
		e.write(w)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleFollowup(w http.ResponseWriter, r *http.Request, body []byte) {
	now := receivedAt(r)
	var b messageBody
	files, err := decodeBody(r, body, &b)
	if err != nil {
		badJSON(w)
		return
	}
	b.files = files
	s.mu.Lock()
	rec, e := s.webhookInteraction(r)
	if e == nil && rec.acks == 0 {
		// Discord only knows the interaction's webhook once it is acknowledged.
		e = errNotFound(codeUnknownWebhook, "Unknown Webhook")
	}
	var msg *msgRecord
	if e == nil {
		msg, e = s.newBotMessage(&b, rec.i.ChannelID, rec.i.GuildID, ephemeralFlags, now, false)
	}
	if e != nil {
		s.mu.Unlock()
		e.write(w)
		return
	}
	s.asInteractionMessage(msg, rec, discordgo.MessageTypeDefault)
	rec.followups = append(rec.followups, msg.msg.ID)
	s.applyPings(msg, now)
	s.storeMessage(msg)
	out := msg.encode()
	s.mu.Unlock()
	s.echo(msg, out)
	// Discord answers 204 without ?wait=true; discordgo then returns a nil
	// message. The body is harmless either way, so the fake always sends it.
	writeRawJSON(w, http.StatusOK, out)
}

func (s *Server) handleChannel(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.serveLocked(w, func() ([]byte, *httpErr) {
		ch, ok := s.channels[r.PathValue("channel")]
		return marshalFound(ch, ok, codeUnknownChannel, "Unknown Channel")
	})
}

// handleUserChannelCreate opens the bot's DM channel with a user, or
// returns the one already open, as Discord does.
func (s *Server) handleUserChannelCreate(w http.ResponseWriter, r *http.Request, body []byte) {
	var b struct {
		RecipientID string `json:"recipient_id"`
	}
	if json.Unmarshal(body, &b) != nil || b.RecipientID == "" {
		errForm("recipient_id", "BASE_TYPE_REQUIRED", "This field is required").write(w)
		return
	}
	s.serveLocked(w, func() ([]byte, *httpErr) {
		for _, ch := range s.channels {
			if ch.Type == discordgo.ChannelTypeDM && len(ch.Recipients) > 0 && ch.Recipients[0].ID == b.RecipientID {
				return marshalFound(ch, true, 0, "")
			}
		}
		u, ok := s.users[b.RecipientID]
		if !ok {
			u = &discordgo.User{ID: b.RecipientID}
		}
		id := s.newID()
		s.ensureChannel(id, "", u)
		return marshalFound(s.channels[id], true, 0, "")
	})
}

func isThread(ch *discordgo.Channel) bool {
	return ch.Type == discordgo.ChannelTypeGuildPublicThread || ch.Type == discordgo.ChannelTypeGuildPrivateThread ||
		ch.Type == discordgo.ChannelTypeGuildNewsThread
}

// newThread validates a thread start and builds the channel; s.mu held.
func (s *Server) newThread(r *http.Request, body []byte, id string, typ discordgo.ChannelType, now time.Time) (*discordgo.Channel, *httpErr) {
	parent, ok := s.channels[r.PathValue("channel")]
	if !ok {
		return nil, errNotFound(codeUnknownChannel, "Unknown Channel")
	}
	if parent.GuildID == "" || isThread(parent) {
		return nil, &httpErr{status: http.StatusBadRequest, code: codeWrongChannelType, msg: "Cannot execute action on this channel type"}
	}
	var ts discordgo.ThreadStart
	if err := json.Unmarshal(body, &ts); err != nil {
		return nil, &httpErr{status: http.StatusBadRequest, code: codeInvalidJSON, msg: "The request body contains invalid JSON."}
	}
	if n := utf8.RuneCountInString(ts.Name); n < 1 || n > 100 {
		return nil, errForm("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
	}
	if typ == 0 {
		typ = ts.Type
		if typ == 0 {
			typ = discordgo.ChannelTypeGuildPrivateThread // Discord's default for threads without a message
		}
		if !slices.Contains([]discordgo.ChannelType{discordgo.ChannelTypeGuildNewsThread, discordgo.ChannelTypeGuildPublicThread, discordgo.ChannelTypeGuildPrivateThread}, typ) {
			return nil, errForm("type", "BASE_TYPE_CHOICES", "Value must be one of {10, 11, 12}.")
		}
	}
	archive := ts.AutoArchiveDuration
	if archive == 0 {
		archive = 4320
	}
	bot := s.botUser
	return &discordgo.Channel{
		ID: id, GuildID: parent.GuildID, ParentID: parent.ID, Name: ts.Name, Type: typ,
		OwnerID: bot.ID, MemberCount: 1, RateLimitPerUser: ts.RateLimitPerUser,
		ThreadMetadata: &discordgo.ThreadMetadata{AutoArchiveDuration: archive, ArchiveTimestamp: now, Invitable: ts.Invitable},
	}, nil
}

func (s *Server) handleMessageThread(w http.ResponseWriter, r *http.Request, body []byte) {
	now := receivedAt(r)
	s.mu.Lock()
	msg, e := s.channelMessage(r)
	var th *discordgo.Channel
	if e == nil {
		if _, exists := s.channels[msg.msg.ID]; exists {
			e = &httpErr{status: http.StatusBadRequest, code: codeThreadAlreadyCreated, msg: "A thread has already been created for this message"}
		}
	}
	if e == nil {
		// A thread started from a message has the message's ID.
		th, e = s.newThread(r, body, msg.msg.ID, discordgo.ChannelTypeGuildPublicThread, now)
	}
	var out []byte
	if e == nil {
		s.channels[th.ID] = th
		msg.msg.Thread = copyJSON(th)
		msg.msg.Flags |= discordgo.MessageFlagsHasThread
		s.touch(msg)
		out, _ = json.Marshal(th)
	}
	s.mu.Unlock()
	if e != nil {
		e.write(w)
		return
	}
	writeRawJSON(w, http.StatusCreated, out)
}

func (s *Server) handleThread(w http.ResponseWriter, r *http.Request, body []byte) {
	now := receivedAt(r)
	s.mu.Lock()
	th, e := s.newThread(r, body, s.newID(), 0, now)
	var out []byte
	if e == nil {
		s.channels[th.ID] = th
		out, _ = json.Marshal(th)
	}
	s.mu.Unlock()
	if e != nil {
		e.write(w)
		return
	}
	writeRawJSON(w, http.StatusCreated, out)
}

func (s *Server) handleGuild(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.serveLocked(w, func() ([]byte, *httpErr) {
		g, ok := s.guilds[r.PathValue("guild")]
		return marshalFound(g, ok, codeUnknownGuild, "Unknown Guild")
	})
}

func (s *Server) handleGuildMember(w http.ResponseWriter, r *http.Request, _ []byte) {
	gid, uid := r.PathValue("guild"), r.PathValue("user")
	s.mu.Lock()
	_, guildOK := s.guilds[gid]
	m, ok := s.members[gid+"/"+uid]
	var out []byte
	switch {
	case ok:
		cp := copyJSON(m)
		cp.Permissions = 0 // REST member objects carry no permissions
		out, _ = json.Marshal(cp)
	case guildOK && uid == s.botUser.ID:
		bot := s.botUser
		out, _ = json.Marshal(&discordgo.Member{GuildID: gid, User: &bot, Roles: []string{}})
		ok = true
	}
	s.mu.Unlock()
	switch {
	case !guildOK:
		errNotFound(codeUnknownGuild, "Unknown Guild").write(w)
	case !ok:
		errNotFound(codeUnknownMember, "Unknown Member").write(w)
	default:
		writeRawJSON(w, http.StatusOK, out)
	}
}

func (s *Server) handleGuildRoles(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.serveLocked(w, func() ([]byte, *httpErr) {
		g, ok := s.guilds[r.PathValue("guild")]
		if !ok {
			return nil, errNotFound(codeUnknownGuild, "Unknown Guild")
		}
		out, _ := json.Marshal(g.Roles)
		return out, nil
	})
}

func (s *Server) handleCommandsGet(w http.ResponseWriter, r *http.Request, _ []byte) {
	if r.PathValue("app") != s.opts.ApplicationID {
		errNotFound(codeUnknownApplication, "Unknown Application").write(w)
		return
	}
	s.mu.Lock()
	cmds := s.commands[r.PathValue("guild")]
	if cmds == nil {
		cmds = []*discordgo.ApplicationCommand{}
	}
	out, _ := json.Marshal(cmds)
	s.mu.Unlock()
	writeRawJSON(w, http.StatusOK, out)
}

// commandNameRE is Discord's rule for chat-input command and option names
// (lowercase where the script has case).
var commandNameRE = regexp.MustCompile(`^[-_\p{Ll}\p{Lm}\p{Lo}\p{N}\p{M}]{1,32}$`)

func (s *Server) handleCommandsPut(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.PathValue("app") != s.opts.ApplicationID {
		errNotFound(codeUnknownApplication, "Unknown Application").write(w)
		return
	}
	guild := r.PathValue("guild")
	var cmds []*discordgo.ApplicationCommand
	if err := json.Unmarshal(body, &cmds); err != nil {
		badJSON(w)
		return
	}
	if e := validateCommands(cmds); e != nil {
		e.write(w)
		return
	}
	s.mu.Lock()
	if _, ok := s.guilds[guild]; guild != "" && !ok {
		s.mu.Unlock()
		writeError(w, http.StatusForbidden, codeMissingAccess, "Missing Access")
		return
	}
	version := s.newID()
	for _, c := range cmds {
		if c.Type == 0 {
			c.Type = discordgo.ChatApplicationCommand
		}
		key := fmt.Sprintf("%s/%d/%s", guild, c.Type, c.Name)
		id, ok := s.commandIDs[key]
		if !ok {
			id = s.newID()
			s.commandIDs[key] = id
		}
		c.ID, c.ApplicationID, c.GuildID, c.Version = id, s.opts.ApplicationID, guild, version
	}
	if cmds == nil {
		cmds = []*discordgo.ApplicationCommand{}
	}
	s.commands[guild] = cmds
	out, _ := json.Marshal(cmds)
	s.mu.Unlock()
	s.broadcast()
	writeRawJSON(w, http.StatusOK, out)
}

// validateCommands applies the registration rules Discord enforces that a
// bot is likely to break.
func validateCommands(cmds []*discordgo.ApplicationCommand) *httpErr {
	if len(cmds) > 100 {
		return errForm("_errors", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
	}
	seen := map[string]bool{}
	for i, c := range cmds {
		p := strconv.Itoa(i) + "."
		if c == nil {
			return errForm(strconv.Itoa(i), "BASE_TYPE_REQUIRED", "This field is required")
		}
		chat := c.Type == 0 || c.Type == discordgo.ChatApplicationCommand
		if chat && !commandNameRE.MatchString(c.Name) {
			return errForm(p+"name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
		}
		if n := utf8.RuneCountInString(c.Name); !chat && (n < 1 || n > 32) {
			return errForm(p+"name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")
		}
		key := fmt.Sprintf("%d/%s", c.Type%4, c.Name)
		if seen[key] {
			return errForm(p+"name", "APPLICATION_COMMANDS_DUPLICATE_NAME", fmt.Sprintf("Application command names must be unique: %s", c.Name))
		}
		seen[key] = true
		if n := utf8.RuneCountInString(c.Description); chat && (n < 1 || n > 100) {
			return errForm(p+"description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		}
		if e := validateOptions(p+"options.", c.Options); e != nil {
			return e
		}
	}
	return nil
}

func validateOptions(p string, opts []*discordgo.ApplicationCommandOption) *httpErr {
	if len(opts) > 25 {
		return errForm(p[:len(p)-1], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
	}
	optional := false
	names := map[string]bool{}
	for i, o := range opts {
		op := p + strconv.Itoa(i) + "."
		if o == nil {
			return errForm(op[:len(op)-1], "BASE_TYPE_REQUIRED", "This field is required")
		}
		if !commandNameRE.MatchString(o.Name) {
			return errForm(op+"name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
		}
		if names[o.Name] {
			return errForm(op+"name", "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique")
		}
		names[o.Name] = true
		if n := utf8.RuneCountInString(o.Description); n < 1 || n > 100 {
			return errForm(op+"description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		}
		if o.Required && optional {
			return errForm(op+"required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options")
		}
		optional = optional || !o.Required
		if o.MaxLength < 0 || o.MaxLength > 6000 || (o.MinLength != nil && (*o.MinLength < 0 || *o.MinLength > 6000)) {
			return errForm(op+"max_length", "NUMBER_TYPE_MAX", "int value should be less than or equal to 6000.")
		}
		if len(o.Choices) > 25 {
			return errForm(op+"choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
		}
		if e := validateOptions(op+"options.", o.Options); e != nil {
			return e
		}
	}
	return nil
}
