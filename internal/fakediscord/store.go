package fakediscord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Message is a message as the fake stores it: what Discord would answer for
// it, plus what only the fake knows. Accessors return deep copies.
type Message struct {
	*discordgo.Message
	// AllowedMentions is what the latest create or edit sent; nil if it sent
	// none (Discord then parses every mention in the content).
	AllowedMentions *discordgo.MessageAllowedMentions
	// Edits counts successful edits after creation.
	Edits int
	// InteractionID is the interaction this message answers (its original
	// response or a follow-up); "" for channel messages.
	InteractionID string
	// FromGateway is true for messages the test dispatched (users' messages)
	// and false for messages the bot created over REST.
	FromGateway bool
	// Deleted is true once the bot deleted it.
	Deleted bool
	// Pings is who the latest create or edit would have notified.
	Pings []Ping
}

// PingKind says what a Ping notified.
type PingKind string

// The kinds of notification a message can cause.
const (
	PingEveryone    PingKind = "everyone"     // @everyone or @here
	PingUser        PingKind = "user"         // <@id> or <@!id>
	PingRole        PingKind = "role"         // <@&id>
	PingRepliedUser PingKind = "replied_user" // the author of the message replied to
)

// Ping is a notification a message written by the bot would have caused,
// given its content and allowed_mentions (mentions in embeds never ping).
// The fake counts edits too, so a bot that forgets allowed_mentions on any
// write shows up.
type Ping struct {
	Kind      PingKind
	Target    string // user or role ID; "@everyone" or "@here" for PingEveryone
	MessageID string
	ChannelID string
	At        time.Time
}

type msgRecord struct {
	msg           *discordgo.Message // Components live in components: discordgo does not marshal them
	components    json.RawMessage
	allowed       *discordgo.MessageAllowedMentions
	edits         int
	interactionID string
	fromGateway   bool
	deleted       bool
	pings         []Ping
	version       int64 // s.msgVersion at the last write
}

// encode returns the message as Discord's JSON.
func (r *msgRecord) encode() []byte {
	b, _ := json.Marshal(r.msg)
	if len(r.components) == 0 || string(r.components) == "null" {
		return b
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return b
	}
	m["components"] = r.components
	out, _ := json.Marshal(m)
	return out
}

func (r *msgRecord) export() *Message {
	m := new(discordgo.Message)
	_ = json.Unmarshal(r.encode(), m)
	out := &Message{
		Message:       m,
		Edits:         r.edits,
		InteractionID: r.interactionID,
		FromGateway:   r.fromGateway,
		Deleted:       r.deleted,
		Pings:         slices.Clone(r.pings),
	}
	if r.allowed != nil {
		a := *r.allowed
		a.Parse = slices.Clone(a.Parse)
		a.Users = slices.Clone(a.Users)
		a.Roles = slices.Clone(a.Roles)
		out.AllowedMentions = &a
	}
	return out
}

func (r *msgRecord) ephemeral() bool { return r.msg.Flags&discordgo.MessageFlagsEphemeral != 0 }

type interactionRecord struct {
	i             *discordgo.Interaction
	dispatchedAt  time.Time
	delivered     bool
	ackType       discordgo.InteractionResponseType
	ackedAt       time.Time
	acks          int
	rejected      int
	ephemeral     bool
	originalID    string
	originalEdits int
	followups     []string
	choices       []*discordgo.ApplicationCommandOptionChoice
	expired       bool // ExpireInteraction: its token no longer works
}

// InteractionState is what the fake knows about one interaction it
// dispatched and what the bot did with it.
type InteractionState struct {
	// Interaction is the interaction as dispatched.
	Interaction *discordgo.Interaction
	// DispatchedAt is when INTERACTION_CREATE was first written to a gateway
	// connection (just before the write); zero while it waits in a session
	// buffer for a resume.
	DispatchedAt time.Time
	// Delivered is true once the client confirmed reading it: a later
	// heartbeat or resume carried its sequence number. An interaction
	// written to a connection that then dropped, in a session that was then
	// invalidated, has DispatchedAt set but never becomes Delivered.
	Delivered bool
	// AckType is the type of the accepted callback; 0 until one arrives.
	AckType discordgo.InteractionResponseType
	// AckedAt is when the accepted callback reached the fake.
	AckedAt time.Time
	// Acks is 1 once a callback was accepted (Discord accepts only one).
	Acks int
	// RejectedAcks counts callbacks refused: a second one (40060), a late
	// one under Options.AckDeadline (10062), one of a type the interaction
	// cannot take or an autocomplete result that breaks Discord's limits
	// (50035).
	RejectedAcks int
	// Ephemeral is whether the response is ephemeral (set by the callback).
	Ephemeral bool
	// Original is the original response as it stands after every edit; nil
	// before a callback of type 4 or 5.
	Original *Message
	// OriginalEdits counts successful edits of the original response.
	OriginalEdits int
	// Followups are the follow-up messages, in creation order.
	Followups []*Message
	// Choices are the choices of an autocomplete result (callback type 8);
	// nil before one arrives.
	Choices []*discordgo.ApplicationCommandOptionChoice
}

// AckLatency is the time from INTERACTION_CREATE leaving the gateway to the
// accepted callback reaching REST; 0 if either has not happened.
func (st InteractionState) AckLatency() time.Duration {
	if st.DispatchedAt.IsZero() || st.AckedAt.IsZero() {
		return 0
	}
	return st.AckedAt.Sub(st.DispatchedAt)
}

// exportInteraction copies rec; s.mu must be held.
func (s *Server) exportInteraction(rec *interactionRecord) InteractionState {
	b, _ := json.Marshal(rec.i)
	i := new(discordgo.Interaction)
	_ = json.Unmarshal(b, i)
	st := InteractionState{
		Interaction:   i,
		DispatchedAt:  rec.dispatchedAt,
		Delivered:     rec.delivered,
		AckType:       rec.ackType,
		AckedAt:       rec.ackedAt,
		Acks:          rec.acks,
		RejectedAcks:  rec.rejected,
		Ephemeral:     rec.ephemeral,
		OriginalEdits: rec.originalEdits,
	}
	if m := s.messages[rec.originalID]; m != nil {
		st.Original = m.export()
	}
	if rec.choices != nil {
		st.Choices = *copyJSON(&rec.choices)
	}
	for _, id := range rec.followups {
		st.Followups = append(st.Followups, s.messages[id].export())
	}
	return st
}

// Interaction returns the state of the interaction with this ID.
func (s *Server) Interaction(id string) (InteractionState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.interactions[id]
	if !ok {
		return InteractionState{}, false
	}
	return s.exportInteraction(rec), true
}

// ExpireInteraction ends the life of an interaction's token, as Discord
// does 15 minutes after the interaction was created: from now on its
// webhook routes (edits of the original response, follow-ups) answer 401
// with code 50027 Invalid Webhook Token, and its callback 404 with 10062
// Unknown interaction. It reports whether the interaction exists.
func (s *Server) ExpireInteraction(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.interactions[id]
	if ok {
		rec.expired = true
	}
	return ok
}

// Interactions returns the state of every interaction dispatched, in
// dispatch order.
func (s *Server) Interactions() []InteractionState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]InteractionState, 0, len(s.interOrder))
	for _, id := range s.interOrder {
		out = append(out, s.exportInteraction(s.interactions[id]))
	}
	return out
}

// WaitInteraction waits until the interaction with this ID exists and pred
// is true of its state, and returns that state.
func (s *Server) WaitInteraction(ctx context.Context, id string, pred func(InteractionState) bool) (InteractionState, error) {
	var st InteractionState
	err := s.WaitFor(ctx, func() bool {
		var ok bool
		st, ok = s.Interaction(id)
		return ok && pred(st)
	})
	return st, err
}

// WaitAcknowledged waits for the interaction's accepted callback.
func (s *Server) WaitAcknowledged(ctx context.Context, id string) (InteractionState, error) {
	return s.WaitInteraction(ctx, id, func(st InteractionState) bool { return st.Acks > 0 })
}

// Messages returns the messages stored in channelID ("" for every channel),
// the users' and the bot's, deleted ones included, in creation order.
func (s *Server) Messages(channelID string) []*Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Message
	for _, id := range s.msgOrder {
		if r := s.messages[id]; channelID == "" || r.msg.ChannelID == channelID {
			out = append(out, r.export())
		}
	}
	return out
}

// BotMessages returns the messages the bot created over REST (channel
// messages, interaction responses and follow-ups), in creation order.
func (s *Server) BotMessages() []*Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Message
	for _, id := range s.msgOrder {
		if r := s.messages[id]; !r.fromGateway {
			out = append(out, r.export())
		}
	}
	return out
}

// MessageByID returns the stored message with this ID.
func (s *Server) MessageByID(id string) (*Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.messages[id]
	if !ok {
		return nil, false
	}
	return r.export(), true
}

// WaitMessage waits until a stored message, as created or after an edit,
// satisfies pred, and returns it. pred sees each message again after each
// change to it.
func (s *Server) WaitMessage(ctx context.Context, pred func(*Message) bool) (*Message, error) {
	var found *Message
	var seen int64
	err := s.WaitFor(ctx, func() bool {
		s.mu.Lock()
		var fresh []*Message
		top := seen
		for _, id := range s.msgOrder {
			if r := s.messages[id]; r.version > seen {
				fresh = append(fresh, r.export())
				top = max(top, r.version)
			}
		}
		s.mu.Unlock()
		seen = top
		for _, m := range fresh {
			if pred(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found, err
}

// Pings returns every notification the bot's writes would have caused, in
// order. A bot that sets allowed_mentions to parse nothing has none.
func (s *Server) Pings() []Ping {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.pings)
}

// Commands returns the commands last registered by bulk overwrite for
// guildID ("" for global), with the IDs the fake gave them; nil if none were.
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmds, ok := s.commands[guildID]
	if !ok {
		return nil
	}
	b, _ := json.Marshal(cmds)
	var out []*discordgo.ApplicationCommand
	_ = json.Unmarshal(b, &out)
	if out == nil {
		out = []*discordgo.ApplicationCommand{}
	}
	return out
}

// Channel returns the channel (guild text channel, DM or thread) with this ID.
func (s *Server) Channel(id string) (*discordgo.Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.channels[id]
	if !ok {
		return nil, false
	}
	return copyJSON(ch), true
}

// AddChannel makes a channel known to REST (GET /channels/{id}, posting in
// it). Channels of dispatched events are added on their own.
func (s *Server) AddChannel(ch *discordgo.Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[ch.ID] = copyJSON(ch)
	if ch.GuildID != "" {
		s.ensureGuild(ch.GuildID)
	}
}

// AddMember makes a guild member known to GET /guilds/{guild}/members/{user}.
// Members who invoke dispatched interactions are added on their own.
func (s *Server) AddMember(guildID string, m *discordgo.Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.learnMember(guildID, m)
}

func copyJSON[T any](v *T) *T {
	b, _ := json.Marshal(v)
	out := new(T)
	_ = json.Unmarshal(b, out)
	return out
}

// ensureGuild creates a minimal guild for an ID first seen in an event; s.mu held.
func (s *Server) ensureGuild(id string) *discordgo.Guild {
	g, ok := s.guilds[id]
	if !ok {
		g = &discordgo.Guild{ID: id, Name: "guild-" + id, Roles: []*discordgo.Role{{ID: id, Name: "@everyone", Permissions: DefaultMemberPermissions}}}
		s.guilds[id] = g
	}
	return g
}

// ensureChannel creates a channel first seen in an event; s.mu held.
func (s *Server) ensureChannel(id, guildID string, recipient *discordgo.User) {
	if id == "" {
		return
	}
	if _, ok := s.channels[id]; ok {
		return
	}
	if guildID == "" {
		bot := s.botUser
		var rs []*discordgo.User
		if recipient != nil {
			u := *recipient
			rs = append(rs, &u)
		}
		s.channels[id] = &discordgo.Channel{ID: id, Type: discordgo.ChannelTypeDM, Recipients: append(rs, &bot)}
		return
	}
	g := s.ensureGuild(guildID)
	ch := &discordgo.Channel{ID: id, GuildID: guildID, Name: "channel-" + id, Type: discordgo.ChannelTypeGuildText}
	s.channels[id] = ch
	g.Channels = append(g.Channels, ch)
}

// learnMember records a member and its user and roles; s.mu held.
func (s *Server) learnMember(guildID string, m *discordgo.Member) {
	if m == nil || m.User == nil || guildID == "" {
		return
	}
	g := s.ensureGuild(guildID)
	cp := copyJSON(m)
	cp.GuildID = guildID
	s.members[guildID+"/"+m.User.ID] = cp
	s.learnUser(m.User)
	for _, id := range m.Roles {
		if !slices.ContainsFunc(g.Roles, func(r *discordgo.Role) bool { return r.ID == id }) {
			g.Roles = append(g.Roles, &discordgo.Role{ID: id, Name: "role-" + id})
		}
	}
}

func (s *Server) learnUser(u *discordgo.User) {
	if u == nil || u.ID == "" {
		return
	}
	if _, ok := s.users[u.ID]; !ok {
		s.users[u.ID] = copyJSON(u)
	}
}

// learnInteraction registers an interaction about to be dispatched; s.mu held.
func (s *Server) learnInteraction(i *discordgo.Interaction) {
	if i.ID == "" {
		return
	}
	var user *discordgo.User
	if i.Member != nil {
		user = i.Member.User
	} else {
		user = i.User
	}
	s.ensureChannel(i.ChannelID, i.GuildID, user)
	s.learnMember(i.GuildID, i.Member)
	s.learnUser(i.User)
	if _, ok := s.interactions[i.ID]; ok {
		return
	}
	rec := &interactionRecord{i: copyJSON(i)}
	s.interactions[i.ID] = rec
	if i.Token != "" {
		s.byToken[i.Token] = rec
	}
	s.interOrder = append(s.interOrder, i.ID)
}

// learnMessage stores a user's message about to be dispatched; s.mu held.
func (s *Server) learnMessage(m *discordgo.Message) {
	if m.ID == "" {
		return
	}
	s.ensureChannel(m.ChannelID, m.GuildID, m.Author)
	s.learnUser(m.Author)
	if m.Member != nil && m.Author != nil {
		mm := *m.Member
		mm.User = m.Author
		s.learnMember(m.GuildID, &mm)
	}
	if _, ok := s.messages[m.ID]; ok {
		return
	}
	rec := &msgRecord{msg: copyJSON(m), fromGateway: true}
	if len(m.Components) > 0 {
		var tmp struct {
			C json.RawMessage `json:"components"`
		}
		b, _ := json.Marshal(struct {
			C []discordgo.MessageComponent `json:"components"`
		}{m.Components})
		_ = json.Unmarshal(b, &tmp)
		rec.components = tmp.C
	}
	s.storeMessage(rec)
}

// storeMessage adds a new message record; s.mu held.
func (s *Server) storeMessage(rec *msgRecord) {
	s.msgVersion++
	rec.version = s.msgVersion
	s.messages[rec.msg.ID] = rec
	s.msgOrder = append(s.msgOrder, rec.msg.ID)
	if ch := s.channels[rec.msg.ChannelID]; ch != nil {
		ch.LastMessageID = rec.msg.ID
	}
}

// touch marks a message as changed for WaitMessage; s.mu held.
func (s *Server) touch(rec *msgRecord) {
	s.msgVersion++
	rec.version = s.msgVersion
}

// messageBody is the part of a message create or edit the fake reads. A nil
// pointer or empty RawMessage is a field the request left out.
type messageBody struct {
	Content         *string                           `json:"content"`
	Embeds          *[]*discordgo.MessageEmbed        `json:"embeds"`
	Components      json.RawMessage                   `json:"components"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Reference       *discordgo.MessageReference       `json:"message_reference"`
	Flags           *discordgo.MessageFlags           `json:"flags"`
	TTS             bool                              `json:"tts"`
	Attachments     json.RawMessage                   `json:"attachments"`
	StickerIDs      []string                          `json:"sticker_ids"`
	Poll            json.RawMessage                   `json:"poll"`
	Nonce           json.RawMessage                   `json:"nonce"` // a string or an integer
	EnforceNonce    bool                              `json:"enforce_nonce"`

	files []*discordgo.MessageAttachment // parts of a multipart body
}

func present(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

func nonEmptyArray(raw json.RawMessage) bool {
	return present(raw) && string(bytes.TrimSpace(raw)) != "[]"
}

// decodeBody decodes a JSON body, or the payload_json of a multipart one
// (whose file parts come back as attachments), into v.
func decodeBody(r *http.Request, body []byte, v any) ([]*discordgo.MessageAttachment, error) {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		if len(bytes.TrimSpace(body)) == 0 {
			return nil, fmt.Errorf("empty body")
		}
		return nil, json.Unmarshal(body, v)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var files []*discordgo.MessageAttachment
	var payload []byte
	for range 100 { // Discord allows 10 files; bound the loop anyway
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(p)
		switch {
		case p.FormName() == "payload_json":
			payload = buf.Bytes()
		case p.FileName() != "":
			files = append(files, &discordgo.MessageAttachment{
				ID: fmt.Sprint(len(files)), Filename: p.FileName(), Size: buf.Len(),
				ContentType: p.Header.Get("Content-Type"),
			})
		}
	}
	if payload == nil {
		return files, fmt.Errorf("multipart body without payload_json")
	}
	return files, json.Unmarshal(payload, v)
}

// httpErr is a Discord error answer decided deep in a handler.
type httpErr struct {
	status, code int
	msg          string
	field, fcode string // for 50035 Invalid Form Body
}

func (e *httpErr) write(w http.ResponseWriter) {
	if e.field != "" {
		formError(w, e.field, e.fcode, e.msg)
		return
	}
	writeError(w, e.status, e.code, e.msg)
}

func errNotFound(code int, msg string) *httpErr {
	return &httpErr{status: http.StatusNotFound, code: code, msg: msg}
}

func errForm(field, code, msg string) *httpErr {
	return &httpErr{status: http.StatusBadRequest, field: field, fcode: code, msg: msg}
}

// Discord's limits on a message.
const (
	maxContent          = 2000
	maxEmbeds           = 10
	maxEmbedTitle       = 256
	maxEmbedDescription = 4096
	maxEmbedFields      = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooterText       = 2048
	maxAuthorName       = 256
	maxEmbedTotal       = 6000
)

// validateMessage checks a message's resulting content and embeds against
// Discord's limits. Lengths are counted in Unicode code points.
func validateMessage(content string, embeds []*discordgo.MessageEmbed, hasOther bool) *httpErr {
	n := utf8.RuneCountInString
	tooLong := func(field string, limit int) *httpErr {
		return errForm(field, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", limit))
	}
	if n(content) > maxContent {
		return tooLong("content", maxContent)
	}
	if len(embeds) > maxEmbeds {
		return tooLong("embeds", maxEmbeds)
	}
	total := 0
	for i, e := range embeds {
		if e == nil {
			continue
		}
		p := fmt.Sprintf("embeds.%d.", i)
		if n(e.Title) > maxEmbedTitle {
			return tooLong(p+"title", maxEmbedTitle)
		}
		if n(e.Description) > maxEmbedDescription {
			return tooLong(p+"description", maxEmbedDescription)
		}
		if len(e.Fields) > maxEmbedFields {
			return tooLong(p+"fields", maxEmbedFields)
		}
		total += n(e.Title) + n(e.Description)
		for j, f := range e.Fields {
			if f == nil {
				continue
			}
			fp := fmt.Sprintf("%sfields.%d.", p, j)
			if strings.TrimSpace(f.Name) == "" {
				return errForm(fp+"name", "BASE_TYPE_REQUIRED", "This field is required")
			}
			if strings.TrimSpace(f.Value) == "" {
				return errForm(fp+"value", "BASE_TYPE_REQUIRED", "This field is required")
			}
			if n(f.Name) > maxFieldName {
				return tooLong(fp+"name", maxFieldName)
			}
			if n(f.Value) > maxFieldValue {
				return tooLong(fp+"value", maxFieldValue)
			}
			total += n(f.Name) + n(f.Value)
		}
		if e.Footer != nil {
			if n(e.Footer.Text) > maxFooterText {
				return tooLong(p+"footer.text", maxFooterText)
			}
			total += n(e.Footer.Text)
		}
		if e.Author != nil {
			if n(e.Author.Name) > maxAuthorName {
				return tooLong(p+"author.name", maxAuthorName)
			}
			total += n(e.Author.Name)
		}
	}
	if total > maxEmbedTotal {
		return errForm("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
	}
	if strings.TrimSpace(content) == "" && len(embeds) == 0 && !hasOther {
		return &httpErr{status: http.StatusBadRequest, code: codeEmptyMessage, msg: "Cannot send an empty message"}
	}
	return nil
}

func validateAllowedMentions(am *discordgo.MessageAllowedMentions) *httpErr {
	if am == nil {
		return nil
	}
	for _, p := range am.Parse {
		switch p {
		case discordgo.AllowedMentionTypeUsers:
			if len(am.Users) > 0 {
				return errForm("allowed_mentions", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["users"] and users: [ids...] are mutually exclusive.`)
			}
		case discordgo.AllowedMentionTypeRoles:
			if len(am.Roles) > 0 {
				return errForm("allowed_mentions", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["roles"] and roles: [ids...] are mutually exclusive.`)
			}
		case discordgo.AllowedMentionTypeEveryone:
		default:
			return errForm("allowed_mentions.parse", "BASE_TYPE_CHOICES", fmt.Sprintf("Value must be one of {'users', 'roles', 'everyone'}, got %q.", p))
		}
	}
	if len(am.Users) > 100 || len(am.Roles) > 100 {
		return errForm("allowed_mentions", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
	}
	return nil
}

var (
	userMentionRE = regexp.MustCompile(`<@!?(\d{1,20})>`)
	roleMentionRE = regexp.MustCompile(`<@&(\d{1,20})>`)
	everyoneRE    = regexp.MustCompile(`@(everyone|here)\b`)
)

// computePings works out who a write notifies: everything parsed from the
// content when allowed_mentions is absent, only what it allows otherwise.
func computePings(content string, am *discordgo.MessageAllowedMentions, repliedAuthor string) (pings []Ping, everyone bool, users, roles []string) {
	allowsType := func(t discordgo.AllowedMentionType) bool {
		return am == nil || slices.Contains(am.Parse, t)
	}
	if allowsType(discordgo.AllowedMentionTypeEveryone) {
		for _, m := range everyoneRE.FindAllStringSubmatch(content, -1) {
			everyone = true
			pings = append(pings, Ping{Kind: PingEveryone, Target: "@" + m[1]})
		}
	}
	for _, m := range userMentionRE.FindAllStringSubmatch(content, -1) {
		if (allowsType(discordgo.AllowedMentionTypeUsers) || slices.Contains(am.Users, m[1])) && !slices.Contains(users, m[1]) {
			users = append(users, m[1])
			pings = append(pings, Ping{Kind: PingUser, Target: m[1]})
		}
	}
	for _, m := range roleMentionRE.FindAllStringSubmatch(content, -1) {
		if (allowsType(discordgo.AllowedMentionTypeRoles) || slices.Contains(am.Roles, m[1])) && !slices.Contains(roles, m[1]) {
			roles = append(roles, m[1])
			pings = append(pings, Ping{Kind: PingRole, Target: m[1]})
		}
	}
	// Without allowed_mentions a reply pings the author replied to.
	if repliedAuthor != "" && (am == nil || am.RepliedUser) {
		pings = append(pings, Ping{Kind: PingRepliedUser, Target: repliedAuthor})
		if !slices.Contains(users, repliedAuthor) {
			users = append(users, repliedAuthor)
		}
	}
	return pings, everyone, users, roles
}

// applyPings sets a bot message's mention fields from its latest write and
// logs the pings; s.mu held.
func (s *Server) applyPings(rec *msgRecord, now time.Time) {
	replied := ""
	if ref := rec.msg.ReferencedMessage; ref != nil && ref.Author != nil {
		replied = ref.Author.ID
	}
	pings, everyone, users, roles := computePings(rec.msg.Content, rec.allowed, replied)
	rec.msg.MentionEveryone = everyone
	rec.msg.MentionRoles = roles
	rec.msg.Mentions = nil
	for _, id := range users {
		u, ok := s.users[id]
		if !ok {
			u = &discordgo.User{ID: id}
		}
		rec.msg.Mentions = append(rec.msg.Mentions, copyJSON(u))
	}
	for i := range pings {
		pings[i].MessageID, pings[i].ChannelID, pings[i].At = rec.msg.ID, rec.msg.ChannelID, now
	}
	rec.pings = pings
	s.pings = append(s.pings, pings...)
}
