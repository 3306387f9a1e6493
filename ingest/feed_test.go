package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
)

// feedServer serves feeds on loopback (with ETag validators) and, for any
// other path, an article page of our own whose text names the path.
type feedServer struct {
	*httptest.Server
	mu      sync.Mutex
	feeds   map[string][]byte // path -> body
	types   map[string]string
	version int
	pages   int // page requests served
}

func newFeedServer(t *testing.T) *feedServer {
	fs := &feedServer{feeds: map[string][]byte{}, types: map[string]string{}, version: 1}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		if b, ok := fs.feeds[r.URL.Path]; ok {
			etag := fmt.Sprintf(`"v%d"`, fs.version)
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", etag)
			w.Header().Set("Content-Type", fs.types[r.URL.Path])
			w.Write(b)
			return
		}
		fs.pages++
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><body><article>%s</article></body></html>", articleParagraphs(r.URL.Path))
	}))
	t.Cleanup(fs.Close)
	return fs
}

// articleParagraphs is a page body of our own, unique to key.
func articleParagraphs(key string) string {
	var b strings.Builder
	for i := 0; i < 4; i++ {
		fmt.Fprintf(&b, "<p>Paragraph %d of the report filed under %s: the council met at the harbour hall, heard the fishermen's case for a longer season, and voted to review the quotas before the summer, the clerk said after the meeting ended late in the evening.</p>", i+1, key)
	}
	return b.String()
}

// loopbackGetter sends every page fetch to the feed server, whatever the
// host, and reports the address asked for: feed items link to their
// publishers' sites, which a test must never contact.
type loopbackGetter struct {
	srv *feedServer
	f   *Fetcher
}

func (g loopbackGetter) Fetch(ctx context.Context, raw string) (*Page, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	p, err := g.f.Fetch(ctx, g.srv.URL+"/page/"+u.Host+u.Path)
	if p != nil {
		p.URL = raw
	}
	return p, err
}

func (g loopbackGetter) FetchFeed(ctx context.Context, raw, etag, lm string) (*Page, error) {
	return g.f.FetchFeed(ctx, raw, etag, lm)
}

func feedStore(t *testing.T, srv *feedServer) *Store {
	s := newStore(t)
	s.Fetcher = loopbackGetter{srv: srv, f: &Fetcher{AllowPrivate: true}}
	return s
}

func sharedFeed(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(needWebCorpus(t), "feeds", name))
	if err != nil {
		t.Skipf("feed %s: %v", name, err)
	}
	return b
}

// TestFollowLatin1Feed follows the ISO-8859-1 FeedBurner feed: items are
// fetched from their origLink, titles decoded from Latin-1, dates read
// despite their trailing CR LF and spaces; a second poll is a 304; the
// state survives a new Store.
func TestFollowLatin1Feed(t *testing.T) {
	srv := newFeedServer(t)
	srv.feeds["/jn.xml"] = sharedFeed(t, "jn-ultimas-iso-8859-1.xml")
	srv.types["/jn.xml"] = "application/rss+xml"
	s := feedStore(t, srv)
	res, err := s.Follow(context.Background(), srv.URL+"/jn.xml")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) > 0 {
		t.Errorf("failed items: %v", res.Failed)
	}
	if len(res.Added) != MaxItemsPerPoll || res.Skipped != 40-MaxItemsPerPoll {
		t.Errorf("added %d, skipped %d; want %d and %d", len(res.Added), res.Skipped, MaxItemsPerPoll, 40-MaxItemsPerPoll)
	}
	if !strings.Contains(res.Title, "Notícias") {
		t.Errorf("feed title %q", res.Title)
	}
	var titles []string
	for _, st := range res.Added {
		titles = append(titles, st.Title)
		if !utf8.ValidString(st.Title) || strings.ContainsRune(st.Title, utf8.RuneError) {
			t.Errorf("title %q is not decoded", st.Title)
		}
		if st.Published != "2018-01-03" && st.Published != "2018-01-02" {
			t.Errorf("%s: published %q", st.Title, st.Published)
		}
		if !strings.HasPrefix(st.URL, "https://www.jn.pt/") || st.Feed != srv.URL+"/jn.xml" {
			t.Errorf("%s: url %q feed %q (want the origLink and the feed)", st.Title, st.URL, st.Feed)
		}
	}
	if !strings.Contains(strings.Join(titles, "|"), "Mãe de utente é a nova presidente da Raríssimas") {
		t.Errorf("titles %q", titles)
	}
	pages := srv.pages
	again, err := s.Poll(context.Background(), srv.URL+"/jn.xml")
	if err != nil || !again.NotModified || len(again.Added) != 0 || srv.pages != pages {
		t.Errorf("second poll: %+v %v, %d more page fetches; want 304 and nothing", again, err, srv.pages-pages)
	}
	// The feed changes validators but not items: nothing is added twice.
	srv.mu.Lock()
	srv.version++
	srv.mu.Unlock()
	s2 := feedStore(t, srv)
	s2.Dir = s.Dir
	third, err := s2.Poll(context.Background(), srv.URL+"/jn.xml")
	if err != nil || third.NotModified || len(third.Added) != 0 {
		t.Errorf("third poll: %+v %v; want a full fetch adding nothing", third, err)
	}
	feeds, err := s2.Feeds()
	if err != nil || len(feeds) != 1 || feeds[0].ETag != `"v2"` || len(feeds[0].Seen) != 40 {
		t.Errorf("state %+v %v", feeds, err)
	}
	if err := s2.Unfollow(srv.URL + "/jn.xml"); err != nil {
		t.Fatal(err)
	}
	if feeds, _ := s2.Feeds(); len(feeds) != 0 {
		t.Errorf("after unfollow: %+v", feeds)
	}
}

// TestFollowFullContentFeed: items that carry their full text
// (content:encoded) are ingested from it, without fetching the links.
func TestFollowFullContentFeed(t *testing.T) {
	srv := newFeedServer(t)
	srv.feeds["/tc.xml"] = sharedFeed(t, "techcrunch-rss2-content-encoded.xml")
	srv.types["/tc.xml"] = "text/xml; charset=utf-8"
	s := feedStore(t, srv)
	res, err := s.Follow(context.Background(), srv.URL+"/tc.xml")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added)+res.Duplicates != 20 || len(res.Failed) != 0 {
		t.Errorf("added %d, duplicates %d, failed %v; want 20 in all", len(res.Added), res.Duplicates, res.Failed)
	}
	feed, err := gofeed.NewParser().ParseString(string(srv.feeds["/tc.xml"]))
	if err != nil {
		t.Fatal(err)
	}
	short := 0
	for _, it := range feed.Items {
		if wordCount(fragmentText(it.Content)) < minContentWords {
			short++
		}
	}
	if srv.pages != short || short > 2 {
		t.Errorf("%d pages fetched; want one per item whose content is under %d words (%d)", srv.pages, minContentWords, short)
	}
	for _, st := range res.Added {
		if strings.Contains(st.URL, "feedproxy") {
			t.Errorf("%s: url %q is the feedproxy redirect, not origLink", st.Title, st.URL)
		}
	}
}

// TestFollowSummaryFeedsFetchLinks: RSS 2.0 summaries and Atom entries.
func TestFollowSummaryFeedsFetchLinks(t *testing.T) {
	for _, c := range []struct{ file, ctype string }{
		{"guardian-us-rss2.xml", "application/rss+xml"},
		{"heise-developer-atom.xml", "application/atom+xml"},
	} {
		t.Run(c.file, func(t *testing.T) {
			srv := newFeedServer(t)
			srv.feeds["/f"] = sharedFeed(t, c.file)
			srv.types["/f"] = c.ctype
			s := feedStore(t, srv)
			s.MaxStories = 10
			res, err := s.Follow(context.Background(), srv.URL+"/f")
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Added) == 0 || len(res.Failed) != 0 {
				t.Errorf("added %d, failed %v", len(res.Added), res.Failed)
			}
			if n := countStories(t, s); n != 10 {
				t.Errorf("%d stories kept, want NEWSBOT_MAX_STORIES=10", n)
			}
		})
	}
}

// Feeds of our own in the two formats the shared folder lacks.
const rss1Feed = `<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://gazette.example/rss"><title>Tidewater Gazette</title><link>https://gazette.example/</link><description>News</description>
<items><rdf:Seq><rdf:li rdf:resource="https://gazette.example/a"/><rdf:li rdf:resource="https://gazette.example/b"/></rdf:Seq></items></channel>
<item rdf:about="https://gazette.example/a"><title>Quota review agreed</title><link>https://gazette.example/a</link><dc:date>2025-03-01T09:00:00Z</dc:date><dc:creator>Ada Quill</dc:creator></item>
<item rdf:about="https://gazette.example/b"><title>Ferry timetable changes</title><link>https://gazette.example/b</link><dc:date>2025-03-02T09:00:00Z</dc:date></item>
</rdf:RDF>`

const jsonFeed = `{"version":"https://jsonfeed.org/version/1.1","title":"Tidewater Gazette","items":[
{"id":"tg-1","url":"https://gazette.example/c","title":"Lifeboat crew honoured","date_published":"2025-03-03T10:00:00Z","authors":[{"name":"Ben Marsh"}]},
{"id":"tg-2","url":"https://gazette.example/d","title":"Market hall to reopen","date_published":"2025-03-04T10:00:00Z"}]}`

func TestFollowRSS1AndJSONFeed(t *testing.T) {
	srv := newFeedServer(t)
	srv.feeds["/rss1"] = []byte(rss1Feed)
	srv.types["/rss1"] = "application/rdf+xml"
	srv.feeds["/json"] = []byte(jsonFeed)
	srv.types["/json"] = "application/feed+json"
	s := feedStore(t, srv)
	want := map[string]string{"/rss1": "Ferry timetable changes|2025-03-02|Quota review agreed|2025-03-01",
		"/json": "Market hall to reopen|2025-03-04|Lifeboat crew honoured|2025-03-03"}
	for path, w := range want {
		res, err := s.Follow(context.Background(), srv.URL+path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var got []string
		for _, st := range res.Added {
			got = append(got, st.Title, st.Published)
		}
		if strings.Join(got, "|") != w || len(res.Failed) != 0 {
			t.Errorf("%s: added %q, failed %v; want %q", path, got, res.Failed, w)
		}
	}
}

// TestPollFailuresAreReported: an item whose link fails and whose summary
// is too short is reported, retried on the next poll, not marked seen.
func TestPollFailuresAreReported(t *testing.T) {
	srv := newFeedServer(t)
	srv.feeds["/rss1"] = []byte(rss1Feed)
	srv.types["/rss1"] = "application/rdf+xml"
	s := newStore(t)
	s.Fetcher = failingPages{&Fetcher{AllowPrivate: true}}
	res, err := s.Follow(context.Background(), srv.URL+"/rss1")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != 0 || len(res.Failed) != 2 || !strings.Contains(res.Failed[0].Error(), "https://gazette.example/") {
		t.Errorf("result %+v", res)
	}
	feeds, _ := s.Feeds()
	if len(feeds[0].Seen) != 0 || feeds[0].ETag != "" {
		t.Errorf("failed items marked seen or validators kept: %+v", feeds[0])
	}
}

type failingPages struct{ *Fetcher }

func (failingPages) Fetch(ctx context.Context, raw string) (*Page, error) {
	return nil, fmt.Errorf("fetch %s: 503 Service Unavailable", raw)
}
