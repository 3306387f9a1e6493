package openaiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"
)

// Error is a failed call to an OpenAI-compatible endpoint. Its message is
// one line that names the endpoint and base URL and says what went wrong:
//
//	embeddings at http://127.0.0.1:1234/v1: 429 Too Many Requests after 5 attempts: Rate limit reached
//	chat/completions at http://localhost:11434/v1: 404 Not Found: model "llama3" not found, try pulling it first
//	embeddings at http://127.0.0.1:1/v1: dial tcp 127.0.0.1:1: connect: connection refused after 5 attempts
type Error struct {
	Endpoint string // "embeddings", "chat/completions"
	BaseURL  string
	// StatusCode and Status describe the last HTTP answer, if there was
	// one ("429 Too Many Requests").
	StatusCode int
	Status     string
	// Attempts is how many times the request was sent; 0 when unknown.
	Attempts int
	// Message is what the server said about the failure, on one line.
	Message string
	// Err is the underlying error: a transport error, a context error, an
	// *openai.APIError or *openai.RequestError; nil for a status alone.
	Err error

	what string // replaces the description of Err in the message
}

// Error returns the one-line message described on the type.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s at %s: ", e.Endpoint, e.BaseURL)
	switch {
	case e.Err != nil && isContextErr(e.Err):
		b.WriteString(describe(e.Err))
		if e.Status != "" {
			fmt.Fprintf(&b, " (last answer: %s)", e.Status)
		}
	case e.Status != "":
		b.WriteString(e.Status)
	case e.what != "":
		b.WriteString(e.what)
	case e.Err != nil:
		b.WriteString(describe(e.Err))
	default:
		b.WriteString("failed")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the underlying error, so that errors.Is(err,
// context.Canceled) and errors.As(err, **openai.APIError) see through.
func (e *Error) Unwrap() error { return e.Err }

// Wrap turns an error of a go-openai call to endpoint ("embeddings",
// "chat/completions") at baseURL into an *Error with a clear one-line
// message: API errors, non-OpenAI error bodies (Ollama's {"error":"..."}),
// malformed JSON, transport and context errors alike. It returns nil for
// nil, and an *Error found in err's chain (from the retries) as it is.
func Wrap(err error, endpoint, baseURL string) error {
	if err == nil {
		return nil
	}
	var known *Error
	if errors.As(err, &known) {
		return known
	}
	e := &Error{Endpoint: endpoint, BaseURL: strings.TrimRight(baseURL, "/"), Err: err}
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &reqErr):
		e.StatusCode = reqErr.HTTPStatusCode
		e.Status = statusLine(reqErr.HTTPStatus, reqErr.HTTPStatusCode)
		e.Message = bodyMessage(reqErr.Body)
		if e.Message == "" && reqErr.Err != nil {
			e.Message = oneLine(reqErr.Err.Error())
		}
	case errors.As(err, &apiErr):
		e.StatusCode = apiErr.HTTPStatusCode
		e.Status = statusLine(apiErr.HTTPStatus, apiErr.HTTPStatusCode)
		e.Message = oneLine(apiErr.Message)
		if e.Status == "" {
			// An error event inside a stream carries no HTTP status.
			e.what = "error reported in the stream"
		}
	}
	return e
}

// statusLine returns status, or builds it from code ("404 Not Found").
func statusLine(status string, code int) string {
	if status != "" || code == 0 {
		return status
	}
	return fmt.Sprintf("%d %s", code, http.StatusText(code))
}

// describe says what a non-HTTP error means, without the `Post "url":`
// prefix of *url.Error (the message names the URL already).
func describe(err error) string {
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntaxErr), errors.As(err, &typeErr):
		return "malformed JSON in the response: " + oneLine(err.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the response ended early (unexpected EOF)"
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return oneLine(err.Error())
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// bodyMessage extracts the server's explanation from an error body:
// OpenAI's {"error":{"message":...}}, Ollama's {"error":"..."}, FastAPI's
// {"detail":"..."} or {"message":...}; else the body itself, shortened.
func bodyMessage(body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return ""
	}
	var v struct {
		Error   json.RawMessage `json:"error"`
		Message json.RawMessage `json:"message"`
		Detail  json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &v) == nil {
		if s := jsonText(v.Error); s != "" {
			return s
		}
		if s := jsonText(v.Message); s != "" {
			return s
		}
		if s := jsonText(v.Detail); s != "" {
			return s
		}
	}
	return oneLine(string(body))
}

// jsonText returns a JSON string's text, or the "message" of an object.
func jsonText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return oneLine(s)
	}
	var o struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &o) == nil {
		return oneLine(o.Message)
	}
	return ""
}

// oneLine folds whitespace runs to single spaces and shortens s to at most
// 300 characters, so that a server's HTML error page stays one line.
func oneLine(s string) string {
	const limit = 300
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return string(r[:limit]) + "…"
}

// joinMessage joins two parts of a message with ": ", skipping empty ones.
func joinMessage(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ": " + b
}
