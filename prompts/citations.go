package prompts

import (
	"regexp"
	"strconv"
	"strings"
)

// marker matches a citation marker: [1], [2, 3], [1][2] (as two markers),
// with optional spaces and the "source"/"snippet" words some models add.
var marker = regexp.MustCompile(`\[\s*(?:(?i:snippet|source)\s*)?(\d{1,3}(?:\s*,\s*\d{1,3})*)\s*\]`)

// ParseCitations reads the [n] markers of a model's reply, given that n
// snippets were shown. It returns the text with every marker that points at
// no snippet removed (and "[1, 9]" reduced to "[1]"), and the valid
// snippet numbers in order of first appearance.
//
// Removing a marker can join its neighbours into a new one ("[0[0]]"
// becomes "[0]"), however deeply they nest, so the text is read once, left
// to right, and each "]" is matched against what has been kept so far: the
// result has no invalid marker left, and a second call changes nothing. It
// runs in time linear in the text, whatever a server sends.
func ParseCitations(text string, n int) (string, []int) {
	var refs []int
	seen := map[int]bool{}
	out := make([]byte, 0, len(text))
	var opens []int // positions in out of the "[" that may still open a marker
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch c {
		case '[':
			opens = append(opens, len(out))
			out = append(out, c)
			continue
		case ']':
			if len(opens) == 0 {
				break
			}
			top := opens[len(opens)-1]
			if !markerBody(out[top+1:]) {
				break
			}
			m := marker.FindSubmatch(append(out[top:len(out):len(out)], ']'))
			if m == nil || len(m[0]) != len(out)-top+1 {
				break
			}
			keep := validRefs(string(m[1]), n, seen, &refs)
			opens = opens[:len(opens)-1]
			out = out[:top]
			if keep != "" {
				// A kept marker is final: its "]" stops any outer "[" from
				// taking it in.
				out = append(out, keep...)
			}
			continue
		}
		out = append(out, c)
	}
	return tidy(string(out)), refs
}

// markerBody reports whether b, the text after a "[", could be the inside
// of a marker. It reads from the end, so a long run of ordinary text is
// rejected at its last character.
func markerBody(b []byte) bool {
	for i := len(b) - 1; i >= 0; i-- {
		switch c := b[i] | 0x20; {
		case b[i] >= '0' && b[i] <= '9', b[i] == ',', b[i] == ' ', b[i] == '\t', b[i] == '\n', b[i] == '\r', b[i] == '\f':
		case strings.IndexByte("snippetsourc", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validRefs returns the canonical marker for the numbers of inner that
// point at a snippet ("" when none does), recording each new one in refs.
func validRefs(inner string, n int, seen map[int]bool, refs *[]int) string {
	var keep []string
	for _, f := range strings.Split(inner, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 || v > n {
			continue
		}
		keep = append(keep, strconv.Itoa(v))
		if !seen[v] {
			seen[v] = true
			*refs = append(*refs, v)
		}
	}
	if len(keep) == 0 {
		return ""
	}
	return "[" + strings.Join(keep, ", ") + "]"
}

// Claims splits text into the pieces that precede each marker: for every
// valid ref, the text of the sentences it was attached to. It lets the
// caller find, in the cited snippet, the sentence that supports the claim.
func Claims(text string, n int) map[int]string {
	claims := map[int]string{}
	last := 0
	for _, loc := range marker.FindAllStringSubmatchIndex(text, -1) {
		claim := text[last:loc[0]]
		if strings.TrimSpace(claim) == "" && last > 0 {
			// "[1][2]": the second marker backs the same claim.
			claim = text[max(0, strings.LastIndexAny(text[:last], ".!?\n")+1):last]
		}
		for _, f := range strings.Split(text[loc[2]:loc[3]], ",") {
			v, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || v < 1 || v > n {
				continue
			}
			claims[v] += " " + marker.ReplaceAllString(claim, " ")
		}
		last = loc[1]
	}
	return claims
}

var spaceBeforePunct = regexp.MustCompile(`[ \t]+([.,;:!?])`)
var multiSpace = regexp.MustCompile(`[ \t]{2,}`)

// tidy removes the spaces a removed marker leaves behind.
func tidy(s string) string {
	s = spaceBeforePunct.ReplaceAllString(s, "$1")
	s = multiSpace.ReplaceAllString(s, " ")
	return strings.TrimSpace(s)
}
