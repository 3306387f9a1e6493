package bot

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
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
	ephemeral bool // the deferred response, and so the answer, is ephemeral
}

// onInteraction is called in the gateway's read loop for every
// INTERACTION_CREATE: it registers the work and hands it to a goroutine.
func (b *Bot) onInteraction(i *discordgo.Interaction, at time.Time) {
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
	embeds := m.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{} // clear embeds of an earlier edit
	}
	edit := &discordgo.WebhookEdit{Content: &m.Content, Embeds: &embeds, AllowedMentions: noMentions()}
	var msg discordgo.Message
	if err := x.b.ic.do(ctx, &x.lim, "edit response", http.MethodPatch, originalURL(x.i), edit, &msg); err != nil {
		return "", err
	}
	return msg.ID, nil
}

// preview shows the text of an answer being streamed in place of the
// deferred response: one attempt, skipped when the interaction is rate
// limited. It implements responder.
func (x *interaction) preview(ctx context.Context, content string) error {
	embeds := []*discordgo.MessageEmbed{}
	edit := &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, AllowedMentions: noMentions()}
	return x.b.ic.doOnce(ctx, &x.lim, "preview", http.MethodPatch, originalURL(x.i), edit, nil)
}

// more sends m as a follow-up message, ephemeral if the response is. It
// implements responder.
func (x *interaction) more(ctx context.Context, m outMessage) (string, error) {
	p := &discordgo.WebhookParams{
		Content:         m.Content,
		Embeds:          m.Embeds,
		AllowedMentions: noMentions(),
		Flags:           flags(x.ephemeral),
	}
	var msg discordgo.Message
	if err := x.b.ic.do(ctx, &x.lim, "follow-up", http.MethodPost, followupURL(x.i), p, &msg); err != nil {
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
