package fakediscord

import (
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Fault makes the fake misbehave on REST requests. A request is matched by
// Route and Match; a matching request is hit when Rate's coin says so; a hit
// waits Latency and, if Status is set, is answered with that status instead
// of being served (it has no other effect). Every hitting fault adds its
// Latency; the first one with a Status decides the answer.
type Fault struct {
	// Route is a Route* constant; "" matches every request.
	Route string
	// Match, if set, must also return true for the request (for example to
	// fault only one interaction's edits).
	Match func(Request) bool
	// Status is the status to answer: 429 gets Discord's rate-limit body and
	// headers, anything else Discord's error body. 0 adds latency only.
	// discordgo waits out a 429 and retries (forever, so bound Count); it
	// retries a 502 up to Session.MaxRestRetries times; other statuses are
	// returned to the caller as *discordgo.RESTError.
	Status int
	// RetryAfter is the wait a 429 asks for; 0 means DefaultRetryAfter.
	RetryAfter time.Duration
	// Global marks a 429 as the global rate limit: discordgo then holds back
	// every route, not just this one.
	Global bool
	// Latency delays the answer (served or faulted) by this much.
	Latency time.Duration
	// Count, if positive, retires the fault after it hit this many requests.
	Count int
	// Rate, if in (0,1), is the probability a matching request is hit,
	// drawn from the generator seeded by Options.Seed. 0 means always.
	Rate float64
	// AfterServing serves the request (its effect happens: a message is
	// created) and then answers Status instead of the response, as when
	// Discord did the work but a proxy lost the answer. A client that
	// retries such a request blindly does the work twice.
	AfterServing bool
}

type faultRule struct {
	Fault
	hits    int
	retired bool
}

// InjectFault adds f; it applies to requests arriving from now on. The
// returned func removes it (safe to call more than once).
func (s *Server) InjectFault(f Fault) (remove func()) {
	rule := &faultRule{Fault: f}
	s.mu.Lock()
	s.faults = append(s.faults, rule)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		rule.retired = true
		for i, r := range s.faults {
			if r == rule {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
				break
			}
		}
	}
}

// ClearFaults removes every REST fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	for _, r := range s.faults {
		r.retired = true
	}
	s.faults = nil
	s.mu.Unlock()
}

// FaultHits returns how many requests were answered with an injected status
// (latency-only hits are not counted).
func (s *Server) FaultHits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faultHits
}

// pickFault decides what the faults do to req.
func (s *Server) pickFault(req Request) (status int, retryAfter time.Duration, global bool, latency time.Duration, name string, afterServing bool) {
	s.mu.Lock()
	var candidates []*faultRule
	for _, r := range s.faults {
		if !r.retired && (r.Route == "" || r.Route == req.Route) {
			candidates = append(candidates, r)
		}
	}
	s.mu.Unlock()
	// Match runs unlocked: it is the test's code and may call the Server.
	var matched []*faultRule
	for _, r := range candidates {
		if r.Match == nil || r.Match(req) {
			matched = append(matched, r)
		}
	}
	if len(matched) == 0 {
		return 0, 0, false, 0, "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range matched {
		if r.retired || (r.Rate > 0 && r.Rate < 1 && s.rng.Float64() >= r.Rate) {
			continue
		}
		r.hits++
		if r.Count > 0 && r.hits >= r.Count {
			r.retired = true
			for i, x := range s.faults {
				if x == r {
					s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
					break
				}
			}
		}
		latency += r.Latency
		if status == 0 && r.Status != 0 {
			status, retryAfter, global, afterServing = r.Status, r.RetryAfter, r.Global, r.AfterServing
			name = strconv.Itoa(r.Status)
			if afterServing {
				name += " after serving"
			}
		}
	}
	if status != 0 {
		s.faultHits++
	}
	if status == http.StatusTooManyRequests && retryAfter <= 0 {
		retryAfter = DefaultRetryAfter
	}
	return status, retryAfter, global, latency, name, afterServing
}

// writeFault answers an injected error the way Discord would. For 429 that
// is the JSON body discordgo reads (retry_after, in seconds) and the
// X-RateLimit-* headers its RateLimiter reads (Reset-After, Remaining,
// Global), so discordgo waits rather than fails.
func writeFault(w http.ResponseWriter, status int, retryAfter time.Duration, global bool, route string) {
	if status != http.StatusTooManyRequests {
		writeError(w, status, 0, fmt.Sprintf("%d: %s", status, http.StatusText(status)))
		return
	}
	secs := retryAfter.Seconds()
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(retryAfter).UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	hash := fnv.New64a()
	hash.Write([]byte(route))
	h.Set("X-RateLimit-Bucket", strconv.FormatUint(hash.Sum64(), 16))
	scope := "user"
	if global {
		scope = "global"
		h.Set("X-RateLimit-Global", "true")
	}
	h.Set("X-RateLimit-Scope", scope)
	writeJSON(w, status, map[string]any{
		"message":     "You are being rate limited.",
		"retry_after": math.Round(secs*1000) / 1000,
		"global":      global,
		"code":        0,
	})
}
