// Command fakediscord runs the test fake of Discord on loopback as a
// playground, so that `newsbot serve` can be tried by hand with no Discord
// account:
//
//	go run ./internal/fakediscord/cmd/fakediscord
//
// It prints the environment to start newsbot with and waits for the bot to
// connect. Then each line typed is sent to the bot as a user would send it
// (type "help" for the list): /ask, public or private, /about, /help,
// /reload as an admin or as a member, a mention, a reply to the bot's last
// message, a DM. Everything the bot sends Discord is printed as it arrives,
// edits, cooldown and queue notes included, so nothing waits on an answer:
// type the next line whenever you like.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot/internal/fakediscord"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	wait := flag.Duration("wait", 2*time.Minute, "how long to wait for the bot to connect")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *addr, *wait, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fakediscord:", err)
		os.Exit(1)
	}
}

const commandsHelp = `Type a line and press Enter:
  QUESTION              /ask QUESTION (a line with no command is a question)
  /ask QUESTION         /ask, answered in the channel
  /private QUESTION     /ask with private:true, seen by you only
  /about                /about
  /help                 /help
  /reload               /reload as an admin (Manage Server)
  /reload-member        /reload as a member without the permission (refused)
  /stories              /stories, the list of stories
  /summary [STORY]      /summary, of STORY (a slug or title) or the newest
  /add URL              /add url:URL as an admin (a loopback URL needs
                        NEWSBOT_ALLOW_PRIVATE_URLS=1 on the bot)
  /remove STORY         /remove story:STORY as an admin
  /remove-member STORY  /remove as a member (refused)
  @QUESTION             a message mentioning the bot
  >QUESTION             a reply to the bot's last message (a follow-up)
  /dm QUESTION          a direct message to the bot
  /burst N QUESTION     N users send /ask at once (2-50): past NEWSBOT_MAX_CONCURRENT (4)
                        questions wait in line, each told its place
  help                  this list; Ctrl-D or Ctrl-C quits
The bot's cooldown (NEWSBOT_COOLDOWN, 10 s by default) turns away a second
question sooner than that: its note is printed like any reply. Start the bot
with NEWSBOT_COOLDOWN=0 to ask as fast as you type.
`

func run(ctx context.Context, addr string, wait time.Duration, in io.Reader, out io.Writer) error {
	srv, err := fakediscord.New(fakediscord.Options{Addr: addr, Logf: func(string, ...any) {}})
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(out, "fake Discord on %s; start the bot in another terminal with:\n\n"+
		"  DISCORD_TOKEN=%s NEWSBOT_DISCORD_API_URL=%s NEWSBOT_COOLDOWN=0 go run ./cmd/newsbot serve\n\n"+
		"(NEWSBOT_COOLDOWN=0 turns the per-user cooldown off for trying; leave it out to see it.)\n",
		srv.URL(), srv.Token(), srv.URL())
	wctx, cancel := context.WithTimeout(ctx, wait)
	err = srv.WaitConnected(wctx)
	cancel()
	if err != nil {
		return fmt.Errorf("no bot connected within %s: %w", wait, err)
	}
	p := &playground{srv: srv, out: out, labels: map[string]string{}, seen: map[string]int{}}
	p.printf("bot connected.\n%s\n", commandsHelp)

	wctx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		p.watch(wctx)
	}()
	defer func() {
		p.pending.Wait()
		stopWatch()
		<-watched
	}()

	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			lines <- sc.Text()
		}
		readErr <- sc.Err()
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-readErr:
			// Let the replies to the last lines arrive before closing.
			p.settle(ctx, 2*time.Second)
			return err
		case line := <-lines:
			if err := p.send(line); err != nil {
				p.printf("error: %v\n", err)
			}
		}
	}
}

// playground sends what the user types and prints what the bot sends.
type playground struct {
	srv *fakediscord.Server
	out io.Writer

	mu      sync.Mutex
	n       int               // events sent, for labels
	labels  map[string]string // interaction or user message ID -> "/ask #3"
	seen    map[string]int    // bot message ID -> 1 + the edits printed
	lastBot *discordgo.Message

	pending sync.WaitGroup // expectReply goroutines
}

func (p *playground) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.out, format, args...)
}

// command is one kind of line the playground understands.
type command struct {
	prefix string // what the line starts with
	needs  bool   // takes text after the prefix
	// send dispatches the event; last is the bot's last public message.
	send func(srv *fakediscord.Server, text string, last *discordgo.Message) (fakediscord.Dispatched, error)
}

// commands, longest prefixes first where one is a prefix of another.
var commands = []command{
	{"/ask ", true, func(srv *fakediscord.Server, q string, last *discordgo.Message) (fakediscord.Dispatched, error) {
		return srv.Ask(q)
	}},
	{"/private ", true, func(srv *fakediscord.Server, q string, last *discordgo.Message) (fakediscord.Dispatched, error) {
		return srv.Ask(q, fakediscord.BoolOption("private", true))
	}},
	{"/about", false, func(srv *fakediscord.Server, _ string, _ *discordgo.Message) (fakediscord.Dispatched, error) {
		return srv.DispatchInteraction(srv.CommandInteraction("about"))
	}},
	{"/help", false, func(srv *fakediscord.Server, _ string, _ *discordgo.Message) (fakediscord.Dispatched, error) {
		return srv.DispatchInteraction(srv.CommandInteraction("help"))
	}},
	{"/reload-member", false, func(srv *fakediscord.Server, _ string, _ *discordgo.Message) (fakediscord.Dispatched, error) {
		return srv.DispatchInteraction(srv.CommandInteraction("reload"))
	}},
	{"/reload", false, func(srv *fakediscord.Server, _ string, _ *discordgo.Message) (fakediscord.Dispatched, error) {
		return srv.DispatchInteraction(srv.CommandInteraction("reload", fakediscord.AsAdmin()))
	}},
	{"/stories", false, func(srv *fakediscord.Server, _ string, _ *discordgo.Message) (fakediscord.Dispatched, error) {
		return srv.DispatchInteraction(srv.CommandInteraction("stories"))
	}},
	{"/summary", false, func(srv *fakediscord.Server, _ string, _ *discordgo.Message) (fakediscord.Dispatched, error) {
		return srv.DispatchInteraction(srv.CommandInteraction("summary"))
	}},
	{"/summary ", true, func(srv *fakediscord.Server, story string, _ *discordgo.Message) (fakediscord.Dispatched, error) {
		return srv.DispatchInteraction(srv.CommandInteraction("summary", fakediscord.StringOption("story", story)))
	}},
	{"/add ", true, func(srv *fakediscord.Server, u string, _ *discordgo.Message) (fakediscord.Dispatched, error) {
		return srv.DispatchInteraction(srv.CommandInteraction("add", fakediscord.StringOption("url", u), fakediscord.AsAdmin()))
	}},
	{"/remove-member ", true, func(srv *fakediscord.Server, story string, _ *discordgo.Message) (fakediscord.Dispatched, error) {
		return srv.DispatchInteraction(srv.CommandInteraction("remove", fakediscord.StringOption("story", story)))
	}},
	{"/remove ", true, func(srv *fakediscord.Server, story string, _ *discordgo.Message) (fakediscord.Dispatched, error) {
		return srv.DispatchInteraction(srv.CommandInteraction("remove", fakediscord.StringOption("story", story), fakediscord.AsAdmin()))
	}},
	{"/dm ", true, func(srv *fakediscord.Server, q string, last *discordgo.Message) (fakediscord.Dispatched, error) {
		return srv.DispatchMessage(srv.UserMessage(q, fakediscord.InDM()))
	}},
	{"@", true, func(srv *fakediscord.Server, q string, last *discordgo.Message) (fakediscord.Dispatched, error) {
		return srv.Mention(q)
	}},
	{">", true, func(srv *fakediscord.Server, q string, last *discordgo.Message) (fakediscord.Dispatched, error) {
		if last == nil {
			return fakediscord.Dispatched{}, errors.New("the bot has sent no public message to reply to yet")
		}
		return srv.DispatchMessage(srv.UserMessage(q, fakediscord.ReplyTo(last, true)))
	}},
}

// parseLine finds the command of a line: its index in commands and its
// text. A line that matches none is a question for /ask (index 0); -1 is
// "help", -2 a blank line or a command without its text.
func parseLine(line string) (int, string) {
	line = strings.TrimSpace(line)
	switch line {
	case "":
		return -2, ""
	case "help", "?":
		return -1, ""
	}
	for i, c := range commands {
		name := strings.TrimSpace(c.prefix)
		if !c.needs && line == name {
			return i, ""
		}
		if c.needs && (strings.HasPrefix(line, c.prefix) || line == name) {
			text := strings.TrimSpace(strings.TrimPrefix(line, name))
			if text == "" {
				return -2, name
			}
			return i, text
		}
	}
	if strings.HasPrefix(line, "/") {
		return -2, line // an unknown command is not a question
	}
	return 0, line
}

// send sends one typed line.
func (p *playground) send(line string) error {
	if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "/burst"); ok {
		return p.burst(rest)
	}
	i, text := parseLine(line)
	switch i {
	case -1:
		p.printf("%s", commandsHelp)
		return nil
	case -2:
		if text != "" {
			return fmt.Errorf("%s: what to send? Type help for the list", text)
		}
		return nil
	}
	c := commands[i]
	// Dispatch and label under the lock, so that the watcher, which takes
	// it to print, names even a reply that comes back at once.
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	label := fmt.Sprintf("%s #%d", strings.TrimSpace(c.prefix), p.n)
	d, err := c.send(p.srv, text, p.lastBot)
	if err != nil {
		return err
	}
	p.labels[d.ID] = label
	fmt.Fprintf(p.out, "→ %s sent\n", label)
	p.pending.Add(1)
	go func() {
		defer p.pending.Done()
		p.expectReply(d, label)
	}()
	return nil
}

// burst sends "/burst N QUESTION": N /ask at once, each from its own user,
// as a busy server would.
func (p *playground) burst(args string) error {
	nText, q, _ := strings.Cut(strings.TrimSpace(args), " ")
	n, err := strconv.Atoi(nText)
	if err != nil || n < 2 || n > 50 || strings.TrimSpace(q) == "" {
		return errors.New("usage: /burst N QUESTION, with N from 2 to 50")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	first := p.n + 1
	p.n += n
	ids, err := p.srv.AskConcurrently(n, strings.TrimSpace(q), func(i int) []fakediscord.Option {
		u := fakediscord.DefaultUser()
		u.ID = fmt.Sprintf("%d", 800000000000000000+first+i)
		u.Username = fmt.Sprintf("reader%d", first+i)
		return []fakediscord.Option{fakediscord.From(u)}
	})
	for i, id := range ids {
		if id != "" {
			p.labels[id] = fmt.Sprintf("/burst #%d", first+i)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(p.out, "→ /burst #%d to #%d sent\n", first, first+n-1)
	return nil
}

// expectReply says so when the bot has not answered d after a while,
// rather than leaving the user to wonder: Discord shows "The application
// did not respond" to an interaction not acknowledged within 3 s, and the
// bot ignores messages sent within its cooldown once it has said so.
func (p *playground) expectReply(d fakediscord.Dispatched, label string) {
	ctx, cancel := context.WithTimeout(context.Background(), replyPatience)
	defer cancel()
	var err error
	if d.Token != "" {
		_, err = p.srv.WaitAcknowledged(ctx, d.ID)
	} else {
		_, err = p.srv.WaitMessage(ctx, func(m *fakediscord.Message) bool {
			// A reply to the message, or (NEWSBOT_THREADS=1) a message in
			// the thread started from it, which has the message's ID.
			return !m.FromGateway && (m.MessageReference != nil && m.MessageReference.MessageID == d.ID || m.ChannelID == d.ID)
		})
	}
	if err == nil {
		return
	}
	if d.Token != "" {
		p.printf("!  %s: not acknowledged within %s; Discord would show \"The application did not respond\"\n\n", label, replyPatience)
	} else {
		p.printf("!  %s: no reply within %s. Within its cooldown the bot answers a message once, with a note, then ignores\n"+
			"   the next ones; wait, or start it with NEWSBOT_COOLDOWN=0. (Or it is still working: a reply prints when it comes.)\n\n", label, replyPatience)
	}
}

// replyPatience is how long the playground waits for a first reply before
// saying there is none: Discord's acknowledgement deadline.
const replyPatience = 3 * time.Second

// watch prints each message the bot creates or edits, as it happens, until
// ctx is done.
func (p *playground) watch(ctx context.Context) {
	for ctx.Err() == nil {
		var fresh []*fakediscord.Message
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		_ = p.srv.WaitFor(wctx, func() bool {
			fresh = p.unseen(true)
			return len(fresh) > 0
		})
		cancel()
		for _, m := range fresh {
			p.print(m)
		}
	}
}

// unseen returns the bot's messages created or edited since last
// printed, and with mark, marks them printed.
func (p *playground) unseen(mark bool) []*fakediscord.Message {
	var out []*fakediscord.Message
	msgs := p.srv.Messages("")
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range msgs {
		if m.FromGateway || p.seen[m.ID] == m.Edits+1 {
			continue
		}
		if mark {
			p.seen[m.ID] = m.Edits + 1
		}
		out = append(out, m)
	}
	return out
}

// settle waits until the bot has been quiet for quiet, or ctx is done.
func (p *playground) settle(ctx context.Context, quiet time.Duration) {
	for {
		qctx, cancel := context.WithTimeout(ctx, quiet)
		err := p.srv.WaitFor(qctx, func() bool { return len(p.unseen(false)) > 0 })
		cancel()
		if err != nil {
			return
		}
		time.Sleep(100 * time.Millisecond) // let the watcher print it
	}
}

// print writes one bot message: whom it answers, whether only the asker
// sees it, and its content, embeds and allowed mentions.
func (p *playground) print(m *fakediscord.Message) {
	p.mu.Lock()
	label := p.labels[m.InteractionID]
	if label == "" && m.MessageReference != nil {
		label = p.labels[m.MessageReference.MessageID]
	}
	if label == "" {
		label = "channel " + m.ChannelID
	}
	ephemeral := m.Flags&discordgo.MessageFlagsEphemeral != 0
	loading := m.Flags&discordgo.MessageFlagsLoading != 0 && m.Edits == 0
	preview := strings.HasSuffix(m.Content, " …")
	if !ephemeral && !loading && !preview && !m.Deleted {
		p.lastBot = m.Message
	}
	p.mu.Unlock()

	var b strings.Builder
	tags := []string{label}
	if ephemeral {
		tags = append(tags, "only the asker sees this")
	}
	if m.Edits > 0 {
		tags = append(tags, fmt.Sprintf("edit %d", m.Edits))
	}
	if m.GuildID == "" && m.InteractionID == "" {
		tags = append(tags, "DM")
	}
	fmt.Fprintf(&b, "← [%s]\n", strings.Join(tags, " · "))
	switch {
	case loading:
		b.WriteString("  newsbot is thinking…\n")
	case preview:
		fmt.Fprintf(&b, "  (in progress) %s\n", m.Content)
	default:
		if m.Content != "" {
			fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(m.Content, "\n", "\n  "))
		}
		for _, e := range m.Embeds {
			if e.Title != "" {
				fmt.Fprintf(&b, "  ## %s\n", e.Title)
			}
			if e.Description != "" {
				fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(e.Description, "\n", "\n  "))
			}
			for _, f := range e.Fields {
				fmt.Fprintf(&b, "  %s: %s\n", f.Name, strings.ReplaceAll(f.Value, "\n", "\n    "))
			}
		}
		fmt.Fprintf(&b, "  (allowed_mentions: %s)\n", allowed(m))
	}
	p.printf("%s\n", b.String())
}

func allowed(m *fakediscord.Message) string {
	if m.AllowedMentions == nil {
		return "none sent: Discord would parse every mention"
	}
	return fmt.Sprintf("parse %v", m.AllowedMentions.Parse)
}
