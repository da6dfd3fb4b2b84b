package graphql

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEQuotesAgentSession keeps the README's agent session the one
// TestAgentSession runs: the README quotes every operation of
// testdata/agent-session.graphql verbatim.
func TestREADMEQuotesAgentSession(t *testing.T) {
	session, err := os.ReadFile("testdata/agent-session.graphql")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// The file's header comment says where it is run from; the README says
	// that in prose. Everything from the first step on is quoted.
	s := string(session)
	i := strings.Index(s, "# 1.")
	if i < 0 {
		t.Fatal("agent-session.graphql has no step 1")
	}
	if !strings.Contains(string(readme), s[i:]) {
		t.Error("README.md does not quote testdata/agent-session.graphql from its first step on; update the README's agent session")
	}
}
