package bot

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"
	"github.com/newsbot/newsbot"
)

// Discord's limits on one message, in characters.
// https://discord.com/developers/docs/resources/message#create-message
const (
	maxContent     = 2000
	maxEmbedTitle  = 256
	maxEmbedDesc   = 4096
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFields      = 25   // per embed
	maxEmbeds      = 10   // per message
	maxEmbedsTotal = 6000 // titles, descriptions, field names and values, footers and author names of all embeds of a message
)

const embedColor = 0x2B6CB0

// outMessage is one Discord message of a reply, within Discord's limits.
type outMessage struct {
	Content string
	Embeds  []*discordgo.MessageEmbed
}

// noMentions is sent with every message and edit: Discord parses no
// mention at all (no @everyone, @here, role or user pings). A nil Parse
// slice would be serialized as "parse": null, which Discord reads as "no
// restriction"; the empty slice is what restricts.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// formatAnswer lays out an answer as one or more messages: the text, with
// its [n] markers, split over as many messages as needed, then the sources,
// one embed field per citation ("[n] Title" and the verbatim quote), packed
// into embeds after the text. A refusal is text only.
func formatAnswer(a newsbot.Answer) []outMessage {
	text := strings.TrimSpace(a.Text)
	if text == "" {
		if a.Answered {
			text = "(The answer came back empty. Please try asking again.)"
		} else {
			text = "I couldn't find an answer to that in the articles I have."
		}
	}
	msgs := formatText(text)
	if !a.Answered || len(a.Citations) == 0 {
		return msgs
	}

	cur := len(msgs) - 1
	total := embedsLen(msgs[cur].Embeds)
	first := true
	for _, c := range a.Citations {
		title := c.Title
		if title == "" {
			title = c.Doc
		}
		f := &discordgo.MessageEmbedField{
			Name:  truncate(fmt.Sprintf("[%d] %s", c.Ref, title), maxFieldName),
			Value: "“" + truncate(strings.TrimSpace(c.Quote), maxFieldValue-2) + "”",
		}
		size := discordLen(f.Name) + discordLen(f.Value)

		embeds := msgs[cur].Embeds
		last := len(embeds) - 1
		if last < 0 || len(embeds[last].Fields) >= maxFields || total+size > maxEmbedsTotal {
			e := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Color: embedColor}
			if first {
				e.Title = "Sources"
				first = false
			}
			if len(embeds) >= maxEmbeds || total+discordLen(e.Title)+size > maxEmbedsTotal {
				msgs = append(msgs, outMessage{})
				cur++
				total = 0
			}
			msgs[cur].Embeds = append(msgs[cur].Embeds, e)
			total += discordLen(e.Title)
		}
		embeds = msgs[cur].Embeds
		e := embeds[len(embeds)-1]
		e.Fields = append(e.Fields, f)
		total += size
	}
	return msgs
}

// formatText lays out plain text as one or more messages of at most
// maxContent characters.
func formatText(text string) []outMessage {
	parts := splitText(text, maxContent)
	if len(parts) == 0 {
		parts = []string{"…"}
	}
	msgs := make([]outMessage, len(parts))
	for i, p := range parts {
		msgs[i].Content = p
	}
	return msgs
}

// embedsLen counts the characters of embeds that Discord counts against
// maxEmbedsTotal.
func embedsLen(embeds []*discordgo.MessageEmbed) int {
	n := 0
	for _, e := range embeds {
		n += discordLen(e.Title) + discordLen(e.Description)
		for _, f := range e.Fields {
			n += discordLen(f.Name) + discordLen(f.Value)
		}
		if e.Footer != nil {
			n += discordLen(e.Footer.Text)
		}
		if e.Author != nil {
			n += discordLen(e.Author.Name)
		}
	}
	return n
}

// previewText is the content of an intermediate streaming edit: the text so
// far, cut to fit one message, and an ellipsis to show more is coming (a
// final reply never ends with one).
func previewText(text string) string {
	text = strings.TrimSpace(text)
	if text == "" {
		return "…"
	}
	return truncate(text, maxContent-2) + " …"
}
