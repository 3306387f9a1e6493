package bot

import (
	"context"
	"errors"
	"sync"
	"time"
)

// cooldown allows each user one question per period.
type cooldown struct {
	period time.Duration // <= 0: no cooldown
	now    func() time.Time

	mu     sync.Mutex
	last   map[string]time.Time // user ID -> time of the last accepted question
	warned map[string]bool      // user was told to wait during the current period
}

func newCooldown(period time.Duration) *cooldown {
	return &cooldown{period: period, now: time.Now, last: map[string]time.Time{}, warned: map[string]bool{}}
}

// allow records a question by user and reports whether it may be answered;
// if not, wait is how long until it may. With warn (mentions, whose
// refusals are public), first reports whether this is the first warned
// refusal of the current period, so the user is told only once.
func (c *cooldown) allow(user string, warn bool) (ok bool, wait time.Duration, first bool) {
	if c.period <= 0 || user == "" {
		return true, 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if len(c.last) > 4096 { // forget users whose period is over; keeps the maps bounded
		for u, t := range c.last {
			if now.Sub(t) >= c.period {
				delete(c.last, u)
				delete(c.warned, u)
			}
		}
	}
	if t, seen := c.last[user]; seen && now.Sub(t) < c.period {
		if warn {
			first = !c.warned[user]
			c.warned[user] = true
		}
		return false, c.period - now.Sub(t), first
	}
	c.last[user] = now
	delete(c.warned, user)
	return true, 0, false
}

// refund gives back the question user asked at asked, when it went
// unanswered through no fault of the user (the queue was full, the model
// failed): the apology says to try again, and the cooldown must not stand
// in the way. A later question's period, accepted after this one's ended,
// is kept.
func (c *cooldown) refund(user string, asked time.Time) {
	if c.period <= 0 || user == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.last[user]; ok && t.Sub(asked) < c.period {
		delete(c.last, user)
		delete(c.warned, user)
	}
}

// errBusy is returned by gate.acquire when the queue is full.
var errBusy = errors.New("too many questions waiting")

// gate caps the number of questions being answered at once; the others
// wait in a bounded queue, first come first served.
type gate struct {
	slots    chan struct{}
	maxQueue int

	mu      sync.Mutex
	waiting int
}

func newGate(concurrent, maxQueue int) *gate {
	return &gate{slots: make(chan struct{}, concurrent), maxQueue: maxQueue}
}

// acquire takes a slot, waiting in the queue if none is free. queued, if
// not nil, is called (before waiting) with the question's place in the
// queue, from 1. The returned release must be called once the answer is
// done. It fails with errBusy when the queue is full, or with ctx's error.
func (g *gate) acquire(ctx context.Context, queued func(place int)) (release func(), err error) {
	release = func() { <-g.slots }
	select {
	case g.slots <- struct{}{}:
		return release, nil
	default:
	}
	g.mu.Lock()
	if g.waiting >= g.maxQueue {
		g.mu.Unlock()
		return nil, errBusy
	}
	g.waiting++
	place := g.waiting
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.waiting--
		g.mu.Unlock()
	}()
	if queued != nil {
		queued(place)
	}
	select {
	case g.slots <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// full reports whether a question arriving now would be turned away.
func (g *gate) full() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.slots) == cap(g.slots) && g.waiting >= g.maxQueue
}

// inUse reports the number of slots taken and questions waiting.
func (g *gate) inUse() (running, waiting int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.slots), g.waiting
}

// tracker counts the work in flight, so that shutdown can stop taking new
// work and wait for the rest.
type tracker struct {
	mu       sync.Mutex
	n        int
	draining bool
	idle     chan struct{} // closed when n drops to 0 while draining
}

// enter registers one piece of work. It reports false when the bot is
// draining: the work should then only be refused politely (and still be
// registered, which it is: call leave either way).
func (t *tracker) enter() (accepting bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n++
	return !t.draining
}

// leave marks one piece of work done.
func (t *tracker) leave() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	if t.n == 0 && t.idle != nil {
		close(t.idle)
		t.idle = nil
	}
}

// drain stops accepting work and returns a channel closed once none is in
// flight.
func (t *tracker) drain() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.draining = true
	ch := make(chan struct{})
	if t.n == 0 {
		close(ch)
		return ch
	}
	if t.idle == nil {
		t.idle = make(chan struct{})
	}
	idle := t.idle
	return idle
}

// inFlight returns the number of pieces of work in flight.
func (t *tracker) inFlight() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}
