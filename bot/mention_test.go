package bot

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/newsbot/newsbot/internal/fakediscord"
)

func TestMentionGetsReplyReferencingQuestion(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	h := start(t, ans, fakediscord.Options{}, nil)
	q, reply := h.mention("what did the Kremlin spokesman say?")
	if reply.MessageReference.MessageID != q.ID || reply.ChannelID != q.ChannelID {
		t.Fatalf("reply %+v does not reference question %s", reply.MessageReference, q.ID)
	}
	if !strings.Contains(reply.Content, "Peskov") {
		t.Errorf("reply = %q", reply.Content)
	}
	if got := ans.lastRequest().Question; got != "what did the Kremlin spokesman say?" {
		t.Errorf("question sent to the engine = %q, want it without the mention", got)
	}
	if len(h.fd.RequestsTo(fakediscord.RouteTyping)) == 0 {
		t.Error("no typing indicator before the reply")
	}
	checkExtractiveSources(t, reply, ans.title)
}

func TestDirectMessageIsAnsweredWithoutMention(t *testing.T) {
	t.Parallel()
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	m := h.fd.UserMessage("where are the talks held, Riyadh?", fakediscord.InDM())
	if _, err := h.fd.DispatchMessage(m); err != nil {
		t.Fatal(err)
	}
	reply := h.waitReplyTo(m.ID)
	if !strings.Contains(reply.Content, "Riyadh") {
		t.Errorf("reply = %q", reply.Content)
	}
}

func TestMessagesFromBotsAndWithoutMentionAreIgnored(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	h := start(t, ans, fakediscord.Options{EchoBotMessages: true}, nil)
	other := &discordgo.User{ID: "900000000000000555", Username: "otherbot", Bot: true}
	for _, m := range []*discordgo.Message{
		h.fd.MentionMessage("Riyadh talks?", fakediscord.From(other)),
		h.fd.MentionMessage("Riyadh talks?", fakediscord.From(h.fd.BotUser())),
		h.fd.UserMessage("Riyadh talks? (no mention)"),
	} {
		if _, err := h.fd.DispatchMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	// A real question afterwards is answered, and its echo (the bot's own
	// message, dispatched back) is not.
	_, reply := h.mention("where are the talks, Riyadh?")
	h.settle(5) // three ignored messages, the question and the echo of the reply
	if n := len(ans.requests); n != 1 {
		t.Errorf("engine got %d questions, want 1 (only the human's mention)", n)
	}
	if n := len(h.fd.BotMessages()); n != 1 {
		t.Errorf("bot wrote %d messages, want 1; reply %q", n, reply.Content)
	}
}

func TestFollowUpReplyCarriesEarlierTurn(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	h := start(t, ans, fakediscord.Options{}, nil)
	_, first := h.mention("where are the talks, Riyadh?")
	_, second := h.mention("and what did the Kremlin spokesman say?", fakediscord.ReplyTo(first.Message, true))
	if !strings.Contains(second.Content, "Peskov") {
		t.Errorf("follow-up answer = %q", second.Content)
	}
	req := ans.lastRequest()
	if len(req.History) != 1 || req.History[0].Question != "where are the talks, Riyadh?" || !strings.Contains(req.History[0].Answer, "Riyadh") {
		t.Fatalf("history = %+v, want the earlier question and answer", req.History)
	}
	// A third turn carries both earlier ones, oldest first.
	_, _ = h.mention("and Rubio?", fakediscord.ReplyTo(second.Message, true))
	req = ans.lastRequest()
	if len(req.History) != 2 || !strings.Contains(req.History[1].Question, "Kremlin") {
		t.Errorf("history = %+v, want two turns, oldest first", req.History)
	}
}

func TestThreadModeAnswersInNewThreadWhichHoldsTheConversation(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	h := start(t, ans, fakediscord.Options{}, func(c *Config) { c.Threads = true })
	m := h.fd.MentionMessage("where are the talks, Riyadh?")
	if _, err := h.fd.DispatchMessage(m); err != nil {
		t.Fatal(err)
	}
	threads := h.fd.RequestsTo(fakediscord.RouteMessageThread)
	var reply *fakediscord.Message
	err := h.fd.WaitFor(h.ctx(), func() bool {
		threads = h.fd.RequestsTo(fakediscord.RouteMessageThread)
		if len(threads) == 0 {
			return false
		}
		for _, bm := range h.fd.BotMessages() {
			if bm.ChannelID != h.fd.ChannelID() && isFinal(bm.Content, len(bm.Embeds)) {
				reply = bm
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no answer in a thread: %v", err)
	}
	if threads[0].PathValue("message") != m.ID {
		t.Errorf("thread started on %s, want the question %s", threads[0].PathValue("message"), m.ID)
	}
	if ch, ok := h.fd.Channel(reply.ChannelID); !ok || ch.Type != discordgo.ChannelTypeGuildPublicThread {
		t.Fatalf("answer in channel %+v, want a public thread", ch)
	}
	// A mention in the thread is a follow-up.
	q2 := h.fd.MentionMessage("and the Kremlin spokesman?", fakediscord.InChannel(reply.ChannelID))
	if _, err := h.fd.DispatchMessage(q2); err != nil {
		t.Fatal(err)
	}
	r2 := h.waitReplyTo(q2.ID)
	if r2.ChannelID != reply.ChannelID {
		t.Errorf("follow-up answered in %s, want the thread %s", r2.ChannelID, reply.ChannelID)
	}
	if hist := ans.lastRequest().History; len(hist) != 1 || hist[0].Question != "where are the talks, Riyadh?" {
		t.Errorf("history = %+v", hist)
	}
	if n := len(h.fd.RequestsTo(fakediscord.RouteMessageThread)); n != 1 {
		t.Errorf("%d threads started, want 1", n)
	}
}

func TestReplyRetriedAfterALostAnswerIsPostedOnce(t *testing.T) {
	t.Parallel()
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	// Discord creates the reply, but the answer is lost: a 500 comes back.
	h.fd.InjectFault(fakediscord.Fault{Route: fakediscord.RouteMessageCreate, Status: http.StatusInternalServerError, AfterServing: true, Count: 1})
	m := h.fd.MentionMessage("where are the talks, Riyadh?")
	h.fd.DispatchMessage(m)
	h.waitReplyTo(m.ID)
	// The bot retries after the 500; the retry is recorded once served.
	if err := h.fd.WaitFor(h.ctx(), func() bool { return len(h.fd.RequestsTo(fakediscord.RouteMessageCreate)) >= 2 }); err != nil {
		t.Fatalf("no retry after the lost answer: %v", err)
	}
	replies := 0
	for _, bm := range h.fd.BotMessages() {
		if bm.MessageReference != nil && bm.MessageReference.MessageID == m.ID {
			replies++
		}
	}
	creates := len(h.fd.RequestsTo(fakediscord.RouteMessageCreate))
	if replies != 1 || creates < 2 {
		t.Errorf("%d replies after %d create requests; want the retry to find the first reply, not post a second", replies, creates)
	}
}

func TestNullMessageCreateIsIgnored(t *testing.T) {
	t.Parallel()
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	if _, err := h.fd.Dispatch("MESSAGE_CREATE", nil); err != nil {
		t.Fatal(err)
	}
	if st := h.ask("where are the talks, Riyadh?"); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Fatalf("after a null MESSAGE_CREATE: %q", st.Original.Content)
	}
}

func TestEmptyMentionsAreUnderTheCooldownToo(t *testing.T) {
	t.Parallel()
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, func(c *Config) { c.Cooldown = time.Minute })
	for n := 0; n < 3; n++ {
		if _, err := h.fd.Mention(""); err != nil {
			t.Fatal(err)
		}
	}
	h.settle(3) // any replies have landed
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
