package bot

import (
	"fmt"
	"strings"
	"unicode"

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

// maxSourceTitle is the longest story title shown in the sources, in
// characters: long headlines crowded out the list (issue 11).
const maxSourceTitle = 60

// formatAnswer lays out an answer as one or more messages: its note (a
// fallback's "the model is unavailable") in italics, then the text, with its
// [n] markers, split over as many messages as needed, then the sources,
// packed into embeds after the text. Text from the articles and the model
// is escaped (escapeMarkdown): it shows as written, never as formatting or
// masked links. Each source names its story (at most maxSourceTitle
// characters) and links the story's own url, from link, in <…> so that it
// does not unfurl. A citation's verbatim quote is shown, as an embed field,
// only where it adds something: never in extractive mode, whose answer is
// made of the quoted sentences, nor when the answer already holds the quote
// word for word; those references are listed as lines instead. A refusal is
// text only. link may be nil.
func formatAnswer(a newsbot.Answer, link func(slug string) string) []outMessage {
	if link == nil {
		link = func(string) string { return "" }
	}
	text := strings.TrimSpace(a.Text)
	if text == "" {
		if a.Answered {
			text = "(The answer came back empty. Please try asking again.)"
		} else {
			text = "I couldn't find an answer to that in the articles I have."
		}
	}
	text = escapeMarkdown(text)
	if note := strings.TrimSpace(a.Note); note != "" {
		text = "*" + escapeMarkdown(truncate(note, 300)) + "*\n\n" + text
	}
	msgs := formatText(text)
	if !a.Answered || len(a.Citations) == 0 {
		return msgs
	}

	var lines []sourceLine
	var fields []*discordgo.MessageEmbedField
	for _, c := range a.Citations {
		title := sourceTitle(c)
		url := storyLink(link(c.Doc))
		quote := strings.TrimSpace(c.Quote)
		if a.Mode == "extractive" || quote == "" || !quoteAddsToAnswer(quote, a.Text) {
			lines = addSourceLine(lines, c, title, url)
			continue
		}
		value := "“" + escapeMarkdown(truncate(quote, maxFieldValue/2)) + "”"
		if url != "" && discordLen(value)+1+discordLen(url) <= maxFieldValue {
			value += "\n" + url
		}
		fields = append(fields, &discordgo.MessageEmbedField{
			Name:  truncate(fmt.Sprintf("[%d] %s", c.Ref, title), maxFieldName),
			Value: truncate(value, maxFieldValue),
		})
	}
	return packSources(msgs, sourceDescription(lines), fields)
}

// sourceTitle is the citation's story title for the sources, shortened and
// escaped.
func sourceTitle(c newsbot.Citation) string {
	title := strings.TrimSpace(c.Title)
	if title == "" {
		title = c.Doc
	}
	return escapeMarkdown(truncate(title, maxSourceTitle))
}

// sourceLine is one story of the sources list: the references that cite it.
type sourceLine struct {
	doc   string
	refs  []int
	title string // escaped
	url   string // "<…>" or ""
}

func addSourceLine(lines []sourceLine, c newsbot.Citation, title, url string) []sourceLine {
	for i := range lines {
		if lines[i].doc == c.Doc {
			lines[i].refs = append(lines[i].refs, c.Ref)
			return lines
		}
	}
	return append(lines, sourceLine{doc: c.Doc, refs: []int{c.Ref}, title: title, url: url})
}

// sourceDescription writes the lines as "[1] [2] Title — <url>", one story a
// line, within an embed description's limit (leaving room for the fields).
func sourceDescription(lines []sourceLine) string {
	var sb strings.Builder
	for i, l := range lines {
		var refs []string
		for _, r := range l.refs {
			refs = append(refs, fmt.Sprintf("[%d]", r))
		}
		line := "**" + strings.Join(refs, " ") + "** " + l.title
		if l.url != "" {
			line += " — " + l.url
		}
		if discordLen(sb.String())+discordLen(line)+1 > maxEmbedDesc/2 {
			fmt.Fprintf(&sb, "…and %d more", len(lines)-i)
			break
		}
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(line)
	}
	return sb.String()
}

// packSources adds the "Sources" embed (description, then fields) after
// the text, opening more embeds and messages as Discord's limits require.
func packSources(msgs []outMessage, desc string, fields []*discordgo.MessageEmbedField) []outMessage {
	cur := len(msgs) - 1
	total := embedsLen(msgs[cur].Embeds)
	// newEmbed opens an embed in the current message, or in a new one when
	// the embed and the next need characters do not fit.
	newEmbed := func(title, desc string, need int) *discordgo.MessageEmbed {
		e := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Color: embedColor, Title: title, Description: desc}
		size := discordLen(title) + discordLen(desc)
		if len(msgs[cur].Embeds) >= maxEmbeds || total+size+need > maxEmbedsTotal {
			msgs = append(msgs, outMessage{})
			cur++
			total = 0
		}
		msgs[cur].Embeds = append(msgs[cur].Embeds, e)
		total += size
		return e
	}
	var e *discordgo.MessageEmbed
	if desc != "" || len(fields) > 0 {
		need := 0
		if len(fields) > 0 {
			need = discordLen(fields[0].Name) + discordLen(fields[0].Value)
		}
		e = newEmbed("Sources", desc, need)
	}
	for _, f := range fields {
		size := discordLen(f.Name) + discordLen(f.Value)
		if len(e.Fields) >= maxFields || total+size > maxEmbedsTotal {
			e = newEmbed("", "", size)
		}
		e.Fields = append(e.Fields, f)
		total += size
	}
	return msgs
}

// quoteAddsToAnswer reports whether showing quote tells the reader
// something the answer's text does not: false when nearly all of the
// quote's words (quoteCoveredShare) already appear in the answer, as when a
// model repeats the article's sentence.
func quoteAddsToAnswer(quote, answer string) bool {
	qw := words(quote)
	if len(qw) == 0 {
		return false
	}
	have := map[string]int{}
	for _, w := range words(answer) {
		have[w]++
	}
	found := 0
	for _, w := range qw {
		if have[w] > 0 {
			have[w]--
			found++
		}
	}
	return float64(found) < quoteCoveredShare*float64(len(qw))
}

// quoteCoveredShare is the share of a quote's words an answer must hold for
// the quote to add nothing: 0.9 lets a model drop an article or change a
// possessive while still counting a repeated sentence as repeated, and keeps
// a quote that carries even a short clause the answer lacks.
const quoteCoveredShare = 0.9

// words returns the lower-cased words (letters and digits) of s.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// formatText lays out plain text as one or more messages of at most
// maxContent characters.
func formatText(text string) []outMessage {
	// One unit spare: a piece that starts with a list marker gets a
	// backslash (guardLineStart).
	parts := splitText(text, maxContent-1)
	if len(parts) == 0 {
		parts = []string{"…"}
	}
	msgs := make([]outMessage, len(parts))
	for i, p := range parts {
		if i > 0 {
			p = guardLineStart(p)
		}
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
	return truncate(escapeMarkdown(text), maxContent-2) + " …"
}
