package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/internal/fakediscord"
)

func TestAdminCommandsAreRegisteredForAdminsOnly(t *testing.T) {
	t.Parallel()
	h, _, _ := startStories(t, testStories(), false, nil)
	got := map[string]*discordgo.ApplicationCommand{}
	for _, c := range h.fd.Commands("") {
		got[c.Name] = c
	}
	for _, name := range []string{"add", "remove", "follow", "unfollow"} {
		c := got[name]
		if c == nil {
			t.Errorf("/%s not registered", name)
			continue
		}
		if c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != discordgo.PermissionManageGuild ||
			c.DMPermission == nil || *c.DMPermission {
			t.Errorf("/%s: default permissions %v, DM %v; want Manage Server, no DMs", name, c.DefaultMemberPermissions, c.DMPermission)
		}
	}
	if c := got["stories"]; c == nil || c.DefaultMemberPermissions != nil {
		t.Errorf("/stories = %+v, want it open to everyone", c)
	}
}

func TestEveryAdminCommandRefusesMembersAndServesAdmins(t *testing.T) {
	t.Parallel()
	h, lib, _ := startStories(t, testStories(), false, nil)
	lib.with(func(l *fakeLibrary) {
		l.feeds = []newsbot.Feed{{URL: "https://news.example/feed.xml", Title: "Example feed"}}
	})
	for _, tc := range []struct {
		name string
		opts []fakediscord.Option
	}{
		{"add", []fakediscord.Option{fakediscord.StringOption("url", "https://news.example/a")}},
		{"add", []fakediscord.Option{fakediscord.AttachmentOption("file", "a.md", "text/markdown", []byte("# A\n\nText."))}},
		{"remove", []fakediscord.Option{fakediscord.StringOption("story", "rent-prices")}},
		{"follow", []fakediscord.Option{fakediscord.StringOption("url", "https://news.example/other.xml")}},
		{"unfollow", []fakediscord.Option{fakediscord.StringOption("feed", "https://news.example/feed.xml")}},
	} {
		for _, who := range []struct {
			label string
			opts  []fakediscord.Option
			admin bool
		}{
			{"member", nil, false},
			{"member with Manage Messages", []fakediscord.Option{fakediscord.WithPermissions(fakediscord.DefaultMemberPermissions | discordgo.PermissionManageMessages)}, false},
			{"in a DM", []fakediscord.Option{fakediscord.InDM()}, false},
			{"admin", []fakediscord.Option{fakediscord.AsAdmin()}, true},
		} {
			before := lib.changes()
			st := h.command(tc.name, append(slices.Clone(tc.opts), who.opts...)...)
			changed := lib.changes() != before
			if !st.Ephemeral {
				t.Errorf("/%s by %s: the reply is public", tc.name, who.label)
			}
			if who.admin {
				if !changed || st.AckType != discordgo.InteractionResponseDeferredChannelMessageWithSource ||
					strings.Contains(st.Original.Content, "only server admins") {
					t.Errorf("/%s by an admin: library changed %v, ack %d, reply %q", tc.name, changed, st.AckType, st.Original.Content)
				}
				continue
			}
			// The command table refuses them before the handler runs,
			// naming the command.
			if changed || !strings.Contains(st.Original.Content, "only server admins") || !strings.Contains(st.Original.Content, "/"+tc.name) {
				t.Errorf("/%s by %s: library changed %v, reply %q", tc.name, who.label, changed, st.Original.Content)
			}
		}
	}
	h.waitMetrics(`newsbot_admin_refusals_total{command="add"} 6`, `newsbot_admin_refusals_total{command="remove"} 3`,
		`newsbot_admin_refusals_total{command="follow"} 3`, `newsbot_admin_refusals_total{command="unfollow"} 3`)
}

func TestAddRepliesWhatWasAddedOrWhyNot(t *testing.T) {
	t.Parallel()
	h, lib, _ := startStories(t, testStories(), false, nil)
	admin := fakediscord.AsAdmin()

	st := h.command("add", fakediscord.StringOption("url", "https://news.example/new"), admin)
	c := st.Original.Content
	if !strings.Contains(c, "Added **Added story** (Newswire, 2026-11-29) <https://news.example/new>: 7 chunks, in ") ||
		!strings.Contains(c, "`added-story`") {
		t.Errorf("/add url reply = %q", c)
	}
	lib.with(func(l *fakeLibrary) {
		if l.adds[0].URL != "https://news.example/new" {
			t.Errorf("Library.Add got %+v", l.adds[0])
		}
	})

	// The file is downloaded from the attachment's URL, without the token.
	body := []byte("# Harbour reopens\n\nThe harbour reopened on Monday.\n")
	st = h.command("add", fakediscord.AttachmentOption("file", "harbour.md", "text/markdown", body), admin)
	if !strings.Contains(st.Original.Content, "Added **Uploaded") || !strings.Contains(st.Original.Content, "harbour.md") {
		t.Errorf("/add file reply = %q", st.Original.Content)
	}
	lib.with(func(l *fakeLibrary) {
		if got := l.adds[1]; got.Name != "harbour.md" || string(got.Body) != string(body) || got.URL != "" {
			t.Errorf("Library.Add got name %q body %q url %q", got.Name, got.Body, got.URL)
		}
	})
	reqs := h.fd.RequestsTo(fakediscord.RouteAttachment)
	if len(reqs) != 1 || reqs[0].Header.Get("Authorization") != "" {
		t.Errorf("attachment downloads = %d, Authorization %q", len(reqs), reqs[0].Header.Get("Authorization"))
	}

	// Why not: a duplicate, the Library's own error, a file too large.
	lib.with(func(l *fakeLibrary) {
		l.addErr = fmt.Errorf("add https://news.example/new: same canonical URL as rent-prices: %w", newsbot.ErrDuplicateStory)
	})
	st = h.command("add", fakediscord.StringOption("url", "https://news.example/new"), admin)
	if st.Original.Content != "Not added: that story is already in the corpus. Add https\\://news.example/new: same canonical URL as rent-prices: the story is already in the corpus." {
		t.Errorf("duplicate reply = %q", st.Original.Content)
	}
	lib.with(func(l *fakeLibrary) { l.addErr = errors.New("refusing 127.0.0.1: a loopback address") })
	st = h.command("add", fakediscord.StringOption("url", "http://127.0.0.1/"), admin)
	if st.Original.Content != "Not added. Refusing 127.0.0.1: a loopback address." {
		t.Errorf("unsafe URL reply = %q", st.Original.Content)
	}
	before := lib.changes()
	big := make([]byte, maxUploadBytes+1)
	st = h.command("add", fakediscord.AttachmentOption("file", "big.txt", "text/plain", big), admin)
	if !strings.Contains(st.Original.Content, "the limit is 5 MB") || lib.changes() != before {
		t.Errorf("big file: reply %q, library called %v", st.Original.Content, lib.changes() != before)
	}
	if n := len(h.fd.RequestsTo(fakediscord.RouteAttachment)); n != 1 {
		t.Errorf("the big file was downloaded (%d downloads)", n)
	}

	// Neither or both: told at once.
	st = h.command("add", admin)
	if !strings.Contains(st.Original.Content, "`url:`") || st.AckType != discordgo.InteractionResponseChannelMessageWithSource {
		t.Errorf("/add without a source = %q", st.Original.Content)
	}
	st = h.command("add", fakediscord.StringOption("url", "https://news.example/x"),
		fakediscord.AttachmentOption("file", "x.md", "text/markdown", []byte("x")), admin)
	if !strings.Contains(st.Original.Content, "not both") {
		t.Errorf("/add with both = %q", st.Original.Content)
	}
}

func TestAttachmentsAreOnlyFetchedFromDiscord(t *testing.T) {
	t.Parallel()
	b := &Bot{cfg: Config{APIURL: "http://127.0.0.1:4000"}}
	for _, tc := range []struct {
		url  string
		want bool
	}{
		{"https://cdn.discordapp.com/attachments/1/2/a.md", true},
		{"https://media.discordapp.net/attachments/1/2/a.md", true},
		{"http://cdn.discordapp.com/attachments/1/2/a.md", false},
		{"https://cdn.discordapp.com.evil.example/a.md", false},
		{"http://127.0.0.1:4000/attachments/1/2/a.md", true}, // the configured API host (a fake, a proxy)
		{"http://127.0.0.1:4001/attachments/1/2/a.md", false},
		{"http://169.254.169.254/latest/meta-data", false},
	} {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := b.attachmentHost(u); got != tc.want {
			t.Errorf("%s: attachmentHost = %v, want %v", tc.url, got, tc.want)
		}
		if tc.want {
			continue
		}
		// A refused address is never requested (b has no HTTP client).
		_, err = b.downloadAttachment(context.Background(), &discordgo.MessageAttachment{URL: tc.url, Filename: "a.md"})
		if err == nil || !strings.Contains(err.Error(), "not Discord's") {
			t.Errorf("%s: download error %v", tc.url, err)
		}
	}
	b.cfg.APIURL = ""
	if u, _ := url.Parse("http://127.0.0.1:4000/a.md"); b.attachmentHost(u) {
		t.Error("loopback allowed without an API URL override")
	}
}

func TestRemoveFollowUnfollowReplies(t *testing.T) {
	t.Parallel()
	h, lib, _ := startStories(t, testStories(), false, nil)
	admin := fakediscord.AsAdmin()

	st := h.command("remove", fakediscord.StringOption("story", "rent-prices"), admin)
	if st.Original.Content != "Removed **Rent prices rise again** (Wire, 2026-11-26) (`rent-prices`)." {
		t.Errorf("/remove reply = %q", st.Original.Content)
	}
	st = h.command("remove", fakediscord.StringOption("story", "gone"), admin)
	if !strings.Contains(st.Original.Content, "Not removed: there is no story “gone”") {
		t.Errorf("/remove unknown = %q", st.Original.Content)
	}

	lib.with(func(l *fakeLibrary) {
		l.followAdds = []newsbot.Story{
			{Slug: "f1", Title: "Bridge closes for repairs", Chunks: 3},
			{Slug: "f2", Title: "Library extends hours", Chunks: 4},
		}
	})
	st = h.command("follow", fakediscord.StringOption("url", "https://news.example/city.xml"), admin)
	c := st.Original.Content
	if !strings.HasPrefix(c, "Following **City Desk** <https://news.example/city.xml>.\nRead it in ") ||
		!strings.Contains(c, "added 2 stories (7 chunks):\n• **Bridge closes for repairs**\n• **Library extends hours**") {
		t.Errorf("/follow reply = %q", c)
	}

	// /unfollow autocompletes the feeds; a URL longer than a choice value
	// travels as a digest and is mapped back.
	longURL := "https://news.example/feeds/" + strings.Repeat("section/", 15) + "rss.xml"
	lib.with(func(l *fakeLibrary) {
		l.feeds = append(l.feeds, newsbot.Feed{URL: longURL, Title: "Deep section", Stories: 1})
	})
	cs := h.choices("unfollow", fakediscord.FocusedOption("feed", "deep"), admin)
	if len(cs) < 1 || !strings.HasPrefix(cs[0].Name, "Deep section · https://news.example/feeds/") {
		t.Fatalf("/unfollow choices = %+v", cs)
	}
	st = h.command("unfollow", fakediscord.StringOption("feed", fmt.Sprint(cs[0].Value)), admin)
	if !strings.HasPrefix(st.Original.Content, "Stopped following **Deep section**") || !strings.HasSuffix(st.Original.Content, "The 1 story it added stays.") {
		t.Errorf("/unfollow reply = %q", st.Original.Content)
	}
	lib.with(func(l *fakeLibrary) {
		if got := l.unfollowed[len(l.unfollowed)-1]; got != longURL {
			t.Errorf("Library.Unfollow(%q), want the full URL", got)
		}
	})
	if cs := h.choices("unfollow", fakediscord.FocusedOption("feed", ""), admin); len(cs) != 1 || cs[0].Value != "https://news.example/city.xml" {
		t.Errorf("/unfollow choices after unfollowing = %+v", cs)
	}
}
