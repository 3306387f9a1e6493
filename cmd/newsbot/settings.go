package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/newsbot/newsbot/internal/openaiclient"
)

// A setting is one row of the settings table: everything about one
// environment variable in one place. The table drives loading (loadConfig,
// loadServeConfig), the flags that override it (commonFlags), the listing of
// `newsbot help env`, and TestREADMEListsExactlyTheSettings.
//
// To add a setting:
//  1. add a field to config (engine: ask, index, eval, serve) or to
//     serveConfig (serve only);
//  2. add one row to the settings table below: its group, variable, flag if
//     any, default (as a user would write it), help text, and field (a
//     pointer into config of type *string, *bool, *int, *time.Duration,
//     *[]string or *slog.Level; the type picks the parser);
//  3. list the variable in README.md's table for its group (the test fails
//     until you do).
//
// Checks across settings (a shard ID below the shard count) live in
// loadConfig or loadServeConfig; nothing else reads the environment.
type setting struct {
	Group group
	Env   string // the environment variable
	Flag  string // the flag that overrides it ("" for none); registered by commonFlags for engine settings
	// Default is the value used when the variable is unset or blank,
	// written as a user would write it and parsed by the same parser. ""
	// leaves the field's zero value; DefaultDoc then says what that means.
	Default    string
	DefaultDoc string // what `help env` shows as the default when Default is "" or computed
	Help       string
	// Field returns the field of c the setting fills.
	Field func(c *config) any
}

// group says which subcommands read a setting, and which README table
// lists it.
type group int

const (
	engineGroup  group = iota // ask, index, eval, serve: README "Configuration"
	discordGroup              // serve only: README "The Discord bot"
)

func (g group) String() string {
	if g == discordGroup {
		return "Discord bot (newsbot serve)"
	}
	return "engine (ask, index, eval, serve)"
}

// settings is the table. Keep rows of one group together, in the README's
// order.
var settings = []setting{
	// The engine.
	{Group: engineGroup, Env: "OPENAI_API_KEY", Help: "key for the OpenAI-compatible endpoint; with it or OPENAI_BASE_URL set, chat and embeddings go there",
		Field: func(c *config) any { return &c.APIKey }},
	{Group: engineGroup, Env: "OPENAI_BASE_URL", DefaultDoc: openaiclient.DefaultBaseURL + " when a key is set",
		Help:  "any OpenAI-compatible server, e.g. http://localhost:11434/v1 (Ollama)",
		Field: func(c *config) any { return &c.BaseURL }},
	{Group: engineGroup, Env: "NEWSBOT_CHAT_MODEL", Default: "gpt-4o-mini",
		Help:  "chat model; none keeps extractive answers with remote embeddings",
		Field: func(c *config) any { return &c.ChatModel }},
	{Group: engineGroup, Env: "NEWSBOT_EMBED_MODEL", Default: "text-embedding-3-small",
		Help:  "embedding model; local keeps the offline sentence encoder, local-hash the lexical hashing embedder, even with an endpoint",
		Field: func(c *config) any { return &c.EmbedModel }},
	{Group: engineGroup, Env: "NEWSBOT_EMBED_BASE_URL", DefaultDoc: "the chat endpoint's",
		Help:  "embeddings from another server",
		Field: func(c *config) any { return &c.EmbedBaseURL }},
	{Group: engineGroup, Env: "NEWSBOT_EMBED_API_KEY", DefaultDoc: "the chat endpoint's",
		Help:  "key for NEWSBOT_EMBED_BASE_URL",
		Field: func(c *config) any { return &c.EmbedAPIKey }},
	{Group: engineGroup, Env: "NEWSBOT_EMBED_DIMENSIONS", DefaultDoc: "the model's",
		Help:  "ask for shorter vectors (text-embedding-3 models)",
		Field: func(c *config) any { return &c.EmbedDims }},
	{Group: engineGroup, Env: "NEWSBOT_EMBED_BATCH", Default: "128",
		Help:  "inputs per embedding request",
		Field: func(c *config) any { return &c.EmbedBatch }},
	{Group: engineGroup, Env: "NEWSBOT_EMBED_CONCURRENCY", Default: "4",
		Help:  "embedding requests in flight at once (1: one after the other)",
		Field: func(c *config) any { return &c.EmbedConc }},
	{Group: engineGroup, Env: "NEWSBOT_CACHE_MAX_MB", Default: "256",
		Help:  "size cap of the embedding cache in MiB, least recently used vectors evicted first (0: no cap)",
		Field: func(c *config) any { return &c.CacheMaxMB }},
	{Group: engineGroup, Env: "NEWSBOT_REQUEST_TIMEOUT", Default: "60s",
		Help:  "time per model request attempt (a duration, or seconds)",
		Field: func(c *config) any { return &c.RequestTimeout }},
	{Group: engineGroup, Env: "NEWSBOT_MAX_TOKENS", Default: "600",
		Help:  "the longest chat reply, in tokens (max_tokens, or max_completion_tokens for OpenAI's reasoning models)",
		Field: func(c *config) any { return &c.MaxTokens }},
	{Group: engineGroup, Env: "NEWSBOT_FALLBACK", Default: "extractive",
		Help:  "when the chat model fails after its retries, the bot answers from the article with a note (extractive) or apologizes (apology); ask and eval always report the failure",
		Field: func(c *config) any { return &c.FallbackMode }},
	{Group: engineGroup, Env: "NEWSBOT_DATA_DIR", Flag: "data", DefaultDoc: "the user data directory + /newsbot",
		Help:  "data `directory` where stories live; the embedded story is served while it holds none",
		Field: func(c *config) any { return &c.DataDir }},
	{Group: engineGroup, Env: "NEWSBOT_MAX_STORIES", Default: "0",
		Help:  "keep at most this many stories newsbot wrote (add, /add, feeds), the oldest going first and named as they go; files put in the data directory by hand, in sub-folders, or edited since are never removed; 0: no cap",
		Field: func(c *config) any { return &c.MaxStories }},
	{Group: engineGroup, Env: "NEWSBOT_ALLOW_PRIVATE_URLS", Default: "false",
		Help:  "let add and follow fetch loopback, private and link-local addresses (tests, intranets)",
		Field: func(c *config) any { return &c.AllowPrivate }},
	{Group: engineGroup, Env: "NEWSBOT_FEED_INTERVAL", Default: "15m",
		Help:  "time between polls of the followed feeds, by newsbot follow and by serve (shard 0)",
		Field: func(c *config) any { return &c.FeedInterval }},
	{Group: engineGroup, Env: "NEWSBOT_INDEX_DIR", Flag: "index-dir", DefaultDoc: "the user cache directory + /newsbot",
		Help:  "embedding cache `directory`",
		Field: func(c *config) any { return &c.IndexDir }},
	{Group: engineGroup, Env: "NEWSBOT_PROMPTS_DIR", Flag: "prompts", DefaultDoc: "the embedded templates",
		Help:  "`directory` with system.tmpl and/or user.tmpl",
		Field: func(c *config) any { return &c.PromptsDir }},
	{Group: engineGroup, Env: "NEWSBOT_OFFLINE", Flag: "offline", Default: "false",
		Help:  "offline sentence encoder (or local-hash when named) and extractive answers whatever else is set",
		Field: func(c *config) any { return &c.Offline }},

	// The Discord bot.
	{Group: discordGroup, Env: "DISCORD_TOKEN", Help: "the bot token (never logged)",
		Field: func(c *config) any { return &c.Serve.token }},
	{Group: discordGroup, Env: "DISCORD_TOKEN_FILE", Help: "a file holding the bot token (a Docker or Kubernetes secret); not with DISCORD_TOKEN",
		Field: func(c *config) any { return &c.Serve.tokenFile }},
	{Group: discordGroup, Env: "NEWSBOT_GUILD_ID", Help: "register commands in this server only (instant; for development); global otherwise",
		Field: func(c *config) any { return &c.Serve.Bot.GuildID }},
	{Group: discordGroup, Env: "NEWSBOT_ADMIN_ROLE_IDS", Help: "comma- or space-separated role IDs allowed to /reload besides members with Manage Server",
		Field: func(c *config) any { return &c.Serve.Bot.AdminRoleIDs }},
	{Group: discordGroup, Env: "NEWSBOT_ADMIN_USER_IDS", Help: "comma- or space-separated user IDs allowed to /reload",
		Field: func(c *config) any { return &c.Serve.Bot.AdminUserIDs }},
	{Group: discordGroup, Env: "NEWSBOT_ANNOUNCE_CHANNEL_ID",
		Help:  "a channel where each story a feed brings is announced (\"New story: …\"), pinging nobody",
		Field: func(c *config) any { return &c.Serve.Bot.AnnounceChannelID }},
	{Group: discordGroup, Env: "NEWSBOT_THREADS", Default: "false",
		Help:  "answer mentions in a new thread, which is the conversation",
		Field: func(c *config) any { return &c.Serve.Bot.Threads }},
	{Group: discordGroup, Env: "NEWSBOT_COOLDOWN", Default: "10s",
		Help:  "per-user time between questions; 0 turns it off",
		Field: func(c *config) any { return &c.Serve.Bot.Cooldown }},
	{Group: discordGroup, Env: "NEWSBOT_MAX_CONCURRENT", Default: "4",
		Help:  "questions answered at once; more wait in a queue",
		Field: func(c *config) any { return &c.Serve.Bot.MaxConcurrent }},
	{Group: discordGroup, Env: "NEWSBOT_QUEUE_SIZE", Default: "100",
		Help:  "questions that may wait; past it, a polite refusal; 0: no queue",
		Field: func(c *config) any { return &c.Serve.Bot.MaxQueue }},
	{Group: discordGroup, Env: "NEWSBOT_ANSWER_TIMEOUT", Default: "3m",
		Help:  "time limit of one answer",
		Field: func(c *config) any { return &c.Serve.Bot.AnswerTimeout }},
	{Group: discordGroup, Env: "NEWSBOT_SHUTDOWN_TIMEOUT", Default: "10s",
		Help:  "time the questions in flight get to finish on SIGINT or SIGTERM",
		Field: func(c *config) any { return &c.Serve.Bot.ShutdownTimeout }},
	{Group: discordGroup, Env: "NEWSBOT_READY_TIMEOUT", Default: "30s",
		Help:  "time limit of the gateway handshake",
		Field: func(c *config) any { return &c.Serve.Bot.ReadyTimeout }},
	{Group: discordGroup, Env: "NEWSBOT_HEARTBEAT_TIMEOUT", Default: "100s",
		Help:  "time without heartbeat ACKs before the session is rebuilt",
		Field: func(c *config) any { return &c.Serve.Bot.HeartbeatTimeout }},
	{Group: discordGroup, Env: "NEWSBOT_HTTP_ADDR", DefaultDoc: "none; the Docker image sets :8080",
		Help:  "address for /healthz and /metrics",
		Field: func(c *config) any { return &c.Serve.HTTPAddr }},
	{Group: discordGroup, Env: "NEWSBOT_LOG_LEVEL", Default: "info",
		Help:  "debug, info, warn or error; logs are JSON when stderr is not a terminal",
		Field: func(c *config) any { return &c.Serve.LogLevel }},
	{Group: discordGroup, Env: "NEWSBOT_DISCORD_API_URL", DefaultDoc: "https://discord.com",
		Help:  "REST calls go to $NEWSBOT_DISCORD_API_URL/api/v9/… (a REST proxy, or the fake Discord)",
		Field: func(c *config) any { return &c.Serve.Bot.APIURL }},
	{Group: discordGroup, Env: "NEWSBOT_DISCORD_GATEWAY_URL", DefaultDoc: "the one Discord gives",
		Help:  "replaces the gateway URL",
		Field: func(c *config) any { return &c.Serve.Bot.GatewayURL }},
	{Group: discordGroup, Env: "NEWSBOT_SHARD_ID", Default: "0",
		Help:  "this process's shard",
		Field: func(c *config) any { return &c.Serve.Bot.ShardID }},
	{Group: discordGroup, Env: "NEWSBOT_SHARD_COUNT", Default: "1",
		Help:  "the number of shards, one process each",
		Field: func(c *config) any { return &c.Serve.Bot.ShardCount }},
}

// loadSettings fills c from the environment for the settings of group g:
// each variable, or its default when unset or blank.
func loadSettings(c *config, g group, getenv func(string) string) error {
	for _, s := range settings {
		if s.Group != g {
			continue
		}
		v, from := strings.TrimSpace(getenv(s.Env)), s.Env
		if v == "" {
			v, from = s.Default, s.Env+" default"
		}
		if v == "" {
			continue
		}
		if err := parseSetting(s.Field(c), v); err != nil {
			return usageError{fmt.Sprintf("%s=%q: %v", from, v, err)}
		}
	}
	return nil
}

// parseSetting parses v into the field p points to; its type picks the
// parser.
func parseSetting(p any, v string) error {
	switch p := p.(type) {
	case *string:
		*p = v
	case *bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false")
		}
		*p = b
	case *int:
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("want a whole number, 0 or more")
		}
		*p = n
	case *time.Duration:
		d, err := parseDuration(v)
		if err != nil {
			return err
		}
		*p = d
	case *[]string:
		*p = idList(v)
	case *slog.Level:
		switch strings.ToLower(v) {
		case "debug":
			*p = slog.LevelDebug
		case "info":
			*p = slog.LevelInfo
		case "warn", "warning":
			*p = slog.LevelWarn
		case "error":
			*p = slog.LevelError
		default:
			return fmt.Errorf("want debug, info, warn or error")
		}
	default:
		panic(fmt.Sprintf("settings: no parser for %T", p)) // a programming error, caught by the tests
	}
	return nil
}

// parseDuration reads a Go duration ("1.5s", "2m") or a number of seconds
// ("10").
func parseDuration(v string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 {
		return time.Duration(f * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("want a duration such as 10s or a number of seconds")
	}
	return d, nil
}

// idList splits a list of Discord IDs separated by commas or spaces.
func idList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

// settingFlag is a flag that sets a setting's field with the setting's
// parser, so that a flag overrides the environment.
type settingFlag struct{ p any }

func (f settingFlag) String() string {
	if f.p == nil {
		return ""
	}
	switch p := f.p.(type) {
	case *string:
		return *p
	case *bool:
		if !*p {
			return "" // no "(default false)" in the flag's help
		}
		return "true"
	default:
		return fmt.Sprint(p)
	}
}

func (f settingFlag) Set(v string) error { return parseSetting(f.p, strings.TrimSpace(v)) }

// IsBoolFlag lets a boolean setting's flag stand alone ("--offline").
func (f settingFlag) IsBoolFlag() bool {
	_, ok := f.p.(*bool)
	return ok
}

// commonFlags registers the flags of the engine's settings (--data,
// --index-dir, --prompts, --offline), which every engine-using subcommand
// takes, writing into c.
func commonFlags(fs *flag.FlagSet, c *config) {
	for _, s := range settings {
		if s.Flag == "" || s.Group != engineGroup {
			continue
		}
		fs.Var(settingFlag{s.Field(c)}, s.Flag, fmt.Sprintf("%s (env %s)", s.Help, s.Env))
	}
}

// printSettings writes the `newsbot help env` listing: every setting by
// group, with its flag, default and help.
func printSettings(w io.Writer) {
	for _, g := range []group{engineGroup, discordGroup} {
		fmt.Fprintf(w, "Settings of the %s:\n", g)
		for _, s := range settings {
			if s.Group != g {
				continue
			}
			name := s.Env
			if s.Flag != "" {
				name += ", --" + s.Flag
			}
			def := s.Default
			if s.DefaultDoc != "" {
				def = s.DefaultDoc
			}
			if def != "" {
				def = " (default: " + def + ")"
			}
			fmt.Fprintf(w, "  %s%s\n      %s\n", name, def, strings.ReplaceAll(s.Help, "`", ""))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Flags override the environment, which overrides the defaults. Durations: 10s, 2m, or a number of seconds.")
}

// userCacheDir is os.UserCacheDir reading the environment through getenv:
// $XDG_CACHE_HOME or ~/.cache on Unix, ~/Library/Caches on macOS,
// %LocalAppData% on Windows; the temporary directory when none is known.
func userCacheDir(getenv func(string) string) string {
	switch runtime.GOOS {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return d
		}
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			return h + "/Library/Caches"
		}
	case "plan9":
		if h := getenv("home"); h != "" {
			return h + "/lib/cache"
		}
	default:
		if d := getenv("XDG_CACHE_HOME"); strings.HasPrefix(d, "/") {
			return d
		}
		if h := getenv("HOME"); h != "" {
			return h + "/.cache"
		}
	}
	return tempDir(getenv)
}

// tempDir is os.TempDir reading the environment through getenv.
func tempDir(getenv func(string) string) string {
	if runtime.GOOS == "windows" {
		if d := getenv("TMP"); d != "" {
			return d
		}
		if d := getenv("TEMP"); d != "" {
			return d
		}
		return `C:\Windows\Temp`
	}
	if d := getenv("TMPDIR"); d != "" {
		return d
	}
	return "/tmp"
}
