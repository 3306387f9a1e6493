package bot

import (
	"strings"
	"testing"

	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/internal/fakediscord"
)

func TestFollowUpToSlashAnswerCarriesEarlierTurn(t *testing.T) {
	t.Parallel()
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

func TestConversationsWalkEarlierTurnsAndStayBounded(t *testing.T) {
	t.Parallel()
	c := newConversations(3, 2)
	c.remember("k1", "", newsbot.Turn{Question: "q1", Answer: "a1"})
	c.remember("k2", "k1", newsbot.Turn{Question: "q2", Answer: "a2"})
	c.remember("k3", "k2", newsbot.Turn{Question: "q3", Answer: strings.Repeat("x", 5000)})
	h := c.history("k3", 5)
	if len(h) != 3 || h[0].Question != "q1" || h[2].Question != "q3" || len(h[2].Answer) > maxRememberedAnswer+3 {
		t.Errorf("history = %+v", h)
	}
	if h := c.history("k3", 2); len(h) != 2 || h[0].Question != "q2" {
		t.Errorf("bounded history = %+v", h)
	}
	c.remember("k4", "k3", newsbot.Turn{Question: "q4"})
	if c.history("k1", 3) != nil {
		t.Error("the oldest turn was not forgotten")
	}
	c.addThread("t")
	for i := 0; i < 5; i++ {
		c.appendThread("t", newsbot.Turn{Question: string(rune('a' + i))})
	}
	if turns, ok := c.thread("t", 10); !ok || len(turns) != 2 || turns[1].Question != "e" {
		t.Errorf("thread = %+v, %v", turns, ok)
	}
	if _, ok := c.thread("other", 3); ok {
		t.Error("an unknown channel is a thread of the bot's")
	}
}
