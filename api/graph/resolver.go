package graph

import (
	"context"
	"strings"

	"github.com/vnstock-api/vnstock-api/api/graph/internal/gen"
	"github.com/vnstock-api/vnstock-api/api/graph/model"
	"github.com/vnstock-api/vnstock-api/market"
	"github.com/vnstock-api/vnstock-api/storage"
)

// resolver is the root of the generated ResolverRoot.
type resolver struct{ h *Handler }

func (r *resolver) Query() gen.QueryResolver               { return queryResolver{r.h} }
func (r *resolver) Subscription() gen.SubscriptionResolver { return subscriptionResolver{r.h} }
func (r *resolver) Company() gen.CompanyResolver           { return companyResolver{r.h} }
func (r *resolver) Fund() gen.FundResolver                 { return fundResolver{r.h} }
func (r *resolver) GroupMember() gen.GroupMemberResolver   { return memberResolver{r.h} }

type queryResolver struct{ h *Handler }

// table makes the field's one Service call and wraps its frame.
func (h *Handler) table(ctx context.Context, q market.Query) (*model.Table, error) {
	a, err := h.cfg.Service.Get(ctx, q)
	if err != nil {
		return nil, err
	}
	return tableOf(a), nil
}

func tableOf(a storage.Answer) *model.Table {
	f := a.Frame
	if f == nil {
		f = &market.Frame{Columns: []string{}}
	}
	return &model.Table{Frame: f, Meta: metaOf(a)}
}

func metaOf(a storage.Answer) *model.Meta {
	m := &model.Meta{Source: a.Source, PriceUnit: a.PriceUnit, Cached: a.Cached, Stale: a.Stale}
	if m.PriceUnit == "" {
		m.PriceUnit = "vnd"
	}
	if !a.FetchedAt.IsZero() {
		t := a.FetchedAt
		m.FetchedAt = &t
	}
	return m
}

// parseSymbol validates a symbol argument and names the argument on error.
func parseSymbol(field, s string) (market.Symbol, error) {
	sym, err := market.ParseSymbol(s)
	if err != nil {
		return "", market.Invalid(field, "%q must be 1 to %d letters and digits", s, market.MaxSymbolLen)
	}
	return sym, nil
}

func (r queryResolver) Equities(ctx context.Context, exchange *model.Exchange, typ *model.SecurityType) (*model.Table, error) {
	q := market.Query{Capability: market.CapEquities}
	if exchange != nil {
		q.Exchange = string(*exchange)
	}
	if typ != nil {
		q.Type = strings.ToLower(string(*typ))
	}
	return r.h.table(ctx, q)
}

func (r queryResolver) Industries(ctx context.Context) (*model.Table, error) {
	return r.h.table(ctx, market.Query{Capability: market.CapIndustries})
}

func (r queryResolver) Industry(ctx context.Context, code string) (*model.Table, error) {
	c, err := parseSymbol("code", code)
	if err != nil {
		return nil, err
	}
	return r.h.table(ctx, market.Query{Capability: market.CapIndustry, Code: string(c)})
}

func (r queryResolver) Indices(ctx context.Context) (*model.Table, error) {
	return r.h.table(ctx, market.Query{Capability: market.CapIndices})
}

func (r queryResolver) Etfs(ctx context.Context) (*model.Table, error) {
	return r.h.table(ctx, market.Query{Capability: market.CapEquities, Type: "etf"})
}

func (r queryResolver) Futures(ctx context.Context) (*model.Table, error) {
	return r.h.table(ctx, market.Query{Capability: market.CapEquities, Type: "futures"})
}

func (r queryResolver) Warrants(ctx context.Context) (*model.Table, error) {
	return r.h.table(ctx, market.Query{Capability: market.CapEquities, Type: "cw"})
}

func (r queryResolver) Bonds(ctx context.Context) (*model.Table, error) {
	return r.h.table(ctx, market.Query{Capability: market.CapEquities, Type: "bond"})
}

func (r queryResolver) Search(ctx context.Context, text string) (*model.Table, error) {
	text = strings.TrimSpace(text)
	if text == "" || len(text) > 64 {
		return nil, market.Invalid("q", "give 1 to 64 characters to search for")
	}
	return r.h.table(ctx, market.Query{Capability: market.CapSearch, Text: text})
}

func (r queryResolver) Funds(ctx context.Context) (*model.Table, error) {
	return r.h.table(ctx, market.Query{Capability: market.CapFunds})
}

func (r queryResolver) Fund(_ context.Context, code string) (*model.Fund, error) {
	c, err := parseSymbol("code", code)
	if err != nil {
		return nil, err
	}
	return &model.Fund{Code: string(c)}, nil
}

func (r queryResolver) Company(_ context.Context, symbol string) (*model.Company, error) {
	s, err := parseSymbol("symbol", symbol)
	if err != nil {
		return nil, err
	}
	return &model.Company{Symbol: string(s)}, nil
}
