package bot

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot/internal/fakediscord"
)

func TestAskIsAcknowledgedWithin3sThenEditedWithTitleAndLink(t *testing.T) {
	ans := newFakeAnswerer()
	h := start(t, ans, fakediscord.Options{AckDeadline: 3 * time.Second}, nil)

	st := h.ask("Where will the talks be held?")
	if st.Acks != 1 || st.AckType != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("acks = %d of type %d, want one deferred acknowledgement", st.Acks, st.AckType)
	}
	if lat := st.AckLatency(); lat <= 0 || lat > 3*time.Second {
		t.Errorf("acknowledged after %v, want within 3 s", lat)
	}
	if st.Ephemeral {
		t.Error("a public question got an ephemeral answer")
	}
	o := st.Original
	if !strings.Contains(o.Content, "Riyadh") || !strings.Contains(o.Content, "[1]") {
		t.Errorf("answer text = %q", o.Content)
	}
	checkExtractiveSources(t, o, ans.title)
	if o.AllowedMentions == nil || o.AllowedMentions.Parse == nil || len(o.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed mentions = %+v, want parse: []", o.AllowedMentions)
	}
}

func TestModelAnswerShowsTheVerbatimQuoteThatAddsToIt(t *testing.T) {
	ans := newFakeAnswerer()
	ans.chat = "test-model"
	quote := ans.sentences[0]
	ans.answerFn = func(req answerRequest) (answerAnswer, error) {
		return answerAnswer{Question: req.Question, Answered: true, Mode: "model", Text: "In the Saudi capital [1].",
			Citations: []answerCitation{{Ref: 1, Chunk: "doc#0", Doc: "doc", Title: ans.title, Quote: quote}}}, nil
	}
	h := start(t, ans, fakediscord.Options{}, nil)
	o := h.ask("Where will the talks be held?").Original
	vals := fieldValues(o)
	if len(vals) != 1 || !strings.Contains(vals[0], quote) || !strings.Contains(vals[0], "<"+testStoryURL+">") {
		t.Fatalf("sources = %q, want the verbatim quote %q and the story's link", vals, quote)
	}
	if name := o.Embeds[0].Fields[0].Name; !strings.HasPrefix(name, "[1] ") || !strings.Contains(name, ans.title) {
		t.Errorf("source name = %q, want [1] and the article's title", name)
	}
}

func TestAskPrivateAnswersEphemerally(t *testing.T) {
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	st := h.ask("Who leads the American delegation, Rubio?", fakediscord.BoolOption("private", true))
	if !st.Ephemeral {
		t.Error("private answer is not ephemeral")
	}
	if !strings.Contains(st.Original.Content, "Rubio") {
		t.Errorf("answer = %q", st.Original.Content)
	}
}

func TestRefusalIsTextWithoutSources(t *testing.T) {
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	st := h.ask("Who won the football world cup?")
	if st.Original.Content != "The articles do not say." || len(st.Original.Embeds) != 0 {
		t.Errorf("refusal = %q with %d embeds", st.Original.Content, len(st.Original.Embeds))
	}
}

func TestMentionGetsReplyReferencingQuestion(t *testing.T) {
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
	time.Sleep(300 * time.Millisecond)
	if n := len(ans.requests); n != 1 {
		t.Errorf("engine got %d questions, want 1 (only the human's mention)", n)
	}
	if n := len(h.fd.BotMessages()); n != 1 {
		t.Errorf("bot wrote %d messages, want 1; reply %q", n, reply.Content)
	}
}

func TestFollowUpReplyCarriesEarlierTurn(t *testing.T) {
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

func TestFollowUpToSlashAnswerCarriesEarlierTurn(t *testing.T) {
	ans := newFakeAnswerer()
	h := start(t, ans, fakediscord.Options{}, nil)
	st := h.ask("where are the talks, Riyadh?")
	_, reply := h.mention("and who leads the delegation, Rubio?", fakediscord.ReplyTo(st.Original.Message, true))
	if !strings.Contains(reply.Content, "Rubio") {
		t.Errorf("reply = %q", reply.Content)
	}
	if h := ans.lastRequest().History; len(h) != 1 || h[0].Question != "where are the talks, Riyadh?" {
		t.Errorf("history = %+v", h)
	}
}

func TestThreadModeAnswersInNewThreadWhichHoldsTheConversation(t *testing.T) {
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

func TestEveryoneInQuestionPingsNobody(t *testing.T) {
	ans := newFakeAnswerer("Protesters shouted @everyone and @here at <@900000000000000300> and <@&900000000000000777> outside the Riyadh venue.")
	h := start(t, ans, fakediscord.Options{}, nil)
	st := h.ask("@everyone @here <@900000000000000300> what happened outside the Riyadh venue?")
	if !strings.Contains(st.Original.Content, "@everyone") {
		t.Fatalf("the test needs an answer that repeats the mentions, got %q", st.Original.Content)
	}
	_, _ = h.mention("@everyone what happened outside the Riyadh venue?")
	if pings := h.fd.Pings(); len(pings) != 0 {
		t.Errorf("the bot's messages pinged %+v", pings)
	}
	// Every message and edit the bot sent says parse: [] explicitly.
	checked := 0
	for _, r := range h.fd.Requests() {
		switch r.Route {
		case fakediscord.RouteInteractionCallback, fakediscord.RouteWebhookMessageEdit, fakediscord.RouteFollowupCreate,
			fakediscord.RouteMessageCreate, fakediscord.RouteMessageEdit:
		default:
			continue
		}
		var body struct {
			AllowedMentions *json.RawMessage `json:"allowed_mentions"`
			Data            *struct {
				AllowedMentions *json.RawMessage `json:"allowed_mentions"`
			} `json:"data"`
		}
		if err := r.JSON(&body); err != nil {
			t.Fatal(err)
		}
		am := body.AllowedMentions
		if body.Data != nil {
			am = body.Data.AllowedMentions
		}
		if am == nil || !strings.Contains(string(*am), `"parse":[]`) {
			t.Errorf("%s sent allowed_mentions %s, want parse: []", r.Route, ptrString(am))
		}
		checked++
	}
	if checked < 3 {
		t.Errorf("checked only %d writes", checked)
	}
}

func ptrString(r *json.RawMessage) string {
	if r == nil {
		return "(absent)"
	}
	return string(*r)
}
