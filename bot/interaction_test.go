package bot

import (
	"context"
	"fmt"
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

func TestPrivateAnswerIsNotPostedInTheChannelWhenTheTokenExpired(t *testing.T) {
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

// BenchmarkAckLatency measures, per question, the time from the
// INTERACTION_CREATE leaving the fake gateway to the deferred
// acknowledgement reaching the fake REST API, with 50 /ask dispatched at
// once and an answerer that takes 2 s per answer (the bot's defaults: 4 at
// a time, the rest queued). One iteration is one burst; it waits for every
// answer before the next, off the clock. Reported: p50, p99 and max in ms
// over all bursts. The bar (issue 3) is p99 under 250 ms.
//
//	go test -run '^$' -bench AckLatency -benchtime 3x ./bot/
func BenchmarkAckLatency(b *testing.B) {
	const burst = 50
	ans := newFakeAnswerer()
	ans.delay = 2 * time.Second
	h := start(b, ans, fakediscord.Options{HeartbeatInterval: time.Second}, func(c *Config) {
		c.Cooldown = 0 // the default, 10 s: every question comes from its own user
		c.ShutdownTimeout = 60 * time.Second
	})
	var lat []time.Duration
	user := 0
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		ids, err := h.fd.AskConcurrently(burst, "where are the talks, Riyadh?", func(i int) []fakediscord.Option {
			u := fakediscord.DefaultUser()
			u.ID = fmt.Sprint(910000000000000000 + user + i)
			return []fakediscord.Option{fakediscord.From(u)}
		})
		if err != nil {
			b.Fatal(err)
		}
		user += burst
		for _, id := range ids {
			st, err := h.fd.WaitAcknowledged(h.ctx(), id)
			if err != nil {
				b.Fatal(err)
			}
			lat = append(lat, st.AckLatency())
		}
		b.StopTimer()
		for _, id := range ids {
			st, err := h.fd.WaitInteraction(longCtx(b), id, func(st fakediscord.InteractionState) bool {
				return st.Original != nil && len(st.Original.Embeds) > 0
			})
			if err != nil {
				b.Fatalf("question %s not answered: %v (%+v)", id, err, st.Original)
			}
		}
		b.StartTimer()
	}
	b.StopTimer()
	fakediscord.ReportAckLatencies(b, lat)
}

func TestNonCommandInteractionsAreIgnoredWithoutPanic(t *testing.T) {
	t.Parallel()
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	for _, typ := range []discordgo.InteractionType{discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit, discordgo.InteractionPing} {
		i := h.fd.CommandInteraction("ask")
		i.Type = typ
		i.Data = nil
		if typ == discordgo.InteractionMessageComponent {
			i.Data = discordgo.MessageComponentInteractionData{CustomID: "x", ComponentType: discordgo.ButtonComponent}
		}
		if _, err := h.fd.DispatchInteraction(i); err != nil {
			t.Fatal(err)
		}
	}
	st := h.ask("where are the talks, Riyadh?")
	if !strings.Contains(st.Original.Content, "Riyadh") {
		t.Errorf("answer after ignored interactions = %q", st.Original.Content)
	}
	if strings.Contains(h.logs.String(), "panic") {
		t.Error("a handler panicked")
	}
}

func TestUnknownCommandGetsEphemeralHint(t *testing.T) {
	t.Parallel()
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	st := h.command("frobnicate")
	if !st.Ephemeral || !strings.Contains(st.Original.Content, "/help") {
		t.Errorf("reply = %q", st.Original.Content)
	}
}

func TestTwentyConcurrentAsksAreAllAcknowledgedWithin3s(t *testing.T) {
	// Not parallel: acknowledgement latency under 3 s is measured.
	ans := newFakeAnswerer()
	ans.delay = 500 * time.Millisecond
	h := start(t, ans, fakediscord.Options{AckDeadline: 3 * time.Second}, nil)
	ids, err := h.fd.AskConcurrently(20, "where are the talks, Riyadh?", func(i int) []fakediscord.Option {
		u := fakediscord.DefaultUser()
		u.ID = fmt.Sprint(900000000000001000 + i)
		return []fakediscord.Option{fakediscord.From(u)}
	})
	if err != nil {
		t.Fatal(err)
	}
	var worst time.Duration
	for _, id := range ids {
		st := h.waitFinal(id)
		if st.Acks != 1 || st.RejectedAcks != 0 {
			t.Errorf("interaction %s: %d acks, %d rejected", id, st.Acks, st.RejectedAcks)
		}
		worst = max(worst, st.AckLatency())
		if !strings.Contains(st.Original.Content, "Riyadh") {
			t.Errorf("interaction %s: %q", id, st.Original.Content)
		}
	}
	if worst > 3*time.Second {
		t.Errorf("slowest acknowledgement took %v", worst)
	}
	t.Logf("slowest acknowledgement of 20: %v", worst)
}

func TestInteractionAckedTooLateIsLoggedAsUnknownInteraction(t *testing.T) {
	t.Parallel()
	h := start(t, newFakeAnswerer(), fakediscord.Options{AckDeadline: time.Millisecond}, nil)
	h.fd.InjectFault(fakediscord.Fault{Route: fakediscord.RouteInteractionCallback, Latency: 50 * time.Millisecond, Count: 1})
	d, _ := h.fd.Ask("where are the talks, Riyadh?")
	h.fd.WaitFor(h.ctx(), func() bool { return strings.Contains(h.logs.String(), "acknowledge /ask") })
	if !strings.Contains(h.logs.String(), "10062") {
		t.Errorf("logs do not name the late acknowledgement:\n%s", h.logs.String())
	}
	if st, _ := h.fd.Interaction(d.ID); st.RejectedAcks != 1 {
		t.Errorf("rejected acks = %d", st.RejectedAcks)
	}
	_ = discordgo.InteractionApplicationCommand
}

func TestCommandWhoseDataDoesNotDecodeGetsAReply(t *testing.T) {
	t.Parallel()
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

func TestAckRetryFindingTheInteractionAcknowledgedSucceeds(t *testing.T) {
	t.Parallel()
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
