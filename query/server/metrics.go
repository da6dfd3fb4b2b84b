package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/kplane/kplane/graph"
)

// metrics are the server's Prometheus metrics.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight *prometheus.GaugeVec
}

func newMetrics(reg *prometheus.Registry, store *graph.Store, slots chan struct{}) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kplane_http_requests_total",
			Help: "HTTP requests served, by endpoint (path or RPC procedure) and status code.",
		}, []string{"endpoint", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kplane_http_request_duration_seconds",
			Help:    "Time to serve a request, by endpoint, until the last byte of the response.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"endpoint"}),
		inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "kplane_http_requests_in_flight",
			Help: "Requests being served, by endpoint.",
		}, []string{"endpoint"}),
	}
	stats := func(f func(*graph.Stats) float64) func() float64 {
		return func() float64 {
			sn := store.Snapshot()
			defer sn.Release()
			return f(sn.Stats())
		}
	}
	cs := []prometheus.Collector{
		m.requests, m.duration, m.inFlight,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kplane_store_quads", Help: "Quads in the store.",
		}, stats(func(st *graph.Stats) float64 { return float64(st.Quads) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kplane_store_graphs", Help: "Named graphs in the store.",
		}, stats(func(st *graph.Stats) float64 { return float64(st.Graphs) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kplane_store_size_bytes", Help: "Size of the store on disk.",
		}, func() float64 { return float64(store.Size()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kplane_query_slots_in_use", Help: "Execution slots taken by heavy requests (queries, discovery, GraphQL).",
		}, func() float64 { return float64(len(slots)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kplane_query_slots", Help: "Execution slots for heavy requests.",
		}, func() float64 { return float64(cap(slots)) }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// endpoint names the endpoint of a request for the metrics' labels, from a
// fixed set so that clients cannot blow up the number of series.
func endpoint(r *http.Request) string {
	p := r.URL.Path
	switch p {
	case "/sparql", "/store", "/rdf-graphs", "/graphql", "/healthz", "/metrics", "/":
		return p
	}
	if strings.HasPrefix(p, "/kplane.v1.") && strings.Count(p, "/") == 2 {
		return p
	}
	return "other"
}

// instrument counts and times every request.
func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ep := endpoint(r)
		g := m.inFlight.WithLabelValues(ep)
		g.Inc()
		defer g.Dec()
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		m.requests.WithLabelValues(ep, strconv.Itoa(sw.status)).Inc()
		m.duration.WithLabelValues(ep).Observe(time.Since(start).Seconds())
	})
}

// statusWriter remembers the status code. It keeps flushing and the other
// optional interfaces reachable through Unwrap (http.ResponseController),
// which streaming responses need.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends buffered data to the client.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
