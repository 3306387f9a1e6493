package answer

import (
	"strings"
	"testing"
)

var reasoningCases = []struct{ name, in, want string }{
	{"closed think", "<think>The user wants the place. Maybe Geneva?</think>\n\nThe talks are in Riyadh [1].", "The talks are in Riyadh [1]."},
	{"thinking, upper case", "<THINKING>guess: Friday</THINKING>On Tuesday [2].", "On Tuesday [2]."},
	{"reasoning", "<reasoning>x</reasoning> A [1].", "A [1]."},
	{"special tokens", "<|begin_of_thought|>hmm<|end_of_thought|>A [1].", "A [1]."},
	{"kimi", "◁think▷hmm◁/think▷A [1].", "A [1]."},
	{"bracket think", "[THINK]hmm[/THINK]A [1].", "A [1]."},
	{"two blocks", "<think>a</think>B [1]. <think>c</think>D [2].", "B [1]. D [2]."},
	{"unclosed block", "A [1]. <think>and now Geneva, Friday", "A [1]."},
	{"only a block", "<think>The talks are in Geneva [1].</think>", ""},
	{"closing tag without opening", "The user asks where. Geneva?\n</think>\n\nIn Riyadh [1].", "In Riyadh [1]."},
	{"a lone angle bracket is text", "Turnout was < 40% [1].", "Turnout was < 40% [1]."},
	{"an unfinished tag at the end is text", "A [1]. <thi", "A [1]. <thi"},
	{"no block", "A [1].", "A [1]."},
}

func TestStripReasoning(t *testing.T) {
	for _, c := range reasoningCases {
		if got := StripReasoning(c.in); got != c.want {
			t.Errorf("%s: StripReasoning(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

// Streamed in pieces of every size, tags split anywhere, the filter shows
// what StripReasoning keeps and never a byte of a block.
func TestReasoningFilterStreamsWithTagsSplitAcrossPieces(t *testing.T) {
	for _, c := range reasoningCases {
		if c.name == "closing tag without opening" {
			continue // cannot be known until the tag arrives; the final text drops it
		}
		for size := 1; size <= 12; size++ {
			var f reasoningFilter
			var shown strings.Builder
			for i := 0; i < len(c.in); i += size {
				shown.WriteString(f.Write(c.in[i:min(len(c.in), i+size)]))
			}
			shown.WriteString(f.Flush())
			if got := strings.TrimSpace(shown.String()); got != c.want {
				t.Errorf("%s, pieces of %d: shown %q, want %q", c.name, size, got, c.want)
			}
		}
	}
}
