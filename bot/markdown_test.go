package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// renderPlain reads s the way Discord's Markdown reads escapes: a backslash
// before an ASCII punctuation character shows that character; any other
// backslash shows itself.
func renderPlain(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]) {
			sb.WriteByte(s[i+1])
			i++
			continue
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

func isASCIIPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}

// mdToken is one character of escaped text: escaped when a backslash made
// it literal.
type mdToken struct {
	c       byte
	escaped bool
}

func mdTokens(s string) []mdToken {
	var out []mdToken
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]) {
			out = append(out, mdToken{s[i+1], true})
			i++
			continue
		}
		out = append(out, mdToken{s[i], false})
	}
	return out
}

// activeMarkdown returns the first piece of Markdown syntax Discord would
// act on in s (emphasis, code, spoiler, quote, heading, mention or emoji
// bracket, a masked link, a list marker at a line start, a bare URL), or ""
// when s renders as plain text. Citation markers such as [2] are plain text:
// "[" digits "]" not followed by "(".
func activeMarkdown(s string) string {
	t := mdTokens(s)
	lineStart := true
	for i := 0; i < len(t); i++ {
		c, esc := t[i].c, t[i].escaped
		if lineStart {
			if !esc && (c == ' ' || c == '\t') {
				continue
			}
			lineStart = false
			if !esc && (c == '-' || c == '+') && i+1 < len(t) && (t[i+1].c == ' ' || t[i+1].c == '\t') {
				return "list marker " + string(c)
			}
			j := i
			for j < len(t) && !t[j].escaped && '0' <= t[j].c && t[j].c <= '9' {
				j++
			}
			if j > i && j+1 < len(t) && t[j].c == '.' && !t[j].escaped && (t[j+1].c == ' ' || t[j+1].c == '\t') {
				return "numbered list"
			}
		}
		if esc {
			continue
		}
		switch c {
		case '\n', '\r':
			lineStart = true
		case '*', '_', '~', '`', '|', '>', '#', '(', ')', '<':
			return "syntax " + string(c)
		case '[':
			j := i + 1
			digits := 0
			for j < len(t) && !t[j].escaped && (('0' <= t[j].c && t[j].c <= '9') || t[j].c == ',' || t[j].c == ' ' || t[j].c == '-') {
				if t[j].c >= '0' && t[j].c <= '9' {
					digits++
				}
				j++
			}
			if digits == 0 || j >= len(t) || t[j].c != ']' || t[j].escaped {
				return "bracket"
			}
			if j+1 < len(t) && t[j+1].c == '(' && !t[j+1].escaped {
				return "masked link"
			}
			i = j
		case ']':
			return "bracket"
		case ':':
			if i+2 < len(t) && t[i+1].c == '/' && t[i+2].c == '/' && i > 0 && isSchemeByte(t[i-1].c) {
				return "bare URL"
			}
		}
	}
	return ""
}

// hasMaskedLink reports whether Discord would render a masked link in s:
// an unescaped "[text](" with a closing unescaped ")".
func hasMaskedLink(s string) bool {
	t := mdTokens(s)
	for i := range t {
		if t[i].c != '[' || t[i].escaped {
			continue
		}
		for j := i + 1; j+1 < len(t); j++ {
			if t[j].c == ']' && !t[j].escaped && t[j+1].c == '(' && !t[j+1].escaped {
				for k := j + 2; k < len(t); k++ {
					if t[k].c == ')' && !t[k].escaped {
						return true
					}
				}
			}
		}
	}
	return false
}

func TestEscapeMarkdownShowsArticleTextAsText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, want string
	}{
		{"plain", "The talks will be held in Riyadh.", "The talks will be held in Riyadh."},
		{"bold", "It was **illegal** and _wrong_.", `It was \*\*illegal\*\* and \_wrong\_.`},
		{"strike and code", "~~gone~~ `code`", "\\~\\~gone\\~\\~ \\`code\\`"},
		{"spoiler", "||secret||", `\|\|secret\|\|`},
		{"quote", "> quoted line", `\> quoted line`},
		{"heading", "# Breaking news", `\# Breaking news`},
		{"subtext", "-# small", `-\# small`},
		{"dash list", "- first\n- second", "\\- first\n\\- second"},
		{"plus list", "  + item", `  \+ item`},
		{"numbered list", "1. first\n12. twelfth", "1\\. first\n12\\. twelfth"},
		{"numbered mid-line stays", "In 2025. The talks", "In 2025. The talks"},
		{"dash mid-line stays", "Peskov - the spokesman", "Peskov - the spokesman"},
		{"masked link", "[click here](https://evil.example/x)", `\[click here\]\(https\://evil.example/x\)`},
		{"citation marker kept", "Held in Riyadh [1], said Peskov [2, 3].", "Held in Riyadh [1], said Peskov [2, 3]."},
		{"marker as link text", "[1](https://evil.example)", `[1]\(https\://evil.example\)`},
		{"bare url", "see https://example.com/a_b", `see https\://example.com/a\_b`},
		{"mention syntax", "<@123> and <#456> and <https://x.example>", `\<@123\> and \<\#456\> and \<https\://x.example\>`},
		{"backslash", `C:\path\*`, `C:\\path\\\*`},
		{"parentheses", "(AP)", `\(AP\)`},
		{"unicode", "“Quoted” — Zelenskyy’s *plan*", "“Quoted” — Zelenskyy’s \\*plan\\*"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := escapeMarkdown(c.in)
			if got != c.want {
				t.Errorf("escapeMarkdown(%q) = %q, want %q", c.in, got, c.want)
			}
			if back := renderPlain(got); back != c.in {
				t.Errorf("rendered %q, want the original %q", back, c.in)
			}
			if a := activeMarkdown(got); a != "" {
				t.Errorf("escaped %q still has active Markdown: %s", got, a)
			}
			if hasMaskedLink(got) {
				t.Errorf("escaped %q renders a masked link", got)
			}
		})
	}
}

// The checkers themselves must see what Discord would render, or the tests
// above prove nothing.
func TestMarkdownCheckersSeeSyntax(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"**b**", "_i_", "> q", "# h", "- l", "3. l", "[a](b)", "<@1>", "https://x", "`c`", "||s||", "[a]"} {
		if activeMarkdown(s) == "" {
			t.Errorf("activeMarkdown(%q) found nothing", s)
		}
	}
	if !hasMaskedLink("see [the story](https://evil.example) now") {
		t.Error("hasMaskedLink missed a masked link")
	}
	for _, s := range []string{"plain text.", "cited [1] and [2, 3].", `\[a\]\(b\)`} {
		if a := activeMarkdown(s); a != "" {
			t.Errorf("activeMarkdown(%q) = %q, want none", s, a)
		}
	}
}

func TestGuardLineStartEscapesAListMarkerAtACut(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"2025. The talks": `2025\. The talks`,
		"- a":             `\- a`,
		"+ b":             `\+ b`,
		"plain":           "plain",
		"2025.":           "2025.",
	}
	for in, want := range cases {
		if got := guardLineStart(in); got != want {
			t.Errorf("guardLineStart(%q) = %q, want %q", in, got, want)
		}
		if back := renderPlain(guardLineStart(in)); back != in {
			t.Errorf("guardLineStart(%q) renders %q", in, back)
		}
	}
}

func TestStoryLinkAcceptsOnlyHTTPAddresses(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"https://apnews.com/article/x": "<https://apnews.com/article/x>",
		" http://example.org/a?b=c ":   "<http://example.org/a?b=c>",
		"javascript:alert(1)":          "",
		"ftp://example.org/x":          "",
		"https://a.example/x y":        "",
		"https://a.example/x>evil":     "",
		"/relative/path":               "",
		"":                             "",
	}
	for in, want := range cases {
		if got := storyLink(in); got != want {
			t.Errorf("storyLink(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzEscapeMarkdown(f *testing.F) {
	for _, s := range []string{
		"**bold** _it_ ~~s~~ `c` ||sp|| > q", "# h\n- a\n+ b\n1. c", "[t](https://x.example) [1](y) [2]",
		`back\slash \* \\`, "<@1> <#2> <:e:3> <https://x>", "in 2025. Then - more", "[1, 2](u) [3-4]",
		"\n\n  - nested\n\t12. x", "ftp://a http://b", "]( [ ) ]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // answers reach the formatter as valid UTF-8 (splitText replaces the rest)
		}
		e := escapeMarkdown(s)
		if back := renderPlain(e); back != s {
			t.Fatalf("escape then render changed the text:\n in  %q\n esc %q\n out %q", s, e, back)
		}
		if a := activeMarkdown(e); a != "" {
			t.Fatalf("escaped text %q still has active Markdown (%s)", e, a)
		}
		if hasMaskedLink(e) {
			t.Fatalf("escaped text %q renders a masked link", e)
		}
		// Cut anywhere the splitter may cut, each piece stays plain text.
		for _, part := range splitText(e, 40) {
			part = guardLineStart(part)
			if a := activeMarkdown(part); a != "" {
				t.Fatalf("piece %q of %q has active Markdown (%s)", part, e, a)
			}
		}
	})
}
