package bot

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/fakediscord"
)

func TestShutdownFinishesQuestionsInFlight(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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

func TestHealthzAndMetricsPerBot(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
	ans := newFakeAnswerer()
	h := start(t, ans, fakediscord.Options{}, nil)
	ans.set(func(f *fakeAnswerer) { f.sentences = nil })
	if h.healthz() != http.StatusServiceUnavailable {
		t.Error("healthy with no index")
	}
}

func TestNewRejectsBadConfiguration(t *testing.T) {
	t.Parallel()
	a := newFakeAnswerer()
	for _, c := range []Config{
		{},
		{Token: "Bot "},
		{Token: "x", APIURL: "not a url"},
		{Token: "x", ShardCount: 2, ShardID: 2},
	} {
		if _, err := New(c, a); err == nil {
			t.Errorf("New(%+v) accepted", c)
		}
	}
	if _, err := New(Config{Token: "x"}, nil); err == nil {
		t.Error("New without an answerer accepted")
	}
	b, err := New(Config{Token: "Bot abc"}, a)
	if err != nil || b.auth != "Bot abc" || b.cfg.Cooldown != 10*time.Second || b.cfg.MaxConcurrent != 4 {
		t.Errorf("New: %v, auth %q, %+v", err, b.auth, b.cfg)
	}
}
