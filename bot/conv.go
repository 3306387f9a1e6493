package bot

import (
	"sync"

	"github.com/bwmarrin/discordgo"
	"github.com/newsbot/newsbot"
)

// conversations remembers recent answers so that a reply to one of them
// (or a mention in one of the bot's threads) is understood as a follow-up.
// It is bounded: the oldest entries are forgotten first.
//
// A turn is keyed by what is known before its answer is sent (see
// questionKey and interactionKey), so it is remembered before anyone can
// reply to the answer; answerKeys finds the key back from the answer
// message a follow-up replies to.
type conversations struct {
	mu      sync.Mutex
	max     int
	turns   map[string]convTurn // turn key -> the turn
	order   []string            // message IDs, oldest first
	threads map[string][]newsbot.Turn
	torder  []string // thread IDs, oldest first
	keep    int      // turns kept per thread
}

type convTurn struct {
	turn   newsbot.Turn
	parent string // the answer this one followed up, "" if none
}

// maxRememberedAnswer bounds the memory of each remembered answer.
const maxRememberedAnswer = 2000

func newConversations(max, keep int) *conversations {
	return &conversations{max: max, keep: keep, turns: map[string]convTurn{}, threads: map[string][]newsbot.Turn{}}
}

func clip(t newsbot.Turn) newsbot.Turn {
	if len(t.Answer) > maxRememberedAnswer {
		t.Answer = truncate(t.Answer, maxRememberedAnswer)
	}
	return t
}

// questionKey is the key of the turn that answers the message with this ID
// (the bot's answer replies to it).
func questionKey(messageID string) string { return "m:" + messageID }

// interactionKey is the key of the turn that answers this interaction.
func interactionKey(interactionID string) string { return "i:" + interactionID }

// answerKeys returns the keys under which the turn answered by the bot's
// message m may be remembered, most specific first.
func answerKeys(m *discordgo.Message) []string {
	var keys []string
	if r := m.MessageReference; r != nil && r.MessageID != "" {
		keys = append(keys, questionKey(r.MessageID))
	}
	if md := m.InteractionMetadata; md != nil && md.ID != "" {
		keys = append(keys, interactionKey(md.ID))
	}
	if mi := m.Interaction; mi != nil && mi.ID != "" {
		keys = append(keys, interactionKey(mi.ID))
	}
	return keys
}

// remember records turn t under key, following up the turn under parent.
func (c *conversations) remember(id, parent string, t newsbot.Turn) {
	if id == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.turns[id]; !ok {
		c.order = append(c.order, id)
	}
	c.turns[id] = convTurn{turn: clip(t), parent: parent}
	for len(c.order) > c.max {
		delete(c.turns, c.order[0])
		c.order = c.order[1:]
	}
}

// history returns up to n turns that end with the turn under key id,
// oldest first; nil if there is none.
func (c *conversations) history(id string, n int) []newsbot.Turn {
	c.mu.Lock()
	defer c.mu.Unlock()
	var h []newsbot.Turn
	for id != "" && len(h) < n {
		t, ok := c.turns[id]
		if !ok {
			break
		}
		h = append(h, t.turn)
		id = t.parent
	}
	for i, j := 0, len(h)-1; i < j; i, j = i+1, j-1 {
		h[i], h[j] = h[j], h[i]
	}
	return h
}

// addThread records a thread the bot opened for a conversation.
func (c *conversations) addThread(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.threads[id]; ok {
		return
	}
	c.threads[id] = nil
	c.torder = append(c.torder, id)
	for len(c.torder) > c.max {
		delete(c.threads, c.torder[0])
		c.torder = c.torder[1:]
	}
}

// thread returns the last n turns of thread id, oldest first, and whether
// id is one of the bot's threads.
func (c *conversations) thread(id string, n int) ([]newsbot.Turn, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	turns, ok := c.threads[id]
	if len(turns) > n {
		turns = turns[len(turns)-n:]
	}
	return append([]newsbot.Turn(nil), turns...), ok
}

// appendThread adds a turn to thread id, if it is one of the bot's.
func (c *conversations) appendThread(id string, t newsbot.Turn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	turns, ok := c.threads[id]
	if !ok {
		return
	}
	turns = append(turns, clip(t))
	if len(turns) > c.keep {
		turns = append([]newsbot.Turn(nil), turns[len(turns)-c.keep:]...)
	}
	c.threads[id] = turns
}
