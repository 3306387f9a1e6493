package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	readability "github.com/go-shiori/go-readability"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// Article is the main text and metadata of a page.
type Article struct {
	Title     string
	Byline    string
	Published string // YYYY-MM-DD when known
	Lang      string // BCP 47 tag as the page states it ("pt-BR")
	URL       string // canonical URL, else the address fetched
	Site      string // publisher name
	// Text is the main text, paragraphs separated by blank lines, without
	// navigation, ads, scripts or promotions the extractor recognised.
	Text string
}

// ErrNoArticle is returned when a page holds no main text.
var ErrNoArticle = errors.New("no article text found in the page")

// DecodeHTML parses an HTML page, converting it to UTF-8 from the charset
// named by contentType (the HTTP header, may be empty), else by the page's
// <meta> tags, else sniffed.
func DecodeHTML(body []byte, contentType string) (*html.Node, error) {
	r, err := charset.NewReader(bytes.NewReader(body), contentType)
	if err != nil {
		return nil, fmt.Errorf("decode page: %w", err)
	}
	doc, err := html.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("parse page: %w", err)
	}
	return doc, nil
}

// ExtractHTML returns the article of an HTML page: main text through
// go-readability (see BENCHMARKS.md for why), metadata from readability
// with gaps filled from JSON-LD, OpenGraph, <html lang> and <link
// rel=canonical>. pageURL is where the page came from ("" for an upload).
func ExtractHTML(body []byte, contentType, pageURL string) (a Article, err error) {
	defer func() {
		// A page is hostile input: a panic in the extractor is a page
		// that cannot be read, not a crash.
		if r := recover(); r != nil {
			a, err = Article{}, fmt.Errorf("extract: the page could not be read (%v)", r)
		}
	}()
	doc, err := DecodeHTML(body, contentType)
	if err != nil {
		return Article{}, err
	}
	return extractReadability(doc, pageURL)
}

func extractReadability(doc *html.Node, pageURL string) (Article, error) {
	meta := pageMetadata(doc)
	u, _ := url.Parse(pageURL)
	if pageURL == "" {
		u = nil
	}
	r, err := readability.FromDocument(doc, u)
	if err != nil {
		return Article{}, err
	}
	a := Article{Title: r.Title, Byline: r.Byline, Lang: r.Language, Site: r.SiteName, Text: blockText(r.Node)}
	if r.PublishedTime != nil {
		a.Published = r.PublishedTime.Format("2006-01-02")
	}
	a = fillGaps(a, meta, pageURL)
	if strings.TrimSpace(a.Text) == "" {
		return a, ErrNoArticle
	}
	return a, nil
}

// fillGaps completes a with what the page states in JSON-LD, OpenGraph and
// its head, preferring those (the publisher's own statements) for the
// canonical URL, date and language.
func fillGaps(a Article, m Article, pageURL string) Article {
	pick := func(cur *string, v string) {
		if strings.TrimSpace(*cur) == "" {
			*cur = v
		}
	}
	pick(&a.Title, m.Title)
	pick(&a.Byline, m.Byline)
	pick(&a.Site, m.Site)
	if m.Published != "" {
		a.Published = m.Published
	}
	if m.Lang != "" {
		a.Lang = m.Lang
	}
	if m.URL != "" {
		a.URL = m.URL
	}
	pick(&a.URL, pageURL)
	a.Title = stripSiteSuffix(strings.TrimSpace(a.Title), a.Site)
	a.Byline = strings.TrimSpace(a.Byline)
	return a
}

// stripSiteSuffix removes the publisher's name that <title> often appends
// ("Harbour reopens | Tidewater Gazette"), only when it is the site's name
// exactly: other suffixes (an author) are part of the stated title.
func stripSiteSuffix(title, site string) string {
	site = strings.TrimSpace(site)
	if site == "" {
		return title
	}
	for _, sep := range []string{" | ", " - ", " \u2013 ", " \u2014 ", " :: ", " \u00b7 "} {
		if head, tail, ok := cutLast(title, sep); ok && strings.EqualFold(strings.TrimSpace(tail), site) && strings.TrimSpace(head) != "" {
			return strings.TrimSpace(head)
		}
	}
	return title
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

// pageMetadata reads what the page states about itself: JSON-LD
// (schema.org Article types), OpenGraph and article: properties, <html
// lang>, <link rel=canonical>, <title>. Earlier sources win.
func pageMetadata(doc *html.Node) Article {
	var ld, og, head Article
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html:
				head.Lang = attr(n, "lang")
			case atom.Script:
				if strings.EqualFold(strings.TrimSpace(attr(n, "type")), "application/ld+json") && n.FirstChild != nil {
					readJSONLD(n.FirstChild.Data, &ld)
				}
			case atom.Meta:
				prop := strings.ToLower(attr(n, "property"))
				if prop == "" {
					prop = strings.ToLower(attr(n, "name"))
				}
				c := strings.TrimSpace(attr(n, "content"))
				switch prop {
				case "og:title":
					setOnce(&og.Title, c)
				case "og:url":
					setOnce(&og.URL, c)
				case "og:site_name":
					setOnce(&og.Site, c)
				case "article:published_time", "og:article:published_time", "datepublished", "date", "dc.date.issued", "dcterms.date":
					setOnce(&og.Published, day(c))
				case "author", "article:author", "dc.creator":
					if !strings.HasPrefix(c, "http") {
						setOnce(&og.Byline, c)
					}
				case "og:locale":
					setOnce(&og.Lang, strings.ReplaceAll(c, "_", "-"))
				}
				if strings.EqualFold(attr(n, "http-equiv"), "content-language") {
					setOnce(&head.Lang, c)
				}
			case atom.Link:
				if strings.EqualFold(attr(n, "rel"), "canonical") {
					setOnce(&head.URL, attr(n, "href"))
				}
			case atom.Title:
				if n.FirstChild != nil {
					setOnce(&head.Title, strings.TrimSpace(n.FirstChild.Data))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	out := ld
	for _, o := range []Article{og, head} {
		setOnce(&out.Title, o.Title)
		setOnce(&out.Byline, o.Byline)
		setOnce(&out.Published, o.Published)
		setOnce(&out.Site, o.Site)
	}
	// The page's own <html lang> is more specific than og:locale defaults.
	out.Lang = firstNonEmpty(head.Lang, ld.Lang, og.Lang)
	// <link rel=canonical> is the URL search engines are told to use.
	out.URL = firstNonEmpty(head.URL, ld.URL, og.URL)
	return out
}

func setOnce(dst *string, v string) {
	if *dst == "" {
		*dst = strings.TrimSpace(v)
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// articleTypes are the schema.org types whose JSON-LD describes the page's
// article.
var articleTypes = regexp.MustCompile(`(?i)^(News|Reportage|Analysis|Opinion|Review|Background|Scholarly|Tech|Satirical|Advertiser)?Article$|^(BlogPosting|LiveBlogPosting|Report|WebPage)$`)

// readJSONLD fills a from the first article object of one JSON-LD script.
func readJSONLD(src string, a *Article) {
	var v any
	if json.Unmarshal([]byte(strings.TrimSpace(src)), &v) != nil {
		return
	}
	var objs []map[string]any
	var collect func(v any)
	collect = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				collect(e)
			}
		case map[string]any:
			if g, ok := x["@graph"]; ok {
				collect(g)
			}
			objs = append(objs, x)
		}
	}
	collect(v)
	// Articles first, web pages last.
	for pass := 0; pass < 2; pass++ {
		for _, o := range objs {
			t := typeNames(o["@type"])
			isArticle := false
			for _, n := range t {
				if articleTypes.MatchString(n) && (pass == 1) == (n == "WebPage") {
					isArticle = true
				}
			}
			if !isArticle {
				continue
			}
			setOnce(&a.Title, str(o["headline"]))
			if pass == 1 {
				setOnce(&a.Title, str(o["name"]))
			}
			setOnce(&a.Byline, names(o["author"]))
			setOnce(&a.Published, day(str(o["datePublished"])))
			setOnce(&a.Lang, str(o["inLanguage"]))
			if pass == 0 {
				setOnce(&a.URL, str(o["url"]))
				if m, ok := o["mainEntityOfPage"].(map[string]any); ok {
					setOnce(&a.URL, str(m["@id"]))
				} else {
					setOnce(&a.URL, str(o["mainEntityOfPage"]))
				}
			}
			setOnce(&a.Site, names(o["publisher"]))
		}
	}
}

func typeNames(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func str(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(html.UnescapeString(s))
}

// names renders a schema.org Person/Organization, or a list of them, as
// "A, B and C".
func names(v any) string {
	var out []string
	var add func(v any)
	add = func(v any) {
		switch x := v.(type) {
		case string:
			if x != "" && !strings.HasPrefix(x, "http") {
				out = append(out, strings.TrimSpace(x))
			}
		case map[string]any:
			add(x["name"])
		case []any:
			for _, e := range x {
				add(e)
			}
		}
	}
	add(v)
	switch len(out) {
	case 0:
		return ""
	case 1:
		return out[0]
	}
	return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
}

// day returns the calendar date of a timestamp in the publisher's own
// offset, or "" when s is not one.
func day(s string) string {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	if len(s) >= 10 {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return t.Format("2006-01-02")
		}
	}
	return ""
}

// blockElements end a paragraph of extracted text.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Li: true, atom.Blockquote: true, atom.Pre: true, atom.Section: true, atom.Article: true, atom.Figcaption: true,
	atom.Tr: true, atom.Table: true, atom.Ul: true, atom.Ol: true, atom.Dd: true, atom.Dt: true, atom.Header: true,
	atom.Footer: true, atom.Figure: true, atom.Main: true, atom.Aside: true,
}

// blockText renders a node as plain text, one paragraph per block element,
// paragraphs separated by a blank line, white space inside a paragraph
// collapsed.
func blockText(n *html.Node) string {
	if n == nil {
		return ""
	}
	var paras []string
	var cur strings.Builder
	flush := func() {
		if p := strings.Join(strings.Fields(cur.String()), " "); p != "" {
			paras = append(paras, p)
		}
		cur.Reset()
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe, atom.Svg:
				return
			case atom.Br:
				flush()
				return
			}
		}
		block := n.Type == html.ElementNode && (blockElements[n.DataAtom] || n.Data == "head" || n.Data == "lb")
		if block {
			flush()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			flush()
		}
	}
	walk(n)
	flush()
	return strings.Join(paras, "\n\n")
}
