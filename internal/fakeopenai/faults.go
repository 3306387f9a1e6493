package fakeopenai

import "time"

// FaultKind is a way for a request to fail.
type FaultKind int

// The faults the server can inject.
const (
	// NoFault serves the request normally.
	NoFault FaultKind = iota
	// RateLimit answers 429 with a Retry-After header and OpenAI's error body.
	RateLimit
	// ServerError answers 500 (or Fault.Status) with OpenAI's error body.
	ServerError
	// MalformedJSON answers 200 with a body that is not valid JSON; in a
	// stream, one chunk of invalid JSON.
	MalformedJSON
	// StreamCut ends the answer early: a stream sends part of the reply
	// and ends cleanly without a finish_reason or [DONE]; a plain answer
	// stops halfway through its JSON.
	StreamCut
	// EmptyChoices answers with no choices (chat) or no data (embeddings).
	EmptyChoices
	// Hang holds the request for Fault.Delay, then serves it normally; with
	// no Delay, until the client gives up or the server closes.
	Hang
	// OllamaError answers Fault.Status (default 404) with Ollama's error
	// body, {"error":"..."} where the error is a plain string.
	OllamaError
)

var faultNames = [...]string{"none", "rate-limit", "server-error", "malformed-json", "stream-cut", "empty-choices", "hang", "ollama-error"}

// String returns the fault's name, for test logs.
func (k FaultKind) String() string {
	if k < 0 || int(k) >= len(faultNames) {
		return "unknown"
	}
	return faultNames[k]
}

// Fault is one injected failure, with its parameters. The constructors
// (RateLimited, Failing, ...) fill in sensible ones.
type Fault struct {
	Kind FaultKind
	// Status overrides the HTTP status of ServerError and OllamaError.
	Status int
	// RetryAfter is the Retry-After header of RateLimit ("1" when empty;
	// "-" sends none).
	RetryAfter string
	// Message overrides the error message of ServerError and OllamaError.
	Message string
	// Delay is how long Hang holds the request; 0 holds it until the
	// client gives up.
	Delay time.Duration
}

// RateLimited returns a 429 fault with the given Retry-After header value
// (seconds or an HTTP date; "-" for none).
func RateLimited(retryAfter string) Fault { return Fault{Kind: RateLimit, RetryAfter: retryAfter} }

// Failing returns a 500 fault.
func Failing() Fault { return Fault{Kind: ServerError} }

// Malformed returns a fault whose 200 answer is not valid JSON.
func Malformed() Fault { return Fault{Kind: MalformedJSON} }

// CutStream returns a fault that ends the answer before its end.
func CutStream() Fault { return Fault{Kind: StreamCut} }

// NoChoices returns a fault whose answer has no choices or no data.
func NoChoices() Fault { return Fault{Kind: EmptyChoices} }

// Hanging returns a fault that holds the request for d (0: until the
// client gives up) before serving it.
func Hanging(d time.Duration) Fault { return Fault{Kind: Hang, Delay: d} }

// Ollama returns a fault answering status (0: 404) with Ollama's error
// body {"error": message}; an empty message says the model is not found.
func Ollama(status int, message string) Fault {
	return Fault{Kind: OllamaError, Status: status, Message: message}
}

// script is the faults planned for one endpoint.
type script struct {
	next   []Fault // served first, in order
	rate   float64 // then each request fails with this probability
	random Fault
}
