package queryhalf

import (
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"

	"github.com/vnstock-api/vnstock-api/api/auth"
	"github.com/vnstock-api/vnstock-api/feeds"
	"github.com/vnstock-api/vnstock-api/feeds/fmarket"
	"github.com/vnstock-api/vnstock-api/feeds/gold"
	"github.com/vnstock-api/vnstock-api/feeds/kbs"
	"github.com/vnstock-api/vnstock-api/feeds/msn"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/feeds/vcb"
	"github.com/vnstock-api/vnstock-api/feeds/vci"
	"github.com/vnstock-api/vnstock-api/market"
)

// URLVar names one upstream base-URL setting: the key of
// SourcesConfig.URLs, its environment variable and its serve flag.
type URLVar struct{ Name, Env, Flag string }

// URLVars returns the base-URL settings of the upstream sources.
func URLVars() []URLVar {
	return []URLVar{
		{"kbs", "VNSTOCK_KBS_URL", "kbs-url"},
		{"vci", "VNSTOCK_VCI_URL", "vci-url"},
		{"vciiq", "VNSTOCK_VCI_IQ_URL", "vci-iq-url"},
		{"msn", "VNSTOCK_MSN_URL", "msn-url"},
		{"fmarket", "VNSTOCK_FMARKET_URL", "fmarket-url"},
		{"sjc", "VNSTOCK_SJC_URL", "sjc-url"},
		{"btmc", "VNSTOCK_BTMC_URL", "btmc-url"},
		{"vcb", "VNSTOCK_VCB_URL", "vcb-url"},
		{"ssi", "VNSTOCK_SSI_IBOARD_URL", "ssi-iboard-url"},
	}
}

// CheckSettings reports the first invalid setting among those every
// binary serving queries shares: the auth mode, the Postgres URL and the
// upstream base URLs (keyed by URLVar.Name; "" means the real one).
func CheckSettings(authMode, databaseURL string, urls map[string]string) error {
	if authMode != auth.ModeKeys && authMode != auth.ModeOff {
		return fmt.Errorf("auth: %q is not keys or off", authMode)
	}
	for name, u := range urls {
		if u == "" {
			continue
		}
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https" && pu.Scheme != "ws" && pu.Scheme != "wss") || pu.Host == "" {
			return fmt.Errorf("%s-url: %q is not an absolute http(s) or ws(s) URL", name, u)
		}
	}
	if databaseURL != "" && !strings.HasPrefix(databaseURL, "postgres://") && !strings.HasPrefix(databaseURL, "postgresql://") {
		return fmt.Errorf("database-url: must start with postgres:// (got a %d-character value)", len(databaseURL))
	}
	return nil
}

// SourcesConfig configures the upstream sources of one process.
type SourcesConfig struct {
	URLs    map[string]string // base URLs by URLVar.Name; "" or absent = the real one
	BTMCKey string            // the BTMC API's public key
	// SimHistory puts the simulated history first for what it has (OHLCV,
	// company, ratios), so that charts match the sim feed's prices.
	SimHistory bool
	SimSeed    int64
	Observer   upstream.Observer // sees every upstream request; nil = none
}

// Upstreams is every upstream source of one process, each behind its own
// Resilient client (rate limit, retries, breaker, singleflight), and the
// Failover that answers the query half from them.
type Upstreams struct {
	KBS      *kbs.Source
	VCI      *vci.Source
	Failover *feeds.Failover
	Clients  []*upstream.Resilient
	All      []feeds.Source // every real upstream source, by itself
}

// NewUpstreams builds the sources from cfg's base URLs.
func NewUpstreams(cfg SourcesConfig, log *slog.Logger) (*Upstreams, error) {
	u := &Upstreams{}
	doer := func(source string) upstream.Doer {
		p := upstream.DefaultPolicy(source)
		p.Observer, p.Logger = cfg.Observer, log
		r := upstream.NewResilient(upstream.NewClient(upstream.Config{Source: source}), p)
		u.Clients = append(u.Clients, r)
		return r
	}
	u.KBS = kbs.New(kbs.Config{BaseURL: cfg.URLs["kbs"], Doer: doer("kbs")})
	u.VCI = vci.New(vci.Config{TradingURL: cfg.URLs["vci"], IQURL: cfg.URLs["vciiq"], Doer: doer("vci")})
	sources := []feeds.Source{
		u.KBS, u.VCI,
		msn.New(msn.Config{BaseURL: cfg.URLs["msn"], Doer: doer("msn")}),
		fmarket.New(fmarket.Config{BaseURL: cfg.URLs["fmarket"], Doer: doer("fmarket")}),
		gold.NewSJC(gold.Config{BaseURL: cfg.URLs["sjc"], Doer: doer("sjc")}),
		gold.NewBTMC(gold.Config{BaseURL: cfg.URLs["btmc"], Key: cfg.BTMCKey, Doer: doer("btmc")}),
		vcb.New(vcb.Config{BaseURL: cfg.URLs["vcb"], Doer: doer("vcb")}),
	}
	u.All = slices.Clone(sources)
	routes := feeds.DefaultRoutes()
	if cfg.SimHistory {
		hist, err := feeds.NewSimHistory(feeds.SimHistoryConfig{Seed: cfg.SimSeed})
		if err != nil {
			return nil, err
		}
		sources = append(sources, hist)
		for _, c := range []market.Capability{market.CapOHLCV, market.CapCompany, market.CapRatios} {
			routes[c] = append([]string{hist.Name()}, routes[c]...)
		}
	}
	u.Failover = feeds.NewFailover(routes, log, sources...)
	return u, nil
}

// States reports every upstream client's breaker state (readiness, metrics).
func (u *Upstreams) States() []upstream.State {
	out := make([]upstream.State, len(u.Clients))
	for i, c := range u.Clients {
		out[i] = c.State()
	}
	return out
}
