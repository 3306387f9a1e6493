package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/internal/fakediscord"
)

func TestFallbackAnswerIsShownWithItsNoteAndCounted(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	ans.chat = "test-model"
	note := "The language model is unavailable; this answer quotes the article."
	ans.answerFn = func(req answerRequest) (answerAnswer, error) {
		return answerAnswer{Question: req.Question, Answered: true, Mode: "extractive", Fallback: "down", Note: note,
			Text:      "The talks will be held in Riyadh [1].",
			Citations: []answerCitation{{Ref: 1, Chunk: "doc#0", Doc: "doc", Title: ans.title, Quote: "The talks will be held in Riyadh."}}}, nil
	}
	h := start(t, ans, fakediscord.Options{}, nil)
	o := h.ask("Where will the talks be held?").Original
	if want := "*" + note + "*\n\nThe talks will be held in Riyadh [1]."; o.Content != want {
		t.Errorf("content = %q, want %q", o.Content, want)
	}
	checkExtractiveSources(t, o, ans.title)
	h.waitMetrics(`newsbot_model_errors_total{kind="down"} 1`, `newsbot_model_fallbacks_total{kind="down"} 1`,
		`newsbot_questions_total{outcome="answered",source="slash"} 1`)
	if !strings.Contains(h.logs.String(), "answered without it") {
		t.Error("the fallback was not logged")
	}
}

func TestModelErrorGetsApologyAndNextQuestionIsAnswered(t *testing.T) {
	t.Parallel()
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

func TestStreamingEditsAreThrottledAndTheFinalEditHasCitations(t *testing.T) {
	t.Parallel()
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

func TestPanicWhileAnsweringGetsAnApologyAndFreesTheSlot(t *testing.T) {
	t.Parallel()
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

// A greeting gets the engine's friendly word as text, and is counted as
// small talk, not as a refusal.
func TestSmallTalkIsShownAndCountedAsSuch(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	ans.answerFn = func(req answerRequest) (answerAnswer, error) {
		return answerAnswer{Question: req.Question, SmallTalk: true, Mode: "extractive",
			Text: "Hello! I answer questions about the news stories I have.", Reason: "small talk, not a question"}, nil
	}
	h := start(t, ans, fakediscord.Options{}, nil)
	if o := h.ask("hi").Original; o.Content != "Hello! I answer questions about the news stories I have." || len(o.Embeds) != 0 {
		t.Errorf("reply = %q (%d embeds)", o.Content, len(o.Embeds))
	}
	h.waitMetrics(`newsbot_questions_total{outcome="small_talk",source="slash"} 1`)
}
