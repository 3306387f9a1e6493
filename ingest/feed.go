package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
)

// Feed limits.
const (
	// MaxItemsPerPoll is how many of a feed's newest unseen items one poll
	// ingests; older unseen items are marked seen without being added, so
	// following a busy feed does not pull its whole archive.
	MaxItemsPerPoll = 25
	// maxItemFailures is how many polls an item may fail before it is
	// given up (marked seen).
	maxItemFailures = 3
	// maxSeen bounds the item IDs remembered per feed.
	maxSeen = 5000
	// minContentWords is how long a feed's full content must be to be
	// used instead of fetching the link, and a summary to be used when the
	// link cannot be fetched.
	minContentWords  = 120
	minSummaryWords  = 25
	feedStateFile    = "feeds.json"
	feedStateVersion = 1
)

// ErrNotFollowed is returned by Poll and Unfollow for a feed that is not
// followed.
var ErrNotFollowed = errors.New("not a followed feed")

// FeedState is what newsbot remembers of a followed feed, in
// <data dir>/.newsbot/feeds.json.
type FeedState struct {
	URL          string            `json:"url"`
	Title        string            `json:"title,omitempty"`
	ETag         string            `json:"etag,omitempty"`
	LastModified string            `json:"last_modified,omitempty"`
	Seen         map[string]string `json:"seen"`               // item ID -> when first seen (RFC 3339)
	Failures     map[string]int    `json:"failures,omitempty"` // item ID -> failed polls
	LastPolled   string            `json:"last_polled,omitempty"`
	LastError    string            `json:"last_error,omitempty"`
}

type feedFile struct {
	Version int                   `json:"version"`
	Feeds   map[string]*FeedState `json:"feeds"`
}

// FeedResult is what one poll of a feed did.
type FeedResult struct {
	Feed        string
	Title       string
	NotModified bool        // the server answered 304
	Added       []Story     // new stories, in feed order
	Failed      []ItemError // items that could not be added (retried next poll)
	Duplicates  int         // items already in the store
	Skipped     int         // old items past MaxItemsPerPoll, marked seen
}

// ItemError is a feed item that could not be added, and why.
type ItemError struct {
	Item  string // the item's link or ID
	Title string
	Err   error
}

func (e ItemError) Error() string { return fmt.Sprintf("%s (%s): %v", e.Title, e.Item, e.Err) }

// Follow adds feedURL to the followed feeds (if new) and polls it once.
func (s *Store) Follow(ctx context.Context, feedURL string) (FeedResult, error) {
	if _, err := CheckURL(feedURL); err != nil {
		return FeedResult{}, err
	}
	if err := s.updateFeeds(func(ff *feedFile) error {
		if ff.Feeds[feedURL] == nil {
			ff.Feeds[feedURL] = &FeedState{URL: feedURL, Seen: map[string]string{}}
		}
		return nil
	}); err != nil {
		return FeedResult{}, err
	}
	return s.Poll(ctx, feedURL)
}

// Unfollow forgets a feed (its stories stay).
func (s *Store) Unfollow(feedURL string) error {
	return s.updateFeeds(func(ff *feedFile) error {
		if ff.Feeds[feedURL] == nil {
			return fmt.Errorf("feed %q: %w", feedURL, ErrNotFollowed)
		}
		delete(ff.Feeds, feedURL)
		return nil
	})
}

// Feeds returns the followed feeds, by URL.
func (s *Store) Feeds() ([]FeedState, error) {
	ff, err := s.readFeeds()
	if err != nil {
		return nil, err
	}
	var out []FeedState
	for _, f := range ff.Feeds {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URL < out[j].URL })
	return out, nil
}

// PollAll polls every followed feed once, in URL order.
func (s *Store) PollAll(ctx context.Context) ([]FeedResult, []error) {
	feeds, err := s.Feeds()
	if err != nil {
		return nil, []error{err}
	}
	var res []FeedResult
	var errs []error
	for _, f := range feeds {
		if ctx.Err() != nil {
			break
		}
		r, err := s.Poll(ctx, f.URL)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		res = append(res, r)
	}
	return res, errs
}

// Poll fetches a followed feed (conditionally, with the validators of the
// last poll) and adds each new item, identified by GUID or link: from the
// feed's full content when it carries one, else by fetching the item's
// link. Its state is saved whatever happened to single items.
func (s *Store) Poll(ctx context.Context, feedURL string) (FeedResult, error) {
	ff, err := s.readFeeds()
	if err != nil {
		return FeedResult{}, err
	}
	st := ff.Feeds[feedURL]
	if st == nil {
		return FeedResult{}, fmt.Errorf("feed %q: %w", feedURL, ErrNotFollowed)
	}
	res := FeedResult{Feed: feedURL, Title: st.Title}
	now := nowUTC(s.Now)
	save := func(mut func(*FeedState)) error {
		return s.updateFeeds(func(ff *feedFile) error {
			cur := ff.Feeds[feedURL]
			if cur == nil { // unfollowed meanwhile
				return nil
			}
			cur.LastPolled = now
			mut(cur)
			return nil
		})
	}
	page, err := s.getter().FetchFeed(ctx, feedURL, st.ETag, st.LastModified)
	if errors.Is(err, ErrNotModified) {
		res.NotModified = true
		return res, save(func(f *FeedState) { f.LastError = "" })
	}
	if err != nil {
		save(func(f *FeedState) { f.LastError = err.Error() })
		return res, err
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(page.Body))
	if err != nil {
		err = fmt.Errorf("feed %s: %w", feedURL, err)
		save(func(f *FeedState) { f.LastError = err.Error() })
		return res, err
	}
	res.Title = strings.TrimSpace(feed.Title)

	type pending struct {
		id   string
		item *gofeed.Item
	}
	var todo []pending
	for _, it := range feed.Items {
		id := itemID(it)
		if id == "" || st.Seen[id] != "" {
			continue
		}
		todo = append(todo, pending{id, it})
	}
	// Newest first for the per-poll cap; items without a date keep feed order.
	sort.SliceStable(todo, func(i, j int) bool { return itemTime(todo[i].item).After(itemTime(todo[j].item)) })
	seen := map[string]bool{}
	failed := map[string]bool{}
	for n, p := range todo {
		if n >= MaxItemsPerPoll {
			seen[p.id] = true
			res.Skipped++
			continue
		}
		if ctx.Err() != nil {
			break
		}
		story, err := s.addItem(ctx, feedURL, p.item)
		switch {
		case err == nil:
			res.Added = append(res.Added, story)
			seen[p.id] = true
		case errors.Is(err, ErrDuplicate):
			res.Duplicates++
			seen[p.id] = true
		default:
			res.Failed = append(res.Failed, ItemError{Item: firstNonEmpty(p.item.Link, p.id), Title: strings.TrimSpace(p.item.Title), Err: err})
			failed[p.id] = true
		}
	}
	err = save(func(f *FeedState) {
		f.Title = res.Title
		f.ETag, f.LastModified, f.LastError = page.ETag, page.LastModified, ""
		if f.Seen == nil {
			f.Seen = map[string]string{}
		}
		if f.Failures == nil {
			f.Failures = map[string]int{}
		}
		for id := range seen {
			f.Seen[id] = now
			delete(f.Failures, id)
		}
		for id := range failed {
			f.Failures[id]++
			if f.Failures[id] >= maxItemFailures {
				f.Seen[id] = now
				delete(f.Failures, id)
			}
		}
		if len(failed) > 0 {
			// Failed items must be fetched again: the validators would
			// hide them behind a 304.
			f.ETag, f.LastModified = "", ""
		}
		pruneSeen(f.Seen)
	})
	return res, err
}

// addItem adds one feed item as a story.
func (s *Store) addItem(ctx context.Context, feedURL string, it *gofeed.Item) (Story, error) {
	meta := Story{Title: strings.TrimSpace(it.Title), URL: itemLink(it), Feed: feedURL}
	if t := itemTime(it); !t.IsZero() {
		meta.Published = t.Format("2006-01-02")
	}
	meta.Byline = itemAuthors(it)
	if text := fragmentText(it.Content); wordCount(text) >= minContentWords {
		return s.Add(meta, text)
	}
	link := meta.URL
	if link == "" {
		link = strings.TrimSpace(it.Link)
	}
	if link == "" {
		return Story{}, errors.New("the item has neither full content nor a link")
	}
	st, err := s.AddURLWith(ctx, link, meta)
	if err == nil || errors.Is(err, ErrDuplicate) {
		return st, err
	}
	if summary := fragmentText(firstNonEmpty(it.Content, it.Description)); wordCount(summary) >= minSummaryWords {
		// The page could not be read; the feed's own summary is the story.
		return s.Add(meta, summary)
	}
	return Story{}, err
}

// AddURLWith is AddURL with metadata known beforehand (from a feed item):
// the page's own metadata wins, the given one fills its gaps, and Feed is
// kept.
func (s *Store) AddURLWith(ctx context.Context, rawURL string, known Story) (Story, error) {
	if _, err := CheckURL(rawURL); err != nil {
		return Story{}, err
	}
	if st, ok, err := s.findURL(rawURL); err != nil {
		return Story{}, err
	} else if ok {
		return Story{}, &DuplicateError{Existing: st, Reason: "same URL"}
	}
	page, err := s.getter().Fetch(ctx, rawURL)
	if err != nil {
		return Story{}, err
	}
	st, text, err := fromBody(page.Body, page.ContentType, page.URL)
	if err != nil {
		return Story{}, fmt.Errorf("%s: %w", rawURL, err)
	}
	fill := func(dst *string, v string) {
		if strings.TrimSpace(*dst) == "" {
			*dst = v
		}
	}
	fill(&st.Title, known.Title)
	fill(&st.Published, known.Published)
	fill(&st.Byline, known.Byline)
	fill(&st.URL, known.URL)
	st.Feed = known.Feed
	st, err = s.Add(st, text)
	if err != nil {
		return Story{}, fmt.Errorf("%s: %w", rawURL, err)
	}
	return st, nil
}

// itemID identifies a feed item: its GUID, else its link.
func itemID(it *gofeed.Item) string {
	return firstNonEmpty(it.GUID, itemLink(it), it.Link)
}

// itemLink is the item's article address: FeedBurner's origLink when the
// link is a feedproxy redirect, else the link.
func itemLink(it *gofeed.Item) string {
	if fb, ok := it.Extensions["feedburner"]; ok {
		for _, e := range fb["origLink"] {
			if v := strings.TrimSpace(e.Value); v != "" {
				return v
			}
		}
	}
	return strings.TrimSpace(it.Link)
}

// itemTime is when the item was published (else updated), or zero.
func itemTime(it *gofeed.Item) time.Time {
	for _, t := range []*time.Time{it.PublishedParsed, it.UpdatedParsed} {
		if t != nil && !t.IsZero() {
			return *t
		}
	}
	for _, raw := range []string{it.Published, it.Updated} {
		raw = strings.Join(strings.Fields(raw), " ")
		for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC3339, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST"} {
			if t, err := time.Parse(layout, raw); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

func itemAuthors(it *gofeed.Item) string {
	var names []string
	for _, a := range it.Authors {
		if a != nil && strings.TrimSpace(a.Name) != "" {
			names = append(names, strings.TrimSpace(a.Name))
		}
	}
	if len(names) == 0 && it.DublinCoreExt != nil {
		names = append(names, it.DublinCoreExt.Creator...)
	}
	return strings.Join(names, ", ")
}

// fragmentText renders a feed's HTML fragment (content:encoded, Atom
// content, a description) as paragraphs of plain text.
func fragmentText(fragment string) string {
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	doc, err := html.Parse(strings.NewReader(fragment))
	if err != nil {
		return ""
	}
	return blockText(doc)
}

func wordCount(s string) int { return len(strings.Fields(s)) }

func pruneSeen(seen map[string]string) {
	if len(seen) <= maxSeen {
		return
	}
	type kv struct{ id, at string }
	all := make([]kv, 0, len(seen))
	for id, at := range seen {
		all = append(all, kv{id, at})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].at < all[j].at })
	for _, e := range all[:len(all)-maxSeen] {
		delete(seen, e.id)
	}
}

func (s *Store) feedPath() string { return filepath.Join(s.Dir, stateDir, feedStateFile) }

func (s *Store) readFeeds() (*feedFile, error) {
	ff := &feedFile{Version: feedStateVersion, Feeds: map[string]*FeedState{}}
	b, err := os.ReadFile(s.feedPath())
	if errors.Is(err, os.ErrNotExist) {
		return ff, nil
	}
	if err != nil {
		return nil, fmt.Errorf("feed state: %w", err)
	}
	if err := json.Unmarshal(b, ff); err != nil {
		return nil, fmt.Errorf("feed state %s: %w", s.feedPath(), err)
	}
	if ff.Feeds == nil {
		ff.Feeds = map[string]*FeedState{}
	}
	return ff, nil
}

// updateFeeds reads the feed state, applies mut and writes it back
// atomically. Within a process calls are serialized; processes sharing the
// directory may lose each other's concurrent update of the same file (the
// cost is an item seen twice, which the duplicate check then stops).
func (s *Store) updateFeeds(mut func(*feedFile) error) error {
	s.feedMu.Lock()
	defer s.feedMu.Unlock()
	ff, err := s.readFeeds()
	if err != nil {
		return err
	}
	if err := mut(ff); err != nil {
		return err
	}
	b, err := json.MarshalIndent(ff, "", "  ")
	if err != nil {
		return err
	}
	if err := writeAtomic(s.feedPath(), append(b, '\n')); err != nil {
		return fmt.Errorf("save feed state: %w", err)
	}
	return nil
}
