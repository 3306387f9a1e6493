package bot

// The story commands: /stories, /summary, the story option of /ask, and
// Announce. The admin commands are in admin.go, autocompletion in
// autocomplete.go.
//
// Where stories come from: the index (Answerer.Info().Docs) is what can be
// asked about and is read without I/O, so the story option and /summary
// resolve against it; the Library (Config.Library), when set, is the
// authority on what is stored and lists /stories. Summaries come from the
// Answerer when it also implements newsbot.Summarizer (the engine does), so
// the bot needs no second reference to the engine.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/newsbot/newsbot"
)

const (
	// storiesPerPage caps the lines of one /stories page; a page also ends
	// when the next line would not fit in one message.
	storiesPerPage = 10
	// listTimeout bounds Library.Stories for /stories.
	listTimeout = 30 * time.Second
)

// storyOption is the "story" option of /ask and /summary: a slug, chosen by
// autocompletion over the titles.
func storyOption(description string) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{
		Type:         discordgo.ApplicationCommandOptionString,
		Name:         "story",
		Description:  description,
		Autocomplete: true,
		MaxLength:    maxChoiceValue,
	}
}

// summarizes reports whether the Answerer summarizes stories (/summary is
// registered then).
func (b *Bot) summarizes() bool { return b.summarizer() != nil }

// hasLibrary reports whether a Library is configured (the admin commands
// are registered then).
func (b *Bot) hasLibrary() bool { return b.cfg.Library != nil }

// summarizer returns the Answerer as a Summarizer, or nil if it is not one.
func (b *Bot) summarizer() newsbot.Summarizer {
	s, _ := b.ans.(newsbot.Summarizer)
	return s
}

// summarize summarizes the story with this slug ("" for the newest).
func (b *Bot) summarize(ctx context.Context, slug string) (newsbot.Answer, error) {
	s := b.summarizer()
	if s == nil {
		return newsbot.Answer{}, errors.New("this engine does not summarize")
	}
	return s.Summarize(ctx, slug)
}

// indexStories returns the stories of the loaded index, newest first (by
// Added, else Published; the default story has neither and comes last).
// It does no I/O, so autocompletion may call it.
func (b *Bot) indexStories() []newsbot.Story {
	docs := slices.Clone(b.ans.Info().Docs)
	slices.SortStableFunc(docs, func(x, y newsbot.Story) int { return strings.Compare(storyTime(y), storyTime(x)) })
	return docs
}

// storyTime orders stories: RFC 3339 and YYYY-MM-DD compare as strings.
func storyTime(s newsbot.Story) string {
	if s.Added != "" {
		return s.Added
	}
	return s.Published
}

// stringOption returns the string value of the option called name, "" if
// it is absent or not a string.
func stringOption(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	for _, o := range opts {
		if o.Name == name {
			if v, ok := o.Value.(string); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return ""
}

// storyArg reads the "story" option and resolves it against the index: a
// slug (what autocompletion sends), or a title typed in full. When it names
// no story, it tells the user, ephemerally, and returns ok false.
func (b *Bot) storyArg(ctx context.Context, x *interaction, opts []*discordgo.ApplicationCommandInteractionDataOption) (slug string, ok bool) {
	v := stringOption(opts, "story")
	if v == "" {
		return "", true
	}
	if s, found := resolveStory(b.indexStories(), v); found {
		return s.Slug, true
	}
	b.log.Info("unknown story", "story", v, "interaction", x.i.ID)
	if err := x.respond(ctx, unknownStoryText(v), true); err != nil {
		b.log.Warn("unknown story reply", "err", err)
	}
	return "", false
}

// resolveStory finds the story v names: its slug, its choice value, or its
// title (compared folded: case and diacritics aside).
func resolveStory(stories []newsbot.Story, v string) (newsbot.Story, bool) {
	for _, s := range stories {
		if s.Slug == v || choiceValue(s.Slug) == v {
			return s, true
		}
	}
	fv := strings.Join(foldedWords(v), " ")
	for _, s := range stories {
		if fv != "" && strings.Join(foldedWords(s.Title), " ") == fv {
			return s, true
		}
	}
	return newsbot.Story{}, false
}

func unknownStoryText(v string) string {
	return fmt.Sprintf("I don't know a story called “%s”. Pick one from the list as you type, or see `/stories`.",
		escapeMarkdown(truncate(oneLine(v), 100)))
}

// handleStories lists the stories, newest first, a page at a time,
// ephemerally.
func (b *Bot) handleStories(ctx context.Context, x *interaction) {
	data, _ := x.i.Data.(discordgo.ApplicationCommandInteractionData)
	page := 1
	for _, o := range data.Options {
		if o.Name == "page" && o.Type == discordgo.ApplicationCommandOptionInteger {
			page = int(max(o.IntValue(), 1))
		}
	}
	lib := b.cfg.Library
	if lib == nil {
		if err := x.respond(ctx, storiesPage(b.indexStories(), page), true); err != nil {
			b.log.Warn("/stories reply", "err", err)
		}
		return
	}
	// The Library reads the data directory: defer, so that a slow disk
	// cannot miss Discord's 3 s.
	if err := x.deferReply(ctx, true); err != nil {
		b.log.Error("acknowledge /stories", "err", err)
		return
	}
	lctx, cancel := context.WithTimeout(ctx, listTimeout)
	stories, err := lib.Stories(lctx)
	cancel()
	text := storiesPage(stories, page)
	if err != nil {
		b.log.Error("/stories: list", "err", err)
		text = "Sorry, I couldn't read the list of stories just now. Please try again."
	}
	dctx, dcancel := deliveryContext(ctx)
	defer dcancel()
	if _, err := x.first(dctx, outMessage{Content: text}); err != nil {
		b.log.Warn("/stories reply", "err", err)
	}
}

// storiesPage renders page (from 1) of the list: a header, one line per
// story (title, source, date, slug, link), and where the list goes on.
// Pages hold at most storiesPerPage stories and fit in one message.
func storiesPage(stories []newsbot.Story, page int) string {
	if len(stories) == 0 {
		return "No stories yet. Server admins can add one with `/add url:` or `/add file:`."
	}
	const budget = maxContent - 200 // header and footer
	var pages [][]string
	var cur []string
	size := 0
	for i, s := range stories {
		line := storyLine(i+1, s)
		if len(cur) > 0 && (len(cur) >= storiesPerPage || size+discordLen(line)+1 > budget) {
			pages = append(pages, cur)
			cur, size = nil, 0
		}
		cur = append(cur, line)
		size += discordLen(line) + 1
	}
	pages = append(pages, cur)
	if page > len(pages) {
		return fmt.Sprintf("There are only %d pages of stories; try `/stories page:%d`.", len(pages), len(pages))
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**Stories** (%d, newest first)", len(stories))
	if len(pages) > 1 {
		fmt.Fprintf(&sb, ", page %d of %d", page, len(pages))
	}
	sb.WriteString("\n")
	sb.WriteString(strings.Join(pages[page-1], "\n"))
	if page < len(pages) {
		fmt.Fprintf(&sb, "\n…and %d more: `/stories page:%d`.", len(stories)-countLines(pages[:page]), page+1)
	}
	sb.WriteString("\nAsk about one with `/ask question: story:`.")
	return sb.String()
}

func countLines(pages [][]string) int {
	n := 0
	for _, p := range pages {
		n += len(p)
	}
	return n
}

// storyLine is one story of /stories: "n. **Title** — Source · date ·
// `slug` · <url>", every part bounded so that a line stays short.
func storyLine(n int, s newsbot.Story) string {
	title := s.Title
	if strings.TrimSpace(title) == "" {
		title = s.Slug
	}
	line := fmt.Sprintf("%d. **%s**", n, escapeMarkdown(truncate(oneLine(title), 150)))
	var meta []string
	if src := oneLine(s.Source); src != "" {
		meta = append(meta, escapeMarkdown(truncate(src, 60)))
	}
	if d := storyDate(s); d != "" {
		meta = append(meta, escapeMarkdown(d))
	}
	if len(meta) > 0 {
		line += " — " + strings.Join(meta, " · ")
	}
	if s.Slug != "" && utf8.RuneCountInString(s.Slug) <= maxChoiceValue && !strings.Contains(s.Slug, "`") {
		line += " · `" + s.Slug + "`"
	}
	if l := storyLink(s.URL); l != "" && discordLen(l) <= 300 {
		line += " · " + l
	}
	return line
}

// storyDate is the story's publication date, else the day it was added.
func storyDate(s newsbot.Story) string {
	if s.Published != "" {
		return truncate(oneLine(s.Published), 40)
	}
	if len(s.Added) >= 10 {
		return s.Added[:10]
	}
	return ""
}

// oneLine folds runs of white space, newlines included, into one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// handleSummary answers /summary like /ask: cooldown and queue, a deferred
// acknowledgement, then the summary with its citations.
func (b *Bot) handleSummary(ctx context.Context, x *interaction) {
	data, _ := x.i.Data.(discordgo.ApplicationCommandInteractionData)
	user := x.user()
	log := b.log.With("source", sourceSlash, "user", user.ID, "interaction", x.i.ID, "command", "summary")
	if b.summarizer() == nil {
		if err := x.respond(ctx, "Summaries are not available with this engine.", true); err != nil {
			log.Warn("/summary reply", "err", err)
		}
		return
	}
	story, ok := b.storyArg(ctx, x, data.Options)
	if !ok {
		return
	}
	private := false
	for _, o := range data.Options {
		if o.Name == "private" && o.Type == discordgo.ApplicationCommandOptionBoolean {
			private = o.BoolValue()
		}
	}
	q := question{Source: sourceSlash, User: user.ID, At: x.at, Story: story, Summary: true}
	asked := "/summary"
	if story != "" {
		asked += " story:" + story
	}
	b.answerSlash(ctx, x, q, asked, private, nil)
}

// storyRef names a story in a reply: its title in bold, then source and
// date, then its link.
func storyRef(s newsbot.Story) string {
	title := s.Title
	if strings.TrimSpace(title) == "" {
		title = s.Slug
	}
	ref := "**" + escapeMarkdown(truncate(oneLine(title), 200)) + "**"
	var meta []string
	if s.Source != "" {
		meta = append(meta, escapeMarkdown(truncate(oneLine(s.Source), 80)))
	}
	if d := storyDate(s); d != "" {
		meta = append(meta, escapeMarkdown(d))
	}
	if len(meta) > 0 {
		ref += " (" + strings.Join(meta, ", ") + ")"
	}
	if l := storyLink(s.URL); l != "" && discordLen(l) <= 500 {
		ref += " " + l
	}
	return ref
}

// Announce posts "New story: <title>" with the story's source and link to
// Config.AnnounceChannelID, pinging nobody. It does nothing (and returns
// nil) when no announcement channel is configured. The feed poller calls it
// for each story it adds; it may be called before Run, and concurrently.
func (b *Bot) Announce(ctx context.Context, s newsbot.Story) error {
	ch := b.cfg.AnnounceChannelID
	if ch == "" {
		return nil
	}
	msg := &discordgo.MessageSend{Content: announceText(s), AllowedMentions: noMentions()}
	if _, err := b.rest.ChannelMessageSendComplex(ch, msg, discordgo.WithContext(ctx)); err != nil {
		b.log.Warn("announce a new story", "slug", s.Slug, "channel", ch, "err", err)
		return fmt.Errorf("announce %s: %w", s.Slug, err)
	}
	b.log.Info("announced a new story", "slug", s.Slug, "channel", ch)
	return nil
}

// announceText is the announcement of a new story.
func announceText(s newsbot.Story) string {
	return truncate("New story: "+storyRef(s), maxContent)
}
