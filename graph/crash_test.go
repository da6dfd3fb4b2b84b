package graph

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kplane/kplane/graph/rdf"
)

// The crash tests run a load in a child process (this test binary, started
// again in helper mode) and kill it with SIGKILL at chosen points. After
// the restart the store must hold exactly the content of the last committed
// load: all of it, and nothing of the interrupted one.

const crashGraph = "http://example.org/crash"

func crashQuads(gen, n int) func(i int) rdf.Quad {
	return func(i int) rdf.Quad {
		return rdf.Quad{
			S: rdf.IRI(fmt.Sprintf("http://example.org/s%d", i%(n/3+1))),
			P: rdf.IRI(fmt.Sprintf("http://example.org/p%d", i%7)),
			O: rdf.Literal(fmt.Sprintf("gen %d value %d", gen, i), rdf.XSDString),
		}
	}
}

// TestCrashHelper is the child process; it does nothing in a normal run.
func TestCrashHelper(t *testing.T) {
	dir := os.Getenv("KPLANE_CRASH_DIR")
	if dir == "" {
		t.Skip("helper process for the crash tests")
	}
	mode := os.Getenv("KPLANE_CRASH_MODE")
	// Small chunks and budget: many sorted runs, some spilled to disk.
	chunkQuads = 20000
	memBudget = 1 << 20
	if os.Getenv("KPLANE_CRASH_UNPACKED") != "" {
		packMinQuads = 1 << 40
	}
	s, err := Open(dir, nil)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	const n = 150000
	quad := crashQuads(2, n)
	testHook = func(phase string) {
		fmt.Println(phase)
		if mode == "before-link" {
			time.Sleep(time.Minute) // the parent kills us here
		}
	}
	l, err := s.NewLoader(context.Background(), LoadOptions{Graph: rdf.IRI(crashGraph), Replace: true})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	for i := range n {
		if err := l.Add(quad(i)); err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		if i == n/2 {
			fmt.Println("adding")
			if mode == "mid-add" {
				time.Sleep(time.Minute)
			}
		}
	}
	fmt.Println("committing")
	if _, err := l.Commit(); err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	fmt.Println("committed")
	time.Sleep(time.Minute) // killed here in mode "after-commit"
}

// runUntil starts the helper and kills it with SIGKILL once it prints the
// line want (after an extra delay). The helper's load is big enough to be
// packed, unless unpacked is set.
func runUntil(t *testing.T, dir, mode, want string, delay time.Duration, unpacked bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.v")
	cmd.Env = append(os.Environ(), "KPLANE_CRASH_DIR="+dir, "KPLANE_CRASH_MODE="+mode)
	if unpacked {
		cmd.Env = append(cmd.Env, "KPLANE_CRASH_UNPACKED=1")
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	sc := bufio.NewScanner(out)
	deadline := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "error") {
			cmd.Process.Kill()
			t.Fatalf("helper failed: %s", line)
		}
		if line == want {
			time.Sleep(delay)
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			go func() {
				for sc.Scan() {
				}
			}()
			return
		}
	}
	t.Fatalf("helper ended before printing %q", want)
}

// seed commits the first generation of the graph and returns its info.
func seed(t *testing.T, dir string) GraphInfo {
	t.Helper()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 30000
	quad := crashQuads(1, n)
	l, err := s.NewLoader(context.Background(), LoadOptions{Graph: rdf.IRI(crashGraph), Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := l.Add(quad(i)); err != nil {
			t.Fatal(err)
		}
	}
	res, err := l.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return res.Graphs[0]
}

// check reopens the store and returns the graph's info, after checking that
// the data agrees with it and that no stray quads are visible.
func check(t *testing.T, dir string) GraphInfo {
	t.Helper()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.CollectGarbage(ctx); err != nil {
		t.Fatal(err)
	}
	sn := s.Snapshot()
	defer sn.Release()
	info, ok := sn.Graph(rdf.IRI(crashGraph))
	if !ok {
		t.Fatal("graph lost")
	}
	for _, sel := range []GraphSelector{AllGraphs, AllNamedGraphs, InGraph(TermID(rdf.IRI(crashGraph)))} {
		n, err := sn.Count(ctx, Pattern{Graph: sel})
		if err != nil {
			t.Fatal(err)
		}
		if n != info.Quads {
			t.Errorf("scan sees %d quads, the catalog says %d", n, info.Quads)
		}
	}
	// Garbage collection removed every key of the abandoned instance.
	for inst, r := range sn.state.cat.instances {
		if r.State != instanceLive {
			t.Errorf("instance %s left in state %d", inst, r.State)
		}
	}
	checkNoDeadKeys(t, sn)
	return info
}

func TestCrashDuringLoadKeepsPreviousContent(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess crash test")
	}
	for _, tc := range []struct {
		mode, line string
		delay      time.Duration
		unpacked   bool
	}{
		{"mid-add", "adding", 0, false},
		{"mid-write", "committing", 150 * time.Millisecond, false},
		{"before-link", "written", 0, false},
		// Every key written, in the unpacked form: the collector must
		// find the graph-last keys too.
		{"before-link", "written", 0, true},
	} {
		name := tc.mode
		if tc.unpacked {
			name += "-unpacked"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			before := seed(t, dir)
			runUntil(t, dir, tc.mode, tc.line, tc.delay, tc.unpacked)
			after := check(t, dir)
			if after.Quads != before.Quads || after.ContentHash != before.ContentHash {
				t.Errorf("after a kill during the load: %d quads hash %s, want the previous %d quads hash %s",
					after.Quads, after.ContentHash, before.Quads, before.ContentHash)
			}
		})
	}
}

func TestCrashAfterCommitKeepsNewContent(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess crash test")
	}
	dir := t.TempDir()
	before := seed(t, dir)
	runUntil(t, dir, "after-commit", "committed", 0, false)
	after := check(t, dir)
	if after.Quads != 150000 || after.ContentHash == before.ContentHash {
		t.Errorf("a committed load did not survive the kill: %d quads", after.Quads)
	}
}

// checkNoDeadKeys fails the test when an index key belongs to an instance
// that is not live: garbage collection must have removed every key of an
// abandoned or replaced instance.
func checkNoDeadKeys(t *testing.T, sn *Snapshot) {
	t.Helper()
	it := sn.txn.NewIterator(badgerKeysOnly())
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().Key()
		if k[0] >= idxGSPO && k[0] <= idxOSPG {
			inst, _ := parseKey(k)
			if r, ok := sn.state.cat.instances[inst]; !ok || r.State != instanceLive {
				t.Fatalf("key of a dead instance survived: %x", k)
			}
		}
	}
}
