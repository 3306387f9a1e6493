package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot"
	"github.com/newsbot/newsbot/internal/fakediscord"
)

// command dispatches /name and waits for its response: the immediate one,
// or the deferred one once edited.
func (h *harness) command(name string, opts ...fakediscord.Option) fakediscord.InteractionState {
	h.t.Helper()
	d, err := h.fd.DispatchInteraction(h.fd.CommandInteraction(name, opts...))
	if err != nil {
		h.t.Fatal(err)
	}
	st, err := h.fd.WaitInteraction(h.ctx(), d.ID, func(st fakediscord.InteractionState) bool {
		return st.Original != nil && st.Original.Flags&discordgo.MessageFlagsLoading == 0
	})
	if err != nil {
		h.t.Fatalf("/%s got no response: %v\nlogs:\n%s", name, err, h.logs.String())
	}
	return st
}

func TestCommandsAreRegisteredWithOneBulkOverwrite(t *testing.T) {
	t.Parallel()
	t.Run("global", func(t *testing.T) {
		h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
		if n := len(h.fd.RequestsTo(fakediscord.RouteGlobalCommands)); n != 1 {
			t.Errorf("%d global bulk overwrites, want 1", n)
		}
		cmds := h.fd.Commands("")
		names := map[string]*discordgo.ApplicationCommand{}
		for _, c := range cmds {
			names[c.Name] = c
		}
		for _, n := range []string{"ask", "about", "help", "reload"} {
			if names[n] == nil {
				t.Errorf("command /%s not registered", n)
			}
		}
		ask := names["ask"]
		if ask == nil || len(ask.Options) != 3 || ask.Options[0].Name != "question" || !ask.Options[0].Required || ask.Options[0].MaxLength != newsbot.MaxQuestionLen ||
			ask.Options[1].Name != "story" || !ask.Options[1].Autocomplete {
			t.Errorf("/ask options = %+v", ask.Options)
		}
		if r := names["reload"]; r == nil || r.DefaultMemberPermissions == nil || *r.DefaultMemberPermissions != discordgo.PermissionManageGuild {
			t.Errorf("/reload default permissions = %v, want Manage Server", r.DefaultMemberPermissions)
		}
	})
	t.Run("guild", func(t *testing.T) {
		h := start(t, newFakeAnswerer(), fakediscord.Options{}, func(c *Config) { c.GuildID = fakediscord.DefaultGuildID })
		if n := len(h.fd.RequestsTo(fakediscord.RouteGuildCommands)); n != 1 {
			t.Errorf("%d guild bulk overwrites, want 1", n)
		}
		if len(h.fd.Commands(fakediscord.DefaultGuildID)) != 5 /* ask, about, help, reload, stories */ || len(h.fd.RequestsTo(fakediscord.RouteGlobalCommands)) != 0 {
			t.Error("commands not registered in the guild only")
		}
	})
}

func TestReloadByMemberWithoutPermissionIsRefusedAndChangesNothing(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	ans.next = []string{"Negotiators agreed to reopen embassies in both capitals."}
	h := start(t, ans, fakediscord.Options{}, nil)
	st := h.command("reload")
	if !st.Ephemeral || !strings.Contains(st.Original.Content, "only server admins") {
		t.Errorf("refusal = %q (ephemeral %v)", st.Original.Content, st.Ephemeral)
	}
	if ans.reloads != 0 {
		t.Fatalf("the engine reloaded %d times", ans.reloads)
	}
	if st := h.ask("did they agree to reopen embassies?"); st.Original.Content != "The articles do not say." {
		t.Errorf("after a refused reload the new text is answerable: %q", st.Original.Content)
	}
	// An admin role or user from the configuration is enough.
	h2 := start(t, newFakeAnswerer(), fakediscord.Options{}, func(c *Config) {
		c.AdminRoleIDs = []string{"900000000000000999"}
		c.AdminUserIDs = []string{"900000000000000777"}
	})
	if st := h2.command("reload", fakediscord.WithRoles("900000000000000999")); !strings.HasPrefix(st.Original.Content, "Reloaded") {
		t.Errorf("admin role: %q", st.Original.Content)
	}
	u := fakediscord.DefaultUser()
	u.ID = "900000000000000777"
	if st := h2.command("reload", fakediscord.From(u)); !strings.HasPrefix(st.Original.Content, "Reloaded") {
		t.Errorf("admin user: %q", st.Original.Content)
	}
}

func TestCommandTableRowsAreWholeAndAdminRowsAreGuarded(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, d := range commands {
		if d.Name == "" || d.Description == "" || seen[d.Name] {
			t.Errorf("command %+v: empty or duplicate", d)
		}
		seen[d.Name] = true
	}
	for i, c := range commandTable {
		if c.run == nil {
			t.Errorf("/%s has no handler", c.def.Name)
		}
		d := commands[i]
		guarded := d.DefaultMemberPermissions != nil && *d.DefaultMemberPermissions == discordgo.PermissionManageGuild &&
			d.DMPermission != nil && !*d.DMPermission
		if guarded != c.admin {
			t.Errorf("/%s: admin %v but hidden from members %v", c.def.Name, c.admin, guarded)
		}
		if c.def.DefaultMemberPermissions != nil {
			t.Errorf("/%s sets its permissions by hand; the admin flag does", c.def.Name)
		}
	}
	// A new admin row is refused to members before its handler runs.
	ran := false
	table := []command{{def: &discordgo.ApplicationCommand{Name: "remove", Description: "x"}, admin: true,
		run: func(*Bot, context.Context, *interaction) { ran = true }}}
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	h.bot.handlers = h.bot.commandHandlers(table) // before any interaction arrives
	st := h.command("remove")
	if ran || !st.Ephemeral || !strings.Contains(st.Original.Content, "only server admins") || !strings.Contains(st.Original.Content, "/remove") {
		t.Errorf("member ran an admin command: ran %v, reply %q", ran, st.Original.Content)
	}
	h.waitMetrics(`newsbot_admin_refusals_total{command="remove"} 1`)
}

func TestReloadByAdminMakesNewTextAnswerable(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	h := start(t, ans, fakediscord.Options{}, nil)
	if st := h.ask("did they agree to reopen embassies?"); st.Original.Content != "The articles do not say." {
		t.Fatalf("before the reload: %q", st.Original.Content)
	}
	ans.set(func(f *fakeAnswerer) {
		f.next = append(f.sentences, "Negotiators agreed to reopen embassies in both capitals.")
	})
	st := h.command("reload", fakediscord.WithPermissions(discordgo.PermissionManageGuild|discordgo.PermissionSendMessages))
	if !st.Ephemeral || st.AckType != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("reload reply: ephemeral %v, ack type %d", st.Ephemeral, st.AckType)
	}
	want := "Reloaded: 1 documents, 4 chunks, 1 new embeddings"
	if !strings.HasPrefix(st.Original.Content, want) {
		t.Errorf("reload reply = %q, want %q…", st.Original.Content, want)
	}
	if st := h.ask("did they agree to reopen embassies?"); !strings.Contains(st.Original.Content, "embassies") {
		t.Errorf("after the reload: %q", st.Original.Content)
	}
	h.waitMetrics(`newsbot_reloads_total{outcome="ok"} 1`)
}

func TestReloadWithBrokenCorpusKeepsOldIndexAndNamesTheFile(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	h := start(t, ans, fakediscord.Options{}, nil)
	ans.set(func(f *fakeAnswerer) {
		f.reloadErr = errors.New("load articles/broken.md: front matter: yaml: line 3: did not find expected key")
	})
	st := h.command("reload", fakediscord.AsAdmin())
	if c := st.Original.Content; !strings.Contains(c, "still answering from the previous articles") || !strings.Contains(c, "articles/broken.md") {
		t.Errorf("reload reply = %q, want the failing file and that the old index serves", c)
	}
	if st := h.ask("where are the talks, Riyadh?"); !strings.Contains(st.Original.Content, "Riyadh") {
		t.Errorf("old index not answering: %q", st.Original.Content)
	}
	ans.set(func(f *fakeAnswerer) { f.reloadErr = newsbot.ErrReloadRunning })
	if st := h.command("reload", fakediscord.AsAdmin()); !strings.Contains(st.Original.Content, "already running") {
		t.Errorf("concurrent reload reply = %q", st.Original.Content)
	}
}

func TestAboutListsArticlesAndModels(t *testing.T) {
	t.Parallel()
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	st := h.command("about")
	if !st.Ephemeral || len(st.Original.Embeds) != 1 {
		t.Fatalf("/about = %+v", st.Original.Message)
	}
	e := st.Original.Embeds[0]
	if !strings.Contains(e.Description, "US and Russia to hold talks") || !strings.Contains(e.Description, "AP, 2025-02-17") {
		t.Errorf("articles = %q", e.Description)
	}
	got := map[string]string{}
	for _, f := range e.Fields {
		got[f.Name] = f.Value
	}
	if got["Chunks"] != "3" || got["Embedding model"] != "local" || !strings.HasPrefix(got["Chat model"], "none") || !strings.HasPrefix(got["Last reload"], "<t:") {
		t.Errorf("fields = %v", got)
	}
}

func TestHelpExplainsCommands(t *testing.T) {
	t.Parallel()
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	st := h.command("help")
	if !st.Ephemeral || !strings.Contains(st.Original.Content, "/ask") || !strings.Contains(st.Original.Content, "Mention me") {
		t.Errorf("/help = %q", st.Original.Content)
	}
}

func TestAdminCheck(t *testing.T) {
	t.Parallel()
	b := &Bot{adminRoles: set([]string{"r1"}), adminUsers: set([]string{"u1"})}
	member := func(perms int64, roles ...string) *discordgo.Interaction {
		return &discordgo.Interaction{GuildID: "g", Member: &discordgo.Member{User: &discordgo.User{ID: "u9"}, Permissions: perms, Roles: roles}}
	}
	for i, c := range []struct {
		i    *discordgo.Interaction
		want bool
	}{
		{member(discordgo.PermissionSendMessages), false},
		{member(discordgo.PermissionManageGuild), true},
		{member(discordgo.PermissionAdministrator), true},
		{member(0, "r2"), false},
		{member(0, "r2", "r1"), true},
		{&discordgo.Interaction{GuildID: "g", Member: &discordgo.Member{User: &discordgo.User{ID: "u1"}}}, true},
		// A DM has no member permissions to check: refused, admin user or not.
		{&discordgo.Interaction{User: &discordgo.User{ID: "u1"}}, false},
		{&discordgo.Interaction{Member: &discordgo.Member{User: &discordgo.User{ID: "u1"}, Permissions: discordgo.PermissionAdministrator}}, false},
		{&discordgo.Interaction{User: &discordgo.User{ID: "u2"}}, false},
		{&discordgo.Interaction{}, false},
	} {
		if got := b.isAdmin(c.i); got != c.want {
			t.Errorf("case %d: isAdmin = %v, want %v", i, got, c.want)
		}
	}
}

func TestCooldownRefusesASecondQuestionPolitely(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	h := start(t, ans, fakediscord.Options{}, func(c *Config) { c.Cooldown = time.Minute })
	h.ask("where are the talks, Riyadh?")
	d, err := h.fd.Ask("and Rubio?")
	if err != nil {
		t.Fatal(err)
	}
	st := h.waitFinal(d.ID)
	if !st.Ephemeral || st.AckType != discordgo.InteractionResponseChannelMessageWithSource || !strings.Contains(st.Original.Content, "Please wait") {
		t.Errorf("second question: %q (ephemeral %v, type %d)", st.Original.Content, st.Ephemeral, st.AckType)
	}
	// Another user is not held back.
	u := fakediscord.DefaultUser()
	u.ID = "900000000000000301"
	if st := h.ask("and Rubio?", fakediscord.From(u)); !strings.Contains(st.Original.Content, "Rubio") {
		t.Errorf("other user: %q", st.Original.Content)
	}
	// Mentions: told once, then ignored until the period ends.
	m1 := h.fd.MentionMessage("Peskov?")
	h.fd.DispatchMessage(m1)
	if r := h.waitReplyTo(m1.ID); !strings.Contains(r.Content, "Please wait") {
		t.Errorf("mention in cooldown: %q", r.Content)
	}
	m2 := h.fd.MentionMessage("Peskov??")
	h.fd.DispatchMessage(m2)
	h.settle(5) // three asks and two mentions
	for _, bm := range h.fd.BotMessages() {
		if bm.MessageReference != nil && bm.MessageReference.MessageID == m2.ID {
			t.Errorf("second mention in cooldown got %q", bm.Content)
		}
	}
	if n := len(ans.requests); n != 2 {
		t.Errorf("engine got %d questions, want 2", n)
	}
	h.waitMetrics(`newsbot_questions_total{outcome="cooldown",source="slash"} 1`)
}

func TestQueueTellsWaitingUsersAndRefusesWhenFull(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	ans.gate = make(chan struct{})
	h := start(t, ans, fakediscord.Options{}, func(c *Config) {
		c.MaxConcurrent = 1
		c.MaxQueue = 1
	})
	var ids []string
	for i := 0; i < 3; i++ {
		d, err := h.fd.Ask(fmt.Sprintf("where are the talks, Riyadh? (%d)", i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
		// One at a time, so the order (running, queued, refused) is known.
		if i < 2 {
			if _, err := h.fd.WaitAcknowledged(h.ctx(), d.ID); err != nil {
				t.Fatal(err)
			}
			if !eventually(func() bool { running, waiting := h.bot.gate.inUse(); return running+waiting == i+1 }) {
				t.Fatalf("question %d never reached the gate", i+1)
			}
		}
	}
	refused := h.waitFinal(ids[2])
	if !refused.Ephemeral || !strings.Contains(refused.Original.Content, "more questions than I can handle") {
		t.Errorf("third question: %q (ephemeral %v)", refused.Original.Content, refused.Ephemeral)
	}
	// Discord makes the first follow-up of a deferred response that
	// response, whatever its flags: a public /ask shows its place in line
	// in place of "thinking…", and gets no follow-up that could be public.
	queued, err := h.fd.WaitInteraction(h.ctx(), ids[1], func(st fakediscord.InteractionState) bool {
		return st.Original != nil && strings.Contains(st.Original.Content, "next in line")
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(queued.Followups) != 0 || isFinal(queued.Original.Content, len(queued.Original.Embeds)) {
		t.Errorf("queue notice = %q with %d follow-ups; want a non-final preview", queued.Original.Content, len(queued.Followups))
	}
	close(ans.gate)
	for _, id := range ids[:2] {
		if st := h.waitFinal(id); !strings.Contains(st.Original.Content, "Riyadh") {
			t.Errorf("queued question answered %q", st.Original.Content)
		}
	}
}

func TestAskIsAcknowledgedWithin3sThenEditedWithTitleAndLink(t *testing.T) {
	// Not parallel: acknowledgement latency under 3 s is measured.
	ans := newFakeAnswerer()
	h := start(t, ans, fakediscord.Options{AckDeadline: 3 * time.Second}, nil)

	st := h.ask("Where will the talks be held?")
	if st.Acks != 1 || st.AckType != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("acks = %d of type %d, want one deferred acknowledgement", st.Acks, st.AckType)
	}
	if lat := st.AckLatency(); lat <= 0 || lat > 3*time.Second {
		t.Errorf("acknowledged after %v, want within 3 s", lat)
	}
	if st.Ephemeral {
		t.Error("a public question got an ephemeral answer")
	}
	o := st.Original
	if !strings.Contains(o.Content, "Riyadh") || !strings.Contains(o.Content, "[1]") {
		t.Errorf("answer text = %q", o.Content)
	}
	checkExtractiveSources(t, o, ans.title)
	if o.AllowedMentions == nil || o.AllowedMentions.Parse == nil || len(o.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed mentions = %+v, want parse: []", o.AllowedMentions)
	}
}

func TestAskPrivateAnswersEphemerally(t *testing.T) {
	t.Parallel()
	h := start(t, newFakeAnswerer(), fakediscord.Options{}, nil)
	st := h.ask("Who leads the American delegation, Rubio?", fakediscord.BoolOption("private", true))
	if !st.Ephemeral {
		t.Error("private answer is not ephemeral")
	}
	if !strings.Contains(st.Original.Content, "Rubio") {
		t.Errorf("answer = %q", st.Original.Content)
	}
}

func TestReloadInADirectMessageIsRefusedEvenForAdminUsers(t *testing.T) {
	t.Parallel()
	ans := newFakeAnswerer()
	h := start(t, ans, fakediscord.Options{}, func(c *Config) { c.AdminUserIDs = []string{"900000000000000777"} })
	u := fakediscord.DefaultUser()
	u.ID = "900000000000000777"
	st := h.command("reload", fakediscord.InDM(), fakediscord.From(u))
	if strings.HasPrefix(st.Original.Content, "Reloaded") || ans.reloads != 0 {
		t.Errorf("/reload in a DM: %q, %d reloads", st.Original.Content, ans.reloads)
	}
}
