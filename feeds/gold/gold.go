// Package gold reads Vietnamese gold prices from SJC (PriceService.ashx,
// prices by date since 2016-01-02) and Bảo Tín Minh Châu (getpricebtmc,
// current prices only), upstream.md §7. Both answer market.CapGold;
// Query.Provider ("sjc" or "btmc") picks one, and an empty Provider lets a
// failover ask SJC first and BTMC second.
package gold

import (
	"strconv"
	"strings"
	"time"

	"fmt"
	"github.com/vnstock-api/vnstock-api/feeds/upstream"
	"github.com/vnstock-api/vnstock-api/market"
)

// Source names.
const (
	NameSJC  = "sjc"
	NameBTMC = "btmc"
)

// Default upstream bases.
const (
	DefaultSJCURL  = "https://sjc.com.vn"
	DefaultBTMCURL = "http://api.btmc.vn"
)

// Config configures a gold source.
type Config struct {
	// BaseURL is the upstream base (DefaultSJCURL, DefaultBTMCURL, or the
	// fake upstream's /sjc or /btmc prefix).
	BaseURL string
	// Key is BTMC's API key (the public key vnstock embeds; kept out of
	// the code, pass it from configuration). Unused by SJC.
	Key string
	// Doer performs the requests (default: a plain upstream.Client; give
	// it an upstream.Resilient in production).
	Doer upstream.Doer
	// Now is the clock (default time.Now); "today" is its ICT date.
	Now func() time.Time
}

func (c Config) withDefaults(name, base string) Config {
	c.Doer = upstream.DoerOr(c.Doer, name)
	c.BaseURL = upstream.BaseURL(c.BaseURL, base)
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// checkQuery returns ErrUnsupported when q asks for another capability
// than gold or for another provider than name, and ErrInvalid for an
// unknown provider.
func checkQuery(q market.Query, name string) error {
	if q.Capability != market.CapGold {
		return fmt.Errorf("%s: %s: %w", name, q.Capability, market.ErrUnsupported)
	}
	switch q.Provider {
	case "", name:
		return nil
	case NameSJC, NameBTMC:
		return market.ErrUnsupported
	}
	return market.Invalid("provider", "%q is not sjc or btmc", q.Provider)
}

// parseVND reads a price such as "8350000", "8,350,000" or "8350000.0" as
// whole VND.
func parseVND(source, field, s string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f >= 0 && f <= 1e13) { // also refuses NaN
		return 0, &market.SchemaError{Source: source, Field: field, Msg: "not a price: " + strconv.Quote(truncate(s))}
	}
	return int64(f + 0.5), nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40]
	}
	return s
}
