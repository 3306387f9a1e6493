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
func ParseCitations(text string, n int) (string, []int) {
	var refs []int
	seen := map[int]bool{}
	out := text
	// Removing a marker can join its neighbours into a new one ("[0[0]]"
	// becomes "[0]"): repeat until nothing changes. Each pass that changes
	// anything makes the text shorter or rewrites markers into a form the
	// next pass keeps, so this ends.
	for pass := 0; pass < 8; pass++ {
		next := stripInvalid(out, n, seen, &refs)
		if next == out {
			break
		}
		out = next
	}
	return tidy(out), refs
}

func stripInvalid(text string, n int, seen map[int]bool, refs *[]int) string {
	return marker.ReplaceAllStringFunc(text, func(m string) string {
		inner := marker.FindStringSubmatch(m)[1]
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
	})
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
