package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/newsbot/newsbot"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Discord's limits on autocompletion: an answer within 3 s of the
// interaction, at most 25 choices, each named with at most 100 characters
// and, for a string option, a value of at most 100.
const (
	maxChoices     = 25
	maxChoiceName  = 100
	maxChoiceValue = 100
	// autocompleteBudget is the time from the interaction's arrival by
	// which the choices are sent, leaving the rest of Discord's 3 s to the
	// network.
	autocompleteBudget = 2500 * time.Millisecond
	// feedsTimeout bounds the Library.Feeds call of /unfollow's choices.
	feedsTimeout = 1500 * time.Millisecond
)

// onAutocomplete answers an autocomplete interaction with the choices for
// its focused option: stories for "story" (/ask, /summary, /remove), feeds
// for /unfollow's "feed". It reads the index in memory and, for feeds, the
// Library under a short deadline; it never calls the engine's Ask.
func (b *Bot) onAutocomplete(x *interaction) {
	data, ok := x.i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		b.log.Warn("autocomplete interaction without command data", "interaction", x.i.ID)
		return
	}
	ctx, cancel := context.WithDeadline(b.workCtx, x.at.Add(autocompleteBudget))
	defer cancel()
	var focused *discordgo.ApplicationCommandInteractionDataOption
	for _, o := range data.Options {
		if o.Focused {
			focused = o
		}
	}
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	if focused != nil {
		typed, _ := focused.Value.(string)
		switch {
		case focused.Name == "story":
			choices = storyChoices(b.indexStories(), typed)
		case focused.Name == "feed" && data.Name == "unfollow" && b.cfg.Library != nil:
			choices = feedChoices(b.feedsWithin(ctx, feedsTimeout), typed)
		}
	}
	resp := &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}
	if err := acked(b.ic.do(ctx, &x.lim, "autocomplete", http.MethodPost, callbackURL(x.i), resp, nil)); err != nil {
		b.log.Debug("autocomplete reply", "err", err, "command", data.Name)
	}
}

// feedsWithin returns the Library's feeds, or none if it cannot list them
// within d, even if it does not honour its context.
func (b *Bot) feedsWithin(ctx context.Context, d time.Duration) []newsbot.Feed {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	type result struct {
		feeds []newsbot.Feed
		err   error
	}
	ch := make(chan result, 1)
	go func() {
		defer b.recoverPanic("list feeds")
		f, err := b.cfg.Library.Feeds(ctx)
		ch <- result{f, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			b.log.Warn("autocomplete: list feeds", "err", r.err)
		}
		return r.feeds
	case <-ctx.Done():
		b.log.Warn("autocomplete: the feeds took too long to list", "timeout", d)
		return nil
	}
}

// storyChoices returns the stories that match typed, best first (newest
// first among equals, stories being given newest first), as at most
// maxChoices choices named "Title · date" whose values are slugs.
func storyChoices(stories []newsbot.Story, typed string) []*discordgo.ApplicationCommandOptionChoice {
	keys := make([]string, len(stories))
	for i, s := range stories {
		keys[i] = s.Title
		if strings.TrimSpace(keys[i]) == "" {
			keys[i] = s.Slug
		}
	}
	out := []*discordgo.ApplicationCommandOptionChoice{}
	for _, i := range rank(keys, typed) {
		s := stories[i]
		if s.Slug == "" {
			continue
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{
			Name:  choiceName(keys[i], storyDate(s)),
			Value: choiceValue(s.Slug),
		})
		if len(out) == maxChoices {
			break
		}
	}
	return out
}

// feedChoices returns the feeds that match typed by title or address, as
// at most maxChoices choices whose values are their URLs (or a digest of a
// URL too long to be a value).
func feedChoices(feeds []newsbot.Feed, typed string) []*discordgo.ApplicationCommandOptionChoice {
	keys := make([]string, len(feeds))
	for i, f := range feeds {
		keys[i] = strings.TrimSpace(f.Title + " " + f.URL)
	}
	out := []*discordgo.ApplicationCommandOptionChoice{}
	for _, i := range rank(keys, typed) {
		f := feeds[i]
		if f.URL == "" {
			continue
		}
		name := f.URL
		if t := oneLine(f.Title); t != "" {
			name = t + " · " + f.URL
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: choiceName(name, ""), Value: choiceValue(f.URL)})
		if len(out) == maxChoices {
			break
		}
	}
	return out
}

// choiceName is "text · suffix" within maxChoiceName characters, the text
// cut first.
func choiceName(text, suffix string) string {
	text = oneLine(text)
	if suffix != "" {
		suffix = " · " + suffix
	}
	room := maxChoiceName - utf8.RuneCountInString(suffix)
	if utf8.RuneCountInString(text) > room {
		r := []rune(text)
		text = strings.TrimSpace(string(r[:room-1])) + "…"
	}
	name := text + suffix
	if name == "" {
		return "(untitled)"
	}
	return name
}

// choiceValue is key as a choice value: itself when it fits in
// maxChoiceValue characters, else "#" and a SHA-256 digest of it, which the
// handler maps back by comparing with choiceValue of each candidate.
func choiceValue(key string) string {
	if utf8.RuneCountInString(key) <= maxChoiceValue {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "#" + hex.EncodeToString(sum[:16])
}

// Weights of the fuzzy title match. Only their order matters: a query word
// that is a whole word of the title beats one that starts a word, which
// beats one found inside the title, which beats one whose letters are
// scattered through it; a query that starts the title gets a bonus. They
// are round numbers chosen for that order, not tuned on any data.
const (
	scoreWord        = 8 // a title word equals the query word
	scoreWordPrefix  = 6 // a title word starts with it
	scoreSubstring   = 3 // it occurs inside the title
	scoreSubsequence = 1 // its letters occur in order, from a word's start
	bonusTitlePrefix = 4 // the whole query starts the title
)

// rank returns the indexes of the keys that match query, best first, and
// among equals in the keys' order. An empty query matches every key. Every
// word of the query must match (see matchScore).
func rank(keys []string, query string) []int {
	qw := foldedWords(query)
	type hit struct{ i, score int }
	var hits []hit
	for i, k := range keys {
		if len(qw) == 0 {
			hits = append(hits, hit{i, 0})
			continue
		}
		if s := matchScore(qw, foldedWords(k)); s > 0 {
			hits = append(hits, hit{i, s})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return b.score - a.score })
	out := make([]int, len(hits))
	for j, h := range hits {
		out[j] = h.i
	}
	return out
}

// matchScore scores how well the query words q match the title words t
// (both folded by words): the sum over q of each word's best match, 0 when
// a query word matches nowhere.
func matchScore(q, t []string) int {
	joined := strings.Join(t, " ")
	total := 0
	for _, w := range q {
		best := 0
		for _, tw := range t {
			switch {
			case tw == w:
				best = max(best, scoreWord)
			case strings.HasPrefix(tw, w):
				best = max(best, scoreWordPrefix)
			}
		}
		if best == 0 && strings.Contains(joined, w) {
			best = scoreSubstring
		}
		if best == 0 && wordSubsequence(w, t) {
			best = scoreSubsequence
		}
		if best == 0 {
			return 0
		}
		total += best
	}
	if strings.HasPrefix(joined, strings.Join(q, " ")) {
		total += bonusTitlePrefix
	}
	return total
}

// wordSubsequence reports whether the letters of w occur in order in the
// words t, from the start of one of them on: "rnt prcs" finds "rent
// prices", but "ent" does not find "protesters gather in the capital".
func wordSubsequence(w string, t []string) bool {
	for i, tw := range t {
		first, n := utf8.DecodeRuneInString(w)
		if strings.HasPrefix(tw, string(first)) && isSubsequence(w[n:], strings.Join(t[i:], " ")[n:]) {
			return true
		}
	}
	return false
}

// isSubsequence reports whether the letters of w occur in s in order.
func isSubsequence(w, s string) bool {
	for _, r := range w {
		i := strings.IndexRune(s, r)
		if i < 0 {
			return false
		}
		s = s[i+utf8.RuneLen(r):]
	}
	return true
}

// foldDiacritics returns a transformer that decomposes text and drops the
// combining marks: "Pequeño café" becomes "Pequeno cafe". A chain keeps
// state, so each call gets its own: handlers run concurrently.
func foldDiacritics() transform.Transformer {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}

// foldedWords folds s for matching, case and diacritics aside, and splits
// it into words of letters and digits (words).
func foldedWords(s string) []string {
	folded, _, err := transform.String(foldDiacritics(), s)
	if err != nil {
		folded = s
	}
	return words(folded)
}
