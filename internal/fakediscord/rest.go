package fakediscord

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// Routes the fake answers, as "METHOD /path" relative to /api/v9. Each
// recorded Request carries the one it matched; faults select by them.
const (
	RouteGateway              = "GET /gateway"
	RouteGatewayBot           = "GET /gateway/bot"
	RouteCurrentUser          = "GET /users/@me"
	RouteUser                 = "GET /users/{user}"
	RouteUserChannelCreate    = "POST /users/@me/channels"
	RouteGlobalCommands       = "PUT /applications/{app}/commands"
	RouteGlobalCommandsList   = "GET /applications/{app}/commands"
	RouteGuildCommands        = "PUT /applications/{app}/guilds/{guild}/commands"
	RouteGuildCommandsList    = "GET /applications/{app}/guilds/{guild}/commands"
	RouteInteractionCallback  = "POST /interactions/{interaction}/{token}/callback"
	RouteFollowupCreate       = "POST /webhooks/{app}/{token}"
	RouteWebhookMessage       = "GET /webhooks/{app}/{token}/messages/{message}"
	RouteWebhookMessageEdit   = "PATCH /webhooks/{app}/{token}/messages/{message}"
	RouteWebhookMessageDelete = "DELETE /webhooks/{app}/{token}/messages/{message}"
	RouteChannel              = "GET /channels/{channel}"
	RouteChannelMessages      = "GET /channels/{channel}/messages"
	RouteMessageCreate        = "POST /channels/{channel}/messages"
	RouteMessage              = "GET /channels/{channel}/messages/{message}"
	RouteMessageEdit          = "PATCH /channels/{channel}/messages/{message}"
	RouteMessageDelete        = "DELETE /channels/{channel}/messages/{message}"
	RouteTyping               = "POST /channels/{channel}/typing"
	RouteMessageThread        = "POST /channels/{channel}/messages/{message}/threads"
	RouteThread               = "POST /channels/{channel}/threads"
	RouteGuild                = "GET /guilds/{guild}"
	RouteGuildMember          = "GET /guilds/{guild}/members/{user}"
	RouteGuildRoles           = "GET /guilds/{guild}/roles"
)

// apiPrefix is where discordgo v0.29.0 sends every REST call.
const apiPrefix = "/api/v9"

// maxBody bounds what the fake reads of a request body.
const maxBody = 16 << 20

// Request is one REST call as the fake received it. Its maps and slices are
// shared between copies: read them, do not modify them.
type Request struct {
	Seq      int64       // 1 for the first request the server received
	Method   string      // "POST"
	Path     string      // as received, e.g. "/api/v9/channels/1/messages"
	Route    string      // the Route* constant it matched; "" if none (answered 404)
	Query    url.Values  // parsed query string
	Header   http.Header // request headers, Authorization included
	Body     []byte      // the raw body (JSON, or multipart with payload_json)
	Received time.Time   // when the request reached the fake, before any injected latency
	Status   int         // the status the fake answered
	Response []byte      // the body the fake answered
	Fault    string      // "" or the injected fault that answered it ("429", "500", ...)
}

// PathValue returns the path segment matched by a wildcard of Route, e.g.
// PathValue("channel"); "" if the route has no such wildcard.
func (r Request) PathValue(name string) string {
	if r.Route == "" {
		return ""
	}
	_, pattern, _ := strings.Cut(r.Route, " ")
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	path := strings.Split(strings.Trim(strings.TrimPrefix(r.Path, apiPrefix), "/"), "/")
	if len(ps) != len(path) {
		return ""
	}
	for i, p := range ps {
		if p == "{"+name+"}" {
			return path[i]
		}
	}
	return ""
}

// JSON decodes the request body into v.
func (r Request) JSON(v any) error { return json.Unmarshal(r.Body, v) }

type handlerFunc func(w http.ResponseWriter, r *http.Request, body []byte)

func (s *Server) routes() {
	h := map[string]handlerFunc{
		RouteGateway:              s.handleGateway,
		RouteGatewayBot:           s.handleGatewayBot,
		RouteCurrentUser:          s.handleCurrentUser,
		RouteUser:                 s.handleUser,
		RouteGlobalCommands:       s.handleCommandsPut,
		RouteGlobalCommandsList:   s.handleCommandsGet,
		RouteGuildCommands:        s.handleCommandsPut,
		RouteGuildCommandsList:    s.handleCommandsGet,
		RouteInteractionCallback:  s.handleCallback,
		RouteFollowupCreate:       s.handleFollowup,
		RouteWebhookMessage:       s.handleWebhookMessageGet,
		RouteWebhookMessageEdit:   s.handleWebhookMessageEdit,
		RouteWebhookMessageDelete: s.handleWebhookMessageDelete,
		RouteChannel:              s.handleChannel,
		RouteChannelMessages:      s.handleChannelMessages,
		RouteMessageCreate:        s.handleMessageCreate,
		RouteUserChannelCreate:    s.handleUserChannelCreate,
		RouteMessage:              s.handleMessageGet,
		RouteMessageEdit:          s.handleMessageEdit,
		RouteMessageDelete:        s.handleMessageDelete,
		RouteTyping:               s.handleTyping,
		RouteMessageThread:        s.handleMessageThread,
		RouteThread:               s.handleThread,
		RouteGuild:                s.handleGuild,
		RouteGuildMember:          s.handleGuildMember,
		RouteGuildRoles:           s.handleGuildRoles,
	}
	for route, fn := range h {
		method, path, _ := strings.Cut(route, " ")
		s.mux.HandleFunc(method+" "+apiPrefix+path, func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			fn(w, r, body)
		})
	}
}

// routeOf maps a ServeMux pattern back to its Route constant.
func routeOf(pattern string) string {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || !strings.HasPrefix(path, apiPrefix+"/") {
		return ""
	}
	return method + " " + strings.TrimPrefix(path, apiPrefix)
}

// noAuthRoutes may be called without Authorization (as on Discord: the
// interaction token is the credential). A wrong Authorization is still 401.
var noAuthRoutes = map[string]bool{
	RouteGateway:              true,
	RouteInteractionCallback:  true,
	RouteFollowupCreate:       true,
	RouteWebhookMessage:       true,
	RouteWebhookMessageEdit:   true,
	RouteWebhookMessageDelete: true,
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	if websocket.IsWebSocketUpgrade(r) && !strings.HasPrefix(r.URL.Path, "/api/") {
		s.serveGateway(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/attachments/") {
		s.serveAttachment(w, r)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	r.Body = io.NopCloser(bytes.NewReader(body))
	_, pattern := s.mux.Handler(r)
	route := routeOf(pattern)
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	req := Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		Route:    route,
		Query:    r.URL.Query(),
		Header:   r.Header.Clone(),
		Body:     body,
		Received: received,
	}

	auth := r.Header.Get("Authorization")
	switch {
	case auth != "Bot "+s.opts.Token && (auth != "" || !noAuthRoutes[route]):
		s.logf("401 for %s %s: Authorization header missing or not the configured bot token", r.Method, r.URL.Path)
		writeError(rec, http.StatusUnauthorized, 0, "401: Unauthorized")
	default:
		status, retryAfter, global, latency, name, afterServing := s.pickFault(req)
		s.sleep(r.Context(), latency)
		served := r.WithContext(context.WithValue(r.Context(), receivedKey{}, received))
		switch {
		case status != 0:
			req.Fault = name
			if afterServing && route != "" {
				s.mux.ServeHTTP(httptest.NewRecorder(), served) // done, but the answer is lost
			}
			writeFault(rec, status, retryAfter, global, route)
		case route == "":
			writeError(rec, http.StatusNotFound, 0, "404: Not Found")
		default:
			s.mux.ServeHTTP(rec, served)
		}
	}
	req.Status = rec.status
	req.Response = rec.buf.Bytes()
	s.record(req)
}

// recorder passes a response through and keeps a copy.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	r.buf.Write(p)
	return r.ResponseWriter.Write(p)
}

func (s *Server) record(req Request) {
	s.mu.Lock()
	s.reqSeq++
	req.Seq = s.reqSeq
	s.requests = append(s.requests, req)
	if n := len(s.requests); n > s.opts.MaxRecorded {
		// Drop the oldest quarter at once so trimming stays amortized O(1).
		drop := n - s.opts.MaxRecorded + s.opts.MaxRecorded/4
		s.requests = append([]Request(nil), s.requests[drop:]...)
	}
	s.mu.Unlock()
	s.broadcast()
}

// Requests returns the recorded REST requests, oldest first (at most
// Options.MaxRecorded of them).
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// RequestsTo returns the recorded requests that matched route, oldest first.
func (s *Server) RequestsTo(route string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.Route == route {
			out = append(out, r)
		}
	}
	return out
}

// ForgetRequests drops the recorded requests (the stored messages and
// interactions stay), for long runs that watch their heap.
func (s *Server) ForgetRequests() {
	s.mu.Lock()
	s.requests = nil
	s.mu.Unlock()
}

// WaitForRequest returns the first recorded request, past or future, for
// which pred is true. Without a deadline on ctx, DefaultWait applies.
func (s *Server) WaitForRequest(ctx context.Context, pred func(Request) bool) (Request, error) {
	var found Request
	var next int64 // first Seq not yet examined
	err := s.WaitFor(ctx, func() bool {
		s.mu.Lock()
		reqs := s.requests
		s.mu.Unlock()
		for _, r := range reqs { // the slice is only appended to or replaced
			if r.Seq < next {
				continue
			}
			next = r.Seq + 1
			if pred(r) {
				found = r
				return true
			}
		}
		return false
	})
	return found, err
}

// apiError is Discord's error body.
type apiError struct {
	Code    int            `json:"code"`
	Message string         `json:"message"`
	Errors  map[string]any `json:"errors,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"code":0,"message":"fakediscord: cannot encode response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func writeRawJSON(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, apiError{Code: code, Message: msg})
}

// formError answers 400 Invalid Form Body (50035), with the offending field
// and reason in Discord's nested "errors" shape.
func formError(w http.ResponseWriter, field, code, msg string) {
	writeJSON(w, http.StatusBadRequest, apiError{
		Code:    50035,
		Message: "Invalid Form Body",
		Errors:  map[string]any{field: map[string]any{"_errors": []map[string]string{{"code": code, "message": msg}}}},
	})
}

// Discord error codes the fake uses.
const (
	codeUnknownChannel       = 10003
	codeUnknownGuild         = 10004
	codeUnknownMessage       = 10008
	codeUnknownUser          = 10013
	codeUnknownMember        = 10007
	codeUnknownWebhook       = 10015
	codeUnknownApplication   = 10002
	codeUnknownInteraction   = 10062
	codeInvalidWebhookToken  = 50027
	codeMissingAccess        = 50001
	codeCannotEditOthers     = 50005
	codeEmptyMessage         = 50006
	codeWrongChannelType     = 50024
	codeInvalidJSON          = 50109
	codeAlreadyAcknowledged  = 40060
	codeThreadAlreadyCreated = 160004
)

func badJSON(w http.ResponseWriter) {
	writeError(w, http.StatusBadRequest, codeInvalidJSON, "The request body contains invalid JSON.")
}

func (s *Server) handleGateway(w http.ResponseWriter, _ *http.Request, _ []byte) {
	writeJSON(w, http.StatusOK, map[string]string{"url": s.wsURL})
}

func (s *Server) handleGatewayBot(w http.ResponseWriter, _ *http.Request, _ []byte) {
	writeJSON(w, http.StatusOK, map[string]any{
		"url":    s.wsURL,
		"shards": 1,
		"session_start_limit": map[string]int{
			"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1,
		},
	})
}

func (s *Server) handleCurrentUser(w http.ResponseWriter, _ *http.Request, _ []byte) {
	writeJSON(w, http.StatusOK, s.botUser)
}

func (s *Server) handleUser(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.serveLocked(w, func() ([]byte, *httpErr) {
		u, ok := s.users[r.PathValue("user")]
		return marshalFound(u, ok, codeUnknownUser, "Unknown User")
	})
}

func (s *Server) handleTyping(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.mu.Lock()
	_, ok := s.channels[r.PathValue("channel")]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, codeUnknownChannel, "Unknown Channel")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type receivedKey struct{}

// receivedAt is when the request reached the fake, before injected latency.
func receivedAt(r *http.Request) time.Time {
	if t, ok := r.Context().Value(receivedKey{}).(time.Time); ok {
		return t
	}
	return time.Now()
}
