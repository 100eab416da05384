package cache

import (
	"time"

	"github.com/vnstock-api/vnstock-api/market"
)

// Class is a data class: answers of one class stay valid for the same time.
type Class string

// The data classes.
const (
	ClassBoard      Class = "board"       // price board quotes, depth
	ClassIntraday   Class = "intraday"    // trades of the session, bars of a day still trading
	ClassClosedBars Class = "closed_bars" // bars of closed trading days: they never change
	ClassListing    Class = "listing"     // symbol lists, groups, industries, indices, search
	ClassCompany    Class = "company"     // company documents, news, events
	ClassFinancials Class = "financials"  // statements and ratios
	ClassFund       Class = "fund"        // fund lists, NAV, holdings
	ClassRetail     Class = "retail"      // gold prices, exchange rates
	ClassStale      Class = "stale"       // an answer served stale after an upstream failure
)

// ClassOf returns the class of a capability's answers. OHLCV is
// ClassClosedBars; the storage Service uses ClassIntraday for a range that
// includes a day still trading.
func ClassOf(c market.Capability) Class {
	switch c {
	case market.CapBoard, market.CapDepth:
		return ClassBoard
	case market.CapTrades:
		return ClassIntraday
	case market.CapOHLCV:
		return ClassClosedBars
	case market.CapEquities, market.CapGroup, market.CapIndustries, market.CapIndustry,
		market.CapIndices, market.CapSearch:
		return ClassListing
	case market.CapBalanceSheet, market.CapIncomeStatement, market.CapCashFlow, market.CapRatios:
		return ClassFinancials
	case market.CapFunds, market.CapFundNAV, market.CapFundTopHoldings, market.CapFundIndustry, market.CapFundAssets:
		return ClassFund
	case market.CapGold, market.CapExchangeRates:
		return ClassRetail
	}
	return ClassCompany
}

// TTLs maps each class to how long its answers stay valid.
type TTLs map[Class]time.Duration

// DefaultTTLs returns the default lifetimes: seconds for what trades, a day
// for documents that change daily at most, a week for closed-day bars (they
// never change, but the cache is bounded; storage keeps them for good).
func DefaultTTLs() TTLs {
	return TTLs{
		ClassBoard:      3 * time.Second,
		ClassIntraday:   5 * time.Second,
		ClassClosedBars: 7 * 24 * time.Hour,
		ClassListing:    24 * time.Hour,
		ClassCompany:    24 * time.Hour,
		ClassFinancials: 24 * time.Hour,
		ClassFund:       6 * time.Hour,
		ClassRetail:     10 * time.Minute,
		ClassStale:      5 * time.Second,
	}
}

// For returns the class's lifetime: t's value, else the default, else a
// minute for a class nobody named.
func (t TTLs) For(c Class) time.Duration {
	if d, ok := t[c]; ok {
		return d
	}
	if d, ok := DefaultTTLs()[c]; ok {
		return d
	}
	return time.Minute
}
