package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// interaction is one slash command being handled: the interaction, when it
// arrived, and its own rate-limit state.
type interaction struct {
	b         *Bot
	i         *discordgo.Interaction
	at        time.Time // when the gateway delivered it
	lim       interactionLimit
	ephemeral bool   // the deferred response, and so the answer, is ephemeral
	question  string // the /ask question, named when the answer goes to the channel

	// channel, once set, takes the reply's messages: the interaction's
	// token expired before the answer was delivered.
	channel atomic.Pointer[channelReply]
}

// created is when the interaction was made: the time in its snowflake ID
// when that is earlier than its arrival (an event replayed after a resume
// arrives late), else its arrival.
func (x *interaction) created() time.Time {
	if t, err := discordgo.SnowflakeTimestamp(x.i.ID); err == nil && t.Before(x.at) {
		return t
	}
	return x.at
}

// displayName is how the asker is named in a channel message: the server
// nickname, else the display name, else the user name (never a mention).
func (x *interaction) displayName() string {
	if m := x.i.Member; m != nil && m.Nick != "" {
		return m.Nick
	}
	u := x.user()
	if u.GlobalName != "" {
		return u.GlobalName
	}
	if u.Username != "" {
		return u.Username
	}
	return "someone"
}

// tokenExpired reports whether err is Discord refusing an interaction's
// webhook because its token has expired (401, code 50027 Invalid Webhook
// Token).
func tokenExpired(err error) bool {
	var re *restError
	return errors.As(err, &re) && (re.Code == codeInvalidWebhookToken || re.Status == http.StatusUnauthorized)
}

// toChannel delivers m, and every later message of the reply, as ordinary
// messages once the interaction's token has expired (cause): a public
// answer in the channel, its first message saying whose question it
// answers, by name (no ping: every message sends an empty allowed_mentions
// parse); a private answer in a direct message to the asker, never in the
// channel.
func (x *interaction) toChannel(ctx context.Context, m outMessage, cause error) (string, error) {
	log := x.b.log.With("interaction", x.i.ID, "user", x.user().ID, "channel", x.i.ChannelID)
	question := escapeMarkdown(truncate(x.question, 200))
	channelID := x.i.ChannelID
	header := fmt.Sprintf("Answer to %s's question “%s”:", escapeMarkdown(truncate(x.displayName(), 64)), question)
	if x.ephemeral {
		dm, err := x.b.rest.UserChannelCreate(x.user().ID, discordgo.WithContext(ctx))
		if err != nil {
			log.Error("answer lost: the interaction token expired and no direct message could be opened for a private question",
				"err", err, "cause", cause)
			return "", fmt.Errorf("open a direct message after %w: %w", cause, err)
		}
		channelID = dm.ID
		header = fmt.Sprintf("The answer to your private question “%s” took too long to show where you asked, so here it is:", question)
	}
	x.b.metrics.tokenExpired.WithLabelValues("reply").Inc()
	log.Warn("the interaction token expired; sending the answer as a message", "err", cause, "to", channelID)
	cr := &channelReply{b: x.b, channelID: channelID}
	x.channel.Store(cr)
	if discordLen(header)+1+discordLen(m.Content) <= maxContent {
		m.Content = header + "\n" + m.Content
		return cr.first(ctx, m)
	}
	id, err := cr.first(ctx, outMessage{Content: header})
	if err != nil {
		return "", err
	}
	_, err = cr.more(ctx, m)
	return id, err
}

// onInteraction is called in the gateway's read loop for every
// INTERACTION_CREATE: it registers the work and hands it to a goroutine.
func (b *Bot) onInteraction(i *discordgo.Interaction, at time.Time) {
	defer b.events.Add(1) // after the work is registered
	accepting := b.work.enter()
	go func() {
		defer b.work.leave()
		defer b.recoverPanic("interaction")
		x := &interaction{b: b, i: i, at: at}
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			b.onAutocomplete(x) // autocomplete.go
			return
		}
		// ApplicationCommandData panics on any other type of interaction.
		if i.Type != discordgo.InteractionApplicationCommand {
			b.log.Debug("ignoring interaction", "type", i.Type.String())
			return
		}
		if !accepting {
			b.count(sourceSlash, outcomeShutdown)
			ctx, cancel := deliveryContext(context.Background())
			defer cancel()
			if err := x.respond(ctx, shutdownText, true); err != nil {
				b.log.Debug("shutdown reply", "err", err)
			}
			return
		}
		// Data that did not decode leaves Type set and Data nil, and
		// ApplicationCommandData would panic.
		data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
		if !ok {
			b.log.Warn("command interaction without command data", "interaction", i.ID)
			ctx, cancel := deliveryContext(b.workCtx)
			defer cancel()
			if err := x.respond(ctx, "Sorry, I couldn't read that command. Please try again.", true); err != nil {
				b.log.Debug("bad command reply", "err", err)
			}
			return
		}
		name := data.Name
		h, ok := b.handlers[name]
		if !ok {
			b.log.Warn("unknown command", "name", name)
			ctx, cancel := deliveryContext(b.workCtx)
			defer cancel()
			if err := x.respond(ctx, "I don't know that command. Try /help.", true); err != nil {
				b.log.Debug("unknown command reply", "err", err)
			}
			return
		}
		h(b.workCtx, x)
	}()
}

func (b *Bot) recoverPanic(what string) {
	if v := recover(); v != nil {
		b.log.Error("panic in handler", "in", what, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	}
}

// user returns who sent the interaction: the member's user in a server,
// the user in a DM.
func (x *interaction) user() *discordgo.User {
	if x.i.Member != nil && x.i.Member.User != nil {
		return x.i.Member.User
	}
	if x.i.User != nil {
		return x.i.User
	}
	return &discordgo.User{}
}

func flags(ephemeral bool) discordgo.MessageFlags {
	if ephemeral {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// deferReply acknowledges the interaction with a deferred response (the
// user sees "thinking…"), which must happen within 3 s of its creation.
func (x *interaction) deferReply(ctx context.Context, ephemeral bool) error {
	x.ephemeral = ephemeral
	resp := &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: flags(ephemeral), AllowedMentions: noMentions()},
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return acked(x.b.ic.do(ctx, &x.lim, "ack", http.MethodPost, callbackURL(x.i), resp, nil))
}

// acked treats "already acknowledged" (40060) as success: a retry after a
// lost reply finds that the first attempt landed.
func acked(err error) error {
	if isCode(err, codeAlreadyAcked) {
		return nil
	}
	return err
}

// respond answers the interaction at once with a message (no deferral).
func (x *interaction) respond(ctx context.Context, content string, ephemeral bool) error {
	resp := &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content:         truncate(content, maxContent),
			Flags:           flags(ephemeral),
			AllowedMentions: noMentions(),
		},
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return acked(x.b.ic.do(ctx, &x.lim, "respond", http.MethodPost, callbackURL(x.i), resp, nil))
}

// respondEmbed answers the interaction at once with an embed.
func (x *interaction) respondEmbed(ctx context.Context, e *discordgo.MessageEmbed, ephemeral bool) error {
	resp := &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Embeds:          []*discordgo.MessageEmbed{e},
			Flags:           flags(ephemeral),
			AllowedMentions: noMentions(),
		},
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return x.b.ic.do(ctx, &x.lim, "respond", http.MethodPost, callbackURL(x.i), resp, nil)
}

// first replaces the deferred response with m. It implements responder.
func (x *interaction) first(ctx context.Context, m outMessage) (string, error) {
	if cr := x.channel.Load(); cr != nil {
		return cr.first(ctx, m)
	}
	embeds := m.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{} // clear embeds of an earlier edit
	}
	edit := &discordgo.WebhookEdit{Content: &m.Content, Embeds: &embeds, AllowedMentions: noMentions()}
	var msg discordgo.Message
	if err := x.b.ic.do(ctx, &x.lim, "edit response", http.MethodPatch, originalURL(x.i), edit, &msg); err != nil {
		if tokenExpired(err) {
			return x.toChannel(ctx, m, err)
		}
		return "", err
	}
	return msg.ID, nil
}

// preview shows the text of an answer being streamed in place of the
// deferred response: one attempt, skipped when the interaction is rate
// limited. It implements responder.
func (x *interaction) preview(ctx context.Context, content string) error {
	if x.channel.Load() != nil {
		return nil // the reply moved to the channel; the final message will do
	}
	embeds := []*discordgo.MessageEmbed{}
	edit := &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, AllowedMentions: noMentions()}
	return x.b.ic.doOnce(ctx, &x.lim, "preview", http.MethodPatch, originalURL(x.i), edit, nil)
}

// more sends m as a follow-up message, ephemeral if the response is. It
// implements responder.
func (x *interaction) more(ctx context.Context, m outMessage) (string, error) {
	if cr := x.channel.Load(); cr != nil {
		return cr.more(ctx, m)
	}
	p := &discordgo.WebhookParams{
		Content:         m.Content,
		Embeds:          m.Embeds,
		AllowedMentions: noMentions(),
		Flags:           flags(x.ephemeral),
	}
	var msg discordgo.Message
	if err := x.b.ic.do(ctx, &x.lim, "follow-up", http.MethodPost, followupURL(x.i), p, &msg); err != nil {
		if tokenExpired(err) {
			return x.toChannel(ctx, m, err)
		}
		return "", err
	}
	return msg.ID, nil
}

// notice sends a short ephemeral follow-up, seen by the asker only.
func (x *interaction) notice(ctx context.Context, content string) error {
	p := &discordgo.WebhookParams{
		Content:         content,
		AllowedMentions: noMentions(),
		Flags:           discordgo.MessageFlagsEphemeral,
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return x.b.ic.do(ctx, &x.lim, "notice", http.MethodPost, followupURL(x.i), p, nil)
}

// deliveryContext bounds the sending of a reply. It is not cancelled with
// parent, so that a question cut short by shutdown still gets its apology.
func deliveryContext(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(parent), 15*time.Second)
}
