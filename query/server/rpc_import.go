package server

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"connectrpc.com/connect"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/ingest/importer"
	kplanev1 "github.com/kplane/kplane/proto/kplane/v1"
)

// importService implements kplane.v1.ImportService.
type importService struct{ s *Server }

// Import imports ODCS, ODPS and glossary CSV documents.
func (is *importService) Import(ctx context.Context, req *connect.Request[kplanev1.ImportRequest]) (*connect.Response[kplanev1.ImportResponse], error) {
	resp, err := is.s.importDocuments(ctx, req.Msg)
	if err != nil {
		return nil, rpcError(err)
	}
	return connect.NewResponse(resp), nil
}

func (s *Server) importDocuments(ctx context.Context, msg *kplanev1.ImportRequest) (*kplanev1.ImportResponse, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	if p.Role == RoleReader {
		return nil, fmt.Errorf("%w: %s is a reader and may not import", ErrForbidden, p.Name)
	}
	if d := msg.GetDomain(); d != "" && !p.CanWriteOwnedBy(d) {
		return nil, fmt.Errorf("%w: %s may not import for domain %s", ErrForbidden, p.Name, d)
	}
	if len(msg.GetDocuments()) == 0 {
		return nil, badRequestf("no documents to import")
	}
	// The importer reads files: stage the documents in a private folder,
	// each under its own name (which tells glossaries by .csv).
	dir, err := os.MkdirTemp("", "kplane-import-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var total int64
	files := make([]string, len(msg.GetDocuments()))
	for i, doc := range msg.GetDocuments() {
		total += int64(len(doc.GetContent()))
		if total > s.cfg.MaxLoadBytes {
			return nil, statusError{http.StatusRequestEntityTooLarge, connect.CodeResourceExhausted, fmt.Errorf("import larger than the server's limit of %d bytes", s.cfg.MaxLoadBytes)}
		}
		name := filepath.Base(filepath.Clean("/" + strings.ReplaceAll(doc.GetName(), `\`, "/")))
		if name == "/" || name == "." {
			name = "document-" + strconv.Itoa(i+1)
		}
		sub := filepath.Join(dir, strconv.Itoa(i))
		if err := os.Mkdir(sub, 0o700); err != nil {
			return nil, err
		}
		files[i] = filepath.Join(sub, name)
		if err := os.WriteFile(files[i], doc.GetContent(), 0o600); err != nil {
			return nil, err
		}
	}
	req := importer.Request{Files: files, Domain: msg.GetDomain(), DryRun: true}
	plan, err := importer.Import(ctx, s.cfg.Store, req)
	if err != nil {
		return nil, badRequest{unstage(err, dir)}
	}
	// Every document's graph, as it is and as it will be, must be the
	// client's to write: checked now, to refuse early, and again in the
	// commit, where a concurrent change of owner cannot slip in.
	allowed := func(d *importer.Document, current graph.GraphInfo, exists bool) error {
		if p.Role == RoleAdmin {
			return nil
		}
		if exists && !p.CanWriteOwnedBy(current.Owner) {
			return fmt.Errorf("%w: %s may not replace %s, owned by %s", ErrForbidden, p.Name, d.Graph.Value, ownerName(current.Owner))
		}
		if !p.CanWriteOwnedBy(d.Owner) {
			return fmt.Errorf("%w: %s may not import %s for %s", ErrForbidden, p.Name, filepath.Base(d.File), ownerName(d.Owner))
		}
		return nil
	}
	sn := s.cfg.Store.Snapshot()
	for i := range plan.Documents {
		d := &plan.Documents[i]
		gi, exists := sn.Graph(d.Graph)
		if err := allowed(d, gi, exists); err != nil {
			sn.Release()
			return nil, err
		}
	}
	sn.Release()
	result := plan
	if !msg.GetDryRun() {
		req.DryRun = false
		req.Check = allowed
		result, err = importer.Import(ctx, s.cfg.Store, req)
		if err != nil {
			return nil, unstage(err, dir)
		}
		s.written(ctx)
		s.log.Info("documents imported", "documents", len(result.Documents))
	}
	resp := &kplanev1.ImportResponse{DryRun: result.DryRun}
	for _, d := range result.Documents {
		resp.Documents = append(resp.Documents, &kplanev1.ImportedDocument{
			Name: filepath.Base(d.File), Kind: string(d.Kind), Iri: d.IRI,
			Graph: termProto(d.Graph), Owner: d.Owner, Quads: d.Quads, QuadsBefore: d.Before,
		})
	}
	return resp, nil
}

// unstage removes the staging folder from the file names in an error, so
// that clients see their own document names.
func unstage(err error, dir string) error {
	msg := err.Error()
	clean := strings.ReplaceAll(msg, dir+string(filepath.Separator), "")
	if clean == msg {
		return err
	}
	// Drop the per-document subfolder ("0/", "1/", ...) too.
	parts := strings.Split(clean, string(filepath.Separator))
	for i := 1; i < len(parts); i++ {
		prev := parts[i-1]
		j := strings.LastIndexAny(prev, " \n\t:(")
		if _, aerr := strconv.Atoi(prev[j+1:]); aerr == nil {
			parts[i-1] = prev[:j+1]
		}
	}
	return fmt.Errorf("%s", strings.Join(parts, ""))
}
