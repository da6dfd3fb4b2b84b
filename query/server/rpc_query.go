package server

import (
	"context"

	"connectrpc.com/connect"

	kplanev1 "github.com/kplane/kplane/proto/kplane/v1"
	"github.com/kplane/kplane/query/sparql/eval"
)

// rowBatch is the number of solutions or quads per streamed message.
const rowBatch = 256

// queryService implements kplane.v1.QueryService.
type queryService struct{ s *Server }

var queryForms = map[eval.Form]kplanev1.QueryForm{
	eval.Select:    kplanev1.QueryForm_QUERY_FORM_SELECT,
	eval.Construct: kplanev1.QueryForm_QUERY_FORM_CONSTRUCT,
	eval.Ask:       kplanev1.QueryForm_QUERY_FORM_ASK,
	eval.Describe:  kplanev1.QueryForm_QUERY_FORM_DESCRIBE,
}

// Query runs a query and streams a header, then the results in batches.
func (q *queryService) Query(ctx context.Context, req *connect.Request[kplanev1.QueryRequest], stream *connect.ServerStream[kplanev1.QueryResponse]) error {
	return rpcError(q.query(ctx, req.Msg, stream))
}

func (q *queryService) query(ctx context.Context, msg *kplanev1.QueryRequest, stream *connect.ServerStream[kplanev1.QueryResponse]) error {
	if _, err := authorizeRead(ctx); err != nil {
		return err
	}
	prepared, err := q.s.prepare(datasetRequest{
		query: msg.GetQuery(), base: msg.GetBase(),
		defaultGraphs: msg.GetDefaultGraphUris(), named: msg.GetNamedGraphUris(),
		storedDefaultGraph: msg.GetStoredDefaultGraph(),
	})
	if err != nil {
		return err
	}
	release, err := q.s.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	sn := q.s.cfg.Store.Snapshot()
	defer sn.Release()
	res, err := prepared.Exec(ctx, sn)
	if err != nil {
		return err
	}
	defer res.Close()
	header := &kplanev1.QueryHeader{Form: queryForms[res.Form], Vars: res.Vars}
	if err := stream.Send(&kplanev1.QueryResponse{Result: &kplanev1.QueryResponse_Header{Header: header}}); err != nil {
		return err
	}
	switch res.Form {
	case eval.Ask:
		return stream.Send(&kplanev1.QueryResponse{Result: &kplanev1.QueryResponse_Boolean{Boolean: res.Boolean}})
	case eval.Select:
		batch := &kplanev1.QueryRows{}
		flush := func() error {
			if len(batch.Rows) == 0 {
				return nil
			}
			err := stream.Send(&kplanev1.QueryResponse{Result: &kplanev1.QueryResponse_Rows{Rows: batch}})
			batch = &kplanev1.QueryRows{}
			return err
		}
		for res.Next() {
			sol := res.Solution()
			row := &kplanev1.Row{Values: make([]*kplanev1.Term, len(sol))}
			for i, t := range sol {
				row.Values[i] = termProto(t)
			}
			batch.Rows = append(batch.Rows, row)
			if len(batch.Rows) == rowBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := res.Err(); err != nil {
			return err
		}
		return flush()
	default:
		batch := &kplanev1.QueryQuads{}
		flush := func() error {
			if len(batch.Quads) == 0 {
				return nil
			}
			err := stream.Send(&kplanev1.QueryResponse{Result: &kplanev1.QueryResponse_Quads{Quads: batch}})
			batch = &kplanev1.QueryQuads{}
			return err
		}
		for res.NextQuad() {
			batch.Quads = append(batch.Quads, quadProto(res.Quad()))
			if len(batch.Quads) == rowBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := res.Err(); err != nil {
			return err
		}
		return flush()
	}
}

// Update runs a SPARQL Update request.
func (q *queryService) Update(ctx context.Context, req *connect.Request[kplanev1.UpdateRequest]) (*connect.Response[kplanev1.UpdateResponse], error) {
	if err := q.s.runUpdate(ctx, req.Msg.GetUpdate(), req.Msg.GetBase()); err != nil {
		return nil, rpcError(err)
	}
	return connect.NewResponse(&kplanev1.UpdateResponse{}), nil
}
