package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"connectrpc.com/connect"

	"github.com/kplane/kplane/graph/rdf"
	kplanev1 "github.com/kplane/kplane/proto/kplane/v1"
	"github.com/kplane/kplane/proto/kplane/v1/kplanev1connect"
)

// exportBatch is the number of quads per streamed message.
const exportBatch = 512

// graphService implements kplane.v1.GraphService.
type graphService struct{ s *Server }

var _ kplanev1connect.GraphServiceHandler = (*graphService)(nil)

// LoadGraph loads a document streamed in chunks.
func (g *graphService) LoadGraph(ctx context.Context, stream *connect.ClientStream[kplanev1.LoadGraphRequest]) (*connect.Response[kplanev1.LoadGraphResponse], error) {
	if !stream.Receive() {
		if err := stream.Err(); err != nil {
			return nil, err
		}
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("empty load: the first message must name the graph"))
	}
	first := stream.Msg()
	body := &chunkReader{stream: stream, buf: first.GetData(), max: g.s.cfg.MaxLoadBytes}
	body.total = int64(len(body.buf))
	gi, read, err := g.s.loadGraph(ctx, loadRequest{
		graph: first.GetGraph(), format: first.GetFormat(), base: first.GetBase(),
		owner: first.GetOwner(), replace: first.GetReplace(), body: body, source: "rpc",
	})
	if err != nil {
		return nil, rpcError(err)
	}
	return connect.NewResponse(&kplanev1.LoadGraphResponse{Graph: graphInfoProto(gi), QuadsRead: read}), nil
}

// chunkReader reads the data of a stream of load messages.
type chunkReader struct {
	stream     *connect.ClientStream[kplanev1.LoadGraphRequest]
	buf        []byte
	total, max int64
	done       bool
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.done {
			return 0, io.EOF
		}
		if !r.stream.Receive() {
			r.done = true
			if err := r.stream.Err(); err != nil {
				return 0, transportError{err}
			}
			return 0, io.EOF
		}
		r.buf = r.stream.Msg().GetData()
		r.total += int64(len(r.buf))
		if r.total > r.max {
			return 0, statusError{http.StatusRequestEntityTooLarge, connect.CodeResourceExhausted,
				fmt.Errorf("load larger than the server's limit of %d bytes", r.max)}
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// ListGraphs lists the named graphs.
func (g *graphService) ListGraphs(ctx context.Context, req *connect.Request[kplanev1.ListGraphsRequest]) (*connect.Response[kplanev1.ListGraphsResponse], error) {
	if _, err := authorizeRead(ctx); err != nil {
		return nil, rpcError(err)
	}
	sn := g.s.cfg.Store.Snapshot()
	infos := sn.Graphs()
	sn.Release()
	slices.SortFunc(infos, func(a, b graphInfo) int { return cmp.Compare(a.Name.Value, b.Name.Value) })
	resp := &kplanev1.ListGraphsResponse{}
	for _, gi := range infos {
		if owner := req.Msg.GetOwner(); owner != "" && !strings.EqualFold(owner, gi.Owner) {
			continue
		}
		resp.Graphs = append(resp.Graphs, graphInfoProto(gi))
	}
	return connect.NewResponse(resp), nil
}

// ExportGraph streams a graph's quads.
func (g *graphService) ExportGraph(ctx context.Context, req *connect.Request[kplanev1.ExportGraphRequest], stream *connect.ServerStream[kplanev1.ExportGraphResponse]) error {
	err := g.s.exportGraph(ctx, req.Msg.GetGraph(), exportBatch, func(batch []rdf.Quad) error {
		msg := &kplanev1.ExportGraphResponse{Quads: make([]*kplanev1.Quad, len(batch))}
		for i, q := range batch {
			msg.Quads[i] = quadProto(q)
		}
		return stream.Send(msg)
	})
	return rpcError(err)
}

// DropGraph drops a graph.
func (g *graphService) DropGraph(ctx context.Context, req *connect.Request[kplanev1.DropGraphRequest]) (*connect.Response[kplanev1.DropGraphResponse], error) {
	n, err := g.s.dropGraph(ctx, req.Msg.GetGraph())
	if err != nil {
		return nil, rpcError(err)
	}
	return connect.NewResponse(&kplanev1.DropGraphResponse{Quads: n}), nil
}

// healthService implements kplane.v1.HealthService.
type healthService struct{ s *Server }

// Check reports the status; it needs no credentials.
func (h *healthService) Check(ctx context.Context, _ *connect.Request[kplanev1.CheckRequest]) (*connect.Response[kplanev1.CheckResponse], error) {
	sn := h.s.cfg.Store.Snapshot()
	st := sn.Stats()
	sn.Release()
	return connect.NewResponse(&kplanev1.CheckResponse{
		Status: kplanev1.ServingStatus_SERVING_STATUS_SERVING,
		Quads:  st.Quads,
		Graphs: int64(st.Graphs),
	}), nil
}
