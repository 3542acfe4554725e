// Prints what moby/patternmatcher (the matcher BuildKit applies .dockerignore with) decides for
// each case of __tests__/fixtures/dockerignore/cases.json, so the TypeScript matcher is tested
// against the real one. Run: bash scripts/history/patternmatcher-table.sh
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

type testCase struct {
	Dockerignore string   `json:"dockerignore"`
	Paths        []string `json:"paths"`
}

type result struct {
	Dockerignore string          `json:"dockerignore"`
	Patterns     []string        `json:"patterns"`
	Invalid      bool            `json:"invalid"`
	Ignored      map[string]bool `json:"ignored"`
}

func main() {
	var cases []testCase
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		panic(err)
	}
	var results []result
	for _, c := range cases {
		patterns, err := ignorefile.ReadAll(strings.NewReader(c.Dockerignore))
		if err != nil {
			panic(err)
		}
		r := result{Dockerignore: c.Dockerignore, Patterns: patterns, Ignored: map[string]bool{}}
		pm, err := patternmatcher.New(patterns)
		if err != nil {
			r.Invalid = true
			results = append(results, r)
			continue
		}
		for _, p := range c.Paths {
			m, err := pm.MatchesOrParentMatches(p)
			if err != nil {
				r.Invalid = true
			}
			r.Ignored[p] = m
		}
		results = append(results, r)
	}
	out, _ := json.MarshalIndent(results, "", "  ")
	fmt.Println(string(out))
}
