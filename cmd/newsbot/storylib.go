package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/answer"
	"github.com/newsbot/newsbot/ingest"
)

// maxAnnouncedPerPoll bounds the "New story" posts one poll of the feeds
// makes, so that following a busy feed does not flood the channel; the
// rest are listed by /stories.
const maxAnnouncedPerPoll = 5

// storyLibrary is serve's newsbot.Library: the story store of the data
// directory, with the engine reloaded after each change so that the next
// question sees it. Other processes sharing the directory see the change
// through their watchers (watchCorpus).
type storyLibrary struct {
	store *ingest.Store
	eng   *answer.Engine
	log   *slog.Logger
	// announce, when set, posts a new story to the announcement channel.
	announce func(ctx context.Context, st newsbot.Story) error
}

var _ newsbot.Library = (*storyLibrary)(nil)

// reload rebuilds the index; when another reload (the watcher's) is
// running it waits for that one and reloads again, so the change is in.
func (l *storyLibrary) reload(ctx context.Context) error {
	for {
		_, err := l.eng.Reload(ctx)
		if !errors.Is(err, newsbot.ErrReloadRunning) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// indexed gives stories their chunk counts in the loaded index, reading
// the index's description once (Info counts every chunk).
func (l *storyLibrary) indexed(stories ...ingest.Story) []newsbot.Story {
	chunks := map[string]int{}
	for _, doc := range l.eng.Info().Docs {
		chunks[doc.Slug] = doc.Chunks
	}
	out := make([]newsbot.Story, 0, len(stories))
	for _, st := range stories {
		d := st.Domain()
		d.Chunks = chunks[d.Slug]
		out = append(out, d)
	}
	return out
}

// Stories lists the stories of the data directory, newest first (by when
// they were added, then by publication date), or the embedded default
// story while the directory holds none.
func (l *storyLibrary) Stories(ctx context.Context) ([]newsbot.Story, error) {
	list, _, err := l.store.List()
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return l.eng.Info().Docs, nil
	}
	out := l.indexed(list...)
	sortNewestFirst(out)
	return out, nil
}

func sortNewestFirst(stories []newsbot.Story) {
	sort.SliceStable(stories, func(i, j int) bool {
		if stories[i].Added != stories[j].Added {
			return stories[i].Added > stories[j].Added
		}
		return stories[i].Published > stories[j].Published
	})
}

// Add ingests a URL or an uploaded file, reloads the index and announces
// the story.
func (l *storyLibrary) Add(ctx context.Context, src newsbot.Source) (newsbot.Story, error) {
	var st ingest.Story
	var err error
	switch {
	case src.URL != "":
		st, err = l.store.AddURL(ctx, src.URL)
	case src.Name != "":
		st, err = l.store.AddFile(src.Name, src.Body)
	default:
		err = errors.New("nothing to add: give a URL or a file")
	}
	if err != nil {
		return newsbot.Story{}, err
	}
	if err := l.reload(ctx); err != nil {
		return st.Domain(), fmt.Errorf("added %s, but the index was not reloaded (the next reload picks it up): %w", st.Slug, err)
	}
	d := l.indexed(st)[0]
	l.announceAll(ctx, []newsbot.Story{d})
	return d, nil
}

// Remove deletes a story file and reloads the index.
func (l *storyLibrary) Remove(ctx context.Context, slug string) (newsbot.Story, error) {
	st, err := l.store.Remove(slug)
	if err != nil {
		return newsbot.Story{}, err
	}
	d := l.indexed(st)[0]
	if err := l.reload(ctx); err != nil {
		return d, fmt.Errorf("removed %s, but the index was not reloaded (the next reload drops it): %w", st.Slug, err)
	}
	return d, nil
}

// Follow follows a feed and reads it once. Stories of that first read are
// not announced: they are the feed's back catalogue, not news.
func (l *storyLibrary) Follow(ctx context.Context, url string) (newsbot.Feed, []newsbot.Story, error) {
	res, err := l.store.Follow(ctx, url)
	if err != nil {
		return newsbot.Feed{}, nil, err
	}
	feed := newsbot.Feed{URL: res.Feed, Title: res.Title, Stories: len(res.Added), LastPolled: time.Now()}
	if len(res.Failed) > 0 {
		feed.LastError = fmt.Sprintf("%d item(s) could not be added, the first: %v", len(res.Failed), res.Failed[0])
	}
	if len(res.Added) == 0 {
		return feed, nil, nil
	}
	if err := l.reload(ctx); err != nil {
		return feed, nil, fmt.Errorf("following %s, but the index was not reloaded: %w", res.Feed, err)
	}
	return feed, l.indexed(res.Added...), nil
}

// Unfollow stops polling a feed; its stories stay.
func (l *storyLibrary) Unfollow(ctx context.Context, url string) (newsbot.Feed, error) {
	feeds, err := l.Feeds(ctx)
	if err != nil {
		return newsbot.Feed{}, err
	}
	feed := newsbot.Feed{URL: url}
	for _, f := range feeds {
		if f.URL == url {
			feed = f
		}
	}
	return feed, l.store.Unfollow(url)
}

// Feeds lists the followed feeds with how many of the stories came from
// each.
func (l *storyLibrary) Feeds(ctx context.Context) ([]newsbot.Feed, error) {
	states, err := l.store.Feeds()
	if err != nil {
		return nil, err
	}
	list, _, err := l.store.List()
	if err != nil {
		return nil, err
	}
	from := map[string]int{}
	for _, st := range list {
		from[st.Feed]++
	}
	out := make([]newsbot.Feed, 0, len(states))
	for _, s := range states {
		f := newsbot.Feed{URL: s.URL, Title: s.Title, Stories: from[s.URL], LastError: s.LastError}
		if t, err := time.Parse(time.RFC3339, s.LastPolled); err == nil {
			f.LastPolled = t
		}
		out = append(out, f)
	}
	return out, nil
}

// pollFeeds reads every followed feed once, reloads the index when stories
// were added and announces them. It returns the stories added.
func (l *storyLibrary) pollFeeds(ctx context.Context) []newsbot.Story {
	results, errs := l.store.PollAll(ctx)
	for _, err := range errs {
		l.log.Warn("polling a feed", "err", err)
	}
	var added []ingest.Story
	for _, r := range results {
		for _, f := range r.Failed {
			l.log.Warn("feed item not added", "feed", r.Feed, "item", f.Item, "err", f.Err)
		}
		added = append(added, r.Added...)
	}
	if len(added) == 0 {
		return nil
	}
	if err := l.reload(ctx); err != nil {
		l.log.Error("reload after polling the feeds", "err", err)
		return nil
	}
	out := l.indexed(added...)
	l.log.Info("feeds polled", "added", len(out))
	l.announceAll(ctx, out)
	return out
}

func (l *storyLibrary) announceAll(ctx context.Context, stories []newsbot.Story) {
	if l.announce == nil {
		return
	}
	for i, st := range stories {
		if i == maxAnnouncedPerPoll {
			l.log.Info("announcements capped", "announced", i, "not_announced", len(stories)-i)
			return
		}
		if err := l.announce(ctx, st); err != nil {
			l.log.Warn("announcing a new story", "slug", st.Slug, "err", err)
		}
	}
}

// pollFeedsEvery polls the followed feeds at start and then every interval
// until ctx ends.
func (l *storyLibrary) pollFeedsEvery(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		l.pollFeeds(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
