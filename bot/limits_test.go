package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCooldownAllowsOneQuestionPerPeriodPerUser(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	c := newCooldown(10 * time.Second)
	c.now = func() time.Time { return now }
	if ok, _, _ := c.allow("a", true); !ok {
		t.Fatal("first question refused")
	}
	now = now.Add(4 * time.Second)
	ok, wait, first := c.allow("a", true)
	if ok || wait != 6*time.Second || !first {
		t.Errorf("second question: ok %v, wait %v, first %v", ok, wait, first)
	}
	if _, _, first := c.allow("a", true); first {
		t.Error("told twice in one period")
	}
	if ok, _, _ := c.allow("b", true); !ok {
		t.Error("another user refused")
	}
	now = now.Add(6 * time.Second)
	if ok, _, _ := c.allow("a", true); !ok {
		t.Error("refused after the period")
	}
	if ok, _, _ := newCooldown(-1).allow("a", false); !ok {
		t.Error("a disabled cooldown refused")
	}
}

func TestCooldownRefundLetsTheUserAskAgainAtOnce(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	c := newCooldown(10 * time.Second)
	c.now = func() time.Time { return now }
	asked := now
	c.allow("a", true)
	now = now.Add(time.Second)
	c.allow("a", true) // refused and warned
	c.refund("a", asked)
	ok, _, _ := c.allow("a", true)
	if !ok {
		t.Fatal("refused after a refund")
	}
	// A refund that comes after a newer question was accepted leaves that
	// question's period alone.
	now = now.Add(30 * time.Second)
	c.allow("a", true)
	c.refund("a", asked)
	if ok, _, _ := c.allow("a", true); ok {
		t.Error("an old refund cancelled a newer period")
	}
}

func TestCooldownForgetsOldUsers(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	c := newCooldown(time.Second)
	c.now = func() time.Time { return now }
	for i := 0; i < 5000; i++ {
		c.allow(string(rune('a'+i%26))+strings.Repeat("x", i), false)
	}
	now = now.Add(2 * time.Second)
	c.allow("new", false)
	if len(c.last) > 10 {
		t.Errorf("%d users remembered after their periods ended", len(c.last))
	}
}

func TestGateCapsConcurrencyAndQueueInOrder(t *testing.T) {
	t.Parallel()
	g := newGate(2, 2)
	ctx := context.Background()
	r1, _ := g.acquire(ctx, nil)
	r2, _ := g.acquire(ctx, nil)
	places := make(chan int, 2)
	got := make(chan func(), 2)
	for i := 0; i < 2; i++ {
		go func() {
			r, err := g.acquire(ctx, func(p int) { places <- p })
			if err != nil {
				t.Error(err)
			}
			got <- r
		}()
		<-places // the first waiter is queued before the second asks
	}
	if !g.full() {
		t.Error("gate with 2 running and 2 waiting is not full")
	}
	if _, err := g.acquire(ctx, nil); !errors.Is(err, errBusy) {
		t.Errorf("fifth acquire: %v, want errBusy", err)
	}
	r1()
	r3 := <-got
	r2()
	r4 := <-got
	r3()
	r4()
	if running, waiting := g.inUse(); running != 0 || waiting != 0 {
		t.Errorf("after release: %d running, %d waiting", running, waiting)
	}
	cctx, cancel := context.WithCancel(ctx)
	a, _ := g.acquire(ctx, nil)
	b, _ := g.acquire(ctx, nil)
	cancel()
	if _, err := g.acquire(cctx, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("acquire with a cancelled context: %v", err)
	}
	a()
	b()
}

func TestTrackerDrainWaitsForWorkInFlight(t *testing.T) {
	t.Parallel()
	var tr tracker
	if !tr.enter() {
		t.Fatal("refused before draining")
	}
	idle := tr.drain()
	if tr.enter() {
		t.Error("accepting while draining")
	}
	tr.leave()
	select {
	case <-idle:
		t.Fatal("idle with work in flight")
	default:
	}
	tr.leave()
	select {
	case <-idle:
	case <-time.After(time.Second):
		t.Fatal("not idle after all work left")
	}
	var empty tracker
	select {
	case <-empty.drain():
	default:
		t.Error("an idle tracker's drain is not closed")
	}
}

func TestNoQueueRefusesWhenEverySlotIsTaken(t *testing.T) {
	t.Parallel()
	b, err := New(Config{Token: "t", MaxConcurrent: 1, MaxQueue: -1}, newFakeAnswerer())
	if err != nil {
		t.Fatal(err)
	}
	release, err := b.gate.acquire(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if !b.gate.full() {
		t.Error("with no queue and the only slot taken, the gate is not full")
	}
	if _, err := b.gate.acquire(context.Background(), nil); !errors.Is(err, errBusy) {
		t.Errorf("second acquire: %v, want errBusy", err)
	}
}
