package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Role is what a client may do.
type Role string

// The roles. A reader reads everything; a publisher also writes the graphs
// owned by its domains and creates graphs owned by them; an admin may do
// anything.
const (
	RoleReader    Role = "reader"
	RolePublisher Role = "publisher"
	RoleAdmin     Role = "admin"
)

// ParseRole returns the role with the given name.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(s)); r {
	case RoleReader, RolePublisher, RoleAdmin:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (want reader, publisher or admin)", s)
}

// Principal is an authenticated client.
type Principal struct {
	Name    string
	Role    Role
	Domains []string
}

// CanWriteOwnedBy reports whether p may write a graph owned by owner: admins
// may write any graph, publishers those owned by one of their domains
// (compared case-insensitively). A graph nobody owns is the admins' alone.
func (p *Principal) CanWriteOwnedBy(owner string) bool {
	switch p.Role {
	case RoleAdmin:
		return true
	case RolePublisher:
		return owner != "" && slices.ContainsFunc(p.Domains, func(d string) bool { return strings.EqualFold(d, owner) })
	}
	return false
}

// anonymous is the principal of unauthenticated clients with
// --anonymous-read.
var anonymous = &Principal{Name: "anonymous", Role: RoleReader}

// unrestricted is the principal of every client when the server runs
// without an auth file.
var unrestricted = &Principal{Name: "local", Role: RoleAdmin}

// Errors of authentication and authorization. Handlers map them to 401 and
// 403 (Unauthenticated and PermissionDenied over RPC).
var (
	ErrUnauthenticated = errors.New("authentication required: send Authorization: Bearer <token>")
	ErrForbidden       = errors.New("permission denied")
)

// TokenFile is the content of an auth file: the tokens the server accepts.
// Only a hash of each secret is stored.
type TokenFile struct {
	Tokens []TokenRecord `json:"tokens"`
}

// TokenRecord is one token of an auth file.
type TokenRecord struct {
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Domains []string  `json:"domains,omitempty"`
	Hash    string    `json:"hash"` // "sha256:" + hex of the secret's SHA-256
	Created time.Time `json:"created"`
}

// secretPrefix marks kplane secrets, so that leaked ones are recognisable.
const secretPrefix = "kp_"

// hashSecret returns the stored form of a secret. Secrets are 256 random
// bits, so an unsalted fast hash is enough: there is nothing to guess.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// AddToken creates a token, records its hash in the auth file at path
// (creating the file if needed) and returns the secret, which is not
// stored anywhere. Publishers need at least one domain; other roles take
// none.
func AddToken(path, name string, role Role, domains []string) (secret string, err error) {
	if name == "" {
		return "", errors.New("token: a name is required")
	}
	if _, err := ParseRole(string(role)); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	switch {
	case role == RolePublisher && len(domains) == 0:
		return "", errors.New("token: a publisher needs at least one --domain")
	case role != RolePublisher && len(domains) > 0:
		return "", fmt.Errorf("token: --domain applies to publishers only, not to a %s", role)
	}
	var tf TokenFile
	switch b, err := os.ReadFile(path); {
	case err == nil:
		if err := json.Unmarshal(b, &tf); err != nil {
			return "", fmt.Errorf("token: read %s: %w", path, err)
		}
	case !errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("token: %w", err)
	}
	for _, t := range tf.Tokens {
		if t.Name == name {
			return "", fmt.Errorf("token: %s already has a token named %q", path, name)
		}
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	secret = secretPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	tf.Tokens = append(tf.Tokens, TokenRecord{
		Name: name, Role: role, Domains: domains, Hash: hashSecret(secret), Created: time.Now().UTC(),
	})
	b, err := json.MarshalIndent(&tf, "", "  ")
	if err != nil {
		return "", err
	}
	if err := writeFileAtomic(path, append(b, '\n'), 0o600); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return secret, nil
}

// writeFileAtomic replaces the file at path, so that a server reading it
// never sees half of it.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// Authenticator checks bearer tokens against the hashes of an auth file.
type Authenticator struct {
	byHash map[string]*Principal
}

// LoadAuthenticator reads an auth file written by AddToken.
func LoadAuthenticator(path string) (*Authenticator, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	var tf TokenFile
	if err := json.Unmarshal(b, &tf); err != nil {
		return nil, fmt.Errorf("auth: %s: %w", path, err)
	}
	a := &Authenticator{byHash: make(map[string]*Principal, len(tf.Tokens))}
	for i, t := range tf.Tokens {
		role, err := ParseRole(string(t.Role))
		if err != nil {
			return nil, fmt.Errorf("auth: %s: token %d (%s): %w", path, i+1, t.Name, err)
		}
		if !strings.HasPrefix(t.Hash, "sha256:") {
			return nil, fmt.Errorf("auth: %s: token %d (%s): unsupported hash", path, i+1, t.Name)
		}
		a.byHash[t.Hash] = &Principal{Name: t.Name, Role: role, Domains: t.Domains}
	}
	return a, nil
}

// Len returns the number of tokens.
func (a *Authenticator) Len() int { return len(a.byHash) }

// Authenticate returns the principal a secret belongs to. Lookup is by
// hash, so the time it takes says nothing about the secrets.
func (a *Authenticator) Authenticate(secret string) (*Principal, bool) {
	p, ok := a.byHash[hashSecret(secret)]
	return p, ok
}

// authState is what the authentication middleware learnt about a request.
type authState struct {
	principal *Principal // nil: not authenticated
	err       error      // why not
}

type authKey struct{}

// authenticate resolves the request's principal. It never fails the
// request itself: the handlers decide, since some endpoints (health) are
// open to all.
func (s *Server) authenticate(r *http.Request) authState {
	if s.cfg.Auth == nil {
		return authState{principal: unrestricted}
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		if s.cfg.AnonymousRead {
			return authState{principal: anonymous}
		}
		return authState{err: ErrUnauthenticated}
	}
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return authState{err: fmt.Errorf("%w (unsupported authorization scheme)", ErrUnauthenticated)}
	}
	p, ok := s.cfg.Auth.Authenticate(strings.TrimSpace(secret))
	if !ok {
		return authState{err: errors.New("invalid token")}
	}
	return authState{principal: p}
}

// principalFrom returns the request's principal, or the authentication
// error.
func principalFrom(ctx context.Context) (*Principal, error) {
	st, ok := ctx.Value(authKey{}).(authState)
	if !ok {
		return nil, ErrUnauthenticated
	}
	if st.principal == nil {
		if st.err == nil {
			return nil, ErrUnauthenticated
		}
		return nil, fmt.Errorf("%w: %v", ErrUnauthenticated, st.err)
	}
	return st.principal, nil
}

// authorizeRead checks that the client may read.
func authorizeRead(ctx context.Context) (*Principal, error) {
	return principalFrom(ctx)
}

// authorizeGraphWrite checks that the client may write the named graph.
// exists and owner describe the graph now; requested is the owner the
// write asks the graph to have ("" keeps it, or for a new graph of a
// publisher with one domain, uses that domain). It returns the owner the
// graph will have.
func authorizeGraphWrite(ctx context.Context, graphName string, exists bool, owner, requested string) (string, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return "", err
	}
	if p.Role == RoleReader {
		return "", fmt.Errorf("%w: %s is a reader and may not write %s", ErrForbidden, p.Name, graphName)
	}
	if exists && !p.CanWriteOwnedBy(owner) {
		return "", fmt.Errorf("%w: %s may not write %s, owned by %s", ErrForbidden, p.Name, graphName, ownerName(owner))
	}
	if requested == "" {
		if exists {
			return owner, nil
		}
		if p.Role == RolePublisher {
			if len(p.Domains) != 1 {
				return "", fmt.Errorf("%w: %s publishes for several domains: name the new graph's owner", ErrForbidden, p.Name)
			}
			return p.Domains[0], nil
		}
		return "", nil
	}
	if !p.CanWriteOwnedBy(requested) {
		return "", fmt.Errorf("%w: %s may not give %s to domain %s", ErrForbidden, p.Name, graphName, requested)
	}
	return requested, nil
}

func ownerName(owner string) string {
	if owner == "" {
		return "no domain (admins only)"
	}
	return "domain " + owner
}
