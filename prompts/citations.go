package prompts

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Citation styles models use, all read as snippet numbers and written back
// as "[n]" or "[n, m]":
//
//	[1]  [1, 2]  [1; 2]  [1-3]  [1][2]  [[1]]  [^1]  [doc1]  [Doc 1]
//	[source 1]  [snippet 1]  [1](https://…)  【1】  【1†source】
//	(1) and (1, 2) at the end of a clause, (snippet 1) anywhere
//	snippets named in words: "according to snippet 1", "(see snippet 2)",
//	"(Snippets 1 and 3)"
//
// A footnote-style list of definitions ("[^1]: snippet 1") is removed.

// marker matches a canonical marker, as ParseCitations writes them.
var marker = regexp.MustCompile(`\[(\d{1,3}(?:, \d{1,3})*)\]`)

// markerInside matches what may stand between the brackets of a marker, in
// any of the styles above.
var markerInside = regexp.MustCompile(`^\s*(?:\^\s*|(?i:snippets?|sources?|docs?|documents?|refs?|passages?)\s*#?\s*)?` +
	`(\d{1,3}(?:\s*(?:,|;|-|–|(?i:and))\s*(?:(?i:snippets?|sources?|docs?)\s*)?\d{1,3})*)\s*(?:†[^\]】\n]{0,40})?$`)

// maxMarkerInside bounds the text between brackets that is tried as a
// marker, so that each "]" costs constant time.
const maxMarkerInside = 80

// maxRange bounds a range marker: "[1-3]" is 1, 2, 3; "[1-400]" is read as
// its two ends.
const maxRange = 10

// maxLinkTarget bounds the "(…)" of a "[1](…)" link that is removed.
const maxLinkTarget = 2048

// The full-width brackets some models (and their training data) use.
const (
	fullOpen  = "【"
	fullClose = "】"
)

// ParseCitations reads the citation markers of a model's reply, in any of
// the styles above, given that n snippets were shown. It returns the text
// with each marker written as "[n]" (or "[n, m]"), markers that point at no
// snippet removed ("[1, 9]" becomes "[1]"), and the valid snippet numbers
// in order of first appearance. A second call on its result changes
// nothing. It runs in time linear in the text, whatever a server sends.
func ParseCitations(text string, n int) (string, []int) {
	// Tidying can bring two pieces together that a pass reads differently
	// ("\r[1]:" trimmed to "[1]:", a footnote definition): a few passes
	// reach the fixed point, each linear in the text.
	out, refs := parseCitationsOnce(text, n)
	for range maxCitationPasses {
		again, refs2 := parseCitationsOnce(out, n)
		if again == out {
			break
		}
		out, refs = again, refs2
	}
	return out, refs
}

// maxCitationPasses bounds the passes after the first; the fuzz target
// has found no text needing more than one.
const maxCitationPasses = 3

func parseCitationsOnce(text string, n int) (string, []int) {
	text = namedSnippets(text)
	s, _ := parseBrackets(text, n)
	// tidy joins "[1] :" into "[1]:", which reads as a footnote definition:
	// join first, so that a second call finds nothing new to remove.
	s = spaceBeforePunct.ReplaceAllString(s, "$1")
	s = footnoteDefs.ReplaceAllString(s, "")
	s = parenMarkers(s, n)
	out, refs := parseBrackets(s, n)
	return tidy(out), refs
}

// snippetParen is "(see snippet 1)" or "(Snippets 1 and 3)"; snippetWord
// is "snippet 1", "snippets 1 and 3" in running text ("According to
// snippet 1, …"). Both name snippets in words, without brackets.
var (
	snippetParen = regexp.MustCompile(`(?i)\(\s*(?:see\s+|cf\.?\s+|per\s+)?snippets?\s+(\d{1,3}(?:\s*(?:,|&|and)\s*\d{1,3}){0,8})\s*\)`)
	snippetWord  = regexp.MustCompile(`(?i)\bsnippets?\s+(\d{1,3}(?:\s*(?:,|&|and)\s*\d{1,3}){0,8})\b`)
	numberList   = regexp.MustCompile(`\d{1,3}`)
)

// namedSnippets writes snippets named in words as markers: "(see snippet
// 1)" becomes "[1]", "according to snippets 1 and 3" "according to
// [1, 3]". Text inside brackets is left to parseBrackets.
func namedSnippets(text string) string {
	marker := func(list string) string {
		return "[" + strings.Join(numberList.FindAllString(list, -1), ", ") + "]"
	}
	text = snippetParen.ReplaceAllStringFunc(text, func(m string) string {
		return marker(snippetParen.FindStringSubmatch(m)[1])
	})
	var b strings.Builder
	depth := 0
	last := 0
	for _, loc := range snippetWord.FindAllStringSubmatchIndex(text, -1) {
		// Skip a match inside brackets ("[snippet 1]" is parseBrackets').
		for _, r := range text[last:loc[0]] {
			switch r {
			case '[', '【':
				depth++
			case ']', '】':
				depth = max(0, depth-1)
			}
		}
		b.WriteString(text[last:loc[0]])
		if depth > 0 {
			b.WriteString(text[loc[0]:loc[1]])
		} else {
			b.WriteString(marker(text[loc[2]:loc[3]]))
		}
		last = loc[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// footnoteDefs matches the lines of a footnote list: "[1]: snippet 1".
var footnoteDefs = regexp.MustCompile(`(?m)^[ \t]*\[\d{1,3}(?:, \d{1,3})*\]:[^\n]*(?:\n|$)`)

type opener struct{ pos, width int }

// parseBrackets rewrites the bracketed markers of text. Removing a marker
// can join its neighbours into a new one ("[0[0]]" becomes "[0]"),
// however deeply they nest, so the text is read once, left to right, and
// each closing bracket is matched against what has been kept so far.
func parseBrackets(text string, n int) (string, []int) {
	var refs []int
	seen := map[int]bool{}
	out := make([]byte, 0, len(text))
	var opens []opener // the brackets in out that may still open a marker
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '[':
			opens = append(opens, opener{len(out), 1})
			out = append(out, c)
			continue
		case strings.HasPrefix(text[i:], fullOpen):
			opens = append(opens, opener{len(out), len(fullOpen)})
			out = append(out, fullOpen...)
			i += len(fullOpen) - 1
			continue
		case c == ']' || strings.HasPrefix(text[i:], fullClose):
			width := 1
			if c != ']' {
				width = len(fullClose)
			}
			if len(opens) == 0 {
				break
			}
			top := opens[len(opens)-1]
			if top.width != width { // "[1】" is not a marker
				break
			}
			inside := out[top.pos+top.width:]
			if len(inside) > maxMarkerInside {
				break
			}
			m := markerInside.FindSubmatch(inside)
			if m == nil {
				break
			}
			keep := validRefs(string(m[1]), n, seen, &refs)
			opens = opens[:len(opens)-1]
			out = out[:top.pos]
			i += width - 1
			if keep == "" {
				continue
			}
			// "[[1]]": the outer brackets go too.
			if k := len(opens) - 1; k >= 0 && opens[k].width == 1 && opens[k].pos == top.pos-1 && i+1 < len(text) && text[i+1] == ']' {
				opens = opens[:k]
				out = out[:top.pos-1]
				i++
			}
			// A kept marker is final: its "]" stops any outer "[" from
			// taking it in.
			out = append(out, keep...)
			i = skipLinkTarget(text, i)
			continue
		}
		out = append(out, c)
	}
	return string(out), refs
}

// skipLinkTarget returns the index of the ")" closing a link target that
// follows the marker ending at text[i] ("[1](https://…)"), or i.
func skipLinkTarget(text string, i int) int {
	if i+1 >= len(text) || text[i+1] != '(' {
		return i
	}
	depth := 0 // parentheses inside the target: "…/a_(b))"
	for j := i + 2; j < len(text) && j < i+2+maxLinkTarget; j++ {
		switch text[j] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
				continue
			}
			if j == i+2 {
				return i // "[1]()" is odd, but not a link to drop
			}
			return j
		case ' ', '\t', '\n', '\r', '[', ']':
			return i
		}
	}
	return i
}

// parenMarker matches "(1)", "(1, 2)" and "(snippet 1)" after white space
// (any kind: tidy trims them all at the ends of the text).
var parenMarker = regexp.MustCompile(`(?:^|[\s\v\p{Z}])\(\s*((?i:snippets?|sources?|docs?)\s*)?(\d{1,3}(?:\s*,\s*\d{1,3})*)\s*\)`)

// parenMarkers rewrites parenthesized numbers as markers where they cannot
// be ordinary text: with a "snippet"/"source"/"doc" word anywhere, and
// bare at the end of a clause or line ("… on Tuesday (1)."), never in a
// running enumeration ("(1) first, (2) second"). Every number must point
// at a snippet.
func parenMarkers(s string, n int) string {
	locs := parenMarker.FindAllStringSubmatchIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		open := strings.IndexByte(s[l[0]:l[1]], '(') + l[0]
		word := l[2] >= 0
		// Any white space but a line break may stand before the clause's
		// end: tidy trims it, and the second call must see what the first
		// did ("(1)\v" is at the end of its text).
		rest := strings.TrimLeftFunc(s[l[1]:], func(r rune) bool { return unicode.IsSpace(r) && r != '\n' && r != '\r' })
		atEnd := rest == "" || strings.IndexByte(".!?;:,\n\r", rest[0]) >= 0
		if !(word || atEnd) || !allInRange(s[l[4]:l[5]], n) {
			continue
		}
		if strings.HasPrefix(rest, ":") && strings.TrimSpace(s[strings.LastIndexByte(s[:open], '\n')+1:open]) == "" {
			// "(1): …" opening a line labels an item; as "[1]: …" it
			// would read as a footnote definition and be removed.
			continue
		}
		b.WriteString(s[last:open])
		b.WriteString("[" + canonicalList(s[l[4]:l[5]]) + "]")
		last = l[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

func allInRange(list string, n int) bool {
	for _, f := range strings.Split(list, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 || v > n {
			return false
		}
	}
	return true
}

func canonicalList(list string) string {
	fs := strings.Split(list, ",")
	for i, f := range fs {
		fs[i] = strings.TrimSpace(f)
	}
	return strings.Join(fs, ", ")
}

// numberOrSep splits the inside of a marker into numbers and separators.
var numberOrSep = regexp.MustCompile(`\d{1,3}|[-–]`)

// validRefs returns the canonical marker for the numbers of inner that
// point at a snippet ("" when none does), recording each new one in refs.
// "a-b" is the range from a to b.
func validRefs(inner string, n int, seen map[int]bool, refs *[]int) string {
	var nums []int
	rangeNext := false
	for _, tok := range numberOrSep.FindAllString(inner, -1) {
		if tok == "-" || tok == "–" {
			rangeNext = len(nums) > 0
			continue
		}
		v, _ := strconv.Atoi(tok)
		if rangeNext {
			if from := nums[len(nums)-1]; v > from && v-from <= maxRange {
				for x := from + 1; x < v; x++ {
					nums = append(nums, x)
				}
			}
			rangeNext = false
		}
		nums = append(nums, v)
	}
	var keep []string
	kept := map[int]bool{}
	for _, v := range nums {
		if v < 1 || v > n || kept[v] {
			continue
		}
		kept[v] = true
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

// MarkerRefs returns the snippet numbers of the canonical markers in text
// (as ParseCitations writes them), in order, each once.
func MarkerRefs(text string) []int {
	var refs []int
	seen := map[int]bool{}
	for _, m := range marker.FindAllStringSubmatch(text, -1) {
		for _, f := range strings.Split(m[1], ", ") {
			v, _ := strconv.Atoi(f)
			if !seen[v] {
				seen[v] = true
				refs = append(refs, v)
			}
		}
	}
	return refs
}

// StripMarkers removes the canonical markers of text.
func StripMarkers(text string) string {
	return tidy(marker.ReplaceAllString(text, ""))
}

// Claims splits text into the pieces that precede each marker: for every
// valid ref, the text of the sentences it was attached to. It lets the
// caller find, in the cited snippet, the sentence that supports the claim.
// text may use any style ParseCitations reads.
func Claims(text string, n int) map[int]string {
	text, _ = ParseCitations(text, n)
	claims := map[int]string{}
	last := 0
	for _, loc := range marker.FindAllStringSubmatchIndex(text, -1) {
		claim := text[last:loc[0]]
		if strings.TrimSpace(claim) == "" && last > 0 {
			// "[1][2]": the second marker backs the same claim.
			claim = text[max(0, strings.LastIndexAny(text[:last], ".!?\n")+1):last]
		}
		for _, f := range strings.Split(text[loc[2]:loc[3]], ", ") {
			v, err := strconv.Atoi(f)
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
