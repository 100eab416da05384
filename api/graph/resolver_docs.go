package graph

import (
	"context"
	"strconv"

	"github.com/vnstock-api/vnstock-api/api/graph/model"
	"github.com/vnstock-api/vnstock-api/market"
)

// Group answers the group's table and its members; the members' quote and
// company fields load through the request's batch loaders, primed here so
// that all members' rows come in one board request.
func (r queryResolver) Group(ctx context.Context, code string) (*model.Group, error) {
	c, err := parseSymbol("code", code)
	if err != nil {
		return nil, err
	}
	a, err := r.h.cfg.Service.Get(ctx, market.Query{Capability: market.CapGroup, Group: string(c)})
	if err != nil {
		return nil, err
	}
	t := tableOf(a)
	col := t.Frame.Col("symbol")
	if col < 0 {
		col = t.Frame.Col("ticker")
	}
	if col < 0 && t.Frame.Len() > 0 {
		return nil, &market.SchemaError{Source: a.Source, Field: "symbol", Msg: "the group table has no symbol column"}
	}
	g := &model.Group{Code: string(c), Table: t, Members: make([]*model.GroupMember, 0, t.Frame.Len())}
	syms := make([]market.Symbol, 0, t.Frame.Len())
	for i, row := range t.Frame.Rows {
		s, _ := row[col].(string)
		sym, err := market.ParseSymbol(s)
		if err != nil {
			return nil, &market.SchemaError{Source: a.Source, Field: "symbol", Msg: "row " + strconv.Itoa(i) + ": " + err.Error()}
		}
		rec, err := model.RowJSON(t.Frame, i)
		if err != nil {
			return nil, err
		}
		syms = append(syms, sym)
		g.Members = append(g.Members, &model.GroupMember{Symbol: string(sym), Record: rec, Company: &model.Company{Symbol: string(sym)}})
	}
	r.h.loadersOf(ctx).quotes.Prime(syms...)
	return g, nil
}

type memberResolver struct{ h *Handler }

// Quote loads the member's board row in the request's one board batch.
func (r memberResolver) Quote(ctx context.Context, m *model.GroupMember) (*model.Quote, error) {
	q, err := r.h.loadersOf(ctx).quotes.Load(ctx, market.Symbol(m.Symbol))
	if err != nil || q == nil {
		return nil, err
	}
	return model.QuoteFrom(q, model.Live{}), nil
}

// doc loads one document through the request's document loader, so that a
// company asked for twice (or by every member of a group) is fetched once.
func (h *Handler) doc(ctx context.Context, k docKey) (*model.Table, error) {
	a, err := h.loadersOf(ctx).docs.Load(ctx, k)
	if err != nil {
		return nil, err
	}
	return tableOf(a), nil
}

type companyResolver struct{ h *Handler }

func (r companyResolver) load(ctx context.Context, c *model.Company, cap market.Capability) (*model.Table, error) {
	return r.h.doc(ctx, docKey{cap: cap, symbol: market.Symbol(c.Symbol)})
}

func (r companyResolver) Info(ctx context.Context, c *model.Company) (*model.Table, error) {
	return r.load(ctx, c, market.CapCompany)
}

func (r companyResolver) Shareholders(ctx context.Context, c *model.Company) (*model.Table, error) {
	return r.load(ctx, c, market.CapShareholders)
}

func (r companyResolver) Officers(ctx context.Context, c *model.Company) (*model.Table, error) {
	return r.load(ctx, c, market.CapOfficers)
}

func (r companyResolver) Subsidiaries(ctx context.Context, c *model.Company) (*model.Table, error) {
	return r.load(ctx, c, market.CapSubsidiaries)
}

func (r companyResolver) Ownership(ctx context.Context, c *model.Company) (*model.Table, error) {
	return r.load(ctx, c, market.CapOwnership)
}

func (r companyResolver) InsiderTrading(ctx context.Context, c *model.Company) (*model.Table, error) {
	return r.load(ctx, c, market.CapInsiderTrading)
}

func (r companyResolver) CapitalHistory(ctx context.Context, c *model.Company) (*model.Table, error) {
	return r.load(ctx, c, market.CapCapitalHistory)
}

func (r companyResolver) News(ctx context.Context, c *model.Company) (*model.Table, error) {
	return r.load(ctx, c, market.CapNews)
}

func (r companyResolver) Events(ctx context.Context, c *model.Company) (*model.Table, error) {
	return r.load(ctx, c, market.CapEvents)
}

type fundResolver struct{ h *Handler }

func (r fundResolver) load(ctx context.Context, f *model.Fund, cap market.Capability) (*model.Table, error) {
	return r.h.doc(ctx, docKey{cap: cap, code: f.Code})
}

func (r fundResolver) Nav(ctx context.Context, f *model.Fund) (*model.Table, error) {
	return r.load(ctx, f, market.CapFundNAV)
}

func (r fundResolver) TopHoldings(ctx context.Context, f *model.Fund) (*model.Table, error) {
	return r.load(ctx, f, market.CapFundTopHoldings)
}

func (r fundResolver) IndustryHoldings(ctx context.Context, f *model.Fund) (*model.Table, error) {
	return r.load(ctx, f, market.CapFundIndustry)
}

func (r fundResolver) AssetHoldings(ctx context.Context, f *model.Fund) (*model.Table, error) {
	return r.load(ctx, f, market.CapFundAssets)
}
