package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestREADMEListsExactlyTheSettings(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// The README's settings are the rows of its tables headed
	// "| variable | default | meaning |": every `NAME` in a row's first cell.
	var listed []string
	inTable := false
	name := regexp.MustCompile("`([A-Z][A-Z0-9_]+)`")
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "| variable |"):
			inTable = true
		case !strings.HasPrefix(line, "|"):
			inTable = false
		case inTable && !strings.HasPrefix(line, "| ---"):
			first := strings.Split(line, "|")[1]
			for _, m := range name.FindAllStringSubmatch(first, -1) {
				listed = append(listed, m[1])
			}
		}
	}
	var table []string
	for _, s := range settings {
		table = append(table, s.Env)
	}
	slices.Sort(listed)
	slices.Sort(table)
	for _, n := range listed {
		if !slices.Contains(table, n) {
			t.Errorf("README lists %s, which is not in the settings table (settings.go)", n)
		}
	}
	for _, n := range table {
		if !slices.Contains(listed, n) {
			t.Errorf("the settings table has %s, which README.md's tables do not list", n)
		}
	}
	if len(listed) != len(slices.Compact(slices.Clone(listed))) {
		t.Errorf("README lists a setting twice: %v", listed)
	}
}

func TestEverySettingHasAParserAndADefaultItAccepts(t *testing.T) {
	t.Parallel()
	envs, flags := map[string]bool{}, map[string]bool{}
	for _, s := range settings {
		if envs[s.Env] {
			t.Errorf("%s: two rows", s.Env)
		}
		envs[s.Env] = true
		if s.Flag != "" {
			if flags[s.Flag] {
				t.Errorf("--%s: two rows", s.Flag)
			}
			flags[s.Flag] = true
		}
		if s.Help == "" || s.Field == nil {
			t.Errorf("%s: no help or no field", s.Env)
			continue
		}
		var c config
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: %v", s.Env, r)
				}
			}()
			if s.Default != "" {
				if err := parseSetting(s.Field(&c), s.Default); err != nil {
					t.Errorf("%s: default %q: %v", s.Env, s.Default, err)
				}
			}
			if err := parseSetting(s.Field(&c), "surely not valid"); err == nil {
				if _, isString := s.Field(&c).(*string); !isString {
					if _, isList := s.Field(&c).(*[]string); !isList {
						t.Errorf("%s accepts anything", s.Env)
					}
				}
			}
		}()
	}
}

func TestSettingsAreReadThroughGetenvOnly(t *testing.T) {
	t.Parallel()
	read := map[string]bool{}
	env := map[string]string{"HOME": "/home/reader", "XDG_CACHE_HOME": "", "NEWSBOT_EMBED_BATCH": "7", "DISCORD_TOKEN": "tok"}
	getenv := func(k string) string { read[k] = true; return env[k] }
	c, err := loadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.EmbedBatch != 7 || c.ChatModel != "gpt-4o-mini" || c.RequestTimeout.Seconds() != 60 {
		t.Errorf("config = %+v, want the variable and the table's defaults", c)
	}
	if _, err := loadServeConfig(getenv); err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !read[s.Env] {
			t.Errorf("%s was not read through getenv", s.Env)
		}
	}
	if runtime.GOOS == "linux" {
		// os.UserCacheDir would read the process's own HOME.
		if want := "/home/reader/.cache/newsbot"; c.IndexDir != want {
			t.Errorf("index dir = %q, want %q from the getenv given", c.IndexDir, want)
		}
		env["XDG_CACHE_HOME"] = "/xdg"
		if c, _ := loadConfig(getenv); c.IndexDir != filepath.Join("/xdg", "newsbot") {
			t.Errorf("with XDG_CACHE_HOME: index dir = %q", c.IndexDir)
		}
	}
}

func TestFlagsOverrideTheEnvironment(t *testing.T) {
	t.Parallel()
	c, err := loadConfig(func(k string) string {
		return map[string]string{"NEWSBOT_DATA_DIR": "/from/env", "NEWSBOT_OFFLINE": "false"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	commonFlags(fs, &c)
	if _, err := parseFlags(fs, []string{"--data", "/from/flag", "--offline"}); err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/from/flag" || !c.Offline {
		t.Errorf("data %q offline %v, want the flags' values", c.DataDir, c.Offline)
	}
	if _, err := parseFlags(fs, []string{"--offline=maybe"}); err == nil {
		t.Error("--offline=maybe accepted")
	}
}

func TestHelpEnvListsEverySetting(t *testing.T) {
	t.Parallel()
	out, _, err := runCLI(t, nil, "", "help", "env")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(out, s.Env) {
			t.Errorf("help env does not list %s", s.Env)
		}
	}
	if !strings.Contains(out, "NEWSBOT_COOLDOWN (default: 10s)") || !strings.Contains(out, "NEWSBOT_DATA_DIR, --data") {
		t.Errorf("help env lacks defaults or flags:\n%s", out)
	}
}

func TestBadSettingsNameTheVariable(t *testing.T) {
	t.Parallel()
	for k, v := range map[string]string{
		"NEWSBOT_EMBED_BATCH": "many", "NEWSBOT_OFFLINE": "perhaps", "NEWSBOT_REQUEST_TIMEOUT": "-3",
		"NEWSBOT_MAX_TOKENS": "0", "NEWSBOT_FALLBACK": "silence",
	} {
		_, err := loadConfig(func(name string) string {
			if name == k {
				return v
			}
			return ""
		})
		var ue usageError
		if err == nil || !strings.Contains(err.Error(), k) || !errorsAs(err, &ue) {
			t.Errorf("%s=%q: %v, want a usage error naming it", k, v, err)
		}
	}
}

func TestModelSettings(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		env      map[string]string
		tokens   int
		fallback bool
	}{
		{map[string]string{}, 600, true},
		{map[string]string{"NEWSBOT_MAX_TOKENS": "200", "NEWSBOT_FALLBACK": "apology"}, 200, false},
		{map[string]string{"NEWSBOT_FALLBACK": "Extractive"}, 600, true},
	} {
		cfg, err := loadConfig(func(k string) string { return c.env[k] })
		if err != nil || cfg.MaxTokens != c.tokens || cfg.Fallback != c.fallback {
			t.Errorf("%v: %d tokens, fallback %v, %v", c.env, cfg.MaxTokens, cfg.Fallback, err)
		}
	}
}
