package bot

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// Discord reads message content, embed descriptions, field values and
// titles as Markdown. Article text, quotes and model replies are not
// Markdown: a story's "**", "_", "> ", "# ", "- ", "1. " or
// "[text](https://…)" must show as the characters they are, never as
// formatting or as a masked link. escapeMarkdown does that with Discord's
// own escape: a backslash before an ASCII punctuation character shows that
// character as text (and a backslash before anything else shows itself).

// mdAlways are the characters escaped wherever they appear: emphasis (*, _),
// strikethrough (~), code (`), spoilers (|), block quotes (>), headings (#),
// links ([, ], (, )), mentions, custom emoji and link-embed suppression (<),
// and the backslash itself, so that a backslash in the text stays one.
const mdAlways = "\\*_~`|>#[]()<"

// escapeMarkdown returns s escaped so that Discord shows it as plain text:
// every character of mdAlways gets a backslash (except the brackets of a
// citation marker such as [2] or [1, 3], which cannot form a link once the
// parentheses are escaped and which the splitter keeps whole); so do list
// markers at the start of a line ("- ", "+ ", "12. ") and the colon of a
// bare URL ("https://" becomes "https\://": no autolink, no unfurl).
// Rendered, the result reads exactly as s.
func escapeMarkdown(s string) string {
	if s == "" {
		return s
	}
	markers := markerSpans(s)
	inMarker := func(i int) bool {
		for _, m := range markers {
			if m[0] <= i && i < m[1] {
				return true
			}
		}
		return false
	}
	var sb strings.Builder
	sb.Grow(len(s) + len(s)/8)
	lineStart := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if lineStart {
			// Leading blanks keep the line start; a list marker follows them.
			if r == ' ' || r == '\t' {
				sb.WriteRune(r)
				i += size
				continue
			}
			lineStart = false
			if n := listMarkerLen(s[i:]); n > 0 {
				// "- ", "+ ": escape the sign; "12. ": escape the dot.
				if s[i] == '-' || s[i] == '+' {
					sb.WriteByte('\\')
					sb.WriteString(s[i : n+i])
				} else {
					sb.WriteString(s[i : i+n-1])
					sb.WriteString("\\.")
				}
				i += n
				continue
			}
		}
		switch {
		case r == '\n' || r == '\r':
			lineStart = true
		case strings.ContainsRune(mdAlways, r) && !((r == '[' || r == ']') && inMarker(i)):
			sb.WriteByte('\\')
		case r == ':' && strings.HasPrefix(s[i:], "://") && i > 0 && isSchemeByte(s[i-1]):
			sb.WriteByte('\\')
		}
		sb.WriteString(s[i : i+size])
		i += size
	}
	return sb.String()
}

// listMarkerLen returns the length of the list marker that starts s ("- ",
// "+ " or digits then ". "), without the space, or 0 if there is none. Any
// number of digits counts: CommonMark stops at nine, but a renderer that
// does not would make a list of "12345678901. "; an escaped dot costs
// nothing.
func listMarkerLen(s string) int {
	if len(s) >= 2 && (s[0] == '-' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t') {
		return 1
	}
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	if n > 0 && n+1 < len(s) && s[n] == '.' && (s[n+1] == ' ' || s[n+1] == '\t') {
		return n + 1
	}
	return 0
}

func isSchemeByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'
}

// guardLineStart returns part with a backslash before a list marker it
// starts with. A text cut into messages starts each piece on a new line, so
// "… in 2025. The" cut before "2025." would begin a numbered list; the
// backslash is read as nothing but the escape.
func guardLineStart(part string) string {
	if n := listMarkerLen(part); n > 0 {
		if part[0] == '-' || part[0] == '+' {
			return `\` + part
		}
		return part[:n-1] + `\` + part[n-1:]
	}
	return part
}

// storyLink returns the story's own address as Discord Markdown that links
// without unfurling a preview ("<https://…>"), or "" when u is not an
// absolute http(s) URL that fits the form (no spaces, no angle brackets).
func storyLink(u string) string {
	u = strings.TrimSpace(u)
	if u == "" || strings.ContainsAny(u, " \t\r\n<>") {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return "<" + u + ">"
}
