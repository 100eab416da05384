package vci

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// ratioLabel names a ratio field of statistics-financial (iq) or of
// CompanyFinancialRatio (GraphQL): Vietnamese and English labels and the
// snake_case id vnstock's RATIO_COLUMN_MAP_SNAKE uses (camelCase fields it
// does not map keep their own name in snake_case). ok is false for
// bookkeeping fields (ticker, ids, periods) that are not items.
func ratioLabel(field string) (label, bool) {
	switch field {
	case "ticker", "organCode", "year", "quarter", "yearReport", "lengthReport", "updateDate",
		"ratioType", "ratioTTMId", "ratioYearId", "__typename":
		return label{}, false
	}
	if l, ok := valuationLabel(field); ok {
		return l, true
	}
	if l, ok := profitLabel(field); ok {
		return l, true
	}
	if l, ok := bankLabel(field); ok {
		return l, true
	}
	// Line-item codes (BSA1, ISA3, CFA21, RTQ10 ...) and fields without a
	// known meaning keep their code; VCI's label dictionary for them is not
	// part of these answers.
	return label{vi: field, en: field, id: camelToSnake(field)}, true
}

func valuationLabel(field string) (label, bool) {
	switch field {
	case "pe":
		return label{"P/E", "P/E", "pe_ratio"}, true
	case "pb":
		return label{"P/B", "P/B", "pb_ratio"}, true
	case "ps":
		return label{"P/S", "P/S", "ps_ratio"}, true
	case "priceToCashFlow", "pcf":
		return label{"Giá/Dòng tiền", "Price/Cash Flow", "price_to_cash_flow"}, true
	case "evToEbitda", "evPerEbitda":
		return label{"EV/EBITDA", "EV/EBITDA", "ev_to_ebitda"}, true
	case "ev":
		return label{"Giá trị doanh nghiệp", "Enterprise Value", "enterprise_value"}, true
	case "marketCap":
		return label{"Vốn hóa", "Market Cap", "market_cap"}, true
	case "numberOfSharesMktCap", "issueShare":
		return label{"Số CP lưu hành", "Outstanding Shares", "outstanding_shares"}, true
	case "dividendYield", "dividend":
		return label{"Tỷ suất cổ tức", "Dividend Yield", "dividend_yield"}, true
	case "eps":
		return label{"EPS", "EPS", "earnings_per_share"}, true
	case "epsTTM":
		return label{"EPS 4 quý gần nhất", "Trailing EPS", "trailing_eps"}, true
	case "bvps":
		return label{"Giá trị sổ sách mỗi cổ phần", "Book Value per Share", "book_value_per_share"}, true
	case "charterCapital":
		return label{"Vốn điều lệ", "Charter Capital", "charter_capital"}, true
	case "revenue":
		return label{"Doanh thu", "Revenue", "revenue"}, true
	case "revenueGrowth":
		return label{"Tăng trưởng doanh thu", "Revenue Growth", "revenue_growth"}, true
	case "netProfit":
		return label{"Lợi nhuận sau thuế", "Net Profit", "net_profit"}, true
	case "netProfitGrowth":
		return label{"Tăng trưởng lợi nhuận", "Net Profit Growth", "net_profit_growth"}, true
	}
	return label{}, false
}

func profitLabel(field string) (label, bool) {
	switch field {
	case "roe":
		return label{"ROE", "ROE", "roe"}, true
	case "roa":
		return label{"ROA", "ROA", "roa"}, true
	case "roic":
		return label{"ROIC", "ROIC", "roic"}, true
	case "grossMargin":
		return label{"Biên lợi nhuận gộp", "Gross Margin", "gross_margin"}, true
	case "ebitMargin":
		return label{"Biên EBIT", "EBIT Margin", "ebit_margin"}, true
	case "preTaxProfitMargin":
		return label{"Biên lợi nhuận trước thuế", "Pre-tax Profit Margin", "pre_tax_profit_margin"}, true
	case "afterTaxProfitMargin", "netProfitMargin":
		return label{"Biên lợi nhuận ròng", "Net Profit Margin", "net_margin"}, true
	case "ebit":
		return label{"EBIT", "EBIT", "ebit"}, true
	case "ebitda":
		return label{"EBITDA", "EBITDA", "ebitda"}, true
	case "currentRatio":
		return label{"Hệ số thanh toán hiện hành", "Current Ratio", "current_ratio"}, true
	case "quickRatio":
		return label{"Hệ số thanh toán nhanh", "Quick Ratio", "quick_ratio"}, true
	case "cashRatio":
		return label{"Hệ số thanh toán tiền mặt", "Cash Ratio", "cash_ratio"}, true
	case "interestCoverage":
		return label{"Khả năng chi trả lãi vay", "Interest Coverage", "interest_coverage"}, true
	case "debtToEquity", "de":
		return label{"Nợ/Vốn chủ sở hữu", "Debt to Equity", "debt_to_equity"}, true
	case "financialLeverage", "ae":
		return label{"Đòn bẩy tài chính", "Financial Leverage", "financial_leverage"}, true
	case "assetTurnover", "at":
		return label{"Vòng quay tài sản", "Asset Turnover", "asset_turnover"}, true
	case "fixedAssetTurnover", "fat":
		return label{"Vòng quay tài sản cố định", "Fixed Asset Turnover", "fixed_asset_turnover"}, true
	case "daySaleOutstanding", "dso":
		return label{"Số ngày phải thu", "Days Sales Outstanding", "days_sales_outstanding"}, true
	case "daysInventoryOutstanding":
		return label{"Số ngày tồn kho", "Days Inventory Outstanding", "days_inventory_outstanding"}, true
	case "daysPayableOutstanding", "dpo":
		return label{"Số ngày phải trả", "Days Payable Outstanding", "days_payable_outstanding"}, true
	case "cashCycle", "ccc":
		return label{"Chu kỳ tiền", "Cash Cycle", "cash_cycle"}, true
	case "ownersEquity":
		return label{"Vốn chủ sở hữu", "Owners Equity", "owners_equity"}, true
	}
	return label{}, false
}

func bankLabel(field string) (label, bool) {
	switch field {
	case "netInterestMargin":
		return label{"Biên lãi thuần", "Net Interest Margin", "net_interest_margin"}, true
	case "averageYieldOnEarningAssets":
		return label{"Lãi suất bình quân tài sản sinh lãi", "Avg Yield on Earning Assets", "avg_yield_on_earning_assets"}, true
	case "averageCostOfFinancing":
		return label{"Chi phí vốn bình quân", "Avg Cost of Financing", "avg_cost_of_financing"}, true
	case "nonAndInterestIncome":
		return label{"Thu nhập ngoài lãi", "Non-interest Income", "non_interest_income"}, true
	case "costToIncome":
		return label{"Tỷ lệ chi phí/thu nhập", "Cost/Income Ratio", "cost_to_income_ratio"}, true
	case "loansGrowth":
		return label{"Tăng trưởng cho vay", "Loans Growth", "loans_growth"}, true
	case "depositGrowth":
		return label{"Tăng trưởng tiền gửi", "Deposit Growth", "deposit_growth"}, true
	case "equityToLiabilities":
		return label{"Vốn chủ/Tổng nợ", "Equity/Total Liabilities", "equity_to_liabilities"}, true
	case "equityToLoans":
		return label{"Vốn chủ/Cho vay", "Equity/Loans", "equity_to_loans"}, true
	case "totalEquityTotalAsset":
		return label{"Vốn chủ/Tổng tài sản", "Equity/Total Assets", "equity_to_assets"}, true
	case "ldrLoanDepositRatio":
		return label{"LDR", "LDR", "ldr"}, true
	case "npl":
		return label{"Nợ xấu", "NPL", "npl"}, true
	case "loansLossReservesToNPLs":
		return label{"Dự phòng rủi ro/Nợ xấu", "Loan Loss Reserves/NPLs", "loan_loss_reserves_to_npls"}, true
	case "loansLossReserveToLoans":
		return label{"Dự phòng rủi ro/Cho vay", "Loan Loss Reserve/Loans", "loan_loss_reserve_to_loans"}, true
	case "provisionToOutstandingLoans":
		return label{"Trích lập dự phòng/Cho vay", "Provision/Outstanding Loans", "provision_to_outstanding_loans"}, true
	case "cir":
		return label{"CIR", "CIR", "cir"}, true
	case "car":
		return label{"CAR", "CAR", "car"}, true
	case "casaRatio":
		return label{"Tỷ lệ CASA", "CASA Ratio", "casa_ratio"}, true
	}
	return label{}, false
}

// ratioFrame builds the ratio report of recs (the answer's period records).
// When the answer mixes period types (mixed: statistics-financial), year
// reports keep the records of quarter 5 (or ratioType RATIO_YEAR) and
// quarter reports those of quarters 1-4 that are not TTM rows.
func ratioFrame(recs []record, quarterly, mixed bool, lang string, limit int, field string) (*market.Frame, error) {
	rows, err := periodRows(recs, quarterly, field)
	if err != nil {
		return nil, err
	}
	var kept []periodRow
	for _, p := range rows {
		typ := p.rec.str("ratioType")
		isYear := p.quarter == 5 || typ == "RATIO_YEAR"
		if !mixed || (quarterly != isYear && typ != "RATIO_TTM") {
			kept = append(kept, p)
		}
	}
	if limit > 0 && len(kept) > limit {
		kept = kept[:limit]
	}
	labels := map[string]label{}
	for _, p := range kept {
		for _, k := range p.rec.keys {
			if l, ok := ratioLabel(k); ok {
				labels[k] = l
			}
		}
	}
	fields := fieldsOf(kept, labels)
	if !mixed {
		// The GraphQL answer's key order is the query's; the recorded answers
		// lost it (their keys are sorted), so restore the query's order.
		rank := map[string]int{}
		for i, f := range strings.Fields(graphQLRatioFields) {
			rank[f] = i + 1
		}
		sort.SliceStable(fields, func(i, j int) bool {
			ri, rj := rank[fields[i]], rank[fields[j]]
			return ri != 0 && (rj == 0 || ri < rj)
		})
	}
	return itemFrame(fields, labels, kept, lang, false), nil
}

// parseStatistics parses GET {IQ}/v1/company/{sym}/statistics-financial
// ({data: [{year, quarter, ratioType, pe, pb, roe ...}]}). Ratios are
// fractions (roe 0.1756), marketCap VND.
func parseStatistics(body []byte, quarterly bool, lang string, limit int) (*market.Frame, error) {
	recs, err := iqList(body, "statistics-financial")
	if err != nil {
		return nil, err
	}
	return ratioFrame(recs, quarterly, true, lang, limit, "data")
}

// graphQLRequest is the body of POST /data-mt/graphql.
type graphQLRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

// graphQLRatioFields are the CompanyFinancialRatio fields asked for: the
// field set of the recorded answers (shared/upstream/vci).
const graphQLRatioFields = "ticker yearReport lengthReport updateDate revenue revenueGrowth netProfit netProfitGrowth " +
	"ebitMargin roe roic roa pe pb eps currentRatio cashRatio quickRatio interestCoverage ae netProfitMargin " +
	"grossMargin ev issueShare ps pcf bvps evPerEbitda at fat acp dso dpo ccc de le ebitda ebit dividend " +
	"RTQ10 charterCapitalRatio RTQ4 epsTTM charterCapital BSA1 BSA2 BSA5 BSA8 BSA10 BSA159 BSA16 BSA22 BSA23 " +
	"BSA24 BSA162 BSA27 BSA29 BSA43 BSA46 BSA50 BSA209 BSA53 BSA54 BSA55 BSA56 BSA58 BSA67 BSA71 BSA173 BSA78 " +
	"BSA79 BSA80 BSA175 BSA86 BSA90 BSA96 CFA21 CFA22"

// graphQLRatioQuery is the CompanyFinancialRatio query (vnstock ≤ 3.4's shape).
func graphQLRatioQuery() string {
	return "fragment Ratios on CompanyFinancialRatio {\n  " + strings.ReplaceAll(graphQLRatioFields, " ", "\n  ") +
		"\n  __typename\n}\n\nquery Query($ticker: String!, $period: String!) {\n  CompanyFinancialRatio(ticker: $ticker, period: $period) {\n" +
		"    ratio {\n      ...Ratios\n      __typename\n    }\n    period\n    __typename\n  }\n}\n"
}

// parseGraphQLRatios parses the answer of the CompanyFinancialRatio query
// ({data: {CompanyFinancialRatio: {ratio: [...], period}}}) into the ratio
// report frame, every period when limit is 0. A GraphQL error answer is
// market.ErrUpstream; a null result market.ErrNotFound.
func parseGraphQLRatios(body []byte, quarterly bool, lang string, limit int) (*market.Frame, error) {
	var env struct {
		Data *struct {
			CompanyFinancialRatio *struct {
				Ratio json.RawMessage `json:"ratio"`
			} `json:"CompanyFinancialRatio"`
		} `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := decodeJSON(body, &env, "graphql"); err != nil {
		return nil, err
	}
	if env.Data == nil || env.Data.CompanyFinancialRatio == nil {
		if len(env.Errors) > 0 {
			return nil, fmt.Errorf("graphql: %.200s: %w", env.Errors[0].Message, market.ErrUpstream)
		}
		return nil, fmt.Errorf("no CompanyFinancialRatio: %w", market.ErrNotFound)
	}
	raw := env.Data.CompanyFinancialRatio.Ratio
	if len(raw) == 0 || string(raw) == "null" {
		return itemFrame(nil, nil, nil, lang, false), nil
	}
	recs, err := decodeRecords(raw, "data.CompanyFinancialRatio.ratio")
	if err != nil {
		return nil, err
	}
	return ratioFrame(recs, quarterly, false, lang, limit, "data.CompanyFinancialRatio.ratio")
}

// ratios answers CapRatios from statistics-financial, or from the GraphQL
// query when Config.Ratios is RatiosGraphQL.
func (s *Source) ratios(ctx context.Context, q market.Query) (market.Result, error) {
	if err := stockOnly(q); err != nil {
		return market.Result{}, err
	}
	quarterly, err := periodOf(q)
	if err != nil {
		return market.Result{}, err
	}
	var f *market.Frame
	if s.cfg.Ratios == RatiosGraphQL {
		f, err = s.graphQLRatios(ctx, q, quarterly)
	} else {
		var body []byte
		body, err = s.getIQ(ctx, string(market.CapRatios), "/v1/company/"+string(q.Symbol)+"/statistics-financial", nil)
		if err == nil {
			f, err = parseStatistics(body, quarterly, q.Lang, limitOf(q))
		}
	}
	if err != nil {
		return market.Result{}, err
	}
	return market.Result{Frame: f}, nil
}

// graphQLRatios sends the CompanyFinancialRatio query.
func (s *Source) graphQLRatios(ctx context.Context, q market.Query, quarterly bool) (*market.Frame, error) {
	period := "Y"
	if quarterly {
		period = "Q"
	}
	s.handshake(ctx)
	b, err := json.Marshal(graphQLRequest{Query: graphQLRatioQuery(),
		Variables: map[string]any{"ticker": string(q.Symbol), "period": period}})
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	body, err := s.cfg.Doer.Do(ctx, upstream.Request{Method: http.MethodPost, URL: s.cfg.TradingURL + "/data-mt/graphql",
		Body: b, Header: s.header(), Capability: string(market.CapRatios)})
	if err != nil {
		return nil, err
	}
	return parseGraphQLRatios(body, quarterly, q.Lang, limitOf(q))
}
