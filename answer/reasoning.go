package answer

import "strings"

// reasoningTags are the ways models write out their reasoning before the
// answer: DeepSeek-R1 and Qwen3 (<think>), others (<thinking>,
// <reasoning>, <reflection>, <thought>), OpenThinker-style special tokens,
// Kimi's ◁think▷ and Magistral's [THINK]. Matched without regard to ASCII
// case. Each row is an opening tag and the tag that closes it.
var reasoningTags = [][2]string{
	{"<think>", "</think>"},
	{"<thinking>", "</thinking>"},
	{"<reasoning>", "</reasoning>"},
	{"<reflection>", "</reflection>"},
	{"<thought>", "</thought>"},
	{"<|begin_of_thought|>", "<|end_of_thought|>"},
	{"<|begin_of_reasoning|>", "<|end_of_reasoning|>"},
	{"◁think▷", "◁/think▷"},
	{"[think]", "[/think]"},
}

// StripReasoning removes the reasoning blocks of a model's reply (see
// reasoningTags): closed blocks, a block left open (everything from its
// opening tag on), and the text before a closing tag that has no opening
// one (chat templates that put "<think>" in the prompt). What remains is
// trimmed.
func StripReasoning(text string) string {
	// A closing tag with no opening tag before it: the reasoning started
	// in the prompt.
	low := asciiLower(text)
	cut := -1
	for _, t := range reasoningTags {
		c := strings.LastIndex(low, t[1])
		if c >= 0 && !strings.Contains(low[:c], t[0]) && c+len(t[1]) > cut {
			cut = c + len(t[1])
		}
	}
	if cut >= 0 {
		text = text[cut:]
	}
	var f reasoningFilter
	return strings.TrimSpace(f.Write(text) + f.Flush())
}

// reasoningFilter removes reasoning blocks from a streamed reply: Write
// takes each piece as it arrives and returns the text that can be shown
// now; from an opening tag on, nothing is returned until its closing tag,
// and a tag split across pieces ("<thi", "nk>") is recognised. The zero
// value is ready.
type reasoningFilter struct {
	pending string // held back: may be the start of a tag
	inside  int    // 1 + the row of reasoningTags whose block is open; 0 outside
	trim    bool   // drop white space after a block
}

// Write returns the part of the text so far, after what earlier calls
// returned, that is outside every reasoning block and cannot be the start
// of a tag.
func (f *reasoningFilter) Write(piece string) string {
	f.pending += piece
	var out strings.Builder
	for {
		low := asciiLower(f.pending)
		if f.inside > 0 {
			closeTag := reasoningTags[f.inside-1][1]
			i := strings.Index(low, closeTag)
			if i < 0 {
				f.pending = f.pending[len(f.pending)-partialSuffix(low, closeTag):]
				return out.String()
			}
			f.pending = f.pending[i+len(closeTag):]
			f.inside, f.trim = 0, true
			continue
		}
		at, row := -1, 0
		for k, t := range reasoningTags {
			if i := strings.Index(low, t[0]); i >= 0 && (at < 0 || i < at) {
				at, row = i, k
			}
		}
		if at >= 0 {
			f.emit(&out, f.pending[:at])
			f.pending = f.pending[at+len(reasoningTags[row][0]):]
			f.inside = row + 1
			continue
		}
		hold := 0
		for _, t := range reasoningTags {
			hold = max(hold, partialSuffix(low, t[0]))
		}
		f.emit(&out, f.pending[:len(f.pending)-hold])
		f.pending = f.pending[len(f.pending)-hold:]
		return out.String()
	}
}

// Flush returns what Write held back at the end of the reply: the start of
// a tag that never completed is text; an open block is dropped.
func (f *reasoningFilter) Flush() string {
	if f.inside > 0 {
		f.pending = ""
		return ""
	}
	var out strings.Builder
	f.emit(&out, f.pending)
	f.pending = ""
	return out.String()
}

func (f *reasoningFilter) emit(out *strings.Builder, s string) {
	if f.trim {
		s = strings.TrimLeft(s, " \t\r\n")
		if s == "" {
			return
		}
		f.trim = false
	}
	out.WriteString(s)
}

// partialSuffix returns the length of the longest suffix of s that is a
// proper prefix of tag.
func partialSuffix(s, tag string) int {
	for n := min(len(s), len(tag)-1); n > 0; n-- {
		if strings.HasSuffix(s, tag[:n]) {
			return n
		}
	}
	return 0
}

// asciiLower lower-cases ASCII letters only, so byte offsets are kept.
func asciiLower(s string) string {
	b := []byte(s)
	changed := false
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
			changed = true
		}
	}
	if !changed {
		return s
	}
	return string(b)
}
