package server

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/kplane/kplane/graph/rdf"
	kplanev1 "github.com/kplane/kplane/proto/kplane/v1"
)

// dialGRPC connects a grpc-go client. The services have no grpc-go stubs
// (the server is Connect), so the test calls methods by name, as any gRPC
// client generated from proto/kplane/v1 would.
func dialGRPC(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func TestGRPCClient(t *testing.T) {
	file, secrets := tokens(t)
	auth, _ := LoadAuthenticator(file)
	ts := startServer(t, Config{Auth: auth})
	conn := dialGRPC(t, ts.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	withToken := func(name string) context.Context {
		return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+secrets[name])
	}

	// Unary, with and without credentials.
	var list kplanev1.ListGraphsResponse
	err := conn.Invoke(ctx, "/kplane.v1.GraphService/ListGraphs", &kplanev1.ListGraphsRequest{}, &list)
	if status.Code(err) != codes.Unauthenticated {
		t.Errorf("ListGraphs without a token: %v", err)
	}
	if err := conn.Invoke(withToken("viewer"), "/kplane.v1.GraphService/ListGraphs", &kplanev1.ListGraphsRequest{}, &list); err != nil {
		t.Fatal(err)
	}
	if n := len(list.GetGraphs()); n < 2 {
		t.Errorf("%d graphs", n)
	}

	// Server streaming: a query.
	stream, err := conn.NewStream(withToken("viewer"), &grpc.StreamDesc{ServerStreams: true}, "/kplane.v1.QueryService/Query")
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.SendMsg(&kplanev1.QueryRequest{Query: `SELECT ?l WHERE { <http://example.org/alice> <http://www.w3.org/2000/01/rdf-schema#label> ?l }`}); err != nil {
		t.Fatal(err)
	}
	stream.CloseSend()
	var got []rdf.Term
	for {
		var msg kplanev1.QueryResponse
		err := stream.RecvMsg(&msg)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range msg.GetRows().GetRows() {
			got = append(got, TermFromProto(row.GetValues()[0]))
		}
	}
	if len(got) != 1 || got[0] != rdf.LangLiteral("Alice", "en") {
		t.Errorf("query over gRPC: %v", got)
	}

	// Client streaming: a load, refused for a reader and for the wrong
	// domain, accepted for the owner.
	load := func(ctx context.Context, graphName string) (*kplanev1.LoadGraphResponse, error) {
		cs, err := conn.NewStream(ctx, &grpc.StreamDesc{ClientStreams: true}, "/kplane.v1.GraphService/LoadGraph")
		if err != nil {
			return nil, err
		}
		chunks := []string{"<http://example.org/a> <http://example.org/b> ", "\"c\" .\n", "<http://example.org/a> <http://example.org/b> \"d\" .\n"}
		for i, c := range chunks {
			msg := &kplanev1.LoadGraphRequest{Data: []byte(c)}
			if i == 0 {
				msg.Graph, msg.Format, msg.Replace = graphName, "ntriples", true
			}
			if err := cs.SendMsg(msg); err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
		}
		if err := cs.CloseSend(); err != nil {
			return nil, err
		}
		var resp kplanev1.LoadGraphResponse
		return &resp, cs.RecvMsg(&resp)
	}
	if _, err := load(withToken("viewer"), salesGraph); status.Code(err) != codes.PermissionDenied {
		t.Errorf("reader's load: %v", err)
	}
	if _, err := load(withToken("sales-pub"), financeGraph); status.Code(err) != codes.PermissionDenied {
		t.Errorf("sales publisher's load of finance: %v", err)
	}
	resp, err := load(withToken("sales-pub"), salesGraph)
	if err != nil || resp.GetGraph().GetQuads() != 2 || resp.GetGraph().GetOwner() != "sales" {
		t.Errorf("sales publisher's load of sales: %v, %v", resp, err)
	}

	// A syntax error is InvalidArgument.
	err = conn.Invoke(withToken("viewer"), "/kplane.v1.DiscoveryService/GetConcept", &kplanev1.GetConceptRequest{Concept: "not an IRI"}, &kplanev1.GetConceptResponse{})
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("GetConcept of a non-IRI: %v", err)
	}
}
