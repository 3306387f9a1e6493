package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot/internal/fakediscord"
	"github.com/newsbot/newsbot/internal/fakeopenai"
)

// soakApology is the start of bot's apologyText, what a user sees when the
// model could not be reached.
const soakApology = "Sorry, I couldn't reach the language model"

// soakQuestions are questions the article answers, so that every one goes
// to the model (an unanswerable one is refused before it).
var soakQuestions = []string{
	"Who is the Kremlin spokesman?",
	"Where will the talks be held?",
	"What did Peskov say about the talks?",
}

// soakQuestion is one question of the soak and what became of it.
type soakQuestion struct {
	mention   bool
	id        string // the interaction's or the message's ID
	channelID string // the mention's channel, its own
	final     *fakediscord.Message
}

// TestSoak runs `newsbot serve` in model mode against the fake Discord and
// the fake OpenAI server and asks 1,000 questions (NEWSBOT_LONG_TESTS=1;
// 100 by default and with -short), half
// by /ask and half by mention, from many users, at a bounded rate and
// concurrency, while the model fails at random (429 with Retry-After, 500,
// hangs past the request timeout, streams cut before [DONE]), Discord's
// REST API answers 429 and 500 at random and the gateway is dropped every
// few seconds. Every question must get exactly one final response, an
// answer quoting the article verbatim or an apology, and keep it; nobody
// is pinged, no goroutine is left behind and the heap stays flat.
func TestSoak(t *testing.T) {
	// sendEvery is the fastest rate questions are sent at; the short run
	// is spread out so that the gateway is still dropped a few times.
	n, budget, sendEvery := 1000, 100*time.Second, 8*time.Millisecond
	if !longTests() { // the default run and -short; .ci/run sets NEWSBOT_LONG_TESTS=1
		n, budget, sendEvery = 100, 45*time.Second, 60*time.Millisecond
	}
	const (
		inFlight    = 40                      // questions awaiting their final response at once
		dropEvery   = 2500 * time.Millisecond // connected time between gateway drops
		users       = 50
		perQuestion = 45 * time.Second // fault-free this takes well under a second
	)
	noLeaks(t)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()

	fo := fakeopenai.New(fakeopenai.Options{Latency: 20 * time.Millisecond, Seed: 7})
	t.Cleanup(fo.Close)
	fd := fakediscord.Start(t, fakediscord.Options{
		HeartbeatInterval:   time.Second,
		ResumableAfterClose: true,
		Seed:                7,
		MaxRecorded:         2000,
	})
	env := modelEnv(fo)
	env["NEWSBOT_LOG_LEVEL"] = "info" // startServe reads the address from an info line; debug would fill memory
	env["NEWSBOT_MAX_CONCURRENT"] = "16"
	env["NEWSBOT_QUEUE_SIZE"] = "200" // above inFlight: nobody is told the bot is busy
	env["NEWSBOT_REQUEST_TIMEOUT"] = "1"
	env["NEWSBOT_ANSWER_TIMEOUT"] = "10s"
	s := startServe(t, fd, env)
	corpus := corpusOf(t, "")

	// Discord REST faults: every one bounded in count, since discordgo
	// waits out a 429 and retries it forever.
	for _, f := range []fakediscord.Fault{
		{Route: fakediscord.RouteInteractionCallback, Status: http.StatusInternalServerError, Rate: 0.03, Count: n / 20},
		{Route: fakediscord.RouteInteractionCallback, Status: http.StatusTooManyRequests, Rate: 0.03, Count: n / 20},
		{Route: fakediscord.RouteWebhookMessageEdit, Status: http.StatusTooManyRequests, Rate: 0.03, Count: n / 10},
		{Route: fakediscord.RouteWebhookMessageEdit, Status: http.StatusInternalServerError, Rate: 0.03, Count: n / 10},
		{Route: fakediscord.RouteMessageCreate, Status: http.StatusTooManyRequests, Rate: 0.03, Count: n / 20},
		{Route: fakediscord.RouteMessageCreate, Status: http.StatusInternalServerError, Rate: 0.03, Count: n / 20},
		{Route: fakediscord.RouteMessageEdit, Status: http.StatusTooManyRequests, Rate: 0.03, Count: n / 20},
		{Route: fakediscord.RouteMessageEdit, Status: http.StatusInternalServerError, Rate: 0.03, Count: n / 20},
	} {
		fd.InjectFault(f)
	}

	var (
		bg        sync.WaitGroup
		stopBg    = make(chan struct{})
		drops     atomic.Int64
		modelHits = map[string]int{}
		chatReqs  int
	)
	// The model: one fault, of a kind drawn from a seeded generator, every
	// 5 to 15 chat requests; FailNext makes every injected fault hit (the
	// injection stops while questions still flow).
	stopInj := make(chan struct{})
	stopInjector := sync.OnceFunc(func() { close(stopInj) })
	bg.Add(1)
	go func() {
		defer bg.Done()
		rng := rand.New(rand.NewPCG(7, 7))
		kinds := []struct {
			name  string
			fault fakeopenai.Fault
		}{
			{"429", fakeopenai.RateLimited("1")},
			{"500", fakeopenai.Failing()},
			{"timeout", fakeopenai.Hanging(1500 * time.Millisecond)},
			{"cut stream", fakeopenai.CutStream()},
		}
		seen, next := 0, 5+rng.IntN(11)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopInj:
				return
			case <-tick.C:
			}
			seen += fo.Requests(fakeopenai.Chat)
			fo.Reset() // forget the recorded chats, which the heap check would count
			for seen >= next {
				k := kinds[rng.IntN(len(kinds))]
				fo.FailNext(fakeopenai.Chat, 1, k.fault)
				modelHits[k.name]++
				next += 5 + rng.IntN(11)
			}
			chatReqs = seen
		}
	}()
	// The gateway: dropped after dropEvery of connected time, once the
	// session is settled (see fakediscord.DropConnections). Counting from
	// the reconnection matters: the bot waits a little before resuming
	// when connections keep dropping, and a drop timed from the previous
	// drop would leave it connected for a moment only.
	bg.Add(1)
	go func() {
		defer bg.Done()
		for {
			wctx, wcancel := context.WithTimeout(ctx, 15*time.Second)
			err := fd.WaitConnected(wctx)
			wcancel()
			if err != nil {
				select {
				case <-stopBg:
				default:
					t.Errorf("the gateway did not come back after %d drops: %v", drops.Load(), err)
				}
				return
			}
			select {
			case <-stopBg:
				return
			case <-time.After(dropEvery):
			}
			wctx, wcancel = context.WithTimeout(ctx, 15*time.Second)
			err = fd.WaitConnected(wctx)
			wcancel()
			if err != nil {
				continue
			}
			fd.DropConnections()
			drops.Add(1)
		}
	}()
	stopBackground := sync.OnceFunc(func() { stopInjector(); close(stopBg); bg.Wait() })
	defer stopBackground()

	qs := make([]*soakQuestion, n)
	var (
		wg       sync.WaitGroup
		slots    = make(chan struct{}, inFlight)
		finished atomic.Int64
		heap25   uint64
	)
	rng := rand.New(rand.NewPCG(11, 11))
	send := time.NewTicker(sendEvery)
	defer send.Stop()
sending:
	for i := range qs {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			t.Errorf("sent only %d questions within %v", i, budget)
			break sending
		}
		<-send.C
		if i == n*9/10 {
			stopInjector()
		}
		if i%100 == 99 {
			fd.ForgetRequests()
		}
		if heap25 == 0 && finished.Load() >= int64(n/4) {
			fd.ForgetRequests()
			heap25 = heapAfterGC()
		}
		u := rng.IntN(users)
		user := &discordgo.User{ID: fmt.Sprint(910000000000000000 + u), Username: fmt.Sprintf("reader%d", u)}
		text := soakQuestions[rng.IntN(len(soakQuestions))]
		q := &soakQuestion{mention: i%2 == 1}
		qs[i] = q
		if q.mention {
			q.channelID = fmt.Sprint(920000000000000000 + i)
			d, err := fd.Mention(text, fakediscord.From(user), fakediscord.InGuild(fd.GuildID(), q.channelID))
			if err != nil {
				t.Fatalf("mention %d: %v", i, err)
			}
			q.id = d.ID
		} else {
			d, err := fd.Ask(text, fakediscord.From(user))
			if err != nil {
				t.Fatalf("ask %d: %v", i, err)
			}
			q.id = d.ID
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			q.final = waitSoakFinal(ctx, fd, q, perQuestion)
			finished.Add(1)
		}()
	}
	wg.Wait()
	stopBackground()
	if heap25 == 0 {
		heap25 = heapAfterGC() // too few questions finished in time for the sample
	}
	sendDone := time.Since(start)

	// Let late writes land, then check that every final response stands as
	// it was first seen and that nothing else was sent.
	time.Sleep(1500 * time.Millisecond)
	answers, apologies, lost := 0, 0, 0
	for i, q := range qs {
		if q == nil {
			continue
		}
		kind := "/ask"
		if q.mention {
			kind = "mention"
		}
		if q.final == nil {
			lost++
			if lost <= 5 {
				t.Errorf("%s %d (%s) got no final response", kind, i, q.id)
			}
			continue
		}
		switch c := q.final.Content; {
		case strings.HasPrefix(c, soakApology) && len(q.final.Embeds) == 0:
			apologies++
		case len(q.final.Embeds) > 0 && strings.Contains(c, "[1]"):
			answers++
			for _, quote := range quotes(q.final) {
				if !strings.Contains(corpus, norm(quote)) {
					t.Errorf("%s %d: quote %q is not verbatim article text", kind, i, quote)
				}
			}
		default:
			t.Errorf("%s %d: final response is neither an answer nor an apology: %q", kind, i, c)
		}
		if q.mention {
			var replies []*fakediscord.Message
			for _, m := range fd.Messages(q.channelID) {
				if !m.FromGateway && !m.Deleted {
					replies = append(replies, m)
				}
			}
			if len(replies) != 1 || replies[0].MessageReference == nil || replies[0].MessageReference.MessageID != q.id ||
				!sameMessage(replies[0], q.final) {
				t.Errorf("mention %d: %d replies, want the one final %q", i, len(replies), q.final.Content)
				for _, r := range replies {
					t.Logf("  reply %s: %q", r.ID, r.Content)
				}
			}
			continue
		}
		st, _ := fd.Interaction(q.id)
		if st.Acks != 1 || st.Original == nil || !sameMessage(st.Original, q.final) {
			t.Errorf("/ask %d: %d acks; final %q became %+v", i, st.Acks, q.final.Content, st.Original)
		}
		for _, f := range st.Followups {
			if f.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Errorf("/ask %d: a second response, as follow-up: %q", i, f.Content)
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d questions got no final response", lost, n)
	}
	if pings := fd.Pings(); len(pings) != 0 {
		t.Errorf("%d pings, the first %+v", len(pings), pings[0])
	}
	fd.ForgetRequests()
	heapEnd := heapAfterGC()
	const slack = 8 << 20
	if limit := heap25*3/2 + slack; heapEnd > limit {
		t.Errorf("heap grew from %d KiB at 25%% to %d KiB at the end, over the limit of %d KiB", heap25>>10, heapEnd>>10, limit>>10)
	}
	gs := fd.GatewayStats()
	t.Logf("%d questions in %v (all final after %v): %d answers, %d apologies, %d lost", n, time.Since(start).Round(time.Millisecond),
		sendDone.Round(time.Millisecond), answers, apologies, lost)
	t.Logf("model faults injected (all hit): %v in ~%d chat requests; Discord REST faults hit: %d", modelHits, chatReqs, fd.FaultHits())
	t.Logf("gateway: %d drops, %d resumes accepted of %d, %d identifies", drops.Load(), gs.ResumesAccepted, gs.Resumes, gs.Identifies)
	t.Logf("heap after GC: %d KiB at 25%%, %d KiB at the end", heap25>>10, heapEnd>>10)
	if err := s.stop(); err != nil {
		t.Errorf("serve: %v", err)
	}
}

// waitSoakFinal polls the fake until q has its final response (an edit of
// the /ask response, or a reply to the mention, that is not a streaming
// preview) and returns it; nil if none came within limit.
func waitSoakFinal(ctx context.Context, fd *fakediscord.Server, q *soakQuestion, limit time.Duration) *fakediscord.Message {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if q.mention {
			for _, m := range fd.Messages(q.channelID) {
				if !m.FromGateway && m.MessageReference != nil && m.MessageReference.MessageID == q.id && final(m) {
					return m
				}
			}
		} else if st, ok := fd.Interaction(q.id); ok && st.Original != nil &&
			st.Original.Flags&discordgo.MessageFlagsLoading == 0 && final(st.Original) {
			return st.Original
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// sameMessage reports whether b shows what a showed: content and sources.
func sameMessage(a, b *fakediscord.Message) bool {
	return a.ID == b.ID && a.Content == b.Content && strings.Join(quotes(a), "\n") == strings.Join(quotes(b), "\n")
}

// heapAfterGC returns the live heap after a collection.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
