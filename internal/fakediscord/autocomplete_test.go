package fakediscord_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot/internal/fakediscord"
)

func TestAutocompleteResultsAreHeldToDiscordsLimits(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	s := newSession(t, srv)
	choices := func(n, nameLen int) *discordgo.InteractionResponse {
		var cs []*discordgo.ApplicationCommandOptionChoice
		for k := range n {
			cs = append(cs, &discordgo.ApplicationCommandOptionChoice{Name: strings.Repeat("n", nameLen), Value: fmt.Sprint("slug-", k)})
		}
		return &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: cs},
		}
	}
	newAuto := func() *discordgo.Interaction {
		i := srv.AutocompleteInteraction("ask", fakediscord.StringOption("question", "who?"), fakediscord.FocusedOption("story", "tal"))
		if _, err := srv.DispatchInteraction(i); !errors.Is(err, fakediscord.ErrNoSession) {
			t.Fatalf("dispatch: %v", err)
		}
		return i
	}

	for _, tc := range []struct {
		name string
		resp *discordgo.InteractionResponse
		ok   bool
	}{
		{"25 choices of 100 characters", choices(25, 100), true},
		{"no choices", choices(0, 1), true},
		{"26 choices", choices(26, 10), false},
		{"a name of 101 characters", choices(1, 101), false},
		{"an empty name", choices(1, 0), false},
		{"a message instead of choices", &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "hi"},
		}, false},
	} {
		i := newAuto()
		err := s.InteractionRespond(i, tc.resp)
		st, _ := srv.Interaction(i.ID)
		if tc.ok {
			if err != nil || st.Acks != 1 || len(st.Choices) != len(tc.resp.Data.Choices) || st.Choices == nil {
				t.Errorf("%s: err %v, state %+v", tc.name, err, st)
			}
			if len(st.Choices) > 0 && st.Choices[0].Value != "slug-0" {
				t.Errorf("%s: first choice %+v", tc.name, st.Choices[0])
			}
			continue
		}
		if discordCode(err) != 50035 || st.Acks != 0 || st.RejectedAcks != 1 || st.Choices != nil {
			t.Errorf("%s: err %v (code %d), state acks %d rejected %d", tc.name, err, discordCode(err), st.Acks, st.RejectedAcks)
		}
	}

	// A command interaction cannot be answered with choices.
	i := srv.CommandInteraction("stories")
	_, _ = srv.DispatchInteraction(i)
	if err := s.InteractionRespond(i, choices(1, 5)); discordCode(err) != 50035 {
		t.Errorf("choices for a command: %v", err)
	}
}

func TestAttachmentOptionIsResolvedAndServedOnLoopbackWithoutAuthorization(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	body := []byte("# A story\n\nSome text.\n")
	i := srv.CommandInteraction("add", fakediscord.AttachmentOption("file", "story.md", "text/markdown", body), fakediscord.AsAdmin())
	data := i.Data.(discordgo.ApplicationCommandInteractionData)
	if len(data.Options) != 1 || data.Options[0].Type != discordgo.ApplicationCommandOptionAttachment {
		t.Fatalf("options = %+v", data.Options)
	}
	id, _ := data.Options[0].Value.(string) // StringValue panics on an attachment option
	a := data.Resolved.Attachments[id]
	if a == nil || a.Filename != "story.md" || a.Size != len(body) || a.ContentType != "text/markdown" {
		t.Fatalf("resolved attachment = %+v", a)
	}
	u, err := url.Parse(a.URL)
	if err != nil || !strings.HasPrefix(u.Host, "127.0.0.1:") {
		t.Fatalf("attachment URL %q is not on loopback", a.URL)
	}
	// The interaction survives the JSON round trip of a dispatch.
	_, _ = srv.DispatchInteraction(i)
	st, _ := srv.Interaction(i.ID)
	got := st.Interaction.Data.(discordgo.ApplicationCommandInteractionData)
	if got.Resolved == nil || got.Resolved.Attachments[id] == nil || got.Resolved.Attachments[id].URL != a.URL {
		t.Fatalf("dispatched resolved data = %+v", got.Resolved)
	}

	resp, err := http.Get(a.URL) // no Authorization, as with the CDN
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != string(body) || resp.Header.Get("Content-Type") != "text/markdown" {
		t.Errorf("GET attachment: %d %q %q", resp.StatusCode, b, resp.Header.Get("Content-Type"))
	}
	resp, err = http.Get(srv.URL() + "/attachments/1/2/missing.md")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("unknown attachment: %d", resp.StatusCode)
	}
	reqs := srv.RequestsTo(fakediscord.RouteAttachment)
	if len(reqs) != 2 || reqs[0].PathValue("attachment") != id || reqs[0].Status != 200 || reqs[1].Status != 404 {
		t.Errorf("recorded attachment requests = %+v", reqs)
	}
}
