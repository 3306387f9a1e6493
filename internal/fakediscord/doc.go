// Package fakediscord is a local stand-in for Discord, REST API and gateway
// websocket on loopback, good enough for an unmodified discordgo v0.29.0
// Session. The bot's end-to-end tests, soak tests and benchmarks run
// against it; it records what the bot sends and injects the faults the bot
// must survive.
//
// # Wiring
//
// Give the discordgo.Session an http.Client whose transport sends
// https://discord.com to Server.URL() (Server.HTTPClient does, and refuses
// every other host; the package example shows the transport a bot writes
// itself). REST calls then arrive at URL()+"/api/v9/...", and Open asks GET
// /api/v9/gateway, which answers GatewayURL(). discordgo keeps the gateway
// URL in an unexported field, so there is no other way to set it short of
// a custom websocket Dialer.
//
// # What the fake checks
//
// REST requires "Authorization: Bot <token>" (401 otherwise; webhook and
// callback routes may omit it, as on Discord). Server.ExpireInteraction
// ends an interaction token's life early: its webhook routes then answer
// 401 with 50027 Invalid Webhook Token, as Discord's do after 15 minutes.
// Messages are held to
// Discord's limits (content 2,000, embed description 4,096, field value
// 1,024, 6,000 per message in embeds, counted in code points) and refused
// with Discord's error codes; so are a second callback for an interaction
// (40060), a late one under Options.AckDeadline (10062), edits before the
// callback, replies to unknown messages and malformed command definitions.
// An autocomplete interaction (Server.Autocomplete) takes only an
// autocomplete result, of at most 25 choices named with 1 to 100
// characters (InteractionState.Choices keeps them). An attachment option
// (AttachmentOption) is resolved in the interaction's data with a URL that
// the fake serves on loopback, without Authorization, as the CDN does.
// Every write by the bot is checked for whom it would ping (Server.Pings).
// A message created with a nonce and enforce_nonce returns the message
// already created with that nonce in the channel in the last five minutes,
// as Discord does; Fault.AfterServing creates a message and then answers
// with an error, the case that nonce is for.
// The gateway honours intents: MESSAGE_CREATE needs the guild or direct
// messages intent, and without the Message Content intent a guild message
// arrives with its content blanked unless it mentions the bot.
//
// # discordgo v0.29.0, as seen from here
//
//   - Open deadlocks if the gateway answers Identify with op 7 Reconnect
//     (upstream issue 513; HandshakeReconnect reproduces it): the goroutine
//     that called Open holds the session lock forever, so Close blocks too.
//     Open also has no deadline of its own (HandshakeSilent). Call Open
//     from a goroutine with a timeout, and abandon the session if it hangs.
//   - A drop makes discordgo close (sleeping 1 s under the session lock)
//     and resume, with the session ID and sequence it kept; events missed
//     meanwhile are replayed. It never uses resume_gateway_url.
//   - If the heartbeat goroutine was between beats when the connection
//     drops or Close is called, it beats on the dead connection after the
//     1 s sleep, fails, and closes and reconnects too: it may close the
//     reader's fresh connection with 1000, which ends the session on
//     Discord (here too, unless Options.ResumableAfterClose), so the bot
//     identifies anew and the events of the outage are lost; after a
//     Close of yours, it reopens the session. The window is wide with short
//     heartbeat intervals and right after a (re)connect, before the first
//     beat. Before dropping a connection, WaitConnected; before closing a
//     session, WaitSteady, then set ShouldReconnectOnError to false under
//     the session lock, then Close.
//   - Without heartbeat ACKs it reconnects after 5 intervals (closing with
//     1000, so resuming fails and it identifies again). It treats every
//     close code alike, 4004 included: it retries forever with backoff.
//   - A 429 is slept for retry_after (JSON seconds) while holding the rate
//     limit bucket, then retried with no limit on attempts; the
//     X-RateLimit-* headers set the bucket's reset. Interaction edits and
//     webhook message routes share one bucket (upstream issue 1384), so one
//     throttled edit stalls all of them. A 502 is retried MaxRestRetries
//     times; a 500 is returned at once.
//   - Follow-ups without wait=true return a nil message.
package fakediscord
