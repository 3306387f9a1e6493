package retrieval

import (
	"html"
	"regexp"
	"strings"
)

// Markdown syntax that PlainText removes, keeping the text it marks.
var (
	mdATXHeading   = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	mdSetext       = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	mdBreak        = regexp.MustCompile(`^ {0,3}((\*[ \t]*){3,}|(-[ \t]*){3,}|(_[ \t]*){3,})$`)
	mdListItem     = regexp.MustCompile(`^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+`)
	mdQuote        = regexp.MustCompile(`^[ \t]*(?:>[ \t]?)+`)
	mdFence        = regexp.MustCompile("^[ \t]*(```|~~~)")
	mdRefDef       = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:[ \t]*\S+.*$`)
	mdImage        = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)|!\[([^\]]*)\]\[[^\]]*\]`)
	mdLink         = regexp.MustCompile(`\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)|\[([^\]]+)\]\[[^\]]*\]`)
	mdAutolink     = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	mdStrong       = regexp.MustCompile(`(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)`)
	mdEmStar       = regexp.MustCompile(`\*(\S(?:[^*]*?\S)?)\*`)
	mdEmUnderscore = regexp.MustCompile(`(^|[^\p{L}\p{N}_])_(\S(?:[^_]*?\S)?)_([^\p{L}\p{N}_]|$)`)
	mdStrike       = regexp.MustCompile(`~~(\S(?:.*?\S)?)~~`)
	mdCode         = regexp.MustCompile("`+([^`]+)`+")
	mdEscape       = regexp.MustCompile("\\\\([\\\\`*_{}\\[\\]()#+\\-.!>~|])")
	htmlBlock      = regexp.MustCompile(`(?is)<(script|style|noscript|template)\b.*?</(script|style|noscript|template)\s*>|<!--.*?-->`)
	htmlTag        = regexp.MustCompile(`(?s)</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>`)
)

// escapeBase shifts a backslash-escaped ASCII character into the Private
// Use Area while inline syntax is removed.
const escapeBase = 0xF0000

// PlainText turns a Markdown body into the plain text newsbot reads:
// headings, list items and block quotes become paragraphs of their own
// (so a heading ends a sentence), emphasis, code spans, link and image
// syntax and HTML tags are dropped with their text kept (images are
// dropped whole: alt text is not article text), scripts and comments are
// removed, and HTML entities are decoded. Paragraphs stay separated by
// blank lines; lines of one paragraph stay as they were wrapped.
func PlainText(md string) string {
	md = htmlBlock.ReplaceAllString(md, "")
	lines := strings.Split(md, "\n")
	out := make([]string, 0, len(lines))
	blank := func() {
		if len(out) > 0 && out[len(out)-1] != "" {
			out = append(out, "")
		}
	}
	inFence := false
	for i, line := range lines {
		line = strings.TrimRight(line, " \t\r")
		if mdFence.MatchString(line) {
			inFence = !inFence
			blank()
			continue
		}
		if inFence {
			out = append(out, line)
			continue
		}
		// A setext underline turns the paragraph line above into a heading.
		if mdSetext.MatchString(line) && len(out) > 0 && out[len(out)-1] != "" && (i == 0 || strings.TrimSpace(lines[i-1]) != "") {
			h := out[len(out)-1]
			out = out[:len(out)-1]
			blank()
			out = append(out, h, "")
			continue
		}
		if mdBreak.MatchString(line) || mdRefDef.MatchString(line) {
			blank()
			continue
		}
		if m := mdATXHeading.FindStringSubmatch(line); m != nil {
			blank()
			if h := inline(m[2]); h != "" {
				out = append(out, h, "")
			}
			continue
		}
		if q := mdQuote.FindString(line); q != "" {
			line = line[len(q):]
		}
		if li := mdListItem.FindString(line); li != "" {
			blank()
			line = line[len(li):]
		}
		t := inline(line)
		if t == "" {
			blank()
			continue
		}
		out = append(out, t)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

// inline removes Markdown's inline syntax from one line.
func inline(s string) string {
	// Escaped characters are set aside so that no rule below reads them.
	s = mdEscape.ReplaceAllStringFunc(s, func(m string) string {
		return string(rune(escapeBase) + rune(m[1]))
	})
	s = mdImage.ReplaceAllString(s, "")
	s = mdLink.ReplaceAllString(s, "$1$2")
	s = mdAutolink.ReplaceAllString(s, "$1")
	s = mdCode.ReplaceAllString(s, "$1")
	for _, re := range []*regexp.Regexp{mdStrong, mdStrike} {
		for prev := ""; prev != s; {
			prev = s
			s = re.ReplaceAllStringFunc(s, func(m string) string {
				sub := re.FindStringSubmatch(m)
				if re == mdStrike {
					return sub[1]
				}
				if sub[1] != sub[3] {
					return m // "**a__": not one emphasis
				}
				return sub[2]
			})
		}
	}
	s = mdEmStar.ReplaceAllString(s, "$1")
	s = mdEmUnderscore.ReplaceAllString(s, "$1$2$3")
	s = htmlTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = strings.Map(func(r rune) rune {
		if r > escapeBase && r < escapeBase+128 {
			return r - escapeBase
		}
		return r
	}, s)
	return strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
}
