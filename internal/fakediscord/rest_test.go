package fakediscord_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot/internal/fakediscord"
)

// discordCode returns the Discord error code of a REST error, or -1.
func discordCode(err error) int {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Message != nil {
		return rest.Message.Code
	}
	return -1
}

func get(t *testing.T, srv *fakediscord.Server, path, auth string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", "https://discord.com/api/v9"+path, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	c := srv.HTTPClient()
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var body map[string]any
	_ = json.Unmarshal(b, &body)
	return resp.StatusCode, body
}

func TestRESTAuthorizationAndUnknownRoutes(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	tests := []struct {
		name, path, auth string
		status           int
	}{
		{"bot token", "/users/@me", "Bot " + srv.Token(), 200},
		{"no token", "/users/@me", "", 401},
		{"wrong token", "/users/@me", "Bot nope", 401},
		{"token without Bot prefix", "/users/@me", srv.Token(), 401},
		{"gateway needs no token", "/gateway", "", 200},
		{"unknown route", "/no/such/route", "Bot " + srv.Token(), 404},
		{"unknown channel", "/channels/1", "Bot " + srv.Token(), 404},
	}
	for _, tt := range tests {
		status, body := get(t, srv, tt.path, tt.auth)
		if status != tt.status || (status >= 400 && body["message"] == nil) {
			t.Errorf("%s: %d %v, want %d with a Discord error body", tt.name, status, body, tt.status)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != len(tests) || reqs[5].Route != "" || reqs[5].Status != 404 || reqs[0].Route != fakediscord.RouteCurrentUser {
		t.Errorf("recorded %+v", reqs)
	}
	if _, body := get(t, srv, "/gateway/bot", "Bot "+srv.Token()); body["url"] != srv.GatewayURL() {
		t.Errorf("gateway/bot = %v", body)
	}
	c := srv.HTTPClient()
	defer c.CloseIdleConnections()
	if _, err := c.Get("https://example.com/"); err == nil {
		t.Error("the test transport let a request leave for example.com")
	}
}

func TestRESTMessageLimits(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	s := newSession(t, srv)
	str := func(s string) *string { return &s }
	long := strings.Repeat("é", 2000) // 2,000 code points, 4,000 bytes
	tests := []struct {
		name string
		msg  *discordgo.MessageSend
		code int // 0: accepted
	}{
		{"2,000 characters", &discordgo.MessageSend{Content: long}, 0},
		{"2,001 characters", &discordgo.MessageSend{Content: long + "x"}, 50035},
		{"empty", &discordgo.MessageSend{Content: " "}, 50006},
		{"embed only", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Description: "d"}}}, 0},
		{"description 4,097", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Description: strings.Repeat("a", 4097)}}}, 50035},
		{"field value 1,025", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: []*discordgo.MessageEmbedField{{Name: "n", Value: strings.Repeat("a", 1025)}}}}}, 50035},
		{"empty field value", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: []*discordgo.MessageEmbedField{{Name: "n"}}}}}, 50035},
		{"6,001 in embeds", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{
			{Description: strings.Repeat("a", 4000)}, {Description: strings.Repeat("a", 2001)},
		}}, 50035},
		{"parse users with a users list", &discordgo.MessageSend{Content: "x", AllowedMentions: &discordgo.MessageAllowedMentions{
			Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeUsers}, Users: []string{"1"},
		}}, 50035},
		{"reply to an unknown message", &discordgo.MessageSend{Content: "x", Reference: &discordgo.MessageReference{MessageID: "42"}}, 50035},
	}
	for _, tt := range tests {
		_, err := s.ChannelMessageSendComplex(srv.ChannelID(), tt.msg)
		if got := discordCode(err); (tt.code == 0 && err != nil) || (tt.code != 0 && got != tt.code) {
			t.Errorf("%s: err %v, want code %d", tt.name, err, tt.code)
		}
	}
	m, err := s.ChannelMessageSend(srv.ChannelID(), "short")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChannelMessageEditComplex(&discordgo.MessageEdit{Channel: srv.ChannelID(), ID: m.ID, Content: str(long + "y")}); discordCode(err) != 50035 {
		t.Errorf("edit past the limit: %v", err)
	}
	if got, _ := srv.MessageByID(m.ID); got.Content != "short" || got.Edits != 0 {
		t.Errorf("a refused edit changed the message: %+v", got.Message)
	}
}

func TestRESTPings(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	s := newSession(t, srv)
	question, err := srv.Mention("hi")
	if err != nil && !errors.Is(err, fakediscord.ErrNoSession) {
		t.Fatal(err)
	}
	ref := &discordgo.MessageReference{MessageID: question.ID, ChannelID: srv.ChannelID()}
	content := "@everyone look <@123> and <@&456>"
	tests := []struct {
		name  string
		msg   *discordgo.MessageSend
		pings []fakediscord.PingKind
	}{
		{"no allowed_mentions parses all", &discordgo.MessageSend{Content: content},
			[]fakediscord.PingKind{fakediscord.PingEveryone, fakediscord.PingUser, fakediscord.PingRole}},
		{"parse nothing", &discordgo.MessageSend{Content: content, AllowedMentions: noMentions}, nil},
		{"one user allowed", &discordgo.MessageSend{Content: content, AllowedMentions: &discordgo.MessageAllowedMentions{Users: []string{"123"}}},
			[]fakediscord.PingKind{fakediscord.PingUser}},
		{"reply pings its author by default", &discordgo.MessageSend{Content: "answer", Reference: ref},
			[]fakediscord.PingKind{fakediscord.PingRepliedUser}},
		{"reply with parse nothing", &discordgo.MessageSend{Content: "answer", Reference: ref, AllowedMentions: noMentions}, nil},
	}
	for _, tt := range tests {
		before := len(srv.Pings())
		m, err := s.ChannelMessageSendComplex(srv.ChannelID(), tt.msg)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var kinds []fakediscord.PingKind
		for _, p := range srv.Pings()[before:] {
			kinds = append(kinds, p.Kind)
		}
		if !slicesEqual(kinds, tt.pings) {
			t.Errorf("%s: pings %v, want %v", tt.name, kinds, tt.pings)
		}
		if (len(tt.pings) > 0 && tt.pings[0] == fakediscord.PingEveryone) != m.MentionEveryone {
			t.Errorf("%s: mention_everyone %v", tt.name, m.MentionEveryone)
		}
	}
}

func slicesEqual[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRESTInteractionLifecycle(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	s := newSession(t, srv)
	// Without a gateway session the dispatch fails, but the interaction is
	// registered: REST can be driven directly.
	i := srv.AskInteraction("q?", fakediscord.InDM())
	if _, err := srv.DispatchInteraction(i); !errors.Is(err, fakediscord.ErrNoSession) {
		t.Fatalf("dispatch: %v", err)
	}
	if i.ID == "" || i.Token == "" || i.User == nil || i.Member != nil {
		t.Fatalf("built interaction = %+v", i)
	}
	text := func(s string) *discordgo.WebhookEdit {
		return &discordgo.WebhookEdit{Content: &s, AllowedMentions: noMentions}
	}

	if _, err := s.InteractionResponseEdit(i, text("too early")); discordCode(err) != 10008 {
		t.Errorf("edit before the callback: %v", err)
	}
	if _, err := s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "early"}); discordCode(err) != 10015 {
		t.Errorf("follow-up before the callback: %v", err)
	}
	ephemeral := &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}
	if err := s.InteractionRespond(i, ephemeral); err != nil {
		t.Fatal(err)
	}
	if err := s.InteractionRespond(i, ephemeral); discordCode(err) != 40060 {
		t.Errorf("second callback: %v", err)
	}
	if _, err := s.InteractionResponseEdit(i, text("part one")); err != nil {
		t.Fatal(err)
	}
	f, err := s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "part two", AllowedMentions: noMentions, Flags: discordgo.MessageFlagsEphemeral})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FollowupMessageEdit(i, f.ID, text("part two, edited")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.InteractionResponse(i); err != nil || got.Content != "part one" {
		t.Errorf("GET @original = %+v, %v", got, err)
	}

	st, ok := srv.Interaction(i.ID)
	if !ok || !st.Ephemeral || st.Acks != 1 || st.RejectedAcks != 1 || st.OriginalEdits != 1 {
		t.Fatalf("state = %+v", st)
	}
	if st.Original.Content != "part one" || st.Original.Flags&discordgo.MessageFlagsEphemeral == 0 || st.Original.InteractionID != i.ID {
		t.Errorf("original = %+v", st.Original)
	}
	if len(st.Followups) != 1 || st.Followups[0].Content != "part two, edited" || st.Followups[0].Edits != 1 {
		t.Errorf("follow-ups = %+v", st.Followups)
	}
	if err := s.InteractionResponseDelete(i); err != nil {
		t.Fatal(err)
	}
	if st, _ := srv.Interaction(i.ID); !st.Original.Deleted {
		t.Error("original not marked deleted")
	}
}

func TestRESTExpiredInteractionTokenIsInvalid(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	s := newSession(t, srv)
	i := srv.AskInteraction("q?", fakediscord.InDM())
	if _, err := srv.DispatchInteraction(i); !errors.Is(err, fakediscord.ErrNoSession) {
		t.Fatalf("dispatch: %v", err)
	}
	deferred := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	if err := s.InteractionRespond(i, deferred); err != nil {
		t.Fatal(err)
	}
	if srv.ExpireInteraction("no-such-interaction") {
		t.Error("ExpireInteraction found an interaction that does not exist")
	}
	if !srv.ExpireInteraction(i.ID) {
		t.Fatal("ExpireInteraction did not find the interaction")
	}
	content := "late"
	_, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &content, AllowedMentions: noMentions})
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) || rest.Response.StatusCode != http.StatusUnauthorized || discordCode(err) != 50027 {
		t.Errorf("edit after expiry: %v, want 401 with code 50027", err)
	}
	if _, err := s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "late", AllowedMentions: noMentions}); discordCode(err) != 50027 {
		t.Errorf("follow-up after expiry: %v, want code 50027", err)
	}
	if err := s.InteractionRespond(i, deferred); discordCode(err) != 10062 {
		t.Errorf("callback after expiry: %v, want 10062", err)
	}
	if st, _ := srv.Interaction(i.ID); st.Original == nil || st.Original.Content != "" {
		t.Errorf("the original response changed after expiry: %+v", st.Original)
	}
}

func TestRESTUserChannelCreateOpensOneDMPerUser(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	s := newSession(t, srv)
	ch, err := s.UserChannelCreate("900000000000000999")
	if err != nil {
		t.Fatal(err)
	}
	if ch.Type != discordgo.ChannelTypeDM || len(ch.Recipients) == 0 || ch.Recipients[0].ID != "900000000000000999" {
		t.Fatalf("DM channel = %+v", ch)
	}
	again, err := s.UserChannelCreate("900000000000000999")
	if err != nil || again.ID != ch.ID {
		t.Errorf("second open = %+v, %v; want the same channel %s", again, err, ch.ID)
	}
	m, err := s.ChannelMessageSendComplex(ch.ID, &discordgo.MessageSend{Content: "hello", AllowedMentions: noMentions})
	if err != nil || m.ChannelID != ch.ID {
		t.Errorf("message in the DM: %+v, %v", m, err)
	}
}

func TestRESTLateCallbackIsUnknownInteraction(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{AckDeadline: 50 * time.Millisecond})
	s := newSession(t, srv)
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		time.Sleep(100 * time.Millisecond)
		err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		if discordCode(err) != 10062 {
			t.Errorf("late callback: %v, want 10062", err)
		}
	})
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	ctx := ctxFor(t, 10*time.Second)
	d, err := srv.Ask("slow")
	if err != nil {
		t.Fatal(err)
	}
	st, err := srv.WaitInteraction(ctx, d.ID, func(st fakediscord.InteractionState) bool { return st.RejectedAcks > 0 })
	if err != nil || st.Acks != 0 {
		t.Fatalf("state %+v, %v", st, err)
	}
}

func TestRESTThreads(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	s := newSession(t, srv)
	q, _ := srv.Mention("start a thread here")
	th, err := s.MessageThreadStartComplex(srv.ChannelID(), q.ID, &discordgo.ThreadStart{Name: "Q&A", AutoArchiveDuration: 60})
	if err != nil {
		t.Fatal(err)
	}
	if th.ID != q.ID || th.Type != discordgo.ChannelTypeGuildPublicThread || th.ParentID != srv.ChannelID() || th.GuildID != srv.GuildID() {
		t.Errorf("thread = %+v", th)
	}
	if _, err := s.MessageThreadStartComplex(srv.ChannelID(), q.ID, &discordgo.ThreadStart{Name: "again"}); discordCode(err) != 160004 {
		t.Errorf("second thread on a message: %v", err)
	}
	if m, err := s.ChannelMessageSend(th.ID, "in the thread"); err != nil || m.ChannelID != th.ID {
		t.Errorf("post in thread = %+v, %v", m, err)
	}
	if ch, err := s.Channel(th.ID); err != nil || ch.Type != discordgo.ChannelTypeGuildPublicThread {
		t.Errorf("GET thread = %+v, %v", ch, err)
	}
	free, err := s.ThreadStartComplex(srv.ChannelID(), &discordgo.ThreadStart{Name: "loose"})
	if err != nil || free.Type != discordgo.ChannelTypeGuildPrivateThread {
		t.Errorf("thread without message = %+v, %v", free, err)
	}
	dm, _ := srv.Mention("in a DM", fakediscord.InDM())
	if _, err := s.MessageThreadStartComplex(fakediscord.DefaultDMChannelID, dm.ID, &discordgo.ThreadStart{Name: "x"}); discordCode(err) != 50024 {
		t.Errorf("thread in a DM: %v", err)
	}
	if ch, err := s.Channel(fakediscord.DefaultDMChannelID); err != nil || ch.Type != discordgo.ChannelTypeDM {
		t.Errorf("GET DM channel = %+v, %v", ch, err)
	}
}

func TestRESTCommands(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	s := newSession(t, srv)
	app := srv.ApplicationID()
	perm := int64(discordgo.PermissionManageGuild)
	valid := []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Q", Required: true},
		}},
		{Name: "reload", Description: "Reload the corpus", DefaultMemberPermissions: &perm},
	}
	first, err := s.ApplicationCommandBulkOverwrite(app, "", valid)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.ApplicationCommandBulkOverwrite(app, "", valid)
	if err != nil || again[0].ID != first[0].ID || again[1].ID != first[1].ID {
		t.Errorf("IDs not stable across overwrites: %v / %v (%v)", first, again, err)
	}
	if got := srv.Commands(""); len(got) != 2 || *got[1].DefaultMemberPermissions != perm {
		t.Errorf("global commands = %+v", got)
	}
	if srv.Commands(srv.GuildID()) != nil {
		t.Error("guild commands registered by a global overwrite")
	}
	bad := []struct {
		name string
		cmd  *discordgo.ApplicationCommand
	}{
		{"uppercase name", &discordgo.ApplicationCommand{Name: "Ask", Description: "d"}},
		{"no description", &discordgo.ApplicationCommand{Name: "ask"}},
		{"description over 100", &discordgo.ApplicationCommand{Name: "ask", Description: strings.Repeat("d", 101)}},
		{"required after optional", &discordgo.ApplicationCommand{Name: "ask", Description: "d", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: "p"},
			{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "q", Required: true},
		}}},
	}
	for _, tt := range bad {
		if _, err := s.ApplicationCommandBulkOverwrite(app, srv.GuildID(), []*discordgo.ApplicationCommand{tt.cmd}); discordCode(err) != 50035 {
			t.Errorf("%s: %v, want 50035", tt.name, err)
		}
	}
	if _, err := s.ApplicationCommandBulkOverwrite(app, "1234", valid); discordCode(err) != 50001 {
		t.Errorf("guild the bot is not in: %v", err)
	}
	// The builders use the registered command's ID.
	if i := srv.AskInteraction("q"); i.ApplicationCommandData().ID != first[0].ID {
		t.Errorf("built /ask has command ID %s, registered %s", i.ApplicationCommandData().ID, first[0].ID)
	}
}

func TestRESTGuildMembersAndRoles(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	s := newSession(t, srv)
	admin := &discordgo.User{ID: "900000000000000555", Username: "editor"}
	i := srv.AskInteraction("reload please", fakediscord.From(admin), fakediscord.WithRoles("900000000000000777"), fakediscord.AsAdmin())
	_, _ = srv.DispatchInteraction(i)
	if i.Member.Permissions&discordgo.PermissionAdministrator == 0 || i.Member.User.ID != admin.ID {
		t.Fatalf("member = %+v", i.Member)
	}
	m, err := s.GuildMember(srv.GuildID(), admin.ID)
	if err != nil || len(m.Roles) != 1 || m.Roles[0] != "900000000000000777" {
		t.Errorf("GET member = %+v, %v", m, err)
	}
	roles, err := s.GuildRoles(srv.GuildID())
	if err != nil || len(roles) != 2 {
		t.Errorf("GET roles = %+v, %v", roles, err)
	}
	if _, err := s.GuildMember(srv.GuildID(), "1"); discordCode(err) != 10007 {
		t.Errorf("unknown member: %v", err)
	}
	if me, err := s.User("@me"); err != nil || me.ID != fakediscord.DefaultBotUserID || !me.Bot {
		t.Errorf("users/@me = %+v, %v", me, err)
	}
}

func TestRandomFaultsAreSeeded(t *testing.T) {
	t.Parallel()
	pattern := func() []int {
		srv := fakediscord.Start(t, fakediscord.Options{Seed: 42})
		s := newSession(t, srv)
		s.MaxRestRetries = 0
		srv.InjectFault(fakediscord.Fault{Route: fakediscord.RouteTyping, Status: 500, Rate: 0.5})
		var out []int
		for range 20 {
			_ = s.ChannelTyping(srv.ChannelID())
		}
		for _, r := range srv.Requests() {
			out = append(out, r.Status)
		}
		return out
	}
	a, b := pattern(), pattern()
	hits := 0
	for _, st := range a {
		if st == 500 {
			hits++
		}
	}
	if !slicesEqual(a, b) || hits == 0 || hits == len(a) {
		t.Errorf("patterns %v and %v", a, b)
	}
}

func TestWaitsHonourDeadlines(t *testing.T) {
	t.Parallel()
	srv := fakediscord.Start(t, fakediscord.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := srv.WaitForRequest(ctx, func(fakediscord.Request) bool { return false })
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("WaitForRequest = %v after %v", err, time.Since(start))
	}
	if err := srv.WaitConnected(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitConnected = %v", err)
	}
	srv.Close()
	if err := srv.WaitConnected(context.Background()); !errors.Is(err, fakediscord.ErrClosed) {
		t.Errorf("WaitConnected after Close = %v", err)
	}
}
