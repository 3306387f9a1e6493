package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/internal/fakediscord"
)

func TestPanicWhileAnsweringGetsAnApologyAndFreesTheSlot(t *testing.T) {
	ans := newFakeAnswerer()
	ans.answerFn = func(newsbot.Request) (newsbot.Answer, error) {
		panic("a bug in the engine")
	}
	h := start(t, ans, fakediscord.Options{}, func(c *Config) { c.MaxConcurrent = 1 })
	if st := h.ask("where are the talks?"); !strings.Contains(st.Original.Content, "Sorry") {
		t.Fatalf("after a panic: %q, want the apology", st.Original.Content)
	}
	ans.set(func(f *fakeAnswerer) { f.answerFn = nil })
	// With one slot, a slot kept by the panic would queue this forever.
	if st := h.ask("where are the talks, Riyadh?"); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Fatalf("next question: %q", st.Original.Content)
	}
}

func TestNullMessageCreateIsIgnored(t *testing.T) {
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	if _, err := h.fd.Dispatch("MESSAGE_CREATE", nil); err != nil {
		t.Fatal(err)
	}
	if st := h.ask("where are the talks, Riyadh?"); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Fatalf("after a null MESSAGE_CREATE: %q", st.Original.Content)
	}
}

func TestCommandWhoseDataDoesNotDecodeGetsAReply(t *testing.T) {
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	i := h.fd.AskInteraction("where are the talks?")
	d, err := h.fd.DispatchInteraction(i)
	if err != nil {
		t.Fatal(err)
	}
	_ = d
	// The same interaction again, with options that are not a list.
	raw := map[string]any{
		"id": "900000000000123456", "application_id": h.fd.ApplicationID(), "type": 2, "token": "tok-bad-data",
		"guild_id": i.GuildID, "channel_id": i.ChannelID, "member": i.Member, "version": 1,
		"data": map[string]any{"id": "1", "name": "ask", "type": 1, "options": "oops"},
	}
	if _, err := h.fd.Dispatch("INTERACTION_CREATE", raw); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := h.fd.WaitForRequest(ctx, func(r fakediscord.Request) bool {
		return strings.Contains(r.Path, "/interactions/900000000000123456/") && strings.Contains(string(r.Body), "couldn't read that command")
	}); err != nil {
		t.Errorf("no reply to a command with undecodable data: %v\nlogs:\n%s", err, h.logs.String())
	}
}

func TestReloadInADirectMessageIsRefusedEvenForAdminUsers(t *testing.T) {
	ans := newFakeAnswerer()
	h := start(t, ans, fakediscord.Options{}, func(c *Config) { c.AdminUserIDs = []string{"900000000000000777"} })
	u := fakediscord.DefaultUser()
	u.ID = "900000000000000777"
	st := h.command("reload", fakediscord.InDM(), fakediscord.From(u))
	if strings.HasPrefix(st.Original.Content, "Reloaded") || ans.reloads != 0 {
		t.Errorf("/reload in a DM: %q, %d reloads", st.Original.Content, ans.reloads)
	}
}

func TestEmptyMentionsAreUnderTheCooldownToo(t *testing.T) {
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, func(c *Config) { c.Cooldown = time.Minute })
	for n := 0; n < 3; n++ {
		if _, err := h.fd.Mention(""); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(500 * time.Millisecond) // let any replies land
	help := 0
	for _, m := range h.fd.BotMessages() {
		if strings.Contains(m.Content, "answers questions about the news story") {
			help++
		}
	}
	if help != 1 {
		t.Errorf("%d help replies to three empty mentions in a minute, want 1", help)
	}
}

func TestAckRetryFindingTheInteractionAcknowledgedSucceeds(t *testing.T) {
	err := fmt.Errorf("ack: %w", &restError{Op: "ack", Status: 400, Code: codeAlreadyAcked, Message: "Interaction has already been acknowledged."})
	if acked(err) != nil {
		t.Errorf("40060 after a retry must count as acknowledged")
	}
	other := &restError{Op: "ack", Status: 404, Code: 10062}
	if acked(other) == nil {
		t.Errorf("10062 must stay an error")
	}
	var _ = discordgo.InteractionApplicationCommand
}
