package rest

import (
	"net/http"

	"github.com/vnstock-api/vnstock-api/market"
)

// route is one resource of api.md: its path under /v1, its parameters and
// row schema (for the strict check and the OpenAPI document), and either a
// query builder (one Service call, rendered) or its own serve function.
type route struct {
	id      string // operationId and mux route name
	path    string // under /v1, with mux {variables}
	tag     string // Reference, Market, Fundamental, Retail
	summary string
	vnstock string // the vnstock function it stands for
	params  []param
	row     string   // component schema of a data row
	columns []string // vnstock columns of a frame row, for the document
	query   func(r *request) (market.Query, view, error)
	serve   func(s *Server, w http.ResponseWriter, hr *http.Request, r *request, f format) error
	// snapshot marks the route mounted only with a Snapshotter.
	snapshot bool
}

// param documents one parameter; the route's builder parses it.
type param struct {
	name     string
	in       string // inPath or inQuery
	desc     string
	required bool
	schema   map[string]any
}

const (
	inPath  = "path"
	inQuery = "query"
)

// Row schemas of the document's components.
const (
	rowBar     = "Bar"
	rowTrade   = "Trade"
	rowQuote   = "Quote"
	rowFrame   = "" // a frame: the route's columns describe the row
	rowSession = "SessionState"
	rowEvent   = "SnapshotEvent"
)

// routes is every REST resource, in api.md's order.
func routes() []route {
	var rs []route
	rs = append(rs, referenceRoutes()...)
	rs = append(rs, companyRoutes()...)
	rs = append(rs, marketRoutes()...)
	rs = append(rs, fundRoutes()...)
	rs = append(rs, fundamentalRoutes()...)
	rs = append(rs, retailRoutes()...)
	return rs
}

// Parameter declarations shared by several routes.

func strSchema(pattern string) map[string]any {
	return map[string]any{"type": "string", "pattern": pattern}
}

func enumSchema(def string, values ...string) map[string]any {
	s := map[string]any{"type": "string", "enum": values}
	if def != "" {
		s["default"] = def
	}
	return s
}

func dateSchema() map[string]any {
	return map[string]any{"type": "string", "format": "date", "example": "2024-01-02"}
}

func symbolParam() param {
	return param{name: "symbol", in: inPath, required: true, desc: "Ticker, index or futures code (case-insensitive), e.g. VNM, VNINDEX, VN30F1M.",
		schema: strSchema("^[A-Za-z0-9]{1,16}$")}
}

func enumParam(name, in, desc, def string, values ...string) param {
	return param{name: name, in: in, desc: desc, required: in == inPath, schema: enumSchema(def, values...)}
}

func dateParam(name, desc string) param {
	return param{name: name, in: inQuery, desc: desc, schema: dateSchema()}
}

func periodParams() []param {
	return []param{
		enumParam("period", inQuery, "Reporting period.", "year", "year", "quarter"),
		enumParam("lang", inQuery, "Language of item names.", "vi", "vi", "en"),
	}
}
