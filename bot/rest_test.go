package bot

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/fakediscord"
)

func TestGatewayURLOverrideIsUsedInsteadOfAskingDiscord(t *testing.T) {
	t.Parallel()
	fd := fakediscord.Start(t, fakediscord.Options{Logf: func(string, ...any) {}})
	h := startOn(t, fd, newFakeAnswerer(), func(c *Config) { c.GatewayURL = fd.GatewayURL() })
	if n := len(fd.RequestsTo(fakediscord.RouteGateway)); n != 0 {
		t.Errorf("the bot asked Discord for the gateway %d times", n)
	}
	if st := h.ask("where are the talks, Riyadh?"); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Errorf("%q", st.Original.Content)
	}
}

func TestRESTRateLimitsAndServerErrorsAreWaitedOut(t *testing.T) {
	t.Parallel()
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

func TestSlowEditsOfOneAnswerDoNotStallOthers(t *testing.T) {
	// Not parallel: an answer's wall-clock time is measured.
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
	if _, err := h.fd.WaitAcknowledged(h.ctx(), slow.ID); err != nil {
		t.Fatal(err)
	}
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

func TestRewriteTransportSendsDiscordToTheConfiguredBase(t *testing.T) {
	t.Parallel()
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Host+" "+r.URL.RequestURI())
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	client, tr, err := newHTTPClient(srv.URL+"/proxy/", "ws://127.0.0.1:1/gw")
	if err != nil {
		t.Fatal(err)
	}
	defer tr.CloseIdleConnections()
	resp, err := client.Get("https://discord.com/api/v9/channels/1/messages?limit=2")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	if len(got) != 1 || got[0] != host+" /proxy/api/v9/channels/1/messages?limit=2" {
		t.Errorf("request arrived as %q", got)
	}
	resp, err = client.Get("https://discord.com/api/v9/gateway")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"url":"ws://127.0.0.1:1/gw"}` || len(got) != 1 {
		t.Errorf("gateway answer %s (requests %q)", body, got)
	}
	for _, bad := range []string{"discord.example", "ftp://x", "http://"} {
		if _, _, err := newHTTPClient(bad, ""); err == nil {
			t.Errorf("API URL %q accepted", bad)
		}
	}
}

func TestRetryAfterReadsBodyThenHeader(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	if d := retryAfter(h, []byte(`{"retry_after": 0.25}`)); d != 250*time.Millisecond {
		t.Errorf("body: %v", d)
	}
	h.Set("Retry-After", "2")
	if d := retryAfter(h, []byte(`nope`)); d != 2*time.Second {
		t.Errorf("header: %v", d)
	}
	if d := retryAfter(http.Header{}, nil); d != time.Second {
		t.Errorf("default: %v", d)
	}
	if d := retryAfter(http.Header{}, []byte(`{"retry_after": 9999}`)); d != time.Minute {
		t.Errorf("cap: %v", d)
	}
}
