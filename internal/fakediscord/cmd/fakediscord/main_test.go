package main

import (
	"strings"
	"testing"
)

func TestParseLineFindsEachCommand(t *testing.T) {
	t.Parallel()
	name := func(i int) string {
		if i < 0 {
			return map[int]string{-1: "help", -2: "nothing"}[i]
		}
		return strings.TrimSpace(commands[i].prefix)
	}
	for _, c := range []struct{ line, cmd, text string }{
		{"Where will the talks be held?", "/ask", "Where will the talks be held?"},
		{"/ask  Who?", "/ask", "Who?"},
		{"/private Who?", "/private", "Who?"},
		{"/about", "/about", ""},
		{"/help", "/help", ""},
		{"/reload", "/reload", ""},
		{"/reload-member", "/reload-member", ""},
		{"@ Who?", "@", "Who?"},
		{">And when?", ">", "And when?"},
		{"/dm Who?", "/dm", "Who?"},
		{"/stories", "/stories", ""},
		{"/summary", "/summary", ""},
		{"/summary  talks", "/summary", "talks"},
		{"/add https://news.example/a", "/add", "https://news.example/a"},
		{"/add", "nothing", "/add"},
		{"/remove talks", "/remove", "talks"},
		{"/remove-member talks", "/remove-member", "talks"},
		{"help", "help", ""},
		{"  ", "nothing", ""},
		{"/ask", "nothing", "/ask"},       // no question: not sent
		{"/nope x", "nothing", "/nope x"}, // an unknown command is not a question
		{"/aboutx", "nothing", "/aboutx"},
	} {
		i, text := parseLine(c.line)
		if name(i) != c.cmd || text != c.text {
			t.Errorf("parseLine(%q) = %s %q, want %s %q", c.line, name(i), text, c.cmd, c.text)
		}
	}
}
