package fakediscord_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot/internal/fakediscord"
)

// apiTransport sends discordgo's requests for https://discord.com to another
// base URL (a REST proxy, or the fake in tests) and leaves the path alone:
// the request for https://discord.com/api/v9/gateway goes to
// <base>/api/v9/gateway. This is what a bot does with NEWSBOT_DISCORD_API_URL,
// per session, instead of rewriting discordgo's package-level Endpoint*
// variables (a data race while sessions run).
type apiTransport struct {
	base *url.URL
	next http.RoundTripper
}

func (t apiTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == "discord.com" {
		r = r.Clone(r.Context()) // a RoundTripper must not modify its request
		r.URL.Scheme, r.URL.Host, r.Host = t.base.Scheme, t.base.Host, ""
		r.URL.Path = t.base.Path + r.URL.Path // keeps a proxy's path prefix, if any
	}
	return t.next.RoundTrip(r)
}

// A bot test points a real discordgo session at the fake with an
// http.Client whose transport rewrites https://discord.com; Open then asks
// the fake's GET /api/v9/gateway for the websocket URL, so nothing else
// needs configuring.
func Example() {
	srv, err := fakediscord.New(fakediscord.Options{})
	if err != nil {
		panic(err)
	}
	defer srv.Close() // last: sessions first, or their reconnect loops spin on

	base, _ := url.Parse(srv.URL())
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()

	s, _ := discordgo.New("Bot " + srv.Token())
	s.Client = &http.Client{Timeout: 10 * time.Second, Transport: apiTransport{base: base, next: transport}}
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		// Acknowledge first (Discord allows 3 s), then edit the answer in.
		_ = s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		})
		answer := "You asked: " + ic.ApplicationCommandData().GetOption("question").StringValue()
		_, _ = s.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{
			Content:         &answer,
			AllowedMentions: &discordgo.MessageAllowedMentions{}, // ping nobody
		})
	})
	if err := s.Open(); err != nil {
		panic(err)
	}
	defer func() {
		// Close alone can be undone by discordgo's heartbeat goroutine (see
		// the package docs); with reconnects off it cannot.
		s.Lock()
		s.ShouldReconnectOnError = false
		s.Unlock()
		s.Close()
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := srv.Ask("Who resigned?")
	if err != nil {
		panic(err)
	}
	st, err := srv.WaitInteraction(ctx, d.ID, func(st fakediscord.InteractionState) bool { return st.OriginalEdits > 0 })
	if err != nil {
		panic(err)
	}
	fmt.Println(st.AckType == discordgo.InteractionResponseDeferredChannelMessageWithSource)
	fmt.Println(st.Original.Content)
	fmt.Println(len(srv.Pings()), "pings")
	// Output:
	// true
	// You asked: Who resigned?
	// 0 pings
}
