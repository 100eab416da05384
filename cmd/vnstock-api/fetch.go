package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"

	"github.com/gorilla/mux"

	"github.com/vnstock-api/vnstock-api/api/rest"
	"github.com/vnstock-api/vnstock-api/cmd/internal/queryhalf"
)

const fetchUsage = `usage: vnstock-api fetch <capability|/v1/path> [name=value ...] [format=csv]
Prints one capability as the REST API would answer it (JSON, or CSV with format=csv),
through the same sources, store and cache as the server. Examples:
  vnstock-api fetch ohlcv symbol=VNM start=2024-01-01 end=2024-06-30 interval=1D
  vnstock-api fetch company symbol=FPT
  vnstock-api fetch income-statement symbol=FPT period=quarter lang=en
  vnstock-api fetch gold source=sjc format=csv
  vnstock-api fetch /v1/reference/groups/VN30
Capabilities: ` + "%s"

// fetchPaths maps a capability name to its REST route; {name} parts come
// from name=value arguments, the rest of which become query parameters.
func fetchPaths() map[string]string {
	return map[string]string{
		"equities": "/v1/reference/equities", "group": "/v1/reference/groups/{group}",
		"industries": "/v1/reference/industries", "industry": "/v1/reference/industries/{code}/equities",
		"indices": "/v1/reference/indices", "search": "/v1/reference/search", "market-status": "/v1/reference/market/status",
		"etfs": "/v1/reference/etfs", "futures": "/v1/reference/futures", "warrants": "/v1/reference/warrants", "bonds": "/v1/reference/bonds",
		"company": "/v1/reference/companies/{symbol}", "shareholders": "/v1/reference/companies/{symbol}/shareholders",
		"officers": "/v1/reference/companies/{symbol}/officers", "subsidiaries": "/v1/reference/companies/{symbol}/subsidiaries",
		"ownership": "/v1/reference/companies/{symbol}/ownership", "insider-trading": "/v1/reference/companies/{symbol}/insider-trading",
		"capital-history": "/v1/reference/companies/{symbol}/capital-history", "news": "/v1/reference/companies/{symbol}/news",
		"events": "/v1/reference/companies/{symbol}/events",
		"ohlcv":  "/v1/market/{asset}/{symbol}/ohlcv", "trades": "/v1/market/{asset}/{symbol}/trades",
		"depth": "/v1/market/equity/{symbol}/depth", "quotes": "/v1/market/quotes",
		"funds": "/v1/reference/funds", "fund-nav": "/v1/market/funds/{code}/nav",
		"fund-top-holdings": "/v1/market/funds/{code}/top-holdings", "fund-industry-holdings": "/v1/market/funds/{code}/industry-holdings",
		"fund-asset-holdings": "/v1/market/funds/{code}/asset-holdings",
		"balance-sheet":       "/v1/fundamental/equity/{symbol}/balance-sheet", "income-statement": "/v1/fundamental/equity/{symbol}/income-statement",
		"cash-flow": "/v1/fundamental/equity/{symbol}/cash-flow", "ratios": "/v1/fundamental/equity/{symbol}/ratios",
		"gold": "/v1/retail/gold", "exchange-rates": "/v1/retail/exchange-rates",
	}
}

// fetchCmd answers one capability through an in-process REST server.
func fetchCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		return fmt.Errorf(fetchUsage, strings.Join(fetchNames(), ", "))
	}
	target, err := fetchTarget(args[0], args[1:])
	if err != nil {
		return err
	}
	cfg, err := parseConfig(nil, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := newUpstreams(cfg, nil, log)
	if err != nil {
		return err
	}
	svc, err := queryhalf.NewService(st, u.Failover, nil, log)
	if err != nil {
		return err
	}
	r := mux.NewRouter()
	rest.New(rest.Config{Service: svc, Logger: log}).Register(r)
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if _, err := stdout.Write(w.Body.Bytes()); err != nil {
		return err
	}
	if w.Code != http.StatusOK {
		return fmt.Errorf("fetch %s: status %d", target, w.Code)
	}
	return nil
}

// fetchTarget builds the request path and query from the arguments.
func fetchTarget(what string, kv []string) (string, error) {
	path := what
	if !strings.HasPrefix(what, "/") {
		tpl, ok := fetchPaths()[strings.ReplaceAll(what, "_", "-")]
		if !ok {
			return "", fmt.Errorf("fetch: unknown capability %q (one of %s)", what, strings.Join(fetchNames(), ", "))
		}
		path = tpl
	}
	q := url.Values{}
	for _, a := range kv {
		name, value, ok := strings.Cut(a, "=")
		if !ok || name == "" {
			return "", fmt.Errorf("fetch: %q is not name=value", a)
		}
		if name == "format" && value != "csv" && value != "json" {
			return "", fmt.Errorf("fetch: format must be json or csv")
		}
		if ph := "{" + name + "}"; strings.Contains(path, ph) {
			path = strings.ReplaceAll(path, ph, url.PathEscape(value))
			continue
		}
		q.Add(name, value)
	}
	path = strings.ReplaceAll(path, "{asset}", "equity")
	if i := strings.Index(path, "{"); i >= 0 {
		j := strings.Index(path[i:], "}")
		return "", fmt.Errorf("fetch: give %s=...", path[i+1:i+j])
	}
	if len(q) > 0 {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + q.Encode()
	}
	return path, nil
}

func fetchNames() []string {
	paths := fetchPaths()
	names := make([]string, 0, len(paths))
	for n := range paths {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
