package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/newsbot/newsbot/ingest"
)

// runFollow follows feeds: it adds each FEED_URL to the followed feeds and
// reads it, then, without --once, polls every followed feed each
// NEWSBOT_FEED_INTERVAL until interrupted. With --once it exits 0 when
// every feed was read (items that failed are printed, not fatal), 1 when a
// feed could not be read.
func runFollow(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("follow", flag.ContinueOnError)
	sc, err := loadStoreConfig(e.getenv, fs)
	if err != nil {
		return err
	}
	once := fs.Bool("once", false, "read the feeds once and exit")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	store, err := sc.store()
	if err != nil {
		return err
	}
	store.Retired = retiredTo(e.stderr, sc.MaxStories)
	if len(pos) == 0 {
		feeds, err := store.Feeds()
		if err != nil {
			return err
		}
		if len(feeds) == 0 {
			return usageError{"usage: newsbot follow [--data DIR] [--once] FEED_URL... (no feed is followed yet)"}
		}
	}
	if sc.FeedInterval <= 0 {
		return usageError{"NEWSBOT_FEED_INTERVAL must be positive"}
	}
	feedErrors := 0
	for _, u := range pos {
		res, err := store.Follow(ctx, u)
		if err != nil {
			feedErrors++
			fmt.Fprintf(e.stderr, "newsbot: follow %s: %v\n", u, err)
			continue
		}
		printFeedResult(e, res)
	}
	if len(pos) == 0 {
		feedErrors += pollAll(ctx, e, store)
	}
	if *once {
		if feedErrors > 0 {
			return silentError{1}
		}
		return nil
	}
	t := time.NewTicker(sc.FeedInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			pollAll(ctx, e, store)
		}
	}
}

// pollAll polls every followed feed and prints the outcome; it returns how
// many feeds could not be read.
func pollAll(ctx context.Context, e *env, store *ingest.Store) int {
	res, errs := store.PollAll(ctx)
	for _, r := range res {
		printFeedResult(e, r)
	}
	for _, err := range errs {
		fmt.Fprintf(e.stderr, "newsbot: poll: %v\n", err)
	}
	return len(errs)
}

func printFeedResult(e *env, r ingest.FeedResult) {
	name := r.Feed
	if r.Title != "" {
		name = fmt.Sprintf("%q (%s)", r.Title, r.Feed)
	}
	if r.NotModified {
		fmt.Fprintf(e.stdout, "feed %s: not modified\n", name)
		return
	}
	for _, st := range r.Added {
		fmt.Fprintf(e.stdout, "added %s: %q%s, %s\n", st.Slug, st.Title, storyOrigin(st), chunks(chunkCount(st.Path)))
	}
	for _, f := range r.Failed {
		fmt.Fprintf(e.stdout, "failed %s: %v\n", f.Item, f.Err)
	}
	fmt.Fprintf(e.stdout, "feed %s: %d added, %d failed, %d already here, %d older items skipped\n",
		name, len(r.Added), len(r.Failed), r.Duplicates, r.Skipped)
}
