package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/newsbot/newsbot"
)

// onMessage is called in the gateway's read loop for every MESSAGE_CREATE.
// A message is a question when its mentions include the bot (Discord
// delivers the content of those without the Message Content intent), or
// when it is a direct message; messages from bots, the bot's own included,
// and from webhooks are ignored.
func (b *Bot) onMessage(m *discordgo.Message, at time.Time) {
	defer b.events.Add(1) // after the work, if any, is registered
	if m == nil || m.Author == nil || m.Author.Bot || m.WebhookID != "" {
		return
	}
	me := b.botID.Load()
	if me == nil || *me == "" || m.Author.ID == *me {
		return
	}
	if m.GuildID != "" && !mentions(m, *me) {
		return
	}
	accepting := b.work.enter()
	go func() {
		defer b.work.leave()
		defer b.recoverPanic("message")
		if !accepting {
			b.count(sourceOf(m), outcomeShutdown)
			ctx, cancel := deliveryContext(context.Background())
			defer cancel()
			r := &channelReply{b: b, channelID: m.ChannelID, ref: m.SoftReference()}
			if _, err := r.first(ctx, outMessage{Content: shutdownText}); err != nil {
				b.log.Debug("shutdown reply", "err", err)
			}
			return
		}
		b.handleMessage(b.workCtx, m, *me, at)
	}()
}

func mentions(m *discordgo.Message, id string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == id {
			return true
		}
	}
	return false
}

func sourceOf(m *discordgo.Message) string {
	if m.GuildID == "" {
		return sourceDM
	}
	return sourceMention
}

// stripMention removes the bot's mentions (<@id>, <@!id>) from a question.
func stripMention(content, id string) string {
	content = strings.ReplaceAll(content, "<@"+id+">", " ")
	content = strings.ReplaceAll(content, "<@!"+id+">", " ")
	return strings.Join(strings.Fields(content), " ")
}

// handleMessage answers a mention or a DM with a reply to it, in the same
// format as /ask: the reply references the question; a reply to one of the
// bot's answers is a follow-up; with Threads, the answer goes in a new
// thread, which then holds the conversation.
func (b *Bot) handleMessage(ctx context.Context, m *discordgo.Message, me string, at time.Time) {
	source := sourceOf(m)
	log := b.log.With("source", source, "user", m.Author.ID, "channel", m.ChannelID)
	text := stripMention(m.Content, me)
	r := &channelReply{b: b, channelID: m.ChannelID, ref: m.SoftReference()}

	if ok, wait, first := b.cooldown.allow(m.Author.ID, true); !ok {
		b.count(source, outcomeCooldown)
		if first { // tell once per period; further messages are ignored, not answered
			b.replyText(ctx, r, cooldownText(wait), log)
		}
		return
	}
	if text == "" {
		b.count(source, outcomeRejected)
		b.replyText(ctx, r, helpText(b.cfg.Threads), log)
		return
	}

	var history []newsbot.Turn
	parent, thread := "", ""
	if turns, ok := b.convs.thread(m.ChannelID, b.cfg.HistoryTurns); ok {
		thread, history = m.ChannelID, turns
	} else if ref := m.ReferencedMessage; ref != nil && ref.Author != nil && ref.Author.ID == me {
		for _, k := range answerKeys(ref) {
			if history = b.convs.history(k, b.cfg.HistoryTurns); len(history) > 0 {
				parent = k
				break
			}
		}
		if len(history) == 0 {
			history = b.turnFromMessages(ctx, ref, me)
		}
	} else if b.cfg.Threads && m.GuildID != "" {
		if th, err := b.startThread(ctx, m, text); err != nil {
			log.Warn("could not start a thread; answering in the channel", "err", err)
		} else {
			thread = th
			b.convs.addThread(th)
			r = &channelReply{b: b, channelID: th}
		}
	}

	stopTyping := b.typing(ctx, r.channelID)
	defer stopTyping()
	r.onFirst = stopTyping
	q := question{Source: source, User: m.Author.ID, Text: text, History: history, At: at, Story: b.followedStory(history)}
	b.answer(ctx, q, r, nil, func(a newsbot.Answer) {
		turn := newsbot.Turn{Question: text, Answer: a.Text, Story: q.Story}
		b.convs.remember(questionKey(m.ID), parent, turn)
		if thread != "" {
			b.convs.appendThread(thread, turn)
		}
	})
	stopTyping()
}

// followedStory is the story a follow-up keeps to: that of the latest
// earlier turn asked about one story (/ask with its story option), while
// the library still has it; "" (every story) otherwise.
func (b *Bot) followedStory(history []newsbot.Turn) string {
	if len(history) == 0 {
		return ""
	}
	slug := history[len(history)-1].Story
	if slug == "" {
		return ""
	}
	if _, ok := resolveStory(b.indexStories(), slug); !ok {
		return "" // removed since: answer from every story rather than fail
	}
	return slug
}

// replyText replies with a short text (help, cooldown).
func (b *Bot) replyText(ctx context.Context, r *channelReply, text string, log *slog.Logger) {
	dctx, cancel := deliveryContext(ctx)
	defer cancel()
	if _, err := deliver(dctx, r, formatText(text)); err != nil {
		log.Warn("reply", "err", err)
	}
}

// turnFromMessages rebuilds the earlier turn of a follow-up to an answer
// the bot no longer remembers (after a restart): the answer is the
// referenced message's text, the question the message it replied to.
func (b *Bot) turnFromMessages(ctx context.Context, ans *discordgo.Message, me string) []newsbot.Turn {
	t := newsbot.Turn{Answer: ans.Content}
	if ref := ans.MessageReference; ref != nil && ref.MessageID != "" {
		ch := ref.ChannelID
		if ch == "" {
			ch = ans.ChannelID
		}
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		if q, err := b.rest.ChannelMessage(ch, ref.MessageID, discordgo.WithContext(ctx)); err == nil {
			t.Question = stripMention(q.Content, me)
		} else {
			b.log.Debug("fetch the earlier question", "err", err)
		}
	}
	if t.Answer == "" && t.Question == "" {
		return nil
	}
	return []newsbot.Turn{t}
}

// startThread opens a public thread on the question and returns its ID.
func (b *Bot) startThread(ctx context.Context, m *discordgo.Message, question string) (string, error) {
	name := question
	if utf8.RuneCountInString(name) > 90 {
		name = truncate(name, 90)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ch, err := b.rest.MessageThreadStartComplex(m.ChannelID, m.ID, &discordgo.ThreadStart{
		Name:                name,
		AutoArchiveDuration: 1440,
	}, discordgo.WithContext(ctx))
	if err != nil {
		return "", err
	}
	return ch.ID, nil
}

// typing shows the typing indicator in channel until the returned function
// is called: once now (waiting two seconds at most), then every 8 s, since
// Discord shows it for 10 s per call.
func (b *Bot) typing(ctx context.Context, channel string) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	send := func() {
		tctx, tcancel := context.WithTimeout(ctx, 2*time.Second)
		defer tcancel()
		if err := b.rest.ChannelTyping(channel, discordgo.WithContext(tctx)); err != nil && ctx.Err() == nil {
			b.log.Debug("typing indicator", "err", err)
		}
	}
	send()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 40; i++ { // at most ~5 minutes
			if sleep(ctx, 8*time.Second) != nil {
				return
			}
			send()
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
}

// channelReply is the reply to a message: the first message replies to
// the question (a message reference) or starts the bot's thread, and is
// then edited in place; more messages follow it.
type channelReply struct {
	b         *Bot
	channelID string
	ref       *discordgo.MessageReference // nil in a thread the bot opened
	firstID   string
	onFirst   func() // called before the first message is created (stops typing)
}

func (r *channelReply) send(ctx context.Context, m outMessage, ref *discordgo.MessageReference) (string, error) {
	// A retry after a 5xx or a lost answer must not post the message twice:
	// Discord returns the message already created with the same nonce
	// instead of creating another (enforce_nonce). discordgo v0.29.0's
	// MessageSend has no nonce, so the body is ours.
	data := &messageCreate{
		Content:         m.Content,
		Embeds:          m.Embeds,
		AllowedMentions: noMentions(),
		Reference:       ref, // a soft reference: the question may have been deleted meanwhile
		Nonce:           newNonce(),
		EnforceNonce:    true,
	}
	endpoint := discordgo.EndpointChannelMessages(r.channelID)
	var msg discordgo.Message
	err := retryREST(ctx, func() error {
		body, err := r.b.rest.RequestWithBucketID(http.MethodPost, endpoint, data, endpoint, discordgo.WithContext(ctx))
		if err != nil {
			return err
		}
		return json.Unmarshal(body, &msg)
	})
	if err != nil {
		return "", err
	}
	return msg.ID, nil
}

// messageCreate is the body of POST /channels/{id}/messages.
type messageCreate struct {
	Content         string                            `json:"content,omitempty"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Reference       *discordgo.MessageReference       `json:"message_reference,omitempty"`
	Nonce           string                            `json:"nonce"`
	EnforceNonce    bool                              `json:"enforce_nonce"`
}

// newNonce returns a message nonce: 24 hex digits (Discord takes up to 25
// characters).
func newNonce() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// first implements responder.
func (r *channelReply) first(ctx context.Context, m outMessage) (string, error) {
	if r.firstID == "" {
		if r.onFirst != nil {
			r.onFirst()
			r.onFirst = nil
		}
		// Creating must not be cut short by a streaming editor stopping:
		// a message created but not recorded would be sent twice.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		defer cancel()
		id, err := r.send(cctx, m, r.ref)
		if err != nil {
			return "", err
		}
		r.firstID = id
		return id, nil
	}
	embeds := m.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	content := m.Content
	edit := &discordgo.MessageEdit{
		ID:              r.firstID,
		Channel:         r.channelID,
		Content:         &content,
		Embeds:          &embeds,
		AllowedMentions: noMentions(),
	}
	err := retryREST(ctx, func() error {
		_, err := r.b.rest.ChannelMessageEditComplex(edit, discordgo.WithContext(ctx))
		return err
	})
	return r.firstID, err
}

// preview implements responder: it creates the reply with the text so far,
// or edits it with one attempt that a rate limit makes fail rather than
// wait (a newer preview or the final reply supersedes it).
func (r *channelReply) preview(ctx context.Context, content string) error {
	if r.firstID == "" {
		_, err := r.first(ctx, outMessage{Content: content})
		return err
	}
	edit := &discordgo.MessageEdit{
		ID:              r.firstID,
		Channel:         r.channelID,
		Content:         &content,
		AllowedMentions: noMentions(),
	}
	_, err := r.b.rest.ChannelMessageEditComplex(edit, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
	return err
}

// more implements responder. Every part of a long answer replies to the
// question, so a follow-up to any of them finds the conversation.
func (r *channelReply) more(ctx context.Context, m outMessage) (string, error) {
	return r.send(ctx, m, r.ref)
}

// retryREST calls f, retrying a few times with backoff when it fails with
// a 5xx or a transport error (discordgo itself waits out 429s).
func retryREST(ctx context.Context, f func() error) error {
	d := 250 * time.Millisecond
	var err error
	for attempt := 0; attempt < restAttempts; attempt++ {
		if err = f(); err == nil || !retryable(err) || ctx.Err() != nil {
			return err
		}
		if sleep(ctx, d) != nil {
			return err
		}
		d *= 2
	}
	return err
}
