// Command fakediscord runs the test fake of Discord on loopback, so that
// `newsbot serve` can be tried by hand with no Discord account:
//
//	go run ./internal/fakediscord/cmd/fakediscord
//
// It prints the environment to start newsbot with, waits for the bot to
// connect, then reads questions from stdin: a line is sent as /ask, a line
// starting with "@" as a message mentioning the bot. It prints each final
// answer as Discord would have received it.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/newsbot/newsbot/internal/fakediscord"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	wait := flag.Duration("wait", 2*time.Minute, "how long to wait for the bot, and for each answer")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *addr, *wait); err != nil {
		fmt.Fprintln(os.Stderr, "fakediscord:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr string, wait time.Duration) error {
	srv, err := fakediscord.New(fakediscord.Options{Addr: addr, Logf: func(string, ...any) {}})
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Printf("fake Discord on %s; start the bot with:\n\n  DISCORD_TOKEN=%s NEWSBOT_DISCORD_API_URL=%s go run ./cmd/newsbot serve\n\n",
		srv.URL(), srv.Token(), srv.URL())
	wctx, cancel := context.WithTimeout(ctx, wait)
	err = srv.WaitConnected(wctx)
	cancel()
	if err != nil {
		return fmt.Errorf("no bot connected: %w", err)
	}
	fmt.Println("bot connected. Type a question for /ask, or @question for a mention:")
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		qctx, cancel := context.WithTimeout(ctx, wait)
		if strings.HasPrefix(line, "@") {
			err = mention(qctx, srv, strings.TrimSpace(line[1:]))
		} else {
			err = ask(qctx, srv, line)
		}
		cancel()
		if err != nil {
			fmt.Println("error:", err)
		}
	}
	return sc.Err()
}

func ask(ctx context.Context, srv *fakediscord.Server, q string) error {
	d, err := srv.Ask(q)
	if err != nil {
		return err
	}
	st, err := srv.WaitAcknowledged(ctx, d.ID)
	if err != nil {
		return err
	}
	fmt.Printf("/ask acknowledged in %s\n", st.AckLatency().Round(time.Millisecond))
	st, err = srv.WaitInteraction(ctx, d.ID, func(st fakediscord.InteractionState) bool {
		return st.Original != nil && st.OriginalEdits > 0 && !strings.HasSuffix(st.Original.Content, " …")
	})
	if err != nil {
		return err
	}
	printMessage(st.Original)
	for _, f := range st.Followups {
		printMessage(f)
	}
	return nil
}

func mention(ctx context.Context, srv *fakediscord.Server, q string) error {
	d, err := srv.Mention(q)
	if err != nil {
		return err
	}
	m, err := srv.WaitMessage(ctx, func(m *fakediscord.Message) bool {
		return !m.FromGateway && m.MessageReference != nil && m.MessageReference.MessageID == d.ID
	})
	if err != nil {
		return err
	}
	printMessage(m)
	return nil
}

func printMessage(m *fakediscord.Message) {
	fmt.Println(m.Content)
	for _, e := range m.Embeds {
		if e.Title != "" {
			fmt.Println("  ##", e.Title)
		}
		if e.Description != "" {
			fmt.Println("  " + strings.ReplaceAll(e.Description, "\n", "\n  "))
		}
		for _, f := range e.Fields {
			fmt.Printf("  %s: %s\n", f.Name, f.Value)
		}
	}
	fmt.Printf("  (allowed_mentions: %s)\n\n", allowed(m))
}

func allowed(m *fakediscord.Message) string {
	if m.AllowedMentions == nil {
		return "none sent: Discord would parse every mention"
	}
	return fmt.Sprintf("parse %v", m.AllowedMentions.Parse)
}
