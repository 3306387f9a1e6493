package answer

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/newsbot/newsbot/internal/openaiclient"
)

// Metrics receives the engine's counts of what the bot cannot see in an
// answer or an error: sentences and citations the claim check removed,
// and model replies that stopped early but still made an answer or a
// refusal. (Model errors reach the bot as errors with a ModelErrorKind
// method, and fallbacks as Answer.Fallback; it counts those itself.) nil
// counts nothing. Implementations must be safe for concurrent use.
type Metrics interface {
	// ClaimsDropped counts the sentences and citations the claim check
	// removed from model replies, by reason ("uncited", "unsupported",
	// "link", "repeated", "cut"): newsbot_claims_dropped_total{reason}.
	ClaimsDropped(reason string, n int)
	// ModelStopped counts replies stopped early by the model, by reason
	// ("length", "content_filter"): newsbot_model_stops_total{reason}.
	ModelStopped(reason string)
}

// The kinds of model errors ModelErrorKind returns.
const (
	ModelErrEmpty         = "empty"          // nothing left after removing reasoning blocks
	ModelErrDown          = "down"           // connection refused, DNS, reset
	ModelErrTimeout       = "timeout"        // a deadline passed
	ModelErrServer        = "http_5xx"       // 5xx after the retries
	ModelErrRateLimit     = "http_429"       // 429 after the retries
	ModelErrRequest       = "http_4xx"       // another 4xx: wrong model name, bad key
	ModelErrCutOff        = "cut_off"        // the stream broke off
	ModelErrLength        = "length"         // stopped at the token limit
	ModelErrContentFilter = "content_filter" // stopped by a content filter
	ModelErrOther         = "other"
)

// ModelErrorKind classifies an error of a ChatModel for metrics and for
// deciding whether to fall back.
func ModelErrorKind(err error) string {
	var oe *openaiclient.Error
	var ne net.Error
	switch {
	case errors.Is(err, ErrEmptyReply):
		return ModelErrEmpty
	case errors.Is(err, ErrLengthLimit):
		return ModelErrLength
	case errors.Is(err, ErrContentFilter):
		return ModelErrContentFilter
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return ModelErrTimeout
	case errors.As(err, &oe) && oe.StatusCode == http.StatusTooManyRequests:
		return ModelErrRateLimit
	case errors.As(err, &oe) && oe.StatusCode >= 500:
		return ModelErrServer
	case errors.As(err, &oe) && oe.StatusCode >= 400:
		return ModelErrRequest
	case errors.Is(err, ErrCutOff):
		return ModelErrCutOff
	case errors.As(err, &ne), errors.As(err, new(*net.OpError)):
		return ModelErrDown
	case errors.As(err, &oe) && oe.StatusCode == 0 && oe.Err != nil:
		return ModelErrDown
	}
	return ModelErrOther
}

// ModelError is the error of a question the chat model could not answer:
// it wraps the model's error and says its kind (ModelErrorKind), which
// the bot uses as the label of newsbot_model_errors_total.
type ModelError struct {
	Kind string
	Err  error
}

func (e *ModelError) Error() string { return e.Err.Error() }
func (e *ModelError) Unwrap() error { return e.Err }

// ModelErrorKind returns the kind: "down", "timeout", "empty", "http_5xx", ….
func (e *ModelError) ModelErrorKind() string { return e.Kind }

// noMetrics counts nothing.
type noMetrics struct{}

func (noMetrics) ClaimsDropped(string, int) {}
func (noMetrics) ModelStopped(string)       {}
