package bot

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/newsbot/newsbot/internal/fakediscord"
)

// testClock is the bot's clock in tests: real time moved forward by what
// advance adds.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

func TestQueuedAskOlderThan13MinutesIsDroppedBeforeTheModel(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	ans := newFakeAnswerer()
	ans.gate = make(chan struct{})
	ans.started = make(chan answerRequest, 4)
	h := start(t, ans, fakediscord.Options{}, func(c *Config) {
		c.MaxConcurrent = 1
		c.now = clock.now
	})
	first, err := h.fd.Ask("where are the talks, Riyadh?")
	if err != nil {
		t.Fatal(err)
	}
	<-ans.started // the first question holds the only slot
	var queued []string
	for i, want := range []string{"next in line", "number 2 in line"} {
		d, err := h.fd.Ask("who leads the delegation, Rubio? " + strings.Repeat("!", i))
		if err != nil {
			t.Fatal(err)
		}
		// The queue note shows the place in line.
		if _, err := h.fd.WaitInteraction(h.ctx(), d.ID, func(st fakediscord.InteractionState) bool {
			return st.Original != nil && strings.Contains(st.Original.Content, want)
		}); err != nil {
			t.Fatalf("queued question %d: no note saying %q: %v", i+1, want, err)
		}
		queued = append(queued, d.ID)
	}
	clock.advance(14 * time.Minute)
	close(ans.gate)

	if st := h.waitFinal(first.ID); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Errorf("the question that was running got %q", st.Original.Content)
	}
	for _, id := range queued {
		if st := h.waitFinal(id); st.Original.Content != expiredText {
			t.Errorf("expired question got %q, want %q", st.Original.Content, expiredText)
		}
	}
	ans.mu.Lock()
	calls := len(ans.requests)
	ans.mu.Unlock()
	if calls != 1 {
		t.Errorf("the engine was called %d times, want once: expired questions reach no model", calls)
	}
	h.waitMetrics(`newsbot_questions_total{outcome="expired",source="slash"} 2`,
		`newsbot_interaction_token_expired_total{stage="queue"} 2`)
	if !strings.Contains(h.logs.String(), "question dropped") {
		t.Error("the dropped questions were not logged")
	}
}

func TestAnswerAfterTheTokenExpiredIsPostedInTheChannelWithoutPings(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	ans.gate = make(chan struct{})
	ans.started = make(chan answerRequest, 1)
	h := start(t, ans, fakediscord.Options{}, nil)
	question := "where are the talks held, Riyadh? @everyone"
	d, err := h.fd.Ask(question)
	if err != nil {
		t.Fatal(err)
	}
	<-ans.started
	if !h.fd.ExpireInteraction(d.ID) {
		t.Fatal("no such interaction")
	}
	close(ans.gate)

	msg, err := h.fd.WaitMessage(h.ctx(), func(m *fakediscord.Message) bool {
		return !m.FromGateway && m.InteractionID == "" && m.ChannelID == h.fd.ChannelID() && len(m.Embeds) > 0
	})
	if err != nil {
		t.Fatalf("the answer was not posted in the channel: %v\nlogs:\n%s", err, h.logs.String())
	}
	wantHead := "Answer to Reader's question “where are the talks held, Riyadh? @everyone”:\n"
	if !strings.HasPrefix(msg.Content, wantHead) || !strings.Contains(msg.Content, "Riyadh, Saudi Arabia [1]") {
		t.Errorf("channel message = %q, want it to start with %q and hold the answer", msg.Content, wantHead)
	}
	if strings.Contains(msg.Content, "<@") {
		t.Errorf("channel message %q mentions the asker", msg.Content)
	}
	if am := msg.AllowedMentions; am == nil || am.Parse == nil || len(am.Parse) != 0 {
		t.Errorf("allowed mentions = %+v, want parse: []", am)
	}
	if p := h.fd.Pings(); len(p) != 0 {
		t.Errorf("pings: %+v", p)
	}
	checkExtractiveSources(t, msg, ans.title)
	h.waitMetrics(`newsbot_interaction_token_expired_total{stage="reply"} 1`,
		`newsbot_questions_total{outcome="answered",source="slash"} 1`)
	if st, _ := h.fd.Interaction(d.ID); st.Original == nil || st.Original.Content != "" {
		t.Errorf("the expired interaction's response changed: %+v", st.Original)
	}
}

func TestPrivateAnswerGoesToTheAskersDMsWhenTheTokenExpired(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	ans.gate = make(chan struct{})
	ans.started = make(chan answerRequest, 1)
	h := start(t, ans, fakediscord.Options{}, nil)
	d, err := h.fd.Ask("where are the talks held, Riyadh?", fakediscord.BoolOption("private", true))
	if err != nil {
		t.Fatal(err)
	}
	<-ans.started
	h.fd.ExpireInteraction(d.ID)
	close(ans.gate)
	msg, err := h.fd.WaitMessage(h.ctx(), func(m *fakediscord.Message) bool {
		return !m.FromGateway && m.InteractionID == "" && len(m.Embeds) > 0
	})
	if err != nil {
		t.Fatalf("the private answer was not delivered: %v\nlogs:\n%s", err, h.logs.String())
	}
	ch, ok := h.fd.Channel(msg.ChannelID)
	if !ok || ch.Type != discordgo.ChannelTypeDM || len(ch.Recipients) == 0 || ch.Recipients[0].ID != fakediscord.DefaultUserID {
		t.Fatalf("the private answer went to channel %+v, want a DM with the asker", ch)
	}
	if !strings.Contains(msg.Content, "your private question “where are the talks held, Riyadh?”") || !strings.Contains(msg.Content, "Riyadh, Saudi Arabia [1]") {
		t.Errorf("DM = %q", msg.Content)
	}
	for _, m := range h.fd.BotMessages() {
		if m.ChannelID == h.fd.ChannelID() && m.InteractionID == "" {
			t.Errorf("a private answer was posted in the channel: %q", m.Content)
		}
	}
	h.waitMetrics(`newsbot_interaction_token_expired_total{stage="reply"} 1`,
		`newsbot_questions_total{outcome="answered",source="slash"} 1`)
}

func TestPrivateAnswerIsNeverPostedInTheChannelEvenWhenNoDMCanBeOpened(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	ans.gate = make(chan struct{})
	ans.started = make(chan answerRequest, 1)
	h := start(t, ans, fakediscord.Options{}, nil)
	h.fd.InjectFault(fakediscord.Fault{Route: fakediscord.RouteUserChannelCreate, Status: http.StatusForbidden})
	d, err := h.fd.Ask("where are the talks held, Riyadh?", fakediscord.BoolOption("private", true))
	if err != nil {
		t.Fatal(err)
	}
	<-ans.started
	h.fd.ExpireInteraction(d.ID)
	close(ans.gate)
	h.waitMetrics(`newsbot_questions_total{outcome="failed",source="slash"} 1`)
	for _, m := range h.fd.BotMessages() {
		if m.InteractionID == "" {
			t.Errorf("a private answer was posted in channel %s: %q", m.ChannelID, m.Content)
		}
	}
	if !strings.Contains(h.logs.String(), "answer lost") {
		t.Error("the lost private answer was not logged")
	}
}
