package fakediscord

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Autocomplete and attachments: what the story commands need of the fake.
//
// An autocomplete interaction (type 4) is built like a command interaction,
// with one option marked focused (FocusedOption); Discord accepts only an
// autocomplete result (callback type 8) for it, with at most 25 choices,
// each named with 1 to 100 characters and, for a string option, a value of
// at most 100 characters. The fake holds the result to these rules and
// keeps the choices (InteractionState.Choices).
//
// An attachment option (AttachmentOption) carries the attachment's ID; the
// attachment itself is in the interaction's resolved data, with a URL on
// the fake's own loopback address (RouteAttachment), served without
// Authorization as Discord's CDN is.

// RouteAttachment is where the fake serves attachments given with
// AttachmentOption. Unlike the other routes it is not under /api/v9: it
// stands for Discord's CDN (https://cdn.discordapp.com/attachments/...),
// which needs no Authorization.
const RouteAttachment = "GET /attachments/{channel}/{attachment}/{filename}"

// Discord's limits on an autocomplete result.
const (
	maxChoices         = 25
	maxChoiceName      = 100
	maxChoiceStringVal = 100
)

// pendingAttachment is an attachment an Option asked for, stored when the
// interaction is built.
type pendingAttachment struct {
	option, filename, contentType string
	body                          []byte
}

// storedAttachment is an attachment the fake serves.
type storedAttachment struct {
	contentType string
	body        []byte
}

// FocusedOption adds a string option that the user is typing in: the one an
// autocomplete interaction asks choices for. value is what is typed so far.
func FocusedOption(name, value string) Option {
	return func(c *eventConfig) {
		c.options = append(c.options, &discordgo.ApplicationCommandInteractionDataOption{
			Name: name, Type: discordgo.ApplicationCommandOptionString, Value: value, Focused: true,
		})
	}
}

// AttachmentOption adds an attachment option: an uploaded file named
// filename with this content. The option's value is the attachment's ID;
// the attachment (its URL on the fake, size, content type) is in the
// interaction's Data.Resolved.Attachments.
func AttachmentOption(name, filename, contentType string, body []byte) Option {
	return func(c *eventConfig) {
		c.attachments = append(c.attachments, pendingAttachment{
			option: name, filename: filename, contentType: contentType, body: append([]byte(nil), body...),
		})
	}
}

// AutocompleteInteraction builds an autocomplete interaction for /name: a
// command interaction of type 4 whose options include one FocusedOption.
func (s *Server) AutocompleteInteraction(name string, opts ...Option) *discordgo.Interaction {
	i := s.CommandInteraction(name, opts...)
	i.Type = discordgo.InteractionApplicationCommandAutocomplete
	return i
}

// Autocomplete builds and dispatches an autocomplete interaction for /name
// (see AutocompleteInteraction).
func (s *Server) Autocomplete(name string, opts ...Option) (Dispatched, error) {
	return s.DispatchInteraction(s.AutocompleteInteraction(name, opts...))
}

// WaitChoices waits for the autocomplete result of the interaction and
// returns its state (Choices set).
func (s *Server) WaitChoices(ctx context.Context, id string) (InteractionState, error) {
	return s.WaitInteraction(ctx, id, func(st InteractionState) bool {
		return st.Acks > 0 && st.AckType == discordgo.InteractionApplicationCommandAutocompleteResult
	})
}

// addAttachments stores the attachments c asks for and adds their options
// and resolved data to data.
func (s *Server) addAttachments(c *eventConfig, data *discordgo.ApplicationCommandInteractionData) {
	if len(c.attachments) == 0 {
		return
	}
	if data.Resolved == nil {
		data.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{}
	}
	if data.Resolved.Attachments == nil {
		data.Resolved.Attachments = map[string]*discordgo.MessageAttachment{}
	}
	for _, a := range c.attachments {
		id := s.newID()
		url := fmt.Sprintf("%s/attachments/%s/%s/%s", s.baseURL, c.channelID, id, a.filename)
		s.mu.Lock()
		if s.attachments == nil {
			s.attachments = map[string]storedAttachment{}
		}
		s.attachments[id] = storedAttachment{contentType: a.contentType, body: a.body}
		s.mu.Unlock()
		data.Resolved.Attachments[id] = &discordgo.MessageAttachment{
			ID: id, URL: url, ProxyURL: url, Filename: a.filename, ContentType: a.contentType, Size: len(a.body),
			Ephemeral: true, // attachments of slash commands are
		}
		data.Options = append(data.Options, &discordgo.ApplicationCommandInteractionDataOption{
			Name: a.option, Type: discordgo.ApplicationCommandOptionAttachment, Value: id,
		})
	}
}

// serveAttachment serves GET /attachments/{channel}/{attachment}/{filename},
// recording the request under RouteAttachment. Like the CDN it needs no
// Authorization.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	req := Request{Method: r.Method, Path: r.URL.Path, Route: RouteAttachment, Query: r.URL.Query(),
		Header: r.Header.Clone(), Received: time.Now()}
	defer func() {
		req.Status = rec.status
		s.record(req)
	}()
	if r.Method != http.MethodGet {
		writeError(rec, http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
		return
	}
	id := req.PathValue("attachment")
	s.mu.Lock()
	a, ok := s.attachments[id]
	s.mu.Unlock()
	if !ok {
		writeError(rec, http.StatusNotFound, 0, "404: Not Found")
		return
	}
	if a.contentType != "" {
		rec.Header().Set("Content-Type", a.contentType)
	}
	rec.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
	rec.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.body) // not through rec: Request.Response keeps JSON answers, not files
}

// autocompleteBody is the data of an autocomplete result.
type autocompleteBody struct {
	Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
}

// checkResponseType refuses a callback type the interaction cannot take:
// an autocomplete interaction takes only an autocomplete result, and only
// it does.
func checkResponseType(i *discordgo.Interaction, t discordgo.InteractionResponseType) *httpErr {
	auto := i.Type == discordgo.InteractionApplicationCommandAutocomplete
	if auto != (t == discordgo.InteractionApplicationCommandAutocompleteResult) {
		return errForm("type", "INTERACTION_RESPONSE_TYPE_INVALID",
			fmt.Sprintf("Interaction response type %d is not valid for an interaction of type %d.", t, i.Type))
	}
	return nil
}

// decodeChoices reads and validates the choices of an autocomplete result.
func decodeChoices(body []byte) ([]*discordgo.ApplicationCommandOptionChoice, *httpErr) {
	var cb struct {
		Data *autocompleteBody `json:"data"`
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		return nil, &httpErr{status: http.StatusBadRequest, code: codeInvalidJSON, msg: "The request body contains invalid JSON."}
	}
	if cb.Data == nil {
		return nil, errForm("data", "BASE_TYPE_REQUIRED", "This field is required")
	}
	choices := cb.Data.Choices
	if len(choices) > maxChoices {
		return nil, errForm("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
	}
	for i, c := range choices {
		p := "data.choices." + strconv.Itoa(i) + "."
		if c == nil {
			return nil, errForm(p[:len(p)-1], "BASE_TYPE_REQUIRED", "This field is required")
		}
		if n := utf8.RuneCountInString(c.Name); n < 1 || n > maxChoiceName {
			return nil, errForm(p+"name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		}
		switch v := c.Value.(type) {
		case string:
			if n := utf8.RuneCountInString(v); n < 1 || n > maxChoiceStringVal {
				return nil, errForm(p+"value", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
			}
		case float64:
		default:
			return nil, errForm(p+"value", "BASE_TYPE_REQUIRED", "This field is required")
		}
	}
	if choices == nil {
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	return choices, nil
}
