package bot

import (
	"strings"
	"testing"

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
