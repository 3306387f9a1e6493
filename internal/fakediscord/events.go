package fakediscord

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Option shapes an event the builders make: where it happens, who causes
// it, what it carries. Options that do not apply to an event are ignored
// (command options on a message, reply on an interaction).
type Option func(*eventConfig)

type eventConfig struct {
	guildID, channelID string
	dm                 bool
	user               *discordgo.User
	permissions        *int64
	roles              []string
	options            []*discordgo.ApplicationCommandInteractionDataOption
	reply              *discordgo.Message
	replyPing          bool
	mentions           []*discordgo.User
	attachments        []pendingAttachment
}

// InGuild places the event in a guild channel (created on the fly if the
// fake does not know it).
func InGuild(guildID, channelID string) Option {
	return func(c *eventConfig) { c.guildID, c.channelID, c.dm = guildID, channelID, false }
}

// InChannel places the event in another channel of the guild, a thread for
// example.
func InChannel(channelID string) Option {
	return func(c *eventConfig) { c.channelID, c.dm = channelID, false }
}

// InDM places the event in the DM channel between the user and the bot
// (DefaultDMChannelID unless a channel is given).
func InDM(channelID ...string) Option {
	return func(c *eventConfig) {
		c.dm, c.guildID, c.channelID = true, "", DefaultDMChannelID
		if len(channelID) > 0 {
			c.channelID = channelID[0]
		}
	}
}

// From makes u the message's author or the interaction's invoker (default
// DefaultUser()). Set u.Bot for a message from another bot.
func From(u *discordgo.User) Option {
	return func(c *eventConfig) { c.user = u }
}

// WithPermissions sets the invoking member's permissions in the channel
// (default DefaultMemberPermissions).
func WithPermissions(p int64) Option {
	return func(c *eventConfig) { c.permissions = &p }
}

// WithRoles gives the member these role IDs.
func WithRoles(roleIDs ...string) Option {
	return func(c *eventConfig) { c.roles = append(c.roles, roleIDs...) }
}

// AsAdmin gives the invoking member every permission, Administrator and
// Manage Server included, as Discord reports for an administrator.
func AsAdmin() Option { return WithPermissions(discordgo.PermissionAll) }

// StringOption adds a string command option.
func StringOption(name, value string) Option {
	return commandOption(name, discordgo.ApplicationCommandOptionString, value)
}

// BoolOption adds a boolean command option.
func BoolOption(name string, value bool) Option {
	return commandOption(name, discordgo.ApplicationCommandOptionBoolean, value)
}

// IntegerOption adds an integer command option.
func IntegerOption(name string, value int64) Option {
	return commandOption(name, discordgo.ApplicationCommandOptionInteger, value)
}

func commandOption(name string, t discordgo.ApplicationCommandOptionType, v any) Option {
	return func(c *eventConfig) {
		c.options = append(c.options, &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: t, Value: v})
	}
}

// ReplyTo makes the message a reply to m (in m's channel). With ping, m's
// author is mentioned, as the Discord client does by default; without, the
// reply mentions nobody, so a bot without the Message Content intent gets
// it with empty content.
func ReplyTo(m *discordgo.Message, ping bool) Option {
	return func(c *eventConfig) { c.reply, c.replyPing = m, ping }
}

// Mentioning adds users to the message's mentions (and their <@id> to its
// content).
func Mentioning(users ...*discordgo.User) Option {
	return func(c *eventConfig) { c.mentions = append(c.mentions, users...) }
}

func (s *Server) config(opts []Option) *eventConfig {
	c := &eventConfig{guildID: s.opts.GuildID, channelID: s.opts.ChannelID}
	for _, o := range opts {
		o(c)
	}
	if c.user == nil {
		c.user = DefaultUser()
	}
	if c.reply != nil && c.reply.ChannelID != "" {
		c.channelID, c.guildID, c.dm = c.reply.ChannelID, c.reply.GuildID, c.reply.GuildID == ""
	}
	if c.dm {
		c.guildID = ""
	}
	return c
}

// CommandInteraction builds an application command interaction for /name,
// with the options given as StringOption, BoolOption, IntegerOption,
// AttachmentOption, in the
// default guild channel by a member with DefaultMemberPermissions unless
// other Options say otherwise. ID and token are filled in at dispatch.
func (s *Server) CommandInteraction(name string, opts ...Option) *discordgo.Interaction {
	c := s.config(opts)
	s.mu.Lock()
	cmdID := s.commandIDs[c.guildID+"/1/"+name]
	if cmdID == "" {
		cmdID = s.commandIDs["/1/"+name]
	}
	s.mu.Unlock()
	if cmdID == "" {
		cmdID = s.newID()
	}
	i := &discordgo.Interaction{
		AppID:          s.opts.ApplicationID,
		Type:           discordgo.InteractionApplicationCommand,
		ChannelID:      c.channelID,
		GuildID:        c.guildID,
		Locale:         discordgo.EnglishUS,
		Version:        1,
		AppPermissions: DefaultMemberPermissions,
	}
	data := discordgo.ApplicationCommandInteractionData{
		ID: cmdID, Name: name, CommandType: discordgo.ChatApplicationCommand, Options: c.options,
	}
	s.addAttachments(c, &data)
	i.Data = data
	user := *c.user
	if c.dm {
		i.User = &user
		i.Context = discordgo.InteractionContextBotDM
	} else {
		perms := DefaultMemberPermissions
		if c.permissions != nil {
			perms = *c.permissions
		}
		locale := discordgo.EnglishUS
		i.GuildLocale = &locale
		i.Member = &discordgo.Member{
			GuildID: c.guildID, User: &user, Roles: append([]string{}, c.roles...),
			Permissions: perms, JoinedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		}
		i.Context = discordgo.InteractionContextGuild
	}
	return i
}

// AskInteraction builds /ask with its "question" option, then any other
// options (BoolOption("private", true), say).
func (s *Server) AskInteraction(question string, opts ...Option) *discordgo.Interaction {
	return s.CommandInteraction("ask", append([]Option{StringOption("question", question)}, opts...)...)
}

// UserMessage builds a message with this content from the user (default
// DefaultUser()) in the default guild channel unless Options say otherwise.
// ID and timestamp are filled in at dispatch.
func (s *Server) UserMessage(content string, opts ...Option) *discordgo.Message {
	c := s.config(opts)
	user := *c.user
	m := &discordgo.Message{
		ChannelID: c.channelID,
		GuildID:   c.guildID,
		Content:   content,
		Author:    &user,
		Type:      discordgo.MessageTypeDefault,
		Mentions:  []*discordgo.User{},
		Embeds:    []*discordgo.MessageEmbed{},
	}
	if c.guildID != "" {
		m.Member = &discordgo.Member{Roles: append([]string{}, c.roles...), JoinedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	}
	var prefix []string
	for _, u := range c.mentions {
		cp := *u
		m.Mentions = append(m.Mentions, &cp)
		if !strings.Contains(content, "<@"+u.ID+">") && !strings.Contains(content, "<@!"+u.ID+">") {
			prefix = append(prefix, "<@"+u.ID+">")
		}
	}
	if len(prefix) > 0 {
		m.Content = strings.Join(prefix, " ") + " " + content
	}
	if r := c.reply; r != nil {
		m.Type = discordgo.MessageTypeReply
		m.MessageReference = &discordgo.MessageReference{MessageID: r.ID, ChannelID: r.ChannelID, GuildID: r.GuildID}
		ref := *r
		ref.ReferencedMessage = nil
		m.ReferencedMessage = &ref
		if c.replyPing && r.Author != nil {
			a := *r.Author
			m.Mentions = append(m.Mentions, &a)
		}
	}
	return m
}

// MentionMessage builds a message that mentions the bot: content
// "<@botID> text", with the bot in its mentions.
func (s *Server) MentionMessage(text string, opts ...Option) *discordgo.Message {
	return s.UserMessage(text, append(opts, Mentioning(s.BotUser()))...)
}

// DispatchInteraction sends INTERACTION_CREATE for i, filling in an empty
// ID, token and application ID (i is updated in place), and registers it so
// that its callback and webhooks work.
func (s *Server) DispatchInteraction(i *discordgo.Interaction) (Dispatched, error) {
	if i.ID == "" {
		i.ID = s.newID()
	}
	if i.Token == "" {
		i.Token = "fake-interaction-token." + i.ID + "." + randomHex(12)
	}
	if i.AppID == "" {
		i.AppID = s.opts.ApplicationID
	}
	if i.Version == 0 {
		i.Version = 1
	}
	raw, err := json.Marshal(i)
	if err != nil {
		return Dispatched{}, err
	}
	s.mu.Lock()
	s.learnInteraction(i)
	s.mu.Unlock()
	d, err := s.dispatchRaw("INTERACTION_CREATE", raw, i.ID)
	d.ID, d.Token, d.ChannelID = i.ID, i.Token, i.ChannelID
	return d, err
}

// DispatchMessage sends MESSAGE_CREATE for m, filling in an empty ID and
// timestamp (m is updated in place), and stores it so that replies and
// threads can refer to it.
func (s *Server) DispatchMessage(m *discordgo.Message) (Dispatched, error) {
	if m.ID == "" {
		m.ID = s.newID()
	}
	if m.Timestamp.IsZero() {
		m.Timestamp = time.Now().UTC()
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return Dispatched{}, err
	}
	s.mu.Lock()
	s.learnMessage(m)
	s.mu.Unlock()
	d, err := s.dispatchRaw("MESSAGE_CREATE", raw, "")
	d.ID, d.ChannelID = m.ID, m.ChannelID
	return d, err
}

// Ask builds and dispatches /ask question (see AskInteraction).
func (s *Server) Ask(question string, opts ...Option) (Dispatched, error) {
	return s.DispatchInteraction(s.AskInteraction(question, opts...))
}

// Mention builds and dispatches a message mentioning the bot (see
// MentionMessage).
func (s *Server) Mention(text string, opts ...Option) (Dispatched, error) {
	return s.DispatchMessage(s.MentionMessage(text, opts...))
}

// AskConcurrently dispatches n /ask interactions for question at once, each
// from its own goroutine, as a burst of users would send them, and returns
// their IDs in order. opts, if not nil, gives the options of the i-th one
// (for example its user). It returns the first dispatch error, if any.
func (s *Server) AskConcurrently(n int, question string, opts func(i int) []Option) ([]string, error) {
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var o []Option
			if opts != nil {
				o = opts(i)
			}
			d, err := s.Ask(question, o...)
			ids[i], errs[i] = d.ID, err
		}()
	}
	wg.Wait()
	return ids, errors.Join(errs...)
}
