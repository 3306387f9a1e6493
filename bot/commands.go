package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/newsbot/newsbot"
)

// maxAskLen is the longest question /ask accepts: the engine's limit, so
// Discord's client stops a question where the engine would refuse it.
const maxAskLen = newsbot.MaxQuestionLen

var (
	manageServer int64 = discordgo.PermissionManageGuild
	noDM               = false
)

// command is one row of the command table: a slash command's definition,
// its handler, and whether only admins may run it. Adding a command is
// adding a row (and its handler).
type command struct {
	// def is what is registered with Discord. For an admin command,
	// commandDefs adds DefaultMemberPermissions Manage Server and no DMs.
	def *discordgo.ApplicationCommand
	// run handles the command and replies to x itself.
	run func(b *Bot, ctx context.Context, x *interaction)
	// admin commands run only for server admins (isAdmin), checked before
	// run whatever the server's permission settings let Discord show.
	admin bool
	// when, if set, says whether this bot registers the command (its
	// handler stays either way, to answer a registration an earlier
	// configuration left behind); nil registers it always.
	when func(b *Bot) bool
}

// commandTable lists the slash commands, registered with one bulk
// overwrite at start.
var commandTable = []command{
	{
		def: &discordgo.ApplicationCommand{
			Name:        "ask",
			Description: "Ask a question about the news story; the answer cites the articles",
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type:        discordgo.ApplicationCommandOptionString,
					Name:        "question",
					Description: "Your question",
					Required:    true,
					MaxLength:   maxAskLen,
				},
				storyOption("The story to ask about (default: all of them)"),
				{
					Type:        discordgo.ApplicationCommandOptionBoolean,
					Name:        "private",
					Description: "Show the answer to you only",
				},
			},
		},
		run: (*Bot).handleAsk,
	},
	{
		def: &discordgo.ApplicationCommand{
			Name:        "about",
			Description: "The articles newsbot knows, its models and when it last reloaded",
		},
		run: (*Bot).handleAbout,
	},
	{
		def: &discordgo.ApplicationCommand{
			Name:        "help",
			Description: "How to ask newsbot questions",
		},
		run: (*Bot).handleHelp,
	},
	{
		def: &discordgo.ApplicationCommand{
			Name:        "reload",
			Description: "Reload the articles from disk (server admins only)",
		},
		run:   (*Bot).handleReload,
		admin: true,
	},

	// The story commands (stories.go, admin.go).
	{
		def: &discordgo.ApplicationCommand{
			Name:        "stories",
			Description: "The news stories newsbot knows, newest first",
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionInteger, Name: "page", Description: "Which page of the list", MinValue: &firstPage,
			}},
		},
		run: (*Bot).handleStories,
	},
	{
		def: &discordgo.ApplicationCommand{
			Name:        "summary",
			Description: "A few cited points summarizing a story",
			Options: []*discordgo.ApplicationCommandOption{
				storyOption("The story to summarize (default: the newest)"),
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: "Show the summary to you only"},
			},
		},
		run:  (*Bot).handleSummary,
		when: (*Bot).summarizes,
	},
	{
		def: &discordgo.ApplicationCommand{
			Name:        "add",
			Description: "Add a story from a web page or a file (server admins only)",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "url", Description: "The article's address (http or https)", MaxLength: 2000},
				{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "An article file: .html, .htm, .md or .txt"},
			},
		},
		run:   (*Bot).handleAdd,
		admin: true,
		when:  (*Bot).hasLibrary,
	},
	{
		def: &discordgo.ApplicationCommand{
			Name:        "remove",
			Description: "Remove a story (server admins only)",
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "story", Description: "The story to remove",
				Required: true, Autocomplete: true, MaxLength: maxChoiceValue,
			}},
		},
		run:   (*Bot).handleRemove,
		admin: true,
		when:  (*Bot).hasLibrary,
	},
	{
		def: &discordgo.ApplicationCommand{
			Name:        "follow",
			Description: "Follow a news feed: RSS, Atom or JSON Feed (server admins only)",
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "url", Description: "The feed's address (http or https)",
				Required: true, MaxLength: 2000,
			}},
		},
		run:   (*Bot).handleFollow,
		admin: true,
		when:  (*Bot).hasLibrary,
	},
	{
		def: &discordgo.ApplicationCommand{
			Name:        "unfollow",
			Description: "Stop following a feed; its stories stay (server admins only)",
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "feed", Description: "The feed to stop following",
				Required: true, Autocomplete: true, MaxLength: 2000,
			}},
		},
		run:   (*Bot).handleUnfollow,
		admin: true,
		when:  (*Bot).hasLibrary,
	},
}

// firstPage is the least page /stories takes.
var firstPage = 1.0

// commands are the definitions of every row of commandTable; a bot
// registers those of its rows whose when holds (registeredCommands).
var commands = commandDefs(commandTable)

// registeredCommands returns the definitions this bot registers: the rows
// of table without a when, or whose when holds for b.
func (b *Bot) registeredCommands(table []command) []*discordgo.ApplicationCommand {
	var rows []command
	for _, c := range table {
		if c.when == nil || c.when(b) {
			rows = append(rows, c)
		}
	}
	return commandDefs(rows)
}

// commandDefs returns the definitions of table, an admin command's hidden
// from members without Manage Server and unavailable in DMs.
func commandDefs(table []command) []*discordgo.ApplicationCommand {
	defs := make([]*discordgo.ApplicationCommand, len(table))
	for i, c := range table {
		d := *c.def
		if c.admin {
			d.DefaultMemberPermissions = &manageServer
			d.DMPermission = &noDM
		}
		defs[i] = &d
	}
	return defs
}

// commandHandlers maps each command's name to its handler: the row's run,
// behind the admin check for admin commands.
func (b *Bot) commandHandlers(table []command) map[string]func(ctx context.Context, x *interaction) {
	m := make(map[string]func(ctx context.Context, x *interaction), len(table))
	for _, c := range table {
		run, name := c.run, c.def.Name
		if !c.admin {
			m[name] = func(ctx context.Context, x *interaction) { run(b, ctx, x) }
			continue
		}
		m[name] = func(ctx context.Context, x *interaction) {
			if !b.isAdmin(x.i) {
				b.refuseNonAdmin(ctx, x, name)
				return
			}
			run(b, ctx, x)
		}
	}
	return m
}

// refuseNonAdmin tells a member who is not an admin that /name is for
// admins, ephemerally, and logs and counts it.
func (b *Bot) refuseNonAdmin(ctx context.Context, x *interaction, name string) {
	log := b.log.With("user", x.user().ID, "guild", x.i.GuildID, "command", name)
	log.Warn("command refused: not an admin")
	b.metrics.adminRefusals.WithLabelValues(name).Inc()
	text := fmt.Sprintf("Sorry, only server admins (Manage Server) can use /%s.", name)
	if err := x.respond(ctx, text, true); err != nil {
		log.Warn("admin refusal", "err", err)
	}
}

// registerCommands overwrites the application's commands with this bot's rows
// of commandTable (registeredCommands):
// in the guild NEWSBOT_GUILD_ID when set (instant), globally otherwise. Only
// shard 0 does it. A failure is logged and retried at the next READY.
func (b *Bot) registerCommands(ctx context.Context) {
	if b.registered.Load() {
		return
	}
	if b.cfg.ShardID != 0 {
		b.log.Debug("slash commands are registered by shard 0", "shard", b.cfg.ShardID)
		return
	}
	appID := b.appID.Load()
	if appID == nil || *appID == "" {
		b.log.Error("cannot register commands: no application ID in READY")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmds := b.registeredCommands(commandTable)
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		_, err = b.rest.ApplicationCommandBulkOverwrite(*appID, b.cfg.GuildID, cmds, discordgo.WithContext(ctx))
		if err == nil || !retryable(err) {
			break
		}
		if sleep(ctx, time.Duration(attempt+1)*time.Second) != nil {
			break
		}
	}
	if err != nil {
		b.log.Error("register slash commands", "err", err, "guild", b.cfg.GuildID)
		return
	}
	b.registered.Store(true)
	scope := "global"
	if b.cfg.GuildID != "" {
		scope = "guild " + b.cfg.GuildID
	}
	b.log.Info("slash commands registered", "scope", scope, "count", len(cmds))
}

// handleAsk answers /ask: a deferred acknowledgement first, before any
// other work, then the answer in place of it.
func (b *Bot) handleAsk(ctx context.Context, x *interaction) {
	var text string
	var private bool
	data, _ := x.i.Data.(discordgo.ApplicationCommandInteractionData) // checked in onInteraction
	for _, o := range data.Options {
		switch o.Name {
		case "question":
			if o.Type == discordgo.ApplicationCommandOptionString {
				text = o.StringValue()
			}
		case "private":
			if o.Type == discordgo.ApplicationCommandOptionBoolean {
				private = o.BoolValue()
			}
		}
	}
	story, ok := b.storyArg(ctx, x, data.Options) // it told the user if !ok
	if !ok {
		return
	}
	q := question{Source: sourceSlash, User: x.user().ID, Text: text, At: x.at, Story: story}
	b.answerSlash(ctx, x, q, text, private, func(a newsbot.Answer) {
		b.convs.remember(interactionKey(x.i.ID), "", newsbot.Turn{Question: text, Answer: a.Text, Story: story})
	})
}

// answerSlash answers q, a slash command's question (/ask, /summary):
// cooldown and a full queue refused at once, ephemerally; else a deferred
// acknowledgement first, then the answer in place of it. asked is how the
// question is named if the answer must go to the channel (token expired);
// q.Expires is set here from the interaction's age.
func (b *Bot) answerSlash(ctx context.Context, x *interaction, q question, asked string, private bool, remember func(newsbot.Answer)) {
	log := b.log.With("source", sourceSlash, "user", q.User, "interaction", x.i.ID)

	// Cheap refusals answer at once, ephemerally, instead of deferring.
	if ok, wait, _ := b.cooldown.allow(q.User, false); !ok {
		b.count(sourceSlash, outcomeCooldown)
		if err := x.respond(ctx, cooldownText(wait), true); err != nil {
			log.Warn("cooldown reply", "err", err)
		}
		return
	}
	if b.gate.full() {
		b.count(sourceSlash, outcomeBusy)
		b.cooldown.refund(q.User, x.at)
		if err := x.respond(ctx, busyText, true); err != nil {
			log.Warn("busy reply", "err", err)
		}
		return
	}

	if err := x.deferReply(ctx, private); err != nil {
		b.count(sourceSlash, outcomeFailed)
		log.Error("acknowledge the command", "err", err, "after", time.Since(x.at).Round(time.Millisecond))
		return
	}
	b.metrics.ackSeconds.Observe(time.Since(x.at).Seconds())

	queued := func(place int) {
		// Discord turns the first follow-up of a deferred response into
		// that response, whatever its flags: a "private" notice would be
		// public on a public /ask. So a public /ask shows its place in
		// the line in place of "thinking…", until the answer replaces it;
		// a private one gets an ephemeral follow-up, private either way.
		var err error
		if x.ephemeral {
			err = x.notice(ctx, queuedText(place))
		} else {
			err = x.preview(ctx, queuedText(place)+" …")
		}
		if err != nil {
			log.Debug("queue notice", "err", err)
		}
	}
	x.question = asked
	q.Expires = x.created().Add(interactionMaxAge)
	b.answer(ctx, q, x, queued, remember)
}

// handleAbout lists the corpus and the models, ephemerally.
func (b *Bot) handleAbout(ctx context.Context, x *interaction) {
	info := b.ans.Info()
	var sb strings.Builder
	for i, d := range info.Docs {
		line := "• **" + escapeMarkdown(d.Title) + "**"
		var meta []string
		if d.Source != "" {
			meta = append(meta, escapeMarkdown(d.Source))
		}
		if d.Published != "" {
			meta = append(meta, escapeMarkdown(d.Published))
		}
		if l := storyLink(d.URL); l != "" {
			meta = append(meta, l)
		}
		if len(meta) > 0 {
			line += " — " + strings.Join(meta, ", ")
		}
		line += "\n"
		if discordLen(sb.String())+discordLen(line) > maxEmbedDesc-64 {
			fmt.Fprintf(&sb, "…and %d more", len(info.Docs)-i)
			break
		}
		sb.WriteString(line)
	}
	if len(info.Docs) == 0 {
		sb.WriteString("No articles are loaded.")
	}
	chat := info.ChatModel
	if chat == "" {
		chat = "none (extractive: answers are sentences quoted from the articles)"
	}
	loaded := "never"
	if !info.LoadedAt.IsZero() {
		loaded = fmt.Sprintf("<t:%d:f> (<t:%d:R>)", info.LoadedAt.Unix(), info.LoadedAt.Unix())
	}
	embed := &discordgo.MessageEmbed{
		Type:        discordgo.EmbedTypeRich,
		Title:       truncate(fmt.Sprintf("Articles (%d)", len(info.Docs)), maxEmbedTitle),
		Description: sb.String(),
		Color:       embedColor,
		Fields: []*discordgo.MessageEmbedField{
			{Name: "Chunks", Value: fmt.Sprint(info.Chunks), Inline: true},
			{Name: "Embedding model", Value: truncate(orNone(info.EmbedModel), maxFieldValue), Inline: true},
			{Name: "Chat model", Value: truncate(chat, maxFieldValue), Inline: true},
			{Name: "Last reload", Value: loaded},
		},
	}
	if err := x.respondEmbed(ctx, embed, true); err != nil {
		b.log.Warn("/about reply", "err", err)
	}
}

// handleHelp explains how to ask, ephemerally.
func (b *Bot) handleHelp(ctx context.Context, x *interaction) {
	if err := x.respond(ctx, helpText(b.cfg.Threads), true); err != nil {
		b.log.Warn("/help reply", "err", err)
	}
}

// handleReload reloads the corpus, for admins only (checked by the
// command table as well as by Discord), and tells the admin the outcome,
// ephemerally.
func (b *Bot) handleReload(ctx context.Context, x *interaction) {
	user := x.user()
	log := b.log.With("user", user.ID, "guild", x.i.GuildID)
	if err := x.deferReply(ctx, true); err != nil {
		log.Error("acknowledge /reload", "err", err)
		return
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	st, err := b.Reload(rctx)
	var text string
	switch {
	case errors.Is(err, newsbot.ErrReloadRunning):
		text = "A reload is already running; try again when it has finished."
	case err != nil:
		text = "Reload failed; still answering from the previous articles.\n" + escapeMarkdown(truncate(err.Error(), 1500))
	default:
		text = fmt.Sprintf("Reloaded: %d documents, %d chunks, %d new embeddings, in %s.",
			st.Documents, st.Chunks, st.Embedded, st.Duration.Round(time.Millisecond))
	}
	dctx, dcancel := deliveryContext(ctx)
	defer dcancel()
	if _, err := x.first(dctx, outMessage{Content: text}); err != nil {
		log.Warn("/reload reply", "err", err)
	}
}

// isAdmin reports whether the member who sent i may reload: Manage Server
// or Administrator in the channel, or one of the configured admin roles or
// users.
func (b *Bot) isAdmin(i *discordgo.Interaction) bool {
	// Only in a server: a DM has no member permissions to check.
	if i.GuildID == "" || i.Member == nil {
		return false
	}
	if i.Member != nil {
		if i.Member.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0 {
			return true
		}
		for _, r := range i.Member.Roles {
			if b.adminRoles[r] {
				return true
			}
		}
		if i.Member.User != nil && b.adminUsers[i.Member.User.ID] {
			return true
		}
		return false
	}
	return i.User != nil && b.adminUsers[i.User.ID]
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// User-facing texts.

const (
	busyText       = "I'm getting more questions than I can handle right now. Please try again in a minute."
	apologyText    = "Sorry, I couldn't reach the language model just now. Please try again in a moment."
	shutdownText   = "newsbot is restarting. Please ask again in a minute."
	emptyText      = "Please ask a question about the news story, for example: *What was agreed at the talks?*"
	deliveryFailed = "Sorry, something went wrong sending the answer. Please try again."
	expiredText    = "Sorry, your question waited in line too long for me to answer it here. Please ask again."
)

func tooLongText() string {
	return fmt.Sprintf("That question is too long; please keep it under %d characters.", newsbot.MaxQuestionLen)
}

func cooldownText(wait time.Duration) string {
	s := int((wait + time.Second - 1) / time.Second)
	return fmt.Sprintf("You're asking quickly! Please wait %d s before your next question.", max(s, 1))
}

func queuedText(place int) string {
	if place <= 1 {
		return "Lots of questions right now: yours is next in line. The answer will appear here shortly."
	}
	return fmt.Sprintf("Lots of questions right now: yours is number %d in line. The answer will appear here shortly.", place)
}

func helpText(threads bool) string {
	var sb strings.Builder
	sb.WriteString("**newsbot** answers questions about the news story, quoting the articles it has read.\n\n")
	sb.WriteString("• `/ask question:` — ask a question (add `private: True` to see the answer alone).\n")
	sb.WriteString("• `/ask question: story:` — ask about one story: pick it from the list as you type. `/stories` lists them.\n")
	sb.WriteString("• Mention me with your question, e.g. `@newsbot who attended the talks?`\n")
	if threads {
		sb.WriteString("• I answer mentions in a new thread; mention me again in the thread to follow up.\n")
	} else {
		sb.WriteString("• Reply to one of my answers (and mention me) to ask a follow-up.\n")
	}
	sb.WriteString("• `/about` — the articles and models I use.\n")
	sb.WriteString("• `/reload` — reload the articles (server admins).\n\n")
	sb.WriteString("Every answer cites its sources: [n] marks a claim, and the sources quote the article word for word.")
	return sb.String()
}
