package main

import (
	"bufio"
	"os"
	"path"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// No Docker engine runs in CI, so these tests read the Dockerfile, the
// compose file and the ignore files and check what can be checked without
// building: the image runs as a non-root user that owns its cache
// directory, has a HEALTHCHECK, and no secret can reach the build context
// or the repository.

// dockerInstr is one Dockerfile instruction, continuation lines joined.
type dockerInstr struct {
	op   string // upper case: FROM, COPY, USER, ...
	args string
}

func readDockerfile(t *testing.T) []dockerInstr {
	t.Helper()
	f, err := os.Open("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []dockerInstr
	var cur string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if cur == "" && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		cur += line
		op, args, _ := strings.Cut(cur, " ")
		out = append(out, dockerInstr{strings.ToUpper(op), strings.TrimSpace(args)})
		cur = ""
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// finalStage returns the instructions after the last FROM: the image that
// ships.
func finalStage(instrs []dockerInstr) []dockerInstr {
	last := 0
	for i, in := range instrs {
		if in.op == "FROM" {
			last = i
		}
	}
	return instrs[last:]
}

func TestDockerImageRunsAsNonRootOwningItsCache(t *testing.T) {
	t.Parallel()
	final := finalStage(readDockerfile(t))
	var user, healthcheck, indexDir string
	var volumes []string
	cacheOwner := ""
	for _, in := range final {
		switch in.op {
		case "USER":
			user = in.args
		case "HEALTHCHECK":
			healthcheck = in.args
		case "VOLUME":
			volumes = append(volumes, in.args)
		case "ENV":
			for _, f := range strings.Fields(in.args) {
				if v, ok := strings.CutPrefix(f, "NEWSBOT_INDEX_DIR="); ok {
					indexDir = v
				}
			}
		case "COPY":
			f := strings.Fields(in.args)
			if len(f) > 0 && f[len(f)-1] == "/cache" {
				for _, opt := range f {
					if v, ok := strings.CutPrefix(opt, "--chown="); ok {
						cacheOwner = v
					}
				}
			}
		case "RUN":
			if strings.Contains(in.args, "chown") && strings.Contains(in.args, "/cache") {
				t.Errorf("RUN %s: distroless has no shell; give /cache its owner with COPY --chown", in.args)
			}
		}
	}
	uid, _, _ := strings.Cut(user, ":")
	if user == "" || uid == "root" || uid == "0" {
		t.Errorf("final stage USER = %q, want a non-root user", user)
	}
	if healthcheck == "" || !strings.Contains(healthcheck, "healthcheck") {
		t.Errorf("HEALTHCHECK = %q, want one running `newsbot healthcheck`", healthcheck)
	}
	if indexDir != "/cache" || !strings.Contains(strings.Join(volumes, " "), "/cache") {
		t.Errorf("NEWSBOT_INDEX_DIR = %q, volumes %q: want the cache on the /cache volume", indexDir, volumes)
	}
	if cacheOwner == "" || cacheOwner != user {
		t.Errorf("/cache is owned by %q, the image runs as %q: want the same user, or the cache cannot be saved", cacheOwner, user)
	}
	// Only the binary and the empty cache directory come into the image:
	// nothing from the build context, where a token could be.
	for _, in := range final {
		if (in.op == "COPY" || in.op == "ADD") && !strings.Contains(in.args, "--from=") {
			t.Errorf("%s %s copies from the build context into the image", in.op, in.args)
		}
	}
}

// ignorePatterns reads a .gitignore or .dockerignore: one pattern a line.
func ignorePatterns(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var pats []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			pats = append(pats, strings.TrimSuffix(strings.TrimPrefix(l, "/"), "/"))
		}
	}
	return pats
}

func ignored(pats []string, name string) bool {
	for _, p := range pats {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Environment map[string]string `yaml:"environment"`
		Healthcheck *struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Entrypoint []string `yaml:"entrypoint"`
	} `yaml:"services"`
	Secrets map[string]struct {
		File string `yaml:"file"`
	} `yaml:"secrets"`
}

func TestComposeWaitsForAHealthyOllamaAndKeepsTheTokenSecret(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	ollama, ok := c.Services["ollama"]
	if !ok || ollama.Healthcheck == nil || len(ollama.Healthcheck.Test) == 0 {
		t.Fatalf("ollama service %+v: want a healthcheck", ollama)
	}
	bot, ok := c.Services["newsbot"]
	if !ok {
		t.Fatal("no newsbot service")
	}
	if bot.DependsOn["ollama"].Condition != "service_healthy" {
		t.Errorf("newsbot depends_on ollama = %+v, want condition service_healthy", bot.DependsOn)
	}
	// The models are pulled by a one-shot service through the running
	// server (a `run` of the ollama image has no server to pull with).
	pulls := false
	for name, s := range c.Services {
		if strings.Contains(strings.Join(s.Entrypoint, " "), "ollama pull") {
			pulls = true
			if s.DependsOn["ollama"].Condition != "service_healthy" {
				t.Errorf("%s pulls before ollama is healthy", name)
			}
			if bot.DependsOn[name].Condition != "service_completed_successfully" {
				t.Errorf("newsbot does not wait for %s to finish", name)
			}
		}
	}
	if !pulls {
		t.Error("no service pulls the models")
	}
	if strings.Contains(string(raw), "compose run --rm ollama ollama pull") {
		t.Error("the compose file still suggests `docker compose run --rm ollama ollama pull`, which the image's entrypoint breaks")
	}
	for k, v := range bot.Environment {
		if k == "DISCORD_TOKEN" || k == "OPENAI_API_KEY" && v != "" {
			t.Errorf("newsbot's environment sets %s: secrets go in files", k)
		}
	}
	// The token file must stay out of git and out of the build context.
	git, docker := ignorePatterns(t, "../../.gitignore"), ignorePatterns(t, "../../.dockerignore")
	for name, s := range c.Secrets {
		file := path.Base(s.File)
		if !ignored(git, file) {
			t.Errorf("secret %s: %s is not git-ignored", name, s.File)
		}
		if !ignored(docker, file) {
			t.Errorf("secret %s: %s is not docker-ignored", name, s.File)
		}
	}
	for _, must := range []string{".git", "cache", "newsbot", "x.test"} {
		if !ignored(docker, must) {
			t.Errorf(".dockerignore does not exclude %s", must)
		}
	}
}
