package bot

// The admin commands: /add, /remove, /follow and /unfollow. Only admins
// may run them, as /reload (isAdmin: Manage Server, Administrator, or a
// configured role or user): their rows in commandTable are admin rows, so
// Discord hides them from everyone else and offers them in servers only,
// and the table refuses other members before a handler runs. Each defers
// its reply (ingest takes seconds) and says what it did, or why not.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/newsbot/newsbot"
)

const (
	// maxUploadBytes caps an uploaded article (/add file:), as the issue
	// caps a fetched page's body: 5 MB.
	maxUploadBytes = 5 << 20
	// adminTimeout bounds one admin command (ingest, a feed's first read),
	// well inside the 15 minutes an interaction token lives.
	adminTimeout = 10 * time.Minute
	// downloadTimeout bounds the download of an uploaded file.
	downloadTimeout = 30 * time.Second
)

// discordCDNHosts serve the files users upload to Discord.
var discordCDNHosts = []string{"cdn.discordapp.com", "media.discordapp.net"}

// runAdmin acknowledges an admin command with an ephemeral deferral (the
// work may take seconds), runs it with adminTimeout, and replaces the
// deferral with the text run returns.
func (b *Bot) runAdmin(ctx context.Context, x *interaction, command string, run func(ctx context.Context) string) {
	log := b.log.With("command", command, "user", x.user().ID, "interaction", x.i.ID)
	if err := x.deferReply(ctx, true); err != nil {
		log.Error("acknowledge admin command", "err", err)
		return
	}
	rctx, cancel := context.WithTimeout(ctx, adminTimeout)
	text := run(rctx)
	cancel()
	dctx, dcancel := deliveryContext(ctx)
	defer dcancel()
	for i, m := range formatText(text) {
		var err error
		if i == 0 {
			_, err = x.first(dctx, m)
		} else {
			_, err = x.more(dctx, m)
		}
		if err != nil {
			log.Warn("admin command reply", "err", err)
			return
		}
	}
}

// noLibrary answers an admin command registered by an earlier
// configuration that had a Library.
func (b *Bot) noLibrary(ctx context.Context, x *interaction) bool {
	if b.cfg.Library != nil {
		return false
	}
	if err := x.respond(ctx, "Adding and removing stories is not enabled on this bot.", true); err != nil {
		b.log.Warn("no library reply", "err", err)
	}
	return true
}

// handleAdd adds a story from a URL or an uploaded file.
func (b *Bot) handleAdd(ctx context.Context, x *interaction) {
	if b.noLibrary(ctx, x) {
		return
	}
	data, _ := x.i.Data.(discordgo.ApplicationCommandInteractionData)
	rawURL := stringOption(data.Options, "url")
	var att *discordgo.MessageAttachment
	for _, o := range data.Options {
		if o.Name == "file" && o.Type == discordgo.ApplicationCommandOptionAttachment {
			id, _ := o.Value.(string) // StringValue panics on an attachment option
			if data.Resolved != nil {
				att = data.Resolved.Attachments[id]
			}
			if att == nil {
				att = &discordgo.MessageAttachment{} // reported below
			}
		}
	}
	var problem string
	switch {
	case rawURL == "" && att == nil:
		problem = "Give me the article's address (`url:`) or its file (`file:`)."
	case rawURL != "" && att != nil:
		problem = "Give me either an address or a file, not both."
	case att != nil && att.URL == "":
		problem = "I couldn't read the attached file from Discord. Please attach it again."
	}
	if problem != "" {
		if err := x.respond(ctx, problem, true); err != nil {
			b.log.Warn("/add reply", "err", err)
		}
		return
	}
	b.runAdmin(ctx, x, "add", func(ctx context.Context) string {
		start := time.Now()
		src := newsbot.Source{URL: rawURL}
		if att != nil {
			body, err := b.downloadAttachment(ctx, att)
			if err != nil {
				b.log.Warn("/add: download attachment", "err", err, "file", att.Filename)
				return "Not added. " + sentence(err.Error())
			}
			src = newsbot.Source{Name: att.Filename, Body: body}
		}
		s, err := b.cfg.Library.Add(ctx, src)
		took := time.Since(start).Round(time.Millisecond)
		if err != nil {
			b.log.Info("/add: not added", "err", err, "url", rawURL, "ms", took.Milliseconds())
			return notAddedText(err)
		}
		b.log.Info("/add: added", "slug", s.Slug, "chunks", s.Chunks, "ms", took.Milliseconds())
		return fmt.Sprintf("Added %s: %d chunks, in %s.\nAsk about it with `/ask story:` %s.",
			storyRef(s), s.Chunks, took, "`"+s.Slug+"`")
	})
}

// notAddedText says why a story was not added.
func notAddedText(err error) string {
	switch {
	case errors.Is(err, newsbot.ErrDuplicateStory):
		return "Not added: that story is already in the corpus. " + sentence(err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("Not added: it took longer than %s; nothing was changed.", adminTimeout)
	}
	return "Not added. " + sentence(err.Error())
}

// sentence turns an error's text into a sentence a user can read: trimmed,
// capitalized, ending with a full stop, escaped, at most 1,500 characters.
func sentence(s string) string {
	s = strings.TrimSpace(oneLine(s))
	if s == "" {
		return "Something went wrong."
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "!") && !strings.HasSuffix(s, "?") {
		s += "."
	}
	return escapeMarkdown(truncate(s, 1500))
}

// downloadAttachment fetches an uploaded file from Discord's CDN (or from
// the host of Config.APIURL, a proxy or a fake Discord) through the bot's
// HTTP client, without the bot's token, refusing files over maxUploadBytes.
func (b *Bot) downloadAttachment(ctx context.Context, a *discordgo.MessageAttachment) ([]byte, error) {
	u, err := url.Parse(a.URL)
	if err != nil || !b.attachmentHost(u) {
		return nil, fmt.Errorf("the file's address is not Discord's")
	}
	if a.Size > maxUploadBytes {
		return nil, fmt.Errorf("the file is %.1f MB; the limit is %d MB", float64(a.Size)/(1<<20), maxUploadBytes>>20)
	}
	ctx, cancel := context.WithTimeout(ctx, downloadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("download the file: %w", err)
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := b.httpClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is signed; keep it out of logs and replies
		}
		return nil, fmt.Errorf("download the file from Discord: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download the file from Discord: HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxUploadBytes+1))
	if err != nil {
		return nil, fmt.Errorf("download the file from Discord: %w", err)
	}
	if len(body) > maxUploadBytes {
		return nil, fmt.Errorf("the file is larger than %d MB", maxUploadBytes>>20)
	}
	return body, nil
}

// attachmentHost reports whether u is where Discord serves uploads: its
// CDN over https, or the configured API URL's host (a proxy or a fake).
func (b *Bot) attachmentHost(u *url.URL) bool {
	if u.Scheme == "https" && slices.Contains(discordCDNHosts, u.Hostname()) {
		return true
	}
	if b.cfg.APIURL == "" {
		return false
	}
	api, err := url.Parse(b.cfg.APIURL)
	return err == nil && api.Scheme == u.Scheme && api.Host == u.Host
}

// handleRemove removes a story.
func (b *Bot) handleRemove(ctx context.Context, x *interaction) {
	if b.noLibrary(ctx, x) {
		return
	}
	data, _ := x.i.Data.(discordgo.ApplicationCommandInteractionData)
	v := stringOption(data.Options, "story")
	slug := v
	if s, ok := resolveStory(b.indexStories(), v); ok {
		slug = s.Slug
	}
	b.runAdmin(ctx, x, "remove", func(ctx context.Context) string {
		s, err := b.cfg.Library.Remove(ctx, slug)
		switch {
		case errors.Is(err, newsbot.ErrUnknownStory):
			return fmt.Sprintf("Not removed: there is no story “%s”. See `/stories`.", escapeMarkdown(truncate(oneLine(v), 100)))
		case err != nil:
			b.log.Warn("/remove failed", "slug", slug, "err", err)
			return "Not removed. " + sentence(err.Error())
		}
		b.log.Info("/remove: removed", "slug", s.Slug)
		return fmt.Sprintf("Removed %s (`%s`).", storyRef(s), s.Slug)
	})
}

// handleFollow follows a feed and reports its first read.
func (b *Bot) handleFollow(ctx context.Context, x *interaction) {
	if b.noLibrary(ctx, x) {
		return
	}
	data, _ := x.i.Data.(discordgo.ApplicationCommandInteractionData)
	feedURL := stringOption(data.Options, "url")
	if feedURL == "" {
		if err := x.respond(ctx, "Give me the feed's address (`url:`).", true); err != nil {
			b.log.Warn("/follow reply", "err", err)
		}
		return
	}
	b.runAdmin(ctx, x, "follow", func(ctx context.Context) string {
		start := time.Now()
		f, added, err := b.cfg.Library.Follow(ctx, feedURL)
		took := time.Since(start).Round(time.Millisecond)
		if err != nil {
			b.log.Info("/follow: not followed", "url", feedURL, "err", err)
			return "Not followed. " + sentence(err.Error())
		}
		b.log.Info("/follow: following", "url", f.URL, "added", len(added), "ms", took.Milliseconds())
		return followText(f, added, took)
	})
}

// followText reports a followed feed and what its first read added.
func followText(f newsbot.Feed, added []newsbot.Story, took time.Duration) string {
	var sb strings.Builder
	sb.WriteString("Following " + feedRef(f) + ".\n")
	switch {
	case f.LastError != "":
		sb.WriteString("Its first read failed: " + sentence(f.LastError) + " I'll try again at the next poll.")
	case len(added) == 0:
		fmt.Fprintf(&sb, "Read it in %s: no new stories.", took)
	default:
		chunks := 0
		for _, s := range added {
			chunks += s.Chunks
		}
		fmt.Fprintf(&sb, "Read it in %s: added %d %s (%d chunks):", took, len(added), plural(len(added), "story", "stories"), chunks)
		for i, s := range added {
			line := "\n• " + storyRef(s)
			if discordLen(sb.String())+discordLen(line) > maxContent-40 {
				fmt.Fprintf(&sb, "\n…and %d more.", len(added)-i)
				break
			}
			sb.WriteString(line)
		}
	}
	return sb.String()
}

func feedRef(f newsbot.Feed) string {
	ref := ""
	if t := oneLine(f.Title); t != "" {
		ref = "**" + escapeMarkdown(truncate(t, 200)) + "** "
	}
	if l := storyLink(f.URL); l != "" {
		return ref + l
	}
	return ref + "`" + strings.ReplaceAll(truncate(f.URL, 300), "`", "'") + "`"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// handleUnfollow stops following a feed.
func (b *Bot) handleUnfollow(ctx context.Context, x *interaction) {
	if b.noLibrary(ctx, x) {
		return
	}
	data, _ := x.i.Data.(discordgo.ApplicationCommandInteractionData)
	v := stringOption(data.Options, "feed")
	b.runAdmin(ctx, x, "unfollow", func(ctx context.Context) string {
		feedURL := v
		if feeds, err := b.cfg.Library.Feeds(ctx); err == nil {
			for _, f := range feeds {
				if f.URL == v || choiceValue(f.URL) == v {
					feedURL = f.URL
				}
			}
		}
		f, err := b.cfg.Library.Unfollow(ctx, feedURL)
		if err != nil {
			b.log.Info("/unfollow failed", "url", feedURL, "err", err)
			return "Not unfollowed. " + sentence(err.Error())
		}
		b.log.Info("/unfollow: stopped", "url", f.URL)
		return fmt.Sprintf("Stopped following %s. The %d %s it added %s.", feedRef(f),
			f.Stories, plural(f.Stories, "story", "stories"), plural(f.Stories, "stays", "stay"))
	})
}
