package bot

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/goleak"

	"github.com/newsbot/newsbot/internal/fakediscord"
)

func TestModelErrorGetsApologyAndNextQuestionIsAnswered(t *testing.T) {
	ans := newFakeAnswerer()
	ans.fail = 1
	// With a cooldown: the apology says to try again, and trying again at
	// once must be answered, not told to wait.
	h := start(t, ans, fakediscord.Options{}, func(c *Config) { c.Cooldown = time.Minute })
	st := h.ask("where are the talks, Riyadh?")
	if st.Original.Content != apologyText || len(st.Original.Embeds) != 0 {
		t.Errorf("after a model error the user got %q", st.Original.Content)
	}
	if strings.Contains(st.Original.Content, "500") || strings.Contains(st.Original.Content, "goroutine") {
		t.Error("the apology leaks the error")
	}
	if st := h.ask("where are the talks, Riyadh?"); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Errorf("next question: %q", st.Original.Content)
	}
	h.waitMetrics(
		`newsbot_model_errors_total{kind="http_5xx"} 1`,
		`newsbot_questions_total{outcome="model_error",source="slash"} 1`,
		`newsbot_questions_total{outcome="answered",source="slash"} 1`,
	)
}

func TestGatewayDropIsSurvivedByResuming(t *testing.T) {
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	for round := 0; round < 2; round++ {
		// Drop a settled connection (the fake's docs say why): otherwise
		// discordgo may still be finishing its Open and reconnect twice.
		if err := h.fd.WaitConnected(h.ctx()); err != nil {
			t.Fatal(err)
		}
		if n := h.fd.DropConnections(); n != 1 {
			t.Fatalf("dropped %d connections", n)
		}
		// A question asked while the bot is away is replayed on resume.
		st := h.ask("where are the talks, Riyadh?")
		if !strings.Contains(st.Original.Content, "Riyadh") {
			t.Fatalf("round %d: %q", round, st.Original.Content)
		}
	}
	// The fake counts a resume after replaying what it buffered, so the
	// replayed question can be answered before the count moves.
	gs, _ := h.fd.WaitGateway(h.ctx(), func(st fakediscord.GatewayStats) bool { return st.ResumesAccepted >= 2 })
	if gs.Identifies != 1 || gs.ResumesAccepted != 2 {
		t.Errorf("identifies %d, resumes accepted %d: want the session resumed, not re-identified", gs.Identifies, gs.ResumesAccepted)
	}
	if slices.Contains(gs.ClientCloseCodes, 1000) {
		t.Errorf("the bot sent close 1000 when reconnecting (close codes %v): Discord invalidates the session", gs.ClientCloseCodes)
	}
	h.waitMetrics(`newsbot_gateway_reconnects_total{kind="resume"} 2`)
}

func TestGatewayCloseAndReconnectRequestAreResumed(t *testing.T) {
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	h.fd.CloseConnections(4000, "Unknown error")
	if st := h.ask("where are the talks, Riyadh?"); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Fatalf("after close 4000: %q", st.Original.Content)
	}
	if err := h.fd.WaitConnected(h.ctx()); err != nil {
		t.Fatal(err)
	}
	h.fd.SendReconnect()
	if st := h.ask("and the Kremlin spokesman?"); !strings.Contains(st.Original.Content, "Peskov") {
		t.Fatalf("after op 7: %q", st.Original.Content)
	}
	h.fd.SendInvalidSession(false)
	if _, err := h.fd.WaitGateway(h.ctx(), func(gs fakediscord.GatewayStats) bool { return gs.Identifies == 2 && gs.Live == 1 }); err != nil {
		t.Fatal(err)
	}
	if st := h.ask("and Rubio?"); !strings.Contains(st.Original.Content, "Rubio") {
		t.Fatalf("after op 9: %q", st.Original.Content)
	}
	gs := h.fd.GatewayStats()
	if gs.ResumesAccepted < 2 || slices.Contains(gs.ClientCloseCodes, 1000) {
		t.Errorf("resumes accepted %d, close codes %v", gs.ResumesAccepted, gs.ClientCloseCodes)
	}
}

func TestMissingHeartbeatACKsReconnectAndResume(t *testing.T) {
	// discordgo itself would notice after 5 intervals (2.5 s); the
	// watchdog notices first.
	h := start(t, newFakeAnswerer(), fakediscord.Options{HeartbeatInterval: 500 * time.Millisecond},
		func(c *Config) { c.HeartbeatTimeout = 800 * time.Millisecond })
	h.fd.SetHeartbeatACKs(false)
	_, err := h.fd.WaitGateway(h.ctx(), func(gs fakediscord.GatewayStats) bool { return gs.Resumes > 0 })
	if err != nil {
		t.Fatal(err)
	}
	h.fd.SetHeartbeatACKs(true)
	if st := h.ask("where are the talks, Riyadh?"); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Fatalf("after missing ACKs: %q", st.Original.Content)
	}
	gs := h.fd.GatewayStats()
	if gs.ResumesAccepted == 0 || slices.Contains(gs.ClientCloseCodes, 1000) {
		t.Errorf("resumes accepted %d, close codes %v: want a resume, no 1000", gs.ResumesAccepted, gs.ClientCloseCodes)
	}
	if !strings.Contains(h.logs.String(), "no heartbeat ACK from the gateway") {
		t.Error("the watchdog did not notice the missing ACKs")
	}
}

func TestOp7DuringHandshakeRebuildsTheSession(t *testing.T) {
	// discordgo deadlocks in Open on this (upstream issue 513); the bot
	// must notice and carry on with a new session.
	fd := fakediscord.Start(t, fakediscord.Options{Logf: func(string, ...any) {}})
	fd.FailHandshakes(fakediscord.HandshakeReconnect, 1)
	h := startOn(t, fd, newFakeAnswerer(), func(c *Config) { c.ReadyTimeout = 500 * time.Millisecond })
	if st := h.ask("where are the talks, Riyadh?"); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Fatalf("%q", st.Original.Content)
	}
	if gs := fd.GatewayStats(); gs.Identifies != 2 {
		t.Errorf("%d identifies, want 2 (the stuck one and the new session's)", gs.Identifies)
	}
	h.waitMetrics(`newsbot_gateway_reconnects_total{kind="rebuild"} 1`)
	if !strings.Contains(h.logs.String(), "stuck in discordgo's Open") {
		t.Error("the stuck session was not logged")
	}
}

func TestSilentOrInvalidHandshakesAreRetried(t *testing.T) {
	for _, f := range []fakediscord.HandshakeFault{fakediscord.HandshakeSilent, fakediscord.HandshakeInvalidSession} {
		t.Run(fmt.Sprint(f), func(t *testing.T) {
			fd := fakediscord.Start(t, fakediscord.Options{Logf: func(string, ...any) {}, HeartbeatInterval: 200 * time.Millisecond})
			fd.FailHandshakes(f, 2)
			h := startOn(t, fd, newFakeAnswerer(), func(c *Config) { c.ReadyTimeout = 500 * time.Millisecond })
			if st := h.ask("where are the talks, Riyadh?"); !strings.Contains(st.Original.Content, "Riyadh") {
				t.Fatalf("%q", st.Original.Content)
			}
		})
	}
}

func TestGatewayThatNeverBecomesReadyMakesRunFail(t *testing.T) {
	defer goleak.VerifyNone(t, append(leakOpts, goleak.IgnoreCurrent())...)
	fd := fakediscord.Start(t, fakediscord.Options{Logf: func(string, ...any) {}})
	defer fd.Close()
	fd.FailHandshakes(fakediscord.HandshakeSilent, 1000)
	logs := &syncBuffer{}
	b, err := New(Config{
		Token: fd.Token(), APIURL: fd.URL(), ReadyTimeout: 200 * time.Millisecond,
		MaxGatewayFailures: 3, ReconnectBackoff: 10 * time.Millisecond, Logger: newTestLogger(logs),
	}, newFakeAnswerer())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = b.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "3 attempts in a row failed") {
		t.Fatalf("Run = %v, want it to give up after 3 attempts", err)
	}
	if ctx.Err() != nil {
		t.Fatal("Run only returned at the deadline")
	}
	if ok, _ := b.Healthy(); ok {
		t.Error("healthy without a gateway")
	}
}

func TestRESTRateLimitsAndServerErrorsAreWaitedOut(t *testing.T) {
	h := start(t, newFakeAnswerer(), fakediscord.Options{AckDeadline: 3 * time.Second}, nil)
	h.fd.InjectFault(fakediscord.Fault{Route: fakediscord.RouteInteractionCallback, Status: http.StatusTooManyRequests, RetryAfter: 200 * time.Millisecond, Count: 1})
	h.fd.InjectFault(fakediscord.Fault{Route: fakediscord.RouteWebhookMessageEdit, Status: http.StatusInternalServerError, Count: 2})
	h.fd.InjectFault(fakediscord.Fault{Route: fakediscord.RouteMessageCreate, Status: http.StatusTooManyRequests, Count: 1})
	h.fd.InjectFault(fakediscord.Fault{Route: fakediscord.RouteMessageCreate, Status: http.StatusServiceUnavailable, Count: 1})
	st := h.ask("where are the talks, Riyadh?")
	if st.Acks != 1 || !strings.Contains(st.Original.Content, "Riyadh") {
		t.Errorf("after a 429 and two 500s: acks %d, %q", st.Acks, st.Original.Content)
	}
	_, reply := h.mention("and the Kremlin spokesman?")
	if !strings.Contains(reply.Content, "Peskov") {
		t.Errorf("mention after a 429 and a 503: %q", reply.Content)
	}
	if n := len(h.fd.BotMessages()); n != 2 {
		t.Errorf("%d bot messages, want 2 (no duplicates)", n)
	}
}

func TestTwentyConcurrentAsksAreAllAcknowledgedWithin3s(t *testing.T) {
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

func TestSlowEditsOfOneAnswerDoNotStallOthers(t *testing.T) {
	// Model mode, streaming: one interaction's edits are rate limited for
	// seconds; the other answers must not wait behind it.
	ans := newFakeAnswerer()
	ans.chat = "fake-model"
	ans.deltas = []string{"Streaming ", "text ", "arrives ", "slowly"}
	ans.deltaGap = 150 * time.Millisecond
	h := start(t, ans, fakediscord.Options{}, func(c *Config) { c.EditInterval = 50 * time.Millisecond })
	slow := h.fd.AskInteraction("where are the talks, Riyadh? (slow)")
	if _, err := h.fd.DispatchInteraction(slow); err != nil {
		t.Fatal(err)
	}
	// The token is known once dispatched; the streaming edits come later.
	h.fd.InjectFault(fakediscord.Fault{
		Route: fakediscord.RouteWebhookMessageEdit, Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second, Count: 1,
		Match: func(r fakediscord.Request) bool { return r.PathValue("token") == slow.Token },
	})
	time.Sleep(50 * time.Millisecond)
	began := time.Now()
	fast := h.ask("and the Kremlin spokesman?")
	took := time.Since(began)
	if !strings.Contains(fast.Original.Content, "Peskov") {
		t.Fatalf("fast answer: %q", fast.Original.Content)
	}
	if took > 1500*time.Millisecond {
		t.Errorf("an answer took %v while another's edits were rate limited for 2 s", took)
		for _, r := range h.fd.Requests() {
			t.Logf("%s %s %s %d %s", r.Received.Format("05.000"), r.Route, r.PathValue("token"), r.Status, r.Fault)
		}
	}
	st := h.waitFinal(slow.ID)
	if !strings.Contains(st.Original.Content, "Riyadh") || len(st.Original.Embeds) == 0 {
		t.Errorf("slow answer's final edit = %q", st.Original.Content)
	}
}

func TestStreamingEditsAreThrottledAndTheFinalEditHasCitations(t *testing.T) {
	ans := newFakeAnswerer()
	ans.chat = "fake-model"
	for i := 0; i < 20; i++ {
		ans.deltas = append(ans.deltas, fmt.Sprintf("word%d ", i))
	}
	ans.deltaGap = 25 * time.Millisecond // 20 deltas over 0.5 s
	h := start(t, ans, fakediscord.Options{}, func(c *Config) { c.EditInterval = 200 * time.Millisecond })
	st := h.ask("where are the talks, Riyadh?")
	if len(st.Original.Embeds) != 1 || !strings.Contains(st.Original.Content, "Riyadh") {
		t.Fatalf("final edit = %q", st.Original.Content)
	}
	var previews int
	var last time.Time
	for _, r := range h.fd.RequestsTo(fakediscord.RouteWebhookMessageEdit) {
		if !strings.Contains(string(r.Body), "word") {
			continue
		}
		previews++
		if !last.IsZero() && r.Received.Sub(last) < 150*time.Millisecond {
			t.Errorf("two streaming edits %v apart, want about 200 ms", r.Received.Sub(last))
		}
		last = r.Received
	}
	if previews < 1 || previews >= len(ans.deltas)/2 {
		t.Errorf("%d streaming edits for %d pieces of text: want them coalesced", previews, len(ans.deltas))
	}
	if n := st.OriginalEdits; n != previews+1 {
		t.Errorf("%d edits, want %d previews and the final one", n, previews)
	}
}

func TestShutdownFinishesQuestionsInFlight(t *testing.T) {
	ans := newFakeAnswerer()
	ans.delay = 700 * time.Millisecond
	h := start(t, ans, fakediscord.Options{}, nil)
	d, err := h.fd.Ask("where are the talks, Riyadh?")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fd.WaitAcknowledged(h.ctx(), d.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	st, _ := h.fd.Interaction(d.ID)
	if st.Original == nil || !strings.Contains(st.Original.Content, "Riyadh") {
		t.Fatalf("the question in flight at shutdown was not answered")
	}
	gs := h.fd.GatewayStats()
	if gs.Connections != 0 || !slices.Contains(gs.ClientCloseCodes, 1000) {
		t.Errorf("after shutdown: %d connections, close codes %v; want the session closed with 1000", gs.Connections, gs.ClientCloseCodes)
	}
}

func TestShutdownCancelsQuestionsStillRunningAfterTheGracePeriod(t *testing.T) {
	ans := newFakeAnswerer()
	ans.gate = make(chan struct{}) // never answers
	h := start(t, ans, fakediscord.Options{}, func(c *Config) { c.ShutdownTimeout = 300 * time.Millisecond })
	d, _ := h.fd.Ask("where are the talks, Riyadh?")
	if _, err := h.fd.WaitAcknowledged(h.ctx(), d.ID); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("shutdown took %v", took)
	}
	st, _ := h.fd.Interaction(d.ID)
	if st.Original == nil || st.Original.Content != shutdownText {
		t.Errorf("the cut-short question got %+v, want the restart apology", st.Original)
	}
}

func TestQuestionsDuringShutdownAreTurnedAwayPolitely(t *testing.T) {
	ans := newFakeAnswerer()
	ans.gate = make(chan struct{})
	h := start(t, ans, fakediscord.Options{}, func(c *Config) { c.ShutdownTimeout = 2 * time.Second })
	d, _ := h.fd.Ask("where are the talks, Riyadh?")
	if _, err := h.fd.WaitAcknowledged(h.ctx(), d.ID); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- h.stop() }()
	if err := h.fd.WaitFor(h.ctx(), func() bool { return h.bot.work.inFlight() == 1 && strings.Contains(h.logs.String(), "shutting down") }); err != nil {
		t.Fatal(err)
	}
	late, err := h.fd.Ask("and Rubio?")
	if err != nil {
		t.Fatal(err)
	}
	st := h.waitFinal(late.ID)
	if st.Original.Content != shutdownText || !st.Ephemeral {
		t.Errorf("question during shutdown got %q", st.Original.Content)
	}
	close(ans.gate)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if st, _ := h.fd.Interaction(d.ID); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Errorf("in-flight question got %q", st.Original.Content)
	}
}

func TestLongAnswerIsSplitWithinDiscordLimits(t *testing.T) {
	var sb strings.Builder
	for i := 1; sb.Len() < 5200; i++ {
		fmt.Fprintf(&sb, "Sentence number %d of a long answer about the Riyadh talks, with a citation [%d]. ", i, i%30+1)
		if i%7 == 0 {
			sb.WriteString("Ünïcödé ✓ 🇺🇦 text. \n\n")
		}
	}
	text := strings.TrimSpace(sb.String())
	long := answerAnswer{Answered: true, Mode: "model", Text: text} // model mode: each quote adds to the text, one field each
	for i := 1; i <= 30; i++ {
		long.Citations = append(long.Citations, answerCitation{Ref: i, Doc: "doc", Title: strings.Repeat("Long title ", 30), Quote: strings.Repeat("Quoted words from the article. ", 9)})
	}
	parts := len(formatAnswer(long, nil))
	ans := newFakeAnswerer()
	ans.answerFn = func(req answerRequest) (answerAnswer, error) { return long, nil }
	h := start(t, ans, fakediscord.Options{}, nil)
	check := func(msgs []*fakediscord.Message) {
		t.Helper()
		var got []string
		fields := 0
		for _, m := range msgs {
			if n := len([]rune(m.Content)); n > maxContent {
				t.Errorf("message of %d characters", n)
			}
			if m.Content != "" {
				got = append(got, m.Content)
			}
			for _, e := range m.Embeds {
				fields += len(e.Fields)
			}
		}
		if len(got) < 3 {
			t.Fatalf("%d messages with text, want at least 3", len(got))
		}
		if noSpace(strings.Join(got, "")) != noSpace(text) {
			t.Error("the parts do not add up to the answer")
		}
		for _, p := range got {
			if strings.Count(p, "[") != strings.Count(p, "]") {
				t.Errorf("a part splits a citation marker: …%s", p[max(0, len(p)-40):])
			}
		}
		if fields != 30 {
			t.Errorf("%d source fields, want 30", fields)
		}
	}
	st := h.ask("where are the talks, Riyadh?")
	st, _ = h.fd.WaitInteraction(h.ctx(), st.Interaction.ID, func(st fakediscord.InteractionState) bool {
		return len(st.Followups) == parts-1
	})
	check(append([]*fakediscord.Message{st.Original}, st.Followups...))

	q, _ := h.mention("where are the talks, Riyadh?")
	var replies []*fakediscord.Message
	h.fd.WaitFor(h.ctx(), func() bool {
		replies = nil
		for _, m := range h.fd.BotMessages() {
			if m.MessageReference != nil && m.MessageReference.MessageID == q.ID {
				replies = append(replies, m)
			}
		}
		return len(replies) == parts
	})
	check(replies)
	for _, r := range h.fd.Requests() {
		if r.Status >= 400 {
			t.Errorf("Discord refused %s: %s", r.Route, r.Response)
		}
	}
}

func TestTokenIsNeverLogged(t *testing.T) {
	ans := newFakeAnswerer()
	ans.fail = 1
	fd := fakediscord.Start(t, fakediscord.Options{Logf: func(string, ...any) {}, HeartbeatInterval: 100 * time.Millisecond})
	h := startOn(t, fd, ans, func(c *Config) { c.Token = "Bot " + fd.Token() })
	h.ask("where are the talks, Riyadh?")
	h.fd.DropConnections()
	h.fd.InjectFault(fakediscord.Fault{Route: fakediscord.RouteMessageCreate, Status: http.StatusForbidden, Count: 1})
	h.fd.Mention("Peskov?")
	h.ask("where are the talks, Riyadh?")
	h.bot.log.Info("a careless log line", "token", fd.Token(), "auth", "Bot "+fd.Token(), "err", fmt.Errorf("wrapped %s", fd.Token()))
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	logs := h.logs.String()
	if strings.Contains(logs, fd.Token()) {
		t.Errorf("the token is in the logs:\n%s", logs)
	}
	if !strings.Contains(logs, "[REDACTED]") || !strings.Contains(logs, "answering failed") {
		t.Errorf("the logs do not show the errors the test caused:\n%s", logs)
	}
}

func TestHealthzAndMetricsPerBot(t *testing.T) {
	a := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	b := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	a.ask("where are the talks, Riyadh?")
	if a.healthz() != 200 || b.healthz() != 200 {
		t.Errorf("healthz = %d, %d", a.healthz(), b.healthz())
	}
	a.waitMetrics(
		`newsbot_questions_total{outcome="answered",source="slash"} 1`,
		"newsbot_answer_seconds_count{source=\"slash\"} 1",
		"newsbot_ack_seconds_count 1",
		`newsbot_tokens_total{kind="prompt"} 100`,
		"newsbot_index_chunks 3",
		"newsbot_gateway_connected 1",
	)
	if strings.Contains(b.metrics(), `newsbot_questions_total{`) {
		t.Error("the second bot's metrics count the first one's questions")
	}
	a.fd.FailHandshakes(fakediscord.HandshakeSilent, 100)
	a.fd.DropConnections()
	if err := a.fd.WaitFor(a.ctx(), func() bool { return a.healthz() == http.StatusServiceUnavailable }); err != nil {
		t.Error("healthz stays 200 while the gateway is down")
	}
	a.fd.FailHandshakes(0, 0)
	if err := a.fd.WaitFor(a.ctx(), func() bool { return a.healthz() == 200 }); err != nil {
		t.Error("healthz does not recover")
	}
}

func TestEmptyIndexIsUnhealthy(t *testing.T) {
	ans := newFakeAnswerer()
	h := start(t, ans, fakediscord.Options{}, nil)
	ans.set(func(f *fakeAnswerer) { f.sentences = nil })
	if h.healthz() != http.StatusServiceUnavailable {
		t.Error("healthy with no index")
	}
}

func TestInteractionAckedTooLateIsLoggedAsUnknownInteraction(t *testing.T) {
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

func TestReplyRetriedAfterALostAnswerIsPostedOnce(t *testing.T) {
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
